// The public C++ API: an engine owns an executable-memory pool and turns traces into kernels.
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>

#include "core/bounds.h"
#include "core/emit.h"
#include "core/errors.h"
#include "core/exec_memory.h"
#include "jitctl/jitctl.h"
#include "core/mapping_budget.h"
#include "core/stencil.h"
#include "core/target.h"
#include "core/validate.h"

namespace jitctl {

using KernelEntry = void (*)(uint8_t* frame);
constexpr uint32_t kSmallFrameBytes = 1024;
// The work a call does between two interrupt checks, in ops charged at loop heads: a few hundred
// microseconds of a tight loop, so a stop request is seen quickly and checking costs nothing
// measurable (one return to C++ per slice).
constexpr int64_t kPollSlice = 1 << 18;
static_assert(kOuterPollReserve > 0 && kOuterPollReserve < kPollSlice, "an outer poll yields inside a slice");

// What an engine and its kernels share; a kernel may outlive its engine.
struct EngineShared {
  explicit EngineShared(uint64_t cap) : memory(cap) {}
  ExecMemory memory;
  std::atomic<bool> interrupted{false};
  InterruptCheck check = nullptr;
  void* checkContext = nullptr;
  // One frame buffer for every call too big for the stack: kernels run on their engine's thread
  // and never re-enter, so one suffices (one per kernel would be up to 64 KiB of heap each that
  // no cap counts).
  std::unique_ptr<uint8_t[]> bigFrame;

  uint8_t* bigFrameBuffer() {
    if (!bigFrame) bigFrame.reset(new uint8_t[sizeof(FrameHeader) + kMaxFrameBytes]);
    return bigFrame.get();
  }
};

struct KernelState {
  std::shared_ptr<EngineShared> shared;
  EmittedKernel emitted;
  KernelEntry entry = nullptr;
  void* firstOp = nullptr;  // where the shim starts a call (FrameHeader::resume)
  std::vector<ParamDescription> params;
  std::vector<uint32_t> paramOffsets;  // frame offset of each parameter's slot or view record
  ReturnType returnType = ReturnType::Void;
  uint32_t returnOffset = 0;
  uint32_t frameBytes = 0;
  uint64_t timeoutNanoseconds = 0;

  ~KernelState() { shared->memory.release(emitted.block); }
};

Kernel::Kernel(std::unique_ptr<KernelState> state) : state_(std::move(state)) {}
Kernel::Kernel() = default;
Kernel::Kernel(Kernel&&) noexcept = default;
Kernel& Kernel::operator=(Kernel&&) noexcept = default;
Kernel::~Kernel() = default;

void Kernel::free() { state_.reset(); }

static const KernelState& live(const std::unique_ptr<KernelState>& state) {
  if (!state) fail(ErrorKind::Type, "the kernel has been freed");
  return *state;
}

const std::vector<ParamDescription>& Kernel::params() const { return live(state_).params; }
ReturnType Kernel::returnType() const { return live(state_).returnType; }
uint32_t Kernel::codeSize() const { return live(state_).emitted.codeSize; }
uint64_t Kernel::memoryBytes() const { return state_ ? state_->emitted.block.reserved : 0; }

KernelInfo Kernel::inspect() const {
  const KernelState& s = live(state_);
  KernelInfo info;
  info.address = reinterpret_cast<uint64_t>(s.emitted.block.address);
  info.codeSize = s.emitted.codeSize;
  info.dataSize = s.emitted.dataSize;
  info.totalSize = s.emitted.block.size;
  info.gotEntries = s.emitted.gotEntries;
  info.trampolines = s.emitted.trampolines;
  for (const Placement& p : s.emitted.placements)
    info.stencils.push_back(StencilPlacement{placementName(p.uop), p.codeOffset, p.codeSize, p.dataOffset, p.dataSize, p.traceOp});
  info.bytes.assign(s.emitted.block.address, s.emitted.block.address + s.emitted.block.size);
  return info;
}

Value Kernel::call(const std::vector<Argument>& args) const { return call(args.data(), args.size()); }

// A call that yielded at a loop head: stop it (throws) or let it go on.
static void checkYield(const KernelState& s, std::chrono::steady_clock::time_point started) {
  EngineShared& shared = *s.shared;
  if (shared.interrupted.load(std::memory_order_relaxed))
    fail(ErrorKind::Interrupted, "the kernel was interrupted (Engine::interrupt) while it ran");
  if (shared.check)
    if (const char* reason = shared.check(shared.checkContext)) fail(ErrorKind::Interrupted, "the kernel was interrupted: %s", reason);
  if (s.timeoutNanoseconds) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started);
    if (static_cast<uint64_t>(elapsed.count()) >= s.timeoutNanoseconds)
      fail(ErrorKind::Timeout, "the kernel ran longer than its timeout of %.3f ms and was stopped",
           static_cast<double>(s.timeoutNanoseconds) / 1e6);
  }
}

Value Kernel::call(const Argument* args, size_t count) const {
  Value v;
  if (!callUnlessDeclined(args, count, &v))
    fail(ErrorKind::Declined, "the kernel declined these arguments: they fail a guard at its entry (DECLINE), so the caller runs its own code");
  return v;
}

bool Kernel::callUnlessDeclined(const Argument* args, size_t count, Value* out) const {
  const KernelState& s = live(state_);
  if (count != s.params.size())
    fail(ErrorKind::Type, "the kernel takes %zu arguments but was called with %zu", s.params.size(), count);
  // Small frames live on the stack; bigger ones (up to kMaxFrameBytes) in the engine's buffer.
  // The frame header (FrameHeader) sits just below the frame.
  alignas(16) uint8_t small[sizeof(FrameHeader) + kSmallFrameBytes];
  uint8_t* base = s.frameBytes > kSmallFrameBytes ? s.shared->bigFrameBuffer() : small;
  FrameHeader* header = reinterpret_cast<FrameHeader*>(base);
  uint8_t* frame = base + sizeof(FrameHeader);
  std::memset(frame, 0, s.frameBytes);
  for (size_t i = 0; i < count; ++i) {
    const ParamDescription& p = s.params[i];
    const Argument& a = args[i];
    uint8_t* at = frame + s.paramOffsets[i];
    if (p.isView) {
      if (a.kind != Argument::Kind::View)
        fail(ErrorKind::Type, "argument %zu must be a %sArray", i, viewKindName(p.viewKind));
      if (a.viewKind != p.viewKind)
        fail(ErrorKind::Type, "argument %zu must be a %sArray, not a %sArray", i, viewKindName(p.viewKind),
             viewKindName(a.viewKind));
      if (a.length > kMaxViewLength)
        fail(ErrorKind::Range, "argument %zu has %llu elements; kernels accept at most %llu", i,
             static_cast<unsigned long long>(a.length), static_cast<unsigned long long>(kMaxViewLength));
      if (a.length > 0 && a.base == nullptr) fail(ErrorKind::Type, "argument %zu has elements but no memory", i);
      ViewRecord record{a.base, a.length};
      std::memcpy(at, &record, sizeof record);
      continue;
    }
    switch (p.slotType) {
      case SlotType::F64:
        if (a.kind != Argument::Kind::F64) fail(ErrorKind::Type, "argument %zu must be an f64 number", i);
        std::memcpy(at, &a.f64Value, 8);
        break;
      case SlotType::I32:
        if (a.kind != Argument::Kind::I32) fail(ErrorKind::Type, "argument %zu must be an i32 integer", i);
        std::memcpy(at, &a.i32Value, 4);
        break;
      case SlotType::U32:
        if (a.kind != Argument::Kind::U32) fail(ErrorKind::Type, "argument %zu must be a u32 integer", i);
        std::memcpy(at, &a.u32Value, 4);
        break;
    }
  }
  const auto started = s.timeoutNanoseconds ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  std::memset(header, 0, sizeof(FrameHeader));  // cached registers start at 0, like every slot
  header->resume = s.firstOp;
  header->budget = kPollSlice;
  for (;;) {
    s.entry(frame);
    if (!header->resume) break;  // returned (a poll that yields leaves where to go on)
    checkYield(s, started);
    header->budget = kPollSlice;
  }
  if (header->budget == kDeclinedBudget) return false;
  Value& v = *out;
  v = Value{};
  v.type = s.returnType;
  switch (s.returnType) {
    case ReturnType::Void: break;
    case ReturnType::F64: std::memcpy(&v.f64, frame + s.returnOffset, 8); break;
    case ReturnType::I32: std::memcpy(&v.i32, frame + s.returnOffset, 4); v.f64 = v.i32; break;
    case ReturnType::U32: std::memcpy(&v.u32, frame + s.returnOffset, 4); v.f64 = v.u32; break;
  }
  return true;
}

Engine::Engine(EngineConfig config) : shared_(std::make_shared<EngineShared>(config.maxExecutableBytes)) {
  if (config.maxExecutableBytes == 0) fail(ErrorKind::Range, "maxExecutableBytes must be positive");
  hostTarget();  // resolves the runtime functions once; a missing one fails here, not mid-compile
}

// Kernels may outlive their engine (they share its memory); the interrupt check's context may not.
Engine::~Engine() { shared_->check = nullptr; }

Kernel Engine::compile(const Trace& trace, const CompileOptions& options) {
  const TargetStencils* target = hostTarget();
  if (!target) fail(ErrorKind::System, "jitctl has no stencils for this architecture (%s)", architecture());
  ValidatedTrace t = validateTrace(trace.words.data(), trace.words.size());
  proveAccesses(&t);
  auto state = std::make_unique<KernelState>();
  state->shared = shared_;
  ExecMemory* memory = &shared_->memory;
  try {
    state->emitted = emitKernel(t, *target, memory);
  } catch (const ReclaimableError&) {
    // Kernels that nobody can call any more may still hold the memory (their JS objects collected,
    // their finalizers not run yet): free them and try once more.
    if (!reclaimer_ || reclaimer_(reclaimerContext_) == 0) throw;
    state->emitted = emitKernel(t, *target, memory);
  }
  state->entry = reinterpret_cast<KernelEntry>(state->emitted.block.address);
  state->firstOp = state->emitted.block.address + state->emitted.placements.at(1).codeOffset;
  state->params = std::move(t.params);
  state->paramOffsets.reserve(state->params.size());
  for (size_t i = 0; i < state->params.size(); ++i)
    state->paramOffsets.push_back(state->params[i].isView ? t.viewOffset(t.paramIndex[i]) : 8 * t.paramIndex[i]);
  state->returnType = t.returnType;
  state->returnOffset = 8 * t.returnSlot;
  state->frameBytes = t.frameBytes();
  state->timeoutNanoseconds = options.timeoutNanoseconds;
  ++compiled_;
  uops_ += t.ops.size();
  return Kernel(std::move(state));
}

EngineStats Engine::stats() const {
  const ExecMemory& memory = shared_->memory;
  EngineStats s;
  s.bytesMapped = memory.bytesMapped();
  s.bytesUsed = memory.bytesUsed();
  s.bytesPadding = s.bytesMapped - s.bytesUsed;
  s.liveKernels = memory.liveBlocks();
  s.kernelsCompiled = compiled_;
  s.kernelsFreed = memory.releasedBlocks();
  s.uopsCompiled = uops_;
  s.maxExecutableBytes = memory.cap();
  s.pageSize = memory.pageSize();
  s.mappings = memory.mappings();
  s.processMappings = MappingBudget::process().held();
  s.mappingBudget = MappingBudget::process().limit();
  return s;
}

EngineConfig Engine::config() const { return EngineConfig{shared_->memory.cap()}; }

void Engine::configure(const EngineConfig& config) {
  if (config.maxExecutableBytes == 0) fail(ErrorKind::Range, "maxExecutableBytes must be positive");
  shared_->memory.setCap(config.maxExecutableBytes);
}

void Engine::interrupt() { shared_->interrupted.store(true, std::memory_order_relaxed); }
void Engine::clearInterrupt() { shared_->interrupted.store(false, std::memory_order_relaxed); }

void Engine::setInterruptCheck(InterruptCheck check, void* context) {
  shared_->check = check;
  shared_->checkContext = context;
}

void Engine::setReclaimer(Reclaimer reclaimer, void* context) {
  reclaimer_ = reclaimer;
  reclaimerContext_ = context;
}

const char* Engine::architecture() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unsupported";
#endif
}

bool Engine::supported() { return hostTarget() != nullptr; }

}  // namespace jitctl
