// AArch64 relocations (ELF for the Arm 64-bit Architecture). Branches out of range go through a
// trampoline the emitter reserved inside the kernel; everything else that does not fit is an error.
#include <cstring>

#include "core/errors.h"
#include "core/patch/patch.h"

namespace jitctl {
namespace {

uint32_t read32(const uint8_t* at) {
  uint32_t v;
  std::memcpy(&v, at, 4);
  return v;
}
void write32(uint8_t* at, uint32_t v) { std::memcpy(at, &v, 4); }
void write64(uint8_t* at, uint64_t v) { std::memcpy(at, &v, 8); }

[[noreturn]] void outOfRange(RelocKind kind, int64_t v, const char* range) {
  fail(ErrorKind::Range, "relocation %s out of range: value %lld does not fit %s", relocKindName(kind),
       static_cast<long long>(v), range);
}

// Replaces `bits` bits at bit `shift` of the instruction word.
void insertField(uint8_t* at, uint32_t value, unsigned shift, unsigned bits) {
  const uint32_t mask = ((1u << bits) - 1) << shift;
  write32(at, (read32(at) & ~mask) | ((value << shift) & mask));
}

// A pc-relative branch displacement of `bits` bits counted in instructions.
void patchBranch(RelocKind kind, const PatchSite& s, int64_t delta, unsigned bits, const char* range) {
  const int64_t limit = int64_t{1} << (bits + 1);  // bytes: 2^(bits-1) instructions of 4 bytes
  if (delta & 3) fail(ErrorKind::Range, "relocation %s: branch target %lld is not 4-byte aligned",
                      relocKindName(kind), static_cast<long long>(delta));
  if (delta < -limit || delta >= limit) outOfRange(kind, delta, range);
  insertField(s.at, static_cast<uint32_t>(delta >> 2), bits == 26 ? 0 : 5, bits);
}

void patchPage(RelocKind kind, const PatchSite& s, uint64_t target) {
  const int64_t pages = static_cast<int64_t>((target & ~uint64_t{0xfff}) - (s.place & ~uint64_t{0xfff})) >> 12;
  if (pages < -(int64_t{1} << 20) || pages >= (int64_t{1} << 20)) outOfRange(kind, pages, "+-4 GiB of pages");
  const uint32_t imm = static_cast<uint32_t>(pages) & 0x1fffff;
  insertField(s.at, imm & 3, 29, 2);
  insertField(s.at, imm >> 2, 5, 19);
}

void patchLo12(RelocKind kind, const PatchSite& s, uint64_t target, unsigned scaleLog2) {
  const uint32_t lo = static_cast<uint32_t>(target & 0xfff);
  if (lo & ((1u << scaleLog2) - 1))
    fail(ErrorKind::Range, "relocation %s: address 0x%llx is not aligned to %u bytes", relocKindName(kind),
         static_cast<unsigned long long>(target), 1u << scaleLog2);
  insertField(s.at, lo >> scaleLog2, 10, 12);
}

void patchMovw(RelocKind kind, const PatchSite& s, uint64_t target, unsigned group, bool checked) {
  if (checked && group < 3 && (target >> (16 * (group + 1))) != 0)
    outOfRange(kind, static_cast<int64_t>(target), group == 0 ? "16 bits" : group == 1 ? "32 bits" : "48 bits");
  insertField(s.at, static_cast<uint32_t>(target >> (16 * group)) & 0xffff, 5, 16);
}

}  // namespace

void writeAarch64Trampoline(uint8_t* at, uint64_t target) {
  write32(at, 0x58000050);      // ldr x16, #8
  write32(at + 4, 0xd61f0200);  // br x16
  write64(at + 8, target);
}

void patchAarch64(RelocKind kind, const PatchSite& s) {
  const uint64_t target = s.value + static_cast<uint64_t>(s.addend);
  const int64_t delta = static_cast<int64_t>(target - s.place);
  switch (kind) {
    case RelocKind::AARCH64_ABS64:
      write64(s.at, target);
      return;
    case RelocKind::AARCH64_CALL26:
    case RelocKind::AARCH64_JUMP26: {
      const int64_t limit = int64_t{1} << 27;
      if (delta >= -limit && delta < limit) {
        patchBranch(kind, s, delta, 26, "+-128 MiB");
        return;
      }
      if (s.trampoline == 0 || s.trampolineAt == nullptr) outOfRange(kind, delta, "+-128 MiB and no trampoline");
      // The trampoline jumps to exactly S + A; the emitter shares one only between equal S + A.
      writeAarch64Trampoline(s.trampolineAt, target);
      patchBranch(kind, s, static_cast<int64_t>(s.trampoline - s.place), 26, "+-128 MiB");
      return;
    }
    case RelocKind::AARCH64_CONDBR19:
      // No veneer: an island for a conditional branch would have to sit within 1 MiB of it, in
      // the middle of the code. Kernels whose branches span more are refused (docs/native-engine.md).
      if (delta < -(int64_t{1} << 20) || delta >= (int64_t{1} << 20))
        fail(ErrorKind::Range,
             "relocation %s out of range: a conditional branch (b.cond/cbz/cbnz) reaches +-1 MiB on AArch64 "
             "but its target is %lld bytes away; keep branches within 1 MiB of code",
             relocKindName(kind), static_cast<long long>(delta));
      patchBranch(kind, s, delta, 19, "+-1 MiB");
      return;
    case RelocKind::AARCH64_TSTBR14:
      patchBranch(kind, s, delta, 14, "+-32 KiB");
      return;
    case RelocKind::AARCH64_ADR_PREL_PG_HI21:
      patchPage(kind, s, target);
      return;
    case RelocKind::AARCH64_ADD_ABS_LO12_NC:
    case RelocKind::AARCH64_LDST8_ABS_LO12_NC:
      patchLo12(kind, s, target, 0);
      return;
    case RelocKind::AARCH64_LDST16_ABS_LO12_NC:
      patchLo12(kind, s, target, 1);
      return;
    case RelocKind::AARCH64_LDST32_ABS_LO12_NC:
      patchLo12(kind, s, target, 2);
      return;
    case RelocKind::AARCH64_LDST64_ABS_LO12_NC:
      patchLo12(kind, s, target, 3);
      return;
    case RelocKind::AARCH64_LDST128_ABS_LO12_NC:
      patchLo12(kind, s, target, 4);
      return;
    case RelocKind::AARCH64_MOVW_UABS_G0: patchMovw(kind, s, target, 0, true); return;
    case RelocKind::AARCH64_MOVW_UABS_G0_NC: patchMovw(kind, s, target, 0, false); return;
    case RelocKind::AARCH64_MOVW_UABS_G1: patchMovw(kind, s, target, 1, true); return;
    case RelocKind::AARCH64_MOVW_UABS_G1_NC: patchMovw(kind, s, target, 1, false); return;
    case RelocKind::AARCH64_MOVW_UABS_G2: patchMovw(kind, s, target, 2, true); return;
    case RelocKind::AARCH64_MOVW_UABS_G2_NC: patchMovw(kind, s, target, 2, false); return;
    case RelocKind::AARCH64_MOVW_UABS_G3: patchMovw(kind, s, target, 3, true); return;
    case RelocKind::AARCH64_ADR_GOT_PAGE:
      if (s.gotEntry == 0) fail(ErrorKind::Range, "relocation %s has no GOT entry", relocKindName(kind));
      patchPage(kind, s, s.gotEntry + static_cast<uint64_t>(s.addend));
      return;
    case RelocKind::AARCH64_LD64_GOT_LO12_NC:
      if (s.gotEntry == 0) fail(ErrorKind::Range, "relocation %s has no GOT entry", relocKindName(kind));
      patchLo12(kind, s, s.gotEntry + static_cast<uint64_t>(s.addend), 3);
      return;
    default:
      fail(ErrorKind::Range, "relocation %s is not an AArch64 relocation", relocKindName(kind));
  }
}

}  // namespace jitctl
