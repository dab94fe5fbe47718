// The C-ABI entry of a kernel: `void shim(uint8_t* frame)`. It saves the registers the C ABI
// preserves (preserve_none callees may clobber them), calls the micro-op the frame header names
// (the first op, or where a poll left off) with the cached registers and the budget the header
// holds, and returns
// when a RETURN stencil returns or a poll yields. A real call, never a tail call.
#include "prelude.h"

__attribute__((disable_tail_calls)) void _JIT_ENTRY(uint8_t* frame) {
  FrameHeader* header = FRAME_HEADER(frame);
  Continuation* next = header->resume;
  header->resume = 0;
  // Each i32/u32 register zero-extended (REGISTER_LOCALS in prelude.h): the low 32 bits are the slot's.
  next(frame, (uint32_t)header->ints[0], (uint32_t)header->ints[1], (uint32_t)header->ints[2], header->budget,
       (uint32_t)header->ints[3], header->floats[0], header->floats[1], header->floats[2], header->floats[3]);
}
