// argKindOf and signatureOf: numbers by value (i32 for int32 values that are not -0), typed arrays
// by their internal element kind (not by anything a program can patch), and no kind for anything
// a kernel cannot take as it is.

import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { argKindOf, signatureOf } from '../../lib/compiler/frontend/index.js';

const ELEMENT_KINDS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
] as const;

describe('argKindOf: numbers', () => {
  const cases: Array<[string, number, 'i32' | 'f64']> = [
    ['0', 0, 'i32'],
    ['-0', -0, 'f64'],
    ['1', 1, 'i32'],
    ['-1', -1, 'i32'],
    ['2^31 - 1', 2 ** 31 - 1, 'i32'],
    ['-2^31', -(2 ** 31), 'i32'],
    ['2^31', 2 ** 31, 'f64'],
    ['-2^31 - 1', -(2 ** 31) - 1, 'f64'],
    ['2^32', 2 ** 32, 'f64'],
    ['2^53', 2 ** 53, 'f64'],
    ['0.5', 0.5, 'f64'],
    ['NaN', NaN, 'f64'],
    ['Infinity', Infinity, 'f64'],
    ['-Infinity', -Infinity, 'f64'],
    ['the smallest denormal', Number.MIN_VALUE, 'f64'],
  ];
  for (const [label, value, kind] of cases) {
    it(`gives ${label} the kind ${kind}`, () => {
      assert.equal(argKindOf(value), kind);
    });
  }
});

describe('argKindOf: typed arrays', () => {
  for (const TypedArray of ELEMENT_KINDS) {
    it(`gives a ${TypedArray.name} the kind ${TypedArray.name}`, () => {
      assert.equal(argKindOf(new TypedArray(4)), TypedArray.name);
    });
    it(`gives a ${TypedArray.name} view on a shared buffer the kind ${TypedArray.name}`, () => {
      assert.equal(argKindOf(new TypedArray(new ArrayBuffer(16), 8, 1)), TypedArray.name);
    });
    it(`gives no kind to a subclass of ${TypedArray.name}`, () => {
      const Sub = class extends TypedArray {};
      assert.equal(argKindOf(new Sub(4)), undefined);
    });
    it(`gives no kind to a ${TypedArray.name} with an own length`, () => {
      const array = new TypedArray(4);
      Object.defineProperty(array, 'length', { value: 100 });
      assert.equal(argKindOf(array), undefined);
    });
  }

  it('reads the kind from the array itself, not from a replaced Symbol.toStringTag getter', () => {
    const holder = Object.getPrototypeOf(Int8Array.prototype) as object;
    const original = Object.getOwnPropertyDescriptor(holder, Symbol.toStringTag)!;
    Object.defineProperty(holder, Symbol.toStringTag, { get: () => 'Float64Array', configurable: true });
    try {
      assert.equal(argKindOf(new Int8Array(2)), 'Int8Array');
    } finally {
      Object.defineProperty(holder, Symbol.toStringTag, original);
    }
  });

  it('gives no kind to an object that claims a kind with its own Symbol.toStringTag', () => {
    assert.equal(argKindOf({ [Symbol.toStringTag]: 'Float64Array', length: 2 }), undefined);
  });

  it('gives no kind to an object whose prototype is a typed array prototype', () => {
    assert.equal(argKindOf(Object.create(Float64Array.prototype)), undefined);
  });

  it('gives no kind to a typed array whose prototype was changed to another kind\'s', () => {
    const array = new Float64Array(2);
    Object.setPrototypeOf(array, Int8Array.prototype);
    assert.equal(argKindOf(array), undefined);
  });

  it('gives no kind to a Proxy of a typed array', () => {
    assert.equal(argKindOf(new Proxy(new Float64Array(2), {})), undefined);
  });

  it('gives no kind to a typed array of another realm', () => {
    assert.equal(argKindOf(vm.runInNewContext('new Float64Array(2)')), undefined);
  });
});

describe('argKindOf: values no kernel takes', () => {
  const cases: Array<[string, unknown]> = [
    ['a string', '1'],
    ['a boolean', true],
    ['undefined', undefined],
    ['null', null],
    ['a BigInt', 1n],
    ['a Symbol', Symbol('x')],
    ['a Number object', Object(1)],
    ['a plain array', [1, 2]],
    ['a BigInt64Array', new BigInt64Array(2)],
    ['a BigUint64Array', new BigUint64Array(2)],
    ['a DataView', new DataView(new ArrayBuffer(8))],
    ['an ArrayBuffer', new ArrayBuffer(8)],
    ['a function', () => 1],
  ];
  for (const [label, value] of cases) {
    it(`gives ${label} no kind`, () => {
      assert.equal(argKindOf(value), undefined);
    });
  }
});

describe('signatureOf', () => {
  it('gives one kind per argument, in order', () => {
    assert.deepEqual(signatureOf([1, 1.5, new Float64Array(1), new Uint8Array(1), -0]), ['i32', 'f64', 'Float64Array', 'Uint8Array', 'f64']);
  });

  it('gives an empty signature for no arguments', () => {
    assert.deepEqual(signatureOf([]), []);
  });

  it('reads an arguments object', () => {
    function collect(..._: unknown[]): unknown { return signatureOf(arguments); } // eslint-disable-line prefer-rest-params
    assert.deepEqual(collect(2, new Int32Array(1)), ['i32', 'Int32Array']);
  });

  it('gives no signature when an argument has no kind', () => {
    assert.equal(signatureOf([1, 'x', 2]), undefined);
  });

  it('gives no signature for a hole in the list', () => {
    assert.equal(signatureOf({ length: 2, 0: 1 }), undefined);
  });

  it('never throws on an argument list whose getters throw', () => {
    const hostile = { get length(): number { throw new Error('length'); } };
    assert.equal(signatureOf(hostile), undefined);
    assert.equal(signatureOf(new Proxy([1], { get() { throw new Error('get'); } })), undefined);
  });

  it('gives no signature for a length that is not a count', () => {
    assert.equal(signatureOf({ length: -1 }), undefined);
    assert.equal(signatureOf({ length: 1.5 }), undefined);
  });

  it('returns a frozen signature', () => {
    assert.ok(Object.isFrozen(signatureOf([1])));
  });
});
