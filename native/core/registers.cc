#include "core/registers.h"

#include <algorithm>
#include <cstdint>

#include "core/switches.h"

namespace jitctl {
namespace {

bool isFloatSlot(const ValidatedTrace& t, uint32_t slot) { return t.slotTypes[slot] == SlotType::F64; }
bool isFloatWeb(const ValidatedTrace& t, const Webs& webs, uint32_t web) { return isFloatSlot(t, webs.slotOf[web]); }

// The loop nesting depth of each op: every back edge of `edges` closes a loop over the ops
// between its label and itself.
std::vector<uint32_t> loopDepths(const ValidatedTrace& t, const std::vector<BackEdge>& edges) {
  std::vector<int64_t> delta(t.ops.size() + 1, 0);
  for (const BackEdge& edge : edges) {
    delta[edge.head] += 1;
    delta[edge.branch + 1] -= 1;
  }
  std::vector<uint32_t> depth(t.ops.size());
  int64_t running = 0;
  for (size_t i = 0; i < t.ops.size(); ++i) depth[i] = static_cast<uint32_t>(running += delta[i]);
  return depth;
}

// A backward branch into a detour: the code at its label runs straight (no branch) into a JUMP
// back to where the branch falls through (only labels between), the way the front end lays out a
// load's miss path ahead of the kernel's code. Such an edge closes no loop of its own (the cycle
// it is on runs through the back edge of the loop the branch sits in), but counted as one it put
// every op between the detour and the branch a loop deeper, and marked the slots written there
// loop-carried. A JUMP anywhere else (a loop laid out with its latch after its test) is a loop.
std::vector<BackEdge> loopEdges(const ValidatedTrace& t) {
  const size_t n = t.ops.size();
  const std::vector<uint32_t> labelAt = labelPositions(t);
  // Per op index, the first op at or after it that is not a LABEL, and the first that branches
  // or ends (one backward pass, so that each edge is checked in constant time).
  std::vector<uint32_t> nextCode(n + 1, static_cast<uint32_t>(n)), nextControl(n + 1, static_cast<uint32_t>(n));
  for (size_t i = n; i-- > 0;) {
    const ValidOp& op = t.ops[i];
    const bool label = op.uop == Uop::LABEL;
    nextCode[i] = label ? nextCode[i + 1] : static_cast<uint32_t>(i);
    nextControl[i] = !label && (op.label >= 0 || kUopInfo[static_cast<int>(op.uop)].ends) ? static_cast<uint32_t>(i) : nextControl[i + 1];
  }
  const auto isDetour = [&](const BackEdge& edge) {
    const uint32_t exit = nextControl[edge.head + 1];
    if (exit >= n || t.ops[exit].uop != Uop::JUMP) return false;
    const uint32_t to = labelAt[t.ops[exit].label];
    return to > edge.branch && nextCode[to] == nextCode[edge.branch + 1];
  };
  std::vector<BackEdge> edges = backEdges(t);
  edges.erase(std::remove_if(edges.begin(), edges.end(), isDetour), edges.end());
  return edges;
}

// What one use at loop depth `depth` weighs: 8^depth, capped at depth 6 (so that sums fit).
int64_t nestingWeight(uint32_t depth) { return int64_t{1} << (3 * std::min<uint32_t>(depth, 6)); }

// JITCTL_CACHED_REGISTERS=0 turns register caching off (every slot in the frame): for measuring
// what it buys (bench/kernels.ts), not a setting users need.
bool cachingEnabled() {
  static const bool enabled = !switchedOff("JITCTL_CACHED_REGISTERS");
  return enabled;
}

// Webs that may share a register: their live ranges never overlap. Computed for at most
// kMaxCandidates webs per class (the heaviest; with kCachedRegisters registers the rest would
// rarely get one), as one bit mask per op and class.
constexpr uint32_t kMaxCandidates = 64;
// Passes of the liveness fixpoint before giving up on sharing (a loop nest this deep, or control
// flow this tangled, keeps every candidate apart, as if all were live everywhere).
constexpr uint32_t kMaxLivenessPasses = 64;

struct Candidates {
  std::vector<uint32_t> webs[2];  // per class (0: i32/u32, 1: f64), heaviest first
  std::vector<int8_t> bit;        // per web: its bit in its class's masks, or -1
};

struct Interference {
  uint64_t with[2][kMaxCandidates] = {};  // per class, per candidate: the candidates it may not share with

  void add(int cls, uint32_t a, uint64_t others) {
    others &= ~(uint64_t{1} << a);
    with[cls][a] |= others;
    for (uint32_t b = 0; b < kMaxCandidates; ++b)
      if (others >> b & 1) with[cls][b] |= uint64_t{1} << a;
  }
};

// Which candidates interfere: one is live where the other is written (its register would be
// overwritten while the first still needs it), or both are live when the kernel starts
// (parameters loaded, the first values of other slots 0 from the zeroed frame header). An i32 and
// a u32 value may share a register, even as one op's operand and result: both are its low 32
// bits. Liveness is a backward fixpoint over the ops. An op that writes and may branch (a load's
// miss, F64_TO_INDEX) writes only when it falls through: its write ends a live range on that
// edge, not on the branch. (The table guarantees it: defineTable in tools/stencils/uops.mjs
// rejects an op that writes before its last branch or writes and never falls through.)
Interference interference(const ValidatedTrace& t, const Webs& webs, const Candidates& c) {
  Interference out;
  const size_t n = t.ops.size();
  const std::vector<uint32_t> labelAt = labelPositions(t);
  struct Masks { uint64_t m[2] = {0, 0}; };
  std::vector<Masks> uses(n), writes(n), liveIn(n + 1);
  const auto bitOf = [&](uint32_t web, int* cls) {
    *cls = isFloatWeb(t, webs, web) ? 1 : 0;
    return c.bit[web];
  };
  for (size_t i = 0; i < n; ++i) {
    const ValidOp& op = t.ops[i];
    const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
    for (uint32_t j = 0; j < op.operandCount; ++j) {
      if (!isSlotOperand(info.operands[j])) continue;
      int cls = 0;
      const int bit = bitOf(webs.ofOperand[op.firstOperand + j], &cls);
      if (bit < 0) continue;
      const uint64_t mask = uint64_t{1} << bit;
      if (info.writes >> j & 1) {
        writes[i].m[cls] |= mask;
      } else {
        uses[i].m[cls] |= mask;
      }
    }
    if (webs.ofReturn[i] != kNoWeb) {
      int cls = 0;
      const int bit = bitOf(webs.ofReturn[i], &cls);
      if (bit >= 0) uses[i].m[cls] |= uint64_t{1} << bit;
    }
  }
  // Live after op i on its fall-through edge, and where its label leads.
  const auto fallThrough = [&](size_t i) {
    return kUopInfo[static_cast<int>(t.ops[i].uop)].ends ? Masks{} : liveIn[i + 1];
  };
  const auto branched = [&](size_t i) {
    const ValidOp& op = t.ops[i];
    return op.label >= 0 && op.uop != Uop::LABEL ? liveIn[labelAt[op.label]] : Masks{};
  };
  bool changed = true;
  uint32_t passes = 0;
  while (changed) {
    if (++passes > kMaxLivenessPasses) {
      for (int cls = 0; cls < 2; ++cls)
        for (uint32_t a = 0; a < kMaxCandidates; ++a) out.with[cls][a] = ~uint64_t{0};
      return out;
    }
    changed = false;
    for (size_t i = n; i-- > 0;) {
      const Masks next = fallThrough(i), target = branched(i);
      for (int cls = 0; cls < 2; ++cls) {
        const uint64_t in = uses[i].m[cls] | (next.m[cls] & ~writes[i].m[cls]) | target.m[cls];
        if (in != liveIn[i].m[cls]) {
          liveIn[i].m[cls] = in;
          changed = true;
        }
      }
    }
  }
  // At the start: the live webs and the cached parameters (loaded there) are all written at once.
  Masks atEntry = liveIn[0];
  for (size_t p = 0; p < t.params.size(); ++p) {
    if (t.params[p].isView) continue;
    int cls = 0;
    const int bit = bitOf(webs.atEntry[t.paramIndex[p]], &cls);
    if (bit >= 0) atEntry.m[cls] |= uint64_t{1} << bit;
  }
  for (int cls = 0; cls < 2; ++cls)
    for (uint32_t a = 0; a < kMaxCandidates; ++a)
      if (atEntry.m[cls] >> a & 1) out.add(cls, a, atEntry.m[cls]);
  for (size_t i = 0; i < n; ++i) {
    const Masks after = fallThrough(i);  // (no op writes and ends)
    for (int cls = 0; cls < 2; ++cls)
      for (uint32_t a = 0; a < kMaxCandidates; ++a)
        if (writes[i].m[cls] >> a & 1) out.add(cls, a, after.m[cls] | writes[i].m[cls]);
  }
  return out;
}

// A value a loop reads before it writes it (an accumulator, a counter, a value carried to the next
// iteration) puts its frame store and the next iteration's load on the loop's critical path (a
// store-to-load forward, 4-5 cycles, every iteration), where a temp written and read within one
// iteration only costs throughput. Such a web weighs as if it had kLoopCarriedUses more uses in
// its innermost loop: spectral's `s += A(i, j) * u[j]` kept four expression temps in registers
// and its sum in the frame without it.
constexpr int64_t kLoopCarriedUses = 8;
// Ops scanned for it over all loops at most: loops nested a thousand deep, or a thousand backward
// branches to one label, would otherwise scan the trace once per loop.
constexpr uint64_t kLoopScanBudget = uint64_t{1} << 22;

void addLoopCarried(const ValidatedTrace& t, const Webs& webs, const std::vector<BackEdge>& edges,
                    const std::vector<uint32_t>& depth, std::vector<int64_t>* weight) {
  constexpr uint8_t kReadFirst = 1, kWritten = 2;
  std::vector<uint32_t> seenIn(webs.count, UINT32_MAX);  // the loop (back edge) a web's state is for
  std::vector<uint8_t> state(webs.count, 0);
  std::vector<uint32_t> touched;
  uint64_t scanned = 0;
  for (uint32_t e = 0; e < edges.size(); ++e) {
    const BackEdge& edge = edges[e];
    if ((scanned += edge.branch - edge.head + 1) > kLoopScanBudget) break;
    touched.clear();
    for (uint32_t i = edge.head; i <= edge.branch; ++i) {
      const ValidOp& op = t.ops[i];
      const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
      for (uint32_t writes = 0; writes < 2; ++writes) {  // an op reads its operands before it writes any
        for (uint32_t j = 0; j < op.operandCount; ++j) {
          if (!isSlotOperand(info.operands[j]) || (info.writes >> j & 1) != writes) continue;
          const uint32_t web = webs.ofOperand[op.firstOperand + j];
          if (seenIn[web] != e) {
            seenIn[web] = e;
            state[web] = writes ? 0 : kReadFirst;
            touched.push_back(web);
          }
          if (writes) state[web] |= kWritten;
        }
      }
    }
    const int64_t w = nestingWeight(std::max<uint32_t>(depth[edge.head], 1));
    for (uint32_t web : touched)
      if (state[web] == (kReadFirst | kWritten) && (*weight)[web] > 0) (*weight)[web] += kLoopCarriedUses * w;
  }
}

// Pairs of candidates that an op reads and writes (d = a op b: (d, a) and (d, b)), weighted by the
// op's loop depth. Given one register, `d = a op b` is one instruction (`mulsd b, d` on x86-64);
// given two, the stencil first copies a into d's register (a `movapd` the front end still has to
// issue). Coloring gives a candidate's partners its register wherever they can share it.
struct Affinity {
  uint32_t other;
  int64_t weight;
};

void addAffinities(const ValidatedTrace& t, const Webs& webs, const Candidates& c,
                   const std::vector<uint32_t>& depth, std::vector<Affinity> (*partners)[2][kMaxCandidates]) {
  for (size_t i = 0; i < t.ops.size(); ++i) {
    const ValidOp& op = t.ops[i];
    const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
    if (info.writes == 0) continue;
    const int64_t w = nestingWeight(depth[i]);
    for (uint32_t d = 0; d < op.operandCount; ++d) {
      if (!isSlotOperand(info.operands[d]) || !(info.writes >> d & 1)) continue;
      const uint32_t written = webs.ofOperand[op.firstOperand + d];
      const int wb = c.bit[written];
      if (wb < 0) continue;
      const int cls = isFloatWeb(t, webs, written) ? 1 : 0;
      for (uint32_t a = 0; a < op.operandCount; ++a) {
        if (a == d || !isSlotOperand(info.operands[a]) || (info.writes >> a & 1)) continue;
        const uint32_t read = webs.ofOperand[op.firstOperand + a];
        const int rb = c.bit[read];
        if (rb < 0 || rb == wb || (isFloatWeb(t, webs, read) ? 1 : 0) != cls) continue;
        (*partners)[cls][wb].push_back(Affinity{static_cast<uint32_t>(rb), w});
        (*partners)[cls][rb].push_back(Affinity{static_cast<uint32_t>(wb), w});
      }
    }
  }
}

// A write in the frame is a store that the web's reads then wait for (a store-to-load forward on
// the iteration's dependency chain), where a value only read in a loop is a load that waits for
// nothing. So a write weighs as kWriteUses uses: a temp written and read inside a loop outranks a
// loop invariant read as often (spectral's inner loop kept its temps in registers and `i` as an
// f64 in the frame only so).
constexpr int64_t kWriteUses = 3;

}  // namespace

RegisterPlan planRegisters(const ValidatedTrace& t) {
  RegisterPlan plan;
  if (kCachedRegisters == 0 || kVariantCount == 0 || !cachingEnabled()) return plan;
  plan.webs = findWebs(t);
  const Webs& webs = plan.webs;
  const uint32_t count = webs.count;
  plan.webRegister.assign(count, -1);
  const std::vector<BackEdge> edges = loopEdges(t);
  const std::vector<uint32_t> depth = loopDepths(t, edges);
  std::vector<int64_t> weight(count, 0);
  std::vector<bool> eligible(count, true);
  // A web nothing reads needs no register: its writes are stores nobody waits for.
  std::vector<bool> read(count, false);
  for (size_t i = 0; i < t.ops.size(); ++i) {
    const ValidOp& op = t.ops[i];
    const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
    const UopVariants& variants = kUopVariants[static_cast<int>(op.uop)];
    const int64_t w = depth[i] == 0 ? 0 : nestingWeight(depth[i]);
    if (webs.ofReturn[i] != kNoWeb) read[webs.ofReturn[i]] = true;
    for (uint32_t j = 0; j < op.operandCount; ++j) {
      if (!isSlotOperand(info.operands[j])) continue;
      const uint32_t web = webs.ofOperand[op.firstOperand + j];
      if (!(info.writes >> j & 1)) read[web] = true;
      const bool inRegister = variants.cacheable >> j & 1;  // 0 for an op without variants
      if (inRegister) {
        weight[web] += (info.writes >> j & 1) ? kWriteUses * w : w;
        continue;
      }
      weight[web] -= w;  // a spill before the op or a reload after it
      // A reload after an op that may branch would run on one path only.
      if ((info.writes >> j & 1) && op.label >= 0) eligible[web] = false;
    }
  }
  addLoopCarried(t, webs, edges, depth, &weight);
  Candidates c;
  c.bit.assign(count, -1);
  for (int cls = 0; cls < 2; ++cls) {
    std::vector<uint32_t>& list = c.webs[cls];
    for (uint32_t web = 0; web < count; ++web)
      if (eligible[web] && read[web] && weight[web] > 0 && isFloatWeb(t, webs, web) == (cls == 1)) list.push_back(web);
    std::stable_sort(list.begin(), list.end(), [&](uint32_t a, uint32_t b) { return weight[a] > weight[b]; });
    if (list.size() > kMaxCandidates) list.resize(kMaxCandidates);
    for (uint32_t k = 0; k < list.size(); ++k) c.bit[list[k]] = static_cast<int8_t>(k);
  }
  if (c.webs[0].empty() && c.webs[1].empty()) return plan;
  // Heaviest first, each in the lowest register no web it interferes with has taken; then its
  // operand partners (heaviest pairing first, and theirs in turn) in the same register where no
  // web holding it interferes with them, before any lighter web takes it.
  const Interference conflicts = interference(t, webs, c);
  std::vector<Affinity> partners[2][kMaxCandidates];
  addAffinities(t, webs, c, depth, &partners);
  for (auto& perClass : partners)  // heaviest pairing first
    for (std::vector<Affinity>& list : perClass)
      std::stable_sort(list.begin(), list.end(), [](const Affinity& a, const Affinity& b) { return a.weight > b.weight; });
  for (int cls = 0; cls < 2; ++cls) {
    const uint32_t candidates = static_cast<uint32_t>(c.webs[cls].size());
    bool colored[kMaxCandidates] = {};
    uint64_t holding[kCachedRegisters] = {};  // per register, the candidates given it
    const auto give = [&](uint32_t k, int8_t r) {
      colored[k] = true;
      if (r < 0) return;
      holding[r] |= uint64_t{1} << k;
      plan.webRegister[c.webs[cls][k]] = r;
      plan.any = true;
    };
    for (uint32_t k = 0; k < candidates; ++k) {
      if (colored[k]) continue;
      int8_t chosen = -1;
      for (uint32_t r = 0; r < kCachedRegisters && chosen < 0; ++r)
        if (!(holding[r] & conflicts.with[cls][k])) chosen = static_cast<int8_t>(r);
      give(k, chosen);
      if (chosen < 0) continue;
      std::vector<uint32_t> pending{k};  // in the order given, so the heaviest pairings go first
      for (size_t next = 0; next < pending.size(); ++next) {
        for (const Affinity& a : partners[cls][pending[next]]) {
          if (colored[a.other] || (holding[chosen] & conflicts.with[cls][a.other])) continue;
          give(a.other, chosen);
          pending.push_back(a.other);
        }
      }
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
  // (An op reads one web of a slot however many operands name it, and writes one.)
  const auto add = [](Move* list, uint32_t* count, Move move) {
    for (uint32_t i = 0; i < *count; ++i)
      if (list[i].slot == move.slot) return;
    list[(*count)++] = move;
  };
  for (uint32_t j = 0; j < op.operandCount; ++j) {
    if (!isSlotOperand(info.operands[j])) continue;
    const uint32_t slot = static_cast<uint32_t>(t.operands[op.firstOperand + j] / 8);
    const int8_t reg = plan.ofOperand(op.firstOperand + j);
    const bool cacheable = variants.cacheable >> j & 1;
    if (reg >= 0 && cacheable) {
      code += static_cast<uint32_t>(reg + 1) * scale;
    } else if (reg >= 0) {
      if (info.writes >> j & 1)
        add(out.reloads, &out.reloadCount, Move{slot, reg});
      else
        add(out.spills, &out.spillCount, Move{slot, reg});
    }
    if (cacheable) scale *= kCachedRegisters + 1;
  }
  if (code) out.variant = static_cast<int32_t>(variants.first + code - 1);
  return out;
}

int32_t moveVariant(const ValidatedTrace& t, const Move& m, bool toFrame) {
  const Uop move = isFloatSlot(t, m.slot) ? Uop::MOV_F64 : Uop::MOV_I32;  // a u32 slot's 32 bits move as i32
  const uint32_t reg = static_cast<uint32_t>(m.reg) + 1;
  // MOV d, a: d is the lowest digit.
  const uint32_t code = toFrame ? reg * (kCachedRegisters + 1) : reg;
  return static_cast<int32_t>(kUopVariants[static_cast<int>(move)].first + code - 1);
}

}  // namespace jitctl
