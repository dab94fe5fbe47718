// The typing rules of single operations: what kind and representation an operator, a Math call
// or a join of two values has, with intervals for i32/u32 values. i32 is chosen only where the
// JavaScript value is exactly that int32 (never -0): see semantics in docs/native-engine.md.

import type { ArgKind } from './index.js';
import type { BinaryOp, Expr, VarId } from './ir.js';
import { exprWrites } from './ir-walk.js';

export type Rep = 'f64' | 'i32' | 'u32';
/** 'maybe' is a number that may be undefined (NaN in the trace). */
export type Kind = 'number' | 'boolean' | 'maybe';

export interface Ty {
  readonly kind: Kind;
  readonly rep: Rep;
  /** The interval of an i32/u32 value (-Infinity..Infinity for f64). */
  readonly lo: number;
  readonly hi: number;
}

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

export const F64: Ty = { kind: 'number', rep: 'f64', lo: -Infinity, hi: Infinity };
export const MAYBE: Ty = { kind: 'maybe', rep: 'f64', lo: -Infinity, hi: Infinity };
export const BOOL: Ty = { kind: 'boolean', rep: 'i32', lo: 0, hi: 1 };
export const U32_FULL: Ty = { kind: 'number', rep: 'u32', lo: 0, hi: 2 ** 32 - 1 };

export function i32(lo: number, hi: number): Ty {
  return { kind: 'number', rep: 'i32', lo, hi };
}

export function fitsI32(lo: number, hi: number): boolean {
  return lo >= I32_MIN && hi <= I32_MAX;
}

/** ToNumber of a value: booleans become the i32 0/1, undefined becomes NaN. */
export function num(t: Ty): Ty {
  if (t.kind === 'boolean') return i32(0, 1);
  if (t.kind === 'maybe') return F64;
  return t;
}

/** The type of a variable or a ?: holding either value; null when one is a boolean and the other not. */
export function joinTypes(a: Ty, b: Ty): Ty | null {
  if ((a.kind === 'boolean') !== (b.kind === 'boolean')) return null;
  if (a.kind === 'boolean') return BOOL;
  const kind = a.kind === 'maybe' || b.kind === 'maybe' ? 'maybe' : 'number';
  if (kind === 'number' && a.rep === b.rep && a.rep !== 'f64') return { kind, rep: a.rep, lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
  return kind === 'maybe' ? MAYBE : F64;
}

function isInt(t: Ty): boolean {
  return t.rep === 'i32' && t.kind !== 'maybe';
}

/** The type of `l op r`; `right` is the right operand's expression, for constant shift counts and masks. */
export function binaryType(op: BinaryOp, left: Ty, right: Ty, rightExpr: Expr | null): Ty {
  const l = num(left), r = num(right);
  switch (op) {
    case '+': case '-': {
      if (!isInt(l) || !isInt(r)) return F64;
      const lo = op === '+' ? l.lo + r.lo : l.lo - r.hi;
      const hi = op === '+' ? l.hi + r.hi : l.hi - r.lo;
      return fitsI32(lo, hi) ? i32(lo, hi) : F64;
    }
    case '*':
      // Exact and never -0 when both are non-negative ints whose product fits.
      if (isInt(l) && isInt(r) && l.lo >= 0 && r.lo >= 0 && l.hi * r.hi <= I32_MAX) return i32(l.lo * r.lo, l.hi * r.hi);
      return F64;
    case '%':
      // x % y with x >= 0 and y >= 1 is in [0, y - 1] and never -0.
      if (isInt(l) && isInt(r) && l.lo >= 0 && r.lo >= 1) return i32(0, Math.min(l.hi, r.hi - 1));
      return F64;
    case '/': case '**': return F64;
    case '&':
      if (isInt(l) && l.lo >= 0) return i32(0, r.rep === 'i32' && r.lo >= 0 ? Math.min(l.hi, r.hi) : l.hi);
      if (isInt(r) && r.lo >= 0) return i32(0, r.hi);
      return i32(I32_MIN, I32_MAX);
    case '>>': {
      const count = rightExpr?.kind === 'number' && Number.isInteger(rightExpr.value) ? rightExpr.value & 31 : -1;
      if (count < 0) return i32(I32_MIN, I32_MAX);
      const base = isInt(l) ? l : i32(I32_MIN, I32_MAX);
      return i32(Math.floor(base.lo / 2 ** count), Math.floor(base.hi / 2 ** count));
    }
    case '|': case '^': case '<<': return i32(I32_MIN, I32_MAX);
    case '>>>': return U32_FULL;
    default: return BOOL; // comparisons
  }
}

/**
 * The int32 that `l op r` is on the assumption a speculating kernel checks at run time (the op
 * declines the call where JS's value is no int32: ADD/SUB/MUL_I32_EXACT, DIV_POW2_I32_EXACT), for
 * int operands whose result binaryType cannot prove an int32; null where no check applies. The
 * interval is the exact result's, clamped to int32: a value outside it never gets past its check.
 */
export function speculativeType(op: BinaryOp, left: Ty, right: Ty, rightExpr: Expr | null): Ty | null {
  const l = num(left), r = num(right);
  if (!isInt(l) || !isInt(r)) return null;
  // (+ 0: a bound from Math.trunc may be -0.)
  const clamped = (lo: number, hi: number) => i32(Math.max(lo, I32_MIN) + 0, Math.min(hi, I32_MAX) + 0);
  switch (op) {
    case '+': return clamped(l.lo + r.lo, l.hi + r.hi);
    case '-': return clamped(l.lo - r.hi, l.hi - r.lo);
    case '*': {
      const products = [l.lo * r.lo, l.lo * r.hi, l.hi * r.lo, l.hi * r.hi];
      return clamped(Math.min(...products), Math.max(...products));
    }
    case '/': {
      const shift = rightExpr ? powerOfTwoShift(rightExpr) : undefined;
      return shift === undefined ? null : clamped(Math.trunc(l.lo / 2 ** shift), Math.trunc(l.hi / 2 ** shift));
    }
    default: return null;
  }
}

/**
 * The int32 a loop update `v += r` / `v -= r` (also `v++`, `v--`) is where JS's value leaving
 * int32 ends the loop (types.ts, OverflowExit): the checked op's overflow branch goes to the
 * loop's exit, so past the check the value is an int32 again. Only a non-negative step, in the
 * direction the test bounds: `j += s` under `j < B` (B an int32) can only overflow upwards, past
 * every int32 B. null where binaryType keeps the int32 anyway, or no such check applies.
 */
export function overflowExitType(op: BinaryOp, current: Ty, step: Ty, exit: { readonly up: boolean; readonly down: boolean }): Ty | null {
  const a = num(current), b = num(step);
  if ((op !== '+' && op !== '-') || !isInt(a) || !isInt(b) || b.lo < 0) return null;
  if (binaryType(op, a, b, null).rep !== 'f64') return null;
  if (op === '+') return exit.up && a.lo + b.lo <= I32_MAX ? i32(a.lo + b.lo, I32_MAX) : null;
  return exit.down && a.hi - b.lo >= I32_MIN ? i32(I32_MIN, a.hi - b.lo) : null;
}

/** s for a literal 2^s with 1 <= s <= 30 (the divisors DIV_POW2_I32_EXACT takes), else undefined. */
export function powerOfTwoShift(e: Expr): number | undefined {
  if (e.kind !== 'number' || !Number.isInteger(e.value) || e.value < 2 || e.value > 2 ** 30) return undefined;
  const shift = Math.log2(e.value);
  return Number.isInteger(shift) ? shift : undefined;
}

export function mathType(fn: string): Ty {
  if (fn === 'imul') return i32(I32_MIN, I32_MAX);
  if (fn === 'clz32') return i32(0, 32);
  return F64;
}

export const ARRAY_KINDS: Partial<Record<ArgKind, number>> = {
  Int8Array: 0, Uint8Array: 1, Uint8ClampedArray: 2, Int16Array: 3, Uint16Array: 4,
  Int32Array: 5, Uint32Array: 6, Float32Array: 7, Float64Array: 8,
};
/** The element kinds whose stores apply ToInt32 (modulo their width): the integer ones but Uint8Clamped, which rounds. */
export const WRAPPING_KINDS: ReadonlySet<number> = new Set([0, 1, 3, 4, 5, 6]);
export const ELEMENT_RANGES: readonly (readonly [number, number])[] = [
  [-128, 127], [0, 255], [0, 255], [-32768, 32767], [0, 65535], [-(2 ** 31), 2 ** 31 - 1], [0, 2 ** 32 - 1],
];

export function sameType(a: Ty, b: Ty): boolean {
  return a.kind === b.kind && a.rep === b.rep && a.lo === b.lo && a.hi === b.hi;
}

/** Whether `update` reads `v` before anything in it writes `v` (`i++`, `i += k`, `i = i + k`). */
export function readsFirst(update: Expr, v: VarId): boolean {
  if (!exprWrites(update).has(v)) return true;
  if (update.kind === 'update' && update.target.kind === 'var') return true;
  if (update.kind === 'assign' && update.target.kind === 'var' && update.target.v === v) return !exprWrites(update.value).has(v);
  return false;
}
