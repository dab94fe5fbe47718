// One kernel's measurements, in a process of its own (so that no kernel's JIT state leaks into
// another's), started by bench/kernels.ts:
//   node dist/bench/kernel-child.js measure <kernel> <out.json> [--quick]
//   node --trace-opt dist/bench/kernel-child.js turbofan <kernel> <out.json> [--quick]
// `measure` writes a KernelRaw (without TurboFan's compile times); `turbofan` tiers fresh copies up
// to TurboFan and writes their names: the parent reads their compile times from the --trace-opt
// lines. Progress goes to stderr.

import { writeFileSync } from 'node:fs';
import { engineStats, available as engineAvailable } from '../lib/engine.js';
import { difference } from './kernel-compare.js';
import { freshCopy } from './kernel-fresh.js';
import { countIterations } from './kernel-iterations.js';
import { nativePipeline, nativeWrapper, routerWrapper, type Hinted, type Pipeline } from './kernel-native.js';
import type { KernelRaw } from './kernel-results.js';
import { selectKernels, type KernelSpec } from './kernels/index.js';
import type { KernelFn } from './kernels/spec.js';
import { isTurbofan, median, natives, now } from './natives.js';

interface Budget {
  copies: number; rounds: number; batchMs: number;
  /** Calls until TurboFan (steady state), per fresh copy (compile time), until the router's choice. */
  tierUpMs: number; copyTierUpMs: number; routerChoiceMs: number;
  settleMs: number; routerWarmMs: number;
}
const FULL: Budget = { copies: 7, rounds: 9, batchMs: 25, tierUpMs: 4000, copyTierUpMs: 1500, routerChoiceMs: 8000, settleMs: 300, routerWarmMs: 400 };
const QUICK: Budget = { copies: 2, rounds: 3, batchMs: 5, tierUpMs: 1000, copyTierUpMs: 500, routerChoiceMs: 1000, settleMs: 60, routerWarmMs: 50 };

// Below the native tier's MIN_JUDGE_CALLS (200) with the warm-up calls: see the steady state.
const MAX_BATCH = 150;
const MIN_BATCH = 3;

const sink = { value: 0 };
function call(fn: KernelFn, args: readonly unknown[]): number | void {
  const r = Reflect.apply(fn, undefined, args) as number | void;
  if (typeof r === 'number') sink.value += r;
  return r;
}

function progress(kernel: string, text: string): void {
  process.stderr.write(`  ${kernel}: ${text}\n`);
}

/** Known answers through `fn`; each failure as a line. */
function knownFailures(spec: KernelSpec, fn: KernelFn, who: string): string[] {
  const failures: string[] = [];
  for (const known of spec.known) {
    const args = known.args();
    const result = call(fn, args);
    if (known.result !== undefined && !Object.is(result, known.result)) failures.push(`${who}: ${String(result)}, expected ${known.result}`);
    if (known.output) {
      const out = args[known.output.arg] as ArrayLike<number>;
      const got = Array.from(out);
      if (got.length !== known.output.values.length || got.some((v, i) => !Object.is(v, known.output!.values[i]))) {
        failures.push(`${who}: argument ${known.output.arg} is [${got.join(', ')}], expected [${known.output.values.join(', ')}]`);
      }
    }
  }
  return failures;
}

/** Runs `reference` and `other` on twin inputs `calls` times; the first difference, if any. */
function compareOn(spec: KernelSpec, reference: KernelFn, other: KernelFn, who: string, calls: number): string | undefined {
  const a = spec.inputs(), b = spec.inputs();
  for (let c = 1; c <= calls; c++) {
    const d = difference(call(reference, a), a, call(other, b), b);
    if (d !== undefined) return `${who}, call ${c}: ${d}`;
  }
  return undefined;
}

function timeBatch(fn: KernelFn, args: readonly unknown[], calls: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) call(fn, args);
  return Number(process.hrtime.bigint() - t0) / calls;
}

/** Whether `jitFocus(fn, { tier: 'native' })` runs a kernel (else why not), its known answers and its results against the plain function's. */
function checkNative(spec: KernelSpec, raw: KernelRaw, pipeline: Pipeline): Hinted {
  const compiledBefore = engineAvailable() ? engineStats().kernelsCompiled : 0;
  const native = nativeWrapper(freshCopy(spec.fn, 'native'));
  const plainCheck = freshCopy(spec.fn, 'check');
  raw.known.push(...knownFailures(spec, plainCheck, 'plain'));
  const benchResult = call(plainCheck, spec.inputs());
  if (spec.sane) raw.sane = spec.sane(benchResult, []);
  const nativeMismatch = compareOn(spec, plainCheck, native.wrapper, 'native', 3);
  const record = native.record();
  raw.native.tier = record.tier;
  const declined = record.native?.declined[0];
  if (!pipeline.ok) raw.native.reason = pipeline.reason;
  else if (record.tier !== 'native') raw.native.reason = `jitFocus(fn, { tier: 'native' }) got the ${record.tier} tier: ${record.reason}`;
  else if (record.native && record.native.signatures.length === 0) raw.native.reason = declined ? `${declined.signature}: ${declined.reason}` : 'the native tier compiled no kernel for the bench arguments';
  else if (!record.native && engineStats().kernelsCompiled === compiledBefore) raw.native.reason = 'the native tier compiled no kernel for the bench arguments';
  else if (record.native && record.native.kernelCalls === 0) raw.native.reason = 'no call ran the kernel';
  else raw.native.available = true;
  if (pipeline.ok) raw.native.uops = pipeline.uops;
  if (raw.native.available) {
    raw.known.push(...knownFailures(spec, native.wrapper, 'native'));
    if (nativeMismatch) raw.mismatches.push(nativeMismatch);
  }
  return native;
}

/** Calls `plain` until TurboFan, then on for a while to see it stay there (a kernel may deopt once early); forced if not. */
function tierUpToTurbofan(plain: KernelFn, args: readonly unknown[], budget: Budget): KernelRaw['steady']['turbofan'] {
  const start = now();
  let calls = 0;
  for (;;) {
    while (!isTurbofan(plain) && now() - start < budget.tierUpMs) { call(plain, args); calls++; }
    const settle = now();
    while (isTurbofan(plain) && now() - settle < budget.settleMs) call(plain, args);
    if (isTurbofan(plain) || now() - start >= budget.tierUpMs) break;
  }
  const reached = isTurbofan(plain);
  if (!reached) {
    natives.PrepareFunctionForOptimization?.(plain);
    natives.OptimizeFunctionOnNextCall?.(plain);
    call(plain, args);
  }
  return { reached, calls, forced: !reached, stillAfter: false };
}

/** Calls the router's wrapper until the native tier's adaptive choice has decided, or for a while; the calls made. */
function warmRouter(router: Hinted, args: readonly unknown[], budget: Budget): number {
  const start = now();
  let calls = 0;
  for (;;) {
    call(router.wrapper, args);
    if (++calls % 16 !== 0) continue;
    const elapsed = now() - start;
    const r = router.record();
    // Without a kernel (another tier, or every signature declined) there is no choice to wait for.
    const choosing = r.tier === 'native' && r.native !== null && r.native.signatures.length > 0;
    const decided = choosing ? r.native!.choice !== 'pending' : elapsed >= budget.routerWarmMs;
    if (decided || elapsed >= budget.routerChoiceMs) return calls;
  }
}

function measure(spec: KernelSpec, budget: Budget): KernelRaw {
  const raw: KernelRaw = {
    name: spec.name, what: spec.what, known: [], sane: null, native: { available: false }, router: { tier: 'unknown', reason: '' },
    mismatches: [], firstCall: { plainMs: [], nativeMs: [] },
    steady: { plainNs: [], nativeNs: [], routerNs: [], batch: 0, turbofan: { reached: false, calls: 0, forced: false, stillAfter: false } },
    compile: { jitctlMs: [], planMs: [], lowerMs: [], engineMs: [], turbofanMs: [], turbofanTotalMs: [] }, errors: [],
  };
  const label = spec.name;

  // Is there a native kernel at all, and does it compute what the plain function computes?
  const pipeline = nativePipeline(freshCopy(spec.fn, 'probe'), spec.inputs());
  const native = checkNative(spec, raw, pipeline);
  progress(label, raw.native.available ? `native: available (${pipeline.ok ? pipeline.uops : '?'} uops)` : `native: not available: ${raw.native.reason}`);

  // 1. First call: fresh copies, interleaved; jitFocus itself counts on the native side. Inputs
  // and copies are made before any timing, so that their allocation (and the GC it brings) is not timed.
  const firstCalls = Array.from({ length: budget.copies }, () => ({
    plain: freshCopy(spec.fn, 'first'), plainArgs: spec.inputs(),
    native: freshCopy(spec.fn, 'nfirst'), nativeArgs: spec.inputs(),
  }));
  for (const { plain, plainArgs, native: copy, nativeArgs } of firstCalls) {
    const t0 = now();
    call(plain, plainArgs);
    raw.firstCall.plainMs.push(now() - t0);
    if (!raw.native.available) continue;
    const t1 = now();
    call(nativeWrapper(copy).wrapper, nativeArgs);
    raw.firstCall.nativeMs.push(now() - t1);
  }
  progress(label, 'first call done');

  // 3 (jitctl's side). Compile time: source -> executable kernel, fresh copies.
  if (pipeline.ok) {
    for (let i = 0; i < budget.copies; i++) {
      const p = nativePipeline(freshCopy(spec.fn, 'compile'), spec.inputs());
      if (!p.ok) { raw.errors.push(`compile of a fresh copy: ${p.reason}`); break; }
      raw.compile.planMs.push(p.planMs); raw.compile.lowerMs.push(p.lowerMs); raw.compile.engineMs.push(p.engineMs);
      raw.compile.jitctlMs.push(p.planMs + p.lowerMs + p.engineMs);
    }
    progress(label, 'jitctl compile time done');
  }

  // 2. Steady state: TurboFan (plain function called until V8 optimizes it), the native wrapper, the router.
  // All three are timed on one set of inputs: two sets of equal contents can differ by 10% in
  // speed through where their arrays lie in memory (blur3's source and destination), which would
  // show up as a ratio between the columns.
  const plain = freshCopy(spec.fn, 'tf');
  const steadyArgs = spec.inputs();
  raw.steady.turbofan = tierUpToTurbofan(plain, steadyArgs, budget);
  const { calls } = raw.steady.turbofan;
  progress(label, raw.steady.turbofan.reached ? `TurboFan after ${calls} calls` : `TurboFan not reached in ${calls} calls: forced (${isTurbofan(plain) ? 'now TurboFan' : 'still not TurboFan'})`);

  // The router: called until its adaptive choice has decided (on the native tier) or for a while.
  const router = routerWrapper(freshCopy(spec.fn, 'router'), [spec.inputs()]);
  const routerCalls = warmRouter(router, steadyArgs, budget);

  // The native kernel: a fresh jitFocus wrapper per round, so that no wrapper reaches the calls
  // at which the tier's adaptive choice starts to measure (and run) V8's code instead
  // (MIN_JUDGE_CALLS, 200): this column is the kernel's own speed. stats() says whether every
  // timed call ran the kernel.
  let current: Hinted | null = null;
  let kernelCallsBefore = 0;
  const nextNative = (): KernelFn => {
    current = nativeWrapper(freshCopy(spec.fn, 'steady'));
    call(current.wrapper, steadyArgs);
    call(current.wrapper, steadyArgs);
    kernelCallsBefore = current.record().native?.kernelCalls ?? 0;
    return current.wrapper;
  };
  raw.native.timedCalls = 0;
  raw.native.kernelCalls = 0;

  // Calls per batch from the median of single calls (one slow call on a loaded machine must not shrink it).
  const perCall = median(Array.from({ length: 5 }, () => timeBatch(plain, steadyArgs, 1)));
  const batch = Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.round((budget.batchMs * 1e6) / perCall)));
  raw.steady.batch = batch;
  const variants: Array<{ next: () => KernelFn; args: unknown[]; out: number[]; after?: () => void }> = [
    { next: () => plain, args: steadyArgs, out: raw.steady.plainNs },
    { next: () => router.wrapper, args: steadyArgs, out: raw.steady.routerNs },
    ...(raw.native.available ? [{
      next: nextNative, args: steadyArgs, out: raw.steady.nativeNs,
      after: () => {
        raw.native.timedCalls! += batch;
        raw.native.kernelCalls! += (current?.record().native?.kernelCalls ?? 0) - kernelCallsBefore;
      },
    }] : []),
  ];
  for (let r = 0; r < budget.rounds; r++) {
    for (let v = 0; v < variants.length; v++) {
      const variant = variants[(r + v) % variants.length];
      variant.out.push(timeBatch(variant.next(), variant.args, batch));
      variant.after?.();
    }
  }
  raw.steady.turbofan.stillAfter = isTurbofan(plain);
  const routed = router.record();
  const hasKernel = routed.native !== null && routed.native.signatures.length > 0;
  raw.router = {
    tier: routed.tier, reason: routed.reason, warmCalls: routerCalls,
    choice: hasKernel ? routed.native!.choice : undefined, speedup: routed.native?.speedup ?? undefined,
    ...(routed.tier === 'native' && !hasKernel ? { noKernel: true } : {}),
  };
  progress(label, `steady state done (router: ${routed.tier}${hasKernel ? `, choice ${routed.native!.choice} after ${routerCalls} calls` : routed.tier === 'native' ? ', no kernel: runs the JS function' : ''})`);

  // After warm-up: TurboFan's code against the native kernel and the router, on fresh twin inputs.
  const warmMismatches = [
    raw.native.available ? compareOn(spec, plain, native.wrapper, 'native after warm-up', 2) : undefined,
    compareOn(spec, plain, router.wrapper, 'router', 2),
  ];
  for (const m of warmMismatches) if (m) raw.mismatches.push(m);
  raw.known.push(...knownFailures(spec, router.wrapper, 'router'));
  // Counted after the timings, on an instrumented copy of its own.
  try {
    raw.iterations = countIterations(spec);
  } catch (error) {
    raw.errors.push(`counting loop iterations: ${(error as Error).message}`);
  }
  return raw;
}

/**
 * Fresh copies, each called until V8's TurboFan code for it stays (3 calls in a row), forced
 * after the tier-up budget; their names, so that the parent reads their compiles in --trace-opt.
 */
function turbofanCompiles(spec: KernelSpec, budget: Budget): string[] {
  const names: string[] = [];
  for (let i = 0; i < budget.copies; i++) {
    const copy = freshCopy(spec.fn, 'tfc');
    const args = spec.inputs();
    const start = now();
    let stable = 0;
    while (stable < 3 && now() - start < budget.copyTierUpMs) {
      call(copy, args);
      stable = isTurbofan(copy) ? stable + 1 : 0;
    }
    if (stable < 3) {
      natives.PrepareFunctionForOptimization?.(copy);
      natives.OptimizeFunctionOnNextCall?.(copy);
      call(copy, args);
    }
    names.push(copy.name);
  }
  progress(spec.name, 'TurboFan compiles done');
  return names;
}

function main(): void {
  const [phase, kernel, out] = process.argv.slice(2);
  const budget = process.argv.includes('--quick') ? QUICK : FULL;
  const [spec] = selectKernels(kernel);
  if (!spec || !out || (phase !== 'measure' && phase !== 'turbofan')) {
    throw new Error('usage: kernel-child.js measure|turbofan <kernel> <out.json> [--quick]');
  }
  const result = phase === 'measure' ? measure(spec, budget) : { names: turbofanCompiles(spec, budget) };
  writeFileSync(out, JSON.stringify(result));
}

main();
