// Every way a trace can be malformed is a clear error from compile(), never a crash. Traces are
// built as raw words so that each test breaks exactly one rule of docs/trace-format.md.

import assert from 'node:assert/strict';

import { compile, engineLimits, TRACE_MAGIC, UOPS } from '../../lib/engine.js';

const OP = Object.fromEntries(UOPS.map((u) => [u.name, u.opcode]));

interface RawTrace {
  slots?: number[];
  views?: number[];
  params?: number[];
  returnType?: number;
  returnSlot?: number;
  ops: number[];
  header?: Partial<Record<'magic' | 'version' | 'slotCount' | 'viewCount' | 'paramCount' | 'opWords', number>>;
}

function raw(t: RawTrace): Int32Array {
  const slots = t.slots ?? [], views = t.views ?? [], params = t.params ?? [];
  const h = t.header ?? {};
  return Int32Array.from([
    h.magic ?? TRACE_MAGIC | 0, h.version ?? 1, h.slotCount ?? slots.length, h.viewCount ?? views.length,
    h.paramCount ?? params.length / 2, t.returnType ?? 0, t.returnSlot ?? 0, h.opWords ?? t.ops.length,
    ...slots, ...views, ...params, ...t.ops,
  ]);
}

function rejects(trace: Int32Array | ArrayBuffer, pattern: RegExp, type: ErrorConstructor = Error) {
  assert.throws(() => compile(trace), (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

describe('trace validation', () => {
  it('accepts the smallest valid trace (RETURN)', () => {
    assert.equal(compile(raw({ ops: [OP.RETURN] })).call(), undefined);
  });

  it('accepts a frame of exactly 64 KiB and runs ops on its last slot and view', () => {
    const last = 8189;  // slots 0..8189 (65,520 bytes) + one view record (16 bytes) = 65,536
    const slots = new Array(last + 1).fill(1);
    slots[last - 1] = 2;  // an i32 index, 0 in the zeroed frame
    const k = compile(raw({
      slots, views: [8], params: [0, last, 1, 0], returnType: 1, returnSlot: last,
      ops: [OP.ADD_F64, last, last, last, OP.STORE_FLOAT64, 0, last - 1, last, OP.RETURN],
    }));
    const out = new Float64Array(1);
    assert.deepEqual([k.call(21, out), out[0]], [42, 42]);
  });

  describe('rejects a malformed header', () => {
    it('a trace shorter than the header', () => rejects(new Int32Array(3), /shorter than the 8-word header/));
    it('a bad magic number', () => rejects(raw({ ops: [OP.RETURN], header: { magic: 0x12345678 } }), /bad magic/));
    it('an unknown version', () => rejects(raw({ ops: [OP.RETURN], header: { version: 2 } }), /version 2 is not supported/));
    it('a word count that disagrees with the header (truncated trace)', () =>
      rejects(raw({ ops: [OP.RETURN], header: { opWords: 5 } }), /header describes 13 words but the trace has 9/));
    it('an ArrayBuffer that is not whole words', () => rejects(new ArrayBuffer(10), /not a whole number of 32-bit words/));
    it('neither an Int32Array nor an ArrayBuffer', () =>
      rejects(new Float64Array(4) as unknown as Int32Array, /Int32Array or an ArrayBuffer/, TypeError));
  });

  describe('rejects limits exceeded', () => {
    it('too many slots', () =>
      rejects(raw({ ops: [OP.RETURN], header: { slotCount: engineLimits().maxSlots + 1 } }), /too many slots/, RangeError));
    it('too many views', () =>
      rejects(raw({ ops: [OP.RETURN], header: { viewCount: engineLimits().maxViews + 1 } }), /too many views/, RangeError));
    it('too many parameters', () =>
      rejects(raw({ ops: [OP.RETURN], header: { paramCount: engineLimits().maxParams + 1 } }), /too many parameters/, RangeError));
    it('a trace too long', () =>
      rejects(raw({ ops: [OP.RETURN], header: { opWords: engineLimits().maxOpWords + 1 } }), /trace too long/, RangeError));
    it('a frame over 64 KiB (slots x 8 + views x 16), on every target', () =>
      rejects(raw({ slots: new Array(8191).fill(1), views: [8], params: [1, 0], ops: [OP.RETURN] }),
        /frame too large \(8191 slots x 8 \+ 1 views x 16 = 65544 bytes, the limit is 65536 bytes/, RangeError));
    it('a negative count', () => rejects(raw({ ops: [OP.RETURN], header: { slotCount: -1 } }), /too many slots \(-1/, RangeError));
  });

  describe('rejects bad declarations', () => {
    it('an unknown slot type', () => rejects(raw({ slots: [4], ops: [OP.RETURN] }), /slot 0 has unknown type 4/));
    it('an unknown element kind', () => rejects(raw({ views: [9], params: [1, 0], ops: [OP.RETURN] }), /unknown element kind 9/));
    it('a parameter naming a missing slot', () =>
      rejects(raw({ slots: [1], params: [0, 1], ops: [OP.RETURN] }), /names slot 1 but the trace has 1 slots/, RangeError));
    it('a parameter of unknown kind', () => rejects(raw({ slots: [1], params: [2, 0], ops: [OP.RETURN] }), /unknown kind 2/));
    it('a slot bound by two parameters', () =>
      rejects(raw({ slots: [1], params: [0, 0, 0, 0], ops: [OP.RETURN] }), /slot 0 is bound by two parameters/));
    it('a view that no parameter binds', () => rejects(raw({ views: [8], ops: [OP.RETURN] }), /view 0 is not bound/));
    it('an unknown return type', () => rejects(raw({ slots: [1], returnType: 7, ops: [OP.RETURN] }), /unknown return type 7/));
    it('a return slot out of range', () =>
      rejects(raw({ slots: [1], returnType: 1, returnSlot: 3, ops: [OP.RETURN] }), /return slot 3 is out of range/, RangeError));
    it('a return slot of the wrong type', () =>
      rejects(raw({ slots: [2], returnType: 1, ops: [OP.RETURN] }), /return slot 0 is i32 but the return type is f64/));
  });

  describe('rejects bad ops', () => {
    it('an unknown opcode', () => rejects(raw({ ops: [UOPS.length, OP.RETURN] }), new RegExp(`unknown opcode ${UOPS.length}\\b`)));
    it('a negative opcode', () => rejects(raw({ ops: [-1, OP.RETURN] }), /unknown opcode -1/));
    it('an op with too few operand words (truncated at the end)', () =>
      rejects(raw({ slots: [1, 1], ops: [OP.RETURN, OP.ADD_F64, 0, 1] }), /ADD_F64\) at word \d+ is truncated/));
    it('a slot operand out of range', () =>
      rejects(raw({ slots: [1], ops: [OP.MOV_F64, 0, 5, OP.RETURN] }), /slot 5 is out of range/, RangeError));
    it('a slot operand of the wrong type', () =>
      rejects(raw({ slots: [1, 2], ops: [OP.MOV_F64, 0, 1, OP.RETURN] }), /slot 1 is i32 but the op needs f64/));
    it('a view operand out of range', () =>
      rejects(raw({ slots: [2], ops: [OP.LENGTH, 0, 0, OP.RETURN] }), /view 0 is out of range/, RangeError));
    it('a view of the wrong element kind', () =>
      rejects(raw({ slots: [1, 2], views: [5], params: [1, 0], ops: [OP.LOAD_FLOAT64, 0, 0, 1, 0, OP.LABEL, 0, OP.RETURN] }),
        /view 0 holds Int32 elements but the op needs Float64/));
    it('a branch to a label that is never defined', () =>
      rejects(raw({ ops: [OP.JUMP, 3, OP.RETURN] }), /branches to label 3, which is never defined/));
    it('a label defined twice', () =>
      rejects(raw({ ops: [OP.LABEL, 0, OP.LABEL, 0, OP.RETURN] }), /label 0 is defined twice/));
    it('a label id out of range', () =>
      rejects(raw({ ops: [OP.JUMP, engineLimits().maxLabels, OP.RETURN] }), /label 65536 is out of range/, RangeError));
    it('an empty op list', () => rejects(raw({ ops: [] }), /no ops/));
    it('execution falling off the end', () =>
      rejects(raw({ slots: [1], ops: [OP.MOV_F64, 0, 0] }), /fall off the end: the last op is MOV_F64/));
    it('a label as the last op', () =>
      rejects(raw({ ops: [OP.JUMP, 0, OP.LABEL, 0] }), /fall off the end: the last op is LABEL/));
  });

  // Compiled, not run: a random valid trace may well loop forever.
  it('survives random words without crashing (every result is a kernel or an Error)', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
    for (let n = 0; n < 2000; n++) {
      const ops = Array.from({ length: 1 + (next() >>> 0) % 12 }, () => ((next() >>> 0) % 8 === 0 ? next() : (next() >>> 0) % UOPS.length));
      ops.push(OP.RETURN);
      const trace = raw({ slots: [1, 2, 3], ops });
      try {
        compile(trace).free();
      } catch (e) {
        assert.ok(e instanceof Error);
      }
    }
  });
});
