#include "exec_memory.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"

namespace jitctl {
namespace {

// Small kernels share chunks of this size (or one page when pages are larger). Small enough that
// the unused tail of the last chunk stays a few percent of the pool once a few hundred kernels
// live; large enough that most kernels do not need a mapping of their own.
constexpr uint64_t kChunkBytes = 16 * 1024;

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

void ExecMemory::unmapChunk(const Chunk& chunk) {
  munmap(chunk.base, chunk.size);
  if (chunk.writable) munmap(chunk.writable, chunk.size);
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
  close(fd);
  if (rx == MAP_FAILED) {
    if (rw != MAP_FAILED) munmap(rw, size);
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

ExecMemory::Chunk ExecMemory::mapChunk(uint64_t size) {
  Chunk chunk{nullptr, nullptr, size, {{0, size}}, size};
  if (mode_ != Mode::Flip && mapDual(size, &chunk)) {
    mode_ = Mode::Dual;
    return chunk;
  }
  if (mode_ == Mode::Dual)
    fail(ErrorKind::System, "mapping %llu bytes of executable memory (memfd) failed: %s",
         static_cast<unsigned long long>(size), strerror(errno));
  mode_ = Mode::Flip;
  // Read-only zeros until kernels are written (write() copies whole pages, including unused ones).
  void* base = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    fail(ErrorKind::System, "mmap of %llu bytes for executable memory failed: %s", static_cast<unsigned long long>(size),
         strerror(errno));
  chunk.base = static_cast<uint8_t*>(base);
  return chunk;
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

uint64_t ExecMemory::newChunkSize(uint64_t reserved) const {
  return roundUp(reserved > chunkSize_ ? reserved : chunkSize_, page_);
}

void ExecMemory::capReached(uint64_t needed) const {
  fail(ErrorKind::Range,
       "executable memory cap reached: %llu bytes mapped, %llu more needed, cap is %llu bytes "
       "(raise it with configure({ maxExecutableBytes }) or free kernels)",
       static_cast<unsigned long long>(mapped_), static_cast<unsigned long long>(needed),
       static_cast<unsigned long long>(cap_));
}

void ExecMemory::checkCapacity(uint64_t size, uint32_t align) const {
  const uint64_t reserved = roundUp(size, 16);
  for (const Chunk& chunk : chunks_)
    if (fitsIn(chunk, reserved, align)) return;
  const uint64_t chunkSize = newChunkSize(reserved);
  if (chunkSize > cap_ || mapped_ > cap_ - chunkSize) capReached(chunkSize);
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

void ExecMemory::write(const Block& block, const uint8_t* image) {
  if (block.writable) {
    std::memcpy(block.writable, image, block.size);
#if defined(__aarch64__)
    __builtin___clear_cache(reinterpret_cast<char*>(block.address), reinterpret_cast<char*>(block.address + block.size));
#endif
    return;
  }
  const uintptr_t first = reinterpret_cast<uintptr_t>(block.address) & ~(page_ - 1);
  const uintptr_t last = roundUp(reinterpret_cast<uintptr_t>(block.address) + block.size, page_);
  uint8_t* pages = reinterpret_cast<uint8_t*>(first);
  const uint64_t length = last - first;
#if defined(__linux__)
  // The pages may hold other live kernels, so they are never reopened: fresh pages get a copy of
  // them plus the new kernel, are sealed read+execute, and only then replace the old ones in one
  // mremap. Any failure leaves the old pages as they were (read+execute, every kernel intact).
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
#if defined(__aarch64__)
  __builtin___clear_cache(reinterpret_cast<char*>(block.address), reinterpret_cast<char*>(block.address + block.size));
#endif
#else
  // Without mremap: flip the pages (a failed flip back leaves them read+write: a known gap there).
  protect(pages, length, PROT_READ | PROT_WRITE, "read+write");
  std::memcpy(block.address, image, block.size);
#if defined(__aarch64__)
  __builtin___clear_cache(reinterpret_cast<char*>(block.address), reinterpret_cast<char*>(block.address + block.size));
#endif
  protect(pages, length, PROT_READ | PROT_EXEC, "read+execute");
#endif
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
