#include "core/emit.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "core/errors.h"
#include "core/registers.h"
#include "core/switches.h"

namespace jitctl {
namespace {

uint64_t alignUp(uint64_t v, uint64_t to) { return (v + to - 1) & ~(to - 1); }

// The blocks a core fetches and caches decoded code by (64 bytes on current x86-64 and AArch64
// cores), and the longest inner loop the emitter places in as few of them as its size allows.
constexpr uint64_t kCodeBlock = 64;
constexpr uint64_t kMaxPlacedLoopBytes = 4 * kCodeBlock;

// JITCTL_LOOP_PLACEMENT=0 turns loop placement off: for measuring what it buys (bench/), not a
// setting users need.
bool loopPlacementEnabled() {
  static const bool enabled = !switchedOff("JITCTL_LOOP_PLACEMENT");
  return enabled;
}

// The bytes to leave before code of `size` bytes that would start at `start` so that it touches
// as few kCodeBlock-byte blocks as it can: none when it already does, else up to the next block.
uint64_t paddingToPlace(uint64_t start, uint64_t size) {
  const uint64_t fewest = (size + kCodeBlock - 1) / kCodeBlock;
  const uint64_t slack = fewest * kCodeBlock - size;  // how far into a block it may start
  const uint64_t into = start % kCodeBlock;
  return into <= slack ? 0 : kCodeBlock - into;
}

// A loop of the trace: the ops from its head (a LABEL) to the last backward branch to it.
struct Loop {
  uint32_t head, branch;
  bool holdsLoops;  // another loop lies inside it
  bool innermost;   // no other loop starts inside it
};
constexpr size_t kMaxLoopsScanned = 64;  // per loop, the loops starting inside it that loopsOf looks at

// The loops of the trace, one per label a (live) backward branch goes to, and per label the index
// of the loop it heads (or -1).
std::vector<Loop> loopsOf(const ValidatedTrace& t, const std::vector<BackEdge>& edges,
                          std::vector<int32_t>* loopOfLabel) {
  loopOfLabel->assign(t.labelCount, -1);
  std::vector<Loop> loops;
  for (const BackEdge& edge : edges) {
    int32_t& index = (*loopOfLabel)[edge.label];
    if (index < 0) {
      index = static_cast<int32_t>(loops.size());
      loops.push_back(Loop{edge.head, edge.branch, false, true});
    }
    loops[index].branch = std::max(loops[index].branch, edge.branch);
  }
  // Backward edges come in the order of their branches; sort by head, keeping the label index.
  std::vector<uint32_t> order(loops.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return loops[a].head < loops[b].head; });
  // A loop holds another that lies wholly inside it. One that only starts inside it is not nested:
  // a bounds-checked load's miss path placed before its loop is a "loop" from the miss label to
  // the load, in which the real loop's head lies. The scan is bounded; past the bound a loop
  // counts as holding loops, which only moves where its call slices end (the outer poll).
  for (size_t j = 0; j < order.size(); ++j) {
    Loop& outer = loops[order[j]];
    outer.innermost = j + 1 == order.size() || loops[order[j + 1]].head > outer.branch;
    for (size_t k = j + 1; k < order.size() && loops[order[k]].head <= outer.branch; ++k) {
      if (k - j > kMaxLoopsScanned || loops[order[k]].branch <= outer.branch) {
        outer.holdsLoops = true;
        break;
      }
    }
  }
  return loops;
}

// The ops control can reach from the first: code runs on from an op until one that ends (JUMP,
// RETURN, DECLINE), and on from each label a reachable op names. The rest (a bounds-checked
// load's miss path once the load is proven, bounds.cc, and whatever only it branches to) is not
// emitted.
std::vector<bool> reachableOps(const ValidatedTrace& t) {
  const std::vector<uint32_t> definedAt = labelPositions(t);
  std::vector<bool> reachable(t.ops.size(), false);
  std::vector<uint32_t> starts{0};
  while (!starts.empty()) {
    size_t i = starts.back();
    starts.pop_back();
    for (; i < t.ops.size() && !reachable[i]; ++i) {
      const ValidOp& op = t.ops[i];
      reachable[i] = true;
      if (op.uop != Uop::LABEL && op.label >= 0 && !reachable[definedAt[op.label]])
        starts.push_back(definedAt[op.label]);
      if (kUopInfo[static_cast<int>(op.uop)].ends) break;
    }
  }
  return reachable;
}

// The backward branches control can reach: a dead one makes no loop.
std::vector<BackEdge> liveBackEdges(const ValidatedTrace& t, const std::vector<bool>& reachable) {
  std::vector<BackEdge> edges = backEdges(t);
  const auto dead = [&](const BackEdge& e) { return !reachable[e.branch]; };
  edges.erase(std::remove_if(edges.begin(), edges.end(), dead), edges.end());
  return edges;
}

// A hole's value before the kernel has an address: kernel-relative (code, data, labels) or absolute
// (operands, runtime functions).
struct Resolved {
  bool relative;
  uint64_t value;
};

struct Layout {
  std::vector<Placement> placements;        // shim first, then one per code op
  std::vector<uint32_t> labelOffsets;       // code offset of each label
  uint32_t codeSize = 0, dataEnd = 0, gotOffset = 0, trampolineOffset = 0, totalSize = 0, align = 16;
  std::unordered_map<uint64_t, uint32_t> gotAbsolute, gotRelative, trampolineTargets;
};

class Emitter {
 public:
  // `maxBytes`: the most the kernel may take (the per-kernel limit, or the engine's cap when lower).
  // Sizes are summed in 64 bits and checked as they grow, so an oversized trace fails while it is
  // laid out, before any image buffer or executable memory is allocated. `placeLoops`: whether
  // placeInnerLoops runs.
  Emitter(const ValidatedTrace& trace, const TargetStencils& target, uint64_t maxBytes, bool placeLoops)
      : t_(trace), target_(target), maxBytes_(maxBytes), placeLoops_(placeLoops) {}

  void layout() {
    const std::vector<bool> reachable = reachableOps(t_);
    const std::vector<BackEdge> edges = liveBackEdges(t_, reachable);
    const std::vector<uint32_t> pollWeights = backEdgeWeights(edges);
    loops_ = loopsOf(t_, edges, &loopOfLabel_);
    registers_ = planRegisters(t_);
    l_.placements.reserve(t_.codeOps + 1);
    sources_.reserve(t_.codeOps + 1);
    l_.labelOffsets.assign(t_.labelCount, 0);
    labelPlacement_.assign(t_.labelCount, 0);
    opPlacement_.assign(t_.ops.size(), kNoPlacement);
    uint64_t code = 0;
    addCode(kShimPlacement, *target_.shim, -1, &code);
    sources_.push_back(Source{});
    // Parameters kept in registers are loaded from the frame, where the call wrote them, first.
    for (size_t p = 0; p < t_.params.size(); ++p) {
      if (t_.params[p].isView) continue;
      const Move load{t_.paramIndex[p], registers_.atEntry(t_.paramIndex[p])};
      if (load.reg >= 0) addMove(load, false, &code);
    }
    for (size_t i = 0; i < t_.ops.size(); ++i) {
      const ValidOp& op = t_.ops[i];
      if (!reachable[i]) continue;
      if (op.uop == Uop::LABEL) {
        // The next placement's code (the validator guarantees an op follows), wherever
        // placeInnerLoops moves it.
        labelPlacement_[op.label] = static_cast<uint32_t>(l_.placements.size());
        if (pollWeights[op.label]) {  // a loop head: every iteration passes the interrupt check
          opPlacement_[i] = static_cast<uint32_t>(l_.placements.size());
          sources_.push_back(Source{static_cast<uint32_t>(i)});
          pollWeight_[l_.placements.size()] = pollWeights[op.label];
          if (loops_[loopOfLabel_[op.label]].holdsLoops)  // a slice should end here, between inner loops
            addCode(kOuterPollPlacement, *target_.outerPoll, static_cast<int32_t>(i), &code);
          else
            addCode(kPollPlacement, *target_.poll, static_cast<int32_t>(i), &code);
        }
        continue;
      }
      if (kUopInfo[static_cast<int>(op.uop)].pseudo) continue;
      const OpPlacement placed = placeOp(t_, registers_, op);
      for (uint32_t s = 0; s < placed.spillCount; ++s) addMove(placed.spills[s], true, &code);
      if (registers_.ofReturn(i) >= 0)  // the caller reads the result from the frame
        addMove(Move{t_.returnSlot, registers_.ofReturn(i)}, true, &code);
      opPlacement_[i] = static_cast<uint32_t>(l_.placements.size());
      sources_.push_back(Source{static_cast<uint32_t>(i)});
      const int32_t traceOp = static_cast<int32_t>(i);
      if (placed.variant >= 0)
        addCode(kFirstVariantPlacement + placed.variant, target_.variants[placed.variant], traceOp, &code);
      else
        addCode(static_cast<int32_t>(op.uop), target_.stencils[static_cast<int>(op.uop)], traceOp, &code);
      for (uint32_t s = 0; s < placed.reloadCount; ++s) addMove(placed.reloads[s], false, &code);
    }
    if (placeLoops_) code += placeInnerLoops();
    checkSize(code);
    for (uint32_t label = 0; label < t_.labelCount; ++label) {
      const uint32_t k = labelPlacement_[label];
      l_.labelOffsets[label] = k < l_.placements.size() ? l_.placements[k].codeOffset : static_cast<uint32_t>(code);
    }
    l_.codeSize = static_cast<uint32_t>(code);
    uint64_t data = code;
    for (Placement& p : l_.placements) {
      const Stencil& s = stencilOf(p);
      if (s.data.size == 0) continue;
      const uint32_t align = s.dataAlign ? s.dataAlign : 1;
      if (align > l_.align) l_.align = align;
      data = alignUp(data, align);
      p.dataOffset = static_cast<uint32_t>(data);
      data += s.data.size;
      checkSize(data);
    }
    l_.dataEnd = static_cast<uint32_t>(data);
    // GOT entries, one per distinct value; trampolines, one per distinct target (value + addend:
    // the patchers branch to exactly that address).
    for (size_t k = 0; k < l_.placements.size(); ++k) {
      const Stencil& s = stencilOf(l_.placements[k]);
      for (const StencilPart* part : {&s.code, &s.data})
        for (uint32_t h = 0; h < part->holeCount; ++h) {
          const Hole& hole = part->holes[h];
          if (relocNeedsGot(hole.kind)) {
            const Resolved r = resolve(k, hole);
            auto& map = r.relative ? l_.gotRelative : l_.gotAbsolute;
            map.emplace(r.value, static_cast<uint32_t>(l_.gotAbsolute.size() + l_.gotRelative.size()));
          } else if (relocMayNeedTrampoline(hole.kind)) {
            const Resolved r = resolve(k, hole);
            if (!r.relative)
              l_.trampolineTargets.emplace(trampolineTarget(r, hole), static_cast<uint32_t>(l_.trampolineTargets.size()));
          }
        }
    }
    const uint64_t gotOffset = alignUp(l_.dataEnd, 8);
    const uint64_t gotEntries = l_.gotAbsolute.size() + l_.gotRelative.size();
    const uint64_t trampolineOffset = alignUp(gotOffset + 8 * gotEntries, 16);
    const uint64_t total = trampolineOffset + uint64_t{kTrampolineSize} * l_.trampolineTargets.size();
    checkSize(total);
    l_.gotOffset = static_cast<uint32_t>(gotOffset);
    l_.trampolineOffset = static_cast<uint32_t>(trampolineOffset);
    l_.totalSize = static_cast<uint32_t>(total);
  }

  void build(uint8_t* image, uint64_t base) {
    std::memset(image, target_.codeFill, l_.codeSize);  // what lies between stencils traps
    std::memset(image + l_.codeSize, 0, l_.totalSize - l_.codeSize);
    for (size_t k = 0; k < l_.placements.size(); ++k) {
      const Placement& p = l_.placements[k];
      const Stencil& s = stencilOf(p);
      std::memcpy(image + p.codeOffset, s.code.bytes, s.code.size);
      if (s.data.size) std::memcpy(image + p.dataOffset, s.data.bytes, s.data.size);
    }
    for (const auto& [value, index] : l_.gotAbsolute) std::memcpy(image + l_.gotOffset + 8 * index, &value, 8);
    for (const auto& [value, index] : l_.gotRelative) {
      const uint64_t address = base + value;
      std::memcpy(image + l_.gotOffset + 8 * index, &address, 8);
    }
    for (size_t k = 0; k < l_.placements.size(); ++k) {
      const Placement& p = l_.placements[k];
      const Stencil& s = stencilOf(p);
      patchPart(k, s.code, p.codeOffset, image, base);
      patchPart(k, s.data, p.dataOffset, image, base);
    }
  }

  Layout& result() { return l_; }
  // Whether placeInnerLoops moved a loop (and aligned the kernel to kCodeBlock).
  bool placedLoops() const { return placedLoops_; }

 private:
  // Where a placement's operands come from: an op of the trace, or (a spill or reload) one slot,
  // the frame offset of every operand of its MOV variant.
  struct Source {
    uint32_t op = 0;
    bool move = false;
    uint64_t slotOffset = 0;
  };

  const Stencil& stencilOf(const Placement& p) const {
    if (p.uop == kShimPlacement) return *target_.shim;
    if (p.uop == kPollPlacement) return *target_.poll;
    if (p.uop == kOuterPollPlacement) return *target_.outerPoll;
    if (p.uop >= kFirstVariantPlacement) return target_.variants[p.uop - kFirstVariantPlacement];
    return target_.stencils[p.uop];
  }

  // A MOV variant between a cached value's register and its slot's frame word.
  void addMove(const Move& move, bool toFrame, uint64_t* code) {
    const int32_t variant = moveVariant(t_, move, toFrame);
    sources_.push_back(Source{0, true, 8ull * move.slot});
    addCode(kFirstVariantPlacement + variant, target_.variants[variant], -1, code);
  }

  // For each label that some branch at or after it jumps back to: the length of the longest such
  // loop in ops (what one iteration charges to the call's budget), else 0. Every cycle in a
  // kernel's control flow contains a backward branch, so a poll at each of their targets bounds
  // the work between two checks.
  std::vector<uint32_t> backEdgeWeights(const std::vector<BackEdge>& edges) const {
    std::vector<uint32_t> weights(t_.labelCount, 0);
    for (const BackEdge& edge : edges) {
      const uint64_t length = edge.branch - edge.head;
      const uint32_t weight = static_cast<uint32_t>(length < kMaxPollWeight ? length : kMaxPollWeight);
      if (weight > weights[edge.label]) weights[edge.label] = weight;
    }
    return weights;
  }

  // Moves each innermost loop (no other loop starts inside it) of at most kMaxPlacedLoopBytes
  // forward, leaving trap bytes before it, so that it touches as few code blocks as its size
  // allows: a core fetches and caches decoded code by aligned blocks, and a short loop across a
  // block boundary ran up to 1.4x slower (docs/native-engine.md "Where loops lie"). Only where the
  // op before the loop never falls through (the JUMP into a rotated loop's test), so the gap is
  // never executed; the kernel is then aligned to kCodeBlock, so that its offsets are its
  // addresses modulo the block. A kernel that then exceeds its size limit or the memory cap is laid
  // out again without placement (emitKernel). Returns the bytes added.
  uint64_t placeInnerLoops() {
    // Per placement that starts a loop to place: the loop's length in bytes.
    std::unordered_map<uint32_t, uint64_t> placed;
    for (const Loop& loop : loops_) {
      if (!loop.innermost || opPlacement_[loop.branch] == kNoPlacement) continue;
      const uint32_t first = opPlacement_[loop.head];
      const Placement& last = l_.placements[opPlacement_[loop.branch]];
      const uint64_t bytes = uint64_t{last.codeOffset} + last.codeSize - l_.placements[first].codeOffset;
      if (bytes > kMaxPlacedLoopBytes || !endsBefore(first)) continue;
      placed.emplace(first, bytes);
    }
    if (placed.empty()) return 0;
    if (l_.align < kCodeBlock) l_.align = kCodeBlock;
    // (At most 63 bytes per placed loop, one loop per label of at most kMaxOps: the shift fits 32 bits.)
    uint64_t shift = 0;
    for (uint32_t k = 0; k < l_.placements.size(); ++k) {
      const auto loop = placed.find(k);
      if (loop != placed.end()) shift += paddingToPlace(l_.placements[k].codeOffset + shift, loop->second);
      l_.placements[k].codeOffset += static_cast<uint32_t>(shift);
    }
    placedLoops_ = true;
    return shift;
  }

  // Whether the placement before `k` is an op that never falls through (so no code runs into k's
  // place but by a branch).
  bool endsBefore(uint32_t k) const {
    if (k == 0 || sources_[k - 1].move || l_.placements[k - 1].traceOp < 0) return false;
    const ValidOp& op = t_.ops[sources_[k - 1].op];
    return op.uop != Uop::LABEL && kUopInfo[static_cast<int>(op.uop)].ends;
  }

  void addCode(int32_t uop, const Stencil& s, int32_t traceOp, uint64_t* code) {
    // (A register variant may be empty: MOV r0, r0; AND r0, r0, r0.)
    if (s.code.size == 0 && uop >= 0 && uop < kFirstVariantPlacement)
      fail(ErrorKind::Trace, "micro-op %s has no stencil for %s", placementName(uop), target_.arch);
    l_.placements.push_back(Placement{uop, static_cast<uint32_t>(*code), s.code.size, 0, s.data.size, traceOp});
    *code += s.code.size;
    checkSize(*code);
  }

  void checkSize(uint64_t bytes) const {
    if (bytes <= maxBytes_) return;
    if (maxBytes_ < kMaxKernelBytes)
      fail(ErrorKind::Range,
           "kernel too large: it needs more than the executable memory cap of %llu bytes "
           "(raise it with configure({ maxExecutableBytes }))",
           static_cast<unsigned long long>(maxBytes_));
    fail(ErrorKind::Range, "kernel too large: it needs more than %llu bytes, the limit for one kernel (maxKernelBytes)",
         static_cast<unsigned long long>(kMaxKernelBytes));
  }

  // The address a trampoline jumps to: a patcher writes S + A into it, so two holes share one only
  // when both agree.
  static uint64_t trampolineTarget(const Resolved& r, const Hole& hole) {
    return r.value + static_cast<uint64_t>(hole.addend);
  }

  Resolved resolve(size_t k, const Hole& hole) const {
    const Placement& p = l_.placements[k];
    switch (hole.value) {
      case HoleValue::Code:
        return {true, p.codeOffset};
      case HoleValue::Data:
        return {true, p.dataOffset};
      case HoleValue::Continue:
        return {true, k + 1 < l_.placements.size() ? l_.placements[k + 1].codeOffset : l_.codeSize};
      case HoleValue::Target: {
        const ValidOp* op = opFor(k);
        if (!op || op->label < 0)
          fail(ErrorKind::Trace, "stencil %s refers to a branch target but the op has no label operand", name(p));
        return {true, l_.labelOffsets[op->label]};
      }
      case HoleValue::Operand: {
        if (p.uop == kPollPlacement || p.uop == kOuterPollPlacement) {
          if (hole.index != 0) fail(ErrorKind::Trace, "the poll stencil refers to operand %u; it has one", hole.index);
          return {false, pollWeight_.at(k)};
        }
        if (sources_[k].move) {
          if (hole.index > 1) fail(ErrorKind::Trace, "the move stencil %s refers to operand %u", name(p), hole.index);
          return {false, sources_[k].slotOffset};
        }
        const ValidOp* op = opFor(k);
        // A derived operand (validate.cc) follows the op's own.
        const uint32_t holes = op ? op->operandCount + (kUopInfo[static_cast<int>(op->uop)].derived != DerivedOperand::None) : 0;
        if (!op || hole.index >= holes)
          fail(ErrorKind::Trace, "stencil %s refers to operand %u, which the op does not have", name(p), hole.index);
        return {false, t_.operands[op->firstOperand + hole.index]};
      }
      case HoleValue::Extern:
        if (hole.index >= target_.externCount)
          fail(ErrorKind::Trace, "stencil %s refers to unknown runtime function %u", name(p), hole.index);
        return {false, target_.externs[hole.index]};
    }
    fail(ErrorKind::Trace, "stencil %s has a hole of unknown kind", name(p));
  }

  // The op behind placement k (placement 0 is the shim and a move has none: no operands, no label).
  const ValidOp* opFor(size_t k) const { return k == 0 || sources_[k].move ? nullptr : &t_.ops[sources_[k].op]; }

  const char* name(const Placement& p) const { return placementName(p.uop); }

  void patchPart(size_t k, const StencilPart& part, uint32_t partOffset, uint8_t* image, uint64_t base) {
    for (uint32_t h = 0; h < part.holeCount; ++h) {
      const Hole& hole = part.holes[h];
      const Resolved r = resolve(k, hole);
      PatchSite site{};
      site.at = image + partOffset + hole.offset;
      site.offsetInPart = hole.offset;
      site.place = base + partOffset + hole.offset;
      site.value = r.relative ? base + r.value : r.value;
      site.addend = hole.addend;
      if (relocNeedsGot(hole.kind)) {
        const auto& map = r.relative ? l_.gotRelative : l_.gotAbsolute;
        site.gotEntry = base + l_.gotOffset + 8 * map.at(r.value);
      } else if (relocMayNeedTrampoline(hole.kind) && !r.relative) {
        const uint32_t offset =
            l_.trampolineOffset + kTrampolineSize * l_.trampolineTargets.at(trampolineTarget(r, hole));
        site.trampoline = base + offset;
        site.trampolineAt = image + offset;
      }
      target_.patch(hole.kind, site);
    }
  }

  const ValidatedTrace& t_;
  const TargetStencils& target_;
  const uint64_t maxBytes_;
  const bool placeLoops_;
  bool placedLoops_ = false;
  Layout l_;
  RegisterPlan registers_;
  static constexpr uint32_t kNoPlacement = UINT32_MAX;
  std::vector<Source> sources_;  // per placement
  std::vector<uint32_t> opPlacement_;     // per trace op: its stencil's placement (a loop head's: its poll), or kNoPlacement
  std::vector<uint32_t> labelPlacement_;  // per label: the placement its code starts with
  std::vector<Loop> loops_;
  std::vector<int32_t> loopOfLabel_;  // per label: the loop it heads in loops_, or -1
  std::unordered_map<size_t, uint32_t> pollWeight_;  // poll placement -> its loop's length in ops
};

}  // namespace

const char* placementName(int32_t uop) {
  if (uop == kShimPlacement) return "shim";
  if (uop == kPollPlacement) return "poll";
  if (uop == kOuterPollPlacement) return "outer poll";
  if (uop >= kFirstVariantPlacement) return kVariantInfo[uop - kFirstVariantPlacement].name;
  return kUopInfo[uop].name;
}

EmittedKernel emitKernel(const ValidatedTrace& trace, const TargetStencils& target, ExecMemory* memory,
                         std::vector<uint8_t>* image, uint64_t imageAddress) {
  const uint64_t maxBytes = memory && memory->cap() < kMaxKernelBytes ? memory->cap() : kMaxKernelBytes;
  // Before the image buffer: a kernel that cannot get executable memory under the cap allocates
  // nothing. One that fits only without placement's gaps and 64-byte alignment is laid out again
  // without them: placement is worth a few percent, not a failed compile.
  std::optional<Emitter> laidOut;
  const auto layOut = [&](bool placeLoops) {
    laidOut.emplace(trace, target, maxBytes, placeLoops);
    laidOut->layout();
    if (memory) memory->checkCapacity(laidOut->result().totalSize, laidOut->result().align);
  };
  try {
    layOut(loopPlacementEnabled());
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Range || !laidOut || !laidOut->placedLoops()) throw;
    layOut(false);
  }
  Emitter& emitter = *laidOut;
  Layout& l = emitter.result();
  EmittedKernel out;
  out.codeSize = l.codeSize;
  out.dataSize = l.totalSize - l.codeSize;
  out.gotEntries = static_cast<uint32_t>(l.gotAbsolute.size() + l.gotRelative.size());
  out.trampolines = static_cast<uint32_t>(l.trampolineTargets.size());
  std::vector<uint8_t> local;
  std::vector<uint8_t>& buffer = image ? *image : local;
  buffer.resize(l.totalSize);
  if (!memory) {
    emitter.build(buffer.data(), imageAddress);
    out.placements = std::move(l.placements);
    return out;
  }
  out.block = memory->allocate(l.totalSize, l.align);
  try {
    emitter.build(buffer.data(), reinterpret_cast<uint64_t>(out.block.address));
    memory->write(out.block, buffer.data());
  } catch (...) {
    memory->discard(out.block);  // no kernel was made: stats count neither a compile nor a free
    throw;
  }
  out.placements = std::move(l.placements);
  return out;
}

}  // namespace jitctl
