// The typing pass: for one signature, the kind (number, boolean, maybe-undefined number) and the
// representation (f64, i32, u32) of every expression and variable. Everything is f64 unless
// proven: i32/u32 come from bitwise ops, integer loads proven in bounds, lengths, i32 params, and
// sums whose interval (lo..hi) fits int32. Variables get the join of every value assigned to them
// (flow-insensitive), computed to a fixed point; inside a loop body `i < B` narrows the interval
// of a counter the body and the test never write, which is what keeps `i + 1` an i32.

import type { Signature } from './index.js';
import type { Expr, FunctionIR, Pos, Stmt, VarId } from './ir.js';
import { completes } from './completion.js';
import { exprWrites, stmtWrites } from './ir-walk.js';
import { decline } from './lower-decline.js';
import { ARRAY_KINDS, binaryType, BOOL, ELEMENT_RANGES, F64, i32, joinTypes, MATH_ARITY, MAYBE, mathType, num, readsFirst, sameType, type Ty } from './type-rules.js';

export type { Kind, Rep, Ty } from './type-rules.js';

export interface Typing {
  /** The type of each number or boolean variable (undefined for typed-array params). */
  readonly vars: readonly (Ty | undefined)[];
  /** The element kind of each typed-array param. */
  readonly arrays: ReadonlyMap<VarId, number>;
  readonly exprs: ReadonlyMap<Expr, Ty>;
  /** Loads, element assignments and element updates whose index is proven in range. */
  readonly inBounds: ReadonlySet<Expr>;
  /** `var` variables that may be read before their declaration runs: NaN (undefined) at entry. */
  readonly hoistedUndefined: ReadonlySet<VarId>;
  readonly returnType: 'void' | 'f64' | 'i32' | 'u32';
}

interface Narrowing {
  readonly lo: number;
  readonly hi: number;
  /** Arrays whose length is a strict upper bound of the variable here. */
  readonly below: ReadonlySet<VarId>;
}

export function typeFunction(ir: FunctionIR, signature: Signature, inexactMath: ReadonlySet<string>): Typing {
  return new Typer(ir, signature, inexactMath).run();
}

class Typer {
  private vars: (Ty | undefined)[] = [];
  private changes: number[] = [];
  private readonly arrays = new Map<VarId, number>();
  private exprs = new Map<Expr, Ty>();
  private inBounds = new Set<Expr>();
  private readonly hoisted = new Set<VarId>();
  private narrow = new Map<VarId, Narrowing>();
  private declared = new Set<VarId>();
  private nesting = 0;
  private returns: Ty[] = [];
  private bareReturn: Pos | null = null;
  private valueReturn: Pos | null = null;
  private final = false;
  private changed = false;

  /** Variables that always hold `a.length` (`const n = a.length`, never assigned again): n -> a. */
  private readonly lengthAliases = new Map<VarId, VarId>();

  constructor(private readonly ir: FunctionIR, private readonly signature: Signature, private readonly inexactMath: ReadonlySet<string>) {
    const visit = (s: Stmt): void => {
      if (s.kind === 'declare' && s.init?.kind === 'length' && this.ir.variables[s.v]?.assigned === false && this.ir.variables[s.v]?.declaredAs !== 'var')
        this.lengthAliases.set(s.v, s.init.array);
      if (s.kind === 'block') s.body.forEach(visit);
      if (s.kind === 'if') { visit(s.then); if (s.otherwise) visit(s.otherwise); }
      if (s.kind === 'loop') { s.init.forEach(visit); visit(s.body); }
    };
    ir.body.forEach(visit);
  }

  run(): Typing {
    const at = this.ir.body[0]?.at ?? { line: 1, column: 1 };
    if (this.signature.length !== this.ir.params.length)
      decline('the signature', at, `it has ${this.signature.length} argument kinds for ${this.ir.params.length} parameters`, 'call the function with one argument per parameter');
    // The plan marks the vars some path reads before they are assigned: undefined from entry.
    for (const variable of this.ir.variables) {
      if (variable.declaredAs === 'var' && variable.startsUndefined) {
        this.hoisted.add(variable.id);
        this.vars[variable.id] = MAYBE;
      }
    }
    this.ir.params.forEach((v, i) => {
      const kind = this.signature[i];
      const element = ARRAY_KINDS[kind];
      if (element !== undefined) this.arrays.set(v, element);
      else this.vars[v] = kind === 'i32' ? i32(-(2 ** 31), 2 ** 31 - 1) : F64;
    });
    for (let pass = 0; ; pass++) {
      if (pass > 200) decline('the function', at, 'its types did not settle (an internal limit)', 'simplify the function');
      this.changed = false;
      this.walkPass();
      if (!this.changed) break;
    }
    this.final = true;
    this.walkPass();
    const returnType = this.returnType(at);
    return { vars: this.vars, arrays: this.arrays, exprs: this.exprs, inBounds: this.inBounds, hoistedUndefined: this.hoisted, returnType };
  }

  private walkPass(): void {
    this.exprs = new Map();
    this.inBounds = new Set();
    this.narrow = new Map();
    this.declared = new Set(this.ir.params);
    this.returns = [];
    this.bareReturn = this.valueReturn = null;
    this.nesting = 0;
    for (const s of this.ir.body) this.stmt(s);
  }

  private returnType(at: Pos): Typing['returnType'] {
    if (this.valueReturn === null) return 'void';
    if (this.bareReturn !== null)
      decline('`return;`', this.bareReturn, 'the function returns a value on other paths', 'return a number on every path');
    if (this.ir.body.every(completes))
      decline('the end of the function', at, 'the function returns a value on some paths and falls off the end on others', 'end it with a return of a number');
    if (this.returns.every((t) => t.rep === 'i32')) return 'i32';
    if (this.returns.every((t) => t.rep === 'u32')) return 'u32';
    return 'f64';
  }

  /** A decline, in the final pass only: earlier passes run on types that have not settled. */
  private fail(construct: string, at: Pos, reason: string, fix: string): void {
    if (this.final) decline(construct, at, reason, fix);
  }

  private name(v: VarId): string {
    return `\`${this.ir.variables[v]?.name ?? '?'}\``;
  }

  private assignVar(v: VarId, t: Ty, at: Pos): void {
    if (this.arrays.has(v)) {
      this.fail(`the assignment to ${this.name(v)}`, at, 'it reassigns a typed-array parameter', 'assign to a new local variable instead');
      return;
    }
    const cur = this.vars[v];
    let joined = cur === undefined ? t : joinTypes(cur, t);
    if (joined === null) {
      this.fail(`the assignment to ${this.name(v)}`, at, `${this.name(v)} holds both booleans and numbers`, `keep ${this.name(v)} one kind (use 0 and 1 for flags)`);
      joined = F64;
    }
    if (cur !== undefined && sameType(cur, joined)) return;
    const n = (this.changes[v] = (this.changes[v] ?? 0) + 1);
    // Widening, so that `x = x + 1` settles: the interval goes to the full range, then to f64.
    if (n > 12) joined = { ...joined, rep: joined.kind === 'boolean' ? joined.rep : 'f64', lo: -Infinity, hi: Infinity };
    else if (n > 6 && joined.rep === 'i32' && joined.kind !== 'boolean') joined = i32(-(2 ** 31), 2 ** 31 - 1);
    else if (n > 6 && joined.rep === 'u32') joined = { ...joined, lo: 0, hi: 2 ** 32 - 1 };
    if (cur !== undefined && sameType(cur, joined)) return;
    this.vars[v] = joined;
    this.changed = true;
  }

  private readVar(v: VarId, at: Pos): Ty {
    if (this.arrays.has(v)) {
      this.fail(this.name(v), at, `${this.name(v)} is a typed array (${this.signature[this.ir.params.indexOf(v)]}) used as a value`, 'use it only as `a[i]` or `a.length`, or pass a number');
      return F64;
    }
    const variable = this.ir.variables[v];
    if (variable?.declaredAs === 'var' && !this.declared.has(v) && !this.hoisted.has(v)) {
      this.hoisted.add(v);
      this.assignVar(v, MAYBE, at);
    }
    const t = this.vars[v] ?? i32(0, 0);
    const n = this.narrow.get(v);
    // The narrowed side replaces the variable's own bound (rather than meeting it), so that the
    // fixed point does not climb one step per pass: `i < B` alone bounds i by B - 1 in the body.
    if (n && t.rep === 'i32' && t.kind === 'number') {
      const lo = Number.isFinite(n.lo) ? n.lo : t.lo, hi = Number.isFinite(n.hi) ? n.hi : t.hi;
      return i32(lo, Math.max(lo, hi));
    }
    return t;
  }

  private array(v: VarId, at: Pos): number | undefined {
    const kind = this.arrays.get(v);
    if (kind === undefined) this.fail(`${this.name(v)}[...]`, at, `${this.name(v)} is used as a typed array but was given ${this.signature[this.ir.params.indexOf(v)] ?? 'a local value'}`, `pass a typed array for ${this.name(v)}`);
    return kind;
  }

  // ---- statements ------------------------------------------------------------------------------

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'expression': this.type(s.expr); break;
      case 'declare': {
        const variable = this.ir.variables[s.v];
        // A `var` declared in a nested statement, or without a value (`var x;` never resets it),
        // is undefined at entry until assigned: NaN set once at entry, the declaration a no-op.
        if (variable?.declaredAs === 'var' && (this.nesting > 0 || !s.init) && !this.hoisted.has(s.v)) {
          this.hoisted.add(s.v);
          this.assignVar(s.v, MAYBE, s.at);
        }
        if (s.init) this.assignVar(s.v, this.type(s.init), s.at);
        else if (variable?.declaredAs !== 'var') this.assignVar(s.v, MAYBE, s.at);
        this.declared.add(s.v);
        break;
      }
      case 'if':
        this.cond(s.test);
        this.nested(() => { this.stmt(s.then); if (s.otherwise) this.stmt(s.otherwise); });
        break;
      case 'loop': this.loop(s); break;
      case 'block': this.nested(() => s.body.forEach((b) => this.stmt(b))); break;
      case 'return':
        if (s.value === null) { this.bareReturn ??= s.at; break; }
        this.valueReturn ??= s.at;
        this.returnValue(s.value, s.at);
        break;
      default: break;
    }
  }

  private nested(f: () => void): void {
    this.nesting++;
    f();
    this.nesting--;
  }

  private returnValue(e: Expr, at: Pos): void {
    const t = this.type(e);
    if (t.kind === 'boolean') this.fail('`return` of a boolean', at, 'a kernel returns numbers only', 'return 1 or 0 (e.g. `return x ? 1 : 0`)');
    else if (t.kind === 'maybe') this.fail('`return` of a value that may be undefined', at, 'undefined is not a number (a load out of range, or a variable without a value)', 'return a number (e.g. `return a[i] ?? 0` after checking the index, or give the variable an initial value)');
    this.returns.push(t);
  }

  private loop(s: Extract<Stmt, { kind: 'loop' }>): void {
    for (const init of s.init) this.stmt(init);
    this.nested(() => {
      const saved = this.narrow;
      if (s.test) this.cond(s.test);
      const narrowed = s.test && !s.testAfterBody ? this.narrowFrom(s.test, s) : new Map<VarId, Narrowing>();
      this.narrow = new Map([...saved, ...narrowed]);
      this.stmt(s.body);
      if (s.testAfterBody && s.test) { /* the test was typed above; do-while bodies are not narrowed */ }
      if (s.update) {
        // The counter still has its narrowed interval when the update reads it first (`i++`,
        // `i += 1`); any other update sees the variables' full intervals.
        const keep = new Map<VarId, Narrowing>(saved);
        for (const [v, n] of narrowed) if (readsFirst(s.update, v)) keep.set(v, n);
        this.narrow = keep;
        this.type(s.update);
      }
      this.narrow = saved;
    });
  }

  /** `i < B`, `B > i`, `i >= B`... (conjuncts of &&) for counters the body and the test never write. */
  private narrowFrom(test: Expr, loop: Extract<Stmt, { kind: 'loop' }>): Map<VarId, Narrowing> {
    const out = new Map<VarId, Narrowing>();
    const written = new Set([...stmtWrites(loop.body), ...exprWrites(test)]);
    const visit = (e: Expr): void => {
      if (e.kind === 'logical' && e.op === '&&') { visit(e.left); visit(e.right); return; }
      if (e.kind !== 'binary' || !['<', '<=', '>', '>='].includes(e.op)) return;
      const flip: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
      const sides: [Expr, Expr, string][] = [[e.left, e.right, e.op], [e.right, e.left, flip[e.op]]];
      for (const [counter, bound, op] of sides) {
        if (counter.kind !== 'var' || written.has(counter.v)) continue;
        const c = this.exprs.get(counter), b = this.exprs.get(bound);
        if (!c || !b || c.rep !== 'i32' || c.kind !== 'number' || b.rep !== 'i32' || b.kind !== 'number') continue;
        const prev = out.get(counter.v) ?? this.narrow.get(counter.v) ?? { lo: -Infinity, hi: Infinity, below: new Set<VarId>() };
        let { lo, hi } = prev;
        const below = new Set(prev.below);
        if (op === '<') {
          hi = Math.min(hi, b.hi - 1);
          if (bound.kind === 'length') below.add(bound.array);
          const aliased = bound.kind === 'var' ? this.lengthAliases.get(bound.v) : undefined;
          if (aliased !== undefined) below.add(aliased);
        }
        if (op === '<=') hi = Math.min(hi, b.hi);
        if (op === '>') lo = Math.max(lo, b.lo + 1);
        if (op === '>=') lo = Math.max(lo, b.lo);
        out.set(counter.v, { lo, hi, below });
      }
    };
    visit(test);
    return out;
  }

  // ---- expressions -----------------------------------------------------------------------------

  private set(e: Expr, t: Ty): Ty {
    this.exprs.set(e, t);
    return t;
  }

  /** An expression in a condition: only its truthiness matters, so && || ! ?: mix kinds freely. */
  cond(e: Expr): Ty {
    switch (e.kind) {
      case 'logical':
        if (e.op === '??') return this.set(e, this.nullish(e.left, e.at));
        this.cond(e.left); this.cond(e.right);
        return this.set(e, BOOL);
      case 'unary':
        if (e.op !== '!') return this.type(e);
        this.cond(e.arg);
        return this.set(e, BOOL);
      case 'conditional':
        this.cond(e.test); this.cond(e.then); this.cond(e.otherwise);
        return this.set(e, BOOL);
      case 'sequence':
        e.exprs.slice(0, -1).forEach((x) => this.type(x));
        this.cond(e.exprs[e.exprs.length - 1]);
        return this.set(e, BOOL);
      default:
        return this.type(e);
    }
  }

  /** `l ?? r` with l a number or a boolean: the result is l and r is never evaluated. */
  private nullish(left: Expr, at: Pos): Ty {
    const l = this.type(left);
    if (l.kind === 'maybe') this.fail('`??`', at, 'its left side may be undefined, which `??` treats apart from NaN', 'give the left side a number value first');
    return l.kind === 'maybe' ? F64 : l;
  }

  private index(e: Expr, at: Pos): Ty {
    const t = this.type(e);
    if (t.kind === 'boolean') this.fail('a boolean index', at, 'a[true] reads a property named "true", not an element', 'index with a number');
    if (t.kind === 'maybe') this.fail('an index that may be undefined', at, 'a[undefined] reads a property named "undefined", not an element', 'give the index a number value');
    return t;
  }

  /** The type an element read has; `node` is recorded as in bounds when `index` is proven < length. */
  private element(node: Expr, array: VarId, index: Expr, at: Pos): Ty {
    const kind = this.array(array, at);
    const it = this.index(index, at);
    if (kind === undefined) return F64;
    const n = index.kind === 'var' ? this.narrow.get(index.v) : undefined;
    const proven = n !== undefined && n.below.has(array) && it.rep === 'i32' && it.lo >= 0;
    if (!proven) return MAYBE;
    this.inBounds.add(node);
    if (kind >= 7) return F64;
    const [lo, hi] = ELEMENT_RANGES[kind];
    return kind === 6 ? { kind: 'number', rep: 'u32', lo, hi } : i32(lo, hi);
  }

  type(e: Expr): Ty {
    switch (e.kind) {
      case 'number':
        return this.set(e, Number.isInteger(e.value) && !Object.is(e.value, -0) && Math.abs(e.value) <= 2 ** 31 - 1 ? i32(e.value, e.value) : F64);
      case 'boolean': return this.set(e, BOOL);
      case 'undefined': return this.set(e, MAYBE);
      case 'var': return this.set(e, this.readVar(e.v, e.at));
      case 'length': this.array(e.array, e.at); return this.set(e, i32(0, 2 ** 31 - 1));
      case 'load': return this.set(e, this.element(e, e.array, e.index, e.at));
      case 'mathConstant': return this.set(e, F64);
      case 'unary': {
        if (e.op === '!') { this.cond(e.arg); return this.set(e, BOOL); }
        const a = this.type(e.arg);
        if (e.op === '~') return this.set(e, i32(-(2 ** 31), 2 ** 31 - 1));
        return this.set(e, e.op === '+' ? num(a) : F64);
      }
      case 'binary': {
        const l = this.type(e.left), r = this.type(e.right);
        this.checkCompare(e.op, l, r, e.at);
        return this.set(e, binaryType(e.op, l, r, e.right));
      }
      case 'logical': return this.set(e, this.logical(e.op, this.type(e.left), () => this.type(e.right), e.at));
      case 'conditional': {
        this.cond(e.test);
        const t = this.type(e.then), o = this.type(e.otherwise);
        const j = joinTypes(t, o);
        if (j === null) this.fail('`?:`', e.at, 'one branch is a boolean and the other a number', 'make both branches numbers or both booleans');
        return this.set(e, j ?? F64);
      }
      case 'math': return this.set(e, this.math(e));
      case 'assign': return this.set(e, this.assign(e));
      case 'update': {
        const one = i32(1, 1);
        const op = e.op === '++' ? '+' : '-';
        let old: Ty;
        if (e.target.kind === 'var') old = this.readVar(e.target.v, e.at);
        else old = this.element(e, e.target.array, e.target.index, e.at);
        if (old.kind === 'boolean') this.fail(`\`${e.op}\``, e.at, 'it turns a boolean into a number', 'keep the variable a number');
        const res = binaryType(op, num(old), one, null);
        if (e.target.kind === 'var') this.assignVar(e.target.v, res, e.at);
        return this.set(e, e.prefix ? res : num(old));
      }
      case 'sequence': {
        let last: Ty = F64;
        for (const x of e.exprs) last = this.type(x);
        return this.set(e, last);
      }
    }
  }

  private checkCompare(op: string, l: Ty, r: Ty, at: Pos): void {
    const equality = ['===', '!==', '==', '!='].includes(op);
    if (!equality) return;
    // undefined and NaN both differ from every number, so one maybe-undefined side is exact;
    // two are not (undefined === undefined, NaN !== NaN).
    if (l.kind === 'maybe' && r.kind === 'maybe')
      this.fail(`\`${op}\``, at, 'both operands may be undefined, and undefined === undefined where NaN !== NaN', 'give one of the values a number first (a variable an initial value, an index a range check)');
    else if ((l.kind === 'boolean') !== (r.kind === 'boolean'))
      this.fail(`\`${op}\``, at, 'it compares a boolean with a number', 'compare numbers with numbers and booleans with booleans');
  }

  private logical(op: '&&' | '||' | '??', l: Ty, right: () => Ty, at: Pos): Ty {
    if (op === '??') {
      if (l.kind === 'maybe') this.fail('`??`', at, 'its left side may be undefined, which `??` treats apart from NaN', 'give the left side a number value first');
      return l.kind === 'maybe' ? F64 : l;
    }
    if (op === '&&' && l.kind === 'maybe')
      this.fail('`&&`', at, 'its left side may be undefined, and `undefined && x` is undefined, not NaN', 'give the left side a number value first');
    const r = right();
    const j = joinTypes(op === '||' ? num(l) : l, r);
    if (j === null || (l.kind === 'boolean') !== (r.kind === 'boolean')) {
      this.fail(`\`${op}\``, at, 'one side is a boolean and the other a number', 'make both sides numbers or both booleans (in an `if` test, mixing is fine)');
      return F64;
    }
    return j;
  }

  private math(e: Extract<Expr, { kind: 'math' }>): Ty {
    const arity = MATH_ARITY[e.fn];
    if (arity === undefined) this.fail(`Math.${e.fn}`, e.at, `Math.${e.fn} is not a kernel operation`, 'compute it in a function that is not a kernel');
    else if (arity > 0 && e.args.length !== arity)
      this.fail(`Math.${e.fn}`, e.at, `it takes ${arity} argument${arity > 1 ? 's' : ''} here, not ${e.args.length}`, `call it with exactly ${arity}`);
    else if (e.fn === 'hypot' && e.args.length > 2) this.fail('Math.hypot', e.at, 'more than two arguments are not exact in the kernel yet', 'nest two-argument calls only if the rounding difference is acceptable, or keep the function out of the kernel');
    if (this.inexactMath.has(e.fn))
      this.fail(`Math.${e.fn}`, e.at, `Math.${e.fn} is not bit-identical on this engine (its stencil follows V8's own algorithm, which this runtime does not use)`, 'keep the function on the engine\'s JIT');
    for (const a of e.args) this.type(a);
    return mathType(e.fn);
  }

  private assign(e: Extract<Expr, { kind: 'assign' }>): Ty {
    const t = e.target;
    if (t.kind === 'var') {
      if (e.op === '=') {
        const v = this.type(e.value);
        this.assignVar(t.v, v, e.at);
        return v;
      }
      const cur = this.readVar(t.v, e.at);
      if (e.op === '&&' || e.op === '||' || e.op === '??') {
        let skipped = true;
        const res = this.logical(e.op, cur, () => { skipped = false; return this.type(e.value); }, e.at);
        if (!skipped) this.assignVar(t.v, this.exprs.get(e.value) ?? F64, e.at);
        return res;
      }
      const v = this.type(e.value);
      this.checkCompare(e.op, cur, v, e.at);
      const res = binaryType(e.op, cur, v, e.value);
      this.assignVar(t.v, res, e.at);
      return res;
    }
    const old = this.element(e, t.array, t.index, e.at);
    if (e.op === '=') return this.type(e.value);
    if (e.op === '&&' || e.op === '||' || e.op === '??') return this.logical(e.op, old, () => this.type(e.value), e.at);
    return binaryType(e.op, old, this.type(e.value), e.value);
  }
}

