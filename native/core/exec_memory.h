// Executable memory for one engine: a pool of page-aligned chunks that small kernels share.
//
// W^X: no mapping is ever writable and executable at once. Two ways, chosen per pool at its first
// chunk:
//  - dual mapping (the default on x86-64): each chunk is a memfd mapped twice, a read+write view where
//    kernels are copied in and a read+execute view they run from. Adding a kernel is a memcpy
//    and an instruction-cache flush, with no system call and no permission change, so kernels
//    already in the chunk keep running undisturbed (on any thread).
//  - flipping (the default on AArch64, and the fallback when memfd or a shared executable mapping
//    is refused, e.g. by a hardened kernel policy): one private mapping, read-only until written. To
//    add a kernel, its pages are copied to fresh read+write pages with the kernel written in, those
//    are sealed read+execute and then moved over the old pages with mremap: a page holding live
//    code is never made writable, and a failed step leaves the old pages untouched. A pool is
//    still used by one thread only (an Engine is not thread-safe); the Node addon keeps one pool
//    per Node environment.
//
// Mappings: chunks grow with the pool (half of what is mapped, from 16 KiB up to 1 MiB), so that
// the number of mappings grows with the bytes mapped divided by 1 MiB, not with the number of
// kernels. Every mapping a pool holds is counted against the process-wide MappingBudget (a chunk
// is two when dual-mapped; a flipped chunk is one per run of pages written at once, since each
// mremap leaves its own mapping). A compile that would exceed it is refused like one over the cap.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "jitctl/jitctl.h"

namespace jitctl {

class ExecMemory {
 public:
  struct Block {
    uint8_t* address = nullptr;   // where the code runs (read+execute)
    uint8_t* writable = nullptr;  // the same bytes in the read+write view (dual mapping), else null
    uint32_t size = 0;      // bytes the caller asked for
    uint32_t reserved = 0;  // bytes taken from the chunk (size rounded up to the alignment)
  };

  // AArch64 flips: qemu-user (where CI runs AArch64) only notices code changes through changes to
  // the executing mapping (mprotect, mremap), so writes through an alias would leave stale translations.
#if defined(__aarch64__)
  static constexpr bool kDualMappingByDefault = false;
#else
  static constexpr bool kDualMappingByDefault = true;
#endif
  // `dualMapping` false forces flipping.
  explicit ExecMemory(uint64_t maxExecutableBytes, bool dualMapping = kDualMappingByDefault);
  ~ExecMemory();
  ExecMemory(const ExecMemory&) = delete;
  ExecMemory& operator=(const ExecMemory&) = delete;

  // Reserves `size` bytes aligned to `align` (a power of two <= page size). The block's pages are
  // not writable: fill it with write(). Throws Range when the cap would be exceeded, System when
  // the OS refuses a mapping.
  Block allocate(uint32_t size, uint32_t align);
  // Throws what allocate() would throw for the cap, without allocating: lets the emitter refuse an
  // oversized kernel before it builds the kernel's image.
  void checkCapacity(uint64_t size, uint32_t align) const;
  // Copies `image` (block.size bytes) into the block and makes it executable.
  void write(const Block& block, const uint8_t* image);
  // Frees a kernel's block (counted in releasedBlocks()).
  void release(const Block& block) { giveBack(block, true); }
  // Gives back a block whose kernel never came to be (its emit failed): not counted as released.
  void discard(const Block& block) { giveBack(block, false); }

  uint64_t bytesMapped() const { return mapped_; }
  uint64_t mappings() const { return mappings_; }  // held against the process's MappingBudget
  uint64_t chunks() const { return chunks_.size(); }
  uint64_t bytesUsed() const { return used_; }
  uint64_t liveBlocks() const { return live_; }
  uint64_t releasedBlocks() const { return released_; }
  uint64_t pageSize() const { return page_; }
  uint64_t cap() const { return cap_; }
  bool dualMapped() const { return mode_ == Mode::Dual; }
  void setCap(uint64_t cap) { cap_ = cap; }

 private:
  enum class Mode { Unknown, Dual, Flip };
  struct Chunk {
    uint8_t* base;      // read+execute (or flipped) view
    uint8_t* writable;  // read+write view, null when flipping
    uint64_t size;
    std::map<uint64_t, uint64_t> free;  // offset -> length, coalesced
    uint64_t freeBytes;
    uint64_t mappings;  // counted against the budget: 2 dual-mapped, 1 + splits() when flipped
    std::set<uint64_t> splits;  // flipping: offsets inside the chunk where one mremapped run ends and another begins
  };
  void giveBack(const Block& block, bool released);
  bool takeFrom(Chunk& chunk, uint64_t size, uint64_t align, uint64_t* offset);
  static bool fitsIn(const Chunk& chunk, uint64_t size, uint64_t align);
  uint64_t newChunkSize(uint64_t reserved) const;
  [[noreturn]] void capReached(uint64_t needed) const;
  [[noreturn]] void mappingBudgetReached(uint64_t needed) const;
  void reserveMappings(uint64_t count);
  void releaseMappings(uint64_t count);
  Chunk mapChunk(uint64_t size);
  void mapChunkPages(Chunk* chunk);
  Chunk& chunkOf(const uint8_t* address);
  bool mapDual(uint64_t size, Chunk* chunk);
  void unmapChunk(Chunk& chunk);
  void protect(uint8_t* begin, uint64_t length, int prot, const char* what);

  std::vector<Chunk> chunks_;
  Mode mode_ = Mode::Unknown;
  uint64_t page_;
  uint64_t chunkSize_;
  uint64_t cap_;
  uint64_t mapped_ = 0, used_ = 0, live_ = 0, released_ = 0, mappings_ = 0;
};

}  // namespace jitctl
