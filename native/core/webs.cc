#include "core/webs.h"

#include <numeric>

#include "core/switches.h"

namespace jitctl {
namespace {

// The reaching-definition sets take (ops + 1) x (writes + slots) bits: at most 2 MiB of them, else
// one web per slot. The front end's kernels take a few kilobytes.
constexpr uint64_t kMaxSetWords = uint64_t{1} << 18;
// Passes of the forward fixpoint before giving up (as registers.cc's liveness does).
constexpr uint32_t kMaxPasses = 64;

bool splittingEnabled() {
  static const bool enabled = !switchedOff("JITCTL_SLOT_WEBS");
  return enabled;
}

uint32_t slotOfOperand(const ValidatedTrace& t, uint32_t operand) {
  return static_cast<uint32_t>(t.operands[operand] / 8);
}

bool writesSlot(const UopInfo& info, uint32_t operand) {
  return isSlotOperand(info.operands[operand]) && (info.writes >> operand & 1);
}

bool hasResult(const ValidatedTrace& t, const ValidOp& op) {
  return op.uop == Uop::RETURN && t.returnType != ReturnType::Void;
}

Webs onePerSlot(const ValidatedTrace& t) {
  Webs w;
  const uint32_t slots = static_cast<uint32_t>(t.slotTypes.size());
  w.count = slots;
  w.slotOf.resize(slots);
  std::iota(w.slotOf.begin(), w.slotOf.end(), 0u);
  w.atEntry = w.slotOf;
  w.ofOperand.assign(t.operands.size(), kNoWeb);
  w.ofReturn.assign(t.ops.size(), kNoWeb);
  for (size_t i = 0; i < t.ops.size(); ++i) {
    const ValidOp& op = t.ops[i];
    const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
    for (uint32_t j = 0; j < op.operandCount; ++j)
      if (isSlotOperand(info.operands[j])) w.ofOperand[op.firstOperand + j] = slotOfOperand(t, op.firstOperand + j);
    if (hasResult(t, op)) w.ofReturn[i] = t.returnSlot;
  }
  return w;
}

// Clears bits [from, to) of `set`, a word at a time where it can.
void clearBits(uint64_t* set, uint32_t from, uint32_t to) {
  for (; from < to && from % 64 != 0; ++from) set[from / 64] &= ~(uint64_t{1} << (from % 64));
  for (; from + 64 <= to; from += 64) set[from / 64] = 0;
  for (; from < to; ++from) set[from / 64] &= ~(uint64_t{1} << (from % 64));
}

struct UnionFind {
  std::vector<uint32_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  uint32_t find(uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(uint32_t a, uint32_t b) { parent[find(a)] = find(b); }
};

}  // namespace

Webs findWebs(const ValidatedTrace& t) {
  if (!splittingEnabled()) return onePerSlot(t);
  const size_t n = t.ops.size();
  const uint32_t slots = static_cast<uint32_t>(t.slotTypes.size());
  // Definitions, numbered slot by slot so that a write kills one range of bits: first the value
  // the slot starts with, then each op operand that writes it.
  std::vector<uint32_t> first(slots + 1, 0);  // per slot, its first definition; first[slots] = total
  for (const ValidOp& op : t.ops) {
    const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
    for (uint32_t j = 0; j < op.operandCount; ++j)
      if (writesSlot(info, j)) ++first[slotOfOperand(t, op.firstOperand + j) + 1];
  }
  for (uint32_t s = 0; s < slots; ++s) first[s + 1] += first[s] + 1;
  const uint32_t defs = first[slots];
  const size_t words = (defs + 63) / 64;
  if (uint64_t{n + 1} * words > kMaxSetWords) return onePerSlot(t);
  std::vector<uint32_t> defOf(t.operands.size(), kNoWeb);  // a written operand's definition
  {
    std::vector<uint32_t> next(slots);
    for (uint32_t s = 0; s < slots; ++s) next[s] = first[s] + 1;
    for (const ValidOp& op : t.ops) {
      const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
      for (uint32_t j = 0; j < op.operandCount; ++j)
        if (writesSlot(info, j)) defOf[op.firstOperand + j] = next[slotOfOperand(t, op.firstOperand + j)]++;
    }
  }
  std::vector<std::vector<uint32_t>> branchesTo(t.labelCount);
  for (size_t i = 0; i < n; ++i)
    if (t.ops[i].uop != Uop::LABEL && t.ops[i].label >= 0) branchesTo[t.ops[i].label].push_back(static_cast<uint32_t>(i));
  const auto setBit = [](uint64_t* set, uint32_t bit) { set[bit / 64] |= uint64_t{1} << (bit % 64); };
  const auto hasBit = [](const uint64_t* set, uint32_t bit) { return (set[bit / 64] >> (bit % 64) & 1) != 0; };
  // Forward fixpoint: reaching[i] holds the definitions that reach op i. An op writes only on its
  // fall-through edge (the table guarantees it, see registers.cc): its branch carries what reached it.
  std::vector<uint64_t> reaching(n * words, 0), row(words), fall(words, 0);
  bool changed = true;
  uint32_t passes = 0;
  while (changed) {
    if (++passes > kMaxPasses) return onePerSlot(t);
    changed = false;
    for (size_t i = 0; i < n; ++i) {
      const ValidOp& op = t.ops[i];
      if (i == 0) {
        std::fill(row.begin(), row.end(), 0);
        for (uint32_t s = 0; s < slots; ++s) setBit(row.data(), first[s]);
      } else if (kUopInfo[static_cast<int>(t.ops[i - 1].uop)].ends) {
        std::fill(row.begin(), row.end(), 0);
      } else {
        row = fall;
      }
      if (op.uop == Uop::LABEL)
        for (uint32_t b : branchesTo[op.label])
          for (size_t w = 0; w < words; ++w) row[w] |= reaching[b * words + w];
      uint64_t* stored = &reaching[i * words];
      for (size_t w = 0; w < words; ++w) {
        if (stored[w] != row[w]) changed = true;
        stored[w] = row[w];
      }
      fall = row;
      const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
      for (uint32_t j = 0; j < op.operandCount; ++j) {
        if (!writesSlot(info, j)) continue;
        const uint32_t s = slotOfOperand(t, op.firstOperand + j);
        clearBits(fall.data(), first[s], first[s + 1]);
        setBit(fall.data(), defOf[op.firstOperand + j]);
      }
    }
  }
  // A read joins every definition that reaches it. A read nothing reaches (an op control never
  // gets to) is given the slot's starting value.
  UnionFind sets(defs);
  std::vector<uint32_t> readDef(t.operands.size(), kNoWeb), returnDef(n, kNoWeb);
  const auto join = [&](size_t i, uint32_t s) {
    const uint64_t* set = &reaching[i * words];
    uint32_t found = kNoWeb;
    for (uint32_t d = first[s]; d < first[s + 1]; ++d) {
      if (!hasBit(set, d)) continue;
      if (found == kNoWeb) found = d;
      else sets.unite(d, found);
    }
    return found == kNoWeb ? first[s] : found;
  };
  for (size_t i = 0; i < n; ++i) {
    const ValidOp& op = t.ops[i];
    const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
    for (uint32_t j = 0; j < op.operandCount; ++j)
      if (isSlotOperand(info.operands[j]) && !writesSlot(info, j))
        readDef[op.firstOperand + j] = join(i, slotOfOperand(t, op.firstOperand + j));
    if (hasResult(t, op)) returnDef[i] = join(i, t.returnSlot);
  }
  Webs w;
  std::vector<uint32_t> webOf(defs, kNoWeb);
  const auto web = [&](uint32_t def, uint32_t slot) {
    const uint32_t root = sets.find(def);
    if (webOf[root] == kNoWeb) {
      webOf[root] = w.count++;
      w.slotOf.push_back(slot);
    }
    return webOf[root];
  };
  w.atEntry.resize(slots);
  for (uint32_t s = 0; s < slots; ++s) w.atEntry[s] = web(first[s], s);
  w.ofOperand.assign(t.operands.size(), kNoWeb);
  w.ofReturn.assign(n, kNoWeb);
  for (const ValidOp& op : t.ops) {
    const UopInfo& info = kUopInfo[static_cast<int>(op.uop)];
    for (uint32_t j = 0; j < op.operandCount; ++j) {
      const uint32_t k = op.firstOperand + j;
      if (!isSlotOperand(info.operands[j])) continue;
      w.ofOperand[k] = web(info.writes >> j & 1 ? defOf[k] : readDef[k], slotOfOperand(t, k));
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (returnDef[i] != kNoWeb) w.ofReturn[i] = web(returnDef[i], t.returnSlot);
  return w;
}

}  // namespace jitctl
