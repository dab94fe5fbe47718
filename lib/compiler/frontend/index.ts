// The kernel front end: an ordinary JS function -> a subset check with reasons -> typed IR ->
// a micro-op trace for the native engine. It depends only on lib/source/ (parsing) and
// lib/compiler/trace/ (the trace format and builder); the native tier (lib/tiers/native.ts) and
// explain() call it.
//
// Two steps, so that the tier can decide at hint time (plan) and compile per argument kinds
// (lower):
//   planKernel(fn)              parse and check the subset; independent of argument kinds
//   lowerKernel(plan, sig, ...) type the IR for one signature and write the trace
// Neither throws: what is outside the subset comes back as a Decline with the construct, its
// position in the user's source and what would make it compile.
//
// CONTRACT (this file is the interface the tier, explain() and the fuzzer code against; the
// implementation replaces the bodies below).

import type { AnyFunction } from '../../types.js';
import type { Origin } from './decline.js';
import type { FunctionIR } from './ir.js';
import { lowerKernelImpl } from './lower.js';
import { planKernel as planFunction, type PlanOptions } from './plan.js';
import { argKindOf as kindOfArgument, signatureOf as signatureOfArguments } from './signature.js';

export type { Origin } from './decline.js';
export type { PlanOptions } from './plan.js';

/**
 * The kind of one argument a kernel is specialized on: 'f64' (any number), 'i32' (a number that
 * is an int32 value and not -0), or a typed-array constructor name.
 */
export type ArgKind =
  | 'f64'
  | 'i32'
  | 'Int8Array' | 'Uint8Array' | 'Uint8ClampedArray' | 'Int16Array' | 'Uint16Array'
  | 'Int32Array' | 'Uint32Array' | 'Float32Array' | 'Float64Array';

/** One argument kind per parameter, in order. */
export type Signature = readonly ArgKind[];

/** Why a function (or one signature of it) does not compile natively. */
export interface Decline {
  /** The construct, as written or named: '`obj.x` (a property read)', 'a call of `f`', 'this'. */
  construct: string;
  /**
   * 1-based. In the function's own source text (line 1 is the line its text starts on), or in
   * its file when planKernel was given an origin (see PlanOptions.origin). A decline about a
   * function with no source (a Proxy, a bound or native function) is at 1, 1 and its message
   * names no position.
   */
  line: number;
  column: number;
  /** What rule it breaks: 'objects are outside the kernel subset'. */
  reason: string;
  /** What would make it compile: 'pass the value as a number or a typed array'. */
  fix: string;
  /**
   * All of it in one line, as stats() and explain() print it: '<construct> at line L, column C:
   * <reason>; <fix>' ('at <file>:L:C' when the origin names a file; no position for a function with no source).
   */
  message: string;
}

/** A function that passed the subset check: what lowerKernel needs. Opaque to callers but for these fields. */
export interface KernelPlan {
  readonly name: string;
  readonly params: readonly string[];
  /** Math members the function reads (e.g. ['sqrt', 'PI']): the tier checks per call that they are the originals. */
  readonly mathMembers: readonly string[];
  /** Parameters used as typed arrays (indexed or .length) and as numbers, by index. */
  readonly arrayParams: readonly number[];
  readonly numberParams: readonly number[];
  /**
   * Typed-array parameters whose `.length` the function reads: the tier checks per call that such
   * an argument has no own `length` property (JavaScript would read that instead of the length).
   */
  readonly lengthParams: readonly number[];
  /** Milliseconds spent parsing and checking. */
  readonly planMs: number;
  /** The checked body, with names resolved (ir.ts); positions in it are in the function's own text. */
  readonly ir: FunctionIR;
  /** The origin planKernel was given: lowerKernel's declines report file positions with it (decline.ts makeDecline). */
  readonly origin?: Origin;
}

export interface LowerOptions {
  /**
   * Math functions whose stencils are not exact on this engine (Deno's V8, Bun): a use of one
   * declines with that reason. Default: none.
   */
  inexactMath?: ReadonlySet<string>;
  /**
   * Whether int arithmetic that may leave int32 may stay an int32 checked at run time, the call
   * declined where a check fails (collatz's `3 * x + 1`), in a function that writes no typed-array
   * element (a decline at any point is then exact). Default false. A caller whose kernel declines
   * should compile the signature again without it.
   */
  speculate?: boolean;
}

/** One signature of a function, lowered: the trace to compile and what explain() shows. */
export interface LoweredKernel {
  readonly signature: Signature;
  readonly trace: Int32Array;
  readonly returnType: 'void' | 'f64' | 'i32' | 'u32';
  /** Whether the kernel speculates (LowerOptions.speculate): some of its int32 arithmetic declines the call where it would leave int32. */
  readonly speculative: boolean;
  /** The typed IR, printed (one statement per line, types on every value). */
  readonly ir: string;
  /** The micro-ops in trace order, with operands printed ('ADD_F64 s3, s1, s2'). */
  readonly uops: readonly string[];
  /** Milliseconds spent typing and lowering. */
  readonly lowerMs: number;
}

export type PlanResult = { ok: true; plan: KernelPlan } | { ok: false; decline: Decline };
export type LowerResult = { ok: true; kernel: LoweredKernel } | { ok: false; decline: Decline };

/**
 * Parses `fn` (or its source text) and checks it against the kernel subset. Never throws.
 * `options.origin`: where the function's text starts in its file, for file positions in declines.
 */
export function planKernel(fn: AnyFunction | string, options?: PlanOptions): PlanResult {
  return planFunction(fn, options);
}

/** Types the plan for `signature` and writes its trace. Never throws. */
export function lowerKernel(plan: KernelPlan, signature: Signature, options?: LowerOptions): LowerResult {
  return lowerKernelImpl(plan, signature, options);
}

/** The argument kind of one value, or undefined when no kernel can take it (a string, an object, a BigInt64Array...). */
export function argKindOf(value: unknown): ArgKind | undefined {
  return kindOfArgument(value);
}

/** The signature of an argument list, or undefined when an argument has no kind. */
export function signatureOf(args: ArrayLike<unknown>): Signature | undefined {
  return signatureOfArguments(args);
}
