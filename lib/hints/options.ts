// Validation of the options every hint takes. Errors name the hint and the option, because a
// decorator's error surfaces at class definition, far from where a reader would look for it.

import { getConfig } from '../config.js';
import { describeValue } from '../describe.js';
import { hintName } from '../types.js';
import type { Hint, JitOnceOptions, NormalizedOptions, TierChoice, WarmupWhen } from '../types.js';

/** Warm-up calls when `warmup` is not given (see docs/decisions.md). */
export const DEFAULT_WARMUP_CALLS = 20;
/** jitOnce: deopts tolerated before the function is pinned (see docs/decisions.md). */
export const DEFAULT_MAX_DEOPTS = 8;
/** Upper bound on `warmup`: beyond this a warm-up is a benchmark, and most likely a typo. */
export const MAX_WARMUP_CALLS = 1_000_000;
/** Upper bound on `maxDeopts`: HotSpot stops recompiling at 400, Truffle at 100. */
export const MAX_MAX_DEOPTS = 10_000;

const WHENS: readonly WarmupWhen[] = ['decoration', 'first-call', 'manual'];
const TIERS: readonly TierChoice[] = ['auto', 'native', 'v8', 'jsc', 'warmup', 'noop'];
const OPTION_KEYS: readonly (keyof JitOnceOptions)[] = ['samples', 'warmup', 'when', 'maxDeopts', 'profile', 'tier', 'thisArg', 'name'];
/** Longest `name` option: a name is for reading in a report. */
export const MAX_NAME_LENGTH = 200;

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known key a misspelt one most likely meant, when the guess is obvious. */
function suggestKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const known of OPTION_KEYS) {
    const distance = known.toLowerCase() === lower ? 0 : editDistance(lower, known.toLowerCase());
    if (distance < bestDistance) { best = known; bestDistance = distance; }
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

function checkCount(prefix: string, key: string, value: unknown, max: number): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${prefix}: option '${key}' must be a non-negative integer, got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${prefix}: option '${key}' must be an integer from 0 to ${max}, got ${String(value)}`);
  }
  return value;
}

function checkOneOf<T extends string>(prefix: string, key: string, value: unknown, allowed: readonly T[]): T {
  const list = allowed.map((a) => `'${a}'`).join(' | ');
  if (typeof value !== 'string') {
    throw new TypeError(`${prefix}: option '${key}' must be one of ${list}, got ${describeValue(value)}`);
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`${prefix}: option '${key}' must be one of ${list}, got ${describeValue(value)}`);
  }
  return value as T;
}

function checkSamples(prefix: string, value: unknown): ReadonlyArray<ReadonlyArray<unknown>> {
  if (!Array.isArray(value)) {
    throw new TypeError(`${prefix}: option 'samples' must be an array of argument arrays, like [[1, 2]], got ${describeValue(value)}`);
  }
  // Copied (shallowly) and frozen: a caller reusing its arrays later must not change what warm-up calls with.
  const samples = value.map((args: unknown, index) => {
    if (!Array.isArray(args)) {
      throw new TypeError(`${prefix}: option 'samples[${index}]' must be an array of arguments, got ${describeValue(args)}`);
    }
    return Object.freeze(args.slice());
  });
  return Object.freeze(samples);
}

function checkName(prefix: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${prefix}: option 'name' must be a string, got ${describeValue(value)}`);
  if (value.trim() === '' || value.length > MAX_NAME_LENGTH) {
    throw new RangeError(`${prefix}: option 'name' must have 1 to ${MAX_NAME_LENGTH} characters, not only spaces; got ${value.length} characters`);
  }
  return value;
}

/**
 * Validates a hint's options and fills in the defaults. Throws a TypeError (wrong type, unknown
 * key) or RangeError (value out of range) that names the hint and the option.
 */
export function normalizeOptions(hint: Hint, options: unknown): NormalizedOptions {
  const prefix = hintName(hint);
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${prefix}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if ((OPTION_KEYS as readonly string[]).includes(key)) continue;
    const guess = suggestKey(key);
    throw new TypeError(`${prefix}: unknown option '${key}'${guess ? ` (did you mean '${guess}'?)` : ''}; ` +
      `known options: ${OPTION_KEYS.join(', ')}`);
  }
  const given = options as JitOnceOptions;
  const samples = given.samples === undefined ? Object.freeze([]) : checkSamples(prefix, given.samples);
  const warmup = given.warmup === undefined ? DEFAULT_WARMUP_CALLS : checkCount(prefix, 'warmup', given.warmup, MAX_WARMUP_CALLS);
  const when = given.when === undefined
    ? (samples.length > 0 ? 'decoration' : 'first-call')
    : checkOneOf(prefix, 'when', given.when, WHENS);
  if (when !== 'first-call' && samples.length === 0) {
    // Only the first real calls can give feedback without samples; an early warm-up would have nothing to call with.
    throw new TypeError(`${prefix}: option 'when' is '${when}', which needs 'samples' to call the function with; ` +
      `give samples or use when: 'first-call'`);
  }
  if (given.maxDeopts !== undefined && hint !== 'once') {
    throw new TypeError(`${prefix}: option 'maxDeopts' applies to jitOnce only`);
  }
  const maxDeopts = given.maxDeopts === undefined ? DEFAULT_MAX_DEOPTS : checkCount(prefix, 'maxDeopts', given.maxDeopts, MAX_MAX_DEOPTS);
  let profile = getConfig().profile;
  if (given.profile !== undefined) {
    if (typeof given.profile !== 'boolean') {
      throw new TypeError(`${prefix}: option 'profile' must be true or false, got ${describeValue(given.profile)}`);
    }
    profile = given.profile;
  }
  const tier = given.tier === undefined ? 'auto' : checkOneOf(prefix, 'tier', given.tier, TIERS);
  const name = given.name === undefined ? undefined : checkName(prefix, given.name);
  return Object.freeze({ samples, warmup, when, maxDeopts, profile, tier, thisArg: given.thisArg, name });
}
