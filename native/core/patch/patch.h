// Relocation patchers: write one hole's value into copied stencil bytes. One function per target;
// both are compiled on every host so that each can be tested anywhere. Every value is range-checked
// at run time: a value that does not fit is an Error (ErrorKind::Range), never wrong code.
#pragma once

#include <cstdint>

#include "core/stencil.h"

namespace jitctl {

struct PatchSite {
  uint8_t* at;             // the hole's bytes in the writable image
  uint32_t offsetInPart;   // bytes of the part before `at` (instruction bytes a relaxation may rewrite)
  uint64_t place;          // P: the run-time address of `at`
  uint64_t value;          // S: what the hole's symbol stands for
  int64_t addend;          // A
  uint64_t gotEntry;       // G: address of the kernel's GOT entry holding S (GOT kinds only)
  uint64_t trampoline;     // CALL26/JUMP26/PLT32: address of a trampoline reserved for this S + A, 0 if none
  uint8_t* trampolineAt;   // the trampoline's 16 bytes in the writable image (filled on demand)
};

// Kinds that need a GOT entry (the emitter reserves one per distinct value).
bool relocNeedsGot(RelocKind kind);
// Kinds that may need a trampoline when the target is far: AArch64 CALL26/JUMP26 (+-128 MiB) and
// x86-64 PLT32 (a call or jump to a runtime function more than 2 GiB away).
bool relocMayNeedTrampoline(RelocKind kind);
bool relocIsX86_64(RelocKind kind);
const char* relocKindName(RelocKind kind);

void patchX86_64(RelocKind kind, const PatchSite& site);
void patchAarch64(RelocKind kind, const PatchSite& site);

// The AArch64 trampoline: `ldr x16, #8; br x16; .quad target` (x16 is the intra-procedure-call
// scratch register, the only one besides x17 a veneer may clobber).
// The x86-64 one: `jmp *0(%rip); .quad target`. Both fit in 16 bytes.
constexpr uint32_t kTrampolineSize = 16;
void writeAarch64Trampoline(uint8_t* at, uint64_t target);
void writeX86_64Trampoline(uint8_t* at, uint64_t target);

}  // namespace jitctl
