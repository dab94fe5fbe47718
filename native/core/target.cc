#include "core/target.h"

#include <cstring>
#include <vector>

#include "core/errors.h"
#include "core/externs.h"
#include "generated/stencils/aarch64.h"
#include "generated/stencils/x86_64.h"

namespace jitctl {
namespace {

template <size_t N>
std::vector<uint64_t> resolveExterns(const char* const (&names)[N], uint32_t count, const char* arch) {
  std::vector<uint64_t> addresses;
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t address = externAddress(names[i]);
    if (address == 0)
      fail(ErrorKind::System, "the %s stencils need runtime function '%s', which this build does not provide", arch,
           names[i]);
    addresses.push_back(address);
  }
  return addresses;
}

const TargetStencils& x86_64Target() {
  namespace s = stencils::x86_64;
  static const std::vector<uint64_t> externs = resolveExterns(s::kExterns, s::kExternCount, "x86_64");
  static const TargetStencils target{"x86_64", &s::kShim, &s::kPoll, &s::kOuterPoll, s::kStencils, s::kVariants, s::kExterns, externs.data(),
                                     static_cast<uint32_t>(externs.size()), &patchX86_64, 0xCC};
  return target;
}

const TargetStencils& aarch64Target() {
  namespace s = stencils::aarch64;
  static const std::vector<uint64_t> externs = resolveExterns(s::kExterns, s::kExternCount, "aarch64");
  static const TargetStencils target{"aarch64", &s::kShim, &s::kPoll, &s::kOuterPoll, s::kStencils, s::kVariants, s::kExterns, externs.data(),
                                     static_cast<uint32_t>(externs.size()), &patchAarch64, 0x00};
  return target;
}

}  // namespace

const TargetStencils* hostTarget() {
#if defined(__x86_64__)
  return &x86_64Target();
#elif defined(__aarch64__)
  return &aarch64Target();
#else
  return nullptr;
#endif
}

const TargetStencils* targetByName(const char* arch) {
  if (std::strcmp(arch, "x86_64") == 0) return &x86_64Target();
  if (std::strcmp(arch, "aarch64") == 0) return &aarch64Target();
  return nullptr;
}

}  // namespace jitctl
