// Benchmarks observe V8 on their own: intrinsic wrappers compiled the way jitctl compiles its own
// (natives syntax on for the compile, then off), used only on plain functions the benchmark made.

// The same wrappers the tests use.
import { compileProbes } from '../test/helpers/intrinsic-probes.js';

const NAMES = [
  'ActiveTierIsTurbofan', 'ActiveTierIsMaglev', 'PrepareFunctionForOptimization', 'OptimizeFunctionOnNextCall',
  'OptimizeTurbofanEager',
] as const;

export const natives: Partial<Record<(typeof NAMES)[number] | 'OptimizeConcurrent', (fn: unknown) => unknown>> =
  compileProbes(NAMES, { OptimizeConcurrent: 'return %OptimizeFunctionOnNextCall(f, "concurrent")' });

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
