// The trace builder: writes micro-op traces in the binary format of docs/trace-format.md, checking
// every operand against the micro-op table as it goes so that a front-end bug is reported at the
// op that caused it. The C++ validator checks everything again: this is for good errors, not safety.

import { ELEMENT_KIND_ARRAYS, ElementKind, OPCODES, OperandKind, UOPS, type UopDef } from './uops.js';

export const TRACE_MAGIC = 0x3143544a; // 'JTC1' as little-endian bytes
export const TRACE_VERSION = 1;
export const TRACE_HEADER_WORDS = 8;

export type SlotType = 'f64' | 'i32' | 'u32';
export type ReturnType = 'void' | SlotType;

const SLOT_TYPE_CODES: Record<SlotType, number> = { f64: 1, i32: 2, u32: 3 };
const RETURN_TYPE_CODES: Record<ReturnType, number> = { void: 0, f64: 1, i32: 2, u32: 3 };
const SLOT_KIND_TYPES: Partial<Record<OperandKind, SlotType>> = {
  [OperandKind.F64]: 'f64',
  [OperandKind.I32]: 'i32',
  [OperandKind.U32]: 'u32',
};

export interface Slot {
  readonly kind: 'slot';
  readonly index: number;
  readonly type: SlotType;
}
export interface View {
  readonly kind: 'view';
  readonly index: number;
  readonly elementKind: ElementKind;
}
export interface Label {
  readonly kind: 'label';
  readonly id: number;
}
/** An operand: a slot, a view, a label, or a number for an immediate. */
export type Operand = Slot | View | Label | number;

function describe(operand: Operand): string {
  if (typeof operand === 'number') return `the number ${operand}`;
  if (operand.kind === 'slot') return `${operand.type} slot ${operand.index}`;
  if (operand.kind === 'view') return `${ELEMENT_KIND_ARRAYS[operand.elementKind]} view ${operand.index}`;
  return `label ${operand.id}`;
}

export class TraceBuilder {
  private readonly slotTypes: number[] = [];
  private readonly viewKinds: number[] = [];
  private readonly params: number[] = [];
  private readonly ops: number[] = [];
  private returnType = 0;
  private returnSlot = 0;
  private labels = 0;
  private readonly defined = new Set<number>();
  private readonly f64 = new Float64Array(1);
  private readonly f64Words = new Int32Array(this.f64.buffer);

  slot(type: SlotType): Slot {
    if (!(type in SLOT_TYPE_CODES)) throw new TypeError(`unknown slot type ${String(type)} (f64, i32 or u32)`);
    this.slotTypes.push(SLOT_TYPE_CODES[type]);
    return { kind: 'slot', index: this.slotTypes.length - 1, type };
  }

  view(elementKind: ElementKind): View {
    if (!Number.isInteger(elementKind) || elementKind < 0 || elementKind > 8)
      throw new TypeError(`unknown element kind ${String(elementKind)} (0..8)`);
    this.viewKinds.push(elementKind);
    return { kind: 'view', index: this.viewKinds.length - 1, elementKind };
  }

  /** Binds the next call argument to a slot or a view. */
  param(target: Slot | View): this {
    this.params.push(target.kind === 'slot' ? 0 : 1, target.index);
    return this;
  }

  returns(slot: Slot): this {
    this.returnType = RETURN_TYPE_CODES[slot.type];
    this.returnSlot = slot.index;
    return this;
  }

  label(): Label {
    return { kind: 'label', id: this.labels++ };
  }

  /** Defines `label` here (the LABEL pseudo-op). */
  define(label: Label): this {
    if (this.defined.has(label.id)) throw new Error(`label ${label.id} is defined twice`);
    this.defined.add(label.id);
    return this.op('LABEL', label);
  }

  /** Appends micro-op `name` with its operands in table order (see lib/kernel/uops.ts). */
  op(name: string, ...operands: Operand[]): this {
    const opcode = OPCODES[name];
    if (opcode === undefined) throw new TypeError(`unknown micro-op ${name}`);
    const def: UopDef = UOPS[opcode];
    if (operands.length !== def.operands.length)
      throw new TypeError(`${name} takes ${def.operands.length} operands, got ${operands.length}`);
    const words = [opcode];
    def.operands.forEach((spec, i) => {
      const operand = operands[i];
      const wrong = () =>
        new TypeError(`${name} operand ${i} (${spec.name}) must be ${this.expected(spec.kind, def)}, got ${describe(operand)}`);
      switch (spec.kind) {
        case OperandKind.F64:
        case OperandKind.I32:
        case OperandKind.U32:
          if (typeof operand === 'number' || operand.kind !== 'slot' || operand.type !== SLOT_KIND_TYPES[spec.kind]) throw wrong();
          words.push(operand.index);
          break;
        case OperandKind.View:
          if (typeof operand === 'number' || operand.kind !== 'view') throw wrong();
          if (def.viewKind >= 0 && operand.elementKind !== def.viewKind) throw wrong();
          words.push(operand.index);
          break;
        case OperandKind.Label:
          if (typeof operand === 'number' || operand.kind !== 'label') throw wrong();
          words.push(operand.id);
          break;
        case OperandKind.ImmI32:
          if (typeof operand !== 'number' || (operand | 0) !== operand) throw wrong();
          words.push(operand);
          break;
        case OperandKind.ImmF64:
          if (typeof operand !== 'number') throw wrong();
          this.f64[0] = operand;
          words.push(this.f64Words[0], this.f64Words[1]);
          break;
      }
    });
    this.ops.push(...words);
    return this;
  }

  private expected(kind: OperandKind, def: UopDef): string {
    switch (kind) {
      case OperandKind.F64: return 'an f64 slot';
      case OperandKind.I32: return 'an i32 slot';
      case OperandKind.U32: return 'a u32 slot';
      case OperandKind.View: return def.viewKind >= 0 ? `a ${ELEMENT_KIND_ARRAYS[def.viewKind]} view` : 'a view';
      case OperandKind.Label: return 'a label';
      case OperandKind.ImmI32: return 'an int32 number';
      default: return 'a number';
    }
  }

  /** The trace as 32-bit words, ready for compile(). */
  build(): Int32Array {
    const header = [
      TRACE_MAGIC | 0,
      TRACE_VERSION,
      this.slotTypes.length,
      this.viewKinds.length,
      this.params.length / 2,
      this.returnType,
      this.returnSlot,
      this.ops.length,
    ];
    const words = new Int32Array(TRACE_HEADER_WORDS + this.slotTypes.length + this.viewKinds.length + this.params.length + this.ops.length);
    let at = 0;
    for (const part of [header, this.slotTypes, this.viewKinds, this.params, this.ops]) {
      words.set(part, at);
      at += part.length;
    }
    return words;
  }
}

export { ElementKind };
