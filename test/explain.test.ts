// explain(): what the native tier makes of a function (compiles or not, the signature, the typed
// IR, the micro-ops with stencil sizes, or the reason with its position), and formatExplain().
// Bad input is a TypeError that says what is wrong.

import * as assert from 'node:assert/strict';
import { engineStatus, isPollStencil } from '../lib/engine.js';
import { explain, formatExplain, jitFocus, jitIgnore } from '../lib/index.js';
import { POLL_ENTRY } from '../lib/compiler/explain.js';
import type { ExplainReport } from '../lib/index.js';
import type { AnyFunction } from '../lib/types.js';

const engineCompiles = (() => {
  const status = engineStatus();
  return status.loaded && status.supported && !status.refusal;
})();

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

function readsProperty(o: { x: number }): number {
  return o.x;
}

describe('explain()', () => {
  describe('a function outside the kernel subset', () => {
    let report: ExplainReport;
    before(() => { report = explain(readsProperty as AnyFunction); });

    it('does not compile, and says why with the construct and its position', () => {
      assert.deepEqual([report.compiles, /^`o\.x`.* at line \d+, column \d+: /.test(report.reason ?? '')], [false, true], report.reason ?? '');
    });

    it('has no IR and no micro-ops', () => assert.deepEqual([report.ir, report.uops], [null, []]));

    it('is named after the function', () => assert.equal(report.name, 'readsProperty'));
  });

  (engineCompiles ? describe : describe.skip)('a kernel', () => {
    it('compiles, by default with arrays as Float64Array and numbers as f64', () => {
      const report = explain(dot);
      assert.deepEqual([report.compiles, report.signature, report.reason], [true, 'Float64Array, Float64Array, f64', null]);
    });

    it('takes the signature from the arguments given', () => {
      assert.equal(explain(dot, { args: [new Float64Array(2), new Float64Array(2), 2] }).signature, 'Float64Array, Float64Array, i32');
    });

    it('takes the signature given, as text or as a list', () => {
      assert.deepEqual([
        explain(dot, { signature: 'Float32Array,Float32Array,i32' }).signature,
        explain(dot, { signature: ['Float64Array', 'Float32Array', 'f64'] }).signature,
      ], ['Float32Array, Float32Array, i32', 'Float64Array, Float32Array, f64']);
    });

    it('has the typed IR and every micro-op with its stencil size', () => {
      const report = explain(dot);
      assert.deepEqual([typeof report.ir, report.uops.length > 3, report.uops.some((u) => (u.bytes ?? 0) > 0)], ['string', true, true]);
    });

    it("pairs every micro-op with the stencil the engine chose for it, and lists the engine's own additions", () => {
      // Math.sin works on memory only: a cached slot it reads is written back first, its result is
      // loaded after; the cached parameters are loaded at entry; the loop head gets a poll.
      const sinSum = new Function('x', 'n', 'let s = 0; for (let i = 0; i < n; i++) s += Math.sin(x * i) + x; return s;') as AnyFunction;
      // A nested loop's outer head gets the outer poll.
      const nestedSum = new Function('x', 'n', 'let s = 0; for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += x * j; return s;') as AnyFunction;
      const report = explain(sinSum, { signature: 'f64, i32' });
      const nested = explain(nestedSum, { signature: 'f64, i32' });
      const wrongIn = (r: typeof report) => r.uops.filter((u) => {
        const op = u.uop.split(' ', 1)[0];
        if (op.endsWith(':')) return u.bytes !== 0 || u.stencil !== null;
        if (u.uop === POLL_ENTRY) return !isPollStencil(u.stencil ?? '') || !(u.bytes! > 0);
        if (u.uop.startsWith('(register ')) return !/^MOV_(F64|I32|U32)__/.test(u.stencil ?? '');
        return u.stencil === null || u.stencil.split('__')[0] !== op;
      });
      assert.deepEqual([report.compiles, wrongIn(report)], [true, []]);
      assert.deepEqual([nested.compiles, wrongIn(nested), nested.uops.filter((u) => u.uop === POLL_ENTRY).map((u) => u.stencil)],
        [true, [], ['outer poll', 'poll']], formatExplain(nested));
      assert.deepEqual([
        report.uops.some((u) => u.uop === POLL_ENTRY),
        report.uops.some((u) => /^\(register [fr]\d (written to|loaded from) its slot\)$/.test(u.uop)),
        report.uops.some((u) => (u.stencil ?? '').includes('__')),
      ], [true, true, true], formatExplain(report));
    });

    it('sizes the kernel: its code bytes hold the stencils', () => {
      const report = explain(dot);
      const stencils = report.uops.reduce((sum, u) => sum + (u.bytes ?? 0), 0);
      assert.ok(report.codeBytes !== null && report.codeBytes >= stencils && stencils > 0, JSON.stringify(report));
    });

    it('explains a hinted function through the function it hinted, with its first sample', () => {
      const hinted = jitFocus(function hintedDot(a: Float64Array, b: Float64Array, n: number) { return dot(a, b, n); },
        { samples: [[new Float64Array(1), new Float64Array(1), 1]], tier: 'v8' });
      // hintedDot calls dot: outside the subset, and the reason names that call.
      const report = explain(hinted);
      assert.deepEqual([report.name, report.compiles, /dot/.test(report.reason ?? '')], ['hintedDot', false, true]);
    });

    it('uses the hint\'s sample as the signature of a hinted kernel', () => {
      const ignoredDot = new Function('a', 'b', 'n', 'let s = 0; for (let i = 0; i < n; i++) s += a[i] * b[i]; return s; /* ignored */') as AnyFunction;
      const hinted = jitIgnore(ignoredDot, { samples: [[new Float64Array(1), new Float64Array(1), 1]] });
      assert.equal(explain(hinted).signature, 'Float64Array, Float64Array, i32');
    });

    it('says when the signature does not fit the parameters', () => {
      const report = explain(dot, { signature: 'f64' });
      assert.deepEqual([report.compiles, /1 argument kinds but dot takes 3 parameters/.test(report.reason ?? '')], [false, true]);
    });

    it('says when an argument has no kind', () => {
      const report = explain(dot, { args: ['x', 1, 2] });
      assert.deepEqual([report.compiles, /no kind/.test(report.reason ?? '')], [false, true]);
    });
  });

  describe('bad input', () => {
    const bad: Array<[string, () => unknown, RegExp]> = [
      ['not a function', () => explain(42 as unknown as AnyFunction), /^explain: expected a function, got/],
      ['options that are not an object', () => explain(dot, 'x' as never), /^explain: options must be an object/],
      ['an unknown option', () => explain(dot, { args: [], sig: 1 } as never), /^explain: unknown option 'sig'/],
      ['args that are not an array', () => explain(dot, { args: 1 as never }), /^explain: args must be an array/],
      ['a signature that is not text or a list', () => explain(dot, { signature: 3 as never }), /^explain: signature must be/],
      ['an unknown argument kind', () => explain(dot, { signature: 'Float64Array,Float65Array,i32' }), /unknown argument kind "Float65Array"/],
    ];
    for (const [label, call, message] of bad) {
      it(`is a TypeError: ${label}`, () => assert.throws(call, (error: Error) => error instanceof TypeError && message.test(error.message)));
    }
  });
});

describe('explain() of a kernel that speculates', () => {
  it('says so, and lists the checked int32 micro-ops', () => {
    const collatzSteps = new Function('return function collatzSteps(x) { let steps = 0; while (x !== 1) { x = x % 2 === 0 ? x / 2 : 3 * x + 1; steps++; } return steps; }')() as (x: number) => number;
    const report = explain(collatzSteps, { signature: 'i32' });
    assert.deepEqual([report.compiles, report.speculative, report.uops.some((u) => u.uop.startsWith('MUL_I32_EXACT'))], [true, true, true], formatExplain(report));
    assert.match(formatExplain(report), /\n {2}speculates: int32 arithmetic checked at run time/);
    const sum = new Function('return function sumOf(a) { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; }')() as (a: Float64Array) => number;
    assert.equal(explain(sum, { signature: 'Float64Array' }).speculative, false);
  });
});

describe('formatExplain()', () => {
  const compiled: ExplainReport = {
    name: 'k', compiles: true, signature: 'f64', ir: 'return sqrt(x: f64): f64', codeBytes: 90,
    uops: [{ uop: 'SQRT_F64 s1, s0', bytes: 40, stencil: 'SQRT_F64__f1_f0' }, { uop: 'RETURN', bytes: 1, stencil: 'RETURN' }], reason: null, speculative: false,
  };
  const declined: ExplainReport = {
    name: 'o', compiles: false, signature: null, ir: null, codeBytes: null, uops: [],
    reason: '`o.x` (a property read) at line 2, column 10: objects are outside the kernel subset; pass numbers', speculative: false,
  };

  it('prints whether it compiles and for which signature', () => {
    assert.equal(formatExplain(compiled).split('\n')[0], 'k: compiles natively for (f64)');
  });

  it('prints the IR and each micro-op with its size', () => {
    assert.deepEqual(formatExplain(compiled).split('\n').slice(1), [
      '  typed IR:', '    return sqrt(x: f64): f64', '  micro-ops (2, 41 bytes of stencils, 90 bytes of code):',
      '    SQRT_F64 s1, s0    40 B  SQRT_F64__f1_f0', '    RETURN              1 B',
    ]);
  });

  it('prints the reason of a decline', () => {
    assert.deepEqual(formatExplain(declined).split('\n'), ['o: does not compile natively', `  reason: ${declined.reason}`]);
  });

  it('prints several reports, a blank line between them', () => {
    assert.equal(formatExplain([declined, declined]).split('\n\n').length, 2);
  });
});
