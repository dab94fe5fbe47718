// Shared checks of the lowering tests: lower a kernel for a signature, compile it with the native
// engine, and compare its result and every typed array's bytes with V8 running the same source.

import assert from 'node:assert/strict';

import { compile, type Kernel } from '../../lib/engine.js';
import { lowerKernel, planKernel, type ArgKind, type LoweredKernel, type Signature } from '../../lib/compiler/frontend/index.js';
import { planOf } from './plan-of.js';
import { isDeclined } from '../native/helpers.js';

export type Arg = number | Float64Array | Float32Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

export function lowered(source: string, signature: Signature, inexactMath?: Set<string>): LoweredKernel {
  const r = lowerKernel(planOf(source), signature, inexactMath ? { inexactMath } : undefined);
  if (!r.ok) assert.fail(`declined: ${r.decline.message}`);
  return r.kernel;
}

/** The decline of `source` for `signature`, from planKernel (signature-independent rules) or from lowerKernel. */
export function declineOf(source: string, signature: Signature, inexactMath?: Set<string>): string {
  const planned = planKernel(source);
  if (!planned.ok) return planned.decline.message;
  const r = lowerKernel(planned.plan, signature, inexactMath ? { inexactMath } : undefined);
  assert.equal(r.ok, false, 'expected a decline');
  if (r.ok) return '';
  assert.notEqual(r.decline.construct, 'internal error', r.decline.message);
  return r.decline.message;
}

function kindOf(a: Arg, numberKind: ArgKind): ArgKind {
  return typeof a === 'number' ? numberKind : (a.constructor.name as ArgKind);
}

function copy(a: Arg): Arg {
  return typeof a === 'number' ? a : (a.slice() as Arg);
}

/** Equal as JS values, both NaN counting as equal (V8's own tiers differ on NaN payloads). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return true;
  return Object.is(a, b);
}

const f64 = new Float64Array(1);
const bits = new BigInt64Array(f64.buffer);
function ordered(x: number): bigint {
  f64[0] = x;
  return bits[0] < 0n ? -(bits[0] & 0x7fffffffffffffffn) : bits[0];
}
/** Within `ulps` units in the last place (finite results of the same sign class only). */
function withinUlps(a: unknown, b: unknown, ulps: number): boolean {
  if (ulps === 0 || typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) return false;
  const d = ordered(a) - ordered(b);
  return (d < 0n ? -d : d) <= BigInt(ulps);
}

/**
 * kernel.call as the native tier makes it: a call the kernel's entry guards decline must leave
 * every argument as it was (the guards run before anything is written), and then `fn` runs.
 * `declined` counts such calls.
 */
export function callAsTier(kernel: Kernel, fn: (...args: Arg[]) => unknown, args: Arg[], declined?: { count: number }): unknown {
  const before = args.map(copy);
  try {
    return kernel.call(...args);
  } catch (error) {
    if (!isDeclined(error)) throw error;
    args.forEach((a, i) => assert.ok(typeof a === 'number' || sameArray(a, before[i]), `a declined call wrote argument ${i}`));
    if (declined) declined.count++;
    return fn(...args);
  }
}

function sameArray(a: Arg, b: Arg): boolean {
  if (typeof a === 'number' || typeof b === 'number') return false;
  if (a instanceof Float32Array || a instanceof Float64Array) {
    // Float elements: bit for bit, but any NaN equals any NaN (payloads aside, as above).
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return a.length === b.length;
  }
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Lowers `source` for the argument kinds of `cases[0]` (numbers as `numberKind`) and checks every
 * case against V8. Returns the lowered kernel for checks on its micro-ops.
 */
export function agree(source: string, cases: readonly (readonly Arg[])[], numberKind: ArgKind | readonly ArgKind[] = 'f64', ulps = 0): LoweredKernel {
  const kinds = (args: readonly Arg[]) => args.map((a, i) => kindOf(a, typeof numberKind === 'string' ? numberKind : numberKind[i]));
  const k = lowered(source, kinds(cases[0]));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function(`return (${source})`)() as (...args: Arg[]) => unknown;
  let kernel: Kernel;
  try {
    kernel = compile(k.trace);
  } catch (error) {
    assert.fail(`${String(error)}\n${k.uops.join('\n')}`);
  }
  for (const args of cases) {
    const jsArgs = args.map(copy), nativeArgs = args.map(copy);
    const expected = fn(...jsArgs);
    const actual = callAsTier(kernel, fn, nativeArgs);
    const what = () => `${source} on (${args.map((a) => (typeof a === 'number' ? (Object.is(a, -0) ? '-0' : String(a)) : `${a.constructor.name}[${[...a].join(',')}]`)).join(', ')})\n${k.ir}\n${k.uops.join('\n')}`;
    assert.ok(sameValue(actual, expected) || withinUlps(actual, expected, ulps), `result ${String(actual)} but V8 gives ${String(expected)}: ${what()}`);
    args.forEach((_, i) => {
      if (typeof jsArgs[i] !== 'number') assert.ok(sameArray(jsArgs[i], nativeArgs[i]), `array ${i}: [${[...(nativeArgs[i] as Float64Array)]}] but V8 wrote [${[...(jsArgs[i] as Float64Array)]}]: ${what()}`);
    });
  }
  kernel.free();
  return k;
}

export const F64S = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 2 ** 32 - 1, 2 ** 53, 1e300, 5e-324, 3.7, -7.25, 255.5, 254.5, 256, 127.5, -128.5];
export const I32S = [0, 1, -1, 2, -3, 7, 31, 32, 33, 255, 256, -129, 32767, -32768, 65535, 2 ** 31 - 1, -(2 ** 31), 0x55555555];

/** Every pair of values from `xs`. */
export function pairs(xs: readonly number[]): number[][] {
  return xs.flatMap((a) => xs.map((b) => [a, b]));
}
