// The public C++ API end to end: build a trace, compile it, call it, inspect and free it.
#include <cmath>
#include <cstring>
#include <chrono>
#include <thread>
#include <vector>

#include "check.h"
#include "jitctl/jitctl.h"

using namespace jitctl;

namespace {

// f64 add of two parameters.
Trace addTrace() {
  TraceBuilder b;
  const uint32_t x = b.slot(SlotType::F64), y = b.slot(SlotType::F64), r = b.slot(SlotType::F64);
  b.param(x);
  b.param(y);
  b.returns(r);
  b.op("ADD_F64", {r, x, y});
  b.op("RETURN");
  return b.build();
}

// sum of a Float64Array: for (i = 0; i < n; i++) s += a[i]
Trace sumTrace() {
  TraceBuilder b;
  const uint32_t a = b.view(ViewKind::Float64);
  const uint32_t s = b.slot(SlotType::F64), i = b.slot(SlotType::I32), n = b.slot(SlotType::I32);
  const uint32_t one = b.slot(SlotType::I32), x = b.slot(SlotType::F64);
  b.viewParam(a);
  b.returns(s);
  const uint32_t loop = b.label(), done = b.label(), miss = b.label();
  b.op("LENGTH", {n, a});
  b.op("CONST_I32", {one, 1});
  b.op("LABEL", {loop});
  b.op("BR_GE_I32", {i, n, done});
  b.op("LOAD_FLOAT64", {x, a, i, miss});
  b.op("ADD_F64", {s, s, x});
  b.op("ADD_I32", {i, i, one});
  b.op("JUMP", {loop});
  b.op("LABEL", {miss});
  b.opWithF64("CONST_F64", {s}, NAN);
  b.op("LABEL", {done});
  b.op("RETURN");
  return b.build();
}

}  // namespace

TEST("a compiled kernel adds two numbers") {
  Engine engine;
  Kernel k = engine.compile(addTrace());
  CHECK_EQ(k.call({Argument::f64(1.5), Argument::f64(2.25)}).f64, 3.75);
}

TEST("a loop over a Float64Array sums it") {
  Engine engine;
  Kernel k = engine.compile(sumTrace());
  std::vector<double> data{1, 2, 3, 4.5};
  CHECK_EQ(k.call({Argument::view(ViewKind::Float64, data.data(), data.size())}).f64, 10.5);
  CHECK_EQ(k.call({Argument::view(ViewKind::Float64, nullptr, 0)}).f64, 0.0);
}

TEST("arguments of the wrong kind are Type errors naming the argument") {
  Engine engine;
  Kernel k = engine.compile(sumTrace());
  int32_t ints[2] = {1, 2};
  CHECK_THROWS(k.call({Argument::view(ViewKind::Int32, ints, 2)}), ErrorKind::Type, "argument 0 must be a Float64Array");
  CHECK_THROWS(k.call({Argument::f64(1)}), ErrorKind::Type, "argument 0");
  CHECK_THROWS(k.call({}), ErrorKind::Type, "takes 1 arguments but was called with 0");
}

TEST("a view longer than 2^31-1 elements is refused") {
  Engine engine;
  Kernel k = engine.compile(sumTrace());
  double one = 1;
  CHECK_THROWS(k.call({Argument::view(ViewKind::Float64, &one, 1ull << 31)}), ErrorKind::Range, "at most");
}

TEST("a malformed trace is a Trace error") {
  Engine engine;
  Trace t = addTrace();
  t.words.pop_back();
  CHECK_THROWS(engine.compile(t), ErrorKind::Trace, "header describes");
  Trace bad = addTrace();
  bad.words[0] = 0;
  CHECK_THROWS(engine.compile(bad), ErrorKind::Trace, "bad magic");
}

TEST("inspect lists the shim and one stencil per code op") {
  Engine engine;
  Kernel k = engine.compile(addTrace());
  KernelInfo info = k.inspect();
  CHECK_EQ(info.stencils.size(), 3u);
  CHECK(info.stencils[0].uop == "shim");
  CHECK(info.stencils[1].uop == "ADD_F64");
  CHECK_EQ(info.stencils[1].codeOffset, info.stencils[0].codeSize);
  CHECK_EQ(info.bytes.size(), info.totalSize);
}

TEST("freeing kernels returns their memory to the engine") {
  Engine engine;
  {
    Kernel a = engine.compile(addTrace());
    Kernel b = engine.compile(sumTrace());
    CHECK_EQ(engine.stats().liveKernels, 2u);
    a.free();
    CHECK(a.freed());
    CHECK_THROWS(a.call({Argument::f64(1), Argument::f64(2)}), ErrorKind::Type, "freed");
    CHECK_EQ(engine.stats().liveKernels, 1u);
  }
  CHECK_EQ(engine.stats().liveKernels, 0u);
  CHECK_EQ(engine.stats().bytesMapped, 0u);
}

TEST("a kernel keeps its memory alive after the engine is gone") {
  Kernel k;
  {
    Engine engine;
    k = engine.compile(addTrace());
  }
  CHECK_EQ(k.call({Argument::f64(2), Argument::f64(3)}).f64, 5.0);
}

TEST("the executable-bytes cap stops compilation with a Range error") {
  Engine engine(EngineConfig{16384});
  std::vector<Kernel> kernels;
  bool capped = false;
  try {
    for (int i = 0; i < 1000; ++i) kernels.push_back(engine.compile(sumTrace()));
  } catch (const Error& e) {
    capped = e.kind() == ErrorKind::Range;
  }
  CHECK(capped);
  CHECK(engine.stats().bytesMapped <= 16384u);
}

TEST("i32 and u32 returns come back as their values") {
  Engine engine;
  TraceBuilder b;
  const uint32_t a = b.slot(SlotType::I32), r = b.slot(SlotType::U32);
  b.param(a);
  b.returns(r);
  b.op("I32_TO_U32", {r, a});
  b.op("RETURN");
  Kernel k = engine.compile(b.build());
  const Value v = k.call({Argument::i32(-1)});
  CHECK_EQ(v.u32, 0xffffffffu);
  CHECK_EQ(v.f64, 4294967295.0);
}

// L: JUMP L
Trace spinTrace() {
  TraceBuilder b;
  const uint32_t loop = b.label();
  b.op("LABEL", {loop});
  b.op("JUMP", {loop});
  return b.build();
}

TEST("Engine::interrupt from another thread stops a kernel that loops forever") {
  Engine engine;
  Kernel k = engine.compile(spinTrace());
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    engine.interrupt();
  });
  CHECK_THROWS(k.call({}), ErrorKind::Interrupted, "interrupted");
  stopper.join();
  engine.clearInterrupt();
  CHECK_EQ(engine.compile(addTrace()).call({Argument::f64(1), Argument::f64(2)}).f64, 3.0);
}

TEST("a kernel compiled with a timeout stops with a Timeout error") {
  Engine engine;
  CompileOptions options;
  options.timeoutNanoseconds = 10'000'000;
  CHECK_THROWS(engine.compile(spinTrace(), options).call({}), ErrorKind::Timeout, "timeout of 10.000 ms");
}

TEST("the interrupt check's reason names why a call stopped") {
  Engine engine;
  engine.setInterruptCheck([](void*) -> const char* { return "the host is shutting down"; }, nullptr);
  CHECK_THROWS(engine.compile(spinTrace()).call({}), ErrorKind::Interrupted, "the host is shutting down");
}

// Returns x, or declines when x < 0 (a guard at entry); a yielded call declines as well.
Trace guardedTrace(bool loopFirst) {
  TraceBuilder b;
  const uint32_t x = b.slot(SlotType::I32), zero = b.slot(SlotType::I32), i = b.slot(SlotType::I32), one = b.slot(SlotType::I32);
  b.param(x);
  b.returns(x);
  const uint32_t no = b.label(), loop = b.label(), check = b.label();
  b.op("CONST_I32", {one, 1});
  if (loopFirst) {  // a million iterations first: the call yields to the runtime at least once
    b.op("CONST_I32", {i, 1000000});
    b.op("LABEL", {loop});
    b.op("SUB_I32", {i, i, one});
    b.op("BR_GT_I32", {i, zero, loop});
  }
  b.op("BR_LT_I32", {x, zero, no});
  b.op("JUMP", {check});
  b.op("LABEL", {no});
  b.op("DECLINE");
  b.op("LABEL", {check});
  b.op("RETURN");
  return b.build();
}

TEST("DECLINE fails the call with a Declined error; callUnlessDeclined returns false instead") {
  Engine engine;
  for (bool loopFirst : {false, true}) {
    Kernel k = engine.compile(guardedTrace(loopFirst));
    CHECK_EQ(k.call({Argument::i32(7)}).i32, 7);
    CHECK_THROWS(k.call({Argument::i32(-1)}), ErrorKind::Declined, "declined these arguments");
    const Argument declined = Argument::i32(-5), taken = Argument::i32(5);
    Value v;
    v.f64 = 42;
    CHECK(!k.callUnlessDeclined(&declined, 1, &v));
    CHECK_EQ(v.f64, 42.0);
    CHECK(k.callUnlessDeclined(&taken, 1, &v));
    CHECK_EQ(v.f64, 5.0);
  }
}

// MOD_I32_K's reciprocal is not in the trace (the validator derives it from k): a trace carries
// the op's three operands and the remainders are exact for every divisor, 0 and INT_MIN included.
TEST("MOD_I32_K computes (a % k) | 0 from a trace that carries only k") {
  Engine engine;
  CHECK_EQ(uopTable().at(uopByName("MOD_I32_K")).operandCount, 3u);
  const int32_t divisors[] = {65521, 7, -7, 1, -1, 0, 2, 1 << 30, INT32_MIN, INT32_MAX};
  const int32_t dividends[] = {0, 1, -1, 65520, 65521, 65522, -65521, 123456789, INT32_MAX, INT32_MIN, INT32_MIN + 1};
  for (const int32_t k : divisors) {
    TraceBuilder b;
    const uint32_t a = b.slot(SlotType::I32), r = b.slot(SlotType::I32);
    b.param(a);
    b.returns(r);
    b.op("MOD_I32_K", {r, a, static_cast<uint32_t>(k)});
    b.op("RETURN");
    Kernel kernel = engine.compile(b.build());
    for (const int32_t x : dividends) {
      const int64_t expected = k == 0 ? 0 : static_cast<int64_t>(x) % static_cast<int64_t>(k);
      CHECK_EQ(kernel.call({Argument::i32(x)}).i32, static_cast<int32_t>(expected));
    }
  }
}

TEST("uopByName rejects unknown names") {
  CHECK_THROWS(uopByName("NOPE"), ErrorKind::Trace, "unknown micro-op 'NOPE'");
}

TEST_MAIN()
