// The noop tier: the hint returns the very function it was given, whatever the hint, and nothing
// runs per call. It is what JITCTL=off / configure({ mode: 'off' }) and tier: 'noop' give.

import { strict as assert } from 'node:assert';
import { configure, jitFocus, jitIgnore, jitOnce, stats } from '../lib/index.js';
import type { Hint, JitHint } from '../lib/index.js';
import { describeChild, runChild } from './helpers/natives.js';

describe('noop tier', () => {
  afterEach(() => configure({ mode: 'auto' }));

  const hints: Record<string, JitHint<Hint>> = { jitFocus, jitIgnore, jitOnce };
  for (const [name, hint] of Object.entries(hints)) {
    it(`${name} returns the identical function with tier: 'noop'`, () => {
      const fn = (x: number) => x + 1;
      assert.equal(hint(fn, { tier: 'noop' }), fn);
    });
    it(`${name} returns the identical function when jitctl is off`, () => {
      configure({ mode: 'off' });
      const fn = (x: number) => x + 2;
      assert.equal(hint(fn), fn);
    });
  }

  it('runs no sample calls when jitctl is off', () => {
    configure({ mode: 'off' });
    let calls = 0;
    jitFocus(() => { calls++; }, { samples: [[]] });
    assert.equal(calls, 0);
  });

  it('says why in stats()', () => {
    configure({ mode: 'off' });
    jitFocus(function offReason() { return 1; });
    const s = stats().filter((r) => r.name === 'offReason').pop();
    assert.deepEqual([s?.tier, /jitctl is off/.test(s?.reason ?? '')], ['noop', true]);
  });

  it('returns the identical function for every hint with JITCTL=off in the environment', function () {
    this.timeout(20000);
    const r = runChild(`
      const { jitFocus, jitIgnore, jitOnce } = require(INDEX);
      const f = (x) => x;
      console.log([jitFocus(f, { samples: [[1]] }), jitIgnore(f), jitOnce(f)].every((g) => g === f));`, { env: { JITCTL: 'off' } });
    assert.equal(r.stdout.trim(), 'true', describeChild(r));
  });
});
