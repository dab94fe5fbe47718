// Register caching: which slots of a kernel live in registers instead of the frame.
//
// Every stencil receives and passes on kCachedRegisters i32/u32 registers (r0..) and as many f64
// registers (f0..) (templates/prelude.h). A slot assigned to one is there wherever it is live, so
// there is nothing to reconcile at labels: the register is the slot's value, and the frame copy is
// written only where a stencil needs it in memory (an op without register variants reads it, the
// kernel returns it) and read back where such an op wrote it. Slots whose live ranges never
// overlap may share a register. The poll saves the registers in the frame header when a call
// yields and the shim loads them when it resumes.
//
// The choice: the slots used most inside loops (uses weighted by 8^depth of loop nesting; uses
// that would need a spill or a reload count against), per register class, heaviest first, each in
// the lowest register no slot it interferes with holds; then the slots an op pairs with it as
// operand and result take the same register where nothing holding it interferes with them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/validate.h"

namespace jitctl {

struct RegisterPlan {
  std::vector<int8_t> slotRegister;  // per slot: -1 in the frame, else its register in its class
  bool any = false;
};

RegisterPlan planRegisters(const ValidatedTrace& trace);

// How one op runs under a plan: the stencil (base op or register variant), and the cached slots
// to write to the frame before it and reload after it.
struct OpPlacement {
  int32_t variant = -1;  // index into kVariantInfo, or -1 for the op's own (memory) stencil
  uint32_t spillCount = 0, reloadCount = 0;
  uint32_t spills[4], reloads[4];  // slot indices
};

OpPlacement placeOp(const ValidatedTrace& trace, const RegisterPlan& plan, const ValidOp& op);

// The MOV variant that copies `slot` between its register and its frame word (`toFrame`: a spill).
int32_t moveVariant(const ValidatedTrace& trace, const RegisterPlan& plan, uint32_t slot, bool toFrame);

}  // namespace jitctl
