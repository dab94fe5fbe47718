#include "core/mapping_budget.h"

#include <cstdio>
#include <cstdlib>

namespace jitctl {
namespace {

constexpr uint64_t kDefaultMaxMapCount = 65530;  // Linux's default vm.max_map_count

uint64_t positiveInteger(const char* text) {
  if (!text || !*text) return 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  return end && *end == '\0' ? value : 0;
}

uint64_t systemMaxMapCount() {
  uint64_t value = 0;
  if (FILE* file = std::fopen("/proc/sys/vm/max_map_count", "r")) {
    char line[32] = {};
    if (std::fgets(line, sizeof line, file)) {
      for (char* c = line; *c; ++c)
        if (*c == '\n') *c = '\0';
      value = positiveInteger(line);
    }
    std::fclose(file);
  }
  return value ? value : kDefaultMaxMapCount;
}

uint64_t budgetLimit() {
  if (const uint64_t configured = positiveInteger(std::getenv("JITCTL_MAX_MAPPINGS"))) return configured;
  // Three quarters stay for V8, the allocator, shared libraries and the rest of the process.
  return systemMaxMapCount() / 4;
}

}  // namespace

MappingBudget& MappingBudget::process() {
  static MappingBudget budget(budgetLimit());
  return budget;
}

bool MappingBudget::tryReserve(uint64_t count) {
  uint64_t held = held_.load(std::memory_order_relaxed);
  do {
    if (count > limit_ || held > limit_ - count) return false;
  } while (!held_.compare_exchange_weak(held, held + count, std::memory_order_relaxed));
  return true;
}

void MappingBudget::release(uint64_t count) { held_.fetch_sub(count, std::memory_order_relaxed); }

}  // namespace jitctl
