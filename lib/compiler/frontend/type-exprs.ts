// Typing of expressions, the half of the typing pass (types.ts) that works on one expression
// at a time: the kind and representation of a value from its operands (type-rules.ts), the
// variables' joined types, the element reads proven in bounds, and the facts about
// maybe-undefined variables (defined.ts). types.ts walks the statements and runs the fixed point.

import type { Signature } from './index.js';
import { MATH_FUNCTIONS, type BinaryOp, type Expr, type FunctionIR, type Pos, type Stmt, type VarId } from './ir.js';
import { Definedness } from './defined.js';
import { exprWrites } from './ir-walk.js';
import { decline } from './decline.js';
import type { EntryGuards } from './guards.js';
import { binaryType, BOOL, ELEMENT_RANGES, F64, i32, joinTypes, MAYBE, mathType, num, overflowExitType, sameType, speculativeType, type Ty } from './type-rules.js';

// The widening thresholds of an int interval's bounds (then the full int32 range, then f64). Two,
// since every step is one more typing pass for each variable that keeps growing (a counter with
// no bound goes through all of them to f64); 2^16 holds 16-bit checksums, 2^30 sums of two.
const THRESHOLDS = [2 ** 16, 2 ** 30];
/** Changes of a variable's type before it is f64: 6 plain ones, then at most one per threshold of each bound. */
const MAX_CHANGES = 6 + 2 * (THRESHOLDS.length + 1);

function widenHigh(hi: number): number {
  if (hi <= 0) return 0;
  return THRESHOLDS.find((t) => t >= hi) ?? 2 ** 31 - 1;
}

function widenLow(lo: number): number {
  if (lo >= 0) return 0;
  const t = THRESHOLDS.find((x) => x >= -lo);
  return t === undefined ? -(2 ** 31) : -t;
}

/**
 * The counter of a loop whose update may step it out of int32 into the loop's exit (types.ts
 * overflowExitOf): `up` where the test bounds it from above (`j < B`), `down` from below.
 */
export interface OverflowExit {
  /** The update itself (`j += s`, `j++`): no other write of j inside it takes the exit. */
  readonly update: Expr;
  readonly up: boolean;
  readonly down: boolean;
}

/** A loop counter's interval inside a loop body, from the loop's test. */
export interface Narrowing {
  readonly lo: number;
  readonly hi: number;
  /** Arrays whose length is a strict upper bound of the variable here. */
  readonly below: ReadonlySet<VarId>;
}

export abstract class ExpressionTyper {
  protected vars: (Ty | undefined)[] = [];
  protected changes: number[] = [];
  protected readonly arrays = new Map<VarId, number>();
  protected exprs = new Map<Expr, Ty>();
  /** Arithmetic typed i32 on speculation: lowered to the ops that decline where JS's value is no int32. */
  protected exact = new Set<Expr>();
  /** Loop updates typed i32 because JS's value leaving int32 ends the loop (OverflowExit): checked, the check's branch is the exit. */
  protected exitsOnOverflow = new Set<Expr>();
  /** While typing a loop's update: its counter, if an overflow of its step may leave the loop instead (types.ts). */
  protected overflowExit: OverflowExit | null = null;
  protected inBounds = new Set<Expr>();
  protected readonly hoisted = new Set<VarId>();
  protected narrow = new Map<VarId, Narrowing>();
  /** Variables that may be undefined but hold a number at this point of the walk. */
  protected readonly defined = new Definedness();
  protected declared = new Set<VarId>();
  protected nesting = 0;
  protected returns: Ty[] = [];
  protected bareReturn: Pos | null = null;
  protected valueReturn: Pos | null = null;
  protected final = false;
  protected changed = false;
  /** Whether this pass changed any state a later pass starts from (a variable's type, its change count, `hoisted`). */
  protected touched = false;
  /** The first decline of a pass that is not final: thrown when that pass turns out to be the final one. */
  protected firstFail: readonly [string, Pos, string, string] | null = null;

  /** Variables only read through ToInt32 (int32-vars.ts): typed i32, their slots hold ToInt32 of the value. */
  protected int32Only: ReadonlySet<VarId> = new Set();

  /** Variables that always hold `a.length` (`const n = a.length`, never assigned again): n -> a. */
  protected readonly lengthAliases = new Map<VarId, VarId>();

  constructor(
    protected readonly ir: FunctionIR,
    protected readonly signature: Signature,
    protected readonly inexactMath: ReadonlySet<string>,
    protected readonly guards: EntryGuards,
    /** Whether int arithmetic may be typed i32 on speculation (speculativeType): a kernel that writes no array. */
    protected readonly speculate: boolean,
  ) {
    const visit = (s: Stmt): void => {
      if (s.kind === 'declare' && s.init?.kind === 'length' && this.ir.variables[s.v]?.assigned === false && this.ir.variables[s.v]?.declaredAs !== 'var')
        this.lengthAliases.set(s.v, s.init.array);
      if (s.kind === 'block') s.body.forEach(visit);
      if (s.kind === 'if') { visit(s.then); if (s.otherwise) visit(s.otherwise); }
      if (s.kind === 'loop') { s.init.forEach(visit); visit(s.body); }
    };
    ir.body.forEach(visit);
  }

  /**
   * A decline, in the final pass only: earlier passes run on types that have not settled. Other
   * passes keep the first one, for when a pass that changed nothing stands in for the final one.
   */
  protected fail(construct: string, at: Pos, reason: string, fix: string): void {
    if (this.final) decline(construct, at, reason, fix);
    this.firstFail ??= [construct, at, reason, fix];
  }

  protected name(v: VarId): string {
    return `\`${this.ir.variables[v]?.name ?? '?'}\``;
  }

  protected assignVar(v: VarId, t: Ty, at: Pos): void {
    if (this.arrays.has(v)) {
      this.fail(`the assignment to ${this.name(v)}`, at, 'it reassigns a typed-array parameter', 'assign to a new local variable instead');
      return;
    }
    // ToInt32 of a value that is no int32 may be any int32 (an int32 keeps its interval).
    if (this.int32Only.has(v) && !(t.kind === 'number' && t.rep === 'i32')) t = i32(-(2 ** 31), 2 ** 31 - 1);
    this.defined.assigned(v, t.kind);
    const cur = this.vars[v];
    let joined = cur === undefined ? t : joinTypes(cur, t);
    if (joined === null) {
      this.fail(`the assignment to ${this.name(v)}`, at, `${this.name(v)} holds both booleans and numbers`, `keep ${this.name(v)} one kind (use 0 and 1 for flags)`);
      joined = F64;
    }
    if (cur !== undefined && sameType(cur, joined)) return;
    this.touched = true;
    const n = (this.changes[v] = (this.changes[v] ?? 0) + 1);
    // Widening, so that `x = x + 1` settles: after 6 changes the interval's bounds jump to the next
    // threshold (2^16, 2^30, the full range), then after MAX_CHANGES to f64. A threshold
    // below the full range lets a bounded recurrence settle as an int: `a = (a + data[i]) % 65521`
    // climbs 255 per pass; at [0, 2^16] its sum still fits int32, so the remainder keeps it there.
    if (n > MAX_CHANGES) joined = { ...joined, rep: joined.kind === 'boolean' ? joined.rep : 'f64', lo: -Infinity, hi: Infinity };
    else if (n > 6 && joined.rep === 'i32' && joined.kind !== 'boolean') joined = i32(widenLow(joined.lo), widenHigh(joined.hi));
    else if (n > 6 && joined.rep === 'u32') joined = { ...joined, lo: 0, hi: 2 ** 32 - 1 };
    if (cur !== undefined && sameType(cur, joined)) return;
    this.vars[v] = joined;
    this.changed = true;
  }

  protected readVar(v: VarId, at: Pos): Ty {
    if (this.arrays.has(v)) {
      this.fail(this.name(v), at, `${this.name(v)} is a typed array (${this.signature[this.ir.params.indexOf(v)]}) used as a value`, 'use it only as `a[i]` or `a.length`, or pass a number');
      return F64;
    }
    const variable = this.ir.variables[v];
    if (variable?.declaredAs === 'var' && !this.declared.has(v) && !this.hoisted.has(v)) {
      this.hoisted.add(v);
      this.touched = true;
      this.assignVar(v, MAYBE, at);
    }
    const t = this.vars[v] ?? i32(0, 0);
    if (t.kind === 'maybe' && this.defined.has(v)) return F64;
    const n = this.narrow.get(v);
    // The narrowed side replaces the variable's own bound (rather than meeting it), so that the
    // fixed point does not climb one step per pass: `i < B` alone bounds i by B - 1 in the body.
    if (n && t.rep === 'i32' && t.kind === 'number') {
      const lo = Number.isFinite(n.lo) ? n.lo : t.lo, hi = Number.isFinite(n.hi) ? n.hi : t.hi;
      return i32(lo, Math.max(lo, hi));
    }
    return t;
  }

  protected array(v: VarId, at: Pos): number | undefined {
    const kind = this.arrays.get(v);
    if (kind === undefined) this.fail(`${this.name(v)}[...]`, at, `${this.name(v)} is used as a typed array but was given ${this.signature[this.ir.params.indexOf(v)] ?? 'a local value'}`, `pass a typed array for ${this.name(v)}`);
    return kind;
  }
  // ---- expressions -----------------------------------------------------------------------------

  protected set(e: Expr, t: Ty): Ty {
    this.exprs.set(e, t);
    return t;
  }

  /** An expression in a condition: only its truthiness matters, so && || ! ?: mix kinds freely. */
  cond(e: Expr): Ty {
    switch (e.kind) {
      case 'logical': {
        if (e.op === '??') return this.set(e, this.nullish(e.left, e.at));
        this.cond(e.left);
        this.maybeEvaluated(e.right, () => this.cond(e.right), e.left, e.op === '&&');
        return this.set(e, BOOL);
      }
      case 'unary':
        if (e.op !== '!') return this.type(e);
        this.cond(e.arg);
        return this.set(e, BOOL);
      case 'conditional':
        this.cond(e.test);
        this.maybeEvaluated(e.then, () => this.cond(e.then), e.test, true);
        this.maybeEvaluated(e.otherwise, () => this.cond(e.otherwise), e.test, false);
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
  protected nullish(left: Expr, at: Pos): Ty {
    const l = this.type(left);
    if (l.kind === 'maybe') this.fail('`??`', at, 'its left side may be undefined, which `??` treats apart from NaN', 'give the left side a number value first');
    return l.kind === 'maybe' ? F64 : l;
  }

  protected index(e: Expr, at: Pos): Ty {
    const t = this.type(e);
    if (t.kind === 'boolean') this.fail('a boolean index', at, 'a[true] reads a property named "true", not an element', 'index with a number');
    if (t.kind === 'maybe') this.fail('an index that may be undefined', at, 'a[undefined] reads a property named "undefined", not an element', 'give the index a number value');
    return t;
  }

  /** The type an element read has; `node` is recorded as in bounds when `index` is proven < length. */
  protected element(node: Expr, array: VarId, index: Expr, at: Pos): Ty {
    const kind = this.array(array, at);
    const it = this.index(index, at);
    if (kind === undefined) return F64;
    const n = index.kind === 'var' ? this.narrow.get(index.v) : undefined;
    // A constant below the length the entry guard demands, or a counter below the array's length.
    const guarded = index.kind === 'number' && it.rep === 'i32' && it.lo >= 0 && it.hi < (this.guards.minLengths.get(array) ?? 0);
    const proven = guarded || (n !== undefined && n.below.has(array) && it.rep === 'i32' && it.lo >= 0);
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
        this.checkPower(e.op, e.at);
        return this.set(e, this.arithmeticType(e, e.op, l, r, e.right));
      }
      case 'logical': return this.set(e, this.logical(e.op, this.type(e.left), () => this.maybeEvaluated(e.right, () => this.type(e.right), e.left, e.op === '&&'), e.at));
      case 'conditional': {
        this.cond(e.test);
        const t = this.maybeEvaluated(e.then, () => this.type(e.then), e.test, true);
        const o = this.maybeEvaluated(e.otherwise, () => this.type(e.otherwise), e.test, false);
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
        const res = e.target.kind === 'var' ? this.counterStep(e, op, num(old), one) ?? this.arithmeticType(e, op, num(old), one, null) : binaryType(op, num(old), one, null);
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

  /** The int32 of a loop update whose overflow leaves the loop (overflowExitType), marked in `exitsOnOverflow`; else null. */
  private counterStep(e: Expr, op: BinaryOp, current: Ty, step: Ty): Ty | null {
    if (this.overflowExit?.update !== e) return null;
    const t = overflowExitType(op, current, step, this.overflowExit);
    if (t) this.exitsOnOverflow.add(e);
    return t;
  }

  /** binaryType, or when speculating and that is f64, the int32 a run-time check keeps (marked in `exact`). */
  private arithmeticType(e: Expr, op: BinaryOp, l: Ty, r: Ty, rightExpr: Expr | null): Ty {
    const t = binaryType(op, l, r, rightExpr);
    if (!this.speculate || t.rep !== 'f64') return t;
    const speculated = speculativeType(op, l, r, rightExpr);
    if (!speculated) return t;
    this.exact.add(e);
    return speculated;
  }

  /**
   * Types `e`, which runs only when `test` (if given) evaluated to `outcome` (`a && e`: a was
   * truthy; `a || e`, `a ?? e`: a was not): what the test proves holds inside e, and afterwards
   * no fact about what e writes holds.
   */
  protected maybeEvaluated<T>(e: Expr, typeIt: () => T, test?: Expr, outcome = false): T {
    const before = this.defined.save();
    if (test) this.defined.learn(test, outcome, (x) => this.exprs.get(x));
    const t = typeIt();
    this.defined.restore(before);
    this.defined.kill(exprWrites(e));
    return t;
  }

  /** `**` is Math.pow's stencil: it declines where Math.pow is not exact on this engine. */
  protected checkPower(op: string, at: Pos): void {
    if (op === '**' && this.inexactMath.has('pow'))
      this.fail('`**`', at, 'x ** y is not bit-identical on this engine (its stencil follows the C library\'s pow, which this runtime does not use)', 'keep the function on the engine\'s JIT');
  }

  protected checkCompare(op: string, l: Ty, r: Ty, at: Pos): void {
    const equality = ['===', '!==', '==', '!='].includes(op);
    if (!equality) return;
    // undefined and NaN both differ from every number, so one maybe-undefined side is exact;
    // two are not (undefined === undefined, NaN !== NaN).
    if (l.kind === 'maybe' && r.kind === 'maybe')
      this.fail(`\`${op}\``, at, 'both operands may be undefined, and undefined === undefined where NaN !== NaN', 'give one of the values a number first (a variable an initial value, an index a range check)');
    else if ((l.kind === 'boolean') !== (r.kind === 'boolean'))
      this.fail(`\`${op}\``, at, 'it compares a boolean with a number', 'compare numbers with numbers and booleans with booleans');
  }

  protected logical(op: '&&' | '||' | '??', l: Ty, right: () => Ty, at: Pos): Ty {
    if (op === '??') {
      if (l.kind === 'maybe') this.fail('`??`', at, 'its left side may be undefined, which `??` treats apart from NaN', 'give the left side a number value first');
      return l.kind === 'maybe' ? F64 : l;
    }
    if (op === '&&' && l.kind === 'maybe')
      this.fail('`&&`', at, 'its left side may be undefined, and `undefined && x` is undefined, not NaN', 'give the left side a number value first');
    const r = right();
    // A maybe-undefined left side of `||` is a number (undefined || x is x, as NaN || x); a boolean stays one.
    const j = joinTypes(op === '||' && l.kind === 'maybe' ? num(l) : l, r);
    if (j === null || (l.kind === 'boolean') !== (r.kind === 'boolean')) {
      this.fail(`\`${op}\``, at, 'one side is a boolean and the other a number', 'make both sides numbers or both booleans (in an `if` test, mixing is fine)');
      return F64;
    }
    return j;
  }

  protected math(e: Extract<Expr, { kind: 'math' }>): Ty {
    const arity = MATH_FUNCTIONS.get(e.fn);
    if (arity === undefined) this.fail(`Math.${e.fn}`, e.at, `Math.${e.fn} is not a kernel operation`, 'compute it in a function that is not a kernel');
    else if (arity > 0 && e.args.length !== arity)
      this.fail(`Math.${e.fn}`, e.at, `it takes ${arity} argument${arity > 1 ? 's' : ''} here, not ${e.args.length}`, `call it with exactly ${arity}`);
    else if (e.fn === 'hypot' && e.args.length > 2) this.fail('Math.hypot', e.at, 'more than two arguments are not exact in the kernel yet', 'nest two-argument calls only if the rounding difference is acceptable, or keep the function out of the kernel');
    if (this.inexactMath.has(e.fn))
      this.fail(`Math.${e.fn}`, e.at, `Math.${e.fn} is not bit-identical on this engine (its stencil follows V8's own algorithm, which this runtime does not use)`, 'keep the function on the engine\'s JIT');
    for (const a of e.args) this.type(a);
    return mathType(e.fn);
  }

  protected assign(e: Extract<Expr, { kind: 'assign' }>): Ty {
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
        const res = this.logical(e.op, cur, () => { skipped = false; return this.maybeEvaluated(e.value, () => this.type(e.value)); }, e.at);
        if (!skipped) this.assignVar(t.v, this.exprs.get(e.value) ?? F64, e.at);
        return res;
      }
      const v = this.type(e.value);
      this.checkCompare(e.op, cur, v, e.at);
      this.checkPower(e.op, e.at);
      const res = this.counterStep(e, e.op, cur, v) ?? this.arithmeticType(e, e.op, cur, v, e.value);
      this.assignVar(t.v, res, e.at);
      return res;
    }
    const old = this.element(e, t.array, t.index, e.at);
    if (e.op === '=') return this.type(e.value);
    if (e.op === '&&' || e.op === '||' || e.op === '??') return this.logical(e.op, old, () => this.maybeEvaluated(e.value, () => this.type(e.value)), e.at);
    this.checkPower(e.op, e.at);
    return binaryType(e.op, old, this.type(e.value), e.value);
  }
}


