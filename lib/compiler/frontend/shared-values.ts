// Common subexpressions within one statement: a pure arithmetic expression over variables and
// literals that a statement computes more than once (spectral's `(i + j) * (i + j + 1)`) is
// computed once, where it is first evaluated, and its slot is read at the other places. Only in
// statements without branches inside (no `&&`, `||`, `??`, `?:`, and none of `&&=`, `||=`, `??=`,
// whose right side runs on one path), so that the first evaluation runs on every path, and only
// where the statement writes none of its variables, so that every occurrence has the same value.
// The ops are the same, in the same order, so the bits are too.

import type { Expr, VarId } from './ir.js';
import { exprChildren, exprWrites } from './ir-walk.js';

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '**']);

/** A key equal for structurally equal arithmetic over variables and literals; null for anything else. */
export function valueKey(e: Expr, vars?: Set<VarId>): string | null {
  switch (e.kind) {
    case 'var':
      vars?.add(e.v);
      return `v${e.v}`;
    case 'number':
      return `n${Object.is(e.value, -0) ? '-0' : String(e.value)}`;
    case 'binary': {
      if (!ARITHMETIC.has(e.op)) return null;
      const left = valueKey(e.left, vars);
      const right = left === null ? null : valueKey(e.right, vars);
      return right === null ? null : `(${left} ${e.op} ${right})`;
    }
    default:
      return null;
  }
}

function branches(e: Expr): boolean {
  const logicalAssign = e.kind === 'assign' && (e.op === '&&' || e.op === '||' || e.op === '??');
  return logicalAssign || e.kind === 'logical' || e.kind === 'conditional' || exprChildren(e).some(branches);
}

/**
 * The keys (valueKey, then `:` and the representation `rep` gives) of the arithmetic
 * subexpressions of `e` that occur more than once and may be shared; empty when none may. `rep`
 * is undefined for an expression that is never evaluated (the typing gave it no type: the right
 * side of `??` on a number).
 */
export function repeatedValues(e: Expr, rep: (x: Expr) => string | undefined): ReadonlySet<string> {
  const repeated = new Set<string>();
  if (branches(e)) return repeated;
  const written = exprWrites(e);
  const seen = new Set<string>();
  const visit = (x: Expr): void => {
    if (x.kind === 'binary' && ARITHMETIC.has(x.op)) {
      const vars = new Set<VarId>();
      const key = valueKey(x, vars);
      const representation = key === null ? undefined : rep(x);
      if (representation !== undefined && ![...vars].some((v) => written.has(v))) {
        const full = `${key}:${representation}`;
        if (seen.has(full)) repeated.add(full);
        seen.add(full);
      }
    }
    exprChildren(x).forEach(visit);
  };
  visit(e);
  return repeated;
}
