// The native tier's adaptive choice: a kernel is not always faster than V8's own optimized code
// (a call into the addon costs about 100-250 ns, which a small kernel does not win back). Once a
// function has run enough calls to be worth judging (MIN_JUDGE_CALLS, and an estimated
// MIN_TOTAL_MS of kernel time), real calls are measured: first a few run the JS function so that
// V8 has feedback and is asked to optimize it (lib/v8/control.ts, the guarded entry points), then
// batches alternate between the kernel and the JS function, each call timed with its wrapper
// overhead. The faster path is kept until a re-check RECHECK_FACTOR times as many calls later.
// Both paths compute exactly the same result, so alternating between them is safe. Where the v8
// tier is not available (no intrinsics, another engine) nothing is measured: the kernel is kept.

import { prepareForOptimization, requestOptimization } from '../v8/control.js';
import { observeTier } from '../v8/probes.js';
import { isOptimizedTier } from '../runtime/tierwatch.js';
import type { AnyFunction, NativeRecord } from '../types.js';

/** Calls before a function is judged at all. */
export const MIN_JUDGE_CALLS = 200;
/** Estimated milliseconds of kernel time before it is worth measuring against V8. */
export const MIN_TOTAL_MS = 2;
/** Kernel calls timed to estimate the time a call takes. */
export const PROBE_CALLS = 16;
/** Calls of the JS function that give V8 its feedback before it is asked to optimize. */
export const FEEDBACK_CALLS = 6;
/** Optimization requests per try before the comparison is put off (V8's code not optimized yet). */
export const OPTIMIZE_ATTEMPTS = 3;
/** Tries put off (each after twice the calls so far) before V8's code is measured as it is. */
export const MAX_POSTPONEMENTS = 3;
/** Calls per timed batch, and batches per path. */
export const BATCH_CALLS = 8;
export const ROUNDS = 6;
/** The next judgement comes after this many times the calls so far. */
export const RECHECK_FACTOR = 100;
/** Calls a measurement may take (calls that match no kernel do not count) before it gives up. */
export const MAX_MEASURED_CALLS = 4_000;

/** How the wrapper routes calls: the kernel, V8's code (the JS function), or through measure(). */
export const Route = { Kernel: 0, V8: 1, Measure: 2 } as const;
export type Route = (typeof Route)[keyof typeof Route];

/** What the choice needs from the wrapper it steers. */
export interface ChoiceHost {
  readonly fn: AnyFunction;
  readonly record: NativeRecord;
  calls: number;
  tickAt: number;
  route: Route;
  /** Whether any signature has a kernel. */
  hasKernel(): boolean;
  /** Runs the call on a kernel when one takes it (arity, Math, signature): its result, or `missed`. */
  tryKernel(thisArg: unknown, args: ArrayLike<unknown>, missed: object): unknown;
  /** Something the record should say (why V8 could not be compared). */
  note(text: string): void;
}

type Phase = 'probe' | 'feedback' | 'compile' | 'check' | 'compare';

const NOT_RUN: object = Object.freeze({ jitctl: 'not run on the kernel' });

let clockNs: (() => number) | null = null;
let timerOverheadNs = 0;

// performance.now where there is one (sub-microsecond on Node, Deno, Bun), process.hrtime otherwise;
// the cost of reading it twice is measured once and taken off every timed call.
function clock(): () => number {
  if (clockNs) return clockNs;
  const perf = (globalThis as { performance?: { now?: () => number } }).performance;
  const read = perf && typeof perf.now === 'function' ? perf.now.bind(perf) : null;
  const made = read ? () => read() * 1e6 : () => Number(process.hrtime.bigint());
  let least = Infinity;
  for (let i = 0; i < 32; i++) {
    const t0 = made();
    least = Math.min(least, made() - t0);
  }
  timerOverheadNs = Number.isFinite(least) ? least : 0;
  clockNs = made;
  return made;
}

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export class AdaptiveChoice {
  private phase: Phase = 'probe';
  private judged = false;
  private left = 0;
  private prepared = false;
  private probeNs = 0;
  private probeCalls = 0;
  private batch = 0;
  private inBatch = 0;
  private batchNs = 0;
  private readonly means: [number[], number[]] = [[], []];
  private measured = 0;
  private attempts = 0;
  private postponed = 0;

  constructor(
    private readonly host: ChoiceHost,
    private readonly compareWithV8: boolean,
    private readonly isOptimized: (fn: AnyFunction) => boolean = (fn) => isOptimizedTier(observeTier(fn)),
  ) {
    host.tickAt = MIN_JUDGE_CALLS;
    // Where nothing can be compared, a kernel wins by default.
    host.record.choice = !compareWithV8 && host.hasKernel() ? 'native' : 'pending';
  }

  /** Called by the wrapper when host.calls reaches host.tickAt. */
  tick(): void {
    const { host } = this;
    if (!this.compareWithV8) {
      // Nothing to compare with: the kernel stays, and no more ticks come.
      if (host.hasKernel()) host.record.choice = 'native';
      host.tickAt = host.hasKernel() ? -1 : host.calls * 4;
      return;
    }
    if (!host.hasKernel()) {
      host.tickAt = host.calls * 4;
      return;
    }
    this.start(this.judged ? 'feedback' : 'probe');
  }

  private start(phase: Phase): void {
    this.phase = phase;
    this.left = FEEDBACK_CALLS;
    this.prepared = false;
    this.probeNs = 0;
    this.probeCalls = 0;
    this.batch = 0;
    this.inBatch = 0;
    this.batchNs = 0;
    this.means[0].length = 0;
    this.means[1].length = 0;
    this.measured = 0;
    this.attempts = 0;
    this.host.route = Route.Measure;
  }

  /** One call while measuring: its result, exactly what the JS function gives. */
  measure(thisArg: unknown, args: ArrayLike<unknown>): unknown {
    const { host } = this;
    if (++this.measured > MAX_MEASURED_CALLS) {
      // Too few calls a kernel takes to finish the measurement (see finish).
      this.finish(null);
      return this.runJs(thisArg, args);
    }
    switch (this.phase) {
      case 'probe': {
        const now = clock();
        const t0 = now();
        const result = host.tryKernel(thisArg, args, NOT_RUN);
        const t1 = now();
        if (result === NOT_RUN) return this.runJs(thisArg, args);
        this.probeNs += Math.max(0, t1 - t0 - timerOverheadNs);
        if (++this.probeCalls >= PROBE_CALLS) this.afterProbe();
        return result;
      }
      case 'feedback': {
        const result = this.runJs(thisArg, args);
        if (!this.prepared) {
          this.prepared = true;
          const prepared = prepareForOptimization(host.fn);
          if (!prepared.ok) host.note(`native: V8's code not measured: ${prepared.reason}`);
        }
        if (--this.left <= 0) {
          const outcome = requestOptimization(host.fn);
          if (!outcome.ok) {
            host.note(`native: V8's code measured unoptimized: ${outcome.reason}`);
            this.phase = 'compare';
          } else {
            this.attempts++;
            // On next call: the next call compiles it (not timed); eager: it is compiled already.
            this.phase = outcome.mode === 'next-call' ? 'compile' : 'check';
          }
        }
        return result;
      }
      case 'compile': {
        const result = this.runJs(thisArg, args);
        this.phase = 'check';
        return result;
      }
      case 'check': {
        // V8 may ignore a request while a compile it queued itself is running: give it a few
        // more calls and ask again, so that the kernel is measured against optimized code.
        const result = this.runJs(thisArg, args);
        if (this.isOptimized(host.fn)) {
          this.phase = 'compare';
        } else if (this.attempts < OPTIMIZE_ATTEMPTS) {
          this.phase = 'feedback';
          this.left = FEEDBACK_CALLS;
        } else if (this.postponed < MAX_POSTPONEMENTS) {
          // Measured now, V8's code would be its interpreter or baseline code (a speedup of 20x
          // that says nothing; V8's compile thread may still be busy with an OSR compile of the
          // function's loop): the kernel runs on and the comparison starts again later.
          this.postponed++;
          host.note('native: the comparison with V8 waits until V8 has optimized the function');
          host.route = Route.Kernel;
          host.tickAt = host.calls * 2;
        } else {
          host.note("native: V8's code measured before V8 optimized it");
          this.phase = 'compare';
        }
        return result;
      }
      case 'compare':
        return this.compare(thisArg, args);
    }
  }

  private runJs(thisArg: unknown, args: ArrayLike<unknown>): unknown {
    this.host.record.fallbackCalls++;
    return Reflect.apply(this.host.fn, thisArg, args);
  }

  private afterProbe(): void {
    const { host } = this;
    const perCallNs = this.probeNs / this.probeCalls;
    const estimatedMs = (perCallNs * host.record.kernelCalls) / 1e6;
    if (estimatedMs < MIN_TOTAL_MS) {
      // Not enough time spent in it yet to be worth a measurement: look again later.
      host.route = Route.Kernel;
      host.tickAt = host.calls * 4;
      return;
    }
    this.judged = true;
    this.phase = 'feedback';
  }

  private compare(thisArg: unknown, args: ArrayLike<unknown>): unknown {
    const native = this.batch % 2 === 0;
    const now = clock();
    let result: unknown;
    let t0: number;
    let t1: number;
    if (native) {
      t0 = now();
      result = this.host.tryKernel(thisArg, args, NOT_RUN);
      t1 = now();
      if (result === NOT_RUN) return this.runJs(thisArg, args);
    } else {
      this.host.record.fallbackCalls++;
      t0 = now();
      result = Reflect.apply(this.host.fn, thisArg, args);
      t1 = now();
    }
    this.batchNs += Math.max(0, t1 - t0 - timerOverheadNs);
    if (++this.inBatch >= BATCH_CALLS) {
      this.means[native ? 0 : 1].push(this.batchNs / this.inBatch);
      this.inBatch = 0;
      this.batchNs = 0;
      if (++this.batch >= 2 * ROUNDS) this.finish(median(this.means[1]) / Math.max(median(this.means[0]), 1e-3));
    }
    return result;
  }

  /**
   * A kernel was replaced (compiled again without speculation after it declined a call): what was
   * measured was another kernel, so the next judgement comes within MIN_JUDGE_CALLS calls instead
   * of a recheck's wait. A measurement under way goes on.
   */
  kernelChanged(): void {
    const { host } = this;
    if (!this.compareWithV8 || host.route === Route.Measure || host.tickAt < 0) return;
    host.tickAt = Math.min(host.tickAt, host.calls + MIN_JUDGE_CALLS);
  }

  /**
   * Ends a measurement: `speedup` (V8 time / kernel time), or null when the kernels took too few
   * of MAX_MEASURED_CALLS calls to measure. Such calls match no kernel's signature or are declined
   * by a kernel's entry guards (an output array shorter than the input its loop runs over): each
   * costs the JS function plus the detour through the kernels, so V8's code runs them directly
   * until the recheck, which tries the kernels again.
   */
  private finish(speedup: number | null): void {
    const { host } = this;
    if (speedup !== null && Number.isFinite(speedup)) {
      host.record.speedup = Math.round(speedup * 1000) / 1000;
      host.record.choice = speedup >= 1 ? 'native' : 'v8';
    } else {
      host.record.choice = 'v8';
      host.note(`native: the kernels took too few of ${MAX_MEASURED_CALLS} calls to be measured (no kernel for their arguments, or declined): V8's code runs them`);
    }
    host.route = host.record.choice === 'v8' ? Route.V8 : Route.Kernel;
    host.tickAt = Math.max(host.calls, MIN_JUDGE_CALLS) * RECHECK_FACTOR;
    this.judged = true;
    this.postponed = 0;  // a later look may put its comparison off again
  }
}
