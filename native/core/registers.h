// Register caching: which slots of a kernel live in registers instead of the frame.
//
// Every stencil receives and passes on kCachedRegisters i32/u32 registers (r0..) and as many f64
// registers (f0..) (templates/prelude.h). What gets a register is a web (core/webs.h: one value of
// a slot, its writes and the reads they reach), and it is there wherever the web is live, so
// there is nothing to reconcile at labels: the register is the value, and the slot's frame word is
// written only where a stencil needs it in memory (an op without register variants reads it, the
// kernel returns it) and read back where such an op wrote it. Webs whose live ranges never
// overlap may share a register. The poll saves the registers in the frame header when a call
// yields and the shim loads them when it resumes.
//
// The choice: the webs used most inside loops (uses weighted by 8^depth of loop nesting; uses
// that would need a spill or a reload count against), per register class, heaviest first, each in
// the lowest register no web it interferes with holds; then the webs an op pairs with it as
// operand and result take the same register where nothing holding it interferes with them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/validate.h"
#include "core/webs.h"

namespace jitctl {

struct RegisterPlan {
  Webs webs;
  std::vector<int8_t> webRegister;  // per web: -1 in the frame, else its register in its class
  bool any = false;

  // The register of a slot operand (an index into ValidatedTrace::operands), of a slot's starting
  // value, of the result at the RETURN op `op`: -1 in the frame.
  int8_t ofOperand(uint32_t operand) const { return any ? webRegister[webs.ofOperand[operand]] : -1; }
  int8_t atEntry(uint32_t slot) const { return any ? webRegister[webs.atEntry[slot]] : -1; }
  int8_t ofReturn(size_t op) const { return any && webs.ofReturn[op] != kNoWeb ? webRegister[webs.ofReturn[op]] : -1; }
};

RegisterPlan planRegisters(const ValidatedTrace& trace);

// A cached value's copy between its register and its slot's frame word.
struct Move {
  uint32_t slot;
  int8_t reg;
};

// How one op runs under a plan: the stencil (base op or register variant), and the cached values
// to write to the frame before it and reload after it.
struct OpPlacement {
  int32_t variant = -1;  // index into kVariantInfo, or -1 for the op's own (memory) stencil
  uint32_t spillCount = 0, reloadCount = 0;
  Move spills[4], reloads[4];
};

OpPlacement placeOp(const ValidatedTrace& trace, const RegisterPlan& plan, const ValidOp& op);

// The MOV variant that copies `move.slot` between `move.reg` and its frame word (`toFrame`: a spill).
int32_t moveVariant(const ValidatedTrace& trace, const Move& move, bool toFrame);

}  // namespace jitctl
