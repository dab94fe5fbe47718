// Per-call overhead of each hint against the bare function, with profiling off and on, measured
// in one run so that the ratios compare like with like; plus the profiler's two timing modes (every
// call timed vs one call in TIME_EVERY), which decided the profiler's design (docs/decisions.md).
// Run: npx tsc -p tsconfig.json && node dist/bench/overhead.js [--json]
// (each Node: tools/node-matrix.sh --with-system --run dist/bench/overhead.js)

import { performance } from 'node:perf_hooks';
import { configure, jitFocus, jitIgnore, jitOnce, stats } from '../lib/index.js';
import { profileFunction, TIME_EVERY } from '../lib/runtime/profiler.js';
import { createRecord } from '../lib/runtime/registry.js';
import type { AnyFunction } from '../lib/types.js';

const CALLS = 2_000_000;
const ROUNDS = 7;

let serial = 0;

/** A small kernel with its own source text, so that no two measured functions share V8 code or feedback. */
function kernel(): (a: number, b: number) => number {
  return new Function(`return function kernel${serial++}(a, b) { return (a * 3 + b) | 0; }`)() as (a: number, b: number) => number;
}

/** A calling loop of its own per function, so that every measurement has a monomorphic call site. */
function driver(): (f: AnyFunction, n: number) => number {
  return new Function('f', 'n', `let s = 0; for (let i = 0; i < n; i++) s = (s + f(i, s & 1023)) | 0; return s; /* ${serial++} */`) as never;
}

interface Row { name: string; nsPerCall: number; ratio: number; tier: string }

/** Nanoseconds per call of one round of CALLS calls through `loop`. */
function round(loop: (f: AnyFunction, n: number) => number, f: AnyFunction): number {
  const start = performance.now();
  loop(f, CALLS);
  return ((performance.now() - start) * 1e6) / CALLS;
}

function median(xs: number[]): number {
  const sorted = xs.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function tierOf(f: AnyFunction, fallback: string): string {
  const record = stats().filter((s) => s.name === f.name).pop();
  return record ? record.tier : fallback;
}

export function run(): Row[] {
  configure({ profile: false });
  const cases: Array<[string, () => AnyFunction]> = [
    ['bare function', () => kernel()],
    ['jitFocus', () => jitFocus(kernel())],
    ['jitFocus (samples)', () => jitFocus(kernel(), { samples: [[1, 2], [3, 4]] })],
    ['jitIgnore', () => jitIgnore(kernel())],
    ['jitOnce', () => jitOnce(kernel())],
    ['jitFocus, tier noop', () => jitFocus(kernel(), { tier: 'noop' })],
    ['jitFocus + profile', () => jitFocus(kernel(), { profile: true })],
    ['jitIgnore + profile', () => jitIgnore(kernel(), { profile: true })],
    ['jitOnce + profile', () => jitOnce(kernel(), { profile: true })],
    ['noop + profile (sampled 1/' + TIME_EVERY + ')', () => jitFocus(kernel(), { tier: 'noop', profile: true })],
    // The profiler's two designs on the same bare kernel: every call timed, or one in TIME_EVERY.
    ['profiler, every call timed', () => { const k = kernel(); return profileFunction(k, k, createRecord(k.name, 'focus'), 1); }],
    ['profiler, 1 call in 16 timed', () => { const k = kernel(); return profileFunction(k, k, createRecord(k.name, 'focus'), 16); }],
  ];
  // Rounds are interleaved (every case once per round) so that a burst of load on a shared
  // machine hits all cases alike instead of skewing the one measured at that moment.
  const measured = cases.map(([name, make]) => ({ name, f: make(), loop: driver(), ns: [] as number[] }));
  for (const m of measured) m.loop(m.f, CALLS); // warm-up: tier-up of the driver, the hint's own warm-up
  for (let r = 0; r < ROUNDS; r++) for (const m of measured) m.ns.push(round(m.loop, m.f));
  const bare = median(measured[0].ns);
  return measured.map((m) => ({
    name: m.name,
    nsPerCall: median(m.ns),
    ratio: median(m.ns) / bare,
    tier: m.name === 'bare function' || m.name.startsWith('profiler,') ? '-' : tierOf(m.f, '?'),
  }));
}

function print(rows: Row[]): void {
  const header = ['case', 'tier', 'ns/call', 'x bare'];
  const cells = rows.map((r) => [r.name, r.tier, r.nsPerCall.toFixed(2), r.ratio.toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(`Node ${process.versions.node} (V8 ${process.versions.v8}), ${CALLS} calls x ${ROUNDS} rounds, median`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
}

if (require.main === module) {
  const rows = run();
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else print(rows);
}
