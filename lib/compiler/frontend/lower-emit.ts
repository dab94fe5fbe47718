// The lowering's view of a trace: slots for variables, constants and temps, ops recorded in three
// parts (entry: parameters, constants and guards; cold: load-miss stubs, DECLINE; body) and written to the
// TraceBuilder in that order. The cold stubs sit before the body, behind one jump at entry, so
// that a load's miss branch is the only one to reach them and the body's hot path falls through.

import { TraceBuilder, type Label, type Operand, type Slot, type SlotType, type View } from '../trace/trace.js';
import { ELEMENT_KIND_ARRAYS, type ElementKind } from '../trace/uops.js';
import type { VarId } from './ir.js';

export interface RecordedOp {
  readonly name: string;
  readonly operands: readonly Operand[];
}

/** A place in the body where ops can be added later (a loop's entry, for what it hoists). */
export type HoistPoint = RecordedOp[];

export class Emitter {
  readonly builder = new TraceBuilder();
  private readonly entry: RecordedOp[] = [];
  private readonly cold: RecordedOp[] = [];
  private readonly body: Array<RecordedOp | HoistPoint> = [];
  private readonly free: Record<SlotType, Slot[]> = { f64: [], i32: [], u32: [] };
  private readonly temps = new Set<number>();
  private readonly released = new Set<number>();
  private readonly pinned = new Set<number>();
  private readonly constants = new Map<string, Slot>();
  /** The variable a slot holds, for the evaluation-order copies. */
  readonly slotVars = new Map<number, VarId>();
  private finished: RecordedOp[] | null = null;
  private declineAt: Label | null = null;
  /** Where op() and define() write while emitAt() runs: a hoist point, or null for the body. */
  private at: HoistPoint | null = null;

  slot(type: SlotType): Slot {
    return this.builder.slot(type);
  }

  view(kind: ElementKind): View {
    return this.builder.view(kind);
  }

  label(): Label {
    return this.builder.label();
  }

  op(name: string, ...operands: Operand[]): void {
    (this.at ?? this.body).push({ name, operands });
  }

  entryOp(name: string, ...operands: Operand[]): void {
    this.entry.push({ name, operands });
  }

  define(label: Label): void {
    (this.at ?? this.body).push({ name: 'LABEL', operands: [label] });
  }

  /** A hoist point here: the ops pushed to it later are written in its place. */
  hoistPoint(): HoistPoint {
    if (this.at) throw new Error('internal: a hoist point inside hoisted code');
    const point: HoistPoint = [];
    this.body.push(point);
    return point;
  }

  /** Runs `emit` with its ops written at `point` (a loop invariant computed at the loop's entry). */
  emitAt<T>(point: HoistPoint, emit: () => T): T {
    const outer = this.at;
    this.at = point;
    try {
      return emit();
    } finally {
      this.at = outer;
    }
  }

  /** A stub off the hot path: `ops`, then a jump back to `back`. Returns its label. */
  stub(ops: readonly RecordedOp[], back: Label): Label {
    const here = this.label();
    this.cold.push({ name: 'LABEL', operands: [here] }, ...ops, { name: 'JUMP', operands: [back] });
    return here;
  }

  /** Whether `op` branches to the DECLINE (an entry guard's or a speculated int32 check's). */
  branchesToDecline(op: RecordedOp): boolean {
    return this.declineAt !== null && op.operands[op.operands.length - 1] === this.declineAt;
  }

  /** The target of the entry guards and of the speculated int32 checks: one cold DECLINE, made on first use. */
  declineLabel(): Label {
    if (!this.declineAt) {
      this.declineAt = this.label();
      this.cold.push({ name: 'LABEL', operands: [this.declineAt] }, { name: 'DECLINE', operands: [] });
    }
    return this.declineAt;
  }

  temp(type: SlotType): Slot {
    const reused = this.free[type].pop();
    if (reused) {
      this.released.delete(reused.index);
      return reused;
    }
    const s = this.slot(type);
    this.temps.add(s.index);
    return s;
  }

  isTemp(s: Slot): boolean {
    return this.temps.has(s.index);
  }

  /** Keeps temp `s` from being given back until unpin(s) (a value shared within a statement). */
  pin(s: Slot): void {
    this.pinned.add(s.index);
  }

  unpin(s: Slot): void {
    this.pinned.delete(s.index);
    this.release(s);
  }

  /** Gives a temp back (anything else is ignored: variables and constants live for the whole call). */
  release(s: Slot | null | undefined): void {
    if (!s || !this.temps.has(s.index) || this.pinned.has(s.index)) return;
    if (this.released.has(s.index)) throw new Error(`internal: temp s${s.index} released twice`);
    this.released.add(s.index);
    this.free[s.type].push(s);
  }

  isConstant(s: Slot): boolean {
    for (const c of this.constants.values()) if (c.index === s.index) return true;
    return false;
  }

  /** A slot holding `value` in `type`, set once at entry. */
  constant(type: SlotType, value: number): Slot {
    const key = `${type}:${Object.is(value, -0) ? '-0' : String(value)}`;
    let s = this.constants.get(key);
    if (s) return s;
    s = this.slot(type);
    if (type === 'f64') this.entryOp('CONST_F64', s, value);
    else if (type === 'i32') this.entryOp('CONST_I32', s, value | 0);
    else {
      const t = this.constant('i32', value | 0);
      this.entryOp('I32_TO_U32', s, t);
    }
    this.constants.set(key, s);
    return s;
  }

  /** Writes every op to the builder and returns the trace's ops in order. */
  finish(): readonly RecordedOp[] {
    if (this.finished) return this.finished;
    const all: RecordedOp[] = [...this.entry];
    if (this.cold.length > 0) {
      const start = this.label();
      all.push({ name: 'JUMP', operands: [start] }, ...this.cold, { name: 'LABEL', operands: [start] });
    }
    for (const entry of this.body) {
      if (Array.isArray(entry)) all.push(...entry);
      else all.push(entry);
    }
    const last = all[all.length - 1];
    if (!last || (last.name !== 'RETURN' && last.name !== 'JUMP')) all.push({ name: 'RETURN', operands: [] });
    for (const op of all) {
      if (op.name === 'LABEL') this.builder.define(op.operands[0] as Label);
      else this.builder.op(op.name, ...op.operands);
    }
    this.finished = all;
    return all;
  }
}

export function operandText(o: Operand): string {
  if (typeof o === 'number') return Object.is(o, -0) ? '-0' : String(o);
  if (o.kind === 'slot') return `s${o.index}`;
  if (o.kind === 'view') return `v${o.index}:${ELEMENT_KIND_ARRAYS[o.elementKind]}`;
  return `L${o.id}`;
}

export function opText(op: RecordedOp): string {
  if (op.name === 'LABEL') return `L${(op.operands[0] as Label).id}:`;
  return op.operands.length === 0 ? op.name : `${op.name} ${op.operands.map(operandText).join(', ')}`;
}
