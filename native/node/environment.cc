#include "node/environment.h"

#include <cstdint>

namespace jitctl {
namespace binding {
namespace {

// Whether the environment is shutting down, asked at a running kernel's loop heads: Node marks a
// worker that is being terminated (and every worker when the process exits) as stopping from
// another thread, and from then on every Node-API call that could run JavaScript fails. Node-API
// has no direct query, so the check is such a call on a plain object of our own (no side effects).
const char* environmentStopping(void* context) {
  napi_env env = static_cast<AddonData*>(context)->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return "its Node environment is shutting down";
  napi_value object = nullptr, key = nullptr;
  bool has = false;
  napi_status status = napi_create_object(env, &object);
  if (status == napi_ok) status = napi_create_string_latin1(env, "jitctl", 6, &key);
  if (status == napi_ok) status = napi_has_own_property(env, object, key, &has);
  napi_close_handle_scope(env, scope);
  if (status == napi_pending_exception || status == napi_cannot_run_js)
    return "its Node environment is shutting down (worker.terminate(), or the process is exiting)";
  return nullptr;
}

// Frees every kernel whose JS object is gone (see releaseCollectedKernels).
uint64_t sweepCollected(AddonData& addon) { return releaseCollectedKernels(*addon.registry, addon.env); }

// Node-API cannot ask for a garbage collection; reporting a burst of external memory is how an addon
// makes V8 collect now (V8 runs a full collection when external memory jumps past its limit).
// The burst is taken back at once.
constexpr int64_t kCollectionRequestBytes = int64_t{1} << 40;

uint64_t reclaimCollected(void* context) {
  AddonData& addon = *static_cast<AddonData*>(context);
  if (const uint64_t freed = sweepCollected(addon)) return freed;
  int64_t ignored;
  napi_adjust_external_memory(addon.env, kCollectionRequestBytes, &ignored);
  napi_adjust_external_memory(addon.env, -kCollectionRequestBytes, &ignored);
  return sweepCollected(addon);
}

}  // namespace

AddonData& attachEngine(Napi::Env env) {
  auto* addon = new AddonData(env);
  env.SetInstanceData<AddonData>(addon);
  addon->engine.setInterruptCheck(&environmentStopping, addon);
  addon->engine.setReclaimer(&reclaimCollected, addon);
  // Nothing can call a kernel once the environment is torn down; should another addon's cleanup
  // try, it fails at the first loop head instead of keeping the thread alive.
  napi_add_env_cleanup_hook(env, [](void* engine) { static_cast<Engine*>(engine)->interrupt(); }, &addon->engine);
  return *addon;
}

}  // namespace binding
}  // namespace jitctl
