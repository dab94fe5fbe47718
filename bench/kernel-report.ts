// The kernel suite's results as text: the markdown table (stdout and docs/benchmarks.md), the
// geomeans, and what kept a kernel off the native tier or made its row suspect.

import { geomean, type SuiteResults, type SuiteSummary } from './kernel-results.js';
import { median, table } from './natives.js';

export function times(x: number | null): string {
  if (x === null) return 'n/a';
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

/** ns with three significant digits (a loop iteration takes from a fraction of a ns to a few hundred). */
export function ns(x: number | null): string {
  if (x === null) return 'n/a';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function ms(x: number | null): string {
  if (x === null) return 'n/a';
  if (x >= 10) return x.toFixed(1);
  if (x >= 0.1) return x.toFixed(2);
  return x.toFixed(3);
}

/** The table, one row per kernel and a geomean row. */
export function formatTable(results: SuiteResults, summary: SuiteSummary): string {
  const rows = summary.kernels.map((k) => [
    k.name,
    `${ms(k.firstCallPlainMs)} / ${ms(k.firstCallNativeMs)}`,
    `${times(k.firstCallSpeedup)} (${times(k.firstCallBound)})`,
    ms(k.plainNs === null ? null : k.plainNs / 1e6),
    times(k.nativeVsTurbofan),
    times(k.routerVsPlain),
    k.routerTier,
    `${ms(k.jitctlCompileMs)} / ${ms(k.turbofanCompileMs)} (${ms(k.turbofanTotalCompileMs)})`,
    `${ns(k.turbofanNsPerIteration)} / ${ns(k.nativeNsPerIteration)}`,
  ]);
  const g = summary.geomean;
  rows.push(['**geomean**', '', `${times(g.firstCallSpeedup)} (${times(g.firstCallBound)})`, '', times(g.nativeVsTurbofan), times(g.routerVsPlain), '', `${times(g.compileRatio)} (TurboFan time / jitctl time)`, '']);
  const header = [
    'kernel', 'first call ms: plain / jitctl', 'first-call speedup (bound)', 'TurboFan ms per call', 'steady: native vs TurboFan',
    'router vs plain', 'router tier', 'compile ms: jitctl / TurboFan (all TurboFan compiles)', 'ns per loop iteration: TurboFan / native',
  ];
  return [table(header, rows), '', ...notes(results, summary)].join('\n');
}

/** Kernels without a native kernel (grouped by reason) and rows with problems, as list items. */
export function notes(results: SuiteResults, summary: SuiteSummary): string[] {
  const lines: string[] = [];
  const byReason = new Map<string, string[]>();
  for (const k of summary.kernels) {
    if (k.nativeAvailable) continue;
    const reason = k.nativeReason ?? 'unknown reason';
    byReason.set(reason, [...(byReason.get(reason) ?? []), k.name]);
  }
  for (const [reason, names] of byReason) lines.push(`- native: not available: ${reason} (${names.join(', ')})`);
  for (const k of summary.kernels) for (const p of k.problems) lines.push(`- ${k.name}: ${p}`);
  // Said whatever else the notes say (a forced TurboFan compile is not a wrong result).
  const wrong = (p: string) => p.startsWith('mismatch') || p.startsWith('known answer') || p.startsWith('the bench result');
  if (summary.kernels.every((k) => k.nativeAvailable && !k.problems.some(wrong))) {
    lines.unshift('- every kernel compiled natively, and every native and router result matched the plain function bit for bit');
  }
  const bounded = summary.kernels.filter((k) => k.firstCallBound !== null);
  if (bounded.length > 0) {
    const reachable = bounded.filter((k) => k.firstCallBound! >= 10).map((k) => k.name);
    lines.push(`- first-call bound: the plain first call over the native kernel's steady call, the speedup a compile of no cost would give; ${reachable.length} of ${bounded.length} kernels have a bound of 10x or more${reachable.length ? ` (${reachable.join(', ')})` : ''}`);
  }
  const split = (pick: (r: SuiteResults['kernels'][number]) => number[]) => ms(geomean(results.kernels.map((k) => (pick(k).length ? median(pick(k)) : null))));
  if (results.kernels.some((k) => k.compile.jitctlMs.length > 0)) {
    lines.push(`- jitctl's compile time, split (geomean over kernels of the medians): plan ${split((k) => k.compile.planMs)} ms, lower ${split((k) => k.compile.lowerMs)} ms, engine ${split((k) => k.compile.engineMs)} ms`);
  }
  lines.push(`- ${results.runtime}, ${results.arch}, ${results.quick ? 'quick run' : 'full run'}, ${results.passes} pass${results.passes === 1 ? '' : 'es'}, ${results.date.slice(0, 16).replace('T', ' ')} UTC`);
  return lines;
}
