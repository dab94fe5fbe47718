// Observes a hinted function's V8 tier and turns changes into tier-change and deopt records. A drop
// from optimized code (Maglev or TurboFan) to a lower tier is a deopt: V8 has no deopt counter, so
// jitctl counts what it sees. It only sees what happens between two observations; a deopt and a
// re-optimization in between are one change, not two.

import { observeTier } from '../v8/probes.js';
import { onRecordDropped } from './registry.js';
import type { AnyFunction, FunctionRecord, ObservedTier } from '../types.js';

/** Tier changes kept per record; a function that churns forever must not grow its record forever. */
export const MAX_TIER_CHANGES = 64;

const OPTIMIZED: ReadonlySet<ObservedTier> = new Set<ObservedTier>(['maglev', 'turbofan']);

/** Whether `tier` is optimized code (Maglev or TurboFan). */
export function isOptimizedTier(tier: ObservedTier): boolean {
  return OPTIMIZED.has(tier);
}

/**
 * Records an observed tier in `record`; returns true when it is a deopt (from optimized code to a
 * lower tier). 'unknown' observations are ignored. `byJitctl`: jitctl itself deoptimized the
 * function (pinning it), which is a tier change but not a deopt V8 chose.
 */
export function recordTier(record: FunctionRecord, tier: ObservedTier, byJitctl = false): boolean {
  const from = record.observedTier;
  if (tier === from || tier === 'unknown') return false;
  record.observedTier = tier;
  if (from === 'unknown') return false;
  if (record.tierChanges.length >= MAX_TIER_CHANGES) record.tierChanges.shift();
  record.tierChanges.push({ from, to: tier, atCall: record.calls });
  const deopt = !byJitctl && isOptimizedTier(from) && !isOptimizedTier(tier);
  if (deopt) record.deopts++;
  return deopt;
}

/**
 * Observes `fn`'s tier (cheap %ActiveTierIs* checks, never %GetOptimizationStatus) and updates
 * record.observedTier, tierChanges and deopts. Returns true when this observation saw a deopt.
 * `probe` is a pre-checked tier probe for hot paths (makeTierProbe in lib/v8/probes.ts).
 */
export function watchTier(record: FunctionRecord, fn: AnyFunction, probe?: (() => ObservedTier) | null): boolean {
  return recordTier(record, probe ? probe() : observeTier(fn));
}

// The functions whose tier stats() looks at when it is asked (observeRecord), by record id, held
// weakly: a record never keeps its function alive. Entries go with their record or their function.
const tracked = new Map<number, WeakRef<AnyFunction>>();

onRecordDropped((record) => { tracked.delete(record.id); });

/** Lets stats() observe `fn`'s tier for `record` whenever it is asked (see observeRecord). */
export function trackFunction(record: FunctionRecord, fn: AnyFunction): void {
  if (typeof WeakRef !== 'function') return;
  tracked.set(record.id, new WeakRef(fn));
}

/**
 * Observes the tier of `record`'s function now (a few %ActiveTierIs* checks), so that what stats()
 * reports is what V8 runs at that moment, also for functions nothing wraps. Records deopts seen.
 */
export function observeRecord(record: FunctionRecord): void {
  const ref = tracked.get(record.id);
  if (!ref) return;
  const fn = ref.deref();
  if (!fn) {
    tracked.delete(record.id);
    return;
  }
  if (record.pinned) {
    recordTier(record, observeTier(fn), true);
    return;
  }
  recordTier(record, observeTier(fn));
}
