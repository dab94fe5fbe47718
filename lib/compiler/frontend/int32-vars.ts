// Variables that are only ever read where JS applies ToInt32 to the value: the value stored into
// an integer typed array by a statement (`perm[j] = t;` stores ToInt32(t) modulo the element's
// width), an operand of a bitwise operator (`|`, `&`, `^`, `<<`, `>>`, `>>>`, `~`: ToInt32, or
// ToUint32, which has the same 32 bits), an argument of Math.imul. Such a variable's slot may hold
// ToInt32 of its value instead of the value: every read gets what it would have computed from it.
// fannkuch's `const t = perm[i]`, an element that may be undefined (an f64 with NaN, converted
// back at the store), is then the element's int32 load with 0 for a miss (ToInt32(undefined)).
//
// Only `let` and `const` variables declared with a value, written by plain `=` where the
// assignment's own value is discarded (a statement, a loop's init or update, a comma sequence's
// part: what the lowering runs for effect; a compound assignment or `++` reads the value, and an
// assignment's own value is JS's, not ToInt32 of it), and only with element loads (or literals) as
// values: other arithmetic would be converted at each write, which can be more often than at each
// read.

import type { Expr, FunctionIR, Stmt, VarId } from './ir.js';
import { exprChildren } from './ir-walk.js';

const BITWISE = new Set(['|', '&', '^', '<<', '>>', '>>>']);

/**
 * The variables of `ir` whose every read is in a ToInt32 context, as above. `wraps(array)`: a
 * store into that typed-array parameter applies ToInt32 (an integer kind other than Uint8Clamped).
 */
export function int32OnlyVars(ir: FunctionIR, wraps: (array: VarId) => boolean): ReadonlySet<VarId> {
  const candidates = new Set(ir.variables.filter((v) => (v.declaredAs === 'let' || v.declaredAs === 'const') && !v.startsUndefined).map((v) => v.id));
  const drop = (v: VarId) => candidates.delete(v);
  const isValue = (e: Expr) => e.kind === 'load' || e.kind === 'number';

  // `int32`: the value of `e` is read only through ToInt32; `forEffect`: not read at all.
  const expr = (e: Expr, int32: boolean, forEffect: boolean): void => {
    switch (e.kind) {
      case 'var':
        if (!int32) drop(e.v);
        return;
      case 'binary': {
        const bitwise = BITWISE.has(e.op);
        expr(e.left, bitwise, false);
        expr(e.right, bitwise, false);
        return;
      }
      case 'unary':
        expr(e.arg, e.op === '~', false);
        return;
      case 'math':
        for (const a of e.args) expr(a, e.fn === 'imul', false);
        return;
      case 'assign': {
        const bitwise = BITWISE.has(e.op);
        if (e.target.kind === 'var') {
          if (e.op !== '=' || !forEffect || !isValue(e.value)) drop(e.target.v);
          expr(e.value, bitwise, false);
          return;
        }
        expr(e.target.index, false, false);
        expr(e.value, bitwise || (e.op === '=' && forEffect && wraps(e.target.array)), false);
        return;
      }
      case 'update':
        if (e.target.kind === 'var') drop(e.target.v);
        exprChildren(e).forEach((x) => expr(x, false, false));
        return;
      case 'sequence':
        e.exprs.forEach((x, i) => expr(x, i === e.exprs.length - 1 && int32, i < e.exprs.length - 1 || forEffect));
        return;
      default:
        // A load's index, the operands of `&&`, `||`, `??` and `?:`: read as values.
        exprChildren(e).forEach((x) => expr(x, false, false));
        return;
    }
  };
  const stmt = (s: Stmt): void => {
    switch (s.kind) {
      case 'expression': expr(s.expr, false, true); return;
      case 'declare':
        if (!s.init || !isValue(s.init)) drop(s.v);
        if (s.init) expr(s.init, false, false);
        return;
      case 'if': expr(s.test, false, false); stmt(s.then); if (s.otherwise) stmt(s.otherwise); return;
      case 'loop':
        s.init.forEach(stmt);
        if (s.test) expr(s.test, false, false);
        if (s.update) expr(s.update, false, true);
        stmt(s.body);
        return;
      case 'block': s.body.forEach(stmt); return;
      case 'return': if (s.value) expr(s.value, false, false); return;
      default: return;
    }
  };
  ir.body.forEach(stmt);
  return candidates;
}
