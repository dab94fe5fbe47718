// The native side of one kernel, asked the way the tier does it and timed: JS source -> plan
// (parse, subset check) -> lower (typed IR, trace) for the bench arguments' signature -> compile()
// of lib/engine.ts. Until the front end exists its stubs throw; the real one declines with a
// reason. Either way the answer is "not available: <why>", never an exception.

import { available, compile, engineStatus } from '../lib/engine.js';
import { lowerKernel, planKernel, signatureOf } from '../lib/compiler/frontend/index.js';
import { jitFocus, stats } from '../lib/index.js';
import type { KernelFn } from './kernels/spec.js';
import { now } from './natives.js';

export type Pipeline =
  | { ok: true; planMs: number; lowerMs: number; engineMs: number; uops: number }
  | { ok: false; reason: string };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Plans, lowers and compiles `fn` for `args`' signature, timing each step; frees the kernel. */
export function nativePipeline(fn: KernelFn, args: readonly unknown[]): Pipeline {
  try {
    if (!available()) return { ok: false, reason: `the engine is not available: ${engineStatus().refusal ?? engineStatus().error ?? 'unknown reason'}` };
    const t0 = now();
    const planned = planKernel(fn);
    const t1 = now();
    if (!planned.ok) return { ok: false, reason: planned.decline.message };
    const signature = signatureOf(args);
    if (signature === undefined) return { ok: false, reason: 'an argument has no kernel kind' };
    const t2 = now();
    const lowered = lowerKernel(planned.plan, signature, { speculate: true });  // as the native tier lowers it first
    const t3 = now();
    if (!lowered.ok) return { ok: false, reason: lowered.decline.message };
    const kernel = compile(lowered.kernel.trace);
    const t4 = now();
    kernel.free();
    return { ok: true, planMs: t1 - t0, lowerMs: t3 - t2, engineMs: t4 - t3, uops: lowered.kernel.uops.length };
  } catch (error) {
    return { ok: false, reason: message(error) };
  }
}

let hinted = 0;

/** What stats() says of a function on the native tier (its `native` field; null on other tiers). */
export interface NativeView {
  signatures: string[];
  declined: Array<{ signature: string; reason: string }>;
  kernelCalls: number;
  fallbackCalls: number;
  choice: 'native' | 'v8' | 'pending';
  speedup: number | null;
}

export interface HintRecord { tier: string; reason: string; native: NativeView | null }

export interface Hinted { wrapper: KernelFn; record: () => HintRecord }

/** `jitFocus(fn, { tier: 'native' })` under a unique stats() name, and what stats() reports for it. */
export function nativeWrapper(fn: KernelFn): Hinted {
  const name = `bench-native-${fn.name}-${++hinted}`;
  const wrapper = jitFocus(fn, { tier: 'native', name }) as KernelFn;
  return { wrapper, record: () => recordOf(name) };
}

/** `jitFocus(fn, { samples })`: the router's choice, under a unique stats() name. */
export function routerWrapper(fn: KernelFn, samples: unknown[][]): Hinted {
  const name = `bench-router-${fn.name}-${++hinted}`;
  const wrapper = jitFocus(fn, { samples, name }) as KernelFn;
  return { wrapper, record: () => recordOf(name) };
}

function recordOf(name: string): HintRecord {
  const record = stats().find((s) => s.name === name);
  if (!record) return { tier: 'unknown', reason: 'no stats() record', native: null };
  const declined = record.fallbacks.find((f) => f.startsWith('native'));
  const reason = record.tier === 'native' ? record.reason : declined ?? [...record.fallbacks, record.reason].join('; ');
  // stats().native comes with the native tier; read it without assuming it is there.
  const native = (record as unknown as { native?: NativeView | null }).native ?? null;
  return { tier: record.tier, reason, native };
}
