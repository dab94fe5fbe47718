// Common subexpressions within one statement: a pure arithmetic expression over variables and
// literals that a statement computes more than once (spectral's `(i + j) * (i + j + 1)`) is
// computed once, where it is first evaluated, and its slot is read at the other places. Only in
// statements without branches inside (no `&&`, `||`, `??`, `?:`, and none of `&&=`, `||=`, `??=`,
// whose right side runs on one path), so that the first evaluation runs on every path, and only
// where the statement writes none of its variables, so that every occurrence has the same value.
// The ops are the same, in the same order, so the bits are too.

import type { Expr } from './ir.js';
import { exprChildren, exprWrites } from './ir-walk.js';

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '**']);

function branches(e: Expr): boolean {
  const logicalAssign = e.kind === 'assign' && (e.op === '&&' || e.op === '||' || e.op === '??');
  return logicalAssign || e.kind === 'logical' || e.kind === 'conditional' || exprChildren(e).some(branches);
}

/**
 * The arithmetic subexpressions of `e` that occur more than once and may be shared, each with a
 * key equal for the structurally equal ones (their variables, literals, operators and the
 * representation `rep` gives); empty when none may. `rep` is undefined for an expression that is
 * never evaluated (the typing gave it no type: the right side of `??` on a number).
 */
export function repeatedValues(e: Expr, rep: (x: Expr) => string | undefined): ReadonlyMap<Expr, string> {
  const shared = new Map<Expr, string>();
  if (branches(e)) return shared;
  const written = exprWrites(e);
  const keys = new Map<Expr, string>();
  const counts = new Map<string, number>();
  // The key of x, or null for anything but arithmetic over variables e does not write and literals;
  // every subexpression is visited once, inner before outer.
  const keyOf = (x: Expr): string | null => {
    switch (x.kind) {
      case 'var': return written.has(x.v) ? null : `v${x.v}`;
      case 'number': return `n${Object.is(x.value, -0) ? '-0' : String(x.value)}`;
      case 'binary': {
        const left = keyOf(x.left), right = keyOf(x.right);
        const representation = rep(x);
        if (!ARITHMETIC.has(x.op) || left === null || right === null || representation === undefined) return null;
        const key = `(${left} ${x.op} ${right}):${representation}`;
        keys.set(x, key);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return key;
      }
      default:
        exprChildren(x).forEach(keyOf);
        return null;
    }
  };
  keyOf(e);
  for (const [x, key] of keys) if (counts.get(key)! > 1) shared.set(x, key);
  return shared;
}
