// The model of a stencil shared by the generator (tools/stencils/, which writes
// native/generated/stencils/<target>.h) and the runtime (emit + patch). Change it in both places or not
// at all: the generated headers are plain data in these types.
#pragma once

#include <cstdint>

#include "generated/uops.h"

namespace jitctl {

// Every relocation kind the patchers know. The generator fails on any other kind it meets.
enum class RelocKind : uint8_t {
  // x86-64
  X86_64_64,             // S + A, 64 bits
  X86_64_32,             // S + A, zero-extended 32 bits (must fit uint32)
  X86_64_32S,            // S + A, sign-extended 32 bits (must fit int32)
  X86_64_PC32,           // S + A - P, int32
  X86_64_PLT32,          // S + A - P, int32 (no PLT: the target is resolved directly)
  X86_64_GOTPCREL,       // G + A - P through the kernel's GOT
  X86_64_GOTPCRELX,      // as GOTPCREL, relaxable (call/jmp/mov through GOT)
  X86_64_REX_GOTPCRELX,  // as GOTPCREL, relaxable (REX mov -> lea)
  // AArch64
  AARCH64_ABS64,
  AARCH64_CALL26,        // bl imm26, +-128 MiB, trampoline beyond
  AARCH64_JUMP26,        // b imm26, +-128 MiB, trampoline beyond
  AARCH64_CONDBR19,      // b.cond / cbz / cbnz imm19, +-1 MiB
  AARCH64_TSTBR14,       // tbz / tbnz imm14, +-32 KiB
  AARCH64_ADR_PREL_PG_HI21,
  AARCH64_ADD_ABS_LO12_NC,
  AARCH64_LDST8_ABS_LO12_NC,
  AARCH64_LDST16_ABS_LO12_NC,
  AARCH64_LDST32_ABS_LO12_NC,
  AARCH64_LDST64_ABS_LO12_NC,
  AARCH64_LDST128_ABS_LO12_NC,
  AARCH64_MOVW_UABS_G0,
  AARCH64_MOVW_UABS_G0_NC,
  AARCH64_MOVW_UABS_G1,
  AARCH64_MOVW_UABS_G1_NC,
  AARCH64_MOVW_UABS_G2,
  AARCH64_MOVW_UABS_G2_NC,
  AARCH64_MOVW_UABS_G3,
  AARCH64_ADR_GOT_PAGE,      // page of the GOT entry
  AARCH64_LD64_GOT_LO12_NC,  // low 12 bits of the GOT entry, scaled by 8
};

// What a hole's symbol stands for. The emitter turns it into an address or a value S; the
// relocation kind says how S (+ addend) is written into the bytes.
enum class HoleValue : uint8_t {
  Code,      // start of this stencil instance's code
  Data,      // start of this stencil instance's data (its .rodata etc.)
  Continue,  // code of the next micro-op (usually removed: the stencils fall through)
  Target,    // code at the label named by the op's label operand
  Operand,   // the op's operand number `index` as a 64-bit value (see below)
  Extern,    // a runtime function (libm...), `index` into the target's extern name table
};

// Operand values: slot operand -> byte offset of the slot in the frame; view operand -> byte
// offset of the view record in the frame; immediate -> its value (sign-extended to 64 bits);
// f64 immediate -> its IEEE-754 bits.
//
// Added by the stencil generator (tools/stencils/), what the generated headers guarantee:
// - Operand holes: `index` is the operand's position in UopInfo::operands (a Label operand is
//   always last and is never an Operand hole; it is HoleValue::Target), or operandCount for the
//   derived operand of an op that has one (UopInfo::derived, computed by the validator).
// - No GOT relocations are emitted: the generator gives each stencil its own 8-byte slots in its
//   data part (absolute 64-bit holes) and addresses them PC-relative. Runtime GOTs are not needed.
// - Relocation kinds that occur: x86-64: X86_64_64 (data), X86_64_32S (operands: slot/view offsets
//   and i32 immediates), X86_64_PC32 / X86_64_PLT32 (code and data of the same stencil instance,
//   Continue, Target). AArch64: AARCH64_ABS64 (data), AARCH64_MOVW_UABS_G0 (slot/view offsets: one
//   movz, so they must be < 65536; range-check it), AARCH64_MOVW_UABS_G0_NC..G3 (immediates),
//   AARCH64_JUMP26 / AARCH64_CONDBR19 (Continue, Target), AARCH64_CALL26 (Continue in the shim, and
//   HoleValue::Code in stencils that call a helper inside their own code: kernel-relative, so it
//   never needs a trampoline), AARCH64_ADR_PREL_PG_HI21 + AARCH64_LDST64_ABS_LO12_NC (the stencil's
//   own data). Any may appear in future tables.
// - Hole values Code/Data are never used with an absolute 32-bit kind.
struct Hole {
  uint32_t offset;   // from the start of the part (code or data) that holds it
  RelocKind kind;
  HoleValue value;
  uint16_t index;    // operand number (Operand) or extern index (Extern)
  int64_t addend;
};

struct StencilPart {
  const uint8_t* bytes;
  uint32_t size;
  const Hole* holes;
  uint32_t holeCount;
};

struct Stencil {
  StencilPart code;
  StencilPart data;
  uint32_t dataAlign;  // alignment the data part needs (power of two, >= 1)
};

// Frame layout seen by every stencil (the register `frame` passed from stencil to stencil):
// slot i is 8 bytes at frame + 8*i (f64 as double, i32/u32 in the low 4 bytes);
// views follow the slots, 16 bytes each: { void* base; uint64_t length; }.
struct ViewRecord {
  void* base;
  uint64_t length;  // in elements
};

// The 80 bytes just below the frame, which the shim and the poll stencil use (prelude.h has the
// same struct): `budget` is the slice of work a call runs before its next interrupt check; the
// shim passes it to the first op in the budget register, which every stencil passes on and the
// poll charges at each loop head with its loop's length in ops. Below zero the poll stores the
// cached registers (the slots the engine keeps in registers, see registers.h) in `ints` and
// `floats`, the address of the op it guards in `resume`, and returns. The shim calls `resume` (and
// clears it) with the registers and the budget loaded from the header, so the runtime starts a
// call with resume = the first op, the registers zero (every slot starts at 0) and a full budget,
// and resumes a yielded one the same way. A DECLINE op sets `budget` to kDeclinedBudget as it
// returns (nothing else writes it during a slice), so that the runtime tells it from a RETURN.
// The poll at the head of a loop that holds other loops (the outer poll) yields while
// kOuterPollReserve budget is still left, so that a call slice ends between two runs of an inner
// loop, not in the middle of one: resuming in the middle of a short inner loop cut its trip count
// in two, and the core's branch prediction of that loop's exit stayed worse for the rest of the
// call (horner ran 1.2x slower in 2^18-op slices; docs/native-engine.md "Interrupting a running
// kernel"). An inner loop that runs longer than this between two outer polls still yields at its
// own poll, below 0.
// Both numbers are in generated/uops.h, written by the generator that compiled the stencils with
// them (FRAME_CONSTANTS in tools/stencils/compile.mjs).
struct FrameHeader {
  int64_t ints[4];   // i32/u32 registers r0..r3 (the low 32 bits)
  double floats[4];  // f64 registers f0..f3
  int64_t budget;
  void* resume;
};
static_assert(sizeof(FrameHeader) == 80, "the stencils address the header as 80 bytes below the frame");

}  // namespace jitctl
