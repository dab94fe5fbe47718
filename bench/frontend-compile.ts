// Kernel front end compile-time benchmark: for each kernel of the benchmark suite, the time from
// the JS function to an executable kernel, in its three steps.
//   npm run build:ts && node dist/bench/frontend-compile.js [--rounds N] [--kernels a,b]
// plan: planKernel(fn) (source text, parse, subset check, the scope probe of a function object);
// lower: lowerKernel(plan, signature) (typing and the trace); emit: the engine's compile(trace).
// Rounds are interleaved over the kernels so that a slow moment of the machine spreads over all
// of them; each figure is the median over the rounds. Results are recorded in docs/native-engine.md.

import { compile } from '../lib/engine.js';
import { lowerKernel, planKernel, signatureOf } from '../lib/compiler/frontend/index.js';
import { selectKernels } from './kernels/index.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function median(samples: readonly number[]): number {
  const sorted = samples.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Samples { plan: number[]; lower: number[]; emit: number[] }

function main(): void {
  const rounds = Number(option('--rounds') ?? 200);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
  const kernels = selectKernels(option('--kernels')).map((k) => {
    const signature = signatureOf(k.inputs());
    if (!signature) throw new Error(`${k.name}: its inputs have no signature`);
    return { name: k.name, fn: k.fn, signature, samples: { plan: [], lower: [], emit: [] } as Samples };
  });
  for (let r = 0; r < rounds; r++) {
    for (const k of kernels) {
      let start = process.hrtime.bigint();
      const planned = planKernel(k.fn);
      const plan = ms(start);
      if (!planned.ok) throw new Error(`${k.name}: ${planned.decline.message}`);
      start = process.hrtime.bigint();
      const lowered = lowerKernel(planned.plan, k.signature);
      const lower = ms(start);
      if (!lowered.ok) throw new Error(`${k.name}: ${lowered.decline.message}`);
      start = process.hrtime.bigint();
      const kernel = compile(lowered.kernel.trace);
      const emit = ms(start);
      kernel.free();
      k.samples.plan.push(plan);
      k.samples.lower.push(lower);
      k.samples.emit.push(emit);
    }
  }
  const width = Math.max(6, ...kernels.map((k) => k.name.length));
  const row = (name: string, plan: number, lower: number, emit: number): string =>
    `${name.padEnd(width)}  ${plan.toFixed(3).padStart(6)}  ${lower.toFixed(3).padStart(6)}  ${emit.toFixed(3).padStart(6)}  ${((plan + lower + emit) / emit).toFixed(1).padStart(6)}`;
  console.log(`Kernel front end compile time, ms (median of ${rounds} rounds; Node ${process.versions.node}, ${process.arch})`);
  console.log(`${'kernel'.padEnd(width)}    plan   lower    emit  total/emit`);
  const medians = kernels.map((k) => ({ name: k.name, plan: median(k.samples.plan), lower: median(k.samples.lower), emit: median(k.samples.emit) }));
  for (const m of medians) console.log(row(m.name, m.plan, m.lower, m.emit));
  console.log(row('median', median(medians.map((m) => m.plan)), median(medians.map((m) => m.lower)), median(medians.map((m) => m.emit))));
}

main();
