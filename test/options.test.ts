// Every hint option, good and bad. Errors name the hint and the option; wrong types are TypeErrors,
// values out of range RangeErrors.

import * as assert from 'node:assert/strict';
import { jitFocus, jitIgnore, jitOnce, warmup } from '../lib/index.js';
import type { HintOptions } from '../lib/index.js';
import { recordNamed } from './helpers/records.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const untyped = (options: unknown): any => options;

let serial = 0;
function fresh(name: string): (x: number) => number {
  return new Function(`return function ${name}(x) { return x + ${serial++} * 0; }`)() as (x: number) => number;
}

function rejects(options: unknown, errorClass: typeof TypeError | typeof RangeError, message: RegExp,
  hint: typeof jitFocus = jitFocus): void {
  assert.throws(() => hint(fresh('rejected'), untyped(options)), (error: unknown) =>
    error instanceof errorClass && message.test((error as Error).message));
}

describe('options: accepted values', () => {
  const good: Array<[string, HintOptions<[x: number]>]> = [
    ['no options', {}],
    ['samples', { samples: [[1], [2]] }],
    ['empty samples', { samples: [] }],
    ['warmup 0', { warmup: 0 }],
    ['warmup with samples', { samples: [[1]], warmup: 7 }],
    ["when 'decoration' with samples", { samples: [[1]], when: 'decoration' }],
    ["when 'first-call'", { when: 'first-call' }],
    ["when 'manual' with samples", { samples: [[1]], when: 'manual' }],
    ['profile true', { profile: true }],
    ['profile false', { profile: false }],
    ...(['auto', 'native', 'v8', 'warmup', 'noop'] as const).map((tier): [string, HintOptions<[x: number]>] => [`tier '${tier}'`, { tier }]),
    ['thisArg of any kind', { thisArg: 42 }],
  ];
  for (const [label, options] of good) {
    it(`accepts ${label}`, () => {
      assert.equal(jitFocus(fresh('accepted'), options)(3), 3);
    });
  }

  it('accepts maxDeopts on jitOnce', () => {
    assert.equal(jitOnce(fresh('onceAccepted'), { maxDeopts: 3 })(3), 3);
  });

  it('accepts maxDeopts 0 on jitOnce (pin at once)', () => {
    assert.equal(jitOnce(fresh('oncePinned'), { maxDeopts: 0 })(3), 3);
  });

  it('accepts an options object without a prototype', () => {
    const options = Object.assign(Object.create(null) as object, { profile: true }) as HintOptions<[x: number]>;
    assert.equal(jitFocus(fresh('nullProto'), options)(1), 1);
  });
});

describe('options: defaults and copies', () => {
  it("defaults 'when' to 'decoration' when samples are given", () => {
    jitFocus(fresh('whenDefaultSamples'), { samples: [[1]] });
    assert.equal(recordNamed('whenDefaultSamples').warmup.when, 'decoration');
  });

  it("defaults 'when' to 'first-call' without samples", () => {
    jitFocus(fresh('whenDefaultNone'));
    assert.equal(recordNamed('whenDefaultNone').warmup.when, 'first-call');
  });

  it('runs decoration warm-up with the samples as given at hint time, not as changed later', () => {
    const seen: number[] = [];
    const sample: [number] = [1];
    const fn = function samplesCopied(x: number): number { seen.push(x); return x; };
    jitFocus(fn, { samples: [sample], warmup: 1, when: 'manual', tier: 'warmup' });
    sample[0] = 99;
    warmup();
    assert.deepEqual(seen, [1]);
  });
});

describe('options: rejected values', () => {
  const bad: Array<[string, unknown, typeof TypeError | typeof RangeError, RegExp]> = [
    ['options that are a string', 'fast', TypeError, /^jitFocus: options must be an object, got "fast"/],
    ['options that are null', null, TypeError, /^jitFocus: options must be an object, got null/],
    ['samples that are not an array', { samples: 5 }, TypeError, /^jitFocus: option 'samples' must be an array of argument arrays/],
    ['samples that are a flat array', { samples: [1, 2] }, TypeError, /^jitFocus: option 'samples\[0\]' must be an array of arguments, got number 1/],
    ['a sample that is not an array', { samples: [[1], 'x'] }, TypeError, /^jitFocus: option 'samples\[1\]' must be an array of arguments/],
    ['a negative warmup', { warmup: -1 }, RangeError, /^jitFocus: option 'warmup' must be an integer from 0 to \d+, got -1/],
    ['a fractional warmup', { warmup: 1.5 }, RangeError, /^jitFocus: option 'warmup' must be an integer/],
    ['a NaN warmup', { warmup: NaN }, RangeError, /^jitFocus: option 'warmup' must be an integer/],
    ['an infinite warmup', { warmup: Infinity }, RangeError, /^jitFocus: option 'warmup' must be an integer/],
    ['a huge warmup', { warmup: 1e9 }, RangeError, /^jitFocus: option 'warmup' must be an integer from 0 to/],
    ['a string warmup', { warmup: '10' }, TypeError, /^jitFocus: option 'warmup' must be a non-negative integer, got "10"/],
    ['an unknown when', { when: 'later' }, RangeError, /^jitFocus: option 'when' must be one of 'decoration' \| 'first-call' \| 'manual', got "later"/],
    ['a non-string when', { when: 1 }, TypeError, /^jitFocus: option 'when' must be one of/],
    ["when 'decoration' without samples", { when: 'decoration' }, TypeError, /^jitFocus: option 'when' is 'decoration', which needs 'samples'/],
    ["when 'manual' without samples", { when: 'manual' }, TypeError, /^jitFocus: option 'when' is 'manual', which needs 'samples'/],
    ['a non-boolean profile', { profile: 1 }, TypeError, /^jitFocus: option 'profile' must be true or false, got number 1/],
    ['an unknown tier', { tier: 'fast' }, RangeError, /^jitFocus: option 'tier' must be one of 'auto' \| 'native' \| 'v8' \| 'jsc' \| 'warmup' \| 'noop', got "fast"/],
    ['a non-string tier', { tier: null }, TypeError, /^jitFocus: option 'tier' must be one of/],
    ['maxDeopts on jitFocus', { maxDeopts: 2 }, TypeError, /^jitFocus: option 'maxDeopts' applies to jitOnce only/],
    ['a misspelt key', { sample: [[1]] }, TypeError, /^jitFocus: unknown option 'sample' \(did you mean 'samples'\?\)/],
    ['a wrongly cased key', { maxdeopts: 1 }, TypeError, /^jitFocus: unknown option 'maxdeopts' \(did you mean 'maxDeopts'\?\)/],
    ['a key with a typo', { profle: true }, TypeError, /^jitFocus: unknown option 'profle' \(did you mean 'profile'\?\)/],
    ['an unrelated key', { color: 'red' }, TypeError, /^jitFocus: unknown option 'color'; known options: samples, warmup, when, maxDeopts, profile, tier, thisArg, name$/],
    ['a key named like a decorator context', { kind: 'method' }, TypeError, /^jitFocus: unknown option 'kind'/],
    ['a non-string name', { name: 42 }, TypeError, /^jitFocus: option 'name' must be a string, got number 42$/],
    ['an empty name', { name: '' }, RangeError, /^jitFocus: option 'name' must have 1 to 200 characters, not only spaces; got 0 characters$/],
    ['a name of spaces only', { name: '   ' }, RangeError, /^jitFocus: option 'name' must have 1 to 200 characters/],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, RangeError, /^jitFocus: option 'name' must have 1 to 200 characters, not only spaces; got 201 characters$/],
  ];
  for (const [label, options, errorClass, message] of bad) {
    it(`rejects ${label} with a ${errorClass.name}`, () => rejects(options, errorClass, message));
  }

  it('rejects maxDeopts on jitIgnore', () => rejects({ maxDeopts: 1 }, TypeError, /^jitIgnore: option 'maxDeopts' applies to jitOnce only/, jitIgnore));
  it('rejects a negative maxDeopts on jitOnce', () => rejects({ maxDeopts: -1 }, RangeError, /^jitOnce: option 'maxDeopts' must be an integer from 0 to/, jitOnce));
  it('rejects a fractional maxDeopts on jitOnce', () => rejects({ maxDeopts: 0.5 }, RangeError, /^jitOnce: option 'maxDeopts' must be an integer/, jitOnce));
  it('rejects a string maxDeopts on jitOnce', () => rejects({ maxDeopts: '3' }, TypeError, /^jitOnce: option 'maxDeopts' must be a non-negative integer/, jitOnce));
  it('rejects bad options given to the decorator factory', () => {
    assert.throws(() => jitOnce(untyped({ maxDeopts: -2 })), /^RangeError: jitOnce: option 'maxDeopts'/);
  });
});
