// Bounds-check elimination (native/core/bounds.cc; docs/native-engine.md, "Bounds checks the
// engine proves"): the engine rewrites an access into its proven twin, without the check, only
// where its own range analysis bounds the index in [0, length) on every path. Each case runs the
// kernel and reads which stencils it was built from: the proofs must hold where claimed, and
// every near miss (one past the end, another view's length, an index that may be negative or may
// have wrapped, a length slot overwritten) must keep its check and behave as JS does.

import assert from 'node:assert/strict';

import { compile, ElementKind, TraceBuilder, UOPS, type Kernel } from '../../lib/engine.js';
import { explain, jitFocus } from '../../lib/index.js';
import type { Label, Slot, View } from '../../lib/compiler/trace/trace.js';
import { selectKernels } from '../../bench/kernels/index.js';
import { ENGINE_MODULE, runNode } from './helpers.js';

const stencilsOf = (kernel: Kernel) => kernel.inspect().stencils.map((s) => s.uop);
const proven = (kernel: Kernel) => stencilsOf(kernel).filter((name) => /_PROVEN(__|$)/.test(name));
const checked = (kernel: Kernel) => stencilsOf(kernel).filter((name) => /^(LOAD|STORE)_[A-Z0-9]+(_I32|_U32)?(__|$)/.test(name));

/**
 * sum of v[i] for i from `start` while `i <cmp> bound`, i += 1: the loop shape the front end
 * writes (`JUMP cond; body: ...; i++; cond: BR body`). A load that misses adds NaN, as JS's
 * `s += undefined` does.
 */
function sumLoop(options: { start?: 'zero' | 'param'; cmp?: 'BR_LT_I32' | 'BR_LE_I32'; boundOf?: 'same' | 'other'; clobberLength?: boolean; offset?: number }): TraceBuilder {
  const b = new TraceBuilder();
  const v = b.view(ElementKind.Float64), other = b.view(ElementKind.Float64);
  const start = b.slot('i32'), i = b.slot('i32'), j = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), k = b.slot('i32');
  const sum = b.slot('f64'), x = b.slot('f64');
  const body = b.label(), cond = b.label(), miss = b.label(), next = b.label();
  b.param(v).param(other).param(start).returns(sum);
  b.op('LENGTH', n, options.boundOf === 'other' ? other : v);
  if (options.clobberLength) b.op('CONST_I32', n, 1000);
  b.op('CONST_I32', one, 1).op('CONST_I32', k, options.offset ?? 0);
  if (options.start === 'param') b.op('MOV_I32', i, start);
  else b.op('CONST_I32', i, 0);
  b.op('CONST_F64', sum, 0).op('JUMP', cond);
  b.define(miss).op('CONST_F64', x, NaN).op('JUMP', next);
  b.define(body);
  b.op('ADD_I32', j, i, k);
  b.op('LOAD_FLOAT64', x, v, j, miss);
  b.define(next).op('ADD_F64', sum, sum, x).op('ADD_I32', i, i, one);
  b.define(cond).op(options.cmp ?? 'BR_LT_I32', i, n, body).op('RETURN');
  return b;
}

/** What sumLoop computes, in JS. */
function sumLoopJs(v: Float64Array, other: Float64Array, start: number, options: Parameters<typeof sumLoop>[0]): number {
  let sum = 0;
  const n = options.clobberLength ? 1000 : (options.boundOf === 'other' ? other : v).length;
  for (let i = start; options.cmp === 'BR_LE_I32' ? i <= n : i < n; i++) sum += v[i + (options.offset ?? 0)] ?? NaN;
  return sum;
}

const data = (n: number, seed = 1) => Float64Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 11) - 5.5);

describe('bounds-check elimination: the engine proves an access in range only where it is', () => {
  it('proves the load of `for (i = 0; i < v.length; i++) s += v[i]`, and the kernel sums as JS does', () => {
    const kernel = compile(sumLoop({}));
    assert.deepEqual(proven(kernel).map((n) => n.split('__')[0]), ['LOAD_FLOAT64_PROVEN']);
    assert.deepEqual(checked(kernel), []);
    for (const length of [0, 1, 5, 1000]) {
      const v = data(length), other = data(3);
      assert.ok(Object.is(kernel.call(v, other, 0), sumLoopJs(v, other, 0, {})), `length ${length}`);
    }
  });

  for (const [what, options, args] of [
    ['one past the end (i <= v.length)', { cmp: 'BR_LE_I32' }, [data(6), data(3), 0]],
    ['a bound from another view\'s length', { boundOf: 'other' }, [data(4), data(9), 0]],
    ['an index that starts at a parameter (it may be negative)', { start: 'param' }, [data(5), data(3), -3]],
    ['a length slot overwritten before the compare', { clobberLength: true }, [data(7), data(3), 0]],
    ['an index one past the loop variable (v[i + 1])', { offset: 1 }, [data(6), data(3), 0]],
  ] as const) {
    it(`keeps the check for ${what}, and reads undefined past the end as JS does`, () => {
      const kernel = compile(sumLoop(options));
      assert.deepEqual(proven(kernel), [], stencilsOf(kernel).join(' '));
      assert.equal(checked(kernel).length, 1);
      const [v, other, start] = args;
      const expected = sumLoopJs(v, other, start, options);
      assert.ok(Number.isNaN(expected) || options.start === 'param', 'the case reads out of range');
      assert.ok(Object.is(kernel.call(v, other, start), expected));
    });
  }

  it('proves a downward loop from length - 1 to 0, loads and stores (v[k] = v[k] * 2)', () => {
    const b = new TraceBuilder();
    const v = b.view(ElementKind.Float64), n = b.slot('i32'), k = b.slot('i32'), one = b.slot('i32'), zero = b.slot('i32');
    const x = b.slot('f64'), two = b.slot('f64'), body = b.label(), cond = b.label(), done = b.label();
    b.param(v);
    b.op('LENGTH', n, v).op('CONST_I32', one, 1).op('CONST_I32', zero, 0).op('CONST_F64', two, 2);
    b.op('SUB_I32', k, n, one).op('JUMP', cond);
    b.define(body).op('LOAD_FLOAT64', x, v, k, done).op('MUL_F64', x, x, two).op('STORE_FLOAT64', v, k, x).op('SUB_I32', k, k, one);
    b.define(cond).op('BR_GE_I32', k, zero, body);
    b.define(done).op('RETURN');
    const kernel = compile(b);
    assert.deepEqual(proven(kernel).map((s) => s.split('__')[0]).sort(), ['LOAD_FLOAT64_PROVEN', 'STORE_FLOAT64_PROVEN']);
    const v0 = data(9);
    kernel.call(v0);
    assert.deepEqual([...v0], [...data(9)].map((x) => x * 2));
    kernel.call(new Float64Array(0));  // k = -1: the loop never runs
  });

  it('proves a store after a load of the same element that falls through, not one after a load whose miss rejoins', () => {
    const build = (rejoin: boolean) => {
      const b = new TraceBuilder();
      const v = b.view(ElementKind.Int32), i = b.slot('i32'), x = b.slot('i32'), miss = b.label(), after = b.label();
      b.param(v).param(i).returns(x);
      b.op('CONST_I32', x, -1);
      b.op('LOAD_INT32_I32', x, v, i, rejoin ? after : miss);
      b.define(after).op('STORE_INT32_I32', v, i, x).op('RETURN');
      b.define(miss).op('RETURN');
      return compile(b);
    };
    assert.deepEqual(proven(build(false)).map((s) => s.split('__')[0]), ['STORE_INT32_I32_PROVEN']);
    assert.deepEqual(proven(build(true)), []);
    for (const rejoin of [false, true]) {
      const kernel = build(rejoin);
      const v = Int32Array.from([5, 6, 7]);
      assert.equal(kernel.call(v, 1), 6);
      assert.equal(kernel.call(v, 3), -1);   // out of range: the load misses, the store does nothing
      assert.equal(kernel.call(v, -1), -1);
      assert.deepEqual([...v], [5, 6, 7]);
    }
  });

  it('keeps the check when the loop body overwrites the index, or the view is past the 16 the facts track', () => {
    // for (i = 0; i < v.length; i++) { i = j; s += v[i] } with j a parameter.
    const b = new TraceBuilder();
    const v = b.view(ElementKind.Float64), i = b.slot('i32'), j = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32');
    const x = b.slot('f64'), s = b.slot('f64'), body = b.label(), cond = b.label(), miss = b.label();
    b.param(v).param(j).returns(s);
    b.op('LENGTH', n, v).op('CONST_I32', one, 1).op('CONST_I32', i, 0).op('CONST_F64', s, 0).op('JUMP', cond);
    b.define(body).op('MOV_I32', i, j).op('LOAD_FLOAT64', x, v, i, miss).op('ADD_F64', s, s, x).op('ADD_I32', i, i, one);
    b.define(cond).op('BR_LT_I32', i, n, body).op('RETURN');
    b.define(miss).op('CONST_F64', s, -1).op('RETURN');
    const kernel = compile(b);
    assert.deepEqual(proven(kernel), []);
    assert.equal(kernel.call(data(4), 9), -1);

    const many = new TraceBuilder();
    const views: View[] = Array.from({ length: 66 }, () => many.view(ElementKind.Float64));
    const index = many.slot('i32'), length = many.slot('i32'), y = many.slot('f64'), out: Label = many.label();
    views.forEach((view) => many.param(view));
    many.returns(y);
    const last = views[65];
    many.op('CONST_I32', index, 0).op('LENGTH', length, last).op('CONST_F64', y, -1).op('BR_GE_I32', index, length, out);
    many.op('LOAD_FLOAT64', y, last, index, out);
    many.define(out).op('RETURN');
    const wide = compile(many);
    assert.deepEqual(proven(wide), []);
    const arrays = views.map((_, k) => Float64Array.of(k));
    assert.equal(wide.call(...arrays), 65);
    // The same access of view 15 is proved, of view 16 not.
    for (const [at, proves] of [[15, true], [16, false]] as const) {
      const t = new TraceBuilder();
      const vs: View[] = Array.from({ length: 17 }, () => t.view(ElementKind.Float64));
      const ti = t.slot('i32'), tn = t.slot('i32'), ty = t.slot('f64'), tout = t.label();
      vs.forEach((view) => t.param(view));
      t.returns(ty).op('CONST_I32', ti, 0).op('LENGTH', tn, vs[at]).op('CONST_F64', ty, -1).op('BR_GE_I32', ti, tn, tout);
      t.op('LOAD_FLOAT64', ty, vs[at], ti, tout).define(tout).op('RETURN');
      const k = compile(t);
      assert.equal(proven(k).length, proves ? 1 : 0, `view ${at}`);
      assert.equal(k.call(...vs.map((_, j) => Float64Array.of(j + 0.5))), at + 0.5);
      assert.equal(k.call(...vs.map((_, j) => new Float64Array(j === at ? 0 : 1))), -1);
    }
  });

  describe('offsets: how far below a length an index lies', () => {
    // for (i = start; i < v.length - c; i++) s += v[i + d], the loads' misses adding NaN as JS's
    // `s += undefined` does; d may be negative.
    function offsetSum(c: number, offsets: readonly number[], start: number): TraceBuilder {
      const b = new TraceBuilder();
      const v = b.view(ElementKind.Float64);
      const i = b.slot('i32'), n = b.slot('i32'), bound = b.slot('i32'), cs = b.slot('i32'), one = b.slot('i32'), j = b.slot('i32'), d = b.slot('i32');
      const s = b.slot('f64'), x = b.slot('f64'), body = b.label(), cond = b.label();
      b.param(v).returns(s);
      b.op('LENGTH', n, v).op('CONST_I32', cs, c).op('SUB_I32', bound, n, cs).op('CONST_I32', one, 1).op('CONST_I32', i, start).op('CONST_F64', s, 0);
      b.op('JUMP', cond).define(body);
      for (const offset of offsets) {
        const miss = b.label(), next = b.label();
        b.op('CONST_I32', d, offset).op('ADD_I32', j, i, d).op('LOAD_FLOAT64', x, v, j, miss).op('JUMP', next);
        b.define(miss).op('CONST_F64', x, NaN).define(next).op('ADD_F64', s, s, x);
      }
      b.op('ADD_I32', i, i, one).define(cond).op('BR_LT_I32', i, bound, body).op('RETURN');
      return b;
    }
    const offsetSumJs = (v: Float64Array, c: number, offsets: readonly number[], start: number) => {
      let s = 0;
      for (let i = start; i < v.length - c; i++) for (const d of offsets) s += v[i + d] ?? NaN;
      return s;
    };

    for (const [what, c, offsets, start, provenCount] of [
      ['v[i - 1], v[i] and v[i + 1] under 1 <= i < v.length - 1 (a 3-point stencil)', 1, [-1, 0, 1], 1, 3],
      ['v[i + 3] under i < v.length - 3', 3, [3, 0], 0, 2],
      ['v[i + 2] under i < v.length - 1: one past the end, checked', 1, [2, 1], 0, 1],
      ['v[i - 1] from i = 0: may be negative, checked', 1, [-1, 1], 0, 1],
      ['v[i + 1] under i < v.length - 0: one past the end, checked', 0, [1, 0], 0, 1],
    ] as const) {
      it(`${provenCount === offsets.length ? 'proves' : 'keeps what it cannot prove:'} ${what}`, () => {
        const kernel = compile(offsetSum(c, offsets, start));
        assert.equal(proven(kernel).length, provenCount, stencilsOf(kernel).join(' '));
        assert.equal(checked(kernel).length, offsets.length - provenCount);
        for (const length of [0, 1, 2, 3, 4, 5, 17]) {
          const v = data(length);
          assert.ok(Object.is(kernel.call(v), offsetSumJs(v, c, offsets, start)), `length ${length}`);
        }
      });
    }

    it('proves a constant index below a length a guard bounds from below (v.length >= 3: v[0], v[2], not v[3])', () => {
      const b = new TraceBuilder();
      const v = b.view(ElementKind.Float64), n = b.slot('i32'), three = b.slot('i32'), k = b.slot('i32');
      const s = b.slot('f64'), x = b.slot('f64'), short = b.label(), miss = b.label();
      b.param(v).returns(s).op('LENGTH', n, v).op('CONST_I32', three, 3).op('BR_LT_I32', n, three, short);
      for (const index of [0, 2, 3]) b.op('CONST_I32', k, index).op('LOAD_FLOAT64', x, v, k, miss).op('ADD_F64', s, s, x);
      b.op('RETURN').define(short).op('CONST_F64', s, -1).op('RETURN').define(miss).op('CONST_F64', s, -2).op('RETURN');
      const kernel = compile(b);
      assert.equal(proven(kernel).length, 2, stencilsOf(kernel).join(' '));
      assert.equal(checked(kernel).length, 1);
      assert.deepEqual([kernel.call(data(2)), kernel.call(data(3)), kernel.call(Float64Array.of(1, 2, 4, 8))], [-1, -2, 13]);
    });

    it('keeps the check where the bound is not the length minus a constant the facts know (a wrapped n - c)', () => {
      // n - c with c = -2^31 + 1 (as a parameter): the subtraction may wrap, so the bound says nothing.
      const b = new TraceBuilder();
      const v = b.view(ElementKind.Float64), c = b.slot('i32');
      const i = b.slot('i32'), n = b.slot('i32'), bound = b.slot('i32'), one = b.slot('i32'), j = b.slot('i32');
      const s = b.slot('f64'), x = b.slot('f64'), body = b.label(), cond = b.label(), miss = b.label(), next = b.label();
      b.param(v).param(c).returns(s);
      b.op('LENGTH', n, v).op('SUB_I32', bound, n, c).op('CONST_I32', one, 1).op('CONST_I32', i, 0).op('JUMP', cond);
      b.define(body).op('ADD_I32', j, i, one).op('LOAD_FLOAT64', x, v, j, miss).op('JUMP', next);
      b.define(miss).op('CONST_F64', x, NaN).define(next).op('ADD_F64', s, s, x).op('ADD_I32', i, i, one);
      b.define(cond).op('BR_LT_I32', i, bound, body).op('RETURN');
      const kernel = compile(b);
      assert.deepEqual(proven(kernel), []);
      assert.ok(Object.is(kernel.call(data(4), 1), data(4).slice(1).reduce((a, y) => a + y, 0)));
      assert.ok(Object.is(kernel.call(data(4), 0), NaN));  // reads v[4]
    });
  });

  it('gives up, proving nothing, past its limit on facts (thousands of slots times many labels), and the kernel still runs', () => {
    const b = new TraceBuilder();
    const v = b.view(ElementKind.Float64), i = b.slot('i32'), n = b.slot('i32'), x = b.slot('f64');
    const filler: Slot[] = Array.from({ length: 4000 }, () => b.slot('i32'));
    const labels = Array.from({ length: 80 }, () => b.label());
    const miss = b.label();
    b.param(v).returns(x);
    b.op('CONST_I32', i, 0).op('LENGTH', n, v).op('CONST_F64', x, -1).op('BR_GE_I32', i, n, miss);
    for (const label of labels) b.define(label);
    b.op('CONST_I32', filler[0], 1).op('LOAD_FLOAT64', x, v, i, miss);
    b.define(miss).op('RETURN');
    const kernel = compile(b);
    assert.deepEqual(proven(kernel), []);
    assert.equal(kernel.call(Float64Array.of(2.5)), 2.5);
    assert.equal(kernel.call(new Float64Array(0)), -1);
  });

  it('refuses a trace that names a proven access itself (the builder with a TypeError, the engine with its reason)', () => {
    const twin = UOPS.find((d) => d.name === 'LOAD_FLOAT64_PROVEN')!;
    const b = new TraceBuilder();
    const v = b.view(ElementKind.Float64), i = b.slot('i32'), x = b.slot('f64');
    b.param(v).param(i).returns(x);
    assert.throws(() => b.op(twin.name, x, v, i), (e: unknown) => e instanceof TypeError && /engine's own micro-op/.test(e.message) && /write LOAD_FLOAT64\b/.test(e.message));
    // The same op written as words: LENGTH's opcode, patched to the twin's (same operand count).
    const words = new TraceBuilder();
    const wv = words.view(ElementKind.Float64), wd = words.slot('i32');
    words.param(wv).returns(wd).op('LENGTH', wd, wv).op('RETURN');
    const built = words.build();
    const firstOp = 8 + built[2] + built[3] + 2 * built[4];  // after the header, slot and view types, parameters
    assert.equal(built[firstOp], UOPS.find((d) => d.name === 'LENGTH')!.opcode);
    const patched = Int32Array.from(built);
    patched[firstOp] = twin.opcode;
    assert.throws(() => compile(patched), /LOAD_FLOAT64_PROVEN is the engine's own \(an access it proved in range\) and cannot appear in a trace/);
  });

  it('proves nothing with JITCTL_PROVEN_ACCESSES=0 (for measuring what the proofs buy)', () => {
    const script = `
      const { compile, TraceBuilder, ElementKind } = require(${JSON.stringify(ENGINE_MODULE)});
      const b = new TraceBuilder();
      const v = b.view(ElementKind.Float64), i = b.slot('i32'), n = b.slot('i32'), x = b.slot('f64'), out = b.label();
      b.param(v).returns(x).op('CONST_I32', i, 0).op('LENGTH', n, v).op('CONST_F64', x, -1).op('BR_GE_I32', i, n, out);
      b.op('LOAD_FLOAT64', x, v, i, out);
      b.define(out).op('RETURN');
      const kernel = compile(b);
      console.log(JSON.stringify([kernel.inspect().stencils.map((s) => s.uop).filter((s) => s.startsWith('LOAD')), kernel.call(Float64Array.of(4))]));`;
    for (const [setting, load] of [['0', 'LOAD_FLOAT64'], ['1', 'LOAD_FLOAT64_PROVEN']]) {
      const child = runNode(script, { env: { JITCTL_PROVEN_ACCESSES: setting } });
      assert.equal(child.status, 0, child.stderr);
      assert.deepEqual(JSON.parse(child.stdout), [[load], 4]);
    }
  });

  it('proves the accesses of JS kernels by their loop\'s array, and by the arrays an entry guard makes at least as long', () => {
    // The benchmark suite's own kernels (bench/kernels/linear.ts).
    const kernelNamed = (name: string) => selectKernels(name)[0].fn;
    const saxpy = kernelNamed('saxpy') as (a: number, x: Float64Array, y: Float64Array) => void;
    const horner = kernelNamed('horner') as (coeffs: Float64Array, xs: Float64Array, out: Float64Array) => void;
    // Near misses of the guard's pattern: `<=`, a do-while (the body runs before the test), an
    // index other than the counter. Their accesses of b keep the check and no guard declines.
    function onePast(a: Float64Array, b: Float64Array): void {
      for (let i = 0; i <= a.length; i++) b[i] = a[i];
    }
    function doWhile(a: Float64Array, b: Float64Array): void {
      let i = 0;
      do { b[i] = 1; i++; } while (i < a.length);
    }
    function shifted(a: Float64Array, b: Float64Array): void {
      for (let i = 0; i < a.length; i++) b[i + 1] = a[i];
    }
    const accesses = (fn: (...args: never[]) => void, args: unknown[]) => explain(fn, { args })
      .uops.filter((u) => /^(LOAD|STORE)_/.test(u.uop)).map((u) => `${u.uop.split(' ')[0]} ${/\bv\d+/.exec(u.uop)?.[0]} ${/_PROVEN/.test(u.stencil ?? '') ? 'proven' : 'checked'}`);
    const declines = (fn: (...args: never[]) => void, args: unknown[]) => explain(fn, { args }).uops.some((u) => u.uop === 'DECLINE');
    assert.deepEqual(accesses(saxpy, [2.5, data(8), data(8, 3)]), ['LOAD_FLOAT64 v0 proven', 'LOAD_FLOAT64 v1 proven', 'STORE_FLOAT64 v1 proven']);
    assert.deepEqual(accesses(horner, [data(5), data(8), new Float64Array(8)]), ['LOAD_FLOAT64 v1 proven', 'LOAD_FLOAT64 v0 proven', 'STORE_FLOAT64 v2 proven']);
    assert.equal(declines(saxpy, [2.5, data(8), data(8, 3)]), true);
    // blur3: `const n = src.length; for (i = 1; i < n - 1; i++) dst[i] = (src[i - 1] + src[i] + src[i + 1]) / 3`,
    // and dst[0] = src[0], dst[n - 1] = src[n - 1] around it: src's by their margins and the
    // guard src.length >= 1, dst[0] by the guard dst.length >= 1; dst[i] and dst[n - 1] keep their
    // checks (a loop to n - 1 gets no length guard, which would decline a dst one shorter).
    const blur3 = kernelNamed('blur3') as (src: Float64Array, dst: Float64Array) => void;
    assert.deepEqual(accesses(blur3, [data(8), new Float64Array(8)]), [
      'LOAD_FLOAT64 v0 proven', 'STORE_FLOAT64 v1 proven',
      'LOAD_FLOAT64 v0 proven', 'LOAD_FLOAT64 v0 proven', 'LOAD_FLOAT64 v0 proven', 'STORE_FLOAT64 v1 checked',
      'LOAD_FLOAT64 v0 proven', 'STORE_FLOAT64 v1 checked',
    ]);
    // Loops whose last trip reads a.length - 1 get the guard: `i <= a.length - 1`, a const that holds a.length.
    function lastButOne(a: Float64Array, b: Float64Array): void {
      for (let i = 0; i <= a.length - 1; i++) b[i] = a[i];
    }
    function heldLength(a: Float64Array, b: Float64Array): void {
      const n = a.length;
      for (let i = 0; i < n; i++) b[i] = a[i];
    }
    for (const fn of [lastButOne, heldLength]) {
      assert.deepEqual(accesses(fn, [data(4), data(4)]), ['LOAD_FLOAT64 v0 proven', 'STORE_FLOAT64 v1 proven'], fn.name);
      assert.equal(declines(fn, [data(4), data(4)]), true, fn.name);
    }
    // No guard where it would decline calls the loop runs: a bound reassigned, or a difference into
    // an array one shorter (its reads proved by their margins, its store checked).
    function reassignedBound(a: Float64Array, b: Float64Array): void {
      let n = a.length;
      if (a.length > 2) n = 5;
      for (let i = 0; i < n; i++) b[i] = a[i];
    }
    function difference(a: Float64Array, d: Float64Array): void {
      for (let i = 0; i < a.length - 1; i++) d[i] = a[i + 1] - a[i];
    }
    assert.equal(declines(reassignedBound, [data(4), data(4)]), false);
    assert.equal(declines(difference, [data(4), data(3)]), false);
    assert.deepEqual(accesses(difference, [data(4), data(3)]), ['LOAD_FLOAT64 v0 proven', 'LOAD_FLOAT64 v0 proven', 'STORE_FLOAT64 v1 checked']);
    for (const fn of [onePast, doWhile, shifted]) {
      assert.deepEqual(accesses(fn, [data(4), data(4)]).filter((a) => a.includes('v1')), [`STORE_FLOAT64 v1 checked`], fn.name);
      assert.equal(declines(fn, [data(4), data(4)]), false, fn.name);
    }
    // Shorter, equal and longer second arrays: a call the guard declines runs the function itself.
    for (const [xs, ys] of [[data(8), data(8, 3)], [data(9), data(4, 3)], [data(3), data(12, 3)], [new Float64Array(0), data(2)]]) {
      const native = Float64Array.from(ys), plain = Float64Array.from(ys);
      jitFocus(saxpy, { tier: 'native' })(1.5, xs, native);
      saxpy(1.5, xs, plain);
      assert.deepEqual(new Uint8Array(native.buffer), new Uint8Array(plain.buffer));
      for (const fn of [blur3, lastButOne, heldLength, reassignedBound, difference]) {
        const mine = Float64Array.from(ys), theirs = Float64Array.from(ys);
        jitFocus(fn, { tier: 'native' })(xs, mine);
        fn(xs, theirs);
        assert.deepEqual(new Uint8Array(mine.buffer), new Uint8Array(theirs.buffer), fn.name);
      }
      const outNative = new Float64Array(Math.max(0, xs.length - 1)), outPlain = new Float64Array(Math.max(0, xs.length - 1));
      jitFocus(horner, { tier: 'native' })(ys, xs, outNative);
      horner(ys, xs, outPlain);
      assert.deepEqual(new Uint8Array(outNative.buffer), new Uint8Array(outPlain.buffer));
    }
  });
});
