// Reading this process's memory map (/proc/self/maps), for the W^X checks of the pool tests.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

// The permissions ("r-xp", ...) of the mapping that holds `address`, or "" when none does.
inline std::string permissionsOf(const void* address) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  const auto a = reinterpret_cast<uintptr_t>(address);
  while (std::getline(maps, line)) {
    unsigned long lo, hi;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &lo, &hi, perms) == 3 && a >= lo && a < hi) return perms;
  }
  return "";
}
