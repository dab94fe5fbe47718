// The jsc tier: JavaScriptCore's own per-function controls, from Bun's `bun:jsc` module, which the
// router loads and hands over (useJscModule, at detection); nothing here looks at runtimes. What each
// control does was measured (docs/decisions.md, "Bun: the jsc tier"; bench/jsc.ts reproduces it):
//
//   jitFocus  with samples: `warmup` feedback calls, then optimizeNextInvocation before each further
//             sample call until JSC reports DFG code (numberOfDFGCompiles), at most
//             FOCUS_EXTRA_CALLS more: JSC ignores the request until the function has baseline JIT
//             code (about 40 calls of a loop-free function). The function itself is returned.
//             Without samples the router gives the noop tier: JSC tiers a function up on its own
//             after about 100 calls, and a wrapper that would ask earlier costs every call.
//   jitIgnore noFTL + noInline: never compiled by FTL, never inlined into an optimized caller. JSC
//             offers no per-function way to keep a function out of DFG (bun:jsc has no
//             neverOptimize). The function itself is returned.
//   jitOnce   no wrapper: a timer (jsc-observe.ts) reads reoptimizationRetryCount and, once it
//             reaches maxDeopts, applies noFTL. DFG recompiles cannot be stopped; JSC backs off
//             exponentially between them by itself.
//
// No bun:jsc call crashed on any kind of value (natives, bound functions, Proxies, revoked Proxies,
// classes, async functions, generators, non-functions: test/tiers-jsc.test.ts); still, only real
// JS functions are touched (on anything else the controls silently do nothing), and every call is
// guarded so that nothing the module does can throw into a hint or a call site.

import { inspectFunction, type FunctionKind } from '../v8/classify.js';
import { recordRun, runSamples } from '../runtime/samples.js';
import { runSampleSlices } from '../runtime/warmup-queue.js';
import { scheduleWarmup } from './warmup.js';
import { handedOverModule, jscCall, type JscModule } from './jsc-controls.js';
import { observeJsc, watchOnce } from './jsc-observe.js';
import type { Availability, AvailabilityQuery, AnyFunction, FunctionRecord, Hint, HintTarget, NormalizedOptions, Strategy } from '../types.js';

const NEEDED: Record<Hint, ReadonlyArray<keyof JscModule>> = {
  focus: ['optimizeNextInvocation', 'numberOfDFGCompiles', 'reoptimizationRetryCount'],
  ignore: ['noFTL', 'noInline'],
  once: ['noFTL', 'numberOfDFGCompiles', 'reoptimizationRetryCount'],
};

/**
 * Sample calls made after the `warmup` feedback calls, at most, while asking for DFG: JSC accepts
 * the request only once baseline JIT code exists, and installs concurrently compiled DFG code on a
 * later call (measured: DFG after 36-42 sample calls of a loop-free function in all).
 */
export const FOCUS_EXTRA_CALLS = 100;

/**
 * Milliseconds the warm-up may wait, in all, between those calls for a concurrent DFG compile to
 * finish (it is installed by the next call after it finished): without waiting, a loop kernel used
 * up the 100 calls before its compile was done in 3 of 5 runs.
 */
export const FOCUS_WAIT_MS = 10;
const PAUSE_MS = 0.2;
/**
 * Extra calls made without waiting first: JSC ignores the request until baseline JIT code exists
 * (about 40 calls in all of a loop-free function), so waiting before that only costs time (pausing
 * from the first extra call made a focused `add` cost 6-10 ms at decoration).
 */
const UNPAUSED_CALLS = 20;

const clock = (): number => (typeof performance === 'object' ? performance.now() : Date.now());

/** Blocks the thread for `ms` (Atomics.wait); a no-op where the main thread may not wait. */
const pause: (ms: number) => void = (() => {
  try {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(cell, 0, 0, 0);
    return (ms: number) => { try { Atomics.wait(cell, 0, 0, ms); } catch { /* may not wait */ } };
  } catch {
    return () => { /* no SharedArrayBuffer or no waiting here */ };
  }
})();

const KIND_REASONS: Partial<Record<FunctionKind, string>> = {
  native: 'a native or bound function (JSC has no bytecode of it to compile)',
  proxy: 'a Proxy (JSC controls act on the function itself, not on a Proxy of it)',
  class: 'a class constructor (jitctl does not optimize constructors)',
  'not-a-function': 'not a function',
};

/** Why JSC's controls cannot serve `fn`, or null. */
export function jscRefusal(fn: unknown): string | null {
  const kind = inspectFunction(fn).kind;
  if (kind === 'user' || kind === 'asm' || kind === 'wasm') return null;
  return KIND_REASONS[kind] ?? `a ${kind} function`;
}

/** Whether the jsc tier can take `hint` (and `fn`, `options` when given). */
export function jscAvailability(mod: JscModule | null, hint: Hint, fn: AnyFunction | null,
  options: NormalizedOptions | null): { ok: boolean; reason: string } {
  if (!mod) return { ok: false, reason: 'not JavaScriptCore (no bun:jsc)' };
  const absent = NEEDED[hint].filter((name) => typeof mod[name] !== 'function');
  if (absent.length > 0) return { ok: false, reason: `bun:jsc lacks ${absent.join(', ')}` };
  const refusal = fn ? jscRefusal(fn) : null;
  if (refusal) return { ok: false, reason: refusal };
  switch (hint) {
    case 'focus':
      if (options && (options.samples.length === 0 || options.warmup === 0)) {
        return { ok: false, reason: 'no samples: JSC compiles it with DFG after about 100 calls by itself, and asking earlier would need a wrapper on every call' };
      }
      return { ok: true, reason: 'JSC: feedback from the samples, then optimizeNextInvocation until DFG code is installed (without samples: runs unchanged)' };
    case 'ignore':
      return { ok: true, reason: 'JSC: noFTL + noInline (DFG cannot be prevented per function)' };
    case 'once':
      return { ok: true, reason: 'JSC: reoptimizations counted, noFTL after maxDeopts (DFG recompiles cannot be stopped)' };
  }
}

/** numberOfDFGCompiles of `fn` (0 when unknown). */
export function dfgCompiles(fn: AnyFunction): number {
  const n = jscCall('numberOfDFGCompiles', fn);
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

/**
 * Whether DFG or FTL code is installed for `fn` now: JSC's numberOfDFGCompiles counts 1 for
 * installed optimized code plus one per reoptimization (reoptimizationRetryCount).
 */
export function hasOptimizedCode(fn: AnyFunction): boolean {
  const retries = jscCall('reoptimizationRetryCount', fn);
  return dfgCompiles(fn) - (typeof retries === 'number' && Number.isFinite(retries) ? retries : 0) > 0;
}

function note(record: FunctionRecord, text: string): void {
  if (!record.fallbacks.includes(text)) record.fallbacks.push(text);
}

function applyFocus(target: HintTarget): AnyFunction {
  const { fn, record, options } = target;
  return scheduleWarmup(target, function* (thisArg) {
    const feedback = yield* runSampleSlices(fn, options.samples, options.warmup, thisArg, record);
    recordRun(record, feedback);
    if (feedback.error !== undefined) {
      note(record, 'jsc: not optimized: a sample call threw, so the feedback is incomplete');
      return;
    }
    // A loop kernel may have DFG code already (entered from its loop during the feedback calls).
    let made = 0;
    let waitUntil = 0;
    while (made < FOCUS_EXTRA_CALLS && !hasOptimizedCode(fn)) {
      if (made >= UNPAUSED_CALLS) {
        // The budget is wall-clock time: on a loaded machine a 0.2 ms wait lasts longer.
        const t = clock();
        if (made === UNPAUSED_CALLS) waitUntil = t + FOCUS_WAIT_MS;
        if (t < waitUntil) pause(PAUSE_MS);
      }
      jscCall('optimizeNextInvocation', fn);
      const run = runSamples(fn, options.samples, 1, thisArg, record, options.warmup + made);
      recordRun(record, run);
      made++;
      if (run.error !== undefined) {
        note(record, 'jsc: a sample call threw while asking for DFG');
        break;
      }
    }
    observeJsc(record, fn);
    if (!hasOptimizedCode(fn)) {
      note(record, `jsc: JSC installed no DFG code within ${made} more sample call(s); it tiers up on its own`);
    }
  });
}

function applyIgnore(target: HintTarget): AnyFunction {
  const { fn, record } = target;
  jscCall('noFTL', fn);
  jscCall('noInline', fn);
  const warning = 'JSC may still compile it with DFG (no per-function control prevents that); callers no longer inline it';
  if (!record.warnings.includes(warning)) record.warnings.push(warning);
  observeJsc(record, fn);
  return fn;
}

function applyOnce(target: HintTarget): AnyFunction {
  const { fn, record, options } = target;
  if (options.maxDeopts === 0 || !watchOnce(record, fn, options.maxDeopts)) {
    // Nothing to wait for (or no room to watch it): kept out of FTL from the start.
    jscCall('noFTL', fn);
    record.pinned = true;
    if (options.maxDeopts !== 0) note(record, 'jsc: too many jitOnce functions watched; noFTL applied at once');
  }
  observeJsc(record, fn);
  if (options.samples.length === 0 || options.warmup === 0) return fn;
  // Samples give feedback only: JSC optimizes when it sees fit, and the watch counts from there.
  return scheduleWarmup(target, function* (thisArg) {
    recordRun(record, yield* runSampleSlices(fn, options.samples, options.warmup, thisArg, record));
  });
}

export const jscStrategy: Strategy = Object.freeze({
  tier: 'jsc' as const,
  availability: ({ hint, fn, options }: AvailabilityQuery): Availability =>
    jscAvailability(handedOverModule(), hint, fn, options) as Availability,
  apply(target: HintTarget): AnyFunction {
    switch (target.record.hint) {
      case 'focus': return applyFocus(target);
      case 'ignore': return applyIgnore(target);
      case 'once': return applyOnce(target);
    }
  },
});
