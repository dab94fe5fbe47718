// x86-64 relocations (System V psABI names). GOTPCRELX relaxation follows the linkers: when the
// target is within int32 of the site, `call *g(%rip)` becomes `addr32 call`, `jmp *g(%rip)` becomes
// `jmp; nop`, and `mov g(%rip), %r` becomes `lea`; otherwise the load goes through the kernel's GOT.
#include <cstring>

#include "core/errors.h"
#include "core/patch/patch.h"

namespace jitctl {
namespace {

void write32(uint8_t* at, uint32_t v) { std::memcpy(at, &v, 4); }
void write64(uint8_t* at, uint64_t v) { std::memcpy(at, &v, 8); }

bool fitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

[[noreturn]] void outOfRange(RelocKind kind, int64_t v, const char* range) {
  fail(ErrorKind::Range, "relocation %s out of range: value %lld does not fit %s", relocKindName(kind),
       static_cast<long long>(v), range);
}

void writeInt32Checked(RelocKind kind, uint8_t* at, int64_t v) {
  if (!fitsInt32(v)) outOfRange(kind, v, "int32");
  write32(at, static_cast<uint32_t>(static_cast<int32_t>(v)));
}

// Returns true when the instruction around the hole was relaxed to a direct reference.
bool relaxGotLoad(RelocKind kind, const PatchSite& s) {
  if (s.offsetInPart < 2) return false;
  const int64_t direct = static_cast<int64_t>(s.value + s.addend - s.place);
  if (!fitsInt32(direct)) return false;
  uint8_t& op = s.at[-2];
  uint8_t& modrm = s.at[-1];
  if (op == 0x8b) {  // mov g@GOTPCREL(%rip), %reg -> lea g(%rip), %reg (same length, REX kept)
    op = 0x8d;
    write32(s.at, static_cast<uint32_t>(static_cast<int32_t>(direct)));
    return true;
  }
  if (kind != RelocKind::X86_64_GOTPCRELX || op != 0xff) return false;
  if (modrm == 0x15) {  // call *g@GOTPCREL(%rip) -> addr32 call g
    op = 0x67;
    modrm = 0xe8;
    write32(s.at, static_cast<uint32_t>(static_cast<int32_t>(direct)));
    return true;
  }
  if (modrm == 0x25) {  // jmp *g@GOTPCREL(%rip) -> jmp g; nop (the rel32 starts one byte earlier)
    const int64_t shifted = direct + 1;
    if (!fitsInt32(shifted)) return false;
    op = 0xe9;
    write32(s.at - 1, static_cast<uint32_t>(static_cast<int32_t>(shifted)));
    s.at[3] = 0x90;
    return true;
  }
  return false;
}

}  // namespace

void writeX86_64Trampoline(uint8_t* at, uint64_t target) {
  static const uint8_t jmpIndirect[6] = {0xff, 0x25, 0, 0, 0, 0};  // jmp *0(%rip): the quad that follows
  std::memcpy(at, jmpIndirect, 6);
  write64(at + 6, target);
  at[14] = at[15] = 0xcc;
}

void patchX86_64(RelocKind kind, const PatchSite& s) {
  switch (kind) {
    case RelocKind::X86_64_64:
      write64(s.at, s.value + static_cast<uint64_t>(s.addend));
      return;
    case RelocKind::X86_64_32: {
      const uint64_t v = s.value + static_cast<uint64_t>(s.addend);
      if (v > UINT32_MAX) outOfRange(kind, static_cast<int64_t>(v), "uint32");
      write32(s.at, static_cast<uint32_t>(v));
      return;
    }
    case RelocKind::X86_64_32S:
      writeInt32Checked(kind, s.at, static_cast<int64_t>(s.value + s.addend));
      return;
    case RelocKind::X86_64_PC32:
      writeInt32Checked(kind, s.at, static_cast<int64_t>(s.value + s.addend - s.place));
      return;
    case RelocKind::X86_64_PLT32: {
      const int64_t direct = static_cast<int64_t>(s.value + s.addend - s.place);
      if (fitsInt32(direct) || s.trampoline == 0 || s.trampolineAt == nullptr) {
        writeInt32Checked(kind, s.at, direct);
        return;
      }
      // A call or jump to a function beyond +-2 GiB goes through a trampoline in the kernel. The
      // direct branch would land on P + 4 + (S + A - P) = S + A + 4 (A is usually -4: the rel32
      // counts from the end of the instruction), so the trampoline jumps there and the rel32 lands
      // on the trampoline itself. The emitter shares a trampoline only between equal S + A.
      writeX86_64Trampoline(s.trampolineAt, s.value + static_cast<uint64_t>(s.addend) + 4);
      writeInt32Checked(kind, s.at, static_cast<int64_t>(s.trampoline - (s.place + 4)));
      return;
    }
    case RelocKind::X86_64_GOTPCRELX:
    case RelocKind::X86_64_REX_GOTPCRELX:
      if (relaxGotLoad(kind, s)) return;
      [[fallthrough]];
    case RelocKind::X86_64_GOTPCREL:
      if (s.gotEntry == 0) fail(ErrorKind::Range, "relocation %s has no GOT entry", relocKindName(kind));
      writeInt32Checked(kind, s.at, static_cast<int64_t>(s.gotEntry + s.addend - s.place));
      return;
    default:
      fail(ErrorKind::Range, "relocation %s is not an x86-64 relocation", relocKindName(kind));
  }
}

}  // namespace jitctl
