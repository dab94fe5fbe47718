// The typing pass: for one signature, the kind (number, boolean, maybe-undefined number) and the
// representation (f64, i32, u32) of every expression and variable. Everything is f64 unless
// proven: i32/u32 come from bitwise ops, integer loads proven in bounds, lengths, i32 params,
// sums whose interval (lo..hi) fits int32, and variables only ToInt32 reads (int32-vars.ts).
// Variables get the join of every value assigned to them (flow-insensitive), computed to a fixed
// point; inside a loop body `i < B` (or `i * i < B`) narrows the interval of a counter the body
// and the test never write, which is what keeps `i + 1` an i32, and a loop update whose step
// leaves int32 only where the loop would end anyway exits the loop there (overflowExitOf).
// This file walks the statements and runs the fixed point; expressions are typed in
// type-exprs.ts, and what tests prove about maybe-undefined variables is tracked by defined.ts.

import type { Signature } from './index.js';
import type { Expr, FunctionIR, Pos, Stmt, VarId } from './ir.js';
import { completes } from './completion.js';
import { conjuncts, exprChildren, exprWrites, hasEffects, stmtWrites } from './ir-walk.js';
import { decline } from './decline.js';
import { ExpressionTyper, type Narrowing, type OverflowExit } from './type-exprs.js';
import { entryGuards, type EntryGuards } from './guards.js';
import { ARRAY_KINDS, F64, i32, MAYBE, readsFirst, WRAPPING_KINDS, type Ty } from './type-rules.js';
import { int32OnlyVars } from './int32-vars.js';

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
  /** What the kernel checks at entry (declining the call otherwise), and the typing assumed. */
  readonly guards: EntryGuards;
  /** Arithmetic typed i32 on speculation: its ops decline the call where JS's value is no int32. */
  readonly exact: ReadonlySet<Expr>;
  /** Loop updates typed i32 because an int32 overflow of the step ends the loop: checked, with the loop's exit as the check's target. */
  readonly exitsOnOverflow: ReadonlySet<Expr>;
  /** Variables read only through ToInt32 (int32-vars.ts): typed i32, holding ToInt32 of each value assigned. */
  readonly int32Only: ReadonlySet<VarId>;
}

/** `speculate`: int arithmetic may be an int32 checked at run time (only for a kernel that writes no array). */
export function typeFunction(ir: FunctionIR, signature: Signature, inexactMath: ReadonlySet<string>, speculate = false): Typing {
  return new Typer(ir, signature, inexactMath, entryGuards(ir, signature), speculate).run();
}

class Typer extends ExpressionTyper {
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
      else if (kind !== 'i32') this.vars[v] = F64;
      else {
        const guarded = this.guards.paramIntervals.get(v);
        this.vars[v] = guarded ? i32(guarded.lo, guarded.hi) : i32(-(2 ** 31), 2 ** 31 - 1);
      }
    });
    this.int32Only = int32OnlyVars(this.ir, (array) => WRAPPING_KINDS.has(this.arrays.get(array) ?? -1));
    for (let pass = 0; ; pass++) {
      if (pass > 200) decline('the function', at, 'its types did not settle (an internal limit)', 'simplify the function');
      this.changed = this.touched = false;
      this.firstFail = null;
      this.walkPass();
      if (!this.changed) break;
    }
    // A pass is a function of the state it starts from: when the last one changed none of it, the
    // final pass would repeat it exactly (up to its first decline), so its results stand.
    if (this.touched) {
      this.final = true;
      this.walkPass();
    } else {
      const first = this.firstFail as ExpressionTyper['firstFail'];
      if (first) decline(...first);
    }
    const returnType = this.returnType(at);
    return { vars: this.vars, arrays: this.arrays, exprs: this.exprs, inBounds: this.inBounds, hoistedUndefined: this.hoisted, returnType, guards: this.guards, exact: this.exact, exitsOnOverflow: this.exitsOnOverflow, int32Only: this.int32Only };
  }

  private walkPass(): void {
    this.exprs = new Map();
    this.exact = new Set();
    this.exitsOnOverflow = new Set();
    this.inBounds = new Set();
    this.narrow = new Map();
    this.defined.reset();
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
          this.touched = true;
          this.assignVar(s.v, MAYBE, s.at);
        }
        if (s.init) this.assignVar(s.v, this.type(s.init), s.at);
        else if (variable?.declaredAs !== 'var') this.assignVar(s.v, MAYBE, s.at);
        this.declared.add(s.v);
        break;
      }
      case 'if': {
        this.cond(s.test);
        const before = this.defined.save();
        const typeOf = (e: Expr) => this.exprs.get(e);
        let thenOut = before, otherwiseOut = before;
        this.nested(() => {
          this.defined.learn(s.test, true, typeOf);
          this.stmt(s.then);
          thenOut = this.defined.save();
          this.defined.restore(before);
          this.defined.learn(s.test, false, typeOf);
          if (s.otherwise) this.stmt(s.otherwise);
          otherwiseOut = this.defined.save();
        });
        // Only the branches that can complete normally reach the next statement.
        const thenGoesOn = completes(s.then), otherwiseGoesOn = s.otherwise === null || completes(s.otherwise);
        if (thenGoesOn && otherwiseGoesOn) this.defined.meet(thenOut, otherwiseOut);
        else this.defined.restore(thenGoesOn ? thenOut : otherwiseGoesOn ? otherwiseOut : before);
        break;
      }
      case 'loop': this.loop(s); break;
      case 'block':
        this.nested(() => s.body.forEach((b) => this.stmt(b)));
        // A labeled block can be left by `break` from anywhere in it.
        if (s.labels.length > 0) this.defined.kill(stmtWrites(s));
        break;
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
    // What holds at the head holds everywhere in the loop and after it: the facts about
    // variables the loop never writes.
    this.defined.kill(stmtWrites(s));
    const head = this.defined.save();
    this.nested(() => {
      const saved = this.narrow;
      if (s.test) this.cond(s.test);
      if (s.test && !s.testAfterBody) this.defined.learn(s.test, true, (e) => this.exprs.get(e));
      const fromTest = s.test && !s.testAfterBody ? this.narrowFrom(s.test) : new Map<VarId, Narrowing>();
      // A variable the body never writes keeps the test's interval in the whole body; one it
      // writes keeps it in the body's first statements, up to the one that writes it.
      const bodyWrites = stmtWrites(s.body);
      const narrowed = new Map([...fromTest].filter(([v]) => !bodyWrites.has(v)));
      const untilWritten = new Map([...fromTest].filter(([v]) => bodyWrites.has(v)));
      this.narrow = new Map([...saved, ...fromTest]);
      this.bodyUntilWritten(s.body, untilWritten);
      // The update (and a do-while's test) is also reached by `continue`: only the head's facts.
      this.defined.restore(head);
      if (s.testAfterBody && s.test) { /* the test was typed above; do-while bodies are not narrowed */ }
      if (s.update) {
        // The counter still has its narrowed interval when the update reads it first (`i++`,
        // `i += 1`); any other update sees the variables' full intervals.
        const keep = new Map<VarId, Narrowing>(saved);
        for (const [v, n] of narrowed) if (readsFirst(s.update, v)) keep.set(v, n);
        this.narrow = keep;
        this.overflowExit = this.overflowExitOf(s);
        this.type(s.update);
        this.overflowExit = null;
      }
      this.narrow = saved;
    });
    this.defined.restore(head);
  }

  /**
   * The counter of `for (let j = ...; ... j < B ...; j += s)` (or `j -= s` under `j > B`; also
   * `j++`, `j--`, `<=`, `>=`, either side, a conjunct of `&&`) when JS's j leaving int32 at the
   * update means the loop ends: a sum past 2^31 - 1 fails `j < B` where B is an int32 in JS, and
   * nothing reads j after the loop (a `let` of the loop's own init), nor does the test write
   * anything, so the update's check may jump to the loop's exit as the test would. B must be an
   * int32 that the typing proved, not speculated (a speculated B may be past int32 in JS, and its
   * check would be skipped), and read nothing the update writes (`j <= j` would hold again); the
   * update's step has no effects (`j += (j += 4) & 0` writes j inside it). The body must not write
   * j, or its value at the update would not be the one the test bounded. sieve's `j += i` and
   * `i += 2` to a bound of any int32 stay int32 so, as TurboFan keeps them by speculating.
   */
  private overflowExitOf(s: Extract<Stmt, { kind: 'loop' }>): OverflowExit | null {
    const u = s.update;
    if (!s.test || s.testAfterBody || !u) return null;
    const target = u.kind === 'update' || (u.kind === 'assign' && (u.op === '+' || u.op === '-') && !hasEffects(u.value)) ? u.target : null;
    if (target?.kind !== 'var') return null;
    const v = target.v;
    if (this.ir.variables[v]?.declaredAs !== 'let' || !s.init.some((d) => d.kind === 'declare' && d.v === v)) return null;
    if (exprWrites(s.test).size > 0 || stmtWrites(s.body).has(v)) return null;
    let up = false, down = false;
    const stepped = exprWrites(u);
    const proven = (e: Expr): boolean => !this.exact.has(e) && exprChildren(e).every(proven);
    const readsStepped = (e: Expr): boolean => (e.kind === 'var' && stepped.has(e.v)) || exprChildren(e).some(readsStepped);
    const fixedBound = (b: Expr) => this.isInt32Number(b) && proven(b) && !readsStepped(b);
    const visit = (e: Expr): void => {
      if (e.kind !== 'binary' || !['<', '<=', '>', '>='].includes(e.op)) return;
      const leftBelow = e.op === '<' || e.op === '<=';
      // j < B and B > j bound j from above; j > B and B < j from below.
      if (e.left.kind === 'var' && e.left.v === v && this.isInt32Number(e.left) && fixedBound(e.right)) { if (leftBelow) up = true; else down = true; }
      if (e.right.kind === 'var' && e.right.v === v && this.isInt32Number(e.right) && fixedBound(e.left)) { if (leftBelow) down = true; else up = true; }
    };
    conjuncts(s.test).forEach(visit);
    return up || down ? { update: u, up, down } : null;
  }

  /**
   * Types a loop body whose leading statements see `untilWritten` (narrowings of variables the
   * body writes; this.narrow holds them on entry): each is dropped before the first statement
   * that writes its variable, or after it when that statement is an expression that reads the
   * variable before writing it (`j--`, `y = y % k`).
   */
  private bodyUntilWritten(body: Stmt, untilWritten: Map<VarId, Narrowing>): void {
    const statements = body.kind === 'block' && body.labels.length === 0 ? body.body : [body];
    const drop = (vars: Iterable<VarId>): void => {
      const kept = new Map(this.narrow);
      for (const v of vars) { kept.delete(v); untilWritten.delete(v); }
      this.narrow = kept;
    };
    this.nested(() => {
      for (const statement of statements) {
        const writes = [...untilWritten.keys()].filter((v) => stmtWrites(statement).has(v));
        const readFirst = statement.kind === 'expression' ? writes.filter((v) => readsFirst(statement.expr, v)) : [];
        drop(writes.filter((v) => !readFirst.includes(v)));
        this.stmt(statement);
        drop(readFirst);
      }
    });
  }

  /**
   * `i < B`, `B > i`, `i >= B`... and `x !== k` with k an end of x's interval (conjuncts of &&),
   * for variables the test never writes.
   */
  private narrowFrom(test: Expr): Map<VarId, Narrowing> {
    const out = new Map<VarId, Narrowing>();
    const written = exprWrites(test);
    const visit = (e: Expr): void => {
      if (e.kind === 'binary' && (e.op === '!==' || e.op === '!=')) { this.narrowNotEqual(e.left, e.right, written, out); return; }
      if (e.kind !== 'binary' || !['<', '<=', '>', '>='].includes(e.op)) return;
      const flip: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
      const sides: [Expr, Expr, string][] = [[e.left, e.right, e.op], [e.right, e.left, flip[e.op]]];
      for (const [counter, bound, op] of sides) {
        if (this.narrowSquare(counter, bound, op, written, out)) continue;
        if (counter.kind !== 'var' || written.has(counter.v)) continue;
        if (!this.isInt32Number(counter) || !this.isInt32Number(bound)) continue;
        const c = this.exprs.get(counter)!, b = this.exprs.get(bound)!;
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
    conjuncts(test).forEach(visit);
    return out;
  }

  /**
   * `i * i < B` (or `<=`) with i and B int32s: |i| <= floor(sqrt(B - 1)) (or sqrt(B)), so that a
   * trial-division or sieve loop `for (let i = 2; i * i < n; i++)` has an int32 counter whose
   * square in the body is an int32 too. (The f64 square rounds, but monotonically: it is below B
   * only where the exact square is.) Returns whether `counter` is a square `v * v` (then it is no
   * plain counter either), whether or not it narrowed anything.
   */
  private narrowSquare(counter: Expr, bound: Expr, op: string, written: ReadonlySet<VarId>, out: Map<VarId, Narrowing>): boolean {
    if (counter.kind !== 'binary' || counter.op !== '*' || counter.left.kind !== 'var' || counter.right.kind !== 'var') return false;
    const v = counter.left.v;
    if (counter.right.v !== v) return false;
    if (op !== '<' && op !== '<=') return true;
    if (written.has(v) || !this.isInt32Number(counter.left) || !this.isInt32Number(bound)) return true;
    const c = this.exprs.get(counter.left)!, b = this.exprs.get(bound)!;
    const largest = op === '<' ? b.hi - 1 : b.hi;  // of the square
    if (largest < 0) return true;  // the body never runs: nothing to narrow to
    const root = Math.floor(Math.sqrt(largest));
    const prev = out.get(v) ?? this.narrow.get(v) ?? { lo: -Infinity, hi: Infinity, below: new Set<VarId>() };
    // (A finite narrowed end replaces the variable's own where readVar reads it, an infinite one
    // keeps it: so a non-negative i keeps its lower bound, and a negative one gets -root.)
    out.set(v, { lo: c.lo >= 0 ? prev.lo : Math.max(prev.lo, -root), hi: Math.min(prev.hi, root), below: prev.below });
    return true;
  }

  /** Whether `e` was typed a number in an int32 slot (not a boolean, not maybe undefined). */
  private isInt32Number(e: Expr): boolean {
    const t = this.exprs.get(e);
    return t !== undefined && t.rep === 'i32' && t.kind === 'number';
  }

  /** `x !== k` (either order) with x an i32 whose interval ends at the constant k: one end moves in. */
  private narrowNotEqual(left: Expr, right: Expr, written: ReadonlySet<VarId>, out: Map<VarId, Narrowing>): void {
    for (const [v, k] of [[left, right], [right, left]]) {
      if (v.kind !== 'var' || k.kind !== 'number' || written.has(v.v)) continue;
      const t = this.exprs.get(v);
      if (!t || t.rep !== 'i32' || t.kind !== 'number' || t.lo === t.hi) continue;
      const prev = out.get(v.v) ?? this.narrow.get(v.v) ?? { lo: -Infinity, hi: Infinity, below: new Set<VarId>() };
      if (k.value === t.lo) out.set(v.v, { ...prev, lo: Math.max(prev.lo, t.lo + 1) });
      else if (k.value === t.hi) out.set(v.v, { ...prev, hi: Math.min(prev.hi, t.hi - 1) });
    }
  }
}
