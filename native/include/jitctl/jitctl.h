// jitctl's public C++ API: the native hooks another addon (or any C++ program) uses to compile a
// micro-op trace into machine code and call it, without Node-API.
//
//   jitctl::Engine engine;  // one per thread (see Engine)
//   jitctl::TraceBuilder b;
//   auto x = b.slot(jitctl::SlotType::F64);
//   b.param(x); b.returns(x);
//   b.op("RETURN");
//   jitctl::Kernel k = engine.compile(b.build());
//   double y = k.call({jitctl::Argument::f64(2.5)}).f64;
//
// Every failure is a jitctl::Error (a std::runtime_error) whose kind says which JS error class it
// maps to. The trace format is documented in docs/trace-format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace jitctl {

enum class ErrorKind : uint8_t {
  Type,    // a value of the wrong type (a call argument, a trace that is not a trace)
  Range,   // a value out of range: slot index, relocation, trace length, executable-bytes cap
  Trace,   // a malformed trace (unknown op, undefined label, falling off the end...)
  System,  // the operating system refused (mmap, mprotect): the message carries strerror
  Interrupted,  // a call stopped at a loop head: Engine::interrupt() or the interrupt check said so
  Timeout,      // a call ran longer than its kernel's CompileOptions::timeoutNanoseconds
  Declined,     // a call's arguments failed a guard of the trace (DECLINE): the caller runs its own code
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Slot types and typed-array element kinds, with the numbering used in the trace format. The
// codes and the constants below are generated from one table (tools/stencils/trace-format.mjs
// and the micro-op table's element kinds); static_asserts in native/core/trace.cc tie these to it.
enum class SlotType : uint8_t { F64 = 1, I32 = 2, U32 = 3 };
enum class ReturnType : uint8_t { Void = 0, F64 = 1, I32 = 2, U32 = 3 };
enum class ViewKind : uint8_t {
  Int8 = 0, Uint8 = 1, Uint8Clamped = 2, Int16 = 3, Uint16 = 4,
  Int32 = 5, Uint32 = 6, Float32 = 7, Float64 = 8,
};
const char* viewKindName(ViewKind kind);
const char* slotTypeName(SlotType type);  // "f64", "i32", "u32" 
size_t viewKindElementSize(ViewKind kind);

// Hard limits of the format; a trace beyond them is rejected with ErrorKind::Range.
constexpr uint32_t kTraceMagic = 0x3143544A;  // "JTC1" as little-endian bytes
constexpr uint32_t kTraceVersion = 1;
constexpr uint32_t kTraceHeaderWords = 8;
// The frame (8 bytes per slot, then 16 per view record) is at most 64 KiB on every target: AArch64
// stencils load a slot or view offset with one movz (16 bits), and a trace must not compile on one
// target and fail on another. So slotCount * 8 + viewCount * 16 <= kMaxFrameBytes, besides the
// per-count limits below.
constexpr uint32_t kMaxFrameBytes = 1u << 16;
constexpr uint32_t kMaxSlots = kMaxFrameBytes / 8;  // 8,192: a frame of slots only
constexpr uint32_t kMaxViews = 1u << 10;
constexpr uint32_t kMaxParams = 1u << 10;
constexpr uint32_t kMaxLabels = 1u << 16;
constexpr uint32_t kMaxOpWords = 1u << 20;
constexpr uint32_t kMaxOps = 1u << 18;
constexpr uint64_t kMaxViewLength = 0x7fffffffu;  // typed arrays longer than 2^31-1 are refused
// Bytes of one kernel (code, data, GOT, trampolines). Within it every AArch64 b/bl (+-128 MiB)
// reaches; a trace that would need more is refused (ErrorKind::Range) before anything is allocated.
constexpr uint64_t kMaxKernelBytes = 128ull << 20;

// A trace as 32-bit words. It is only a container: Engine::compile validates it.
struct Trace {
  std::vector<int32_t> words;
  static Trace fromWords(const int32_t* words, size_t count);
  static Trace fromBytes(const void* bytes, size_t byteLength);  // byteLength % 4 must be 0
};

// The micro-op table compiled into this build.
struct UopDescription {
  uint32_t opcode;
  const char* name;
  uint8_t operandCount;
  const char* operandKinds[4];  // "f64", "i32", "u32", "view", "label", "imm_i32", "imm_f64"
  int8_t viewKind;              // element kind the view operand must have, -1 for any
  bool pseudo;                  // emits no code (LABEL)
};
std::vector<UopDescription> uopTable();
// The opcode of a micro-op by name; throws ErrorKind::Trace for an unknown name.
uint32_t uopByName(const std::string& name);

// Builds a trace in the documented format. Operands are slot/view indices, label ids or
// immediates, in the order of the op's operand list; an ImmF64 operand is passed as a double
// through `opWithF64` or as its two words.
class TraceBuilder {
 public:
  uint32_t slot(SlotType type);
  uint32_t view(ViewKind kind);
  void param(uint32_t slot);
  void viewParam(uint32_t view);
  void returns(uint32_t slot);  // the return type is the slot's type
  uint32_t label();             // a fresh label id; define it with op("LABEL", {id})
  TraceBuilder& op(const std::string& name, std::initializer_list<int64_t> operands = {});
  TraceBuilder& op(uint32_t opcode, const std::vector<int64_t>& operandWords);
  // An op whose last operand is an f64 immediate.
  TraceBuilder& opWithF64(const std::string& name, std::initializer_list<int64_t> operands, double imm);
  Trace build() const;

 private:
  std::vector<int32_t> slotTypes_, viewKinds_, params_, ops_;
  uint32_t labels_ = 0;
  int32_t returnType_ = 0, returnSlot_ = 0;
};

// A call argument: a number for a slot parameter, a typed-array view for a view parameter.
struct Argument {
  enum class Kind : uint8_t { F64, I32, U32, View } kind;
  double f64Value = 0;
  int32_t i32Value = 0;
  uint32_t u32Value = 0;
  ViewKind viewKind = ViewKind::Float64;
  void* base = nullptr;
  uint64_t length = 0;

  static Argument f64(double v) { Argument a{Kind::F64}; a.f64Value = v; return a; }
  static Argument i32(int32_t v) { Argument a{Kind::I32}; a.i32Value = v; return a; }
  static Argument u32(uint32_t v) { Argument a{Kind::U32}; a.u32Value = v; return a; }
  static Argument view(ViewKind kind, void* base, uint64_t length) {
    Argument a{Kind::View};
    a.viewKind = kind; a.base = base; a.length = length;
    return a;
  }
};

struct Value {
  ReturnType type = ReturnType::Void;
  double f64 = 0;  // the returned number for every non-void type (i32/u32 convert exactly)
  int32_t i32 = 0;
  uint32_t u32 = 0;
};

// One stencil copy inside a kernel, for inspection.
struct StencilPlacement {
  std::string uop;       // micro-op name, or "shim"
  uint32_t codeOffset;   // from the start of the kernel
  uint32_t codeSize;
  uint32_t dataOffset;
  uint32_t dataSize;
  int32_t traceOp;       // index of the trace op it implements (a poll: its loop's LABEL); -1 for the
                         // shim and for the moves between a cached register and its frame slot
};

struct KernelInfo {
  uint64_t address;    // where the code lives (read+execute)
  uint32_t codeSize;   // bytes of machine code (stencils back to back)
  uint32_t dataSize;   // stencil data, GOT entries, trampolines and the alignment padding between them
  uint32_t totalSize;  // bytes of the kernel's block: exactly codeSize + dataSize
  uint32_t gotEntries;
  uint32_t trampolines;
  std::vector<StencilPlacement> stencils;
  std::vector<uint8_t> bytes;  // a copy of the kernel's memory
};

struct ParamDescription {
  bool isView;
  SlotType slotType;  // when !isView
  ViewKind viewKind;  // when isView
};

class Engine;
struct KernelState;

// Compiled machine code. Move-only; the code is freed by free() or the destructor, and the
// memory pool it lives in stays alive as long as any of its kernels does.
class Kernel {
 public:
  Kernel();
  Kernel(Kernel&&) noexcept;
  Kernel& operator=(Kernel&&) noexcept;
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;
  ~Kernel();

  // Checks every argument against the trace's parameters (ErrorKind::Type on a mismatch) and runs
  // the code. Must run on the thread that owns the engine. A kernel that loops stops at a loop
  // head with ErrorKind::Interrupted or ErrorKind::Timeout (see Engine::interrupt). A trace that
  // reaches DECLINE (a guard on its arguments, before it writes any array) fails the call with
  // ErrorKind::Declined: the caller then runs its own code for these arguments.
  Value call(const std::vector<Argument>& args) const;
  Value call(std::initializer_list<Argument> args) const { return call(std::vector<Argument>(args)); }
  // Same, without the vector: used by the Node-API binding on its hot path.
  Value call(const Argument* args, size_t count) const;
  // Same, except that a declined call returns false (and leaves *out alone) instead of throwing:
  // for a caller that runs its own code then, on a path where an exception would cost too much.
  bool callUnlessDeclined(const Argument* args, size_t count, Value* out) const;

  const std::vector<ParamDescription>& params() const;
  ReturnType returnType() const;
  KernelInfo inspect() const;
  uint32_t codeSize() const;
  // Bytes of executable memory the kernel holds (its block, rounded to the pool's alignment); 0 when freed.
  uint64_t memoryBytes() const;
  bool freed() const { return state_ == nullptr; }
  void free();

 private:
  friend class Engine;
  explicit Kernel(std::unique_ptr<KernelState> state);
  std::unique_ptr<KernelState> state_;
};

struct EngineConfig {
  uint64_t maxExecutableBytes = 64ull << 20;  // cap on bytes mapped executable by this engine
};

struct CompileOptions {
  // Every call of the kernel fails with ErrorKind::Timeout once it has run this long (checked at
  // loop heads, every few hundred microseconds of work); 0: no limit.
  uint64_t timeoutNanoseconds = 0;
};

// Asked at loop heads (every few hundred microseconds of a long call) on the calling thread:
// a reason to stop the call (ErrorKind::Interrupted, with that reason), or nullptr to go on.
using InterruptCheck = const char* (*)(void* context);
// Asked when the executable-memory cap or the mapping budget would refuse a compile: frees
// kernels nobody can call any more and returns how many it freed (the compile is retried if any).
using Reclaimer = uint64_t (*)(void* context);

struct EngineStats {
  uint64_t bytesMapped = 0;   // bytes of executable mappings (whole pages)
  uint64_t bytesUsed = 0;     // bytes of live kernels (code + data + GOT + trampolines)
  uint64_t bytesPadding = 0;  // alignment between kernels and unused space in mapped pages
  uint64_t liveKernels = 0;
  uint64_t kernelsCompiled = 0;
  uint64_t kernelsFreed = 0;
  uint64_t uopsCompiled = 0;
  uint64_t maxExecutableBytes = 0;
  uint64_t pageSize = 0;
  uint64_t mappings = 0;         // memory mappings this engine holds
  uint64_t processMappings = 0;  // held by every engine in the process
  uint64_t mappingBudget = 0;    // the most all engines together may hold (JITCTL_MAX_MAPPINGS)
};

class ExecMemory;
struct EngineShared;

// Owns one pool of executable memory. Use one engine per thread, and run its kernels on that
// thread (the Node addon keeps one per Node environment): where the pool flips page protections
// to add a kernel (AArch64, or systems that refuse dual mappings), a kernel of the same pool
// running on another thread meanwhile could fault. An Engine is not thread-safe.
class Engine {
 public:
  explicit Engine(EngineConfig config = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Kernel compile(const Trace& trace, const CompileOptions& options = {});
  EngineStats stats() const;
  EngineConfig config() const;
  void configure(const EngineConfig& config);

  // Thread-safe: every call of this engine's kernels that is running or starts later stops at its
  // next loop head with ErrorKind::Interrupted, until clearInterrupt().
  void interrupt();
  void clearInterrupt();
  // Both run on the engine's thread; nullptr removes them.
  void setInterruptCheck(InterruptCheck check, void* context);
  void setReclaimer(Reclaimer reclaimer, void* context);

  static const char* architecture();  // "x86_64", "aarch64" or "unsupported"
  static bool supported();

 private:
  std::shared_ptr<EngineShared> shared_;  // memory, interrupt state: kept alive by live kernels too
  Reclaimer reclaimer_ = nullptr;
  void* reclaimerContext_ = nullptr;
  uint64_t compiled_ = 0, uops_ = 0;
};

}  // namespace jitctl
