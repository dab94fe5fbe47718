#include "externs.h"

#include <cmath>
#include <cstring>

namespace jitctl {
namespace {

using D1 = double (*)(double);
using D2 = double (*)(double, double);

struct ExternEntry {
  const char* name;
  void* address;
};

#define D1_ENTRY(f) {#f, reinterpret_cast<void*>(static_cast<D1>(&::f))}
#define D2_ENTRY(f) {#f, reinterpret_cast<void*>(static_cast<D2>(&::f))}

const ExternEntry kTable[] = {
    D1_ENTRY(sin),   D1_ENTRY(cos),   D1_ENTRY(tan),   D1_ENTRY(asin),  D1_ENTRY(acos),  D1_ENTRY(atan),
    D1_ENTRY(sinh),  D1_ENTRY(cosh),  D1_ENTRY(tanh),  D1_ENTRY(asinh), D1_ENTRY(acosh), D1_ENTRY(atanh),
    D1_ENTRY(exp),   D1_ENTRY(expm1), D1_ENTRY(exp2),  D1_ENTRY(log),   D1_ENTRY(log1p), D1_ENTRY(log2),
    D1_ENTRY(log10), D1_ENTRY(sqrt),  D1_ENTRY(cbrt),  D1_ENTRY(floor), D1_ENTRY(ceil),  D1_ENTRY(trunc),
    D1_ENTRY(round), D1_ENTRY(rint),  D1_ENTRY(nearbyint), D1_ENTRY(fabs),
    D2_ENTRY(atan2), D2_ENTRY(pow),   D2_ENTRY(fmod),  D2_ENTRY(hypot), D2_ENTRY(fmin),  D2_ENTRY(fmax),
    D2_ENTRY(copysign),
    {"memcpy", reinterpret_cast<void*>(&::memcpy)},
    {"memmove", reinterpret_cast<void*>(&::memmove)},
    {"memset", reinterpret_cast<void*>(&::memset)},
};

}  // namespace

uint64_t externAddress(const char* name) {
  for (const ExternEntry& e : kTable)
    if (std::strcmp(e.name, name) == 0) return reinterpret_cast<uint64_t>(e.address);
  return 0;
}

}  // namespace jitctl
