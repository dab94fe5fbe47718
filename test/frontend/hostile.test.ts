// planKernel on input that is not a plain function: Proxies, bound and native functions, classes,
// accessors, values that are not functions, source acorn cannot parse, source nested deeply enough
// to overflow the stack, and functions whose toString or name lie. Each declines (or plans from the
// true source) and planKernel never throws.

import * as assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { planKernel } from '../../lib/compiler/frontend/index.js';
import type { AnyFunction } from '../../lib/types.js';
import { declineOf, positionIn } from './helpers.js';
import { KERNELS } from './kernels.js';

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

describe('planKernel: damaged kernel sources', () => {
  // Every truncation and every one-character deletion of a few kernels: each plans or declines
  // (never throws), and a decline points inside the text it was given.
  const sources = KERNELS.slice(0, 6).map((k) => Function.prototype.toString.call(k.fn));
  for (const [n, source] of sources.entries()) {
    it(`never throws on damaged copies of ${KERNELS[n].name}`, () => {
      const variants: string[] = [];
      for (let i = 0; i < source.length; i++) variants.push(source.slice(0, i), source.slice(0, i) + source.slice(i + 1));
      const lines = source.split('\n').length;
      for (const variant of variants) {
        const result = planKernel(variant);
        if (result.ok) continue;
        const { line, column, message } = result.decline;
        assert.ok(Number.isInteger(line) && line >= 1 && line <= lines && Number.isInteger(column) && column >= 1, `${message}\n${variant}`);
      }
    });
  }
});

describe('planKernel: globals that a scope around the function binds', () => {
  /* eslint-disable @typescript-eslint/no-shadow */
  function withOuterMath(): (x: number) => number {
    const Math = { sqrt: (x: number): number => x + 1 };
    return (x: number) => x * 2 + Math.sqrt(x);
  }
  function withOuterNaN(NaN: number): (x: number) => number {
    return (x: number) => x + NaN;
  }
  function withOuterUndefined(): (a: Float64Array) => number {
    const undefined = 0;
    return (a: Float64Array) => (a[0] = undefined);
  }
  function withLocalMath(): (x: number) => number {
    const Math = 3;
    void Math;
    return (x: number) => { const Math = 2; return x + Math; };
  }
  /* eslint-enable @typescript-eslint/no-shadow */

  it('plans a kernel whose Math is the global one', () => {
    assert.equal(planKernel((x: number) => Math.sqrt(x)).ok, true);
  });

  it('declines a kernel of another realm that reads its globals, and plans one that reads none', () => {
    const foreign = runInNewContext('Math.sqrt = (x) => 42; (function f(x) { return Math.sqrt(x); })') as AnyFunction;
    const decline = declineOf(foreign);
    assert.match(decline.message, /^`Math` at line 1, column \d+: the function belongs to another realm/);
    assert.equal(planKernel(runInNewContext('(function g(x) { return x * 2; })') as AnyFunction).ok, true);
    const reparented = Object.setPrototypeOf((x: number) => Math.abs(x), null) as AnyFunction;
    assert.match(declineOf(reparented).reason, /another realm \(a vm context\) or its prototype was changed/);
  });

  const shadowed: Array<[string, AnyFunction, string]> = [
    ['an enclosing function\'s Math', withOuterMath(), 'Math'],
    ['an enclosing function\'s parameter named NaN', withOuterNaN(1), 'NaN'],
    ['an enclosing const named undefined', withOuterUndefined(), 'undefined'],
  ];
  for (const [label, fn, name] of shadowed) {
    it(`declines a kernel that reads ${label}, at the first read`, () => {
      const decline = declineOf(fn);
      const source = Function.prototype.toString.call(fn);
      assert.deepEqual([decline.construct, decline.reason, decline.line, decline.column],
        [`\`${name}\``, `reads \`${name}\` from an outer scope, where it is not the global one`,
          ...Object.values(positionIn(source, name))]);
    });
  }

  it('plans a kernel whose own local shadows an outer Math', () => {
    assert.equal(planKernel(withLocalMath()).ok, true);
  });

  it('plans the source text of such a kernel: text has no enclosing scopes', () => {
    assert.equal(planKernel(Function.prototype.toString.call(withOuterMath())).ok, true);
  });
});
