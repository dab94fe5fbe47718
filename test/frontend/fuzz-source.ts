// The source fuzzer's generator: random JS functions in the kernel subset (docs/native-engine.md,
// "The source-level fuzzer"), from one 32-bit seed. The generator keeps each value's kind
// (number, boolean, or maybe undefined) so that what it makes is in the subset: a maybe-undefined
// value (an element load, `let x;`) is used only where ToNumber(undefined) = NaN is exact
// (arithmetic, Math, relational, bitwise, truthiness, stores), never in `===`, `??` or `return`.
//
// Every loop ends: a `for` counter is never written in its body (or its test) and moves towards a
// bound that does not change (a constant, a length, a parameter the arguments keep small); a
// `while`/`do` loop is bounded by a guard counter in its test, so `continue` cannot skip it.

import { Rng } from '../native/fuzz-programs.js';
import { ELEMENT_KINDS, type Expr, type Param, type Program, type Shape, type Stmt, type Target } from './fuzz-ast.js';
import {
  ARITHMETIC, BITWISE, COMPOUND, EQUALITY, FRACTION_CONSTANTS, INDEX_CONSTANTS, INT_CONSTANTS, MATH_1, MATH_2, MATH_CONSTANTS, RELATIONAL,
} from './fuzz-vocabulary.js';

export { MATH_FUNCTIONS } from './fuzz-vocabulary.js';

export type ValueKind = 'num' | 'maybe' | 'bool';

/** A variable in scope; 'hidden' while its own initializer is written (its TDZ). */
interface Var { name: string; kind: ValueKind | 'hidden'; mutable: boolean }

/** What the generator may use: the Math functions exact on this machine, and `**`. */
export interface GeneratorOptions {
  math: readonly string[];
  pow: boolean;
}

export class SourceGenerator {
  private readonly scopes: Var[][] = [[]];
  private readonly loops: Array<{ label: string | null; counter: string | null }> = [];
  private readonly blockLabels: string[] = [];
  private readonly frozen: string[] = [];
  private names = 0;
  private budget: number;
  private readonly params: Param[] = [];
  /** Whether returns carry a value (every path ends in `return <number>`) or none does. */
  private returnsValue = true;
  /** A parameter a narrowing loop's arithmetic went into (guardedLoop): the function often returns it. */
  private observed: string | null = null;
  /** Arithmetic over variables and literals made so far, written again now and then: the values the lowering shares (shared-values.ts). */
  private readonly repeatable: Array<{ e: Expr; names: readonly string[] }> = [];

  constructor(private readonly rng: Rng, private readonly options: GeneratorOptions) {
    this.budget = 6 + rng.int(20);
  }

  program(): Program {
    const r = this.rng;
    const arrays = r.int(4), numbers = r.int(4) + (arrays === 0 ? 1 : 0);
    const names = ['a', 'b', 'c'];
    for (let i = 0; i < arrays; i++) this.params.push({ kind: 'array', name: names[i], element: r.pick(ELEMENT_KINDS) });
    for (let i = 0; i < numbers; i++) {
      const bound = r.chance(0.4);
      this.params.push({ kind: 'number', name: ['n', 'x', 'y', 'z'][i], bound });
      this.scopes[0].push({ name: ['n', 'x', 'y', 'z'][i], kind: 'num', mutable: !bound });
    }
    if (r.chance(0.5)) this.shuffle(this.params);
    const returnsValue = r.chance(0.75);
    const shape: Shape = r.pick(['function', 'function', 'function', 'arrow', 'arrowExpression', 'method', 'staticMethod']);
    if (shape === 'arrowExpression' && returnsValue && r.chance(0.5)) {
      return { shape, params: this.params, body: [{ t: 'return', e: this.num(3) }], returnsValue };
    }
    this.returnsValue = returnsValue;
    const body = this.statements(3 + r.int(6));
    if (returnsValue) body.push({ t: 'return', e: this.observed && r.chance(0.6) ? { t: 'var', name: this.observed } : this.num(3) });
    return { shape: shape === 'arrowExpression' ? 'arrow' : shape, params: this.params, body, returnsValue };
  }

  private shuffle<T>(list: T[]): void {
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.names++}`;
  }

  private visible(): Var[] {
    const seen = new Set<string>(), out: Var[] = [];
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      for (let j = this.scopes[i].length - 1; j >= 0; j--) {
        const v = this.scopes[i][j];
        if (seen.has(v.name)) continue;
        seen.add(v.name);
        out.push(v);
      }
    }
    return out;
  }

  private vars(kind: ValueKind | 'any', writable = false): Var[] {
    return this.visible().filter((v) => (kind === 'any' || v.kind === kind) && (!writable || (v.mutable && !this.frozen.includes(v.name))));
  }

  private arrays(): string[] {
    return this.params.filter((p) => p.kind === 'array').map((p) => p.name);
  }

  private scoped<T>(fn: () => T, vars: Var[] = []): T {
    this.scopes.push(vars);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  // ---- expressions ------------------------------------------------------------------------------

  constant(): number {
    const r = this.rng;
    switch (r.int(4)) {
      case 0: return r.pick(INT_CONSTANTS);
      case 1: return r.pick(FRACTION_CONSTANTS);
      default: return r.int(21) - 4;
    }
  }

  /** A definitely-number expression. */
  num(depth: number): Expr {
    const r = this.rng;
    const leafy = depth <= 0 || r.chance(0.3);
    if (leafy) {
      const vars = this.vars('num'), arrays = this.arrays();
      const pick = r.int(6);
      if (pick <= 1 && vars.length) return { t: 'var', name: r.pick(vars).name };
      if (pick === 2 && arrays.length) return { t: 'len', array: r.pick(arrays) };
      if (pick === 3 && r.chance(0.3)) return r.chance(0.5) ? { t: 'word', s: `Math.${r.pick(MATH_CONSTANTS)}` } : { t: 'word', s: r.pick(['NaN', 'Infinity']) };
      return { t: 'num', v: this.constant() };
    }
    const d = depth - 1;
    if (r.chance(0.2)) {
      const visible = new Set(this.visible().filter((v) => v.kind === 'num' || v.kind === 'maybe').map((v) => v.name));
      const again = this.repeatable.filter((x) => x.names.every((name) => visible.has(name)));
      if (again.length) return (r.chance(0.5) ? again[again.length - 1] : r.pick(again)).e;
    }
    switch (r.int(16)) {
      case 0: return { t: 'unary', op: r.pick(['-', '+', '~', '-']), a: this.operand(d) };
      case 1: case 2: {
        const op = r.pick(ARITHMETIC);
        // A power-of-two divisor now and then: the exact int32 quotient a speculating kernel checks.
        const b: Expr = op === '/' && r.chance(0.3) ? { t: 'num', v: r.pick([2, 4, 8, 1024, 2 ** 30]) } : this.operand(d);
        return this.remember({ t: 'binary', op, a: this.operand(d), b });
      }
      case 3: return { t: 'binary', op: r.pick(BITWISE), a: this.operand(d), b: this.operand(d) };
      case 4: {
        // The exact int32 forms: (x + y) | 0, (x / y) | 0, (x % y) | 0.
        const inner: Expr = { t: 'binary', op: r.pick(['+', '-', '/', '%', '*']), a: this.operand(d), b: this.operand(d) };
        return { t: 'binary', op: r.pick(['|', '|', '>>>', '^']), a: inner, b: { t: 'num', v: 0 } };
      }
      case 5: case 6: return this.math(d);
      case 7: return { t: 'cond', c: this.condition(d), a: this.num(d), b: this.num(d) };
      case 8: return { t: 'binary', op: r.pick(['&&', '||', '??']), a: this.num(d), b: this.num(d) };
      case 9: {
        const target = this.target('num', d);
        if (target) return { t: 'assign', op: r.pick(COMPOUND), target, v: this.operand(d) };
        return this.num(d);
      }
      case 10: {
        const target = this.target('num', d, true);
        if (target) return { t: 'update', op: r.pick(['++', '--']), prefix: r.chance(0.5), target };
        return this.num(d);
      }
      case 11: {
        const target = this.target('num', d);
        if (target && target.t === 'var') return { t: 'assign', op: '=', target, v: this.num(d) };
        if (target) return { t: 'assign', op: '=', target, v: this.num(d) };
        return this.num(d);
      }
      case 12: return { t: 'unary', op: '+', a: this.bool(d) };
      case 13: return { t: 'seq', es: [this.operand(d), this.num(d)] };
      case 14: return this.options.pow ? { t: 'binary', op: '**', a: this.operand(d), b: this.operand(d) } : this.num(d);
      default: return this.remember({ t: 'binary', op: r.pick(ARITHMETIC), a: this.num(d), b: this.operand(d) });
    }
  }

  /** `e`, kept for writing again when it is arithmetic over variables and literals. */
  private remember(e: Expr): Expr {
    const names: string[] = [];
    const pure = (x: Expr): boolean => {
      if (x.t === 'var') { names.push(x.name); return true; }
      if (x.t === 'num') return true;
      return x.t === 'binary' && (ARITHMETIC as readonly string[]).includes(x.op) && pure(x.a) && pure(x.b);
    };
    if (pure(e)) {
      this.repeatable.push({ e, names });
      if (this.repeatable.length > 16) this.repeatable.shift();
    }
    return e;
  }

  /** A number or a maybe-undefined value (an element load, a `let x;` variable). */
  maybe(depth: number): Expr {
    const r = this.rng, arrays = this.arrays(), vars = this.vars('maybe');
    if (arrays.length && r.chance(0.6)) return { t: 'load', array: r.pick(arrays), index: this.index(depth - 1) };
    if (vars.length && r.chance(0.5)) return { t: 'var', name: r.pick(vars).name };
    if (r.chance(0.1)) return { t: 'word', s: 'undefined' };
    if (arrays.length && r.chance(0.5)) {
      const target = this.elementTarget(depth - 1);
      return { t: 'assign', op: '=', target, v: this.maybe(depth - 1) };
    }
    return this.num(depth);
  }

  /** An operand of arithmetic, bitwise, relational or Math: number, maybe undefined, rarely boolean. */
  operand(depth: number): Expr {
    const x = this.rng.int(10);
    if (x < 4) return this.maybe(depth);
    if (x === 4 && depth > 0) return this.bool(depth - 1);
    return this.num(depth);
  }

  bool(depth: number): Expr {
    const r = this.rng, d = depth - 1;
    if (depth <= 0 || r.chance(0.2)) {
      const vars = this.vars('bool');
      if (vars.length && r.chance(0.5)) return { t: 'var', name: r.pick(vars).name };
      if (r.chance(0.3)) return { t: 'word', s: r.pick(['true', 'false']) };
      return { t: 'binary', op: r.pick(RELATIONAL), a: this.operand(0), b: this.operand(0) };
    }
    switch (r.int(9)) {
      case 0: return { t: 'binary', op: r.pick(RELATIONAL), a: this.operand(d), b: this.operand(d) };
      case 1: {
        // Both sides uint32 (`>>>`) or both int32 (`| 0`): the unsigned and signed compares.
        const op = r.pick(['>>>', '>>>', '|']);
        const side = (): Expr => ({ t: 'binary', op, a: this.operand(d), b: { t: 'num', v: op === '|' ? 0 : r.pick([0, 0, 1, 31]) } });
        return { t: 'binary', op: r.pick([...RELATIONAL, ...EQUALITY]), a: side(), b: side() };
      }
      case 8: return { t: 'binary', op: r.pick(RELATIONAL), a: this.operand(d), b: this.operand(d) };
      case 2: return { t: 'binary', op: r.pick(EQUALITY), a: this.num(d), b: this.num(d) };
      case 3: return { t: 'binary', op: r.pick(EQUALITY), a: this.bool(d), b: this.bool(d) };
      case 4: return { t: 'unary', op: '!', a: this.condition(d) };
      case 5: return { t: 'binary', op: r.pick(['&&', '||']), a: this.bool(d), b: this.bool(d) };
      case 6: return { t: 'cond', c: this.condition(d), a: this.bool(d), b: this.bool(d) };
      default: {
        const vars = this.vars('bool', true);
        if (vars.length) return { t: 'assign', op: '=', target: { t: 'var', name: r.pick(vars).name }, v: this.bool(d) };
        return { t: 'binary', op: r.pick(RELATIONAL), a: this.operand(d), b: this.operand(d) };
      }
    }
  }

  /** A test: only truthiness matters, so kinds may mix under && and ||. */
  condition(depth: number): Expr {
    const r = this.rng;
    const x = r.int(6);
    if (x === 0) return this.operand(depth);
    if (x === 1 && depth > 0) return { t: 'binary', op: r.pick(['&&', '||']), a: this.condition(depth - 1), b: this.condition(depth - 1) };
    if (x === 2 && depth > 0) return { t: 'unary', op: '!', a: this.condition(depth - 1) };
    return this.bool(depth);
  }

  private math(depth: number): Expr {
    const r = this.rng, fns = this.options.math;
    const fn = r.pick(fns);
    let arity = MATH_1.includes(fn) ? 1 : MATH_2.includes(fn) ? 2 : fn === 'hypot' ? r.int(3) : r.int(5);
    if (fn === 'clz32' || fn === 'imul') arity = fn === 'imul' ? 2 : 1;
    if (r.chance(0.2)) return { t: 'word', s: `Math.${r.pick(MATH_CONSTANTS)}` };
    return { t: 'call', fn, args: Array.from({ length: arity }, () => this.operand(depth)) };
  }

  /** An index: counters, lengths, edges (negative, fractional, NaN, -0, >= 2^31), any number (never maybe undefined). */
  index(depth: number): Expr {
    // A counter shadowed by another variable (or one in its TDZ) is not the counter here.
    const r = this.rng, visible = this.visible();
    const counters = this.loops.map((l) => l.counter).filter((c): c is string => c !== null && visible.find((v) => v.name === c)?.kind === 'num');
    const arrays = this.arrays();
    switch (r.int(9)) {
      case 0: case 1: case 2:
        if (counters.length) {
          const c: Expr = { t: 'var', name: r.pick(counters) };
          return r.chance(0.6) ? c : { t: 'binary', op: r.pick(['+', '-']), a: c, b: { t: 'num', v: r.int(3) } };
        }
        return { t: 'num', v: r.int(5) };
      case 3: return { t: 'num', v: r.pick(INDEX_CONSTANTS) };
      case 4: return arrays.length
        ? { t: 'binary', op: '-', a: { t: 'len', array: r.pick(arrays) }, b: { t: 'num', v: r.int(3) } }
        : { t: 'num', v: r.pick(INDEX_CONSTANTS) };
      case 5: return { t: 'binary', op: r.pick(['|', '>>>', '&']), a: this.operand(depth), b: { t: 'num', v: r.pick([0, 0, 7]) } };
      case 6: {
        const target = this.target('num', depth, true);
        if (target && target.t === 'var') return { t: 'update', op: r.pick(['++', '--']), prefix: r.chance(0.3), target };
        return { t: 'num', v: r.int(4) };
      }
      case 7: {
        // `a * b + c` of int32s, as matrix and struct-of-arrays code indexes: the product may leave
        // int32 and pass 2^53 (46341^2 > 2^31, (2^31 - 1)^2 > 2^53).
        const factor = (): Expr => {
          switch (r.int(4)) {
            case 0: return counters.length ? { t: 'var', name: r.pick(counters) } : { t: 'num', v: r.int(4) };
            case 1: return arrays.length ? { t: 'len', array: r.pick(arrays) } : { t: 'num', v: 3 };
            case 2: return { t: 'num', v: r.pick([3, -3, 46341, 2147483647, -2147483648]) };
            default: return { t: 'binary', op: '|', a: this.operand(depth - 1), b: { t: 'num', v: 0 } };
          }
        };
        const product: Expr = { t: 'binary', op: '*', a: factor(), b: factor() };
        if (r.chance(0.2)) return product;
        const addend = factor();
        return r.chance(0.5) ? { t: 'binary', op: '+', a: product, b: addend } : { t: 'binary', op: '+', a: addend, b: product };
      }
      // A number, never maybe undefined or a boolean: a[undefined] and a[true] name properties, not elements.
      default: return this.num(depth);
    }
  }

  private elementTarget(depth: number): Extract<Target, { t: 'load' }> {
    return { t: 'load', array: this.rng.pick(this.arrays()), index: this.index(depth) };
  }

  /** Somewhere a number can be written: a number (or, for compound ops, maybe) variable or an element. */
  private target(kind: 'num', depth: number, update = false): Target | undefined {
    const r = this.rng, vars = [...this.vars(kind, true), ...(update || r.chance(0.5) ? this.vars('maybe', true) : [])];
    const arrays = this.arrays();
    if (arrays.length && (vars.length === 0 || r.chance(0.5))) return this.elementTarget(depth);
    return vars.length ? { t: 'var', name: r.pick(vars).name } : undefined;
  }

  // ---- statements -------------------------------------------------------------------------------

  private statements(count: number): Stmt[] {
    const out: Stmt[] = [];
    for (let i = 0; i < count && this.budget > 0; i++) out.push(...this.statement());
    return out;
  }

  private body(count: number, vars: Var[] = [], shadowing = true): Stmt[] {
    return this.scoped(() => {
      this.blockStart = shadowing;
      return this.statements(count);
    }, vars);
  }

  /** Whether the next statement is the first of its block (the only place a `let` may shadow: see declaration()). */
  private blockStart = false;

  private statement(): Stmt[] {
    const r = this.rng, first = this.blockStart;
    this.blockStart = false;
    this.budget--;
    const depth = this.loops.length, inLoop = depth > 0;
    const x = r.int(20);
    if (x < 4) return [this.declaration(first)];
    if (x < 8) return [this.assignment()];
    if (x < 10) return [{ t: 'if', c: this.condition(2), then: this.body(1 + r.int(3)), otherwise: r.chance(0.5) ? this.body(1 + r.int(2)) : null }];
    if (x < 13 && depth < 3) return this.forLoop();
    if (x < 14 && depth < 3) return this.guardedLoop();
    if (x < 16 && inLoop) return [this.jump()];
    if (x === 16) {
      const label = r.chance(0.5) ? this.fresh('blk') : null;
      if (label) this.blockLabels.push(label);
      // No shadowing in a labeled block: its break's test, written afterwards, reads the outer names.
      const body = this.body(1 + r.int(3), [], label === null);
      if (label) {
        this.blockLabels.pop();
        body.splice(r.int(body.length + 1), 0, { t: 'if', c: this.condition(1), then: [{ t: 'break', label }], otherwise: null });
      }
      return [{ t: 'block', label, body }];
    }
    if (x === 17 && (inLoop || r.chance(0.3))) {
      return [{ t: 'if', c: this.condition(1), then: [{ t: 'return', e: this.returnsValue ? this.num(2) : null }], otherwise: null }];
    }
    if (x === 18) return r.chance(0.5) && this.arrays().length ? this.swap() : [{ t: 'empty' }];
    return [{ t: 'expr', e: this.num(2) }];
  }

  /**
   * fannkuch's swap, `const t = a[i]; a[i] = b[j]; b[j] = t;`, and sometimes bitwise reads of t:
   * a variable that only ToInt32 reads (int32-vars.ts) when the arrays are integer ones, an f64
   * that may be undefined otherwise, or once a later statement reads it as a number.
   */
  private swap(): Stmt[] {
    const r = this.rng, name = this.fresh('t');
    const first = this.elementTarget(1), second = this.elementTarget(1);
    const out: Stmt[] = [
      { t: 'decl', kw: r.chance(0.5) ? 'const' : 'let', decls: [[name, { t: 'load', array: first.array, index: first.index }]] },
      { t: 'expr', e: { t: 'assign', op: '=', target: first, v: { t: 'load', array: second.array, index: second.index } } },
      { t: 'expr', e: { t: 'assign', op: '=', target: second, v: { t: 'var', name } } },
    ];
    const target = this.target('num', 0);
    if (target && r.chance(0.5)) out.push({ t: 'expr', e: { t: 'assign', op: r.pick(['|=', '^=', '&=']), target, v: { t: 'binary', op: r.pick(['>>>', '<<', '|']), a: { t: 'var', name }, b: this.num(0) } } });
    this.scopes[this.scopes.length - 1].push({ name, kind: 'maybe', mutable: false });
    return out;
  }

  private declaration(first: boolean): Stmt {
    const r = this.rng, decls: Array<[string, Expr | null]> = [];
    // `var` only at the top level, so that it is never read before its declaration.
    const kw = this.scopes.length === 1 && r.chance(0.3) ? 'var' : r.chance(0.3) ? 'const' : 'let';
    const scope = this.scopes[this.scopes.length - 1];
    for (let i = 0, n = 1 + (r.chance(0.2) ? 1 : 0); i < n; i++) {
      // Sometimes shadow a variable of an outer block: only as the block's first declarator, since
      // the new name is in its TDZ from the start of the block (and never in the same scope).
      const outer = kw === 'var' || !first || i > 0 ? [] : this.visible().filter((v) => v.kind !== 'hidden' && !scope.some((w) => w.name === v.name) && !this.params.some((p) => p.name === v.name));
      const name = outer.length && r.chance(0.15) ? r.pick(outer).name : this.fresh('v');
      const kind: ValueKind = r.pick(['num', 'num', 'num', 'maybe', 'bool']);
      // In its own initializer the name is the new variable, in its TDZ: hide it from the initializer.
      const self: Var = { name, kind: 'hidden', mutable: false };
      scope.push(self);
      const init = kind === 'num' ? this.num(3) : kind === 'bool' ? this.bool(2) : kw !== 'const' && r.chance(0.4) ? null : this.maybe(2);
      decls.push([name, init]);
      Object.assign(self, { kind, mutable: kw !== 'const' });
    }
    return { t: 'decl', kw, decls };
  }

  private assignment(): Stmt {
    const r = this.rng, arrays = this.arrays();
    if (arrays.length && r.chance(0.6)) {
      const target = this.elementTarget(2);
      switch (r.int(5)) {
        case 0: case 1: return { t: 'expr', e: { t: 'assign', op: '=', target, v: r.chance(0.2) ? this.bool(1) : this.operand(3) } };
        // Not `&&=` or `??=`: an element's old value may be undefined (the near misses have them).
        case 2: {
          // `||=` is a value-position `||`: both sides numbers (a boolean right side would mix kinds).
          const op = r.pick([...COMPOUND, '||=']);
          return { t: 'expr', e: { t: 'assign', op, target, v: op === '||=' ? this.maybe(2) : this.operand(2) } };
        }
        case 3: return { t: 'expr', e: { t: 'update', op: r.pick(['++', '--']), prefix: r.chance(0.5), target } };
        default: return { t: 'expr', e: { t: 'assign', op: '=', target, v: { t: 'assign', op: '=', target: this.elementTarget(1), v: this.operand(2) } } };
      }
    }
    const numbers = this.vars('num', true), maybes = this.vars('maybe', true), bools = this.vars('bool', true);
    if (bools.length && r.chance(0.15)) return { t: 'expr', e: { t: 'assign', op: '=', target: { t: 'var', name: r.pick(bools).name }, v: this.bool(2) } };
    if (maybes.length && r.chance(0.2)) return { t: 'expr', e: { t: 'assign', op: '=', target: { t: 'var', name: r.pick(maybes).name }, v: this.maybe(2) } };
    if (!numbers.length) return { t: 'expr', e: this.num(2) };
    const target: Target = { t: 'var', name: r.pick(numbers).name };
    switch (r.int(4)) {
      case 0: return { t: 'expr', e: { t: 'assign', op: '=', target, v: this.num(3) } };
      case 1: return { t: 'expr', e: { t: 'assign', op: r.pick(['&&=', '||=', '??=']), target, v: this.num(2) } };
      case 2: return { t: 'expr', e: { t: 'update', op: r.pick(['++', '--']), prefix: r.chance(0.5), target } };
      default: return { t: 'expr', e: { t: 'assign', op: r.pick(this.options.pow ? [...COMPOUND, '**='] : COMPOUND), target, v: this.operand(2) } };
    }
  }

  private forLoop(): Stmt[] {
    const r = this.rng, arrays = this.arrays();
    const bounds = this.params.filter((p) => p.kind === 'number' && p.bound).map((p) => p.name);
    const label = r.chance(0.3) ? this.fresh('L') : null;
    const up = r.chance(0.7);
    const length = (): Expr => ({ t: 'len', array: r.pick(arrays) });
    const someBound = (): Expr => {
      const x = r.int(4);
      if (x === 0 && arrays.length) return length();
      if (x === 1 && bounds.length) return { t: 'var', name: r.pick(bounds) };
      if (x === 2 && arrays.length) return { t: 'binary', op: '-', a: length(), b: { t: 'num', v: 1 + r.int(2) } };
      return { t: 'num', v: r.int(13) };
    };
    const reusable = this.vars('num', true).filter((v) => !this.params.some((p) => p.name === v.name));
    // Sometimes a counter declared just before the loop (`let k = 0; for (k = ...)`): an int32
    // that the code after the loop may read, with the value that ended the loop.
    const before = r.chance(0.12) ? this.fresh('k') : null;
    const declare = before === null && (!reusable.length || r.chance(0.8));
    const counter = before ?? (declare ? this.fresh('i') : r.pick(reusable).name);
    if (before !== null) this.scopes[this.scopes.length - 1].push({ name: before, kind: 'num', mutable: true });
    let init: Expr, op: '<' | '<=' | '>' | '>=', bound: Expr, update: string;
    // A step of at least 1 read from another variable at each update (`i += 1 + (x & 7)`), small or
    // up to 2^30: where the counter passes the int32 limit on it, the loop ends (types.ts, overflowExitOf).
    const others = this.vars('num').map((v) => v.name);
    const variableStep = (sign: '+' | '-'): string | null => (others.length && r.chance(0.3)
      ? `${counter} ${sign}= 1 + (${r.pick(others)} & ${r.pick([1, 7, 1073741823])})` : null);
    let squared = false;
    const edge = r.chance(0.1);
    if (edge) {
      // A few iterations at the int32 limits: the counter passes 2^31 - 1 (or -2^31) on its last step.
      init = { t: 'num', v: up ? 2147483647 - r.int(4) : -2147483648 + r.int(4) };
      op = up ? r.pick(['<', '<=']) : r.pick(['>', '>=']);
      bound = { t: 'num', v: up ? 2147483647 : -2147483648 };
      update = variableStep(up ? '+' : '-') ?? (up ? r.pick([`${counter}++`, `${counter} += 1`, `${counter} += 2`]) : r.pick([`${counter}--`, `${counter} -= 1`, `${counter} -= 2`]));
    } else if (up) {
      init = { t: 'num', v: r.pick([0, 0, 0, 1, -1, 2]) };
      op = r.pick(['<', '<', '<=']);
      bound = someBound();
      // Now and then `i * i < n`, which bounds i by the square root of n (types.ts, narrowSquare).
      squared = r.chance(0.15);
      update = variableStep('+') ?? r.pick([`${counter}++`, `++${counter}`, `${counter} += 1`, `${counter} += 2`, `${counter} = ${counter} + 1`]);
    } else {
      init = r.chance(0.5) ? someBound() : { t: 'num', v: r.int(10) };
      op = r.pick(['>=', '>']);
      bound = { t: 'num', v: r.pick([0, 0, -1, 1]) };
      update = variableStep('-') ?? r.pick([`${counter}--`, `--${counter}`, `${counter} -= 1`, `${counter} -= 3`]);
    }
    this.loops.push({ label, counter });
    this.frozen.push(counter);
    const body = this.body(1 + r.int(4), declare ? [{ name: counter, kind: 'num', mutable: false }] : []);
    // Now and then a row of a square matrix, `a[i * n + x]` with n the loop's bound: the entry
    // guard n <= 46340 makes that index an int32 (guards.ts, squareBounded). (Not before a `let`
    // that may shadow a name it reads; and with the counter still frozen: the row's value must
    // not write it.)
    if (bound.t === 'var' && init.t === 'num' && init.v >= 0 && (op === '<' || op === '<=') && arrays.length && body[0]?.t !== 'decl' && r.chance(0.6)) {
      const row: Target = { t: 'load', array: r.pick(arrays), index: { t: 'binary', op: '+', a: { t: 'binary', op: '*', a: { t: 'var', name: counter }, b: bound }, b: this.num(0) } };
      body.unshift({ t: 'expr', e: { t: 'assign', op: r.pick(['=', '+=']), target: row, v: this.num(1) } });
    }
    this.frozen.pop();
    this.loops.pop();
    const loop: Stmt = { t: 'for', label, counter, declare, init, op, bound, flipped: r.chance(0.2), squared, update, body };
    if (before === null) return [loop];
    // What the counter ended at goes where a wrong value would show: an element, most often.
    const target: Target | undefined = this.arrays().length ? this.elementTarget(0) : this.target('num', 0);
    const after: Stmt[] = target ? [{ t: 'expr', e: { t: 'assign', op: '=', target, v: { t: 'var', name: before } } }] : [];
    return [{ t: 'decl', kw: 'let', decls: [[before, { t: 'num', v: 0 }]] }, loop, ...after];
  }

  /** A `while` or `do` loop bounded by a guard, and sometimes a statement after it (see `narrowed`). */
  private guardedLoop(): Stmt[] {
    const r = this.rng, label = r.chance(0.3) ? this.fresh('L') : null, guard = this.fresh('g');
    this.loops.push({ label, counter: null });
    // Now and then a test on arithmetic the body may compute again (what the test computes, the
    // body's first statements read: shared-values.ts).
    const tested: Expr | null = r.chance(0.25) ? { t: 'binary', op: r.pick(ARITHMETIC), a: this.num(0), b: this.num(0) } : null;
    // Now and then a test that narrows a variable to a small range, with arithmetic on it that
    // leaves int32 outside that range: proven inside the loop, speculated (checked) outside it,
    // and remembered, so that the body and the code after the loop write it again.
    // (A parameter: its value comes from the arguments, in and out of the range by turns.)
    const params = new Set(this.params.filter((p) => p.kind === 'number').map((p) => p.name));
    const candidates = !tested && r.chance(0.12) ? this.vars('num').filter((v) => params.has(v.name)) : [];
    const narrowedName = candidates.length ? r.pick(candidates).name : null;
    const narrowed = narrowedName !== null ? this.narrowing(narrowedName) : null;
    const cond: Expr | null = tested ? { t: 'binary', op: r.pick(RELATIONAL), a: tested, b: this.num(0) }
      : narrowed ? narrowed.test
      : r.chance(0.7) ? this.condition(2) : null;
    const body = this.body(1 + r.int(4));
    // First in the body, unless a `let` there may shadow one of its names (then in its TDZ).
    const accumulate = (v: Expr): Stmt[] => {
      // A narrowing loop's arithmetic goes into a parameter the function may return, where a wrong
      // value would show (a kernel that speculates writes no array).
      const param = narrowed && !tested ? this.params.find((p) => p.kind === 'number' && !p.bound && p.name !== narrowedName && this.vars('num', true).some((v) => v.name === p.name)) : undefined;
      if (param) this.observed = param.name;
      const target = param ? { t: 'var' as const, name: param.name } : this.target('num', 0);
      return target ? [{ t: 'expr', e: { t: 'assign', op: r.pick(['+=', '=', '-=']), target, v } }] : [];
    };
    if (body[0]?.t !== 'decl') {
      if (tested) body.unshift(...accumulate({ t: 'binary', op: '*', a: tested, b: this.num(0) }));
      else if (narrowed) body.unshift(...accumulate(narrowed.arithmetic));
    }
    this.loops.pop();
    const loop: Stmt = { t: 'while', label, guard, limit: r.int(9), cond, doWhile: r.chance(0.4), body };
    if (!narrowed) return [loop];
    // After a narrowing loop, its arithmetic again, where it is speculated rather than proven;
    // often both in a loop around them, to which the arithmetic is invariant.
    const pair = [loop, ...accumulate(narrowed.arithmetic)];
    return r.chance(0.25) ? pair : [{ t: 'while', label: null, guard: this.fresh('g'), limit: 1 + r.int(3), cond: null, doWhile: false, body: pair }];
  }

  /**
   * A test narrowing `v` to a small range, `v >= lo && v < hi`, and arithmetic on `v` that leaves
   * int32 beyond it (`v * k` or `v + k`, remembered for writing again): proven inside the loop,
   * speculated and checked outside.
   */
  private narrowing(v: string): { test: Expr; arithmetic: Expr } {
    // The largest k for which v * k (v + k) stays in int32 over the range: just past it, it leaves.
    const r = this.rng, lo = r.int(3) - 1, hi = lo + 2 + r.int(r.chance(0.5) ? 30 : 3000), top = hi - 1;
    const arithmetic = this.remember(r.chance(0.6)
      ? { t: 'binary', op: '*', a: { t: 'var', name: v }, b: { t: 'num', v: Math.floor(2147483647 / Math.max(1, top)) } }
      : { t: 'binary', op: '+', a: { t: 'var', name: v }, b: { t: 'num', v: 2147483647 - top } });
    const test: Expr = {
      t: 'binary', op: '&&',
      a: { t: 'binary', op: '>=', a: { t: 'var', name: v }, b: { t: 'num', v: lo } },
      b: { t: 'binary', op: '<', a: { t: 'var', name: v }, b: { t: 'num', v: hi } },
    };
    return { test, arithmetic };
  }

  private jump(): Stmt {
    const r = this.rng, labels = [...this.loops.map((l) => l.label).filter((l): l is string => l !== null)];
    const kind = r.chance(0.5) ? 'break' : 'continue';
    const label = labels.length && r.chance(0.5) ? r.pick(labels) : kind === 'break' && this.blockLabels.length && r.chance(0.2) ? r.pick(this.blockLabels) : null;
    return { t: 'if', c: this.condition(1), then: [{ t: kind, label }], otherwise: null };
  }
}

/** The in-subset program of `seed`. */
export function generateProgram(seed: number, options: GeneratorOptions): Program {
  return new SourceGenerator(new Rng(seed), options).program();
}
