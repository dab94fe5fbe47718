// The guarded entry points to V8's intrinsics, the only way the tiers call them. An intrinsic
// called on the wrong kind of function aborts the whole process, uncatchably (docs/v8.md lists the
// cases), so every call goes through checks that keep those cases out of reach, made again at the
// moment of the call (a function may have become unsafe since it was hinted: a sibling was
// jitIgnore'd in between):
//   - only real user functions (lib/v8/classify.ts);
//   - Prepare always right before any Optimize (eager or on next call), and only on a function V8
//     has compiled (Prepare compiles a lazy function itself, and a failed compile there aborts);
//   - never Prepare or Optimize code that may have been NeverOptimized (lib/v8/never-optimized.ts), and
//     none at all when natives syntax was on before jitctl, unless the user vouches for it
//     (JITCTL_TRUST_NATIVES_SYNTAX=1);
//   - never CompileBaseline (nothing needs it, and it aborts under --jitless).
// These checks hold on their own: nothing relaxes V8's fatal checks behind them (docs/decisions.md).

import { statusBit } from './status.js';
import { inspectFunction, v8Refusal } from './classify.js';
import { isObservable } from './probes.js';
import { recordNeverOptimized } from './never-optimized.js';
import { v8 } from './state.js';
import type { AnyFunction, Hint } from '../types.js';

export type Outcome = { ok: true } | { ok: false; reason: string };

/** How V8 is asked to optimize now ('next-call': the next call compiles), without loading the addon. */
export function optimizeMode(): 'eager' | 'next-call' | null {
  return v8().optimizeMode;
}

/** Feedback calls V8 needs before an optimization request takes: 1 on V8 11, 2 from V8 12 on (measured). */
export const MIN_FEEDBACK_CALLS = 2;

function missing(name: string): Outcome {
  return { ok: false, reason: `V8 intrinsic %${name} is not available` };
}

function guarded(hint: Hint, fn: AnyFunction, action: () => Outcome | void): Outcome {
  if (!v8().available || v8().jitless) return { ok: false, reason: 'V8 intrinsics are not available' };
  const refusal = v8Refusal(hint, fn);
  if (refusal) return { ok: false, reason: `not touched: ${refusal}` };
  try {
    return action() ?? { ok: true };
  } catch (error) {
    return { ok: false, reason: `V8 refused: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Why a function is not prepared before it has run. */
export const NOT_COMPILED = 'V8 has not compiled it yet (it has never run): it is prepared after its first call';

/**
 * Whether V8 has compiled `fn` (bytecode installed: it has run). Prepare and the optimization
 * requests compile a lazy function themselves, and when that compile fails (near the stack
 * limit, for one) V8 aborts the process instead of throwing. Only called once the guards proved
 * `fn` a real user function: the status intrinsic aborts on bound functions and Proxies. Unknown
 * counts as not compiled.
 */
function isCompiled(fn: AnyFunction): boolean {
  const status = v8().intrinsics.GetOptimizationStatus;
  const layout = v8().statusLayout;
  if (!status || !layout) return false;
  const bits = status(fn);
  return typeof bits === 'number' && (bits & statusBit('isFunction', layout)) !== 0 && (bits & statusBit('isLazy', layout)) === 0;
}

/**
 * %PrepareFunctionForOptimization: keeps feedback and bytecode so that an optimization request can
 * take. Refused (NOT_COMPILED) until the function has run once.
 */
export function prepareForOptimization(fn: AnyFunction): Outcome {
  const prepare = v8().intrinsics.PrepareFunctionForOptimization;
  if (!prepare) return missing('PrepareFunctionForOptimization');
  return guarded('focus', fn, () => {
    if (!isCompiled(fn)) return { ok: false, reason: NOT_COMPILED };
    prepare(fn);
  });
}

/**
 * Asks V8 to optimize `fn` with its top tier (TurboFan, or Maglev where TurboFan is off).
 * 'eager' means it is compiled now; 'next-call' means the next call compiles it (synchronously),
 * so the caller should make that call. Prepare always runs first, in the same guarded step.
 */
export function requestOptimization(fn: AnyFunction): Outcome & { mode?: 'eager' | 'next-call' } {
  const { intrinsics: i, optimizeMode: mode, turbofan } = v8();
  const prepare = i.PrepareFunctionForOptimization;
  if (!prepare) return missing('PrepareFunctionForOptimization');
  let optimize: ((fn: AnyFunction) => unknown) | undefined;
  if (mode === 'eager') optimize = turbofan ? i.OptimizeTurbofanEager : i.OptimizeMaglevEager;
  else if (mode === 'next-call') optimize = turbofan ? i.OptimizeFunctionOnNextCall : i.OptimizeMaglevOnNextCall;
  if (!optimize || !mode) return { ok: false, reason: 'no optimizing compiler to request' };
  const request = optimize;
  const outcome = guarded('focus', fn, () => {
    if (!isCompiled(fn)) return { ok: false, reason: NOT_COMPILED };
    prepare(fn);
    request(fn);
  });
  return outcome.ok ? { ok: true, mode } : outcome;
}

/** %NeverOptimizeFunction and %DeoptimizeFunction, recorded in jitctl's registry (the status bits cannot show it). */
export function neverOptimize(fn: AnyFunction): Outcome {
  const i = v8().intrinsics;
  if (!i.NeverOptimizeFunction) return missing('NeverOptimizeFunction');
  if (!i.DeoptimizeFunction) return missing('DeoptimizeFunction');
  const never = i.NeverOptimizeFunction;
  const deopt = i.DeoptimizeFunction;
  const { source } = inspectFunction(fn);
  const outcome = guarded('ignore', fn, () => {
    // Registered before the call: should anything go wrong half-way, the code is treated as never-optimized.
    recordNeverOptimized(fn, source);
    never(fn);
    // NeverOptimize leaves already optimized code in place.
    deopt(fn);
  });
  return outcome;
}

/** %DeoptimizeFunction (safe on any function; used on jitctl's own wrappers). */
export function deoptimize(fn: AnyFunction): Outcome {
  const deopt = v8().intrinsics.DeoptimizeFunction;
  if (!deopt || v8().jitless) return missing('DeoptimizeFunction');
  if (typeof fn !== 'function' || !isObservable(fn)) return { ok: false, reason: 'not a real JS function' };
  try {
    deopt(fn);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: String(error) };
  }
}


// Concurrent re-optimization (for the v8 strategy's watch, lib/tiers/watch.ts): after a deopt
// on real calls, jitFocus asks V8 to re-optimize on a background thread rather than compile on the
// main thread in the middle of a service's requests.

/**
 * Whether an optimization V8 was asked for is still to come: marked for the next call, or compiling
 * on a background thread. False once the request has run its course (the code was installed, and
 * maybe dropped again since, or V8 abandoned the job); null where the status cannot be read. Reads
 * the status bits only of a function the guards accept (the intrinsic aborts on others).
 */
export function optimizationPending(fn: AnyFunction): boolean | null {
  const status = v8().intrinsics.GetOptimizationStatus;
  const layout = v8().statusLayout;
  if (!status || !layout || !v8().available || v8Refusal('focus', fn)) return null;
  try {
    const bits = status(fn);
    if (typeof bits !== 'number') return null;
    const pending = statusBit('markedForOptimization', layout) | statusBit('markedForConcurrentOptimization', layout) |
      statusBit('optimizingConcurrently', layout);
    return (bits & pending) !== 0;
  } catch {
    return null;
  }
}

/**
 * Prepare + %OptimizeFunctionOnNextCall(fn, "concurrent"): the next call starts a TurboFan job on a
 * background thread and V8 installs its code when it is done (a few calls later). The same checks
 * as requestOptimization, in the same guarded step. Where it is not available, requestOptimization.
 */
export function requestConcurrentOptimization(fn: AnyFunction): Outcome & { mode?: 'eager' | 'next-call' | 'concurrent' } {
  const prepare = v8().intrinsics.PrepareFunctionForOptimization;
  const request = v8().turbofan && !v8().jitless ? v8().intrinsics.OptimizeFunctionOnNextCallConcurrent : undefined;
  if (!prepare || !request) return requestOptimization(fn);
  const outcome = guarded('focus', fn, () => {
    if (!isCompiled(fn)) return { ok: false, reason: NOT_COMPILED };
    prepare(fn);
    request(fn);
  });
  return outcome.ok ? { ok: true, mode: 'concurrent' } : outcome;
}

