// The source fuzzer's oracle: one generated function and its argument sets, run by V8 (its
// interpreter, and its optimizing tiers) and by the native tier (planKernel -> lowerKernel ->
// compile -> kernel.call), each on its own copy of the arguments; then compared bit for bit: the
// return value with Object.is, every byte of every array argument.
//
// NaN aside: V8's interpreter and its optimized code produce different NaN bit patterns for the
// same computation (a literal NaN is 0x7ff8..., 0/0 on x86-64 is 0xfff8...; ECMA-262 leaves the
// bits stored into a float array implementation-defined), so two NaNs count as equal, in the
// return value and in float elements; everything else must be identical, -0 included.

import { setFlagsFromString } from 'node:v8';

import { compile } from '../../lib/engine.js';
import { UOPS } from '../../lib/compiler/trace/uops.js';
import { lowerKernel, planKernel, signatureOf, type Decline, type LowerOptions } from '../../lib/compiler/frontend/index.js';
import { ulpBound } from '../native/reference-interpreter.js';
import { programSeed, Rng } from '../native/fuzz-programs.js';
import { compileProbes } from '../helpers/intrinsic-probes.js';
import { source, type Program } from './fuzz-ast.js';
import { cloneArgs, describeArgs, generateArgs, type Arg, type TypedArray } from './fuzz-args.js';
import { nearMissOf } from './fuzz-near-miss.js';
import { callAsTier, type Arg as LowerArg } from './lower-helpers.js';
import { generateProgram, MATH_FUNCTIONS, type GeneratorOptions } from './fuzz-source.js';

export interface FuzzCase {
  readonly seed: number;
  readonly program: Program;
  /** The construct a near miss adds (it must decline), or undefined for an in-subset program. */
  readonly nearMiss?: string;
  readonly argSets: readonly Arg[][];
}

/** What the native side is, as the harness sees it (the real one below; the tests also use stand-ins). */
export interface NativeSide {
  /** The kernel for one signature of `fn`, or why not (`at`: which step declined). */
  kernelFor(fn: (...args: Arg[]) => unknown, args: readonly Arg[]): { ok: true; call: (...args: Arg[]) => unknown; free?: () => void } | { ok: false; at: 'plan' | 'lower' | 'signature'; decline?: Decline };
}

export type Outcome =
  | { kind: 'match'; v8TiersDisagree: boolean }
  | { kind: 'declined'; at: string; reason: string }
  | { kind: 'failure'; what: string; detail: string; argSet?: number };

// ---- what is exact here ----------------------------------------------------------------------

/** Math functions whose stencils are only promised within some ulps of V8 here (and `**`'s POW_F64). */
export function inexactMath(arch: string = process.arch, v8Version: string = process.versions.v8): Set<string> {
  const out = new Set<string>();
  for (const fn of MATH_FUNCTIONS) {
    const def = UOPS.find((d) => d.name === `${fn.toUpperCase()}_F64`);
    if (!def) continue;
    let bound = ulpBound(def, arch);
    // POW_F64 is bit-identical to V8 13.6+, which calls the C library's pow (docs/uops.md).
    if (fn === 'pow') {
      const [major, minor] = v8Version.split('.').map(Number);
      bound = major > 13 || (major === 13 && minor >= 6) ? 0 : 1;
    }
    if (bound > 0) out.add(fn);
  }
  return out;
}

export function generatorOptions(): GeneratorOptions {
  const inexact = inexactMath();
  return { math: MATH_FUNCTIONS.filter((fn) => !inexact.has(fn)), pow: !inexact.has('pow') };
}

/** Case `index` of a run with `baseSeed`: a near miss one time in eight, else an in-subset program. */
export function generateCase(baseSeed: number, index: number, options: GeneratorOptions = generatorOptions(), argSets = 3): FuzzCase {
  const seed = programSeed(baseSeed, index);
  const rng = new Rng(seed ^ 0x5eed);
  const program = generateProgram(seed, options);
  const sets = Array.from({ length: argSets }, () => generateArgs(program, rng));
  if (rng.int(8) === 0) {
    const miss = nearMissOf(program, rng);
    return { seed, program: miss.program, nearMiss: miss.name, argSets: sets };
  }
  return { seed, program, argSets: sets };
}

// ---- V8 ----------------------------------------------------------------------------------------

const probes = compileProbes(['NeverOptimizeFunction', 'PrepareFunctionForOptimization', 'OptimizeFunctionOnNextCall']);

/** The function of `program` (a fresh closure; `tag` makes its source, and so V8's function, distinct). */
export function functionOf(program: Program, tag: string): (...args: Arg[]) => unknown {
  return (0, eval)(source(program, tag)) as (...args: Arg[]) => unknown;
}

export interface Run { value: unknown; args: Arg[] }

/** Each argument set run by V8's interpreter: a copy of the function marked never to optimize (no OSR either). */
export function runInterpreter(program: Program, argSets: readonly Arg[][]): Run[] {
  const fn = functionOf(program, 'interpreter');
  probes.NeverOptimizeFunction?.(fn);
  return argSets.map((args) => {
    const copy = cloneArgs(args);
    return { value: fn(...copy), args: copy };
  });
}

/**
 * Each argument set run by V8's optimized code: a second copy (its own source, so never the
 * interpreter's never-optimize mark) called on every set, prepared, called again, then optimized
 * on the next call. A later set may deopt it; then that set runs unoptimized, as in production.
 */
export function runOptimized(program: Program, argSets: readonly Arg[][]): Run[] {
  return withNativesSyntax(() => {
    const fn = optimizedCopy(program, argSets);
    return argSets.map((args) => {
      const copy = cloneArgs(args);
      return { value: fn(...copy), args: copy };
    });
  });
}

/**
 * V8 13.6 and later (Node 24, 26) take the optimization requests only while natives syntax is
 * on (with it off the request is consumed by the next call and nothing is compiled): so the
 * flag is on around the whole sequence, as it would be under --allow-natives-syntax, and off again
 * if it was off. The generated code contains no natives syntax, so compiling it in the window
 * changes nothing else.
 */
function withNativesSyntax<T>(body: () => T): T {
  let already = true;
  try { new Function('return %IsTurbofanEnabled() /* fuzz probe */'); } catch { already = false; }
  if (!already) setFlagsFromString('--allow-natives-syntax');
  try {
    return body();
  } finally {
    if (!already) setFlagsFromString('--no-allow-natives-syntax');
  }
}

/** The function of `program`, run on every argument set and marked to be optimized on its next call (call it in withNativesSyntax). */
export function optimizedCopy(program: Program, argSets: readonly Arg[][]): (...args: Arg[]) => unknown {
  const fn = functionOf(program, 'optimized');
  for (const args of argSets) fn(...cloneArgs(args));
  if (probes.PrepareFunctionForOptimization && probes.OptimizeFunctionOnNextCall) {
    probes.PrepareFunctionForOptimization(fn);
    for (const args of argSets) fn(...cloneArgs(args));
    probes.OptimizeFunctionOnNextCall(fn);
  } else {
    for (let i = 0; i < 2000; i++) fn(...cloneArgs(argSets[i % argSets.length]));
  }
  return fn;
}

/** optimizedCopy(), called once more on the first set, with natives syntax on (for the tests). */
export function optimizedAfterOneCall(program: Program, argSets: readonly Arg[][]): { fn: (...args: Arg[]) => unknown; value: unknown } {
  return withNativesSyntax(() => {
    const fn = optimizedCopy(program, argSets);
    return { fn, value: fn(...cloneArgs(argSets[0])) };
  });
}

// ---- comparison ----------------------------------------------------------------------------

/** Equal for the fuzzer: Object.is, with any two NaNs equal (see the top of this file). */
export function sameValue(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

const isFloat = (v: TypedArray) => v instanceof Float32Array || v instanceof Float64Array;

/** The first difference between two argument lists after a call (bytes of every buffer; NaN float elements equal), or undefined. */
export function argumentDifference(a: readonly Arg[], b: readonly Arg[]): string | undefined {
  const done = new Set<ArrayBufferLike>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (typeof x === 'number' || typeof y === 'number') continue;
    if (done.has(x.buffer)) continue;
    done.add(x.buffer);
    // Bytes of float elements that are NaN on both sides are skipped, in every view over this buffer.
    const skip = new Uint8Array(x.buffer.byteLength);
    for (let j = 0; j < a.length; j++) {
      const u = a[j], w = b[j];
      if (typeof u === 'number' || typeof w === 'number' || u.buffer !== x.buffer || !isFloat(u)) continue;
      for (let k = 0; k < u.length; k++) {
        if (Number.isNaN(u[k]) && Number.isNaN(w[k])) skip.fill(1, u.byteOffset + k * u.BYTES_PER_ELEMENT, u.byteOffset + (k + 1) * u.BYTES_PER_ELEMENT);
      }
    }
    const xb = new Uint8Array(x.buffer), yb = new Uint8Array(y.buffer);
    for (let k = 0; k < xb.length; k++) {
      if (skip[k] || xb[k] === yb[k]) continue;
      const element = Math.floor((k - x.byteOffset) / x.BYTES_PER_ELEMENT);
      const inView = k >= x.byteOffset && element < x.length;
      return `argument ${i} (${x.constructor.name}): byte ${k} of its buffer${inView ? ` (element ${element}: ${show(x[element])} vs ${show(y[element])})` : ' (outside the view)'}`;
    }
  }
  return undefined;
}

const show = (v: unknown) => (Object.is(v, -0) ? '-0' : String(v));

// ---- the native tier ---------------------------------------------------------------------------

/** Calls of the real native side that the kernel's entry guards declined (the function ran instead). */
export const declinedCalls = { count: 0 };

/**
 * planKernel -> lowerKernel for this signature -> compile, one kernel per signature, as the tier
 * does. Without `options.speculate` given, every other function is lowered with int32 speculation
 * (the tier's first kernel) and the rest without (the kernel after a declined speculation).
 */
export function realNativeSide(options: LowerOptions = { inexactMath: inexactMath() }): NativeSide {
  let functions = 0;
  return {
    kernelFor(fn, args) {
      const planned = planKernel(fn as never);
      if (!planned.ok) return { ok: false, at: 'plan', decline: planned.decline };
      const signature = signatureOf(args);
      if (signature === undefined) return { ok: false, at: 'signature' };
      const speculate = options.speculate ?? functions++ % 2 === 0;
      const lowered = lowerKernel(planned.plan, signature, { ...options, speculate });
      if (!lowered.ok) return { ok: false, at: 'lower', decline: lowered.decline };
      // A kernel that does not stop is a finding, not a hung test run.
      const kernel = compile(lowered.kernel.trace, { timeout: 10_000 });
      // A call the kernel's entry guards decline runs the function, as in the native tier.
      const run = fn as (...a: LowerArg[]) => unknown;
      return { ok: true, call: (...call: Arg[]) => callAsTier(kernel, run, call as LowerArg[], declinedCalls), free: () => kernel.free() };
    },
  };
}

/** Why `fn` declines, in one line (for the report's histogram). */
function declineKey(at: string, decline: Decline | undefined): string {
  return decline ? `${at}: ${decline.construct}: ${decline.reason}` : `${at}: no signature`;
}

function failure(what: string, error: unknown, argSet?: number): Outcome {
  const detail = error instanceof Error ? `${error.name}: ${error.message}${error.stack ? `\n${error.stack.split('\n').slice(1, 6).join('\n')}` : ''}` : String(error);
  return { kind: 'failure', what, detail, argSet };
}

/** Runs one case on both sides and compares; never throws. */
export function runCase(c: FuzzCase, native: NativeSide = realNativeSide()): Outcome {
  if (c.nearMiss !== undefined) return runNearMiss(c, native);
  let interpreter: Run[], optimized: Run[];
  try {
    interpreter = runInterpreter(c.program, c.argSets);
    optimized = runOptimized(c.program, c.argSets);
  } catch (error) {
    return failure('the generated function throws in V8 (a generator bug)', error);
  }
  const fn = functionOf(c.program, 'native');
  let v8TiersDisagree = false;
  for (let i = 0; i < c.argSets.length; i++) {
    let got;
    try {
      got = native.kernelFor(fn, c.argSets[i]);
    } catch (error) {
      return failure('the front end or compile() threw', error, i);
    }
    if (!got.ok) {
      const key = declineKey(got.at, got.decline);
      if (/internal/i.test(key)) return { kind: 'failure', what: 'an internal error', detail: key, argSet: i };
      return { kind: 'declined', at: got.at, reason: key };
    }
    const interp = interpreter[i], opt = optimized[i];
    const tiersAgree = sameValue(interp.value, opt.value) && argumentDifference(interp.args, opt.args) === undefined;
    if (!tiersAgree) v8TiersDisagree = true;
    try {
      // Twice, each time on fresh copies: a kernel's frame starts over on every call.
      for (const call of ['first', 'second']) {
        const copy = cloneArgs(c.argSets[i]);
        let value;
        try {
          value = got.call(...copy);
        } catch (error) {
          return failure(`the kernel threw (${call} call)`, error, i);
        }
        const against = (name: string, v8: Run) => sameValue(value, v8.value)
          ? argumentDifference(copy, v8.args)
          : `return value: native ${show(value)}, V8's ${name} ${show(v8.value)}`;
        const vsInterpreter = against('interpreter', interp), vsOptimized = against('optimized code', opt);
        // When V8's own tiers disagree (beyond NaN bits), the kernel must agree with one of them.
        const difference = tiersAgree ? vsInterpreter ?? vsOptimized : vsInterpreter && vsOptimized;
        if (difference) return { kind: 'failure', what: 'mismatch', detail: `${difference} (argument set ${i}, ${call} call)`, argSet: i };
      }
    } finally {
      got.free?.();
    }
  }
  return { kind: 'match', v8TiersDisagree };
}

function runNearMiss(c: FuzzCase, native: NativeSide): Outcome {
  let fn;
  try {
    fn = functionOf(c.program, 'near miss');
  } catch (error) {
    return failure(`the near miss (${c.nearMiss}) is not valid JavaScript (a generator bug)`, error);
  }
  for (let i = 0; i < c.argSets.length; i++) {
    let got;
    try {
      got = native.kernelFor(fn, c.argSets[i]);
    } catch (error) {
      return failure(`the front end threw on a near miss (${c.nearMiss})`, error, i);
    }
    if (got.ok) return { kind: 'failure', what: `a near miss compiled (${c.nearMiss})`, detail: 'it must decline', argSet: i };
    if (got.at === 'plan') break;
  }
  return { kind: 'declined', at: 'near miss', reason: c.nearMiss! };
}

/** A failure as a report: the function's source and its arguments, ready to paste. */
export function describeCase(c: FuzzCase, outcome?: Outcome): string {
  const sets = outcome?.kind === 'failure' && outcome.argSet !== undefined ? [c.argSets[outcome.argSet]] : c.argSets;
  return [
    `seed ${c.seed}${c.nearMiss ? ` (near miss: ${c.nearMiss})` : ''}`,
    `const kernel = ${source(c.program)};`,
    ...sets.map((args) => describeArgs(args)),
    ...(outcome?.kind === 'failure' ? [`${outcome.what}: ${outcome.detail}`] : []),
  ].join('\n');
}
