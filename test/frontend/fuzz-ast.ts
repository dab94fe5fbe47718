// The source fuzzer's own small syntax tree: what the generator builds, the minimizer shrinks and
// the printer turns into JavaScript. Every compound expression prints fully parenthesized, so that
// precedence never depends on the printer (`(-x) ** 2` stays valid, `??` never meets `||` bare).

export type ElementKindName =
  | 'Int8Array' | 'Uint8Array' | 'Uint8ClampedArray' | 'Int16Array' | 'Uint16Array'
  | 'Int32Array' | 'Uint32Array' | 'Float32Array' | 'Float64Array';

export const ELEMENT_KINDS: readonly ElementKindName[] = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
];

/** A parameter: a number (a loop bound when `bound`: the arguments keep it small) or a typed array. */
export type Param =
  | { readonly kind: 'number'; readonly name: string; readonly bound: boolean }
  | { readonly kind: 'array'; readonly name: string; readonly element: ElementKindName };

export type Target = { t: 'var'; name: string } | { t: 'load'; array: string; index: Expr };

export type Expr =
  | { t: 'num'; v: number }
  /** true, false, undefined, NaN, Infinity, Math.PI: printed as written. */
  | { t: 'word'; s: string }
  | { t: 'var'; name: string }
  | { t: 'len'; array: string }
  | { t: 'load'; array: string; index: Expr }
  | { t: 'unary'; op: string; a: Expr }
  | { t: 'binary'; op: string; a: Expr; b: Expr }
  | { t: 'cond'; c: Expr; a: Expr; b: Expr }
  | { t: 'call'; fn: string; args: Expr[] }
  | { t: 'assign'; op: string; target: Target; v: Expr }
  | { t: 'update'; op: '++' | '--'; prefix: boolean; target: Target }
  | { t: 'seq'; es: Expr[] }
  /** A near-miss's construct, as source. */
  | { t: 'raw'; s: string };

/** `for (init; counter <op> bound; update)`: the counter is never written in the body, so it ends. */
export interface ForLoop {
  t: 'for';
  label: string | null;
  counter: string;
  /** `let` in the init (a new variable), or an assignment to an outer one. */
  declare: boolean;
  init: Expr;
  op: '<' | '<=' | '>' | '>=';
  bound: Expr;
  /** The bound written first (`n > i` for `i < n`). */
  flipped: boolean;
  /** The counter's square is what the bound bounds (`i * i < n`). */
  squared: boolean;
  update: string;
  body: Stmt[];
}

/** `let g = 0; while (g++ < limit && cond) body` (or do-while): the guard in the test bounds it. */
export interface GuardedLoop {
  t: 'while';
  label: string | null;
  guard: string;
  limit: number;
  cond: Expr | null;
  doWhile: boolean;
  body: Stmt[];
}

export type Stmt =
  | { t: 'expr'; e: Expr }
  | { t: 'decl'; kw: 'let' | 'const' | 'var'; decls: Array<[string, Expr | null]> }
  | { t: 'if'; c: Expr; then: Stmt[]; otherwise: Stmt[] | null }
  | ForLoop
  | GuardedLoop
  | { t: 'break' | 'continue'; label: string | null }
  | { t: 'return'; e: Expr | null }
  | { t: 'block'; label: string | null; body: Stmt[] }
  | { t: 'empty' }
  | { t: 'raw'; s: string };

export type Shape = 'function' | 'arrow' | 'arrowExpression' | 'method' | 'staticMethod';

export interface Program {
  readonly shape: Shape;
  /** A near-miss's parameter list as written (defaults, rest, destructuring). */
  header?: string;
  /** A near-miss's `async` or generator function. */
  modifier?: 'async' | 'generator';
  params: Param[];
  body: Stmt[];
  /** Whether every path ends in `return <number>` (else no return has a value). */
  returnsValue: boolean;
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (Object.is(v, -0)) return '(-0)';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  return v < 0 ? `(${String(v)})` : String(v);
}

function target(x: Target): string {
  return x.t === 'var' ? x.name : `${x.array}[${expr(x.index)}]`;
}

export function expr(e: Expr): string {
  switch (e.t) {
    case 'num': return number(e.v);
    case 'word': case 'raw': return e.s;
    case 'var': return e.name;
    case 'len': return `${e.array}.length`;
    case 'load': return `${e.array}[${expr(e.index)}]`;
    case 'unary': return `(${e.op}${expr(e.a)})`;
    case 'binary': return `(${expr(e.a)} ${e.op} ${expr(e.b)})`;
    case 'cond': return `(${expr(e.c)} ? ${expr(e.a)} : ${expr(e.b)})`;
    case 'call': return `Math.${e.fn}(${e.args.map(expr).join(', ')})`;
    case 'assign': return `(${target(e.target)} ${e.op} ${expr(e.v)})`;
    case 'update': return e.prefix ? `(${e.op}${target(e.target)})` : `(${target(e.target)}${e.op})`;
    case 'seq': return `(${e.es.map(expr).join(', ')})`;
  }
}

function block(body: Stmt[], indent: string): string {
  return `{\n${body.map((s) => stmt(s, `${indent}  `)).join('')}${indent}}`;
}

function labeled(label: string | null): string {
  return label === null ? '' : `${label}: `;
}

export function stmt(s: Stmt, indent = '  '): string {
  const line = (text: string) => `${indent}${text}\n`;
  switch (s.t) {
    case 'expr': return line(`${expr(s.e)};`);
    case 'decl': return line(`${s.kw} ${s.decls.map(([n, v]) => (v === null ? n : `${n} = ${expr(v)}`)).join(', ')};`);
    case 'if': return line(`if (${expr(s.c)}) ${block(s.then, indent)}${s.otherwise ? ` else ${block(s.otherwise, indent)}` : ''}`);
    case 'for': {
      const counted = s.squared ? `${s.counter} * ${s.counter}` : s.counter;
      const test = s.flipped ? `${expr(s.bound)} ${flip(s.op)} ${counted}` : `${counted} ${s.op} ${expr(s.bound)}`;
      const init = `${s.declare ? 'let ' : ''}${s.counter} = ${expr(s.init)}`;
      return line(`${labeled(s.label)}for (${init}; ${test}; ${s.update}) ${block(s.body, indent)}`);
    }
    case 'while': {
      const test = `${s.guard}++ < ${s.limit}${s.cond ? ` && ${expr(s.cond)}` : ''}`;
      const loop = s.doWhile ? `do ${block(s.body, indent)} while (${test});` : `while (${test}) ${block(s.body, indent)}`;
      return line(`let ${s.guard} = 0;`) + line(`${labeled(s.label)}${loop}`);
    }
    case 'break': case 'continue': return line(`${s.t}${s.label ? ` ${s.label}` : ''};`);
    case 'return': return line(s.e ? `return ${expr(s.e)};` : 'return;');
    case 'block': return line(`${labeled(s.label)}${block(s.body, indent)}`);
    case 'empty': return line(';');
    case 'raw': return line(s.s);
  }
}

function flip(op: ForLoop['op']): string {
  return { '<': '>', '<=': '>=', '>': '<', '>=': '<=' }[op];
}

/**
 * The program as an expression that evaluates to the function (for indirect eval), e.g.
 * `(function f(a, n) {...})` or `({ m(a, n) {...} }).m`. `tag` is a comment that makes the text
 * (and so V8's function) distinct from other copies of the same program.
 */
export function source(p: Program, tag = ''): string {
  const params = p.header ?? p.params.map((x) => x.name).join(', ');
  const comment = tag ? ` /* ${tag} */` : '';
  if (p.shape === 'arrowExpression') {
    const ret = p.body[p.body.length - 1];
    if (p.body.length === 1 && ret.t === 'return' && ret.e) return `((${params}) => ${expr(ret.e)}${comment})`;
  }
  const body = `{\n${p.body.map((s) => stmt(s)).join('')}}`;
  switch (p.shape) {
    case 'arrow': case 'arrowExpression': return `((${params}) => ${body}${comment})`;
    case 'method': return `({ kernel(${params}) ${body}${comment} }).kernel`;
    case 'staticMethod': return `(class { static kernel(${params}) ${body}${comment} }).kernel`;
    case 'function': {
      const keyword = p.modifier === 'async' ? 'async function' : p.modifier === 'generator' ? 'function*' : 'function';
      return `(${keyword} kernel(${params}) ${body}${comment})`;
    }
  }
}
