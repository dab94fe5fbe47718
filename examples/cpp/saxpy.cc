// y[i] = a * x[i] + y[i], compiled at run time by jitctl's copy-and-patch engine from C++.
#include <cstdio>
#include <vector>

#include "jitctl/jitctl.h"

int main() {
  using namespace jitctl;
  TraceBuilder b;
  const uint32_t a = b.slot(SlotType::F64);
  const uint32_t xs = b.view(ViewKind::Float64), ys = b.view(ViewKind::Float64);
  const uint32_t i = b.slot(SlotType::I32), n = b.slot(SlotType::I32), one = b.slot(SlotType::I32);
  const uint32_t x = b.slot(SlotType::F64), y = b.slot(SlotType::F64);
  const uint32_t loop = b.label(), done = b.label();
  b.param(a);
  b.viewParam(xs);
  b.viewParam(ys);
  b.op("LENGTH", {n, xs}).op("CONST_I32", {one, 1});
  b.op("LABEL", {loop}).op("BR_GE_I32", {i, n, done});
  b.op("LOAD_FLOAT64", {x, xs, i, done}).op("LOAD_FLOAT64", {y, ys, i, done});
  b.op("MUL_F64", {x, a, x}).op("ADD_F64", {y, x, y}).op("STORE_FLOAT64", {ys, i, y});
  b.op("ADD_I32", {i, i, one}).op("JUMP", {loop});
  b.op("LABEL", {done}).op("RETURN");

  try {
    Engine engine;
    Kernel saxpy = engine.compile(b.build());
    std::vector<double> xv{1, 2, 3, 4}, yv{10, 20, 30, 40};
    saxpy.call({Argument::f64(0.5), Argument::view(ViewKind::Float64, xv.data(), xv.size()),
                Argument::view(ViewKind::Float64, yv.data(), yv.size())});
    std::printf("y = [%g, %g, %g, %g]\n", yv[0], yv[1], yv[2], yv[3]);
    const KernelInfo info = saxpy.inspect();
    std::printf("%u bytes of code from %zu stencils\n", info.codeSize, info.stencils.size());
    const EngineStats stats = engine.stats();
    std::printf("%llu kernel(s) live, %llu of %llu mapped bytes used\n", static_cast<unsigned long long>(stats.liveKernels),
                static_cast<unsigned long long>(stats.bytesUsed), static_cast<unsigned long long>(stats.bytesMapped));
    return yv[3] == 42 ? 0 : 1;
  } catch (const Error& e) {
    std::fprintf(stderr, "jitctl: %s\n", e.what());
    return 1;
  }
}
