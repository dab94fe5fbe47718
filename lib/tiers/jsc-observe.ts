// What stats() can see of a function on JavaScriptCore, from bun:jsc. JSC reports two counters
// per function: numberOfDFGCompiles (optimizing compiles: 1 while DFG or FTL code is installed,
// plus one per reoptimization) and reoptimizationRetryCount (how often optimized code was thrown
// away after OSR exits and the function optimized again). It does not say which optimizing tier
// runs (DFG or FTL), so observedTier stays 'unknown'; `compiles` and `deopts` are JSC's counters.
//
// The counters are read when stats() copies the record: `compiles` and `deopts` of a jsc record
// are getters that ask JSC (through a WeakRef, so the record never keeps its function alive). A
// jitOnce function is also polled by one unref'd timer, so that noFTL is applied once its
// reoptimizations reach maxDeopts without a wrapper on its calls.

import { jscCall } from './jsc-controls.js';
import type { AnyFunction, FunctionRecord } from '../types.js';

/** How often jitOnce functions are polled (milliseconds). */
export const POLL_MS = 100;
/** jitOnce functions polled at most; beyond, jitOnce applies noFTL at once. */
export const MAX_WATCHED = 4096;

function count(name: 'numberOfDFGCompiles' | 'reoptimizationRetryCount', fn: AnyFunction): number | null {
  const n = jscCall(name, fn);
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

const Ref = typeof WeakRef === 'function' ? WeakRef : undefined;

/** Makes `record.compiles` and `record.deopts` read JSC's counters of `fn` (the last values once it is collected). */
export function observeJsc(record: FunctionRecord, fn: AnyFunction): void {
  if (!Ref) {
    record.compiles = count('numberOfDFGCompiles', fn) ?? record.compiles;
    record.deopts = count('reoptimizationRetryCount', fn) ?? record.deopts;
    return;
  }
  const ref = new Ref(fn);
  let compiles = record.compiles;
  let deopts = record.deopts;
  try {
    Object.defineProperty(record, 'compiles', {
      configurable: true, enumerable: true,
      get(): number {
        const f = ref.deref();
        if (f) compiles = count('numberOfDFGCompiles', f) ?? compiles;
        return compiles;
      },
      set(value: number): void { compiles = value; },
    });
    Object.defineProperty(record, 'deopts', {
      configurable: true, enumerable: true,
      get(): number {
        const f = ref.deref();
        if (f) deopts = count('reoptimizationRetryCount', f) ?? deopts;
        return deopts;
      },
      set(value: number): void { deopts = value; },
    });
  } catch {
    // A frozen record: it keeps the values it has.
  }
}

interface Watched { ref: WeakRef<AnyFunction>; record: FunctionRecord; maxDeopts: number }

const watched = new Map<number, Watched>();
let timer: { unref?: () => void } | null = null;

function pinIfDue(entry: Watched, fn: AnyFunction): boolean {
  const deopts = count('reoptimizationRetryCount', fn);
  if (deopts === null || deopts < entry.maxDeopts) return false;
  jscCall('noFTL', fn);
  entry.record.pinned = true;
  return true;
}

/** One poll of every watched jitOnce function; returns how many are still watched. Exported for tests. */
export function pollOnce(): number {
  for (const [id, entry] of watched) {
    const fn = entry.ref.deref();
    if (!fn || pinIfDue(entry, fn)) watched.delete(id);
  }
  if (watched.size === 0 && timer) {
    clearInterval(timer as unknown as ReturnType<typeof setInterval>);
    timer = null;
  }
  return watched.size;
}

/** Watches a jitOnce function until its reoptimizations reach `maxDeopts`; false when it cannot be watched. */
export function watchOnce(record: FunctionRecord, fn: AnyFunction, maxDeopts: number): boolean {
  if (!Ref || watched.size >= MAX_WATCHED || typeof setInterval !== 'function') return false;
  watched.set(record.id, { ref: new Ref(fn), record, maxDeopts });
  if (!timer) {
    try {
      timer = setInterval(pollOnce, POLL_MS) as unknown as { unref?: () => void };
      timer.unref?.();
    } catch {
      watched.delete(record.id);
      return false;
    }
  }
  return true;
}
