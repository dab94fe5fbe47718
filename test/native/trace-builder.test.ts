// The TypeScript trace builder writes the documented format and reports front-end mistakes at
// the op that made them.

import assert from 'node:assert/strict';

import { ElementKind, TRACE_MAGIC, TraceBuilder } from '../../lib/engine.js';
import { OPCODES } from '../../lib/compiler/trace/uops.js';

describe('TraceBuilder', () => {
  it('writes the header, declarations, parameters and ops in order', () => {
    const b = new TraceBuilder();
    const x = b.slot('f64'), y = b.slot('i32'), v = b.view(ElementKind.Uint8);
    b.param(x).param(v).returns(y).op('LENGTH', y, v).op('RETURN');
    assert.deepEqual(Array.from(b.build()), [
      TRACE_MAGIC | 0, 1, 2, 1, 2, 2, 1, 4,
      1, 2,
      1,
      0, 0, 1, 0,
      OPCODES.LENGTH, 1, 0, OPCODES.RETURN,
    ]);
  });

  it('encodes an f64 immediate as two words, low first, keeping -0 and NaN bits', () => {
    const b = new TraceBuilder();
    const d = b.slot('f64');
    b.op('CONST_F64', d, -0);
    assert.deepEqual(Array.from(b.build().slice(-4)), [OPCODES.CONST_F64, 0, 0, 0x80000000 | 0]);
  });

  it('rejects an unknown micro-op', () => assert.throws(() => new TraceBuilder().op('NOPE'), /unknown micro-op NOPE/));

  it('rejects a wrong operand count', () =>
    assert.throws(() => new TraceBuilder().op('RETURN', 1), /RETURN takes 0 operands, got 1/));

  it('rejects a slot of the wrong type, naming the operand', () => {
    const b = new TraceBuilder();
    const f = b.slot('f64'), i = b.slot('i32');
    assert.throws(() => b.op('ADD_I32', i, i, f), /ADD_I32 operand 2 \(b\) must be an i32 slot, got f64 slot 0/);
  });

  it('rejects a view of the wrong element kind', () => {
    const b = new TraceBuilder();
    const v = b.view(ElementKind.Int8), d = b.slot('f64'), i = b.slot('i32');
    assert.throws(() => b.op('LOAD_FLOAT64', d, v, i, b.label()), /must be a Float64Array view, got Int8Array view 0/);
  });

  it('rejects a fractional i32 immediate', () => {
    const b = new TraceBuilder();
    assert.throws(() => b.op('CONST_I32', b.slot('i32'), 1.5), /must be an int32 number/);
  });

  it('rejects defining a label twice', () => {
    const b = new TraceBuilder();
    const l = b.label();
    b.define(l);
    assert.throws(() => b.define(l), /label 0 is defined twice/);
  });
});
