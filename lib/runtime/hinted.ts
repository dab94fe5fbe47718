// What a hint returned, mapped back to the function it hinted and its samples: explain() and
// `jitctl explain` look through a hinted export to the user's own function. Weak both ways: a
// hinted function that is collected takes its entry with it.

import { tools } from '../source/realm.js';
import type { AnyFunction, FunctionRecord } from '../types.js';

export interface HintedFunction {
  /** The function the user wrote (what the hint was applied to). */
  readonly fn: AnyFunction;
  readonly samples: ReadonlyArray<ReadonlyArray<unknown>>;
  /** The record stats() shows it by (its name: the `name` option, `Class.method`). */
  readonly record: FunctionRecord;
}

// A map from the fresh realm (lib/source/realm.ts): a patched WeakMap.prototype cannot see or change it.
const hinted = tools.newWeakMap<AnyFunction, HintedFunction>();

/** Remembers that `result` is what a hint made of `fn` (also when it is `fn` itself). */
export function rememberHinted(result: AnyFunction, fn: AnyFunction, samples: ReadonlyArray<ReadonlyArray<unknown>>, record: FunctionRecord): void {
  if (result !== fn || !hinted.has(fn)) hinted.set(result, { fn, samples, record });
}

/** The hinted function behind `value` when a hint returned it, else undefined. */
export function hintedFunction(value: unknown): HintedFunction | undefined {
  return typeof value === 'function' ? hinted.get(value as AnyFunction) : undefined;
}
