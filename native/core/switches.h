// Environment switches that turn an optimization off, for measuring what it buys (bench/): read
// once per process, on when unset.
#pragma once

#include <cstdlib>
#include <cstring>

namespace jitctl {

// Whether `variable` (JITCTL_CACHED_REGISTERS, JITCTL_SLOT_WEBS, JITCTL_PROVEN_ACCESSES) is set to "0".
inline bool switchedOff(const char* variable) {
  const char* value = std::getenv(variable);
  return value && std::strcmp(value, "0") == 0;
}

}  // namespace jitctl
