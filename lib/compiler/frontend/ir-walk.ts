// Which variables an expression or a statement may write (assignments and updates anywhere inside
// it). The typing pass uses it to prove loop counters (not written in the body or the test) and
// the lowering to keep evaluation order (copy a read when a later operand writes the variable).

import type { Expr, Stmt, VarId } from './ir.js';

const exprCache = new WeakMap<Expr, ReadonlySet<VarId>>();
const stmtCache = new WeakMap<Stmt, ReadonlySet<VarId>>();

function add(into: Set<VarId>, from: ReadonlySet<VarId>): void {
  for (const v of from) into.add(v);
}

export function exprWrites(e: Expr): ReadonlySet<VarId> {
  const cached = exprCache.get(e);
  if (cached) return cached;
  const out = new Set<VarId>();
  for (const child of exprChildren(e)) add(out, exprWrites(child));
  if ((e.kind === 'assign' || e.kind === 'update') && e.target.kind === 'var') out.add(e.target.v);
  exprCache.set(e, out);
  return out;
}

const effectCache = new WeakMap<Expr, boolean>();

/** Whether evaluating `e` writes anything (a variable or an element): otherwise it is pure. */
export function hasEffects(e: Expr): boolean {
  let known = effectCache.get(e);
  if (known === undefined) {
    known = e.kind === 'assign' || e.kind === 'update' || exprChildren(e).some(hasEffects);
    effectCache.set(e, known);
  }
  return known;
}

export function exprChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'load': return [e.index];
    case 'unary': return [e.arg];
    case 'binary': case 'logical': return [e.left, e.right];
    case 'conditional': return [e.test, e.then, e.otherwise];
    case 'math': return e.args;
    case 'assign': return e.target.kind === 'element' ? [e.target.index, e.value] : [e.value];
    case 'update': return e.target.kind === 'element' ? [e.target.index] : [];
    case 'sequence': return e.exprs;
    default: return [];
  }
}

export function stmtWrites(s: Stmt): ReadonlySet<VarId> {
  const cached = stmtCache.get(s);
  if (cached) return cached;
  const out = new Set<VarId>();
  switch (s.kind) {
    case 'expression': add(out, exprWrites(s.expr)); break;
    case 'declare': if (s.init) { add(out, exprWrites(s.init)); out.add(s.v); } break;
    case 'if':
      add(out, exprWrites(s.test)); add(out, stmtWrites(s.then));
      if (s.otherwise) add(out, stmtWrites(s.otherwise));
      break;
    case 'loop':
      for (const init of s.init) add(out, stmtWrites(init));
      if (s.test) add(out, exprWrites(s.test));
      if (s.update) add(out, exprWrites(s.update));
      add(out, stmtWrites(s.body));
      break;
    case 'block': for (const b of s.body) add(out, stmtWrites(b)); break;
    case 'return': if (s.value) add(out, exprWrites(s.value)); break;
    default: break;
  }
  stmtCache.set(s, out);
  return out;
}

/** Calls `f` on every statement of `stmts` and the statements inside them, outer before inner. */
export function forEachStmt(stmts: readonly Stmt[], f: (s: Stmt) => void): void {
  const stmt = (s: Stmt): void => {
    f(s);
    if (s.kind === 'if') { stmt(s.then); if (s.otherwise) stmt(s.otherwise); }
    if (s.kind === 'loop') { s.init.forEach(stmt); stmt(s.body); }
    if (s.kind === 'block') s.body.forEach(stmt);
  };
  stmts.forEach(stmt);
}

/** The terms of a top-level `&&` chain, left to right (`e` itself if it is none). */
export function conjuncts(e: Expr): Expr[] {
  return e.kind === 'logical' && e.op === '&&' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/** Calls `f` on every expression of `stmts`, outer before inner. */
export function forEachExpr(stmts: readonly Stmt[], f: (e: Expr) => void): void {
  const expr = (e: Expr): void => {
    f(e);
    exprChildren(e).forEach(expr);
  };
  forEachStmt(stmts, (s) => {
    if (s.kind === 'expression') expr(s.expr);
    if (s.kind === 'declare' && s.init) expr(s.init);
    if (s.kind === 'if') expr(s.test);
    if (s.kind === 'loop') { if (s.test) expr(s.test); if (s.update) expr(s.update); }
    if (s.kind === 'return' && s.value) expr(s.value);
  });
}
