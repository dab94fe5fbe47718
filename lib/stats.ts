// stats() hands out snapshots of the registry's records: deep copies, so that a caller may keep,
// sort or mutate them without touching what jitctl keeps. formatStats() renders them as a table.

import { hintName } from './options.js';
import { allRecords, droppedRecords, MAX_RECORDS } from './registry.js';
import { observeRecord } from './tierwatch.js';
import type { FunctionRecord, ObservedTier, SourceAnalysis, Tier, TierChange, WarmupResult } from './types.js';

/** What stats() reports for one hinted function. */
export interface FunctionStats {
  id: number;
  name: string;
  hint: 'jitFocus' | 'jitIgnore' | 'jitOnce';
  tier: Tier;
  /** Why the router picked this tier. */
  reason: string;
  /** Tiers tried first and why they were not used. */
  fallbacks: string[];
  /** Whether calls are counted and timed (option `profile`, JITCTL_PROFILE=1). */
  profiled: boolean;
  /** Calls counted by jitctl: every call when profiled, else only what the tier counts for itself. */
  calls: number;
  /** Timing of the sampled calls, in nanoseconds; null when not profiled or not yet called. */
  time: { timedCalls: number; minNs: number; avgNs: number; maxNs: number } | null;
  /** V8 tier last observed. */
  observedTier: ObservedTier;
  tierChanges: TierChange[];
  deopts: number;
  /** Optimizations jitctl requested. */
  compiles: number;
  /** jitOnce: no longer optimized after maxDeopts. */
  pinned: boolean;
  warmup: WarmupResult;
  /** Source analysis: parameters and the constructs that keep V8 from optimizing it. */
  analysis: SourceAnalysis | null;
  warnings: string[];
}

function copyAnalysis(analysis: SourceAnalysis | null): SourceAnalysis | null {
  if (!analysis) return null;
  return { ...analysis, params: analysis.params.slice(), defeats: analysis.defeats.map((d) => ({ ...d })) };
}

function snapshot(record: FunctionRecord): FunctionStats {
  observeRecord(record);
  const time = record.time && record.time.samples > 0
    ? {
      timedCalls: record.time.samples,
      minNs: record.time.minNs,
      avgNs: record.time.totalNs / record.time.samples,
      maxNs: record.time.maxNs,
    }
    : null;
  return {
    id: record.id,
    name: record.name,
    hint: hintName(record.hint) as FunctionStats['hint'],
    tier: record.tier,
    reason: record.reason,
    fallbacks: record.fallbacks.slice(),
    profiled: record.profiled,
    calls: record.calls,
    time,
    observedTier: record.observedTier,
    tierChanges: record.tierChanges.map((change) => ({ ...change })),
    deopts: record.deopts,
    compiles: record.compiles,
    pinned: record.pinned,
    warmup: { ...record.warmup },
    analysis: copyAnalysis(record.analysis),
    warnings: record.warnings.slice(),
  };
}

/**
 * One record per hinted function, oldest first. Records stay after their function is garbage
 * collected, up to a bound (MAX_RECORDS, oldest and collected ones dropped first), so a hint
 * applied in a loop cannot grow memory without limit.
 */
export function stats(): FunctionStats[] {
  return allRecords().map(snapshot);
}

function formatNs(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(1)} us`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(2)} ms`;
  return `${(ns / 1_000_000_000).toFixed(2)} s`;
}

function warmupCell(warmup: WarmupResult): string {
  switch (warmup.state) {
    case 'none': return '-';
    case 'pending': return `pending (${warmup.when})`;
    case 'done': return `${warmup.calls} calls, ${warmup.ms.toFixed(1)} ms`;
    case 'failed': return 'failed';
  }
}

function notesCell(s: FunctionStats): string {
  const notes = [s.reason, ...s.fallbacks.map((f) => `fallback ${f}`), ...s.warnings];
  if (s.warmup.state === 'failed' && s.warmup.error) notes.push(`warm-up failed: ${s.warmup.error}`);
  if (s.pinned) notes.push('pinned');
  return notes.filter(Boolean).join('; ');
}

interface Column { title: string; right?: boolean; cell(s: FunctionStats): string }

const COLUMNS: readonly Column[] = [
  { title: 'name', cell: (s) => s.name },
  { title: 'hint', cell: (s) => s.hint },
  { title: 'tier', cell: (s) => s.tier },
  { title: 'calls', right: true, cell: (s) => (s.profiled || s.calls > 0 ? String(s.calls) : '-') },
  { title: 'min', right: true, cell: (s) => (s.time ? formatNs(s.time.minNs) : '-') },
  { title: 'avg', right: true, cell: (s) => (s.time ? formatNs(s.time.avgNs) : '-') },
  { title: 'max', right: true, cell: (s) => (s.time ? formatNs(s.time.maxNs) : '-') },
  { title: 'observed', cell: (s) => s.observedTier },
  { title: 'changes', right: true, cell: (s) => String(s.tierChanges.length) },
  { title: 'deopts', right: true, cell: (s) => String(s.deopts) },
  { title: 'compiles', right: true, cell: (s) => String(s.compiles) },
  { title: 'warm-up', cell: (s) => warmupCell(s.warmup) },
  { title: 'notes', cell: notesCell },
];

/**
 * A readable, aligned text table of stats(): a header line, a rule, then one line per function.
 * Times are over the sampled (timed) calls; '-' means not measured.
 */
export function formatStats(records?: readonly FunctionStats[]): string {
  const listed = records ?? stats();
  const rows = listed.map((s) => COLUMNS.map((column) => column.cell(s).replace(/\s*\n\s*/g, ' ')));
  const widths = COLUMNS.map((column, i) => Math.max(column.title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]): string => cells
    .map((cell, i) => {
      if (i === cells.length - 1) return cell;
      return COLUMNS[i].right ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
    })
    .join('  ')
    .trimEnd();
  const out = [line(COLUMNS.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of rows) out.push(line(row));
  if (rows.length === 0) out.push('(no hinted functions)');
  const dropped = records === undefined ? droppedRecords() : 0;
  if (dropped > 0) out.push(`(${dropped} older records dropped; at most ${MAX_RECORDS} are kept)`);
  return out.join('\n');
}
