// The jsc tier's effect on Bun, measured with JSC's own counters (bun:jsc numberOfDFGCompiles and
// reoptimizationRetryCount) and, second, with times. Each variant runs in a fresh child process of
// the same Bun, several rounds, so that no variant sees another's code or compiler threads.
//   bun dist/bench/jsc.js [rounds]       all cases, one line per round and a median summary
//   bun dist/bench/jsc.js --child C V    one case C with variant V (internal), prints JSON

import { spawnSync } from 'node:child_process';
import { jitFocus, jitIgnore, jitOnce, stats } from '../lib/index.js';
import { gatedWrapper } from '../lib/wrap/gated.js';

interface JscCounters { numberOfDFGCompiles(fn: unknown): number; reoptimizationRetryCount(fn: unknown): number }

const now = (): number => performance.now();
let ids = 0;
const fresh = <F>(params: string, body: string): F => new Function(params, `${body} /* jsc bench ${++ids} */`) as F;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Case = (variant: string, jsc: JscCounters) => Promise<Record<string, number | string | boolean>>;

const CASES: Record<string, { variants: string[]; run: Case }> = {
  // Raw JSC: after K calls, optimizeNextInvocation (or nothing), then calls until DFG code is
  // installed; 7 fresh functions per child, each driven by a fresh caller.
  request: {
    variants: ['0:none', '0:ask', '30:none', '30:ask', '40:none', '40:ask', '60:none', '60:ask'],
    async run(variant, jsc) {
      const [k, how] = variant.split(':');
      const K = Number(k);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const control = require('bun:jsc') as { optimizeNextInvocation(fn: unknown): void };
      const calls: number[] = [];
      for (let t = 0; t < 7; t++) {
        const f = fresh<(a: number, b: number) => number>('a, b', 'return a * b + 1');
        const drive = fresh<(f: (a: number, b: number) => number, K: number, ask: boolean, jsc: JscCounters, c: typeof control) => number>(
          'f, K, ask, jsc, c',
          'for (let i = 0; i < K; i++) f(i, 2); if (ask) c.optimizeNextInvocation(f); ' +
          'for (let i = 1; i <= 100000; i++) { f(i, 2); if (jsc.numberOfDFGCompiles(f) > 0) return K + i; } return -1');
        calls.push(drive(f, K, how === 'ask', jsc, control));
      }
      return { callsToDfg: calls.join(' '), median: median(calls) };
    },
  },
  // jitFocus: a loop-free kernel and a loop kernel, with samples (the default warmup of 20).
  focus: {
    variants: ['plain:add', 'focus:add', 'plain:sumsq', 'focus:sumsq'],
    async run(variant, jsc) {
      const [how, kernel] = variant.split(':');
      const fn = kernel === 'add'
        ? fresh<(a: number, b: number) => number>('a, b', 'return a * b + 1')
        : fresh<(xs: Float64Array) => number>('xs', 'let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i] * xs[i]; return s');
      const arg = kernel === 'add' ? [3, 4] : [new Float64Array(64).fill(1.5)];
      const f = fn as (...args: unknown[]) => number;
      const t0 = now();
      if (how === 'focus') jitFocus(f, { samples: [arg] });
      const hintMs = now() - t0;
      const record = stats().at(-1);
      const dfgAtHint = jsc.numberOfDFGCompiles(f);
      const caller = fresh<(f: (...a: unknown[]) => number, args: unknown[], n: number) => number>('f, args, n',
        'let s = 0; for (let i = 0; i < n; i++) s += f(...args); return s');
      const t1 = now();
      caller(f, arg, 100);
      const first100Us = (now() - t1) * 1000;
      let callsToDfg = 0;
      if (jsc.numberOfDFGCompiles(f) === 0) {
        for (callsToDfg = 1; callsToDfg <= 1_000_000 && jsc.numberOfDFGCompiles(f) === 0; callsToDfg++) f(...arg);
      }
      caller(f, arg, 100_000);
      const n = kernel === 'add' ? 2_000_000 : 200_000;
      const t2 = now();
      caller(f, arg, n);
      const steadyNs = ((now() - t2) * 1e6) / n;
      return { hintMs: +hintMs.toFixed(3), sampleCalls: how === 'focus' ? record?.warmup.calls ?? -1 : 0, dfgAtHint,
        callsToDfgAfter100: callsToDfg, first100Us: +first100Us.toFixed(1), steadyNs: +steadyNs.toFixed(2) };
    },
  },
  // What a jitFocus without samples would cost if it asked for DFG from a first-calls wrapper (the
  // v8 tier's): the wrapper once it only forwards, around a kernel called from an optimized loop.
  wrapper: {
    variants: ['plain', 'wrapped'],
    async run(variant) {
      const f = fresh<(a: number, b: number) => number>('a, b', 'return a * b + 1');
      const g = variant === 'wrapped' ? gatedWrapper({ fn: f, gated: false, before() { /* none */ }, after() { /* none */ } }) : f;
      const caller = fresh<(f: (a: number, b: number) => number, n: number) => number>('f, n', 'let s = 0; for (let i = 0; i < n; i++) s += f(i, 2); return s');
      caller(g, 200_000);
      const n = 5_000_000;
      const t = now();
      caller(g, n);
      return { nsPerCall: +(((now() - t) * 1e6) / n).toFixed(2) };
    },
  },
  // jitIgnore: the function's own compiles and the cost to an optimized caller that can no longer inline it.
  ignore: {
    variants: ['plain', 'ignore'],
    async run(variant, jsc) {
      const f = fresh<(a: number) => number>('a', 'return (a * 7) % 13');
      if (variant === 'ignore') jitIgnore(f);
      const caller = fresh<(f: (a: number) => number, n: number) => number>('f, n', 'let s = 0; for (let i = 0; i < n; i++) s += f(i); return s');
      caller(f, 200_000);
      const n = 5_000_000;
      const t = now();
      caller(f, n);
      const callerNs = ((now() - t) * 1e6) / n;
      return { ownDfgCompiles: jsc.numberOfDFGCompiles(f), ownRetries: jsc.reoptimizationRetryCount(f),
        callerDfgCompiles: jsc.numberOfDFGCompiles(caller), callerNsPerCall: +callerNs.toFixed(2) };
    },
  },
  // jitOnce: a function whose argument types change phase by phase; the program yields between
  // phases (as a server does between requests), which is when jitOnce's poll runs.
  once: {
    variants: ['plain', 'once:1', 'once:2', 'once:8'],
    async run(variant, jsc) {
      const f = fresh<(o: unknown) => number>('o',
        'let s = 0; for (let i = 0; i < 8; i++) s = (s + (typeof o === "object" && o !== null ? (o.a | 0) + i : (o == 1 ? 1 : 2))) | 0; return s');
      const phases: unknown[] = [1, 1.5, 'x', { a: 1 }, [1, 2], { b: 2, a: 1 }, null, true, { c: 1, a: 3 }, { a: 1 }];
      if (variant.startsWith('once')) jitOnce(f, { maxDeopts: Number(variant.split(':')[1]) });
      const trace: string[] = [];
      let busyMs = 0;
      for (const value of phases) {
        const t = now();
        for (let i = 0; i < 100_000; i++) f(value);
        busyMs += now() - t;
        trace.push(`${jsc.numberOfDFGCompiles(f)}/${jsc.reoptimizationRetryCount(f)}`);
        await sleep(120);
      }
      const t = now();
      for (let i = 0; i < 1_000_000; i++) f(phases[9]);
      const steadyNs = (now() - t) * 1e6 / 1_000_000;
      const record = stats().at(-1);
      return { trace: trace.join(' '), compiles: jsc.numberOfDFGCompiles(f), retries: jsc.reoptimizationRetryCount(f),
        pinned: variant === 'plain' ? false : record?.pinned ?? false, busyMs: +busyMs.toFixed(1), steadyNs: +steadyNs.toFixed(2) };
    },
  },
};

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function child(name: string, variant: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jsc = require('bun:jsc') as JscCounters;
  console.log(JSON.stringify(await CASES[name].run(variant, jsc)));
}

function main(): void {
  const rounds = Number(process.argv[2] ?? 5);
  const versions = process.versions as Record<string, string | undefined>;
  console.log(`Bun ${versions.bun ?? '?'} (JavaScriptCore), ${rounds} rounds, one child process per variant and round`);
  const only = process.argv[3];
  for (const [name, c] of Object.entries(CASES)) {
    if (only && name !== only) continue;
    const results: Record<string, Array<Record<string, number | string | boolean>>> = {};
    for (let r = 0; r < rounds; r++) {
      for (const variant of c.variants) {
        const out = spawnSync(process.execPath, [__filename, '--child', name, variant], { encoding: 'utf8', timeout: 120_000 });
        const line = out.stdout.trim().split('\n').at(-1) ?? '';
        let parsed: Record<string, number | string | boolean>;
        try { parsed = JSON.parse(line); } catch { parsed = { error: `${out.status} ${out.signal} ${out.stderr.slice(-200)}` }; }
        (results[variant] ??= []).push(parsed);
        console.log(`${name} ${variant} round ${r + 1}: ${JSON.stringify(parsed)}`);
      }
    }
    for (const [variant, rs] of Object.entries(results)) {
      const keys = Object.keys(rs[0]).filter((k) => typeof rs[0][k] === 'number');
      console.log(`median ${name} ${variant}: ${keys.map((k) => `${k} ${median(rs.map((x) => Number(x[k])))}`).join(', ')}`);
    }
  }
}

if (process.argv[2] === '--child') void child(process.argv[3], process.argv[4]);
else main();
