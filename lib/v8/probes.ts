// Observing a function's V8 tier: the cheap %ActiveTierIs* checks (about 10 ns each at any stack
// depth), and %GetOptimizationStatus for tests and `jitctl info` (370+ ns, walks the stack).

import { tools } from '../source/realm.js';
import { inspectFunction } from './classify.js';
import { v8 } from './state.js';
import type { AnyFunction, ObservedTier } from '../types.js';

// Observation is safe on any real JS function, native or not, but not on bound functions or
// Proxies, which "[native code]" cannot tell apart from natives, nor on asm.js exports (WebAssembly
// code): those are never observed.
const observable = tools.newWeakMap<object, boolean>();

export function isObservable(fn: AnyFunction): boolean {
  let known = observable.get(fn);
  if (known === undefined) {
    const kind = inspectFunction(fn).kind;
    known = kind === 'user' || kind === 'class' || kind === 'asm';
    observable.set(fn, known);
  }
  return known;
}

function tierProbe(fn: AnyFunction): (() => ObservedTier) | null {
  const i = v8().intrinsics;
  if (!i.ActiveTierIsTurbofan || !i.ActiveTierIsIgnition) return null;
  const turbofan = i.ActiveTierIsTurbofan;
  const maglev = v8().maglev ? i.ActiveTierIsMaglev : undefined;
  const sparkplug = i.ActiveTierIsSparkplug;
  const ignition = i.ActiveTierIsIgnition;
  return () => {
    if (turbofan(fn) === true) return 'turbofan';
    if (maglev && maglev(fn) === true) return 'maglev';
    if (sparkplug && sparkplug(fn) === true) return 'sparkplug';
    if (ignition(fn) === true) return 'interpreter';
    return 'unknown';
  };
}

/** `fn`'s current V8 tier, from the cheap %ActiveTierIs* checks; 'unknown' where it cannot be seen. Never aborts. */
export function observeTier(fn: AnyFunction): ObservedTier {
  if (!v8().available || typeof fn !== 'function' || !isObservable(fn)) return 'unknown';
  const probe = tierProbe(fn);
  if (!probe) return 'unknown';
  try {
    return probe();
  } catch {
    return 'unknown';
  }
}

/**
 * A tier probe bound to `fn` with the safety check done once, for hot paths (jitOnce's wrapper):
 * it costs one to four %ActiveTierIs* calls. Null when `fn` cannot be observed.
 */
export function makeTierProbe(fn: AnyFunction): (() => ObservedTier) | null {
  if (!v8().available || typeof fn !== 'function' || !isObservable(fn)) return null;
  return tierProbe(fn);
}

/** A probe answering only "is `fn` running optimized code now" (TurboFan or Maglev): one or two checks. */
export function makeOptimizedProbe(fn: AnyFunction): (() => boolean) | null {
  const i = v8().intrinsics;
  if (!i.ActiveTierIsTurbofan || typeof fn !== 'function' || !isObservable(fn)) return null;
  const turbofan = i.ActiveTierIsTurbofan;
  const maglev = v8().maglev ? i.ActiveTierIsMaglev : undefined;
  return maglev ? () => turbofan(fn) === true || maglev(fn) === true : () => turbofan(fn) === true;
}

/** The raw optimization status bits of `fn` (tests and `jitctl info`; 370+ ns, never on a hot path). */
export function optimizationStatus(fn: AnyFunction): number | null {
  const status = v8().intrinsics.GetOptimizationStatus;
  if (!status || typeof fn !== 'function' || !isObservable(fn)) return null;
  try {
    const bits = status(fn);
    return typeof bits === 'number' ? bits : null;
  } catch {
    return null;
  }
}

