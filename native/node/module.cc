// The addon's exports and its init: compile(), stats(), config(), configure(), uops(),
// compileWithNativesSyntax() and the constants (arch, supported, sourceDigest, limits), each
// function checking its arguments and options and run by `guarded` (js_errors.h). Init gives the
// environment its engine (environment.h) and the Kernel class (kernel_object.h).
#include <napi.h>

#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include "jitctl/jitctl.h"
#include "node/environment.h"
#include "node/js_errors.h"
#include "node/kernel_object.h"
#include "node/natives_syntax.h"

#ifndef JITCTL_SOURCE_DIGEST
#define JITCTL_SOURCE_DIGEST "unknown"
#endif

namespace jitctl {
namespace binding {
namespace {

// An options object's own property, or undefined. Inherited properties are never options: a key
// on Object.prototype must not configure the engine.
Napi::Value ownOption(const Napi::Object& options, const char* key) {
  return options.HasOwnProperty(key) ? options.Get(key) : options.Env().Undefined();
}

// Refuses keys this function does not know, naming the first one: a misspelt option is a
// mistake the caller wants to hear about, not a silent default.
void checkOptionKeys(const Napi::Object& options, const char* function, std::initializer_list<const char*> known) {
  Napi::Env env = options.Env();
  const Napi::Array keys = options.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    const std::string key = keys.Get(i).ToString().Utf8Value();
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw Napi::TypeError::New(env, std::string(function) + ": unknown option '" + key + "' (known: " + list + ")");
    }
  }
}

// A plain object ({} or Object.create(null)), not an array, a function or a class instance.
bool isPlainObject(const Napi::Value& value) {
  if (!value.IsObject() || value.IsArray() || value.IsFunction()) return false;
  napi_value proto;
  if (napi_get_prototype(value.Env(), value, &proto) != napi_ok) return false;
  Napi::Value prototype(value.Env(), proto);
  if (prototype.IsNull()) return true;
  Napi::Object objectPrototype =
      value.Env().Global().Get("Object").As<Napi::Object>().Get("prototype").As<Napi::Object>();
  return prototype.StrictEquals(objectPrototype);
}

Napi::Value Compile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || info.Length() > 2) throw Napi::TypeError::New(env, "compile(trace, options?) takes one or two arguments");
  CompileOptions options;
  if (info.Length() == 2 && !info[1].IsUndefined()) {
    if (!isPlainObject(info[1])) throw Napi::TypeError::New(env, "compile(trace, options): options must be a plain object");
    Napi::Object o = info[1].As<Napi::Object>();
    checkOptionKeys(o, "compile", {"timeout"});
    Napi::Value timeout = ownOption(o, "timeout");
    if (!timeout.IsUndefined()) {
      if (!timeout.IsNumber()) throw Napi::TypeError::New(env, "compile: timeout must be a number of milliseconds");
      const double ms = timeout.As<Napi::Number>().DoubleValue();
      if (!(ms > 0 && ms <= 9007199254.0))
        throw Napi::RangeError::New(env, "compile: timeout must be a positive number of milliseconds (up to 2^53 ns)");
      options.timeoutNanoseconds = static_cast<uint64_t>(std::ceil(ms * 1e6));
    }
  }
  Trace trace;
  const Napi::Value arg = info[0];
  if (arg.IsTypedArray() && arg.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
    Napi::Int32Array words = arg.As<Napi::Int32Array>();
    trace = Trace::fromWords(words.Data(), words.ElementLength());
  } else if (arg.IsArrayBuffer()) {
    Napi::ArrayBuffer buffer = arg.As<Napi::ArrayBuffer>();
    trace = Trace::fromBytes(buffer.Data(), buffer.ByteLength());
  } else {
    throw Napi::TypeError::New(env, "trace must be an Int32Array or an ArrayBuffer");
  }
  Kernel kernel = addonData(env).engine.compile(trace, options);
  return addonData(env).kernelConstructor.New({Napi::External<Kernel>::New(env, &kernel)});
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const EngineStats s = addonData(env).engine.stats();
  Napi::Object out = Napi::Object::New(env);
  out.Set("bytesMapped", static_cast<double>(s.bytesMapped));
  out.Set("bytesUsed", static_cast<double>(s.bytesUsed));
  out.Set("bytesPadding", static_cast<double>(s.bytesPadding));
  out.Set("liveKernels", static_cast<double>(s.liveKernels));
  out.Set("kernelsCompiled", static_cast<double>(s.kernelsCompiled));
  out.Set("kernelsFreed", static_cast<double>(s.kernelsFreed));
  out.Set("uopsCompiled", static_cast<double>(s.uopsCompiled));
  out.Set("maxExecutableBytes", static_cast<double>(s.maxExecutableBytes));
  out.Set("pageSize", static_cast<double>(s.pageSize));
  out.Set("mappings", static_cast<double>(s.mappings));
  out.Set("processMappings", static_cast<double>(s.processMappings));
  out.Set("mappingBudget", static_cast<double>(s.mappingBudget));
  return out;
}

Napi::Value Config(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("maxExecutableBytes", static_cast<double>(addonData(env).engine.config().maxExecutableBytes));
  return out;
}

Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !isPlainObject(info[0]))
    throw Napi::TypeError::New(env, "configureEngine(options) takes a plain object");
  Napi::Object options = info[0].As<Napi::Object>();
  checkOptionKeys(options, "configureEngine", {"maxExecutableBytes"});
  EngineConfig config = addonData(env).engine.config();
  Napi::Value v = ownOption(options, "maxExecutableBytes");
  if (!v.IsUndefined()) {
    if (!v.IsNumber()) throw Napi::TypeError::New(env, "configureEngine: maxExecutableBytes must be a number");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 1 && d <= 9007199254740991.0) || d != std::trunc(d))
      throw Napi::RangeError::New(env, "configureEngine: maxExecutableBytes must be a positive integer");
    config.maxExecutableBytes = static_cast<uint64_t>(d);
  }
  addonData(env).engine.configure(config);
  return Config(info);
}

Napi::Value Uops(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<UopDescription> table = uopTable();
  Napi::Array out = Napi::Array::New(env, table.size());
  for (size_t i = 0; i < table.size(); ++i) {
    const UopDescription& d = table[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("opcode", d.opcode);
    o.Set("name", d.name);
    Napi::Array operands = Napi::Array::New(env, d.operandCount);
    for (uint32_t n = 0; n < d.operandCount; ++n) operands[n] = Napi::String::New(env, d.operandKinds[n]);
    o.Set("operands", operands);
    o.Set("viewKind", d.viewKind);
    o.Set("pseudo", d.pseudo);
    out[i] = o;
  }
  return out;
}

// The number lane as an ArrayBuffer over its memory, once per environment (null on every later
// call, or where Node-API refuses external buffers): the native tier takes it when it loads the
// addon, so no other code holds it. The buffer keeps the memory alive through its own reference.
Napi::Value TakeNumberLane(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData& addon = addonData(env);
  if (addon.numberLaneTaken) return env.Null();
  auto* owner = new std::shared_ptr<std::vector<double>>(addon.numberLane);
  napi_value buffer;
  const napi_status status = napi_create_external_arraybuffer(
      env, addon.numberLane->data(), addon.numberLane->size() * sizeof(double),
      [](napi_env, void*, void* hint) { delete static_cast<std::shared_ptr<std::vector<double>>*>(hint); }, owner, &buffer);
  if (status != napi_ok) {
    delete owner;
    // napi_no_external_buffers_allowed (a V8 sandbox): the tier calls kernel.invoke instead.
    if (status == napi_pending_exception) napi_get_and_clear_last_exception(env, &buffer);
    return env.Null();
  }
  addon.numberLaneTaken = true;
  return Napi::Value(env, buffer);
}

// An empty Node-API function, as cheap as a function of this addon can be: the floor of a call
// into the addon, which bench/call-path.ts measures kernel calls against.
napi_value EmptyCall(napi_env, napi_callback_info) { return nullptr; }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  AddonData& addon = attachEngine(env);
  addon.kernelConstructor = Napi::Persistent(defineKernelClass(env));
  Napi::Object declined = Napi::Object::New(env);
  declined.Set("jitctl", Napi::String::New(env, "the kernel declined these arguments"));
  declined.Freeze();
  addon.declined = Napi::Persistent(declined);
  exports.Set("DECLINED", declined);
  exports.Set("compile", Napi::Function::New<guarded<Compile>>(env, "compile"));
  exports.Set("stats", Napi::Function::New<guarded<Stats>>(env, "stats"));
  exports.Set("config", Napi::Function::New<guarded<Config>>(env, "config"));
  exports.Set("configure", Napi::Function::New<guarded<Configure>>(env, "configure"));
  exports.Set("uops", Napi::Function::New<guarded<Uops>>(env, "uops"));
  exports.Set("compileWithNativesSyntax",
              Napi::Function::New<guarded<natives_syntax::CompileWithNativesSyntax>>(env, "compileWithNativesSyntax"));
  exports.Set("takeNumberLane", Napi::Function::New<guarded<TakeNumberLane>>(env, "takeNumberLane"));
  exports.Set("emptyCall", [&] {
    napi_value fn;
    NAPI_THROW_IF_FAILED(env, napi_create_function(env, "emptyCall", NAPI_AUTO_LENGTH, EmptyCall, nullptr, &fn), Napi::Value());
    return Napi::Value(env, fn);
  }());
  exports.Set("arch", Napi::String::New(env, Engine::architecture()));
  exports.Set("supported", Napi::Boolean::New(env, Engine::supported()));
  exports.Set("sourceDigest", Napi::String::New(env, JITCTL_SOURCE_DIGEST));
  exports.Set("limits", [&] {
    Napi::Object o = Napi::Object::New(env);
    o.Set("maxSlots", kMaxSlots);
    o.Set("maxFrameBytes", kMaxFrameBytes);
    o.Set("maxViews", kMaxViews);
    o.Set("maxParams", kMaxParams);
    o.Set("maxLabels", kMaxLabels);
    o.Set("maxOps", kMaxOps);
    o.Set("maxOpWords", kMaxOpWords);
    o.Set("maxViewLength", static_cast<double>(kMaxViewLength));
    o.Set("maxKernelBytes", static_cast<double>(kMaxKernelBytes));
    return o;
  }());
  return exports;
}

}  // namespace
}  // namespace binding
}  // namespace jitctl

static Napi::Object InitJitctl(Napi::Env env, Napi::Object exports) { return jitctl::binding::Init(env, exports); }

NODE_API_MODULE(jitctl, InitJitctl)
