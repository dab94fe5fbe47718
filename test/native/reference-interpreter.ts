// A plain-JS interpreter of micro-op traces: the oracle of the differential fuzzer. It reads the
// same 32-bit words the native engine compiles (docs/trace-format.md), validates them by the
// documented rules, and runs every micro-op through the `js` field of lib/compiler/trace/uops.ts. Nothing
// here knows op names: what an op does to control flow and memory follows from its operand kinds
// (a written slot, a view, a label) and the table's `pseudo`/`ends` flags, so ops appended to the
// table are interpreted without touching this file.

import { ELEMENT_KIND_ARRAYS, OperandKind, UOPS, type UopDef } from '../../lib/compiler/trace/uops.js';
import { TRACE_HEADER_WORDS, TRACE_MAGIC, TRACE_VERSION, TraceBuilder } from '../../lib/compiler/trace/trace.js';

/** The documented limits of the format (docs/trace-format.md); the engine reports the same in engineLimits(). */
export const TRACE_LIMITS = {
  maxSlots: 8_192,
  maxFrameBytes: 65_536,
  maxViews: 1_024,
  maxParams: 1_024,
  maxOpWords: 2 ** 20,
  maxOps: 262_144,
  maxLabels: 65_536,
} as const;

export type ReferenceSlotType = 'f64' | 'i32' | 'u32';
const SLOT_TYPES: readonly (ReferenceSlotType | undefined)[] = [undefined, 'f64', 'i32', 'u32'];
const SLOT_KIND_TYPE: Partial<Record<number, ReferenceSlotType>> = {
  [OperandKind.F64]: 'f64',
  [OperandKind.I32]: 'i32',
  [OperandKind.U32]: 'u32',
};

/** How an op acts, derived from its table entry (see behaviourOf). */
export type Behaviour =
  | 'label' // pseudo-op: no effect
  | 'jump' // ends, has a label: unconditional jump
  | 'return' // ends, no label
  | 'decline' // DECLINE: ends the call without a result (what has been written stays)
  | 'value' // writes its destination with js(reads)
  | 'effect' // no destination, no label: js(reads) for its side effect (stores)
  | 'load' // destination, view and label: d = js(reads), or jump to the label where js gives undefined
  | 'guard' // destination and label, no view: stay (d = first read) when js(reads), else jump
  | 'exact' // a *_EXACT op: d = js(reads) when that is an int32 (not -0), else jump
  | 'branch' // label, no destination: jump when js(reads)
  | 'internal'; // an access the engine proved in range (a proven twin): never in a trace

export function behaviourOf(def: UopDef): Behaviour {
  const hasLabel = def.operands.some((o) => o.kind === OperandKind.Label);
  const hasDest = def.operands.some((o) => o.written);
  const hasView = def.operands.some((o) => o.kind === OperandKind.View);
  if (def.internal) return 'internal';
  if (def.pseudo) return 'label';
  if (def.name === 'DECLINE') return 'decline';
  if (def.js === undefined) {
    if (!def.ends) throw new Error(`micro-op ${def.name} has no JS semantics and is not a jump or a return`);
    return hasLabel ? 'jump' : 'return';
  }
  if (!hasLabel) return hasDest ? 'value' : 'effect';
  if (def.name.endsWith('_EXACT')) return 'exact';
  if (!hasDest) return 'branch';
  return hasView ? 'load' : 'guard';
}

/** Whether JS's value `v` is an int32 (not -0): where a *_EXACT op falls through with it. */
export function isInt32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && !Object.is(v, -0) && v >= -(2 ** 31) && v <= 2 ** 31 - 1;
}

type Oracle = (...args: never[]) => unknown;
// Each oracle is compiled once, from the table's own source text.
const ORACLES: readonly (Oracle | undefined)[] = UOPS.map((def) =>
  def.js === undefined ? undefined : (new Function(`return (${def.js});`)() as Oracle),
);
export const BEHAVIOURS: readonly Behaviour[] = UOPS.map(behaviourOf);

/**
 * How many ulps an op's result may be from its JS oracle on this machine, as its doc promises:
 * "within N ulp" everywhere, or "AArch64: within N ulp" on arm64 only (V8's own arm64 builds
 * disagree there); 0 means bit for bit.
 */
export const ulpBound = (def: UopDef, arch: string = process.arch): number => {
  const arm64Only = /AArch64: within (\d+) ulp/.exec(def.doc);
  if (arm64Only) return arch === 'arm64' ? Number(arm64Only[1]) : 0;
  const everywhere = /within (\d+) ulp/.exec(def.doc);
  return everywhere ? Number(everywhere[1]) : 0;
};

/** Whether an op's result is only promised within some ulps of its JS oracle here (not bit for bit). */
export const isApproximate = (def: UopDef): boolean => ulpBound(def) > 0;

export class TraceError extends Error {}
export class StepLimitError extends Error {
  constructor(readonly steps: number) {
    super(`the trace ran more than ${steps} steps`);
  }
}

type Read = { kind: 'slot' | 'view' | 'imm'; value: number };

export interface ReferenceOp {
  readonly opcode: number;
  readonly def: UopDef;
  readonly behaviour: Behaviour;
  readonly reads: readonly Read[];
  /** Destination slot, or -1. */
  readonly dest: number;
  /** Label id, or -1. */
  readonly label: number;
}

export interface ReferenceParam {
  readonly kind: 'slot' | 'view';
  readonly index: number;
  /** Slot type, or the typed-array name of a view. */
  readonly type: string;
}

/** A validated trace. */
export interface ReferenceTrace {
  readonly slotTypes: readonly ReferenceSlotType[];
  readonly viewKinds: readonly number[];
  readonly params: readonly ReferenceParam[];
  readonly returnType: 'void' | ReferenceSlotType;
  readonly returnSlot: number;
  readonly ops: readonly ReferenceOp[];
  /** Op index of each label's LABEL, by label id. */
  readonly labelAt: ReadonlyMap<number, number>;
}

const f64Scratch = new Float64Array(1);
const wordScratch = new Int32Array(f64Scratch.buffer);

function fail(message: string): never {
  throw new TraceError(`invalid trace: ${message}`);
}

/** Validates `trace` by the rules of docs/trace-format.md; throws a TraceError naming the first broken rule. */
export function validateTrace(trace: Int32Array | ArrayBuffer | TraceBuilder): ReferenceTrace {
  let words: Int32Array;
  if (trace instanceof TraceBuilder) words = trace.build();
  else if (trace instanceof Int32Array) words = trace;
  else if (trace instanceof ArrayBuffer) {
    if (trace.byteLength % 4 !== 0) fail(`${trace.byteLength} bytes is not a whole number of words`);
    words = new Int32Array(trace);
  } else throw new TypeError('trace must be an Int32Array, an ArrayBuffer or a TraceBuilder');

  if (words.length < TRACE_HEADER_WORDS) fail(`${words.length} words is shorter than the header`);
  if (words[0] !== (TRACE_MAGIC | 0)) fail('bad magic');
  if (words[1] !== TRACE_VERSION) fail(`version ${words[1]} is not supported`);
  const [slotCount, viewCount, paramCount, returnCode, returnSlot, opWords] = words.subarray(2, 8);
  if (slotCount < 0 || slotCount > TRACE_LIMITS.maxSlots) fail(`too many slots (${slotCount})`);
  if (viewCount < 0 || viewCount > TRACE_LIMITS.maxViews) fail(`too many views (${viewCount})`);
  if (8 * slotCount + 16 * viewCount > TRACE_LIMITS.maxFrameBytes) fail(`frame too large (${8 * slotCount + 16 * viewCount} bytes)`);
  if (paramCount < 0 || paramCount > TRACE_LIMITS.maxParams) fail(`too many parameters (${paramCount})`);
  if (opWords < 0 || opWords > TRACE_LIMITS.maxOpWords) fail(`trace too long (${opWords} op words)`);
  const expected = TRACE_HEADER_WORDS + slotCount + viewCount + 2 * paramCount + opWords;
  if (words.length !== expected) fail(`the header describes ${expected} words but the trace has ${words.length}`);

  let at = TRACE_HEADER_WORDS;
  const slotTypes: ReferenceSlotType[] = [];
  for (let i = 0; i < slotCount; i++, at++) {
    const type = SLOT_TYPES[words[at]];
    if (type === undefined) fail(`slot ${i} has unknown type ${words[at]}`);
    slotTypes.push(type);
  }
  const viewKinds: number[] = [];
  for (let i = 0; i < viewCount; i++, at++) {
    if (words[at] < 0 || words[at] > 8) fail(`view ${i} has unknown element kind ${words[at]}`);
    viewKinds.push(words[at]);
  }
  const params: ReferenceParam[] = [];
  const boundSlots = new Set<number>(), boundViews = new Set<number>();
  for (let i = 0; i < paramCount; i++, at += 2) {
    const [kind, index] = [words[at], words[at + 1]];
    if (kind === 0) {
      if (index < 0 || index >= slotCount) fail(`parameter ${i} names slot ${index}, which does not exist`);
      if (boundSlots.has(index)) fail(`slot ${index} is bound by two parameters`);
      boundSlots.add(index);
      params.push({ kind: 'slot', index, type: slotTypes[index] });
    } else if (kind === 1) {
      if (index < 0 || index >= viewCount) fail(`parameter ${i} names view ${index}, which does not exist`);
      if (boundViews.has(index)) fail(`view ${index} is bound by two parameters`);
      boundViews.add(index);
      params.push({ kind: 'view', index, type: ELEMENT_KIND_ARRAYS[viewKinds[index]] });
    } else fail(`parameter ${i} has unknown kind ${kind}`);
  }
  for (let v = 0; v < viewCount; v++) if (!boundViews.has(v)) fail(`view ${v} is not bound by a parameter`);
  const returnType = returnCode === 0 ? 'void' : SLOT_TYPES[returnCode];
  if (returnType === undefined || returnCode < 0) fail(`unknown return type ${returnCode}`);
  if (returnType !== 'void') {
    if (returnSlot < 0 || returnSlot >= slotCount) fail(`return slot ${returnSlot} is out of range`);
    if (slotTypes[returnSlot] !== returnType) fail(`return slot ${returnSlot} is ${slotTypes[returnSlot]}, not ${returnType}`);
  }

  const ops: ReferenceOp[] = [];
  const labelAt = new Map<number, number>();
  const usedBy = new Map<number, number>();
  const end = at + opWords;
  while (at < end) {
    if (ops.length >= TRACE_LIMITS.maxOps) fail(`trace too long (more than ${TRACE_LIMITS.maxOps} ops)`);
    const opcode = words[at++];
    const def = UOPS[opcode];
    if (opcode < 0 || def === undefined) fail(`op ${ops.length}: unknown opcode ${opcode}`);
    const reads: Read[] = [];
    let dest = -1, label = -1;
    for (const [n, spec] of def.operands.entries()) {
      const need = spec.kind === OperandKind.ImmF64 ? 2 : 1;
      if (end - at < need) fail(`op ${ops.length} (${def.name}) is truncated`);
      const w = words[at];
      const slotType = SLOT_KIND_TYPE[spec.kind];
      if (slotType !== undefined) {
        if (w < 0 || w >= slotCount) fail(`op ${ops.length} (${def.name}) operand ${n}: slot ${w} is out of range`);
        if (slotTypes[w] !== slotType) fail(`op ${ops.length} (${def.name}) operand ${n}: slot ${w} is ${slotTypes[w]}, not ${slotType}`);
        if (spec.written) dest = w;
        else reads.push({ kind: 'slot', value: w });
      } else if (spec.kind === OperandKind.View) {
        if (w < 0 || w >= viewCount) fail(`op ${ops.length} (${def.name}) operand ${n}: view ${w} is out of range`);
        if (def.viewKind >= 0 && viewKinds[w] !== def.viewKind) fail(`op ${ops.length} (${def.name}) operand ${n}: view ${w} has the wrong element kind`);
        reads.push({ kind: 'view', value: w });
      } else if (spec.kind === OperandKind.Label) {
        if (w < 0 || w >= TRACE_LIMITS.maxLabels) fail(`op ${ops.length} (${def.name}) operand ${n}: label ${w} is out of range`);
        if (label >= 0) fail(`op ${ops.length} (${def.name}) has more than one label operand`);
        label = w;
        if (BEHAVIOURS[opcode] === 'label') {
          if (labelAt.has(w)) fail(`label ${w} is defined twice`);
          labelAt.set(w, ops.length);
        } else if (!usedBy.has(w)) usedBy.set(w, ops.length);
      } else if (spec.kind === OperandKind.ImmI32) {
        reads.push({ kind: 'imm', value: w });
      } else {
        wordScratch[0] = words[at];
        wordScratch[1] = words[at + 1];
        reads.push({ kind: 'imm', value: f64Scratch[0] });
      }
      at += need;
    }
    ops.push({ opcode, def, behaviour: BEHAVIOURS[opcode], reads, dest, label });
  }
  for (const [id, op] of usedBy) if (!labelAt.has(id)) fail(`op ${op} branches to label ${id}, which is never defined`);
  if (ops.length === 0) fail('it has no ops');
  if (!ops[ops.length - 1].def.ends) fail(`execution can fall off the end (the last op is ${ops[ops.length - 1].def.name})`);
  return { slotTypes, viewKinds, params, returnType, returnSlot, ops, labelAt };
}

/** The validation error of `trace`, or undefined when it is valid. */
export function traceProblem(trace: Int32Array | ArrayBuffer | TraceBuilder): string | undefined {
  try {
    validateTrace(trace);
    return undefined;
  } catch (error) {
    if (error instanceof TraceError) return error.message;
    throw error;
  }
}

function checkArguments(trace: ReferenceTrace, args: readonly unknown[]): void {
  if (args.length !== trace.params.length) throw new TypeError(`expected ${trace.params.length} arguments, got ${args.length}`);
  trace.params.forEach((param, i) => {
    const arg = args[i];
    if (param.kind === 'view') {
      if (!ArrayBuffer.isView(arg) || arg.constructor.name !== param.type) throw new TypeError(`argument ${i} must be a ${param.type}`);
    } else if (typeof arg !== 'number') {
      throw new TypeError(`argument ${i} must be a number`);
    } else if (param.type === 'i32' && (arg | 0) !== arg) {
      throw new TypeError(`argument ${i} must be an int32`);
    } else if (param.type === 'u32' && arg >>> 0 !== arg) {
      throw new TypeError(`argument ${i} must be a uint32`);
    }
  });
}

// A written value in its slot's representation. The oracles already produce int32/uint32 values
// for integer slots; a value that is not is a defect of the table, not something to paper over.
function slotValue(type: ReferenceSlotType, value: unknown, op: ReferenceOp): number {
  const ok =
    typeof value === 'number' &&
    (type === 'f64' || (type === 'i32' ? (value | 0) === value : value >>> 0 === value));
  if (!ok) throw new Error(`the oracle of ${op.def.name} gave ${String(value)} for an ${type} slot`);
  return type === 'i32' ? value | 0 : type === 'u32' ? value >>> 0 : value;
}

export interface RunOptions {
  /** Executed ops (labels included) before StepLimitError. */
  stepLimit?: number;
  /** Called with the index of every op executed (for coverage). */
  onStep?: (opIndex: number) => void;
}

export interface RunResult {
  value: number | undefined;
  steps: number;
  /** The call reached DECLINE (kernel.call throws ERR_JITCTL_DECLINED); value is undefined. */
  declined: boolean;
}

/**
 * Runs a trace on `args` like kernel.call(...args): numbers for slot parameters, typed arrays for
 * views (written in place). Slots start at +0.
 */
export function runTrace(trace: ReferenceTrace, args: readonly unknown[], options: RunOptions = {}): RunResult {
  checkArguments(trace, args);
  const stepLimit = options.stepLimit ?? 10_000_000;
  const slots: number[] = new Array<number>(trace.slotTypes.length).fill(0);
  const views: ArrayBufferView[] = new Array<ArrayBufferView>(trace.viewKinds.length);
  trace.params.forEach((param, i) => {
    if (param.kind === 'slot') slots[param.index] = args[i] as number;
    else views[param.index] = args[i] as ArrayBufferView;
  });
  const ops = trace.ops;
  const targetOf = (op: ReferenceOp) => trace.labelAt.get(op.label)!;
  const operands = (op: ReferenceOp): unknown[] =>
    op.reads.map((r) => (r.kind === 'slot' ? slots[r.value] : r.kind === 'view' ? views[r.value] : r.value));

  const onStep = options.onStep;
  let pc = 0, steps = 0;
  for (;;) {
    if (++steps > stepLimit) throw new StepLimitError(stepLimit);
    onStep?.(pc);
    const op = ops[pc++];
    const oracle = ORACLES[op.opcode] as ((...args: unknown[]) => unknown) | undefined;
    switch (op.behaviour) {
      case 'label':
        break;
      case 'jump':
        pc = targetOf(op);
        break;
      case 'return':
        return { value: trace.returnType === 'void' ? undefined : slots[trace.returnSlot], steps, declined: false };
      case 'decline':
        return { value: undefined, steps, declined: true };
      case 'value':
        slots[op.dest] = slotValue(trace.slotTypes[op.dest], oracle!(...operands(op)), op);
        break;
      case 'effect':
        oracle!(...operands(op));
        break;
      case 'load': {
        // JS reads undefined exactly where the engine takes the miss label: (uint32)index >= length.
        const value = oracle!(...operands(op));
        if (value === undefined) pc = targetOf(op);
        else slots[op.dest] = slotValue(trace.slotTypes[op.dest], value, op);
        break;
      }
      case 'exact': {
        const value = oracle!(...operands(op));
        if (isInt32(value)) slots[op.dest] = slotValue(trace.slotTypes[op.dest], value, op);
        else pc = targetOf(op);
        break;
      }
      case 'guard': {
        const reads = operands(op);
        if (oracle!(...reads)) slots[op.dest] = slotValue(trace.slotTypes[op.dest], reads[0], op);
        else pc = targetOf(op);
        break;
      }
      case 'branch':
        if (oracle!(...operands(op))) pc = targetOf(op);
        break;
    }
  }
}

/** Validates and runs in one step (for hand-written traces). */
export function interpret(trace: Int32Array | ArrayBuffer | TraceBuilder, args: readonly unknown[], options?: RunOptions): number | undefined {
  return runTrace(validateTrace(trace), args, options).value;
}
