// Memory mappings are a process-wide resource: Linux allows vm.max_map_count of them (65,530 by
// default) for everything in the process, V8's heap included. A pool that kept mapping chunks
// could leave V8 none, and V8 aborts the process when a mapping fails. So every engine (main thread
// and workers alike) counts the mappings it holds against one budget, a fraction of the system's
// limit, and refuses a compile long before the process runs out.
#pragma once

#include <atomic>
#include <cstdint>

namespace jitctl {

class MappingBudget {
 public:
  // The process's budget: JITCTL_MAX_MAPPINGS if set to a positive integer, else a quarter of
  // vm.max_map_count.
  static MappingBudget& process();

  // Takes `count` mappings from the budget; false (and nothing taken) when they do not fit.
  bool tryReserve(uint64_t count);
  void release(uint64_t count);

  uint64_t held() const { return held_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

 private:
  explicit MappingBudget(uint64_t limit) : limit_(limit) {}
  std::atomic<uint64_t> held_{0};
  const uint64_t limit_;
};

}  // namespace jitctl
