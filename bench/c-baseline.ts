// The in-order floating-point reductions of the kernel suite (dot, l2norm, prefixsum) against C:
// the same loops in bench/c/reductions.c, compiled here with -O2 -ffp-contract=off (no
// reassociation, no contraction: each is the JS function's own chain of IEEE additions, so C's
// time is that chain's latency-bound limit), on the very inputs the JS side runs, ns per element of
//   - C, in a process of its own, started once per round (for dot also with the checks a kernel
//     makes: each read's index against the array's length, an interrupt budget per iteration);
//   - the native kernel: the jitFocus(fn, { tier: 'native' }) wrapper, a fresh one per round (as
//     bench/kernels.ts times it: below the calls at which its adaptive choice starts to run V8's code);
//   - TurboFan: a plain copy called until V8 has optimized it.
// Rounds rotate between the three. Before timing, C's result must have the JS result's bits (and
// prefixsum's output array its bytes), or the run stops: a baseline that computes something else
// measures nothing.
// Run: npx tsc -p tsconfig.json && node dist/bench/c-baseline.js [--quick] [--cc clang] [--kernels dot] [--json out.json]
// (the compiler: --cc, else $CC, else cc).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freshCopy } from './kernel-fresh.js';
import { countIterations } from './kernel-iterations.js';
import { nativeWrapper, type Hinted } from './kernel-native.js';
import { selectKernels, type KernelSpec } from './kernels/index.js';
import type { KernelFn } from './kernels/spec.js';
import { isTurbofan, median, natives, now, runtimeLabel, table } from './natives.js';

const REDUCTIONS = ['dot', 'l2norm', 'prefixsum'];
const C_SOURCE = path.join(__dirname, '..', '..', 'bench', 'c', 'reductions.c');
const C_FLAGS = ['-O2', '-std=c11', '-ffp-contract=off', '-fno-fast-math'];
// Below the native tier's MIN_JUDGE_CALLS (200) with the warm-up calls.
const MAX_BATCH = 150;

interface Options { quick: boolean; cc: string; kernels: string[]; json?: string }

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { quick: false, cc: process.env.CC || 'cc', kernels: REDUCTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--cc') options.cc = value();
    else if (arg === '--json') options.json = value();
    else if (arg === '--kernels') {
      options.kernels = value().split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = options.kernels.filter((k) => !REDUCTIONS.includes(k));
      if (unknown.length > 0) throw new Error(`not a reduction with a C twin: ${unknown.join(', ')} (known: ${REDUCTIONS.join(', ')})`);
    } else throw new Error(`unknown option ${arg} (options: --quick, --cc <compiler>, --kernels a,b, --json <file>)`);
  }
  return options;
}

function run(command: string, args: readonly string[]): { ok: true; stdout: string } | { ok: false; why: string; missing: boolean } {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) return { ok: false, why: r.error.message, missing: (r.error as NodeJS.ErrnoException).code === 'ENOENT' };
  if (r.status !== 0) return { ok: false, why: `exit ${r.status ?? r.signal}: ${r.stderr.trim()}`, missing: false };
  return { ok: true, stdout: r.stdout };
}

/** Compiles reductions.c into `dir`; the binary's path and the compiler's first version line (null: no such compiler). */
function compileC(cc: string, dir: string): { binary: string; compiler: string } | null {
  const binary = path.join(dir, 'reductions');
  const built = run(cc, [...C_FLAGS, '-o', binary, C_SOURCE, '-lm']);
  if (!built.ok && built.missing) return null;
  if (!built.ok) throw new Error(`cannot compile ${C_SOURCE} with ${cc} (set --cc or $CC): ${built.why}`);
  const version = run(cc, ['--version']);
  return { binary, compiler: version.ok ? version.stdout.split('\n')[0].trim() : cc };
}

function fnv1a(bytes: Uint8Array): number {
  let h = 2166136261;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}

function bitsOf(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

interface CRound { ns: number[]; resultBits: string; outputFnv: number }

function runC(binary: string, kernel: string, n: number, files: string[], batchMs: number, rounds: number): CRound {
  const r = run(binary, [kernel, String(n), ...files, String(batchMs), String(rounds)]);
  if (!r.ok) throw new Error(`the C baseline failed on ${kernel}: ${r.why}`);
  return JSON.parse(r.stdout) as CRound;
}

const sink = { value: 0 };
function call(fn: KernelFn, args: readonly unknown[]): number | void {
  const r = Reflect.apply(fn, undefined, args) as number | void;
  if (typeof r === 'number') sink.value += r;
  return r;
}

function timeBatch(fn: KernelFn, args: readonly unknown[], calls: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) call(fn, args);
  return Number(process.hrtime.bigint() - t0) / calls;
}

interface Row {
  kernel: string;
  iterations: number;
  /** Median ns per call (checkedNs: C with the kernel's checks, dot only). */
  cNs: number; nativeNs: number; turbofanNs: number; checkedNs?: number;
  turbofanForced: boolean;
  kernelCalls: number; timedCalls: number;
}

function measure(spec: KernelSpec, binary: string, dir: string, options: Options): Row {
  const rounds = options.quick ? 3 : 9;
  const batchMs = options.quick ? 5 : 25;
  const args = spec.inputs();
  const inputs = args.filter((a): a is Float64Array => a instanceof Float64Array).slice(0, spec.name === 'dot' ? 2 : 1);
  const n = inputs[0].length;
  const files = inputs.map((array, i) => {
    const file = path.join(dir, `${spec.name}-${i}.f64`);
    writeFileSync(file, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return file;
  });

  // Same bits, or no baseline: the plain function on twin inputs against one C call.
  const twin = spec.inputs();
  const result = call(freshCopy(spec.fn, 'check'), twin) ?? NaN;
  const first = runC(binary, spec.name, n, files, 1, 1);
  if (first.resultBits !== bitsOf(result)) throw new Error(`${spec.name}: C's result has bits ${first.resultBits}, JS's ${bitsOf(result)}: not the same computation`);
  if (spec.name === 'prefixsum') {
    const out = twin[1] as Float64Array;
    const hash = fnv1a(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    if (hash !== first.outputFnv) throw new Error(`${spec.name}: C's output array differs from JS's (FNV-1a ${first.outputFnv} against ${hash})`);
  }

  // TurboFan: called until V8 optimizes it (forced after 4 s, as bench/kernels.ts does).
  const plain = freshCopy(spec.fn, 'tf');
  const start = now();
  while (!isTurbofan(plain) && now() - start < 4000) call(plain, args);
  const forced = !isTurbofan(plain);
  if (forced) {
    natives.PrepareFunctionForOptimization?.(plain);
    natives.OptimizeFunctionOnNextCall?.(plain);
    call(plain, args);
  }
  const perCall = median(Array.from({ length: 5 }, () => timeBatch(plain, args, 1)));
  const batch = Math.min(MAX_BATCH, Math.max(3, Math.round((batchMs * 1e6) / perCall)));

  const row: Row = { kernel: spec.name, iterations: countIterations(spec), cNs: NaN, nativeNs: NaN, turbofanNs: NaN, turbofanForced: forced, kernelCalls: 0, timedCalls: 0 };
  const samples = { c: [] as number[], native: [] as number[], turbofan: [] as number[], checked: [] as number[] };
  const checked = spec.name === 'dot';
  if (checked && runC(binary, 'dot_checked', n, files, 1, 1).resultBits !== first.resultBits) throw new Error('dot: the checked C loop computes other bits');
  const sides: Array<() => void> = [
    () => { samples.turbofan.push(timeBatch(plain, args, batch)); },
    () => {
      const hinted: Hinted = nativeWrapper(freshCopy(spec.fn, 'native'));
      call(hinted.wrapper, args);
      call(hinted.wrapper, args);
      const before = hinted.record().native?.kernelCalls ?? 0;
      samples.native.push(timeBatch(hinted.wrapper, args, batch));
      row.kernelCalls += (hinted.record().native?.kernelCalls ?? 0) - before;
      row.timedCalls += batch;
    },
    () => {
      samples.c.push(...runC(binary, spec.name, n, files, batchMs, 1).ns);
      if (checked) samples.checked.push(...runC(binary, 'dot_checked', n, files, batchMs, 1).ns);
    },
  ];
  for (let r = 0; r < rounds; r++) {
    for (let s = 0; s < sides.length; s++) sides[(r + s) % sides.length]();
  }
  row.cNs = median(samples.c);
  row.nativeNs = median(samples.native);
  row.turbofanNs = median(samples.turbofan);
  if (checked) row.checkedNs = median(samples.checked);
  return row;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const dir = mkdtempSync(path.join(tmpdir(), 'jitctl-c-baseline-'));
  try {
    const built = compileC(options.cc, dir);
    if (built === null) {
      // A machine without a C compiler has no baseline to offer; `npm run bench` goes on.
      console.log(`(c-baseline: no C compiler "${options.cc}" on this machine; --cc or $CC names one)`);
      return;
    }
    const { binary, compiler } = built;
    const rows: Row[] = [];
    for (const spec of selectKernels(options.kernels.join(','))) {
      process.stderr.write(`  ${spec.name}...\n`);
      rows.push(measure(spec, binary, dir, options));
    }
    const perIteration = (ns: number, row: Row) => (ns / row.iterations).toFixed(2);
    console.log(`In-order reductions against C (${compiler}, ${C_FLAGS.join(' ')}), ${runtimeLabel()}, ns per element, median of ${options.quick ? 3 : 9} rounds`);
    console.log('');
    console.log(table(
      ['kernel', 'C', 'C with the kernel\'s checks', 'native', 'TurboFan', 'native vs C', 'native vs TurboFan'],
      rows.map((row) => [
        row.kernel, perIteration(row.cNs, row), row.checkedNs === undefined ? '' : perIteration(row.checkedNs, row), perIteration(row.nativeNs, row),
        `${perIteration(row.turbofanNs, row)}${row.turbofanForced ? ' (forced)' : ''}`,
        `${(row.cNs / row.nativeNs).toFixed(2)}x`, `${(row.turbofanNs / row.nativeNs).toFixed(2)}x`,
      ]),
    ));
    const missed = rows.filter((row) => row.kernelCalls !== row.timedCalls);
    for (const row of missed) console.log(`\n${row.kernel}: only ${row.kernelCalls} of ${row.timedCalls} timed native calls ran the kernel`);
    if (options.json) writeFileSync(options.json, JSON.stringify({ compiler, flags: C_FLAGS, runtime: runtimeLabel(), rows }, null, 2));
    if (missed.length > 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`c-baseline: ${(error as Error).message}`);
  process.exitCode = 1;
}
