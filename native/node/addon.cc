// The Node-API binding: one Engine per Node environment (main thread or worker), kernels as JS
// objects that check their arguments on every call. Every entry point is wrapped by `guarded`, so
// every C++ exception becomes a JS error that says what failed: jitctl::Error kinds map to
// TypeError, RangeError and Errors with a code; out of memory and anything else are named too.
//
// Resources of the environment: each kernel reports its executable bytes to V8
// (napi_adjust_external_memory) so that the garbage collector sees their weight, and a compile that
// the cap or the mapping budget would refuse first frees the kernels whose JS objects the
// collector has already collected (their finalizers run only on a later turn of the event loop).
// A long-running kernel stops at a loop head when the environment is shutting down (a worker being
// terminated, the process exiting).
#include <napi.h>

#include <cmath>
#include <memory>
#include <new>
#include <unordered_set>

#include "jitctl/jitctl.h"
#include "node/natives_syntax.h"

#ifndef JITCTL_SOURCE_DIGEST
#define JITCTL_SOURCE_DIGEST "unknown"
#endif

namespace jitctl {
namespace {

template <typename E>
E withCode(E error, const char* code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  return error;
}

[[noreturn]] void throwJs(Napi::Env env, const Error& e) {
  switch (e.kind()) {
    case ErrorKind::Type: throw Napi::TypeError::New(env, e.what());
    case ErrorKind::Range: throw Napi::RangeError::New(env, e.what());
    case ErrorKind::Trace: throw withCode(Napi::Error::New(env, e.what()), "ERR_JITCTL_INVALID_TRACE");
    case ErrorKind::System: throw withCode(Napi::Error::New(env, e.what()), "ERR_JITCTL_SYSTEM");
    case ErrorKind::Interrupted: throw withCode(Napi::Error::New(env, e.what()), "ERR_JITCTL_INTERRUPTED");
    case ErrorKind::Timeout: throw withCode(Napi::Error::New(env, e.what()), "ERR_JITCTL_TIMEOUT");
  }
  throw Napi::Error::New(env, e.what());
}

// Every exported function and method runs inside this: no C++ exception reaches node-addon-api's
// generic handler, which would turn std::bad_alloc into an Error reading only "std::bad_alloc".
template <Napi::Value (*Function)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    return Function(info);
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

bool typedArrayKind(napi_typedarray_type type, ViewKind* kind) {
  switch (type) {
    case napi_int8_array: *kind = ViewKind::Int8; return true;
    case napi_uint8_array: *kind = ViewKind::Uint8; return true;
    case napi_uint8_clamped_array: *kind = ViewKind::Uint8Clamped; return true;
    case napi_int16_array: *kind = ViewKind::Int16; return true;
    case napi_uint16_array: *kind = ViewKind::Uint16; return true;
    case napi_int32_array: *kind = ViewKind::Int32; return true;
    case napi_uint32_array: *kind = ViewKind::Uint32; return true;
    case napi_float32_array: *kind = ViewKind::Float32; return true;
    case napi_float64_array: *kind = ViewKind::Float64; return true;
    default: return false;
  }
}

Napi::Value returnTypeValue(Napi::Env env, ReturnType t) {
  static const char* const names[] = {"void", "f64", "i32", "u32"};
  return Napi::String::New(env, names[static_cast<int>(t)]);
}

class KernelWrap;

// The kernel objects of one environment, for reclaiming collected ones synchronously. Shared by
// the environment's instance data and every kernel, since Node finalizes them in no fixed order.
struct KernelRegistry {
  std::unordered_set<KernelWrap*> kernels;
};

struct AddonData {
  explicit AddonData(Napi::Env env) : env(env) {}
  ~AddonData() {
    engine.setInterruptCheck(nullptr, nullptr);
    engine.setReclaimer(nullptr, nullptr);
  }
  Napi::Env env;
  Engine engine;
  Napi::FunctionReference kernelConstructor;
  std::shared_ptr<KernelRegistry> registry = std::make_shared<KernelRegistry>();
};

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

uint64_t reclaimCollected(void* context);

class KernelWrap : public Napi::ObjectWrap<KernelWrap> {
 public:
  // Methods and getters are plain functions on the prototype that check the receiver themselves:
  // ObjectWrap's own wrappers report a receiver that is not a kernel as a plain Error "Invalid
  // argument". (Like ObjectWrap, the check is napi_unwrap: an object wrapped by another addon is not
  // told apart. A type tag would, but napi_check_object_type_tag costs ~65 ns, more than half of a
  // whole call.)
  static Napi::Function Define(Napi::Env env) {
    Napi::Function ctor = DefineClass(env, "Kernel", {});
    ctor.Get("prototype").As<Napi::Object>().DefineProperties({
        Napi::PropertyDescriptor::Value("call", Napi::Function::New<&Thunk<&KernelWrap::Call>>(env, "call")),
        Napi::PropertyDescriptor::Value("inspect", Napi::Function::New<&Thunk<&KernelWrap::Inspect>>(env, "inspect")),
        Napi::PropertyDescriptor::Value("free", Napi::Function::New<&Thunk<&KernelWrap::Free>>(env, "free")),
        Napi::PropertyDescriptor::Accessor<&Thunk<&KernelWrap::Freed>>("freed"),
        Napi::PropertyDescriptor::Accessor<&Thunk<&KernelWrap::CodeSize>>("codeSize"),
        Napi::PropertyDescriptor::Accessor<&Thunk<&KernelWrap::Params>>("params"),
        Napi::PropertyDescriptor::Accessor<&Thunk<&KernelWrap::ReturnTypeGetter>>("returnType"),
    });
    return ctor;
  }

  explicit KernelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<KernelWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal())
      throw Napi::TypeError::New(info.Env(), "Kernel objects are made by compile(), not by new");
    auto* kernel = info[0].As<Napi::External<Kernel>>().Data();
    kernel_ = std::move(*kernel);
    env_ = info.Env();
    registry_ = env_.GetInstanceData<AddonData>()->registry;
    try {
      registry_->kernels.insert(this);
    } catch (const std::bad_alloc&) {  // the kernel is freed with this object; say why it failed
      throw withCode(Napi::RangeError::New(env_, "jitctl's native engine ran out of memory (std::bad_alloc)"),
                     "ERR_JITCTL_OUT_OF_MEMORY");
    }
    external_ = kernel_.memoryBytes();
    int64_t ignored;
    napi_adjust_external_memory(env_, static_cast<int64_t>(external_), &ignored);
  }

  ~KernelWrap() override {
    registry_->kernels.erase(this);
    release();
  }

  // Frees the machine code now (free(), reclaiming, or the finalizer) and tells V8.
  void release() {
    kernel_.free();
    if (external_) {
      int64_t ignored;
      napi_adjust_external_memory(env_, -static_cast<int64_t>(external_), &ignored);
      external_ = 0;
    }
  }

  // The JS object has been collected (its weak reference is empty) but the finalizer has not run.
  bool collected() { return !kernel_.freed() && Value().IsEmpty(); }

 private:
  template <Napi::Value (KernelWrap::*Method)(const Napi::CallbackInfo&)>
  static Napi::Value Thunk(const Napi::CallbackInfo& info) {
    return guarded<&Unwrapped<Method>>(info);
  }

  template <Napi::Value (KernelWrap::*Method)(const Napi::CallbackInfo&)>
  static Napi::Value Unwrapped(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    void* self = nullptr;
    if (napi_unwrap(env, info.This(), &self) != napi_ok || !self)
      throw Napi::TypeError::New(env, "not a kernel: Kernel methods and getters need an object made by compile()");
    return (static_cast<KernelWrap*>(self)->*Method)(info);
  }

  Napi::Value Call(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    // The same error kind as inspect() and the C++ API (Kernel::call on a freed kernel): TypeError.
    if (kernel_.freed()) throw Napi::TypeError::New(env, "the kernel has been freed");
    const std::vector<ParamDescription>& params = kernel_.params();
    if (info.Length() != params.size())
      throw Napi::TypeError::New(env, "the kernel takes " + std::to_string(params.size()) + " arguments but was called with " +
                                          std::to_string(info.Length()));
    Argument stackArgs[8];
    std::vector<Argument> heapArgs;
    Argument* args = stackArgs;
    if (params.size() > 8) {
      heapArgs.resize(params.size(), Argument::f64(0));
      args = heapArgs.data();
    }
    for (size_t i = 0; i < params.size(); ++i) args[i] = convert(env, info[i], params[i], i);
    try {
      const jitctl::Value v = kernel_.call(args, params.size());
      if (v.type == ReturnType::Void) return env.Undefined();
      return Napi::Number::New(env, v.f64);
    } catch (const Error& e) {
      throwJs(env, e);
    }
  }

  // Checks one argument against its parameter. Messages are built only on the error path: this
  // runs for every argument of every call.
  static Argument convert(Napi::Env env, const Napi::Value& value, const ParamDescription& p, size_t i) {
    auto name = [i] { return "argument " + std::to_string(i); };
    if (p.isView) {
      // One napi call: the element type, the length and the data pointer (byte offset applied).
      napi_typedarray_type type;
      size_t length = 0;
      void* data = nullptr;
      ViewKind kind;
      if (!value.IsTypedArray() ||
          napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
          !typedArrayKind(type, &kind) || kind != p.viewKind)
        throw Napi::TypeError::New(env, name() + " must be a " + viewKindName(p.viewKind) + "Array");
      if (length > kMaxViewLength)
        throw Napi::RangeError::New(env, name() + " has " + std::to_string(length) + " elements; kernels accept at most 2^31-1");
      return Argument::view(kind, length ? data : nullptr, length);
    }
    if (!value.IsNumber())
      throw Napi::TypeError::New(env, name() + " must be a number (" + slotTypeName(p.slotType) + ")");
    const double d = value.As<Napi::Number>().DoubleValue();
    switch (p.slotType) {
      case SlotType::F64:
        return Argument::f64(d);
      // -0 is not an int32 or uint32 value (it would come back as +0): refused like 0.5, so the
      // caller runs the JS function instead.
      case SlotType::I32:
        if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != std::trunc(d))
          throw Napi::TypeError::New(env, name() + " must be an int32 integer");
        if (d == 0 && std::signbit(d)) throw Napi::TypeError::New(env, name() + " is -0, which is not an int32 value");
        return Argument::i32(static_cast<int32_t>(d));
      case SlotType::U32:
        if (!(d >= 0 && d <= 4294967295.0) || d != std::trunc(d))
          throw Napi::TypeError::New(env, name() + " must be a uint32 integer");
        if (std::signbit(d)) throw Napi::TypeError::New(env, name() + " is -0, which is not a uint32 value");
        return Argument::u32(static_cast<uint32_t>(d));
    }
    throw Napi::TypeError::New(env, name() + " has an unknown parameter type");
  }

  Napi::Value Inspect(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    KernelInfo k;
    try {
      k = kernel_.inspect();
    } catch (const Error& e) {
      throwJs(env, e);
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("address", Napi::BigInt::New(env, static_cast<uint64_t>(k.address)));
    out.Set("codeSize", k.codeSize);
    out.Set("dataSize", k.dataSize);
    out.Set("totalSize", k.totalSize);
    out.Set("gotEntries", k.gotEntries);
    out.Set("trampolines", k.trampolines);
    Napi::Array stencils = Napi::Array::New(env, k.stencils.size());
    for (size_t i = 0; i < k.stencils.size(); ++i) {
      const StencilPlacement& s = k.stencils[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("uop", s.uop);
      o.Set("codeOffset", s.codeOffset);
      o.Set("codeSize", s.codeSize);
      o.Set("dataOffset", s.dataOffset);
      o.Set("dataSize", s.dataSize);
      o.Set("bytes", Napi::Buffer<uint8_t>::Copy(env, k.bytes.data() + s.codeOffset, s.codeSize));
      stencils[i] = o;
    }
    out.Set("stencils", stencils);
    out.Set("bytes", Napi::Buffer<uint8_t>::Copy(env, k.bytes.data(), k.bytes.size()));
    return out;
  }

  Napi::Value Free(const Napi::CallbackInfo& info) {
    release();
    return info.Env().Undefined();
  }

  Napi::Value Freed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), kernel_.freed()); }

  Napi::Value CodeSize(const Napi::CallbackInfo& info) {
    if (kernel_.freed()) return Napi::Number::New(info.Env(), 0);
    return Napi::Number::New(info.Env(), kernel_.codeSize());
  }

  Napi::Value Params(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (kernel_.freed()) return Napi::Array::New(env);
    const auto& params = kernel_.params();
    Napi::Array out = Napi::Array::New(env, params.size());
    for (size_t i = 0; i < params.size(); ++i)
      out[i] = Napi::String::New(env, params[i].isView ? std::string(viewKindName(params[i].viewKind)) + "Array"
                                                       : slotTypeName(params[i].slotType));
    return out;
  }

  Napi::Value ReturnTypeGetter(const Napi::CallbackInfo& info) {
    if (kernel_.freed()) return info.Env().Undefined();
    return returnTypeValue(info.Env(), kernel_.returnType());
  }

  Kernel kernel_;  // freed explicitly, when reclaimed after collection, or by this destructor
  Napi::Env env_ = nullptr;
  std::shared_ptr<KernelRegistry> registry_;
  uint64_t external_ = 0;  // bytes reported to V8 as external memory
};

// Frees every kernel whose JS object is gone. Runs only when a compile would be refused, so its
// cost (one weak-reference read per live kernel) is paid only at the limit.
uint64_t sweepCollected(AddonData& addon) {
  uint64_t freed = 0;
  for (KernelWrap* wrap : addon.registry->kernels) {
    Napi::HandleScope scope(addon.env);
    if (wrap->collected()) {
      wrap->release();
      ++freed;
    }
  }
  return freed;
}

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

AddonData& data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

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
  Kernel kernel = data(env).engine.compile(trace, options);
  return data(env).kernelConstructor.New({Napi::External<Kernel>::New(env, &kernel)});
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const EngineStats s = data(env).engine.stats();
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
  out.Set("maxExecutableBytes", static_cast<double>(data(env).engine.config().maxExecutableBytes));
  return out;
}

Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !isPlainObject(info[0]))
    throw Napi::TypeError::New(env, "configureEngine(options) takes a plain object");
  Napi::Object options = info[0].As<Napi::Object>();
  checkOptionKeys(options, "configureEngine", {"maxExecutableBytes"});
  EngineConfig config = data(env).engine.config();
  Napi::Value v = ownOption(options, "maxExecutableBytes");
  if (!v.IsUndefined()) {
    if (!v.IsNumber()) throw Napi::TypeError::New(env, "configureEngine: maxExecutableBytes must be a number");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 1 && d <= 9007199254740991.0) || d != std::trunc(d))
      throw Napi::RangeError::New(env, "configureEngine: maxExecutableBytes must be a positive integer");
    config.maxExecutableBytes = static_cast<uint64_t>(d);
  }
  data(env).engine.configure(config);
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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* addon = new AddonData(env);
  env.SetInstanceData<AddonData>(addon);
  addon->engine.setInterruptCheck(&environmentStopping, addon);
  addon->engine.setReclaimer(&reclaimCollected, addon);
  // Nothing can call a kernel once the environment is torn down; should another addon's cleanup
  // try, it fails at the first loop head instead of keeping the thread alive.
  napi_add_env_cleanup_hook(env, [](void* engine) { static_cast<Engine*>(engine)->interrupt(); }, &addon->engine);
  addon->kernelConstructor = Napi::Persistent(KernelWrap::Define(env));
  exports.Set("compile", Napi::Function::New<guarded<Compile>>(env, "compile"));
  exports.Set("stats", Napi::Function::New<guarded<Stats>>(env, "stats"));
  exports.Set("config", Napi::Function::New<guarded<Config>>(env, "config"));
  exports.Set("configure", Napi::Function::New<guarded<Configure>>(env, "configure"));
  exports.Set("uops", Napi::Function::New<guarded<Uops>>(env, "uops"));
  exports.Set("compileWithNativesSyntax",
              Napi::Function::New<guarded<natives_syntax::CompileWithNativesSyntax>>(env, "compileWithNativesSyntax"));
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
}  // namespace jitctl

static Napi::Object InitJitctl(Napi::Env env, Napi::Object exports) { return jitctl::Init(env, exports); }

NODE_API_MODULE(jitctl, InitJitctl)
