// Register caching (docs/native-engine.md, "Registers"): the engine keeps the slots a loop uses
// most in registers, running each op as the stencil variant for where its operands live, and
// writing a cached slot to the frame around ops that have no variants. For every op and every
// assignment of its slot operands to memory or one of the four registers of their class, a kernel
// whose loop makes the engine choose exactly that assignment runs the op once, and the result is
// compared bit for bit with the op's JS oracle. The kernel's stencil list must show the variant
// (or, for an op without variants, the op itself), so the test cannot pass on the wrong code.

import assert from 'node:assert/strict';

import { compile, TraceBuilder, UOPS, type Operand } from '../../lib/engine.js';
import type { Slot, View } from '../../lib/compiler/trace/trace.js';
import { OperandKind, type UopDef } from '../../lib/compiler/trace/uops.js';
import { TYPED_ARRAYS, show, ulpDistance } from './helpers.js';
import { isApproximate, isInt32, ulpBound } from './reference-interpreter.js';

const REGISTERS = 4;  // CACHED_REGISTERS in tools/stencils/uops.mjs
const SLOT_TYPES = { [OperandKind.F64]: 'f64', [OperandKind.I32]: 'i32', [OperandKind.U32]: 'u32' } as const;
// Fewer edges than the memory stencils' test (uops.test.ts): thousands of kernels, under qemu too.
const EDGES = {
  [OperandKind.F64]: [0, -0, 1, -1.5, 2.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 32 + 1, 5e-324, 1e300, 255.5],
  [OperandKind.I32]: [0, 1, -1, 7, 31, 32, 255, -129, 2 ** 31 - 1, -(2 ** 31)],
  [OperandKind.U32]: [0, 1, 255, 2 ** 31, 2 ** 32 - 1],
} as const;
const INDICES = [-1, 0, 3, 7, 8];
// A proven access (an internal op) runs behind a guard that keeps its index in range.
const PROVEN_INDICES = [0, 3, 7];
const MISS = -12345;

type SlotKind = 0 | 1 | 2;
const isSlotKind = (k: number): k is SlotKind => k === OperandKind.F64 || k === OperandKind.I32 || k === OperandKind.U32;
// The checked access a proven twin stands for (the trace names it; the engine rewrites it), and
// an access's index: the I32 operand after its view.
const checkedTwin = (def: UopDef) => def.name.replace(/_PROVEN$/, '');
const indexOperandOf = (def: UopDef) => def.operands.findIndex((o, i) => i > 0 && def.operands[i - 1].kind === OperandKind.View);
const oracleOf = (def: UopDef) => new Function(`return ${def.js}`)() as (...args: unknown[]) => unknown;
const registerName = (kind: number, k: number) => `${kind === OperandKind.F64 ? 'f' : 'r'}${k}`;

function cartesian<T>(lists: readonly (readonly T[])[]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

function sample(def: UopDef): ArrayBufferView & ArrayLike<number> {
  const array = new TYPED_ARRAYS[def.viewKind](8) as unknown as { [i: number]: number };
  [1.5, -2, 127.25, NaN, -0, 3e9, 255.5, -1e-320].forEach((x, i) => { array[i] = x; });
  return array as unknown as ArrayBufferView & ArrayLike<number>;
}

// Every assignment of the op's slot operands to memory (0) or register k - 1 (k), except those
// that put two slot types in one register among the operands it reads (one register holds one
// value; a result may take the register of an operand of the other type that dies there).
function assignments(def: UopDef): number[][] {
  const slotOperands = def.operands.map((o, i) => (isSlotKind(o.kind) ? i : -1)).filter((i) => i >= 0);
  const all = cartesian(slotOperands.map(() => Array.from({ length: REGISTERS + 1 }, (_, k) => k)));
  return all.filter((combo) => combo.some((l) => l > 0)).map((combo) => {
    const locations = def.operands.map(() => 0);
    slotOperands.forEach((operand, j) => { locations[operand] = combo[j]; });
    return locations;
  }).filter((locations) => {
    // A proven load that overwrites its own index is not proven on the loop's next turn.
    const index = indexOperandOf(def);
    if (def.internal && def.operands.some((o, i) => o.written && locations[i] > 0 && locations[i] === locations[index] && o.kind === def.operands[index].kind)) return false;
    const kinds = new Map<string, number>();
    const mixed = mixedRegisters(def, locations);
    return def.operands.every((o, i) => {
      if (locations[i] === 0 || (o.written && mixed.has(locations[i]))) return true;
      const key = registerName(o.kind, locations[i] - 1);
      if (kinds.has(key) && kinds.get(key) !== o.kind) return false;
      kinds.set(key, o.kind);
      return true;
    });
  });
}

/** The integer registers where the op writes an i32 and reads a u32, or the other way round. */
function mixedRegisters(def: UopDef, locations: number[]): Set<number> {
  const isInteger = (kind: number) => kind === OperandKind.I32 || kind === OperandKind.U32;
  const mixed = new Set<number>();
  def.operands.forEach((w, i) => {
    if (!w.written || locations[i] === 0 || !isInteger(w.kind)) return;
    def.operands.forEach((r, j) => {
      if (!r.written && isInteger(r.kind) && r.kind !== w.kind && locations[j] === locations[i]) mixed.add(locations[i]);
    });
  });
  return mixed;
}

interface Built {
  kernel: ReturnType<typeof compile>;
  params: { slot: Slot; kind: SlotKind }[];  // the read slots, in call order after the view
  operandParam: number[];                         // per operand: index into params, or -1
  name: string;                                   // the variant's stencil name
  mixed: boolean;                                 // the result takes an operand's register of the other type (a u32 miss is then MISS >>> 0)
}

// The op once inside a loop whose back edge is never taken. Register k of a class goes to the slot
// the loop uses most after registers 0..k-1 (8 * (4 - k) extra reads of it: more than a written
// slot's loop-carried weight); a memory operand is kept out of registers by uses in compares, which
// have no variants (each counts against it). Where the result takes the register of an operand of
// the other type (mixedRegisters), that operand is copied at the loop's head from a parameter of
// its own, so that it dies at the op, and the result is a slot of its own, written on every path
// out of the loop.
function build(def: UopDef, locations: number[]): Built {
  const mixed = mixedRegisters(def, locations);
  const b = new TraceBuilder();
  const shared = new Map<string, Operand>();
  const kindOfSlot = new Map<Operand, SlotKind>();
  const inMemory: Operand[] = [];
  const head = b.label(), exit = b.label(), target = b.label();
  let view: View | undefined;
  const operands: Operand[] = def.operands.map((o, i) => {
    if (o.kind === OperandKind.View) return (view = b.view(def.viewKind as never));
    if (o.kind === OperandKind.Label) return target;
    if (o.kind === OperandKind.ImmI32 || o.kind === OperandKind.ImmF64) return 3;
    const kind = o.kind as SlotKind;
    if (locations[i] === 0) {
      const slot = b.slot(SLOT_TYPES[kind]);
      kindOfSlot.set(slot, kind);
      inMemory.push(slot);
      return slot;
    }
    if (o.written && mixed.has(locations[i])) {
      const slot = b.slot(SLOT_TYPES[kind]);
      kindOfSlot.set(slot, kind);
      return slot;
    }
    const key = registerName(kind, locations[i] - 1);
    if (!shared.has(key)) {
      const slot = b.slot(SLOT_TYPES[kind]);
      kindOfSlot.set(slot, kind);
      shared.set(key, slot);
    }
    return shared.get(key)!;
  });
  // Registers below the highest one used get a slot of their own, so the ranking lands each slot
  // in the register the assignment names.
  for (const floats of [true, false]) {
    const used = [...shared.keys()].filter((k) => k.startsWith(floats ? 'f' : 'r')).map((k) => Number(k.slice(1)));
    for (let k = 0; k < Math.max(-1, ...used); k++) {
      const key = `${floats ? 'f' : 'r'}${k}`;
      if (!shared.has(key)) {
        const slot = b.slot(floats ? 'f64' : 'i32');
        kindOfSlot.set(slot, floats ? OperandKind.F64 : OperandKind.I32);
        shared.set(key, slot);
      }
    }
  }
  const result = def.operands.findIndex((o) => o.written);
  const params: Built['params'] = [];
  const copiedFrom = new Map<Operand, Slot>();  // an operand that dies at the op: the parameter it copies
  const operandParam = def.operands.map((o, i) => {
    if (!isSlotKind(o.kind) || o.written) return -1;
    let slot = operands[i] as Slot;
    if (mixed.has(locations[i])) {
      if (!copiedFrom.has(slot)) copiedFrom.set(slot, b.slot(SLOT_TYPES[o.kind]));
      slot = copiedFrom.get(slot)!;
    }
    const found = params.findIndex((p) => p.slot === slot);
    if (found >= 0) return found;
    params.push({ slot, kind: o.kind });
    return params.length - 1;
  });
  const never = b.slot('i32'), scratch = b.slot('i32');
  const taken = b.slot('f64');
  if (view !== undefined) b.param(view);
  for (const p of params) b.param(p.slot);
  const returned = (result >= 0 ? operands[result] : taken) as Slot;
  b.returns(returned);
  if (def.internal) {
    // Outside the loop (uses there weigh nothing in the register ranking): the index is in
    // [0, length), which lets the engine prove the access and run the proven twin.
    const indexOperand = operands[indexOperandOf(def)] as Slot;
    const index = copiedFrom.get(indexOperand) ?? indexOperand, zero = b.slot('i32'), length = b.slot('i32');
    b.op('CONST_I32', zero, 0).op('BR_LT_I32', index, zero, target).op('LENGTH', length, view!).op('BR_GE_I32', index, length, target);
  }
  const compareOf = { [OperandKind.F64]: 'LT_F64', [OperandKind.I32]: 'LT_I32', [OperandKind.U32]: 'LT_U32' } as const;
  // Reads that rank a slot without writing it (a write would start a new web: core/webs.h): a
  // compare of the slot with itself, never true, whose branch has register variants.
  const rankOf = { [OperandKind.F64]: 'BR_LT_F64', [OperandKind.I32]: 'BR_LT_I32', [OperandKind.U32]: 'BR_LT_U32' } as const;
  b.define(head);
  const moveOf = { [OperandKind.F64]: 'MOV_F64', [OperandKind.I32]: 'MOV_I32', [OperandKind.U32]: 'MOV_U32' } as const;
  for (const [slot, param] of copiedFrom) b.op(moveOf[kindOfSlot.get(slot)!], slot, param);
  for (const [key, slot] of shared) {
    const uses = 8 * (4 - Number(key.slice(1)));
    for (let n = 0; n < uses; n++) b.op(rankOf[kindOfSlot.get(slot)!], slot, slot, target);
  }
  for (const slot of [...inMemory, never]) {
    for (let n = 0; n < 4; n++) b.op(compareOf[kindOfSlot.get(slot) ?? OperandKind.I32], scratch, slot, slot);
  }
  if (!def.internal) b.op(def.name, ...operands);
  else {
    const checked = UOPS.find((d) => d.name === checkedTwin(def))!;
    b.op(checked.name, ...operands, ...(checked.operands.some((o) => o.kind === OperandKind.Label) ? [target] : []));
  }
  b.op('BR_TRUE_I32', never, head);
  b.op('JUMP', exit);
  b.define(target);  // a branch taken, or a load's miss
  const resultKind = result >= 0 ? def.operands[result].kind : -1;
  if (resultKind === OperandKind.F64 || resultKind === OperandKind.I32) b.op(resultKind === OperandKind.F64 ? 'CONST_F64' : 'CONST_I32', returned, MISS);
  else if (result < 0) b.op('CONST_F64', taken, 1);
  else if (mixed.size > 0) {  // (a u32 miss leaves the slot at 0, live from the kernel's start)
    const miss = b.slot('i32');
    b.op('CONST_I32', miss, MISS).op('I32_TO_U32', returned, miss);
  }
  b.define(exit).op('RETURN');
  const suffix = def.operands.flatMap((o, i) => (isSlotKind(o.kind) ? [locations[i] === 0 ? 'm' : registerName(o.kind, locations[i] - 1)] : []));
  return { kernel: compile(b), params, operandParam, name: `${def.name}__${suffix.join('_')}`, mixed: mixed.size > 0 };
}

function check(def: UopDef, locations: number[]): 'variant' | 'memory' | 'mixed in memory' {
  const built = build(def, locations);
  const stencils = built.kernel.inspect().stencils.map((s) => s.uop);
  const used = stencils.includes(built.name) ? 'variant' : stencils.includes(def.name) ? 'memory' : undefined;
  assert.ok(used, `${built.name}: the kernel runs neither the variant nor ${def.name} (${stencils.join(' ')})`);
  const oracle = oracleOf(def);
  const isBranch = def.name.startsWith('BR_');
  const isStore = def.name.startsWith('STORE_');
  const isLoad = def.name.startsWith('LOAD_') || def.name === 'F64_TO_INDEX';
  const viewArgs = def.operands.some((o) => o.kind === OperandKind.View) ? [sample(def)] : [];
  for (const values of cartesian(built.params.map((p) => (isLoad || isStore) && p.kind === OperandKind.I32 ? (def.internal ? PROVEN_INDICES : INDICES) : EDGES[p.kind]))) {
    const view = viewArgs.length ? [isStore ? sample(def) : viewArgs[0]] : [];
    const operandValues = def.operands.map((o, i) => {
      if (o.kind === OperandKind.View) return view[0];
      if (o.kind === OperandKind.ImmI32 || o.kind === OperandKind.ImmF64) return 3;
      return built.operandParam[i] >= 0 ? values[built.operandParam[i]] : undefined;
    }).filter((_, i) => !def.operands[i].written && def.operands[i].kind !== OperandKind.Label);
    const got = built.kernel.call(...view, ...values);
    const where = `${built.name}(${values.map(show).join(', ')})`;
    if (isStore) {
      const theirs = sample(def);
      oracle(theirs, ...operandValues.slice(1));
      assert.deepEqual(new Uint8Array((view[0] as ArrayBufferView).buffer), new Uint8Array(theirs.buffer), where);
      continue;
    }
    let expected = oracle(...operandValues);
    if (isBranch) expected = expected ? 1 : 0;
    if (def.name === 'F64_TO_INDEX') expected = expected ? (operandValues[0] as number) + 0 : MISS;
    else if (def.name.endsWith('_EXACT')) expected = isInt32(expected) ? expected : MISS;
    else if (isLoad && expected === undefined) expected = def.operands[0].kind !== OperandKind.U32 ? MISS : built.mixed ? MISS >>> 0 : 0;
    const ok = isApproximate(def) && typeof got === 'number'
      ? ulpDistance(got, expected as number) <= ulpBound(def)
      : Object.is(got, expected);
    if (!ok) assert.fail(`${where} = ${show(got)}, JS gives ${show(expected)}`);
  }
  built.kernel.free();
  return used === 'memory' && built.mixed ? 'mixed in memory' : used;
}

describe('register variants: every op with its slot operands in memory and in every register', function () {
  this.timeout(600_000);
  const ops = UOPS.filter((d) => d.js !== undefined && !d.pseudo && d.name !== 'LENGTH' && d.operands.some((o) => isSlotKind(o.kind)));
  let variants = 0, mixedVariants = 0;
  for (const def of ops) {
    it(`${def.name} in every assignment of its operands (${assignments(def).length})`, () => {
      const all = assignments(def), ran = all.map((locations) => check(def, locations));
      variants += ran.filter((used) => used === 'variant').length;
      mixedVariants += ran.filter((used, k) => used === 'variant' && mixedRegisters(def, all[k]).size > 0).length;
      // A result that may take the register of an operand of the other type (an i32 and a u32
      // value share registers) must, in an op with register variants.
      if (ran.includes('variant')) assert.ok(!ran.includes('mixed in memory'), `${def.name}: a result kept out of its operand's register`);
    });
  }
  it('LENGTH writes a view\'s element count into a register', () => {
    for (const k of [0, 1, 2]) {
      const b = new TraceBuilder();
      const v = b.view(8 as never), d = b.slot('i32'), never = b.slot('i32'), scratch = b.slot('i32'), head = b.label();
      const dummies = Array.from({ length: k }, () => b.slot('i32'));
      b.param(v).returns(d).define(head);
      dummies.forEach((slot, r) => { for (let n = 0; n < 8 * (4 - r); n++) b.op('BR_LT_I32', slot, slot, head); });
      for (let n = 0; n < 4; n++) b.op('LT_I32', scratch, never, never);
      b.op('LENGTH', d, v).op('BR_TRUE_I32', never, head).op('RETURN');
      const kernel = compile(b);
      assert.ok(kernel.inspect().stencils.some((s) => s.uop === `LENGTH__r${k}`), `LENGTH__r${k} is used`);
      for (const n of [0, 1, 17]) assert.equal(kernel.call(new Float64Array(n)), n);
    }
  });
  it('most ops ran as register variants (the plan is not falling back to memory)', () => {
    assert.ok(variants > 1500, `only ${variants} assignments ran as variants`);
    // CLZ32_U32, SHR_U32, I32_TO_U32, U32_TO_I32 and LOAD_UINT32_U32 (and its proven twin) with
    // the result in the register of an operand of the other type: 56 variants.
    assert.equal(mixedVariants, 56);
  });
});
