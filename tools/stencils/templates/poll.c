// The interrupt check the emitter places at every label a backward branch reaches, so that no
// loop runs without passing it. It charges the loop's length in micro-ops (operand 0) to the
// call's budget in the frame header; when the budget runs out it saves the cached registers and
// where to go on in the header and returns to the shim, and the runtime decides (interrupt flag,
// timeout) whether to resume.
// The common path is one subtract from memory and one not-taken branch.
#include "prelude.h"

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

STENCIL(_JIT_ENTRY) {
  FrameHeader* header = FRAME_HEADER(frame);
  header->budget -= IMM_I32(0);
  if (__builtin_expect(header->budget < 0, 0)) {
    header->ints[0] = r0;
    header->ints[1] = r1;
    header->ints[2] = r2;
    header->floats[0] = f0;
    header->floats[1] = f1;
    header->floats[2] = f2;
    header->resume = continuation_address();
    return;
  }
  CONTINUE();
}
