// The differential fuzzer's programs: a seeded generator of valid traces and their arguments, a
// mutator that breaks them, the native-versus-reference check, and a minimizer for failures.
// Everything derives from one 32-bit seed per program, so a failure replays from its seed alone.
//
// Generated programs always terminate: every backward branch is either a loop back-edge over a
// counter slot that nothing else writes, or the exit of the whole-program loop to its RETURN
// block; every other jump goes forward.
//
// Run as a script (the fuzz tests do, in a child process, so that a crash is a report and not a
// dead test runner): node fuzz-programs.js <exact|approx|mutate> <baseSeed> <count>
// prints one JSON line per event on stdout: {"start":seed} before each case, {"fail":...} for
// each mismatch, {"done":count} at the end.

import { writeSync } from 'node:fs';

import { compile, TraceBuilder, UOPS, type Kernel, type Label, type Operand, type Slot, type SlotType, type View } from '../../lib/engine.js';
import { ELEMENT_KIND_ARRAYS, OperandKind, type ElementKind, type UopDef } from '../../lib/compiler/trace/uops.js';
import { F64_EDGES, I32_EDGES, isDeclined, U32_EDGES, show, ulpDistance } from './helpers.js';
import {
  BEHAVIOURS,
  isApproximate,
  runTrace,
  StepLimitError,
  traceProblem,
  ulpBound,
  validateTrace,
  type ReferenceTrace,
} from './reference-interpreter.js';

// ---- seeded randomness ---------------------------------------------------------------------------

/** sfc32 seeded through splitmix32: small, fast, and the same stream on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** 0 .. n - 1 */
  int(n: number): number {
    return Math.floor((this.u32() / 2 ** 32) * n);
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
}

/** The seed of program `index` of a run with `baseSeed` (a program replays from this alone). */
export function programSeed(baseSeed: number, index: number): number {
  let z = (Math.imul(baseSeed >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) | 0;
  z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d);
  z = Math.imul(z ^ (z >>> 12), 0x297a2d39);
  return (z ^ (z >>> 15)) >>> 0;
}

// ---- values --------------------------------------------------------------------------------------

const f64Bits = new Float64Array(1);
const f64Words = new Uint32Array(f64Bits.buffer);

/** The edge values of the brief and helpers.ts, plus halves and float32 boundaries. */
const F64_CONSTANTS: readonly number[] = [
  ...F64_EDGES,
  2 ** 32 + 0.5, -(2 ** 31) + 0.5, 2 ** 53 - 1, 2 ** 53 + 1, 2 ** 63, 2 ** 64, 1e-300, -1e-300, 1e21, 1e-7,
  3.5, -3.5, 4.5, 0.1, -0.1, 1 / 3, 2 ** -1074 * 3, 2 ** -1022 * 0.75, 3.4028235677973366e38 * 2, 7e-46,
  1.1754943508222875e-38, 16777217, -16777217, 65536.5, -32768.5, 1e15 + 0.5,
];

function randomF64(rng: Rng): number {
  switch (rng.int(6)) {
    case 0:
    case 1:
      return rng.pick(F64_CONSTANTS);
    case 2:
      return rng.int(513) - 256 + (rng.chance(0.3) ? rng.pick([0.5, 0.25, -0.5, 0.75]) : 0);
    case 3: {
      // Any bits: NaN payloads, subnormals and huge magnitudes included.
      f64Words[0] = rng.u32();
      f64Words[1] = rng.u32();
      return f64Bits[0];
    }
    case 4:
      return (rng.u32() / 2 ** 32 - 0.5) * 2 ** (rng.int(80) - 20);
    default:
      return rng.pick(F64_EDGES);
  }
}

const I32_CONSTANTS: readonly number[] = [...I32_EDGES, -2, 4, 8, 16, 64, 127, 128, -128];

function randomI32(rng: Rng): number {
  switch (rng.int(4)) {
    case 0:
      return rng.pick(I32_CONSTANTS);
    case 1:
      return rng.u32() | 0;
    default:
      return rng.int(41) - 20;
  }
}

function randomU32(rng: Rng): number {
  return rng.chance(0.5) ? rng.pick(U32_EDGES) : rng.chance(0.5) ? rng.u32() : rng.int(40);
}

// ---- programs ------------------------------------------------------------------------------------

export interface ProgramOp {
  readonly name: string;
  readonly operands: readonly Operand[];
}

/** A trace in a form that can be edited op by op (for minimizing) and built into words. */
export interface FuzzProgram {
  readonly slotTypes: readonly SlotType[];
  readonly viewKinds: readonly number[];
  readonly params: readonly (Slot | View)[];
  readonly returnSlot?: Slot;
  readonly ops: readonly ProgramOp[];
}

export function buildTrace(program: FuzzProgram): Int32Array {
  const b = new TraceBuilder();
  program.slotTypes.forEach((type) => b.slot(type));
  program.viewKinds.forEach((kind) => b.view(kind as ElementKind));
  program.params.forEach((param) => b.param(param));
  if (program.returnSlot) b.returns(program.returnSlot);
  for (const op of program.ops) b.op(op.name, ...op.operands);
  return b.build();
}

/** One call argument: a number, or a typed array over (part of) one of the plan's buffers. */
export type ArgSpec =
  | { readonly kind: 'number'; readonly value: number }
  | {
      readonly kind: 'view';
      readonly elementKind: number;
      readonly buffer: number;
      readonly byteOffset: number;
      readonly length: number;
      /** A length-tracking view of a resizable buffer (constructed without a length). */
      readonly tracking?: boolean;
    };

/** What backs a buffer: a plain ArrayBuffer, a SharedArrayBuffer, a resizable one, or a detached one (length 0). */
export type BufferFlavor = 'plain' | 'shared' | 'resizable' | 'detached';

/** Call arguments as data, so that the native engine and the reference each get their own copy. */
export interface ArgPlan {
  readonly buffers: readonly Uint8Array[];
  /** Per buffer; plain when absent. */
  readonly flavors?: readonly BufferFlavor[];
  readonly args: readonly ArgSpec[];
}

type TypedArrayConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView & { length: number };
const ARRAY_TYPES = ELEMENT_KIND_ARRAYS.map((name) => (globalThis as unknown as Record<string, TypedArrayConstructor>)[name]);
const bytesPerElement = (kind: number) => (ARRAY_TYPES[kind] as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
const isFloatKind = (kind: number) => kind === 7 || kind === 8;

export interface Materialized {
  readonly args: (number | ArrayBufferView)[];
  readonly buffers: ArrayBufferLike[];
}

const ResizableArrayBuffer = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;

function makeBuffer(bytes: Uint8Array, flavor: BufferFlavor): ArrayBufferLike {
  const buffer =
    flavor === 'shared' ? new SharedArrayBuffer(bytes.length)
    : flavor === 'resizable' ? new ResizableArrayBuffer(bytes.length, { maxByteLength: bytes.length + 64 })
    : new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

export function materialize(plan: ArgPlan): Materialized {
  const flavors = plan.flavors ?? [];
  const buffers = plan.buffers.map((bytes, i) => makeBuffer(bytes, flavors[i] ?? 'plain'));
  const args = plan.args.map((a) => {
    if (a.kind === 'number') return a.value;
    const View = ARRAY_TYPES[a.elementKind] as unknown as new (buffer: ArrayBufferLike, byteOffset: number, length?: number) => ArrayBufferView;
    return a.tracking ? new View(buffers[a.buffer], a.byteOffset) : new View(buffers[a.buffer], a.byteOffset, a.length);
  });
  flavors.forEach((flavor, i) => {
    if (flavor === 'detached') structuredClone(buffers[i], { transfer: [buffers[i] as ArrayBuffer] });
  });
  return { args, buffers };
}

export type FuzzMode = 'exact' | 'approx';

export interface FuzzCase {
  readonly seed: number;
  readonly mode: FuzzMode;
  readonly program: FuzzProgram;
  readonly plan: ArgPlan;
  /** approx mode: the buffer the approximate ops' results are stored to (compared within 1 ulp). */
  readonly approxBuffer?: number;
  /** approx mode: the op whose result each element of that buffer holds. */
  readonly approxOps?: readonly string[];
}

const byName = (name: string): UopDef => UOPS.find((d) => d.name === name)!;
const SLOT_OF_KIND: Partial<Record<number, SlotType>> = { [OperandKind.F64]: 'f64', [OperandKind.I32]: 'i32', [OperandKind.U32]: 'u32' };

// Ops drawn for straight-line code, by mode; everything with a label comes through a construct.
const STRAIGHT: readonly UopDef[] = UOPS.filter((d) => BEHAVIOURS[d.opcode] === 'value' || BEHAVIOURS[d.opcode] === 'effect');
const LOADS = UOPS.filter((d) => BEHAVIOURS[d.opcode] === 'load');
const BRANCHES = UOPS.filter((d) => BEHAVIOURS[d.opcode] === 'branch');
const GUARDS = UOPS.filter((d) => BEHAVIOURS[d.opcode] === 'guard');
const EXACTS = UOPS.filter((d) => BEHAVIOURS[d.opcode] === 'exact');
const APPROXIMATE = UOPS.filter(isApproximate);
const EXACT_STRAIGHT = STRAIGHT.filter((d) => !isApproximate(d));

interface ViewInfo {
  readonly view: View;
  readonly length: number;
}

class ProgramGenerator {
  private readonly slotTypes: SlotType[] = [];
  private readonly viewKinds: number[] = [];
  private readonly ops: ProgramOp[] = [];
  /** Slots any op may read. */
  private readonly readable: Record<SlotType, Slot[]> = { f64: [], i32: [], u32: [] };
  /** Slots any op may write (never loop counters, limits or approximate results). */
  private readonly writable: Record<SlotType, Slot[]> = { f64: [], i32: [], u32: [] };
  private readonly views: ViewInfo[] = [];
  private readonly loops: { cont: Label; brk: Label; counter: Slot; trips: number }[] = [];
  private labels = 0;
  private budget: number;
  private readonly tapOps: string[] = [];
  private approxOut?: ViewInfo;
  private readonly flavors: BufferFlavor[] = [];
  private dumpF64?: ViewInfo;
  private dumpI32?: ViewInfo;
  private dumpIndex?: Slot;
  private dumpScratch?: Slot;

  constructor(
    private readonly rng: Rng,
    private readonly mode: FuzzMode,
  ) {
    // Now and then a program far larger than a 16 KiB code chunk.
    this.budget = rng.chance(0.01) ? 3000 + rng.int(6000) : 20 + rng.int(rng.chance(0.2) ? 400 : 120);
  }

  private slot(type: SlotType, pools: 'none' | 'read' | 'both'): Slot {
    this.slotTypes.push(type);
    const slot: Slot = { kind: 'slot', index: this.slotTypes.length - 1, type };
    if (pools !== 'none') this.readable[type].push(slot);
    if (pools === 'both') this.writable[type].push(slot);
    return slot;
  }

  private label(): Label {
    return { kind: 'label', id: this.labels++ };
  }

  private emit(name: string, ...operands: Operand[]): void {
    this.ops.push({ name, operands });
    this.budget--;
  }

  generate(seed: number): FuzzCase {
    const rng = this.rng;
    const buffers: Uint8Array[] = [];
    const bufferKinds: number[] = [];
    const flavors = this.flavors;
    const params: { target: Slot | View; arg: ArgSpec }[] = [];

    // Views, some of them aliasing a buffer of an earlier view (same kind, or integer kinds only:
    // the bits of a NaN stored through a float view are the implementation's choice in JS).
    for (let n = rng.int(7); n > 0; n--) this.addView(rng.int(9), buffers, bufferKinds, params);
    if (this.mode === 'approx') this.approxOut = this.addView(8, buffers, bufferKinds, params, MAX_TAPS);

    // Sometimes many slots before the live ones (large frame offsets: disp32, far view records)
    // and sometimes many number parameters. At most 5,000 + 900 + the live ones: the frame stays
    // under its 64 KiB limit (maxFrameBytes) with room to spare.
    if (rng.chance(0.08)) for (let n = rng.pick([130, 600, 2000, 5000]); n > 0; n--) this.slot(rng.pick(['f64', 'i32', 'u32'] as const), 'none');
    if (rng.chance(0.04)) {
      for (let n = rng.pick([20, 200, 900]); n > 0; n--) {
        const slot = this.slot('f64', 'read');
        params.push({ target: slot, arg: { kind: 'number', value: randomF64(rng) } });
      }
    }
    for (const type of ['f64', 'i32', 'u32'] as const) {
      const count = (type === 'f64' ? 2 : type === 'i32' ? 1 : 0) + rng.int(type === 'u32' ? 3 : 5);
      for (let i = 0; i < count; i++) {
        const slot = this.slot(type, 'both');
        if (rng.chance(0.6)) {
          const value = type === 'f64' ? randomF64(rng) : type === 'i32' ? randomI32(rng) : randomU32(rng);
          params.push({ target: slot, arg: { kind: 'number', value } });
        } else if (rng.chance(0.5)) {
          this.initialize(slot);
        }
      }
    }
    // Every return first dumps the final value of every writable slot into two output arrays, so
    // that a wrong result anywhere is seen, not just in the returned slot.
    this.dumpF64 = this.addView(8, buffers, bufferKinds, params, this.writable.f64.length + this.writable.u32.length);
    this.dumpI32 = this.addView(5, buffers, bufferKinds, params, this.writable.i32.length);
    this.dumpIndex = this.slot('i32', 'none');
    this.dumpScratch = this.slot('f64', 'none');
    // The whole program as a loop whose label is op 0, or whose last op is its backward JUMP (the
    // exit then sits before it): counter from the zeroed frame, step and limit from arguments.
    const shape = rng.pick(['plain', 'plain', 'plain', 'plain', 'plain', 'labelFirst', 'jumpLast'] as const);
    const outer = { counter: this.slot('i32', 'read'), one: this.slot('i32', 'none'), limit: this.slot('i32', 'none') };
    params.push({ target: outer.one, arg: { kind: 'number', value: 1 } });
    params.push({ target: outer.limit, arg: { kind: 'number', value: rng.int(4) } });
    // Parameters in random order: argument order is independent of slot and view numbering.
    for (let i = params.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [params[i], params[j]] = [params[j], params[i]];
    }

    const top = this.label(), start = this.label(), end = this.label();
    this.block(0);
    let returnSlot: Slot | undefined;
    if (!rng.chance(0.15)) {
      const type = rng.pick(['f64', 'f64', 'i32', 'u32'] as const);
      const pool = this.writable[type].length > 0 && rng.chance(0.8) ? this.writable[type] : this.readable[type];
      if (pool.length > 0) returnSlot = rng.pick(pool);
    }
    if (shape === 'labelFirst') {
      this.ops.unshift({ name: 'LABEL', operands: [top] });
      this.emit('ADD_I32', outer.counter, outer.counter, outer.one);
      this.emit('BR_LT_I32', outer.counter, outer.limit, top);
      this.exit();
    } else if (shape === 'jumpLast') {
      const body = this.ops.splice(0);
      this.emit('JUMP', start);
      this.emit('LABEL', end);
      this.exit();
      this.emit('LABEL', start);
      this.emit('LABEL', top);
      this.emit('BR_GE_I32', outer.counter, outer.limit, end);
      this.ops.push(...body);
      this.emit('ADD_I32', outer.counter, outer.counter, outer.one);
      this.emit('JUMP', top);
    } else {
      this.exit();
    }
    return {
      seed,
      mode: this.mode,
      program: { slotTypes: this.slotTypes, viewKinds: this.viewKinds, params: params.map((p) => p.target), returnSlot, ops: this.ops },
      plan: { buffers, flavors, args: params.map((p) => p.arg) },
      approxBuffer: this.approxOut ? (params.find((p) => p.target === this.approxOut!.view)!.arg as { buffer: number }).buffer : undefined,
      approxOps: this.approxOut ? this.tapOps : undefined,
    };
  }

  private addView(kind: number, buffers: Uint8Array[], bufferKinds: number[], params: { target: Slot | View; arg: ArgSpec }[], fixedLength?: number): ViewInfo {
    const rng = this.rng;
    const size = bytesPerElement(kind);
    let length = fixedLength ?? rng.pick([0, 1, 2, 3, 4, 5, 8, 13, 16, rng.int(40)]);
    const sharable = buffers
      .map((_, i) => i)
      .filter((i) => bufferKinds[i] === kind || (!isFloatKind(kind) && !isFloatKind(bufferKinds[i])));
    let buffer: number, byteOffset = 0, tracking = false;
    if (fixedLength === undefined && sharable.length > 0 && rng.chance(0.3)) {
      buffer = rng.pick(sharable);
      const elements = Math.floor(buffers[buffer].length / size);
      byteOffset = rng.int(elements + 1) * size;
      length = Math.min(length, (buffers[buffer].length - byteOffset) / size);
      length = Math.floor(length);
    } else {
      // Buffer lengths are a multiple of 8 so that every kind can view any of them.
      if (fixedLength === undefined && rng.chance(0.2)) byteOffset = 8 * (1 + rng.int(2));
      const bytes = new Uint8Array(byteOffset + Math.ceil((length * size) / 8) * 8 + (rng.chance(0.3) ? 8 : 0));
      const flavor: BufferFlavor = fixedLength !== undefined ? 'plain' : rng.pick(['plain', 'plain', 'plain', 'plain', 'plain', 'plain', 'plain', 'plain', 'shared', 'resizable', 'detached'] as const);
      if (fixedLength === undefined) this.fill(bytes, kind);
      buffer = buffers.push(bytes) - 1;
      bufferKinds.push(kind);
      this.flavors.push(flavor);
      if (flavor === 'detached') length = 0;
      if (flavor === 'resizable' && rng.chance(0.5)) {
        tracking = true;
        length = Math.floor((bytes.length - byteOffset) / size);
      }
    }
    this.viewKinds.push(kind);
    const view: View = { kind: 'view', index: this.viewKinds.length - 1, elementKind: kind as ElementKind };
    params.push({ target: view, arg: { kind: 'view', elementKind: kind, buffer, byteOffset, length, ...(tracking ? { tracking } : {}) } });
    const info = { view, length };
    if (fixedLength === undefined) this.views.push(info);
    return info;
  }

  private fill(bytes: Uint8Array, kind: number): void {
    const rng = this.rng;
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.u32() & 0xff;
    const elements = new ARRAY_TYPES[kind](bytes.buffer as ArrayBuffer, 0, bytes.length / bytesPerElement(kind)) as unknown as number[] & { length: number };
    for (let i = 0; i < elements.length; i++) {
      if (rng.chance(0.6)) elements[i] = isFloatKind(kind) ? randomF64(rng) : rng.chance(0.5) ? randomI32(rng) : rng.int(300) - 150;
    }
  }

  private initialize(slot: Slot): void {
    if (slot.type === 'f64') this.emit('CONST_F64', slot, randomF64(this.rng));
    else if (slot.type === 'i32') this.emit('CONST_I32', slot, randomI32(this.rng));
    else {
      const tmp = this.scratchI32();
      if (tmp) this.emit('CONST_I32', tmp, randomI32(this.rng)), this.emit('I32_TO_U32', slot, tmp);
    }
  }

  private scratchI32(): Slot | undefined {
    return this.writable.i32.length > 0 ? this.rng.pick(this.writable.i32) : undefined;
  }

  private block(depth: number): void {
    const count = depth === 0 ? this.budget : 1 + this.rng.int(depth > 2 ? 4 : 10);
    for (let i = 0; i < count && this.budget > 0; i++) this.statement(depth);
  }

  private statement(depth: number): void {
    const rng = this.rng;
    const r = rng.int(100);
    if (r < 55) this.straight(rng.pick(this.usable(EXACT_STRAIGHT)));
    else if (r < 67) this.load(rng.pick(this.usable(LOADS)), depth);
    else if (r < 74) this.branch(depth);
    else if (r < 76) this.guard(depth);
    else if (r < 77) this.load(rng.pick(EXACTS), depth);  // (the same shape: d, reads, a label taken instead)
    else if (r < 82 && depth < 3) this.loop(depth);
    else if (r < 85 && this.loops.length > 0) this.breakOrContinue();
    else if (r < 86 && depth > 0 && rng.chance(0.5)) this.exit();
    else if (r < 87) this.skip(depth);
    else if (r < 94) this.index();
    else if (r < 100 && this.mode === 'approx') this.tap();
    else this.straight(rng.pick(this.usable(EXACT_STRAIGHT)));
  }

  /** The ops of `defs` whose view operand, if any, can be one of this program's views. */
  private usable(defs: readonly UopDef[]): readonly UopDef[] {
    const kinds = new Set(this.views.map((v) => v.view.elementKind as number));
    const hasView = (d: UopDef) => d.operands.some((o) => o.kind === OperandKind.View);
    const ok = defs.filter((d) => !hasView(d) || (d.viewKind < 0 ? kinds.size > 0 : kinds.has(d.viewKind)));
    return ok.length > 0 ? ok : defs;
  }

  /** Dumps the writable slots and returns; or, now and then, declines the call (what it wrote stays). */
  private exit(): void {
    if (this.rng.chance(0.08)) {
      this.emit('DECLINE');
      return;
    }
    const slots = [...this.writable.f64, ...this.writable.u32, ...this.writable.i32];
    let f = 0, i = 0;
    for (const slot of slots) {
      if (slot.type === 'i32') {
        this.emit('CONST_I32', this.dumpIndex!, i++);
        this.emit('STORE_INT32_I32', this.dumpI32!.view, this.dumpIndex!, slot);
        continue;
      }
      let value = slot;
      if (slot.type === 'u32') this.emit('U32_TO_F64', (value = this.dumpScratch!), slot);
      this.emit('CONST_I32', this.dumpIndex!, f++);
      this.emit('STORE_FLOAT64', this.dumpF64!.view, this.dumpIndex!, value);
    }
    this.emit('RETURN');
  }

  /** An operand for `spec` of `def`, or undefined when the program has none of that kind. */
  private operand(def: UopDef, position: number): Operand | undefined {
    const rng = this.rng;
    const spec = def.operands[position];
    const type = SLOT_OF_KIND[spec.kind];
    if (type) {
      const previous = def.operands[position - 1];
      if (previous?.kind === OperandKind.View && !spec.written) return this.indexSlot();
      const pool = spec.written ? this.writable[type] : this.readable[type];
      return pool.length > 0 ? rng.pick(pool) : undefined;
    }
    switch (spec.kind) {
      case OperandKind.View: {
        const views = this.views.filter((v) => def.viewKind < 0 || v.view.elementKind === def.viewKind);
        return views.length > 0 ? rng.pick(views).view : undefined;
      }
      case OperandKind.ImmI32:
        return randomI32(rng);
      case OperandKind.ImmF64:
        return randomF64(rng);
      default:
        return undefined;
    }
  }

  /** An i32 slot to index with: often the innermost loop counter, else any i32 slot. */
  private indexSlot(): Slot | undefined {
    if (this.loops.length > 0 && this.rng.chance(0.4)) {
      const counter = this.loops[this.loops.length - 1].counter;
      return (this.rng.chance(0.35) && this.offsetFrom(counter)) || counter;
    }
    if (this.rng.chance(0.5)) this.index();
    return this.readable.i32.length > 0 ? this.rng.pick(this.readable.i32) : undefined;
  }

  /** A slot set to counter + d for a small d (`v[i - 1]`, `v[i + 2]`: the range analysis' margins). */
  private offsetFrom(counter: Slot): Slot | undefined {
    const slot = this.scratchI32();
    if (!slot) return undefined;
    const d = this.slot('i32', 'none');
    this.emit('CONST_I32', d, this.rng.pick([-2, -1, 1, 2, 3]));
    this.emit('ADD_I32', slot, counter, d);
    return slot;
  }

  /** Sets an i32 slot to an interesting index of some view: in range, at the ends, or far out. */
  private index(): void {
    const slot = this.scratchI32();
    if (!slot) return;
    const rng = this.rng;
    const length = this.views.length > 0 ? rng.pick(this.views).length : 4;
    if (this.views.length > 0 && rng.chance(0.15)) {
      this.emit('LENGTH', slot, rng.pick(this.views).view);
      return;
    }
    const k = rng.chance(0.6)
      ? rng.int(Math.max(1, length))
      : rng.pick([0, length - 1, length, length + 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 30, randomI32(rng)]);
    this.emit('CONST_I32', slot, k);
  }

  private operands(def: UopDef, skipLabel = true): Operand[] | undefined {
    const operands: Operand[] = [];
    for (let i = 0; i < def.operands.length; i++) {
      if (skipLabel && def.operands[i].kind === OperandKind.Label) continue;
      const operand = this.operand(def, i);
      if (operand === undefined) return undefined;
      operands.push(operand);
    }
    return operands;
  }

  private straight(def: UopDef): void {
    const operands = this.operands(def);
    if (operands) this.emit(def.name, ...operands);
  }

  /** load d, v, i, miss; block; [jump end; miss: block; end:] */
  private load(def: UopDef, depth: number): void {
    const operands = this.operands(def);
    if (!operands) return;
    this.labelled(def.name, operands, depth);
  }

  private guard(depth: number): void {
    const def = this.rng.pick(GUARDS);
    const source = this.writable.f64.length > 0 ? this.rng.pick(this.writable.f64) : undefined;
    if (source && this.rng.chance(0.6)) {
      const length = this.views.length > 0 ? this.rng.pick(this.views).length : 3;
      this.emit('CONST_F64', source, this.rng.pick([0, -0, 1, 1.5, length - 1, length, -1, -0.5, 2 ** 31 - 1, 2 ** 31, NaN, Infinity, 1e-300, 2 ** 32]));
    }
    const operands = this.operands(def);
    if (!operands) return;
    if (source && this.rng.chance(0.6)) operands[1] = source;
    this.labelled(def.name, operands, depth);
  }

  private branch(depth: number): void {
    const def = this.rng.pick(BRANCHES);
    const operands = this.operands(def);
    if (operands) this.labelled(def.name, operands, depth);
  }

  /** `name operands.. L; block` then either `L:` or an else block: `jump end; L: block; end:`. */
  private labelled(name: string, operands: Operand[], depth: number): void {
    const target = this.label();
    this.emit(name, ...operands, target);
    this.block(depth + 1);
    if (this.rng.chance(0.4)) {
      const end = this.label();
      this.emit('JUMP', end);
      this.emit('LABEL', target);
      this.block(depth + 1);
      this.emit('LABEL', end);
    } else {
      this.emit('LABEL', target);
    }
  }

  private skip(depth: number): void {
    const target = this.label();
    this.emit('JUMP', target);
    this.block(depth + 1);
    this.emit('LABEL', target);
  }

  private breakOrContinue(): void {
    const loop = this.rng.pick(this.loops);
    const target = this.rng.chance(0.5) ? loop.brk : loop.cont;
    if (this.rng.chance(0.3)) {
      this.emit('JUMP', target);
      return;
    }
    const def = this.rng.pick(BRANCHES);
    const operands = this.operands(def);
    if (operands) this.emit(def.name, ...operands, target);
  }

  private loop(depth: number): void {
    const rng = this.rng;
    const trips = depth === 0 && rng.chance(0.3) ? rng.int(100) : rng.chance(0.2) ? rng.int(2) : 1 + rng.int(6);
    const top = this.label(), cont = this.label(), brk = this.label();
    const shape = rng.pick(['while', 'do', 'f64', 'length'] as const);
    const counter = this.slot('i32', 'read');
    const one = this.slot('i32', 'none');
    const limit = this.slot('i32', 'read');
    this.emit('CONST_I32', counter, 0);
    this.emit('CONST_I32', one, 1);
    // The trips of the loops around this one (the program's own loop, up to 3, counted as 4) times
    // its own stay within MAX_NESTED_TRIPS: three nested loops over 40 elements could run past
    // STEP_LIMIT. A loop over a view's length runs up to length + 1 times (the BR_GT_I32 exit).
    const enclosing = this.loops.reduce((product, l) => product * Math.max(1, l.trips), 4);
    const short = this.views.filter((v) => enclosing * (v.length + 1) <= MAX_NESTED_TRIPS);
    const capped = Math.min(trips, Math.max(0, Math.floor(MAX_NESTED_TRIPS / enclosing) - 1));
    let maxTrips = capped;
    let lengthMinus = false;
    if (shape === 'length' && short.length > 0) {
      const bound = rng.pick(short);
      maxTrips = bound.length;
      this.emit('LENGTH', limit, bound.view);
      // Sometimes `length - c`, which is below 0 for a view the call finds empty (detached): the
      // loop then exits by an inequality, not by BR_EQ_I32 (which would never be taken).
      lengthMinus = bound.length > 0 && rng.chance(0.4);
      if (lengthMinus) {
        const c = this.slot('i32', 'none');
        this.emit('CONST_I32', c, rng.int(Math.min(3, bound.length) + 1));
        this.emit('SUB_I32', limit, limit, c);
      }
    } else {
      this.emit('CONST_I32', limit, capped);
    }
    if (shape === 'f64') {
      // A double loop counter, stepping by a power of two so that it counts exactly.
      const x = this.slot('f64', 'read'), step = this.slot('f64', 'none'), end = this.slot('f64', 'none');
      const size = rng.pick([1, 0.5, 0.25]);
      const start = rng.pick([0, -0, -3]);
      this.emit('CONST_F64', x, start);
      this.emit('CONST_F64', step, size);
      this.emit('CONST_F64', end, start + capped * size);
      this.emit('LABEL', top);
      this.emit('BR_GE_F64', x, end, brk);
      this.body(depth, cont, brk, counter, maxTrips + 1);
      this.emit('ADD_F64', x, x, step);
      this.emit('ADD_I32', counter, counter, one);
      this.emit('JUMP', top);
      this.emit('LABEL', brk);
      return;
    }
    this.emit('LABEL', top);
    if (shape === 'do') {
      this.body(depth, cont, brk, counter, maxTrips + 1);
      this.emit('ADD_I32', counter, counter, one);
      this.emit(capped > 0 && rng.chance(0.3) ? 'BR_NE_I32' : 'BR_LT_I32', counter, limit, top);
    } else {
      // Equivalent exits (and one that runs a trip more): all end, since limit < 2^31 - 1 and
      // (for BR_EQ_I32) limit >= 0.
      const exits = [
        ['BR_GE_I32', counter, limit],
        ['BR_LE_I32', limit, counter],
        ['BR_EQ_I32', counter, limit],
        ['BR_GT_I32', counter, limit],
      ] as const;
      const exit = rng.pick(lengthMinus ? exits.filter(([name]) => name !== 'BR_EQ_I32') : exits);
      this.emit(exit[0], exit[1], exit[2], brk);
      this.body(depth, cont, brk, counter, maxTrips + 1);
      this.emit('ADD_I32', counter, counter, one);
      this.emit('JUMP', top);
    }
    this.emit('LABEL', brk);
  }

  private body(depth: number, cont: Label, brk: Label, counter: Slot, trips: number): void {
    this.loops.push({ cont, brk, counter, trips });
    this.block(depth + 1);
    this.loops.pop();
    this.emit('LABEL', cont);
  }

  /** approx mode: an approximate op whose result goes straight to the output array, read by nothing else. */
  private tap(): void {
    const def = this.rng.pick(APPROXIMATE);
    const operands = this.operands(def);
    if (!operands || !this.approxOut || this.tapOps.length >= MAX_TAPS) return;
    const result = this.slot('f64', 'none'), index = this.slot('i32', 'none');
    operands[0] = result;
    this.emit(def.name, ...operands);
    this.emit('CONST_I32', index, this.tapOps.push(def.name) - 1);
    this.emit('STORE_FLOAT64', this.approxOut.view, index, result);
  }
}

/** The program of `seed`: exact programs use only ops promised bit-identical to their oracle. */
export function generateCase(seed: number, mode: FuzzMode): FuzzCase {
  return new ProgramGenerator(new Rng(seed), mode).generate(seed);
}

// ---- running and comparing -----------------------------------------------------------------------

export interface Mismatch {
  readonly seed: number;
  readonly mode: string;
  readonly what: string;
  readonly native: string;
  readonly reference: string;
}

/** Approximate results per approx-mode program (one output element each). */
const MAX_TAPS = 64;

/** Step limit of the reference: generated programs stay far below it. */
export const STEP_LIMIT = 2_000_000;
/** The most iterations the generator lets nested loops multiply to (see ProgramGenerator.loop). */
const MAX_NESTED_TRIPS = 4096;

/**
 * How far (in ulps) each approximate op may be from V8 on this machine: the bound its doc states
 * (ulpBound). The transcendental Math ops are V8's own fdlibm algorithms and bit-identical (not
 * listed) except on AArch64, where Node's GCC-built V8 (Node 20-24) fuses multiply-adds
 * differently from the stencils (tan, atan, asinh, acosh, atanh, log, log1p, log2, atan2: 1 ulp;
 * log10: 2). POW_F64 calls libm pow: 1 ulp from the fdlibm pow of Node 20 and 22.
 */
export const ULP_TOLERANCE: Readonly<Record<string, number>> = Object.fromEntries(
  UOPS.filter(isApproximate).map((def) => [def.name, ulpBound(def)]),
);
export const ulpTolerance = (op: string | undefined): number => (op === undefined ? 0 : (ULP_TOLERANCE[op] ?? 0));

function sameBuffer(a: ArrayBufferLike, b: ArrayBufferLike, floatKind: number | undefined, tolerance: (element: number) => number, ops?: readonly string[]): string | undefined {
  const kind = floatKind ?? 1;
  const size = bytesPerElement(kind);
  if (a.byteLength !== b.byteLength) return `byte length: native ${a.byteLength}, reference ${b.byteLength}`;
  if (a.byteLength === 0) return undefined; // detached (or empty) on both sides
  const x = new ARRAY_TYPES[kind](a as ArrayBuffer, 0, a.byteLength / size) as unknown as number[];
  const y = new ARRAY_TYPES[kind](b as ArrayBuffer, 0, b.byteLength / size) as unknown as number[];
  const xb = new Uint8Array(a), yb = new Uint8Array(b);
  for (let i = 0; i < x.length; i++) {
    if (floatKind !== undefined) {
      // NaN bits stored into a float array are implementation-defined (ECMA-262 NumericToRawBytes).
      if (Number.isNaN(x[i]) && Number.isNaN(y[i])) continue;
      if (tolerance(i) > 0 ? ulpDistance(x[i], y[i]) <= tolerance(i) : xb.subarray(i * size, i * size + size).every((v, j) => v === yb[i * size + j])) continue;
    } else if (x[i] === y[i]) continue;
    const distance = floatKind !== undefined ? `, ${ulpDistance(x[i], y[i])} ulps apart` : '';
    return `element ${i}${tolerance(i) > 0 ? ` (${ops?.[i]}, tolerance ${tolerance(i)} ulp)` : ''}: native ${show(x[i])}, reference ${show(y[i])}${distance}`;
  }
  return undefined;
}

/** Compares the engine with the reference on one program and argument plan; undefined when they agree. */
/** AArch64 folds frame offsets into one movz: a frame past 64 KiB is a documented RangeError there. */
function beyondFrameLimit(error: unknown, trace: ReferenceTrace): boolean {
  return error instanceof RangeError && process.arch === 'arm64' && 8 * trace.slotTypes.length + 16 * trace.viewKinds.length > 65_536;
}

/**
 * Compares the engine with the reference on one program and argument plan; undefined when they
 * agree. The kernel is called twice on fresh copies of the arguments (frames must start over on
 * every call); pass `kernel` to check one compiled earlier (it is not freed then).
 */
export function check(c: FuzzCase, words = buildTrace(c.program), trace: ReferenceTrace = validateTrace(words), kernel?: Kernel): Mismatch | undefined {
  const mismatch = (what: string, native: string, reference: string): Mismatch => ({ seed: c.seed, mode: c.mode, what, native, reference });
  const theirs = materialize(c.plan);
  let expected: number | undefined, expectDecline: boolean;
  try {
    ({ value: expected, declined: expectDecline } = runTrace(trace, theirs.args, { stepLimit: STEP_LIMIT }));
  } catch (error) {
    // Not the engine's fault: the generator made a program that does not end (a generator bug).
    if (error instanceof StepLimitError) throw new Error(`program ${c.seed} does not end within ${STEP_LIMIT} steps`);
    throw error;
  }
  const floatKinds = new Map<number, number>();
  c.plan.args.forEach((a) => a.kind === 'view' && isFloatKind(a.elementKind) && floatKinds.set(a.buffer, a.elementKind));
  let compiled: Kernel;
  try {
    compiled = kernel ?? compile(words);
  } catch (error) {
    if (beyondFrameLimit(error, trace)) return undefined;
    return mismatch('the engine threw on a valid trace', String(error), 'valid');
  }
  try {
    for (const call of ['first call', 'second call']) {
      const mine = materialize(c.plan);
      let got: number | undefined, declined = false;
      try {
        got = compiled.call(...mine.args);
      } catch (error) {
        if (isDeclined(error)) declined = true;
        else return mismatch(`${call}: the kernel threw`, String(error), 'valid arguments');
      }
      if (declined !== expectDecline) return mismatch(`${call}: declined`, String(declined), String(expectDecline));
      if (!Object.is(got, expected)) return mismatch(`${call}: return value`, show(got), show(expected));
      for (let i = 0; i < mine.buffers.length; i++) {
        const approximate = i === c.approxBuffer;
        const tolerance = (element: number) => (approximate ? ulpTolerance(c.approxOps?.[element]) : 0);
        const difference = sameBuffer(mine.buffers[i], theirs.buffers[i], floatKinds.get(i), tolerance, c.approxOps);
        if (difference) return mismatch(`${call}: buffer ${i}${approximate ? ' (libm results)' : ''}`, difference, '');
      }
    }
  } finally {
    if (!kernel) compiled.free();
  }
  return undefined;
}

// ---- minimizing ----------------------------------------------------------------------------------

/** Removes ops (chunks, then single ops) while the program stays valid, ends, and still fails. */
export function minimize(c: FuzzCase, budgetMs = 20_000): { case: FuzzCase; mismatch: Mismatch } {
  const first = check(c);
  if (!first) throw new Error(`program ${c.seed} does not fail`);
  let best = c, mismatch = first;
  const deadline = Date.now() + budgetMs;
  const attempt = (ops: readonly ProgramOp[]): boolean => {
    const candidate: FuzzCase = { ...best, program: { ...best.program, ops } };
    let words: Int32Array;
    try {
      words = buildTrace(candidate.program);
    } catch {
      return false;
    }
    if (traceProblem(words) !== undefined) return false;
    const trace = validateTrace(words);
    try {
      runTrace(trace, materialize(candidate.plan).args, { stepLimit: STEP_LIMIT });
    } catch {
      return false;
    }
    const result = check(candidate, words, trace);
    if (!result || result.what !== first.what) return false;
    best = candidate;
    mismatch = result;
    return true;
  };
  for (let size = Math.max(1, best.program.ops.length >> 1); size >= 1 && Date.now() < deadline; size = size >> 1) {
    for (let at = 0; at < best.program.ops.length && Date.now() < deadline; ) {
      const ops = best.program.ops;
      if (!attempt([...ops.slice(0, at), ...ops.slice(at + size)])) at += size;
    }
  }
  return { case: best, mismatch };
}

// ---- printing ------------------------------------------------------------------------------------

function operandText(operand: Operand): string {
  if (typeof operand === 'number') return show(operand);
  if (operand.kind === 'slot') return `s${operand.index}`;
  if (operand.kind === 'view') return `v${operand.index}`;
  return `L${operand.id}`;
}

function describeArg(plan: ArgPlan, arg: ArgSpec): string {
  if (arg.kind === 'number') return show(arg.value);
  const bytes = plan.buffers[arg.buffer];
  const size = bytesPerElement(arg.elementKind);
  const length = arg.tracking ? Math.floor((bytes.length - arg.byteOffset) / size) : arg.length;
  const copy = bytes.slice(arg.byteOffset, arg.byteOffset + length * size);
  const elements = new ARRAY_TYPES[arg.elementKind](copy.buffer, 0, length) as unknown as ArrayLike<number>;
  const flavor = plan.flavors?.[arg.buffer] ?? 'plain';
  const where = `buffer ${arg.buffer}${arg.byteOffset ? ` +${arg.byteOffset}` : ''}${flavor === 'plain' ? '' : ` ${flavor}`}${arg.tracking ? ' tracking' : ''}`;
  return `${ELEMENT_KIND_ARRAYS[arg.elementKind]}(${where})[${Array.from(elements, show).join(', ')}]`;
}

/** A program and its arguments as readable text (and as the TraceBuilder calls that rebuild it). */
export function describeCase(c: FuzzCase): string {
  const p = c.program;
  const lines = [
    `seed ${c.seed} (${c.mode})`,
    `slots: ${p.slotTypes.map((t, i) => `s${i}:${t}`).join(' ')}`,
    `views: ${p.viewKinds.map((k, i) => `v${i}:${ELEMENT_KIND_ARRAYS[k]}`).join(' ') || '-'}`,
    `params: ${p.params.map(operandText).join(' ') || '-'}   returns: ${p.returnSlot ? operandText(p.returnSlot) : 'void'}`,
    ...p.ops.map((op, i) => `  ${String(i).padStart(4)}  ${op.name === 'LABEL' ? `L${(op.operands[0] as Label).id}:` : `${op.name} ${op.operands.map(operandText).join(', ')}`}`),
    `args: ${c.plan.args.map((a) => describeArg(c.plan, a)).join('  ')}`,
  ];
  return lines.join('\n');
}

// ---- mutations (validator robustness) ------------------------------------------------------------

const INTERESTING_WORDS = [0, 1, -1, 2, 3, 7, 8, 9, 255, 256, 1023, 1024, 1025, 65535, 65536, 65537, 262144, 2 ** 20, 2 ** 20 + 1, 2 ** 31 - 1, -(2 ** 31), UOPS.length - 1, UOPS.length, 0x3143544a];

const signature = (def: UopDef) => def.operands.map((o) => `${o.kind}${o.written ? 'w' : ''}`).join(',');

/**
 * 1-3 edits of a program that keep it well-formed but change its meaning: another op of the same
 * operand kinds (a view of the wrong element kind makes it invalid), another slot of the same
 * type (loop counters included: the program may no longer end), another label, another constant.
 */
export function mutateProgram(program: FuzzProgram, rng: Rng): FuzzProgram {
  const ops = program.ops.slice();
  const labels = ops.filter((op) => op.name === 'LABEL').map((op) => op.operands[0]);
  const slotsOf = (type: SlotType) => program.slotTypes.map((t, index): Slot => ({ kind: 'slot', index, type: t })).filter((s) => s.type === type);
  for (let n = 1 + rng.int(3); n > 0 && ops.length > 1; n--) {
    const at = rng.int(ops.length - 1);
    const op = ops[at];
    const def = byName(op.name);
    if (op.name === 'LABEL') continue;
    if (rng.chance(0.4)) {
      const same = UOPS.filter((d) => signature(d) === signature(def) && !d.pseudo && !isApproximate(d));
      ops[at] = { name: rng.pick(same).name, operands: op.operands };
      continue;
    }
    const operands = op.operands.slice();
    const i = rng.int(operands.length);
    const operand = operands[i];
    if (operand === undefined) continue;
    if (typeof operand === 'number') operands[i] = def.operands[i].kind === OperandKind.ImmF64 ? randomF64(rng) : randomI32(rng);
    else if (operand.kind === 'slot') operands[i] = rng.pick(slotsOf(operand.type));
    else if (operand.kind === 'label' && labels.length > 0) operands[i] = rng.pick(labels);
    ops[at] = { name: op.name, operands };
  }
  return { ...program, ops };
}

/** 1-3 random mutations of a valid trace's words: the result may or may not be valid. */
export function mutate(words: Int32Array, rng: Rng): Int32Array {
  let w = Array.from(words);
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const at = rng.int(Math.max(1, w.length));
    switch (rng.int(9)) {
      case 0:
        w[at] ^= 1 << rng.int(32);
        break;
      case 1:
        w[at] = rng.pick(INTERESTING_WORDS);
        break;
      case 2:
        w[at] = rng.u32() | 0;
        break;
      case 3:
        w = w.slice(0, at);
        break;
      case 4:
        w.splice(at, 0, ...Array.from({ length: 1 + rng.int(4) }, () => (rng.chance(0.5) ? rng.int(UOPS.length + 2) : rng.u32() | 0)));
        break;
      case 5:
        w.splice(at, 1 + rng.int(4));
        break;
      case 6:
        // A header count, so that the lengths still add up or are off by a little.
        w[2 + rng.int(6)] += rng.pick([-1, 1, 2, -2, 1 << 20]);
        break;
      case 7:
        // A small operand or opcode change: most likely to stay valid but mean something else.
        w[at] = (w[at] + rng.pick([-1, 1, 2])) | 0;
        break;
      default: {
        const from = rng.int(Math.max(1, w.length)), length = rng.int(8);
        w.splice(at, 0, ...w.slice(from, from + length));
        break;
      }
    }
  }
  return Int32Array.from(w);
}

function argumentsFor(trace: ReferenceTrace, rng: Rng): ArgPlan {
  const buffers: Uint8Array[] = [];
  const args: ArgSpec[] = trace.params.map((param) => {
    if (param.kind === 'slot') {
      const value = param.type === 'f64' ? randomF64(rng) : param.type === 'i32' ? randomI32(rng) : randomU32(rng);
      return { kind: 'number', value };
    }
    const kind = trace.viewKinds[param.index];
    const length = rng.int(10);
    const bytes = new Uint8Array(Math.ceil((length * bytesPerElement(kind)) / 8) * 8);
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.u32() & 0xff;
    return { kind: 'view', elementKind: kind, buffer: buffers.push(bytes) - 1, byteOffset: 0, length };
  });
  return { buffers, args };
}

/** The mutant of `seed`: its words, what compile() is given (sometimes bytes), and the generator state. */
export function makeMutant(seed: number): { original: FuzzCase; words: Int32Array; input: Int32Array | ArrayBuffer; rng: Rng } {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const original = generateCase(seed, 'exact');
  // Half the time edits that keep the trace well-formed, so that many mutants run; then raw words.
  const program = rng.chance(0.5) ? mutateProgram(original.program, rng) : original.program;
  let words: Int32Array;
  try {
    words = buildTrace(program);
  } catch {
    words = buildTrace(original.program); // the builder refused a view of the wrong kind
  }
  const before = buildTrace(original.program);
  const unchanged = words.length === before.length && words.every((w, i) => w === before[i]);
  if (unchanged || rng.chance(0.3)) words = mutate(words, rng);
  // Sometimes as an ArrayBuffer, with a stray byte now and then.
  const input = rng.chance(0.2) ? (rng.chance(0.3) ? new Uint8Array([...new Uint8Array(words.buffer), 0]).buffer : (words.slice().buffer as ArrayBuffer)) : words;
  return { original, words, input, rng };
}

/** The mutant of `seed` as text: the original program, then every word that differs. */
export function describeMutant(seed: number): string {
  const { original, words, input } = makeMutant(seed);
  const before = buildTrace(original.program);
  const changed: string[] = [];
  for (let i = 0; i < Math.max(before.length, words.length); i++) {
    if (before[i] !== words[i]) changed.push(`  word ${i}: ${before[i] ?? '-'} -> ${words[i] ?? '-'}`);
  }
  return [
    `mutant ${seed} of:`,
    describeCase(original),
    `${before.length} words -> ${words.length} words${input instanceof ArrayBuffer ? ` (passed as an ArrayBuffer of ${input.byteLength} bytes)` : ''}`,
    ...changed.slice(0, 200),
    `reference: ${traceProblem(words) ?? 'valid'}`,
  ].join('\n');
}

export interface MutationOutcome {
  readonly verdict: 'rejected' | 'ran' | 'endless';
  readonly mismatch?: Mismatch;
}

/**
 * Mutates the program of `seed` and hands the result to the engine: it must throw an Error or
 * compile; a compiled trace that the reference accepts and finishes must give the same results.
 */
export function checkMutation(seed: number): MutationOutcome {
  const { words, input, rng } = makeMutant(seed);
  const mismatch = (what: string, native: string, reference: string): Mismatch => ({ seed, mode: 'mutate', what, native, reference });
  const problem = traceProblem(words);
  const stray = input instanceof ArrayBuffer && input.byteLength % 4 !== 0;
  let kernel;
  try {
    kernel = compile(input);
  } catch (error) {
    if (!(error instanceof Error)) return { verdict: 'rejected', mismatch: mismatch('threw a non-Error', String(error), '') };
    // docs/trace-format.md: limits are RangeErrors, everything else carries ERR_JITCTL_INVALID_TRACE.
    if (!(error instanceof RangeError) && (error as { code?: string }).code !== 'ERR_JITCTL_INVALID_TRACE')
      return { verdict: 'rejected', mismatch: mismatch('an undocumented kind of error', `${error.name}: ${error.message}`, problem ?? 'valid') };
    if (problem === undefined && !stray && !beyondFrameLimit(error, validateTrace(words)))
      return { verdict: 'rejected', mismatch: mismatch('the engine rejected a valid trace', error.message, 'valid') };
    return { verdict: 'rejected' };
  }
  try {
    if (problem !== undefined || stray) return { verdict: 'ran', mismatch: mismatch('the engine accepted an invalid trace', 'compiled', problem ?? 'not whole words') };
    const trace = validateTrace(words);
    const plan = argumentsFor(trace, rng);
    const c: FuzzCase = { seed, mode: 'exact', program: { slotTypes: [], viewKinds: [], params: [], ops: [] }, plan };
    try {
      runTrace(trace, materialize(plan).args, { stepLimit: 200_000 });
    } catch (error) {
      if (error instanceof StepLimitError) return { verdict: 'endless' };
      throw error;
    }
    if (trace.ops.some((op) => isApproximate(op.def))) {
      // A raw mutation made an approximate op: its last-place differences can steer branches,
      // so only run it (it must not crash) instead of comparing.
      try {
        kernel.call(...materialize(plan).args);
      } catch (error) {
        if (!isDeclined(error)) throw error;
      }
      return { verdict: 'ran' };
    }
    const difference = check(c, words, trace);
    return { verdict: 'ran', mismatch: difference && { ...difference, mode: 'mutate' } };
  } finally {
    kernel.free();
  }
}

// ---- child-process entry -------------------------------------------------------------------------

function writeLine(value: unknown): void {
  writeSync(1, `${JSON.stringify(value)}\n`);
}

/** Runs `count` programs from `baseSeed`, reporting events (as JSON lines on stdout by default). */
export function runCampaign(mode: FuzzMode | 'mutate', baseSeed: number, count: number, emitLine: (event: object) => void = writeLine): void {
  const verdicts: Record<string, number> = {};
  // Kernels kept alive across later compiles and called again: code written next to a kernel
  // (packed into the same pages) must not change it.
  const kept: { case: FuzzCase; words: Int32Array; kernel: Kernel }[] = [];
  const rng = new Rng(baseSeed ^ 0x2545f491);
  for (let i = 0; i < count; i++) {
    const seed = programSeed(baseSeed, i);
    if (kept.length > 0 && rng.chance(0.1)) {
      const old = kept[rng.int(kept.length)];
      emitLine({ start: old.case.seed, again: true });
      const failure = check(old.case, old.words, validateTrace(old.words), old.kernel);
      if (failure) emitLine({ fail: { ...failure, what: `called again after ${i} later compiles: ${failure.what}` } });
    }
    if (mode !== 'mutate' && rng.chance(0.1)) {
      const c = generateCase(seed, mode);
      const words = buildTrace(c.program);
      try {
        kept.push({ case: c, words, kernel: compile(words) });
      } catch {
        // check() below reports a trace the engine rejects
      }
      if (kept.length > 32) kept.splice(rng.int(kept.length), 1)[0].kernel.free();
    }
    emitLine({ start: seed });
    let failure: Mismatch | undefined;
    if (mode === 'mutate') {
      const outcome = checkMutation(seed);
      verdicts[outcome.verdict] = (verdicts[outcome.verdict] ?? 0) + 1;
      failure = outcome.mismatch;
    } else {
      failure = check(generateCase(seed, mode));
      if (failure) {
        const small = minimize(generateCase(seed, mode), 5_000);
        emitLine({ fail: small.mismatch, program: describeCase(small.case) });
        continue;
      }
    }
    if (failure) emitLine({ fail: failure });
  }
  emitLine({ done: count, verdicts });
}

if (require.main === module) {
  const [mode, seed, count] = process.argv.slice(2);
  if (!['exact', 'approx', 'mutate'].includes(mode)) throw new TypeError('usage: fuzz-programs.js <exact|approx|mutate> <baseSeed> <count>');
  runCampaign(mode as FuzzMode | 'mutate', Number(seed) >>> 0, Number(count));
}
