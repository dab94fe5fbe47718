// warmup() and warmupAsync(): the queue of `when: 'manual'` warm-ups, a time budget, progress, and
// an asynchronous run that gives the event loop a turn between functions and between slices of
// one function's sample calls. No assertion is on a duration: where time matters, a sample call
// busy-waits far longer than the budget or slice it is compared with.

import * as assert from 'node:assert/strict';
import { jitFocus, jitOnce, stats, warmup, warmupAsync } from '../lib/index.js';
import type { WarmupProgress, WarmupReport } from '../lib/index.js';
import { recordNamed } from './helpers/records.js';

let serial = 0;
/** A manual warm-up of a function named `name` that logs each sample call's argument in `log`. */
function manual(log: string[], name: string, options: { warmup?: number; samples?: string[][]; busyMs?: number; throwAt?: number } = {}): void {
  const unique = `${name}${serial++}`;
  let calls = 0;
  const fn = {
    [unique](tag: string): number {
      calls++;
      if (options.throwAt === calls) throw new Error(`call ${calls} refused`);
      if (options.busyMs) busyWait(options.busyMs);
      log.push(tag);
      return calls;
    },
  }[unique];
  jitFocus(fn, { samples: (options.samples ?? [[name]]) as Array<[string]>, warmup: options.warmup ?? 2, when: 'manual', tier: 'warmup', name });
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* a sample call that takes ms */ }
}

const namesIn = (report: WarmupReport): string[] => report.functions.map((f) => f.name);
const pendingIn = (report: WarmupReport): string[] => report.pending.map((f) => f.name);

// Other test files may leave manual warm-ups queued: start each test from an empty queue.
beforeEach(() => { warmup(); });

describe('warmup() runs the manual warm-ups', () => {
  it('runs each queued one once, in hinting order, and reports it', () => {
    const log: string[] = [];
    manual(log, 'queueFirst');
    manual(log, 'queueSecond');
    const report = warmup();
    assert.deepEqual([log, namesIn(report), report.calls, report.failed, report.pending, warmup().functions],
      [['queueFirst', 'queueFirst', 'queueSecond', 'queueSecond'], ['queueFirst', 'queueSecond'], 4, 0, [], []]);
  });

  it('takes no options still (the call it always was)', () => {
    const log: string[] = [];
    manual(log, 'queueNoOptions');
    assert.deepEqual(namesIn(warmup(undefined)), ['queueNoOptions']);
  });
});

describe('warmup({ budgetMs })', () => {
  it('with 0, starts nothing and reports every queued function pending, in order', () => {
    const log: string[] = [];
    manual(log, 'budgetZeroA');
    manual(log, 'budgetZeroB');
    const report = warmup({ budgetMs: 0 });
    assert.deepEqual([log, namesIn(report), pendingIn(report), recordNamed('budgetZeroA').warmup.state],
      [[], [], ['budgetZeroA', 'budgetZeroB'], 'pending']);
  });

  it('leaves what did not start queued: the next warmup() runs it', () => {
    const log: string[] = [];
    manual(log, 'budgetLater');
    warmup({ budgetMs: 0 });
    assert.deepEqual([namesIn(warmup()), log, recordNamed('budgetLater').warmup.state], [['budgetLater'], ['budgetLater', 'budgetLater'], 'done']);
  });

  it('stops starting functions once the budget is spent, and lets the one running finish', () => {
    const log: string[] = [];
    manual(log, 'budgetSlow', { busyMs: 30 });
    manual(log, 'budgetNext');
    const report = warmup({ budgetMs: 10 });
    assert.deepEqual([namesIn(report), report.functions[0].calls, pendingIn(report)], [['budgetSlow'], 2, ['budgetNext']]);
  });

  it('with Infinity, runs everything', () => {
    const log: string[] = [];
    manual(log, 'budgetInfinite', { busyMs: 5 });
    manual(log, 'budgetInfiniteNext');
    assert.deepEqual(pendingIn(warmup({ budgetMs: Infinity })), []);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['a negative budget', { budgetMs: -1 }, /^RangeError: warmup: option 'budgetMs' must be 0 or more \(Infinity: no budget\), got -1$/],
    ['NaN', { budgetMs: NaN }, /^RangeError: warmup: option 'budgetMs' must be 0 or more/],
    ['a string budget', { budgetMs: '10' }, /^TypeError: warmup: option 'budgetMs' must be a number of milliseconds, got "10"$/],
    ['an unknown option', { budget: 10 }, /^TypeError: warmup: unknown option 'budget'; known options: budgetMs, onProgress$/],
    ["warmupAsync's sliceMs", { sliceMs: 5 }, /^TypeError: warmup: unknown option 'sliceMs'; known options: budgetMs, onProgress$/],
    ['options that are not an object', 100, /^TypeError: warmup: options must be an object like \{ budgetMs: 100 \}, got number 100$/],
    ['a non-function onProgress', { onProgress: 'log' }, /^TypeError: warmup: option 'onProgress' must be a function, got "log"$/],
  ];
  for (const [label, options, message] of bad) {
    it(`rejects ${label}, and runs nothing`, () => {
      const log: string[] = [];
      manual(log, 'budgetBadOptions');
      assert.throws(() => warmup(options as never), (error: Error) => message.test(`${error.name}: ${error.message}`));
      assert.deepEqual(log, []);
    });
  }
});

describe('warmup({ onProgress })', () => {
  it('is told after each function: how many are done, of how many, and what the function did', () => {
    const log: string[] = [];
    manual(log, 'progressA');
    manual(log, 'progressB', { throwAt: 1 });
    const seen: WarmupProgress[] = [];
    warmup({ onProgress: (progress) => seen.push(progress) });
    assert.deepEqual(seen.map((p) => [p.done, p.total, p.function.name, p.function.state, p.function.calls]),
      [[1, 2, 'progressA', 'done', 2], [2, 2, 'progressB', 'failed', 1]]);
  });

  it('is called synchronously, before the next function starts', () => {
    const log: string[] = [];
    manual(log, 'progressOrderA');
    manual(log, 'progressOrderB');
    warmup({ onProgress: (progress) => log.push(`progress ${progress.done}`) });
    assert.deepEqual(log, ['progressOrderA', 'progressOrderA', 'progress 1', 'progressOrderB', 'progressOrderB', 'progress 2']);
  });

  it('when it throws, stops the run with its error; what did not start stays queued', () => {
    const log: string[] = [];
    manual(log, 'progressThrowA');
    manual(log, 'progressThrowB');
    assert.throws(() => warmup({ onProgress: () => { throw new Error('progress failed'); } }), /^Error: progress failed$/);
    const ran = log.slice();
    assert.deepEqual([ran, namesIn(warmup())], [['progressThrowA', 'progressThrowA'], ['progressThrowB']]);
  });
});

/** Counts turns of the event loop until stopped. */
function ticker(): { count: () => number; stop: () => void } {
  let count = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    count++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return { count: () => count, stop: () => { running = false; } };
}

describe('warmupAsync()', () => {
  it('returns a promise, and no sample call runs before it has returned', async () => {
    const log: string[] = [];
    manual(log, 'asyncLater');
    const promise = warmupAsync();
    const before = log.length;
    const report = await promise;
    assert.deepEqual([promise instanceof Promise, before, namesIn(report), log.length], [true, 0, ['asyncLater'], 2]);
  });

  it('makes the same calls, in the same order, with the same result as warmup()', async () => {
    const sync: string[] = [];
    const async: string[] = [];
    const samples = [['a'], ['b'], ['c']];
    manual(sync, 'asyncSameSync', { samples, warmup: 7 });
    warmup();
    manual(async, 'asyncSameAsync', { samples, warmup: 7, busyMs: 2 });
    const report = await warmupAsync({ sliceMs: 1 });
    assert.deepEqual([async, report.functions[0].calls, report.functions[0].state], [sync, 7, 'done']);
  });

  it('warms up the v8 tier as warmup() does: the same calls and state', async function () {
    const probe = jitFocus(function asyncV8Probe(x: number) { return x; }, { samples: [[1]], when: 'manual' });
    void probe;
    if (recordNamed('asyncV8Probe').tier !== 'v8') this.skip(); // no usable intrinsics on this runtime
    jitFocus(function asyncV8Sync(x: number) { return x + 1; }, { samples: [[1]], warmup: 12, when: 'manual' });
    jitOnce(function asyncV8OnceSync(x: number) { return x + 2; }, { samples: [[1]], warmup: 12, when: 'manual' });
    warmup();
    jitFocus(function asyncV8Async(x: number) { return x + 1; }, { samples: [[1]], warmup: 12, when: 'manual' });
    jitOnce(function asyncV8OnceAsync(x: number) { return x + 2; }, { samples: [[1]], warmup: 12, when: 'manual' });
    await warmupAsync({ sliceMs: 0.001 });
    const summary = (name: string): [string, number, string] => {
      const r = recordNamed(name);
      return [r.warmup.state, r.warmup.calls, r.tier];
    };
    assert.deepEqual([summary('asyncV8Async'), summary('asyncV8OnceAsync')], [summary('asyncV8Sync'), summary('asyncV8OnceSync')]);
  });

  it('gives the event loop a turn between two functions', async () => {
    const log: string[] = [];
    manual(log, 'asyncTurnA', { warmup: 1 });
    manual(log, 'asyncTurnB', { warmup: 1 });
    const turns = ticker();
    const seenByB: number[] = [];
    const seenByA: number[] = [];
    await warmupAsync({ onProgress: (p) => (p.function.name === 'asyncTurnA' ? seenByA : seenByB).push(turns.count()) });
    turns.stop();
    assert.ok(seenByB[0] > seenByA[0], `turns seen after A: ${seenByA[0]}, after B: ${seenByB[0]}`);
  });

  it('gives the event loop a turn between slices of one long warm-up', async () => {
    const turns = ticker();
    const seen: number[] = [];
    jitFocus(function asyncLong(): void { busyWait(3); seen.push(turns.count()); }, { samples: [[]], warmup: 5, when: 'manual', tier: 'warmup' });
    await warmupAsync({ sliceMs: 1 });
    turns.stop();
    // Each call takes longer than a slice, so each is a slice of its own, with a turn before the next.
    assert.equal(new Set(seen).size, 5, `turns seen by each call: ${seen.join(', ')}`);
  });

  it('numbers a failing sample call within the whole warm-up, not within its slice', async () => {
    const log: string[] = [];
    manual(log, 'asyncThrows', { warmup: 6, busyMs: 2, throwAt: 4 });
    const report = await warmupAsync({ sliceMs: 1 });
    assert.deepEqual([report.functions[0].state, report.functions[0].error, report.functions[0].calls, report.failed],
      ['failed', 'sample call 4 threw Error: call 4 refused', 4, 1]);
  });

  it('reports progress after each function', async () => {
    const log: string[] = [];
    manual(log, 'asyncProgressA');
    manual(log, 'asyncProgressB');
    const seen: string[] = [];
    await warmupAsync({ onProgress: (p) => seen.push(`${p.done}/${p.total} ${p.function.name}`) });
    assert.deepEqual(seen, ['1/2 asyncProgressA', '2/2 asyncProgressB']);
  });

  it('honours budgetMs: what did not start is pending', async () => {
    const log: string[] = [];
    manual(log, 'asyncBudgetSlow', { busyMs: 30 });
    manual(log, 'asyncBudgetNext');
    const report = await warmupAsync({ budgetMs: 10 });
    assert.deepEqual([namesIn(report), pendingIn(report), recordNamed('asyncBudgetNext').warmup.state], [['asyncBudgetSlow'], ['asyncBudgetNext'], 'pending']);
  });

  it('never runs a warm-up twice when warmup() runs while it waits', async () => {
    const log: string[] = [];
    manual(log, 'asyncRace');
    const promise = warmupAsync();
    const sync = warmup();
    const report = await promise;
    assert.deepEqual([namesIn(sync), namesIn(report), log], [['asyncRace'], [], ['asyncRace', 'asyncRace']]);
  });

  it('rejects, when onProgress throws, with its error; what did not start stays queued', async () => {
    const log: string[] = [];
    manual(log, 'asyncProgressThrowA');
    manual(log, 'asyncProgressThrowB');
    await assert.rejects(warmupAsync({ onProgress: () => { throw new RangeError('stop here'); } }), /^RangeError: stop here$/);
    assert.deepEqual(namesIn(warmup()), ['asyncProgressThrowB']);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['sliceMs 0', { sliceMs: 0 }, /^RangeError: warmupAsync: option 'sliceMs' must be a finite number above 0, got 0$/],
    ['sliceMs Infinity', { sliceMs: Infinity }, /^RangeError: warmupAsync: option 'sliceMs' must be a finite number above 0, got Infinity$/],
    ['a string sliceMs', { sliceMs: '5' }, /^TypeError: warmupAsync: option 'sliceMs' must be a number of milliseconds, got "5"$/],
    ['a negative budget', { budgetMs: -5 }, /^RangeError: warmupAsync: option 'budgetMs' must be 0 or more/],
    ['an unknown option', { async: true }, /^TypeError: warmupAsync: unknown option 'async'; known options: budgetMs, onProgress, sliceMs$/],
    ['null options', null, /^TypeError: warmupAsync: options must be an object like \{ budgetMs: 100 \}, got null$/],
  ];
  for (const [label, options, message] of bad) {
    it(`rejects ${label} with a clear error, and runs nothing`, async () => {
      const log: string[] = [];
      manual(log, 'asyncBadOptions');
      await assert.rejects(warmupAsync(options as never), (error: Error) => message.test(`${error.name}: ${error.message}`));
      assert.deepEqual(log, []);
    });
  }
});

describe('stats() while a manual warm-up waits', () => {
  it("shows it pending until warmup() runs it, then done", () => {
    const log: string[] = [];
    manual(log, 'statsPendingWarm');
    const before = recordNamed('statsPendingWarm').warmup.state;
    warmup();
    assert.deepEqual([before, recordNamed('statsPendingWarm').warmup.state, stats().length > 0], ['pending', 'done', true]);
  });
});
