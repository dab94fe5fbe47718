// Calling a kernel from JS: every argument is checked against the trace's parameters on every
// call, and a mismatch is a TypeError naming the argument. kernel.invoke (the native tier's call
// path) makes the same checks except a typed array's kind, where it checks that the array's
// elements at the kernel's element size lie inside its buffer: the tests below run against both,
// and the ones after them show what invoke does with an array of another kind. kernel.invokeLane
// (the same path with the numbers and the result in the environment's number lane) runs them too,
// where a value is a number at all: the lane holds doubles only.

import assert from 'node:assert/strict';

import { addonBinding, numberLane } from '../../lib/compiler/native/binding.js';
import { compile, declinedResult, ElementKind, TraceBuilder, type Kernel } from '../../lib/engine.js';
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

type Call = (kernel: Kernel, ...args: unknown[]) => unknown;
type LaneKernel = Kernel & { readonly invokeLane: (...views: unknown[]) => unknown };

/** The lane this process's jitctl took as it loaded the addon. */
function lane(): Float64Array {
  const taken = numberLane();
  if (!taken) throw new Error('the addon loaded without a number lane');
  return taken;
}

/** A call through invokeLane as the native tier makes it: numbers into the lane, typed arrays as arguments. */
function viaLane(kernel: Kernel, ...args: unknown[]): unknown {
  const views: unknown[] = [];
  kernel.params.forEach((kind, i) => {
    if (kind.endsWith('Array')) views.push(args[i]);
    else lane()[i] = args[i] as number;
  });
  const r = (kernel as LaneKernel).invokeLane(...views);
  return r === undefined && kernel.returnType !== 'void' ? lane()[0] : r;
}

const ENTRIES: Array<[string, Call]> = [
  ['call', (kernel, ...args) => (kernel.call as (...a: unknown[]) => unknown)(...args)],
  ['invoke', (kernel, ...args) => (kernel.invoke as (...a: unknown[]) => unknown)(...args)],
  ['invokeLane', viaLane],
];

// kernel(v: <kind>) -> v.length
function lengthKernel(kind: ElementKind): Kernel {
  const b = new TraceBuilder();
  const v = b.view(kind), n = b.slot('i32');
  return compile(b.param(v).returns(n).op('LENGTH', n, v).op('RETURN'));
}

// kernel(v: Float64Array, i: i32) -> v[i], or -1 outside the array
function loadKernel(kind: ElementKind = ElementKind.Float64, load = 'LOAD_FLOAT64'): Kernel {
  const b = new TraceBuilder();
  const v = b.view(kind), i = b.slot('i32'), d = b.slot('f64'), miss = b.label();
  b.param(v).param(i).returns(d).op(load, d, v, i, miss).op('RETURN').define(miss).op('CONST_F64', d, -1).op('RETURN');
  return compile(b);
}

for (const [entry, run] of ENTRIES) describe(`kernel ${entry}`, () => {
  const kernel = mixed();
  const ok = (): unknown[] => [1.5, -2, 3, new Float32Array(4)];

  it('accepts arguments of the declared kinds', () => {
    assert.equal(run(kernel, ...ok()), 1.5 - 2 + 3 + 4);
  });

  it('accepts the int32 and uint32 limits', () => {
    assert.equal(run(kernel, 0, -(2 ** 31), 2 ** 32 - 1, new Float32Array(0)), -(2 ** 31) + 2 ** 32 - 1);
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
    ['an Int16Array (smaller elements) for a Float32Array', 3, new Int16Array(3), /argument 3 must be a Float32Array/],
    ['a plain array for a Float32Array', 3, [1, 2], /argument 3 must be a Float32Array/],
    ['a DataView for a Float32Array', 3, new DataView(new ArrayBuffer(8)), /argument 3 must be a Float32Array/],
    ['a number for a Float32Array', 3, 4, /argument 3 must be a Float32Array/],
  ];
  for (const [what, index, value, message] of bad) {
    // invoke reads an array of larger elements as the kernel's kind (see below).
    if (entry !== 'call' && value instanceof Float64Array) continue;
    // The lane holds doubles: what is not a number cannot be put there.
    if (entry === 'invokeLane' && index < 3 && typeof value !== 'number') continue;
    it(`rejects ${what} with a TypeError`, () => {
      const args = ok();
      args[index] = value;
      assert.throws(() => run(kernel, ...args), (e: unknown) => e instanceof TypeError && message.test(e.message));
    });
  }

  if (entry !== 'invokeLane') it('rejects too few and too many arguments', () => {
    assert.throws(() => run(kernel, 1), /takes 4 arguments but was called with 1/);
    assert.throws(() => run(kernel, ...ok(), 5), /takes 4 arguments but was called with 5/);
  });

  it(entry === 'call' ? 'rejects every other typed-array kind for each declared kind' : 'rejects every kind of smaller elements for each declared kind', () => {
    for (const [kind, Array] of TYPED_ARRAYS.entries()) {
      const compiled = lengthKernel(kind as ElementKind);
      for (const Other of TYPED_ARRAYS) {
        if (Other === Array) assert.equal(run(compiled, new Other(3)), 3);
        else if (entry === 'call' || Other.BYTES_PER_ELEMENT < Array.BYTES_PER_ELEMENT) {
          assert.throws(() => run(compiled, new Other(3)), TypeError, `${Other.name} passed for ${Array.name}`);
        }
      }
    }
  });

  it('reads a typed array through its offset into a shared buffer', () => {
    const buffer = new Float64Array([1, 2, 3, 4]).buffer;
    assert.equal(run(loadKernel(), new Float64Array(buffer, 16, 2), 0), 3);
    assert.equal(run(loadKernel(), new Float64Array(buffer, 16, 2), 2), -1);
  });

  it('treats a detached buffer as an empty array', () => {
    const array = new Float64Array(8);
    structuredClone(array.buffer, { transfer: [array.buffer] });
    assert.equal(run(lengthKernel(ElementKind.Float64), array), 0);
  });

  it('reads an array over a SharedArrayBuffer', () => {
    const array = new Float64Array(new SharedArrayBuffer(32));
    array[3] = 7.5;
    assert.equal(run(loadKernel(), array, 3), 7.5);
    assert.equal(run(loadKernel(), array, 4), -1);
  });

  it('follows a length-tracking array over a resizable buffer', () => {
    // (ES2024: the TypeScript library this project builds with predates resizable buffers.)
    const Resizable = ArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => ArrayBuffer & { resize(bytes: number): void };
    const buffer = new Resizable(16, { maxByteLength: 64 });
    const array = new Float64Array(buffer);
    const kernel = lengthKernel(ElementKind.Float64);
    assert.equal(run(kernel, array), 2);
    buffer.resize(40);
    assert.equal(run(kernel, array), 5);
    array[4] = 2.5;
    assert.equal(run(loadKernel(), array, 4), 2.5);
    buffer.resize(8);
    assert.equal(run(kernel, array), 1);
    assert.equal(run(loadKernel(), array, 1), -1);
  });

  it('returns i32 and u32 results as numbers of those ranges', () => {
    const b = new TraceBuilder();
    const a = b.slot('i32'), u = b.slot('u32');
    b.param(a).returns(u).op('I32_TO_U32', u, a).op('RETURN');
    assert.equal(run(compile(b), -1), 2 ** 32 - 1);
  });

  it('accepts -0 for an f64 and keeps its sign', () => {
    const b = new TraceBuilder();
    const x = b.slot('f64');
    assert.ok(Object.is(run(compile(b.param(x).returns(x).op('RETURN')), -0), -0));
  });

  it('takes more arguments than fit in its stack buffer (12)', () => {
    const b = new TraceBuilder();
    const xs = Array.from({ length: 12 }, () => b.slot('f64'));
    const r = b.slot('f64');
    for (const x of xs) b.param(x);
    b.returns(r);
    for (const x of xs) b.op('ADD_F64', r, r, x);
    const k = compile(b.op('RETURN'));
    assert.equal(run(k, ...xs.map((_, i) => i + 0.5)), 72);
    if (entry === 'invokeLane') return;
    assert.throws(() => run(k, ...xs.map(() => 1), 'x'), /takes 12 arguments but was called with 13/);
    assert.throws(() => run(k, ...xs.map((_, i) => (i === 11 ? 'x' : 1))), /argument 11 must be a number/);
  });

  it('takes more typed arrays than fit in its stack buffer (10), each read where it belongs', () => {
    const b = new TraceBuilder();
    const views = Array.from({ length: 10 }, () => b.view(ElementKind.Float64));
    const i = b.slot('i32'), x = b.slot('f64'), r = b.slot('f64'), ten = b.slot('f64'), miss = b.label();
    for (const v of views) b.param(v);
    b.returns(r).op('CONST_F64', ten, 10);
    // r = 10 r + v[0] for each view in order: the digits of the result say which array came where.
    for (const v of views) b.op('LOAD_FLOAT64', x, v, i, miss).op('MUL_F64', r, r, ten).op('ADD_F64', r, r, x);
    b.define(miss);
    const k = compile(b.op('RETURN'));
    const arrays = views.map((_, n) => Float64Array.of(n));
    assert.equal(run(k, ...arrays), 123456789);
    assert.equal(run(k, ...arrays.slice().reverse()), 9876543210);
    assert.throws(() => run(k, ...arrays.slice(0, 9), new Int8Array(1)), TypeError);
  });

  it('throws a TypeError once the kernel is freed', () => {
    const k = lengthKernel(ElementKind.Uint8);
    const invoke = k.invoke, invokeLane = (k as LaneKernel).invokeLane;
    k.free();
    assert.throws(() => run(k, new Uint8Array(1)), (e: unknown) => e instanceof TypeError && /freed/.test(e.message));
    assert.throws(() => invoke(new Uint8Array(1)), (e: unknown) => e instanceof TypeError && /freed/.test(e.message));
    assert.throws(() => invokeLane(new Uint8Array(1)), (e: unknown) => e instanceof TypeError && /freed/.test(e.message));
  });

});

describe('kernel objects', () => {
  const kernel = mixed();

  it('rejects a method or getter called on an object that is not a kernel with a TypeError', () => {
    const proto = Object.getPrototypeOf(kernel) as object;
    for (const name of ['codeSize', 'invoke', 'invokeLane']) {
      const getter = Object.getOwnPropertyDescriptor(proto, name)!.get!;
      for (const receiver of [{}, Object.create(proto), undefined]) {
        assert.throws(() => getter.call(receiver), (e: unknown) => e instanceof TypeError && /not a kernel/.test(e.message));
        assert.throws(() => kernel.call.call(receiver, 1), (e: unknown) => e instanceof TypeError && /not a kernel/.test(e.message));
      }
    }
  });

  it('cannot be constructed from JS', () => {
    const Ctor = (kernel as unknown as { constructor: new (...a: unknown[]) => unknown }).constructor;
    assert.throws(() => new Ctor(), /made by compile\(\)/);
  });
});

describe('kernel invoke: the kind is left to the caller, the bytes are not', () => {
  it('is one function per kernel, which needs no receiver', () => {
    const a = lengthKernel(ElementKind.Float64), b = lengthKernel(ElementKind.Float64);
    assert.equal(a.invoke, a.invoke);
    assert.notEqual(a.invoke, b.invoke);
    assert.equal(a.invoke.call({}, new Float64Array(5)), 5);
    assert.equal(Reflect.apply(a.invoke, undefined, [new Float64Array(2)]), 2);
  });

  it('reads an array of larger elements as the kernel kind, inside that array', () => {
    // A Uint8 kernel given a Float64Array of 3: 3 elements of one byte, the first 3 bytes of its buffer.
    const doubles = new Float64Array([1.5, -2, 1e300]);
    const bytes = new Uint8Array(doubles.buffer);
    const k = loadKernel(ElementKind.Uint8, 'LOAD_UINT8');
    for (let i = 0; i < 3; i++) assert.equal(k.invoke(doubles, i), bytes[i]);
    assert.equal(k.invoke(doubles, 3), -1, 'the kernel sees the array\'s 3 elements, not its 24 bytes');
    assert.throws(() => k.call(doubles, 0), TypeError, 'call() still checks the kind');
  });

  it('refuses an array whose elements at the kernel size would leave its buffer', () => {
    const buffer = new ArrayBuffer(32);
    const k = loadKernel();
    // 8 bytes at offset 24: 8 doubles would end 56 bytes past the buffer's end.
    assert.throws(() => k.invoke(new Uint8Array(buffer, 24, 8), 0), (e: unknown) => e instanceof TypeError && /argument 0 must be a Float64Array/.test(e.message));
    // 4 bytes at offset 0: 4 doubles would need 32 bytes, which the buffer has; they are read from it.
    const whole = new Float64Array(buffer);
    whole[3] = 9;
    assert.equal(k.invoke(new Uint8Array(buffer, 0, 4), 3), 9);
    // The same 4 bytes at offset 8: 4 doubles would end at byte 40.
    assert.throws(() => k.invoke(new Uint8Array(buffer, 8, 4), 0), TypeError);
  });

  it('gives what call() gives for every kind and edge value', () => {
    for (const [kind, Kind] of TYPED_ARRAYS.entries()) {
      const k = loadKernel(kind as ElementKind, `LOAD_${Kind.name.replace('Array', '').toUpperCase()}`);
      const values = new Kind(16);
      const fraction = Kind === Float32Array || Kind === Float64Array ? 0.75 : 1;
      for (let i = 0; i < values.length; i++) values[i] = (i * 37 - 200) * fraction;
      for (let i = -1; i <= values.length; i++) assert.ok(Object.is(k.invoke(values, i), k.call(values, i)), `${Kind.name}[${i}]`);
    }
  });
});

describe('kernel invokeLane: numbers and the result through the number lane', () => {
  it('is handed out once: jitctl took it as it loaded the addon', () => {
    assert.equal(lane().length, 1024);
    const binding = addonBinding()!;
    assert.equal(binding.takeNumberLane(), null);
    assert.equal(binding.takeNumberLane(), null);
  });

  it('reads each number from the element of its parameter and writes the result to element 0', () => {
    const k = mixed() as LaneKernel;
    lane().set([1.5, -2, 3]);
    assert.equal(k.invokeLane(new Float32Array(4)), undefined);
    assert.equal(lane()[0], 1.5 - 2 + 3 + 4);
    assert.equal(lane()[1], -2, 'the numbers are only read');
  });

  it('takes the typed arrays alone, in parameter order, and refuses another count', () => {
    const k = mixed() as LaneKernel;
    lane().set([0, 0, 0]);
    assert.throws(() => k.invokeLane(), (e: unknown) => e instanceof TypeError && /invokeLane takes the kernel's 1 typed arrays but was called with 0 arguments/.test(e.message));
    assert.throws(() => k.invokeLane(new Float32Array(1), 1.5, -2, 3), /called with 4 arguments/);
  });

  it('refuses a number in the lane that is not of the type of its parameter, naming it', () => {
    const k = mixed() as LaneKernel;
    const cases: Array<[number, number, RegExp]> = [
      [1, 0.5, /argument 1 must be an int32 integer/], [1, -0, /argument 1 is -0/], [1, NaN, /argument 1 must be an int32/],
      [2, -1, /argument 2 must be a uint32 integer/], [2, 2 ** 32, /argument 2 must be a uint32/],
    ];
    for (const [index, value, message] of cases) {
      lane().set([1, 2, 3]);
      lane()[index] = value;
      assert.throws(() => k.invokeLane(new Float32Array(1)), (e: unknown) => e instanceof TypeError && message.test(e.message), `${value} at ${index}`);
    }
  });

  it('returns DECLINED and leaves element 0 alone when the trace declines', () => {
    const b = new TraceBuilder();
    const x = b.slot('f64');
    const k = compile(b.param(x).returns(x).op('DECLINE')) as LaneKernel;
    lane()[0] = 7.25;
    assert.equal(k.invokeLane(), declinedResult());
    assert.equal(lane()[0], 7.25);
  });

  it('returns undefined and writes nothing for a void kernel', () => {
    const b = new TraceBuilder();
    const x = b.slot('f64'), v = b.view(ElementKind.Float64), i = b.slot('i32');
    const k = compile(b.param(x).param(v).op('CONST_I32', i, 0).op('STORE_FLOAT64', v, i, x).op('RETURN')) as LaneKernel;
    const out = new Float64Array(1);
    lane()[0] = -0;
    assert.equal(k.invokeLane(out), undefined);
    assert.ok(Object.is(out[0], -0));
    assert.ok(Object.is(lane()[0], -0));
  });
});
