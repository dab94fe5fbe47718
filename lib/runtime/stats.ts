// stats() hands out snapshots of the registry's records: deep copies, so that a caller may keep,
// sort or mutate them without touching what jitctl keeps. stats({ flat: true }) gives the same
// records with only scalar fields, for console.table. formatStats() (format.ts) renders them as text.

import { checkBooleanOptions } from '../describe.js';
import { copyAnalysis } from '../source/analyze.js';
import { allRecords } from './registry.js';
import { observeRecord } from './tierwatch.js';
import { hintName, type FunctionRecord, type NativeRecord, type ObservedTier, type SourceAnalysis, type Tier, type TierChange, type WarmupResult } from '../types.js';

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
  /**
   * The native tier's kernels (signatures compiled, declined and why), its calls, and which of the
   * kernel and V8's code the adaptive choice keeps; null when the tier is not native.
   */
  native: NativeRecord | null;
}

function copyNative(native: NativeRecord): NativeRecord {
  return { ...native, signatures: native.signatures.slice(), declined: native.declined.map((d) => ({ ...d })) };
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
    // The native tier counts its own calls; the profiler, when on, counts every call.
    calls: record.native && !record.profiled ? record.native.kernelCalls + record.native.fallbackCalls : record.calls,
    time,
    observedTier: record.observedTier,
    tierChanges: record.tierChanges.map((change) => ({ ...change })),
    deopts: record.deopts,
    compiles: record.compiles,
    pinned: record.pinned,
    warmup: { ...record.warmup },
    analysis: record.analysis ? copyAnalysis(record.analysis) : null,
    warnings: record.warnings.slice(),
    native: record.native ? copyNative(record.native) : null,
  };
}

/**
 * stats({ flat: true }): one row per hinted function with scalar fields only (counts instead of
 * lists, the warm-up's state instead of its object), so that console.table shows every cell.
 */
export interface FlatFunctionStats {
  id: number;
  name: string;
  hint: FunctionStats['hint'];
  tier: Tier;
  calls: number;
  /** Timed (sampled) calls and their times in nanoseconds; null when not profiled or not yet called. */
  timedCalls: number | null;
  minNs: number | null;
  avgNs: number | null;
  maxNs: number | null;
  observedTier: ObservedTier;
  tierChanges: number;
  deopts: number;
  compiles: number;
  pinned: boolean;
  warmup: WarmupResult['state'];
  warmupCalls: number;
  warmupMs: number;
  fallbacks: number;
  warnings: number;
  /** The native tier's adaptive choice, its measured speedup and kernel counts; null when the tier is not native. */
  nativeChoice: NativeRecord['choice'] | null;
  nativeSpeedup: number | null;
  nativeSignatures: number | null;
  nativeDeclined: number | null;
  kernelCalls: number | null;
  fallbackCalls: number | null;
}

/** What stats() accepts. */
export interface StatsOptions {
  /** Scalar fields only (FlatFunctionStats), for `console.table(stats({ flat: true }))`. */
  flat?: boolean;
}

/** The flat row of one stats() record. */
export function flatten(s: FunctionStats): FlatFunctionStats {
  return {
    id: s.id,
    name: s.name,
    hint: s.hint,
    tier: s.tier,
    calls: s.calls,
    timedCalls: s.time ? s.time.timedCalls : null,
    minNs: s.time ? s.time.minNs : null,
    avgNs: s.time ? s.time.avgNs : null,
    maxNs: s.time ? s.time.maxNs : null,
    observedTier: s.observedTier,
    tierChanges: s.tierChanges.length,
    deopts: s.deopts,
    compiles: s.compiles,
    pinned: s.pinned,
    warmup: s.warmup.state,
    warmupCalls: s.warmup.calls,
    warmupMs: s.warmup.ms,
    fallbacks: s.fallbacks.length,
    warnings: s.warnings.length,
    nativeChoice: s.native ? s.native.choice : null,
    nativeSpeedup: s.native ? s.native.speedup : null,
    nativeSignatures: s.native ? s.native.signatures.length : null,
    nativeDeclined: s.native ? s.native.declined.length : null,
    kernelCalls: s.native ? s.native.kernelCalls : null,
    fallbackCalls: s.native ? s.native.fallbackCalls : null,
  };
}

function checkStatsOptions(options: unknown): boolean {
  return checkBooleanOptions('stats', options, ['flat'] as const).flat === true;
}

/**
 * One record per hinted function, oldest first. Records stay after their function is garbage
 * collected, up to a bound (MAX_RECORDS, oldest and collected ones dropped first), so a hint
 * applied in a loop cannot grow memory without limit. With `{ flat: true }`, scalar rows for console.table.
 */
export function stats(options: StatsOptions & { flat: true }): FlatFunctionStats[];
export function stats(options?: StatsOptions & { flat?: false }): FunctionStats[];
export function stats(options: StatsOptions): FunctionStats[] | FlatFunctionStats[];
export function stats(options?: StatsOptions): FunctionStats[] | FlatFunctionStats[] {
  const flat = checkStatsOptions(options);
  const records = allRecords().map(snapshot);
  return flat ? records.map(flatten) : records;
}

