// planKernel on what the kernel subset accepts: every function shape, statement and expression
// plans, and the IR has the expected shape (the relevant nodes, not a whole dump). Sources are
// strings where the position or the exact text matters, functions where the shape does.

import * as assert from 'node:assert/strict';
import { planKernel } from '../../lib/compiler/frontend/index.js';
import { nodesOf, planOf, positionIn, varId } from './helpers.js';
import { dot, fannkuch, KERNELS } from './kernels.js';

/* eslint-disable @typescript-eslint/no-unused-vars, no-var, prefer-const */

class Shapes {
  static scale(x: number, k: number): number { return x * k; }
  twice(x: number): number { return x + x; }
  #private(x: number): number { return -x; }
  static privateOf(): (x: number) => number { return new Shapes().#private; }
}

describe('planKernel: function shapes', () => {
  const shapes: Array<[string, (...args: never[]) => unknown, string, string[]]> = [
    ['a function expression', function named(a: number, b: number) { return a + b; }, 'named', ['a', 'b']],
    ['an arrow with an expression body', (x: number) => x * 2, '', ['x']],
    ['an arrow with a block body', (x: number) => { return x * 2; }, '', ['x']],
    ['an object method', { half(q: number) { return q / 2; } }.half, 'half', ['q']],
    ['a class method', Shapes.prototype.twice, 'twice', ['x']],
    ['a static method', Shapes.scale, 'scale', ['x', 'k']],
    ['a #private method', Shapes.privateOf(), '#private', ['x']],
  ];
  for (const [label, fn, name, params] of shapes) {
    it(`plans ${label}, named ${JSON.stringify(name)}, with its parameters`, () => {
      const plan = planOf(fn);
      assert.deepEqual([plan.name, plan.params], [name, params]);
    });
  }

  it('names an arrow by the name the function object has', () => {
    const half = (x: number): number => x / 2;
    assert.equal(planOf(half).name, 'half');
  });

  it('plans a function made by new Function', () => {
    assert.deepEqual(planOf(new Function('a', 'b', 'return a * b') as (a: number, b: number) => number).params, ['a', 'b']);
  });

  it('gives an arrow with an expression body one return of that expression', () => {
    const plan = planOf('(x) => x + 1');
    assert.equal(plan.ir.body.length, 1);
    const [ret] = plan.ir.body;
    assert.ok(ret.kind === 'return' && ret.value?.kind === 'binary' && ret.value.op === '+');
  });

  it('numbers parameters first, in order, as variables 0..n-1', () => {
    const plan = planOf('function f(a, b, c) { let t = a; return t + b + c; }');
    assert.deepEqual(plan.ir.params, [0, 1, 2]);
    assert.deepEqual(plan.ir.variables.slice(0, 3).map((v) => [v.name, v.declaredAs, v.paramIndex]),
      [['a', 'param', 0], ['b', 'param', 1], ['c', 'param', 2]]);
  });

  it('skips a "use strict" directive', () => {
    const plan = planOf('function f(a) { "use strict"; return a; }');
    assert.deepEqual(plan.ir.body.map((s) => s.kind), ['return']);
  });

  it('times the planning', () => {
    const plan = planOf('function f(a) { return a; }');
    assert.ok(plan.planMs >= 0 && Number.isFinite(plan.planMs));
  });
});

describe('planKernel: declarations and scopes', () => {
  it('makes one declare statement per declarator', () => {
    const plan = planOf('function f() { let a = 1, b = 2; const c = 3; return a + b + c; }');
    const declares = nodesOf(plan, 'declare');
    assert.deepEqual(declares.map((d) => plan.ir.variables[d.v].name), ['a', 'b', 'c']);
    assert.deepEqual(declares.map((d) => plan.ir.variables[d.v].declaredAs), ['let', 'let', 'const']);
  });

  it('marks `let x;` as starting undefined, with a declare without init', () => {
    const plan = planOf('function f() { let x; x = 1; return x; }');
    const [declare] = nodesOf(plan, 'declare');
    assert.equal(declare.init, null);
    assert.deepEqual([plan.ir.variables[declare.v].startsUndefined, plan.ir.variables[declare.v].assigned], [true, true]);
  });

  it('gives a shadowing let in a block its own variable', () => {
    const plan = planOf('function f() { let x = 1; { let x = 2; x++; } return x; }');
    const outer = varId(plan, 'x', 0), inner = varId(plan, 'x', 1);
    assert.notEqual(outer, inner);
    const [update] = nodesOf(plan, 'update');
    assert.deepEqual(update.target, { kind: 'var', v: inner });
    const ret = plan.ir.body[plan.ir.body.length - 1];
    assert.ok(ret.kind === 'return' && ret.value?.kind === 'var');
    assert.equal(ret.value.v, outer);
    assert.deepEqual([plan.ir.variables[outer].assigned, plan.ir.variables[inner].assigned], [false, true]);
  });

  it('lets a block see the enclosing block\'s names after their declaration', () => {
    const plan = planOf('function f(n) { const k = 2; if (n) { return k * n; } return k; }');
    const reads = nodesOf(plan, 'var').filter((e) => e.v === varId(plan, 'k'));
    assert.equal(reads.length, 2);
  });

  it('shares one variable among `var` redeclarations, each initializer a declare, marked assigned', () => {
    const plan = planOf('function f() { var x = 1; var x = 2; return x; }');
    assert.equal(plan.ir.variables.filter((v) => v.name === 'x').length, 1);
    const declares = nodesOf(plan, 'declare');
    assert.equal(declares.length, 2);
    assert.ok(declares.every((d) => d.v === varId(plan, 'x')));
    assert.equal(plan.ir.variables[varId(plan, 'x')].assigned, true);
  });

  it('scopes `var` to the function: a var in a block is read after it, and may be undefined', () => {
    const plan = planOf('function f(c) { if (c) { var x = 1; } return x; }');
    const x = plan.ir.variables[varId(plan, 'x')];
    assert.deepEqual([x.declaredAs, x.startsUndefined], ['var', true]);
  });

  it('treats a top-level `var x = e` with no earlier use as defined from the start, not assigned', () => {
    const plan = planOf('function f(a) { var n = a * 2; return n; }');
    const n = plan.ir.variables[varId(plan, 'n')];
    assert.deepEqual([n.startsUndefined, n.assigned], [false, false]);
  });

  it('keeps a var used before its top-level declaration as starting undefined', () => {
    const plan = planOf('function f(a) { let s = t; var t = a; return s; }');
    assert.equal(plan.ir.variables[varId(plan, 't')].startsUndefined, true);
  });

  it('keeps `var x;` without an initializer as starting undefined and emits nothing for it', () => {
    const plan = planOf('function f() { var x; return 1; }');
    assert.equal(plan.ir.variables[varId(plan, 'x')].startsUndefined, true);
    assert.equal(nodesOf(plan, 'declare').length, 0);
  });

  it('treats `for (var i = 0; ...)` at the top level as initialized before any use', () => {
    const plan = planOf('function f(n) { var s = 0; for (var i = 0; i < n; i++) s += i; return s + i; }');
    assert.equal(plan.ir.variables[varId(plan, 'i')].startsUndefined, false);
  });

  it('makes `var a = ...` on a parameter\'s name an assignment to the parameter', () => {
    const plan = planOf('function f(a) { var a = a + 1; return a; }');
    assert.equal(plan.ir.variables.length, 1);
    assert.equal(plan.ir.variables[0].assigned, true);
    assert.deepEqual(plan.numberParams, [0]);
  });

  it('lets locals shadow Math, NaN, Infinity and undefined', () => {
    const plan = planOf('function f(NaN) { let Math = 2, undefined = 3; var Infinity = 4; return Math + NaN + undefined + Infinity; }');
    assert.equal(nodesOf(plan, 'var').length, 4);
    assert.equal(plan.mathMembers.length, 0);
  });

  it('scopes a for loop\'s let to the loop, in the loop\'s init', () => {
    const plan = planOf('function f(n) { let i = 10; for (let i = 0; i < n; i++) {} return i; }');
    const [loop] = nodesOf(plan, 'loop');
    const inner = varId(plan, 'i', 1);
    assert.ok(loop.init.length === 1 && loop.init[0].kind === 'declare' && loop.init[0].v === inner);
    const ret = plan.ir.body[plan.ir.body.length - 1];
    assert.ok(ret.kind === 'return' && ret.value?.kind === 'var' && ret.value.v === varId(plan, 'i', 0));
  });
});

describe('planKernel: statements', () => {
  it('makes a for loop with init, test, update and body', () => {
    const plan = planOf('function f(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }');
    const [loop] = nodesOf(plan, 'loop');
    assert.deepEqual([loop.init.length, loop.test?.kind, loop.update?.kind, loop.body.kind, loop.testAfterBody, loop.labels],
      [1, 'binary', 'update', 'expression', false, []]);
  });

  it('makes `for (;;)` a loop without test or update, and an expression init an expression statement', () => {
    const plan = planOf('function f(n) { let i; for (i = 0;;) { if (i > n) break; i++; } return i; }');
    const [loop] = nodesOf(plan, 'loop');
    assert.deepEqual([loop.init.map((s) => s.kind), loop.test, loop.update], [['expression'], null, null]);
  });

  it('makes while a loop testing before the body, do-while one testing after', () => {
    const plan = planOf('function f(n) { while (n > 0) n--; do n++; while (n < 3); return n; }');
    const loops = nodesOf(plan, 'loop');
    assert.deepEqual(loops.map((l) => [l.testAfterBody, l.init.length, l.update]), [[false, 0, null], [true, 0, null]]);
  });

  it('makes if/else with both branches, and if without else with otherwise null', () => {
    const plan = planOf('function f(a) { if (a) a = 1; else a = 2; if (a > 1) a = 3; return a; }');
    const ifs = nodesOf(plan, 'if');
    assert.deepEqual(ifs.map((s) => [s.then.kind, s.otherwise?.kind ?? null]), [['expression', 'expression'], ['expression', null]]);
  });

  it('turns an empty statement body into an empty block', () => {
    const plan = planOf('function f(n) { for (let i = 0; i < n; i++); return n; }');
    const [loop] = nodesOf(plan, 'loop');
    assert.deepEqual([loop.body.kind, loop.body.kind === 'block' && loop.body.body.length], ['block', 0]);
  });

  it('keeps labels on loops and blocks, and labeled break and continue', () => {
    const source = 'function f(n) { let s = 0; outer: for (let i = 0; i < n; i++) { inner: for (let j = 0; j < n; j++) ' +
      '{ if (j > i) continue outer; if (s > 100) break outer; if (j === 3) break inner; s++; } } done: { if (s) break done; s = 1; } ' +
      'a: b: while (s < 0) { continue a; } return s; }';
    const plan = planOf(source);
    assert.deepEqual(nodesOf(plan, 'loop').map((l) => l.labels), [['outer'], ['inner'], ['a', 'b']]);
    assert.deepEqual(nodesOf(plan, 'block').filter((b) => b.labels.length > 0).map((b) => b.labels), [['done']]);
    assert.deepEqual([...nodesOf(plan, 'break'), ...nodesOf(plan, 'continue')].map((s) => `${s.kind} ${s.label}`).sort(),
      ['break done', 'break inner', 'break outer', 'continue a', 'continue outer']);
  });

  it('keeps unlabeled break and continue with label null', () => {
    const plan = planOf('function f(n) { while (true) { if (n > 5) break; n++; continue; } return n; }');
    assert.deepEqual([...nodesOf(plan, 'break'), ...nodesOf(plan, 'continue')].map((s) => s.label), [null, null]);
  });

  it('accepts `return;` in a function that never returns a value', () => {
    const plan = planOf('function f(a) { if (a.length === 0) return; a[0] = 1; }');
    assert.deepEqual(nodesOf(plan, 'return').map((r) => r.value), [null]);
  });

  const returnsEverywhere: Array<[string, string]> = [
    ['if/else that both return', 'function f(a) { if (a) { return 1; } else { return 2; } }'],
    ['for (;;) with a return inside', 'function f(a) { for (;;) { if (a > 9) return a; a++; } }'],
    ['while (true) whose break targets an inner loop', 'function f(a) { while (true) { for (;;) { break; } if (a) return 1; a++; } }'],
    ['do..while (true)', 'function f(a) { do { a++; if (a > 3) return a; } while (true); }'],
    ['while (1)', 'function f(a) { while (1) { if (a++ > 3) return a; } }'],
    ['while (!0), as Bun prints while (true)', 'function f(a) { while (!0) { if (a++ > 3) return a; } }'],
    ['a do-while whose body always returns', 'function f(a) { do { return a; } while (a); }'],
    ['a labeled infinite loop left only by a return', 'function f(a) { l: for (;;) { for (;;) { continue l; } } }'],
    ['a labeled block that returns', 'function f(a) { b: { return a; } }'],
    ['a return after a loop', 'function f(a) { for (let i = 0; i < 3; i++) { if (i) break; } return a; }'],
  ];
  for (const [label, source] of returnsEverywhere) {
    it(`accepts a value return on every path: ${label}`, () => {
      assert.ok(planKernel(source).ok, source);
    });
  }
});

describe('planKernel: expressions', () => {
  const exprOf = (body: string): ReturnType<typeof planOf> => planOf(`function f(x, y, a) { a[0] = 0; ${body} }`);

  it('makes number literals, booleans, undefined, NaN and Infinity constants', () => {
    const plan = exprOf('let p = 1.5, q = true, r = undefined, s = NaN, t = Infinity, u = false;');
    const inits = nodesOf(plan, 'declare').map((d) => d.init);
    assert.deepEqual(inits.map((e) => e?.kind), ['number', 'boolean', 'undefined', 'number', 'number', 'boolean']);
    assert.ok(inits[0]?.kind === 'number' && Object.is(inits[0].value, 1.5));
    assert.ok(inits[3]?.kind === 'number' && Number.isNaN(inits[3].value));
    assert.ok(inits[4]?.kind === 'number' && inits[4].value === Infinity);
  });

  it('reads `void 0` as undefined (how minifiers and Bun write it)', () => {
    const plan = exprOf('let p = void 0;');
    assert.deepEqual(nodesOf(plan, 'declare').map((d) => d.init?.kind), ['undefined']);
  });

  it('makes every unary, binary and logical operator of the subset', () => {
    const unary = ['-', '+', '!', '~'];
    const binary = ['+', '-', '*', '/', '%', '**', '|', '&', '^', '<<', '>>', '>>>', '<', '<=', '>', '>=', '===', '!==', '==', '!='];
    const logical = ['&&', '||', '??'];
    const plan = exprOf([...unary.map((op) => `${op}x;`), ...binary.map((op) => `x ${op} y;`), ...logical.map((op) => `x ${op} y;`)].join(' '));
    assert.deepEqual(nodesOf(plan, 'unary').map((e) => e.op), unary);
    assert.deepEqual(nodesOf(plan, 'binary').map((e) => e.op), binary);
    assert.deepEqual(nodesOf(plan, 'logical').map((e) => e.op), logical);
  });

  it('makes `=` and every compound assignment, with the operator without its `=`', () => {
    const ops = ['+', '-', '*', '/', '%', '**', '&', '|', '^', '<<', '>>', '>>>', '&&', '||', '??'];
    const plan = exprOf(['x = 1;', ...ops.map((op) => `x ${op}= y;`)].join(' '));
    const assigns = nodesOf(plan, 'assign').filter((e) => e.target.kind === 'var');
    assert.deepEqual(assigns.map((e) => e.op), ['=', ...ops]);
  });

  it('makes element loads, stores, compound stores and a.length', () => {
    const plan = exprOf('a[x] = a[x + 1] + a.length; a[y] += 2;');
    const stores = nodesOf(plan, 'assign').filter((e) => e.target.kind === 'element');
    assert.deepEqual(stores.map((e) => e.op), ['=', '=', '+']);
    assert.equal(nodesOf(plan, 'load').length, 1);
    assert.equal(nodesOf(plan, 'length').length, 1);
    const [load] = nodesOf(plan, 'load');
    assert.deepEqual([load.array, load.index.kind], [2, 'binary']);
  });

  it('makes prefix and postfix ++/-- on variables and elements', () => {
    const plan = exprOf('x++; --x; a[0]++; --a[y];');
    assert.deepEqual(nodesOf(plan, 'update').map((e) => [e.op, e.prefix, e.target.kind]),
      [['++', false, 'var'], ['--', true, 'var'], ['++', false, 'element'], ['--', true, 'element']]);
  });

  it('makes the conditional operator and the comma operator', () => {
    const plan = exprOf('let z = x ? y : 2; z = (x++, y++, x + y);');
    assert.equal(nodesOf(plan, 'conditional').length, 1);
    const [seq] = nodesOf(plan, 'sequence');
    assert.deepEqual(seq.exprs.map((e) => e.kind), ['update', 'update', 'binary']);
  });

  it('makes Math calls with their arguments and Math constants with the value Math has', () => {
    const plan = exprOf('return Math.sqrt(x) + Math.atan2(x, y) + Math.PI + Math.SQRT1_2 + Math.imul(x, y);');
    assert.deepEqual(nodesOf(plan, 'math').map((e) => [e.fn, e.args.length]), [['sqrt', 1], ['atan2', 2], ['imul', 2]]);
    assert.deepEqual(nodesOf(plan, 'mathConstant').map((e) => [e.name, e.value]), [['PI', Math.PI], ['SQRT1_2', Math.SQRT1_2]]);
    assert.deepEqual(plan.mathMembers, ['sqrt', 'atan2', 'PI', 'SQRT1_2', 'imul']);
  });

  it('accepts every Math function the engine has, at its arity', () => {
    const unary = ['abs', 'floor', 'ceil', 'round', 'trunc', 'sign', 'sqrt', 'fround', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan',
      'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'cbrt', 'clz32'];
    const binary = ['pow', 'atan2', 'imul'];
    const plan = exprOf([...unary.map((fn) => `Math.${fn}(x);`), ...binary.map((fn) => `Math.${fn}(x, y);`)].join(' '));
    assert.deepEqual(plan.mathMembers, [...unary, ...binary]);
  });

  it('accepts every Math constant', () => {
    const names = ['E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2'] as const;
    const plan = exprOf(names.map((c) => `x = Math.${c};`).join(' '));
    assert.deepEqual(nodesOf(plan, 'mathConstant').map((e) => [e.name, e.value]), names.map((c) => [c, Math[c]]));
  });

  it('accepts Math.min and Math.max with any count, Math.hypot with 0 to 2 arguments', () => {
    const plan = exprOf('Math.min(); Math.max(x); Math.min(x, y, 1, 2); Math.hypot(); Math.hypot(x); Math.hypot(x, y);');
    assert.deepEqual(nodesOf(plan, 'math').map((e) => [e.fn, e.args.length]),
      [['min', 0], ['max', 1], ['min', 4], ['hypot', 0], ['hypot', 1], ['hypot', 2]]);
  });

  it('gives every node its 1-based position in the function\'s text', () => {
    const source = 'function f(a, n) {\n  let s = 0;\n  for (let i = 0; i < n; i++) {\n    s += a[i];\n  }\n  return s;\n}';
    const plan = planOf(source);
    assert.deepEqual(nodesOf(plan, 'loop')[0].at, positionIn(source, 'for'));
    assert.deepEqual(nodesOf(plan, 'load')[0].at, positionIn(source, 'a[i]'));
    assert.deepEqual(nodesOf(plan, 'return')[0].at, positionIn(source, 'return'));
  });

  it('counts columns on the first line from the function\'s first character (the parser\'s wrapper undone)', () => {
    const plan = planOf('(a) => a[0] + a.length');
    assert.deepEqual(nodesOf(plan, 'length')[0].at, { line: 1, column: 15 });
  });
});

describe('planKernel: parameter kinds', () => {
  it('lists parameters indexed or measured as arrays, the others used as numbers, unused ones in neither', () => {
    const plan = planOf('function f(a, n, unused, b, k) { let s = k; for (let i = 0; i < n; i++) s += a[i]; return s + b.length; }');
    assert.deepEqual([plan.arrayParams, plan.numberParams], [[0, 3], [1, 4]]);
  });

  it('counts an assigned parameter as a number', () => {
    const plan = planOf('function f(n) { n = n | 0; return n; }');
    assert.deepEqual(plan.numberParams, [0]);
  });
});

describe('planKernel: the twenty benchmark kernels', () => {
  for (const kernel of KERNELS) {
    it(`plans ${kernel.name}`, () => {
      const plan = planOf(kernel.fn);
      assert.equal(plan.params.length, kernel.fn.length);
      assert.equal(plan.arrayParams.length + plan.numberParams.length, kernel.inputs().length);
    });
  }

  it('gives the dot product the IR of a counted loop summing products of two loads', () => {
    const plan = planOf(dot);
    const [, loop, ret] = plan.ir.body;
    assert.ok(loop.kind === 'loop' && loop.test?.kind === 'binary' && loop.body.kind === 'expression');
    assert.deepEqual([loop.test.op, loop.test.left.kind, loop.test.right.kind, loop.update?.kind], ['<', 'var', 'length', 'update']);
    const sum = loop.body.expr;
    assert.ok(sum.kind === 'assign' && sum.op === '+' && sum.value.kind === 'binary');
    assert.deepEqual([sum.target, sum.value.op, sum.value.left.kind, sum.value.right.kind],
      [{ kind: 'var', v: varId(plan, 'sum') }, '*', 'load', 'load']);
    assert.ok(ret.kind === 'return' && ret.value?.kind === 'var' && ret.value.v === varId(plan, 'sum'));
  });

  it('gives fannkuch its nested endless loops, left only by the return', () => {
    const plan = planOf(fannkuch);
    const loops = nodesOf(plan, 'loop');
    assert.deepEqual(loops.filter((l) => l.test === null || l.test.kind === 'boolean').length, 2);
    assert.deepEqual(nodesOf(plan, 'return').length, 1);
  });

  it('gives each kernel the array and number parameters its inputs have', () => {
    for (const kernel of KERNELS) {
      const plan = planOf(kernel.fn);
      const inputs = kernel.inputs();
      const arrays = inputs.flatMap((v, i) => (ArrayBuffer.isView(v) ? [i] : []));
      const numbers = inputs.flatMap((v, i) => (typeof v === 'number' ? [i] : []));
      assert.deepEqual([plan.arrayParams, plan.numberParams], [arrays, numbers], kernel.name);
    }
  });
});
