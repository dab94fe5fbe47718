#include "core/exec_memory.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"
#include "core/mapping_budget.h"

namespace jitctl {
namespace {

// Small kernels share chunks. The first is this size (or one page when pages are larger): small
// enough that the unused tail stays a few percent of the pool once a few hundred kernels live.
constexpr uint64_t kChunkBytes = 16 * 1024;
// Later chunks are half of what the pool has mapped (so the tail is at most a third of the pool),
// up to this size: the pool then needs one chunk (two mappings) per MiB.
constexpr uint64_t kMaxGrowthChunkBytes = 1024 * 1024;
// Flipping: the most mappings one chunk is left in before it is rewritten whole (see write()).
constexpr uint64_t kMaxFlippedRuns = 16;

uint64_t roundUp(uint64_t v, uint64_t to) { return (v + to - 1) & ~(to - 1); }

}  // namespace

ExecMemory::ExecMemory(uint64_t maxExecutableBytes, bool dualMapping)
    : mode_(dualMapping ? Mode::Unknown : Mode::Flip), cap_(maxExecutableBytes) {
  const long page = sysconf(_SC_PAGESIZE);
  page_ = page > 0 ? static_cast<uint64_t>(page) : 4096;
  chunkSize_ = page_ > kChunkBytes ? page_ : kChunkBytes;
}

ExecMemory::~ExecMemory() {
  for (Chunk& chunk : chunks_) unmapChunk(chunk);
}

// munmap of a range this pool mapped cannot fail (EINVAL needs a bad range); the budget is given
// back either way, since the mappings are gone or unusable to the pool.
void ExecMemory::unmapChunk(Chunk& chunk) {
  munmap(chunk.base, chunk.size);
  if (chunk.writable) munmap(chunk.writable, chunk.size);
  releaseMappings(chunk.mappings);
  chunk.mappings = 0;
}

void ExecMemory::reserveMappings(uint64_t count) {
  if (!MappingBudget::process().tryReserve(count)) mappingBudgetReached(count);
  mappings_ += count;
}

void ExecMemory::releaseMappings(uint64_t count) {
  MappingBudget::process().release(count);
  mappings_ -= count;
}

void ExecMemory::mappingBudgetReached(uint64_t needed) const {
  const MappingBudget& budget = MappingBudget::process();
  throw ReclaimableError(
      ErrorKind::Range,
      format("executable memory needs %llu more memory mappings, but jitctl's engines already hold %llu of the "
             "process's budget of %llu (this engine %llu, with %llu live kernels in %llu bytes); Linux allows "
             "vm.max_map_count mappings per process and V8 needs the rest: free kernels (kernel.free()), or set "
             "JITCTL_MAX_MAPPINGS",
             static_cast<unsigned long long>(needed), static_cast<unsigned long long>(budget.held()),
             static_cast<unsigned long long>(budget.limit()), static_cast<unsigned long long>(mappings_),
             static_cast<unsigned long long>(live_), static_cast<unsigned long long>(mapped_)));
}

// A memfd mapped read+write and read+execute. False (and nothing mapped) when the system refuses
// any step; the pool then flips permissions instead.
bool ExecMemory::mapDual(uint64_t size, Chunk* chunk) {
#if defined(__linux__) && defined(SYS_memfd_create)
  const int fd = static_cast<int>(syscall(SYS_memfd_create, "jitctl-code", 1u /* MFD_CLOEXEC */));
  if (fd < 0) return false;
  void* rw = MAP_FAILED;
  void* rx = MAP_FAILED;
  if (ftruncate(fd, static_cast<off_t>(size)) == 0) {
    rw = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (rw != MAP_FAILED) rx = mmap(nullptr, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  }
  const int error = errno;  // the failed step's reason, which close and munmap must not overwrite
  close(fd);
  if (rx == MAP_FAILED) {
    if (rw != MAP_FAILED) munmap(rw, size);
    errno = error;
    return false;
  }
  chunk->base = static_cast<uint8_t*>(rx);
  chunk->writable = static_cast<uint8_t*>(rw);
  return true;
#else
  (void)size;
  (void)chunk;
  return false;
#endif
}

// Takes the chunk's mappings from the budget first: nothing is mapped over budget.
ExecMemory::Chunk ExecMemory::mapChunk(uint64_t size) {
  Chunk chunk{nullptr, nullptr, size, {{0, size}}, size, mode_ == Mode::Flip ? 1u : 2u, {}};
  reserveMappings(chunk.mappings);
  try {
    mapChunkPages(&chunk);
  } catch (...) {
    releaseMappings(chunk.mappings);
    throw;
  }
  return chunk;
}

void ExecMemory::mapChunkPages(Chunk* out) {
  Chunk& chunk = *out;
  const uint64_t size = chunk.size;
  if (mode_ != Mode::Flip && mapDual(size, &chunk)) {
    mode_ = Mode::Dual;
    return;
  }
  if (mode_ == Mode::Dual)
    fail(ErrorKind::System, "mapping %llu bytes of executable memory (memfd) failed: %s",
         static_cast<unsigned long long>(size), strerror(errno));
  if (mode_ == Mode::Unknown) {  // the first chunk fell back to flipping: it needs one mapping, not two
    mode_ = Mode::Flip;
    releaseMappings(1);
    chunk.mappings = 1;
  }
  // Read-only zeros until kernels are written (write() copies whole pages, including unused ones).
  void* base = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    fail(ErrorKind::System, "mmap of %llu bytes for executable memory failed: %s", static_cast<unsigned long long>(size),
         strerror(errno));
  chunk.base = static_cast<uint8_t*>(base);
}

bool ExecMemory::takeFrom(Chunk& chunk, uint64_t size, uint64_t align, uint64_t* offset) {
  for (auto it = chunk.free.begin(); it != chunk.free.end(); ++it) {
    const uint64_t start = roundUp(it->first, align);
    const uint64_t end = it->first + it->second;
    if (start + size > end) continue;
    const uint64_t freeStart = it->first;
    chunk.free.erase(it);
    if (start > freeStart) chunk.free[freeStart] = start - freeStart;
    if (end > start + size) chunk.free[start + size] = end - (start + size);
    chunk.freeBytes -= size;
    *offset = start;
    return true;
  }
  return false;
}

bool ExecMemory::fitsIn(const Chunk& chunk, uint64_t size, uint64_t align) {
  if (chunk.freeBytes < size) return false;
  for (const auto& [start, length] : chunk.free)
    if (roundUp(start, align) + size <= start + length) return true;
  return false;
}

// Geometric growth, within the cap when it can be: a chunk as large as the growth rule asks
// for, but never less than the kernel needs.
uint64_t ExecMemory::newChunkSize(uint64_t reserved) const {
  uint64_t growth = mapped_ / 2;
  if (growth < chunkSize_) growth = chunkSize_;
  if (growth > kMaxGrowthChunkBytes) growth = kMaxGrowthChunkBytes;
  const uint64_t roomUnderCap = cap_ > mapped_ ? (cap_ - mapped_) & ~(page_ - 1) : 0;
  if (growth > roomUnderCap) growth = roomUnderCap;
  return roundUp(reserved > growth ? reserved : growth, page_);
}

void ExecMemory::capReached(uint64_t needed) const {
  throw ReclaimableError(
      ErrorKind::Range,
      format("executable memory cap reached: %llu bytes mapped of the cap of %llu bytes, %llu more needed; %llu live "
             "kernels use %llu bytes (a dropped kernel stays live until the garbage collector collects it). Raise the "
             "cap with configureEngine({ maxExecutableBytes }) (C++: Engine::configure) or free kernels with "
             "kernel.free()",
             static_cast<unsigned long long>(mapped_), static_cast<unsigned long long>(cap_),
             static_cast<unsigned long long>(needed), static_cast<unsigned long long>(live_),
             static_cast<unsigned long long>(used_)));
}

void ExecMemory::checkCapacity(uint64_t size, uint32_t align) const {
  const uint64_t reserved = roundUp(size, 16);
  for (const Chunk& chunk : chunks_)
    if (fitsIn(chunk, reserved, align)) return;
  const uint64_t chunkSize = newChunkSize(reserved);
  if (chunkSize > cap_ || mapped_ > cap_ - chunkSize) capReached(chunkSize);
  const MappingBudget& budget = MappingBudget::process();
  const uint64_t mappings = mode_ == Mode::Flip ? 1 : 2;
  if (budget.held() + mappings > budget.limit()) mappingBudgetReached(mappings);
}

ExecMemory::Block ExecMemory::allocate(uint32_t size, uint32_t align) {
  if (size == 0) fail(ErrorKind::Range, "cannot allocate an empty kernel");
  if (align == 0 || (align & (align - 1)) || align > page_)
    fail(ErrorKind::Range, "kernel alignment %u is not a power of two up to the page size", align);
  const uint64_t reserved = roundUp(size, 16);
  uint64_t offset = 0;
  for (Chunk& chunk : chunks_) {
    if (chunk.freeBytes >= reserved && takeFrom(chunk, reserved, align, &offset)) {
      used_ += size;
      ++live_;
      return Block{chunk.base + offset, chunk.writable ? chunk.writable + offset : nullptr, size,
                   static_cast<uint32_t>(reserved)};
    }
  }
  const uint64_t chunkSize = newChunkSize(reserved);
  if (chunkSize > cap_ || mapped_ > cap_ - chunkSize) capReached(chunkSize);
  chunks_.push_back(mapChunk(chunkSize));
  mapped_ += chunkSize;
  Chunk& chunk = chunks_.back();
  takeFrom(chunk, reserved, align, &offset);
  used_ += size;
  ++live_;
  return Block{chunk.base + offset, chunk.writable ? chunk.writable + offset : nullptr, size,
               static_cast<uint32_t>(reserved)};
}

void ExecMemory::protect(uint8_t* begin, uint64_t length, int prot, const char* what) {
  if (mprotect(begin, length, prot) != 0)
    fail(ErrorKind::System, "mprotect of %llu bytes to %s failed: %s", static_cast<unsigned long long>(length), what,
         strerror(errno));
}

// After new code is written where the CPU may execute it: AArch64's instruction cache is not
// coherent with data writes (x86-64's is, so there it is nothing).
static void flushInstructionCache(const ExecMemory::Block& block) {
#if defined(__aarch64__)
  __builtin___clear_cache(reinterpret_cast<char*>(block.address), reinterpret_cast<char*>(block.address + block.size));
#else
  (void)block;
#endif
}

void ExecMemory::write(const Block& block, const uint8_t* image) {
  if (block.writable) {
    std::memcpy(block.writable, image, block.size);
    flushInstructionCache(block);
    return;
  }
  const uintptr_t first = reinterpret_cast<uintptr_t>(block.address) & ~(page_ - 1);
  const uintptr_t last = roundUp(reinterpret_cast<uintptr_t>(block.address) + block.size, page_);
  uint8_t* pages = reinterpret_cast<uint8_t*>(first);
  uint64_t length = last - first;
#if defined(__linux__)
  // The pages may hold other live kernels, so they are never reopened: fresh pages get a copy of
  // them plus the new kernel, are sealed read+execute, and only then replace the old ones in one
  // mremap. Any failure leaves the old pages as they were (read+execute, every kernel intact).
  // The moved pages stay a mapping of their own: the chunk's count grows by the boundaries the
  // move adds (its fresh mapping is counted too while it exists). When a chunk would be split into
  // more than kMaxFlippedRuns mappings, the whole chunk is rewritten instead, which makes it one
  // again: a copy of the chunk every so many compiles, so that mappings grow with chunks, not kernels.
  Chunk& chunk = chunkOf(block.address);
  uint64_t begin = static_cast<uint64_t>(pages - chunk.base), end = begin + length;
  std::set<uint64_t> splits = chunk.splits;
  splits.erase(splits.upper_bound(begin), splits.lower_bound(end));
  if (begin > 0) splits.insert(begin);
  if (end < chunk.size) splits.insert(end);
  if (1 + splits.size() > kMaxFlippedRuns) {
    splits.clear();
    pages = chunk.base;
    length = chunk.size;
  }
  const uint64_t mappingsAfter = 1 + splits.size();
  const uint64_t added = mappingsAfter > chunk.mappings ? mappingsAfter - chunk.mappings : 0;
  reserveMappings(added + 1);
  struct Settle {  // gives back what the move did not keep, whichever way write() leaves
    ExecMemory* pool;
    uint64_t count;
    ~Settle() { pool->releaseMappings(count); }
  } settle{this, added + 1};
  void* fresh = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fresh == MAP_FAILED)
    fail(ErrorKind::System, "mmap of %llu bytes to write a kernel failed: %s", static_cast<unsigned long long>(length),
         strerror(errno));
  uint8_t* copy = static_cast<uint8_t*>(fresh);
  std::memcpy(copy, pages, length);
  std::memcpy(copy + (block.address - pages), image, block.size);
  if (mprotect(copy, length, PROT_READ | PROT_EXEC) != 0) {
    const int error = errno;
    munmap(copy, length);
    fail(ErrorKind::System, "mprotect of %llu bytes to read+execute failed: %s", static_cast<unsigned long long>(length),
         strerror(error));
  }
  if (mremap(copy, length, length, MREMAP_MAYMOVE | MREMAP_FIXED, pages) == MAP_FAILED) {
    const int error = errno;
    munmap(copy, length);
    fail(ErrorKind::System, "mremap of %llu bytes of executable memory failed: %s", static_cast<unsigned long long>(length),
         strerror(error));
  }
  chunk.splits = std::move(splits);
  // The fresh mapping is gone (moved); keep what the chunk now has, give back what it lost.
  settle.count = 1 + (chunk.mappings + added - mappingsAfter);
  chunk.mappings = mappingsAfter;
  flushInstructionCache(block);
#else
  // Without mremap: flip the pages (a failed flip back leaves them read+write: a known gap there).
  protect(pages, length, PROT_READ | PROT_WRITE, "read+write");
  std::memcpy(block.address, image, block.size);
  flushInstructionCache(block);
  protect(pages, length, PROT_READ | PROT_EXEC, "read+execute");
#endif
}

ExecMemory::Chunk& ExecMemory::chunkOf(const uint8_t* address) {
  for (Chunk& chunk : chunks_)
    if (address >= chunk.base && address < chunk.base + chunk.size) return chunk;
  fail(ErrorKind::System, "executable memory: block at %p is not in this pool", static_cast<const void*>(address));
}

void ExecMemory::giveBack(const Block& block, bool released) {
  for (size_t i = 0; i < chunks_.size(); ++i) {
    Chunk& chunk = chunks_[i];
    if (block.address < chunk.base || block.address >= chunk.base + chunk.size) continue;
    uint64_t offset = static_cast<uint64_t>(block.address - chunk.base);
    uint64_t length = block.reserved;
    auto next = chunk.free.lower_bound(offset);
    if (next != chunk.free.end() && next->first == offset + length) {
      length += next->second;
      next = chunk.free.erase(next);
    }
    if (next != chunk.free.begin()) {
      auto prev = std::prev(next);
      if (prev->first + prev->second == offset) {
        offset = prev->first;
        length += prev->second;
        chunk.free.erase(prev);
      }
    }
    chunk.free[offset] = length;
    chunk.freeBytes += block.reserved;
    used_ -= block.size;
    --live_;
    if (released) ++released_;
    if (chunk.freeBytes == chunk.size) {  // an empty chunk goes back to the OS
      unmapChunk(chunk);
      mapped_ -= chunk.size;
      chunks_.erase(chunks_.begin() + static_cast<long>(i));
    }
    return;
  }
}

}  // namespace jitctl
