// Floating-point kernels over Float64Arrays: reductions, elementwise maps, stencils, matrices.

import { randomFloats, type KernelSpec } from './spec.js';

const N = 262_144;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function saxpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] = alpha * x[i] + y[i];
}

function l2norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

// One multiplication by the spectral-norm benchmark's matrix, A(i, j) computed inline.
function spectralMatVec(u: Float64Array, v: Float64Array): void {
  const n = u.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (1 / ((i + j) * (i + j + 1) / 2 + i + 1)) * u[j];
    v[i] = s;
  }
}

function matmul(a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
  }
}

function prefixSum(a: Float64Array, out: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i];
    out[i] = s;
  }
  return s;
}

function blur3(src: Float64Array, dst: Float64Array): void {
  const n = src.length;
  dst[0] = src[0];
  for (let i = 1; i < n - 1; i++) dst[i] = (src[i - 1] + src[i] + src[i + 1]) / 3;
  dst[n - 1] = src[n - 1];
}

// coeffs[k] is the coefficient of x^k.
function horner(coeffs: Float64Array, xs: Float64Array, out: Float64Array): void {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    let r = 0;
    for (let k = coeffs.length - 1; k >= 0; k--) r = r * x + coeffs[k];
    out[i] = r;
  }
}

function smoothstep(xs: Float64Array, out: Float64Array, edge0: number, edge1: number): void {
  for (let i = 0; i < xs.length; i++) {
    const t = Math.min(Math.max((xs[i] - edge0) / (edge1 - edge0), 0), 1);
    out[i] = t * t * (3 - 2 * t);
  }
}

const f64 = (values: number[]) => Float64Array.from(values);

export const LINEAR_KERNELS: KernelSpec[] = [
  {
    name: 'dot', what: `dot product of two Float64Arrays of ${N}`, fn: dot,
    inputs: () => [randomFloats(N, 1), randomFloats(N, 2)],
    known: [{ args: () => [f64([1, 2, 3]), f64([4, 5, 6])], result: 32 }],
    sane: (r) => typeof r === 'number' && Math.abs(r - N / 4) < N / 50,
  },
  {
    name: 'saxpy', what: `y = alpha * x + y over ${N} doubles`, fn: saxpy,
    inputs: () => [0.75, randomFloats(N, 3), randomFloats(N, 4)],
    known: [{ args: () => [2, f64([1, 2]), f64([10, 20])], output: { arg: 2, values: [12, 24] } }],
  },
  {
    name: 'l2norm', what: `Euclidean norm of ${N} doubles (Math.sqrt)`, fn: l2norm,
    inputs: () => [randomFloats(N, 5, 2, -1)],
    known: [{ args: () => [f64([3, 4])], result: 5 }],
    sane: (r) => typeof r === 'number' && Math.abs(r - Math.sqrt(N / 3)) < Math.sqrt(N / 3) / 20,
  },
  {
    name: 'spectral', what: 'spectral-norm matrix-vector product, n = 600, A(i, j) inline', fn: spectralMatVec,
    inputs: () => [new Float64Array(600).fill(1), new Float64Array(600)],
    // A(0,0) = 1, A(0,1) = 1/2, A(1,0) = 1/3, A(1,1) = 1/5.
    known: [{ args: () => [f64([1, 1]), new Float64Array(2)], output: { arg: 1, values: [1.5, 1 / 3 + 1 / 5] } }],
  },
  {
    name: 'matmul', what: 'dense matrix product, 72 x 72 Float64Arrays', fn: matmul,
    inputs: () => [randomFloats(72 * 72, 6), randomFloats(72 * 72, 7), new Float64Array(72 * 72), 72],
    known: [{ args: () => [f64([1, 2, 3, 4]), f64([5, 6, 7, 8]), new Float64Array(4), 2], output: { arg: 2, values: [19, 22, 43, 50] } }],
  },
  {
    name: 'prefixsum', what: `running sum of ${N} doubles into a second array`, fn: prefixSum,
    inputs: () => [randomFloats(N, 8), new Float64Array(N)],
    known: [{ args: () => [f64([1, 2, 3]), new Float64Array(3)], output: { arg: 1, values: [1, 3, 6] } }],
  },
  {
    name: 'blur3', what: `3-point box blur of ${N} doubles`, fn: blur3,
    inputs: () => [randomFloats(N, 9), new Float64Array(N)],
    known: [{ args: () => [f64([3, 6, 9, 12]), new Float64Array(4)], output: { arg: 1, values: [3, 6, 9, 12] } }],
  },
  {
    name: 'horner', what: 'degree-15 polynomial by Horner at 32,768 points', fn: horner,
    inputs: () => [randomFloats(16, 10, 2, -1), randomFloats(32_768, 11, 2, -1), new Float64Array(32_768)],
    known: [{ args: () => [f64([1, 2, 3]), f64([2, -1]), new Float64Array(2)], output: { arg: 2, values: [17, 2] } }],
  },
  {
    name: 'smoothstep', what: `smoothstep of ${N / 2} doubles (Math.min, Math.max)`, fn: smoothstep,
    inputs: () => [randomFloats(N / 2, 12, 3, -1), new Float64Array(N / 2), 0, 1],
    known: [{ args: () => [f64([-1, 0.5, 2]), new Float64Array(3), 0, 1], output: { arg: 1, values: [0, 0.5, 1] } }],
  },
];
