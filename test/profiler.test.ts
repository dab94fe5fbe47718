// The profiler: off by default and then absent; when on, it counts every call, times sampled calls,
// observes tiers, and passes everything through unchanged.

import * as assert from 'node:assert/strict';
import { jitFocus, jitIgnore, jitOnce } from '../lib/index.js';
import { recordNamed } from './helpers/records.js';

let serial = 0;
function fresh(name: string, body = 'return x;'): (x: number) => number {
  return new Function(`return function ${name}(x) { ${body} /* ${serial++} */ }`)() as (x: number) => number;
}

describe('profiler off (the default)', () => {
  it('returns the function itself where the tier adds nothing (noop)', () => {
    const fn = fresh('profileOffNoop');
    assert.equal(jitFocus(fn, { tier: 'noop' }), fn);
  });

  it('returns the function itself for jitIgnore', () => {
    const fn = fresh('profileOffIgnore');
    assert.equal(jitIgnore(fn), fn);
  });

  it('marks the record as not profiled', () => {
    jitOnce(fresh('profileOffRecord'));
    assert.equal(recordNamed('profileOffRecord').profiled, false);
  });
});

describe('profiler on', () => {
  it('wraps a function that would otherwise be returned as is', () => {
    const fn = fresh('profileOnWraps');
    assert.notEqual(jitIgnore(fn, { profile: true }), fn);
  });

  it('counts every call', () => {
    const f = jitFocus(fresh('profileCounts'), { profile: true, tier: 'noop' });
    for (let i = 0; i < 1000; i++) f(i);
    assert.equal(recordNamed('profileCounts').calls, 1000);
  });

  it('times the first call', () => {
    jitFocus(fresh('profileFirstTimed'), { profile: true })(1);
    assert.equal(recordNamed('profileFirstTimed').time?.timedCalls, 1);
  });

  it('times a sample of the calls, not every call', () => {
    const f = jitFocus(fresh('profileSampled'), { profile: true, tier: 'noop' });
    for (let i = 0; i < 1600; i++) f(i);
    const timed = recordNamed('profileSampled').time!.timedCalls;
    assert.ok(timed > 1 && timed < 1600, `${timed} timed calls`);
  });

  it('measures a slow call as slow', () => {
    const f = jitFocus(fresh('profileSlow', 'const end = Date.now() + 5; while (Date.now() < end); return x;'), { profile: true });
    f(1);
    assert.ok(recordNamed('profileSlow').time!.maxNs >= 4e6);
  });

  it('returns the return value unchanged (the same object)', () => {
    const value = { big: true };
    const f = jitFocus(function profileReturns() { return value; }, { profile: true });
    assert.equal(f(), value);
  });

  it('passes `this` through', () => {
    const holder = { k: 7, get: jitOnce(function profileThis(this: { k: number }) { return this.k; }, { profile: true }) };
    assert.equal(holder.get(), 7);
  });

  it('passes every argument through', () => {
    const f = jitFocus(function profileArgs(...args: unknown[]) { return args; }, { profile: true });
    assert.deepEqual(f(1, 'two', undefined, null), [1, 'two', undefined, null]);
  });

  it('lets an exception through unchanged (the same object) on timed calls', () => {
    const error = new Error('boom');
    const f = jitFocus(function profileThrowsTimed() { throw error; }, { profile: true });
    assert.throws(() => f(), (caught: unknown) => caught === error);
  });

  it('lets an exception through unchanged on untimed calls', () => {
    const error = new Error('boom');
    const f = jitFocus(function profileThrowsUntimed(n: number) { if (n > 0) throw error; return n; }, { profile: true, tier: 'noop' });
    f(0);
    assert.throws(() => f(1), (caught: unknown) => caught === error);
  });

  it('counts calls that throw', () => {
    const f = jitFocus(function profileCountsThrows() { throw new Error('x'); }, { profile: true });
    for (let i = 0; i < 3; i++) assert.throws(() => f());
    assert.equal(recordNamed('profileCountsThrows').calls, 3);
  });

  it('returns the promise an async function returns (the same promise)', async () => {
    let made: Promise<number> | undefined;
    const f = jitFocus(function profileAsync() { made = Promise.resolve(5); return made; }, { profile: true });
    const got = f();
    assert.equal(got, made);
    await got;
  });

  it('notes that an async function is timed only until it returns its promise', () => {
    jitFocus(async function profileAsyncNote() { return 1; }, { profile: true });
    assert.ok(recordNamed('profileAsyncNote').warnings.some((w) => w.includes('synchronous part only')));
  });

  it('constructs through the function when called with new', () => {
    type PointConstructor = new (x: number) => { x: number };
    const Point = jitFocus(function ProfilePoint(this: { x: number }, x: number) { this.x = x; }, { profile: true }) as unknown as PointConstructor;
    assert.equal(new Point(3).x, 3);
  });

  it('keeps the function name and length', () => {
    const f = jitFocus(function profileIdentity(a: number, b: number) { return a + b; }, { profile: true });
    assert.deepEqual([f.name, f.length], ['profileIdentity', 2]);
  });

  it('observes the tier on timed calls', function () {
    const f = jitFocus(fresh('profileObserves', 'let s = 0; for (let i = 0; i < x; i++) s += i; return s;'),
      { profile: true, samples: [[10], [20]] });
    if (recordNamed('profileObserves').tier !== 'v8') this.skip(); // tiers are only visible through V8's intrinsics
    f(30);
    assert.notEqual(recordNamed('profileObserves').observedTier, 'unknown');
  });
});
