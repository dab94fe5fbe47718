#include "node/kernel_object.h"

#include <cmath>
#include <new>
#include <string>
#include <unordered_set>
#include <vector>

#include "jitctl/jitctl.h"
#include "node/environment.h"
#include "node/js_errors.h"

namespace jitctl {
namespace binding {
namespace {
class KernelWrap;
}  // namespace

struct KernelRegistry {
  std::unordered_set<KernelWrap*> kernels;
};

namespace {

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
    registry_ = addonData(env_).registry;
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
      o.Set("traceOp", s.traceOp >= 0 ? Napi::Value(Napi::Number::New(env, s.traceOp)) : env.Null());
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

}  // namespace

std::shared_ptr<KernelRegistry> makeKernelRegistry() { return std::make_shared<KernelRegistry>(); }

Napi::Function defineKernelClass(Napi::Env env) { return KernelWrap::Define(env); }

// Runs only when a compile would be refused, so its cost (one weak-reference read per live kernel)
// is paid only at the limit.
uint64_t releaseCollectedKernels(KernelRegistry& registry, Napi::Env env) {
  uint64_t freed = 0;
  for (KernelWrap* wrap : registry.kernels) {
    Napi::HandleScope scope(env);
    if (wrap->collected()) {
      wrap->release();
      ++freed;
    }
  }
  return freed;
}

}  // namespace binding
}  // namespace jitctl
