// The interrupt check the emitter places at every label a backward branch reaches, so that no
// loop runs without passing it. It charges the loop's length in micro-ops (operand 0) to the
// call slice's budget, which every stencil passes on in a register; when the budget runs out it
// saves the cached registers and where to go on in the frame header and returns to the shim, and
// the runtime decides (interrupt flag, timeout) whether to resume with a new budget.
// The common path is one register subtract and one not-taken branch (on x86-64 falling through;
// see poll_yield below).
//
// Compiled twice: as the poll, which yields below 0, and with POLL_OUTER defined as the outer poll
// at the head of a loop that holds other loops, which yields below OUTER_POLL_RESERVE, so that a
// slice ends between two runs of an inner loop rather than in one (prelude.h).
#include "prelude.h"

#ifdef POLL_OUTER
#define POLL_YIELDS(budget) ((budget) < OUTER_POLL_RESERVE)
#else
#define POLL_YIELDS(budget) ((budget) < 0)
#endif

// The next op's address, PC-relative: x86-64 stencils are small-model non-PIC code, where `&sym`
// would be a 32-bit absolute immediate that a kernel's address does not fit.
static inline Continuation* continuation_address(void) {
#if defined(__x86_64__)
  Continuation* next;
  __asm__("leaq _JIT_CONTINUE(%%rip), %0" : "=r"(next));
  return next;
#else
  return &_JIT_CONTINUE;
#endif
}

// Saves the cached registers and where to go on, then returns to the shim.
#define YIELD()                                  \
  do {                                           \
    FrameHeader* header = FRAME_HEADER(frame);   \
    header->ints[0] = (uint32_t)r0;              \
    header->ints[1] = (uint32_t)r1;              \
    header->ints[2] = (uint32_t)r2;              \
    header->ints[3] = (uint32_t)r3;              \
    header->floats[0] = f0;                      \
    header->floats[1] = f1;                      \
    header->floats[2] = f2;                      \
    header->floats[3] = f3;                      \
    header->resume = continuation_address();     \
    return;                                      \
  } while (0)

// The weight (operand 0) read as a pointer-sized value: on x86-64 one `sub $imm32, %rdi` (the
// small code model's sign-extended immediate), where IMM_I32's int32 takes `mov; cltq; sub`.
#define POLL_WEIGHT ((int64_t)(intptr_t)_JIT_OPERAND0)

#if defined(__x86_64__)
// The yield path out of line: a function in a JIT_COLD section, which the generator puts in the
// stencil's data part (in the kernel's executable block, after all the code), so the common path
// is `sub; js yield` and falls through into the loop body, with no taken branch and no cold bytes
// in between. (AArch64 keeps it inline: its conditional branch reaches only +-1 MiB, and the data
// part lies after all of a kernel's code, which may be longer.)
JIT_COLD static STENCIL_CC void poll_yield(STENCIL_PARAMS) {
  REGISTER_LOCALS();
  YIELD();
}

STENCIL(_JIT_ENTRY) {
  REGISTER_LOCALS();
  budget -= POLL_WEIGHT;
  if (__builtin_expect(POLL_YIELDS(budget), 0)) __attribute__((musttail)) return poll_yield(STENCIL_ARGS);
  CONTINUE();
}
#else
STENCIL(_JIT_ENTRY) {
  REGISTER_LOCALS();
  budget -= POLL_WEIGHT;
  if (__builtin_expect(POLL_YIELDS(budget), 0)) YIELD();
  CONTINUE();
}
#endif
