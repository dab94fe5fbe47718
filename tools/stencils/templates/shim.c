// The C-ABI entry of a kernel: `void shim(uint8_t* frame)`. It saves the registers the C ABI
// preserves (preserve_none callees may clobber them), calls the micro-op the frame header names
// (the first op, or where a poll left off) and returns when a RETURN stencil returns or a poll
// yields. A real call, never a tail call.
#include "prelude.h"

__attribute__((disable_tail_calls)) void _JIT_ENTRY(uint8_t* frame) {
  Continuation* next = FRAME_HEADER(frame)->resume;
  FRAME_HEADER(frame)->resume = 0;
  next(frame);
}
