// Included first by every stencil translation unit the generator writes. It declares the holes
// (extern symbols whose ADDRESS is the value the runtime patches in) and the continuation style
// every micro-op follows. See generate.mjs for the whole design.
#pragma once

#include <stdint.h>

typedef struct {
  void* base;
  uint64_t length;  // in elements
} ViewRecord;

#define STENCIL_CC __attribute__((preserve_none))
// Hidden: the compiler may then branch to these directly (jmp/b with a PC-relative relocation)
// instead of going through a GOT; they are code inside the same kernel, so always in range.
#define JIT_LOCAL __attribute__((visibility("hidden")))
// Out-of-line code of a stencil (a slow path): the generator places a function in this section in
// the stencil's data part, which lies in the kernel's executable block after all the ops, so the
// op's own code holds only its common path.
#define JIT_COLD __attribute__((cold, noinline, section(".text.jit_cold")))

// Every stencil receives the frame, the cached registers (CACHED_REGISTERS in uops.mjs: the slots
// the engine keeps in registers, r0..r3 i32/u32 and f0..f3 f64) and the poll budget, and passes
// all of them on, so a value stays in its register from stencil to stencil. Under preserve_none
// they are arguments in registers: x86-64 frame r12, r0..r2 r13..r15, budget rdi, r3 rsi, f0..f3
// xmm0..xmm3; AArch64 frame x20, r0..r2 x21..x23, budget x24, r3 x25, f0..f3 d0..d3. The budget is what
// the poll stencil charges a loop's iterations to: in a register, a loop's interrupt check is one
// subtract and one branch with no memory in its dependency chain (in the frame header it was a
// load-modify-store each iteration, which a short loop waited on).
//
// An i32/u32 register is passed as the whole 64-bit register with its upper 32 bits zero. A
// stencil's body starts with REGISTER_LOCALS(), which tells clang so (`__builtin_assume`) and
// declares the int32_t r0..r3 the body works on; each tail call passes them on zero-extended
// (STENCIL_ARGS). Then a typed-array index, which is the i32 zero-extended, is the register itself:
// `cmp %r13, len; movsd (%rax,%r13,8)`, where int32_t parameters took a `mov %r13d, %eax` before
// every access; and a register an op writes is a 32-bit instruction's result, which both targets
// zero-extend for free.
#define STENCIL_PARAMS                                                                             \
  uint8_t* frame, uint64_t r0_bits, uint64_t r1_bits, uint64_t r2_bits, int64_t budget, uint64_t r3_bits, \
      double f0, double f1, double f2, double f3
#define STENCIL_ARGS frame, (uint32_t)r0, (uint32_t)r1, (uint32_t)r2, budget, (uint32_t)r3, f0, f1, f2, f3
#define REGISTER_LOCALS()                                                                 \
  __builtin_assume(r0_bits <= UINT32_MAX);                                                \
  __builtin_assume(r1_bits <= UINT32_MAX);                                                \
  __builtin_assume(r2_bits <= UINT32_MAX);                                                \
  __builtin_assume(r3_bits <= UINT32_MAX);                                                \
  __attribute__((unused)) int32_t r0 = (int32_t)r0_bits, r1 = (int32_t)r1_bits, r2 = (int32_t)r2_bits, \
                                  r3 = (int32_t)r3_bits

typedef STENCIL_CC void Continuation(STENCIL_PARAMS);
extern Continuation _JIT_CONTINUE JIT_LOCAL;
extern Continuation _JIT_TARGET JIT_LOCAL;

// The 80 bytes just below the frame (jitctl::FrameHeader in native/core/stencil.h): the cached
// registers while a call is suspended (the poll saves them when it yields, the shim loads them;
// zero at the start of a call, like every slot), the budget of a call slice (the shim passes it to
// the first op in the budget register), and the micro-op the shim calls (where a poll yielded).
typedef struct {
  int64_t ints[4];
  double floats[4];
  int64_t budget;
  Continuation* resume;
} FrameHeader;
#define FRAME_HEADER(frame) ((FrameHeader*)((frame) - sizeof(FrameHeader)))
// DECLINED_BUDGET (what DECLINE leaves in the header's budget as it returns) and
// OUTER_POLL_RESERVE (the budget an outer poll yields below) come from the generator's command line
// (FRAME_CONSTANTS in tools/stencils/compile.mjs), which writes the same numbers into
// generated/uops.h for the runtime.
#if !defined(DECLINED_BUDGET) || !defined(OUTER_POLL_RESERVE)
#error "compile the templates with tools/stencils/compile.mjs: it defines the frame constants"
#endif

// Operand holes. Default visibility on purpose: on AArch64 (-fpic) a hidden symbol would be
// addressed PC-relative (adrp+add), which cannot express a small absolute value; a default one
// goes through a GOT entry that the generator places in the stencil's data. On x86-64
// (-fno-pic, small code model) both become 32-bit displacements/immediates.
extern char _JIT_OPERAND0[];
extern char _JIT_OPERAND1[];
extern char _JIT_OPERAND2[];
extern char _JIT_OPERAND3[];

#define JIT_OPERAND(n) ((uintptr_t)_JIT_OPERAND##n)
#define SLOT_F64(n) (*(double*)(frame + JIT_OPERAND(n)))
#define SLOT_I32(n) (*(int32_t*)(frame + JIT_OPERAND(n)))
#define SLOT_U32(n) (*(uint32_t*)(frame + JIT_OPERAND(n)))
#define SLOT_VIEW(n) ((const ViewRecord*)(frame + JIT_OPERAND(n)))
// A cached operand: an i32 or u32 slot lives in r<k> (the low 32 bits of its register), an f64 slot in f<k>.
#define REG_F64(k) f##k
#define REG_I32(k) r##k
#define REG_U32_READ(k) ((uint32_t)r##k)
#define IMM_I32(n) ((int32_t)(intptr_t)_JIT_OPERAND##n)
// A 64-bit immediate cannot be an x86-64 small-model displacement, so it lives in the stencil's
// data part: a per-instance 8-byte constant with an absolute 64-bit relocation. `volatile`
// stops clang from folding the constant back into a (32-bit) immediate.
#define DECLARE_IMM_64(n) \
  static const volatile uint64_t jit_imm_bits##n = (uint64_t)(uintptr_t)_JIT_OPERAND##n;
#define IMM_F64(n) jit_bits_to_f64(jit_imm_bits##n)
#define IMM_U64(n) ((uint64_t)jit_imm_bits##n)

static inline double jit_bits_to_f64(uint64_t bits) {
  double x;
  __builtin_memcpy(&x, &bits, sizeof x);
  return x;
}

#define CONTINUE() __attribute__((musttail)) return _JIT_CONTINUE(STENCIL_ARGS)
// `JUMP(label)`: the op's label operand is always the hole _JIT_TARGET.
#define JUMP(label) __attribute__((musttail)) return _JIT_TARGET(STENCIL_ARGS)
#define STENCIL(name) STENCIL_CC void name(STENCIL_PARAMS)
