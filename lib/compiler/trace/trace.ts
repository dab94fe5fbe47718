// The trace builder: writes micro-op traces in the binary format of docs/trace-format.md, checking
// every operand against the micro-op table as it goes so that a front-end bug is reported at the
// op that caused it. The C++ validator checks everything again: this is for good errors, not safety.

import {
  ELEMENT_KIND_ARRAYS,
  ElementKind,
  OPCODES,
  OperandKind,
  RETURN_TYPE_CODES,
  SLOT_TYPE_CODES,
  TRACE_HEADER_WORDS,
  TRACE_MAGIC,
  TRACE_VERSION,
  UOPS,
  type UopDef,
} from './uops.js';

// The format's constants and codes are generated with the micro-op table (uops.ts), as the C++
// validator's are.
export { TRACE_HEADER_WORDS, TRACE_MAGIC, TRACE_VERSION };

export type SlotType = keyof typeof SLOT_TYPE_CODES;
export type ReturnType = keyof typeof RETURN_TYPE_CODES;

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

/** Whether `value` is one of the builder's own operand objects of `kind` (not null, not a look-alike string). */
function isRef(value: unknown, kind: 'slot' | 'view' | 'label'): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
}

function describe(operand: unknown): string {
  if (typeof operand === 'number') return `the number ${operand}`;
  if (operand === null) return 'null';
  if (typeof operand !== 'object') return typeof operand === 'string' ? `the string ${JSON.stringify(operand)}` : String(operand);
  const o = operand as { kind?: unknown; type?: unknown; index?: unknown; elementKind?: unknown; id?: unknown };
  if (o.kind === 'slot') return `${String(o.type)} slot ${String(o.index)}`;
  if (o.kind === 'view') return `${ELEMENT_KIND_ARRAYS[o.elementKind as ElementKind] ?? 'unknown'} view ${String(o.index)}`;
  if (o.kind === 'label') return `label ${String(o.id)}`;
  return 'an object that is not a slot, view or label';
}

// An f64 immediate is written as its two 32-bit words: one scratch pair for every builder (a
// builder per kernel made two typed arrays each time).
const f64Scratch = new Float64Array(1);
const f64ScratchWords = new Int32Array(f64Scratch.buffer);

export class TraceBuilder {
  private readonly slotTypes: number[] = [];
  private readonly viewKinds: number[] = [];
  private readonly params: number[] = [];
  private readonly ops: number[] = [];
  private returnType = 0;
  private returnSlot = 0;
  private labels = 0;
  private readonly defined = new Set<number>();

  slot(type: SlotType): Slot {
    if (typeof type !== 'string' || !Object.hasOwn(SLOT_TYPE_CODES, type)) throw new TypeError(`unknown slot type ${String(type)} (f64, i32 or u32)`);
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
    if (!isRef(target, 'slot') && !isRef(target, 'view'))
      throw new TypeError(`param(target): target must be a slot or a view of this builder, got ${describe(target)}`);
    this.checkDeclared(target, 'param(target)');
    this.params.push(target.kind === 'slot' ? 0 : 1, target.index);
    return this;
  }

  /** The slot whose value the trace returns (a void trace never calls this). */
  returns(slot: Slot): this {
    if (!isRef(slot, 'slot')) throw new TypeError(`returns(slot): slot must be a slot of this builder, got ${describe(slot)}`);
    this.checkDeclared(slot, 'returns(slot)');
    this.returnType = RETURN_TYPE_CODES[slot.type];
    this.returnSlot = slot.index;
    return this;
  }

  label(): Label {
    return { kind: 'label', id: this.labels++ };
  }

  /** Defines `label` here (the LABEL pseudo-op). */
  define(label: Label): this {
    if (!isRef(label, 'label') || !Number.isInteger(label.id) || label.id < 0 || label.id >= this.labels)
      throw new TypeError(`define(label): label must be a label of this builder, got ${describe(label)}`);
    if (this.defined.has(label.id)) throw new Error(`label ${label.id} is defined twice`);
    this.defined.add(label.id);
    return this.op('LABEL', label);
  }

  /** Appends micro-op `name` with its operands in table order (see lib/compiler/trace/uops.ts). */
  op(name: string, ...operands: Operand[]): this {
    // OPCODES is a plain object: 'toString' or '__proto__' must not be found on its prototype.
    if (typeof name !== 'string' || !Object.hasOwn(OPCODES, name)) throw new TypeError(`unknown micro-op ${String(name)}`);
    const opcode = OPCODES[name];
    const def: UopDef = UOPS[opcode];
    if (def.internal) {
      throw new TypeError(`${name} is the engine's own micro-op (an access it proved in range); write ${name.replace(/_PROVEN$/, '')}, which the engine rewrites where it can`);
    }
    if (operands.length !== def.operands.length)
      throw new TypeError(`${name} takes ${def.operands.length} operands, got ${operands.length}`);
    const words = [opcode];
    const specs = def.operands;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      const operand = operands[i];
      switch (spec.kind) {
        case OperandKind.F64:
        case OperandKind.I32:
        case OperandKind.U32:
          if (!isRef(operand, 'slot') || (operand as Slot).type !== SLOT_KIND_TYPES[spec.kind]) throw this.wrong(name, def, i, operand);
          words.push((operand as Slot).index);
          break;
        case OperandKind.View:
          if (!isRef(operand, 'view')) throw this.wrong(name, def, i, operand);
          if (def.viewKind >= 0 && (operand as View).elementKind !== def.viewKind) throw this.wrong(name, def, i, operand);
          words.push((operand as View).index);
          break;
        case OperandKind.Label:
          if (!isRef(operand, 'label')) throw this.wrong(name, def, i, operand);
          words.push((operand as Label).id);
          break;
        case OperandKind.ImmI32:
          if (typeof operand !== 'number' || (operand | 0) !== operand) throw this.wrong(name, def, i, operand);
          words.push(operand);
          break;
        case OperandKind.ImmF64:
          if (typeof operand !== 'number') throw this.wrong(name, def, i, operand);
          f64Scratch[0] = operand;
          words.push(f64ScratchWords[0], f64ScratchWords[1]);
          break;
      }
    }
    // Written only once every operand checked, so that a throw leaves the trace as it was.
    const ops = this.ops;
    for (let i = 0; i < words.length; i++) ops.push(words[i]);
    return this;
  }

  private wrong(name: string, def: UopDef, i: number, operand: unknown): TypeError {
    const spec = def.operands[i];
    return new TypeError(`${name} operand ${i} (${spec.name}) must be ${this.expected(spec.kind, def)}, got ${describe(operand)}`);
  }

  /** Throws when `ref` claims an index this builder never declared (a slot or view of another builder, a forgery). */
  private checkDeclared(ref: Slot | View, where: string): void {
    const declared = ref.kind === 'slot' ? this.slotTypes.length : this.viewKinds.length;
    if (!Number.isInteger(ref.index) || ref.index < 0 || ref.index >= declared)
      throw new TypeError(`${where}: ${describe(ref)} was not declared by this builder`);
    if (ref.kind === 'slot' && this.slotTypes[ref.index] !== SLOT_TYPE_CODES[ref.type])
      throw new TypeError(`${where}: ${describe(ref)} does not match the slot this builder declared`);
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
