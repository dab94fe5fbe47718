// A slot's webs: the values it holds that never meet. A web is a set of writes of one slot and the
// reads they reach, closed under "a read reached by two writes joins them" (reaching definitions,
// then union-find). The front end reuses a temp slot for unrelated values, one per statement;
// registers.cc gives each web its own register or frame word, so that two short values in one
// slot no longer hold one register over the span of both, and a value never meets another web's.
//
// Webs of one slot are never live at the same point (a read reached by both would have joined
// them), so they share the slot's frame word: a web in the frame and another in a register need
// nothing reconciled.
#pragma once

#include <cstdint>
#include <vector>

#include "core/validate.h"

namespace jitctl {

constexpr uint32_t kNoWeb = UINT32_MAX;

inline bool isSlotOperand(OperandKind kind) {
  return kind == OperandKind::F64 || kind == OperandKind::I32 || kind == OperandKind::U32;
}

struct Webs {
  uint32_t count = 0;
  std::vector<uint32_t> slotOf;     // per web: its slot
  std::vector<uint32_t> ofOperand;  // per entry of ValidatedTrace::operands: a slot operand's web, else kNoWeb
  std::vector<uint32_t> ofReturn;   // per op: at a RETURN of a value, the result slot's web, else kNoWeb
  std::vector<uint32_t> atEntry;    // per slot: the web of the value it starts with (a parameter, or 0)
};

// One web per slot where the analysis would cost more than its budget (a trace of many thousand
// ops and writes) or does not settle, and under JITCTL_SLOT_WEBS=0 (for measuring what it buys).
Webs findWebs(const ValidatedTrace& trace);

}  // namespace jitctl
