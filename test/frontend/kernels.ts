// Twenty numeric kernels of the shapes the native tier is for, written as ordinary functions, each
// with a small deterministic input factory. The front end's tests plan them; the lowering, fuzz and
// benchmark work can run them (the inputs are fresh arrays on every call of `inputs()`).

import type { AnyFunction } from '../../lib/types.js';

export interface KernelCase {
  readonly name: string;
  readonly fn: AnyFunction;
  /** Fresh arguments for one call. */
  readonly inputs: () => unknown[];
}

/** A deterministic generator of numbers in [0, 1) for the inputs (not part of any kernel). */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomFloat64(length: number, seed: number, scale = 1): Float64Array {
  const next = uniform(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 2 - 1) * scale;
  return out;
}

function randomBytes(length: number, seed: number): Uint8Array {
  const next = uniform(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
  return out;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

export function saxpy(alpha: number, x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = alpha * x[i] + y[i];
}

export function l2norm(a: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * a[i];
  return Math.sqrt(sum);
}

export function mandelbrot(out: Uint8Array, width: number, height: number, maxIter: number): number {
  let total = 0;
  for (let py = 0; py < height; py++) {
    const y0 = (py / height) * 2 - 1;
    for (let px = 0; px < width; px++) {
      const x0 = (px / width) * 3.5 - 2.5;
      let x = 0, y = 0, iter = 0;
      while (x * x + y * y <= 4 && iter < maxIter) {
        const xt = x * x - y * y + x0;
        y = 2 * x * y + y0;
        x = xt;
        iter++;
      }
      out[py * width + px] = iter;
      total += iter;
    }
  }
  return total;
}

/** v = A u for the spectral-norm matrix A(i, j) = 1 / ((i + j)(i + j + 1) / 2 + i + 1), computed inline. */
export function spectralMultiplyAv(u: Float64Array, v: Float64Array): void {
  const n = u.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += u[j] / ((i + j) * (i + j + 1) / 2 + i + 1);
    v[i] = sum;
  }
}

/** Counts the primes below flags.length; flags must start zeroed (1 marks a composite). */
export function sieve(flags: Uint8Array): number {
  let count = 0;
  for (let i = 2; i < flags.length; i++) {
    if (flags[i] === 0) {
      count++;
      for (let j = i * i; j < flags.length; j += i) flags[j] = 1;
    }
  }
  return count;
}

export function crc32(data: Uint8Array, table: Int32Array): number {
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = (crc >>> 8) ^ table[(crc ^ data[i]) & 0xff];
  return (crc ^ -1) >>> 0;
}

/** The CRC-32 table (reflected polynomial 0xEDB88320), built outside the kernel. */
export function crc32Table(): Int32Array {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

export function fnv1a(data: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    hash ^= data[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function adler32(data: Uint8Array): number {
  let a = 1, b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** c = a b for n x n row-major matrices. */
export function matmul(a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  }
}

export function histogram(values: Float64Array, bins: Int32Array, lo: number, hi: number): void {
  const n = bins.length;
  const scale = n / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    let bin = Math.floor((values[i] - lo) * scale);
    if (bin < 0) bin = 0;
    bin = Math.min(bin, n - 1);
    bins[bin]++;
  }
}

export function prefixSum(a: Float64Array, out: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += a[i];
    out[i] = sum;
  }
  return sum;
}

export function blur3(src: Float32Array, dst: Float32Array): void {
  const n = src.length;
  if (n === 0) return;
  dst[0] = src[0];
  dst[n - 1] = src[n - 1];
  for (let i = 1; i < n - 1; i++) dst[i] = (src[i - 1] + src[i] + src[i + 1]) / 3;
}

/** coeffs[0] + coeffs[1] x + ... evaluated by Horner's rule. */
export function horner(coeffs: Float64Array, x: number): number {
  let result = 0;
  for (let i = coeffs.length - 1; i >= 0; i--) result = result * x + coeffs[i];
  return result;
}

/** The most Collatz steps of any start below `limit`. */
export function collatz(limit: number): number {
  let best = 0;
  for (let start = 1; start < limit; start++) {
    let n = start, steps = 0;
    while (n !== 1) {
      n = n % 2 === 0 ? n / 2 : 3 * n + 1;
      steps++;
    }
    if (steps > best) best = steps;
  }
  return best;
}

/** xorshift32 from `seed`: the states into `out`, and each state shifted right (signed) by 3 into `signed`. */
export function xorshiftFill(out: Uint32Array, signed: Int32Array, seed: number): number {
  let x = seed | 0;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
    signed[i] = x >> 3;
  }
  return x >>> 0;
}

export function smoothstep(xs: Float32Array, out: Float32Array, edge0: number, edge1: number): void {
  for (let i = 0; i < xs.length; i++) {
    const t = Math.min(Math.max((xs[i] - edge0) / (edge1 - edge0), 0), 1);
    out[i] = t * t * (3 - 2 * t);
  }
}

/** The sum of gcd(i, j) for 1 <= i, j <= n, by Euclid's algorithm. */
export function gcdSum(n: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= n; j++) {
      let a = i, b = j;
      while (b !== 0) {
        const t = a % b;
        a = b;
        b = t;
      }
      sum += a;
    }
  }
  return sum;
}

/** The total energy of a system of bodies: kinetic minus the pairwise potential. */
export function nbodyEnergy(
  x: Float64Array, y: Float64Array, z: Float64Array,
  vx: Float64Array, vy: Float64Array, vz: Float64Array, mass: Float64Array,
): number {
  let e = 0;
  const n = mass.length;
  for (let i = 0; i < n; i++) {
    e += 0.5 * mass[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
    for (let j = i + 1; j < n; j++) {
      const dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
      e -= (mass[i] * mass[j]) / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

/**
 * Fannkuch-redux for permutations of n (perm, perm1, count: Int32Arrays of length n): returns the
 * most flips, and writes the checksum into result[0].
 */
export function fannkuch(n: number, perm: Int32Array, perm1: Int32Array, count: Int32Array, result: Int32Array): number {
  let maxFlips = 0, checksum = 0, permCount = 0, r = n;
  for (let i = 0; i < n; i++) perm1[i] = i;
  while (true) {
    while (r !== 1) {
      count[r - 1] = r;
      r--;
    }
    for (let i = 0; i < n; i++) perm[i] = perm1[i];
    let flips = 0;
    let k = perm[0];
    while (k !== 0) {
      let i = 0, j = k;
      while (i < j) {
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        i++;
        j--;
      }
      flips++;
      k = perm[0];
    }
    if (flips > maxFlips) maxFlips = flips;
    checksum += permCount % 2 === 0 ? flips : -flips;
    while (true) {
      if (r === n) {
        result[0] = checksum;
        return maxFlips;
      }
      const perm0 = perm1[0];
      for (let i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = perm0;
      count[r]--;
      if (count[r] > 0) break;
      r++;
    }
    permCount++;
  }
}

export const KERNELS: readonly KernelCase[] = [
  { name: 'dot product', fn: dot, inputs: () => [randomFloat64(64, 1), randomFloat64(64, 2)] },
  { name: 'saxpy', fn: saxpy, inputs: () => [1.5, Float32Array.from(randomFloat64(64, 3)), Float32Array.from(randomFloat64(64, 4))] },
  { name: 'L2 norm', fn: l2norm, inputs: () => [randomFloat64(64, 5, 10)] },
  { name: 'Mandelbrot', fn: mandelbrot, inputs: () => [new Uint8Array(16 * 12), 16, 12, 50] },
  { name: 'spectral-norm A*u', fn: spectralMultiplyAv, inputs: () => [new Float64Array(32).fill(1), new Float64Array(32)] },
  { name: 'sieve of Eratosthenes', fn: sieve, inputs: () => [new Uint8Array(1000)] },
  { name: 'CRC-32', fn: crc32, inputs: () => [randomBytes(100, 6), crc32Table()] },
  { name: 'FNV-1a', fn: fnv1a, inputs: () => [randomBytes(100, 7)] },
  { name: 'Adler-32', fn: adler32, inputs: () => [randomBytes(100, 8)] },
  { name: 'dense matmul', fn: matmul, inputs: () => [randomFloat64(64, 9), randomFloat64(64, 10), new Float64Array(64), 8] },
  { name: 'histogram', fn: histogram, inputs: () => [randomFloat64(200, 11, 2), new Int32Array(10), -1.5, 1.5] },
  { name: 'prefix sum', fn: prefixSum, inputs: () => [randomFloat64(64, 12), new Float64Array(64)] },
  { name: '3-point blur', fn: blur3, inputs: () => [Float32Array.from(randomFloat64(64, 13)), new Float32Array(64)] },
  { name: 'Horner polynomial', fn: horner, inputs: () => [randomFloat64(8, 14), 0.75] },
  { name: 'Collatz', fn: collatz, inputs: () => [1000] },
  { name: 'xorshift fill', fn: xorshiftFill, inputs: () => [new Uint32Array(64), new Int32Array(64), 2463534242 | 0] },
  { name: 'smoothstep', fn: smoothstep, inputs: () => [Float32Array.from(randomFloat64(64, 15, 2)), new Float32Array(64), -0.5, 0.5] },
  { name: 'GCD sums', fn: gcdSum, inputs: () => [30] },
  {
    name: 'n-body energy',
    fn: nbodyEnergy,
    inputs: () => [randomFloat64(5, 16, 5), randomFloat64(5, 17, 5), randomFloat64(5, 18, 5),
      randomFloat64(5, 19), randomFloat64(5, 20), randomFloat64(5, 21), randomFloat64(5, 22, 1).map(Math.abs)],
  },
  { name: 'fannkuch', fn: fannkuch, inputs: () => [7, new Int32Array(7), new Int32Array(7), new Int32Array(7), new Int32Array(1)] },
];
