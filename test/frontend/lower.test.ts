// The lowering (lowerKernel): kernels compiled natively agree with V8 bit for bit, on every
// operator and edge value, typed-array element kind, loop form and evaluation-order case.

import assert from 'node:assert/strict';

import { lowerKernel, type Signature } from '../../lib/compiler/frontend/index.js';
import { planOf } from './plan-of.js';
import { agree, declineOf, F64S, I32S, lowered, pairs } from './lower-helpers.js';
import { compile, declinedResult, ElementKind, TraceBuilder } from '../../lib/engine.js';
import { MAX_GUARDED_INDEX } from '../../lib/compiler/frontend/guards.js';
import { isInt32 } from '../native/reference-interpreter.js';

// The ops of each loop of a lowered kernel, in the order of their backward branches (an inner
// loop's first): from the label the branch targets to the branch.
const loopsOf = (k: { uops: readonly string[] }) => k.uops.flatMap((u, at) => {
  const head = k.uops.indexOf(`${u.split(', ').pop()}:`);
  return u.startsWith('BR_') && head >= 0 && head < at ? [k.uops.slice(head, at + 1)] : [];
});

const ARITH = ['+', '-', '*', '/', '%', '**'];
const BITWISE = ['|', '&', '^', '<<', '>>', '>>>'];
const COMPARE = ['<', '<=', '>', '>=', '===', '!==', '==', '!='];

describe('lowerKernel: operators', () => {
  for (const op of [...ARITH.filter((o) => o !== '**'), ...BITWISE]) {
    it(`${op} on f64, i32 and mixed operands`, () => {
      agree(`(a, b) => a ${op} b`, pairs(F64S));
      agree(`(a, b) => a ${op} b`, pairs(I32S), 'i32');
      agree(`(a, b) => a ${op} b`, pairs(I32S).slice(0, 60), ['i32', 'f64']);
    });
  }
  for (const op of COMPARE) {
    it(`${op} as a value and as a condition`, () => {
      agree(`(a, b) => (a ${op} b) ? 1 : 0`, pairs(F64S));
      agree(`(a, b) => (a ${op} b) + 0`, pairs(I32S), 'i32');
      agree(`(a, b) => { if (!(a ${op} b)) return 1; return 2; }`, pairs(F64S));
      agree(`(a, b) => ((a >>> 0) ${op} (b >>> 0)) ? 1 : 0`, pairs(I32S), 'i32');
    });
  }
  it('unary - + ~ ! on f64 and i32 (-0 from -x)', () => {
    for (const op of ['-', '+', '~']) {
      agree(`(a) => ${op}a`, F64S.map((x) => [x]));
      agree(`(a) => ${op}a`, I32S.map((x) => [x]), 'i32');
    }
    agree('(a) => !a ? 1 : 2', F64S.map((x) => [x]));
    agree('(a) => (!a) + 1', I32S.map((x) => [x]), 'i32');
  });
  it('| 0 forms use the i32 ops and wrap like JS', () => {
    const k = agree('(a, b) => ((a + b) | 0) + ((a - b) | 0) + ((a / b) | 0) + ((a % b) | 0) + Math.imul(a, b)', pairs(I32S), 'i32');
    for (const op of ['ADD_I32', 'SUB_I32', 'DIV_I32', 'MOD_I32', 'IMUL_I32']) assert.ok(k.uops.some((u) => u.startsWith(op)), op);
    agree('(a, b) => (a + b + a - b + 7) | 0', pairs(I32S), 'i32');
    agree('(a, b) => (-a | 0) + ((a * b) | 0)', pairs(I32S), 'i32');
    agree('(a, b) => (a + b) >>> 0', pairs(I32S), 'i32');
    agree('(a, b) => ((a >>> 0) + b) | 0', pairs(I32S), 'i32');
  });
  it('% by an integer literal is MOD_I32_K (no division) in i32 results and ToInt32 contexts, exact for either sign', () => {
    const literals = [7, 65521, 1, 0, 2, 1024, 2147483647, 1e9 + 7];
    const k = agree(`(a) => ${literals.map((c) => `((a % ${c}) | 0)`).join(' + ')}`, I32S.map((x) => [x]), 'i32');
    assert.equal(k.uops.filter((u) => u.startsWith('MOD_I32_K')).length, literals.length, k.uops.join('\n'));
    assert.ok(!k.uops.some((u) => /^MOD_I32( |__|$)/.test(u)), k.uops.join('\n'));
    // An i32 result (a non-negative dividend): Adler-32's sums.
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 255);
    const adler = agree('(d) => { let a = 1, b = 0; for (let i = 0; i < d.length; i++) { a = (a + d[i]) % 65521; b = (b + a) % 65521; } return ((b << 16) | a) >>> 0; }',
      [[bytes], [new Uint8Array(0)], [new Uint8Array(70000).fill(255)]], ['Uint8Array']);
    assert.equal(adler.uops.filter((u) => u.startsWith('MOD_I32_K')).length, 2, adler.uops.join('\n'));
    // Not a literal in the i32 range, or not an integer: the other remainders.
    const other = agree('(a, b) => ((a % b) | 0) + ((a % 4294967296) | 0) + ((a % 2.5) | 0) + (a % -3)', pairs(I32S).slice(0, 80), 'i32');
    assert.ok(!other.uops.some((u) => u.startsWith('MOD_I32_K')), other.uops.join('\n'));
  });
  it('booleans in arithmetic, bitwise and equality', () => {
    agree('(a, b) => (a < b) + (a > b) * 2 + ((a === b) | 4)', pairs(F64S));
    agree('(a, b) => ((a < b) === (b < a)) ? 3 : 4', pairs(F64S));
  });
  it('&& || ?? ?: in values and conditions', () => {
    agree('(a, b) => a && b', pairs(F64S));
    agree('(a, b) => a || b', pairs(F64S));
    agree('(a, b) => (a < 1 && b > 0) ? 5 : (a || b) ? 6 : 7', pairs(F64S));
    agree('(a, b) => (a < b || a === 0) && (b !== 2) ? 1 : 0', pairs(F64S));
    agree('(a, b) => a ? b ? 1 : 2 : b ? 3 : 4', pairs(F64S));
    agree('(a, b) => { let x = 0; if (a && (b || a > 3)) x = 1; else if (!a || !b) x = 2; return x; }', pairs(F64S));
    agree('(a, b) => ((a < b) && (b < 10)) ? 1 : ((a > b) || (b === 1)) ? 2 : 3', pairs(F64S));
  });
  it('?? on a number never evaluates its right side', () => {
    agree('(a, b) => { let x = 1; const y = a ?? (x = 5); return x + y + (b ?? 3); }', pairs(F64S.slice(0, 8)));
  });
});

describe('lowerKernel: Math', () => {
  const unary = ['abs', 'floor', 'ceil', 'round', 'trunc', 'sign', 'sqrt', 'fround', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'cbrt', 'clz32'];
  for (const fn of unary) it(`Math.${fn}`, () => { agree(`(a) => Math.${fn}(a)`, F64S.map((x) => [x])); agree(`(a) => Math.${fn}(a)`, I32S.map((x) => [x]), 'i32'); });
  for (const fn of ['atan2', 'imul', 'min', 'max', 'hypot']) it(`Math.${fn}`, () => agree(`(a, b) => Math.${fn}(a, b)`, pairs(F64S)));
  it('Math.pow and ** (bit-identical on Node 24+; docs/uops.md: within 1 ulp of the fdlibm pow of Node 20/22)', () => {
    const ulps = Number(process.versions.node.split('.')[0]) >= 24 ? 0 : 1;
    agree('(a, b) => Math.pow(a, b) + 0 * (a ** b)', pairs(F64S), 'f64', ulps);
    agree('(a, b) => a ** b', pairs(F64S), 'f64', ulps);
    agree('(a, b) => a ** b', pairs(I32S), 'i32', ulps);
  });
  it('min/max/hypot with 0, 1 and 3 arguments; constants', () => {
    agree('(a, b) => Math.min() + Math.max() * 0 + Math.hypot()', [[1, 2]]);
    agree('(a, b) => Math.min(a) + Math.max(b, a, -0) - Math.min(a, b, 0, -0)', pairs(F64S));
    agree('(a) => Math.hypot(a) + Math.PI * Math.E + Math.SQRT2', F64S.map((x) => [x]));
  });
  it('declines an inexact Math function and a wrong arity', () => {
    assert.match(declineOf('(a) => Math.sin(a)', ['f64'], new Set(['sin'])), /Math\.sin is not bit-identical on this engine/);
    assert.match(declineOf('(a) => Math.sqrt(a, a)', ['f64']), /takes exactly 1 argument/);
    // `**` and `**=` are Math.pow's stencil, and decline with it.
    const pow = new Set(['pow']);
    assert.match(declineOf('(a, b) => a ** b', ['f64', 'f64'], pow), /x \*\* y is not bit-identical on this engine/);
    assert.match(declineOf('(a, b) => { a **= b; return a; }', ['f64', 'f64'], pow), /x \*\* y is not bit-identical/);
    assert.match(declineOf('(v, b) => { v[0] **= b; }', ['Float64Array', 'f64'], pow), /x \*\* y is not bit-identical/);
    assert.match(declineOf('(a, b) => Math.pow(a, b)', ['f64', 'f64'], pow), /Math\.pow is not bit-identical/);
  });
});

describe('lowerKernel: typed arrays', () => {
  const ctors = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array];
  const indexes = [0, 1, 3, 4, -1, 1.5, NaN, -0, Infinity, 2 ** 31, 2 ** 32];
  for (const C of ctors) {
    it(`${C.name}: loads, stores of f64/i32/u32/boolean values, indices out of range`, () => {
      const a = () => C.from([1, 2, 3, 4]);
      agree('(a, i) => a[i] * 1', indexes.map((i) => [a(), i]));
      agree('(a, i) => a[i] | 0', indexes.map((i) => [a(), i]));
      agree('(a, i, x) => { a[i] = x; return a[0] * 1; }', indexes.flatMap((i) => F64S.map((x) => [a(), i, x])));
      agree('(a, i, x) => { a[i] = x | 0; a[i + 1] = x >>> 0; a[3] = x < 1; }', [0, 1, 2].flatMap((i) => F64S.map((x) => [a(), i, x])), ['f64', 'i32', 'f64']);
      agree('(a, i, x) => (a[i] = x) + (a[i] += 1) + a[i]++ + ++a[i] + (a[i] -= x)', indexes.flatMap((i) => [0, -0, 1.5, 300, 2 ** 32 - 1, NaN].map((x) => [a(), i, x])));
      agree('(a, x) => { for (let i = 0; i < a.length; i++) { a[i] = a[i] * x + i; a[i] |= 3; a[i] ^= a[i] >> 1; } return a.length; }', F64S.map((x) => [a(), x]));
      agree('(a) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s + (a[7] | 0); }', [[a()]]);
    });
  }
  it('u32 values into Uint8Clamped clamp to 255; i32 and f64 values round half to even', () => {
    agree('(a, x) => { a[0] = x >>> 0; a[1] = x | 0; a[2] = x; a[3] = x + 0.5; }', F64S.map((x) => [new Uint8ClampedArray(4), x]));
  });
  it('the same array twice (aliasing): loads and stores in program order', () => {
    const buf = new Float64Array([1, 2, 3]);
    agree('(a, b) => { a[0] = 5; const x = b[0]; b[1] = a[0] + x; return a[1] + (a[1] = 7) + a[1]; }', [[buf, buf]]);
  });
  it('a variable only ToInt32 reads holds ToInt32 of its value: an element that may be missing is its int32 load, 0 for a miss', () => {
    const ints = (n: number) => Int32Array.from({ length: n }, (_, x) => (x * 0x2345671) | 0);
    const at = [0, 1, 3, 4, -1, 1.5, NaN, 2 ** 31];
    // fannkuch's swap: perm[i] and perm[j] may be past the end (undefined, stored as 0).
    const swapSource = '(a, i, j) => { const t = a[i]; a[i] = a[j]; a[j] = t; }';
    const swap = agree(swapSource, at.flatMap((i) => at.map((j) => [ints(4), i, j])));
    assert.ok(!swap.uops.some((u) => /^(F64_TO_I32|LOAD_INT32) /.test(u)), swap.uops.join('\n'));
    const small = [0, 1, 3, 4, -1, 7, 2 ** 31 - 1, -(2 ** 31)];
    agree(swapSource, small.flatMap((i) => small.map((j) => [ints(4), i, j])), ['Int32Array', 'i32', 'i32']);
    // A value that is an int32 keeps its interval: an in-bounds Uint8 element stays in [0, 255],
    // so `(c >> 1) * 3` is an int32 product.
    const kept = agree('(a, b) => { for (let i = 0; i < a.length; i++) { const c = a[i]; b[i] = (c >> 1) * 3; } }', [[Uint8Array.from([0, 7, 255, 128]), new Float64Array(4)]]);
    assert.ok(kept.uops.some((u) => u.startsWith('IMUL_I32')), kept.uops.join('\n'));
    // In a kernel that writes no array (which speculates).
    const reads = '(a, i) => { const t = a[i]; let u = 5; u ^= t; return Math.imul(t, 3) ^ u; }';
    const lowerSpeculating = lowerKernel(planOf(reads), ['Float64Array', 'f64'], { speculate: true });
    assert.ok(lowerSpeculating.ok && /const t:i32/.test(lowerSpeculating.kernel.ir));
    agree(reads, at.map((i) => [Float64Array.from([3e9, -0, NaN, 1e10]), i]));
    // Bitwise reads, Math.imul, compound bitwise assignments, a sequence, every element kind; and
    // for Uint32 and float sources the conversion at the write.
    for (const C of ctors) {
      const a = () => C.from([1.75, -3, 70000, 3e9]);
      const k = agree('(a, b, i) => { let t = a[i]; b[0] = t; b[1] = t >>> 0; b[2] = ~t; b[3] = Math.imul(t, 3); let u = 0; u |= t; t = a[i + 1], b[i & 3] = t; return u ^ (t << 1); }',
        [0, 2, 3, 4, -1, NaN].map((i) => [a(), new Int32Array(4), i]));
      assert.match(k.ir, /let t:i32/, `${C.name}\n${k.ir}`);
    }
    agree('(a, b, n) => { let t = 7; for (let i = 0; i < n; i++) t = a[i]; b[0] = t; }', [0, 1, 4, 9].map((n) => [ints(4), new Int16Array(1), n]));
    // A literal is ToInt32 of itself at compile time.
    const literals = agree('(b) => { let t = 3e9; b[0] = t; const u = -1.5; b[1] = u | 1; t = b[2]; b[3] = t; }', [[new Int32Array(4)]]);
    assert.ok(!literals.uops.some((u) => u.startsWith('F64_TO_I32')), literals.uops.join('\n'));
    // Not when a read needs the value itself: arithmetic, a comparison, an assignment whose value
    // is used, `++`, a compound arithmetic assignment, a read under `?:` or `||`, Math.clz32 and
    // `-t` (which could be accepted); nor for a store into a float or clamped array (below).
    const keeps = [
      '(a, b, i) => { const t = a[i]; b[0] = t; return t * 1; }',
      '(a, b, i) => { const t = a[i]; b[0] = t; return (t | 0) + (t > 0); }',
      '(a, b, i) => { let t = 0; const s = (t = a[i]) * 2; b[0] = t; return s; }',
      '(a, b, i) => { let t = a[i]; t++; b[0] = t; }',
      '(a, b, i) => { let t = a[i]; t += 1; b[0] = t; }',
      '(a, b, i) => { const t = a[i]; let x = 0; x = (b[0] = t); return x * 1; }',
      '(a, b, i) => { const t = a[i]; return (i > 1 ? t : 0) | 0; }',
      '(a, b, i) => { const t = a[i]; return (i || t) | 0; }',
      '(a, b, i) => { const t = a[i]; return Math.clz32(t) + (-t | 0); }',
    ];
    for (const source of keeps) {
      const k = agree(source, at.map((i) => [ints(4), new Int32Array(1), i]));
      assert.match(k.ir, /let t:f64|const t:f64/, `${source}\n${k.ir}`);
    }
    for (const C of [Float64Array, Float32Array, Uint8ClampedArray]) {
      const k = agree('(a, b, i) => { const t = a[i]; b[0] = t; }', at.map((i) => [Float64Array.from([2.5, -1, 300.5, 1e10]), new C(1), i]));
      assert.match(k.ir, /const t:f64/, `${C.name}\n${k.ir}`);
    }
  });
  it('maybe-undefined reads in arithmetic and in conditions', () => {
    agree('(a, i) => { let x; const y = a[i] + 1; if (a[i]) x = 1; else x = 2; return y * 0 === 0 ? x + (a[i] | 0) : -x + (a[i] >>> 0); }', [0, 1, 5, -1, 0.5].map((i) => [new Int32Array([3, 0]), i]));
    agree('(a, i) => Math.max(a[i], 1) + (a[i] < 2) + (a[i] || 7)', [0, 1, 5].map((i) => [new Float32Array([3, 0]), i]));
  });
  it('declines undefined in === and return, and a number used as an array', () => {
    assert.match(declineOf('(a, i) => a[i] === a[i + 1] ? 1 : 0', ['Float64Array', 'f64']), /both operands may be undefined/);
    agree('(a, i) => (a[i] === 1 ? 1 : 0) + (a[i] !== 0 ? 2 : 0) + (a[i] == 3) * 4 + (NaN != a[i]) * 8', [0, 1, 2, 9, -1, 0.5].map((i) => [new Int8Array([1, 0, 3]), i]));
    assert.match(declineOf('(a, i) => a[i]', ['Float64Array', 'f64']), /`return` of a value that may be undefined/);
    assert.match(declineOf('(a, i) => a[i]', ['f64', 'f64']), /given f64/);
    assert.match(declineOf('(a) => a + 1', ['Float64Array']), /typed array/);
    assert.match(declineOf('(a) => a > 1', ['f64']), /boolean/);
  });
});

describe('lowerKernel: loops', () => {
  it('for/while/do-while with break, continue and labels', () => {
    const n = [0, 1, 5, 17, -3, 2.5, NaN];
    agree('(n) => { let s = 0; for (let i = 0; i < n; i++) { if (i === 3) continue; if (i > 10) break; s += i; } return s; }', n.map((x) => [x]));
    agree('(n) => { let s = 0, i = 0; while (i < n) { s = s * 2 + i; i += 1; } return s; }', n.map((x) => [x]));
    agree('(n) => { let s = 0, i = 0; do { s += i; i++; if (s > 100) break; } while (i < n); return s; }', n.map((x) => [x]));
    agree('(n) => { let s = 0; outer: for (let i = 0; i < n; i++) { for (let j = 0; j < n; j++) { if (j > i) continue outer; if (i * j > 20) break outer; s += j; } } return s; }', n.map((x) => [x]));
    agree('(n) => { let s = 0; for (;;) { s++; if (s >= n || s > 50) break; } b: { if (n > 3) break b; s = -s; } return s; }', n.map((x) => [x]));
    agree('(n) => { let s = 0; for (let i = n; i >= 0; i--) s += i; for (let i = 10; i > n; --i) s -= i; return s; }', [0, 3, 9].map((x) => [x]), 'i32');
  });
  it('proven loop counters are i32 (and i + 1 under the bound stays i32); others are f64', () => {
    const k = lowered('(a) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * a[i + 1 < a.length ? i + 1 : 0]; return s; }', ['Float64Array']);
    assert.ok(k.uops.some((u) => /^ADD_I32 (s\d+), \1, s\d+$/.test(u)), k.uops.join('\n'));
    assert.ok(k.uops.some((u) => u.startsWith('BR_LT_I32')), k.uops.join('\n'));
    assert.ok(k.uops.some((u) => u.startsWith('LOAD_FLOAT64 ')));
    assert.match(k.ir, /a\[i:i32\]\[in bounds\]/);
    const f = lowered('(a, n) => { let s = 0; for (let i = 0; i <= n; i++) s += a[i]; return s; }', ['Float64Array', 'f64']);
    assert.ok(f.uops.some((u) => u.startsWith('F64_TO_INDEX')), f.uops.join('\n'));
    assert.ok(!f.uops.some((u) => u.startsWith('ADD_I32')), f.uops.join('\n'));
    const c = agree('(a, b) => { const n = a.length; let s = 0; for (let i = 0; i < n; i++) s += a[i] * b[i]; return s; }', [[new Int16Array([1, -2, 3]), new Float32Array([0.5, 2])]]);
    assert.match(c.ir, /a\[i:i32\]\[in bounds\]:i32/);
    assert.match(c.ir, /b\[i:i32\]:f64\?/);
    const w = lowered('(a, n) => { let s = 0; for (let i = 0; i < n; i++) s += a[i]; return s; }', ['Float64Array', 'i32']);
    assert.ok(w.uops.some((u) => u.startsWith('BR_LT_I32')) && w.uops.some((u) => u.startsWith('ADD_I32')), w.uops.join('\n'));
  });
  it('a step that leaves int32 ends its loop: the update is checked, its overflow branch the loop\'s exit', () => {
    const top = 2 ** 31 - 1, bottom = -(2 ** 31);
    const exits = (k: { ir: string; uops: readonly string[] }, counter: string) => {
      assert.match(k.ir, new RegExp(`then \\(${counter}(\\+\\+|--| [+-]= [^)]*)\\):i32`), k.ir);
      // Its branch goes to a label of the loop, not to the DECLINE (which an entry guard may have).
      const at = k.uops.indexOf('DECLINE'), decline = at > 0 ? k.uops[at - 1].replace(/:$/, '') : null;
      const checked = k.uops.filter((u) => /^(ADD|SUB)_I32_EXACT /.test(u));
      assert.ok(checked.length > 0 && checked.every((u) => !u.endsWith(`, ${decline}`)), k.uops.join('\n'));
    };
    // `i += 2` and `j += s` up to a bound anywhere in int32, the last step past 2^31 - 1; a store
    // in the body (a kernel that stores never speculates: this is no speculation).
    const stride = agree('(a, start, n, s) => { let c = 0; for (let i = start; i < n; i += 2) { c += i; a[0] = i; } return c; }',
      [[new Int32Array(1), top - 5, top, 2], [new Int32Array(1), top - 4, top, 2], [new Int32Array(1), 0, 9, 2], [new Int32Array(1), bottom, bottom + 5, 2], [new Int32Array(1), 7, 3, 2]], 'i32');
    exits(stride, 'i');
    const step = agree('(start, n, s) => { let c = 0; for (let j = start; j <= n; j += s & 1023) { c += j; if (c > 1e12) break; } return c; }',
      [[top - 3000, top, 1000], [top - 3000, top, 1023], [top - 1, top, 1], [0, 50, 7], [5, 4, 3], [-10, 10, 1024 + 5]], 'i32');
    exits(step, 'j');
    // Downwards under `j > B`, and `j--` under `j >= n` for any int32 n.
    const down = agree('(start, n) => { let c = 0; for (let j = start; j > n; j -= 3) c += j; for (let k = start; k >= n; k--) c -= k & 1; return c; }',
      [[bottom + 7, bottom], [bottom + 2, bottom], [10, 0], [3, 5]], 'i32');
    exits(down, 'j');
    // sieve's inner loop.
    const sieve = agree('(flags, n) => { for (let i = 2; i * i < n; i++) if (flags[i] === 0) for (let j = i * i; j < n; j += i) flags[j] = 1; let c = 0; for (let i = 0; i < n; i++) c += flags[i]; return c; }',
      [[new Uint8Array(100), 100], [new Uint8Array(2), 2], [new Uint8Array(50), 40], [new Uint8Array(10), 30]], 'i32');
    exits(sieve, 'j');
    // Not where the counter is read after the loop, written by the body, bounded by a double or
    // only by `!==`, stepped by what may be negative, or where the test writes something.
    for (const [source, kinds] of [
      ['(n) => { let c = 0, i = 0; for (i = 0; i < n; i += 2) c++; return c + i; }', ['i32']],
      ['(n) => { let c = 0; for (let i = 0; i < n; i += 2) { c++; if (c === 3) i += 5; } return c; }', ['i32']],
      ['(n) => { let c = 0; for (let i = 0; i < n; i += 2) c++; return c; }', ['f64']],
      ['(n) => { let c = 0; for (let i = 0; i !== n; i += 2) c++; return c; }', ['i32']],
      ['(n, s) => { let c = 0; for (let i = 0; i < n; i += s) { c++; if (c > 9) break; } return c; }', ['i32', 'i32']],
      ['(n) => { let c = 0, t = 0; for (let i = 0; (t = i) < n; i += 2) c++; return c + t; }', ['i32']],
    ] as const) {
      const k = lowered(source, [...kinds]);
      assert.ok(!k.uops.some((u) => u.includes('_EXACT')), `${source}\n${k.uops.join('\n')}`);
    }
    agree('(n, s) => { let c = 0; for (let i = 0; i < n; i += s) { c++; if (c > 9) break; } return c; }', [[10, -(2 ** 31)], [10, -5], [top, 2 ** 30], [5, 1]], 'i32');
    // A bound that reads the counter, and a step that writes it inside the update: the loop goes
    // on past int32 in JS, so no exit may be taken (a reviewer's cases).
    agree('(start) => { let c = 0; for (let j = start; j <= j && c < 10; j += 2) c++; return c; }', [[top - 3], [0]], 'i32');
    agree('(start) => { let c = 0; for (let j = start; j >= j && c < 10; j -= 2) c++; return c; }', [[bottom + 2], [0]], 'i32');
    agree('(start, n) => { let c = 0; for (let j = start; j < n; j += ((j += 4) & 0) + 1) c++; return c; }', [[top - 3, top], [0, 5]], 'i32');
    // Checked exits are no speculation: the kernel is not marked speculative (nor recompiled as such).
    assert.equal(lowered('(n) => { let c = 0; for (let j = 0; j <= n; j += 2) c++; return c; }', ['i32']).speculative, false);
    // The value past int32 where the loop ends is what a counter read after the loop holds.
    agree('(n, start) => { let c = 0, i = 0; for (i = start; i < n; i += 2) c++; return c + i; }', [[top, top - 5], [top, top - 4], [10, 3], [-5, 0]], 'i32');
  });
  it('`i * i < n` bounds i by the square root of n: an int32 counter whose square in the body is an int32', () => {
    const top = 2 ** 31 - 1;
    const k = agree('(n) => { let s = 0; for (let i = 2; i * i < n; i++) s += i * i; return s; }', [[top], [100], [5], [0], [-7], [46341 * 46341 - 2 ** 32 + 1]], 'i32');
    assert.match(k.ir, /let i:i32/);
    assert.match(k.ir, /\(s \+= \(i:i32 \* i:i32\):i32\)/, k.ir);
    const le = agree('(n) => { let s = 0; for (let i = 0; i * i <= n; i++) s += i * i; return s; }', [[top], [0], [1], [48]], 'i32');
    assert.match(le.ir, /\(s \+= \(i:i32 \* i:i32\):i32\)/, le.ir);
    // A counter that may be negative is bounded on both sides, and its square stays a double (-0).
    agree('(n, m) => { let s = 0; for (let i = m; i * i < n; i++) s += i * i + i; return s; }', [[top, -46340], [100, -12], [3, 0], [5, -3]], 'i32');
  });
  it('x / 2^k is a multiply by 2^-k, bit for bit; any other divisor divides', () => {
    const xs = [...F64S, 3, 7, -7, 1e-310, -1e-310, 5e-324, 1.7976931348623157e308].map((x) => [x]);
    for (const c of ['2', '-2', '0.5', '1', '1024', '2 ** 1023', '2 ** -1022', '0.25']) {
      const k = agree(`(x) => x / (${c})`.replace('(2 ** 1023)', String(2 ** 1023)).replace('(2 ** -1022)', String(2 ** -1022)), xs);
      assert.ok(k.uops.some((u) => u.startsWith('MUL_F64')) && !k.uops.some((u) => u.startsWith('DIV_F64')), `${c}: ${k.uops.join('; ')}`);
    }
    for (const c of ['3', '6', '1e-320', String(2 ** -1023), '0', '-0', 'Infinity']) {
      const k = agree(`(x) => x / ${c}`, xs);
      assert.ok(k.uops.some((u) => u.startsWith('DIV_F64')), `${c}: ${k.uops.join('; ')}`);
    }
  });

  it('x * 2 and 2 * x are x + x, bit for bit: overflow, -0 and NaN payloads included', () => {
    const xs = [...F64S, 1e308, -1e308, 8.98846567431158e307, 1e-310, -5e-324].map((x) => [x]);
    for (const source of ['(x) => x * 2', '(x) => 2 * x', '(x) => 2 * x * x', '(x) => x * 2 * 2']) {
      const k = agree(source, xs);
      assert.ok(k.uops.some((u) => /^ADD_F64 (s\d+), (s\d+), \2$/.test(u)), `${source}: ${k.uops.join('; ')}`);
    }
    assert.ok(lowered('(x) => x * 3', ['f64']).uops.some((u) => u.startsWith('MUL_F64')));
    // NaN payloads, quiet and signaling, of either sign: the lowered kernel writes what MUL_F64 by 2 writes.
    const payloads = BigUint64Array.from([0x7ff8000000000001n, 0xfff8deadbeef0000n, 0x7ff4000000000abcn, 0xfff0000000000001n, 0x7ff0000000000001n]);
    const input = new Float64Array(payloads.buffer);
    const doubling = compile(lowered('(a, out) => { for (let i = 0; i < a.length; i++) out[i] = a[i] * 2; }', ['Float64Array', 'Float64Array']).trace);
    const b = new TraceBuilder();
    const [from, to] = [b.view(ElementKind.Float64), b.view(ElementKind.Float64)];
    const [x, two, y, zero] = [b.slot('f64'), b.slot('f64'), b.slot('f64'), b.slot('i32')];
    const miss = b.label();
    b.param(from).param(to).op('CONST_I32', zero, 0).op('CONST_F64', two, 2).op('LOAD_FLOAT64', x, from, zero, miss).define(miss)
      .op('MUL_F64', y, x, two).op('STORE_FLOAT64', to, zero, y).op('RETURN');
    const multiply = compile(b);
    try {
      const doubled = new Float64Array(input.length);
      doubling.call(input, doubled);
      input.forEach((_, i) => {
        const product = new Float64Array(1);
        multiply.call(input.subarray(i, i + 1), product);
        assert.equal(new BigUint64Array(doubled.buffer)[i], new BigUint64Array(product.buffer)[0], `payload ${payloads[i].toString(16)}`);
      });
    } finally {
      doubling.free();
      multiply.free();
    }
  });

  it('a[i * n + k] with int32 terms is one MULADD_INDEX, with the element JS reads and writes', () => {
    const f64s = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 1.5 - 3);
    // A row width w that bounds no loop (a square matrix's n gets an entry guard instead: below).
    const matmul = '(a, b, c, n, w) => { for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += a[i * w + k] * b[k * w + j]; c[i * w + j] = s; } }';
    const m = agree(matmul, [[f64s(9), f64s(9), new Float64Array(9), 3, 3], [f64s(4), f64s(4), new Float64Array(4), 2, 2], [f64s(9), f64s(9), new Float64Array(9), 2, 2 ** 31 - 1]], ['Float64Array', 'Float64Array', 'Float64Array', 'i32', 'i32']);
    assert.ok(!m.uops.some((u) => u.startsWith('F64_TO_INDEX')), m.uops.join('\n'));
    assert.equal(m.uops.filter((u) => u.startsWith('MULADD_INDEX')).length, 3, m.uops.join('\n'));
    // Loads, stores and updates at products far outside int32 and past 2^53, negative and in range,
    // with the addend first or last or absent (the load's miss reads undefined: NaN).
    const cases = [0, 1, 3, -3, 46341, 94906266, 2 ** 31 - 1, -(2 ** 31)].flatMap((p) => [0, 2, -1, -(2 ** 31), 2 ** 31 - 1].map((q) => [f64s(6), p, q]));
    const kinds = ['Float64Array', 'i32', 'i32'] as const;
    const u = agree('(a, p, q) => a[p * q] + a[p * q + 2] + a[1 + q * p] + a[(p | 0) * 3 + (q & 1)]', cases, kinds);
    assert.equal(u.uops.filter((x) => x.startsWith('MULADD_INDEX')).length, 4, u.uops.join('\n'));
    agree('(a, p, q) => { a[p * q + 1] = 7; a[q + p * -3] += 2; a[p * p]++; return a[0] + a[1]; }', cases, kinds);
    // A product that fits int32 stays i32; one with a fraction, a maybe-undefined or f64 term stays f64.
    const small = lowered('(a) => { let s = 0; for (let i = 0; i < 100; i++) s += a[i * 3 + 1]; return s; }', ['Float64Array']);
    assert.ok(!small.uops.some((x) => x.startsWith('MULADD_INDEX')), small.uops.join('\n'));
    const f = agree('(a, p, q) => a[p * q + 0.5] + a[p * 2.5] + a[p * q - 1]', cases.slice(0, 12), ['Float64Array', 'f64', 'i32']);
    assert.ok(!f.uops.some((x) => x.startsWith('MULADD_INDEX')), f.uops.join('\n'));
  });

  it('entry guards: a square matrix\'s n in [0, 46340] makes `i * n + k` an int32; other calls decline', () => {
    const f64s = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 1.5 - 3);
    const matmul = '(a, b, c, n) => { for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j]; c[i * n + j] = s; } }';
    const kinds = ['Float64Array', 'Float64Array', 'Float64Array', 'i32'] as const;
    const m = agree(matmul, [[f64s(9), f64s(9), new Float64Array(9), 3], [f64s(4), f64s(4), new Float64Array(4), 2], [f64s(4), f64s(4), new Float64Array(4), 0], [f64s(4), f64s(4), new Float64Array(4), -1]], kinds);
    assert.ok(!m.uops.some((u) => u.startsWith('MULADD_INDEX') || u.startsWith('F64_TO_INDEX')), m.uops.join('\n'));
    assert.match(m.ir, /\(\(i:i32 \* n:i32\):i32 \+ k:i32\):i32/, m.ir);
    assert.ok(m.uops.some((u) => /^BR_GT_I32 s\d+, s\d+, L\d+$/.test(u)) && m.uops.some((u) => /^CONST_I32 s\d+, 46340$/.test(u)), m.uops.join('\n'));
    // At the guard's ends (rows read past the arrays' ends are NaN), and past them (declined: V8 runs it).
    // (With n = 2^31 - 1, 2 * n + 3 wraps to 1 in int32: unguarded, the kernel would write a[1].)
    const rows = '(a, n) => { let s = 0; for (let i = 0; i < n; i++) { for (let k = 0; k < n; k++) { s += a[i * n + k]; a[i * n + k] = i * 10 + k; if (k > 2) break; } if (i > 2) break; } return s; }';
    const r = agree(rows, [[f64s(20), 46340], [f64s(20), 46341], [f64s(20), 2 ** 31 - 1], [f64s(20), 4], [f64s(20), -5], [f64s(20), 0]], ['Float64Array', 'i32']);
    assert.match(r.ir, /\(\(i:i32 \* n:i32\):i32 \+ k:i32\):i32/, r.ir);
    // No guard for a factor that bounds no counter it multiplies, nor for a parameter the body assigns.
    for (const source of [
      '(a, h, w) => { let s = 0; for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) s += a[i * w + j]; return s; }',
      '(a, n) => { let s = 0; for (let i = 0; i < n; i++) { s += a[i * n]; n--; } return s; }',
    ]) {
      const k = lowered(source, ['Float64Array', 'i32', 'i32'].slice(0, source.startsWith('(a, h') ? 3 : 2) as never);
      assert.ok(k.uops.some((u) => u.startsWith('MULADD_INDEX')) && !k.uops.some((u) => /, 46340$/.test(u)), `${source}\n${k.uops.join('\n')}`);
    }
  });

  it('entry guards: `i <= n` keeps i an i32 for n inside int32\'s ends, a[c] is in bounds for arrays long enough; other calls decline', () => {
    const MAX = 2 ** 31 - 1, MIN = -(2 ** 31);
    const count = '(k, n) => { let i = k, s = 0; for (; i <= n; i++) s++; for (let j = n; j >= k; j--) s += 2; return s * 4 + i; }';
    const c = agree(count, [[0, 5], [MAX - 3, MAX - 1], [MIN + 1, MIN + 3], [5, 0], [MAX - 1, MAX], [MIN, MIN + 2], [MIN, MIN]], 'i32');
    assert.match(c.ir, /let i:i32/);
    assert.match(c.ir, /let j:i32/);
    assert.ok(c.uops.includes('DECLINE') && c.uops.some((u) => u.startsWith('BR_LE_I32')) && c.uops.some((u) => u.startsWith('BR_GE_I32')), c.uops.join('\n'));
    const kernel = compile(c.trace);
    try {
      assert.equal(kernel.call(MAX - 3, MAX - 1), 3 * 4 + 3 * 8 + MAX);
      for (const [k, n] of [[0, MAX], [0, MIN], [MAX, 0], [MIN, 0]])
        assert.throws(() => kernel.call(k, n), { name: 'RangeError', code: 'ERR_JITCTL_DECLINED' }, `${k}, ${n}`);
      // k bounds only through `j >= k`: guarded as well; a strict `<` needs no guard.
      assert.equal(lowered('(n) => { let s = 0; for (let i = 0; i < n; i++) s++; return s; }', ['i32']).uops.includes('DECLINE'), false);
    } finally {
      kernel.free();
    }
    // Constant indices: a[0] of an Int32Array is an i32 in bounds; shorter arrays decline before any store.
    const ints = (n: number) => Int32Array.from({ length: n }, (_, i) => i * 7 - 3);
    const head = agree('(a, x) => { a[2] = x; a[0]++; let k = a[1]; while (k > 0) k -= 2; return a[0] + k; }', [[ints(3), 9], [ints(8), -4], [ints(2), 1], [ints(0), 1]], 'i32');
    assert.match(head.ir, /let k:i32 = a\[1:i32\]\[in bounds\]:i32/);
    const short = compile(head.trace);
    try {
      const a = ints(2);
      assert.throws(() => short.call(a, 5), { name: 'RangeError', code: 'ERR_JITCTL_DECLINED' });
      assert.deepEqual([...a], [...ints(2)]);
      // invoke returns the binding's DECLINED object rather than throwing.
      assert.equal(short.invoke(a, 5), declinedResult());
    } finally {
      short.free();
    }
    // A constant index past MAX_GUARDED_INDEX keeps its bounds check and no guard.
    const far = agree(`(a) => a[${MAX_GUARDED_INDEX + 1}] + 1`, [[new Float64Array(3)], [new Float64Array(MAX_GUARDED_INDEX + 2)]]);
    assert.equal(far.uops.includes('DECLINE'), false, far.uops.join('\n'));
  });

  it('a loop test narrows a variable the body writes in the statements before the write: gcd stays i32', () => {
    const gcd = '(n) => { let total = 0; for (let a = 1; a <= n; a++) for (let b = 1; b <= a; b++) { let x = a, y = b; while (y !== 0) { const t = x % y; x = y; y = t; } total += x; } return total; }';
    const g = agree(gcd, [[0], [1], [12], [40]], 'i32');
    assert.match(g.ir, /let y:i32/);
    assert.match(g.ir, /const t:i32 = \(x:i32 % y:i32\):i32/);
    assert.ok(!g.uops.some((u) => u.startsWith('MOD_F64')), g.uops.join('\n'));
    // After the write the test's interval is gone: here y may be 0 when `x % y` reads it (NaN).
    const after = agree('(n) => { let x = 7, y = n, s = 0; while (y !== 0) { y = y - 1; s += x % y; } return s; }', [[0], [1], [3], [6]], 'i32');
    assert.doesNotMatch(after.ir, /\(x:i32 % y:i32\):i32/);
    const ints = (n: number) => Int32Array.from({ length: n }, (_, i) => i * 7 - 3);
    // An update that reads first keeps it for its own read: j-- under `i < j` with i >= 0 stays in [0, ...].
    const rev = agree('(a) => { let i = 0, j = a.length - 1; while (i < j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; } return i * 1000 + j; }',
      [[ints(0)], [ints(1)], [ints(6)], [ints(7)]]);
    assert.match(rev.ir, /let j:i32/);
  });

  it('an i32 variable a loop never writes is converted to f64 once, before the loop, not at each use', () => {
    const source = '(u, v) => { const n = u.length; for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += (1 / ((i + j) * (i + j + 1) / 2 + i + 1)) * u[j]; v[i] = s; } }';
    const f64s = (n: number) => Float64Array.from({ length: n }, (_, k) => Math.sin(k) * 7);
    const k = agree(source, [[f64s(0), new Float64Array(0)], [f64s(1), new Float64Array(1)], [f64s(9), new Float64Array(9)]]);
    // The inner loop: from its body label to its backward branch (laid out before the outer one's;
    // a BR_LT_I32 before it is the entry guard v.length >= u.length, a forward branch).
    const branchAt = k.uops.findIndex((u, at) => u.startsWith('BR_LT_I32') && k.uops.slice(0, at).includes(`${u.split(', ').pop()}:`));
    const bodyLabel = `${k.uops[branchAt].split(', ').pop()}:`;
    const inner = k.uops.slice(k.uops.indexOf(bodyLabel), branchAt + 1);
    // j is converted once per iteration (it changes; `i + j` is computed once, as a shared value);
    // i, which the inner loop never writes, not at all.
    assert.equal(inner.filter((u) => u.startsWith('I32_TO_F64')).length, 1, inner.join('\n'));
    assert.equal(k.uops.filter((u) => u.startsWith('I32_TO_F64')).length, 2, k.uops.join('\n'));
    // A variable the loop writes is converted at each use, with the value it has there.
    agree('(a) => { let s = 0, k = 1; for (let i = 0; i < a.length; i++) { s += k * 0.5 + a[i]; k = k * 3 % 1000; } return s + k * 0.25; }', [[f64s(0)], [f64s(5)], [f64s(40)]]);
  });

  it('a negative literal is the int it is: `c = -1` keeps an i32 recurrence i32', () => {
    const crc = agree('(d, t) => { let c = -1; for (let i = 0; i < d.length; i++) c = t[(c ^ d[i]) & 0xff] ^ (c >>> 8); return (c ^ -1) >>> 0; }',
      [[Uint8Array.from([49, 50, 51, 52, 53]), Int32Array.from({ length: 256 }, (_, n) => (n * 2654435761) | 0)], [new Uint8Array(0), new Int32Array(256)]]);
    assert.match(crc.ir, /let c:i32 = -1:i32/);
    assert.ok(!crc.uops.some((u) => u.startsWith('F64_TO_I32') || u.startsWith('NEG_F64')), crc.uops.join('\n'));
    // -0, -Infinity and a negative fraction stay f64, with their values.
    agree('(x) => -0 + x * 0', [[1], [-1]]);
    agree('(x) => x < -Infinity ? 1 : -0.5', [[0], [-Infinity]]);
  });

  it('a recurrence bounded by a remainder settles as an int at a widening threshold; an unbounded one as f64', () => {
    const bytes = Uint8Array.from({ length: 3000 }, (_, n) => (n * 97 + 13) & 0xff);
    const adler = agree('(d) => { let a = 1, b = 0; for (let i = 0; i < d.length; i++) { a = (a + d[i]) % 65521; b = (b + a) % 65521; } return ((b << 16) | a) >>> 0; }',
      [[bytes], [new Uint8Array(0)], [Uint8Array.from({ length: 70000 }, () => 255)]]);
    assert.match(adler.ir, /let a:i32 = 1:i32/);
    assert.match(adler.ir, /let b:i32 = 0:i32/);
    // Doubling has no bound: it goes past every threshold to f64, and stays exact there.
    const doubling = agree('(n) => { let x = 1; for (let i = 0; i < n; i++) x = x * 2 + 1; return x; }', [[10], [40], [1100]], 'i32');
    assert.match(doubling.ir, /let x:f64/);
    // A sum of two bounded values that can leave int32 in the widened interval is f64.
    const sum = agree('(d) => { let a = 0, s = 0; for (let i = 0; i < d.length; i++) { a = (a + d[i]) % 1000000007; s = s + a; } return s; }',
      [[bytes], [Uint8Array.from({ length: 20000 }, () => 250)]]);
    assert.match(sum.ir, /let s:f64/);
  });

  it('a loop takes one branch per iteration and constants are set at entry', () => {
    const k = lowered('(a) => { for (let i = 0; i < a.length; i++) a[i] = a[i] * 2.5 + 1; }', ['Float64Array']);
    // The loop: from its body label (the target of the loop's one backward branch) to that branch.
    const branchAt = k.uops.findIndex((u) => u.startsWith('BR_LT_I32'));
    const bodyLabel = `${k.uops[branchAt].split(', ').pop()}:`;
    const body = k.uops.slice(k.uops.indexOf(bodyLabel), branchAt + 1);
    assert.equal(body.filter((u) => u.startsWith('CONST')).length, 0, k.uops.join('\n'));
    assert.equal(body.filter((u) => u.startsWith('MOV')).length, 0, k.uops.join('\n'));
    assert.equal(body.filter((u) => u.startsWith('BR_') || u.startsWith('JUMP')).length, 1, k.uops.join('\n'));
    agree('(a) => { for (let i = 0; i < a.length; i++) a[i] = a[i] * 2.5 + 1; }', [[new Float64Array([1, -0, NaN, 3])]]);
  });
});

describe('lowerKernel: evaluation order, assignments, returns', () => {
  it('a later operand that assigns an earlier read variable', () => {
    agree('(x) => x + (x = 1)', F64S.map((v) => [v]));
    agree('(x) => (x | 0) + (x = 3) * x', I32S.map((v) => [v]), 'i32');
    agree('(a, i) => a[i] + (a[i] = 5) + a[i]', [[new Float64Array([1, 2]), 0]]);
    agree('(a, i) => { a[i++] += 1; a[i++]++; return i; }', [[new Int16Array([1, 2, 3]), 0]], ['f64', 'i32']);
    agree('(a, i) => { a[i] = (i = 1); return i; }', [[new Float64Array([7, 8]), 0]], ['f64', 'i32']);
    agree('(x, y) => { let t = x; t += (t = y) * t; x = x++ + ++x; y = y-- - --y; x = x; return t * 3 + x + y; }', pairs(F64S.slice(0, 10)));
    agree('(x) => { let b = x > 1; b = !b; let c = x; c &&= 2; c ||= 3; c ??= 4; return b ? c : -c; }', F64S.map((v) => [v]));
  });
  it('the value of an assignment is its right-hand side', () => {
    agree('(a, x) => (a[0] = x) + (a[1] = x | 0)', F64S.map((x) => [new Int8Array(2), x]));
    agree('(a, x) => (a[0] += x)', F64S.map((x) => [new Uint8ClampedArray([200]), x]));
  });
  it('return types: i32, u32, f64, void, mixed', () => {
    assert.equal(lowered('(a, b) => a | b', ['i32', 'i32']).returnType, 'i32');
    assert.equal(lowered('(a, b) => a >>> b', ['i32', 'i32']).returnType, 'u32');
    assert.equal(lowered('(a) => a * 2', ['f64']).returnType, 'f64');
    assert.equal(lowered('(a) => { a[0] = 1; }', ['Float64Array']).returnType, 'void');
    agree('(a, b) => { if (a > 0) return a | 0; if (a < 0) return a >>> 0; return b; }', pairs(F64S));
    agree('(a) => { if (a[0] > 1) return; a[0] = 2; }', [[new Float64Array([1])], [new Float64Array([3])]]);
    agree('(n) => { let i = 0; while (true) { if (i * i > n) return i; i++; } }', [[0], [10], [99.5]]);
    assert.match(declineOf('(a) => { if (a > 1) return 1; }', ['f64']), /can also reach its end|falls off the end/);
    assert.match(declineOf('(a) => { if (a > 1) return 1; return; }', ['f64']), /returns a value/);
    assert.match(declineOf('(a) => { let x; return x; }', ['f64']), /may be undefined/);
  });
  it('printed IR and micro-ops', () => {
    const k = lowered('(a, x) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * x; return s; }', ['Float64Array', 'f64']);
    assert.match(k.ir, /let s:f64 = 0:i32/);
    assert.match(k.ir, /loop while \(i:i32 < a\.length:i32\):bool then \(i\+\+\):i32/);
    assert.ok(k.uops.includes('RETURN'));
    assert.ok(k.uops.some((u) => /^MUL_F64 s\d+, s\d+, s\d+$/.test(u)));
    assert.ok(k.lowerMs >= 0);
  });
});

describe('lowerKernel: values shared within a statement', () => {
  const count = (k: { uops: readonly string[] }, op: string) => k.uops.filter((u) => u === op || u.startsWith(`${op} `) || u.startsWith(`${op}__`)).length;

  it('a repeated sum of i32 variables is converted and added once (spectral\'s i + j)', () => {
    const spectral = '(u, v) => { const n = u.length; for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += 1 / ((i + j) * (i + j + 1) / 2 + i + 1) * u[j]; v[i] = s; } }';
    const u = Float64Array.from({ length: 7 }, (_, i) => 1 / (i + 1));
    const k = agree(spectral, [[u, new Float64Array(7)], [new Float64Array(0), new Float64Array(0)]], ['Float64Array', 'Float64Array']);
    // i + j added once per iteration: 5 adds where there were 6 (its conversions: the test of the loop hoist).
    assert.equal(count(k, 'ADD_F64'), 5, k.uops.join('\n'));
    const once = agree('(a, b) => ((a + b) * (a - b)) / ((a + b) * (a - b) + 1) + (a + b)', pairs(F64S));
    assert.equal(count(once, 'ADD_F64'), 3, once.uops.join('\n'));  // a + b, + 1, the last +
    assert.equal(count(once, 'SUB_F64'), 1, once.uops.join('\n'));
    agree('(a, b) => { const x = (a * b) % 7; return x + (a * b) % 7 + ((a * b) | 0); }', pairs(I32S), 'i32');
    agree('(a, b) => { let s = 0; for (let i = 0; i < 5; i++) s += (a + i) * (a + i) - (i - b) / (i - b); return s; }', pairs(F64S));
  });

  it('is not shared where the statement writes one of its variables, or where a branch may skip the first', () => {
    const written = agree('(a, b) => { let x = a; const y = (x + b) * ((x += 1) + (x + b)); return y + x; }', pairs(F64S));
    assert.equal(count(written, 'ADD_F64'), 5, written.uops.join('\n'));
    // The first a + b only when a > 0: the second computes its own.
    const branch = agree('(a, b) => (a > 0 ? a + b : 1) + (a + b)', pairs(F64S));
    assert.equal(count(branch, 'ADD_F64'), 3, branch.uops.join('\n'));
    agree('(a, b) => (a > 0 && a + b > 2) + (a + b) * (a + b)', pairs(F64S));
    // A logical assignment's right side runs on one path too.
    const logical = agree('(x, i, j) => (x ||= i * j) + i * j', [[1, 2, 3], [0, 2, 3], [NaN, -4, 0]], ['f64', 'i32', 'i32']);
    assert.equal(count(logical, 'MUL_F64') + count(logical, 'IMUL_I32'), 2, logical.uops.join('\n'));
    agree('(x, i, j) => (x &&= i - j) * (i - j) + (x ??= i - j)', [[0, 2, 5], [1, 2, 5], [-0, 7, 7]], ['f64', 'i32', 'i32']);
    agree('(a, i, j) => { const s = (a[0] ||= i * j) + i * j; return s + a[0]; }', [[new Float64Array(1), 2, 3], [Float64Array.of(5), 2, 3]], ['Float64Array', 'i32', 'i32']);
    agree('(a, b) => { let i = 0; const t = (a + i) * (a + (i++)) + (a + i); return t + i; }', pairs(F64S));
  });
});

describe('lowerKernel: values shared across the statements of a run, and loop invariants', () => {
  const count = (k: { uops: readonly string[] }, op: string) => k.uops.filter((u) => u === op || u.startsWith(`${op} `)).length;
  const f64s = (n: number, seed = 1) => Float64Array.from({ length: n }, (_, k) => Math.sin(k * seed + 0.5) * 7);
  it('a value consecutive statements compute again is read from the slot of the first', () => {
    const k = agree('(x, y) => { const a = x * y + 1; const b = x * y - 2; let c = a * b; c += x * y; return c * (x * y); }', pairs(F64S));
    assert.equal(count(k, 'MUL_F64'), 3, k.uops.join('\n'));  // x * y once (of four), a * b, c * (x * y)
    // n-body's shape: an element's three coordinates at 3 * j, 3 * j + 1 and 3 * j + 2.
    const coords = '(p, q) => { let e = 0; for (let j = 0; j < q.length; j++) { const dx = p[3 * j] - q[j]; const dy = p[3 * j + 1] - q[j]; const dz = p[3 * j + 2] * dx; e += dx * dy + dz; } return e; }';
    agree(coords, [[f64s(30), f64s(10, 3)], [f64s(29), f64s(10, 3)], [f64s(0), f64s(4)]]);
  });

  it('is computed again after a statement writes one of its variables, and not shared out of a branching statement', () => {
    const written = agree('(x, y) => { const a = x * y; x = x + 1; const b = x * y; return a + b + x * y; }', pairs(F64S));
    assert.equal(count(written, 'MUL_F64'), 2, written.uops.join('\n'));  // before and after x = x + 1
    const updated = agree('(x, y) => { let a = x * y; x++; a += x * y; y -= 1; return a - x * y; }', pairs(F64S.slice(0, 12)));
    assert.equal(count(updated, 'MUL_F64'), 3, updated.uops.join('\n'));
    // The first x * y only when x > 0: the statements after compute their own.
    const branching = agree('(x, y) => { const a = x > 0 ? x * y : 1; const b = x * y; return a + b * (x * y); }', pairs(F64S));
    assert.equal(count(branching, 'MUL_F64'), 3, branching.uops.join('\n'));
    // A statement that is not straight-line (an if) ends the run: after it, computed again.
    const split = agree('(x, y) => { let a = x * y; if (a > 1) a = 0; return a + x * y; }', pairs(F64S));
    assert.equal(count(split, 'MUL_F64'), 2, split.uops.join('\n'));
  });

  it('arithmetic over variables a loop never writes is computed once, before the loop', () => {
    const k = agree('(a, x, y) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * (x * y + 1); return s; }',
      [[f64s(9), 3, 0.5], [f64s(0), 1, 2], [f64s(5), NaN, -0], [f64s(3), Infinity, 0]]);
    const [loop] = loopsOf(k);
    assert.equal(count({ uops: loop }, 'MUL_F64'), 1, loop.join('\n'));  // a[i] * invariant
    assert.equal(count({ uops: loop }, 'ADD_F64'), 1, loop.join('\n'));  // s +=
    assert.equal(count(k, 'MUL_F64'), 2, k.uops.join('\n'));
    // Nested: `3 * i` and `3 * i + 1` leave the inner loop (it never writes i), `3 * j` does not.
    const nested = '(p, out) => { const n = out.length; for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += p[3 * i + 1] * p[3 * j]; out[i] = s; } }';
    const nk = agree(nested, [[f64s(30), new Float64Array(10)], [f64s(8), new Float64Array(4)], [f64s(0), new Float64Array(0)]]);
    const [inner, outer] = loopsOf(nk);
    assert.equal(inner.filter((u) => u.startsWith('MULADD_INDEX')).length, 1, inner.join('\n'));
    assert.equal(outer.filter((u) => u.startsWith('MULADD_INDEX')).length, 2, outer.join('\n'));
  });

  it('the products a loop test computes on every path into the body are read by its first statements (mandelbrot\'s zr * zr)', () => {
    const mandel = '(cr, ci, max) => { let zr = 0, zi = 0, it = 0; while (it < max && zr * zr + zi * zi <= 4) { const t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; it++; } return it + zr; }';
    const cases = [[-0.75, 0.1, 50], [0.3, 0.5, 50], [2, 2, 50], [-2, 0, 20], [0.25, 0, 0], [NaN, 0, 5], [-0.1, 0.65, 100]];
    const k = agree(mandel, cases, ['f64', 'f64', 'i32']);
    // zr * zr and zi * zi once each, in the test; the body's 2 * zr is an add.
    assert.equal(count(k, 'MUL_F64'), 3, k.uops.join('\n'));
    // Not from a test that writes the variable, a branch of `||`, a do-while (the body runs before
    // any test), a body that starts with an `if` or writes the variable first.
    const f = (body: string, test = 'x * x < 60') => `(x, y) => { let s = 0, n = 0; ${body.replace('TEST', test)} return s + x; }`;
    const loops = [
      f('while (TEST) { s += x * x; x += 1; if (++n > 40) break; }', '(x = x + 0.5) * x < 60'),
      f('while (TEST) { s += x * x; x += 1; y -= 1; if (++n > 40) break; }', 'x * x < 60 || y > 0'),
      f('do { s += x * x; x += 1; } while (TEST && ++n < 40);'),
      f('while (TEST && ++n < 40) { if (s > 100) s = 0; s += x * x; x += 1; }'),
      f('while (TEST && ++n < 40) { x = x + 1; s += x * x; }'),
      f('for (; TEST && n < 40; x++) { s += x * x; if (s > 50) continue; s += y * x * x; n++; }'),
      f('while (TEST && ++n < 40) { s += x * x * (y * y); x += 0.25; }', 'x * x < 60 && y * y > 0.5'),
    ];
    for (const source of loops) agree(source, [[1, 2], [-3, -1], [0.5, 0], [NaN, 1], [9, 9], [-0, -0]]);
    assert.equal(count(lowered(loops[4], ['f64', 'f64']), 'MUL_F64'), 2, loops[4]);  // the test's and the body's (x written first)
    assert.equal(count(lowered(loops[6], ['f64', 'f64']), 'MUL_F64'), 3, loops[6]);  // x * x, y * y, their product
  });

  it('what reads a variable the loop declares or writes stays in the loop', () => {
    // `let t;` writes undefined at each iteration: t * 2 is NaN there, whatever t held before.
    agree('(a, x) => { let s = 0, t = x; for (let i = 0; i < a.length; i++) { s += t * 2; let u; s += u * x; t = a[i]; } return s + t; }', [[f64s(4), 3], [f64s(0), 2], [f64s(1), -0]]);
    agree('(a, x) => { let s = 0; for (let i = 0; i < a.length; i++) { const c = x + i; s += c * x + (x * 3); } return s; }', [[f64s(4), 3], [f64s(0), 2]]);
    agree('(a, x) => { let s = 0; for (let i = 0; i < a.length; i++) { s += x * 3; x = a[i]; } return s + x * 3; }', [[f64s(4), 3], [f64s(0), 2], [f64s(3), NaN]]);
    // A loop that never runs: the value computed before it is not used, the result is V8's.
    agree('(a, x, y) => { let s = 1; for (let i = 0; i < a.length; i++) s = x / y; return s; }', [[f64s(0), 1, 0], [f64s(2), 1, 0], [f64s(1), -1, -0]]);
  });
});

describe('lowerKernel: int32 speculation (a kernel that writes no array)', () => {
  const speculated = (source: string, signature: Signature) => {
    const r = lowerKernel(planOf(source), signature, { speculate: true });
    if (!r.ok) assert.fail(`declined: ${r.decline.message}`);
    return r.kernel;
  };
  const collatz = '(n) => { let total = 0; for (let i = 1; i <= n; i++) { let x = i; while (x !== 1) { x = x % 2 === 0 ? x / 2 : 3 * x + 1; total++; } } return total; }';

  it('takes no overflow exit where the loop\'s bound is speculated: in JS it may be past int32', () => {
    // A reviewer's case: at m = 2^30 - 1, m * 2 leaves int32 in the test, so JS goes on looping.
    const source = '(start, m) => { let c = 0; for (let j = start; j < m * 2 && c < 10; j += 4) { c++; m += 3; } return c; }';
    const k = speculated(source, ['i32', 'i32']);
    const fn = new Function(`return (${source})`)() as (start: number, m: number) => number;
    const kernel = compile(k.trace);
    try {
      for (const [start, m] of [[2147483645, 1073741823], [2147483640, 1073741800], [0, 5], [7, 2]]) {
        let got: unknown;
        try { got = kernel.call(start, m); } catch (error) { got = (error as { code?: string }).code === 'ERR_JITCTL_DECLINED' ? fn(start, m) : error; }
        assert.ok(Object.is(got, fn(start, m)), `${start}, ${m}: ${String(got)}, V8 ${fn(start, m)}\n${k.uops.join('\n')}`);
      }
    } finally {
      kernel.free();
    }
  });

  it('keeps collatz\'s x an int32 whose every step is checked, and gives V8\'s results', () => {
    const k = speculated(collatz, ['i32']);
    assert.ok(k.speculative);
    assert.match(k.ir, /let x:i32/);
    assert.match(k.ir, /let total:i32/);
    for (const op of ['MUL_I32_EXACT', 'ADD_I32_EXACT', 'DIV_POW2_I32_EXACT']) assert.ok(k.uops.some((u) => u.startsWith(op)), `${op}\n${k.uops.join('\n')}`);
    // x >= 0 there, so x % 2 is a mask.
    assert.ok(k.uops.some((u) => u.startsWith('AND_I32')) && !k.uops.some((u) => u.startsWith('MOD_')), k.uops.join('\n'));
    const fn = new Function(`return (${collatz})`)() as (n: number) => number;
    const kernel = compile(k.trace);
    try {
      for (const n of [0, 1, 10, 1000, -5]) assert.equal(kernel.call(n), fn(n), `n = ${n}`);
    } finally {
      kernel.free();
    }
    // Without speculation: x is an f64, no check.
    const plain = lowerKernel(planOf(collatz), ['i32']);
    assert.ok(plain.ok && !plain.kernel.speculative && /let x:f64/.test(plain.kernel.ir));
  });

  it('declines the call exactly where JS\'s value leaves int32 or is -0, and never in a kernel that writes an array', () => {
    const k = speculated('(a, b) => { let s = a * b; s = s + a; return s / 4 - b; }', ['i32', 'i32']);
    assert.ok(k.speculative);
    const fn = (a: number, b: number) => { let s = a * b; s = s + a; return s / 4 - b; };
    const kernel = compile(k.trace);
    try {
      const MAX = 2 ** 31 - 1, MIN = -(2 ** 31);
      const cases = [[3, 5], [4, 7], [0, -3], [-4, 0], [65536, 32768], [46341, 46341], [MAX, 1], [MIN, 1], [8, MIN], [-8, 0], [2, 1], [4, 3], [MIN, -1]];
      for (const [a, b] of cases) {
        const js = fn(a, b);
        // s / 4 falls through only for a multiple of 4, a * b and s + a only in int32 and never -0.
        const product = a * b, sum = product + a, stays = [product, sum, sum / 4, sum / 4 - b].every(isInt32);
        if (stays) assert.equal(kernel.call(a, b), js, `${a}, ${b}`);
        else assert.throws(() => kernel.call(a, b), { name: 'RangeError', code: 'ERR_JITCTL_DECLINED' }, `${a}, ${b}`);
      }
    } finally {
      kernel.free();
    }
    // In a ToInt32 context a speculated value is still checked: its interval says what a wrapped
    // product or sum would not be (here non-negative, so that `% 2` is a mask).
    const masked = '(a, b, r) => ((((a & 65535) * (b & 1048575)) & r) % 2) + ((((a & 1073741823) + (b & 1073741823) + (b & 1073741823)) & r) % 2)';
    const wrapped = speculated(masked, ['i32', 'i32', 'i32']);
    const maskedFn = new Function(`return (${masked})`)() as (a: number, b: number, r: number) => number;
    const wrappedKernel = compile(wrapped.trace);
    try {
      for (const [a, b, r] of [[65535, 32769, -1], [3, 5, -1], [1073741823, 1073741823, -1], [7, 1, 5]]) {
        let got: unknown;
        try { got = wrappedKernel.call(a, b, r); } catch (error) { got = (error as { code?: string }).code; }
        assert.ok(got === 'ERR_JITCTL_DECLINED' || Object.is(got, maskedFn(a, b, r)), `${a}, ${b}, ${r}: ${String(got)}, V8 ${maskedFn(a, b, r)}`);
      }
    } finally {
      wrappedKernel.free();
    }
    // The same arithmetic with an element store stays f64: a decline after the store would not be exact.
    const stores = speculated('(a, n) => { let s = n * n; a[0] = 1; return s + n; }', ['Float64Array', 'i32']);
    assert.ok(!stores.speculative && !stores.uops.some((u) => u.includes('_EXACT')), stores.uops.join('\n'));
    // Division by anything but a literal power of two stays f64.
    const div = speculated('(a, b) => (a * 3) / 3 + (a + b) / b', ['i32', 'i32']);
    assert.ok(!div.uops.some((u) => u.startsWith('DIV_POW2')), div.uops.join('\n'));
  });

  it('computes a speculated loop invariant once before the loop (n-body\'s 3 * i), declining where it leaves int32 even if the loop never runs', () => {
    const energy = '(p, m) => { let e = 0; for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) { const dx = p[3 * i] - p[3 * j]; const dy = p[3 * i + 1] - p[3 * j + 1]; e += m[i] * m[j] / (dx * dx + dy * dy); } return e; }';
    const k = speculated(energy, ['Float64Array', 'Float64Array']);
    assert.ok(k.speculative);
    // In the inner loop: 3 * j once (shared by its two statements), 3 * i never (hoisted).
    const [innerLoop] = loopsOf(k);
    assert.equal(innerLoop.filter((u) => u.startsWith('MUL_I32_EXACT')).length, 1, innerLoop.join('\n'));
    const fn = new Function(`return (${energy})`)() as (p: Float64Array, m: Float64Array) => number;
    const kernel = compile(k.trace);
    try {
      for (const n of [0, 1, 2, 7]) {
        const p = Float64Array.from({ length: 3 * n }, (_, x) => Math.cos(x) * 3), m = Float64Array.from({ length: n }, (_, x) => 1 + x / 7);
        assert.ok(Object.is(kernel.call(p, m), fn(p, m)), `n = ${n}`);
      }
    } finally {
      kernel.free();
    }
    // A loop test that narrows k proves `k * 2000000` inside that loop (an unchecked IMUL_I32);
    // outside it the same product is speculated and checked. They never share a slot: a wrapped
    // value read where the check must decline would be a wrong result, not a decline.
    const narrowed = [
      '(n, k) => { let s = 0; for (let i = 0; i < n; i++) { for (let j = 0; k >= 0 && k < 1000 && j < 2; j++) { s += k * 2000000; } s += k * 2000000; } return s; }',
      '(n, k) => { let s = 0; for (let i = 0; i < n; i++) { for (let j = 0; k >= 0 && k < 1000 && j < 2; j++) { s += k + 2147482000; } s += k + 2147482000; } return s; }',
      '(n, k) => { let s = 0, i = 0; while ((s += k * 2000000) > -1e15 && k >= 0 && k < 1000 && i < n) { s += k * 2000000; i++; } return s; }',
    ];
    for (const source of narrowed) {
      const lowered = speculated(source, ['i32', 'i32']);
      const fn = new Function(`return (${source})`)() as (n: number, k: number) => number;
      const kernel = compile(lowered.trace);
      try {
        for (const [n, k] of [[1, 5], [1, 5000], [2, 3000], [0, 3000], [2, 5000], [1, -7], [3, 999]]) {
          let got: unknown;
          try { got = kernel.call(n, k); } catch (error) { got = (error as { code?: string }).code; }
          assert.ok(got === 'ERR_JITCTL_DECLINED' || Object.is(got, fn(n, k)), `${source} on (${n}, ${k}): ${String(got)}, V8 ${fn(n, k)}\n${lowered.uops.join('\n')}`);
          if (isInt32(fn(n, k)) && n > 0 && k >= 0 && k < 1000) assert.equal(got, fn(n, k), `${source} on (${n}, ${k})`);
        }
      } finally {
        kernel.free();
      }
    }
    // x * 65536 leaves int32 for x = 65536: computed before the loop, it declines even where the
    // loop runs no iteration (the caller then runs the function itself, so the result is still V8's).
    const source = '(n, x) => { let t = 0; for (let i = 0; i < n; i++) t = (t + x * 65536) % 1000; return t; }';
    const hoisted = speculated(source, ['i32', 'i32']);
    assert.ok(hoisted.speculative);
    const plainFn = new Function(`return (${source})`)() as (n: number, x: number) => number;
    const hoistedKernel = compile(hoisted.trace);
    try {
      for (const [n, x] of [[3, 7], [0, 7], [5, -32768], [1, 32767]]) assert.equal(hoistedKernel.call(n, x), plainFn(n, x), `${n}, ${x}`);
      assert.throws(() => hoistedKernel.call(0, 65536), { name: 'RangeError', code: 'ERR_JITCTL_DECLINED' });
      assert.throws(() => hoistedKernel.call(2, 65536), { name: 'RangeError', code: 'ERR_JITCTL_DECLINED' });
    } finally {
      hoistedKernel.free();
    }
  });
  it('shares a loop test\'s speculated value with the body from the first conjunct only, which runs whenever the test does', () => {
    // i * k in a later conjunct: computed before the test, it would decline at i = n, where JS
    // stops at `i < n` and never computes it (3 * 1e9 leaves int32).
    const later = '(n, k) => { let s = 0, i = 0; while (i < n && i * k > -1000) { s = (s + i * k) % 7; i++; } return s; }';
    const laterKernel = speculated(later, ['i32', 'i32']);
    assert.ok(laterKernel.speculative);
    // The first conjunct: computed there anyway, and read by the body.
    const first = '(n, k) => { let s = 0, i = 0; while (i * k < 2000000000 && i < n) { s = (s + i * k) % 7; i++; } return s; }';
    const firstKernel = speculated(first, ['i32', 'i32']);
    assert.ok(firstKernel.speculative);
    const [firstLoop] = loopsOf(firstKernel);
    assert.equal(firstLoop.filter((u) => u.startsWith('MUL_I32_EXACT')).length, 1, firstLoop.join('\n'));
    // The arguments where JS's own evaluation leaves int32 (the call declines): 3 * 1e9 in the body, in the first conjunct.
    for (const [source, k, leaves] of [[later, laterKernel, [4, 1e9]], [first, firstKernel, [5, 1.5e9]]] as const) {
      const fn = new Function(`return (${source})`)() as (n: number, k: number) => number;
      const kernel = compile(k.trace);
      try {
        for (const [n, x] of [[3, 1e9], [0, 1e9], [2, 1e9], [5, 3], [4, 65536], [1, 1.5e9]]) assert.equal(kernel.call(n, x), fn(n, x), `${source} on (${n}, ${x})`);
        assert.throws(() => kernel.call(...leaves), { name: 'RangeError', code: 'ERR_JITCTL_DECLINED' });
      } finally {
        kernel.free();
      }
    }
  });
});

describe('lowerKernel: variables, signatures and failures', () => {
  it('var and let without a value: undefined (NaN) until assigned, reset per iteration for let', () => {
    agree('(n) => { let s = 0; for (let i = 0; i < 3; i++) { let t; if (i === n) t = 5; s += t > 1 ? t : 2; } return s; }', [[0], [1], [7]]);
    agree('(n) => { let s = 0; for (let i = 0; i < 3; i++) { if (i > n) { var v = i; } s += v | 0; } return s; }', [[0], [1], [-1]]);
    agree('(n) => { var w = n * 2; return w + 1; }', [[3], [-0]]);
    agree('(n) => { var w = n; for (let i = 0; i < 2; i++) { var w; w = w + 1; } return w * 1; }', [[3], [NaN]]);
    assert.match(declineOf('(n) => { var w; return w; }', ['f64']), /may be undefined/);
  });
  it('an i32 parameter assigned an f64 value gets an f64 slot', () => {
    const k = agree('(i) => { i = i / 2; return i; }', I32S.map((x) => [x]), 'i32');
    assert.ok(k.uops.includes('I32_TO_F64 s1, s0') || k.uops.some((u) => u.startsWith('I32_TO_F64')), k.uops.join('\n'));
    agree('(i, j) => { let k = i; k += j; return k; }', pairs(I32S), 'i32');
  });
  it('declines a wrong signature length, a reassigned array, booleans mixed with numbers', () => {
    assert.match(declineOf('(a, b) => a + b', ['f64']), /1 argument kinds for 2 parameters/);
    assert.match(declineOf('(a, b) => { a = b; return 1; }', ['Float64Array', 'Float64Array']), /typed array|reassigns/);
    assert.match(declineOf('(a) => { let b = a > 1; b = 2; return b; }', ['f64']), /both booleans and numbers/);
    assert.match(declineOf('(a) => a ? 1 : (a > 2)', ['f64']), /one branch is a boolean/);
    assert.match(declineOf('(a, i) => a[i > 1]', ['Float64Array', 'f64']), /boolean index/);
  });
  it('never throws: an internal failure comes back as an "internal error" decline', () => {
    const plan = planOf('(a) => a + 1');
    const broken = { ...plan, ir: { ...plan.ir, body: [{ kind: 'return', at: { line: 1, column: 1 }, value: { kind: 'nonsense', at: { line: 1, column: 1 } } }] } } as unknown as typeof plan;
    const r = lowerKernel(broken, ['f64']);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.decline.construct, 'internal error');
      assert.match(r.decline.message, /^internal error at line 1, column 1: the front end failed/);
    }
  });
  it('declines carry construct, position, reason, fix and the one-line message', () => {
    const r = lowerKernel(planOf('(a, b) => {\n  return b[a] === b[a + 1] ? 1 : 0;\n}'), ['f64', 'Float64Array']);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.decline.construct, '`===`');
      assert.equal(r.decline.line, 2);
      assert.equal(r.decline.column, 10);
      assert.equal(r.decline.message, `${r.decline.construct} at line 2, column 10: ${r.decline.reason}; ${r.decline.fix}`);
    }
  });
});
