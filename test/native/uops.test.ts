// Every micro-op against its JS oracle (the `js` field of lib/compiler/trace/uops.ts) on edge values,
// compared bit for bit with Object.is (which tells -0 from 0 and NaN from everything else); the
// ops whose docs promise only some ulps (pow everywhere; on AArch64 the Math functions that
// Node's GCC-built V8 fuses differently) within those ulps.

import assert from 'node:assert/strict';

import { compile, TraceBuilder, UOPS, type Kernel, type Operand } from '../../lib/engine.js';
import { OperandKind, type UopDef } from '../../lib/compiler/trace/uops.js';
import { F64_EDGES, I32_EDGES, TYPED_ARRAYS, U32_EDGES, show, ulpDistance } from './helpers.js';
import { isApproximate, isInt32, ulpBound } from './reference-interpreter.js';

type Oracle = (...args: unknown[]) => unknown;
const oracleOf = (def: UopDef): Oracle => new Function(`return ${def.js}`)() as Oracle;

const SLOT_TYPES = { [OperandKind.F64]: 'f64', [OperandKind.I32]: 'i32', [OperandKind.U32]: 'u32' } as const;
const EDGES = { [OperandKind.F64]: F64_EDGES, [OperandKind.I32]: I32_EDGES, [OperandKind.U32]: U32_EDGES } as const;
const isSlotKind = (k: number): k is 0 | 1 | 2 => k === OperandKind.F64 || k === OperandKind.I32 || k === OperandKind.U32;
const approximate = isApproximate;

function cartesian(lists: (readonly number[])[]): number[][] {
  return lists.reduce<number[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

// A kernel running `def` once: read slot operands are parameters in order, immediates are baked
// in, the destination slot is returned.
function valueKernel(def: UopDef, immediates: number[]): Kernel {
  const b = new TraceBuilder();
  let imm = 0;
  let dest: ReturnType<TraceBuilder['slot']> | undefined;
  const operands: Operand[] = def.operands.map((spec) => {
    if (isSlotKind(spec.kind)) {
      const slot = b.slot(SLOT_TYPES[spec.kind]);
      if (spec.written) dest = slot;
      else b.param(slot);
      return slot;
    }
    return immediates[imm++];
  });
  b.op(def.name, ...operands).returns(dest!).op('RETURN');
  return compile(b);
}

function checkValue(def: UopDef, args: number[], got: unknown, expected: unknown): void {
  const ok = approximate(def)
    ? typeof got === 'number' && ulpDistance(got, expected as number) <= ulpBound(def)
    : Object.is(got, expected);
  if (!ok) assert.fail(`${def.name}(${args.map(show).join(', ')}) = ${show(got)}, JS gives ${show(expected)}`);
}

const kindOf = (def: UopDef) =>
  def.internal ? 'internal'  // never in a trace: register-variants.test.ts and bounds.test.ts run them
  : def.name.startsWith('LOAD_') ? 'load'
  : def.name.startsWith('STORE_') ? 'store'
  : def.name.startsWith('BR_') ? 'branch'
  : def.name === 'F64_TO_INDEX' ? 'index'
  : def.name === 'LENGTH' ? 'length'
  : def.name.endsWith('_EXACT') ? 'exact'
  : def.js === undefined ? 'control'
  : 'value';

describe('micro-ops against their JS oracles', () => {
  for (const def of UOPS.filter((d) => kindOf(d) === 'value')) {
    const reads = def.operands.filter((o) => !o.written);
    const immediates = reads.filter((o) => o.kind === OperandKind.ImmI32 || o.kind === OperandKind.ImmF64);
    it(`${def.name} matches ${def.js}${approximate(def) ? ` within ${ulpBound(def)} ulp` : ' bit for bit'}`, () => {
      const oracle = oracleOf(def);
      if (immediates.length > 0) {
        // Constants: one kernel per value, the value is in the code; slot operands are read from
        // the call's arguments (the immediate's position among the reads is kept for the oracle).
        const values = immediates[0].kind === OperandKind.ImmF64 ? F64_EDGES : I32_EDGES;
        const slotReads = reads.filter((o) => isSlotKind(o.kind));
        for (const k of values) {
          const kernel = valueKernel(def, [k]);
          for (const slotArgs of cartesian(slotReads.map((o) => EDGES[o.kind as 0 | 1 | 2]))) {
            let next = 0;
            const args = reads.map((o) => (isSlotKind(o.kind) ? slotArgs[next++] : k));
            checkValue(def, args, kernel.call(...slotArgs), oracle(...args));
          }
          kernel.free();
        }
        return;
      }
      const kernel = valueKernel(def, []);
      for (const args of cartesian(reads.map((o) => EDGES[o.kind as 0 | 1 | 2]))) {
        checkValue(def, args, kernel.call(...args), oracle(...args));
      }
      kernel.free();
    });
  }

  for (const def of UOPS.filter((d) => kindOf(d) === 'branch')) {
    it(`${def.name} jumps exactly when ${def.js}`, () => {
      const oracle = oracleOf(def);
      const b = new TraceBuilder();
      const reads = def.operands.filter((o) => isSlotKind(o.kind)).map((o) => b.slot(SLOT_TYPES[o.kind as 0 | 1 | 2]));
      const taken = b.slot('i32');
      const target = b.label();
      reads.forEach((s) => b.param(s));
      b.returns(taken).op(def.name, ...reads, target).op('CONST_I32', taken, 0).op('RETURN');
      b.define(target).op('CONST_I32', taken, 1).op('RETURN');
      const kernel = compile(b);
      for (const args of cartesian(def.operands.filter((o) => isSlotKind(o.kind)).map((o) => EDGES[o.kind as 0 | 1 | 2]))) {
        checkValue(def, args, kernel.call(...args), oracle(...args) ? 1 : 0);
      }
    });
  }

  // The speculating ops: JS's exact value where it is an int32 (never -0), a jump everywhere else.
  for (const def of UOPS.filter((d) => kindOf(d) === 'exact')) {
    it(`${def.name} falls through with ${def.js} exactly where that is an int32, and jumps elsewhere`, () => {
      const oracle = oracleOf(def);
      const immediate = def.operands.some((o) => o.kind === OperandKind.ImmI32);
      const SENTINEL = -12345;
      const kernelFor = (k: number | undefined) => {
        const b = new TraceBuilder();
        const d = b.slot('i32'), inexact = b.label();
        const reads = def.operands.filter((o) => !o.written && o.kind === OperandKind.I32).map(() => b.slot('i32'));
        reads.forEach((s) => b.param(s));
        b.returns(d).op(def.name, d, ...reads, ...(k === undefined ? [] : [k]), inexact).op('RETURN');
        b.define(inexact).op('CONST_I32', d, SENTINEL).op('RETURN');
        return compile(b);
      };
      const extra = [46340, 46341, -46341, 65536, -65536, 3, 6, 12, 1 << 20, (1 << 30) + 4];
      const values = [...I32_EDGES, ...extra];
      if (immediate) {
        for (const k of [1, 2, 3, 5, 30, 31, 0, 33, -1]) {
          const kernel = kernelFor(k);
          for (const a of values) {
            const js = oracle(a, k);
            checkValue(def, [a, k], kernel.call(a), isInt32(js) ? js : SENTINEL);
          }
          kernel.free();
        }
        return;
      }
      const kernel = kernelFor(undefined);
      for (const [a, b] of cartesian([values, values])) {
        const js = oracle(a, b);
        checkValue(def, [a, b], kernel.call(a, b), isInt32(js) ? js : SENTINEL);
      }
      kernel.free();
    });
  }

  it('F64_TO_INDEX stays exactly for integers in [0, 2^31 - 1] and yields the index', () => {
    const def = UOPS.find((d) => d.name === 'F64_TO_INDEX')!;
    const oracle = oracleOf(def);
    const b = new TraceBuilder();
    const a = b.slot('f64'), d = b.slot('i32'), miss = b.label();
    b.param(a).returns(d).op('F64_TO_INDEX', d, a, miss).op('RETURN');
    b.define(miss).op('CONST_I32', d, -1).op('RETURN');
    const kernel = compile(b);
    for (const x of [...F64_EDGES, 3, 1e9, 2 ** 31 - 2]) {
      const expected = oracle(x) ? x + 0 : -1;  // + 0 turns -0 into 0
      checkValue(def, [x], kernel.call(x), expected);
    }
  });

  // The exactness argument of docs/native-engine.md ("Index arithmetic") checked against JS's own
  // f64 arithmetic: products below, at and past 2^31 and 2^53, sums that cross them, signs mixed.
  it('MULADD_INDEX gives the index JS computes for a * b + c, and -1 exactly where JS has none', () => {
    const def = UOPS.find((d) => d.name === 'MULADD_INDEX')!;
    const oracle = oracleOf(def);
    const kernel = valueKernel(def, []);
    const factors = [...I32_EDGES, 46340, 46341, -46341, 94906265, 94906266, -94906266, 2 ** 26 + 1, 2 ** 27, 134217729];
    const addends = [...I32_EDGES, -(2 ** 31) + 5, 2 ** 31 - 6];
    const check = (args: number[]) => checkValue(def, args, kernel.call(...args), oracle(...args));
    for (const [p, q] of cartesian([factors, factors])) for (const c of addends) check([p, q, c]);
    // Random products of every magnitude up to 2^62, with random addends or with the addend that
    // brings the sum back into range where one exists.
    let state = 0x9e3779b9;
    const next = () => { state = (Math.imul(state, 1664525) + 1013904223) | 0; return state; };
    for (let n = 0; n < 100_000; n++) {
      const p = next() >> (n % 31), q = next() >> ((n >> 5) % 31);
      const back = (n % 997) - p * q;
      check([p, q, n % 2 === 0 && back >= -(2 ** 31) && back < 2 ** 31 ? back : next()]);
    }
  });

  // The reciprocal's exactness (Lemire, Kaser and Kurz 2019) over the divisors where such proofs
  // break first: powers of two and their neighbours, 2^31 and its neighbours, the divisors whose
  // reciprocal ceil(2^64 / k) has the largest rounding error, and random ones; dividends at, next to
  // and between multiples of k, of both signs, and INT_MIN.
  it('MOD_I32_K gives JS\'s (a % k) | 0 for every divisor it is compiled for', () => {
    const def = UOPS.find((d) => d.name === 'MOD_I32_K')!;
    const oracle = oracleOf(def);
    let state = 0x2545f491;
    const next = () => { state = (Math.imul(state, 1664525) + 1013904223) | 0; return state; };
    const divisors = new Set<number>([65521, 3, 5, 6, 7, 10, 11, 13, 641, 6700417, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) + 1, 2 ** 30 + 1, 0x55555555]);
    for (let e = 1; e < 31; e++) for (const k of [2 ** e - 1, 2 ** e, 2 ** e + 1]) { divisors.add(k); divisors.add(-k); }
    for (let n = 0; n < 40; n++) divisors.add(next() >> (n % 28));
    for (const k of divisors) {
      const kernel = valueKernel(def, [k]);
      const dividends = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) + 1];
      const q = Math.trunc((2 ** 31 - 1) / Math.abs(k));
      for (const m of [1, 2, 3, q - 1, q]) {
        for (const delta of [-1, 0, 1]) {
          const x = m * Math.abs(k) + delta;
          if (Math.abs(x) <= 2 ** 31 - 1) dividends.push(x, -x | 0);
        }
      }
      for (let n = 0; n < 300; n++) dividends.push(next() >> (n % 31));
      for (const a of dividends) checkValue(def, [a, k], kernel.call(a), oracle(a, k));
      kernel.free();
    }
  });

  it('LENGTH is the element count of a view of every kind', () => {
    for (const [kind, Array] of TYPED_ARRAYS.entries()) {
      const b = new TraceBuilder();
      const v = b.view(kind as never), d = b.slot('i32');
      b.param(v).returns(d).op('LENGTH', d, v).op('RETURN');
      const kernel = compile(b);
      for (const n of [0, 1, 17]) assert.equal(kernel.call(new Array(n)), n);
    }
  });
});

// Regressions from differential fuzzing: the transcendental ops once called glibc's libm, which is
// up to 3 ulp from V8's own fdlibm (tanh); cbrt(8.115687501993587e-7) was 2 ulp off on AArch64
// without V8's fused multiply-adds. Each list holds the inputs found then (first entries:
// the reported ones, e.g. sinh(0.42178824869915843) was 0.4344063648500871 against V8's
// 0.4344063648500872), the input of a 10^5-input scan where glibc was furthest from V8, and the
// branch boundaries of V8's algorithm (argument reduction of sin/cos/tan for |x| up to 2^1023,
// overflow thresholds, subnormals).
const V8_MATH_REGRESSIONS: Readonly<Record<string, readonly (readonly number[])[]>> = {
  SINH_F64: [[0.42178824869915843], [-0.4490921284436781], [3.725290298461914e-9], [0.9999999999999999], [22], [-21.999999999999996], [709.7822265625], [710.4758600739439], [710.475860073944]],
  COSH_F64: [[-1.2643548119813204], [-1.2912991805583856], [0.34657359027997264], [2 ** -55], [22], [709.7822265625], [-710.4758600739439], [710.475860073944]],
  TANH_F64: [[0.5159095218405128], [0.48911730941361986], [2 ** -28], [0.9999999999999999], [1], [-21.999999999999996], [22]],
  LOG10_F64: [[0.6042184205725789], [1.7162047443190964], [1e23], [1e-310], [5e-324], [10], [0.1], [9.999999999999999e22]],
  SIN_F64: [[0.5107276558564633], [Math.PI / 4], [0.7853981633974484], [Math.PI / 2], [3 * Math.PI / 2], [2 ** 19 * Math.PI / 2], [1e6], [1e22], [1e300], [2 ** 1023], [-8.98846567431158e307]],
  COS_F64: [[-190136.31004133716], [Math.PI / 2], [0.3], [0.78125], [2 ** -27], [1e22], [1e300], [-(2 ** 1000)]],
  TAN_F64: [[-0.9970491147670317], [0.6744], [Math.PI / 4], [Math.PI / 2], [2 ** -28], [1e22], [1e300], [-5e-324]],
  ASIN_F64: [[0.5107276558564633], [0.975], [0.9999999999999999], [-0.5], [2 ** -27]],
  ACOS_F64: [[0.08275306772287527], [-0.5000000000000001], [0.5], [-1], [2 ** -57]],
  ATAN_F64: [[-2.3926110176585205], [0.4375], [0.6875], [1.1875], [2.4375], [2 ** 66], [-(2 ** 66)], [2 ** -27]],
  ASINH_F64: [[10.638760343241564], [2 ** 28], [2.0000000000000004], [-1.5], [2 ** -28]],
  ACOSH_F64: [[5.6539838472379875], [2 ** 28], [2.0000000000000004], [1.0000000000000002], [1]],
  ATANH_F64: [[0.987380725583986], [0.5], [-0.49999999999999994], [0.9999999999999999], [2 ** -28]],
  EXP_F64: [[-2.3926110176585205], [1], [0.34657359027997264], [1.0397207708399179], [709.782712893384], [-745.1332191019411], [-708.3964185322641], [2 ** -28]],
  EXPM1_F64: [[0.9581132098929054], [-38.816242111356935], [56 * Math.LN2], [709.782712893384], [2 ** -54], [-0.3465735902799726]],
  LOG_F64: [[5.6539838472379875], [1.0000009536743164], [0.9999990463256836], [1.4142135623730951], [5e-324], [2.2250738585072014e-308]],
  LOG1P_F64: [[0.3507825988893907], [-0.2928932188134524], [0.41421356237309503], [2 ** -29], [2 ** 53], [-0.9999999999999999]],
  LOG2_F64: [[1.0796736716375355], [1.4142135623730951], [0.7071067811865476], [5e-324], [3]],
  CBRT_F64: [[-Math.E], [8.115687501993587e-7], [5e-324], [-2.2250738585072014e-308], [27], [-0.001]],
  ATAN2_F64: [[16.66560736214563, -1.867909490499555e-7], [1, 1e-300], [-1e-300, -1], [2 ** 61, 1], [-1, -(2 ** 61)], [0.5, 1], [-Infinity, Infinity], [3, -Infinity]],
};

describe("transcendental micro-ops at inputs where glibc's libm differs from V8", () => {
  for (const [name, cases] of Object.entries(V8_MATH_REGRESSIONS)) {
    const def = UOPS.find((d) => d.name === name)!;
    it(`${name} gives V8's result${approximate(def) ? ` within ${ulpBound(def)} ulp` : ' bit for bit'} at ${cases.length} inputs`, () => {
      const oracle = oracleOf(def);
      const kernel = valueKernel(def, []);
      for (const args of cases) checkValue(def, [...args], kernel.call(...args), oracle(...args));
      kernel.free();
    });
  }
});

// MOD_F64 takes an int64 remainder when both operands are integers below 2^53 and calls fmod
// otherwise: the edges of that split, and random integer pairs of every size, against JS's %.
describe("MOD_F64's integer path and its boundary with fmod", () => {
  const def = UOPS.find((d) => d.name === 'MOD_F64')!;
  const oracle = oracleOf(def);
  const LIMIT = 2 ** 53;
  const near = [LIMIT - 1, LIMIT - 2, LIMIT, LIMIT + 2, 2 ** 52 + 0.5, 2 ** 63, 2 ** 64, 3.0000000000000004, 2.9999999999999996];
  const values = [0, -0, 1, -1, 2, -2, 3, -3, 7, 10, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 + 1, ...near, ...near.map((x) => -x)];

  it(`matches a % b bit for bit on ${values.length ** 2} pairs around 2^53, zero and one`, () => {
    const kernel = valueKernel(def, []);
    for (const a of values) for (const b of values) checkValue(def, [a, b], kernel.call(a, b), oracle(a, b));
    kernel.free();
  });

  it('matches a % b bit for bit on 20,000 random integer pairs from 1 to 53 bits, of either sign', () => {
    const kernel = valueKernel(def, []);
    let seed = 0x9e3779b9;
    const next = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0) >>> 0) / 2 ** 32;
    const integer = () => {
      const bits = 1 + Math.floor(next() * 53);
      const x = (Math.floor(next() * 2 ** 21) * 2 ** 32 + Math.floor(next() * 2 ** 32)) % 2 ** bits;
      return next() < 0.5 ? -x : x;
    };
    for (let i = 0; i < 20000; i++) {
      const a = integer(), b = integer();
      checkValue(def, [a, b], kernel.call(a, b), oracle(a, b));
    }
    kernel.free();
  });
});

// Typed-array element access: a load reads the element or branches to `miss` where JS reads
// undefined; a store writes exactly what JS writes (wrapping, clamping, fround) or nothing.
describe('typed-array loads and stores against JS element access', () => {
  const INDICES = [-1, 0, 1, 6, 7, 8, 2 ** 31 - 1, -(2 ** 31)];

  function sample(Array: (typeof TYPED_ARRAYS)[number]): ArrayBufferView & ArrayLike<number> {
    const a = new Array(8) as unknown as { [i: number]: number; length: number };
    const src = [1.5, -2, 127.25, NaN, -0, 3e9, 255.5, -1e-320];
    for (let i = 0; i < 8; i++) a[i] = src[i];
    return a as unknown as ArrayBufferView & ArrayLike<number>;
  }

  for (const def of UOPS.filter((d) => kindOf(d) === 'load')) {
    it(`${def.name} reads like v[i] and misses where JS reads undefined`, () => {
      const Array = TYPED_ARRAYS[def.viewKind];
      const destKind = def.operands[0].kind as 0 | 1 | 2;
      const b = new TraceBuilder();
      const v = b.view(def.viewKind as never), i = b.slot('i32'), d = b.slot(SLOT_TYPES[destKind]);
      const out = b.view(8 as never), zero = b.slot('i32'), asF64 = b.slot('f64'), hit = b.slot('i32'), miss = b.label();
      b.param(v).param(i).param(out).returns(hit);
      b.op(def.name, d, v, i, miss);
      if (destKind === OperandKind.F64) b.op('MOV_F64', asF64, d);
      else b.op(destKind === OperandKind.I32 ? 'I32_TO_F64' : 'U32_TO_F64', asF64, d);
      b.op('STORE_FLOAT64', out, zero, asF64).op('CONST_I32', hit, 1).op('RETURN');
      b.define(miss).op('CONST_I32', hit, 0).op('RETURN');
      const kernel = compile(b);
      const array = sample(Array);
      const oracle = oracleOf(def);
      for (const index of INDICES) {
        const result = new Float64Array(1);
        const expected = oracle(array, index) as number | undefined;
        const loaded = kernel.call(array, index, result);
        if (expected === undefined) assert.equal(loaded, 0, `${def.name} at ${index} should miss`);
        else checkValue(def, [index], result[0], expected);
      }
    });
  }

  it('a fractional, negative-zero or huge f64 index reads undefined exactly as JS does', () => {
    const b = new TraceBuilder();
    const v = b.view(8 as never), x = b.slot('f64'), i = b.slot('i32'), d = b.slot('f64'), miss = b.label();
    b.param(v).param(x).returns(d);
    b.op('F64_TO_INDEX', i, x, miss).op('LOAD_FLOAT64', d, v, i, miss).op('RETURN');
    b.define(miss).op('CONST_F64', d, -12345).op('RETURN');
    const kernel = compile(b);
    const array = new Float64Array([10, 20, 30]);
    for (const x of [0, -0, 1, 2, 1.5, -1, 3, NaN, Infinity, 2 ** 32, 2 ** 31, 1e-300]) {
      const js = (array as unknown as Record<number, number | undefined>)[x as number];
      assert.ok(Object.is(kernel.call(array, x), js === undefined ? -12345 : js), `index ${show(x)}`);
    }
  });

  for (const def of UOPS.filter((d) => kindOf(d) === 'store')) {
    it(`${def.name} writes exactly what v[i] = x writes, and nothing out of range`, () => {
      const Array = TYPED_ARRAYS[def.viewKind];
      const valueKind = def.operands[2].kind as 0 | 1 | 2;
      const b = new TraceBuilder();
      const v = b.view(def.viewKind as never), i = b.slot('i32'), x = b.slot(SLOT_TYPES[valueKind]);
      b.param(v).param(i).param(x).op(def.name, v, i, x).op('RETURN');
      const kernel = compile(b);
      const oracle = oracleOf(def);
      for (const index of INDICES) {
        for (const value of EDGES[valueKind]) {
          const mine = sample(Array), theirs = sample(Array);
          kernel.call(mine, index, value);
          oracle(theirs, index, value);
          const a = new Uint8Array(mine.buffer), e = new Uint8Array(theirs.buffer);
          assert.deepEqual(a, e, `${def.name}: v[${index}] = ${show(value)} gives ${show(mine)}, JS ${show(theirs)}`);
        }
      }
    });
  }
});
