// One Engine per Node environment (main thread or worker), kept as the environment's instance
// data, and what ties that engine to the environment:
//  - a compile that the cap or the mapping budget would refuse first frees the kernels whose JS
//    objects the collector has already collected (their finalizers run only on a later turn of the
//    event loop);
//  - a long-running kernel stops at a loop head when the environment is shutting down (a worker
//    being terminated, the process exiting).
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "jitctl/jitctl.h"
#include "node/kernel_object.h"

namespace jitctl {
namespace binding {

struct AddonData {
  explicit AddonData(Napi::Env env) : env(env) {}
  ~AddonData() {
    engine.setInterruptCheck(nullptr, nullptr);
    engine.setReclaimer(nullptr, nullptr);
  }
  Napi::Env env;
  Engine engine;
  Napi::FunctionReference kernelConstructor;
  // What kernel.invoke returns for a call its trace declined (exported as DECLINED).
  Napi::ObjectReference declined;
  std::shared_ptr<KernelRegistry> registry = makeKernelRegistry();
  // The number lane (kernel.invokeLane): a number argument of parameter i in element i, the result
  // in element 0. Shared with the ArrayBuffer takeNumberLane() hands out, so that neither this
  // environment's teardown nor the buffer's collection (or a detach) frees memory the other still
  // reaches.
  std::shared_ptr<std::vector<double>> numberLane = std::make_shared<std::vector<double>>(kMaxParams, 0.0);
  bool numberLaneTaken = false;
};

// Makes the environment's engine, with its interrupt check, its reclaimer and its cleanup hook.
// The caller sets kernelConstructor.
AddonData& attachEngine(Napi::Env env);

inline AddonData& addonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace binding
}  // namespace jitctl
