// The native engine on its own: build a micro-op trace for a dot product, compile it to machine
// code, check it against the same loop in JS bit for bit, and show what the kernel is made of.
// Run: `npm run build:ts && node dist/examples/engine.js`.
import { compile, ElementKind, engineStats, TraceBuilder } from '../lib/engine';

function dotTrace(): TraceBuilder {
  const b = new TraceBuilder();
  const xs = b.view(ElementKind.Float64), ys = b.view(ElementKind.Float64);
  const n = b.slot('i32'), i = b.slot('i32'), one = b.slot('i32');
  const x = b.slot('f64'), y = b.slot('f64'), sum = b.slot('f64');
  const loop = b.label(), done = b.label();
  b.param(xs).param(ys).param(n).returns(sum);
  b.op('CONST_F64', sum, 0).op('CONST_I32', i, 0).op('CONST_I32', one, 1);
  // for (let i = 0; i < n; i++) sum += xs[i] * ys[i]; an index past either array ends the loop.
  b.define(loop).op('BR_GE_I32', i, n, done);
  b.op('LOAD_FLOAT64', x, xs, i, done).op('LOAD_FLOAT64', y, ys, i, done);
  b.op('MUL_F64', x, x, y).op('ADD_F64', sum, sum, x).op('ADD_I32', i, i, one).op('JUMP', loop);
  b.define(done).op('RETURN');
  return b;
}

function dotJs(xs: Float64Array, ys: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n && i < xs.length && i < ys.length; i++) sum += xs[i] * ys[i];
  return sum;
}

const trace = dotTrace().build();
compile(trace).free(); // the first compile also loads the addon: time the second
const started = process.hrtime.bigint();
const kernel = compile(trace);
const compileUs = Number(process.hrtime.bigint() - started) / 1e3;

const xs = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 1e3);
const ys = Float64Array.from({ length: 10_000 }, (_, i) => 1 / (i + 0.5));
const native = kernel.call(xs, ys, xs.length) as number;
const js = dotJs(xs, ys, xs.length);
console.log(`compiled in ${compileUs.toFixed(1)} us, cold (npm run bench:native measures it warm): ` +
  `${kernel.codeSize} bytes of machine code`);
console.log(`native ${native}\njs     ${js}\nbit-identical: ${Object.is(native, js)}`);
if (!Object.is(native, js)) process.exitCode = 1;

console.log('\nstencils:');
for (const s of kernel.inspect().stencils) {
  console.log(`  +${String(s.codeOffset).padStart(4)}  ${s.uop.padEnd(14)} ${s.codeSize} bytes`);
}
try {
  kernel.call(xs, new Float32Array(4), 4);
} catch (error) {
  console.log(`\na call with the wrong argument kinds is refused: ${(error as Error).message}`);
}
kernel.free();
console.log(`engine: ${JSON.stringify(engineStats())}`);
