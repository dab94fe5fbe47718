// The trace validator: turns 32-bit words from any caller into a ValidatedTrace or a clear Error.
// Nothing after it re-checks the trace, so every structural fact the emitter relies on (operand
// counts, slot and view types, labels defined once, no fall-through off the end) is checked here.
#pragma once

#include <cstdint>
#include <vector>

#include "jitctl/jitctl.h"
#include "generated/uops.h"

namespace jitctl {

struct ValidOp {
  Uop uop;
  uint32_t firstOperand;  // index into ValidatedTrace::operands: the op's non-label operands
  uint32_t operandCount;
  int32_t label;          // the op's label operand, -1 if none
};

struct ValidatedTrace {
  std::vector<SlotType> slotTypes;
  std::vector<ViewKind> viewKinds;
  std::vector<ParamDescription> params;
  std::vector<uint32_t> paramIndex;  // slot or view index of each parameter
  ReturnType returnType = ReturnType::Void;
  uint32_t returnSlot = 0;
  std::vector<ValidOp> ops;
  // Hole values of the operands (HoleValue::Operand): slot -> frame offset, view -> frame offset of
  // its record, ImmI32 -> sign-extended value, ImmF64 -> IEEE bits; after an op's own operands
  // (operandCount of them) its derived operand, if its UopInfo has one.
  std::vector<uint64_t> operands;
  uint32_t labelCount = 0;  // label ids are < labelCount
  uint32_t codeOps = 0;     // ops that emit code (not pseudo)

  uint32_t frameBytes() const { return 8 * static_cast<uint32_t>(slotTypes.size()) + 16 * static_cast<uint32_t>(viewKinds.size()); }
  uint32_t viewOffset(uint32_t view) const { return 8 * static_cast<uint32_t>(slotTypes.size()) + 16 * view; }
};

ValidatedTrace validateTrace(const int32_t* words, size_t count);

// A backward branch: the op at index `branch` jumps to label `label`, defined by the LABEL op at
// index `head` (head <= branch). Every cycle in a trace's control flow contains one.
struct BackEdge {
  uint32_t head, branch;
  int32_t label;
};
std::vector<BackEdge> backEdges(const ValidatedTrace& trace);
// Per label id, the index of the LABEL op that defines it (the validator guarantees one each).
std::vector<uint32_t> labelPositions(const ValidatedTrace& trace);
// The header alone (the first 8 words of `words`, which has `count`): magic, version, every count
// within its limit and the total length it declares equal to `count`. Cheap, so a trace is
// checked before it is copied: a buffer of gigabytes fails here, not in an allocation.
void checkTraceHeader(const int32_t* words, size_t count);

}  // namespace jitctl
