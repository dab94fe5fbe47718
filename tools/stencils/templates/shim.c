// The C-ABI entry of a kernel: `void shim(uint8_t* frame)`. It saves the registers the C ABI
// preserves (preserve_none callees may clobber them), calls the first micro-op through
// _JIT_CONTINUE and returns when a RETURN stencil returns. A real call, never a tail call.
#include "prelude.h"

__attribute__((disable_tail_calls)) void _JIT_ENTRY(uint8_t* frame) { _JIT_CONTINUE(frame); }
