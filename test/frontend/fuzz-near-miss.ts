// Near misses: an in-subset program with one construct the kernel subset declines (the "Declined"
// list of docs/native-engine.md's subset), put where the front end must find it. They must decline,
// at plan or at lower, with a reason: never compile, never throw. They are only planned and lowered,
// never run (some throw in JS: a TDZ read, an assignment to a const).

import type { Rng } from '../native/fuzz-programs.js';
import type { Program, Stmt } from './fuzz-ast.js';

export interface NearMiss {
  readonly name: string;
  /** The statement (or program change) that leaves the subset; undefined when the program has no place for it. */
  readonly apply: (p: Program, rng: Rng) => Program | undefined;
  /** acorn node types the construct adds (checked by the tests: the near miss really contains it). */
  readonly adds: readonly string[];
}

const arrayOf = (p: Program) => p.params.find((x) => x.kind === 'array')?.name;
const numberOf = (p: Program) => p.params.find((x) => x.kind === 'number')?.name;

/** The program with `stmts` inserted at a random place before its final return. */
function insert(p: Program, rng: Rng, ...stmts: Stmt[]): Program {
  const body = p.body.slice();
  const end = p.returnsValue ? body.length - 1 : body.length;
  body.splice(rng.int(Math.max(0, end) + 1), 0, ...stmts);
  return { ...p, body, shape: p.shape === 'arrowExpression' ? 'arrow' : p.shape };
}

const raw = (s: string): Stmt => ({ t: 'raw', s });
const statement = (name: string, s: string, adds: string[]): NearMiss => ({ name, apply: (p, r) => insert(p, r, raw(s)), adds });
const withArray = (name: string, make: (a: string) => string, adds: string[]): NearMiss => ({
  name,
  apply: (p, r) => {
    const a = arrayOf(p);
    return a === undefined ? undefined : insert(p, r, raw(make(a)));
  },
  adds,
});
const withNumber = (name: string, make: (n: string) => string, adds: string[]): NearMiss => ({
  name,
  apply: (p, r) => {
    const n = numberOf(p);
    return n === undefined ? undefined : insert(p, r, raw(make(n)));
  },
  adds,
});

export const NEAR_MISSES: readonly NearMiss[] = [
  withArray('a property read other than length', (a) => `let q0 = ${a}.byteLength;`, ['MemberExpression']),
  withNumber('a property read of a number', (n) => `let q0 = ${n}.x;`, ['MemberExpression']),
  statement('a string', 'let q0 = "s";', ['Literal']),
  statement('a template literal', 'let q0 = `t`;', ['TemplateLiteral']),
  statement('null', 'let q0 = null;', ['Literal']),
  statement('a BigInt', 'let q0 = 1n;', ['Literal']),
  statement('a regexp', 'let q0 = /r/;', ['Literal']),
  statement('an array literal', 'let q0 = [1, 2];', ['ArrayExpression']),
  statement('an object literal', 'let q0 = { x: 1 };', ['ObjectExpression']),
  statement('a call of a function other than Math', 'let q0 = parseInt(1);', ['CallExpression']),
  statement('new', 'let q0 = new Float64Array(2);', ['NewExpression']),
  statement('this', 'let q0 = this;', ['ThisExpression']),
  statement('arguments', 'let q0 = arguments.length;', ['MemberExpression']),
  statement('a free identifier', 'let q0 = outerValue + 1;', ['BinaryExpression']),
  statement('Math.random', 'let q0 = Math.random();', ['CallExpression']),
  statement('an unknown Math member', 'let q0 = Math.fma;', ['MemberExpression']),
  statement('Math.sqrt with two arguments', 'let q0 = Math.sqrt(4, 9);', ['CallExpression']),
  statement('Math.atan2 with one argument', 'let q0 = Math.atan2(1);', ['CallExpression']),
  statement('Math.hypot with three arguments', 'let q0 = Math.hypot(1, 2, 3);', ['CallExpression']),
  statement('a nested function', 'let q0 = function () { return 1; };', ['FunctionExpression']),
  statement('a nested arrow', 'const q0 = () => 1;', ['ArrowFunctionExpression']),
  statement('a nested class', 'class Q0 {}', ['ClassDeclaration']),
  statement('typeof', 'let q0 = typeof 1;', ['UnaryExpression']),
  withArray('delete', (a) => `delete ${a}[0];`, ['UnaryExpression']),
  // `void 0` is `undefined` as minifiers (and Bun) print it; `void` of anything else declines.
  statement('void', 'let q0 = void Math.PI;', ['UnaryExpression']),
  withArray('in', (a) => `let q0 = 0 in ${a};`, ['BinaryExpression']),
  withArray('instanceof', (a) => `let q0 = ${a} instanceof Float64Array;`, ['BinaryExpression']),
  withArray('spread', (a) => `let q0 = Math.max(...${a});`, ['SpreadElement']),
  withArray('optional chaining', (a) => `let q0 = ${a}?.[0];`, ['ChainExpression']),
  statement('switch', 'switch (1) { case 1: break; }', ['SwitchStatement']),
  statement('try', 'try { Math.abs(1); } catch (e) {}', ['TryStatement']),
  statement('throw', 'if (false) throw 1;', ['ThrowStatement']),
  withArray('for-of', (a) => `for (const q0 of ${a}) {}`, ['ForOfStatement']),
  withArray('for-in', (a) => `for (const q0 in ${a}) {}`, ['ForInStatement']),
  // Class bodies are strict code, where `with` is a syntax error.
  { name: 'with', apply: (p, r) => (p.shape === 'staticMethod' ? undefined : insert(p, r, raw('with (Math) {}'))), adds: ['WithStatement'] },
  statement('debugger', 'if (false) debugger;', ['DebuggerStatement']),
  withArray('array destructuring', (a) => `let [q0] = ${a};`, ['ArrayPattern']),
  withArray('object destructuring', (a) => `let { length: q0 } = ${a};`, ['ObjectPattern']),
  statement('a let read before its declaration', 'Math.abs(q0); let q0 = 1;', ['VariableDeclaration']),
  statement('an assignment to a const', 'const q0 = 1; q0 = 2;', ['AssignmentExpression']),
  statement('an assignment to NaN', 'NaN = 1;', ['AssignmentExpression']),
  statement('an assignment to undefined', 'undefined = 1;', ['AssignmentExpression']),
  statement('an assignment to Math', 'Math = 1;', ['AssignmentExpression']),
  statement('an assignment to a Math member', 'Math.PI = 3;', ['AssignmentExpression']),
  withArray('reassigning an array parameter', (a) => `${a} = ${a};`, ['AssignmentExpression']),
  withArray('an array used as a number', (a) => `let q0 = ${a} + 1;`, ['BinaryExpression']),
  withArray('an array as a value', (a) => `const q0 = ${a};`, ['VariableDeclaration']),
  withArray('an array as a condition', (a) => `if (${a}) { Math.abs(1); }`, ['IfStatement']),
  withArray('an array incremented', (a) => `${a}++;`, ['UpdateExpression']),
  withNumber('a number parameter used as an array', (n) => `let q0 = ${n}[0];`, ['MemberExpression']),
  withArray('=== on two maybe-undefined loads', (a) => `let q0 = ${a}[${a}.length - 1] === ${a}[${a}.length - 2];`, ['BinaryExpression']),
  withArray('?? on a maybe-undefined load', (a) => `let q0 = ${a}[${a}.length - 1] ?? 1;`, ['LogicalExpression']),
  withArray('&&= on an element (its old value may be undefined)', (a) => `${a}[${a}.length - 1] &&= 2;`, ['AssignmentExpression']),
  withArray('??= on an element (its old value may be undefined)', (a) => `${a}[${a}.length - 1] ??= 2;`, ['AssignmentExpression']),
  withArray('an index that may be undefined', (a) => `${a}[0] = ${a}[${a}[${a}.length - 1]];`, ['AssignmentExpression']),
  withArray('a boolean index', (a) => `let q0 = ${a}[1 < 2];`, ['MemberExpression']),
  statement('=== between a boolean and a number', 'let q0 = (1 < 2) === 1;', ['BinaryExpression']),
  statement('&& between a boolean and a number in a value', 'let q0 = (1 < 2) && 5;', ['LogicalExpression']),
  statement('a label on an expression statement', 'lbl0: Math.abs(1);', ['LabeledStatement']),
  {
    name: 'returning a maybe-undefined load',
    apply: (p, r) => (arrayOf(p) && p.returnsValue ? insert(p, r, raw(`if (${arrayOf(p)}.length > 2) return ${arrayOf(p)}[${arrayOf(p)}.length - 3];`)) : undefined),
    adds: ['ReturnStatement'],
  },
  {
    name: 'returning a boolean',
    apply: (p, r) => (p.returnsValue ? insert(p, r, raw('if (Math.PI > 3) return 1 < 2;')) : undefined),
    adds: ['ReturnStatement'],
  },
  {
    name: 'a return with a value in a function that falls off the end',
    apply: (p, r) => (p.returnsValue ? undefined : insert(p, r, raw('if (Math.PI > 3) return 1;'))),
    adds: ['ReturnStatement'],
  },
  {
    name: 'return; in a function that returns a value',
    apply: (p, r) => (p.returnsValue ? insert(p, r, raw('if (Math.PI > 4) return;')) : undefined),
    adds: ['ReturnStatement'],
  },
  { name: 'a default parameter', apply: (p) => header(p, (names) => [...names, 'q0 = 1']), adds: ['AssignmentPattern'] },
  { name: 'a rest parameter', apply: (p) => header(p, (names) => [...names, '...q0']), adds: ['RestElement'] },
  { name: 'a destructured parameter', apply: (p) => header(p, (names) => [...names, '[q0]']), adds: ['ArrayPattern'] },
  { name: 'an async function', apply: (p) => ({ ...p, shape: 'function', modifier: 'async' }), adds: [] },
  { name: 'a generator function', apply: (p) => ({ ...p, shape: 'function', modifier: 'generator' }), adds: [] },
];

function header(p: Program, edit: (names: string[]) => string[]): Program {
  return { ...p, header: edit(p.params.map((x) => x.name)).join(', '), shape: p.shape === 'arrowExpression' ? 'arrow' : p.shape };
}

/** A near miss of `base`: one construct from NEAR_MISSES, chosen by `rng` among those that fit. */
export function nearMissOf(base: Program, rng: Rng): { program: Program; name: string } {
  for (;;) {
    const miss = rng.pick(NEAR_MISSES);
    const program = miss.apply(base, rng);
    if (program) return { program, name: miss.name };
  }
}
