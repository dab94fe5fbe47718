// The trace builder's errors for bad arguments: every mistake is a TypeError naming the argument,
// never a crash inside the builder and never a trace silently written wrong.

import assert from 'node:assert/strict';

import { ElementKind, TraceBuilder } from '../../lib/engine.js';

type Loose = TraceBuilder & { op(name: unknown, ...operands: unknown[]): TraceBuilder };
const loose = (b: TraceBuilder): Loose => b as Loose;

describe('TraceBuilder errors: micro-op names', () => {
  for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']) {
    it(`rejects op('${name}'), a name Object.prototype has, as an unknown micro-op`, () =>
      assert.throws(() => new TraceBuilder().op(name), { name: 'TypeError', message: `unknown micro-op ${name}` }));
  }
  it('rejects a name that is not a string', () =>
    assert.throws(() => loose(new TraceBuilder()).op(42), { name: 'TypeError', message: 'unknown micro-op 42' }));
  it('rejects a Symbol name with a TypeError', () =>
    assert.throws(() => loose(new TraceBuilder()).op(Symbol('RETURN')), TypeError));
});

describe('TraceBuilder errors: param()', () => {
  for (const [label, value] of [['undefined', undefined], ['null', null], ['a number', 3], ['a label', null]] as const) {
    it(`rejects ${label} as the target, naming it`, () => {
      const b = new TraceBuilder();
      const target = label === 'a label' ? b.label() : value;
      assert.throws(() => b.param(target as never), { name: 'TypeError', message: /^param\(target\): target must be a slot or a view/ });
    });
  }
  it('rejects a slot declared by another builder', () => {
    const other = new TraceBuilder().slot('f64');
    assert.throws(() => new TraceBuilder().param(other), { name: 'TypeError', message: /was not declared by this builder/ });
  });
});

describe('TraceBuilder errors: returns()', () => {
  it('rejects a view (it was once accepted as void)', () => {
    const b = new TraceBuilder();
    const v = b.view(ElementKind.Float64);
    assert.throws(() => b.returns(v as never), { name: 'TypeError', message: /^returns\(slot\): slot must be a slot.*Float64Array view 0/ });
  });
  it('rejects undefined, naming the argument', () =>
    assert.throws(() => new TraceBuilder().returns(undefined as never), { name: 'TypeError', message: /^returns\(slot\).*got undefined/ }));
  it('rejects null, naming the argument', () =>
    assert.throws(() => new TraceBuilder().returns(null as never), { name: 'TypeError', message: /^returns\(slot\).*got null/ }));
});

describe('TraceBuilder errors: operands', () => {
  it('rejects a null operand with a TypeError naming the operand', () => {
    const b = new TraceBuilder();
    const i = b.slot('i32');
    assert.throws(() => loose(b).op('ADD_I32', i, null, i), { name: 'TypeError', message: /ADD_I32 operand 1 \(a\) must be an i32 slot, got null/ });
  });
  it('rejects an undefined operand with a TypeError', () => {
    const b = new TraceBuilder();
    const i = b.slot('i32');
    assert.throws(() => loose(b).op('ADD_I32', i, i, undefined), { name: 'TypeError', message: /got undefined/ });
  });
  it('rejects define(null) with a TypeError naming the label', () =>
    assert.throws(() => new TraceBuilder().define(null as never), { name: 'TypeError', message: /^define\(label\)/ }));
});

describe('TraceBuilder errors: slot types', () => {
  it("rejects slot('toString'), a name Object.prototype has", () =>
    assert.throws(() => new TraceBuilder().slot('toString' as never), { name: 'TypeError', message: /unknown slot type toString/ }));
});
