// Bounds-check elimination. Every typed-array access in a trace checks its index against its
// view's length; this pass proves, with a range analysis of the engine's own (a trace comes from
// any caller, so nothing it claims is trusted), which accesses are in range on every path to
// them, and rewrites each into its proven twin (kProvenTwin in generated/uops.h), the same access
// without the check. `for (let i = 0; i < v.length; i++) v[i]` is proved, `w[i]` there after a
// guard `w.length >= v.length`, and `v[i + 1]` under `i < v.length - 1` (the facts say how far
// below a length a value lies); `i <= v.length`, an index that may be negative or may have
// wrapped around is not, nor an access to a view past the first 16.
#pragma once

#include <cstdint>

#include "core/validate.h"

namespace jitctl {

// Rewrites the proven accesses of `trace` in place (uop and label; the operands stay), and
// returns how many. JITCTL_PROVEN_ACCESSES=0 turns it off (for measuring what it buys).
uint32_t proveAccesses(ValidatedTrace* trace);

}  // namespace jitctl
