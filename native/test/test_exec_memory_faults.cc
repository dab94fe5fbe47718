// The flipping pool when the system refuses to make pages executable: kernels already in the pool
// must stay intact and read+execute. This test program defines mprotect itself, so the pool's calls
// land here (the executable's definition wins over libc's), and fails them on demand.
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "check.h"
#include "core/exec_memory.h"
#include "proc_maps.h"

namespace {
bool failReadExecute = false;

}  // namespace

extern "C" int mprotect(void* address, size_t length, int prot) {
  if (failReadExecute && prot == (PROT_READ | PROT_EXEC)) {
    errno = ENOMEM;
    return -1;
  }
  return static_cast<int>(syscall(SYS_mprotect, address, length, prot));
}

using jitctl::ErrorKind;
using jitctl::ExecMemory;

TEST("a kernel that cannot be made executable leaves its page's other kernels read+execute and intact") {
  ExecMemory memory(1 << 20, false);
  auto a = memory.allocate(64, 16);
  uint8_t first[64], second[64];
  std::memset(first, 0xc3, sizeof first);
  std::memset(second, 0x90, sizeof second);
  memory.write(a, first);
  auto b = memory.allocate(64, 16);  // the same page as a
  CHECK(reinterpret_cast<uintptr_t>(a.address) / memory.pageSize() == reinterpret_cast<uintptr_t>(b.address) / memory.pageSize());
  failReadExecute = true;
  CHECK_THROWS(memory.write(b, second), ErrorKind::System, "read+execute failed");
  failReadExecute = false;
  CHECK_EQ(permissionsOf(a.address).substr(0, 3), std::string("r-x"));
  CHECK(std::memcmp(a.address, first, 64) == 0);
  memory.write(b, second);  // works again once the system allows it
  CHECK(std::memcmp(a.address, first, 64) == 0 && std::memcmp(b.address, second, 64) == 0);
  CHECK_EQ(permissionsOf(b.address).substr(0, 3), std::string("r-x"));
}

TEST_MAIN()
