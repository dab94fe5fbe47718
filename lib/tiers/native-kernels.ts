// The native tier's kernels for one function: one per signature (the argument kinds a call
// brings), compiled on first sight up to a limit (jitFocus 4, jitOnce 1), and a dispatch function
// generated from the signatures compiled so far. The dispatch checks a call's arguments against
// each signature (typeof, the typed array's kind and prototype: lib/tiers/native-args.ts) and
// calls the matching kernel; it returns MISS when no kernel may take the call (the caller runs the
// JS function) and NEW when the arguments have a signature not seen yet (the caller learns it).
// A signature that did not compile (the front end declined it, the engine refused the trace) is
// remembered with its reason and runs the JS function from then on. A kernel that speculates
// (int32 arithmetic checked at run time: LowerOptions.speculate) and declines a call is compiled
// again without speculation, as V8 reoptimizes without an assumption that failed.

import { compile, declinedResult, type Kernel } from '../engine.js';
import { numberLane } from '../compiler/native/binding.js';
import { lowerKernel, signatureOf, type KernelPlan, type Signature } from '../compiler/frontend/index.js';
import { compileWrapper } from '../wrap/gated.js';
import { argCheckTools, CHECK_PRELUDE, checkExpression, matchesSignature, signatureText } from './native-args.js';
import type { NativeRecord } from '../types.js';

/** What dispatch returns when no kernel takes the call. */
export const MISS: object = Object.freeze({ jitctl: 'no kernel for these arguments' });
/** What dispatch returns when the call's signature was never seen (and more may be compiled). */
export const NEW: object = Object.freeze({ jitctl: 'a signature not seen yet' });

/** Signatures compiled (or declined) per function, at most: jitFocus and jitOnce. */
export const MAX_SIGNATURES = { focus: 4, once: 1 } as const;

/** Calls whose arguments have no kind (a string, an object) before a function stops looking for new signatures. */
export const MAX_UNKINDED_CALLS = 64;

export type Dispatch = (...args: unknown[]) => unknown;

interface Entry {
  readonly signature: Signature;
  /** null: declined, the JS function runs for this signature. */
  readonly kernel: Kernel | null;
  /** Whether the kernel speculates: a declined call has it compiled again without. */
  readonly speculative: boolean;
}

// Captured at import: a program that replaces the globals does not change what is caught.
const CapturedTypeError = TypeError;
const CapturedRangeError = RangeError;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * The dispatch body for `entries`, generated so that each check is straight-line code. It calls a
 * kernel's `invoke`, which leaves the typed arrays' kinds to these checks (the kernel still keeps
 * every access inside each array's buffer). A kernel that declines the arguments (its entry
 * guards: an i32 at the end of its range, an array shorter than its constant indices, see
 * lib/compiler/frontend/guards.ts; or a speculated int32 check) returns DECLINED without an
 * exception: the JS function runs, and a speculating kernel is compiled again without.
 */
function dispatchBody(entries: readonly Entry[], arity: number, open: boolean, lengthParams: readonly number[], laned: readonly boolean[]): string {
  const params = Array.from({ length: arity }, (_, i) => `a${i}`).join(', ');
  const cases = entries.map((entry, k) => {
    const test = entry.signature.map((kind, i) => checkExpression(`a${i}`, kind, lengthParams.includes(i))).join(' && ') || 'true';
    if (!entry.kernel) return `    if (${test}) return MISS;`;
    const despeculate = entry.speculative ? ` s.despeculate(${k});` : '';
    let call = `const r = K${k}(${params}); if (r !== DECLINED) return r;`;
    if (laned[k]) {
      // Numbers into the lane, typed arrays as arguments, the result from the lane.
      const stores = entry.signature.map((kind, i) => (isNumberKind(kind) ? `L[${i}] = a${i}; ` : '')).join('');
      const views = entry.signature.map((kind, i) => (isNumberKind(kind) ? '' : `a${i}`)).filter(Boolean).join(', ');
      const result = entry.kernel.returnType === 'void' ? 'undefined' : 'L[0]';
      call = `${stores}const r = K${k}(${views}); if (r !== DECLINED) return ${result};`;
    }
    return `    if (${test}) { ${call} R.guardDeclines++;${despeculate} return MISS; }`;
  });
  return String.raw`
  'use strict';
  const T = s.T, MISS = s.MISS, NEW = s.NEW, TE = s.TypeError, RE = s.RangeError, DECLINED = s.DECLINED, R = s.record, L = s.lane;
  ${CHECK_PRELUDE}
  ${entries.map((_, k) => `const K${k} = s.kernels[${k}] && s.kernels[${k}].${laned[k] ? 'invokeLane' : 'invoke'};`).join('\n  ')}
  return function dispatch(${params}) {
    try {
${cases.join('\n')}
    } catch (error) {
      // The kernel checks its arguments again before it runs: a refusal there runs the JS function.
      if (error instanceof TE || error instanceof RE) return MISS;
      throw error;
    }
    return ${open ? 'NEW' : 'MISS'};
  };`;
}

function isNumberKind(kind: string): boolean {
  return kind === 'f64' || kind === 'i32';
}

/**
 * Whether a kernel is called through the number lane: where there is one and the kernel takes a
 * number or returns one (what the lane saves: about 2-3 ns per number and 6-7 ns for the result's
 * heap number, of a call of 20-40 ns).
 */
function usesLane(entry: Entry, lane: Float64Array | null): boolean {
  if (!lane || !entry.kernel) return false;
  return entry.kernel.returnType !== 'void' || entry.signature.some(isNumberKind);
}

interface DispatchState {
  T: typeof argCheckTools;
  MISS: object;
  NEW: object;
  TypeError: typeof TypeError;
  RangeError: typeof RangeError;
  /** What a kernel's invoke returns when its guards decline the call. */
  DECLINED: object;
  /** Where declined calls are counted (guardDeclines). */
  record: NativeRecord;
  /** Compiles entry k again without speculation (after its kernel declined a call). */
  despeculate(k: number): void;
  kernels: ReadonlyArray<Kernel | null>;
  entries: readonly Entry[];
  open: boolean;
  /** Parameters whose `.length` the function reads (KernelPlan.lengthParams). */
  lengthParams: readonly number[];
  /** The number lane (lib/compiler/native/binding.ts), or null: every kernel is called with invoke. */
  lane: Float64Array | null;
}

function fallbackDispatch(s: DispatchState): Dispatch {
  return function dispatch(...args: unknown[]): unknown {
    for (const [k, entry] of s.entries.entries()) {
      if (!matchesSignature(args, entry.signature, s.lengthParams)) continue;
      if (!entry.kernel) return MISS;
      try {
        return entry.kernel.call(...(args as number[]));
      } catch (error) {
        if (error instanceof CapturedRangeError && (error as { code?: unknown }).code === 'ERR_JITCTL_DECLINED') {
          s.record.guardDeclines++;
          if (entry.speculative) s.despeculate(k);
        }
        if (error instanceof CapturedTypeError || error instanceof CapturedRangeError) return MISS;
        throw error;
      }
    }
    return s.open ? NEW : MISS;
  };
}

/** The front end's two functions the cache calls (tests give hand-made ones). */
export interface FrontEnd {
  lowerKernel: typeof lowerKernel;
  signatureOf: typeof signatureOf;
}

const FRONT_END: FrontEnd = { lowerKernel: (...args) => lowerKernel(...args), signatureOf: (args) => signatureOf(args) };

export class KernelCache {
  private readonly entries: Entry[] = [];
  private unkinded = 0;
  private open = true;
  /** The current dispatch; replaced whenever a signature is added or a kernel recompiled. */
  dispatch: Dispatch;
  /** Told of every dispatch that replaces the current one from inside a call (a recompile without speculation). */
  onRebuild: ((dispatch: Dispatch) => void) | null = null;

  constructor(
    private readonly plan: KernelPlan,
    private readonly limit: number,
    private readonly inexactMath: ReadonlySet<string>,
    private readonly record: NativeRecord,
    private readonly frontEnd: FrontEnd = FRONT_END,
    private readonly lane: Float64Array | null = numberLane(),
  ) {
    this.dispatch = this.build();
  }

  /** Whether any signature compiled to a kernel. */
  hasKernel(): boolean {
    return this.entries.some((entry) => entry.kernel !== null);
  }

  /** Whether `signature` was seen already (compiled or declined). */
  has(signature: Signature): boolean {
    return this.entries.some((entry) => entry.signature.length === signature.length && entry.signature.every((k, i) => k === signature[i]));
  }

  /** Compiles `signature` (samples at hint time, or a call's arguments), unless seen or over the limit. */
  add(signature: Signature): void {
    if (!this.open || this.has(signature) || signature.length !== this.plan.params.length) return;
    this.entries.push(this.compileSignature(signature));
    if (this.entries.length >= this.limit) this.open = false;
    this.dispatch = this.build();
  }

  /** A call brought arguments with a signature not seen: compile it (or remember why not). */
  learn(args: ArrayLike<unknown>): void {
    let signature: Signature | undefined;
    try {
      signature = this.frontEnd.signatureOf(args);
    } catch {
      signature = undefined;
    }
    if (signature) {
      this.add(signature);
      return;
    }
    if (++this.unkinded >= MAX_UNKINDED_CALLS && this.open) {
      this.open = false;
      this.dispatch = this.build();
    }
  }

  /** Entry k's kernel declined a call while speculating: its signature is compiled again without. */
  private despeculate(k: number): void {
    const entry = this.entries[k];
    if (!entry?.speculative) return;
    this.record.despeculated++;
    // The old kernel is left to the collector (a dispatch on the stack may still name it); its
    // signature is listed again only if the new one compiles.
    this.record.codeBytes -= entry.kernel?.codeSize ?? 0;
    const text = signatureText(entry.signature);
    const listed = this.record.signatures.indexOf(text);
    if (listed >= 0) this.record.signatures.splice(listed, 1);
    this.entries[k] = this.compileSignature(entry.signature, false);
    this.dispatch = this.build();
    this.onRebuild?.(this.dispatch);
  }

  private compileSignature(signature: Signature, speculate = true): Entry {
    const text = signatureText(signature);
    const started = now();
    let kernel: Kernel | null = null;
    let speculative = false;
    try {
      const lowered = this.frontEnd.lowerKernel(this.plan, signature, { inexactMath: this.inexactMath, speculate });
      if (!lowered.ok) {
        this.record.declined.push({ signature: text, reason: lowered.decline.message });
      } else {
        try {
          kernel = compile(lowered.kernel.trace);
          speculative = lowered.kernel.speculative;
          this.record.signatures.push(text);
          this.record.codeBytes += kernel.codeSize;
        } catch (error) {
          this.record.declined.push({ signature: text, reason: `the engine did not compile the trace: ${message(error)}` });
        }
      }
    } catch (error) {
      this.record.declined.push({ signature: text, reason: `the front end failed: ${message(error)}` });
    }
    this.record.compileMs += now() - started;
    return { signature, kernel, speculative };
  }

  private build(): Dispatch {
    const state: DispatchState = {
      T: argCheckTools, MISS, NEW, TypeError: CapturedTypeError, RangeError: CapturedRangeError,
      DECLINED: this.hasKernel() ? declinedResult() : MISS, record: this.record,
      despeculate: (k) => this.despeculate(k),
      kernels: this.entries.map((entry) => entry.kernel), entries: this.entries.slice(), open: this.open,
      lengthParams: this.plan.lengthParams ?? [], lane: this.lane,
    };
    const laned = state.entries.map((entry) => usesLane(entry, state.lane));
    return compileWrapper(dispatchBody(state.entries, this.plan.params.length, this.open, state.lengthParams, laned), state, fallbackDispatch) as Dispatch;
  }
}
