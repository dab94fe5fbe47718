// The public C++ API: an engine owns an executable-memory pool and turns traces into kernels.
#include <cstring>
#include <memory>

#include "emit.h"
#include "errors.h"
#include "exec_memory.h"
#include "jitctl/jitctl.h"
#include "target.h"
#include "validate.h"

namespace jitctl {

using KernelEntry = void (*)(uint8_t* frame);
constexpr uint32_t kSmallFrameBytes = 1024;

struct KernelState {
  std::shared_ptr<ExecMemory> memory;
  EmittedKernel emitted;
  KernelEntry entry = nullptr;
  std::vector<ParamDescription> params;
  std::vector<uint32_t> paramOffsets;  // frame offset of each parameter's slot or view record
  ReturnType returnType = ReturnType::Void;
  uint32_t returnOffset = 0;
  uint32_t frameBytes = 0;
  // The frame of a call too big for the stack buffer, allocated once per kernel rather than per
  // call (a kernel runs on its engine's thread only, and kernels never re-enter).
  std::unique_ptr<uint8_t[]> bigFrame;

  ~KernelState() { memory->release(emitted.block); }
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

KernelInfo Kernel::inspect() const {
  const KernelState& s = live(state_);
  KernelInfo info;
  info.address = reinterpret_cast<uint64_t>(s.emitted.block.address);
  info.codeSize = s.emitted.codeSize;
  info.dataSize = s.emitted.dataSize;
  info.totalSize = s.emitted.block.size;
  info.gotEntries = s.emitted.gotEntries;
  info.trampolines = s.emitted.trampolines;
  const std::vector<UopDescription> table = uopTable();
  for (const Placement& p : s.emitted.placements)
    info.stencils.push_back(StencilPlacement{p.uop < 0 ? "shim" : table[p.uop].name, p.codeOffset, p.codeSize,
                                             p.dataOffset, p.dataSize});
  info.bytes.assign(s.emitted.block.address, s.emitted.block.address + s.emitted.block.size);
  return info;
}

Value Kernel::call(const std::vector<Argument>& args) const { return call(args.data(), args.size()); }

Value Kernel::call(const Argument* args, size_t count) const {
  const KernelState& s = live(state_);
  if (count != s.params.size())
    fail(ErrorKind::Type, "the kernel takes %zu arguments but was called with %zu", s.params.size(), count);
  // Small frames live on the stack; bigger ones (up to kMaxFrameBytes) in the kernel's own buffer.
  alignas(16) uint8_t small[kSmallFrameBytes];
  uint8_t* frame = s.bigFrame ? s.bigFrame.get() : small;
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
  s.entry(frame);
  Value v;
  v.type = s.returnType;
  switch (s.returnType) {
    case ReturnType::Void: break;
    case ReturnType::F64: std::memcpy(&v.f64, frame + s.returnOffset, 8); break;
    case ReturnType::I32: std::memcpy(&v.i32, frame + s.returnOffset, 4); v.f64 = v.i32; break;
    case ReturnType::U32: std::memcpy(&v.u32, frame + s.returnOffset, 4); v.f64 = v.u32; break;
  }
  return v;
}

Engine::Engine(EngineConfig config) : memory_(std::make_shared<ExecMemory>(config.maxExecutableBytes)) {
  if (config.maxExecutableBytes == 0) fail(ErrorKind::Range, "maxExecutableBytes must be positive");
  hostTarget();  // resolves the runtime functions once; a missing one fails here, not mid-compile
}

Engine::~Engine() = default;

Kernel Engine::compile(const Trace& trace) {
  const TargetStencils* target = hostTarget();
  if (!target) fail(ErrorKind::System, "jitctl has no stencils for this architecture (%s)", architecture());
  ValidatedTrace t = validateTrace(trace.words.data(), trace.words.size());
  auto state = std::make_unique<KernelState>();
  state->memory = memory_;
  state->emitted = emitKernel(t, *target, memory_.get());
  state->entry = reinterpret_cast<KernelEntry>(state->emitted.block.address);
  state->params = std::move(t.params);
  state->paramOffsets.reserve(state->params.size());
  for (size_t i = 0; i < state->params.size(); ++i)
    state->paramOffsets.push_back(state->params[i].isView ? t.viewOffset(t.paramIndex[i]) : 8 * t.paramIndex[i]);
  state->returnType = t.returnType;
  state->returnOffset = 8 * t.returnSlot;
  state->frameBytes = t.frameBytes();
  if (state->frameBytes > kSmallFrameBytes) state->bigFrame.reset(new uint8_t[state->frameBytes]);
  ++compiled_;
  uops_ += t.ops.size();
  return Kernel(std::move(state));
}

EngineStats Engine::stats() const {
  EngineStats s;
  s.bytesMapped = memory_->bytesMapped();
  s.bytesUsed = memory_->bytesUsed();
  s.bytesPadding = s.bytesMapped - s.bytesUsed;
  s.liveKernels = memory_->liveBlocks();
  s.kernelsCompiled = compiled_;
  s.kernelsFreed = memory_->releasedBlocks();
  s.uopsCompiled = uops_;
  s.maxExecutableBytes = memory_->cap();
  s.pageSize = memory_->pageSize();
  return s;
}

EngineConfig Engine::config() const { return EngineConfig{memory_->cap()}; }

void Engine::configure(const EngineConfig& config) {
  if (config.maxExecutableBytes == 0) fail(ErrorKind::Range, "maxExecutableBytes must be positive");
  memory_->setCap(config.maxExecutableBytes);
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
