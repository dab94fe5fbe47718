// The queue of `when: 'manual'` warm-ups, and the runs over it: warmup() runs each queued warm-up
// to its end; warmupAsync() gives the event loop a turn before each function and between slices
// of one function's sample calls. Both stop starting new functions past a time budget, report
// what ran and what is left, and tell onProgress after each function.
//
// A warm-up is a generator (the strategies write them): it yields between slices of sample calls
// (runSampleSlices). Outside warmupAsync() a slice is the whole run, so a warm-up at decoration or
// on the first call, driven by runToEnd, makes exactly the calls runSamples would.

import { describeValue } from '../describe.js';
import { onRecordDropped } from './registry.js';
import { message, runSamples, type SampleRun } from './samples.js';
import type { AnyFunction, FunctionRecord } from '../types.js';

const now = (): number => (typeof performance === 'object' ? performance.now() : Date.now());

export interface WarmupReportEntry {
  id: number;
  name: string;
  state: FunctionRecord['warmup']['state'];
  calls: number;
  ms: number;
  error?: string;
}

/** A function whose manual warm-up did not start because the time budget ran out. */
export interface WarmupPendingEntry {
  id: number;
  name: string;
}

/** What warmup() did: one entry per function whose manual warm-up ran. */
export interface WarmupReport {
  functions: WarmupReportEntry[];
  calls: number;
  ms: number;
  failed: number;
  /** Not started because `budgetMs` ran out: still queued, in order, for the next warmup(). */
  pending: WarmupPendingEntry[];
}

/** What onProgress is told after each function's manual warm-up. */
export interface WarmupProgress {
  /** Functions warmed up so far by this call, this one included. */
  done: number;
  /** Functions queued when this call started. */
  total: number;
  function: WarmupReportEntry;
}

/** Options of warmup() and warmupAsync(). */
export interface WarmupOptions {
  /**
   * Time budget in milliseconds: no function's warm-up starts once this much time has passed since
   * the call (one that started runs to its end). What did not start is in `pending`.
   */
  budgetMs?: number;
  /** Called after each function's warm-up (synchronously, between two functions). */
  onProgress?: (progress: WarmupProgress) => void;
}

/** Options of warmupAsync(). */
export interface WarmupAsyncOptions extends WarmupOptions {
  /** Longest run of sample calls between two turns of the event loop, in milliseconds (a single call may take longer). */
  sliceMs?: number;
}

/** warmupAsync()'s default `sliceMs`: short enough for a server to answer between two slices. */
export const DEFAULT_SLICE_MS = 10;

/** A warm-up's steps: it yields between slices of sample calls, where warmupAsync() lets the event loop run. */
export type WarmupSteps = Generator<void, void, void>;

/** Longest slice of sample calls of the warm-up that runs now; Infinity (one slice) but under warmupAsync(). */
let sliceMs = Infinity;

/** Runs a warm-up's steps to their end, in one go. */
export function runToEnd(steps: WarmupSteps | void): void {
  if (!steps) return;
  for (let step = steps.next(); !step.done; step = steps.next()) { /* no turn to give */ }
}

/**
 * runSamples as slices of calls, yielding between slices: the same calls in the same order with
 * the same result as one runSamples (from sample `first`). Outside warmupAsync() it is one slice. A slice is sized from
 * the calls timed so far, to last about sliceMs; the first is one call.
 */
export function* runSampleSlices(fn: AnyFunction, samples: ReadonlyArray<ReadonlyArray<unknown>>, calls: number,
  thisArg: unknown, record?: FunctionRecord, first = 0): Generator<void, SampleRun, void> {
  if (sliceMs === Infinity || calls <= 1 || samples.length === 0) return runSamples(fn, samples, calls, thisArg, record, first);
  const total: SampleRun = { calls: 0, ms: 0 };
  let size = 1;
  while (total.calls < calls) {
    const run = runSamples(fn, samples, Math.min(size, calls - total.calls), thisArg, record, first + total.calls);
    if (run.error !== undefined) {
      // runSamples counts from the first call of its slice; the error names the call of the whole warm-up.
      const error = run.error.replace(/^sample call (\d+)/, (_, n: string) => `sample call ${total.calls + Number(n)}`);
      return { calls: total.calls + run.calls, ms: total.ms + run.ms, error };
    }
    total.calls += run.calls;
    total.ms += run.ms;
    if (total.calls < calls) {
      size = Math.max(1, Math.floor(sliceMs / Math.max(total.ms / total.calls, 1e-3)));
      yield;
    }
  }
  return total;
}

interface ManualJob {
  record: FunctionRecord;
  run: () => WarmupSteps | void;
}

// By record id, in hinting order. A job holds its function and samples (buffers included), so the
// queue is bounded with the registry: when the registry drops a record, its job goes too.
const queue = new Map<number, ManualJob>();

/** What a dropped record says about the manual warm-up it never got. */
export const DROPPED_WARMUP = 'manual warm-up dropped: its record was dropped to keep the registry bounded before warmup() ran';

onRecordDropped((record) => {
  if (!queue.delete(record.id)) return;
  record.warmup.state = 'failed';
  record.warmup.error = DROPPED_WARMUP;
});

/** Queues a `when: 'manual'` warm-up until warmup() runs it; marks the record pending. */
export function scheduleManual(record: FunctionRecord, run: () => WarmupSteps | void): void {
  record.warmup.state = 'pending';
  queue.set(record.id, { record, run });
}

function checkWarmupOptions(caller: string, options: unknown, keys: readonly string[]): WarmupAsyncOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${caller}: options must be an object like { budgetMs: 100 }, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) throw new TypeError(`${caller}: unknown option '${key}'; known options: ${keys.join(', ')}`);
  }
  const given = options as WarmupAsyncOptions;
  for (const key of ['budgetMs', 'sliceMs'] as const) {
    const value = given[key];
    if (value === undefined) continue;
    if (typeof value !== 'number') throw new TypeError(`${caller}: option '${key}' must be a number of milliseconds, got ${describeValue(value)}`);
    if (!(value >= 0) || (key === 'sliceMs' && (value === 0 || value === Infinity))) {
      throw new RangeError(`${caller}: option '${key}' must be ${key === 'sliceMs' ? 'a finite number above 0' : '0 or more (Infinity: no budget)'}, got ${value}`);
    }
  }
  if (given.onProgress !== undefined && typeof given.onProgress !== 'function') {
    throw new TypeError(`${caller}: option 'onProgress' must be a function, got ${describeValue(given.onProgress)}`);
  }
  return given;
}

/** One run over the queue: the jobs queued when it starts, taken one at a time (another run may take some first). */
class QueueRun {
  private readonly ids: number[];
  private next = 0;
  private readonly started = now();
  readonly report: WarmupReport = { functions: [], calls: 0, ms: 0, failed: 0, pending: [] };

  constructor(private readonly options: WarmupOptions) {
    this.ids = Array.from(queue.keys());
  }

  /** The next job to run, taken off the queue; undefined when done or past the budget (what is left is reported pending). */
  take(): ManualJob | undefined {
    while (this.next < this.ids.length) {
      const id = this.ids[this.next];
      const job = queue.get(id);
      if (job === undefined) { this.next++; continue; } // run by another call, or dropped
      if (now() - this.started >= (this.options.budgetMs ?? Infinity)) {
        for (const pendingId of this.ids.slice(this.next)) {
          const left = queue.get(pendingId);
          if (left) this.report.pending.push({ id: left.record.id, name: left.record.name });
        }
        this.next = this.ids.length;
        return undefined;
      }
      this.next++;
      queue.delete(id);
      return job;
    }
    return undefined;
  }

  /** Starts a job: its steps, or undefined when it ran (or failed) at once. */
  start(job: ManualJob): { steps: WarmupSteps | void; before: { calls: number; ms: number } } {
    const before = { calls: job.record.warmup.calls, ms: job.record.warmup.ms };
    try {
      return { steps: job.run(), before };
    } catch (error) {
      this.fail(job, error);
      return { steps: undefined, before };
    }
  }

  fail(job: ManualJob, error: unknown): void {
    job.record.warmup.state = 'failed';
    job.record.warmup.error = message(error);
  }

  /** Records what a job did and tells onProgress. */
  finish(job: ManualJob, before: { calls: number; ms: number }): void {
    const w = job.record.warmup;
    if (w.state === 'pending') w.state = 'done';
    const entry: WarmupReportEntry = {
      id: job.record.id,
      name: job.record.name,
      state: w.state,
      calls: w.calls - before.calls,
      ms: w.ms - before.ms,
    };
    if (w.error !== undefined) entry.error = w.error;
    const report = this.report;
    report.functions.push(entry);
    report.calls += entry.calls;
    report.ms += entry.ms;
    if (w.state === 'failed') report.failed++;
    this.options.onProgress?.({ done: report.functions.length, total: this.ids.length, function: { ...entry } });
  }
}

/**
 * Runs the queued manual warm-ups once each, in hinting order, and reports what ran; with
 * `budgetMs`, stops starting new ones once the budget is spent. A failing warm-up is recorded,
 * never thrown; an error thrown by onProgress stops the run and propagates (what did not run stays queued).
 */
export function runPendingWarmups(options?: WarmupOptions): WarmupReport {
  const run = new QueueRun(checkWarmupOptions('warmup', options, ['budgetMs', 'onProgress']));
  for (let job = run.take(); job; job = run.take()) {
    const { steps, before } = run.start(job);
    try {
      runToEnd(steps);
    } catch (error) {
      run.fail(job, error);
    }
    run.finish(job, before);
  }
  return run.report;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => {
  if (typeof setImmediate === 'function') setImmediate(resolve);
  else setTimeout(resolve, 0);
});

/**
 * runPendingWarmups without blocking the event loop: it gives the event loop a turn before each
 * function and between slices of at most `sliceMs` of one function's sample calls. Nothing runs
 * before it returns its promise. Rejects on bad options or when onProgress throws.
 */
export async function runPendingWarmupsAsync(options?: WarmupAsyncOptions): Promise<WarmupReport> {
  const checked = checkWarmupOptions('warmupAsync', options, ['budgetMs', 'onProgress', 'sliceMs']);
  await nextTurn();
  const run = new QueueRun(checked);
  const slice = checked.sliceMs ?? DEFAULT_SLICE_MS;
  for (let job = run.take(); job; job = run.take()) {
    const { steps, before } = withSlices(slice, () => run.start(job));
    if (steps) {
      for (;;) {
        let done: boolean | undefined;
        try {
          done = withSlices(slice, () => steps.next().done);
        } catch (error) {
          run.fail(job, error);
          break;
        }
        if (done) break;
        await nextTurn();
      }
    }
    run.finish(job, before);
    await nextTurn();
  }
  return run.report;
}

/** Runs `step` with sample calls sliced to `ms` (sliceMs is read by runSampleSlices while a step runs). */
function withSlices<T>(ms: number, step: () => T): T {
  const outer = sliceMs;
  sliceMs = ms;
  try {
    return step();
  } finally {
    sliceMs = outer;
  }
}
