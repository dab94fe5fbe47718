// Where the emitter puts a kernel's code: an innermost loop in as few 64-byte blocks as its size
// allows (a core fetches and caches decoded code by aligned blocks), the gap before it trap bytes
// that never run, and no code for ops that control cannot reach. Seen through inspect().

import assert from 'node:assert/strict';

import { compile, TraceBuilder, type KernelInspection, type KernelStencil } from '../../lib/engine.js';
import { ENGINE_MODULE, runNode } from './helpers.js';

const BLOCK = 64;
// What fills a gap in code: int3 on x86-64, `udf #0` (four zero bytes) on AArch64.
const TRAP = process.arch === 'arm64' ? 0x00 : 0xcc;

// s = 0; for (i = 0; i < n; i++) s += i, as a rotated loop (JUMP to the test, the body, the test
// branching back), after filler ops that move the loop's start: pad / 4 constant loads and
// pad % 4 additions (one instruction each on AArch64, where a constant load takes four).
function rotatedSum(pad: number): TraceBuilder {
  const b = new TraceBuilder();
  const i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), s = b.slot('i32'), filler = b.slot('f64');
  const body = b.label(), test = b.label();
  b.param(n).returns(s).op('CONST_I32', one, 1);
  for (let k = 0; k < pad >> 2; k++) b.op('CONST_F64', filler, k + 0.5);
  for (let k = 0; k < (pad & 3); k++) b.op('ADD_F64', filler, filler, filler);
  b.op('JUMP', test);
  b.define(body).op('ADD_I32', s, s, i).op('ADD_I32', i, i, one);
  b.define(test).op('BR_LT_I32', i, n, body);
  b.op('RETURN');
  return b;
}

function expectedSum(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + i) | 0;
  return s;
}

// The loop's code: from its poll to the end of its backward branch.
function loopSpan(info: KernelInspection): { poll: KernelStencil; before: KernelStencil; start: number; bytes: number } {
  const at = info.stencils.findIndex((s) => s.uop === 'poll');
  assert.ok(at > 0, 'the loop has a poll');
  const branch = info.stencils.find((s) => s.uop.startsWith('BR_LT_I32'));
  assert.ok(branch, 'the loop has its branch');
  const poll = info.stencils[at];
  return { poll, before: info.stencils[at - 1], start: poll.codeOffset, bytes: branch.codeOffset + branch.codeSize - poll.codeOffset };
}

const blocksTouched = (start: number, bytes: number) => Math.floor((start + bytes - 1) / BLOCK) - Math.floor(start / BLOCK) + 1;

describe('kernel layout', () => {
  describe('an innermost loop', () => {
    it('lies in as few 64-byte blocks as its size allows, wherever the code before it ends', () => {
      const starts = new Set<number>();
      for (let pad = 0; pad < 64; pad++) {
        const k = compile(rotatedSum(pad));
        const info = k.inspect();
        try {
          assert.equal(info.address % BigInt(BLOCK), 0n, 'a kernel with a placed loop is aligned to the block');
          const { start, bytes } = loopSpan(info);
          starts.add(start % BLOCK);
          assert.ok(bytes <= 4 * BLOCK, `the loop is ${bytes} bytes`);
          assert.equal(blocksTouched(start, bytes), Math.ceil(bytes / BLOCK), `pad ${pad}: the loop at ${start}, ${bytes} bytes`);
          assert.equal(k.call(1000), expectedSum(1000));
        } finally {
          k.free();
        }
      }
      // The loop did move: at some pads it starts inside a block, where it still fits.
      assert.ok(starts.size > 1, `loop starts modulo ${BLOCK}: ${[...starts].join(', ')}`);
    });

    it('is moved only past an op that never falls through, and the gap is trap bytes', () => {
      let moved = 0;
      for (let pad = 0; pad < 64; pad++) {
        const k = compile(rotatedSum(pad));
        const info = k.inspect();
        k.free();
        const { before, start } = loopSpan(info);
        const gap = start - (before.codeOffset + before.codeSize);
        assert.ok(gap >= 0 && gap < BLOCK, `gap ${gap}`);
        if (gap === 0) continue;
        moved++;
        assert.equal(before.uop, 'JUMP');
        assert.deepEqual([...info.bytes.subarray(start - gap, start)], new Array(gap).fill(TRAP));
      }
      assert.ok(moved > 0, 'some pad needed a gap');
    });

    it('that code falls into stays where it is: its stencils back to back', () => {
      // for (i = 0; i < n; i++) s += i with the test at the head: CONST_I32 falls into the loop.
      const b = new TraceBuilder();
      const i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), s = b.slot('i32');
      const loop = b.label(), done = b.label();
      b.param(n).returns(s).op('CONST_I32', one, 1);
      b.define(loop).op('BR_GE_I32', i, n, done).op('ADD_I32', s, s, i).op('ADD_I32', i, i, one).op('JUMP', loop);
      b.define(done).op('RETURN');
      const k = compile(b);
      const info = k.inspect();
      try {
        info.stencils.reduce((offset, st) => { assert.equal(st.codeOffset, offset, st.uop); return offset + st.codeSize; }, 0);
        assert.equal(k.call(500), expectedSum(500));
      } finally {
        k.free();
      }
    });

    it('is not moved with JITCTL_LOOP_PLACEMENT=0 (for measuring what placing buys)', function () {
      this.timeout(60_000);
      const script = `
        const { compile, TraceBuilder } = require(${JSON.stringify(ENGINE_MODULE)});
        const gaps = [];
        for (let pad = 0; pad < 64; pad++) {
          const b = new TraceBuilder();
          const i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), s = b.slot('i32'), f = b.slot('f64');
          const body = b.label(), test = b.label();
          b.param(n).returns(s).op('CONST_I32', one, 1);
          for (let k = 0; k < pad >> 2; k++) b.op('CONST_F64', f, k);
          for (let k = 0; k < (pad & 3); k++) b.op('ADD_F64', f, f, f);
          b.op('JUMP', test).define(body).op('ADD_I32', s, s, i).op('ADD_I32', i, i, one).define(test).op('BR_LT_I32', i, n, body).op('RETURN');
          const info = compile(b).inspect();
          let end = 0;
          for (const st of info.stencils) { gaps.push(st.codeOffset - end); end = st.codeOffset + st.codeSize; }
        }
        console.log(JSON.stringify({ on: process.env.JITCTL_LOOP_PLACEMENT !== '0', gaps: Math.max(...gaps) }));
      `;
      const off = runNode(script, { env: { JITCTL_LOOP_PLACEMENT: '0' } });
      const on = runNode(script);
      assert.deepEqual(JSON.parse(off.stdout), { on: false, gaps: 0 }, off.stderr);
      assert.ok(JSON.parse(on.stdout).gaps > 0, on.stdout + on.stderr);
    });
  });

  describe('ops control cannot reach', () => {
    it('are not emitted: after an op that ends, until a label some branch names', () => {
      const b = new TraceBuilder();
      const x = b.slot('f64'), dead = b.label(), live = b.label();
      // RETURN; LABEL dead (no branch names it); NEG_F64; JUMP live; LABEL live; ADD_F64; RETURN,
      // where the first BR_TRUE_F64 names `live`.
      b.param(x).returns(x).op('BR_TRUE_F64', x, live).op('RETURN');
      b.define(dead).op('NEG_F64', x, x).op('JUMP', live);
      b.define(live).op('ADD_F64', x, x, x).op('RETURN');
      const k = compile(b);
      const info = k.inspect();
      try {
        const ops = info.stencils.filter((s) => s.traceOp !== null).map((s) => [s.traceOp, s.uop.replace(/__.*/, '')]);
        // Trace ops: 0 BR_TRUE_F64, 1 RETURN, 2 LABEL dead, 3 NEG_F64, 4 JUMP, 5 LABEL live, 6 ADD_F64, 7 RETURN.
        assert.deepEqual(ops.filter(([, uop]) => !String(uop).startsWith('MOV_')), [[0, 'BR_TRUE_F64'], [1, 'RETURN'], [6, 'ADD_F64'], [7, 'RETURN']]);
        assert.deepEqual([k.call(0), k.call(1.5), k.call(-2)], [0, 3, -4]);
      } finally {
        k.free();
      }
    });
  });
});
