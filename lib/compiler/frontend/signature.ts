// Argument kinds: what a kernel is specialized on. A typed array's kind is read with the
// %TypedArray%.prototype[Symbol.toStringTag] getter captured at import, which reads the internal
// [[TypedArrayName]] slot: a patched prototype, an own Symbol.toStringTag or a Proxy cannot make a
// value claim a kind it does not have. A kernel reads `length` and elements directly, so a typed
// array whose `length` could say something else (a subclass instance, an own `length` property)
// has no kind and the call runs the JavaScript.

import type { ArgKind, Signature } from './index.js';

const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;
const freeze = Object.freeze;
const isSafeInteger = Number.isSafeInteger;

const typedArrayPrototype = getPrototypeOf(Int8Array.prototype) as object;
const toStringTagGetter = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag)!.get!;

/**
 * A typed array's constructor name from its [[TypedArrayName]] slot, undefined for anything else
 * (Proxies included: no trap runs). Shared with the native tier's per-call check.
 */
export const typedArrayName = Function.prototype.call.bind(toStringTagGetter) as (value: unknown) => unknown;

/** The original prototype of each kind, by constructor name (a null-prototype record: no lookups through patched builtins). */
export const ORIGINAL_PROTOTYPES: Readonly<Record<string, object | undefined>> = Object.assign(Object.create(null) as Record<string, object>, {
  Int8Array: Int8Array.prototype,
  Uint8Array: Uint8Array.prototype,
  Uint8ClampedArray: Uint8ClampedArray.prototype,
  Int16Array: Int16Array.prototype,
  Uint16Array: Uint16Array.prototype,
  Int32Array: Int32Array.prototype,
  Uint32Array: Uint32Array.prototype,
  Float32Array: Float32Array.prototype,
  Float64Array: Float64Array.prototype,
});

/** The argument kind of one value, or undefined when no kernel can take it. Never throws. */
export function argKindOf(value: unknown): ArgKind | undefined {
  if (typeof value === 'number') {
    return (value | 0) === value && !(value === 0 && 1 / value < 0) ? 'i32' : 'f64';
  }
  if (typeof value !== 'object' || value === null) return undefined;
  // undefined for anything without [[TypedArrayName]] (Proxies included: no trap runs).
  const name = typedArrayName(value);
  if (typeof name !== 'string') return undefined;
  const prototype = ORIGINAL_PROTOTYPES[name];
  if (prototype === undefined) return undefined; // BigInt64Array, BigUint64Array, Float16Array
  if (getPrototypeOf(value) !== prototype || hasOwn(value, 'length')) return undefined;
  return name as ArgKind;
}

/** The signature of an argument list, or undefined when an argument has no kind. Never throws. */
export function signatureOf(args: ArrayLike<unknown>): Signature | undefined {
  try {
    const count = args.length;
    if (!isSafeInteger(count) || count < 0) return undefined;
    const kinds: ArgKind[] = [];
    for (let i = 0; i < count; i++) {
      const kind = argKindOf(args[i]);
      if (kind === undefined) return undefined;
      kinds[i] = kind;
    }
    return freeze(kinds);
  } catch {
    return undefined;
  }
}
