// Arguments for a generated program: numbers from an edge-heavy distribution (signed zeros, NaN,
// infinities, int32/uint32/2^53 edges, halves), typed arrays of each parameter's kind with edge
// elements and lengths 0..64, and aliasing: the same array passed twice, integer views of
// different kinds over one buffer, views at an offset into a larger buffer.
//
// Views over one buffer mix only integer kinds (or one float kind with itself): an integer view
// over float bytes would read NaN payload bits, which V8's own tiers do not agree on.

import { F64_EDGES, I32_EDGES, U32_EDGES } from '../native/helpers.js';
import type { Rng } from '../native/fuzz-programs.js';
import type { ElementKindName, Program } from './fuzz-ast.js';

export type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
export type Arg = number | TypedArray;

type TypedArrayConstructor = new (buffer: ArrayBuffer, byteOffset?: number, length?: number) => TypedArray;
export const CONSTRUCTORS: Readonly<Record<ElementKindName, TypedArrayConstructor & { BYTES_PER_ELEMENT: number }>> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
};

/** Values of a parameter used as a loop bound: small, never +Infinity, so that every loop ends. */
const BOUND_VALUES = [0, 1, 2, 3, 4, 5, 8, 10, 16, 40, -1, -3, -0, NaN, 0.5, 2.5, 7.25, -Infinity, 64, 12];

const MORE_NUMBERS = [2 ** 53 + 2, 2 ** 31 + 0.5, 4294967295.5, -2147483648.5, 1e-7, 0.1, 1 / 3, 1e21];

export function randomNumber(rng: Rng): number {
  switch (rng.int(7)) {
    case 0: return rng.pick(F64_EDGES);
    case 1: return rng.pick(I32_EDGES);
    case 2: return rng.pick(U32_EDGES);
    case 3: return rng.pick(MORE_NUMBERS);
    case 4: return (rng.u32() | 0) / (rng.chance(0.5) ? 1 : 2 ** rng.int(40));
    default: return rng.int(41) - 8 + (rng.chance(0.2) ? 0.5 : 0);
  }
}

function elementValue(kind: ElementKindName, rng: Rng): number {
  if (kind === 'Float32Array' || kind === 'Float64Array') return rng.chance(0.6) ? rng.pick(F64_EDGES) : randomNumber(rng);
  const bits = kind.includes('8') ? 8 : kind.includes('16') ? 16 : 32;
  const signed = kind.startsWith('Int');
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1, min = signed ? -(2 ** (bits - 1)) : 0;
  if (rng.chance(0.4)) return rng.pick([min, max, 0, 1, max - 1, min + 1, signed ? -1 : 128]);
  return rng.int(32) - 8;
}

function length(rng: Rng): number {
  return rng.chance(0.75) ? rng.pick([0, 1, 2, 3, 4, 5, 7, 8, 9]) : rng.pick([16, 31, 32, 33, 63, 64, rng.int(65)]);
}

function fill(view: TypedArray, kind: ElementKindName, rng: Rng): void {
  for (let i = 0; i < view.length; i++) view[i] = elementValue(kind, rng);
}

const isFloat = (k: ElementKindName) => k === 'Float32Array' || k === 'Float64Array';

/** One argument list for `program`. */
export function generateArgs(program: Program, rng: Rng): Arg[] {
  const args: Arg[] = program.params.map((p): Arg => {
    if (p.kind === 'number') return p.bound ? rng.pick(BOUND_VALUES) : randomNumber(rng);
    const C = CONSTRUCTORS[p.element], n = length(rng);
    // Sometimes a view at an offset into a larger buffer, so that the kernel must use the view's own base.
    const before = rng.chance(0.15) ? 1 + rng.int(3) : 0;
    const view = new C(new ArrayBuffer((n + before + rng.int(2)) * C.BYTES_PER_ELEMENT), before * C.BYTES_PER_ELEMENT, n);
    fill(view, p.element, rng);
    return view;
  });
  const arrays = program.params.map((p, i) => (p.kind === 'array' ? i : -1)).filter((i) => i >= 0);
  if (arrays.length >= 2 && rng.chance(0.35)) {
    const i = rng.pick(arrays), j = rng.pick(arrays.filter((k) => k !== i));
    const ki = (program.params[i] as { element: ElementKindName }).element, kj = (program.params[j] as { element: ElementKindName }).element;
    if (ki === kj && rng.chance(0.5)) args[j] = args[i];
    else if (ki === kj || (!isFloat(ki) && !isFloat(kj))) {
      // Two views over one buffer, overlapping, at offsets aligned for both.
      const Ci = CONSTRUCTORS[ki], Cj = CONSTRUCTORS[kj], align = Math.max(Ci.BYTES_PER_ELEMENT, Cj.BYTES_PER_ELEMENT);
      const bytes = align * (2 + rng.int(16)), buffer = new ArrayBuffer(bytes);
      const oi = align * rng.int(2), oj = align * rng.int(3);
      const vi = new Ci(buffer, oi, Math.floor((bytes - oi) / Ci.BYTES_PER_ELEMENT) - rng.int(2));
      const vj = new Cj(buffer, Math.min(oj, bytes), Math.floor((bytes - Math.min(oj, bytes)) / Cj.BYTES_PER_ELEMENT));
      fill(vi, ki, rng);
      args[i] = vi;
      args[j] = vj;
    }
  }
  return args;
}

/** A deep copy that keeps the aliasing: one copy per buffer, every view rebuilt over its buffer's copy. */
export function cloneArgs(args: readonly Arg[]): Arg[] {
  const buffers = new Map<ArrayBufferLike, ArrayBuffer>(), views = new Map<TypedArray, TypedArray>();
  return args.map((a) => {
    if (typeof a === 'number') return a;
    let copy = views.get(a);
    if (!copy) {
      let buffer = buffers.get(a.buffer);
      if (!buffer) buffers.set(a.buffer, (buffer = (a.buffer as ArrayBuffer).slice(0)));
      copy = new (a.constructor as TypedArrayConstructor)(buffer, a.byteOffset, a.length);
      views.set(a, copy);
    }
    return copy;
  });
}

/**
 * The arguments as JS statements that rebuild them (buffers, offsets and aliasing included) and
 * make the call: paste them after the kernel's source to replay a report.
 */
export function describeArgs(args: readonly Arg[], callee = 'kernel'): string {
  const num = (x: number) => (Object.is(x, -0) ? '-0' : String(x));
  const buffers = new Map<ArrayBufferLike, string>(), views = new Map<TypedArray, string>();
  const lines: string[] = [];
  const names = args.map((a) => {
    if (typeof a === 'number') return num(a);
    let name = views.get(a);
    if (name) return name;
    let buffer = buffers.get(a.buffer);
    if (!buffer) {
      buffer = `buffer${buffers.size}`;
      buffers.set(a.buffer, buffer);
      lines.push(`const ${buffer} = new ArrayBuffer(${a.buffer.byteLength});`);
    }
    name = `array${views.size}`;
    views.set(a, name);
    lines.push(`const ${name} = new ${a.constructor.name}(${buffer}, ${a.byteOffset}, ${a.length});`);
    return name;
  });
  // Contents after every view exists, in order, so that overlapping views end up as they were.
  for (const [view, name] of views) if (view.length) lines.push(`${name}.set([${Array.from(view as ArrayLike<number>, num).join(', ')}]);`);
  return `{ ${[...lines, `${callee}(${names.join(', ')});`].join(' ')} }`;
}
