// Facts about relocation kinds that the emitter needs before it patches anything.
#include "core/patch/patch.h"

namespace jitctl {

bool relocNeedsGot(RelocKind kind) {
  switch (kind) {
    case RelocKind::X86_64_GOTPCREL:
    case RelocKind::X86_64_GOTPCRELX:
    case RelocKind::X86_64_REX_GOTPCRELX:
    case RelocKind::AARCH64_ADR_GOT_PAGE:
    case RelocKind::AARCH64_LD64_GOT_LO12_NC:
      return true;
    default:
      return false;
  }
}

bool relocMayNeedTrampoline(RelocKind kind) {
  return kind == RelocKind::AARCH64_CALL26 || kind == RelocKind::AARCH64_JUMP26 || kind == RelocKind::X86_64_PLT32;
}

bool relocIsX86_64(RelocKind kind) { return kind <= RelocKind::X86_64_REX_GOTPCRELX; }

const char* relocKindName(RelocKind kind) {
  switch (kind) {
#define NAME(k) case RelocKind::k: return #k;
    NAME(X86_64_64) NAME(X86_64_32) NAME(X86_64_32S) NAME(X86_64_PC32) NAME(X86_64_PLT32)
    NAME(X86_64_GOTPCREL) NAME(X86_64_GOTPCRELX) NAME(X86_64_REX_GOTPCRELX)
    NAME(AARCH64_ABS64) NAME(AARCH64_CALL26) NAME(AARCH64_JUMP26) NAME(AARCH64_CONDBR19)
    NAME(AARCH64_TSTBR14) NAME(AARCH64_ADR_PREL_PG_HI21) NAME(AARCH64_ADD_ABS_LO12_NC)
    NAME(AARCH64_LDST8_ABS_LO12_NC) NAME(AARCH64_LDST16_ABS_LO12_NC) NAME(AARCH64_LDST32_ABS_LO12_NC)
    NAME(AARCH64_LDST64_ABS_LO12_NC) NAME(AARCH64_LDST128_ABS_LO12_NC) NAME(AARCH64_MOVW_UABS_G0)
    NAME(AARCH64_MOVW_UABS_G0_NC) NAME(AARCH64_MOVW_UABS_G1) NAME(AARCH64_MOVW_UABS_G1_NC)
    NAME(AARCH64_MOVW_UABS_G2) NAME(AARCH64_MOVW_UABS_G2_NC) NAME(AARCH64_MOVW_UABS_G3)
    NAME(AARCH64_ADR_GOT_PAGE) NAME(AARCH64_LD64_GOT_LO12_NC)
#undef NAME
  }
  return "unknown";
}

}  // namespace jitctl
