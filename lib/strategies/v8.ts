// The v8 tier: V8's own per-function controls, through the guarded entry points in lib/backend.ts
// (which also pick eager or on-next-call optimization for the running V8; nothing here looks at
// versions). Every intrinsic call is made there, after checks that keep the aborting cases of
// docs/v8.md out of reach, and is re-checked at the moment it is made.
//
//   jitFocus  a first call, Prepare, more feedback (the samples, or the first real calls), then optimize, so that
//             the first real call after warm-up runs TurboFan code. With samples run at decoration
//             or by warmup(), the function itself is returned: nothing runs per call.
//   jitIgnore NeverOptimize + Deoptimize; the function itself is returned.
//   jitOnce   a thin wrapper counts deopts with %ActiveTierIs* checks and pins the function
//             (NeverOptimize + Deoptimize) after maxDeopts; once pinned it only forwards.

import {
  MIN_FEEDBACK_CALLS, deoptimize, makeOptimizedProbe, makeTierProbe, neverOptimize, optimizeMode,
  prepareForOptimization, requestOptimization,
} from '../backend.js';
import { isOptimizedTier, recordTier, watchTier } from '../tierwatch.js';
import { recordRun, runSamples } from '../warmup.js';
import { runSampleSlices } from '../warmup-queue.js';
import { scheduleWarmup } from './warmup.js';
import { copyIdentity, forward } from '../forwarding.js';
import { compileWrapper, gatedWrapper, type GateState } from './wrapper.js';
import type { AnyFunction, FunctionRecord, HintTarget, Strategy } from '../types.js';

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

// V8 compiles a function on its first call. Prepare (and every optimization request) on a
// function that never ran would compile it inside the intrinsic, and a compile that fails there
// (near the stack limit) aborts the process; so a focused function is prepared right after its
// first call returns, and the guards refuse one that is not compiled (backend.NOT_COMPILED).

function applyFocus(target: HintTarget): AnyFunction {
  const { fn, record, options } = target;

  if (options.samples.length > 0 && options.warmup > 0) {
    // `warmup` sample calls in all, the one that compiles on next call included; but V8 needs a
    // few feedback calls after Prepare before an optimization request takes (MIN_FEEDBACK_CALLS).
    const compileCall = optimizeMode() === 'next-call' ? 1 : 0;
    const calls = Math.max(options.warmup - compileCall - 1, MIN_FEEDBACK_CALLS);
    return scheduleWarmup(target, function* (thisArg) {
      const first = runSamples(fn, options.samples, 1, thisArg, record);
      recordRun(record, first);
      if (first.error !== undefined) {
        note(record, 'v8: not optimized: a sample call threw, so the feedback is incomplete');
        return;
      }
      const prepared = prepareForOptimization(fn);
      if (!prepared.ok) {
        note(record, `v8: not optimized: ${prepared.reason}`);
        return;
      }
      const run = yield* runSampleSlices(fn, options.samples, calls, thisArg, record, 1);
      recordRun(record, run);
      if (run.error !== undefined) {
        note(record, 'v8: not optimized: a sample call threw, so the feedback is incomplete');
        return;
      }
      // On next call: one more sample call compiles it, so that the first real call runs optimized code.
      const mode = optimize(fn, record);
      if (mode === 'next-call') recordRun(record, runSamples(fn, options.samples, 1, thisArg, record, 1 + calls));
      watchTier(record, fn);
      if (mode && !isOptimizedTier(record.observedTier)) {
        // V8 may decline (a function too big to optimize, a sample that deopted it at once).
        note(record, `v8: V8 did not keep it optimized (${record.observedTier} right after the request)`);
      }
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
      optimize(fn, record);
      watchTier(record, fn);
    },
  };
  return gatedWrapper(state);
}

function applyIgnore(target: HintTarget): AnyFunction {
  const outcome = neverOptimize(target.fn);
  if (!outcome.ok) throw new Error(outcome.reason);
  return target.fn;
}

function pin(fn: AnyFunction, record: FunctionRecord, wrapper: AnyFunction | null): void {
  const outcome = neverOptimize(fn);
  if (!outcome.ok) {
    note(record, `v8: could not pin: ${outcome.reason}`);
    return;
  }
  record.pinned = true;
  // The wrapper may have inlined fn; drop that code too. The wrapper itself stays optimizable.
  if (wrapper) deoptimize(wrapper);
}

/**
 * jitOnce looks at the tiers on one call in TIER_CHECK_MASK + 1. Each look is one to four
 * %ActiveTierIs* runtime calls (about 60-80 ns per call measured when done on every call, see
 * docs/decisions.md); a deopt leaves a function unoptimized for far more calls than that before
 * V8 optimizes it again, so sampling still sees it.
 */
export const TIER_CHECK_MASK = 15;

/** What a jitOnce wrapper reads on every call; one object per wrapper. */
interface OnceState {
  fn: AnyFunction;
  /** Calls through the wrapper (wraps around; only its low bits matter). */
  calls: number;
  /** Tiers are looked at when calls & mask is 0: TIER_CHECK_MASK, or 0 (every call) in training. */
  mask: number;
  /** The wrapper is being trained (trainOnceWrapper): observe() records nothing. */
  training: boolean;
  pinned: boolean;
  fnWas: boolean;
  wrapperWas: boolean;
  fnOptimized: () => boolean;
  wrapperOptimized: () => boolean;
  observe: (fnNow: boolean, wrapperNow: boolean) => void;
}

// The wrapper's body, compiled per wrapper (wrapper.ts says why): with one shared literal, one
// jitOnce function's churn would deopt, and be counted against, every other jitOnce wrapper.
// Strict, so that `this` reaches fn unchanged (not boxed, not globalThis for undefined).
const ONCE_BODY = String.raw`
  'use strict';
  const apply = Reflect.apply, construct = Reflect.construct;
  const wrapper = function (...args) {
    if (s.pinned) return new.target === undefined ? apply(s.fn, this, args) : construct(s.fn, args, new.target === wrapper ? s.fn : new.target);
    const result = new.target === undefined ? apply(s.fn, this, args) : construct(s.fn, args, new.target === wrapper ? s.fn : new.target);
    if (((s.calls = (s.calls + 1) | 0) & s.mask) !== 0) return result;
    const fnNow = s.fnOptimized();
    const wrapperNow = s.wrapperOptimized();
    if (fnNow !== s.fnWas || wrapperNow !== s.wrapperWas) s.observe(fnNow, wrapperNow);
    return result;
  };
  return wrapper;`;

function makeOnceWrapper(state: OnceState): AnyFunction {
  return compileWrapper(ONCE_BODY, state, (s) => {
    const shared = function (this: unknown, ...args: unknown[]): unknown {
      if (s.pinned) return forward(s.fn, this, args, new.target, shared);
      const result = forward(s.fn, this, args, new.target, shared);
      if (((s.calls = (s.calls + 1) | 0) & s.mask) !== 0) return result;
      const fnNow = s.fnOptimized();
      const wrapperNow = s.wrapperOptimized();
      if (fnNow !== s.fnWas || wrapperNow !== s.wrapperWas) s.observe(fnNow, wrapperNow);
      return result;
    };
    return shared;
  });
}

// V8 allocates a function's feedback vector only after its first few calls (lazy feedback
// allocation); training calls before that teach it nothing, hence a few dozen.
const TRAINING_CALLS = 32;

/**
 * Runs each path of a fresh wrapper on a stand-in function. A path V8 never saw run deopts
 * optimized code the first time it is taken ("insufficient type feedback"), and the wrapper's
 * first observation of a tier change would then count as a deopt of the user's function. The
 * functions the wrapper calls stay the real ones (a call target that changes later deopts too),
 * except fn, whose real calls outnumber the training calls long before V8 optimizes the wrapper.
 */
function trainOnceWrapper(wrapper: AnyFunction, state: OnceState): void {
  const fn = state.fn;
  state.fn = function standIn(): void { /* the training calls' target */ };
  state.training = true;
  try {
    state.mask = 0;
    for (let i = 0; i < TRAINING_CALLS; i++) {
      // A changed tier flag sends the call through observe() (fn itself is not optimized yet).
      state.fnWas = true;
      wrapper();
      state.fnWas = true;
      Reflect.construct(wrapper, []);
    }
    // Every field the wrapper reads is written once: V8 treats a field never written since its
    // object was made as constant, and the first later write deopts code that relied on that.
    state.pinned = true;
    for (let i = 0; i < TRAINING_CALLS; i++) {
      wrapper();
      Reflect.construct(wrapper, []);
    }
  } finally {
    state.pinned = false;
    state.fnWas = false;
    state.wrapperWas = false;
    state.training = false;
    state.calls = 0;
    state.mask = TIER_CHECK_MASK;
    state.fn = fn;
  }
}

function applyOnce(target: HintTarget): AnyFunction {
  const { fn, record, options } = target;
  if (options.maxDeopts === 0) {
    pin(fn, record, null);
    if (!record.pinned) throw new Error('could not pin');
    return fn;
  }
  const fnOptimized = makeOptimizedProbe(fn);
  const fnTier = makeTierProbe(fn);
  if (!fnOptimized || !fnTier) throw new Error('the function\'s tier cannot be observed');
  const maxDeopts = options.maxDeopts;
  const state: OnceState = {
    fn, calls: 0, mask: TIER_CHECK_MASK, training: false, pinned: false, fnWas: false, wrapperWas: false, fnOptimized, wrapperOptimized: () => false,
    // Off the hot path: only runs when either tier flag changed.
    observe(fnNow: boolean, wrapperNow: boolean): void {
      if (state.training) {
        state.wrapperWas = wrapperNow;
        return;
      }
      // Where V8 inlined fn into the wrapper, fn's deopts show as the wrapper's.
      const wrapperDropped = state.wrapperWas && !wrapperNow;
      const fnDropped = watchTier(record, fn, fnTier);
      if (wrapperDropped && !fnDropped) record.deopts++;
      state.fnWas = fnNow;
      state.wrapperWas = wrapperNow;
      if ((fnDropped || wrapperDropped) && record.deopts >= maxDeopts) {
        state.pinned = true;
        pin(fn, record, once);
        recordTier(record, fnTier(), true);
      }
    },
  };
  const once = makeOnceWrapper(state);
  const wrapperProbe = makeOptimizedProbe(once);
  if (wrapperProbe) state.wrapperOptimized = wrapperProbe;
  trainOnceWrapper(once, state);
  const result = copyIdentity(once, fn);
  if (options.samples.length === 0 || options.warmup === 0) return result;
  // Samples give feedback only: V8 optimizes when it sees fit, and the wrapper counts from there.
  return scheduleWarmup({ ...target, fn: result }, function* (thisArg) {
    recordRun(record, yield* runSampleSlices(fn, options.samples, options.warmup, thisArg, record));
  });
}

export const v8Strategy: Strategy = Object.freeze({
  tier: 'v8' as const,
  apply(target: HintTarget): AnyFunction {
    switch (target.record.hint) {
      case 'focus': return applyFocus(target);
      case 'ignore': return applyIgnore(target);
      case 'once': return applyOnce(target);
    }
  },
});
