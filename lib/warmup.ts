// Warm-up: calling a hinted function with the user's sample arguments so that V8 collects type
// feedback before the first real call. Both the warmup and the v8 tier use it. Sample arguments
// that are typed arrays, DataViews or (Shared)ArrayBuffers are copied for every call, so a function
// that writes into its arguments never changes the caller's buffers; only top-level arguments are,
// nested objects are passed as they are. A sample call that throws (or an
// async one that rejects) marks the warm-up failed with the message; it never propagates.
//
// When it runs is the `when` option: at decoration, on the first real call (the strategy's
// wrapper calls runSamples), or 'manual', queued by warmup-queue.ts until warmup() runs the queue.

import type { AnyFunction, FunctionRecord } from './types.js';

export interface SampleRun {
  calls: number;
  ms: number;
  error?: string;
}

const now = (): number => (typeof performance === 'object' ? performance.now() : Date.now());

// The copying tools, captured at import: copying must never run user code (a subclass's
// constructor, a species constructor, a patched prototype method) nor Node's deprecated Buffer().
const uncurry = <F extends (...args: never[]) => unknown>(method: F) =>
  Function.prototype.call.bind(method) as unknown as (self: unknown, ...args: Parameters<F>) => ReturnType<F>;
const TypedArray = Object.getPrototypeOf(Int8Array) as { prototype: object };
function getter(proto: object, name: PropertyKey): (self: unknown) => unknown {
  return uncurry(Object.getOwnPropertyDescriptor(proto, name)!.get as () => unknown);
}
/** The intrinsic element kind of a typed array ('Float64Array', ...), whatever its prototype says; undefined otherwise. */
const typedArrayKind = getter(TypedArray.prototype, Symbol.toStringTag) as (value: unknown) => string | undefined;
const typedArraySet = uncurry((TypedArray.prototype as Uint8Array).set);
const dataViewBuffer = getter(DataView.prototype, 'buffer') as (view: DataView) => ArrayBufferLike;
const dataViewOffset = getter(DataView.prototype, 'byteOffset') as (view: DataView) => number;
const dataViewLength = getter(DataView.prototype, 'byteLength') as (view: DataView) => number;
const arrayBufferLength = getter(ArrayBuffer.prototype, 'byteLength') as (buffer: ArrayBuffer) => number;
const SharedBuffer = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : undefined;
const sharedBufferLength = SharedBuffer ? getter(SharedBuffer.prototype, 'byteLength') as (buffer: SharedArrayBuffer) => number : undefined;
const isArrayBufferView = ArrayBuffer.isView;
const NodeBuffer = typeof Buffer === 'function' ? Buffer : undefined;
const isBuffer = NodeBuffer?.isBuffer;
const bufferAlloc = NodeBuffer?.alloc;
const typedArrayLength = getter(TypedArray.prototype, 'length') as (value: ArrayBufferView) => number;

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

function isSharedBuffer(value: object): value is SharedArrayBuffer {
  return SharedBuffer !== undefined && value instanceof SharedBuffer;
}

/**
 * A private copy of one sample argument, where the function could otherwise write into the
 * caller's memory: typed arrays (copied as their intrinsic element kind; a Buffer as a Buffer),
 * DataViews, ArrayBuffers and SharedArrayBuffers. Anything else, nested objects included, is
 * returned as it is.
 */
export function copyArgument(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isArrayBufferView(value)) {
    const kind = typedArrayKind(value);
    if (kind === undefined) {
      const buffer = dataViewBuffer(value as DataView);
      return new DataView(copyBytes(buffer, dataViewOffset(value as DataView), dataViewLength(value as DataView), isSharedBuffer(buffer)));
    }
    if (bufferAlloc && isBuffer && isBuffer(value)) {
      const copy = bufferAlloc(typedArrayLength(value));
      typedArraySet(copy, value as never);
      return copy;
    }
    const ctor = TYPED_ARRAYS[kind];
    return ctor ? new ctor(value) : value;
  }
  if (value instanceof ArrayBuffer) return copyBytes(value, 0, arrayBufferLength(value), false);
  if (sharedBufferLength && isSharedBuffer(value)) return copyBytes(value, 0, sharedBufferLength(value), true);
  return value;
}

function copyArguments(args: ReadonlyArray<unknown>): unknown[] {
  const copy = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) copy[i] = copyArgument(args[i]);
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

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls `fn` `calls` times, cycling through `samples`, with `thisArg` as receiver. Stops at the
 * first sample call that throws. A promise a sample call returns is observed so that a rejection
 * is recorded in `record` (when given) rather than becoming an unhandled rejection.
 */
export function runSamples(fn: AnyFunction, samples: ReadonlyArray<ReadonlyArray<unknown>>, calls: number,
  thisArg: unknown, record?: FunctionRecord): SampleRun {
  const started = now();
  let made = 0;
  if (samples.length === 0) return { calls: 0, ms: 0 };
  try {
    for (; made < calls; made++) {
      const result: unknown = Reflect.apply(fn, thisArg, copyArguments(samples[made % samples.length]));
      if (isThenable(result)) {
        try {
          result.then(undefined, (error: unknown) => {
            if (record) {
              record.warmup.state = 'failed';
              record.warmup.error = `a sample call rejected: ${message(error)}`;
            }
          });
        } catch {
          // A thenable whose then() throws: nothing to observe.
        }
      }
    }
  } catch (error) {
    return { calls: made + 1, ms: now() - started, error: `sample call ${made + 1} threw ${message(error)}` };
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
