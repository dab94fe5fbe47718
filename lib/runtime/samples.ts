// Warm-up: calling a hinted function with the user's sample arguments so that V8 collects type
// feedback before the first real call. Both the warmup and the v8 tier use it. Sample arguments
// that are typed arrays, DataViews or (Shared)ArrayBuffers are copied for every call, so a function
// that writes into its arguments never changes the caller's buffers; only top-level arguments are,
// nested objects are passed as they are. A sample call that throws (or an
// async one that rejects) marks the warm-up failed with the message; it never propagates.
//
// When it runs is the `when` option: at decoration, on the first real call (the strategy's
// wrapper calls runSamples), or 'manual', queued by warmup-queue.ts until warmup() runs the queue.

import type { AnyFunction, FunctionRecord } from '../types.js';

export interface SampleRun {
  calls: number;
  ms: number;
  error?: string;
}

const now = (): number => (typeof performance === 'object' ? performance.now() : Date.now());

// The copying tools, captured at import: copying must never run user code (a subclass's
// constructor, a species constructor, a patched prototype method) nor Node's deprecated Buffer().
// Buffers and views are recognised by their internal slots, so those made in another realm
// (node:vm) are copied too: `instanceof` would miss them.
const uncurry = <F extends (...args: never[]) => unknown>(method: F) =>
  Function.prototype.call.bind(method) as unknown as (self: unknown, ...args: Parameters<F>) => ReturnType<F>;
const TypedArray = Object.getPrototypeOf(Int8Array) as { prototype: object };
function getter(proto: object, name: PropertyKey): (self: unknown) => unknown {
  return uncurry(Object.getOwnPropertyDescriptor(proto, name)!.get as () => unknown);
}
/** The intrinsic element kind of a typed array of any realm ('Float64Array', ...), whatever its prototype says; undefined otherwise. */
const typedArrayKind = getter(TypedArray.prototype, Symbol.toStringTag) as (value: unknown) => string | undefined;
const typedArraySet = uncurry((TypedArray.prototype as Uint8Array).set);
const dataViewBuffer = getter(DataView.prototype, 'buffer') as (view: DataView) => ArrayBufferLike;
const dataViewOffset = getter(DataView.prototype, 'byteOffset') as (view: DataView) => number;
const dataViewLength = getter(DataView.prototype, 'byteLength') as (view: DataView) => number;
const arrayBufferLength = getter(ArrayBuffer.prototype, 'byteLength') as (buffer: ArrayBuffer) => number;
const SharedBuffer = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : undefined;
const sharedBufferLength = SharedBuffer ? getter(SharedBuffer.prototype, 'byteLength') as (buffer: SharedArrayBuffer) => number : undefined;
const NodeBuffer = typeof Buffer === 'function' ? Buffer : undefined;
const isBuffer = NodeBuffer?.isBuffer;
const bufferAlloc = NodeBuffer?.alloc;
const typedArrayLength = getter(TypedArray.prototype, 'length') as (value: ArrayBufferView) => number;

interface SlotChecks {
  isArrayBufferView(value: unknown): value is ArrayBufferView;
  isDataView(value: unknown): value is DataView;
  isArrayBuffer(value: unknown): value is ArrayBuffer;
  isSharedArrayBuffer(value: unknown): value is SharedArrayBuffer;
}

function slotChecks(): SlotChecks {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const types = (require('node:util') as typeof import('node:util')).types;
    const { isArrayBufferView, isDataView, isArrayBuffer, isSharedArrayBuffer } = types;
    if ([isArrayBufferView, isDataView, isArrayBuffer, isSharedArrayBuffer].every((f) => typeof f === 'function')) {
      return {
        isArrayBufferView: (v): v is ArrayBufferView => isArrayBufferView(v),
        isDataView: (v): v is DataView => isDataView(v),
        isArrayBuffer: (v): v is ArrayBuffer => isArrayBuffer(v),
        isSharedArrayBuffer: (v): v is SharedArrayBuffer => isSharedArrayBuffer(v),
      };
    }
  } catch {
    // Not Node: this realm's checks below.
  }
  const isView = ArrayBuffer.isView;
  return {
    isArrayBufferView: (v): v is ArrayBufferView => isView(v),
    isDataView: (v): v is DataView => isView(v) && typedArrayKind(v) === undefined,
    isArrayBuffer: (v): v is ArrayBuffer => v instanceof ArrayBuffer,
    isSharedArrayBuffer: (v): v is SharedArrayBuffer => SharedBuffer !== undefined && v instanceof SharedBuffer,
  };
}

const is = slotChecks();

type TypedArrayConstructor = new (source: ArrayBufferView | ArrayBufferLike | number, offset?: number, length?: number) => ArrayBufferView;
const TYPED_ARRAYS: Record<string, TypedArrayConstructor> = Object.create(null);
for (const ctor of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array] as unknown as TypedArrayConstructor[]) {
  TYPED_ARRAYS[(ctor as unknown as { name: string }).name] = ctor;
}
const Float16 = (globalThis as { Float16Array?: TypedArrayConstructor }).Float16Array;
if (typeof Float16 === 'function') TYPED_ARRAYS.Float16Array = Float16;

/** A copy of `length` bytes of `buffer` from `offset`, in a fresh buffer of the same (intrinsic) kind. */
function copyBytes(buffer: ArrayBufferLike, offset: number, length: number, shared: boolean): ArrayBufferLike {
  const copy = shared && SharedBuffer ? new SharedBuffer(length) : new ArrayBuffer(length);
  typedArraySet(new Uint8Array(copy), new Uint8Array(buffer, offset, length) as never);
  return copy;
}

/** The bytes a buffer or view covers (0 when detached). */
function byteLengthOf(value: object): number {
  if (is.isDataView(value)) return dataViewLength(value);
  if (is.isArrayBufferView(value)) return typedArrayLength(value);
  if (is.isArrayBuffer(value)) return arrayBufferLength(value);
  return sharedBufferLength && is.isSharedArrayBuffer(value) ? sharedBufferLength(value) : 0;
}

function copyOf(value: object): unknown {
  if (is.isArrayBufferView(value)) {
    const kind = typedArrayKind(value);
    if (kind === undefined) {
      const view = value as DataView;
      const buffer = dataViewBuffer(view);
      return new DataView(copyBytes(buffer, dataViewOffset(view), dataViewLength(view), is.isSharedArrayBuffer(buffer)));
    }
    if (bufferAlloc && isBuffer && isBuffer(value)) {
      const copy = bufferAlloc(typedArrayLength(value));
      typedArraySet(copy, value as never);
      return copy;
    }
    const ctor = TYPED_ARRAYS[kind];
    return ctor ? new ctor(value) : value;
  }
  if (is.isArrayBuffer(value)) return copyBytes(value, 0, arrayBufferLength(value), false);
  if (sharedBufferLength && is.isSharedArrayBuffer(value)) return copyBytes(value, 0, sharedBufferLength(value), true);
  return value;
}

/**
 * A private copy of one sample argument, where the function could otherwise write into the
 * caller's memory: typed arrays (copied as their intrinsic element kind; a Buffer as a Buffer),
 * DataViews, ArrayBuffers and SharedArrayBuffers, of any realm. Anything else, nested objects
 * included, is returned as it is. A detached buffer (or a view of one) holds no bytes to protect
 * and is passed as it is; any other copy that fails throws.
 */
export function copyArgument(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    return copyOf(value);
  } catch (error) {
    let empty = false;
    try { empty = byteLengthOf(value) === 0; } catch { /* unreadable: not empty */ }
    if (empty) return value;
    throw error;
  }
}

function copyArguments(args: ReadonlyArray<unknown>, sample: number): unknown[] {
  const copy = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) {
    try {
      copy[i] = copyArgument(args[i]);
    } catch (error) {
      throw new Error(`jitctl could not copy argument ${i + 1} of sample ${sample + 1} (${message(error)}); ` +
        'the function was not called with it');
    }
  }
  return copy;
}

/** An error (or any thrown value) as one line of text. */
export function message(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'a value that cannot be printed';
  }
}

/** The result's `then` method, when it is a thenable. Reading it runs a getter, which may throw: then it is not observed. */
function thenOf(value: unknown): ((onFulfilled: undefined, onRejected: (error: unknown) => void) => unknown) | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    const then: unknown = (value as { then?: unknown }).then;
    return typeof then === 'function' ? then as ReturnType<typeof thenOf> : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `fn` `calls` times, cycling through `samples` from sample `first`, with `thisArg` as
 * receiver. Stops at the first sample call that throws (or whose arguments jitctl cannot copy).
 * A promise a sample call returns is observed so that a rejection is recorded in `record` (when
 * given) rather than becoming an unhandled rejection.
 */
export function runSamples(fn: AnyFunction, samples: ReadonlyArray<ReadonlyArray<unknown>>, calls: number,
  thisArg: unknown, record?: FunctionRecord, first = 0): SampleRun {
  const started = now();
  let made = 0;
  if (samples.length === 0) return { calls: 0, ms: 0 };
  for (; made < calls; made++) {
    const sample = (first + made) % samples.length;
    let args: unknown[];
    let result: unknown;
    try {
      args = copyArguments(samples[sample], sample);
    } catch (error) {
      // jitctl's own failure, said as such: the function was not called.
      return { calls: made, ms: now() - started, error: error instanceof Error ? error.message : message(error) };
    }
    try {
      result = Reflect.apply(fn, thisArg, args);
    } catch (error) {
      return { calls: made + 1, ms: now() - started, error: `sample call ${made + 1} threw ${message(error)}` };
    }
    const then = thenOf(result);
    if (then) {
      try {
        Reflect.apply(then, result, [undefined, (error: unknown) => {
          if (record) {
            record.warmup.state = 'failed';
            record.warmup.error = `a sample call rejected: ${message(error)}`;
          }
        }]);
      } catch {
        // A thenable whose then() throws: nothing to observe.
      }
    }
  }
  return { calls: made, ms: now() - started };
}

/** Adds a sample run to record.warmup: 'done' or 'failed', calls and milliseconds accumulated. */
export function recordRun(record: FunctionRecord, run: SampleRun): void {
  const w = record.warmup;
  w.calls += run.calls;
  w.ms += run.ms;
  if (run.error !== undefined) {
    w.state = 'failed';
    w.error = run.error;
  } else if (w.state !== 'failed') {
    w.state = 'done';
  }
}
