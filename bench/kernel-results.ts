// The kernel suite's results: what one measuring process writes for one kernel (raw samples),
// how passes merge, and the per-kernel summary (medians and ratios) the table, the chart and the
// docs show. Ratios are speedups: above 1 means jitctl's side is faster.

import { median } from './natives.js';

export interface NativeInfo {
  available: boolean;
  /** Why not, when not available: the front end's decline, the tier's fallback, the engine's error. */
  reason?: string;
  /** The tier stats() reports for `jitFocus(fn, { tier: 'native' })`. */
  tier?: string;
  /** Micro-ops of the lowered trace, when it lowered. */
  uops?: number;
  /** Steady state: native calls timed, and how many of them ran the kernel (stats().native.kernelCalls). */
  timedCalls?: number;
  kernelCalls?: number;
}

export interface KernelRaw {
  name: string;
  what: string;
  /** Known-answer failures (plain function, native kernel, router), empty when all agree. */
  known: string[];
  /** The range check of the bench result (null: the kernel has none). */
  sane: boolean | null;
  native: NativeInfo;
  router: {
    tier: string;
    reason: string;
    /** Calls before the timing; on the native tier, until its adaptive choice was made. */
    warmCalls?: number;
    /** On the native tier: what the adaptive choice kept, and the speedup it measured. */
    choice?: 'native' | 'v8' | 'pending';
    speedup?: number;
    /** On the native tier without a kernel for the bench arguments: every call runs the JS function. */
    noKernel?: boolean;
  };
  /** Native or router results that differ from the plain function's on the same inputs. */
  mismatches: string[];
  firstCall: { plainMs: number[]; nativeMs: number[] };
  steady: {
    plainNs: number[];
    nativeNs: number[];
    routerNs: number[];
    /** Calls per timed batch. */
    batch: number;
    /** The plain function reached TurboFan by itself after `calls` calls (else `forced`), and was still TurboFan after the timing. */
    turbofan: { reached: boolean; calls: number; forced: boolean; stillAfter: boolean };
  };
  compile: {
    jitctlMs: number[]; planMs: number[]; lowerMs: number[]; engineMs: number[];
    /** TurboFan's last compile of the function (not OSR): the code that stayed. */
    turbofanMs: number[];
    /** Every TurboFan compile of the function until its code stayed, OSR compiles and deopted code included. */
    turbofanTotalMs: number[];
  };
  errors: string[];
  /** Loop iterations one call runs on the bench inputs (every loop body's executions; bench/kernel-iterations.ts). */
  iterations?: number;
}

export interface SuiteResults {
  runtime: string;
  arch: string;
  date: string;
  quick: boolean;
  passes: number;
  kernels: KernelRaw[];
}

/** Concatenates the samples of several passes over one kernel; the rest comes from the last pass. */
export function mergePasses(passes: KernelRaw[]): KernelRaw {
  const last = passes[passes.length - 1];
  const cat = <T>(pick: (r: KernelRaw) => T[]) => passes.flatMap(pick);
  const unique = (xs: string[]) => [...new Set(xs)];
  return {
    ...last,
    native: {
      ...last.native,
      ...(passes.every((r) => r.native.timedCalls !== undefined) ? {
        timedCalls: passes.reduce((n, r) => n + r.native.timedCalls!, 0),
        kernelCalls: passes.reduce((n, r) => n + (r.native.kernelCalls ?? 0), 0),
      } : {}),
    },
    known: unique(cat((r) => r.known)),
    sane: passes.every((r) => r.sane === null) ? null : passes.every((r) => r.sane !== false),
    mismatches: unique(cat((r) => r.mismatches)),
    errors: unique(cat((r) => r.errors)),
    firstCall: { plainMs: cat((r) => r.firstCall.plainMs), nativeMs: cat((r) => r.firstCall.nativeMs) },
    steady: {
      ...last.steady,
      plainNs: cat((r) => r.steady.plainNs), nativeNs: cat((r) => r.steady.nativeNs), routerNs: cat((r) => r.steady.routerNs),
      turbofan: {
        reached: passes.every((r) => r.steady.turbofan.reached),
        calls: median(passes.map((r) => r.steady.turbofan.calls)),
        forced: passes.some((r) => r.steady.turbofan.forced),
        stillAfter: passes.every((r) => r.steady.turbofan.stillAfter),
      },
    },
    compile: {
      jitctlMs: cat((r) => r.compile.jitctlMs), planMs: cat((r) => r.compile.planMs), lowerMs: cat((r) => r.compile.lowerMs),
      engineMs: cat((r) => r.compile.engineMs), turbofanMs: cat((r) => r.compile.turbofanMs), turbofanTotalMs: cat((r) => r.compile.turbofanTotalMs ?? []),
    },
  };
}

export interface KernelSummary {
  name: string;
  what: string;
  nativeAvailable: boolean;
  nativeReason?: string;
  routerTier: string;
  /** Median first call of the plain function over median jitFocus(native) + first call. */
  firstCallSpeedup: number | null;
  firstCallPlainMs: number | null;
  firstCallNativeMs: number | null;
  /**
   * The plain function's first call over the native kernel's steady call: the first-call speedup
   * a compile of no cost would give (V8's first call runs in OSR code for most of a long loop, so
   * this, not the interpreter, is the ceiling).
   */
  firstCallBound: number | null;
  /** TurboFan ns per call over the native wrapper's. */
  nativeVsTurbofan: number | null;
  /** The plain function's ns per call over the router's (jitFocus with samples). */
  routerVsPlain: number | null;
  plainNs: number | null;
  nativeNs: number | null;
  routerNs: number | null;
  jitctlCompileMs: number | null;
  turbofanCompileMs: number | null;
  turbofanTotalCompileMs: number | null;
  /** ns per loop iteration of TurboFan's code and of the native wrapper (the call's own cost spread over them). */
  turbofanNsPerIteration: number | null;
  nativeNsPerIteration: number | null;
  /** Everything that makes the row suspect: mismatches, failed known answers, TurboFan not reached. */
  problems: string[];
}

const CHOICE = { native: 'kept the kernel', v8: "chose V8's code", pending: 'choice pending' } as const;

const med = (xs: number[]): number | null => (xs.length === 0 ? null : median(xs));
const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b <= 0 ? null : a / b);

export function summarize(raw: KernelRaw): KernelSummary {
  const plainNs = med(raw.steady.plainNs), nativeNs = raw.native.available ? med(raw.steady.nativeNs) : null, routerNs = med(raw.steady.routerNs);
  const firstPlain = med(raw.firstCall.plainMs), firstNative = raw.native.available ? med(raw.firstCall.nativeMs) : null;
  const problems = [
    ...raw.mismatches.map((m) => `mismatch: ${m}`),
    ...raw.known.map((k) => `known answer: ${k}`),
    ...(raw.sane === false ? ['the bench result is out of its expected range'] : []),
    ...(raw.steady.turbofan.forced ? [`V8 did not optimize the plain function itself in ${raw.steady.turbofan.calls} calls (they ran in OSR code, or it deopted): TurboFan forced with %OptimizeFunctionOnNextCall`] : []),
    ...(!raw.steady.turbofan.stillAfter ? ['the plain function left TurboFan during the timing (a deopt)'] : []),
    ...(raw.native.available && raw.native.timedCalls !== undefined && raw.native.kernelCalls !== undefined && raw.native.kernelCalls < raw.native.timedCalls
      ? [`only ${raw.native.kernelCalls} of ${raw.native.timedCalls} timed native calls ran the kernel`] : []),
    ...(raw.router.choice === 'pending' ? [`the router's adaptive choice was still pending after ${raw.router.warmCalls} calls`] : []),
    ...raw.errors,
  ];
  return {
    name: raw.name,
    what: raw.what,
    nativeAvailable: raw.native.available,
    nativeReason: raw.native.reason,
    routerTier: raw.router.tier === 'native' && raw.router.choice ? `native (${CHOICE[raw.router.choice]})`
      : raw.router.noKernel ? 'native (no kernel: JS)' : raw.router.tier,
    firstCallSpeedup: ratio(firstPlain, firstNative),
    firstCallPlainMs: firstPlain,
    firstCallNativeMs: firstNative,
    firstCallBound: ratio(firstPlain, nativeNs === null ? null : nativeNs / 1e6),
    nativeVsTurbofan: ratio(plainNs, nativeNs),
    routerVsPlain: ratio(plainNs, routerNs),
    plainNs, nativeNs, routerNs,
    jitctlCompileMs: med(raw.compile.jitctlMs),
    turbofanCompileMs: med(raw.compile.turbofanMs),
    turbofanTotalCompileMs: med(raw.compile.turbofanTotalMs ?? []),
    turbofanNsPerIteration: raw.iterations ? ratio(plainNs, raw.iterations) : null,
    nativeNsPerIteration: raw.iterations ? ratio(nativeNs, raw.iterations) : null,
    problems,
  };
}

/** Geometric mean of the values present; null when none is. */
export function geomean(values: ReadonlyArray<number | null>): number | null {
  const xs = values.filter((v): v is number => v !== null && v > 0 && Number.isFinite(v));
  return xs.length === 0 ? null : Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

export interface SuiteSummary {
  kernels: KernelSummary[];
  geomean: { firstCallSpeedup: number | null; firstCallBound: number | null; nativeVsTurbofan: number | null; routerVsPlain: number | null; compileRatio: number | null };
}

export function summarizeSuite(results: SuiteResults): SuiteSummary {
  const kernels = results.kernels.map(summarize);
  return {
    kernels,
    geomean: {
      firstCallSpeedup: geomean(kernels.map((k) => k.firstCallSpeedup)),
      firstCallBound: geomean(kernels.map((k) => k.firstCallBound)),
      nativeVsTurbofan: geomean(kernels.map((k) => k.nativeVsTurbofan)),
      routerVsPlain: geomean(kernels.map((k) => k.routerVsPlain)),
      compileRatio: geomean(kernels.map((k) => ratio(k.turbofanCompileMs, k.jitctlCompileMs))),
    },
  };
}
