// planKernel on what the kernel subset declines: each construct of the subset's "declined" list
// comes back as a Decline naming the construct at its position (computed here from the source
// text), with a reason and a fix; a representative set is checked word for word, and the message
// format with and without a file origin.

import * as assert from 'node:assert/strict';
import { planKernel } from '../../lib/compiler/frontend/index.js';
import { declineOf, positionIn } from './helpers.js';

/** [what, source, construct, the text the decline points at (its first occurrence, or [text, n])]. */
type Case = [string, string, string, string | [string, number]];

const CASES: Case[] = [
  ['a property read', 'function f(o) {\n  return o.x;\n}', '`o.x` (a property read)', 'o.x'],
  ['a property read of an expression', 'function f(a) { return (a + 1).x; }', '`(a + 1).x` (a property read)', '(a + 1).x'],
  ['a string', 'function f() { return "abc"; }', '`"abc"` (a string)', '"abc"'],
  ['a template literal', 'function f() { return `t`; }', '``t`` (a template literal)', '`t`'],
  ['null', 'function f() { return null; }', '`null`', 'null'],
  ['a BigInt', 'function f() { return 10n; }', '`10n` (a BigInt)', '10n'],
  ['a regular expression', 'function f() { return /a+/; }', '`/a+/` (a regular expression)', '/a+/'],
  ['an array literal', 'function f() { let a = [1, 2]; return 1; }', '`[1, 2]` (an array literal)', '[1, 2]'],
  ['an object literal', 'function f() { let o = { a: 1 }; return 1; }', '`{ a: 1 }` (an object literal)', '{ a: 1 }'],
  ['a call of a function', 'function f(x) { return g(x); }', 'a call of `g`', 'g(x)'],
  ['a call of a method', 'function f(a) { return a.at(0); }', 'a call of `a.at`', 'a.at(0)'],
  ['`new`', 'function f() { let a = new Float64Array(4); return 1; }', '`new Float64Array(4)` (`new`)', 'new'],
  ['this', 'function f() { return this.x; }', '`this`', 'this'],
  ['super', 'm() { return super.x; }', '`super`', 'super'],
  ['arguments', 'function f() { return arguments.length; }', '`arguments`', 'arguments'],
  ['a closure', 'function f(x) {\n  return x * k;\n}', '`k`', 'k;'],
  ['an indexed closure', 'function f(i) { return table[i]; }', '`table`', 'table'],
  ['a write to an outer variable', 'function f(x) { total = x; }', 'an assignment to `total`', 'total'],
  ['an assignment to Math', 'function f() { Math = 1; }', 'an assignment to `Math`', 'Math'],
  ['an assignment to NaN', 'function f() { NaN = 1; }', 'an assignment to `NaN`', 'NaN'],
  ['an assignment to Infinity', 'function f() { Infinity++; }', 'an assignment to `Infinity`', 'Infinity'],
  ['an assignment to undefined', 'function f() { undefined += 1; }', 'an assignment to `undefined`', 'undefined'],
  ['a nested function declaration', 'function f() { function g() {} return 1; }', 'a nested function', 'function g'],
  ['a nested function expression', 'function f() { let g = function () {}; return 1; }', 'a nested function', 'function ('],
  ['a nested arrow', 'function f() { let g = () => 1; return 1; }', 'a nested arrow function', '() =>'],
  ['a nested class', 'function f() { class A {} return 1; }', 'a nested class', 'class'],
  ['typeof', 'function f(x) { return typeof x; }', '`typeof x` (`typeof`)', 'typeof'],
  ['delete', 'function f(a) { delete a[0]; }', '`delete a[0]` (`delete`)', 'delete'],
  ['void', 'function f(x) { return void x; }', '`void x` (`void`)', 'void'],
  ['in', 'function f(a) { return 0 in a; }', '`0 in a` (`in`)', '0 in'],
  ['instanceof', 'function f(a, b) { return a instanceof b; }', '`a instanceof b` (`instanceof`)', 'a instanceof'],
  ['spread', 'function f(a) { return Math.max(...a); }', '`...a` (a spread)', '...a'],
  ['optional chaining', 'function f(a) { return a?.length; }', '`a?.length` (optional chaining)', 'a?.length'],
  ['switch', 'function f(x) { switch (x) { case 1: return 1; } return 0; }', '`switch`', 'switch'],
  ['try', 'function f(x) { try { x++; } catch (e) {} return x; }', '`try`', 'try'],
  ['throw', 'function f(x) { if (x) throw x; return 1; }', '`throw`', 'throw'],
  ['with', 'function f(x) { with (x) {} return 1; }', '`with`', 'with'],
  ['for-in', 'function f(a) { for (let k in a) {} return 1; }', '`for...in`', 'for'],
  ['for-of', 'function f(a) { for (const v of a) {} return 1; }', '`for...of`', 'for'],
  ['a generator', 'function* f() { yield 1; }', 'a generator function', 'function'],
  ['an async function', 'async function f() { await 1; }', 'an async function', 'async'],
  ['an async arrow', 'async (x) => x', 'an async function', 'async'],
  ['debugger', 'function f() { debugger; return 1; }', '`debugger`', 'debugger'],
  ['destructuring in a declaration', 'function f(a) { let [p, q] = a; return p; }', '`[p, q]` (destructuring)', '[p, q]'],
  ['destructuring of an object', 'function f(a) { const { x } = a; return x; }', '`{ x }` (destructuring)', '{ x }'],
  ['destructuring in an assignment', 'function f(p, q) { [p, q] = [q, p]; return p; }', '`[p, q]` (destructuring)', '[p, q] ='],
  ['a default parameter', 'function f(a, b = 2) { return a + b; }', '`b = 2` (a default parameter)', 'b = 2'],
  ['a rest parameter', 'function f(...xs) { return 1; }', '`...xs` (a rest parameter)', '...xs'],
  ['a destructured parameter', 'function f({ a }) { return a; }', '`{ a }` (destructuring)', '{ a }'],
  ['a read in the temporal dead zone', 'function f() {\n  let s = t + 1;\n  let t = 2;\n  return s;\n}', '`t`', 't + 1'],
  ['a let used in its own initializer', 'function f() { let t = t; return t; }', '`t`', 't;'],
  ['an assignment in the temporal dead zone', 'function f() { { c = 1; } const c = 2; return c; }', '`c`', 'c = 1'],
  ['an assignment to a const', 'function f() { const c = 1; c = 2; return c; }', '`c = 2`', 'c = 2'],
  ['an update of a const', 'function f() { const c = 1; c++; return c; }', '`c++`', 'c++'],
  ['reassigning a typed-array parameter', 'function f(a, b) { a[0] = 1; a = b; }', 'an assignment to `a`', 'a = b'],
  ['reassigning it before indexing it', 'function f(a, b) { a = b; a[0] = 1; }', 'an assignment to `a`', 'a = b'],
  ['a typed array used as a number', 'function f(a) { let s = a + 1; return s + a[0]; }', '`a`', 'a + 1'],
  ['a number indexed as an array', 'function f(n) { let s = n * 2; return s + n[0]; }', '`n`', 'n * 2'],
  ['an array copied', 'function f(a) { const b = a; return a.length; }', '`a`', 'a;'],
  ['an array tested', 'function f(arr) { if (arr) return arr[0]; return 0; }', '`arr`', ['arr)', 1]],
  ['an array returned', 'function f(a) { a[0] = 1; return a; }', '`a`', 'a;'],
  ['an array passed to Math', 'function f(a) { return Math.abs(a) + a[0]; }', '`a`', ['a)', 1]],
  ['a local indexed', 'function f() { let b = 0; return b[0]; }', '`b[0]`', 'b[0]'],
  ['a local with a length', 'function f() { let b = 0; return b.length; }', '`b.length`', 'b.length'],
  ['a property write', 'function f(a) { a.length = 0; }', '`a.length` (a property write)', 'a.length'],
  ['mixed returns', 'function f(x) {\n  if (x) return;\n  return 1;\n}', '`return;`', 'return;'],
  ['falling off the end', 'function f(x) {\n  if (x) return 1;\n}', 'the end of `f`', ['}', -1]],
  ['falling off the end after a loop with a break', 'function f(x) { while (true) { if (x) break; return 1; } }', 'the end of `f`', ['}', -1]],
  ['falling off the end after while (!1)', 'function f(x) { while (!1) { return 1; } }', 'the end of `f`', ['}', -1]],
  ['falling off the end of a labeled block left by break', 'function f(x) { b: { if (x) break b; return 1; } }', 'the end of `f`', ['}', -1]],
  ['a label on an if', 'function f(x) { l: if (x) x++; return x; }', '`l:` (a label on an if statement)', 'l:'],
  ['a label on an expression', 'function f(x) { l: x++; return x; }', '`l:` (a label on an expression statement)', 'l:'],
  ['Math.random', 'function f() { return Math.random(); }', 'a call of `Math.random`', 'Math.random'],
  ['a Math member that is not there', 'function f() { return Math.TAU; }', '`Math.TAU`', 'Math.TAU'],
  ['a Math function as a value', 'function f(x) { let g = Math.sqrt; return x; }', '`Math.sqrt` used as a value', 'Math.sqrt'],
  ['Math as a value', 'function f(x) { let m = Math; return x; }', '`Math` used as a value', 'Math'],
  ['a computed Math member', 'function f(x) { return Math["sqrt"](x); }', 'a call of `Math["sqrt"]`', 'Math'],
  ['a Math function with too few arguments', 'function f(x) { return Math.pow(x); }', '`Math.pow(x)` (1 argument)', 'Math.pow'],
  ['a Math function with too many arguments', 'function f(x) { return Math.sqrt(x, 1); }', '`Math.sqrt(x, 1)` (2 arguments)', 'Math.sqrt'],
  ['Math.hypot with three arguments', 'function f(x) { return Math.hypot(x, x, x); }', '`Math.hypot(x, x, x)` (3 arguments)', 'Math.hypot'],
  ['a getter', 'get size() { return 1; }', 'a getter', 'get'],
  ['a setter', 'set size(v) { }', 'a setter', 'set'],
  ['a class', 'class A { m() { return 1; } }', 'a class', 'class'],
  ['source that does not parse', 'function f(x) { return x +; }', 'the function\'s source', ';'],
];

describe('planKernel: each declined construct, with its position', () => {
  for (const [label, source, construct, marker] of CASES) {
    it(`declines ${label}: ${construct}`, () => {
      const decline = declineOf(source);
      const [text, occurrence] = typeof marker === 'string' ? [marker, 0] : marker;
      assert.deepEqual({ construct: decline.construct, line: decline.line, column: decline.column },
        { construct, ...positionIn(source, text, occurrence) });
      assert.ok(decline.reason.length > 0 && decline.fix.length > 0);
    });
  }
});

describe('planKernel: the words of a decline', () => {
  const exact: Array<[string, string, Partial<Record<'reason' | 'fix' | 'message', string>>]> = [
    ['a property read', 'function f(o) {\n  let s = 0;\n  return o.x;\n}', {
      reason: 'objects are outside the kernel subset',
      fix: 'pass numbers or typed arrays',
      message: '`o.x` (a property read) at line 3, column 10: objects are outside the kernel subset; pass numbers or typed arrays',
    }],
    ['a closure', 'function f(x) { return x * k; }', {
      message: '`k` at line 1, column 28: reads `k` from an outer scope; pass it as a parameter',
    }],
    ['a read in the dead zone', 'function f() { x = 1; let x; }', {
      reason: '`x` is used before its `let` declaration (in its temporal dead zone)',
      fix: 'declare `x` before its first use',
    }],
    ['an assignment to a const', 'function f() { const c = 1; c += 2; }', {
      reason: '`c` is a const and cannot be assigned',
      fix: 'declare `c` with `let`',
    }],
    ['an array used as a value', 'function f(a) { a[0] = 1; return a; }', {
      reason: '`a` is a typed-array parameter (it is indexed at line 1, column 17) and is used here as a value; a typed array is not a number',
      fix: 'use its elements (`a[i]`) or its length (`a.length`)',
    }],
    ['falling off the end', 'function f(x) { if (x) return 1; }', {
      message: 'the end of `f` at line 1, column 34: `f` returns a value at line 1, column 24 but can also reach its end, which returns undefined; end it with a `return` of a number',
    }],
    ['mixed returns', 'function f(x) { if (x) return; return 1; }', {
      reason: '`f` returns a value at line 1, column 32 and none here',
      fix: 'return a number on every path',
    }],
    ['a label on an if', 'function f(x) { l: if (x) x++; }', {
      reason: 'only loops and blocks can be labeled in a kernel',
      fix: 'label the loop or a block, or remove the label',
    }],
    ['Math arity', 'function f(x) { return Math.sqrt(); }', {
      reason: '`Math.sqrt` takes exactly 1 argument in a kernel',
      fix: 'pass exactly 1 argument',
    }],
    ['Math.random', 'function f() { return Math.random(); }', {
      reason: '`Math.random` is not one of the Math functions a kernel can call',
    }],
    ['a call', 'function f(x) { return g(x); }', {
      reason: 'calls are outside the kernel subset except calls of Math functions',
    }],
    ['switch', 'function f(x) { switch (x) {} }', { reason: '`switch` is outside the kernel subset', fix: 'use if/else' }],
  ];
  for (const [label, source, expected] of exact) {
    it(`says what ${label} breaks and how to fix it`, () => {
      const decline = declineOf(source);
      const seen = Object.fromEntries(Object.keys(expected).map((key) => [key, decline[key as keyof typeof expected]]));
      assert.deepEqual(seen, expected);
    });
  }

  it('composes the message from construct, position, reason and fix', () => {
    for (const [, source] of CASES) {
      const d = declineOf(source);
      assert.equal(d.message, `${d.construct} at line ${d.line}, column ${d.column}: ${d.reason}; ${d.fix}`);
    }
  });
});

describe('planKernel: file positions from an origin', () => {
  const source = 'function f(o) {\n  return o.x;\n}';

  it('moves lines by the origin\'s line and leaves columns after the first line alone', () => {
    const result = planKernel(source, { origin: { line: 10, column: 5 } });
    assert.ok(!result.ok);
    assert.deepEqual([result.decline.line, result.decline.column], [11, 10]);
    assert.match(result.decline.message, /^`o\.x` \(a property read\) at line 11, column 10: /);
  });

  it('moves first-line columns by the origin\'s column', () => {
    const result = planKernel('(a) => a.x', { origin: { line: 3, column: 20 } });
    assert.ok(!result.ok);
    assert.deepEqual([result.decline.line, result.decline.column], [3, 27]);
  });

  it('names the file as file:line:column when the origin has one', () => {
    const result = planKernel(source, { origin: { line: 11, column: 1, file: 'kernels.js' } });
    assert.ok(!result.ok);
    assert.equal(result.decline.message,
      '`o.x` (a property read) at kernels.js:12:10: objects are outside the kernel subset; pass numbers or typed arrays');
  });

  it('ignores an origin that is not a 1-based position', () => {
    for (const origin of [{ line: 0, column: 1 }, { line: 1.5, column: 1 }, { line: 2, column: -1 }, { line: NaN, column: 1 }]) {
      const result = planKernel(source, { origin });
      assert.ok(!result.ok);
      assert.deepEqual([result.decline.line, result.decline.column], [2, 10]);
    }
  });

  it('keeps the origin on the plan, for the lowering\'s declines', () => {
    const result = planKernel('(a) => a', { origin: { line: 4, column: 2, file: 'k.js' } });
    assert.ok(result.ok);
    assert.deepEqual(result.plan.origin, { line: 4, column: 2, file: 'k.js' });
  });
});
