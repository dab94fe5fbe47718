// Register sharing (docs/native-engine.md, "Registers"): slots whose live ranges never overlap may
// share one register. Each kernel here is built so that the plan has a sharing to make or one it
// must not make; the test reads the plan back from kernel.inspect() (the stencil names, paired with
// their trace ops) and compares every result with the same computation in JS.

import assert from 'node:assert/strict';

import { compile, TraceBuilder, type Kernel } from '../../lib/engine.js';
import type { Slot } from '../../lib/compiler/trace/trace.js';
import { planKernel, lowerKernel, signatureOf } from '../../lib/compiler/frontend/index.js';
import { selectKernels } from '../../bench/kernels/index.js';

/** The register (f0, r1, ...) or 'm' each slot operand of trace op `index` runs in. */
function placesOf(kernel: Kernel, index: number): string[] {
  const stencil = kernel.inspect().stencils.find((s) => s.traceOp === index);
  assert.ok(stencil, `no stencil for trace op ${index}`);
  const at = stencil.uop.indexOf('__');
  return at < 0 ? [] : stencil.uop.slice(at + 2).split('_');
}

/** Trace op indices, in the order the builder emitted them (LABEL ops included). */
class Recorder {
  readonly b = new TraceBuilder();
  private count = 0;
  op(name: string, ...operands: Parameters<TraceBuilder['op']>[1][]): number {
    this.b.op(name, ...operands);
    return this.count++;
  }
  define(label: ReturnType<TraceBuilder['label']>): void {
    this.b.define(label);
    this.count++;
  }
}

/**
 * `for (i = 0; i < n; i++) body` on a Recorder, then RETURN: `one` holds 1, `i` starts at 0 (every
 * slot does). Returns what `body` returns (the indices of the ops it wants to look at).
 */
function countedLoop<T>(r: Recorder, i: Slot, n: Slot, one: Slot, body: () => T): T {
  const head = r.b.label(), test = r.b.label();
  r.op('CONST_I32', one, 1);
  r.op('JUMP', test);
  r.define(head);
  const result = body();
  r.op('ADD_I32', i, i, one);
  r.define(test);
  r.op('BR_LT_I32', i, n, head);
  r.op('RETURN');
  return result;
}

describe('register sharing: slots whose live ranges do not overlap', () => {
  it("runs the dot product's loop on registers only: the product shares a register with a loaded element", () => {
    function dot(a: Float64Array, b: Float64Array, n: number): number {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i] * b[i];
      return s;
    }
    const a = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i) * 1e3), b = Float64Array.from({ length: 100 }, (_, i) => 1 / (i + 0.5));
    const planned = planKernel(dot);
    assert.ok(planned.ok);
    const lowered = lowerKernel(planned.plan, signatureOf([a, b, 100])!);
    assert.ok(lowered.ok);
    const kernel = compile(lowered.kernel.trace);
    const loop = kernel.inspect().stencils.filter((s) => /^(LOAD_FLOAT64|MUL_F64|ADD_F64|ADD_I32|BR_LT_I32)/.test(s.uop)).map((s) => s.uop);
    assert.deepEqual(loop.filter((name) => !/__[fr]\d(_[fr]\d)*$/.test(name)), [], `stencils in the loop: ${loop.join(' ')}`);
    for (const n of [0, 1, 7, 100, 101, 150]) assert.ok(Object.is(kernel.call(a, b, n), dot(a, b, n)), `n = ${n}`);
    kernel.free();
  });

  it("lets a load's result share a register with a slot that is read only where the load misses", () => {
    // for (i = 0; i < n; i++) { z = x * 2; d = v[i] (miss: s += z); s += d * d }: z is live on
    // the miss edge only, d is written on the fall-through only.
    const r = new Recorder();
    const { b } = r;
    const v = b.view(8 as never), n = b.slot('i32'), x = b.slot('f64');
    const s = b.slot('f64'), z = b.slot('f64'), d = b.slot('f64'), t = b.slot('f64'), two = b.slot('f64');
    const i = b.slot('i32'), one = b.slot('i32');
    const head = b.label(), miss = b.label(), next = b.label(), done = b.label();
    b.param(v).param(n).param(x).returns(s);
    r.op('CONST_F64', two, 2);
    r.op('CONST_I32', one, 1);
    r.op('JUMP', next);
    r.define(head);
    const zAt = r.op('MUL_F64', z, x, two);
    const loadAt = r.op('LOAD_FLOAT64', d, v, i, miss);
    r.op('MUL_F64', t, d, d);
    r.op('ADD_F64', s, s, t);
    r.op('ADD_I32', i, i, one);
    r.op('JUMP', next);
    r.define(miss);
    const missAt = r.op('ADD_F64', s, s, z);
    r.op('ADD_I32', i, i, one);
    r.define(next);
    r.op('BR_LT_I32', i, n, head);
    r.define(done);
    r.op('RETURN');
    const kernel = compile(b);
    const js = (array: Float64Array, count: number, xv: number) => {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const zv = xv * 2;
        if (k >= array.length) { sum += zv; continue; }
        sum += array[k] * array[k];
      }
      return sum;
    };
    const zRegister = placesOf(kernel, zAt)[0], dRegister = placesOf(kernel, loadAt)[0];
    assert.deepEqual([zRegister !== 'm', zRegister === dRegister, placesOf(kernel, missAt)[2]], [true, true, zRegister],
      `z in ${zRegister}, d in ${dRegister}`);
    const array = Float64Array.from([1.5, -2, 3, NaN, -0]);
    for (const count of [0, 3, 5, 6, 12]) for (const xv of [0.25, -3, NaN]) {
      assert.ok(Object.is(kernel.call(array, count, xv), js(array, count, xv)), `count ${count}, x ${xv}`);
    }
    kernel.free();
  });

  it("gives an op's result the register of an operand whose range ends there (saxpy: y[i] = a * x[i] + y[i])", () => {
    // u = x[i]; t = a * u; w = y[i]; z = t + w; y[i] = z. u dies at the multiply and t at the add,
    // so t can be u's register and z t's: each op is then one instruction, with no copy first.
    // Each load's miss writes its slot (NaN, as JS reads), so no old value stays live.
    const r = new Recorder();
    const { b } = r;
    const x = b.view(8 as never), y = b.view(8 as never), n = b.slot('i32'), a = b.slot('f64');
    const u = b.slot('f64'), t = b.slot('f64'), w = b.slot('f64'), z = b.slot('f64'), i = b.slot('i32'), one = b.slot('i32');
    const missX = b.label(), backX = b.label(), missY = b.label(), backY = b.label(), head = b.label(), test = b.label();
    b.param(x).param(y).param(n).param(a);
    r.op('CONST_I32', one, 1);
    r.op('JUMP', test);
    r.define(missX);
    r.op('CONST_F64', u, NaN);
    r.op('JUMP', backX);
    r.define(missY);
    r.op('CONST_F64', w, NaN);
    r.op('JUMP', backY);
    r.define(head);
    r.op('LOAD_FLOAT64', u, x, i, missX);
    r.define(backX);
    const mulAt = r.op('MUL_F64', t, a, u);
    r.op('LOAD_FLOAT64', w, y, i, missY);
    r.define(backY);
    const addAt = r.op('ADD_F64', z, t, w);
    r.op('STORE_FLOAT64', y, i, z);
    r.op('ADD_I32', i, i, one);
    r.define(test);
    r.op('BR_LT_I32', i, n, head);
    r.op('RETURN');
    const kernel = compile(r.b);
    const [tIn, aIn, uIn] = placesOf(kernel, mulAt), [zIn, tRead, wIn] = placesOf(kernel, addAt);
    assert.deepEqual([tIn === uIn, zIn === tRead, new Set([aIn, uIn, wIn]).size], [true, true, 3],
      `t = a * u in ${tIn} = ${aIn} * ${uIn}, z = t + w in ${zIn} = ${tRead} + ${wIn}`);
    assert.ok(![tIn, aIn, uIn, zIn, wIn].includes('m'), 'every value of the loop in a register');
    const xs = Float64Array.from([1.5, -2, 3, NaN, -0, 1e308]);
    for (const count of [0, 1, 6, 9]) for (const av of [0.75, -0, 1e10]) {
      const ys = Float64Array.from([4, 0.5, -0, 7, Infinity, 1e308]), expected = ys.slice();
      for (let k = 0; k < count; k++) expected[k] = av * xs[k] + expected[k];
      kernel.call(xs, ys, count, av);
      assert.deepEqual([...ys].map((v) => Object.is(v, -0) ? '-0' : String(v)), [...expected].map((v) => Object.is(v, -0) ? '-0' : String(v)), `count ${count}, a ${av}`);
    }
    kernel.free();
  });

  it('never lets a slot share a register with one that is live where it is written', () => {
    // In one loop: p = a + b; q = p * c; s += q; s += p (p outlives q's write: no sharing).
    const r = new Recorder();
    const { b } = r;
    const a = b.slot('f64'), c = b.slot('f64'), n = b.slot('i32');
    const p = b.slot('f64'), q = b.slot('f64'), s = b.slot('f64'), i = b.slot('i32'), one = b.slot('i32');
    b.param(a).param(c).param(n).returns(s);
    const [pAt, qAt] = countedLoop(r, i, n, one, () => {
      const at = [r.op('ADD_F64', p, a, c), r.op('MUL_F64', q, p, c)];
      r.op('ADD_F64', s, s, q);
      r.op('ADD_F64', s, s, p);
      return at;
    });
    const kernel = compile(b);
    const [pRegister] = placesOf(kernel, pAt), [qRegister] = placesOf(kernel, qAt);
    assert.ok(pRegister === 'm' || pRegister !== qRegister, `p in ${pRegister}, q in ${qRegister}`);
    for (const [av, cv, count] of [[1.5, 2, 3], [-0, -0, 1], [1e308, 10, 2], [0.1, 0.2, 10]]) {
      let sum = 0;
      for (let k = 0; k < count; k++) { const pv = av + cv; sum += pv * cv; sum += pv; }
      assert.ok(Object.is(kernel.call(av, cv, count), sum), `${av}, ${cv}, ${count}`);
    }
    kernel.free();
  });

  it('puts an i32 operand and the u32 result of one op in one register where the operand dies there', () => {
    // u = a >>> 0 as a u32 while a dies: both are the register's low 32 bits, so the conversion
    // is the variant with both in one register (no instruction at all).
    const r = new Recorder();
    const { b } = r;
    const n = b.slot('i32'), a = b.slot('i32'), u = b.slot('u32'), f = b.slot('f64'), s = b.slot('f64');
    const i = b.slot('i32'), one = b.slot('i32'), k = b.slot('i32');
    b.param(n).param(k).returns(s);
    const convertAt = countedLoop(r, i, n, one, () => {
      r.op('SUB_I32', a, k, i);
      const at = r.op('I32_TO_U32', u, a);
      r.op('U32_TO_F64', f, u);
      r.op('ADD_F64', s, s, f);
      return at;
    });
    const kernel = compile(b);
    const [uPlace, aPlace] = placesOf(kernel, convertAt);
    assert.ok(uPlace !== 'm' && uPlace === aPlace, `u in ${uPlace}, a in ${aPlace}`);
    for (const [count, kv] of [[4, 2], [3, -(2 ** 31)], [5, 2 ** 31 - 1], [0, 7]]) {
      let sum = 0;
      for (let j = 0; j < count; j++) sum += ((kv - j) | 0) >>> 0;
      assert.ok(Object.is(kernel.call(count, kv), sum), `${count}, ${kv}`);
    }
    kernel.free();
  });

  it('keeps a slot the kernel reads before writing (0 at the start) apart from the parameters', () => {
    // s is never initialized (0), z only read: both live from the start with the parameter x.
    const r = new Recorder();
    const { b } = r;
    const x = b.slot('f64'), n = b.slot('i32'), s = b.slot('f64'), z = b.slot('f64'), t = b.slot('f64');
    const i = b.slot('i32'), one = b.slot('i32');
    b.param(x).param(n).returns(s);
    countedLoop(r, i, n, one, () => {
      r.op('ADD_F64', t, x, z);
      r.op('ADD_F64', s, s, t);
    });
    const kernel = compile(b);
    for (const [xv, count] of [[1.5, 3], [-2, 1], [NaN, 2], [-0, 0]]) {
      let sum = 0;
      for (let k = 0; k < count; k++) sum += xv + 0;
      assert.ok(Object.is(kernel.call(xv, count), sum), `${xv}, ${count}`);
    }
    kernel.free();
  });

  it("keeps a loop's accumulator in a register ahead of temps with more uses (spectral's inner loop)", () => {
    function spectralRow(u: Float64Array, i: number): number {
      let s = 0;
      for (let j = 0; j < u.length; j++) s += (1 / ((i + j) * (i + j + 1) / 2 + i + 1)) * u[j];
      return s;
    }
    const u = Float64Array.from({ length: 50 }, (_, k) => Math.cos(k) * 3);
    const planned = planKernel(spectralRow);
    assert.ok(planned.ok);
    const lowered = lowerKernel(planned.plan, signatureOf([u, 3])!);
    assert.ok(lowered.ok);
    const kernel = compile(lowered.kernel.trace);
    // The accumulation is the loop's last ADD_F64 before the counter's update: s += product.
    const adds = kernel.inspect().stencils.filter((x) => x.uop.startsWith('ADD_F64'));
    const accumulate = adds[adds.length - 1].uop;
    assert.match(accumulate, /^ADD_F64__(f\d)_\1_f\d$/, adds.map((x) => x.uop).join(' '));
    for (const i of [0, 1, 7, 599, 2 ** 30]) assert.ok(Object.is(kernel.call(u, i), spectralRow(u, i)), `i = ${i}`);
    kernel.free();
  });

  it('gives up sharing, not correctness, on control flow its liveness passes cannot settle', () => {
    // A chain of 80 jumps, each to a label laid out before it: liveness moves one block per pass
    // against the layout, more passes than the planner spends, so every candidate is kept apart.
    const b = new TraceBuilder();
    const blocks = 80;
    const x = b.slot('f64'), y = b.slot('f64'), s = b.slot('f64');
    const labels = Array.from({ length: blocks }, () => b.label());
    b.param(x).returns(s);
    b.op('CONST_F64', y, 1.5).op('JUMP', labels[blocks - 1]);
    b.define(labels[0]).op('ADD_F64', s, x, y).op('MUL_F64', s, s, y).op('RETURN');
    for (let k = 1; k < blocks; k++) b.define(labels[k]).op('JUMP', labels[k - 1]);
    const kernel = compile(b);
    for (const xv of [2.5, -0, NaN, 1e308]) assert.ok(Object.is(kernel.call(xv), (xv + 1.5) * 1.5), `${xv}`);
    kernel.free();
  });
});

describe('register webs: the unrelated values one slot holds get a register each', () => {
  it("runs mandelbrot's inner loop on registers (all but the escape test's sum), its temps reused across statements", () => {
    // The benchmark suite's kernel. The front end reuses a temp slot in each statement; as whole
    // slots, `t`, zr, zi and the temps needed five f64 registers, and `t` went through the frame
    // on zr's loop-carried chain.
    const [spec] = selectKernels('mandelbrot');
    const mandelbrot = spec.fn as (out: Int32Array, width: number, height: number, maxIter: number) => number;
    const planned = planKernel(mandelbrot);
    assert.ok(planned.ok);
    const lowered = lowerKernel(planned.plan, signatureOf(spec.inputs())!);
    assert.ok(lowered.ok);
    const kernel = compile(lowered.kernel.trace);
    const stencils = kernel.inspect().stencils.map((s) => s.uop);
    // The inner loop: from the poll before the escape test's BR_LE_F64 back to the one before it.
    const end = stencils.findIndex((name) => name.startsWith('BR_LE_F64'));
    const start = stencils.lastIndexOf('poll', end);
    const loop = stencils.slice(start + 1, end).filter((name) => /_F64/.test(name));
    assert.ok(loop.length >= 8, `the inner loop: ${loop.join(' ')}`);
    // Every f64 op writes a register (the result is the first location), no MOV reloads one; but
    // the escape test's sum, the last: zr, zi and the squares the body reads from the test
    // (shared-values.ts) are live at the compare, and four registers hold them.
    assert.match(loop[loop.length - 1], /^ADD_F64__m_f\d_f\d$/, loop.join(' '));
    assert.deepEqual(loop.slice(0, -1).filter((name) => !/__f\d/.test(name) || /^MOV_F64__f\d_m$/.test(name)), [], loop.join(' '));
    for (const [width, height, maxIter] of [[160, 120, 64], [7, 3, 1000], [1, 1, 0], [0, 5, 5], [4, 2, 2]]) {
      const ours = new Int32Array(width * height), theirs = new Int32Array(width * height);
      assert.ok(Object.is(kernel.call(ours, width, height, maxIter), mandelbrot(theirs, width, height, maxIter)), `${width} x ${height}, ${maxIter}`);
      assert.deepEqual(ours, theirs, `${width} x ${height}, ${maxIter}`);
    }
    kernel.free();
  });

  it('splits a slot written twice in a row into two values, each in its own place', () => {
    // t = a * a; u = t + b; t = u * c; r += t - a: the second write of t starts a new value that
    // the first one's reads never see, so the two may sit in different registers.
    const r = new Recorder();
    const a = r.b.slot('f64'), b = r.b.slot('f64'), c = r.b.slot('f64'), t = r.b.slot('f64'), u = r.b.slot('f64');
    const acc = r.b.slot('f64'), i = r.b.slot('i32'), n = r.b.slot('i32'), one = r.b.slot('i32');
    r.b.param(a).param(b).param(c).param(n).returns(acc);
    const [first, second] = countedLoop(r, i, n, one, () => {
      const square = r.op('MUL_F64', t, a, a);
      r.op('ADD_F64', u, t, b);
      const product = r.op('MUL_F64', t, u, c);
      r.op('SUB_F64', u, t, a);
      r.op('ADD_F64', acc, acc, u);
      return [square, product];
    });
    const kernel = compile(r.b);
    assert.notDeepEqual(placesOf(kernel, first), [], 'the first value of t runs in a register variant');
    assert.notDeepEqual(placesOf(kernel, second), [], 'the second value of t runs in a register variant');
    const expected = (av: number, bv: number, cv: number, count: number) => {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        let tv = av * av;
        const uv = tv + bv;
        tv = uv * cv;
        sum += tv - av;
      }
      return sum;
    };
    const cases: [number, number, number, number][] = [[1.5, -2, 3, 10], [-0, 0, -0, 3], [NaN, 1, 1, 2], [1e200, 1e200, 1e-300, 5], [2, 3, 4, 0]];
    for (const args of cases) {
      assert.ok(Object.is(kernel.call(...args), expected(...args)), `${args.join(', ')}`);
    }
    kernel.free();
  });

  it("keeps a value that a load's miss path carries joined with the load's own value", () => {
    // d = load(v, k) or, where k is out of range, d keeps the value it had: both reach the read
    // after the load, so they are one value, in one place, and the miss path sees the old one.
    const r = new Recorder();
    const v = r.b.view(8 as never);
    const k = r.b.slot('i32'), d = r.b.slot('f64'), acc = r.b.slot('f64'), i = r.b.slot('i32'), n = r.b.slot('i32'), one = r.b.slot('i32');
    r.b.param(v).param(k).param(n).returns(acc);
    const after = r.b.label();
    r.op('CONST_F64', d, 0.5);
    countedLoop(r, i, n, one, () => {
      r.op('LOAD_FLOAT64', d, v, k, after);
      r.define(after);
      r.op('ADD_F64', acc, acc, d);
      r.op('ADD_I32', k, k, one);
    });
    const kernel = compile(r.b);
    const expected = (array: Float64Array, start: number, count: number) => {
      let dv = 0.5, sum = 0, index = start;
      for (let m = 0; m < count; m++) {
        if (index >= 0 && index < array.length) dv = array[index];
        sum += dv;
        index = (index + 1) | 0;
      }
      return sum;
    };
    const array = Float64Array.from([1, -2, 3.5, NaN, -0, 8, 1e300, 7]);
    for (const [start, count] of [[0, 8], [5, 10], [-3, 6], [100, 4], [2 ** 31 - 2, 5]]) {
      assert.ok(Object.is(kernel.call(array, start, count), expected(array, start, count)), `${start}, ${count}`);
    }
    kernel.free();
  });

  it("counts a load's miss path laid out ahead of the code as no loop of its own", () => {
    // JUMP start; miss: d = 0; JUMP after; start: p = x * x; loop { d = v[i] or miss; after: acc += d }
    // The miss branch is a backward branch to `miss`; counted as a loop it made `p = x * x`, which
    // runs once, look like loop code worth a register.
    const r = new Recorder();
    const v = r.b.view(8 as never);
    const x = r.b.slot('f64'), p = r.b.slot('f64'), d = r.b.slot('f64'), acc = r.b.slot('f64');
    const i = r.b.slot('i32'), n = r.b.slot('i32'), one = r.b.slot('i32');
    const start = r.b.label(), miss = r.b.label(), after = r.b.label(), head = r.b.label(), test = r.b.label();
    r.b.param(v).param(x).param(n).returns(acc);
    r.op('JUMP', start);
    r.define(miss);
    r.op('CONST_F64', d, 0);
    r.op('JUMP', after);
    r.define(start);
    const square = r.op('MUL_F64', p, x, x);
    r.op('CONST_I32', one, 1);
    r.op('JUMP', test);
    r.define(head);
    r.op('LOAD_FLOAT64', d, v, i, miss);
    r.define(after);
    r.op('ADD_F64', acc, acc, d);
    r.op('ADD_I32', i, i, one);
    r.define(test);
    r.op('BR_LT_I32', i, n, head);
    r.op('ADD_F64', acc, acc, p);
    r.op('RETURN');
    const kernel = compile(r.b);
    assert.deepEqual(placesOf(kernel, square), [], 'p = x * x runs in the frame, as code outside loops does');
    assert.ok(placesOf(kernel, square + 9).length > 0, 'the loop accumulates in a register');
    const array = Float64Array.from([1, -2, 3.5, NaN, -0, 8, 1e300, 7]);
    for (const [xv, count] of [[3, 8], [-0.5, 12], [NaN, 0]]) {
      let sum = 0;
      for (let k = 0; k < count; k++) sum += k < array.length ? array[k] : 0;
      assert.ok(Object.is(kernel.call(array, xv, count), sum + xv * xv), `${xv}, ${count}`);
    }
    kernel.free();
  });

  it('counts a loop laid out with its latch after its test as a loop, not as a detour', () => {
    // JUMP test; body: s = s * x + x; JUMP latch; test: if (i < n) goto body; RETURN;
    // latch: i += 1; JUMP test. The branch into the body runs into a JUMP forward past it, but not
    // to where the branch falls through: the body is a loop's, and its values get registers.
    const r = new Recorder();
    const x = r.b.slot('f64'), s = r.b.slot('f64'), i = r.b.slot('i32'), n = r.b.slot('i32'), one = r.b.slot('i32');
    const body = r.b.label(), test = r.b.label(), latch = r.b.label();
    r.b.param(x).param(n).returns(s);
    r.op('CONST_I32', one, 1);
    r.op('JUMP', test);
    r.define(body);
    const multiply = r.op('MUL_F64', s, s, x);
    r.op('ADD_F64', s, s, x);
    r.op('JUMP', latch);
    r.define(test);
    r.op('BR_LT_I32', i, n, body);
    r.op('RETURN');
    r.define(latch);
    r.op('ADD_I32', i, i, one);
    r.op('JUMP', test);
    const kernel = compile(r.b);
    assert.ok(placesOf(kernel, multiply).every((place) => place !== 'm') && placesOf(kernel, multiply).length > 0,
      kernel.inspect().stencils.map((st) => st.uop).join(' '));
    for (const [xv, count] of [[0.5, 10], [-1.25, 3], [NaN, 2], [3, 0]]) {
      let sv = 0;
      for (let k = 0; k < count; k++) sv = sv * xv + xv;
      assert.ok(Object.is(kernel.call(xv, count), sv), `${xv}, ${count}`);
    }
    kernel.free();
  });

  it('falls back to one value per slot, with the same results, on a trace too large to analyze cheaply', () => {
    // 6,000 ops rewriting two slots: the reaching-definition sets would exceed their budget.
    const b = new TraceBuilder();
    const x = b.slot('f64'), y = b.slot('f64'), s = b.slot('f64');
    b.param(x).returns(s);
    b.op('MOV_F64', s, x);
    for (let k = 0; k < 3000; k++) b.op('MUL_F64', y, s, x).op('SUB_F64', s, y, x);
    b.op('RETURN');
    const kernel = compile(b);
    for (const xv of [1, 0.999, -1.0001, NaN, -0]) {
      let sv = xv;
      for (let k = 0; k < 3000; k++) sv = sv * xv - xv;
      assert.ok(Object.is(kernel.call(xv), sv), `${xv}`);
    }
    kernel.free();
  });
});
