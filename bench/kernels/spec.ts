// What one benchmark kernel is: an ordinary JS function in the native tier's kernel subset
// (numbers and typed arrays, no closures, no calls but Math.*), deterministic inputs sized for
// about 0.2-2 ms per call in V8's optimized code, and answers that say it computes what its name
// says (checked on the plain function and on the native kernel alike).

/** A kernel function: numbers and typed arrays in, a number or nothing out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KernelFn = (...args: any[]) => number | void;

/** A small input whose result is known independently (a published check value, a hand count). */
export interface KnownAnswer {
  args: () => unknown[];
  /** The return value, compared with Object.is. */
  result?: number;
  /** Or the contents of one argument after the call. */
  output?: { arg: number; values: readonly number[] };
}

export interface KernelSpec {
  /** Short name, as `--kernels` takes it. */
  name: string;
  /** One line: what it computes and on what size. */
  what: string;
  fn: KernelFn;
  /** Fresh, deterministic arguments of the benchmark size (a new set per call of the factory). */
  inputs: () => unknown[];
  known: readonly KnownAnswer[];
  /** A range check of the benchmark result, for kernels whose result on the bench inputs is predictable. */
  sane?: (result: number | void, args: unknown[]) => boolean;
}

/** A deterministic pseudo-random generator in [0, 1) (mulberry32); inputs only, never in a kernel. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomFloats(n: number, seed: number, scale = 1, offset = 0): Float64Array {
  const next = random(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = next() * scale + offset;
  return out;
}

export function randomBytes(n: number, seed: number): Uint8Array {
  const next = random(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
