// The three hints as plain wrappers: every accepted call form, what they return, and the TypeError
// for every call form they do not accept.

import * as assert from 'node:assert/strict';
import { configure, jitFocus, jitIgnore, jitOnce } from '../lib/index.js';
import type { Hint, JitHint } from '../lib/index.js';
import { countNamed, recordNamed } from './helpers/records.js';

// Typed as any hint: a union of the three hint types has no common call signature for TypeScript.
const HINTS: Readonly<Record<'jitFocus' | 'jitIgnore' | 'jitOnce', JitHint<Hint>>> = { jitFocus, jitIgnore, jitOnce };

// A fresh function with its own source text per call, so that no two tests share V8 code.
let serial = 0;
function freshAdd(name: string): (a: number, b: number) => number {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(`return function ${name}(a, b) { return a + b + ${serial++} * 0; }`)() as (a: number, b: number) => number;
}

// Anything that lets a test bypass the typings on purpose, to check the run-time guard behind them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const untyped = (hint: unknown): any => hint;

describe('hints as plain wrappers', () => {
  for (const [name, hint] of Object.entries(HINTS)) {
    describe(name, () => {
      it('hint(fn) returns a function computing the same results', () => {
        const wrapped = hint(freshAdd(`${name}Plain`));
        assert.equal(wrapped(2, 3), 5);
      });

      it('hint(fn, options) returns a function computing the same results', () => {
        const wrapped = hint(freshAdd(`${name}WithOptions`), { profile: true, tier: 'auto' });
        assert.equal(wrapped(4, 5), 9);
      });

      it('hint(fn, undefined) takes the default options', () => {
        const wrapped = hint(freshAdd(`${name}UndefinedOptions`), undefined);
        assert.equal(wrapped(1, 1), 2);
      });

      it("returns the function itself on the 'noop' tier", () => {
        const fn = freshAdd(`${name}Noop`);
        assert.equal(hint(fn, { tier: 'noop' }), fn);
      });

      it('records the function under its name with the hint', () => {
        hint(freshAdd(`${name}Recorded`));
        assert.equal(recordNamed(`${name}Recorded`).hint, name);
      });

      it("records an anonymous function as 'anonymous'", () => {
        const before = countNamed('anonymous');
        hint((() => (x: number) => x)());
        assert.equal(countNamed('anonymous'), before + 1);
      });

      it('passes `this` through to the function', () => {
        const holder = { factor: 3, times: hint(function times(this: { factor: number }, x: number) { return x * this.factor; }, { profile: true }) };
        assert.equal(holder.times(5), 15);
      });
    });
  }
});

describe('the name option names the record', () => {
  it('of an anonymous function, which is otherwise anonymous', () => {
    const before = countNamed('anonymous');
    jitFocus((x: number) => x, { name: 'plainNamedArrow', tier: 'noop' });
    jitIgnore((x: number) => x, { tier: 'noop' });
    assert.deepEqual([countNamed('plainNamedArrow'), countNamed('anonymous') - before], [1, 1]);
  });

  it("instead of the function's own name", () => {
    jitOnce(freshAdd('plainOwnName'), { name: 'plainGivenName' });
    assert.deepEqual([countNamed('plainGivenName'), countNamed('plainOwnName')], [1, 0]);
  });

  it('without changing the function', () => {
    const fn = freshAdd('plainKeepsName');
    const hinted = jitFocus(fn, { name: 'plainOtherName', tier: 'noop' });
    assert.deepEqual([hinted, hinted.name], [fn, 'plainKeepsName']);
  });
});

describe('jitIgnore returns the function itself', () => {
  it('when jitctl is off (configure({ mode: "off" }), as JITCTL=off)', () => {
    const fn = freshAdd('ignoredWhileOff');
    configure({ mode: 'off' });
    try {
      assert.equal(jitIgnore(fn), fn);
    } finally {
      configure({ mode: 'auto' });
    }
  });

  it('on the v8 tier, where it never-optimizes the function in place', function () {
    const fn = freshAdd('ignoredOnV8');
    const result = jitIgnore(fn, { tier: 'v8' });
    if (recordNamed('ignoredOnV8').tier !== 'v8') this.skip(); // a runtime without V8 intrinsics
    assert.equal(result, fn);
  });
});

describe('hints never break on unusual functions', () => {
  const unusual: Array<[string, () => (...args: never[]) => unknown, (f: (...args: never[]) => unknown) => unknown, unknown]> = [
    ['a bound function', () => freshAdd('boundTarget').bind(null, 1) as never, (f) => (f as (b: number) => number)(2), 3],
    ['a Proxy', () => new Proxy(freshAdd('proxied'), {}) as never, (f) => (f as (a: number, b: number) => number)(2, 2), 4],
    ['a Proxy whose get trap throws', () => new Proxy(freshAdd('hostile'), { get() { throw new Error('trap'); } }) as never,
      (f) => (f as (a: number, b: number) => number)(1, 2), 3],
    ['a native function', () => Math.max as never, (f) => (f as typeof Math.max)(1, 7), 7],
    ['an async function', () => (async function asyncHinted(x: number) { return x * 2; }) as never,
      (f) => (f as (x: number) => Promise<number>)(21), 42],
    ['a generator', () => (function* generatorHinted(n: number) { yield n; yield n + 1; }) as never,
      (f) => [...(f as (n: number) => Iterable<number>)(1)], [1, 2]],
  ];
  for (const [label, make, use, expected] of unusual) {
    for (const [name, hint] of Object.entries(HINTS)) {
      it(`${name} on ${label} keeps it working`, async () => {
        const wrapped = untyped(hint)(make(), { profile: true });
        assert.deepEqual(await use(wrapped), expected);
      });
    }
  }
});

describe('hints reject what they cannot hint', () => {
  for (const [name, hint] of Object.entries(HINTS)) {
    describe(name, () => {
      const bad: Array<[string, unknown[], RegExp]> = [
        ['a number', [42], /expects a function, an options object or a method to decorate, got number 42/],
        ['a string', ['add'], /expects a function.*got "add"/],
        ['null', [null], /expects a function.*got null/],
        ['undefined', [undefined], /expects a function.*got undefined/],
        ['an array', [[() => 1]], /expects a function.*got an array/],
        ['a class', [class Widget {}], /cannot be applied to a class \(Widget\)/],
        ['a class with options', [class Gadget {}, {}], /cannot be applied to a class \(Gadget\)/],
        ['a non-function with options', [42, {}], /expects a function as its first argument, got number 42/],
        ['options that are not an object', [() => 1, 5], /options must be an object, got number 5/],
        ['options that are an array', [() => 1, []], /options must be an object, got an array/],
        ['an extra third argument', [() => 1, {}, 3], /unsupported call with 3 argument\(s\)/],
        ['four arguments', [() => 1, {}, {}, {}], /unsupported call with 4 argument\(s\)/],
        ['a property key with a descriptor lacking a function', [{}, 'k', { value: 3 }], /'Object\.k', whose descriptor holds number 3/],
      ];
      for (const [label, args, message] of bad) {
        it(`throws a TypeError naming ${name} for ${label}`, () => {
          assert.throws(() => untyped(hint)(...args), (error: unknown) =>
            error instanceof TypeError && error.message.startsWith(name) && message.test(error.message));
        });
      }

      it('throws a TypeError when the decorator from hint(options) is called on a plain function', () => {
        assert.throws(() => untyped(hint)({})(() => 1), new RegExp(`^TypeError: ${name}\\(options\\) returns a method decorator`));
      });

      it('throws a TypeError when the decorator from hint() is used on a class', () => {
        assert.throws(() => untyped(hint)()(class Thing {}), /cannot be applied to a class \(Thing\)/);
      });

      it('rejects bad options at decoration time, before any method is seen', () => {
        assert.throws(() => untyped(hint)({ warmup: -1 }), RangeError);
      });
    });
  }
});
