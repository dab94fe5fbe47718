// How much a native kernel's speed depends on where its code lies: each kernel timed at eight
// addresses, in a process per address, the address moved by compiling 0-7 small kernels first
// (each takes the same few dozen bytes of executable memory). A kernel's median over the
// addresses is what the kernel suite's runs average towards; the spread is the front end's
// fetch and branch-prediction windows, which a loop straddles at some addresses and not others.
// Run: npx tsc -p tsconfig.json && node dist/bench/kernel-placement.js [--kernels horner,saxpy] [--addresses 8]

import { spawnSync } from 'node:child_process';

import { compile, TraceBuilder } from '../lib/engine.js';
import { nativeWrapper } from './kernel-native.js';
import { freshCopy } from './kernel-fresh.js';
import { selectKernels } from './kernels/index.js';
import { median, now, runtimeLabel, table } from './natives.js';

const DEFAULT_KERNELS = 'dot,saxpy,l2norm,blur3,horner,smoothstep';
// Calls per process, with the two warm-up calls below the native tier's MIN_JUDGE_CALLS (200), so
// that every timed call runs the kernel.
const BATCHES = 6;
const BATCH = 25;
// A child that has not printed by then is stuck (each one takes a second or two).
const CHILD_TIMEOUT_MS = 120_000;

/** In a child: `fillers` small kernels, then the kernel, timed; prints its best batch in microseconds per call. */
function child(name: string, fillers: number): void {
  const keep = [];
  for (let i = 0; i < fillers; i++) {
    const b = new TraceBuilder();
    const x = b.slot('f64'), y = b.slot('f64');
    b.param(x).returns(y).op('SQRT_F64', y, x).op('RETURN');
    keep.push(compile(b));
  }
  const [spec] = selectKernels(name);
  const args = spec.inputs();
  const { wrapper, record } = nativeWrapper(freshCopy(spec.fn, 'placement'));
  wrapper(...args);
  wrapper(...args);
  const times: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = now();
    for (let i = 0; i < BATCH; i++) wrapper(...args);
    times.push(((now() - t0) * 1000) / BATCH);
  }
  const native = record().native;
  if (native === null || native.kernelCalls < 2 + BATCHES * BATCH) throw new Error(`${name}: not every timed call ran the native kernel`);
  process.stdout.write(`${Math.min(...times)}\n`);
}

function parent(argv: readonly string[]): void {
  let kernels = DEFAULT_KERNELS;
  let addresses = 8;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--kernels') kernels = argv[++i] ?? '';
    else if (argv[i] === '--addresses') addresses = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (known: --kernels a,b --addresses n)`);
  }
  if (!Number.isInteger(addresses) || addresses < 1) throw new Error('--addresses takes a positive whole number');
  const specs = selectKernels(kernels);
  if (specs.length === 0) throw new Error('--kernels names no kernel');
  const rows: Array<Array<string | number>> = [];
  for (const spec of specs) {
    const us: number[] = [];
    for (let fillers = 0; fillers < addresses; fillers++) {
      const where = `${spec.name} after ${fillers} kernels`;
      const run = spawnSync(process.execPath, [__filename, '--child', spec.name, String(fillers)], { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
      if (run.error || run.status !== 0)
        throw new Error(`${where}: ${run.error?.message ?? (run.signal ? `killed by ${run.signal}` : `exit ${run.status}`)} ${run.stderr?.trim() ?? ''}`);
      const value = Number(run.stdout.trim());
      if (!Number.isFinite(value) || value <= 0) throw new Error(`${where}: printed ${JSON.stringify(run.stdout)}, not a time`);
      us.push(value);
      process.stderr.write(`  ${spec.name}: address ${fillers + 1} of ${addresses}\n`);
    }
    const sorted = [...us].sort((a, b) => a - b);
    rows.push([spec.name, sorted[0].toFixed(1), median(us).toFixed(1), sorted[sorted.length - 1].toFixed(1),
      `${(sorted[sorted.length - 1] / sorted[0]).toFixed(2)}x`, us.map((u) => u.toFixed(0)).join(' ')]);
  }
  console.log(table(['kernel', 'us per call: best', 'median', 'worst', 'worst / best', `by address (0-${addresses - 1} kernels before it)`], rows));
  console.log(`- ${runtimeLabel()}`);
}

const args = process.argv.slice(2);
if (args[0] === '--child') child(args[1], Number(args[2]));
else parent(args);
