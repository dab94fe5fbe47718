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
        Napi::PropertyDescriptor::Accessor<&Thunk<&KernelWrap::InvokeGetter>>("invoke"),
        Napi::PropertyDescriptor::Accessor<&Thunk<&KernelWrap::InvokeLaneGetter>>("invokeLane"),
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
    kernel_ = std::make_shared<Kernel>(std::move(*kernel));
    env_ = info.Env();
    registry_ = addonData(env_).registry;
    try {
      registry_->kernels.insert(this);
    } catch (const std::bad_alloc&) {  // the kernel is freed with this object; say why it failed
      throw withCode(Napi::RangeError::New(env_, "jitctl's native engine ran out of memory (std::bad_alloc)"),
                     "ERR_JITCTL_OUT_OF_MEMORY");
    }
    external_ = kernel_->memoryBytes();
    int64_t ignored;
    napi_adjust_external_memory(env_, static_cast<int64_t>(external_), &ignored);
  }

  ~KernelWrap() override {
    registry_->kernels.erase(this);
    release();
  }

  // Frees the machine code now (free(), reclaiming, or the finalizer) and tells V8.
  void release() {
    kernel_->free();
    if (external_) {
      int64_t ignored;
      napi_adjust_external_memory(env_, -static_cast<int64_t>(external_), &ignored);
      external_ = 0;
    }
  }

  // The JS object has been collected (its weak reference is empty) but the finalizer has not run.
  bool collected() { return !kernel_->freed() && Value().IsEmpty(); }

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

  // kernel.invoke: a function of this kernel's own (its data is the kernel, so there is no
  // receiver to unwrap), made on first use. It shares the C++ kernel but does not keep the JS
  // object alive: the code is freed with the object (or by free()), and invoke then throws. A
  // getter on the prototype, not an own property: one more property on the object costs
  // napi_unwrap, so every call(), about 15 ns. kernel.invokeLane is made the same way.
  Napi::Value InvokeGetter(const Napi::CallbackInfo& info) { return invokeFunction(info, "invoke", Invoke, &invoke_); }
  Napi::Value InvokeLaneGetter(const Napi::CallbackInfo& info) {
    return invokeFunction(info, "invokeLane", InvokeLane, &invokeLane_);
  }

  Napi::Value invokeFunction(const Napi::CallbackInfo& info, const char* name, napi_callback callback,
                             Napi::FunctionReference* cached) {
    if (cached->IsEmpty()) {
      auto* target = new InvokeTarget{kernel_, {}, 0, addonData(env_).numberLane};
      if (!kernel_->freed())
        for (const ParamDescription& p : kernel_->params()) {
          target->elementBytes.push_back(p.isView ? static_cast<uint8_t>(viewKindElementSize(p.viewKind)) : 0);
          target->viewCount += p.isView;
        }
      napi_value fn;
      if (napi_create_function(env_, name, NAPI_AUTO_LENGTH, callback, target, &fn) != napi_ok ||
          napi_add_finalizer(env_, fn, target, [](napi_env, void* data, void*) { delete static_cast<InvokeTarget*>(data); }, nullptr,
                             nullptr) != napi_ok) {
        delete target;
        throw Napi::Error::New(info.Env(), std::string("jitctl could not make the kernel's ") + name + " function");
      }
      *cached = Napi::Persistent(Napi::Function(env_, fn));
    }
    return cached->Value();
  }

  // What an invoke function holds: the kernel, each parameter's element size (0: a number), the
  // number of typed-array parameters and the environment's number lane (invokeLane's numbers).
  struct InvokeTarget {
    std::shared_ptr<Kernel> kernel;
    std::vector<uint8_t> elementBytes;
    size_t viewCount;
    std::shared_ptr<std::vector<double>> lane;
  };

  // The call path of the native tier's dispatch, which has checked every typed array's kind itself
  // (lib/tiers/native-args.ts): the same as call() except that a typed array's kind is not asked
  // of V8 (napi_get_typedarray_info's type costs about 20 ns per Float64Array, a chain of
  // IsXArray checks). What keeps it memory-safe is the array's byte range: its elements, at the
  // kernel's element size, must lie inside its ArrayBuffer; anything else (a SharedArrayBuffer, a
  // range that does not fit, not a typed array, a number that is not one) goes through call()'s
  // own checks, which raise their errors. So with the right kinds it gives exactly what call()
  // gives, and an array of another kind whose bytes happen to fit is read as the kernel's kind,
  // inside its own buffer.
  static napi_value Invoke(napi_env env, napi_callback_info cbinfo) {
    return guardedRaw(env, [&]() -> napi_value {
      CallbackArguments in;
      if (!in.read(env, cbinfo)) return nullptr;
      const InvokeTarget& target = *static_cast<InvokeTarget*>(in.data);
      const Kernel& kernel = *target.kernel;
      Napi::Env napiEnv(env);
      if (kernel.freed()) throw Napi::TypeError::New(napiEnv, "the kernel has been freed");
      const std::vector<ParamDescription>& params = kernel.params();
      if (in.argc != params.size()) throw wrongCount(napiEnv, params.size(), in.argc);
      ArgumentBuffer args(params.size());
      for (size_t i = 0; i < params.size(); ++i) args.set(i, convertTrusted(napiEnv, in.argv[i], params[i], target.elementBytes[i], i));
      jitctl::Value v;
      if (!runUnlessDeclined(napiEnv, kernel, args.data(), params.size(), &v)) return addonData(napiEnv).declined.Value();
      return result(napiEnv, v);
    });
  }

  // The native tier's path for a kernel with number parameters or a result: invoke without the
  // Node-API values that cost the most per call (napi_get_value_double per number, the result's
  // heap number: about 20 of a two-number call's 40 ns). The caller writes the number of parameter
  // i into element i of the number lane (takeNumberLane(), module.cc) and passes only the typed
  // arrays, in parameter order; the result goes to element 0, and the function returns undefined
  // (DECLINED where the trace declines). Each number is checked as invoke checks it, with the same
  // TypeError for a value that is not of its parameter's type; a wrong count is a TypeError too.
  static napi_value InvokeLane(napi_env env, napi_callback_info cbinfo) {
    return guardedRaw(env, [&]() -> napi_value {
      CallbackArguments in;
      if (!in.read(env, cbinfo)) return nullptr;
      const InvokeTarget& target = *static_cast<InvokeTarget*>(in.data);
      const Kernel& kernel = *target.kernel;
      Napi::Env napiEnv(env);
      if (kernel.freed()) throw Napi::TypeError::New(napiEnv, "the kernel has been freed");
      const std::vector<ParamDescription>& params = kernel.params();
      if (in.argc != target.viewCount)
        throw Napi::TypeError::New(napiEnv, "invokeLane takes the kernel's " + std::to_string(target.viewCount) +
                                                " typed arrays but was called with " + std::to_string(in.argc) + " arguments");
      double* lane = target.lane->data();
      ArgumentBuffer args(params.size());
      size_t view = 0;
      for (size_t i = 0; i < params.size(); ++i) {
        if (params[i].isView) {
          args.set(i, convertTrusted(napiEnv, in.argv[view++], params[i], target.elementBytes[i], i));
          continue;
        }
        Argument a;
        if (!numberArgument(params[i].slotType, lane[i], &a)) throw notOfType(napiEnv, params[i].slotType, lane[i], i);
        args.set(i, a);
      }
      jitctl::Value v;
      if (!runUnlessDeclined(napiEnv, kernel, args.data(), params.size(), &v)) return addonData(napiEnv).declined.Value();
      if (v.type != ReturnType::Void) lane[0] = v.f64;
      return nullptr;
    });
  }

  // Forced inline into invoke and invokeLane, for the same reason as convert() below.
  __attribute__((always_inline)) static Argument convertTrusted(Napi::Env env, napi_value value, const ParamDescription& p, uint64_t elementBytes, size_t i) {
    if (p.isView) {
      size_t length = 0, offset = 0, bufferBytes = 0;
      void* data = nullptr;
      napi_value buffer;
      // length <= 2^31 - 1 and elementBytes <= 8: the product cannot overflow (and no division).
      if (napi_get_typedarray_info(env, value, nullptr, &length, &data, &buffer, &offset) == napi_ok &&
          napi_get_arraybuffer_info(env, buffer, nullptr, &bufferBytes) == napi_ok && length <= kMaxViewLength &&
          offset <= bufferBytes && length * elementBytes <= bufferBytes - offset)
        return Argument::view(p.viewKind, length ? data : nullptr, length);
    } else {
      double d;
      Argument a;
      if (napi_get_value_double(env, value, &d) == napi_ok && numberArgument(p.slotType, d, &a)) return a;
    }
    return convert(env, Napi::Value(env, value), p, i);
  }

  Napi::Value Call(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    // The same error kind as inspect() and the C++ API (Kernel::call on a freed kernel): TypeError.
    if (kernel_->freed()) throw Napi::TypeError::New(env, "the kernel has been freed");
    const std::vector<ParamDescription>& params = kernel_->params();
    if (info.Length() != params.size()) throw wrongCount(env, params.size(), info.Length());
    ArgumentBuffer args(params.size());
    for (size_t i = 0; i < params.size(); ++i) args.set(i, convert(env, info[i], params[i], i));
    napi_value out = result(env, run(env, *kernel_, args.data(), params.size()));
    return out ? Napi::Value(env, out) : env.Undefined();
  }

  // A raw callback's arguments and data: up to 8 arguments on the stack, more on the heap.
  struct CallbackArguments {
    static constexpr size_t kInline = 8;
    napi_value inlineArgv[kInline];
    std::vector<napi_value> heap;
    napi_value* argv = inlineArgv;
    size_t argc = kInline;
    void* data = nullptr;

    // False where Node-API refused (its exception is pending).
    bool read(napi_env env, napi_callback_info cbinfo) {
      if (napi_get_cb_info(env, cbinfo, &argc, inlineArgv, nullptr, &data) != napi_ok) return false;
      if (argc <= kInline) return true;
      heap.resize(argc);
      argv = heap.data();
      return napi_get_cb_info(env, cbinfo, &argc, argv, nullptr, nullptr) == napi_ok;
    }
  };

  // Up to 8 arguments on the stack, more on the heap. The stack slots are not initialized (an
  // Argument is 48 bytes; zeroing 8 of them took a fifth of invoke()'s own time): set() writes
  // each one before the kernel reads it.
  class ArgumentBuffer {
   public:
    explicit ArgumentBuffer(size_t count) {
      if (count > kStackArgs) {
        heap_.resize(count, Argument::f64(0));
        args_ = heap_.data();
      }
    }
    void set(size_t i, const Argument& a) { new (&args_[i]) Argument(a); }
    const Argument* data() const { return args_; }

   private:
    static constexpr size_t kStackArgs = 8;
    union Stack {
      Stack() {}
      Argument args[kStackArgs];
    } stack_;
    std::vector<Argument> heap_;
    Argument* args_ = stack_.args;
  };

  static Napi::TypeError wrongCount(Napi::Env env, size_t params, size_t given) {
    return Napi::TypeError::New(env, "the kernel takes " + std::to_string(params) + " arguments but was called with " +
                                         std::to_string(given));
  }

  static jitctl::Value run(Napi::Env env, const Kernel& kernel, const Argument* args, size_t count) {
    try {
      return kernel.call(args, count);
    } catch (const Error& e) {
      throwJs(env, e);
    }
  }

  // invoke's: a declined call is not an error there (the native tier runs the JS function).
  static bool runUnlessDeclined(Napi::Env env, const Kernel& kernel, const Argument* args, size_t count, jitctl::Value* out) {
    try {
      return kernel.callUnlessDeclined(args, count, out);
    } catch (const Error& e) {
      throwJs(env, e);
    }
  }

  // The result as a JS value (nullptr is undefined to Node-API).
  static napi_value result(Napi::Env env, const jitctl::Value& v) {
    napi_value out = nullptr;
    if (v.type != ReturnType::Void) napi_create_double(env, v.f64, &out);
    return out;
  }

  // Checks one argument against its parameter. Messages are built only on the error path: this
  // runs for every argument of every call.
  // Forced inline into call(): with invoke() calling it too, GCC stops inlining it, which costs
  // call() about 15 ns.
  __attribute__((always_inline)) static Argument convert(Napi::Env env, const Napi::Value& value, const ParamDescription& p, size_t i) {
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
    Argument a;
    if (numberArgument(p.slotType, d, &a)) return a;
    throw notOfType(env, p.slotType, d, i);
  }

  // The error for number `d` of argument `i`, which numberArgument refused for `type`.
  static Napi::TypeError notOfType(Napi::Env env, SlotType type, double d, size_t i) {
    const std::string name = "argument " + std::to_string(i);
    const bool negativeZero = d == 0 && std::signbit(d);
    switch (type) {
      case SlotType::F64:
        break;
      case SlotType::I32:
        return Napi::TypeError::New(env, name + (negativeZero ? " is -0, which is not an int32 value" : " must be an int32 integer"));
      case SlotType::U32:
        return Napi::TypeError::New(env, name + (negativeZero ? " is -0, which is not a uint32 value" : " must be a uint32 integer"));
    }
    return Napi::TypeError::New(env, name + " has an unknown parameter type");
  }

  // A number as a slot parameter of `type`, where it is one (call() and invoke accept the same):
  // any f64; an int32 or uint32 integer in range, and not -0, which is neither (it would come back
  // as +0): refused like 0.5, so that the caller runs the JS function instead.
  static bool numberArgument(SlotType type, double d, Argument* out) {
    switch (type) {
      case SlotType::F64:
        *out = Argument::f64(d);
        return true;
      case SlotType::I32:
        if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != std::trunc(d) || (d == 0 && std::signbit(d))) return false;
        *out = Argument::i32(static_cast<int32_t>(d));
        return true;
      case SlotType::U32:
        if (!(d >= 0 && d <= 4294967295.0) || d != std::trunc(d) || std::signbit(d)) return false;
        *out = Argument::u32(static_cast<uint32_t>(d));
        return true;
    }
    return false;
  }

  Napi::Value Inspect(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    KernelInfo k;
    try {
      k = kernel_->inspect();
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

  Napi::Value Freed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), kernel_->freed()); }

  Napi::Value CodeSize(const Napi::CallbackInfo& info) {
    if (kernel_->freed()) return Napi::Number::New(info.Env(), 0);
    return Napi::Number::New(info.Env(), kernel_->codeSize());
  }

  Napi::Value Params(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (kernel_->freed()) return Napi::Array::New(env);
    const auto& params = kernel_->params();
    Napi::Array out = Napi::Array::New(env, params.size());
    for (size_t i = 0; i < params.size(); ++i)
      out[i] = Napi::String::New(env, params[i].isView ? std::string(viewKindName(params[i].viewKind)) + "Array"
                                                       : slotTypeName(params[i].slotType));
    return out;
  }

  Napi::Value ReturnTypeGetter(const Napi::CallbackInfo& info) {
    if (kernel_->freed()) return info.Env().Undefined();
    return returnTypeValue(info.Env(), kernel_->returnType());
  }

  // Its code is freed explicitly, when reclaimed after collection, or by this object's destructor
  // (release()); the Kernel itself is shared with the invoke function, which may outlive this
  // object and then throws.
  std::shared_ptr<Kernel> kernel_;
  Napi::FunctionReference invoke_;      // kernel.invoke, once read
  Napi::FunctionReference invokeLane_;  // kernel.invokeLane, once read
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
