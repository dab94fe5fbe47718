// Every micro-op's stencil of BOTH targets is laid out and patched at an address far from the
// runtime functions. The generated stencils have no GOT or trampoline holes (stencil.h: they keep
// absolute addresses in their own data), so the emitter's GOT entries and trampolines are
// exercised by hand-made stencils at the end of this file. Branch ranges are checked as well.
#include <cstring>
#include <vector>

#include "check.h"
#include "core/emit.h"
#include "core/externs.h"
#include "core/target.h"
#include "generated/uops.h"
#include "core/validate.h"

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
  const uint32_t label0 = static_cast<uint32_t>(Uop::LABEL);
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
    // A proven twin never comes in a trace (the validator refuses it): its checked access does,
    // rewritten as proveAccesses rewrites it.
    uint32_t traced = op;
    if (kInternalUop[op])
      for (uint32_t c = 0; c < kUopCount; ++c)
        if (kProvenTwin[c] == static_cast<int16_t>(op)) traced = c;
    CHECK(traced != op || !kInternalUop[op]);
    const std::vector<int32_t> words = traceWith(traced);
    try {
      ValidatedTrace t = validateTrace(words.data(), words.size());
      if (traced != op) {
        t.ops[0].uop = static_cast<Uop>(op);
        t.ops[0].label = -1;
      }
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

// Every register variant has a stencil on both targets, an i32 and a u32 operand in one register
// included; a reinterpreting conversion with both operands in one register is no instruction.
TEST("every register variant has a stencil on both targets, a reinterpretation in one register none") {
  uint32_t mixed = 0;
  for (uint32_t v = 0; v < kVariantCount; ++v) {
    const VariantInfo& variant = kVariantInfo[v];
    const UopInfo& info = kUopInfo[static_cast<int>(variant.uop)];
    int kindIn[kCachedRegisters + 1] = {};  // per register: 0 none yet, else the OperandKind + 1
    bool shared = false;
    for (uint32_t j = 0; j < info.operandCount; ++j) {
      const OperandKind kind = info.operands[j];
      if ((kind != OperandKind::I32 && kind != OperandKind::U32) || variant.locations[j] == 0) continue;
      int& held = kindIn[variant.locations[j]];
      if (held != 0 && held != static_cast<int>(kind) + 1) shared = true;
      held = static_cast<int>(kind) + 1;
    }
    mixed += shared;
    const bool reinterpretInPlace = (variant.uop == Uop::U32_TO_I32 || variant.uop == Uop::I32_TO_U32) && shared;
    for (const char* arch : {"x86_64", "aarch64"}) {
      const TargetStencils* target = targetByName(arch);
      CHECK(target != nullptr);
      const Stencil& s = target->variants[v];
      if (reinterpretInPlace) {
        CHECK_EQ(s.code.size, 0u);
      } else if (shared) {
        CHECK(s.code.size > 0);
        CHECK(s.code.bytes != nullptr);
      }
    }
  }
  CHECK(mixed > 0);  // e.g. SHR_U32 with d and a in r0
}

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

// A copy of a target's stencils in which `uop` is replaced by a hand-made stencil, and whose one
// runtime function is at `externAddress`.
struct HandMadeTarget {
  std::vector<Stencil> stencils;
  const char* names[1] = {"far"};
  uint64_t externs[1];
  TargetStencils target;

  HandMadeTarget(const char* arch, Uop uop, const Stencil& stencil, uint64_t externAddress)
      : externs{externAddress} {
    const TargetStencils& base = *targetByName(arch);
    stencils.assign(base.stencils, base.stencils + kUopCount);
    stencils[static_cast<int>(uop)] = stencil;
    target = TargetStencils{base.arch, base.shim, base.poll, base.outerPoll, stencils.data(), base.variants, names, externs, 1, base.patch, base.codeFill};
  }
};

uint32_t read32(const std::vector<uint8_t>& image, uint64_t at) {
  uint32_t v;
  std::memcpy(&v, image.data() + at, 4);
  return v;
}
uint64_t read64(const std::vector<uint8_t>& image, uint64_t at) {
  uint64_t v;
  std::memcpy(&v, image.data() + at, 8);
  return v;
}

const uint64_t kFarKernel = 0x7f0000000000ull + (64ull << 30);  // 64 GiB from kFarFunction
const uint64_t kFarFunction = 0x7f0000001000ull;

TEST("x86-64: far calls share a trampoline only for equal S + A, and each lands on S + A + 4") {
  // call far-4+4 (A = -4); call far+12+4 (A = 12); call far (A = -4 again); mov far@GOTPCREL(%rip), %rax
  static const uint8_t code[] = {0xe8, 0, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0x48, 0x8b, 0x05, 0, 0, 0, 0};
  static const Hole holes[] = {
      {1, RelocKind::X86_64_PLT32, HoleValue::Extern, 0, -4},
      {6, RelocKind::X86_64_PLT32, HoleValue::Extern, 0, 12},
      {11, RelocKind::X86_64_PLT32, HoleValue::Extern, 0, -4},
      {18, RelocKind::X86_64_REX_GOTPCRELX, HoleValue::Extern, 0, -4},
  };
  HandMadeTarget hand("x86_64", Uop::NEG_F64, Stencil{{code, sizeof code, holes, 4}, {nullptr, 0, nullptr, 0}, 1},
                      kFarFunction);
  const std::vector<int32_t> words = traceWith(static_cast<uint32_t>(Uop::NEG_F64));
  const ValidatedTrace t = validateTrace(words.data(), words.size());
  std::vector<uint8_t> image;
  const EmittedKernel k = emitKernel(t, hand.target, nullptr, &image, kFarKernel);
  CHECK_EQ(k.trampolines, 2u);
  CHECK_EQ(k.gotEntries, 1u);
  const uint64_t at = k.placements[1].codeOffset;
  // Where each call goes: rel32 from the end of the instruction to a trampoline `jmp *0(%rip)`.
  auto landsOn = [&](uint64_t call) {
    const uint64_t trampoline = call + 5 + static_cast<int32_t>(read32(image, call + 1));
    CHECK(image[trampoline] == 0xff && image[trampoline + 1] == 0x25);
    return read64(image, trampoline + 6);
  };
  CHECK_EQ(landsOn(at), kFarFunction);
  CHECK_EQ(landsOn(at + 5), kFarFunction + 16);
  CHECK_EQ(landsOn(at + 10), kFarFunction);
  const uint64_t got = at + 22 + static_cast<int32_t>(read32(image, at + 18));
  CHECK_EQ(image[at + 16], 0x8b);  // too far to relax into lea: loads from the GOT
  CHECK_EQ(read64(image, got), kFarFunction);
}

TEST("AArch64: far calls share a trampoline only for equal S + A, and each lands on S + A") {
  // bl far; bl far+8; bl far; adrp x16, :got:far; ldr x16, [x16, :got_lo12:far]
  static const uint8_t code[] = {0, 0, 0, 0x94, 0, 0, 0, 0x94, 0, 0, 0, 0x94, 0x10, 0, 0, 0x90, 0x10, 0x02, 0x40, 0xf9};
  static const Hole holes[] = {
      {0, RelocKind::AARCH64_CALL26, HoleValue::Extern, 0, 0},
      {4, RelocKind::AARCH64_CALL26, HoleValue::Extern, 0, 8},
      {8, RelocKind::AARCH64_CALL26, HoleValue::Extern, 0, 0},
      {12, RelocKind::AARCH64_ADR_GOT_PAGE, HoleValue::Extern, 0, 0},
      {16, RelocKind::AARCH64_LD64_GOT_LO12_NC, HoleValue::Extern, 0, 0},
  };
  HandMadeTarget hand("aarch64", Uop::NEG_F64, Stencil{{code, sizeof code, holes, 5}, {nullptr, 0, nullptr, 0}, 1},
                      kFarFunction);
  const std::vector<int32_t> words = traceWith(static_cast<uint32_t>(Uop::NEG_F64));
  const ValidatedTrace t = validateTrace(words.data(), words.size());
  std::vector<uint8_t> image;
  const EmittedKernel k = emitKernel(t, hand.target, nullptr, &image, kFarKernel);
  CHECK_EQ(k.trampolines, 2u);
  CHECK_EQ(k.gotEntries, 1u);
  const uint64_t at = k.placements[1].codeOffset;
  auto landsOn = [&](uint64_t bl) {
    const uint32_t insn = read32(image, bl);
    const int64_t imm26 = static_cast<int64_t>(static_cast<int32_t>(insn << 6) >> 6);  // sign-extended
    const uint64_t trampoline = bl + 4 * imm26;
    CHECK_EQ(read32(image, trampoline), 0x58000050u);  // ldr x16, #8
    return read64(image, trampoline + 8);
  };
  CHECK_EQ(landsOn(at), kFarFunction);
  CHECK_EQ(landsOn(at + 4), kFarFunction + 8);
  CHECK_EQ(landsOn(at + 8), kFarFunction);
  // adrp + ldr name the GOT entry, which holds the function's address.
  const uint32_t adrp = read32(image, at + 12), ldr = read32(image, at + 16);
  const int64_t pages = static_cast<int64_t>(static_cast<int32_t>((((adrp >> 5) & 0x7ffff) << 2 | ((adrp >> 29) & 3)) << 11) >> 11);
  const uint64_t entry = (((kFarKernel + at + 12) & ~0xfffull) + (pages << 12) + ((ldr >> 10) & 0xfff) * 8) - kFarKernel;
  CHECK_EQ(read64(image, entry), kFarFunction);
}

TEST("AArch64: a conditional branch over more than 1 MiB of code is a Range error naming the limit") {
  const TargetStencils& target = *targetByName("aarch64");
  const uint32_t cos = static_cast<uint32_t>(Uop::COS_F64);
  const uint32_t filler = (1u << 20) / target.stencils[cos].code.size + 1;
  std::vector<int32_t> ops{static_cast<int32_t>(Uop::BR_TRUE_I32), 1, 0};
  for (uint32_t i = 0; i < filler; ++i) ops.insert(ops.end(), {static_cast<int32_t>(cos), 0, 0});
  ops.insert(ops.end(), {static_cast<int32_t>(Uop::LABEL), 0, static_cast<int32_t>(Uop::RETURN)});
  std::vector<int32_t> words{static_cast<int32_t>(kTraceMagic), 1, 2, 0, 0, 0, 0, static_cast<int32_t>(ops.size()), 1, 2};
  words.insert(words.end(), ops.begin(), ops.end());
  const ValidatedTrace t = validateTrace(words.data(), words.size());
  std::vector<uint8_t> image;
  CHECK_THROWS(emitKernel(t, target, nullptr, &image, 0x10000000000ull), ErrorKind::Range, "reaches +-1 MiB");
  // x86-64's jcc rel32 reaches: the same trace emits there.
  emitKernel(t, *targetByName("x86_64"), nullptr, &image, 0x10000000000ull);
}

TEST_MAIN()
