#include "core/validate.h"

#include "core/errors.h"

namespace jitctl {
namespace {

SlotType slotTypeOf(OperandKind kind) {
  return kind == OperandKind::F64 ? SlotType::F64 : kind == OperandKind::I32 ? SlotType::I32 : SlotType::U32;
}

// Whether `code` is one of the generated codes (native/generated/uops.h).
template <size_t N>
bool isCode(const TypeCode (&codes)[N], int32_t code) {
  for (const TypeCode& t : codes)
    if (t.code == code) return true;
  return false;
}

// The value of a derived operand (tools/stencils/uops.mjs), from the hole value of its source
// operand. ModReciprocal: m = ceil(2^64 / |k|) for MOD_I32_K's n mod |k| = ((m * n) * |k|) >> 64,
// computed as floor((2^64 - 1) / |k|) + 1, which wraps to 0 for |k| = 1 (n mod 1 = 0 with m = 0) and
// is 0 for k = 0 too (the remainder JS's `(a % 0) | 0` gives).
uint64_t deriveOperand(DerivedOperand rule, uint64_t source) {
  switch (rule) {
    case DerivedOperand::ModReciprocal: {
      const int64_t k = static_cast<int64_t>(source);  // a sign-extended ImmI32
      const uint64_t magnitude = k < 0 ? 0 - static_cast<uint64_t>(k) : static_cast<uint64_t>(k);
      return magnitude == 0 ? 0 : UINT64_MAX / magnitude + 1;
    }
    case DerivedOperand::None:
      break;
  }
  return 0;
}

}  // namespace

void checkTraceHeader(const int32_t* words, size_t count) {
  if (count < kTraceHeaderWords)
    fail(ErrorKind::Trace, "invalid trace: %zu words is shorter than the %u-word header", count, kTraceHeaderWords);
  if (static_cast<uint32_t>(words[0]) != kTraceMagic)
    fail(ErrorKind::Trace, "invalid trace: bad magic 0x%08x (expected 'JTC1', 0x%08x)", static_cast<uint32_t>(words[0]),
         kTraceMagic);
  if (static_cast<uint32_t>(words[1]) != kTraceVersion)
    fail(ErrorKind::Trace, "invalid trace: version %d is not supported (expected %u)", words[1], kTraceVersion);
  const int32_t slotCount = words[2], viewCount = words[3], paramCount = words[4];
  const int32_t opWords = words[7];
  if (slotCount < 0 || static_cast<uint32_t>(slotCount) > kMaxSlots)
    fail(ErrorKind::Range, "invalid trace: too many slots (%d, the limit is %u)", slotCount, kMaxSlots);
  if (viewCount < 0 || static_cast<uint32_t>(viewCount) > kMaxViews)
    fail(ErrorKind::Range, "invalid trace: too many views (%d, the limit is %u)", viewCount, kMaxViews);
  const uint64_t frameBytes = 8ull * static_cast<uint32_t>(slotCount) + 16ull * static_cast<uint32_t>(viewCount);
  if (frameBytes > kMaxFrameBytes)
    fail(ErrorKind::Range,
         "invalid trace: frame too large (%d slots x 8 + %d views x 16 = %llu bytes, the limit is %u bytes on every target)",
         slotCount, viewCount, static_cast<unsigned long long>(frameBytes), kMaxFrameBytes);
  if (paramCount < 0 || static_cast<uint32_t>(paramCount) > kMaxParams)
    fail(ErrorKind::Range, "invalid trace: too many parameters (%d, the limit is %u)", paramCount, kMaxParams);
  if (opWords < 0 || static_cast<uint32_t>(opWords) > kMaxOpWords)
    fail(ErrorKind::Range, "invalid trace: trace too long (%d op words, the limit is %u)", opWords, kMaxOpWords);
  const uint64_t expected = uint64_t{kTraceHeaderWords} + slotCount + viewCount + 2ull * paramCount + opWords;
  if (count != expected)
    fail(ErrorKind::Trace, "invalid trace: the header describes %llu words but the trace has %zu",
         static_cast<unsigned long long>(expected), count);
}

ValidatedTrace validateTrace(const int32_t* words, size_t count) {
  checkTraceHeader(words, count);
  const int32_t slotCount = words[2], viewCount = words[3], paramCount = words[4];
  const int32_t returnType = words[5], returnSlot = words[6], opWords = words[7];

  ValidatedTrace t;
  const int32_t* p = words + kTraceHeaderWords;
  t.slotTypes.reserve(slotCount);
  for (int32_t i = 0; i < slotCount; ++i, ++p) {
    if (!isCode(kSlotTypeCodes, *p)) fail(ErrorKind::Trace, "invalid trace: slot %d has unknown type %d (%s)", i, *p, kSlotTypeCodeList);
    t.slotTypes.push_back(static_cast<SlotType>(*p));
  }
  t.viewKinds.reserve(viewCount);
  for (int32_t i = 0; i < viewCount; ++i, ++p) {
    if (*p < 0 || static_cast<uint32_t>(*p) >= kElementKindCount)
      fail(ErrorKind::Trace, "invalid trace: view %d has unknown element kind %d (0..%u)", i, *p, kElementKindCount - 1);
    t.viewKinds.push_back(static_cast<ViewKind>(*p));
  }
  std::vector<uint8_t> slotIsParam(slotCount, 0), viewIsParam(viewCount, 0);
  for (int32_t i = 0; i < paramCount; ++i, p += 2) {
    const int32_t kind = p[0], index = p[1];
    if (kind == 0) {
      if (index < 0 || index >= slotCount)
        fail(ErrorKind::Range, "invalid trace: parameter %d names slot %d but the trace has %d slots", i, index, slotCount);
      if (slotIsParam[index]++) fail(ErrorKind::Trace, "invalid trace: slot %d is bound by two parameters", index);
      t.params.push_back(ParamDescription{false, t.slotTypes[index], ViewKind::Int8});
    } else if (kind == 1) {
      if (index < 0 || index >= viewCount)
        fail(ErrorKind::Range, "invalid trace: parameter %d names view %d but the trace has %d views", i, index, viewCount);
      if (viewIsParam[index]++) fail(ErrorKind::Trace, "invalid trace: view %d is bound by two parameters", index);
      t.params.push_back(ParamDescription{true, SlotType::F64, t.viewKinds[index]});
    } else {
      fail(ErrorKind::Trace, "invalid trace: parameter %d has unknown kind %d (0 slot, 1 view)", i, kind);
    }
    t.paramIndex.push_back(static_cast<uint32_t>(index));
  }
  for (int32_t v = 0; v < viewCount; ++v)
    if (!viewIsParam[v]) fail(ErrorKind::Trace, "invalid trace: view %d is not bound by a parameter", v);
  if (!isCode(kReturnTypeCodes, returnType))
    fail(ErrorKind::Trace, "invalid trace: unknown return type %d (%s)", returnType, kReturnTypeCodeList);
  t.returnType = static_cast<ReturnType>(returnType);
  if (t.returnType != ReturnType::Void) {
    if (returnSlot < 0 || returnSlot >= slotCount)
      fail(ErrorKind::Range, "invalid trace: return slot %d is out of range (the trace has %d slots)", returnSlot, slotCount);
    if (static_cast<int32_t>(t.slotTypes[returnSlot]) != returnType)
      fail(ErrorKind::Trace, "invalid trace: return slot %d is %s but the return type is %s", returnSlot,
           slotTypeName(t.slotTypes[returnSlot]), slotTypeName(static_cast<SlotType>(returnType)));
    t.returnSlot = static_cast<uint32_t>(returnSlot);
  }

  // Ops. Labels: defined[id] = op index + 1 of its LABEL; usedBy[id] = first op that branches there.
  std::vector<uint32_t> definedAt, usedBy;
  const int32_t* end = p + opWords;
  t.ops.reserve(opWords / 3 + 1);
  t.operands.reserve(opWords);
  while (p < end) {
    const uint32_t opIndex = static_cast<uint32_t>(t.ops.size());
    const uint32_t wordIndex = static_cast<uint32_t>(p - words);
    if (opIndex >= kMaxOps) fail(ErrorKind::Range, "invalid trace: trace too long (more than %u ops)", kMaxOps);
    const int32_t opcode = *p++;
    if (opcode < 0 || static_cast<uint32_t>(opcode) >= kUopCount)
      fail(ErrorKind::Trace, "invalid trace: op %u at word %u: unknown opcode %d", opIndex, wordIndex, opcode);
    if (kInternalUop[opcode])
      fail(ErrorKind::Trace, "invalid trace: op %u at word %u: %s is the engine's own (an access it proved in range) and cannot appear in a trace",
           opIndex, wordIndex, kUopInfo[opcode].name);
    const UopInfo& info = kUopInfo[opcode];
    ValidOp op{static_cast<Uop>(opcode), static_cast<uint32_t>(t.operands.size()), 0, -1};
    for (uint32_t n = 0; n < info.operandCount; ++n) {
      const OperandKind kind = info.operands[n];
      const uint32_t need = kind == OperandKind::ImmF64 ? 2 : 1;
      if (end - p < static_cast<ptrdiff_t>(need))
        fail(ErrorKind::Trace, "invalid trace: op %u (%s) at word %u is truncated: it needs %u operands", opIndex,
             info.name, wordIndex, info.operandCount);
      const int32_t w = *p;
      switch (kind) {
        case OperandKind::F64:
        case OperandKind::I32:
        case OperandKind::U32:
          if (w < 0 || w >= slotCount)
            fail(ErrorKind::Range, "invalid trace: op %u (%s) operand %u: slot %d is out of range (the trace has %d slots)",
                 opIndex, info.name, n, w, slotCount);
          if (t.slotTypes[w] != slotTypeOf(kind))
            fail(ErrorKind::Trace, "invalid trace: op %u (%s) operand %u: slot %d is %s but the op needs %s", opIndex,
                 info.name, n, w, slotTypeName(t.slotTypes[w]), slotTypeName(slotTypeOf(kind)));
          t.operands.push_back(8ull * static_cast<uint32_t>(w));
          break;
        case OperandKind::View:
          if (w < 0 || w >= viewCount)
            fail(ErrorKind::Range, "invalid trace: op %u (%s) operand %u: view %d is out of range (the trace has %d views)",
                 opIndex, info.name, n, w, viewCount);
          if (info.viewKind >= 0 && static_cast<int>(t.viewKinds[w]) != info.viewKind)
            fail(ErrorKind::Trace, "invalid trace: op %u (%s) operand %u: view %d holds %s elements but the op needs %s",
                 opIndex, info.name, n, w, viewKindName(t.viewKinds[w]), viewKindName(static_cast<ViewKind>(info.viewKind)));
          t.operands.push_back(t.viewOffset(static_cast<uint32_t>(w)));
          break;
        case OperandKind::Label:
          if (w < 0 || static_cast<uint32_t>(w) >= kMaxLabels)
            fail(ErrorKind::Range, "invalid trace: op %u (%s) operand %u: label %d is out of range (0..%u)", opIndex,
                 info.name, n, w, kMaxLabels - 1);
          if (op.label >= 0)
            fail(ErrorKind::Trace, "invalid trace: op %u (%s) has more than one label operand", opIndex, info.name);
          op.label = w;
          if (static_cast<uint32_t>(w) >= definedAt.size()) {
            definedAt.resize(w + 1, 0);
            usedBy.resize(w + 1, 0);
          }
          if (opcode == static_cast<int32_t>(Uop::LABEL)) {
            if (definedAt[w])
              fail(ErrorKind::Trace, "invalid trace: label %d is defined twice (ops %u and %u)", w, definedAt[w] - 1, opIndex);
            definedAt[w] = opIndex + 1;
          } else if (!usedBy[w]) {
            usedBy[w] = opIndex + 1;
          }
          break;
        case OperandKind::ImmI32:
          t.operands.push_back(static_cast<uint64_t>(static_cast<int64_t>(w)));
          break;
        case OperandKind::ImmF64:
          t.operands.push_back(static_cast<uint64_t>(static_cast<uint32_t>(p[0])) |
                               static_cast<uint64_t>(static_cast<uint32_t>(p[1])) << 32);
          break;
      }
      p += need;
    }
    op.operandCount = static_cast<uint32_t>(t.operands.size()) - op.firstOperand;
    if (info.derived != DerivedOperand::None)
      t.operands.push_back(deriveOperand(info.derived, t.operands[op.firstOperand + info.derivedFrom]));
    if (!info.pseudo) ++t.codeOps;
    t.ops.push_back(op);
  }
  for (uint32_t id = 0; id < usedBy.size(); ++id)
    if (usedBy[id] && !definedAt[id])
      fail(ErrorKind::Trace, "invalid trace: op %u branches to label %u, which is never defined", usedBy[id] - 1, id);
  t.labelCount = static_cast<uint32_t>(definedAt.size());
  if (t.ops.empty()) fail(ErrorKind::Trace, "invalid trace: it has no ops (it must end with RETURN)");
  const UopInfo& last = kUopInfo[static_cast<int>(t.ops.back().uop)];
  if (!last.ends)
    fail(ErrorKind::Trace, "invalid trace: execution can fall off the end: the last op is %s, not RETURN, JUMP or DECLINE",
         last.name);
  return t;
}

std::vector<uint32_t> labelPositions(const ValidatedTrace& t) {
  std::vector<uint32_t> at(t.labelCount, 0);
  for (size_t i = 0; i < t.ops.size(); ++i)
    if (t.ops[i].uop == Uop::LABEL) at[t.ops[i].label] = static_cast<uint32_t>(i);
  return at;
}

std::vector<BackEdge> backEdges(const ValidatedTrace& t) {
  std::vector<uint32_t> definedAt(t.labelCount, UINT32_MAX);
  std::vector<BackEdge> edges;
  for (size_t i = 0; i < t.ops.size(); ++i) {
    const ValidOp& op = t.ops[i];
    if (op.uop == Uop::LABEL)
      definedAt[op.label] = static_cast<uint32_t>(i);
    else if (op.label >= 0 && definedAt[op.label] != UINT32_MAX)
      edges.push_back(BackEdge{definedAt[op.label], static_cast<uint32_t>(i), op.label});
  }
  return edges;
}

}  // namespace jitctl
