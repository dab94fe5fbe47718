// The stencil set of one target architecture with its runtime functions resolved, and the patcher
// that goes with it. Both targets are compiled into every build (plain data), so that emitting and
// patching for either can be tested on any host; only the host's can run.
#pragma once

#include <cstdint>

#include "core/patch/patch.h"
#include "core/stencil.h"

namespace jitctl {

struct TargetStencils {
  const char* arch;  // "x86_64" or "aarch64"
  const Stencil* shim;
  const Stencil* poll;       // the interrupt check at loop heads
  const Stencil* outerPoll;  // the same at the head of a loop that holds loops (yields earlier)
  const Stencil* stencils;  // indexed by Uop
  const Stencil* variants;  // register variants, indexed like kVariantInfo (generated/uops.h)
  const char* const* externNames;
  const uint64_t* externs;  // run-time addresses, one per extern name
  uint32_t externCount;
  void (*patch)(RelocKind, const PatchSite&);
  // What fills the gaps the emitter leaves in code (before a loop it places, emit.cc): a byte that
  // traps if it is ever executed (x86-64 int3; on AArch64 four zero bytes are `udf #0`).
  uint8_t codeFill;
};

// The target this process runs on, or nullptr on an unsupported architecture.
const TargetStencils* hostTarget();
// A target by name ("x86_64", "aarch64"), nullptr for an unknown name.
const TargetStencils* targetByName(const char* arch);

}  // namespace jitctl
