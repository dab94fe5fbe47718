// The profiler observes a hinted function; it never decides anything. It is only installed when
// profiling is on for that function (option `profile`, JITCTL_PROFILE=1 or configure({ profile: true })
// when the hint is applied); otherwise the strategy's function is returned as is and costs nothing.
//
// Every call is counted. Timing is sampled: one call in TIME_EVERY is timed, and tier changes
// are observed on those same calls. Reading a clock costs about 40-50 ns and a timed call needs two
// readings, so timing every call would cost more than the overhead budget (docs/decisions.md has
// the measurement). min/avg/max are therefore over the sampled calls.
//
// Async functions and generators are timed until they return their promise or iterator, not until
// they settle: waiting for settlement means attaching a handler to the caller's promise, which
// would mark a rejection as handled and silence an unhandled rejection the caller should see.

import { performance } from 'node:perf_hooks';
import { makeTierProbe } from '../v8/probes.js';
import { copyIdentity, forward } from '../wrap/forwarding.js';
import { compileWrapper, forwarding } from '../wrap/gated.js';
import { watchTier } from './tierwatch.js';
import type { AnyFunction, FunctionRecord } from '../types.js';

interface ProfileState {
  target: AnyFunction;
  record: FunctionRecord;
  mask: number;
  timed: (self: unknown, args: unknown[], newTarget: unknown, wrapper: AnyFunction) => unknown;
}

/** One call in TIME_EVERY is timed (a power of two; 1 times every call). */
export const TIME_EVERY = 16;

export const ASYNC_TIMING_NOTE = 'profiled time covers the synchronous part only (until the promise or iterator is returned)';

/**
 * Wraps `target` (what the strategy returned) so that calls are counted and sampled calls timed.
 * `original` is the user's function, whose tier is observed. `this`, arguments, return values and
 * exceptions pass through unchanged; a call with `new` constructs through `target` with `target` (or
 * a subclass's new.target) as new.target, so that the object is what `new original()` builds.
 */
export function profileFunction(target: AnyFunction, original: AnyFunction, record: FunctionRecord,
  timeEvery: number = TIME_EVERY): AnyFunction {
  if (!Number.isInteger(timeEvery) || timeEvery < 1 || (timeEvery & (timeEvery - 1)) !== 0) {
    throw new RangeError(`profileFunction: timeEvery must be a power of two, got ${timeEvery}`);
  }
  const mask = timeEvery - 1;
  record.profiled = true;
  const time = record.time ?? (record.time = { samples: 0, totalNs: 0, minNs: 0, maxNs: 0 });
  if (record.analysis?.async || record.analysis?.generator) {
    if (!record.warnings.includes(ASYNC_TIMING_NOTE)) record.warnings.push(ASYNC_TIMING_NOTE);
  }

  // Bound once: the safety checks on `original` run here, not on every observation.
  const probe = makeTierProbe(original);
  const timed = function (self: unknown, args: unknown[], newTarget: unknown, wrapper: AnyFunction): unknown {
    const start = performance.now();
    try {
      return forward(target, self, args, newTarget, wrapper);
    } finally {
      const ns = (performance.now() - start) * 1e6;
      if (time.samples === 0 || ns < time.minNs) time.minNs = ns;
      if (ns > time.maxNs) time.maxNs = ns;
      time.totalNs += ns;
      time.samples++;
      if (probe) watchTier(record, original, probe);
    }
  };
  const state: ProfileState = { target, record, mask, timed };
  // Compiled per profiled function (lib/wrap/gated.ts says why), with the function's own
  // parameters where its source allows: the untimed calls cost one small frame and a counter.
  const f = forwarding(record.analysis);
  const args = f.params === '...args' ? 'args' : `[${f.params}]`;
  const profiled = compileWrapper(String.raw`
    'use strict';
    const apply = Reflect.apply, construct = Reflect.construct;
    const fn = s.target, record = s.record, mask = s.mask, timed = s.timed;
    const wrapper = function (${f.params}) {
      // Calls 1, 1 + TIME_EVERY, ... are timed: even a function called once gets a time.
      if (((++record.calls - 1) & mask) !== 0) return new.target === undefined ? ${f.call} : ${f.construct};
      return timed(this, ${args}, new.target, wrapper);
    };
    return wrapper;`, state, (s) => {
    const shared = function (this: unknown, ...rest: unknown[]): unknown {
      if (((++s.record.calls - 1) & s.mask) !== 0) return forward(s.target, this, rest, new.target, shared);
      return s.timed(this, rest, new.target, shared);
    };
    return shared;
  });
  return copyIdentity(profiled, original);
}
