// Expressions to micro-ops. Every value has the representation the typing pass gave it; a value
// is computed into a destination slot when the caller has one (`x = a + b` writes x directly),
// otherwise into a temp (given back after use) or read straight from a variable's slot.
// ToInt32 contexts (bitwise operands, `| 0`, stores into integer arrays) use the exact i32 forms:
// a sum of ints is exact as a double, so ToInt32 of it is the wrapping ADD_I32.

import type { Label, Slot, SlotType, View } from '../trace/trace.js';
import type { Expr, VarId } from './ir.js';
import { exprWrites, hasEffects } from './ir-walk.js';
import { branch, branchOnSlot, compareOperands, ifElse, type Values } from './lower-cond.js';
import type { Emitter, RecordedOp } from './lower-emit.js';
import type { Rep, Ty, Typing } from './types.js';

const KIND_NAMES = ['INT8', 'UINT8', 'UINT8CLAMPED', 'INT16', 'UINT16', 'INT32', 'UINT32', 'FLOAT32', 'FLOAT64'];
const F64_OPS: Record<string, string> = { '+': 'ADD_F64', '-': 'SUB_F64', '*': 'MUL_F64', '/': 'DIV_F64', '%': 'MOD_F64', '**': 'POW_F64' };
const I32_OPS: Record<string, string> = { '+': 'ADD_I32', '-': 'SUB_I32', '*': 'IMUL_I32', '%': 'MOD_I32' };
const BIT_OPS: Record<string, string> = { '|': 'OR_I32', '&': 'AND_I32', '^': 'XOR_I32', '<<': 'SHL_I32', '>>': 'SAR_I32', '>>>': 'SHR_U32' };
const MATH_UNARY: Record<string, string> = {
  abs: 'ABS_F64', floor: 'FLOOR_F64', ceil: 'CEIL_F64', round: 'ROUND_F64', trunc: 'TRUNC_F64', sign: 'SIGN_F64',
  sqrt: 'SQRT_F64', fround: 'FROUND_F64', sin: 'SIN_F64', cos: 'COS_F64', tan: 'TAN_F64', asin: 'ASIN_F64',
  acos: 'ACOS_F64', atan: 'ATAN_F64', sinh: 'SINH_F64', cosh: 'COSH_F64', tanh: 'TANH_F64', asinh: 'ASINH_F64',
  acosh: 'ACOSH_F64', atanh: 'ATANH_F64', exp: 'EXP_F64', expm1: 'EXPM1_F64', log: 'LOG_F64', log1p: 'LOG1P_F64',
  log2: 'LOG2_F64', log10: 'LOG10_F64', cbrt: 'CBRT_F64',
};
const MATH_BINARY: Record<string, string> = { pow: 'POW_F64', atan2: 'ATAN2_F64', hypot: 'HYPOT_F64', min: 'MIN_F64', max: 'MAX_F64' };
const CONVERT: Record<string, string> = {
  'i32>f64': 'I32_TO_F64', 'u32>f64': 'U32_TO_F64', 'u32>i32': 'U32_TO_I32', 'i32>u32': 'I32_TO_U32', 'f64>i32': 'F64_TO_I32', 'f64>u32': 'F64_TO_U32',
};
const WRAPPING_KINDS = new Set([0, 1, 3, 4, 5, 6]);

type Assign = Extract<Expr, { kind: 'assign' }>;
type Update = Extract<Expr, { kind: 'update' }>;

export class ExprLowerer implements Values {
  constructor(
    readonly em: Emitter,
    readonly typing: Typing,
    private readonly varSlots: ReadonlyMap<VarId, Slot>,
    private readonly views: ReadonlyMap<VarId, View>,
    private readonly lengths: ReadonlyMap<VarId, Slot>,
  ) {}

  private ty(e: Expr): Ty {
    const t = this.typing.exprs.get(e);
    if (!t) throw new Error(`internal: no type for a ${e.kind} expression at line ${e.at.line}`);
    return t;
  }

  private out(rep: Rep, dest: Slot | null): Slot {
    return dest ?? this.em.temp(rep);
  }

  /** `s` in `dest` (a move) or `s` itself. */
  private place(s: Slot, dest: Slot | null): Slot {
    if (!dest || dest === s) return s;
    this.em.op(`MOV_${s.type.toUpperCase()}`, dest, s);
    this.em.release(s);
    return dest;
  }

  private free(d: Slot, ...used: Slot[]): Slot {
    for (const u of used) if (u !== d) this.em.release(u);
    return d;
  }

  private slotOf(v: VarId): Slot {
    const s = this.varSlots.get(v);
    if (!s) throw new Error(`internal: variable ${v} has no slot`);
    return s;
  }

  protect(s: Slot, later: readonly Expr[]): Slot {
    const v = this.em.slotVars.get(s.index);
    if (v === undefined || !later.some((x) => exprWrites(x).has(v))) return s;
    const t = this.em.temp(s.type);
    this.em.op(`MOV_${s.type.toUpperCase()}`, t, s);
    return t;
  }

  /** `s` as `rep` in a new temp or `dest`; `s` itself stays as it is (a variable keeps its value). */
  private converted(s: Slot, rep: SlotType, dest: Slot | null = null): Slot {
    if (s.type === rep) {
      if (dest && dest !== s) this.em.op(`MOV_${rep.toUpperCase()}`, dest, s);
      return dest ?? s;
    }
    const d = this.out(rep, dest);
    this.em.op(CONVERT[`${s.type}>${rep}`], d, s);
    return d;
  }

  /** Like converted(), but gives `s` back when it was a temp. */
  private convert(s: Slot, rep: SlotType, dest: Slot | null = null): Slot {
    const d = this.converted(s, rep, dest);
    return this.free(d, s);
  }

  value(e: Expr): Slot {
    return this.gen(e, null);
  }

  valueAs(e: Expr, rep: Rep): Slot {
    if (rep === 'f64' && e.kind === 'number') return this.em.constant('f64', e.value);
    return this.convert(this.gen(e, null), rep);
  }

  /** `e` computed into `dest`, converted (exactly) when its representation differs. */
  into(e: Expr, dest: Slot): void {
    if (this.ty(e).rep === dest.type) this.gen(e, dest);
    else if (dest.type === 'f64' && e.kind === 'number') this.place(this.em.constant('f64', e.value), dest);
    else this.convert(this.gen(e, null), dest.type, dest);
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
          const rep = this.ty(e).rep;
          const left = rep === 'f64' ? this.valueAs(e.left, 'f64') : this.gen(e.left, null);
          return this.arith(e.op, rep, this.protect(left, [e.right]), e.right, dest);
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

  /** `left op right` for + - * / % ** with `left` already evaluated; i32 only where typing proved it exact. */
  private arith(op: string, rep: Rep, left: Slot, right: Expr, dest: Slot | null): Slot {
    const em = this.em;
    if (rep === 'i32' && I32_OPS[op] && left.type === 'i32') {
      const b = this.gen(right, null);
      if (b.type === 'i32') {
        const d = this.out('i32', dest);
        em.op(I32_OPS[op], d, left, b);
        return this.free(d, left, b);
      }
      throw new Error('internal: an i32 operation with a non-i32 operand');
    }
    const a = left.type === 'f64' ? left : this.convert(left, 'f64');
    const b = this.valueAs(right, 'f64');
    const d = this.out('f64', dest);
    em.op(F64_OPS[op], d, a, b);
    return this.free(d, a, b);
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

  // ---- typed arrays --------------------------------------------------------------------------

  /** An i32 index for a load, jumping to `miss` when it is no index (f64 non-integers, negatives, NaN). */
  private loadIndex(index: Expr, miss: Label): Slot {
    const s = this.gen(index, null);
    if (s.type === 'i32') return s;
    if (s.type === 'u32') return this.convert(s, 'i32');
    const d = this.em.temp('i32');
    this.em.op('F64_TO_INDEX', d, s, miss);
    return this.free(d, s);
  }

  /** An i32 index that is -1 (always out of range) when the value is no index. */
  private indexOrMinusOne(s: Slot): Slot {
    if (s.type === 'i32') return s;
    if (s.type === 'u32') return this.convert(s, 'i32');
    const d = this.em.temp('i32'), next = this.em.label();
    this.em.op('CONST_I32', d, -1);
    this.em.op('F64_TO_INDEX', d, s, next);
    this.em.define(next);
    return this.free(d, s);
  }

  private view(v: VarId): [View, number] {
    return [this.views.get(v)!, this.typing.arrays.get(v)!];
  }

  /** A load `v[idx]`: in bounds (proven) in its element's representation, else f64 with NaN on a miss. */
  private loadAt(v: VarId, idx: Slot | null, index: Expr | null, inBounds: boolean, dest: Slot | null): Slot {
    const em = this.em;
    const [view, kind] = this.view(v);
    if (inBounds) {
      const i = idx ?? this.gen(index!, null);
      const rep: Rep = kind === 6 ? 'u32' : kind >= 7 ? 'f64' : 'i32';
      const d = this.out(rep, dest), next = em.label();
      em.op(kind === 6 ? 'LOAD_UINT32_U32' : kind >= 7 ? `LOAD_${KIND_NAMES[kind]}` : `LOAD_${KIND_NAMES[kind]}_I32`, d, view, i, next);
      em.define(next);
      return idx ? d : this.free(d, i);
    }
    const d = this.out('f64', dest), back = em.label();
    const miss = em.stub([{ name: 'CONST_F64', operands: [d, NaN] }], back);
    const i = idx ?? this.loadIndex(index!, miss);
    em.op(`LOAD_${KIND_NAMES[kind]}`, d, view, i, miss);
    em.define(back);
    return idx ? d : this.free(d, i);
  }

  private load(e: Extract<Expr, { kind: 'load' }>, dest: Slot | null): Slot {
    return this.loadAt(e.array, null, e.index, this.typing.inBounds.has(e), dest);
  }

  /** An integer load in a ToInt32 context: the i32 form, with 0 for a miss (ToInt32(undefined) is 0). */
  private intLoad(e: Extract<Expr, { kind: 'load' }>, kind: number, dest: Slot | null): Slot {
    const em = this.em;
    const [view] = this.view(e.array);
    const back = em.label();
    const d = this.out('i32', dest);
    const raw = kind === 6 ? em.temp('u32') : d;
    const stubOps: RecordedOp[] = kind === 6 ? [{ name: 'MOV_U32', operands: [raw, em.constant('u32', 0)] }] : [{ name: 'CONST_I32', operands: [d, 0] }];
    const miss = em.stub(stubOps, back);
    const i = this.loadIndex(e.index, miss);
    em.op(kind === 6 ? 'LOAD_UINT32_U32' : `LOAD_${KIND_NAMES[kind]}_I32`, raw, view, i, miss);
    em.define(back);
    this.free(d, i);
    return raw === d ? d : this.convert(raw, 'i32', d);
  }

  /** Stores the value in `s` (any representation) with the element kind's conversion. */
  private store(v: VarId, idx: Slot, s: Slot): void {
    const em = this.em;
    const [view, kind] = this.view(v);
    const name = KIND_NAMES[kind];
    if (kind >= 7 || (kind === 2 && s.type !== 'i32')) {
      const f = this.converted(s, 'f64');
      em.op(`STORE_${name}`, view, idx, f);
      if (f !== s) em.release(f);
    } else if (s.type === 'f64') {
      em.op(`STORE_${name}`, view, idx, s);
    } else {
      const i = this.converted(s, 'i32');
      em.op(`STORE_${name}_I32`, view, idx, i);
      if (i !== s) em.release(i);
    }
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
        r = this.arith(e.op, rep, this.protect(vs, [e.value]), e.value, direct ? vs : null);
      }
      if (direct) return forEffect ? null : this.place(vs, dest);
      this.converted(r, vs.type, vs);
      return result(r);
    }
    const { array, index } = e.target;
    const [, kind] = this.view(array);
    if (e.op === '=') {
      const iv = this.protect(this.gen(index, null), [e.value]);
      const s = forEffect && WRAPPING_KINDS.has(kind) ? this.toInt32(e.value, null) : this.gen(e.value, null);
      let idx = iv, skip: Label | null = null;
      if (iv.type === 'u32') idx = this.convert(iv, 'i32');
      else if (iv.type === 'f64') {
        skip = em.label();
        idx = em.temp('i32');
        em.op('F64_TO_INDEX', idx, iv, skip);
        em.release(iv);
      }
      this.store(array, idx, s);
      if (skip) em.define(skip);
      em.release(idx);
      return result(s);
    }
    const idx = this.protect(this.indexOrMinusOne(this.gen(index, null)), [e.value]);
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
      if (forEffect || e.prefix) {
        em.op(`${op}_${t}`, vs, vs, one);
        return forEffect ? null : this.place(vs, dest);
      }
      const old = em.temp(vs.type);
      em.op(`MOV_${t}`, old, vs);
      em.op(`${op}_${t}`, vs, vs, one);
      return this.place(old, dest);
    }
    const idx = this.indexOrMinusOne(this.gen(e.target.index, null));
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
