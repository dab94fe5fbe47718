// Shared helpers of the native-engine tests: edge values, bit-exact and ulp comparison, and small
// trace shapes. Everything goes through the public surface (jitctl/engine).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TraceBuilder, type KernelInspection } from '../../lib/engine.js';
import type { Slot } from '../../lib/compiler/trace/trace.js';

export const ROOT = join(__dirname, '..', '..', '..');

/** f64 edge values: signed zeros, NaN, infinities, 2^31/2^32/2^53 boundaries, subnormals, halves. */
export const F64_EDGES: readonly number[] = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
  NaN, Infinity, -Infinity,
  2 ** 31, 2 ** 31 - 1, 2 ** 31 + 0.5, 2 ** 31 - 0.5, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 31) - 0.5, -(2 ** 31) + 0.5, 2 ** 32, 2 ** 32 - 1, 2 ** 32 + 1, -(2 ** 32),
  2 ** 53, -(2 ** 53), 2 ** 53 + 2, 1e300, -1e300,
  5e-324, -5e-324, 2.225073858507201e-308, 2.2250738585072014e-308,
  Number.MAX_VALUE, -Number.MAX_VALUE, Math.PI, -Math.E, 1e-10, 123.456, -7.75,
  127.5, 128, -128.5, 254.5, 255.5, 256, 65535.5, 3.4028235677973366e38, 1.401298464324817e-45,
];

/** i32 edge values: 0, +-1, the int32 limits, shift counts beyond 31, byte/short boundaries. */
export const I32_EDGES: readonly number[] = [
  0, 1, -1, 2, 3, -3, 7, 31, 32, 33, -32, 255, 256, -129, 32767, -32768, 65535, 65536,
  2 ** 31 - 1, -(2 ** 31), -(2 ** 31) + 1, 0x55555555, -0x55555556, 1 << 30,
];

/** u32 edge values: 0, 1, 2^31 - 1, 2^31, 2^32 - 1 and small ones. */
export const U32_EDGES: readonly number[] = [0, 1, 2, 31, 32, 255, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 0xaaaaaaaa];

export const TYPED_ARRAYS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
] as const;

const f64 = new Float64Array(1);
const bits = new BigUint64Array(f64.buffer);

export function bitsOf(x: number): bigint {
  f64[0] = x;
  return bits[0];
}

/** Distance in units in the last place; 0 for equal values (and for two NaNs), Infinity when only one is NaN. */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (Object.is(a, b)) return 0;
  const ordered = (x: number) => {
    const v = bitsOf(x);
    return v >> 63n ? -(v & 0x7fffffffffffffffn) : v;
  };
  const d = ordered(a) - ordered(b);
  return Number(d < 0n ? -d : d);
}

export function show(x: unknown): string {
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}[${Array.from(x as unknown as ArrayLike<number>).map(show).join(', ')}]`;
  return String(x);
}

/** Source files as the C++ build sees them. */
export function readRoot(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** The compiled engine module, for scripts run in child processes and workers. */
export const ENGINE_MODULE = join(__dirname, '..', '..', 'lib', 'engine.js');
/** This module compiled, for child scripts that build the traces below. */
export const HELPERS_MODULE = __filename;

export interface ChildResult { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface ChildOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  timeout?: number;
  /**
   * ulimit -v for the child, in KiB. Not applied under an emulator or AddressSanitizer (preloaded
   * by tools/test-asan.sh), which reserve address space of their own far beyond any such limit.
   */
  addressSpaceKiB?: number;
}

/**
 * Runs `script` in a child Node process (so that a crash or a hang fails the test instead of
 * taking mocha with it), killed after `timeout` ms. Under an emulator the child goes through
 * JITCTL_EXEC_WRAPPER, as tools/test-arm64.sh sets it.
 */
export function runNode(script: string, options: ChildOptions = {}): ChildResult {
  const wrapper = process.env.JITCTL_EXEC_WRAPPER?.split(' ').filter(Boolean) ?? [];
  const sanitized = /asan/.test(process.env.LD_PRELOAD ?? '');
  const limit = options.addressSpaceKiB !== undefined && wrapper.length === 0 && !sanitized
    ? ['/bin/sh', '-c', `ulimit -v ${options.addressSpaceKiB} && exec "$@"`, 'sh'] : [];
  const [command, ...prefix] = [...limit, ...wrapper, process.execPath];
  const child = spawnSync(command, [...prefix, ...(options.args ?? []), '-e', script], {
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    env: { ...process.env, ...options.env },
  });
  return { status: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr };
}

/** Whether `error` is a call the kernel's trace declined (kernel.call's RangeError ERR_JITCTL_DECLINED). */
export function isDeclined(error: unknown): boolean {
  return error instanceof RangeError && (error as { code?: unknown }).code === 'ERR_JITCTL_DECLINED';
}

/** for (i = 0; i < n; i++) s += i in i32 (wrapping), the test at the loop's head: (n) => s. */
export function sumBelow(): TraceBuilder {
  const b = new TraceBuilder();
  const i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), s = b.slot('i32');
  const loop = b.label(), done = b.label();
  b.param(n).returns(s).op('CONST_I32', one, 1);
  b.define(loop).op('BR_GE_I32', i, n, done).op('ADD_I32', s, s, i).op('ADD_I32', i, i, one).op('JUMP', loop);
  b.define(done).op('RETURN');
  return b;
}

/**
 * Filler ops that move the code after them: pad / 4 constant loads into the f64 slot `filler`
 * and pad % 4 additions (one instruction each on AArch64, where a constant load takes four).
 */
export function addFillers(b: TraceBuilder, filler: Slot, pad: number): void {
  for (let k = 0; k < pad >> 2; k++) b.op('CONST_F64', filler, k + 0.5);
  for (let k = 0; k < (pad & 3); k++) b.op('ADD_F64', filler, filler, filler);
}

/** The same sum as a rotated loop (JUMP to the test, the body, the test branching back), after addFillers(pad). */
export function rotatedSum(pad: number): TraceBuilder {
  const b = new TraceBuilder();
  const i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), s = b.slot('i32'), filler = b.slot('f64');
  const body = b.label(), test = b.label();
  b.param(n).returns(s).op('CONST_I32', one, 1);
  addFillers(b, filler, pad);
  b.op('JUMP', test);
  b.define(body).op('ADD_I32', s, s, i).op('ADD_I32', i, i, one);
  b.define(test).op('BR_LT_I32', i, n, body);
  b.op('RETURN');
  return b;
}

/** What sumBelow() and rotatedSum() return for n: the sum of 0 .. n - 1 with i32 wrap-around. */
export function expectedSum(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + i) | 0;
  return s;
}

/** Per stencil of a kernel, the bytes between its code and the end of the one before (placement's gaps). */
export function codeGaps(info: KernelInspection): number[] {
  let end = 0;
  return info.stencils.map((st) => {
    const gap = st.codeOffset - end;
    end = st.codeOffset + st.codeSize;
    return gap;
  });
}
