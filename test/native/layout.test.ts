// Where the emitter puts a kernel's code: an innermost loop in as few 64-byte blocks as its size
// allows (a core fetches and caches decoded code by aligned blocks), the gap before it trap bytes
// that never run, and no code for ops that control cannot reach. Seen through inspect().

import assert from 'node:assert/strict';

import { compile, isPollStencil, TraceBuilder, type KernelInspection, type KernelStencil } from '../../lib/engine.js';
import { addFillers, codeGaps, ENGINE_MODULE, expectedSum, HELPERS_MODULE, rotatedSum, runNode, sumBelow } from './helpers.js';

const BLOCK = 64;
// What fills a gap in code: int3 on x86-64, `udf #0` (four zero bytes) on AArch64.
const TRAP = process.arch === 'arm64' ? 0x00 : 0xcc;

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

// Two rotated sums over i < n in one kernel, `padA` and `padB` filler ops before each, and a
// branch from between them over the second to the RETURN when the first sum is already >= limit.
function twoSums(padA: number, padB: number): TraceBuilder {
  const b = new TraceBuilder();
  const i = b.slot('i32'), n = b.slot('i32'), limit = b.slot('i32'), one = b.slot('i32'), zero = b.slot('i32'), s = b.slot('i32'), f = b.slot('f64');
  const body1 = b.label(), test1 = b.label(), body2 = b.label(), test2 = b.label(), out = b.label();
  b.param(n).param(limit).returns(s).op('CONST_I32', one, 1).op('CONST_I32', zero, 0);
  addFillers(b, f, padA);
  b.op('JUMP', test1).define(body1).op('ADD_I32', s, s, i).op('ADD_I32', i, i, one);
  b.define(test1).op('BR_LT_I32', i, n, body1).op('BR_GE_I32', s, limit, out);
  addFillers(b, f, padB);
  b.op('MOV_I32', i, zero).op('JUMP', test2).define(body2).op('ADD_I32', s, s, i).op('ADD_I32', i, i, one);
  b.define(test2).op('BR_LT_I32', i, n, body2);
  b.define(out).op('RETURN');
  return b;
}

const twoSumsResult = (n: number, limit: number) => {
  const once = expectedSum(n);
  return once >= limit ? once : (2 * once) | 0;
};

// Each loop's code in a kernel: from a poll to the end of the next BR_LT_I32.
function loopSpans(info: KernelInspection): { start: number; bytes: number }[] {
  const spans: { start: number; bytes: number }[] = [];
  info.stencils.forEach((st, k) => {
    if (st.uop !== 'poll') return;
    const branch = info.stencils.slice(k).find((x) => x.uop.startsWith('BR_LT_I32'))!;
    spans.push({ start: st.codeOffset, bytes: branch.codeOffset + branch.codeSize - st.codeOffset });
  });
  return spans;
}

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

    it('runs to the right result through call slices that end and resume inside it', () => {
      // 10^6 iterations are several slices of the call's budget: the poll at the moved loop's
      // head yields, and the call resumes there.
      for (const pad of [0, 1, 7, 13, 22, 41, 63]) {
        const k = compile(rotatedSum(pad));
        try {
          assert.deepEqual([k.call(1_000_000), k.call(0), k.call(1)], [expectedSum(1_000_000), 0, 0], `pad ${pad}`);
        } finally {
          k.free();
        }
      }
    });

    it('each of two in one kernel lies in as few blocks as it can, and a branch over the second lands right', () => {
      let moved = 0;
      for (let padA = 0; padA < 16; padA++) {
        for (const padB of [0, 3, 9, 18, 29, 46]) {
          const k = compile(twoSums(padA, padB));
          const info = k.inspect();
          try {
            const spans = loopSpans(info);
            assert.equal(spans.length, 2);
            for (const { start, bytes } of spans) {
              assert.equal(blocksTouched(start, bytes), Math.ceil(bytes / BLOCK), `pads ${padA}, ${padB}: a loop at ${start}, ${bytes} bytes`);
            }
            if (codeGaps(info).filter((gap) => gap > 0).length === 2) moved++;
            const cases: [number, number][] = [[1000, 0], [1000, 2 ** 31 - 1], [0, 0], [0, 1], [300_000, 2 ** 31 - 1], [300_000, -(2 ** 31)]];
            assert.deepEqual(cases.map(([n, limit]) => k.call(n, limit)), cases.map(([n, limit]) => twoSumsResult(n, limit)), `pads ${padA}, ${padB}`);
          } finally {
            k.free();
          }
        }
      }
      assert.ok(moved > 0, 'at some pads both loops were moved (their shifts add up)');
    });

    it('is not moved when its gap would take the kernel over the executable-memory cap: the kernel fits as it is', function () {
      this.timeout(120_000);
      // In children: kernel sizes with and without placement (at every 32nd pad, and at every pad
      // of the stretches where a size crosses a page), then, under a cap of one to five pages, the
      // first kernel that fits only without placement's gap and 64-byte alignment. (Whether
      // placement needs a gap where a size crosses a cap depends on where the loop lands, so one
      // cap alone may have no such kernel; compiling every pad took minutes under qemu.)
      const PAGE = 4096, PAGES = 5;
      const sizes = (env: NodeJS.ProcessEnv) => {
        const child = runNode(`
          const { compile } = require(${JSON.stringify(ENGINE_MODULE)});
          const { rotatedSum } = require(${JSON.stringify(HELPERS_MODULE)});
          const sizeAt = (pad) => { const k = compile(rotatedSum(pad)); const n = k.inspect().totalSize; k.free(); return n; };
          const sizes = {};
          for (let pad = 0; pad < 4000; pad += 32) if ((sizes[pad] = sizeAt(pad)) > ${PAGES * PAGE}) break;
          const coarse = Object.keys(sizes).map(Number);
          for (let j = 1; j < coarse.length; j++) {
            if (Math.floor(sizes[coarse[j - 1]] / ${PAGE}) === Math.floor(sizes[coarse[j]] / ${PAGE})) continue;
            for (let pad = Math.max(0, coarse[j - 1] - 32); pad < coarse[j] + 32; pad++) sizes[pad] ??= sizeAt(pad);
          }
          console.log(JSON.stringify(sizes));
        `, { env });
        assert.equal(child.status, 0, child.stderr);
        return JSON.parse(child.stdout) as Record<string, number>;
      };
      const placed = sizes({}), unplaced = sizes({ JITCTL_LOOP_PLACEMENT: '0' });
      const reserved = (n: number) => Math.ceil(n / 16) * 16;
      const pads = Object.keys(unplaced).map(Number).filter((p) => placed[p] !== undefined).sort((x, y) => x - y);
      const fitsOnlyUnplaced = (cap: number) => pads.find((p) => reserved(unplaced[p]) <= cap && reserved(placed[p]) > cap) ?? -1;
      const CAP = Array.from({ length: PAGES }, (_, k) => (k + 1) * PAGE).find((cap) => fitsOnlyUnplaced(cap) >= 0) ?? 0;
      const pad = fitsOnlyUnplaced(CAP);
      assert.ok(pad >= 0, 'some kernel fits a cap only without placement');
      const child = runNode(`
        const { compile, configureEngine } = require(${JSON.stringify(ENGINE_MODULE)});
        const { codeGaps, expectedSum, rotatedSum } = require(${JSON.stringify(HELPERS_MODULE)});
        configureEngine({ maxExecutableBytes: ${CAP} });
        const k = compile(rotatedSum(${pad}));
        const info = k.inspect();
        const gaps = codeGaps(info).reduce((sum, gap) => sum + gap, 0);
        console.log(JSON.stringify({ total: info.totalSize, gaps, right: k.call(5000) === expectedSum(5000) }));
      `);
      assert.equal(child.status, 0, child.stderr);
      assert.deepEqual(JSON.parse(child.stdout), { total: unplaced[pad], gaps: 0, right: true });
    });

    it('that code falls into stays where it is: its stencils back to back', () => {
      // sumBelow() has the test at the loop's head: CONST_I32 falls into the loop.
      const k = compile(sumBelow());
      const info = k.inspect();
      try {
        assert.deepEqual(codeGaps(info), info.stencils.map(() => 0), info.stencils.map((st) => st.uop).join(' '));
        assert.equal(k.call(500), expectedSum(500));
      } finally {
        k.free();
      }
    });

    it('is not moved with JITCTL_LOOP_PLACEMENT=0 (for measuring what placing buys)', function () {
      this.timeout(60_000);
      const script = `
        const { compile } = require(${JSON.stringify(ENGINE_MODULE)});
        const { codeGaps, rotatedSum } = require(${JSON.stringify(HELPERS_MODULE)});
        const gaps = [];
        for (let pad = 0; pad < 64; pad++) gaps.push(...codeGaps(compile(rotatedSum(pad)).inspect()));
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

    it('nor what only they branch to', () => {
      const b = new TraceBuilder();
      const x = b.slot('f64'), deadTarget = b.label(), live = b.label();
      // Trace ops: 0 BR_TRUE_F64 live, 1 RETURN, 2 JUMP deadTarget (dead), 3 LABEL deadTarget
      // (named by the dead JUMP only), 4 NEG_F64, 5 RETURN, 6 LABEL live, 7 ADD_F64, 8 RETURN.
      b.param(x).returns(x).op('BR_TRUE_F64', x, live).op('RETURN').op('JUMP', deadTarget);
      b.define(deadTarget).op('NEG_F64', x, x).op('RETURN');
      b.define(live).op('ADD_F64', x, x, x).op('RETURN');
      const k = compile(b);
      const info = k.inspect();
      try {
        const ops = info.stencils.filter((s) => s.traceOp !== null && !s.uop.startsWith('MOV_')).map((s) => s.traceOp);
        assert.deepEqual(ops, [0, 1, 7, 8]);
        assert.deepEqual([k.call(0), k.call(1.5), k.call(-2)], [0, 3, -4]);
      } finally {
        k.free();
      }
    });

    it('make no loop: a dead backward branch gives no poll, makes no outer loop and does not stop a loop from being placed', () => {
      for (let pad = 0; pad < 64; pad++) {
        // rotatedSum(pad) behind a label `top`, and after its RETURN, dead: JUMP body; JUMP top.
        const b = new TraceBuilder();
        const i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), s = b.slot('i32'), f = b.slot('f64');
        const top = b.label(), body = b.label(), test = b.label();
        b.param(n).returns(s).op('CONST_I32', one, 1).define(top);
        addFillers(b, f, pad);
        b.op('JUMP', test).define(body).op('ADD_I32', s, s, i).op('ADD_I32', i, i, one);
        b.define(test).op('BR_LT_I32', i, n, body).op('RETURN').op('JUMP', body).op('JUMP', top);
        const k = compile(b);
        const info = k.inspect();
        try {
          assert.deepEqual(info.stencils.map((st) => st.uop).filter(isPollStencil), ['poll'], `pad ${pad}`);
          const { start, bytes } = loopSpan(info);
          assert.equal(blocksTouched(start, bytes), Math.ceil(bytes / BLOCK), `pad ${pad}: the loop at ${start}, ${bytes} bytes`);
          assert.equal(k.call(1000), expectedSum(1000));
        } finally {
          k.free();
        }
      }
    });
  });
});
