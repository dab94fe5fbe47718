// Warm-up: calling a hinted function with the user's sample arguments so that V8 collects type
// feedback before the first real call. Both the warmup and the v8 tier use it. Sample arguments
// that are typed arrays, DataViews or ArrayBuffers are copied for every call, so a function that
// writes into its arguments never changes the caller's buffers. A sample call that throws (or an
// async one that rejects) marks the warm-up failed with the message; it never propagates.
//
// When it runs is the `when` option: at decoration, on the first real call (the strategy's
// wrapper calls runSamples), or 'manual', queued here until warmup() runs the queue.

import type { AnyFunction, FunctionRecord } from './types.js';

export interface WarmupReportEntry {
  id: number;
  name: string;
  state: FunctionRecord['warmup']['state'];
  calls: number;
  ms: number;
  error?: string;
}

/** What warmup() did: one entry per function whose manual warm-up ran. */
export interface WarmupReport {
  functions: WarmupReportEntry[];
  calls: number;
  ms: number;
  failed: number;
}

export interface SampleRun {
  calls: number;
  ms: number;
  error?: string;
}

const now = (): number => (typeof performance === 'object' ? performance.now() : Date.now());

/** A private copy of one sample argument, where the function could otherwise write into the caller's memory. */
export function copyArgument(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) {
      return new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    }
    const ctor = value.constructor as new (source: ArrayBufferView) => ArrayBufferView;
    return new ctor(value);
  }
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) return value.slice(0);
  return value;
}

function copyArguments(args: ReadonlyArray<unknown>): unknown[] {
  const copy = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) copy[i] = copyArgument(args[i]);
  return copy;
}

function message(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'a value that cannot be printed';
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls `fn` `calls` times, cycling through `samples`, with `thisArg` as receiver. Stops at the
 * first sample call that throws. A promise a sample call returns is observed so that a rejection
 * is recorded in `record` (when given) rather than becoming an unhandled rejection.
 */
export function runSamples(fn: AnyFunction, samples: ReadonlyArray<ReadonlyArray<unknown>>, calls: number,
  thisArg: unknown, record?: FunctionRecord): SampleRun {
  const started = now();
  let made = 0;
  if (samples.length === 0) return { calls: 0, ms: 0 };
  try {
    for (; made < calls; made++) {
      const result: unknown = Reflect.apply(fn, thisArg, copyArguments(samples[made % samples.length]));
      if (isThenable(result)) {
        try {
          result.then(undefined, (error: unknown) => {
            if (record) {
              record.warmup.state = 'failed';
              record.warmup.error = `a sample call rejected: ${message(error)}`;
            }
          });
        } catch {
          // A thenable whose then() throws: nothing to observe.
        }
      }
    }
  } catch (error) {
    return { calls: made + 1, ms: now() - started, error: `sample call ${made + 1} threw ${message(error)}` };
  }
  return { calls: made, ms: now() - started };
}

/** Adds a sample run to record.warmup: 'done' or 'failed', calls and milliseconds accumulated. */
export function recordRun(record: FunctionRecord, run: SampleRun): void {
  const w = record.warmup;
  w.calls += run.calls;
  w.ms += run.ms;
  if (run.error !== undefined) {
    w.state = 'failed';
    w.error = run.error;
  } else if (w.state !== 'failed') {
    w.state = 'done';
  }
}

interface ManualJob {
  record: FunctionRecord;
  run: () => void;
}

let queue: ManualJob[] = [];

/** Queues a `when: 'manual'` warm-up until warmup() runs it; marks the record pending. */
export function scheduleManual(record: FunctionRecord, run: () => void): void {
  record.warmup.state = 'pending';
  queue.push({ record, run });
}

/** How many manual warm-ups are waiting. */
export function pendingWarmups(): number {
  return queue.length;
}

/** Runs every queued manual warm-up once, in hinting order, and reports what ran. Never throws. */
export function runPendingWarmups(): WarmupReport {
  const jobs = queue;
  queue = [];
  const report: WarmupReport = { functions: [], calls: 0, ms: 0, failed: 0 };
  for (const job of jobs) {
    const before = { calls: job.record.warmup.calls, ms: job.record.warmup.ms };
    try {
      job.run();
    } catch (error) {
      job.record.warmup.state = 'failed';
      job.record.warmup.error = message(error);
    }
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
    report.functions.push(entry);
    report.calls += entry.calls;
    report.ms += entry.ms;
    if (w.state === 'failed') report.failed++;
  }
  return report;
}
