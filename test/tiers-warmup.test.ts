// The warmup tier (forced with tier: 'warmup', as on a V8 whose intrinsics cannot be used): sample
// calls, as many as asked, when asked, on private copies of buffers, and failures recorded rather
// than thrown.

import { strict as assert } from 'node:assert';
import { jitFocus, jitOnce, stats, warmup } from '../lib/index.js';
import { copyArgument } from '../lib/runtime/samples.js';

function recordOf(name: string) {
  const all = stats().filter((s) => s.name === name);
  return all[all.length - 1];
}

/** A function that counts its calls and remembers its arguments. */
function spy(name: string) {
  const seen: unknown[][] = [];
  const fn = {
    [name](...args: unknown[]): number {
      seen.push(args);
      return seen.length;
    },
  }[name];
  return { fn, seen };
}

describe('warmup tier', () => {
  it('is the tier a forced warm-up gets', () => {
    const { fn } = spy('forcedWarm');
    jitFocus(fn, { samples: [[1]], tier: 'warmup' });
    assert.equal(recordOf('forcedWarm').tier, 'warmup');
  });

  it('returns the function itself when it warms up at decoration', () => {
    const { fn } = spy('sameWarm');
    assert.equal(jitFocus(fn, { samples: [[1]], tier: 'warmup' }), fn);
  });

  it('makes exactly `warmup` sample calls', () => {
    const { fn, seen } = spy('countWarm');
    jitFocus(fn, { samples: [[1]], warmup: 7, tier: 'warmup' });
    assert.equal(seen.length, 7);
  });

  it('cycles through the samples in order', () => {
    const { fn, seen } = spy('cycleWarm');
    jitFocus(fn, { samples: [['a'], ['b'], ['c']], warmup: 5, tier: 'warmup' });
    assert.deepEqual(seen.map((args) => args[0]), ['a', 'b', 'c', 'a', 'b']);
  });

  it('records the warm-up calls and time', () => {
    const { fn } = spy('recordWarm');
    jitFocus(fn, { samples: [[1]], warmup: 3, tier: 'warmup' });
    const w = recordOf('recordWarm').warmup;
    assert.deepEqual([w.state, w.calls, w.when, w.ms >= 0], ['done', 3, 'decoration', true]);
  });

  it('makes no call with warmup: 0', () => {
    const { fn, seen } = spy('zeroWarm');
    jitFocus(fn, { samples: [[1]], warmup: 0, tier: 'warmup' });
    assert.equal(seen.length, 0);
  });

  it('gives each sample call a private copy of a typed array', () => {
    const xs = new Int32Array([1, 2, 3]);
    jitFocus((a: Int32Array) => { a[0] = 99; }, { samples: [[xs]], tier: 'warmup' });
    assert.deepEqual(Array.from(xs), [1, 2, 3]);
  });

  it("waits for warmup() with when: 'manual'", () => {
    const { fn, seen } = spy('manualWarm');
    jitFocus(fn, { samples: [[1]], warmup: 4, when: 'manual', tier: 'warmup' });
    const before = seen.length;
    warmup();
    assert.deepEqual([before, seen.length], [0, 4]);
  });

  it('reports what warmup() ran', () => {
    const { fn } = spy('reportedWarm');
    jitFocus(fn, { samples: [[1]], warmup: 2, when: 'manual', tier: 'warmup' });
    const entry = warmup().functions.find((f) => f.name === 'reportedWarm');
    assert.deepEqual(entry && [entry.state, entry.calls], ['done', 2]);
  });

  it('runs a manual warm-up only once', () => {
    const { fn, seen } = spy('onceWarm');
    jitFocus(fn, { samples: [[1]], warmup: 2, when: 'manual', tier: 'warmup' });
    warmup();
    warmup();
    assert.equal(seen.length, 2);
  });

  it("warms up just before the first call with when: 'first-call', never with that call's receiver", () => {
    const receivers: unknown[] = [];
    const fn = function (this: unknown): void { receivers.push(this); };
    const wrapped = jitFocus(fn, { samples: [[]], warmup: 2, when: 'first-call', tier: 'warmup' });
    const self = { id: 1 };
    const before = receivers.length;
    wrapped.call(self);
    assert.deepEqual([before, receivers.length, receivers.slice(0, 2).every((r) => r === undefined), receivers[2]],
      [0, 3, true, self]);
  });

  it('calls with thisArg when given', () => {
    const receivers: unknown[] = [];
    const self = { id: 2 };
    jitFocus(function (this: unknown) { receivers.push(this); }, { samples: [[]], warmup: 1, thisArg: self, tier: 'warmup' });
    assert.equal(receivers[0], self);
  });

  it('marks the warm-up failed with the message when a sample call throws, and does not throw', () => {
    const fn = function throwingWarm(_x: number): never { throw new RangeError('bad sample'); };
    jitFocus(fn, { samples: [[1]], tier: 'warmup' });
    const w = recordOf('throwingWarm').warmup;
    assert.deepEqual([w.state, w.error], ['failed', 'sample call 1 threw RangeError: bad sample']);
  });

  it('marks the warm-up failed when an async sample call rejects, without an unhandled rejection', async () => {
    let unhandled = 0;
    const onUnhandled = (): void => { unhandled++; };
    process.on('unhandledRejection', onUnhandled);
    try {
      jitFocus(async function rejectingWarm(_x: number): Promise<never> { throw new Error('async no'); }, { samples: [[1]], warmup: 2, tier: 'warmup' });
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    const w = recordOf('rejectingWarm').warmup;
    assert.deepEqual([w.state, /async no/.test(w.error ?? ''), unhandled], ['failed', true, 0]);
  });

  it('also serves jitOnce', () => {
    const { fn, seen } = spy('onceWarmTier');
    jitOnce(fn, { samples: [[1]], warmup: 3, tier: 'warmup' });
    assert.deepEqual([recordOf('onceWarmTier').tier, seen.length], ['warmup', 3]);
  });

  it('is not used without samples (nothing to call with)', () => {
    const { fn } = spy('noSamplesWarm');
    jitFocus(fn, { tier: 'warmup' });
    assert.match(recordOf('noSamplesWarm').fallbacks[0], /^warmup \(option tier\): no samples/);
  });
});

describe('warm-up argument copies', () => {
  it('copies a typed array into a new one of the same kind', () => {
    const xs = new Float32Array([1.5, 2.5]);
    const copy = copyArgument(xs) as Float32Array;
    assert.deepEqual([copy !== xs, copy instanceof Float32Array, Array.from(copy)], [true, true, [1.5, 2.5]]);
  });
  it('copies only the viewed part of a DataView', () => {
    const view = new DataView(new ArrayBuffer(16), 4, 8);
    assert.equal((copyArgument(view) as DataView).buffer.byteLength, 8);
  });
  it('copies an ArrayBuffer', () => {
    const buffer = new ArrayBuffer(8);
    assert.notEqual(copyArgument(buffer), buffer);
  });
  it('passes a plain object through as is', () => {
    const o = { a: 1 };
    assert.equal(copyArgument(o), o);
  });
});

describe('warm-up copies buffers made in another realm', () => {
  const vm = require('node:vm') as typeof import('node:vm');
  const types = (require('node:util') as typeof import('node:util')).types;

  /** Warms `fn` up with `sample` as its only argument, on the warmup tier, and returns the record. */
  function warmWith(name: string, sample: unknown, fn: (arg: never) => unknown) {
    Object.defineProperty(fn, 'name', { value: name });
    jitFocus(fn as (arg: unknown) => unknown, { samples: [[sample]], warmup: 3, tier: 'warmup' });
    return recordOf(name);
  }

  for (const [kind, make] of [
    ['an ArrayBuffer', 'new ArrayBuffer(8)'],
    ['a SharedArrayBuffer', 'new SharedArrayBuffer(8)'],
  ] as const) {
    it(`never writes into ${kind} made by vm.runInNewContext`, () => {
      const foreign = vm.runInNewContext(make) as ArrayBufferLike;
      warmWith(`writesForeign${kind.length}`, foreign, (buffer: never) => { new Uint8Array(buffer as ArrayBufferLike).fill(7); });
      assert.deepEqual(Array.from(new Uint8Array(foreign)), [0, 0, 0, 0, 0, 0, 0, 0]);
    });
  }

  it('copies a DataView over a foreign SharedArrayBuffer as a DataView over a SharedArrayBuffer', () => {
    const view = vm.runInNewContext('new DataView(new SharedArrayBuffer(8))') as DataView;
    const seen: boolean[] = [];
    warmWith('seesSharedView', view, (v: never) => { seen.push(types.isSharedArrayBuffer((v as DataView).buffer) && v !== view); });
    assert.deepEqual(seen, [true, true, true]);
  });

  it('never writes into a typed array made by vm.runInNewContext', () => {
    const foreign = vm.runInNewContext('new Float64Array(2)') as Float64Array;
    warmWith('writesForeignFloats', foreign, (xs: never) => { (xs as Float64Array)[0] = 1; });
    assert.deepEqual(Array.from(foreign), [0, 0]);
  });
});

describe('warm-up failures say whose they are', () => {
  it('passes a detached buffer as it is (nothing in it to protect) and completes the warm-up', () => {
    const buffer = new ArrayBuffer(8);
    structuredClone(buffer, { transfer: [buffer] });
    const lengths: number[] = [];
    const fn = function takesDetached(b: ArrayBuffer) { lengths.push(b.byteLength); };
    jitFocus(fn, { samples: [[buffer]], warmup: 2, tier: 'warmup' });
    assert.deepEqual([recordOf('takesDetached').warmup.state, lengths], ['done', [0, 0]]);
  });

  it('does not blame the function when reading its result\'s then getter throws', () => {
    const fn = function thenGetterThrows() { return { get then(): never { throw new Error('no then'); } }; };
    jitFocus(fn, { samples: [[]], warmup: 2, tier: 'warmup' });
    assert.equal(recordOf('thenGetterThrows').warmup.state, 'done');
  });

  it('names the sample call that threw and what it threw', () => {
    const fn = function throwsOnTwo(x: number) { if (x === 2) throw new RangeError('two'); return x; };
    jitFocus(fn, { samples: [[1], [2]], warmup: 4, tier: 'warmup' });
    assert.equal(recordOf('throwsOnTwo').warmup.error, 'sample call 2 threw RangeError: two');
  });
});
