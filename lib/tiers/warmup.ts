// The warmup tier: for a V8 whose intrinsics cannot be used, call the function with its samples so
// that V8 gathers type feedback before the first real call. No intrinsics, nothing version-specific:
// the function runs as V8 sees fit afterwards. At decoration and 'manual', the function itself is
// returned; 'first-call' needs a thin wrapper that runs the warm-up once, just before the first call.

import { recordRun } from '../runtime/samples.js';
import { runSampleSlices, runToEnd, scheduleManual, type WarmupSteps } from '../runtime/warmup-queue.js';
import { gatedWrapper, type GateState } from '../wrap/gated.js';
import { KIND_REASONS, inspectFunction } from '../v8/classify.js';
import type { Availability, AvailabilityQuery, AnyFunction, HintTarget, SourceAnalysis, Strategy } from '../types.js';

/** A wrapper that runs `once()` just before the first call, then only forwards. */
export function beforeFirstCall(fn: AnyFunction, once: () => void, analysis: SourceAnalysis | null = null): AnyFunction {
  const state: GateState = {
    fn,
    gated: true,
    before(): void {
      // Cleared first: a sample call that calls back into the wrapper must not warm up again.
      state.gated = false;
      once();
    },
    after(): void { /* nothing after */ },
  };
  return gatedWrapper(state, analysis);
}

/**
 * Schedules `warm` as the `when` option says and returns what replaces the function. `warm` is a
 * generator (it yields between slices of sample calls, for warmupAsync()); at decoration and on
 * the first call it runs to its end at once. Warm-up calls
 * always get options.thisArg (undefined unless given) as their receiver, never the receiver of a
 * real call: sample calls must not run on, and change, the user's own objects.
 */
export function scheduleWarmup(target: HintTarget, warm: (thisArg: unknown) => WarmupSteps): AnyFunction {
  const { fn, record, options } = target;
  record.warmup.when = options.when;
  switch (options.when) {
    case 'decoration':
      runToEnd(warm(options.thisArg));
      return fn;
    case 'manual':
      scheduleManual(record, () => warm(options.thisArg));
      return fn;
    case 'first-call':
      record.warmup.state = 'pending';
      return beforeFirstCall(fn, () => runToEnd(warm(options.thisArg)), record.analysis);
  }
}

export const warmupStrategy: Strategy = Object.freeze({
  tier: 'warmup' as const,
  availability({ hint, fn, options, forced, runtime }: AvailabilityQuery): Availability {
    if (hint === 'ignore') return { ok: false, reason: 'warm-up cannot keep a function from being optimized' };
    if (fn && inspectFunction(fn).kind === 'class') return { ok: false, reason: KIND_REASONS.class };
    if (options && options.samples.length === 0) return { ok: false, reason: 'no samples to warm up with' };
    if (!forced && !runtime.runsV8) return { ok: false, reason: `not V8 (${runtime.label})` };
    // Decided by measurement (docs/decisions.md): without a JIT, warm-up calls cost time and buy nothing.
    if (!forced && runtime.jitless) return { ok: false, reason: 'no JIT to warm up (--jitless)' };
    return { ok: true, reason: options ? `${options.samples.length} sample(s), ${options.warmup} call(s) at ${options.when}` : 'sample calls' };
  },
  apply(target: HintTarget): AnyFunction {
    const { fn, record, options } = target;
    if (options.samples.length === 0 || options.warmup === 0) return fn;
    return scheduleWarmup(target, function* (thisArg) {
      recordRun(record, yield* runSampleSlices(fn, options.samples, options.warmup, thisArg, record));
    });
  },
});
