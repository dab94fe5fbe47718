// Values in slots: the conversions between representations, evaluation-order copies, values
// computed once (shared within a run of statements, a loop test's for its body, loop invariants:
// shared-values.ts), and the typed-array accesses (index conversion, loads with their miss stubs,
// stores with each element kind's conversion). ExprLowerer (lower-expr.ts) builds every
// expression on top of these.

import type { Label, Slot, SlotType, View } from '../trace/trace.js';
import type { Expr, VarId } from './ir.js';
import { exprWrites } from './ir-walk.js';
import type { Values } from './lower-cond.js';
import type { Emitter, HoistPoint, RecordedOp } from './lower-emit.js';
import { invariantValue, sharedInRun, valuesOnEntry, type InvariantValue, type RunStatement } from './shared-values.js';
import type { Rep, Ty, Typing } from './types.js';

/** The values a loop's test computes for the first run of its body: their representations and the slots that run gives them, by key. */
export interface EntryValues {
  readonly reps: ReadonlyMap<string, SlotType>;
  readonly slots: Map<string, Slot>;
}

/** An index's value, or the int32 operands of `a * b + c` (see indexOperands). */
export type IndexOperands = Slot | readonly [Slot, Slot, Slot];

export const KIND_NAMES = ['INT8', 'UINT8', 'UINT8CLAMPED', 'INT16', 'UINT16', 'INT32', 'UINT32', 'FLOAT32', 'FLOAT64'];
const CONVERT: Record<string, string> = {
  'i32>f64': 'I32_TO_F64', 'u32>f64': 'U32_TO_F64', 'u32>i32': 'U32_TO_I32', 'i32>u32': 'I32_TO_U32', 'f64>i32': 'F64_TO_I32', 'f64>u32': 'F64_TO_U32',
};

export abstract class ValueLowerer implements Values {
  constructor(
    readonly em: Emitter,
    readonly typing: Typing,
    protected readonly varSlots: ReadonlyMap<VarId, Slot>,
    protected readonly views: ReadonlyMap<VarId, View>,
    protected readonly lengths: ReadonlyMap<VarId, Slot>,
    /** f64 copies, made at entry, of i32 parameters that are never assigned. */
    protected readonly doubles: ReadonlyMap<VarId, Slot> = new Map(),
  ) {}

  /**
   * The statement being lowered's shared subexpressions with their keys (shared-values.ts), the
   * slots of its run holding them by key, and for a loop's test the slots to compute some into
   * (the values the body's first statements read).
   */
  private sharing: { keys: ReadonlyMap<Expr, string>; slots: Map<string, Slot>; fill?: ReadonlyMap<string, Slot> } | null = null;

  /** The loops being lowered, outermost first, with the f64 copies and the invariant values hoisted to their entries. */
  private readonly loops: Array<{ invariant: ReadonlySet<VarId>; hoist: HoistPoint; copies: Map<VarId, Slot>; values: Map<string, Slot>; keys: Map<Expr, InvariantValue> }> = [];

  protected ty(e: Expr): Ty {
    const t = this.typing.exprs.get(e);
    if (!t) throw new Error(`internal: no type for a ${e.kind} expression at line ${e.at.line}`);
    return t;
  }

  protected out(rep: Rep, dest: Slot | null): Slot {
    return dest ?? this.em.temp(rep);
  }

  /** `s` in `dest` (a move) or `s` itself. */
  protected place(s: Slot, dest: Slot | null): Slot {
    if (!dest || dest === s) return s;
    this.em.op(`MOV_${s.type.toUpperCase()}`, dest, s);
    this.em.release(s);
    return dest;
  }

  protected free(d: Slot, ...used: Slot[]): Slot {
    for (const u of used) if (u !== d) this.em.release(u);
    return d;
  }

  protected slotOf(v: VarId): Slot {
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
  protected converted(s: Slot, rep: SlotType, dest: Slot | null = null): Slot {
    if (s.type === rep) {
      if (dest && dest !== s) this.em.op(`MOV_${rep.toUpperCase()}`, dest, s);
      return dest ?? s;
    }
    const d = this.out(rep, dest);
    this.em.op(CONVERT[`${s.type}>${rep}`], d, s);
    return d;
  }

  /** Like converted(), but gives `s` back when it was a temp. */
  protected convert(s: Slot, rep: SlotType, dest: Slot | null = null): Slot {
    const d = this.converted(s, rep, dest);
    return this.free(d, s);
  }

  value(e: Expr): Slot {
    return this.gen(e, null);
  }

  valueAs(e: Expr, rep: Rep): Slot {
    if (rep === 'f64' && e.kind === 'number') return this.em.constant('f64', e.value);
    if (rep === 'f64' && e.kind === 'var' && this.doubles.has(e.v)) return this.doubles.get(e.v)!;
    if (rep === 'f64' && e.kind === 'var') {
      const copy = this.loopInvariantDouble(e.v);
      if (copy) return copy;
    }
    return this.convert(this.gen(e, null), rep);
  }

  /**
   * Lowers `body`, a loop, with `hoist` as the place before it where what depends only on the
   * variables the loop never writes nor declares (`invariant`) is computed once instead of at every
   * use: the f64 value of an i32 variable, and arithmetic over them (shared-values.ts).
   */
  insideLoop(invariant: ReadonlySet<VarId>, hoist: HoistPoint, body: () => void): void {
    this.loops.push({ invariant, hoist, copies: new Map(), values: new Map(), keys: new Map() });
    try {
      body();
    } finally {
      this.loops.pop();
    }
  }

  /** The f64 copy of i32 variable `v` made at the entry of the outermost enclosing loop that never writes it. */
  private loopInvariantDouble(v: VarId): Slot | undefined {
    const slot = this.varSlots.get(v);
    if (slot?.type !== 'i32') return undefined;
    const loop = this.loops.find((l) => l.invariant.has(v));
    if (!loop) return undefined;
    let copy = loop.copies.get(v);
    if (!copy) {
      copy = this.em.slot('f64');
      loop.hoist.push({ name: 'I32_TO_F64', operands: [copy, slot] });
      loop.copies.set(v, copy);
    }
    return copy;
  }

  /**
   * What a shared value's key says of each node (shared-values.ts): its representation, and `!`
   * where the typing speculated an int32 (Typing.exact). A speculated node is computed with its
   * check and a proven one without; one slot for both would let a wrapped, unchecked value stand
   * where the check must decline the call.
   */
  private readonly keyRep = (x: Expr): string | undefined => {
    const rep = this.typing.exprs.get(x)?.rep;
    return rep !== undefined && this.typing.exact.has(x) ? `${rep}!` : rep;
  };

  /** keyRep without the speculated nodes: for values computed where the program might not compute them. */
  private readonly provenRep = (x: Expr): string | undefined => (this.typing.exact.has(x) ? undefined : this.typing.exprs.get(x)?.rep);

  /**
   * Runs `lower(k)` for each statement of `run` (straight-line statements of one block, in order),
   * sharing the arithmetic values the run computes more than once (shared-values.ts): a value's
   * slot is kept from its first evaluation to the last statement of the run that reads it. `entry`, for the run
   * that starts a loop's body, holds the values its test computes (key -> representation): the
   * ones the run reads get a slot each in `entry.slots`, for the test to compute them into.
   */
  withSharedRun(run: readonly RunStatement[], lower: (k: number) => void, entry?: EntryValues): void {
    const { keys, lastUse } = sharedInRun(run, this.keyRep, new Set(entry?.reps.keys()));
    const slots = new Map<string, Slot>();
    for (const [key, type] of entry?.reps ?? []) {
      if (!lastUse.has(key)) continue;
      const slot = this.em.slot(type);
      slots.set(key, slot);
      entry!.slots.set(key, slot);
    }
    try {
      for (let k = 0; k < run.length; k++) {
        this.sharing = keys[k].size > 0 ? { keys: keys[k], slots } : null;
        lower(k);
        this.sharing = null;
        for (const [key, slot] of slots) {
          if (lastUse.get(key)! > k) continue;
          this.em.unpin(slot);
          slots.delete(key);
        }
      }
    } finally {
      this.sharing = null;
      for (const slot of slots.values()) this.em.unpin(slot);
    }
  }

  /** The values a loop's test computes for the body's first run (valuesOnEntry), by key with their representation. */
  valuesOnEntry(test: Expr): { keys: ReadonlyMap<Expr, string>; entry: EntryValues } {
    const keys = valuesOnEntry(test, this.keyRep, this.provenRep);
    const reps = new Map<string, SlotType>();
    for (const [e, key] of keys) reps.set(key, this.ty(e).rep);
    return { keys, entry: { reps, slots: new Map() } };
  }

  /**
   * Runs `lower`, a loop's test, after computing into `fill`'s slots the values of `keys` the body
   * reads: first, so that they are there on every path into the body whatever path the test's own
   * lowering takes (they are pure, over variables the test does not write); the test then reads
   * them where it computes them.
   */
  withValuesForBody(keys: ReadonlyMap<Expr, string>, fill: ReadonlyMap<string, Slot>, lower: () => void): void {
    const used = new Map([...keys].filter(([, key]) => fill.has(key)));
    if (used.size === 0) { lower(); return; }
    const sharing = { keys: used, slots: new Map<string, Slot>(), fill };
    this.sharing = sharing;
    try {
      for (const [e, key] of used) if (!sharing.slots.has(key)) this.gen(e, null);
      lower();
    } finally {
      this.sharing = null;
    }
  }

  /** `e` by `compute`, or the slot that already holds it: a loop invariant, or a value its statement's run shares. */
  protected shared(e: Expr, dest: Slot | null, compute: (dest: Slot | null) => Slot): Slot {
    const invariant = this.loopInvariant(e, this.ty(e).rep, 'value', compute);
    if (invariant) return this.place(invariant, dest);
    const key = this.sharing?.keys.get(e);
    if (!this.sharing || key === undefined) return compute(dest);
    let slot = this.sharing.slots.get(key);
    if (!slot) {
      const fill = this.sharing.fill?.get(key);
      if (fill) {
        slot = this.place(compute(fill), fill);
      } else {
        slot = compute(null);
        if (!this.em.isTemp(slot)) return this.place(slot, dest);
        this.em.pin(slot);
      }
      this.sharing.slots.set(key, slot);
    }
    return this.place(slot, dest);
  }

  /**
   * The slot holding `e` (its value, or as an index its i32 index or -1) in `rep`, when it is
   * arithmetic over variables an enclosing loop never writes: computed by `compute` (into the slot
   * it is given, where it can) at the entry of the outermost such loop, the first time, and read
   * from that slot everywhere inside the loop.
   */
  private loopInvariant(e: Expr, rep: SlotType, as: 'value' | 'index', compute: (own: Slot) => Slot): Slot | undefined {
    const innermost = this.loops[this.loops.length - 1];
    if (!innermost) return undefined;
    const value = invariantValue(e, (v) => innermost.invariant.has(v), this.keyRep, innermost.keys);
    if (!value) return undefined;
    // An inner loop writes less than the loops around it: the first loop that writes none of them.
    const loop = this.loops.find((l) => [...value.vars].every((v) => l.invariant.has(v)))!;
    const key = `${as} ${value.key}`;
    let slot = loop.values.get(key);
    if (!slot) {
      // Into a slot of its own: a temp could be one the loop's body writes, after the entry.
      // Computed apart from the statement: its shared values are not there at the loop's entry.
      const sharing = this.sharing;
      this.sharing = null;
      try {
        const own = this.em.slot(rep);
        slot = this.em.emitAt(loop.hoist, () => this.place(compute(own), own));
      } finally {
        this.sharing = sharing;
      }
      loop.values.set(key, slot);
    }
    return slot;
  }

  /**
   * `e` computed into `dest`, converted (exactly) when its representation differs; into an i32
   * variable that only ToInt32 reads (Typing.int32Only), ToInt32 of its value.
   */
  into(e: Expr, dest: Slot): void {
    if (this.ty(e).rep === dest.type) this.gen(e, dest);
    else if (dest.type === 'f64' && e.kind === 'number') this.place(this.em.constant('f64', e.value), dest);
    else if (dest.type === 'i32' && this.ty(e).rep === 'f64') this.toInt32(e, dest);
    else this.convert(this.gen(e, null), dest.type, dest);
  }


  // ---- typed arrays --------------------------------------------------------------------------

  /**
   * What an index is computed from, in evaluation order, each slot kept from writes in `later`: the
   * value of `index`, or the three int32 slots of `a * b + c` (also `c + a * b`, and `a * b` with
   * c = 0) when its product may leave int32. MULADD_INDEX computes that exactly in int64: the same
   * index as JS's f64 arithmetic wherever either is one (docs/native-engine.md, "Index arithmetic").
   */
  protected indexOperands(index: Expr, later: readonly Expr[] = []): IndexOperands {
    const terms = this.productTerms(index);
    if (!terms) return this.protect(this.gen(index, null), later);
    // A loop invariant: its index (or -1) computed once, before the loop.
    const invariant = this.loopInvariant(index, 'i32', 'index', () => this.toIndex(this.productOperands(terms, []), null));
    return invariant ?? this.productOperands(terms, later);
  }

  private productOperands(terms: [Expr, Expr, Expr | null, boolean], later: readonly Expr[]): readonly [Slot, Slot, Slot] {
    const [a, b, c, addendFirst] = terms;
    const order = c === null ? [a, b] : addendFirst ? [c, a, b] : [a, b, c];
    const slots = order.map((e, i) => this.protect(this.gen(e, null), [...order.slice(i + 1), ...later]));
    if (c === null) return [slots[0], slots[1], this.em.constant('i32', 0)];
    return addendFirst ? [slots[1], slots[2], slots[0]] : [slots[0], slots[1], slots[2]];
  }

  /** `a`, `b`, `c` and whether `c` comes first, when `index` is `a * b + c` as indexOperands() takes it. */
  private productTerms(index: Expr): [Expr, Expr, Expr | null, boolean] | null {
    const isInt32 = (e: Expr) => { const t = this.ty(e); return t.kind === 'number' && t.rep === 'i32'; };
    const product = (e: Expr) => e.kind === 'binary' && e.op === '*' && this.ty(e).rep === 'f64' && isInt32(e.left) && isInt32(e.right);
    if (this.ty(index).rep !== 'f64' || index.kind !== 'binary') return null;
    if (product(index)) return [index.left, index.right, null, false];
    if (index.op !== '+') return null;
    const { left, right } = index;
    if (left.kind === 'binary' && product(left) && isInt32(right)) return [left.left, left.right, right, false];
    if (right.kind === 'binary' && isInt32(left) && product(right)) return [right.left, right.right, left, true];
    return null;
  }

  /** An i32 index for a load, jumping to `miss` when it is no index (f64 non-integers, negatives, NaN). */
  protected loadIndex(index: Expr, miss: Label): Slot {
    return this.toIndex(this.indexOperands(index), miss);
  }

  /** Whether finding no index in `operands` takes a jump (F64_TO_INDEX); MULADD_INDEX gives -1 instead. */
  protected mayMiss(operands: IndexOperands): boolean {
    return !Array.isArray(operands) && (operands as Slot).type === 'f64';
  }

  /**
   * The i32 index of `operands`, or a value every view finds out of range (-1, or a u32 of 2^31 and
   * more turned negative); where mayMiss(), F64_TO_INDEX jumps to `miss` instead.
   */
  protected toIndex(operands: IndexOperands, miss: Label | null): Slot {
    if (Array.isArray(operands)) {
      const d = this.em.temp('i32');
      this.em.op('MULADD_INDEX', d, ...operands);
      return this.free(d, ...operands);
    }
    const s = operands as Slot;
    if (s.type === 'i32') return s;
    if (s.type === 'u32') return this.convert(s, 'i32');
    if (!miss) throw new Error('internal: an f64 index without a miss label');
    const d = this.em.temp('i32');
    this.em.op('F64_TO_INDEX', d, s, miss);
    return this.free(d, s);
  }

  /** An i32 index that is -1 (always out of range) when the value is no index. */
  protected indexOrMinusOne(operands: IndexOperands): Slot {
    if (!this.mayMiss(operands)) return this.toIndex(operands, null);
    const s = operands as Slot, d = this.em.temp('i32'), next = this.em.label();
    this.em.op('CONST_I32', d, -1);
    this.em.op('F64_TO_INDEX', d, s, next);
    this.em.define(next);
    return this.free(d, s);
  }

  protected view(v: VarId): [View, number] {
    return [this.views.get(v)!, this.typing.arrays.get(v)!];
  }

  /** A load `v[idx]`: in bounds (proven) in its element's representation, else f64 with NaN on a miss. */
  protected loadAt(v: VarId, idx: Slot | null, index: Expr | null, inBounds: boolean, dest: Slot | null): Slot {
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

  protected load(e: Extract<Expr, { kind: 'load' }>, dest: Slot | null): Slot {
    return this.loadAt(e.array, null, e.index, this.typing.inBounds.has(e), dest);
  }

  /** An integer load in a ToInt32 context: the i32 form, with 0 for a miss (ToInt32(undefined) is 0). */
  protected intLoad(e: Extract<Expr, { kind: 'load' }>, kind: number, dest: Slot | null): Slot {
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
  protected store(v: VarId, idx: Slot, s: Slot): void {
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

  /** `e` in its own representation, into `dest` when given (which then has that representation). */
  abstract gen(e: Expr, dest: Slot | null): Slot;

  /** ToInt32 of `e`'s value, in an i32 slot. */
  abstract toInt32(e: Expr, dest: Slot | null): Slot;

  abstract effect(e: Expr): void;
}
