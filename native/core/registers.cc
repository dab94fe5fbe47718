#include "core/registers.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace jitctl {
namespace {

bool isSlotOperand(OperandKind kind) {
  return kind == OperandKind::F64 || kind == OperandKind::I32 || kind == OperandKind::U32;
}

bool isFloatSlot(const ValidatedTrace& t, uint32_t slot) { return t.slotTypes[slot] == SlotType::F64; }

// The loop nesting depth of each op: every backward branch closes a loop over the ops between its
// label and itself.
std::vector<uint32_t> loopDepths(const ValidatedTrace& t) {
  std::vector<int64_t> delta(t.ops.size() + 1, 0);
  for (const BackEdge& edge : backEdges(t)) {
    delta[edge.head] += 1;
    delta[edge.branch + 1] -= 1;
  }
  std::vector<uint32_t> depth(t.ops.size());
  int64_t running = 0;
  for (size_t i = 0; i < t.ops.size(); ++i) depth[i] = static_cast<uint32_t>(running += delta[i]);
  return depth;
}

// JITCTL_CACHED_REGISTERS=0 turns register caching off (every slot in the frame): for measuring
// what it buys (bench/kernels.ts), not a setting users need.
bool cachingEnabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("JITCTL_CACHED_REGISTERS");
    return !(value && std::strcmp(value, "0") == 0);
  }();
  return enabled;
}

}  // namespace

RegisterPlan planRegisters(const ValidatedTrace& t) {
  RegisterPlan plan;
  const size_t slots = t.slotTypes.size();
  plan.slotRegister.assign(slots, -1);
  if (kCachedRegisters == 0 || kVariantCount == 0 || !cachingEnabled()) return plan;
  const std::vector<uint32_t> depth = loopDepths(t);
  std::vector<int64_t> weight(slots, 0);
  std::vector<bool> eligible(slots, true);
  for (size_t i = 0; i < t.ops.size(); ++i) {
    const ValidOp& op = t.ops[i];
    const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
    const UopVariants& variants = kUopVariants[static_cast<int>(op.uop)];
    const int64_t w = depth[i] == 0 ? 0 : int64_t{1} << (3 * std::min<uint32_t>(depth[i], 6));
    for (uint32_t j = 0; j < op.operandCount; ++j) {
      if (!isSlotOperand(info.operands[j])) continue;
      const uint32_t slot = static_cast<uint32_t>(t.operands[op.firstOperand + j] / 8);
      const bool inRegister = variants.cacheable >> j & 1;  // 0 for an op without variants
      if (inRegister) {
        weight[slot] += w;
        continue;
      }
      weight[slot] -= w;  // a spill before the op or a reload after it
      // A reload after an op that may branch would run on one path only.
      if ((info.writes >> j & 1) && op.label >= 0) eligible[slot] = false;
    }
  }
  for (bool floats : {false, true}) {
    std::vector<uint32_t> candidates;
    for (uint32_t s = 0; s < slots; ++s)
      if (eligible[s] && weight[s] > 0 && isFloatSlot(t, s) == floats) candidates.push_back(s);
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](uint32_t a, uint32_t b) { return weight[a] > weight[b]; });
    for (uint32_t k = 0; k < candidates.size() && k < kCachedRegisters; ++k) {
      plan.slotRegister[candidates[k]] = static_cast<int8_t>(k);
      plan.any = true;
    }
  }
  return plan;
}

OpPlacement placeOp(const ValidatedTrace& t, const RegisterPlan& plan, const ValidOp& op) {
  OpPlacement out;
  if (!plan.any) return out;
  const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
  const UopVariants& variants = kUopVariants[static_cast<int>(op.uop)];
  uint32_t code = 0, scale = 1;
  const auto add = [](uint32_t* list, uint32_t* count, uint32_t slot) {
    for (uint32_t i = 0; i < *count; ++i)
      if (list[i] == slot) return;
    list[(*count)++] = slot;
  };
  for (uint32_t j = 0; j < op.operandCount; ++j) {
    if (!isSlotOperand(info.operands[j])) continue;
    const uint32_t slot = static_cast<uint32_t>(t.operands[op.firstOperand + j] / 8);
    const int reg = plan.slotRegister[slot];
    const bool cacheable = variants.cacheable >> j & 1;
    if (reg >= 0 && cacheable) {
      code += static_cast<uint32_t>(reg + 1) * scale;
    } else if (reg >= 0) {
      if (info.writes >> j & 1)
        add(out.reloads, &out.reloadCount, slot);
      else
        add(out.spills, &out.spillCount, slot);
    }
    if (cacheable) scale *= kCachedRegisters + 1;
  }
  if (code) out.variant = static_cast<int32_t>(variants.first + code - 1);
  return out;
}

int32_t moveVariant(const ValidatedTrace& t, const RegisterPlan& plan, uint32_t slot, bool toFrame) {
  const Uop move = isFloatSlot(t, slot) ? Uop::MOV_F64 : Uop::MOV_I32;  // a u32 slot's 32 bits move as i32
  const uint32_t reg = static_cast<uint32_t>(plan.slotRegister[slot]) + 1;
  // MOV d, a: d is the lowest digit.
  const uint32_t code = toFrame ? reg * (kCachedRegisters + 1) : reg;
  return static_cast<int32_t>(kUopVariants[static_cast<int>(move)].first + code - 1);
}

}  // namespace jitctl
