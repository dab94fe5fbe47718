// Simulation-style kernels: nested loops with data-dependent exits and branches.

import { randomFloats, type KernelSpec } from './spec.js';

// Escape-time iterations per pixel of [-2, 0.5] x [-1.25, 1.25] into `out`; returns their sum.
function mandelbrot(out: Int32Array, width: number, height: number, maxIter: number): number {
  let sum = 0;
  for (let py = 0; py < height; py++) {
    const ci = (py / height) * 2.5 - 1.25;
    for (let px = 0; px < width; px++) {
      const cr = (px / width) * 2.5 - 2;
      let zr = 0;
      let zi = 0;
      let it = 0;
      while (it < maxIter && zr * zr + zi * zi <= 4) {
        const t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        it++;
      }
      out[py * width + px] = it;
      sum += it;
    }
  }
  return sum;
}

// Total energy of n bodies: positions and velocities as x, y, z triples.
function nbodyEnergy(pos: Float64Array, vel: Float64Array, mass: Float64Array): number {
  const n = mass.length;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const vx = vel[3 * i], vy = vel[3 * i + 1], vz = vel[3 * i + 2];
    e += 0.5 * mass[i] * (vx * vx + vy * vy + vz * vz);
    for (let j = i + 1; j < n; j++) {
      const dx = pos[3 * i] - pos[3 * j];
      const dy = pos[3 * i + 1] - pos[3 * j + 1];
      const dz = pos[3 * i + 2] - pos[3 * j + 2];
      e -= (mass[i] * mass[j]) / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

// fannkuch-redux over the permutations of 0..n-1; returns maxFlips * 100000 + checksum.
function fannkuch(n: number, perm: Int32Array, perm1: Int32Array, count: Int32Array): number {
  let maxFlips = 0;
  let checksum = 0;
  let permCount = 0;
  let r = n;
  for (let i = 0; i < n; i++) perm1[i] = i;
  for (;;) {
    while (r !== 1) {
      count[r - 1] = r;
      r--;
    }
    for (let i = 0; i < n; i++) perm[i] = perm1[i];
    let flips = 0;
    let k = perm[0];
    while (k !== 0) {
      let i = 0;
      let j = k;
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
    for (;;) {
      if (r === n) return maxFlips * 100000 + checksum;
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

const BODIES = 700;

export const SIM_KERNELS: KernelSpec[] = [
  {
    name: 'mandelbrot', what: 'Mandelbrot escape counts, 160 x 120 pixels, at most 64 iterations', fn: mandelbrot,
    inputs: () => [new Int32Array(160 * 120), 160, 120, 64],
    // 2 x 1: c = -2 + -1.25i escapes in 1 iteration; c = -0.75 - 1.25i escapes in 3 (|z3|^2 > 4).
    known: [{ args: () => [new Int32Array(2), 2, 1, 64], result: 4 }],
    sane: (r) => typeof r === 'number' && r > 160 * 120 && r < 160 * 120 * 64,
  },
  {
    name: 'nbody', what: `n-body total energy of ${BODIES} bodies (Math.sqrt)`, fn: nbodyEnergy,
    inputs: () => [randomFloats(3 * BODIES, 18, 10, -5), randomFloats(3 * BODIES, 19, 2, -1), randomFloats(BODIES, 20, 1, 0.1)],
    // Two unit masses at rest, 2 apart: -1 * 1 / 2.
    known: [{ args: () => [Float64Array.from([0, 0, 0, 2, 0, 0]), new Float64Array(6), Float64Array.from([1, 1])], result: -0.5 }],
  },
  {
    name: 'fannkuch', what: 'fannkuch-redux, n = 8 (Int32Array scratch arrays)', fn: fannkuch,
    inputs: () => [8, new Int32Array(8), new Int32Array(8), new Int32Array(8)],
    // The benchmarks game's reference output for n = 7: checksum 228, 16 flips.
    known: [{ args: () => [7, new Int32Array(7), new Int32Array(7), new Int32Array(7)], result: 1600228 }],
    sane: (r) => r === 2201616,
  },
];
