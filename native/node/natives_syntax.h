// Compiling jitctl's V8 intrinsic wrappers: the one moment natives syntax is on because of jitctl.
//
// V8 accepts `%Intrinsic(...)` only in code compiled while its --allow-natives-syntax flag is on,
// and V8's flags are process-wide. jitctl switches the flag on, compiles one small wrapper per
// intrinsic, and switches it off. Done from JavaScript, that window can be broken two ways:
//  - a worker terminated inside it (worker.terminate() stops JavaScript at its next interrupt
//    check, and no `finally` runs) leaves the flag on for the whole process, so that any code
//    compiled afterwards may call intrinsics;
//  - two threads importing jitctl at once see each other's "on" as the user's, and one switches it
//    off while the other is still compiling, which then finds intrinsics missing.
// Here the whole window is one C++ call, which nothing can interrupt, under a process-wide mutex.
// The flag is set through V8's own exported SetFlagsFromString (the same function node:v8 calls),
// looked up at run time so that the addon still loads on runtimes whose engine is not V8.
//
// Included by the Node binding only (module.cc): the core engine knows nothing of V8.
#pragma once

#include <dlfcn.h>
#include <napi.h>

#include <memory>
#include <mutex>

namespace jitctl {
namespace natives_syntax {

using SetFlagsFromString = void (*)(const char*);

// v8::V8::SetFlagsFromString(const char*), exported by the node binary on every supported version.
inline SetFlagsFromString v8SetFlags() {
  static const SetFlagsFromString fn =
      reinterpret_cast<SetFlagsFromString>(dlsym(RTLD_DEFAULT, "_ZN2v82V818SetFlagsFromStringEPKc"));
  return fn;
}

inline std::mutex& windowLock() {
  static std::mutex lock;
  return lock;
}

// Switches the flag off when the window closes, however it closes (a C++ exception included).
class Window {
 public:
  explicit Window(SetFlagsFromString set) : set_(set) { set_("--allow-natives-syntax"); }
  ~Window() { set_("--no-allow-natives-syntax"); }
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

 private:
  SetFlagsFromString set_;
};

// Runs `source` as a script; the completion value, or null when it did not compile or threw
// (the exception is cleared: a source that needs a missing intrinsic is a SyntaxError).
inline napi_value runOrNull(napi_env env, napi_value source) {
  napi_value result = nullptr;
  if (napi_run_script(env, source, &result) == napi_ok) return result;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  return nullptr;
}

// compileWithNativesSyntax(probe, sources) -> { alreadyOn, compiled: Array<value | null> }
// `probe` is a script that compiles only with natives syntax on: if it compiles before jitctl
// switches anything, the flag was on already (the user's), and it is left as it is. Each source is
// a script whose completion value is kept (a wrapper function), or null where it does not compile.
inline Napi::Value CompileWithNativesSyntax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2 || !info[0].IsString() || !info[1].IsArray()) {
    throw Napi::TypeError::New(env, "compileWithNativesSyntax(probe: string, sources: string[])");
  }
  Napi::Array sources = info[1].As<Napi::Array>();
  const uint32_t count = sources.Length();
  for (uint32_t i = 0; i < count; i++) {
    if (!sources.Get(i).IsString()) throw Napi::TypeError::New(env, "compileWithNativesSyntax: every source must be a string");
  }
  const SetFlagsFromString set = v8SetFlags();
  if (set == nullptr) throw Napi::Error::New(env, "V8's SetFlagsFromString is not exported by this runtime");

  Napi::Array compiled = Napi::Array::New(env, count);
  bool alreadyOn;
  {
    std::lock_guard<std::mutex> serialized(windowLock());
    alreadyOn = runOrNull(env, info[0]) != nullptr;
    std::unique_ptr<Window> window;
    if (!alreadyOn) window = std::make_unique<Window>(set);
    for (uint32_t i = 0; i < count; i++) {
      napi_value value = runOrNull(env, sources.Get(i));
      napi_set_element(env, compiled, i, value != nullptr ? value : env.Null());
    }
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("alreadyOn", Napi::Boolean::New(env, alreadyOn));
  result.Set("compiled", compiled);
  return result;
}

}  // namespace natives_syntax
}  // namespace jitctl
