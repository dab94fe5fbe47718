// Branches, loops and early exits compiled from traces, checked against the same loops in JS.

import assert from 'node:assert/strict';

import { compile, ElementKind, TraceBuilder } from '../../lib/engine.js';

describe('control flow', () => {
  it('runs nested loops with backward branches (sum of i * j for i < n, j < m)', () => {
    const b = new TraceBuilder();
    const n = b.slot('i32'), m = b.slot('i32'), i = b.slot('i32'), j = b.slot('i32'), one = b.slot('i32');
    const prod = b.slot('i32'), acc = b.slot('f64'), f = b.slot('f64');
    const outer = b.label(), inner = b.label(), innerDone = b.label(), done = b.label();
    b.param(n).param(m).returns(acc).op('CONST_I32', one, 1).op('CONST_I32', i, 0);
    b.define(outer).op('BR_GE_I32', i, n, done).op('CONST_I32', j, 0);
    b.define(inner).op('BR_GE_I32', j, m, innerDone);
    b.op('IMUL_I32', prod, i, j).op('I32_TO_F64', f, prod).op('ADD_F64', acc, acc, f).op('ADD_I32', j, j, one).op('JUMP', inner);
    b.define(innerDone).op('ADD_I32', i, i, one).op('JUMP', outer);
    b.define(done).op('RETURN');
    const kernel = compile(b);
    const js = (n: number, m: number) => { let s = 0; for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) s += Math.imul(i, j); return s; };
    for (const [x, y] of [[0, 0], [1, 5], [7, 3], [100, 100], [3, 0]]) assert.equal(kernel.call(x, y), js(x, y));
  });

  it('exits early from a loop (index of the first negative element, or -1)', () => {
    const b = new TraceBuilder();
    const a = b.view(ElementKind.Float64), i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32');
    const x = b.slot('f64'), zero = b.slot('f64'), result = b.slot('i32');
    const loop = b.label(), found = b.label(), miss = b.label();
    b.param(a).returns(result).op('LENGTH', n, a).op('CONST_I32', one, 1).op('CONST_F64', zero, 0);
    b.define(loop).op('BR_GE_I32', i, n, miss).op('LOAD_FLOAT64', x, a, i, miss).op('BR_LT_F64', x, zero, found);
    b.op('ADD_I32', i, i, one).op('JUMP', loop);
    b.define(found).op('MOV_I32', result, i).op('RETURN');
    b.define(miss).op('CONST_I32', result, -1).op('RETURN');
    const kernel = compile(b);
    assert.equal(kernel.call(new Float64Array([1, 2, -3, -4])), 2);
    assert.equal(kernel.call(new Float64Array([1, 2])), -1);
    assert.equal(kernel.call(new Float64Array(0)), -1);
  });

  it('runs a forward branch over code (if/else computing max)', () => {
    const b = new TraceBuilder();
    const x = b.slot('f64'), y = b.slot('f64'), r = b.slot('f64'), other = b.label(), end = b.label();
    b.param(x).param(y).returns(r).op('BR_LT_F64', x, y, other).op('MOV_F64', r, x).op('JUMP', end);
    b.define(other).op('MOV_F64', r, y);
    b.define(end).op('RETURN');
    const kernel = compile(b);
    assert.deepEqual([kernel.call(1, 2), kernel.call(5, -1), kernel.call(NaN, 1)], [2, 5, NaN]);
  });

  it('writes an output array element by element (y[i] = a * x[i] + y[i])', () => {
    const b = new TraceBuilder();
    const alpha = b.slot('f64'), xs = b.view(ElementKind.Float64), ys = b.view(ElementKind.Float64);
    const i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), x = b.slot('f64'), y = b.slot('f64');
    const loop = b.label(), done = b.label();
    b.param(alpha).param(xs).param(ys).op('LENGTH', n, xs).op('CONST_I32', one, 1);
    b.define(loop).op('BR_GE_I32', i, n, done).op('LOAD_FLOAT64', x, xs, i, done).op('LOAD_FLOAT64', y, ys, i, done);
    b.op('MUL_F64', x, alpha, x).op('ADD_F64', y, x, y).op('STORE_FLOAT64', ys, i, y).op('ADD_I32', i, i, one).op('JUMP', loop);
    b.define(done).op('RETURN');
    const kernel = compile(b);
    const xsv = new Float64Array([1, 2, 3]), ysv = new Float64Array([10, 20, 30, 40]);
    assert.equal(kernel.call(0.5, xsv, ysv), undefined);
    assert.deepEqual(Array.from(ysv), [10.5, 21, 31.5, 40]);
  });

  it('runs a loop of a million iterations without growing the stack', () => {
    const b = new TraceBuilder();
    const n = b.slot('i32'), i = b.slot('i32'), one = b.slot('i32'), loop = b.label(), done = b.label();
    b.param(n).returns(i).op('CONST_I32', one, 1);
    b.define(loop).op('BR_GE_I32', i, n, done).op('ADD_I32', i, i, one).op('JUMP', loop);
    b.define(done).op('RETURN');
    assert.equal(compile(b).call(1_000_000), 1_000_000);
  });
});
