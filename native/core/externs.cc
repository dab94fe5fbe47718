#include "core/externs.h"

#include <cmath>
#include <cstring>

namespace jitctl {
namespace {

using D2 = double (*)(double, double);

struct ExternEntry {
  const char* name;
  void* address;
};

// Exactly the names the generated headers list in kExterns (both targets): every other Math
// function is compiled into its own stencil. A name missing here fails when the first engine is
// made (target.cc), so a regenerated header that needs a new function cannot go unnoticed.
#define D2_ENTRY(f) {#f, reinterpret_cast<void*>(static_cast<D2>(&::f))}

const ExternEntry kTable[] = {D2_ENTRY(fmod), D2_ENTRY(pow)};

}  // namespace

uint64_t externAddress(const char* name) {
  for (const ExternEntry& e : kTable)
    if (std::strcmp(e.name, name) == 0) return reinterpret_cast<uint64_t>(e.address);
  return 0;
}

}  // namespace jitctl
