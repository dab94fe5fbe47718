// The structural return check: a kernel either returns a value on every path or never returns one.
// "Every path" is decided by a simple structural analysis of which statements can complete
// normally (fall through to the next statement): return, break and continue never do; an if/else
// completes if either side does; a block if all its statements do (or a break leaves it); a loop
// that only a break can end (`for (;;)`, `while (true)`, a do-while whose body never completes)
// completes only if a break targets it (`true` may be written `1` or `!0`). Anything else is assumed to complete, which only ever
// declines more, never less.

import { decline } from './decline.js';
import type { Expr, Loop, Pos, Stmt } from './ir.js';

/** The truthiness of a constant test (`true`, `1`, `!0` as minifiers and Bun write `true`), or undefined. */
function constantTruthiness(test: Expr): boolean | undefined {
  if (test.kind === 'boolean') return test.value;
  if (test.kind === 'number') return test.value !== 0 && !Number.isNaN(test.value);
  if (test.kind === 'unary' && (test.op === '!' || test.op === '-' || test.op === '+')) {
    const operand = constantTruthiness(test.arg);
    if (operand === undefined || (test.op !== '!' && test.arg.kind !== 'number')) return undefined;
    return test.op === '!' ? !operand : operand;
  }
  return undefined;
}

/** A loop test that is always true: absent or a constant that is truthy. */
function alwaysTrue(test: Expr | null): boolean {
  return test === null || constantTruthiness(test) === true;
}

/**
 * Whether a `break` (or a `continue`, with `kind`) somewhere in `stmts` targets the statement
 * labeled `labels` (`isLoop`: the statement is a loop, which an unlabeled break also targets).
 */
function jumpsTo(stmts: readonly Stmt[], kind: 'break' | 'continue', labels: readonly string[], isLoop: boolean): boolean {
  const visit = (s: Stmt, inInnerLoop: boolean): boolean => {
    switch (s.kind) {
      case 'break': case 'continue':
        if (s.kind !== kind) return false;
        return s.label === null ? isLoop && !inInnerLoop : labels.includes(s.label);
      case 'if':
        return visit(s.then, inInnerLoop) || (s.otherwise !== null && visit(s.otherwise, inInnerLoop));
      case 'block':
        return s.body.some((child) => visit(child, inInnerLoop));
      case 'loop':
        return visit(s.body, true);
      default:
        return false;
    }
  };
  return stmts.some((s) => visit(s, false));
}

function loopCompletes(loop: Loop): boolean {
  const onlyBreakEnds = alwaysTrue(loop.test) ||
    (loop.testAfterBody && !completes(loop.body) && !jumpsTo([loop.body], 'continue', loop.labels, true));
  return !onlyBreakEnds || jumpsTo([loop.body], 'break', loop.labels, true);
}

/** Whether `s` can complete normally. */
export function completes(s: Stmt): boolean {
  switch (s.kind) {
    case 'return': case 'break': case 'continue':
      return false;
    case 'if':
      return s.otherwise === null || completes(s.then) || completes(s.otherwise);
    case 'block':
      return s.body.every(completes) || (s.labels.length > 0 && jumpsTo(s.body, 'break', s.labels, false));
    case 'loop':
      return loopCompletes(s);
    default:
      return true;
  }
}

function collectReturns(stmts: readonly Stmt[], into: Array<Extract<Stmt, { kind: 'return' }>>): void {
  for (const s of stmts) {
    if (s.kind === 'return') into.push(s);
    else if (s.kind === 'if') collectReturns(s.otherwise === null ? [s.then] : [s.then, s.otherwise], into);
    else if (s.kind === 'block') collectReturns(s.body, into);
    else if (s.kind === 'loop') collectReturns([s.body], into);
  }
}

/**
 * Declines a function that returns a value on some paths and `return;` on others, or that returns a
 * value somewhere and can reach the end of its body. `end` is the position of the body's `}`.
 */
export function checkReturns(body: readonly Stmt[], name: string, end: Pos): void {
  const returns: Array<Extract<Stmt, { kind: 'return' }>> = [];
  collectReturns(body, returns);
  const withValue = returns.find((r) => r.value !== null);
  if (!withValue) return;
  const fn = name === '' ? 'the function' : `\`${name}\``;
  const where = `line ${withValue.at.line}, column ${withValue.at.column}`;
  const bare = returns.find((r) => r.value === null);
  if (bare) {
    decline('`return;`', bare.at, `${fn} returns a value at ${where} and none here`, 'return a number on every path');
  }
  if (body.every(completes)) {
    decline(`the end of ${fn}`, end, `${fn} returns a value at ${where} but can also reach its end, which returns undefined`,
      'end it with a `return` of a number');
  }
}
