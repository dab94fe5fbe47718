// The x86-64 patcher on hand-made instruction bytes, including the limits of every range.
#include <cstring>

#include "check.h"
#include "core/patch/patch.h"

using jitctl::ErrorKind;
using jitctl::PatchSite;
using jitctl::RelocKind;

namespace {

constexpr uint64_t kPlace = 0x7f0000001000;

// An instruction buffer with the hole at `holeAt`, patched as if it lived at kPlace - holeAt.
struct Insn {
  uint8_t bytes[32] = {};
  uint32_t holeAt;
  explicit Insn(std::initializer_list<uint8_t> prefix) : holeAt(static_cast<uint32_t>(prefix.size())) {
    std::memcpy(bytes, prefix.begin(), prefix.size());
  }
  PatchSite site(uint64_t value, int64_t addend, uint64_t got = 0) {
    PatchSite s{};
    s.at = bytes + holeAt;
    s.offsetInPart = holeAt;
    s.place = kPlace;
    s.value = value;
    s.addend = addend;
    s.gotEntry = got;
    return s;
  }
  int32_t disp32(uint32_t at) const {
    int32_t v;
    std::memcpy(&v, bytes + at, 4);
    return v;
  }
  uint64_t imm64(uint32_t at) const {
    uint64_t v;
    std::memcpy(&v, bytes + at, 8);
    return v;
  }
};

void patch(RelocKind kind, const PatchSite& s) { jitctl::patchX86_64(kind, s); }

}  // namespace

TEST("R_X86_64_64 writes S + A as 64 bits (movabs)") {
  Insn insn({0x48, 0xb8});
  patch(RelocKind::X86_64_64, insn.site(0x123456789abcdef0, 0x10));
  CHECK_EQ(insn.imm64(2), 0x123456789abcdf00ull);
}

TEST("R_X86_64_32 accepts 0..2^32-1 and rejects 2^32 and negatives") {
  Insn insn({0xb8});
  patch(RelocKind::X86_64_32, insn.site(0xffffffff, 0));
  CHECK_EQ(static_cast<uint32_t>(insn.disp32(1)), 0xffffffffu);
  CHECK_THROWS(patch(RelocKind::X86_64_32, insn.site(0x100000000, 0)), ErrorKind::Range, "X86_64_32 out of range");
  CHECK_THROWS(patch(RelocKind::X86_64_32, insn.site(0, -1)), ErrorKind::Range, "uint32");
}

TEST("R_X86_64_32S accepts INT32_MIN..INT32_MAX and rejects one beyond") {
  Insn insn({0x48, 0xc7, 0xc0});
  patch(RelocKind::X86_64_32S, insn.site(static_cast<uint64_t>(INT32_MIN), 0));
  CHECK_EQ(insn.disp32(3), INT32_MIN);
  patch(RelocKind::X86_64_32S, insn.site(INT32_MAX, 0));
  CHECK_EQ(insn.disp32(3), INT32_MAX);
  CHECK_THROWS(patch(RelocKind::X86_64_32S, insn.site(0x80000000, 0)), ErrorKind::Range, "int32");
  CHECK_THROWS(patch(RelocKind::X86_64_32S, insn.site(static_cast<uint64_t>(INT32_MIN) - 1, 0)), ErrorKind::Range, "int32");
}

TEST("R_X86_64_PC32 writes S + A - P within +-2 GiB") {
  Insn insn({0x8b, 0x05});
  patch(RelocKind::X86_64_PC32, insn.site(kPlace + 0x100, -4));
  CHECK_EQ(insn.disp32(2), 0xfc);
  patch(RelocKind::X86_64_PC32, insn.site(kPlace + 0x7fffffff, 0));
  CHECK_EQ(insn.disp32(2), INT32_MAX);
  patch(RelocKind::X86_64_PC32, insn.site(kPlace - 0x80000000ull, 0));
  CHECK_EQ(insn.disp32(2), INT32_MIN);
  CHECK_THROWS(patch(RelocKind::X86_64_PC32, insn.site(kPlace + 0x80000000ull, 0)), ErrorKind::Range, "PC32");
  CHECK_THROWS(patch(RelocKind::X86_64_PC32, insn.site(kPlace - 0x80000001ull, 0)), ErrorKind::Range, "PC32");
}

TEST("R_X86_64_PLT32 branches directly when in range") {
  Insn insn({0xe8});
  patch(RelocKind::X86_64_PLT32, insn.site(kPlace + 0x1000, -4));
  CHECK_EQ(insn.disp32(1), 0x1000 - 4);
}

TEST("R_X86_64_PLT32 beyond 2 GiB goes through a trampoline jmp *0(%rip); .quad S") {
  Insn insn({0xe8});
  uint8_t tramp[16] = {};
  PatchSite s = insn.site(0x1000, -4);
  s.trampoline = kPlace + 0x40;
  s.trampolineAt = tramp;
  patch(RelocKind::X86_64_PLT32, s);
  CHECK_EQ(insn.disp32(1), 0x40 - 4);
  CHECK(tramp[0] == 0xff && tramp[1] == 0x25 && tramp[2] == 0 && tramp[5] == 0);
  uint64_t target;
  std::memcpy(&target, tramp + 6, 8);
  CHECK_EQ(target, 0x1000ull);
}

TEST("R_X86_64_PLT32 beyond 2 GiB without a trampoline is an error") {
  Insn insn({0xe8});
  CHECK_THROWS(patch(RelocKind::X86_64_PLT32, insn.site(0x1000, -4)), ErrorKind::Range, "PLT32");
}

TEST("GOTPCRELX call *g(%rip) relaxes to addr32 call when in range") {
  Insn insn({0xff, 0x15});
  patch(RelocKind::X86_64_GOTPCRELX, insn.site(kPlace + 0x2000, -4, kPlace + 0x100));
  CHECK(insn.bytes[0] == 0x67 && insn.bytes[1] == 0xe8);
  CHECK_EQ(insn.disp32(2), 0x2000 - 4);
}

TEST("GOTPCRELX jmp *g(%rip) relaxes to jmp rel32; nop with the displacement one byte earlier") {
  Insn insn({0xff, 0x25});
  patch(RelocKind::X86_64_GOTPCRELX, insn.site(kPlace + 0x2000, -4, kPlace + 0x100));
  CHECK_EQ(insn.bytes[0], 0xe9);
  CHECK_EQ(insn.disp32(1), 0x2000 - 4 + 1);
  CHECK_EQ(insn.bytes[5], 0x90);
}

TEST("GOTPCRELX beyond +-2 GiB keeps the GOT load and points it at the GOT entry") {
  Insn insn({0xff, 0x15});
  patch(RelocKind::X86_64_GOTPCRELX, insn.site(0x1000, -4, kPlace + 0x100));
  CHECK(insn.bytes[0] == 0xff && insn.bytes[1] == 0x15);
  CHECK_EQ(insn.disp32(2), 0x100 - 4);
}

TEST("REX_GOTPCRELX mov g(%rip), %rax relaxes to lea when in range") {
  Insn insn({0x48, 0x8b, 0x05});
  patch(RelocKind::X86_64_REX_GOTPCRELX, insn.site(kPlace + 0x300, -4, kPlace + 0x100));
  CHECK(insn.bytes[0] == 0x48 && insn.bytes[1] == 0x8d && insn.bytes[2] == 0x05);
  CHECK_EQ(insn.disp32(3), 0x300 - 4);
}

TEST("REX_GOTPCRELX of a small absolute value (an operand) loads it from the GOT") {
  Insn insn({0x48, 0x8b, 0x05});
  patch(RelocKind::X86_64_REX_GOTPCRELX, insn.site(24, -4, kPlace + 0x100));
  CHECK_EQ(insn.bytes[1], 0x8b);
  CHECK_EQ(insn.disp32(3), 0x100 - 4);
}

TEST("GOTPCREL is never relaxed and the GOT entry must be within +-2 GiB") {
  Insn insn({0x48, 0x8b, 0x05});
  patch(RelocKind::X86_64_GOTPCREL, insn.site(kPlace + 0x300, -4, kPlace + 0x100));
  CHECK_EQ(insn.bytes[1], 0x8b);
  CHECK_EQ(insn.disp32(3), 0x100 - 4);
  CHECK_THROWS(patch(RelocKind::X86_64_GOTPCREL, insn.site(0, -4, kPlace + 0x80000000ull + 4)), ErrorKind::Range,
               "GOTPCREL");
  CHECK_THROWS(patch(RelocKind::X86_64_GOTPCREL, insn.site(0, -4, 0)), ErrorKind::Range, "no GOT entry");
}

TEST("an AArch64 relocation handed to the x86-64 patcher is an error") {
  Insn insn({0x90});
  CHECK_THROWS(patch(RelocKind::AARCH64_CALL26, insn.site(0, 0)), ErrorKind::Range, "not an x86-64 relocation");
}

TEST_MAIN()
