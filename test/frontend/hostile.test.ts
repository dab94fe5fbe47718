// planKernel on input that is not a plain function: Proxies, bound and native functions, classes,
// accessors, values that are not functions, source acorn cannot parse, source nested deeply enough
// to overflow the stack, and functions whose toString or name lie. Each declines (or plans from the
// true source) and planKernel never throws.

import * as assert from 'node:assert/strict';
import { planKernel } from '../../lib/compiler/frontend/index.js';
import type { AnyFunction } from '../../lib/types.js';
import { declineOf } from './helpers.js';

function kernel(a: Float64Array): number { return a[0]; }

describe('planKernel: values with no source to compile', () => {
  const revocable = Proxy.revocable(kernel, {});
  revocable.revoke();
  const accessors = Object.getOwnPropertyDescriptor({ get size() { return 1; }, set size(v: number) { void v; } }, 'size')!;
  const cases: Array<[string, unknown, string]> = [
    ['a Proxy of a kernel', new Proxy(kernel, {}), 'a Proxy'],
    ['a revoked Proxy', revocable.proxy, 'a Proxy'],
    ['a Proxy whose traps throw', new Proxy(kernel, { get() { throw new Error('trap'); }, getOwnPropertyDescriptor() { throw new Error('trap'); } }), 'a Proxy'],
    ['a bound function', kernel.bind(null), 'a bound function'],
    ['a native function', Math.sqrt, 'a native function'],
    ['a class', class Kernel { run(): number { return 1; } }, 'a class'],
    ['a getter', accessors.get, 'a getter'],
    ['a setter', accessors.set, 'a setter'],
    ['a number', 42, 'a value of type number'],
    ['null', null, 'a value of type null'],
    ['undefined', undefined, 'a value of type undefined'],
    ['an object', { length: 1 }, 'a value of type object'],
  ];
  for (const [label, value, construct] of cases) {
    it(`declines ${label} as ${construct}`, () => {
      assert.equal(declineOf(value).construct, construct);
    });
  }

  it('gives a decline about a whole function position 1, 1 and a message without a position', () => {
    const decline = declineOf(kernel.bind(null));
    assert.deepEqual([decline.line, decline.column, decline.message],
      [1, 1, 'a bound function: a bound function has no source text to compile; pass the original function and its arguments']);
  });
});

describe('planKernel: source that cannot be planned', () => {
  const cases: Array<[string, string, string]> = [
    ['not JavaScript', 'this is not a function', 'the function\'s source'],
    ['an unterminated function', 'function f(a) { return a', 'the function\'s source'],
    ['an empty string', '', 'the function\'s source'],
    ['an expression that is not a function', '1 + 2', 'the function\'s source'],
  ];
  for (const [label, source, construct] of cases) {
    it(`declines ${label}`, () => {
      const decline = declineOf(source);
      assert.equal(decline.construct, construct);
      assert.match(decline.reason, /^it cannot be parsed/);
    });
  }

  const deep: Array<[string, string]> = [
    ['parentheses', `function f(a) { return ${'('.repeat(50000)}a${')'.repeat(50000)}; }`],
    ['blocks', `function f(a) { ${'{'.repeat(50000)}${'}'.repeat(50000)} return a; }`],
    ['unary operators', `function f(a) { return ${'-'.repeat(200000)}a; }`],
    ['a long operator chain', `function f(a) { return a${' + a'.repeat(200000)}; }`],
    ['nested conditionals', `function f(a) { return ${'a ? '.repeat(50000)}a${' : a'.repeat(50000)}; }`],
  ];
  for (const [label, source] of deep) {
    it(`returns a plan or a decline, never throws, for deeply nested ${label}`, () => {
      const result = planKernel(source);
      if (!result.ok) assert.equal(result.decline.reason, 'it is nested too deeply to analyze');
    });
  }

  it('declines nesting too deep to analyze with that reason', () => {
    const decline = declineOf(`function f(a) { return ${'('.repeat(100000)}a${')'.repeat(100000)}; }`);
    assert.deepEqual([decline.construct, decline.reason], ['the function\'s source', 'it is nested too deeply to analyze']);
  });
});

describe('planKernel: functions that lie about themselves', () => {
  it('reads the true source even when Function.prototype.toString is replaced', () => {
    const original = Function.prototype.toString;
    // eslint-disable-next-line no-extend-native
    Function.prototype.toString = function () { return 'function kernel(a) { return a.x; }'; };
    try {
      assert.equal(planKernel(kernel).ok, true);
    } finally {
      // eslint-disable-next-line no-extend-native
      Function.prototype.toString = original;
    }
  });

  it('reads the true source when the function has its own toString', () => {
    const fn = function k(a: Float64Array): number { return a[0]; };
    fn.toString = () => 'function k(a) { return a.x; }';
    assert.equal(planKernel(fn).ok, true);
  });

  it('never runs a `name` getter', () => {
    const fn = (a: number): number => a;
    let ran = false;
    Object.defineProperty(fn, 'name', { get() { ran = true; throw new Error('name'); } });
    const result = planKernel(fn);
    assert.deepEqual([result.ok, ran], [true, false]);
  });

  it('ignores options whose origin getter throws', () => {
    const options = { get origin(): never { throw new Error('origin'); } };
    assert.equal(planKernel('(a) => a.x', options).ok, false);
  });

  it('ignores an origin whose fields throw', () => {
    const origin = { line: 1, get column(): number { throw new Error('column'); } };
    const result = planKernel('(a) => a.x', { origin });
    assert.ok(!result.ok);
    assert.deepEqual([result.decline.line, result.decline.column], [1, 8]);
  });

  it('declines a string for being a string, whatever statement its text spells', () => {
    const decline = declineOf(new Function('a', 'return "with (a) {}"') as AnyFunction);
    assert.equal(decline.construct, '`"with (a) {}"` (a string)');
  });
});
