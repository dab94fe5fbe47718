// Conditions as control flow: a comparison becomes one compare-and-branch op, `!` swaps the
// sense, `&&`/`||`/`?:` become branch structure, and only truthiness is ever computed. The
// f64 relational compares are the one case that cannot be inverted (`!(a < b)` is true for NaN,
// `a >= b` is not): their false sense costs a branch over a jump.

import type { Label, Slot } from '../trace/trace.js';
import type { Expr } from './ir.js';
import type { Emitter } from './lower-emit.js';
import type { Rep, Typing } from './types.js';

export interface Values {
  readonly em: Emitter;
  readonly typing: Typing;
  /** The value of `e` in its own representation (a variable's or a constant's slot, or a temp). */
  value(e: Expr): Slot;
  valueAs(e: Expr, rep: Rep): Slot;
  /** Evaluates `e` for its side effects only. */
  effect(e: Expr): void;
  /** `s`, or a copy of it when one of `later` writes the variable `s` holds. */
  protect(s: Slot, later: readonly Expr[]): Slot;
}

const COMPARE: Record<string, string> = { '<': 'LT', '<=': 'LE', '>': 'GT', '>=': 'GE', '===': 'EQ', '==': 'EQ', '!==': 'NE', '!=': 'NE' };
const INVERSE: Record<string, string> = { LT: 'GE', GE: 'LT', LE: 'GT', GT: 'LE', EQ: 'NE', NE: 'EQ' };

export function isCompare(e: Expr): e is Extract<Expr, { kind: 'binary' }> {
  return e.kind === 'binary' && COMPARE[e.op] !== undefined;
}

/** The representation both operands of a comparison are compared in. */
export function compareRep(ctx: Values, e: Extract<Expr, { kind: 'binary' }>): Rep {
  const l = ctx.typing.exprs.get(e.left)!, r = ctx.typing.exprs.get(e.right)!;
  const li = l.rep === 'i32' && l.kind !== 'maybe', ri = r.rep === 'i32' && r.kind !== 'maybe';
  if (li && ri) return 'i32';
  if (l.rep === 'u32' && r.rep === 'u32' && l.kind === 'number' && r.kind === 'number') return 'u32';
  return 'f64';
}

/** Evaluates both operands of a comparison, left to right. */
export function compareOperands(ctx: Values, e: Extract<Expr, { kind: 'binary' }>): [Slot, Slot, string, Rep] {
  const rep = compareRep(ctx, e);
  const a = ctx.protect(ctx.valueAs(e.left, rep), [e.right]);
  const b = ctx.valueAs(e.right, rep);
  return [a, b, COMPARE[e.op], rep];
}

/** Whether branching on `e` being false costs one op (so an `if` can jump over its then-branch). */
export function cheapFalse(ctx: Values, e: Expr): boolean {
  if (isCompare(e)) return compareRep(ctx, e) !== 'f64' || ['===', '==', '!==', '!='].includes(e.op);
  if (e.kind === 'unary' && e.op === '!') return cheapTrue(ctx, e.arg);
  if (e.kind === 'logical' && e.op === '&&') return cheapFalse(ctx, e.left) && cheapFalse(ctx, e.right);
  return !(e.kind === 'logical' || e.kind === 'conditional');
}

function cheapTrue(ctx: Values, e: Expr): boolean {
  if (e.kind === 'unary' && e.op === '!') return cheapFalse(ctx, e.arg);
  if (e.kind === 'logical' && e.op === '||') return cheapTrue(ctx, e.left) && cheapTrue(ctx, e.right);
  return e.kind !== 'logical' && e.kind !== 'conditional';
}

/** Jumps to `target` when the truthiness of `e` is `sense`; falls through otherwise. */
export function branch(ctx: Values, e: Expr, target: Label, sense: boolean): void {
  const em = ctx.em;
  switch (e.kind) {
    case 'boolean': if (e.value === sense) em.op('JUMP', target); return;
    case 'number': if ((e.value !== 0 && !Number.isNaN(e.value)) === sense) em.op('JUMP', target); return;
    case 'undefined': if (!sense) em.op('JUMP', target); return;
    case 'unary':
      if (e.op === '!') { branch(ctx, e.arg, target, !sense); return; }
      break;
    case 'logical': {
      if (e.op === '??') { branch(ctx, e.left, target, sense); return; }
      // a && b: true only if both are; a || b: false only if both are.
      const both = (e.op === '&&') === sense;
      if (both) {
        const skip = em.label();
        branch(ctx, e.left, skip, !sense);
        branch(ctx, e.right, target, sense);
        em.define(skip);
      } else {
        branch(ctx, e.left, target, sense);
        branch(ctx, e.right, target, sense);
      }
      return;
    }
    case 'conditional': {
      const otherwise = em.label(), end = em.label();
      branch(ctx, e.test, otherwise, false);
      branch(ctx, e.then, target, sense);
      em.op('JUMP', end);
      em.define(otherwise);
      branch(ctx, e.otherwise, target, sense);
      em.define(end);
      return;
    }
    case 'sequence':
      e.exprs.slice(0, -1).forEach((x) => ctx.effect(x));
      branch(ctx, e.exprs[e.exprs.length - 1], target, sense);
      return;
    case 'binary':
      if (isCompare(e)) {
        const [a, b, op, rep] = compareOperands(ctx, e);
        const suffix = rep.toUpperCase();
        if (sense) em.op(`BR_${op}_${suffix}`, a, b, target);
        else if (rep !== 'f64' || op === 'EQ' || op === 'NE') em.op(`BR_${INVERSE[op]}_${suffix}`, a, b, target);
        else {
          const skip = em.label();
          em.op(`BR_${op}_${suffix}`, a, b, skip);
          em.op('JUMP', target);
          em.define(skip);
        }
        em.release(a); em.release(b);
        return;
      }
      break;
    default: break;
  }
  const s = ctx.value(e);
  branchOnSlot(ctx, s, target, sense);
  em.release(s);
}

/** Jumps when the value in `s` is truthy (sense true) or falsy (false). */
export function branchOnSlot(ctx: Values, s: Slot, target: Label, sense: boolean): void {
  const em = ctx.em;
  if (s.type === 'f64') { em.op(sense ? 'BR_TRUE_F64' : 'BR_FALSE_F64', s, target); return; }
  let i = s;
  if (s.type === 'u32') { i = em.temp('i32'); em.op('U32_TO_I32', i, s); }
  em.op(sense ? 'BR_TRUE_I32' : 'BR_FALSE_I32', i, target);
  if (i !== s) em.release(i);
}

/** `if (test) then else otherwise`, laid out so that the test is one branch where it can be. */
export function ifElse(ctx: Values, test: Expr, then: () => void, otherwise: (() => void) | null): void {
  const em = ctx.em;
  const end = em.label();
  if (cheapFalse(ctx, test)) {
    const elseLabel = otherwise ? em.label() : end;
    branch(ctx, test, elseLabel, false);
    then();
    if (otherwise) {
      em.op('JUMP', end);
      em.define(elseLabel);
      otherwise();
    }
  } else {
    const thenLabel = em.label();
    branch(ctx, test, thenLabel, true);
    if (otherwise) otherwise();
    em.op('JUMP', end);
    em.define(thenLabel);
    then();
  }
  em.define(end);
}
