// The v8 tier: V8's own per-function controls, through the guarded entry points in lib/v8/control.ts
// (which also pick eager or on-next-call optimization for the running V8; nothing here looks at
// versions). Every intrinsic call is made there, after checks that keep the aborting cases of
// docs/v8.md out of reach, and is re-checked at the moment it is made.
//
//   jitFocus  a first call, Prepare, more feedback (the samples, or the first real calls), then
//             optimize, so that the first real call after warm-up runs TurboFan code. With samples
//             run at decoration or by warmup(), the function itself is returned: nothing runs per call.
//             After warm-up it is watched between event-loop turns (lib/tiers/watch.ts, no wrapper):
//             a deopt on real calls is followed by a re-optimization, at most MAX_REOPTIMIZATIONS.
//   jitIgnore NeverOptimize + Deoptimize; the function itself is returned.
//   jitOnce   the function itself: with samples, optimized once on feedback from all of them; then
//             watched between turns, and pinned (NeverOptimize + Deoptimize) after maxDeopts deopts.
//
// V8 compiles a function on its first call. Prepare (and every optimization request) on a
// function that never ran would compile it inside the intrinsic, and a compile that fails there
// (near the stack limit) aborts the process; so a function is prepared right after its first call
// returns, and the guards refuse one that is not compiled (NOT_COMPILED in lib/v8/control.ts).

import {
  MIN_FEEDBACK_CALLS, neverOptimize, optimizationPending, optimizeMode, prepareForOptimization, requestConcurrentOptimization, requestOptimization,
} from '../v8/control.js';
import { makeTierProbe, observeTier } from '../v8/probes.js';
import { v8Refusal } from '../v8/classify.js';
import { v8 } from '../v8/state.js';
import { isOptimizedTier, recordTier, trackFunction, watchTier } from '../runtime/tierwatch.js';
import { recordRun, runSamples } from '../runtime/samples.js';
import { runSampleSlices } from '../runtime/warmup-queue.js';
import { scheduleWarmup } from './warmup.js';
import { watchFunction } from './watch.js';
import { gatedWrapper, type GateState } from '../wrap/gated.js';
import type { AnyFunction, Availability, AvailabilityQuery, FunctionRecord, Hint, HintTarget, RuntimeFacts, Strategy } from '../types.js';

function note(record: FunctionRecord, text: string): void {
  if (!record.fallbacks.includes(text)) record.fallbacks.push(text);
}

/** Prepare + optimize, noting a refusal in the record. */
function optimize(fn: AnyFunction, record: FunctionRecord): 'eager' | 'next-call' | null {
  const outcome = requestOptimization(fn);
  if (!outcome.ok) {
    note(record, `v8: not optimized: ${outcome.reason}`);
    return null;
  }
  record.compiles++;
  return outcome.mode ?? null;
}

/** Attempts at getting a warmed-up function into TurboFan (see optimizeWarm). */
export const OPTIMIZE_ATTEMPTS = 3;

/** Re-optimizations jitFocus makes after deopts on real calls (the watch), at most. */
export const MAX_REOPTIMIZATIONS = 4;

export const UNCOVERED_WARNING = 'deopted on real calls after its warm-up: real calls take a branch or a type the samples ' +
  'did not (another score, another string, doubles where the samples had integers, another array kind); jitctl ' +
  're-optimized it once those calls had widened its feedback. Add samples shaped like real traffic so that the ' +
  'first real calls run optimized code too';

export const UNSTABLE_WARNING = `V8 does not keep it optimized: it deopted again after ${MAX_REOPTIMIZATIONS} re-optimizations, ` +
  'so its inputs keep changing type or shape. Give it stable inputs (one object shape, numbers of one kind, one ' +
  'array element kind), split it per input type, or hint it with jitOnce';

function warn(record: FunctionRecord, text: string): void {
  if (!record.warnings.includes(text)) record.warnings.push(text);
}

// Blocks the thread for about `ms` milliseconds (only ever 1 ms, at most a few times per hint, at
// decoration): time for a compile V8 started on a background thread to finish.
const sleepCell = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : null;
function pause(ms: number): void {
  if (sleepCell) Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * Optimizes a function that has had its sample calls, and checks that it is then in optimized
 * code, trying again up to OPTIMIZE_ATTEMPTS times. Two things make the first request miss
 * (bench/fidelity.ts, docs/decisions.md):
 *   - V8 itself queued a concurrent compile during the sample calls (a loop over a 256-element
 *     sample exhausts its budget); while that compile runs, %OptimizeFunctionOnNextCall is ignored
 *     and the compiling call runs bytecode (Node 20, 22). After a pause the job is done and the
 *     next call installs it.
 *   - The compiling call deopted the fresh code (an array literal's map changed under
 *     `xs.map(...)`): the deopt itself widened the feedback, so the next request sticks.
 * Returns whether the function ended in optimized code.
 */
function optimizeWarm(fn: AnyFunction, record: FunctionRecord, samples: ReadonlyArray<ReadonlyArray<unknown>>,
  thisArg: unknown): boolean {
  for (let attempt = 0; attempt < OPTIMIZE_ATTEMPTS; attempt++) {
    const mode = optimize(fn, record);
    if (!mode) return false;
    // On next call: one more sample call compiles it, so that the first real call runs optimized code.
    if (mode === 'next-call' && !sampleCalls(fn, record, samples, 1, thisArg)) return false;
    if (isOptimizedTier(observeTier(fn))) return true;
    pause(1);
    if (!sampleCalls(fn, record, samples, samples.length, thisArg)) return false;
    if (isOptimizedTier(observeTier(fn))) return true;
  }
  return false;
}

function sampleCalls(fn: AnyFunction, record: FunctionRecord, samples: ReadonlyArray<ReadonlyArray<unknown>>,
  calls: number, thisArg: unknown): boolean {
  const run = runSamples(fn, samples, calls, thisArg, record);
  recordRun(record, run);
  if (run.error === undefined) return true;
  note(record, 'v8: not optimized: a sample call threw, so the feedback is incomplete');
  return false;
}

/** sampleCalls in slices that yield between them (warmupAsync), from sample `first`. */
function* sampleSlices(fn: AnyFunction, record: FunctionRecord, samples: ReadonlyArray<ReadonlyArray<unknown>>,
  calls: number, thisArg: unknown, first: number): Generator<void, boolean, void> {
  const run = yield* runSampleSlices(fn, samples, calls, thisArg, record, first);
  recordRun(record, run);
  if (run.error === undefined) return true;
  note(record, 'v8: not optimized: a sample call threw, so the feedback is incomplete');
  return false;
}

/** One sample call (V8 compiles the function on it), then Prepare; false, noted, when either fails. */
function firstCallThenPrepare(fn: AnyFunction, record: FunctionRecord, samples: ReadonlyArray<ReadonlyArray<unknown>>,
  thisArg: unknown): boolean {
  if (!sampleCalls(fn, record, samples, 1, thisArg)) return false;
  const prepared = prepareForOptimization(fn);
  if (prepared.ok) return true;
  note(record, `v8: not optimized: ${prepared.reason}`);
  return false;
}

/**
 * After its warm-up, a focused function is watched between event-loop turns (no wrapper): when a
 * look finds it deopted, it is re-prepared and re-optimized, since the real calls since the deopt
 * have widened its feedback; at most MAX_REOPTIMIZATIONS times, each said in stats() warnings.
 */
function watchFocus(fn: AnyFunction, record: FunctionRecord): void {
  trackFunction(record, fn);
  let reoptimized = 0;
  // TurboFan at the last look; a look that finds it lower (bytecode, or Maglev that V8 chose after
  // a deopt) means it dropped out in between, whoever else noticed the drop first.
  let wasTurbofan = observeTier(fn) === 'turbofan';
  // A re-optimization asked for and not yet seen in TurboFan. Its code can be installed and dropped
  // again between two looks (looks grow a second apart): once V8 no longer has it pending, a look
  // that finds the function below TurboFan counts that as a drop too, or it would never be retried.
  let requested = false;
  watchFunction(fn, {
    record,
    forever: true,
    onLook(target, tier) {
      if (tier === 'turbofan' || tier === 'unknown') {
        wasTurbofan = tier === 'turbofan';
        if (wasTurbofan) requested = false;
        return true;
      }
      const droppedUnseen = requested && optimizationPending(target) === false;
      if (!wasTurbofan && !droppedUnseen) return true;
      wasTurbofan = false;
      if (reoptimized >= MAX_REOPTIMIZATIONS) {
        warn(record, UNSTABLE_WARNING);
        return false;
      }
      reoptimized++;
      // On a background thread: the next real call starts the job, V8 installs the code a few calls
      // later, and no request pays for a compile on the main thread (bench/handler.ts).
      const outcome = requestConcurrentOptimization(target);
      if (!outcome.ok) {
        note(record, `v8: not re-optimized: ${outcome.reason}`);
        return false;
      }
      warn(record, UNCOVERED_WARNING);
      record.compiles++;
      const now = observeTier(target);
      recordTier(record, now);
      wasTurbofan = now === 'turbofan';
      requested = !wasTurbofan;
      return true;
    },
  });
}

// Captured at import: widening never calls a method user code may have replaced since.
const stringSlice = Function.prototype.call.bind(String.prototype.slice) as (s: string, start: number, end?: number) => string;

/**
 * A string with the contents of `s` that V8 has not internalized. String literals in samples are
 * internalized strings, and TurboFan compiles `s === 'gold'` against them as a pointer compare
 * guarded by an instance-type check; a string a real call built (parsed, sliced, decoded,
 * concatenated) fails that check and deopts ("wrong instance type", bench/handler.ts). Called once
 * with such a copy, each comparison records "any string" instead. Equal contents, so the call
 * means the same: JS cannot tell two equal strings apart.
 */
function uninternalized(s: string): string {
  return s.length < 2 ? s : stringSlice(`${s}\u0000`, 0, -1);
}

/**
 * The samples, plus for every sample with a string argument (top-level only) the same sample
 * with each string replaced by an uninternalized copy: warm-up then covers the strings real calls
 * pass, not only literals. Every sample gets its twin, since each one reaches its own comparisons.
 */
export function widenSamples(samples: ReadonlyArray<ReadonlyArray<unknown>>): ReadonlyArray<ReadonlyArray<unknown>> {
  const out = samples.slice();
  for (const sample of samples) {
    if (!sample.some((a) => typeof a === 'string' && a.length > 1)) continue;
    out.push(sample.map((a) => (typeof a === 'string' ? uninternalized(a) : a)));
  }
  return out;
}

function applyFocus(target: HintTarget): AnyFunction {
  const { fn, record, options } = target;
  trackFunction(record, fn);

  if (options.samples.length > 0 && options.warmup > 0) {
    // `warmup` sample calls in all, the first and the one that compiles on next call included; but
    // V8 needs a few feedback calls after Prepare before an optimization request takes
    // (MIN_FEEDBACK_CALLS), so never fewer. String samples also run as uninternalized copies
    // (widenSamples), at least once each.
    const samples = widenSamples(options.samples);
    const compileCall = optimizeMode() === 'next-call' ? 1 : 0;
    const calls = Math.max(options.warmup - compileCall - 1, MIN_FEEDBACK_CALLS, samples.length > options.samples.length ? samples.length : 0);
    return scheduleWarmup(target, function* (thisArg) {
      if (!firstCallThenPrepare(fn, record, samples, thisArg)) return;
      if (!(yield* sampleSlices(fn, record, samples, calls, thisArg, 1))) return;
      const reached = optimizeWarm(fn, record, samples, thisArg);
      watchTier(record, fn);
      if (record.compiles > 0 && !reached) {
        // V8 may decline (a function too big to optimize, a sample that deopts it every time).
        note(record, `v8: V8 did not keep it optimized (${record.observedTier} after ${OPTIMIZE_ATTEMPTS} requests)`);
      }
      if (record.compiles > 0) watchFocus(fn, record);
    });
  }

  // No samples (or warmup: 0): the first real calls give the feedback (Prepare after the first
  // one), then it is optimized, so that the call after them runs optimized code (compiled at once
  // where V8 compiles eagerly, by that call itself otherwise).
  let remaining = options.samples.length > 0 ? MIN_FEEDBACK_CALLS : Math.max(options.warmup, MIN_FEEDBACK_CALLS);
  let prepared = false;
  const state: GateState = {
    fn,
    gated: true,
    before(): void { /* feedback comes from the call itself */ },
    after(): void {
      if (!prepared) {
        prepared = true;
        const outcome = prepareForOptimization(fn);
        if (!outcome.ok) {
          state.gated = false;
          note(record, `v8: not optimized: ${outcome.reason}`);
          return;
        }
      }
      if (--remaining > 0) return;
      state.gated = false;
      if (optimize(fn, record)) watchFocus(fn, record);
      watchTier(record, fn);
    },
  };
  return gatedWrapper(state, record.analysis);
}

function applyIgnore(target: HintTarget): AnyFunction {
  const outcome = neverOptimize(target.fn);
  if (!outcome.ok) throw new Error(outcome.reason);
  // Observed once, not tracked: its tier cannot change any more, and a WeakRef to every ignored
  // function would keep all of them alive until the end of a synchronous loop that hints many.
  watchTier(target.record, target.fn);
  return target.fn;
}

/** NeverOptimize + Deoptimize (neverOptimize does both): the function stays in bytecode from now on. */
function pin(fn: AnyFunction, record: FunctionRecord): void {
  const outcome = neverOptimize(fn);
  if (!outcome.ok) {
    note(record, `v8: could not pin: ${outcome.reason}`);
    return;
  }
  record.pinned = true;
}

/**
 * jitOnce: no wrapper. With samples, the function is prepared, called with every sample (feedback
 * covering all the types it will see: polymorphic, not specialized on the first) and optimized
 * once, so that the optimized code does not deopt when the types alternate. With or without
 * samples, it is then watched between event-loop turns (lib/tiers/watch.ts), and pinned
 * (NeverOptimize + Deoptimize) once maxDeopts deopts have been seen. A synchronous burst of calls
 * runs exactly as unhinted: nothing runs per call (docs/decisions.md has the measurements).
 */
function watchOnce(fn: AnyFunction, record: FunctionRecord, maxDeopts: number): void {
  trackFunction(record, fn);
  watchFunction(fn, {
    record,
    forever: true,
    onLook(target) {
      if (record.pinned) return false;
      if (record.deopts < maxDeopts) return true;
      pin(target, record);
      recordTier(record, observeTier(target), true);
      return false;
    },
  });
}

function applyOnce(target: HintTarget): AnyFunction {
  const { fn, record, options } = target;
  if (options.maxDeopts === 0) {
    pin(fn, record);
    if (!record.pinned) throw new Error('could not pin');
    trackFunction(record, fn);
    return fn;
  }
  if (!makeTierProbe(fn)) throw new Error('the function\'s tier cannot be observed');
  const maxDeopts = options.maxDeopts;
  if (options.samples.length === 0 || options.warmup === 0) {
    watchOnce(fn, record, maxDeopts);
    return fn;
  }
  return scheduleWarmup(target, function* (thisArg) {
    // Every sample at least once: the feedback must hold every type before the one compile.
    const samples = widenSamples(options.samples);
    const calls = Math.max(options.warmup - 1, samples.length, MIN_FEEDBACK_CALLS);
    if (firstCallThenPrepare(fn, record, samples, thisArg) && (yield* sampleSlices(fn, record, samples, calls, thisArg, 1))) {
      optimizeWarm(fn, record, samples, thisArg);
    }
    watchTier(record, fn);
    watchOnce(fn, record, maxDeopts);
  });
}

const NEEDED_INTRINSICS: Record<Hint, readonly string[]> = {
  // %IsWasmCode for every hint: without it, asm.js exports cannot be kept out of the intrinsics' reach.
  // %GetOptimizationStatus for focus: a function is prepared only once it is compiled (isCompiled).
  focus: ['IsWasmCode', 'GetOptimizationStatus', 'PrepareFunctionForOptimization', 'ActiveTierIsTurbofan', 'ActiveTierIsIgnition'],
  ignore: ['IsWasmCode', 'NeverOptimizeFunction', 'DeoptimizeFunction'],
  once: ['IsWasmCode', 'NeverOptimizeFunction', 'DeoptimizeFunction', 'ActiveTierIsTurbofan', 'ActiveTierIsIgnition'],
};

/** Why this tier cannot serve `hint` on this runtime (independent of the function), or null. */
function runtimeRefusal(hint: Hint, runtime: RuntimeFacts): string | null {
  const state = v8();
  if (!runtime.runsV8) return `not V8 (${runtime.label})`;
  if (runtime.jitless) return 'no optimizing JIT (--jitless or TurboFan and Maglev off)';
  if (state.nativesSyntax === 'unavailable') return `V8 natives syntax unavailable (${state.nativesSyntaxError ?? 'unknown reason'})`;
  const intrinsics = state.intrinsics as Record<string, unknown>;
  const absent = NEEDED_INTRINSICS[hint].filter((name) => !intrinsics[name]);
  if (absent.length > 0) return `missing V8 intrinsics: ${absent.map((n) => `%${n}`).join(', ')}`;
  if (hint === 'focus' && !state.optimizeMode) return 'no way to request optimization on this V8';
  return null;
}

function servedReason(hint: Hint): string {
  const { v8Version, turbofan, optimizeMode } = v8();
  const v = `V8 ${v8Version}`;
  switch (hint) {
    case 'focus': return `${v}: first call, prepare, feedback, then ${optimizeMode === 'eager' ? 'eager' : 'on-next-call'} ${turbofan ? 'TurboFan' : 'Maglev'}`;
    case 'ignore': return `${v}: never optimized (NeverOptimize + Deoptimize)`;
    case 'once': return `${v}: deopts counted, pinned after maxDeopts`;
  }
}

function availability({ hint, fn, runtime }: AvailabilityQuery): Availability {
  const refusedHere = runtimeRefusal(hint, runtime);
  if (refusedHere) return { ok: false, reason: refusedHere };
  const refusal = fn ? v8Refusal(hint, fn) : null;
  if (refusal) return { ok: false, reason: refusal };
  return { ok: true, reason: servedReason(hint) };
}

export const v8Strategy: Strategy = Object.freeze({
  tier: 'v8' as const,
  availability,
  apply(target: HintTarget): AnyFunction {
    switch (target.record.hint) {
      case 'focus': return applyFocus(target);
      case 'ignore': return applyIgnore(target);
      case 'once': return applyOnce(target);
    }
  },
});
