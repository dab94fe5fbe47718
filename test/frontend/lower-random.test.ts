// Random kernels (a seeded generator over the subset: every operator, assignments and updates
// inside expressions, element reads and writes, ternaries, logicals, loops) lowered, compiled and
// run against V8 on edge values. A decline is fine (the generator does not avoid every declined
// use, e.g. `undefined && x`), an internal error or a different result is not.

import assert from 'node:assert/strict';

import { lowerKernel } from '../../lib/compiler/frontend/index.js';
import { compile } from '../../lib/engine.js';
import { planOf } from './plan-of.js';
import { callAsTier, sameValue, type Arg } from './lower-helpers.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const COUNT = Number(process.env.LOWER_RANDOM_COUNT ?? 600);
const SEED = Number(process.env.LOWER_RANDOM_SEED ?? 20261202);
const LITERALS = ['0', '1', '(-1)', '2.5', '3', '255', '2147483647', '(-2147483648)', '4294967295', '0.5', '(-0)', 'NaN', 'Infinity', '1e300', '7'];
// `**` is bit-identical to V8 from Node 24 on (docs/uops.md; lower.test.ts checks it within 1 ulp before).
const POW = Number(process.versions.node.split('.')[0]) >= 24 ? ['**'] : [];
const ARITH = ['+', '-', '*', '/', '%', ...POW, '|', '&', '^', '<<', '>>', '>>>'];
const COMPARE = ['<', '<=', '>', '>=', '===', '!==', '==', '!='];

function generator(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const index = (): string => pick(['i', '(i + 1)', 'x', '0', '(i & 3)', 'k', '(k - 1)', '2', 't', 'j']);
  const arr = (): string => pick(['a', 'f', 'u', 'c', 'g']);
  const expr = (depth: number): string => {
    if (depth <= 0 || random() < 0.15) return pick(['x', 'y', 'i', 's', 'k', 't', 'j', ...LITERALS, `${arr()}[${index()}]`, `${arr()}[${index()}]`, `${arr()}.length`]);
    const e = () => expr(depth - 1);
    switch (Math.floor(random() * 16)) {
      case 0: case 1: case 2: return `(${e()} ${pick(ARITH)} ${e()})`;
      case 3: return `(${pick(['-', '~', '+', '!'])}${e()})`;
      case 4: return `((${e()} ${pick(COMPARE)} ${e()}) ? ${e()} : ${e()})`;
      case 5: return `(${e()} ${pick(['&&', '||', '??'])} ${e()})`;
      case 6: return `(${pick(['x', 'y', 's'])} ${pick(['=', '+=', '-=', '*=', '|=', '>>>=', '&&=', '||=', '??='])} ${e()})`;
      case 7: return pick(['(x++)', '(--y)', '(s++)', '(i++)', '(t--)', `(${arr()}[${index()}]++)`, `(--${arr()}[${index()}])`]);
      case 8: return `(${arr()}[${index()}] ${pick(['=', '+=', '^=', '*=', '>>>=', '||=', '-='])} ${e()})`;
      case 9: return `Math.${pick(['floor', 'abs', 'sqrt', 'round', 'sign', 'trunc', 'fround', 'clz32'])}(${e()})`;
      case 10: return `Math.${pick(['max', 'min', 'imul', 'atan2', 'hypot'])}(${e()}, ${e()})`;
      case 11: return `Math.min(${e()}, ${e()}, ${e()})`;
      case 12: return `(${e()}, ${e()})`;
      case 13: return `((${e()} + ${e()}) | 0)`;
      case 14: return `(((${e()} ${pick(COMPARE)} ${e()}) && (${e()} ${pick(COMPARE)} ${e()})) ? ${e()} : ${e()})`;
      default: return `(i = (${e()}) | 0)`;
    }
  };
  const stmt = (depth: number): string => {
    switch (Math.floor(random() * 10)) {
      case 6: return `for (let j = ${pick(['0', '(i | 0) % 3', 'k', '(i & 7)'])}; j < ${pick(['a.length', 'u.length', '3', 'k'])}; j++) { ${stmt(depth - 1)} ${pick(['', 'if (j > 1) continue outer;', 'if (s > 9) break outer;', 'u[j] = j;'])} }`;
      case 7: return `{ let m = ${pick(['0', '(x & 1)', 'k', '-1.5'])}; while (m < ${pick(['2', '3', 'k'])}) { m++; ${stmt(depth - 1)} } }`;
      case 8: return `{ let q = 0; do { q += 1; ${stmt(depth - 1)} } while (q < 2 && ${expr(1)}); }`;
      case 9: return `t = ${expr(depth)};`;
      case 0: return `s += ${expr(depth)};`;
      case 1: return `if (${expr(depth)} ${pick(COMPARE)} ${expr(depth)}) { ${stmt(depth - 1)} } else { ${stmt(depth - 1)} }`;
      case 2: return `${expr(depth)};`;
      case 3: return `if (${expr(depth)}) break;`;
      case 4: return `if (!(${expr(depth)})) continue;`;
      default: return `${arr()}[${index()}] = ${expr(depth)};`;
    }
  };
  return () => `(x, y, i, a, f, u, c, g) => { let s = 0, k = 5, t = 1, j = 2; outer: for (let k = 0; k < 3; k++) { let j = k; ${stmt(2)} ${stmt(2)} } s += ${expr(3)}; return s * 1; }`;
}

describe('lowerKernel: random kernels agree with V8', function () {
  this.timeout(600_000);
  it('600 random kernels on edge values: same result, same bytes, or a decline (never an internal error)', () => {
    const random = rng(SEED);
    const next = generator(random);
    let compiled = 0, declined = 0;
    const xs = [0, -0, 1.5, -1, NaN, 2 ** 31, -Infinity, 3];
    const is = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 3];
    for (let n = 0; n < COUNT; n++) {
      const source = next();
      const xKind = n % 3 === 0 ? 'i32' : 'f64';
      const r = lowerKernel(planOf(source), [xKind, 'f64', 'i32', 'Int8Array', 'Float64Array', 'Uint32Array', 'Uint8ClampedArray', 'Float32Array']);
      if (!r.ok) {
        assert.notEqual(r.decline.construct, 'internal error', `${source}\n${r.decline.message}`);
        declined++;
        continue;
      }
      compiled++;
      const kernel = compile(r.kernel.trace);
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const fn = new Function(`return (${source})`)() as (...args: unknown[]) => unknown;
      for (let c = 0; c < 6; c++) {
        const x = xKind === 'i32' ? is[(n + c) % is.length] : xs[(n + c) % xs.length], y = xs[(n * 3 + c) % xs.length], i = is[(n + 2 * c) % is.length];
        const a1 = new Int8Array([1, -2, 3, 4]), a2 = a1.slice();
        const f1 = new Float64Array([0.5, -0, NaN, 7]), f2 = f1.slice();
        const u1 = new Uint32Array([4294967295, 2 ** 31, 3, 0]), u2 = u1.slice();
        const c1 = new Uint8ClampedArray([255, 0, 128, 7]), c2 = c1.slice();
        const g1 = new Float32Array([1.5, -0, 3.4e38, 1e-45]), g2 = g1.slice();
        const expected = fn(x, y, i, a1, f1, u1, c1, g1);
        const actual = callAsTier(kernel, fn as (...args: Arg[]) => unknown, [x, y, i, a2, f2, u2, c2, g2]);
        const what: string = `${source}\non (${x}, ${y}, ${i})\n${r.kernel.ir}\n${r.kernel.uops.join('\n')}`;
        assert.ok(sameValue(actual, expected), `result ${String(actual)}, V8 ${String(expected)}: ${what}`);
        assert.deepEqual([...a2], [...a1], `Int8Array: ${what}`);
        assert.deepEqual([...u2], [...u1], `Uint32Array: ${what}`);
        assert.deepEqual([...c2], [...c1], `Uint8ClampedArray: ${what}`);
        assert.ok([...g1].every((v, j) => sameValue(v, g2[j])), `Float32Array [${[...g2]}], V8 [${[...g1]}]: ${what}`);
        // Float64 elements: any NaN equals any NaN (V8's tiers differ on NaN payloads).
        assert.ok([...f1].every((v, j) => sameValue(v, f2[j])), `Float64Array [${[...f2]}], V8 [${[...f1]}]: ${what}`);
      }
      kernel.free();
    }
    assert.ok(compiled > 200, `only ${compiled} of ${COUNT} compiled (${declined} declined)`);
  });
});
