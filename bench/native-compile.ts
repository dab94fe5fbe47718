// Native engine compile-time and memory benchmark.
//   npm run build:ts && node dist/bench/native-compile.js
// Measures: compile time per kernel and per micro-op (trace validation, layout, copy, patch and
// the two mprotect calls included), code bytes per micro-op, and executable-memory efficiency
// with 1,000 small kernels live. Results are recorded in docs/native-engine.md.

import { compile, engineStats, isPollStencil, TraceBuilder, type Kernel } from '../lib/engine.js';

// A straight-line kernel of `n` arithmetic micro-ops over four f64 slots, plus RETURN.
function arithmetic(n: number): Int32Array {
  const b = new TraceBuilder();
  const s = [b.slot('f64'), b.slot('f64'), b.slot('f64'), b.slot('f64')];
  b.param(s[0]).param(s[1]).returns(s[2]);
  const ops = ['ADD_F64', 'MUL_F64', 'SUB_F64', 'DIV_F64'];
  for (let i = 0; i < n - 1; i++) b.op(ops[i % 4], s[(i + 2) % 4], s[i % 4], s[(i + 1) % 4]);
  b.op('RETURN');
  return b.build();
}

// A loop kernel (dot product) padded with arithmetic to `n` micro-ops: branches, loads, labels.
function dotProduct(): Int32Array {
  const b = new TraceBuilder();
  const xs = b.view(8), ys = b.view(8), i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32');
  const x = b.slot('f64'), y = b.slot('f64'), acc = b.slot('f64'), loop = b.label(), done = b.label();
  b.param(xs).param(ys).returns(acc).op('LENGTH', n, xs).op('CONST_I32', one, 1);
  b.define(loop).op('BR_GE_I32', i, n, done).op('LOAD_FLOAT64', x, xs, i, done).op('LOAD_FLOAT64', y, ys, i, done);
  b.op('MUL_F64', x, x, y).op('ADD_F64', acc, acc, x).op('ADD_I32', i, i, one).op('JUMP', loop);
  b.define(done).op('RETURN');
  return b.build();
}

// for (i = 0; i < n; i++) {}: the smallest loop, where the poll is the largest share.
function countingLoop(): Int32Array {
  const b = new TraceBuilder();
  const i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), loop = b.label(), done = b.label();
  b.param(n).returns(i).op('CONST_I32', one, 1);
  b.define(loop).op('BR_GE_I32', i, n, done).op('ADD_I32', i, i, one).op('JUMP', loop);
  b.define(done).op('RETURN');
  return b.build();
}

// Median over rounds of one call's time per iteration.
function timeRun(run: () => unknown, iterations: number): number {
  const samples: number[] = [];
  for (let r = 0; r < 15; r++) {
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function opCount(trace: Int32Array): number {
  const k = compile(trace);
  const n = k.inspect().stencils.filter((s) => s.uop !== 'shim' && !isPollStencil(s.uop)).length;
  k.free();
  return n;
}

function timeCompile(trace: Int32Array, batch: number, rounds: number): number {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const kernels: Kernel[] = new Array(batch);
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) kernels[i] = compile(trace);
    const ns = Number(process.hrtime.bigint() - start);
    kernels.forEach((k) => k.free());
    samples.push(ns / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];  // median of rounds
}

function main(): void {
  const rows: Array<Record<string, string | number>> = [];
  for (const [name, trace] of [
    ['RETURN only', arithmetic(1)],
    ['dot product (loop)', dotProduct()],
    ['10 arithmetic uops', arithmetic(10)],
    ['100 arithmetic uops', arithmetic(100)],
    ['1000 arithmetic uops', arithmetic(1000)],
  ] as const) {
    const uops = opCount(trace);
    const ns = timeCompile(trace, uops > 500 ? 50 : 300, 7);
    const k = compile(trace);
    const info = k.inspect();
    k.free();
    rows.push({
      kernel: name,
      uops,
      'compile us': +(ns / 1000).toFixed(2),
      'ns per uop': +(ns / Math.max(uops, 1)).toFixed(0),
      'code bytes': info.codeSize,
      'code bytes per uop': +((info.codeSize - info.stencils[0].codeSize) / Math.max(uops, 1)).toFixed(1),
      'kernel bytes': info.totalSize,
    });
  }
  console.table(rows);

  const before = engineStats();
  const live = Array.from({ length: 1000 }, (_, i) => {
    const b = new TraceBuilder();
    const x = b.slot('f64'), c = b.slot('f64'), r = b.slot('f64');
    b.param(x).returns(r).op('CONST_F64', c, i).op('MUL_F64', r, x, c).op('RETURN');
    return compile(b);
  });
  const s = engineStats();
  const used = s.bytesUsed - before.bytesUsed, mapped = s.bytesMapped - before.bytesMapped;
  console.table([{ 'live kernels': live.length, 'bytes used': used, 'bytes mapped': mapped,
    'used / mapped': `${((100 * used) / mapped).toFixed(1)}%`, 'bytes per kernel': +(used / live.length).toFixed(1) }]);
  live.forEach((k) => k.free());

  // Running loops: what the interrupt check at each loop head costs. ns per iteration of the
  // dot product (8 ops per iteration, one poll) and of an empty counting loop (3 ops, one poll).
  const elements = 1 << 20;
  const xs = new Float64Array(elements).fill(1.5), ys = new Float64Array(elements).fill(2);
  const dot = compile(dotProduct());
  const counter = compile(countingLoop());
  console.table([
    { loop: 'dot product', 'ns per iteration': +timeRun(() => dot.call(xs, ys), elements).toFixed(3) },
    { loop: 'counting loop', 'ns per iteration': +timeRun(() => counter.call(elements), elements).toFixed(3) },
  ]);
  dot.free();
  counter.free();
  console.log(`node ${process.version} ${process.arch}`);
}

main();
