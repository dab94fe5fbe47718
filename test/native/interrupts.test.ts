// A kernel that loops can always be stopped: every loop head checks whether the call must end
// (its worker is being terminated, the process is exiting, its timeout has passed) and the call
// then fails with a clear error. Loops that end on their own are not disturbed. Everything that
// would hang if the check were missing runs in a child process with a bounded time.

import assert from 'node:assert/strict';

import { compile, ElementKind, isPollStencil, TraceBuilder } from '../../lib/engine.js';
import { ENGINE_MODULE, expectedSum, runNode, sumBelow } from './helpers.js';

// The start of a child script: the engine's compile and a TraceBuilder `b` to build on.
const BUILDER = `
const { compile, TraceBuilder } = require(${JSON.stringify(ENGINE_MODULE)});
const b = new TraceBuilder();
`;

// `L: JUMP L`, built on `b` in a child.
const SPIN = `${BUILDER}
const L = b.label();
b.op('LABEL', L).op('JUMP', L);
`;

// A child script's last line: runs `call` and prints 'returned', or the code of the error it throws.
const printCode = (call: string) => `try { ${call}; console.log('returned'); } catch (e) { console.log(e.code); }`;

// for (i = 0; i < n; i++) for (j = 0; j < n; j++) s++.
function nestedLoops(): TraceBuilder {
  const b = new TraceBuilder();
  const i = b.slot('i32'), j = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), zero = b.slot('i32'), s = b.slot('i32');
  const outer = b.label(), inner = b.label(), innerDone = b.label(), done = b.label();
  b.param(n).returns(s).op('CONST_I32', one, 1);
  b.define(outer).op('BR_GE_I32', i, n, done).op('MOV_I32', j, zero);
  b.define(inner).op('BR_GE_I32', j, n, innerDone).op('ADD_I32', s, s, one).op('ADD_I32', j, j, one).op('JUMP', inner);
  b.define(innerDone).op('ADD_I32', i, i, one).op('JUMP', outer);
  b.define(done).op('RETURN');
  return b;
}

describe('interrupting kernels', () => {
  describe('a worker spinning in a kernel', () => {
    it('is terminated: worker.terminate() resolves', function () {
      this.timeout(150_000);
      const child = runNode(`
        const { Worker } = require('node:worker_threads');
        const w = new Worker(${JSON.stringify(`${SPIN}
          require('node:worker_threads').parentPort.postMessage('spinning');
          compile(b).call();`)}, { eval: true });
        w.once('message', () => setTimeout(() => w.terminate().then((code) => console.log('terminated', code)), 50));
      `, { timeout: 120_000 });
      assert.deepEqual([child.status, child.stdout], [0, 'terminated 1\n'], child.stderr);
    });

    it('does not keep process.exit() on the main thread from returning', function () {
      this.timeout(150_000);
      const child = runNode(`
        const { Worker } = require('node:worker_threads');
        const w = new Worker(${JSON.stringify(`${SPIN}
          require('node:worker_threads').parentPort.postMessage('spinning');
          compile(b).call();`)}, { eval: true });
        w.once('message', () => setTimeout(() => process.exit(7), 50));
      `, { timeout: 120_000 });
      assert.deepEqual([child.status, child.signal], [7, null], child.stderr);
    });
  });

  describe('a kernel compiled with a timeout', () => {
    it('fails a call that loops forever with ERR_JITCTL_TIMEOUT, naming the timeout', function () {
      this.timeout(150_000);
      const child = runNode(`${SPIN}
        try { compile(b, { timeout: 50 }).call(); console.log('returned'); }
        catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }
      `, { timeout: 120_000 });
      assert.deepEqual(JSON.parse(child.stdout), {
        name: 'Error', code: 'ERR_JITCTL_TIMEOUT', message: 'the kernel ran longer than its timeout of 50.000 ms and was stopped',
      }, child.stderr);
    });

    it('can be called again after a call timed out', function () {
      this.timeout(150_000);
      const child = runNode(`${BUILDER}
        const x = b.slot('f64'), L = b.label(), out = b.label();
        b.param(x).returns(x).define(L).op('BR_TRUE_F64', x, out).op('JUMP', L).define(out).op('RETURN');
        const k = compile(b, { timeout: 20 });
        try { k.call(0); } catch (e) { console.log(e.code); }
        console.log(k.call(3));
      `, { timeout: 120_000 });
      assert.equal(child.stdout, 'ERR_JITCTL_TIMEOUT\n3\n', child.stderr);
    });

    it('stops a call whose outer loop never ends while each run of its inner loop does', function () {
      this.timeout(150_000);
      // for (;;) for (j = 0; j < 10; j++) {}: each inner run is far shorter than a slice, so the
      // slices end at the outer poll.
      const child = runNode(`${BUILDER}
        const j = b.slot('i32'), ten = b.slot('i32'), one = b.slot('i32'), zero = b.slot('i32');
        const outer = b.label(), inner = b.label(), next = b.label();
        b.op('CONST_I32', ten, 10).op('CONST_I32', one, 1);
        b.define(outer).op('MOV_I32', j, zero);
        b.define(inner).op('BR_GE_I32', j, ten, next).op('ADD_I32', j, j, one).op('JUMP', inner);
        b.define(next).op('JUMP', outer);
        ${printCode('compile(b, { timeout: 30 }).call()')}
      `, { timeout: 120_000 });
      assert.equal(child.stdout, 'ERR_JITCTL_TIMEOUT\n', child.stderr);
    });

    it('stops a call spinning in an inner loop that never ends', function () {
      this.timeout(150_000);
      // for (i = 0; i < 2; i++) for (;;) {}: the inner poll yields by itself.
      const child = runNode(`${BUILDER}
        const i = b.slot('i32'), two = b.slot('i32'), one = b.slot('i32');
        const outer = b.label(), inner = b.label(), done = b.label();
        b.op('CONST_I32', two, 2).op('CONST_I32', one, 1);
        b.define(outer).op('BR_GE_I32', i, two, done);
        b.define(inner).op('JUMP', inner);
        b.op('ADD_I32', i, i, one).op('JUMP', outer);
        b.define(done).op('RETURN');
        ${printCode('compile(b, { timeout: 30 }).call()')}
      `, { timeout: 120_000 });
      assert.equal(child.stdout, 'ERR_JITCTL_TIMEOUT\n', child.stderr);
    });

    it('returns the result of a loop that ends within the timeout', () => {
      assert.equal(compile(sumBelow(), { timeout: 60_000 }).call(1000), expectedSum(1000));
    });
  });

  describe('loops that end on their own', () => {
    it('run through many interrupt-check slices to the right result (3 * 10^6 iterations)', () => {
      assert.equal(compile(sumBelow()).call(3_000_000), expectedSum(3_000_000));
    });

    it('nested loops give the right result (2,000 x 2,000 iterations)', () => {
      assert.equal(compile(nestedLoops()).call(2000), 4_000_000);
    });

    it('nested loops whose inner runs outlast the outer poll\'s reserve give the right result', () => {
      // 40 runs of 200,000 inner iterations: each run charges more than an outer poll keeps in
      // reserve (2^16), so slices end inside inner runs too.
      const b = new TraceBuilder();
      const i = b.slot('i32'), j = b.slot('i32'), n = b.slot('i32'), m = b.slot('i32'), one = b.slot('i32'), zero = b.slot('i32'), s = b.slot('i32');
      const outer = b.label(), inner = b.label(), innerDone = b.label(), done = b.label();
      b.param(n).param(m).returns(s).op('CONST_I32', one, 1);
      b.define(outer).op('BR_GE_I32', i, n, done).op('MOV_I32', j, zero);
      b.define(inner).op('BR_GE_I32', j, m, innerDone).op('ADD_I32', s, s, j).op('ADD_I32', j, j, one).op('JUMP', inner);
      b.define(innerDone).op('ADD_I32', i, i, one).op('JUMP', outer);
      b.define(done).op('RETURN');
      assert.equal(compile(b).call(40, 200_000), (40 * expectedSum(200_000)) | 0);
    });
  });

  describe('the interrupt check', () => {
    it('is placed at each backward-branch target, and nowhere in straight-line code', () => {
      const loop = compile(sumBelow()).inspect().stencils.map((s) => s.uop);
      const b = new TraceBuilder();
      const x = b.slot('f64'), done = b.label();
      b.param(x).returns(x).op('BR_TRUE_F64', x, done).op('NEG_F64', x, x).define(done).op('RETURN');
      const straight = compile(b).inspect().stencils.map((s) => s.uop);
      const nested = compile(nestedLoops()).inspect().stencils.map((s) => s.uop).filter(isPollStencil);
      // A load's miss path before the loop, branching back into it, closes a cycle that starts
      // before the loop's head: a poll of its own, but not an outer one (no loop lies inside it).
      const m = new TraceBuilder();
      const v = m.view(ElementKind.Float64), e = m.slot('f64'), s = m.slot('f64'), i = m.slot('i32'), n = m.slot('i32'), one = m.slot('i32');
      const miss = m.label(), after = m.label(), body = m.label(), test = m.label();
      m.param(v).param(n).returns(s).op('CONST_I32', one, 1).op('JUMP', test);
      m.define(miss).op('CONST_F64', e, NaN).op('JUMP', after);
      m.define(body).op('LOAD_FLOAT64', e, v, i, miss).define(after).op('ADD_F64', s, s, e).op('ADD_I32', i, i, one);
      m.define(test).op('BR_LT_I32', i, n, body).op('RETURN');
      const withMiss = compile(m);
      const missPolls = withMiss.inspect().stencils.map((st) => st.uop).filter(isPollStencil);
      assert.ok(Object.is(withMiss.call(new Float64Array([1, 2]), 3), NaN));
      assert.equal(withMiss.call(new Float64Array([1, 2]), 2), 3);
      assert.deepEqual({ loop, straight, nested, missPolls }, {
        // The loop's slots live in registers (register variants; the parameter is loaded from the
        // frame first, the result written back before RETURN), the constant 1 among them.
        loop: ['shim', 'MOV_I32__r2_m', 'CONST_I32__r3', 'poll', 'BR_GE_I32__r0_r2', 'ADD_I32__r1_r1_r0', 'ADD_I32__r0_r0_r3', 'JUMP', 'MOV_I32__m_r1', 'RETURN'],
        straight: ['shim', 'BR_TRUE_F64', 'NEG_F64', 'RETURN'],
        // The head of a loop that holds a loop yields earlier, so that slices end between runs
        // of the inner loop.
        nested: ['outer poll', 'poll'],
        missPolls: ['poll', 'poll'],
      });
    });
  });

  describe('the outer poll', () => {
    it('is its own stencil, not the inner poll again: it also compares the budget with a reserve', () => {
      const info = compile(nestedLoops()).inspect();
      const outer = info.stencils.find((s) => s.uop === 'outer poll'), inner = info.stencils.find((s) => s.uop === 'poll');
      assert.ok(outer && inner, info.stencils.map((s) => s.uop).join(' '));
      // Both charge the budget; the outer one then branches on budget < reserve, not budget < 0.
      assert.ok(outer.codeSize > inner.codeSize, `outer poll ${outer.codeSize} bytes, inner ${inner.codeSize}`);
    });
  });

  describe('timeout option', () => {
    it('must be a positive number of milliseconds', () => {
      for (const bad of [0, -1, NaN]) assert.throws(() => compile(sumBelow(), { timeout: bad }), RangeError);
    });

    it('is a TypeError when it is not a number, naming it', () => {
      assert.throws(() => compile(sumBelow(), { timeout: '5' as unknown as number }), (e: unknown) =>
        e instanceof TypeError && /compile\(options\): timeout must be a number/.test(e.message));
    });
  });
});
