// Watching a hinted function between event-loop turns, with no wrapper around it: an unref'd timer
// looks at its tier (cheap %ActiveTierIs* probes) at growing intervals, records deopts, and lets the
// strategy act on what it sees (jitFocus re-optimizes after an early deopt, jitOnce pins after
// maxDeopts). The timer holds the function weakly: watching never keeps it alive, and never keeps
// the process alive either.
//
// What it cannot see: a deopt and a re-optimization between two looks, and anything during one
// synchronous burst of calls (timers run between turns). A service's requests arrive one turn at a
// time, which is what this is for; docs/decisions.md has the measurements.

import { makeTierProbe, observeTier } from '../v8/probes.js';
import { recordTier } from '../runtime/tierwatch.js';
import type { AnyFunction, FunctionRecord, ObservedTier } from '../types.js';

/**
 * Delays between looks, in milliseconds: the first look comes on the next turn, later ones further
 * apart; after the last, `forever` watchers keep looking once a second for a minute, then every
 * SLOW_DELAY ms for as long as the function lives (a look is a few %ActiveTierIs* checks and a
 * timer callback: about a microsecond).
 */
export const WATCH_DELAYS: readonly number[] = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** Looks at WATCH_DELAYS' last interval (1 s) after the schedule, before slowing to SLOW_DELAY. */
export const STEADY_LOOKS = 60;
/** The interval from then on: a process with 10,000 watched functions spends about 1 ms a second on them. */
export const SLOW_DELAY = 10_000;

function delayOf(step: number): number {
  if (step < WATCH_DELAYS.length) return WATCH_DELAYS[step];
  return step < WATCH_DELAYS.length + STEADY_LOOKS ? WATCH_DELAYS[WATCH_DELAYS.length - 1] : SLOW_DELAY;
}

export interface Watch {
  record: FunctionRecord;
  /** Called on each look with the tier seen and whether it was a deopt; false stops the watch. */
  onLook: (fn: AnyFunction, tier: ObservedTier, deopt: boolean) => boolean;
  /** Keep looking (every second, then every SLOW_DELAY ms) after the schedule ends instead of stopping. */
  forever: boolean;
}

/** Starts watching `fn` (when its tier can be observed at all). */
export function watchFunction(fn: AnyFunction, watch: Watch): void {
  // observeTier(target) on each look, not the probe bound to fn: that would hold fn strongly.
  if (!makeTierProbe(fn) || typeof WeakRef !== 'function' || typeof setTimeout !== 'function') return;
  const ref = new WeakRef(fn);
  let step = 0;
  const look = (): void => {
    const target = ref.deref();
    if (!target) return;
    let keep = false;
    try {
      const tier = observeTier(target);
      keep = watch.onLook(target, tier, recordTier(watch.record, tier));
    } catch {
      keep = false;
    }
    if (!keep) return;
    step++;
    if (step >= WATCH_DELAYS.length && !watch.forever) return;
    schedule(delayOf(step));
  };
  const schedule = (ms: number): void => {
    const timer = setTimeout(look, ms) as { unref?: () => void };
    if (typeof timer.unref === 'function') timer.unref();
  };
  // A hint may run near the stack limit (a function hinted while a deep recursion unwinds). A stack
  // overflow inside Node's setTimeout can leave its timer list counting a timer that never becomes
  // unref'd, which keeps the process alive for good: such a function is not watched.
  if (!hasStackHeadroom()) return;
  schedule(WATCH_DELAYS[0]);
}

/**
 * Frames the headroom probe goes down (about 10 us): with 256 the stack-limit test of
 * test/reliability.test.ts still hung, with 600 it did not.
 */
const HEADROOM_FRAMES = 1500;

function descend(depth: number, a: number, b: number, c: number): number {
  return depth === 0 ? a + b + c : descend(depth - 1, b, c, a + 1) + 1;
}

/** Whether the stack has room for a timer to be scheduled safely. */
function hasStackHeadroom(): boolean {
  try {
    return descend(HEADROOM_FRAMES, 1, 2, 3) > 0;
  } catch {
    return false;
  }
}
