// Benchmarks observe V8 on their own: intrinsic wrappers compiled the way jitctl compiles its own
// (natives syntax on for the compile, then off), used only on plain functions the benchmark made.

import * as v8 from 'node:v8';

type Probe = (fn: unknown, arg?: unknown) => unknown;

const NAMES = [
  'ActiveTierIsTurbofan', 'ActiveTierIsMaglev', 'PrepareFunctionForOptimization', 'OptimizeFunctionOnNextCall',
  'OptimizeTurbofanEager',
] as const;

function compile(): Partial<Record<(typeof NAMES)[number] | 'OptimizeConcurrent', Probe>> {
  const out: Partial<Record<(typeof NAMES)[number] | 'OptimizeConcurrent', Probe>> = {};
  let already = true;
  try { new Function(`return %IsTurbofanEnabled() /* bench probe ${Math.random()} */`); } catch { already = false; }
  if (!already) v8.setFlagsFromString('--allow-natives-syntax');
  try {
    for (const name of NAMES) {
      try { out[name] = new Function('f', `return %${name}(f) /* bench */`) as Probe; } catch { /* not on this V8 */ }
    }
    try { out.OptimizeConcurrent = new Function('f', 'return %OptimizeFunctionOnNextCall(f, "concurrent") /* bench */') as Probe; } catch { /* */ }
  } finally {
    if (!already) v8.setFlagsFromString('--no-allow-natives-syntax');
  }
  return out;
}

export const natives = compile();

export function isTurbofan(fn: unknown): boolean {
  return natives.ActiveTierIsTurbofan?.(fn) === true;
}

export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A markdown table. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function runtimeLabel(): string {
  return `Node ${process.version} (V8 ${process.versions.v8})`;
}
