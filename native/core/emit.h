// The emitter: copies the stencils of a validated trace back to back into executable memory and
// patches every hole. Pass one lays the kernel out (code offsets, label addresses, data, GOT and
// trampolines); pass two builds the image at its final address and writes it in one go.
//
// Kernel layout: [shim][op 0]...[op n-1] | [data of each stencil, aligned] [GOT] [trampolines]
// with a poll (the interrupt check, see FrameHeader in stencil.h) before every op that a backward
// branch reaches (an outer poll at the head of a loop that holds loops). Ops whose slots live in
// registers (registers.h) are their register variants, with the moves between register and frame
// that the plan needs around them. Ops control cannot reach are left out, and an innermost loop
// may start after a gap of trap bytes, so that it lies in as few 64-byte blocks as it can.
#pragma once

#include <cstdint>
#include <vector>

#include "core/exec_memory.h"
#include "core/target.h"
#include "core/validate.h"

namespace jitctl {

constexpr int32_t kShimPlacement = -1;
constexpr int32_t kPollPlacement = -2;
constexpr int32_t kOuterPollPlacement = -3;  // the poll at the head of a loop that holds loops
// Placement::uop of register variant v (kVariantInfo): kFirstVariantPlacement + v.
constexpr int32_t kFirstVariantPlacement = 1 << 16;
// A loop's charge per iteration is its length in ops, at most this (the budget is per call slice).
constexpr uint32_t kMaxPollWeight = 1u << 20;

struct Placement {
  int32_t uop;  // a Uop, kShimPlacement / kPollPlacement / kOuterPollPlacement, or a register variant
  uint32_t codeOffset, codeSize, dataOffset, dataSize;
  int32_t traceOp;  // the trace op it implements (a poll: its loop's LABEL); -1 for the shim and register moves
};

// "shim", "poll", "outer poll", the micro-op's name or the register variant's (e.g. "ADD_F64__f0_f0_m").
const char* placementName(int32_t uop);

struct EmittedKernel {
  ExecMemory::Block block;
  uint32_t codeSize = 0;
  uint32_t dataSize = 0;
  uint32_t gotEntries = 0;
  uint32_t trampolines = 0;
  std::vector<Placement> placements;
};

// Lays out and patches the kernel; when `memory` is null only the image is built (for tests of a
// target that cannot run here), at address `imageAddress`, into `image`.
EmittedKernel emitKernel(const ValidatedTrace& trace, const TargetStencils& target, ExecMemory* memory,
                         std::vector<uint8_t>* image = nullptr, uint64_t imageAddress = 0);

}  // namespace jitctl
