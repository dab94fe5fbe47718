// The native tier's kernel benchmark suite: 20 numeric kernels, each measured in processes of its
// own against V8 on this machine (docs/benchmarks.md, "Numeric kernels").
//   npm run bench:kernels                         every kernel, full run
//   npm run bench:kernels -- --kernels dot,saxpy  a subset
//   npm run bench:kernels -- --quick              a short run (fewer copies, rounds and calls)
//   npm run bench:kernels -- --json out.json      also write the raw results
//   npm run bench:kernels -- --passes 2           passes over all kernels, samples pooled (default 1)
//   npm run bench:kernels -- --write-docs         update docs/benchmarks.md and docs/kernels.svg
// Progress goes to stderr, one line per kernel and phase; the table goes to stdout.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeDocs } from './kernel-chart.js';
import { formatTable } from './kernel-report.js';
import { mergePasses, summarizeSuite, type KernelRaw, type SuiteResults } from './kernel-results.js';
import { turbofanCompiles } from './kernel-turbofan.js';
import { selectKernels } from './kernels/index.js';
import { runtimeLabel } from './natives.js';

interface Options { kernels?: string; quick: boolean; json?: string; passes?: number; writeDocs: boolean }

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, writeDocs: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--kernels') options.kernels = value();
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = value();
    else if (arg === '--passes') {
      const passes = Number(value());
      if (!Number.isInteger(passes) || passes < 1) throw new Error('--passes takes a positive integer');
      options.passes = passes;
    } else if (arg === '--write-docs') options.writeDocs = true;
    else throw new Error(`unknown argument ${arg} (known: --kernels a,b --quick --json file --passes n --write-docs)`);
  }
  return options;
}

const CHILD = path.join(__dirname, 'kernel-child.js');
// A full run measures every kernel this many times (about 5 minutes a pass here); --passes n for more.
const DEFAULT_PASSES = 1;

function runChild(execArgv: string[], phase: string, kernel: string, out: string, quick: boolean): string {
  const args = [...execArgv, CHILD, phase, kernel, out, ...(quick ? ['--quick'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${phase} ${kernel} failed (status ${r.status}, signal ${r.signal})`);
  return r.stdout;
}

/** One pass over one kernel: the measuring process, then the --trace-opt process. */
function measureOnce(kernel: string, dir: string, quick: boolean): KernelRaw {
  const out = path.join(dir, `${kernel}.json`);
  runChild([], 'measure', kernel, out, quick);
  const raw = JSON.parse(readFileSync(out, 'utf8')) as KernelRaw;
  try {
    const trace = runChild(['--trace-opt'], 'turbofan', kernel, out, quick);
    const { names } = JSON.parse(readFileSync(out, 'utf8')) as { names: string[] };
    const compiles = turbofanCompiles(trace, names);
    for (const name of names) {
      const all = compiles.get(name) ?? [];
      const last = all.filter((c) => !c.osr).pop();
      if (last) raw.compile.turbofanMs.push(last.ms);
      if (all.length > 0) raw.compile.turbofanTotalMs.push(all.reduce((sum, c) => sum + c.ms, 0));
    }
    if (raw.compile.turbofanMs.length === 0) raw.errors.push('--trace-opt reported no TurboFan compile of the fresh copies');
  } catch (error) {
    raw.errors.push(`TurboFan compile time: ${(error as Error).message}`);
  }
  return raw;
}

function failedRaw(kernel: string, what: string, error: unknown): KernelRaw {
  return {
    name: kernel, what, known: [], sane: null, native: { available: false, reason: 'the measuring process failed' }, router: { tier: 'unknown', reason: '' },
    mismatches: [], firstCall: { plainMs: [], nativeMs: [] },
    steady: { plainNs: [], nativeNs: [], routerNs: [], batch: 0, turbofan: { reached: false, calls: 0, forced: false, stillAfter: false } },
    compile: { jitctlMs: [], planMs: [], lowerMs: [], engineMs: [], turbofanMs: [], turbofanTotalMs: [] },
    errors: [(error as Error).message ?? String(error)],
  };
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const passCount = options.passes ?? (options.quick ? 1 : DEFAULT_PASSES);
  const specs = selectKernels(options.kernels);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jitctl-kernels-'));
  const passes = new Map<string, KernelRaw[]>(specs.map((s) => [s.name, []]));
  const started = Date.now();
  try {
    // Pass by pass over all kernels, so that a kernel's samples are spread over the run's load.
    for (let pass = 1; pass <= passCount; pass++) {
      specs.forEach((spec, i) => {
        process.stderr.write(`[pass ${pass}/${passCount}, ${i + 1}/${specs.length}] ${spec.name}: ${spec.what}\n`);
        let raw: KernelRaw;
        try {
          raw = measureOnce(spec.name, dir, options.quick);
        } catch (error) {
          raw = failedRaw(spec.name, spec.what, error);
        }
        passes.get(spec.name)!.push(raw);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const results: SuiteResults = {
    runtime: runtimeLabel(), arch: process.arch, date: new Date().toISOString(), quick: options.quick, passes: passCount,
    kernels: specs.map((s) => mergePasses(passes.get(s.name)!)),
  };
  const summary = summarizeSuite(results);
  process.stdout.write(`${formatTable(results, summary)}\n`);
  process.stderr.write(`(${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  if (options.writeDocs) {
    const written = writeDocs(results);
    process.stderr.write(`wrote ${written.join(', ')}\n`);
  }
  const broken = summary.kernels.some((k) => k.problems.some((p) => p.startsWith('mismatch') || p.startsWith('known answer')));
  process.exitCode = broken ? 1 : 0;
}

main();
