// Runtime functions the stencils call (libm and a few C library routines), by C name. The
// generated headers list the names each target needs (kExterns); every one must resolve here,
// which is checked once when the first engine is created.
#pragma once

#include <cstdint>

namespace jitctl {

// The address of a runtime function, 0 when this build does not provide it.
uint64_t externAddress(const char* name);

}  // namespace jitctl
