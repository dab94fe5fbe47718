// Expressions to micro-ops. Every value has the representation the typing pass gave it; a value
// is computed into a destination slot when the caller has one (`x = a + b` writes x directly),
// otherwise into a temp (given back after use) or read straight from a variable's slot.
// ToInt32 contexts (bitwise operands, `| 0`, stores into integer arrays) use the exact i32 forms:
// a sum of ints is exact as a double, so ToInt32 of it is the wrapping ADD_I32.

import type { Label, Slot } from '../trace/trace.js';
import type { Expr } from './ir.js';
import { hasEffects } from './ir-walk.js';
import { branch, branchOnSlot, compareOperands, ifElse } from './lower-cond.js';
import { ValueLowerer } from './lower-values.js';
import type { Rep } from './types.js';
import { powerOfTwoShift, WRAPPING_KINDS } from './type-rules.js';

const F64_OPS: Record<string, string> = { '+': 'ADD_F64', '-': 'SUB_F64', '*': 'MUL_F64', '/': 'DIV_F64', '%': 'MOD_F64', '**': 'POW_F64' };
const I32_OPS: Record<string, string> = { '+': 'ADD_I32', '-': 'SUB_I32', '*': 'IMUL_I32', '%': 'MOD_I32' };
/** The checked forms: they branch where JS's value is no int32 (Typing.exact, Typing.exitsOnOverflow). */
const EXACT_I32_OPS: Record<string, string> = { '+': 'ADD_I32_EXACT', '-': 'SUB_I32_EXACT', '*': 'MUL_I32_EXACT' };
const BIT_OPS: Record<string, string> = { '|': 'OR_I32', '&': 'AND_I32', '^': 'XOR_I32', '<<': 'SHL_I32', '>>': 'SAR_I32', '>>>': 'SHR_U32' };
const MATH_UNARY: Record<string, string> = {
  abs: 'ABS_F64', floor: 'FLOOR_F64', ceil: 'CEIL_F64', round: 'ROUND_F64', trunc: 'TRUNC_F64', sign: 'SIGN_F64',
  sqrt: 'SQRT_F64', fround: 'FROUND_F64', sin: 'SIN_F64', cos: 'COS_F64', tan: 'TAN_F64', asin: 'ASIN_F64',
  acos: 'ACOS_F64', atan: 'ATAN_F64', sinh: 'SINH_F64', cosh: 'COSH_F64', tanh: 'TANH_F64', asinh: 'ASINH_F64',
  acosh: 'ACOSH_F64', atanh: 'ATANH_F64', exp: 'EXP_F64', expm1: 'EXPM1_F64', log: 'LOG_F64', log1p: 'LOG1P_F64',
  log2: 'LOG2_F64', log10: 'LOG10_F64', cbrt: 'CBRT_F64',
};
const MATH_BINARY: Record<string, string> = { pow: 'POW_F64', atan2: 'ATAN2_F64', hypot: 'HYPOT_F64', min: 'MIN_F64', max: 'MAX_F64' };

const bitsView = new DataView(new ArrayBuffer(8));

/** 1 / c where c is a power of two (either sign) whose reciprocal is a finite double, else undefined. */
export function exactReciprocal(c: number): number | undefined {
  if (!Number.isFinite(c) || c === 0) return undefined;
  bitsView.setFloat64(0, c);
  const high = bitsView.getUint32(0), low = bitsView.getUint32(4); // sign | exponent | mantissa
  const exponent = (high >>> 20) & 0x7ff;
  if (exponent === 0 || low !== 0 || (high & 0xfffff) !== 0) return undefined; // a subnormal, or not a power of two
  const r = 1 / c;
  return Number.isFinite(r) ? r : undefined;
}

/** The value of an integer literal in the i32 range (the divisor of MOD_I32_K), else undefined. */
function i32Literal(e: Expr): number | undefined {
  return e.kind === 'number' && Number.isInteger(e.value) && (e.value | 0) === e.value && !Object.is(e.value, -0) ? e.value : undefined;
}

type Assign = Extract<Expr, { kind: 'assign' }>;
type Update = Extract<Expr, { kind: 'update' }>;

export class ExprLowerer extends ValueLowerer {
  /** The exit of the loop whose update is being lowered: where a step that leaves int32 goes (Typing.exitsOnOverflow). */
  private overflowExit: Label | null = null;

  /** Lowers a loop's update, whose overflowing step (Typing.exitsOnOverflow) jumps to `exit`. */
  loopUpdate(e: Expr, exit: Label): void {
    this.overflowExit = exit;
    try {
      this.effect(e);
    } finally {
      this.overflowExit = null;
    }
  }

  /**
   * Where the checked int32 form of `e` branches when JS's value is no int32: the loop's exit for
   * an update whose overflow ends the loop, the DECLINE for speculated arithmetic; null where the
   * typing proved the value an int32 (or it is an f64).
   */
  private checkTarget(e: Expr): Label | null {
    if (this.typing.exitsOnOverflow.has(e)) {
      if (!this.overflowExit) throw new Error('internal: an overflow exit outside its loop update');
      return this.overflowExit;
    }
    return this.typing.exact.has(e) ? this.em.declineLabel() : null;
  }

  effect(e: Expr): void {
    switch (e.kind) {
      case 'assign': this.assign(e, null, true); return;
      case 'update': this.update(e, null, true); return;
      case 'sequence': e.exprs.forEach((x) => this.effect(x)); return;
      case 'logical': {
        if (e.op === '??') { this.effect(e.left); return; }
        const end = this.em.label();
        branch(this, e.left, end, e.op === '||');
        this.effect(e.right);
        this.em.define(end);
        return;
      }
      case 'conditional': ifElse(this, e.test, () => this.effect(e.then), () => this.effect(e.otherwise)); return;
      default:
        // Everything else is pure: no Math function and no load has a side effect.
        if (hasEffects(e)) this.em.release(this.gen(e, null));
    }
  }

  gen(e: Expr, dest: Slot | null): Slot {
    const em = this.em;
    switch (e.kind) {
      case 'number': return this.place(em.constant(this.ty(e).rep, e.value), dest);
      case 'boolean': return this.place(em.constant('i32', e.value ? 1 : 0), dest);
      case 'undefined': return this.place(em.constant('f64', NaN), dest);
      case 'mathConstant': return this.place(em.constant('f64', e.value), dest);
      case 'var': return this.place(this.slotOf(e.v), dest);
      case 'length': return this.place(this.lengths.get(e.array)!, dest);
      case 'load': return this.load(e, dest);
      case 'unary':
        switch (e.op) {
          case '+': return this.gen(e.arg, dest);
          case '-': { const a = this.valueAs(e.arg, 'f64'), d = this.out('f64', dest); em.op('NEG_F64', d, a); return this.free(d, a); }
          case '~': { const a = this.toInt32(e.arg, null), d = this.out('i32', dest); em.op('NOT_I32', d, a); return this.free(d, a); }
          default: return this.not(e, dest);
        }
      case 'binary': {
        if (BIT_OPS[e.op]) return this.bitwise(e.op, e.left, e.right, dest);
        if (F64_OPS[e.op]) {
          return this.shared(e, dest, (into) => {
            const rep = this.ty(e).rep;
            // 2 * x as x * 2 (arith): evaluating the literal first has no effect to keep in order.
            if (e.op === '*' && rep === 'f64' && e.left.kind === 'number' && e.left.value === 2) return this.arith('*', rep, this.valueAs(e.right, 'f64'), e.left, into);
            const left = rep === 'f64' ? this.valueAs(e.left, 'f64') : this.gen(e.left, null);
            return this.arith(e.op, rep, this.protect(left, [e.right]), e.right, into, this.checkTarget(e));
          });
        }
        const d = this.out('i32', dest);
        const [a, b, op, rep] = compareOperands(this, e);
        em.op(`${op}_${rep.toUpperCase()}`, d, a, b);
        return this.free(d, a, b);
      }
      case 'logical': {
        if (e.op === '??') return this.gen(e.left, dest);
        const t = em.temp(this.ty(e).rep), end = em.label();
        this.into(e.left, t);
        branchOnSlot(this, t, end, e.op === '||');
        this.into(e.right, t);
        em.define(end);
        return this.place(t, dest);
      }
      case 'conditional': {
        const d = this.out(this.ty(e).rep, dest);
        ifElse(this, e.test, () => this.into(e.then, d), () => this.into(e.otherwise, d));
        return d;
      }
      case 'math': return this.math(e, dest);
      case 'assign': return this.assign(e, dest, false)!;
      case 'update': return this.update(e, dest, false)!;
      case 'sequence':
        e.exprs.slice(0, -1).forEach((x) => this.effect(x));
        return this.gen(e.exprs[e.exprs.length - 1], dest);
    }
  }

  /** `!x`: one compare for ints and booleans, branches otherwise (NaN is falsy). */
  private not(e: Extract<Expr, { kind: 'unary' }>, dest: Slot | null): Slot {
    const em = this.em;
    const t = this.ty(e.arg);
    const d = this.out('i32', dest);
    // Conditions typed as booleans (&& || ?: , under `!`) are branch structure, not values.
    const structural = e.arg.kind === 'logical' || e.arg.kind === 'conditional' || e.arg.kind === 'sequence' || (e.arg.kind === 'unary' && e.arg.op === '!');
    if (t.kind !== 'maybe' && (t.rep === 'i32' || t.rep === 'u32') && !structural) {
      const a = this.gen(e.arg, null);
      em.op(`EQ_${a.type.toUpperCase()}`, d, a, em.constant(a.type, 0));
      return this.free(d, a);
    }
    const yes = em.label(), end = em.label();
    branch(this, e, yes, true);
    em.op('CONST_I32', d, 0);
    em.op('JUMP', end);
    em.define(yes);
    em.op('CONST_I32', d, 1);
    em.define(end);
    return d;
  }

  /**
   * `left op right` for + - * / % ** with `left` already evaluated, in `rep`: i32 where the typing
   * proved it exact, or checked, branching to `checked` where JS's value is no int32 (checkTarget).
   */
  private arith(op: string, rep: Rep, left: Slot, right: Expr, dest: Slot | null, checked: Label | null = null): Slot {
    const em = this.em;
    if (checked) return this.exactArith(op, left, right, dest, checked);
    if (rep === 'i32' && I32_OPS[op] && left.type === 'i32') {
      // An i32 remainder has a non-negative dividend (binaryType).
      const divisor = op === '%' ? i32Literal(right) : undefined;
      if (divisor !== undefined) return this.remainderByConstant(left, divisor, true, dest);
      const b = this.gen(right, null);
      if (b.type === 'i32') {
        const d = this.out('i32', dest);
        em.op(I32_OPS[op], d, left, b);
        return this.free(d, left, b);
      }
      throw new Error('internal: an i32 operation with a non-i32 operand');
    }
    const a = left.type === 'f64' ? left : this.convert(left, 'f64');
    // x * 2 is x + x, bit for bit (the same rounding of the same real number, overflow, -0 and a
    // NaN's payload included), on the add units: mandelbrot's `2 * zr * zi` shares the multiply
    // units with its three other products.
    if (op === '*' && right.kind === 'number' && right.value === 2) {
      const d = this.out('f64', dest);
      em.op('ADD_F64', d, a, a);
      return this.free(d, a);
    }
    // x / 2^k is x * 2^-k, bit for bit: both are the correctly rounded value of the same real
    // number when 2^-k is exact, and a multiply takes 3-4 cycles where a divide takes 13 or more.
    const reciprocal = op === '/' && right.kind === 'number' ? exactReciprocal(right.value) : undefined;
    const b = reciprocal === undefined ? this.valueAs(right, 'f64') : em.constant('f64', reciprocal);
    const d = this.out('f64', dest);
    em.op(reciprocal === undefined ? F64_OPS[op] : 'MUL_F64', d, a, b);
    return this.free(d, a, b);
  }

  /** A checked int32 `left op right`: the op branches to `checked` where JS's value leaves int32 (or is -0). */
  private exactArith(op: string, left: Slot, right: Expr, dest: Slot | null, checked: Label): Slot {
    const em = this.em;
    if (left.type !== 'i32') throw new Error('internal: a checked operation on a non-i32 operand');
    const d = this.out('i32', dest);
    if (op === '/') {
      const shift = powerOfTwoShift(right);
      if (shift === undefined) throw new Error('internal: a checked division by something else than a power of two');
      em.op('DIV_POW2_I32_EXACT', d, left, shift, checked);
      return this.free(d, left);
    }
    const b = this.gen(right, null);
    if (!EXACT_I32_OPS[op] || b.type !== 'i32') throw new Error(`internal: no checked form of ${op} on these operands`);
    em.op(EXACT_I32_OPS[op], d, left, b, checked);
    return this.free(d, left, b);
  }

  /**
   * `(a % k) | 0` for a literal k: two multiplications by a reciprocal instead of a division, or
   * for a non-negative a and k a power of two, `a & (k - 1)`.
   */
  private remainderByConstant(a: Slot, k: number, nonNegative: boolean, dest: Slot | null): Slot {
    const d = this.out('i32', dest);
    if (nonNegative && k > 0 && (k & (k - 1)) === 0) this.em.op('AND_I32', d, a, this.em.constant('i32', k - 1));
    else this.em.op('MOD_I32_K', d, a, k);
    return this.free(d, a);
  }

  private bitwise(op: string, left: Expr, right: Expr, dest: Slot | null): Slot {
    const em = this.em;
    const zero = (x: Expr) => x.kind === 'number' && x.value === 0;
    if (op === '|' && zero(right)) return this.toInt32(left, dest);
    if (op === '|' && zero(left)) return this.toInt32(right, dest);
    if (op === '>>>' && zero(right)) {
      const d = this.out('u32', dest);
      if (this.ty(left).rep === 'f64') { const a = this.gen(left, null); em.op('F64_TO_U32', d, a); return this.free(d, a); }
      return this.convert(this.toInt32(left, null), 'u32', d);
    }
    return this.bitOp(op, this.protect(this.toInt32(left, null), [right]), right, dest);
  }

  private bitOp(op: string, a: Slot, right: Expr, dest: Slot | null): Slot {
    const b = this.toInt32(right, null);
    const d = this.out(op === '>>>' ? 'u32' : 'i32', dest);
    this.em.op(BIT_OPS[op], d, a, b);
    return this.free(d, a, b);
  }

  /** Whether ToInt32 of `e` is a wrapping sum of ints (exact as doubles up to depth 20, < 2^53). */
  private wraps(e: Expr, depth = 0): boolean {
    const t = this.ty(e);
    if (t.kind !== 'maybe' && t.rep !== 'f64') return true;
    if (depth >= 20) return false;
    if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) return this.wraps(e.left, depth + 1) && this.wraps(e.right, depth + 1);
    if (e.kind === 'unary' && (e.op === '-' || e.op === '+')) return this.wraps(e.arg, depth + 1);
    return false;
  }

  private isI32(e: Expr): boolean {
    const t = this.ty(e);
    return t.rep === 'i32' && t.kind !== 'maybe';
  }

  /** ToInt32 of `e` in an i32 slot. */
  toInt32(e: Expr, dest: Slot | null): Slot {
    const em = this.em;
    // A speculated int32 (Typing.exact) is computed with its check even here: the typing gave it
    // an interval that a wrapping form could leave (a wrapped product may be negative).
    if (this.typing.exact.has(e)) return this.convert(this.gen(e, null), 'i32', dest);
    if (e.kind === 'number') return this.place(em.constant('i32', e.value | 0), dest);
    if (e.kind === 'binary' && (e.op === '+' || e.op === '-') && this.wraps(e)) {
      const a = this.protect(this.toInt32(e.left, null), [e.right]);
      const b = this.toInt32(e.right, null);
      const d = this.out('i32', dest);
      em.op(e.op === '+' ? 'ADD_I32' : 'SUB_I32', d, a, b);
      return this.free(d, a, b);
    }
    if (e.kind === 'unary' && e.op === '-' && this.wraps(e.arg)) {
      const a = this.toInt32(e.arg, null), d = this.out('i32', dest);
      em.op('NEG_I32', d, a);
      return this.free(d, a);
    }
    if (e.kind === 'binary' && this.isI32(e.left) && this.isI32(e.right)) {
      const l = this.ty(e.left), r = this.ty(e.right);
      const small = Math.max(Math.abs(l.lo), Math.abs(l.hi)) * Math.max(Math.abs(r.lo), Math.abs(r.hi)) <= 2 ** 53;
      const op = e.op === '/' ? 'DIV_I32' : e.op === '%' ? 'MOD_I32' : e.op === '*' && small ? 'IMUL_I32' : null;
      const divisor = op === 'MOD_I32' ? i32Literal(e.right) : undefined;
      if (divisor !== undefined) return this.remainderByConstant(this.gen(e.left, null), divisor, l.lo >= 0, dest);
      if (op) {
        const a = this.protect(this.gen(e.left, null), [e.right]), b = this.gen(e.right, null), d = this.out('i32', dest);
        em.op(op, d, a, b);
        return this.free(d, a, b);
      }
    }
    if (e.kind === 'load' && !this.typing.inBounds.has(e)) {
      const kind = this.typing.arrays.get(e.array)!;
      if (kind < 7) return this.intLoad(e, kind, dest);
    }
    return this.convert(this.gen(e, null), 'i32', dest);
  }

  // ---- assignments and updates ---------------------------------------------------------------

  private assign(e: Assign, dest: Slot | null, forEffect: boolean): Slot | null {
    const em = this.em;
    const result = (s: Slot): Slot | null => (forEffect ? (em.release(s), null) : this.place(s, dest));
    if (e.target.kind === 'var') {
      const vs = this.slotOf(e.target.v);
      if (e.op === '=') {
        if (this.ty(e.value).rep === vs.type || forEffect) {
          this.into(e.value, vs);
          return forEffect ? null : this.place(vs, dest);
        }
        const t = this.gen(e.value, null);
        this.converted(t, vs.type, vs);
        return result(t);
      }
      if (e.op === '??') return forEffect ? null : this.place(vs, dest);
      if (e.op === '&&' || e.op === '||') {
        const end = em.label();
        branchOnSlot(this, vs, end, e.op === '||');
        this.into(e.value, vs);
        em.define(end);
        return forEffect ? null : this.convert(vs, this.ty(e).rep, dest);
      }
      const rep = this.ty(e).rep;
      const direct = rep === vs.type;
      let r: Slot;
      if (BIT_OPS[e.op]) {
        const a = this.protect(vs.type === 'i32' ? vs : this.converted(vs, 'i32'), [e.value]);
        r = this.bitOp(e.op, a, e.value, direct ? vs : null);
      } else {
        r = this.arith(e.op, rep, this.protect(vs, [e.value]), e.value, direct ? vs : null, this.checkTarget(e));
      }
      if (direct) return forEffect ? null : this.place(vs, dest);
      this.converted(r, vs.type, vs);
      return result(r);
    }
    const { array, index } = e.target;
    const [, kind] = this.view(array);
    if (e.op === '=') {
      const iv = this.indexOperands(index, [e.value]);
      const s = forEffect && WRAPPING_KINDS.has(kind) ? this.toInt32(e.value, null) : this.gen(e.value, null);
      // The value is computed either way; an index that is none skips only the store.
      const skip: Label | null = this.mayMiss(iv) ? em.label() : null;
      const idx = this.toIndex(iv, skip);
      this.store(array, idx, s);
      if (skip) em.define(skip);
      em.release(idx);
      return result(s);
    }
    const idx = this.protect(this.indexOrMinusOne(this.indexOperands(index)), [e.value]);
    const inBounds = this.typing.inBounds.has(e);
    const old = this.loadAt(array, idx, null, inBounds, null);
    let r: Slot;
    if (e.op === '??') {
      r = old;
    } else if (e.op === '&&' || e.op === '||') {
      r = em.temp(this.ty(e).rep);
      const end = em.label();
      this.convert(old, r.type, r);
      branchOnSlot(this, r, end, e.op === '||');
      this.into(e.value, r);
      this.store(array, idx, r);
      em.define(end);
    } else {
      r = BIT_OPS[e.op]
        ? this.bitOp(e.op, this.convert(old, 'i32'), e.value, null)
        : this.arith(e.op, this.ty(e).rep, old, e.value, null);
      this.store(array, idx, r);
    }
    em.release(idx);
    return result(r);
  }

  private update(e: Update, dest: Slot | null, forEffect: boolean): Slot | null {
    const em = this.em;
    const op = e.op === '++' ? 'ADD' : 'SUB';
    if (e.target.kind === 'var') {
      const vs = this.slotOf(e.target.v);
      const t = vs.type.toUpperCase();
      const one = em.constant(vs.type, 1);
      // A checked counter branches where the step leaves int32: the DECLINE of a speculated one
      // (Typing.exact), the loop's exit for an update whose overflow ends the loop.
      const checked = vs.type === 'i32' ? this.checkTarget(e) : null;
      const step = () => (checked ? em.op(`${op}_I32_EXACT`, vs, vs, one, checked) : em.op(`${op}_${t}`, vs, vs, one));
      if (forEffect || e.prefix) {
        step();
        return forEffect ? null : this.place(vs, dest);
      }
      const old = em.temp(vs.type);
      em.op(`MOV_${t}`, old, vs);
      step();
      return this.place(old, dest);
    }
    const idx = this.indexOrMinusOne(this.indexOperands(e.target.index));
    const old = this.loadAt(e.target.array, idx, null, this.typing.inBounds.has(e), null);
    // Small integer elements + 1 stay exact ints; Int32 and Uint32 elements may overflow.
    const rep = old.type === 'i32' && this.typing.arrays.get(e.target.array)! !== 5 ? 'i32' : 'f64';
    const o = rep === 'f64' ? this.converted(old, 'f64') : old;
    const r = em.temp(rep);
    em.op(`${op}_${rep.toUpperCase()}`, r, o, em.constant(rep, 1));
    this.store(e.target.array, idx, r);
    em.release(idx);
    if (o !== old) em.release(o);
    if (forEffect) { em.release(r); em.release(old); return null; }
    if (e.prefix) { em.release(old); return this.place(r, dest); }
    em.release(r);
    return this.place(old, dest);
  }

  // ---- Math ----------------------------------------------------------------------------------

  private math(e: Extract<Expr, { kind: 'math' }>, dest: Slot | null): Slot {
    const em = this.em;
    const args = e.args;
    if (e.fn === 'imul') {
      const a = this.protect(this.toInt32(args[0], null), [args[1]]), b = this.toInt32(args[1], null), d = this.out('i32', dest);
      em.op('IMUL_I32', d, a, b);
      return this.free(d, a, b);
    }
    if (e.fn === 'clz32') {
      const t = this.ty(args[0]);
      const u = t.rep === 'f64' ? this.convert(this.gen(args[0], null), 'u32') : this.convert(this.toInt32(args[0], null), 'u32');
      const d = this.out('i32', dest);
      em.op('CLZ32_U32', d, u);
      return this.free(d, u);
    }
    if (MATH_UNARY[e.fn]) {
      const a = this.valueAs(args[0], 'f64'), d = this.out('f64', dest);
      em.op(MATH_UNARY[e.fn], d, a);
      return this.free(d, a);
    }
    if (args.length === 0) return this.place(em.constant('f64', e.fn === 'min' ? Infinity : e.fn === 'max' ? -Infinity : 0), dest);
    if (args.length === 1) {
      if (e.fn !== 'hypot') return this.place(this.valueAs(args[0], 'f64'), dest);
      const a = this.valueAs(args[0], 'f64'), d = this.out('f64', dest);
      em.op('ABS_F64', d, a);
      return this.free(d, a);
    }
    const slots = args.map((a, i) => this.protect(this.valueAs(a, 'f64'), args.slice(i + 1)));
    let acc = slots[0];
    for (let i = 1; i < slots.length; i++) {
      const d = i === slots.length - 1 ? this.out('f64', dest) : acc !== slots[0] ? acc : em.temp('f64');
      em.op(MATH_BINARY[e.fn], d, acc, slots[i]);
      if (acc !== d) em.release(acc);
      acc = d;
    }
    slots.slice(1).forEach((s) => { if (s !== acc) em.release(s); });
    return acc;
  }
}
