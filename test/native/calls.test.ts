// Calling a kernel from JS: every argument is checked against the trace's parameters on every
// call, and a mismatch is a TypeError naming the argument.

import assert from 'node:assert/strict';

import { compile, ElementKind, TraceBuilder, type Kernel } from '../../lib/engine.js';
import { TYPED_ARRAYS } from './helpers.js';

// kernel(x: f64, i: i32, u: u32, v: Float32Array) -> x + i + u + v.length
function mixed(): Kernel {
  const b = new TraceBuilder();
  const x = b.slot('f64'), i = b.slot('i32'), u = b.slot('u32'), v = b.view(ElementKind.Float32);
  const n = b.slot('i32'), t = b.slot('f64'), r = b.slot('f64');
  b.param(x).param(i).param(u).param(v).returns(r);
  b.op('I32_TO_F64', t, i).op('ADD_F64', r, x, t).op('U32_TO_F64', t, u).op('ADD_F64', r, r, t);
  b.op('LENGTH', n, v).op('I32_TO_F64', t, n).op('ADD_F64', r, r, t).op('RETURN');
  return compile(b);
}

describe('kernel calls', () => {
  const kernel = mixed();
  const ok = (): unknown[] => [1.5, -2, 3, new Float32Array(4)];

  it('accepts arguments of the declared kinds', () => {
    assert.equal(kernel.call(...(ok() as [number])), 1.5 - 2 + 3 + 4);
  });

  it('accepts the int32 and uint32 limits', () => {
    assert.equal(kernel.call(0, -(2 ** 31), 2 ** 32 - 1, new Float32Array(0)), -(2 ** 31) + 2 ** 32 - 1);
  });

  it('reports its parameters and return type', () => {
    assert.deepEqual(kernel.params, ['f64', 'i32', 'u32', 'Float32Array']);
    assert.equal(kernel.returnType, 'f64');
  });

  const bad: Array<[string, number, unknown, RegExp]> = [
    ['a string for an f64', 0, '1', /argument 0 must be a number \(f64\)/],
    ['a bigint for an f64', 0, 1n, /argument 0 must be a number/],
    ['undefined for an f64', 0, undefined, /argument 0 must be a number/],
    ['a fraction for an i32', 1, 1.5, /argument 1 must be an int32 integer/],
    ['2^31 for an i32', 1, 2 ** 31, /argument 1 must be an int32 integer/],
    ['NaN for an i32', 1, NaN, /argument 1 must be an int32/],
    ['-0 for an i32 (it would come back as +0)', 1, -0, /argument 1 is -0, which is not an int32 value/],
    ['-0 for a u32', 2, -0, /argument 2 is -0, which is not a uint32 value/],
    ['-1 for a u32', 2, -1, /argument 2 must be a uint32 integer/],
    ['2^32 for a u32', 2, 2 ** 32, /argument 2 must be a uint32/],
    ['Infinity for a u32', 2, Infinity, /argument 2 must be a uint32/],
    ['a Float64Array for a Float32Array', 3, new Float64Array(1), /argument 3 must be a Float32Array/],
    ['a plain array for a Float32Array', 3, [1, 2], /argument 3 must be a Float32Array/],
    ['a DataView for a Float32Array', 3, new DataView(new ArrayBuffer(8)), /argument 3 must be a Float32Array/],
    ['a number for a Float32Array', 3, 4, /argument 3 must be a Float32Array/],
  ];
  for (const [what, index, value, message] of bad) {
    it(`rejects ${what} with a TypeError`, () => {
      const args = ok();
      args[index] = value;
      assert.throws(() => (kernel.call as (...a: unknown[]) => unknown)(...args), (e: unknown) => e instanceof TypeError && message.test(e.message));
    });
  }

  it('rejects too few and too many arguments', () => {
    assert.throws(() => kernel.call(1), /takes 4 arguments but was called with 1/);
    assert.throws(() => (kernel.call as (...a: unknown[]) => unknown)(...ok(), 5), /takes 4 arguments but was called with 5/);
  });

  it('rejects every other typed-array kind for each declared kind', () => {
    for (const [kind, Array] of TYPED_ARRAYS.entries()) {
      const b = new TraceBuilder();
      const v = b.view(kind as never), n = b.slot('i32');
      const k = b.param(v).returns(n).op('LENGTH', n, v).op('RETURN');
      const compiled = compile(k);
      for (const Other of TYPED_ARRAYS) {
        if (Other === Array) assert.equal(compiled.call(new Other(3)), 3);
        else assert.throws(() => compiled.call(new Other(3)), TypeError, `${Other.name} passed for ${Array.name}`);
      }
    }
  });

  it('reads a typed array through its offset into a shared buffer', () => {
    const b = new TraceBuilder();
    const v = b.view(ElementKind.Float64), i = b.slot('i32'), d = b.slot('f64'), miss = b.label();
    b.param(v).returns(d).op('LOAD_FLOAT64', d, v, i, miss).op('RETURN').define(miss).op('CONST_F64', d, -1).op('RETURN');
    const buffer = new Float64Array([1, 2, 3, 4]).buffer;
    assert.equal(compile(b).call(new Float64Array(buffer, 16, 2)), 3);
  });

  it('treats a detached buffer as an empty array', () => {
    const b = new TraceBuilder();
    const v = b.view(ElementKind.Float64), n = b.slot('i32');
    b.param(v).returns(n).op('LENGTH', n, v).op('RETURN');
    const array = new Float64Array(8);
    structuredClone(array.buffer, { transfer: [array.buffer] });
    assert.equal(compile(b).call(array), 0);
  });

  it('returns i32 and u32 results as numbers of those ranges', () => {
    const b = new TraceBuilder();
    const a = b.slot('i32'), u = b.slot('u32');
    b.param(a).returns(u).op('I32_TO_U32', u, a).op('RETURN');
    assert.equal(compile(b).call(-1), 2 ** 32 - 1);
  });

  it('accepts -0 for an f64 and keeps its sign', () => {
    const b = new TraceBuilder();
    const x = b.slot('f64');
    assert.ok(Object.is(compile(b.param(x).returns(x).op('RETURN')).call(-0), -0));
  });

  it('rejects a method or getter called on an object that is not a kernel with a TypeError', () => {
    const proto = Object.getPrototypeOf(kernel) as object;
    const getter = Object.getOwnPropertyDescriptor(proto, 'codeSize')!.get!;
    for (const receiver of [{}, Object.create(proto), undefined]) {
      assert.throws(() => getter.call(receiver), (e: unknown) => e instanceof TypeError && /not a kernel/.test(e.message));
      assert.throws(() => kernel.call.call(receiver, 1), (e: unknown) => e instanceof TypeError && /not a kernel/.test(e.message));
    }
  });

  it('cannot be constructed from JS', () => {
    const Ctor = (kernel as unknown as { constructor: new (...a: unknown[]) => unknown }).constructor;
    assert.throws(() => new Ctor(), /made by compile\(\)/);
  });
});
