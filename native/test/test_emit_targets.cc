// Every micro-op's stencil of BOTH targets is laid out and patched at an address far from the
// runtime functions (so trampolines and GOT entries are exercised); the host's is also run.
#include <cstring>
#include <vector>

#include "check.h"
#include "emit.h"
#include "externs.h"
#include "target.h"
#include "uops.h"
#include "validate.h"

using namespace jitctl;

namespace {

// A trace that uses op `opcode` once with operands of the right kinds, then returns.
std::vector<int32_t> traceWith(uint32_t opcode) {
  const UopInfo& info = kUopInfo[opcode];
  std::vector<int32_t> slots{1, 2, 3};  // slot 0 f64, 1 i32, 2 u32
  std::vector<int32_t> ops{static_cast<int32_t>(opcode)};
  bool label = false;
  for (uint32_t n = 0; n < info.operandCount; ++n) {
    switch (info.operands[n]) {
      case OperandKind::F64: ops.push_back(0); break;
      case OperandKind::I32: ops.push_back(1); break;
      case OperandKind::U32: ops.push_back(2); break;
      case OperandKind::View: ops.push_back(0); break;
      case OperandKind::Label: ops.push_back(0); label = true; break;
      case OperandKind::ImmI32: ops.push_back(-7); break;
      case OperandKind::ImmF64: ops.push_back(0); ops.push_back(0x3ff00000); break;
    }
  }
  const int viewKind = info.viewKind >= 0 ? info.viewKind : 8;
  const uint32_t label0 = specialUops().label;
  if (info.pseudo) ops = {static_cast<int32_t>(label0), 0};
  else if (label || opcode == label0) { ops.push_back(static_cast<int32_t>(label0)); ops.push_back(0); }
  ops.push_back(static_cast<int32_t>(uopByName("RETURN")));
  std::vector<int32_t> w{static_cast<int32_t>(kTraceMagic), 1, 3, 1, 1, 0, 0, static_cast<int32_t>(ops.size())};
  w.insert(w.end(), slots.begin(), slots.end());
  w.push_back(viewKind);
  w.push_back(1);
  w.push_back(0);
  w.insert(w.end(), ops.begin(), ops.end());
  return w;
}

void emitAll(const char* arch, uint64_t address) {
  const TargetStencils* target = targetByName(arch);
  CHECK(target != nullptr);
  for (uint32_t op = 0; op < kUopCount; ++op) {
    const std::vector<int32_t> words = traceWith(op);
    try {
      const ValidatedTrace t = validateTrace(words.data(), words.size());
      std::vector<uint8_t> image;
      const EmittedKernel k = emitKernel(t, *target, nullptr, &image, address);
      CHECK(k.codeSize > 0);
    } catch (const Error& e) {
      check::report(arch, static_cast<int>(op), std::string(kUopInfo[op].name) + ": " + e.what());
    }
  }
}

}  // namespace

TEST("every x86-64 stencil patches at an address 64 GiB from libm") { emitAll("x86_64", 0x7f0000000000ull + (64ull << 30)); }
TEST("every AArch64 stencil patches at an address 64 GiB from libm") { emitAll("aarch64", 0xffff00000000ull); }

TEST("an AArch64 kernel far from libm holds the runtime function's full address") {
  // POW_F64 calls libm's pow; the other Math functions are compiled into their own stencils.
  const std::vector<int32_t> words = traceWith(uopByName("POW_F64"));
  const ValidatedTrace t = validateTrace(words.data(), words.size());
  std::vector<uint8_t> image;
  emitKernel(t, *targetByName("aarch64"), nullptr, &image, 0x10000000000ull);
  const uint64_t pow = externAddress("pow");
  CHECK(pow != 0);
  bool found = false;
  for (size_t i = 0; i + 8 <= image.size(); i += 8) found |= std::memcmp(image.data() + i, &pow, 8) == 0;
  CHECK(found);
}

TEST_MAIN()
