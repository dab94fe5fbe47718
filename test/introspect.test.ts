// Source analysis: every function shape parses, parameters and defeating constructs are found with
// their position, and what cannot be analyzed says why. analyze() is checked directly for the
// shapes a hint never sees (getters, classes), and through stats() for a hinted function.

import * as assert from 'node:assert/strict';
import { jitFocus } from '../lib/index.js';
import { analyze } from '../lib/source/analyze.js';
import { recordNamed } from './helpers/records.js';

/* eslint-disable prefer-rest-params, no-debugger, no-with, @typescript-eslint/no-implied-eval, no-eval */

class Base {
  describe(): string { return 'base'; }
}

class Sample extends Base {
  static staticMethod(a: number): number { return a; }
  #secret = 1;
  plain(a: number, b = 2, ...rest: number[]): number { return a + b + rest.length; }
  async asyncMethod(x: number): Promise<number> { return x; }
  *generatorMethod(n: number): Generator<number> { yield n; }
  async *asyncGeneratorMethod(n: number): AsyncGenerator<number> { yield n; }
  get size(): number { return this.#secret; }
  set size(value: number) { this.#secret = value; }
  #privateMethod(x: number): number { return x + this.#secret; }
  usesSuper(): string { return super.describe(); }
  static privateOf(s: Sample): (x: number) => number { return s.#privateMethod; }
}

function descriptorOf(name: string): PropertyDescriptor {
  return Object.getOwnPropertyDescriptor(Sample.prototype, name)!;
}

describe('analyze(): function shapes', () => {
  const shapes: Array<[string, unknown, { kind: string; async?: boolean; generator?: boolean; params?: string[] }]> = [
    ['a function declaration', function declared(a: number, b: number) { return a + b; }, { kind: 'function', params: ['a', 'b'] }],
    ['an arrow with an expression body', (x: number) => x * 2, { kind: 'arrow', params: ['x'] }],
    ['an async arrow', async (x: number) => x, { kind: 'arrow', async: true }],
    ['an async function', async function asyncFn() { return 1; }, { kind: 'function', async: true }],
    ['a generator function', function* gen() { yield 1; }, { kind: 'function', generator: true }],
    ['an async generator function', async function* agen() { yield 1; }, { kind: 'function', async: true, generator: true }],
    ['a method', Sample.prototype.plain, { kind: 'method', params: ['a', 'b', '...rest'] }],
    ['a static method', Sample.staticMethod, { kind: 'method', params: ['a'] }],
    ['an async method', Sample.prototype.asyncMethod, { kind: 'method', async: true }],
    ['a generator method', Sample.prototype.generatorMethod, { kind: 'method', generator: true }],
    ['an async generator method', Sample.prototype.asyncGeneratorMethod, { kind: 'method', async: true, generator: true }],
    ['a getter', descriptorOf('size').get, { kind: 'getter' }],
    ['a setter', descriptorOf('size').set, { kind: 'setter', params: ['value'] }],
    ['a #private method that reads a private field', Sample.privateOf(new Sample()), { kind: 'method', params: ['x'] }],
    ['a method using super', Sample.prototype.usesSuper, { kind: 'method' }],
    ['a class', Sample, { kind: 'class' }],
    ['an object literal method', { shorthand(q: number) { return q; } }.shorthand, { kind: 'method', params: ['q'] }],
    ['a function from new Function', new Function('a', 'b', 'return a'), { kind: 'function', params: ['a', 'b'] }],
    ['destructured parameters', ({ a }: { a: number }, [b]: number[]) => a + b, { kind: 'arrow', params: ['{ a }', '[b]'] }],
  ];
  for (const [label, fn, expected] of shapes) {
    it(`parses ${label}`, () => {
      const result = analyze(fn);
      const seen: Record<string, unknown> = { kind: result.kind };
      if (expected.async !== undefined) seen.async = result.async;
      if (expected.generator !== undefined) seen.generator = result.generator;
      if (expected.params !== undefined) seen.params = result.params;
      assert.deepEqual(seen, expected, result.reason);
    });
  }
});

describe('analyze(): constructs that defeat optimization', () => {
  const cases: Array<[string, unknown, Array<[string, number, number]>]> = [
    ['eval', new Function('x', 'return eval(x)'), [['eval', 3, 8]]],
    ['with', new Function('o', 'with (o) { return a; }'), [['with', 3, 1]]],
    ['arguments', new Function('return arguments.length'), [['arguments', 3, 8]]],
    ['debugger', new Function('debugger; return 1'), [['debugger', 3, 1]]],
    ['new Function', new Function('return new Function("return 1")'), [['new Function', 3, 8]]],
    ['Function()', new Function('return Function("return 1")'), [['Function()', 3, 8]]],
    ['several, in source order', new Function('debugger;\n  return eval(arguments[0]);'), [['debugger', 3, 1], ['eval', 4, 10], ['arguments', 4, 15]]],
    ['arguments inside an arrow (it is the enclosing function\'s)', new Function('return () => arguments[0]'), [['arguments', 3, 14]]],
    ['a construct on the first line of a method', { m() { debugger; } }.m, [['debugger', 1, 7]]],
  ];
  for (const [label, fn, expected] of cases) {
    it(`finds ${label} with line and column`, () => {
      assert.deepEqual(analyze(fn).defeats.map((d) => [d.construct, d.line, d.column]), expected);
    });
  }

  const clean: Array<[string, unknown]> = [
    ['arguments in a nested function (not this function\'s)', new Function('return function inner() { return arguments; }')],
    ['a property named arguments', new Function('o', 'return o.arguments + o.eval')],
    ['an object key named debugger', new Function('return { debugger: 1, with: 2 }')],
    ['a method call named eval', new Function('o', 'return o.eval("x")')],
    ['a label named arguments', new Function('arguments: for (;;) break arguments;')],
  ];
  for (const [label, fn] of clean) {
    it(`reports nothing for ${label}`, () => {
      assert.deepEqual(analyze(fn).defeats, []);
    });
  }
});

describe('analyze(): what cannot be analyzed', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['a native function', Math.max, /^native function/],
    ['a bound function', function boundMe() { return 1; }.bind(null), /^bound function/],
    ['a Proxy', new Proxy(() => 1, {}), /^Proxy/],
    ['a non-function', 42, /^not a function/],
    ['null', null, /^not a function/],
  ];
  for (const [label, value, reason] of cases) {
    it(`reports ${label} as not analyzable, with the reason`, () => {
      const result = analyze(value);
      assert.deepEqual([result.analyzable, reason.test(result.reason ?? '')], [false, true], result.reason);
    });
  }

  it('never throws, even on a function whose toString throws', () => {
    const revocable = Proxy.revocable(() => 1, {});
    revocable.revoke();
    assert.equal(analyze(revocable.proxy).analyzable, false);
  });
});

describe('analysis in stats()', () => {
  it('shows the parameters of a hinted function', () => {
    jitFocus(function introspectedParams(width: number, height = 1) { return width * height; }, { tier: 'noop' });
    assert.deepEqual(recordNamed('introspectedParams').analysis?.params, ['width', 'height']);
  });

  it('shows the constructs that defeat optimization, with their position', () => {
    jitFocus(new Function('x', 'return eval(x)') as (x: string) => unknown, { tier: 'noop' });
    assert.deepEqual(recordNamed('anonymous').analysis?.defeats, [{ construct: 'eval', line: 3, column: 8 }]);
  });
});
