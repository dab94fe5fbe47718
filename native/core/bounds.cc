#include "core/bounds.h"

#include <algorithm>
#include <array>
#include <vector>

#include "core/switches.h"

namespace jitctl {
namespace {

// How far below a view's length a value is known to lie: value <= length(v) - margin. 0 is "at
// most the length", 1 "below it" (an index in range once it is >= 0), 2 "below it with one to
// spare" (so value + 1 is below it, as for `i < v.length - 1`). The facts relate values to the
// lengths of views 0..kMarginViews - 1; margins are kept within +-kMaxMargin (a smaller margin is
// a weaker fact, still true), and kNoMargin, the least int8, means nothing is known.
constexpr size_t kMarginViews = 16;
constexpr int64_t kMaxMargin = 64;
constexpr int8_t kNoMargin = INT8_MIN;
using Margins = std::array<int8_t, kMarginViews>;

constexpr Margins noMargins() {
  Margins m{};
  for (int8_t& v : m) v = kNoMargin;
  return m;
}

int8_t clampedMargin(int64_t m) {
  if (m < -kMaxMargin) return kNoMargin;
  return static_cast<int8_t>(std::min(m, kMaxMargin));
}

// A margin moved by `by` (known margins only): value + c has margin m - c.
int8_t shiftedMargin(int8_t m, int64_t by) { return m == kNoMargin ? kNoMargin : clampedMargin(int64_t{m} + by); }

// What is known of an i32 slot at a point of the trace, on every path that reaches it:
// lo <= value <= hi, and value <= length(v) - margin[v].
struct Fact {
  int64_t lo = INT32_MIN, hi = INT32_MAX;
  Margins margin = noMargins();

  bool operator==(const Fact& o) const { return lo == o.lo && hi == o.hi && margin == o.margin; }
};

// A view's length is at most 2^31 - 1 (the binder refuses longer ones), so a value `margin`
// below one is at most 2^31 - 1 - margin.
Fact normalized(Fact f) {
  const int8_t most = *std::max_element(f.margin.begin(), f.margin.end());
  if (most != kNoMargin) f.hi = std::min<int64_t>(f.hi, INT32_MAX - int64_t{most});
  return f;
}

Fact constant(int64_t k) {
  Fact f;
  f.lo = f.hi = k;
  return f;
}

// The index of `view` in Fact::margin, or -1 past the views the facts track.
int32_t marginIndex(int32_t view) { return view >= 0 && static_cast<size_t>(view) < kMarginViews ? view : -1; }

struct State {
  bool reachable = false;
  std::vector<Fact> facts;  // per tracked slot
};

// The facts of both paths; when `widen`, a bound that moved goes to the end of the int32 range,
// so that a loop's facts settle after a few passes.
bool joinInto(State* into, const State& from, bool widen) {
  if (!from.reachable) return false;
  if (!into->reachable) {
    *into = from;
    return true;
  }
  bool changed = false;
  for (size_t k = 0; k < into->facts.size(); ++k) {
    Fact& a = into->facts[k];
    const Fact& b = from.facts[k];
    Fact j;
    j.lo = b.lo < a.lo ? (widen ? INT32_MIN : b.lo) : a.lo;
    j.hi = b.hi > a.hi ? (widen ? INT32_MAX : b.hi) : a.hi;
    // (kNoMargin is the least margin: the weaker fact wins.)
    for (size_t v = 0; v < kMarginViews; ++v)
      j.margin[v] = b.margin[v] < a.margin[v] ? (widen ? kNoMargin : b.margin[v]) : a.margin[v];
    j = normalized(j);
    if (!(j == a)) {
      a = j;
      changed = true;
    }
  }
  return changed;
}

enum class Relation { LT, LE, GT, GE, EQ, NE };

Relation negation(Relation r) {
  switch (r) {
    case Relation::LT: return Relation::GE;
    case Relation::LE: return Relation::GT;
    case Relation::GT: return Relation::LE;
    case Relation::GE: return Relation::LT;
    case Relation::EQ: return Relation::NE;
    case Relation::NE: return Relation::EQ;
  }
  return Relation::NE;
}

// a < b (strict) or a <= b: what it adds to a's and b's facts. Facts chain through b: after an
// entry guard `y.length >= n` with n = x.length, `i < n` puts i below both lengths.
void applyLess(Fact* a, Fact* b, bool strict) {
  const int64_t gap = strict ? 1 : 0;
  a->hi = std::min(a->hi, b->hi - gap);
  b->lo = std::max(b->lo, a->lo + gap);
  // a <= b - gap <= length - margin(b) - gap.
  for (size_t v = 0; v < kMarginViews; ++v) a->margin[v] = std::max(a->margin[v], shiftedMargin(b->margin[v], gap));
}

void applyRelation(Relation r, Fact* a, Fact* b) {
  switch (r) {
    case Relation::LT: applyLess(a, b, true); break;
    case Relation::LE: applyLess(a, b, false); break;
    case Relation::GT: applyLess(b, a, true); break;
    case Relation::GE: applyLess(b, a, false); break;
    case Relation::EQ: {
      Fact both;
      both.lo = std::max(a->lo, b->lo);
      both.hi = std::min(a->hi, b->hi);
      for (size_t v = 0; v < kMarginViews; ++v) both.margin[v] = std::max(a->margin[v], b->margin[v]);
      *a = *b = both;
      break;
    }
    case Relation::NE: break;
  }
}

bool relationOf(Uop uop, Relation* r) {
  switch (uop) {
    case Uop::BR_LT_I32: *r = Relation::LT; return true;
    case Uop::BR_LE_I32: *r = Relation::LE; return true;
    case Uop::BR_GT_I32: *r = Relation::GT; return true;
    case Uop::BR_GE_I32: *r = Relation::GE; return true;
    case Uop::BR_EQ_I32: *r = Relation::EQ; return true;
    case Uop::BR_NE_I32: *r = Relation::NE; return true;
    default: return false;
  }
}

// Limits on the work: facts held at labels, and passes over the trace. Past either, nothing is
// proved (every access keeps its check).
constexpr uint64_t kMaxLabelFacts = 1u << 18;
constexpr uint32_t kMaxPasses = 64;

class RangeAnalysis {
 public:
  explicit RangeAnalysis(const ValidatedTrace& t) : t_(t), tracked_(t.slotTypes.size(), -1) {
    for (size_t s = 0; s < t.slotTypes.size(); ++s)
      if (t.slotTypes[s] == SlotType::I32) tracked_[s] = static_cast<int32_t>(trackedCount_++);
  }

  // Per op, whether it is an access proved in range; empty when the analysis gave up.
  std::vector<bool> run() {
    if (uint64_t{t_.labelCount} * trackedCount_ > kMaxLabelFacts) return {};
    labels_.assign(t_.labelCount, State{});
    for (uint32_t pass = 0; pass < kMaxPasses; ++pass) {
      proven_.assign(t_.ops.size(), false);
      if (!sweep(pass > 0)) return proven_;  // nothing moved: this pass saw the final facts
    }
    return {};
  }

 private:
  // One pass in trace order; true if a label's facts changed.
  bool sweep(bool widen) {
    bool changed = false;
    State cur;
    cur.reachable = true;
    cur.facts.assign(trackedCount_, Fact{});
    for (size_t i = 0; i < t_.ops.size(); ++i) {
      const ValidOp& op = t_.ops[i];
      const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
      if (op.uop == Uop::LABEL) {
        changed |= joinInto(&labels_[op.label], cur, widen);
        cur = labels_[op.label];
        continue;
      }
      if (!cur.reachable) continue;
      const bool access = kProvenTwin[static_cast<int>(op.uop)] >= 0;
      if (access) proven_[i] = inRange(&cur, op);
      Relation r;
      if (relationOf(op.uop, &r)) {
        State taken = cur;
        refine(&taken, op, r);
        changed |= joinInto(&labels_[op.label], taken, widen);
        refine(&cur, op, negation(r));
        continue;
      }
      // Every other branch (a miss, an inexact result, a jump) leaves with the facts before the op:
      // the op writes only where it falls through (tools/stencils/uops.mjs checks that).
      if (op.label >= 0) changed |= joinInto(&labels_[op.label], cur, widen);
      if (info.ends) {
        cur.reachable = false;
        continue;
      }
      if (access) inRangeAfterLoad(&cur, op);  // before the op's write, which may be the index itself
      transfer(&cur, op, info);
    }
    return changed;
  }

  int32_t slotOf(const ValidOp& op, uint32_t j) const { return static_cast<int32_t>(t_.operands[op.firstOperand + j] / 8); }
  int32_t viewOf(const ValidOp& op, uint32_t j) const {
    return static_cast<int32_t>((t_.operands[op.firstOperand + j] - 8 * t_.slotTypes.size()) / 16);
  }
  int64_t immediate(const ValidOp& op, uint32_t j) const { return static_cast<int64_t>(t_.operands[op.firstOperand + j]); }
  Fact& fact(State* s, int32_t slot) const { return s->facts[tracked_[slot]]; }

  // An access's view operand (its index is the I32 operand after it).
  static uint32_t viewOperand(const UopInfo& info) {
    for (uint32_t j = 0; j + 1 < info.operandCount; ++j)
      if (info.operands[j] == OperandKind::View && info.operands[j + 1] == OperandKind::I32) return j;
    return UINT32_MAX;
  }

  // The access's index is in [0, length of its view).
  bool inRange(State* s, const ValidOp& op) const {
    const uint32_t j = viewOperand(kUopInfo[static_cast<int>(op.uop)]);
    if (j == UINT32_MAX) return false;
    const Fact& index = fact(s, slotOf(op, j + 1));
    const int32_t v = marginIndex(viewOf(op, j));
    if (v < 0 || index.lo < 0) return false;
    if (index.margin[v] >= 1) return true;
    // Or below a value known to be at most the length: a constant index after a guard
    // `length >= k` (index <= index.hi < x.lo <= x <= length - margin).
    for (const Fact& x : s->facts)
      if (x.margin[v] != kNoMargin && index.hi < x.lo + x.margin[v]) return true;
    return false;
  }

  // A checked load that falls through found its index in range (a store falls through either way).
  void inRangeAfterLoad(State* s, const ValidOp& op) const {
    const uint32_t j = viewOperand(kUopInfo[static_cast<int>(op.uop)]);
    if (j == UINT32_MAX || op.label < 0) return;
    Fact& index = fact(s, slotOf(op, j + 1));
    index.lo = std::max<int64_t>(index.lo, 0);
    const int32_t v = marginIndex(viewOf(op, j));
    if (v >= 0) index.margin[v] = std::max<int8_t>(index.margin[v], 1);
    index = normalized(index);
  }

  void refine(State* s, const ValidOp& op, Relation r) const {
    const int32_t a = slotOf(op, 0), b = slotOf(op, 1);
    if (a == b) return;  // a < a: the edge is never taken; nothing to add
    Fact fa = fact(s, a), fb = fact(s, b);
    applyRelation(r, &fa, &fb);
    fact(s, a) = normalized(fa);
    fact(s, b) = normalized(fb);
  }

  // The facts after an op that falls through; an i32 slot it writes and does not know about
  // knows nothing.
  void transfer(State* s, const ValidOp& op, const UopInfo& info) const {
    Fact result;
    bool known = true;
    switch (op.uop) {
      case Uop::CONST_I32: result = constant(immediate(op, 1)); break;
      case Uop::MOV_I32: result = fact(s, slotOf(op, 1)); break;
      case Uop::LENGTH: {
        result.lo = 0;
        const int32_t v = marginIndex(viewOf(op, 1));
        if (v >= 0) result.margin[v] = 0;
        break;
      }
      case Uop::F64_TO_INDEX: result.lo = 0; break;  // falls through with an index in [0, 2^31 - 1]
      case Uop::ADD_I32:
      case Uop::ADD_I32_EXACT:
      case Uop::SUB_I32:
      case Uop::SUB_I32_EXACT: {
        const bool add = op.uop == Uop::ADD_I32 || op.uop == Uop::ADD_I32_EXACT;
        const bool exact = op.uop == Uop::ADD_I32_EXACT || op.uop == Uop::SUB_I32_EXACT;
        result = sumOrDifference(fact(s, slotOf(op, 1)), fact(s, slotOf(op, 2)), add, exact);
        break;
      }
      case Uop::AND_I32: {
        // A non-negative operand bounds the result to [0, that operand's bound].
        const Fact& a = fact(s, slotOf(op, 1));
        const Fact& b = fact(s, slotOf(op, 2));
        if (a.lo >= 0 || b.lo >= 0) {
          result.lo = 0;
          result.hi = std::min(a.lo >= 0 ? a.hi : INT32_MAX, b.lo >= 0 ? b.hi : INT32_MAX);
        }
        break;
      }
      default: known = false;
    }
    for (uint32_t j = 0; j < info.operandCount; ++j) {
      if (!(info.writes >> j & 1) || info.operands[j] != OperandKind::I32) continue;
      fact(s, slotOf(op, j)) = known && j == 0 ? normalized(result) : Fact{};
    }
  }

  // a + b or a - b in int64, which is the int32 result when it fits; otherwise ADD_I32 wraps
  // (nothing known) and the _EXACT ops fall through only when it fits.
  static Fact sumOrDifference(const Fact& a, const Fact& b, bool add, bool exact) {
    Fact f;
    const int64_t lo = add ? a.lo + b.lo : a.lo - b.hi;
    const int64_t hi = add ? a.hi + b.hi : a.hi - b.lo;
    const bool fits = lo >= INT32_MIN && hi <= INT32_MAX;
    if (!fits && !exact) return f;
    f.lo = std::max<int64_t>(lo, INT32_MIN);
    f.hi = std::min<int64_t>(hi, INT32_MAX);
    if (!fits) return f;
    // a + b <= length - margin(a) + b.hi; a - b <= length - margin(a) - b.lo.
    for (size_t v = 0; v < kMarginViews; ++v) {
      if (add)
        f.margin[v] = std::max(shiftedMargin(a.margin[v], -b.hi), shiftedMargin(b.margin[v], -a.hi));
      else
        f.margin[v] = shiftedMargin(a.margin[v], b.lo);
    }
    return f;
  }

  const ValidatedTrace& t_;
  std::vector<int32_t> tracked_;  // slot -> index into State::facts, -1 for other types
  uint32_t trackedCount_ = 0;
  std::vector<State> labels_;
  std::vector<bool> proven_;
};

bool enabled() {
  static const bool on = !switchedOff("JITCTL_PROVEN_ACCESSES");
  return on;
}

}  // namespace

uint32_t proveAccesses(ValidatedTrace* trace) {
  if (!enabled()) return 0;
  const std::vector<bool> proven = RangeAnalysis(*trace).run();
  uint32_t rewritten = 0;
  for (size_t i = 0; i < proven.size(); ++i) {
    if (!proven[i]) continue;
    ValidOp& op = trace->ops[i];
    op.uop = static_cast<Uop>(kProvenTwin[static_cast<int>(op.uop)]);
    op.label = -1;  // a load's miss path is never taken
    ++rewritten;
  }
  return rewritten;
}

}  // namespace jitctl
