// Values computed once and read at the other places that compute them again, in three ways:
//
// - Common subexpressions of a run of straight-line statements (one statement, or consecutive
//   expression statements, declarations and a return of one block): a pure arithmetic expression
//   over variables and literals that the run computes more than once (spectral's
//   `(i + j) * (i + j + 1)`, n-body's `3 * j` in three declarations) is computed where it is first
//   evaluated, and its slot is read at the other places while none of its variables has been
//   written in between. Only statements without branches inside (no `&&`, `||`, `??`, `?:`, and
//   none of `&&=`, `||=`, `??=`, whose right side runs on one path) take part, so that the first
//   evaluation runs on every path to the others.
// - A loop test's values: what the test computes on every path into the body (the conjuncts of
//   its `&&` chain without branches inside) the body's first run reads as if computed there
//   (mandelbrot's `zr * zr` in `it < max && zr * zr + zi * zi <= 4` and in the body).
// - Loop invariants: such an expression inside a loop over variables the loop never writes (nor
//   declares) is computed once at the entry of the outermost loop where that holds (n-body's
//   `3 * i` in its inner loop). It is pure, so computing it there when the loop runs no iteration
//   changes nothing but time (but see below).
//
// A speculated int32 node (checked: it declines the call where JS's value leaves int32) computed
// before its place may decline a call in which the program would not have computed it: exact (a
// speculating kernel writes no array; the caller runs the function itself), but the tier then
// compiles the signature again without speculation. A loop test's later conjuncts (which run only
// after the first) share no speculated node, since the front end cannot know whether they will run.
// A loop invariant does: a zero-trip loop or a guard in the body are the rare case, and an
// invariant computed on every iteration is the common one.
//
// The ops are the same, in the same order, on the same values, so the bits are too.

import type { Expr, VarId } from './ir.js';
import { conjuncts, exprChildren, exprWrites } from './ir-walk.js';

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '**']);

/** The representation the typing gave an expression (and whether it was speculated); undefined where it must not be shared (never evaluated, as the right side of `??` on a number). */
export type RepOf = (x: Expr) => string | undefined;

function branches(e: Expr): boolean {
  const logicalAssign = e.kind === 'assign' && (e.op === '&&' || e.op === '||' || e.op === '??');
  return logicalAssign || e.kind === 'logical' || e.kind === 'conditional' || exprChildren(e).some(branches);
}

const literalKey = (value: number) => `n${Object.is(value, -0) ? '-0' : String(value)}`;
const binaryKey = (left: string, op: string, right: string, representation: string) => `(${left} ${op} ${right}):${representation}`;

/**
 * Calls `found` with the key of every arithmetic subexpression of `e` over variables and literals,
 * inner before outer, each visited once: a variable's key is `varKeyOf`'s (null: not shareable),
 * a binary node's its operands' keys, its operator and the representation `rep` gives it.
 */
function arithmeticKeys(e: Expr, varKeyOf: (v: VarId) => string | null, rep: RepOf, found: (x: Expr, key: string) => void): void {
  const keyOf = (x: Expr): string | null => {
    switch (x.kind) {
      case 'var': return varKeyOf(x.v);
      case 'number': return literalKey(x.value);
      case 'binary': {
        const left = keyOf(x.left), right = keyOf(x.right);
        const representation = rep(x);
        if (!ARITHMETIC.has(x.op) || left === null || right === null || representation === undefined) return null;
        const key = binaryKey(left, x.op, right, representation);
        found(x, key);
        return key;
      }
      default:
        exprChildren(x).forEach(keyOf);
        return null;
    }
  };
  keyOf(e);
}

/** One statement of a run: the expression it evaluates (none for `let x;`) and the variables it writes. */
export interface RunStatement {
  readonly expr: Expr | null;
  readonly writes: ReadonlySet<VarId>;
}

export interface RunSharing {
  /** Per statement of the run, its arithmetic subexpressions that the run computes more than once, with their keys. */
  readonly keys: readonly ReadonlyMap<Expr, string>[];
  /** Per key (shared or not), the last statement that reads it: a shared value's slot is given back after that one. */
  readonly lastUse: ReadonlyMap<string, number>;
}

/** The key of a variable's value, `writes` statements of its run after the run's start. */
const varKey = (v: VarId, writes: number) => `v${v}.${writes}`;

/**
 * The arithmetic subexpressions that a loop's test computes on every path into the body, with
 * their keys as the first statement of the body's run names them: those of the conjuncts of a
 * top-level `&&` chain without branches inside (the body runs only where each was evaluated),
 * over variables the test does not write. They are computed before the test, so the conjuncts
 * after the first use `laterRep`, which leaves out the speculated nodes (see above).
 */
export function valuesOnEntry(test: Expr, rep: RepOf, laterRep: RepOf): ReadonlyMap<Expr, string> {
  const written = exprWrites(test);
  const keys = new Map<Expr, string>();
  conjuncts(test).forEach((conjunct, index) => {
    if (branches(conjunct)) return;
    arithmeticKeys(conjunct, (v) => (written.has(v) ? null : varKey(v, 0)), index === 0 ? rep : laterRep, (x, key) => keys.set(x, key));
  });
  return keys;
}

/**
 * The common subexpressions of a run of statements (and those it reads of `computedBefore`, the
 * keys of values computed before it). Keys are equal for structurally equal
 * expressions (their variables, literals, operators and the representation `rep` gives) over the
 * same values: a variable's key names how many statements of the run have written it before, and
 * an expression over a variable its own statement writes has none.
 */
export function sharedInRun(run: readonly RunStatement[], rep: RepOf, computedBefore: ReadonlySet<string> = new Set()): RunSharing {
  const writes = new Map<VarId, number>();
  // A value computed before the run (a loop test's, valuesOnEntry) counts as one occurrence.
  const counts = new Map<string, number>([...computedBefore].map((key) => [key, 1]));
  const lastUse = new Map<string, number>();
  const all = run.map((statement, index) => {
    const keys = new Map<Expr, string>();
    const e = statement.expr;
    if (e && !branches(e)) {
      const written = exprWrites(e);
      arithmeticKeys(e, (v) => (written.has(v) ? null : varKey(v, writes.get(v) ?? 0)), rep, (x, key) => {
        keys.set(x, key);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        lastUse.set(key, index);
      });
    }
    for (const v of statement.writes) writes.set(v, (writes.get(v) ?? 0) + 1);
    return keys;
  });
  const keys = all.map((statementKeys) => new Map([...statementKeys].filter(([, key]) => counts.get(key)! > 1)));
  return { keys, lastUse };
}

/** What invariantValue found for an expression: its key and the variables it reads, or null. */
export type InvariantValue = { readonly key: string; readonly vars: ReadonlySet<VarId> } | null;

/**
 * The key of `e` as a loop invariant (equal for structurally equal expressions) and the variables
 * it reads, when it is arithmetic over variables `invariant` accepts and literals; else null.
 * `memo` keeps what was found for each subexpression (so that asking for every node of a deep
 * expression stays linear); it belongs to one `invariant`.
 */
export function invariantValue(e: Expr, invariant: (v: VarId) => boolean, rep: RepOf, memo: Map<Expr, InvariantValue>): InvariantValue {
  if (e.kind !== 'binary') return null;
  const known = memo.get(e);
  if (known !== undefined) return known;
  const operand = (x: Expr): InvariantValue => {
    if (x.kind === 'var') return invariant(x.v) ? { key: `v${x.v}`, vars: new Set([x.v]) } : null;
    if (x.kind === 'number') return { key: literalKey(x.value), vars: new Set() };
    return invariantValue(x, invariant, rep, memo);
  };
  let found: InvariantValue = null;
  const representation = rep(e);
  if (ARITHMETIC.has(e.op) && representation !== undefined) {
    const left = operand(e.left), right = operand(e.right);
    if (left && right) found = { key: binaryKey(left.key, e.op, right.key, representation), vars: new Set([...left.vars, ...right.vars]) };
  }
  memo.set(e, found);
  return found;
}
