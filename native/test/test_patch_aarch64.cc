// The AArch64 patcher on hand-made instruction words, including the limits of every range.
#include <cstring>

#include "check.h"
#include "core/patch/patch.h"

using jitctl::ErrorKind;
using jitctl::PatchSite;
using jitctl::RelocKind;

namespace {

constexpr uint64_t kPlace = 0x0000ffff80001000;

struct Word {
  uint8_t bytes[4];
  explicit Word(uint32_t insn) { std::memcpy(bytes, &insn, 4); }
  uint32_t value() const {
    uint32_t v;
    std::memcpy(&v, bytes, 4);
    return v;
  }
  PatchSite site(uint64_t value, int64_t addend = 0, uint64_t place = kPlace) {
    PatchSite s{};
    s.at = bytes;
    s.place = place;
    s.value = value;
    s.addend = addend;
    return s;
  }
};

void patch(RelocKind kind, const PatchSite& s) { jitctl::patchAarch64(kind, s); }

uint32_t patched(RelocKind kind, uint32_t insn, uint64_t value, int64_t addend = 0, uint64_t place = kPlace) {
  Word w(insn);
  patch(kind, w.site(value, addend, place));
  return w.value();
}

constexpr uint32_t kBl = 0x94000000, kB = 0x14000000, kBeq = 0x54000000, kTbz = 0x36000000;
constexpr uint32_t kAdrp = 0x90000000, kAdd = 0x91000000, kMovz = 0xd2800000;

}  // namespace

TEST("ABS64 writes S + A") {
  uint8_t bytes[8] = {};
  PatchSite s{};
  s.at = bytes;
  s.value = 0x1122334455667788;
  s.addend = 8;
  patch(RelocKind::AARCH64_ABS64, s);
  uint64_t v;
  std::memcpy(&v, bytes, 8);
  CHECK_EQ(v, 0x1122334455667790ull);
}

TEST("CALL26 encodes the word offset and reaches exactly -128 MiB .. +128 MiB - 4") {
  CHECK_EQ(patched(RelocKind::AARCH64_CALL26, kBl, kPlace + 0x100), kBl | 0x40u);
  CHECK_EQ(patched(RelocKind::AARCH64_CALL26, kBl, kPlace + (1ull << 27) - 4), kBl | 0x1ffffffu);
  CHECK_EQ(patched(RelocKind::AARCH64_CALL26, kBl, kPlace - (1ull << 27)), kBl | 0x2000000u);
  CHECK_EQ(patched(RelocKind::AARCH64_CALL26, kBl, kPlace - 4), kBl | 0x3ffffffu);
}

TEST("CALL26 beyond +-128 MiB without a trampoline is an error") {
  CHECK_THROWS(patched(RelocKind::AARCH64_CALL26, kBl, kPlace + (1ull << 27)), ErrorKind::Range, "CALL26 out of range");
  CHECK_THROWS(patched(RelocKind::AARCH64_CALL26, kBl, kPlace - (1ull << 27) - 4), ErrorKind::Range, "+-128 MiB");
}

TEST("JUMP26 beyond +-128 MiB branches to a trampoline ldr x16, #8; br x16; .quad S") {
  Word w(kB);
  uint8_t tramp[16] = {};
  PatchSite s = w.site(0x400000);
  s.trampoline = kPlace + 0x80;
  s.trampolineAt = tramp;
  patch(RelocKind::AARCH64_JUMP26, s);
  CHECK_EQ(w.value(), kB | (0x80u >> 2));
  uint32_t ldr, br;
  uint64_t target;
  std::memcpy(&ldr, tramp, 4);
  std::memcpy(&br, tramp + 4, 4);
  std::memcpy(&target, tramp + 8, 8);
  CHECK_EQ(ldr, 0x58000050u);
  CHECK_EQ(br, 0xd61f0200u);
  CHECK_EQ(target, 0x400000ull);
}

TEST("a branch to a target that is not 4-byte aligned is an error") {
  CHECK_THROWS(patched(RelocKind::AARCH64_JUMP26, kB, kPlace + 2), ErrorKind::Range, "not 4-byte aligned");
}

TEST("CONDBR19 reaches exactly -1 MiB .. +1 MiB - 4 and rejects one instruction beyond") {
  CHECK_EQ(patched(RelocKind::AARCH64_CONDBR19, kBeq, kPlace + 8), kBeq | (2u << 5));
  CHECK_EQ(patched(RelocKind::AARCH64_CONDBR19, kBeq, kPlace + (1u << 20) - 4), kBeq | (0x3ffffu << 5));
  CHECK_EQ(patched(RelocKind::AARCH64_CONDBR19, kBeq, kPlace - (1u << 20)), kBeq | (0x40000u << 5));
  CHECK_THROWS(patched(RelocKind::AARCH64_CONDBR19, kBeq, kPlace + (1u << 20)), ErrorKind::Range, "+-1 MiB");
  CHECK_THROWS(patched(RelocKind::AARCH64_CONDBR19, kBeq, kPlace - (1u << 20) - 4), ErrorKind::Range, "CONDBR19");
}

TEST("CONDBR19 keeps the condition bits of b.cond") {
  CHECK_EQ(patched(RelocKind::AARCH64_CONDBR19, kBeq | 0xb, kPlace - 4), kBeq | 0xb | (0x7ffffu << 5));
}

TEST("TSTBR14 reaches exactly -32 KiB .. +32 KiB - 4") {
  CHECK_EQ(patched(RelocKind::AARCH64_TSTBR14, kTbz, kPlace + (1u << 15) - 4), kTbz | (0x1fffu << 5));
  CHECK_EQ(patched(RelocKind::AARCH64_TSTBR14, kTbz, kPlace - (1u << 15)), kTbz | (0x2000u << 5));
  CHECK_THROWS(patched(RelocKind::AARCH64_TSTBR14, kTbz, kPlace + (1u << 15)), ErrorKind::Range, "+-32 KiB");
}

TEST("ADR_PREL_PG_HI21 splits the page delta into immlo and immhi") {
  CHECK_EQ(patched(RelocKind::AARCH64_ADR_PREL_PG_HI21, kAdrp, kPlace + 0x1000), kAdrp | (1u << 29));
  CHECK_EQ(patched(RelocKind::AARCH64_ADR_PREL_PG_HI21, kAdrp, kPlace + 0x4fff), kAdrp | (1u << 5));
  CHECK_EQ(patched(RelocKind::AARCH64_ADR_PREL_PG_HI21, kAdrp, kPlace - 0x1000), kAdrp | (3u << 29) | (0x7ffffu << 5));
}

TEST("ADR_PREL_PG_HI21 reaches exactly -4 GiB .. +4 GiB - 4 KiB") {
  CHECK_EQ(patched(RelocKind::AARCH64_ADR_PREL_PG_HI21, kAdrp, kPlace + (1ull << 32) - 0x1000),
           kAdrp | (3u << 29) | (0x3ffffu << 5));
  CHECK_EQ(patched(RelocKind::AARCH64_ADR_PREL_PG_HI21, kAdrp, kPlace - (1ull << 32)), kAdrp | (0x40000u << 5));
  CHECK_THROWS(patched(RelocKind::AARCH64_ADR_PREL_PG_HI21, kAdrp, kPlace + (1ull << 32)), ErrorKind::Range, "4 GiB");
}

TEST("ADD_ABS_LO12_NC writes the low 12 bits unscaled") {
  CHECK_EQ(patched(RelocKind::AARCH64_ADD_ABS_LO12_NC, kAdd, 0xabc123), kAdd | (0x123u << 10));
}

TEST("LDSTn_ABS_LO12_NC scales the low 12 bits by the access size") {
  CHECK_EQ(patched(RelocKind::AARCH64_LDST8_ABS_LO12_NC, 0x39400000, 0x5007), 0x39400000u | (0x7u << 10));
  CHECK_EQ(patched(RelocKind::AARCH64_LDST16_ABS_LO12_NC, 0x79400000, 0x5006), 0x79400000u | (0x3u << 10));
  CHECK_EQ(patched(RelocKind::AARCH64_LDST32_ABS_LO12_NC, 0xb9400000, 0x5ffc), 0xb9400000u | (0x3ffu << 10));
  CHECK_EQ(patched(RelocKind::AARCH64_LDST64_ABS_LO12_NC, 0xf9400000, 0x5018), 0xf9400000u | (0x3u << 10));
  CHECK_EQ(patched(RelocKind::AARCH64_LDST128_ABS_LO12_NC, 0x3dc00000, 0x5020), 0x3dc00000u | (0x2u << 10));
}

TEST("LDSTn_ABS_LO12_NC rejects an address not aligned to the access size") {
  CHECK_THROWS(patched(RelocKind::AARCH64_LDST64_ABS_LO12_NC, 0xf9400000, 0x501c), ErrorKind::Range, "aligned to 8");
  CHECK_THROWS(patched(RelocKind::AARCH64_LDST128_ABS_LO12_NC, 0x3dc00000, 0x5018), ErrorKind::Range, "aligned to 16");
}

TEST("MOVW_UABS_Gn writes the n-th 16-bit chunk") {
  const uint64_t v = 0x1234567890abcdefull;
  CHECK_EQ(patched(RelocKind::AARCH64_MOVW_UABS_G0_NC, kMovz, v), kMovz | (0xcdefu << 5));
  CHECK_EQ(patched(RelocKind::AARCH64_MOVW_UABS_G1_NC, kMovz, v), kMovz | (0x90abu << 5));
  CHECK_EQ(patched(RelocKind::AARCH64_MOVW_UABS_G2_NC, kMovz, v), kMovz | (0x5678u << 5));
  CHECK_EQ(patched(RelocKind::AARCH64_MOVW_UABS_G3, kMovz, v), kMovz | (0x1234u << 5));
}

TEST("checked MOVW_UABS_G0/G1/G2 reject values that do not fit 16/32/48 bits") {
  CHECK_EQ(patched(RelocKind::AARCH64_MOVW_UABS_G0, kMovz, 0xffff), kMovz | (0xffffu << 5));
  CHECK_THROWS(patched(RelocKind::AARCH64_MOVW_UABS_G0, kMovz, 0x10000), ErrorKind::Range, "16 bits");
  CHECK_EQ(patched(RelocKind::AARCH64_MOVW_UABS_G1, kMovz, 0xffffffff), kMovz | (0xffffu << 5));
  CHECK_THROWS(patched(RelocKind::AARCH64_MOVW_UABS_G1, kMovz, 0x100000000), ErrorKind::Range, "32 bits");
  CHECK_THROWS(patched(RelocKind::AARCH64_MOVW_UABS_G2, kMovz, 1ull << 48), ErrorKind::Range, "48 bits");
}

TEST("ADR_GOT_PAGE and LD64_GOT_LO12_NC address the GOT entry, not the symbol") {
  Word adrp(kAdrp);
  PatchSite s = adrp.site(0x12345678);
  s.gotEntry = kPlace + 0x2018;
  patch(RelocKind::AARCH64_ADR_GOT_PAGE, s);
  CHECK_EQ(adrp.value(), kAdrp | (2u << 29));
  Word ldr(0xf9400000);
  PatchSite l = ldr.site(0x12345678);
  l.gotEntry = kPlace + 0x2018;
  patch(RelocKind::AARCH64_LD64_GOT_LO12_NC, l);
  CHECK_EQ(ldr.value(), 0xf9400000u | (3u << 10));
  CHECK_THROWS(patch(RelocKind::AARCH64_ADR_GOT_PAGE, adrp.site(1)), ErrorKind::Range, "no GOT entry");
}

TEST("an x86-64 relocation handed to the AArch64 patcher is an error") {
  CHECK_THROWS(patched(RelocKind::X86_64_PC32, kB, 0), ErrorKind::Range, "not an AArch64 relocation");
}

TEST_MAIN()
