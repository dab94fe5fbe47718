// The v8 tier, through the public surface, checked against what V8 itself reports (test helper
// with its own intrinsic wrappers): a focused function is TurboFan right after its warm-up, an
// ignored one is never optimized, a jitOnce function under type churn is pinned after maxDeopts.

import { strict as assert } from 'node:assert';
import { configure, jitFocus, jitIgnore, jitOnce, stats, warmup } from '../lib/index.js';
import type { AnyFunction } from '../lib/types.js';
import { detect } from '../lib/router/detect.js';
import { optimizationStatus } from '../lib/v8/probes.js';
import { decodeStatus } from '../lib/v8/status.js';
import { describeChild, isOptimized, isTurbofan, runChild } from './helpers/natives.js';

// Fresh source per function: V8 shares code between identical sources, and these tests must not
// see each other's functions.
let counter = 0;
function fresh<F extends AnyFunction>(params: string, body: string): F {
  return new Function(params, `${body} /* v8 tier test ${++counter} */`) as F;
}

function recordOf(name: string) {
  const all = stats().filter((s) => s.name === name);
  return all[all.length - 1];
}

function named<F extends AnyFunction>(fn: F, name: string): F {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

describe('v8 tier: jitFocus', () => {
  // The v8 tier's own behaviour: most functions here are numeric kernels, which the router would
  // otherwise send to the native tier.
  beforeEach(() => configure({ mode: 'v8' }));
  afterEach(() => configure({ mode: 'auto' }));

  it('returns the function itself when samples warm it up at decoration', () => {
    const fn = fresh<(a: number, b: number) => number>('a, b', 'return a + b');
    assert.equal(jitFocus(fn, { samples: [[1, 2], [3, 4]] }), fn);
  });

  it('leaves a function with samples in TurboFan right after its warm-up', () => {
    const fn = fresh<(a: number, b: number) => number>('a, b', 'return a * b + 1');
    jitFocus(fn, { samples: [[1, 2], [3, 4]] });
    assert.equal(isTurbofan(fn), true);
  });

  it('runs the first real call after warm-up in TurboFan (no deopt)', () => {
    const fn = fresh<(xs: Float64Array, n: number) => number>('xs, n', 'let s = 0; for (let i = 0; i < n; i++) s += xs[i] * xs[i]; return s');
    jitFocus(fn, { samples: [[new Float64Array([1, 2, 3]), 3]] });
    fn(new Float64Array([4, 5, 6, 7]), 4);
    assert.equal(isTurbofan(fn), true);
  });

  it('optimizes after the first real calls when there are no samples', () => {
    const fn = fresh<(a: number) => number>('a', 'return a * 3 - 1');
    const focused = jitFocus(fn, { warmup: 3 });
    for (let i = 0; i < 4; i++) focused(i);
    assert.equal(isTurbofan(fn), true);
  });

  it('does not optimize before those first real calls are done', () => {
    const fn = fresh<(a: number) => number>('a', 'return a * 5 - 1');
    const focused = jitFocus(fn, { warmup: 3 });
    focused(1);
    assert.equal(isOptimized(fn), false);
  });

  it("waits for warmup() with when: 'manual'", () => {
    const fn = fresh<(a: number) => number>('a', 'return a - 9');
    jitFocus(fn, { samples: [[1], [2]], when: 'manual' });
    assert.equal(isOptimized(fn), false);
    warmup();
  });

  it("is TurboFan once warmup() ran a 'manual' warm-up", () => {
    const fn = named(fresh<(a: number) => number>('a', 'return a - 11'), 'manualFocus');
    jitFocus(fn, { samples: [[1], [2]], when: 'manual' });
    const report = warmup();
    assert.deepEqual([isTurbofan(fn), report.functions.some((f) => f.name === 'manualFocus' && f.state === 'done')], [true, true]);
  });

  it("warms up just before the first call with when: 'first-call'", () => {
    const fn = fresh<(a: number) => number>('a', 'return a + 17');
    const focused = jitFocus(fn, { samples: [[1], [2]], when: 'first-call' });
    assert.equal(isOptimized(fn), false);
    focused(5);
    assert.equal(isTurbofan(fn), true);
  });

  it("shows TurboFan in V8's own status bits, decoded with the detected layout", () => {
    const fn = fresh<(a: number) => number>('a', 'return a * 13');
    jitFocus(fn, { samples: [[1], [2]] });
    const layout = detect().statusLayout;
    assert.ok(layout && decodeStatus(optimizationStatus(fn) ?? 0, layout).includes('turboFanned'), `layout ${layout}`);
  });

  it('says so in stats() when V8 declines to optimize it (a function over its size limit)', () => {
    const body = Array.from({ length: 12_000 }, (_, i) => `s = (s + x * ${i}) | 0;`).join('\n');
    const huge = named(fresh<(x: number) => number>('x', `let s = 0;\n${body}\nreturn s;`), 'hugeFocus');
    jitFocus(huge, { samples: [[1], [2]] });
    assert.ok(recordOf('hugeFocus').fallbacks.some((f) => /V8 did not keep it optimized/.test(f)));
  });

  it('records the tier, one compile and the observed TurboFan tier', () => {
    const fn = named(fresh<(a: number) => number>('a', 'return a + 19'), 'recordedFocus');
    jitFocus(fn, { samples: [[1], [2]] });
    const s = recordOf('recordedFocus');
    assert.deepEqual([s.tier, s.compiles, s.observedTier, s.warmup.state], ['v8', 1, 'turbofan', 'done']);
  });

  it('does not optimize on incomplete feedback when a sample call throws', () => {
    const fn = named(fresh<(a: number) => number>('a', 'if (a > 1) throw new RangeError("too big"); return a'), 'throwingFocus');
    jitFocus(fn, { samples: [[1], [2]] });
    const s = recordOf('throwingFocus');
    assert.deepEqual([isOptimized(fn), s.warmup.state, /too big/.test(s.warmup.error ?? '')], [false, 'failed', true]);
  });

  it("never mutates the caller's typed-array samples", () => {
    const fn = fresh<(xs: Float64Array) => void>('xs', 'for (let i = 0; i < xs.length; i++) xs[i] = -1');
    const xs = new Float64Array([1, 2, 3]);
    jitFocus(fn, { samples: [[xs]] });
    assert.deepEqual(Array.from(xs), [1, 2, 3]);
  });

  it('passes this, arguments and the result through its first-call wrapper', () => {
    const fn = function (this: { k: number }, a: number, b: number): number { return this.k * a + b; };
    const focused = jitFocus(fn);
    assert.equal(focused.call({ k: 10 }, 2, 3), 23);
  });

  it('passes exceptions through its first-call wrapper unchanged', () => {
    const error = new Error('boom');
    const focused = jitFocus(() => { throw error; });
    assert.throws(() => focused(), (e: unknown) => e === error);
  });
});

describe('v8 tier: jitFocus after its warm-up (watched between turns, no wrapper)', function () {
  // The v8 tier's own behaviour: most functions here are numeric kernels, which the router would
  // otherwise send to the native tier.
  beforeEach(() => configure({ mode: 'v8' }));
  afterEach(() => configure({ mode: 'auto' }));
  this.timeout(20000);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const LADDER = "if (s >= 90) return 'A'; if (s >= 80) return 'B'; if (s >= 70) return 'C'; return 'F'";

  it("stats() shows the tier V8 runs when asked: not TurboFan after a real call deopted it, with calls: 0", () => {
    const fn = named(fresh<(s: number) => string>('s', LADDER), 'askedLadder');
    jitFocus(fn, { samples: [[95]] });
    const before = recordOf('askedLadder').observedTier;
    fn(55);
    const after = recordOf('askedLadder');
    assert.deepEqual([before, after.observedTier !== 'turbofan', isTurbofan(fn), after.deopts, after.calls], ['turbofan', true, false, 1, 0]);
  });

  it('re-optimizes a function its first real call deopted, once later calls widened its feedback', async () => {
    const fn = named(fresh<(s: number) => string>('s', LADDER), 'reoptimizedLadder');
    jitFocus(fn, { samples: [[95]] });
    fn(55);
    for (let turn = 0; turn < 200 && !isTurbofan(fn); turn++) {
      fn(60 + (turn % 40));
      await sleep(2);
    }
    assert.deepEqual([isTurbofan(fn), recordOf('reoptimizedLadder').compiles >= 2], [true, true]);
  });

  it('re-optimizes again when the re-optimized code was dropped before a look saw it in TurboFan', async () => {
    const fn = named(fresh<(x: unknown) => unknown>('x', 'return x + 1'), 'droppedUnseen');
    jitFocus(fn, { samples: [[1], [2]] });
    fn(1.5); // doubles where the samples had integers: a deopt the next look sees, and re-optimizes
    for (let turn = 0; turn < 100 && recordOf('droppedUnseen').compiles < 2; turn++) await sleep(1);
    // In one burst, with no look in between: the re-optimized code is installed, then dropped by a
    // string. The watch only ever saw the function below TurboFan since its request.
    const cell = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 50 && !isTurbofan(fn); i++) {
      fn(i + 0.5);
      Atomics.wait(cell, 0, 0, 2);
    }
    const installed = isTurbofan(fn);
    fn('a');
    const dropped = !isTurbofan(fn);
    for (let turn = 0; turn < 300 && !isTurbofan(fn); turn++) {
      fn(turn & 1 ? 'b' : turn + 0.5);
      await sleep(5);
    }
    assert.deepEqual([installed, dropped, isTurbofan(fn), recordOf('droppedUnseen').compiles >= 3], [true, true, true, true]);
  });

  it('says in stats() warnings that the samples did not cover what real calls do', async () => {
    const fn = named(fresh<(s: number) => string>('s', LADDER), 'warnedLadder');
    jitFocus(fn, { samples: [[95]] });
    fn(55);
    await sleep(20);
    assert.ok(recordOf('warnedLadder').warnings.some((w) => /a branch or a type the samples did not/.test(w)));
  });

  it('keeps string comparisons in TurboFan when real calls pass strings built at run time (the samples are literals)', () => {
    const fn = fresh<(t: string) => number>('t', "if (t === 'gold') return 1; if (t === 'silver') return 2; return 3");
    jitFocus(fn, { samples: [['gold'], ['silver'], ['basic']] });
    const parsed = 'tier=gold&tier=silver&tier=basic'.split('&').map((p) => decodeURIComponent(p.slice(5)));
    for (const t of parsed) fn(t);
    assert.equal(isTurbofan(fn), true);
  });

  it('leaves a function whose real calls stay within the samples alone: one compile, no warning', async () => {
    const fn = named(fresh<(s: number) => string>('s', LADDER), 'coveredLadder');
    jitFocus(fn, { samples: [[95], [85], [75], [55]] });
    for (let i = 0; i < 50; i++) {
      fn(50 + i);
      if (i % 10 === 0) await sleep(2);
    }
    const s = recordOf('coveredLadder');
    assert.deepEqual([isTurbofan(fn), s.compiles, s.deopts, s.warnings], [true, 1, 0, []]);
  });
});

describe('v8 tier: jitIgnore', () => {
  // The v8 tier's own behaviour: most functions here are numeric kernels, which the router would
  // otherwise send to the native tier.
  beforeEach(() => configure({ mode: 'v8' }));
  afterEach(() => configure({ mode: 'auto' }));
  it('returns the function itself', () => {
    const fn = fresh<(a: number) => number>('a', 'return a + 1');
    assert.equal(jitIgnore(fn), fn);
  });

  it('keeps a function from being optimized through 100,000 calls in a hot loop', () => {
    const fn = fresh<(a: number) => number>('a', 'return (a * 7) % 13');
    const ignored = jitIgnore(fn);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += ignored(i);
    assert.equal(isOptimized(fn) || sum < 0, false);
  });

  it('takes an already optimized function out of optimized code', () => {
    const fn = fresh<(a: number) => number>('a', 'return a * 2');
    jitFocus(fn, { samples: [[1], [2]] });
    jitIgnore(fn);
    assert.equal(isOptimized(fn), false);
  });

  it("warns that callers can no longer inline it", () => {
    const fn = named(fresh<(a: number) => number>('a', 'return a + 2'), 'warnedIgnore');
    jitIgnore(fn);
    assert.ok(recordOf('warnedIgnore').warnings.some((w) => w.includes('callers can no longer inline it')));
  });

  it('makes jitFocus on a sibling closure fall back instead of optimizing shared code', () => {
    const make = () => function sibling(x: number) { return x * 21 + 4; };
    jitIgnore(make());
    const other = make();
    jitFocus(other, { samples: [[1], [2]] });
    const s = recordOf('sibling');
    assert.deepEqual([s.tier !== 'v8', s.fallbacks.some((f) => /shared with a function jitctl never-optimized/.test(f))], [true, true]);
  });

  it('makes jitFocus on an identical new Function source fall back instead of optimizing shared code', () => {
    const source = 'return x * 31 + 7 /* identical source test */';
    jitIgnore(new Function('x', source) as (x: number) => number);
    const twin = named(new Function('x', source) as (x: number) => number, 'identicalTwin');
    jitFocus(twin, { samples: [[1], [2]] });
    assert.deepEqual([recordOf('identicalTwin').tier !== 'v8', isOptimized(twin)], [true, false]);
  });

  it('makes a pending jitFocus of a sibling give up at optimization time', () => {
    const make = () => function pendingSibling(x: number) { return x * 23 - 4; };
    const a = make();
    const focused = jitFocus(a, { warmup: 2 });
    jitIgnore(make());
    for (let i = 0; i < 5; i++) focused(i);
    assert.equal(isOptimized(a), false);
  });
});

describe('v8 tier: jitOnce', function () {
  // The v8 tier's own behaviour: most functions here are numeric kernels, which the router would
  // otherwise send to the native tier.
  beforeEach(() => configure({ mode: 'v8' }));
  afterEach(() => configure({ mode: 'auto' }));
  this.timeout(30000);
  // Each phase feeds a different type, which deopts whatever V8 specialized for the phase before.
  const PHASES: Array<(i: number) => unknown> = [
    (i) => ({ a: i, b: 1 }),
    (i) => ({ a: `s${i & 7}`, b: 't' }),
    (i) => ({ a: i + 0.5, b: 1.25 }),
    (i) => ({ b: [i], a: { v: i } }),
    (i) => ({ c: 1, a: i, b: 2 }),
    (i) => ({ a: BigInt(i & 3), b: 1n }),
  ];
  const PHASE_CALLS = 60_000;
  // jitOnce looks between event-loop turns, at least once a second once its first looks are done.
  const LOOK_MS = 1100;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  function churn(once: (x: unknown) => unknown, phases: number, from = 0): void {
    for (let p = 0; p < phases; p++) {
      const make = PHASES[(from + p) % PHASES.length];
      for (let i = 0; i < PHASE_CALLS; i++) once(make(i));
    }
  }

  /**
   * A deopt as a service would see one: calls of phase p's type until V8 optimizes the function, a
   * turn (jitOnce looks and sees it optimized), calls of the other phases' types until one deopts
   * it, and another turn (jitOnce looks and sees it dropped).
   */
  async function deoptBetweenTurns(once: (x: unknown) => unknown, fn: AnyFunction, p: number): Promise<void> {
    for (let i = 0; i < 2_000_000 && !isOptimized(fn); i++) once(PHASES[p % PHASES.length](i));
    assert.equal(isOptimized(fn), true, 'V8 optimized it for the phase');
    await sleep(LOOK_MS);
    for (let q = 1; q < PHASES.length && isOptimized(fn); q++) once(PHASES[(p + q) % PHASES.length](1));
    assert.equal(isOptimized(fn), false, 'a new type deopted it');
    await sleep(LOOK_MS);
  }

  it('returns the function itself: nothing runs per call', () => {
    const fn = fresh<(a: number) => number>('a', 'return a * 7 + 2');
    assert.equal(jitOnce(fn), fn);
  });

  it('is pinned once it has seen maxDeopts deopts between turns', async () => {
    const fn = named(fresh<(x: { a: unknown; b: unknown }) => unknown>('x', 'return x.a + x.b'), 'churnPinned');
    const once = jitOnce(fn, { maxDeopts: 2 }) as (x: unknown) => unknown;
    await deoptBetweenTurns(once, fn, 0);
    await deoptBetweenTurns(once, fn, 1);
    const s = recordOf('churnPinned');
    assert.deepEqual([s.pinned, s.deopts], [true, 2]);
  });

  it('is never optimized again once pinned, whatever the churn', async () => {
    const fn = named(fresh<(x: { a: unknown; b: unknown }) => unknown>('x', 'return x.b + x.a'), 'churnStays');
    const once = jitOnce(fn, { maxDeopts: 1 }) as (x: unknown) => unknown;
    await deoptBetweenTurns(once, fn, 0);
    let optimizedAfterPin = 0;
    for (let p = 0; p < PHASES.length; p++) {
      churn(once, 1, p);
      if (isOptimized(fn)) optimizedAfterPin++;
    }
    assert.deepEqual([recordOf('churnStays').pinned, optimizedAfterPin, recordOf('churnStays').deopts], [true, 0, 1]);
  });

  // V8's own word for it: --trace-opt is switched on only once jitOnce has pinned the function,
  // so every compile line printed is one after the pin. A fresh unhinted twin driven the same way
  // shows that the workload does make V8 compile.
  it('is never compiled again by V8 once pinned (--trace-opt after the pin)', function () {
    this.timeout(100000);
    const r = runChild(`
      const { jitOnce, stats } = require(INDEX);
      const make = (name) => new Function('return function ' + name + '(x) { return x.a + x.b; }')();
      const f = jitOnce(make('churnTarget'), { maxDeopts: 1 });
      const control = make('churnControl');
      const PHASES = [(i) => ({ a: i, b: 1 }), (i) => ({ a: 's' + (i & 7), b: 't' }), (i) => ({ a: i + 0.5, b: 1.25 }),
        (i) => ({ b: [i], a: { v: i } }), (i) => ({ c: 1, a: i, b: 2 }), (i) => ({ a: BigInt(i & 3), b: 1n })];
      const pinned = () => stats().some((s) => s.name === 'churnTarget' && s.pinned);
      (async () => {
        const sleep = () => new Promise((resolve) => setTimeout(resolve, 1100));
        // Looks come between event-loop turns: a deopt that V8 repairs within one burst is not
        // seen, so under load it can take more rounds before one is (24 at most).
        for (let p = 0; p < 24 && !pinned(); p++) {
          for (let i = 0; i < 60000; i++) f(PHASES[p % 6](i));
          await sleep();
          for (let q = 1; q < 6; q++) f(PHASES[(p + q) % 6](1));
          await sleep();
        }
        // The precondition, not the property: the pin itself is tested above ('is pinned after
        // maxDeopts deopts'); a busy machine can keep the watch from seeing a deopt here.
        if (!pinned()) { console.log('NOT PINNED'); return; }
        require('node:v8').setFlagsFromString('--trace-opt');
        for (const g of [f, control]) for (const p of PHASES) for (let i = 0; i < 60000; i++) g(p(i));
      })().catch((e) => { console.error(e); process.exitCode = 1; });`, { timeout: 95000 });
    assert.equal(r.status, 0, describeChild(r));
    if (r.stdout.includes('NOT PINNED')) this.skip();
    const compiled = (name: string) => r.stdout.split('\n').filter((l) => l.includes(name) && l.includes('completed optimizing')).length;
    assert.deepEqual([compiled('churnTarget'), compiled('churnControl') > 0], [0, true]);
  });

  it('lets a stable function stay optimized (no deopts, not pinned)', async () => {
    const fn = named(fresh<(a: number) => number>('a', 'return a * 3 + 1'), 'stableOnce');
    const once = jitOnce(fn, { maxDeopts: 1 });
    for (let i = 0; i < 200_000; i++) once(i);
    await sleep(20);
    for (let i = 0; i < 200_000; i++) once(i);
    const s = recordOf('stableOnce');
    assert.deepEqual([s.pinned, s.deopts], [false, 0]);
  });

  it('with samples of every type it sees, is optimized once and stays so while the types alternate', () => {
    const fn = named(fresh<(x: { a: unknown; b: unknown }) => unknown>('x', 'return x.a + x.b'), 'polyOnce');
    const samples = [[PHASES[0](1)], [PHASES[1](1)], [PHASES[2](1)]] as Array<[{ a: unknown; b: unknown }]>;
    jitOnce(fn, { samples });
    for (let i = 0; i < 30_000; i++) fn(PHASES[i % 3](i) as never);
    const s = recordOf('polyOnce');
    assert.deepEqual([isTurbofan(fn), s.compiles, s.deopts], [true, 1, 0]);
  });

  it('pins at once and returns the function itself with maxDeopts: 0', () => {
    const fn = named(fresh<(a: number) => number>('a', 'return a + 5'), 'pinnedAtOnce');
    const result = jitOnce(fn, { maxDeopts: 0 });
    assert.deepEqual([result === fn, recordOf('pinnedAtOnce').pinned], [true, true]);
  });

  it('passes this, arguments, the result and exceptions through', () => {
    const error = new TypeError('bad');
    const once = jitOnce(function (this: { k: number }, a: number) {
      if (a < 0) throw error;
      return this.k + a;
    });
    assert.deepEqual([once.call({ k: 1 }, 2), (() => { try { once.call({ k: 1 }, -1); } catch (e) { return e; } })()], [3, error]);
  });

  it('keeps the name and arity of the function', () => {
    const once = jitOnce(function sumThree(a: number, b: number, c: number) { return a + b + c; });
    assert.deepEqual([once.name, once.length], ['sumThree', 3]);
  });

  it('constructs when called with new', () => {
    function Point(this: { x: number }, x: number) { this.x = x; }
    const Once = jitOnce(Point) as unknown as new (x: number) => { x: number };
    const p = new Once(4);
    assert.deepEqual([p.x, p instanceof Point], [4, true]);
  });
});
