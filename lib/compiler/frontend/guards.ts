// Entry guards: facts about the arguments that a kernel checks once, at its entry, declining the
// call when one fails (DECLINE: the kernel returns at once and the wrapper runs the JS function),
// so that the typing may assume them everywhere in the function:
//  - an i32 parameter that bounds a loop test's comparison with `<=` or `>=` lies in
//    [-2^31 + 1, 2^31 - 2]: the counter of `for (i = 1; i <= n; i++)` then stays an int32 one
//    step past the bound, where n = 2^31 - 1 would take it to 2^31 (so it had to be an f64);
//  - an i32 parameter n, never assigned, that bounds the counter of a loop `i < n` (from a
//    non-negative literal) and multiplies a counter it bounds in an index (matmul's
//    `a[i * n + k]`) lies in [0, 46340]: `i * n` and `i * n + k` are then int32s (46340^2 <
//    2^31 - 46340), where any n made them f64 or MULADD_INDEX. A larger n indexes past 2^31 - 1,
//    beyond any typed array the engine takes (at most 2^31 - 1 elements), so of those calls only
//    one that stops its loops early or reads past the end declines (and a negative n, whose loops
//    run no iteration);
//  - a typed-array parameter read or written at constant indices (up to MAX_GUARDED_INDEX) has
//    more elements than the largest of them: `a[0]` is then in bounds, an int32 of an Int32Array
//    rather than a number that may be undefined;
//  - a typed-array parameter `b` read or written at the counter of a loop `i < a.length` (with
//    `a` another typed-array parameter; or `i < n` with `const n = a.length`, or
//    `i <= a.length - 1`) has at least a's length: the engine's range analysis
//    (native/core/bounds.cc) then proves `b[i]` in range as it proves `a[i]`, and drops both checks.
// A call that fails a guard is one V8 runs as it would without jitctl, so exactness holds by
// construction; such calls are rare (an argument at the very end of int32, an empty array where
// the function reads a[0], an output array shorter than the input it is computed from).

import type { Signature } from './index.js';
import type { Expr, FunctionIR, VarId } from './ir.js';
import { conjuncts, exprChildren, forEachExpr, forEachStmt } from './ir-walk.js';
import { ARRAY_KINDS } from './type-rules.js';

/** The largest constant index whose array gets a length guard (a larger one is left to the bounds check). */
export const MAX_GUARDED_INDEX = 1023;

export interface EntryGuards {
  /** i32 parameters and the interval each is guarded to (NARROWED_PARAM, SQUARE_BOUND or both). */
  readonly paramIntervals: ReadonlyMap<VarId, { readonly lo: number; readonly hi: number }>;
  /** Typed-array parameters and the element count each must have at least. */
  readonly minLengths: ReadonlyMap<VarId, number>;
  /** Typed-array parameters and the typed-array parameters whose length each must have at least. */
  readonly lengthsAtLeast: ReadonlyMap<VarId, ReadonlySet<VarId>>;
}

export const NARROWED_PARAM = { lo: -(2 ** 31) + 1, hi: 2 ** 31 - 2 } as const;
/** The interval of a parameter that bounds a counter it multiplies in an index: n * n + n < 2^31. */
export const SQUARE_BOUND = { lo: 0, hi: 46340 } as const;

export function entryGuards(ir: FunctionIR, signature: Signature): EntryGuards {
  const i32Params = new Set(ir.params.filter((_, i) => signature[i] === 'i32'));
  const arrayParams = new Set(ir.params.filter((_, i) => ARRAY_KINDS[signature[i]] !== undefined));

  const paramIntervals = new Map<VarId, { lo: number; hi: number }>();
  const narrow = (v: VarId, to: { readonly lo: number; readonly hi: number }): void => {
    const was = paramIntervals.get(v) ?? { lo: -(2 ** 31), hi: 2 ** 31 - 1 };
    paramIntervals.set(v, { lo: Math.max(was.lo, to.lo), hi: Math.min(was.hi, to.hi) });
  };
  const bounds = (test: Expr): void => {
    if (test.kind !== 'binary' || (test.op !== '<=' && test.op !== '>=')) return;
    for (const side of [test.left, test.right]) if (side.kind === 'var' && i32Params.has(side.v)) narrow(side.v, NARROWED_PARAM);
  };
  forEachStmt(ir.body, (s) => {
    if (s.kind === 'loop' && s.test) conjuncts(s.test).forEach(bounds);
  });
  for (const n of squareBounded(ir, i32Params)) narrow(n, SQUARE_BOUND);

  const minLengths = new Map<VarId, number>();
  const constantIndex = (array: VarId, index: Expr): void => {
    if (!arrayParams.has(array) || index.kind !== 'number') return;
    const c = index.value;
    if (!Number.isInteger(c) || c < 0 || c > MAX_GUARDED_INDEX || Object.is(c, -0)) return;
    minLengths.set(array, Math.max(minLengths.get(array) ?? 0, c + 1));
  };
  forEachExpr(ir.body, (e) => {
    if (e.kind === 'load') constantIndex(e.array, e.index);
    if ((e.kind === 'assign' || e.kind === 'update') && e.target.kind === 'element') constantIndex(e.target.array, e.target.index);
  });
  return { paramIntervals, minLengths, lengthsAtLeast: lengthRelations(ir, arrayParams) };
}

/**
 * The i32 parameters n (never assigned) that bound a counter `for (let i = c; i < n; ...)` (c a
 * non-negative literal; also `n > i`, a conjunct of `&&`) and that an index multiplies by such a
 * counter: `a[i * n + k]`, `b[k * n + j]`.
 */
function squareBounded(ir: FunctionIR, i32Params: ReadonlySet<VarId>): Set<VarId> {
  // (A parameter the body assigns is typed with the join of all its values, so guarding its
  // argument would seldom keep the products int32: such a guard would decline calls for nothing.)
  const fixed = (v: VarId) => i32Params.has(v) && !ir.variables[v]?.assigned;
  const boundOf = new Map<VarId, Set<VarId>>();  // counter -> the parameters bounding it
  forEachStmt(ir.body, (s) => {
    if (s.kind !== 'loop' || !s.test || s.testAfterBody) return;
    const starts = new Set(s.init.flatMap((d) => (d.kind === 'declare' && d.init?.kind === 'number' && d.init.value >= 0 ? [d.v] : [])));
    const visit = (e: Expr): void => {
      if (e.kind !== 'binary') return;
      const [counter, bound] = e.op === '<' ? [e.left, e.right] : e.op === '>' ? [e.right, e.left] : [null, null];
      if (counter?.kind !== 'var' || bound?.kind !== 'var' || !starts.has(counter.v) || !fixed(bound.v)) return;
      if (!boundOf.has(counter.v)) boundOf.set(counter.v, new Set());
      boundOf.get(counter.v)!.add(bound.v);
    };
    conjuncts(s.test).forEach(visit);
  });
  const found = new Set<VarId>();
  const products = (e: Expr): void => {
    if (e.kind === 'binary' && e.op === '*' && e.left.kind === 'var' && e.right.kind === 'var') {
      for (const [counter, n] of [[e.left.v, e.right.v], [e.right.v, e.left.v]]) if (boundOf.get(counter)?.has(n)) found.add(n);
    }
    exprChildren(e).forEach(products);
  };
  forEachExpr(ir.body, (e) => {
    if (e.kind === 'load') products(e.index);
    if ((e.kind === 'assign' || e.kind === 'update') && e.target.kind === 'element') products(e.target.index);
  });
  return found;
}

/**
 * For each loop `i < a.length` (test first), the other array parameters its body indexes by i.
 * The bound may also be a `let` or `const` that holds `a.length` and is never assigned again
 * (`const n = a.length; i < n`), and the test `i <= a.length - 1`: each is a loop whose last
 * trip reads index a.length - 1, so the guard b.length >= a.length declines no call that the
 * loop runs to its end. A loop to `a.length - 2` or lower gets none: the guard would decline
 * calls with a b as long as that loop needs (a difference `d[i] = a[i + 1] - a[i]` into a d one
 * shorter than a), and a guard the range analysis could use there (b.length >= a.length - c)
 * would need it to relate two slots.
 */
function lengthRelations(ir: FunctionIR, arrayParams: ReadonlySet<VarId>): Map<VarId, Set<VarId>> {
  const relations = new Map<VarId, Set<VarId>>();
  const heldLengths = new Map<VarId, LengthBound>();
  forEachStmt(ir.body, (s) => {
    if (s.kind !== 'declare' || !s.init) return;
    const variable = ir.variables[s.v];
    const bound = lengthBoundOf(s.init, arrayParams, heldLengths);
    if (bound && !variable.assigned && variable.declaredAs !== 'var') heldLengths.set(s.v, bound);
  });
  forEachStmt(ir.body, (s) => {
    if (s.kind !== 'loop' || s.testAfterBody || !s.test) return;
    const test = s.test;
    if (test.kind !== 'binary' || (test.op !== '<' && test.op !== '<=') || test.left.kind !== 'var') return;
    const limit = lengthBoundOf(test.right, arrayParams, heldLengths);
    if (!limit || limit.minus !== (test.op === '<=' ? 1 : 0)) return;
    const counter = test.left.v, bound = limit.array;
    const indexed = (array: VarId, index: Expr): void => {
      if (array === bound || !arrayParams.has(array) || index.kind !== 'var' || index.v !== counter) return;
      if (!relations.has(array)) relations.set(array, new Set());
      relations.get(array)!.add(bound);
    };
    forEachExpr([s.body], (e) => {
      if (e.kind === 'load') indexed(e.array, e.index);
      if ((e.kind === 'assign' || e.kind === 'update') && e.target.kind === 'element') indexed(e.target.array, e.target.index);
    });
  });
  return relations;
}

/** A value at most `array.length - minus`. */
interface LengthBound {
  readonly array: VarId;
  readonly minus: number;
}

function lengthBoundOf(e: Expr, arrayParams: ReadonlySet<VarId>, heldLengths: ReadonlyMap<VarId, LengthBound>): LengthBound | undefined {
  if (e.kind === 'length') return arrayParams.has(e.array) ? { array: e.array, minus: 0 } : undefined;
  if (e.kind === 'var') return heldLengths.get(e.v);
  if (e.kind === 'binary' && e.op === '-' && e.right.kind === 'number') {
    const c = e.right.value;
    if (!Number.isInteger(c) || c < 0 || c > MAX_GUARDED_INDEX) return undefined;
    const inner = lengthBoundOf(e.left, arrayParams, heldLengths);
    return inner && { array: inner.array, minus: inner.minus + c };
  }
  return undefined;
}
