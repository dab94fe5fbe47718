// Integer kernels: bit manipulation, checksums and hashes over bytes, integer loops.

import { ascii, random, randomBytes, randomFloats, type KernelSpec } from './spec.js';

const BYTES = 262_144;

function sieve(flags: Uint8Array, n: number): number {
  for (let i = 0; i < n; i++) flags[i] = 1;
  flags[0] = 0;
  flags[1] = 0;
  for (let i = 2; i * i < n; i++) {
    if (flags[i] === 1) {
      for (let j = i * i; j < n; j += i) flags[j] = 0;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += flags[i];
  return count;
}

function crc32(data: Uint8Array, table: Int32Array): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function fnv1a(data: Uint8Array): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i];
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// Values outside [lo, hi) land in the first or last bin.
function histogram(data: Float64Array, counts: Int32Array, lo: number, hi: number): void {
  const bins = counts.length;
  for (let i = 0; i < bins; i++) counts[i] = 0;
  const scale = bins / (hi - lo);
  for (let i = 0; i < data.length; i++) {
    const b = Math.min(Math.max(Math.floor((data[i] - lo) * scale), 0), bins - 1);
    counts[b]++;
  }
}

// Total Collatz steps to reach 1 of every number from 1 to n.
function collatz(n: number): number {
  let total = 0;
  for (let i = 1; i <= n; i++) {
    let x = i;
    while (x !== 1) {
      x = x % 2 === 0 ? x / 2 : 3 * x + 1;
      total++;
    }
  }
  return total;
}

// xorshift32 into a Uint32Array; returns a checksum of the values shifted right (sign-extending).
function xorshift(out: Uint32Array, seed: number): number {
  let x = seed | 0;
  let acc = 0;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
    acc = (acc + (x >> 3)) | 0;
  }
  return acc;
}

// The sum of gcd(a, b) over 1 <= b <= a <= n (Euclid with %).
function gcdSum(n: number): number {
  let total = 0;
  for (let a = 1; a <= n; a++) {
    for (let b = 1; b <= a; b++) {
      let x = a;
      let y = b;
      while (y !== 0) {
        const t = x % y;
        x = y;
        y = t;
      }
      total += x;
    }
  }
  return total;
}

/** The CRC-32 (IEEE 802.3, reflected) table as signed 32-bit words. */
export function crcTable(): Int32Array {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

function histogramData(n: number): Float64Array {
  const next = random(13);
  const data = randomFloats(n, 14, 1.2, -0.1);
  for (let i = 0; i < n; i += 97) data[i] = next() < 0.5 ? -5 : 5;
  return data;
}

export const INTEGER_KERNELS: KernelSpec[] = [
  {
    name: 'sieve', what: 'sieve of Eratosthenes up to 300,000 in a Uint8Array', fn: sieve,
    inputs: () => [new Uint8Array(300_000), 300_000],
    known: [{ args: () => [new Uint8Array(100), 100], result: 25 }],
    sane: (r) => r === 25_997,
  },
  {
    name: 'crc32', what: `CRC-32 of ${BYTES} bytes with a 256-entry Int32Array table`, fn: crc32,
    inputs: () => [randomBytes(BYTES, 15), crcTable()],
    known: [{ args: () => [ascii('123456789'), crcTable()], result: 0xcbf43926 }],
  },
  {
    name: 'fnv1a', what: `FNV-1a (32 bits, Math.imul) of ${BYTES} bytes`, fn: fnv1a,
    inputs: () => [randomBytes(BYTES, 16)],
    known: [{ args: () => [ascii('a')], result: 0xe40c292c }, { args: () => [ascii('')], result: 0x811c9dc5 }],
  },
  {
    name: 'adler32', what: `Adler-32 (% 65521) of ${BYTES} bytes`, fn: adler32,
    inputs: () => [randomBytes(BYTES, 17)],
    known: [{ args: () => [ascii('Wikipedia')], result: 0x11e60398 }],
  },
  {
    name: 'histogram', what: `64-bin histogram of ${BYTES} doubles (Math.floor, clamped with Math.min/max)`, fn: histogram,
    inputs: () => [histogramData(BYTES), new Int32Array(64), 0, 1],
    known: [{ args: () => [Float64Array.from([-1, 0, 0.3, 0.5, 0.99, 7]), new Int32Array(2), 0, 1], output: { arg: 1, values: [3, 3] } }],
  },
  {
    name: 'collatz', what: 'total Collatz steps of 1..8,000', fn: collatz,
    inputs: () => [8_000],
    // Steps of 1..10: 0, 1, 7, 2, 5, 8, 16, 3, 19, 6.
    known: [{ args: () => [10], result: 67 }],
  },
  {
    name: 'xorshift', what: `xorshift32 fill of a Uint32Array of ${BYTES}`, fn: xorshift,
    inputs: () => [new Uint32Array(BYTES), 2463534242],
    // Marsaglia's xorshift32 from 2463534242: the first output is 723471715.
    known: [{ args: () => [new Uint32Array(1), 2463534242], output: { arg: 0, values: [723471715] } }],
  },
  {
    name: 'gcd', what: 'sum of gcd(a, b) over 1 <= b <= a <= 350', fn: gcdSum,
    inputs: () => [350],
    // gcd(1,1) + gcd(2,1) + gcd(2,2) + gcd(3,1) + gcd(3,2) + gcd(3,3) = 1 + 1 + 2 + 1 + 1 + 3.
    known: [{ args: () => [3], result: 9 }],
  },
];
