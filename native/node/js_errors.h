// C++ exceptions to JS errors, for every entry point of the binding. Every exported function and
// method runs inside `guarded`, so every C++ exception becomes a JS error that says what failed:
// jitctl::Error kinds map to TypeError, RangeError and Errors with a code; out of memory and
// anything else are named too.
#pragma once

#include <napi.h>

#include <exception>
#include <new>
#include <string>

#include "jitctl/jitctl.h"

namespace jitctl {
namespace binding {

template <typename E>
E withCode(E error, const char* code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  return error;
}

// Throws the JS error for a jitctl::Error: its kind picks the constructor and the code.
[[noreturn]] inline void throwJs(Napi::Env env, const Error& e) {
  switch (e.kind()) {
    case ErrorKind::Type: throw Napi::TypeError::New(env, e.what());
    case ErrorKind::Range: throw Napi::RangeError::New(env, e.what());
    case ErrorKind::Trace: throw withCode(Napi::Error::New(env, e.what()), "ERR_JITCTL_INVALID_TRACE");
    case ErrorKind::System: throw withCode(Napi::Error::New(env, e.what()), "ERR_JITCTL_SYSTEM");
    case ErrorKind::Interrupted: throw withCode(Napi::Error::New(env, e.what()), "ERR_JITCTL_INTERRUPTED");
    case ErrorKind::Timeout: throw withCode(Napi::Error::New(env, e.what()), "ERR_JITCTL_TIMEOUT");
    case ErrorKind::Declined: throw withCode(Napi::RangeError::New(env, e.what()), "ERR_JITCTL_DECLINED");
  }
  throw Napi::Error::New(env, e.what());
}

// Runs `body`; every C++ exception but a Napi::Error (which node-addon-api throws to JS as it is)
// becomes the Napi::Error that says what failed. A template, so that `body` is inlined: GCC then
// still inlines kernel.call's whole body, argument checks included, into its thunk.
template <typename Body>
auto translated(Napi::Env env, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const Error& e) {
    throwJs(env, e);
  } catch (const std::bad_alloc&) {
    throw withCode(Napi::RangeError::New(env, "jitctl's native engine ran out of memory (std::bad_alloc)"),
                   "ERR_JITCTL_OUT_OF_MEMORY");
  } catch (const std::exception& e) {
    throw withCode(Napi::Error::New(env, std::string("jitctl's native engine failed: ") + e.what()), "ERR_JITCTL_INTERNAL");
  }
}

// Every exported function and method runs inside this: no C++ exception reaches node-addon-api's
// generic handler, which would turn std::bad_alloc into an Error reading only "std::bad_alloc".
template <Napi::Value (*Function)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  return translated(info.Env(), [&] { return Function(info); });
}

// The same for a raw Node-API callback (no CallbackInfo to build: kernel.invoke, the hot path):
// `body` returns the result; an exception becomes a pending JS exception and the result undefined.
template <typename Body>
napi_value guardedRaw(napi_env rawEnv, Body&& body) {
  Napi::Env env(rawEnv);
  try {
    return translated(env, body);
  } catch (const Napi::Error& e) {
    e.ThrowAsJavaScriptException();
  }
  return nullptr;
}

}  // namespace binding
}  // namespace jitctl
