// Deopt churn with and without jitOnce: total time and the number of compiles and deopts V8 itself
// reports (--trace-opt / --trace-deopt lines naming the function), for two workloads whose argument
// types keep changing. Each variant runs in a fresh child process of the same Node: once with
// tracing to count, once without to time.
//   node dist/bench/churn.js            all variants, a table
//   node dist/bench/churn.js --child W V  one workload W with variant V (internal)

import { spawnSync } from 'node:child_process';
import { jitOnce } from '../lib/index.js';
import { median, now, runtimeLabel, table } from './natives.js';

interface Workload {
  name: string;
  /** Source of the churning function, named churnKernel so that trace lines can be found. */
  source: string;
  /** The inputs of each phase; every phase changes a type the function was specialized on. */
  phases: Array<(i: number) => unknown[]>;
  callsPerPhase: number;
}

const numbers = (kind: 'int' | 'double' | 'mixed', n: number) => {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(kind === 'int' ? i : kind === 'double' ? i + 0.5 : (i & 1 ? i : i + 0.25));
  return xs;
};

const WORKLOADS: Workload[] = [
  {
    name: 'field access (object shapes and types change)',
    source: 'function churnKernel(o) { return o.a + o.b; }',
    phases: [
      (i) => [{ a: i, b: 1 }],
      (i) => [{ a: `s${i & 7}`, b: 't' }],
      (i) => [{ a: i + 0.5, b: 1.25 }],
      (i) => [{ b: 2, a: i }],
      (i) => [{ a: i, b: 1, c: 3 }],
    ],
    callsPerPhase: 200_000,
  },
  {
    name: 'loop kernel (array element kinds change)',
    source: 'function churnKernel(xs) { let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; return s; }',
    phases: [
      () => [numbers('int', 64)],
      () => [numbers('double', 64)],
      () => [numbers('int', 64)],
      () => [numbers('mixed', 64).map((x, i) => (i === 3 ? `${x}` : x))],
      () => [numbers('double', 64)],
    ],
    callsPerPhase: 20_000,
  },
];

const VARIANTS = ['unhinted', 'jitOnce', 'jitOnce + samples of every phase', 'jitOnce maxDeopts 1', 'jitOnce maxDeopts 8'];
const ROUNDS = 3;
const TURN_CALLS = 2_000;
const TIMING_RUNS = 7;

async function child(workloadIndex: number, variant: string): Promise<void> {
  const w = WORKLOADS[workloadIndex];
  const kernel = new Function(`return ${w.source}`)() as (...args: unknown[]) => unknown;
  const maxDeopts = /maxDeopts (\d+)/.exec(variant);
  // Inputs are made before timing, so that only the calls are timed.
  const inputs = w.phases.map((phase) => Array.from({ length: 64 }, (_, i) => phase(i)));
  const fn = variant === 'unhinted' ? kernel
    : jitOnce(kernel, {
      ...(maxDeopts ? { maxDeopts: Number(maxDeopts[1]) } : {}),
      ...(variant.includes('samples') ? { samples: inputs.map((phase) => phase[1]) } : {}),
    });
  let sink = 0;
  const t0 = now();
  for (let round = 0; round < ROUNDS; round++) {
    for (const phase of inputs) {
      // As a service runs: a turn of the event loop every TURN_CALLS calls (jitOnce watches between turns).
      for (let i = 0; i < w.callsPerPhase; i++) {
        const r = fn(...phase[i & 63]);
        if (typeof r === 'number') sink += r;
        if ((i + 1) % TURN_CALLS === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  const ms = now() - t0;
  console.log(JSON.stringify({ ms, sink: sink > 0 }));
}

function runChild(workloadIndex: number, variant: string, trace: boolean): { ms: number; compiles: number; deopts: number } {
  const flags = trace ? ['--trace-opt', '--trace-deopt'] : [];
  const r = spawnSync(process.execPath, [...flags, __filename, '--child', String(workloadIndex), variant], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`churn child failed: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  const result = JSON.parse(lines.filter((l) => l.startsWith('{')).pop() ?? '{}') as { ms: number };
  const mine = lines.filter((l) => l.includes('churnKernel'));
  return {
    ms: result.ms,
    // One 'completed compiling' line per finished compile (TurboFan or Maglev, synchronous ones such
    // as jitctl's included: 'completed optimizing' is printed only for concurrent ones); one 'bailout ... begin'
    // line per eager or lazy deopt, plus 'marking dependent code' lines for code thrown away when
    // an assumption it relied on broke.
    compiles: mine.filter((l) => l.includes('completed compiling')).length,
    deopts: mine.filter((l) => (l.includes('bailout') && l.includes('begin')) || l.includes('marking dependent code')).length,
  };
}

function main(): void {
  const out = [`### churn: ${runtimeLabel()}`, '',
    `Each workload: ${ROUNDS} rounds over its phases; time is the median of ${TIMING_RUNS} untraced runs, interleaved;`,
    'compiles and deopts are the lines --trace-opt / --trace-deopt print for the function.', ''];
  WORKLOADS.forEach((w, index) => {
    const counted = VARIANTS.map((variant) => runChild(index, variant, true));
    // Timing runs interleaved (every variant once per round), so that all see the same machine load.
    const times: number[][] = VARIANTS.map(() => []);
    for (let run = 0; run < TIMING_RUNS; run++) VARIANTS.forEach((variant, v) => times[v].push(runChild(index, variant, false).ms));
    const base = median(times[0]);
    const rows = VARIANTS.map((variant, v) => {
      const ms = median(times[v]);
      return [variant, ms.toFixed(1), `${(ms / base).toFixed(2)}x`, counted[v].compiles, counted[v].deopts];
    });
    out.push(`${w.name}, ${w.phases.length} phases x ${w.callsPerPhase.toLocaleString('en-US')} calls:`, '',
      table(['variant', 'total ms', 'vs unhinted', 'compiles', 'deopts'], rows), '');
  });
  console.log(out.join('\n'));
}

if (process.argv[2] === '--child') void child(Number(process.argv[3]), process.argv[4]);
else main();
