// jitctl's public surface: three hints, warm-up, statistics and the global switches.
// Everything not exported here is internal and may change.

import { createHint } from './hints/create.js';
import { runPendingWarmups, runPendingWarmupsAsync } from './runtime/warmup-queue.js';
import type { WarmupAsyncOptions, WarmupOptions, WarmupReport } from './runtime/warmup-queue.js';

/** Hot code: compile it early and as well as possible. */
export const jitFocus = createHint('focus');
/** Cold or side-effecting code: never optimize it (the function itself is returned, nothing runs per call). */
export const jitIgnore = createHint('ignore');
/** Polymorphic code: optimize it, but stop re-specializing after `maxDeopts` deopts. */
export const jitOnce = createHint('once');

/**
 * Runs every pending `when: 'manual'` warm-up (call it before a service takes traffic) and reports
 * what ran. With `budgetMs`, no warm-up starts past the budget; the rest stay pending (`report.pending`).
 */
export function warmup(options?: WarmupOptions): WarmupReport {
  return runPendingWarmups(options);
}

/**
 * warmup() without blocking the event loop: yields to it before each function and between slices
 * of one function's sample calls (`sliceMs`, 10 by default); `onProgress` after each function.
 */
export function warmupAsync(options?: WarmupAsyncOptions): Promise<WarmupReport> {
  return runPendingWarmupsAsync(options);
}

export { stats } from './runtime/stats.js';
export { formatStats } from './runtime/format.js';
export { configure } from './config.js';
export { explain, formatExplain } from './explain.js';

export type { FlatFunctionStats, FunctionStats, StatsOptions } from './runtime/stats.js';
export type { FormatStatsOptions } from './runtime/format.js';
export type { ExplainedUop, ExplainOptions, ExplainReport } from './explain.js';
export type { Config, Mode } from './config.js';
export type { OptionsArgument, JitHint, HintMethodDecorator, OptionsOf } from './hints/create.js';
export type { WarmupAsyncOptions, WarmupOptions, WarmupPendingEntry, WarmupProgress, WarmupReport, WarmupReportEntry } from './runtime/warmup-queue.js';
export type {
  Hint, HintOptions, JitOnceOptions, NativeDecline, NativeRecord, ObservedTier, SourceAnalysis, SourceFinding, Tier, TierChange, TierChoice, WarmupResult, WarmupWhen,
} from './types.js';
