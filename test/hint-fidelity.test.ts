// What a hinted function must share with the unhinted one, and the limits jitctl keeps on
// what it holds: receivers reach the function unchanged, warm-ups never touch the user's objects,
// `new` through the profiler builds what `new fn()` builds, jitctl=off wins over a tier option, a
// method named `class` is not a class, sample copies run no user code, and the manual warm-up
// queue is bounded with the registry.

import { strict as assert } from 'node:assert';
import { configure, jitFocus, jitIgnore, jitOnce } from '../lib/index.js';
import { describeChild, runChild } from './helpers/natives.js';
import { recordNamed } from './helpers/records.js';

type AnyFn = (...args: never[]) => unknown;
const untyped = (hint: unknown) => hint as (fn: AnyFn, options?: object) => AnyFn;

// Strict code (this module): `this` stays undefined for a plain call and a primitive stays unboxed.
function receiverOf(this: unknown): unknown { return this; }

describe('the receiver reaches a hinted strict function unchanged', () => {
  const cases: Array<[string, () => AnyFn]> = [
    ['jitFocus without samples', () => jitFocus(function focusedReceiver(this: unknown) { return this; })],
    ['jitOnce', () => jitOnce(function onceReceiver(this: unknown) { return this; })],
  ];
  for (const [label, make] of cases) {
    it(`${label}: a plain call sees undefined, as unhinted`, () => {
      const hinted = make();
      assert.equal([hinted(), hinted()].every((t) => t === undefined), receiverOf() === undefined);
    });
    it(`${label}: .call(5) sees the primitive 5, as unhinted`, () => {
      const hinted = make();
      assert.deepEqual([hinted.call(5 as never), hinted.call(5 as never)], [receiverOf.call(5), receiverOf.call(5)]);
    });
  }
});

class Counter {
  total = 0;
  add(x: number): number { this.total += x; return this.total; }
}

describe("a 'first-call' warm-up never runs on the first real call's receiver", () => {
  it("the user's first call returns what it returns unhinted", () => {
    const add = jitFocus(Counter.prototype.add, { samples: [[100]], warmup: 5, when: 'first-call' });
    const mine = new Counter();
    assert.equal(add.call(mine, 1), 1);
  });

  it('the warm-up makes exactly `warmup` sample calls, on thisArg', () => {
    const spare = new Counter();
    const add = jitFocus(function countedAdd(this: Counter, x: number) { this.total += x; return this.total; },
      { samples: [[100]], warmup: 5, when: 'first-call', thisArg: spare });
    add.call(new Counter(), 1);
    assert.deepEqual([recordNamed('countedAdd').warmup.calls, spare.total], [5, 500]);
  });

  it('without thisArg the samples get undefined (and fail), leaving the real receiver alone', () => {
    const add = jitFocus(function bareAdd(this: Counter, x: number) { this.total += x; return this.total; },
      { samples: [[100]], warmup: 5, when: 'first-call' });
    const mine = new Counter();
    add.call(mine, 1);
    assert.deepEqual([mine.total, recordNamed('bareAdd').warmup.state], [1, 'failed']);
  });
});

describe('`new` through a profiled hint', () => {
  function Point(this: { x: number }, x: number) { this.x = x; }
  Point.prototype.norm = function norm(this: { x: number }) { return Math.abs(this.x); };
  const Profiled = jitIgnore(Point as AnyFn, { profile: true }) as unknown as new (x: number) => { x: number; norm(): number };

  it('builds an instance of the original constructor', () => assert.ok(new Profiled(-3) instanceof Point));
  it("gives it the original prototype's methods", () => assert.equal(new Profiled(-3).norm(), 3));
  it('is still instanceof the profiled function', () => assert.ok(new Profiled(1) instanceof Profiled));
});

describe('jitctl off wins over a per-function tier option', () => {
  let saved: ReturnType<typeof configure>;
  beforeEach(() => { saved = configure(); });
  afterEach(() => { configure({ mode: saved.mode, profile: saved.profile }); });

  for (const tier of ['v8', 'warmup', 'native'] as const) {
    it(`tier: '${tier}' gives the function itself when mode is 'off'`, () => {
      configure({ mode: 'off' });
      const fn = function offBeatsTier(a: number) { return a; };
      // 'first-call' makes every tier but noop return a wrapper.
      assert.equal(jitFocus(fn, { tier, samples: [[1]], when: 'first-call' }), fn);
    });
  }

  it("records tier 'noop' with the reason that jitctl is off", () => {
    configure({ mode: 'off' });
    jitOnce(function offBeatsTierRecord(a: number) { return a; }, { tier: 'v8' });
    assert.match(recordNamed('offBeatsTierRecord').reason, /jitctl is off/);
  });
});

describe('a method named `class` is a method, not a class', () => {
  const methods: Array<[string, AnyFn]> = [
    ['class(x)', ({ class(x: number) { return x + 1; } }).class],
    ['class (x) with a space', (eval('({ class (x) { return x + 1; } })') as { class: AnyFn }).class],
    ['static class(x)', (class { static class(x: number) { return x + 1; } }).class],
  ];
  for (const [label, method] of methods) {
    for (const [name, hint] of Object.entries({ jitFocus, jitIgnore, jitOnce })) {
      it(`${name} hints ${label} and it still works`, () => {
        const hinted = untyped(hint)(method) as (x: number) => number;
        assert.equal(hinted(1), 2);
      });
    }
  }
  const classes: Array<[string, AnyFn]> = [
    ['class A {}', class A {} as never],
    ['class {}', eval('(class {})') as AnyFn],
    ['class/* c */B {}', eval('(class/* c */B {})') as AnyFn],
    ['class extends A {}', eval('(class extends Object {})') as AnyFn],
  ];
  for (const [label, cls] of classes) {
    it(`jitFocus still rejects ${label} with a TypeError`, () => assert.throws(() => jitFocus(cls), TypeError));
  }
});

describe('sample copies run no user code', () => {
  it("copies a typed-array subclass without calling the subclass's constructor", () => {
    let constructed = 0;
    class Vec extends Float64Array { constructor(n: number) { super(n); constructed++; } }
    const sample = new Vec(2);
    jitFocus(function firstOfVec(v: Float64Array) { return v[0]; }, { samples: [[sample]], warmup: 4, tier: 'warmup' });
    assert.equal(constructed, 1);
  });

  it('gives the function a Buffer (a private copy) for a Buffer sample', () => {
    const kinds: boolean[] = [];
    const sample = Buffer.from([1, 2]);
    jitFocus(function bufferKind(b: Buffer) { kinds.push(Buffer.isBuffer(b) && b !== sample); b[0] = 9; },
      { samples: [[sample]], warmup: 2, tier: 'warmup' });
    assert.deepEqual([kinds, sample[0]], [[true, true], 1]);
  });

  it('never reaches the deprecated Buffer() constructor', () => {
    // In a child process: Node warns about Buffer() once per process, so an earlier test could hide it.
    const result = runChild(`
      const { jitFocus } = require(INDEX);
      const warnings = [];
      process.on('warning', (w) => warnings.push(w.name));
      jitFocus(function bufferDeprecation(b) { return b[0]; }, { samples: [[Buffer.from([1])]], warmup: 2, tier: 'warmup' });
      setImmediate(() => console.log(JSON.stringify(warnings)));`);
    assert.equal(result.stdout.trim(), '[]', describeChild(result));
  });

  it('copies an ArrayBuffer subclass without its species constructor', () => {
    let species = 0;
    class Tracked extends ArrayBuffer { static override get [Symbol.species]() { species++; return ArrayBuffer; } }
    jitFocus(function abLength(b: ArrayBuffer) { return b.byteLength; }, { samples: [[new Tracked(8)]], warmup: 2, tier: 'warmup' });
    assert.equal(species, 0);
  });

  it('passes nested objects as they are (documented): a typed array inside an object is shared', () => {
    const nested = { v: new Float64Array([1]) };
    jitFocus(function bumpNested(o: { v: Float64Array }) { o.v[0] += 1; }, { samples: [[nested]], warmup: 3, tier: 'warmup' });
    assert.equal(nested.v[0], 4);
  });
});

describe('the manual warm-up queue is bounded with the registry', function () {
  this.timeout(60000);
  // In a child process: the hints it takes would push every other test's records out of the registry.
  it('warmup() runs no more warm-ups than stats() lists records, however many were queued', () => {
    const result = runChild(`
      const { jitFocus, stats, warmup } = require(INDEX);
      const { MAX_RECORDS } = require(INDEX.replace(/index\\.js$/, 'runtime/registry.js'));
      for (let i = 0; i < MAX_RECORDS * 1.3; i++) {
        jitFocus((a) => a[0], { samples: [[new Float64Array(4)]], when: 'manual', tier: 'warmup' });
      }
      console.log(JSON.stringify([warmup().functions.length, stats().length]));`);
    const [ran, listed] = JSON.parse(result.stdout.trim() || '[null, null]') as [number, number];
    assert.ok(ran > 0 && ran <= listed, `${ran} warm-ups ran, ${listed} records listed; ${describeChild(result)}`);
  });
});
