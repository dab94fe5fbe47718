// A compiled kernel as a JS object (class Kernel): call() checks every argument against the
// kernel's parameters and runs it (an interrupt or a timeout comes back as an error with a code);
// invoke, the same call for a caller that has checked the typed arrays' kinds (the native tier);
// inspect(), free() and the getters. Each kernel reports its executable bytes to V8
// (napi_adjust_external_memory) so that the garbage collector sees their weight.
//
// The class itself is private to kernel_object.cc: with internal linkage the compiler makes each
// method, its receiver check and (for call()) every argument's check one function.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

namespace jitctl {
namespace binding {

// The kernel objects of one environment, for reclaiming collected ones synchronously. Shared by
// the environment's instance data and every kernel, since Node finalizes them in no fixed order.
struct KernelRegistry;

std::shared_ptr<KernelRegistry> makeKernelRegistry();

// The Kernel class of an environment whose instance data (environment.h) holds its registry.
// compile() makes kernels with it, passing the new jitctl::Kernel as an External.
Napi::Function defineKernelClass(Napi::Env env);

// Frees every kernel whose JS object the collector has collected but whose finalizer has not run
// yet; returns how many.
uint64_t releaseCollectedKernels(KernelRegistry& registry, Napi::Env env);

}  // namespace binding
}  // namespace jitctl
