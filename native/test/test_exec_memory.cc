// The executable-memory pool: sharing, reuse, statistics, the cap and W^X.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include <vector>

#include "check.h"
#include "core/exec_memory.h"
#include "proc_maps.h"

using jitctl::ErrorKind;
using jitctl::ExecMemory;

namespace {

// True when any mapping of this process is both writable and executable.
bool anyWritableExecutableMapping() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const size_t space = line.find(' ');
    const std::string perms = line.substr(space + 1, 4);
    if (perms[1] == 'w' && perms[2] == 'x') return true;
  }
  return false;
}


}  // namespace

TEST("small blocks share one chunk back to back") {
  ExecMemory memory(1 << 20);
  auto a = memory.allocate(100, 16);
  auto b = memory.allocate(100, 16);
  CHECK_EQ(b.address - a.address, 112);
  CHECK_EQ(memory.bytesMapped(), 16384u);
  CHECK_EQ(memory.bytesUsed(), 200u);
  CHECK_EQ(memory.liveBlocks(), 2u);
}

TEST("a written block is read+execute and holds the image") {
  ExecMemory memory(1 << 20);
  auto block = memory.allocate(64, 16);
  uint8_t image[64];
  for (int i = 0; i < 64; ++i) image[i] = static_cast<uint8_t>(i);
  memory.write(block, image);
  CHECK(std::memcmp(block.address, image, 64) == 0);
  CHECK_EQ(permissionsOf(block.address).substr(0, 3), std::string("r-x"));
  CHECK(!anyWritableExecutableMapping());
}

TEST("with flipping instead of dual mapping, written blocks end read+execute and hold the image") {
  ExecMemory memory(1 << 20, false);
  auto a = memory.allocate(64, 16);
  auto b = memory.allocate(64, 16);
  uint8_t image[64];
  std::memset(image, 0xc3, sizeof image);
  memory.write(a, image);
  memory.write(b, image);
  CHECK(!memory.dualMapped());
  CHECK(a.writable == nullptr);
  CHECK(std::memcmp(a.address, image, 64) == 0 && std::memcmp(b.address, image, 64) == 0);
  CHECK_EQ(permissionsOf(a.address).substr(0, 3), std::string("r-x"));
  CHECK(!anyWritableExecutableMapping());
}

TEST("with dual mapping the writable view is a different address that is never executable") {
  ExecMemory memory(1 << 20, true);
  auto a = memory.allocate(64, 16);
  uint8_t image[64] = {1, 2, 3};
  memory.write(a, image);
  CHECK(memory.dualMapped());
  CHECK(a.writable != nullptr && a.writable != a.address);
  CHECK_EQ(permissionsOf(a.writable).substr(0, 3), std::string("rw-"));
  CHECK_EQ(a.address[2], 3);
}

TEST("freed space is reused and coalesced") {
  ExecMemory memory(1 << 20);
  auto a = memory.allocate(100, 16);
  auto b = memory.allocate(100, 16);
  auto c = memory.allocate(100, 16);
  memory.release(a);
  memory.release(b);
  auto d = memory.allocate(200, 16);
  CHECK(d.address == a.address);
  CHECK_EQ(memory.liveBlocks(), 2u);
  memory.release(c);
  memory.release(d);
  CHECK_EQ(memory.bytesMapped(), 0u);  // an empty chunk is unmapped
}

TEST("a block larger than a chunk gets a mapping of its own, rounded to pages") {
  ExecMemory memory(1 << 20);
  auto big = memory.allocate(40000, 16);
  CHECK(big.address != nullptr);
  CHECK_EQ(memory.bytesMapped() % memory.pageSize(), 0u);
  CHECK(memory.bytesMapped() >= 40000u);
}

TEST("the cap on mapped bytes is a Range error naming the cap") {
  ExecMemory memory(16384);
  memory.allocate(16000, 16);
  CHECK_THROWS(memory.allocate(1000, 16), ErrorKind::Range, "the cap of 16384 bytes");
}

TEST("checkCapacity refuses exactly what allocate would, and allocates nothing") {
  ExecMemory memory(16384);
  memory.checkCapacity(16000, 16);
  CHECK_EQ(memory.bytesMapped(), 0u);
  memory.allocate(16000, 16);
  memory.checkCapacity(384, 16);  // fits in the chunk's free tail
  CHECK_THROWS(memory.checkCapacity(1000, 16), ErrorKind::Range, "the cap of 16384 bytes");
  CHECK_THROWS(memory.checkCapacity(uint64_t{1} << 40, 16), ErrorKind::Range, "the cap of 16384 bytes");
}

TEST("a discarded block (a failed emit) frees its space but is not counted as released") {
  ExecMemory memory(1 << 20);
  auto kept = memory.allocate(64, 16);
  auto failed = memory.allocate(64, 16);
  memory.discard(failed);
  CHECK_EQ(memory.liveBlocks(), 1u);
  CHECK_EQ(memory.releasedBlocks(), 0u);
  memory.release(kept);
  CHECK_EQ(memory.releasedBlocks(), 1u);
}

TEST("chunks grow with the pool: 8 MiB of small blocks take a few dozen mappings, not one per 16 KiB") {
  for (bool dual : {true, false}) {
    ExecMemory memory(1ull << 30, dual);
    std::vector<ExecMemory::Block> blocks;
    for (int i = 0; i < 8 * 1024; ++i) blocks.push_back(memory.allocate(1024, 16));
    CHECK(memory.mappings() < 40u);
    for (const auto& b : blocks) memory.release(b);
    CHECK_EQ(memory.mappings(), 0u);
  }
}

TEST("a flipped chunk counts a mapping for each run of pages written on its own") {
  ExecMemory memory(1 << 20, false);
  const uint64_t page = memory.pageSize();
  std::vector<uint8_t> image(page, 0xc3);
  auto a = memory.allocate(static_cast<uint32_t>(page), static_cast<uint32_t>(page));
  auto gap = memory.allocate(static_cast<uint32_t>(page), static_cast<uint32_t>(page));
  auto c = memory.allocate(static_cast<uint32_t>(page), static_cast<uint32_t>(page));
  memory.write(a, image.data());
  memory.write(c, image.data());
  CHECK_EQ(memory.mappings(), 4u);  // written, untouched, written, and the untouched rest of the chunk
  memory.release(a);
  memory.release(gap);
  memory.release(c);
  CHECK_EQ(memory.mappings(), 0u);
}

TEST("a flipped chunk written page by page is rewritten whole before it holds more than 16 mappings") {
  ExecMemory memory(1 << 20, false);
  const uint64_t page = memory.pageSize();
  std::vector<uint8_t> image(page, 0xc3);
  std::vector<ExecMemory::Block> blocks;
  bool bounded = true;
  for (int i = 0; i < 200; ++i) {  // the later chunks hold dozens of pages each
    blocks.push_back(memory.allocate(static_cast<uint32_t>(page), static_cast<uint32_t>(page)));
    if (i % 2 == 0) memory.write(blocks.back(), image.data());  // every other page: a run each
    bounded = bounded && memory.mappings() <= 16 * memory.chunks();
  }
  CHECK(bounded);
  for (size_t i = 0; i < blocks.size(); i += 2) CHECK_EQ(blocks[i].address[0], 0xc3);
  for (const auto& b : blocks) memory.release(b);
}

TEST("alignment must be a power of two up to the page size") {
  ExecMemory memory(1 << 20);
  CHECK_THROWS(memory.allocate(16, 3), ErrorKind::Range, "power of two");
  auto a = memory.allocate(8, 64);
  CHECK_EQ(reinterpret_cast<uintptr_t>(a.address) % 64, 0u);
}

TEST_MAIN()
