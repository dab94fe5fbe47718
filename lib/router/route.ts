// Routing: which tier serves a hint for a function, and why. Each tier says what it needs
// (availability); the router tries the tier the user forced, then its order of tiers, and keeps
// the reason of every tier it passed over (stats().fallbacks). Total: never throws.

import { getConfig } from '../config.js';
import { KIND_REASONS, inspectFunction, v8Refusal } from '../v8/classify.js';
import { importDetection, jscModule, type Detection } from './detect.js';
import { noopStrategy } from '../tiers/noop.js';
import { warmupStrategy } from '../tiers/warmup.js';
import { v8Strategy } from '../tiers/v8.js';
import { jscAvailability, jscStrategy } from '../tiers/jsc.js';
import type { AnyFunction, Hint, NormalizedOptions, Strategy, Tier } from '../types.js';

const detection: Detection = importDetection();
const jsc = jscModule();

// ---------------------------------------------------------------------------------------------
// Routing.

export interface StrategyChoice { strategy: Strategy; reason: string; fallbacks: string[] }

const STRATEGIES: Record<Tier, Strategy> = {
  noop: noopStrategy,
  warmup: warmupStrategy,
  v8: v8Strategy,
  jsc: jscStrategy,
  // The native tier never gets picked until its front end exists (nativeAvailability says why).
  native: noopStrategy,
};

const NEEDED_INTRINSICS: Record<Hint, readonly string[]> = {
  // %IsWasmCode for every hint: without it, asm.js exports cannot be kept out of the intrinsics' reach.
  // %GetOptimizationStatus for focus: a function is prepared only once it is compiled (isCompiled).
  focus: ['IsWasmCode', 'GetOptimizationStatus', 'PrepareFunctionForOptimization', 'ActiveTierIsTurbofan', 'ActiveTierIsIgnition'],
  ignore: ['IsWasmCode', 'NeverOptimizeFunction', 'DeoptimizeFunction'],
  once: ['IsWasmCode', 'NeverOptimizeFunction', 'DeoptimizeFunction', 'ActiveTierIsTurbofan', 'ActiveTierIsIgnition'],
};

function runtimeLabel(): string {
  switch (detection.runtime) {
    case 'node': return `Node ${detection.nodeVersion} (V8 ${detection.v8Version})`;
    case 'deno': return `Deno ${detection.runtimeVersion ?? ''} (V8 ${detection.v8Version})`.replace('  ', ' ');
    case 'bun': return `Bun ${detection.runtimeVersion ?? ''}`.trimEnd();
    case 'other': return 'a runtime jitctl does not know';
  }
}

/** Node and Deno run V8, with a JIT that intrinsics or warm-up can steer. */
function runsV8(): boolean {
  return (detection.runtime === 'node' || detection.runtime === 'deno') && detection.v8Version !== null;
}

/** Why the v8 tier cannot serve `hint` on this runtime (independent of the function), or null. */
function v8RuntimeRefusal(hint: Hint): string | null {
  if (!runsV8()) return `not V8 (${runtimeLabel()})`;
  if (detection.jitless) return 'no optimizing JIT (--jitless or TurboFan and Maglev off)';
  if (detection.nativesSyntax === 'unavailable') return `V8 natives syntax unavailable (${detection.errors[0] ?? 'unknown reason'})`;
  const absent = NEEDED_INTRINSICS[hint].filter((name) => !detection.intrinsics[name]);
  if (absent.length > 0) return `missing V8 intrinsics: ${absent.map((n) => `%${n}`).join(', ')}`;
  if (hint === 'focus' && !detection.optimizeMode) return 'no way to request optimization on this V8';
  return null;
}

type Availability = { ok: true; reason: string } | { ok: false; reason: string };

function v8Reason(hint: Hint): string {
  const v = `V8 ${detection.v8Version}`;
  switch (hint) {
    case 'focus': {
      const target = detection.turbofan ? 'TurboFan' : 'Maglev';
      return `${v}: first call, prepare, feedback, then ${detection.optimizeMode === 'eager' ? 'eager' : 'on-next-call'} ${target}`;
    }
    case 'ignore': return `${v}: never optimized (NeverOptimize + Deoptimize)`;
    case 'once': return `${v}: deopts counted, pinned after maxDeopts`;
  }
}

function availability(tier: Tier, hint: Hint, fn: AnyFunction | null, options: NormalizedOptions | null, forced: boolean): Availability {
  switch (tier) {
    case 'noop':
      return { ok: true, reason: forced ? 'asked for' : `nothing to control on ${runtimeLabel()}` };
    case 'native': {
      if (hint !== 'focus') return { ok: false, reason: 'the native tier compiles jitFocus kernels only' };
      return detection.native.available ? { ok: true, reason: detection.native.reason } : { ok: false, reason: `not available: ${detection.native.reason}` };
    }
    case 'v8': {
      const runtime = v8RuntimeRefusal(hint);
      if (runtime) return { ok: false, reason: runtime };
      const refusal = fn ? v8Refusal(hint, fn) : null;
      if (refusal) return { ok: false, reason: refusal };
      return { ok: true, reason: v8Reason(hint) };
    }
    case 'jsc':
      return jscAvailability(jsc, hint, fn, options) as Availability;
    case 'warmup': {
      if (hint === 'ignore') return { ok: false, reason: 'warm-up cannot keep a function from being optimized' };
      if (fn && inspectFunction(fn).kind === 'class') return { ok: false, reason: KIND_REASONS.class };
      if (options && options.samples.length === 0) return { ok: false, reason: 'no samples to warm up with' };
      if (!forced && !runsV8()) return { ok: false, reason: `not V8 (${runtimeLabel()})` };
      // Decided by measurement (docs/decisions.md): without a JIT, warm-up calls cost time and buy nothing.
      if (!forced && detection.jitless) return { ok: false, reason: 'no JIT to warm up (--jitless)' };
      return { ok: true, reason: options ? `${options.samples.length} sample(s), ${options.warmup} call(s) at ${options.when}` : 'sample calls' };
    }
  }
}

const AUTO_ORDER: readonly Tier[] = ['native', 'v8', 'jsc', 'warmup', 'noop'];

function route(hint: Hint, fn: AnyFunction | null, options: NormalizedOptions | null): { tier: Tier; reason: string; fallbacks: string[] } {
  const fallbacks: string[] = [];
  // Off wins over everything, a per-function tier option included: it is the user's kill switch.
  const mode = getConfig().mode;
  if (mode === 'off') return { tier: 'noop', reason: 'jitctl is off (JITCTL=off or configure({ mode: \'off\' }))', fallbacks };
  const forcedTier = options?.tier ?? 'auto';
  if (forcedTier !== 'auto') {
    const a = availability(forcedTier, hint, fn, options, true);
    if (a.ok) return { tier: forcedTier, reason: `option tier '${forcedTier}': ${a.reason}`, fallbacks };
    fallbacks.push(`${forcedTier} (option tier): ${a.reason}`);
  } else if (mode !== 'auto') {
    const a = availability(mode, hint, fn, options, true);
    if (a.ok) return { tier: mode, reason: `mode '${mode}': ${a.reason}`, fallbacks };
    fallbacks.push(`${mode} (mode): ${a.reason}`);
  }
  let functionRefusal: string | null = null;
  for (const tier of AUTO_ORDER) {
    if (tier === 'native' && hint !== 'focus') continue;
    if (fallbacks.some((f) => f.startsWith(`${tier} `))) continue;
    if (tier === 'noop' && functionRefusal) {
      // The runtime has a JIT to control, but not for this function: say why, not "nothing to control".
      return { tier, reason: `runs unchanged: ${functionRefusal}`, fallbacks };
    }
    const a = availability(tier, hint, fn, options, false);
    if (a.ok) return { tier, reason: a.reason, fallbacks };
    // A function the v8 tier refuses, or a V8 whose intrinsics are off (Deno without its flag);
    // on Bun, what the jsc tier refuses.
    if (tier === 'v8' && runsV8() && !detection.jitless) functionRefusal = a.reason;
    if (tier === 'jsc' && jsc && !functionRefusal) functionRefusal = a.reason;
    fallbacks.push(`${tier}: ${a.reason}`);
  }
  return { tier: 'noop', reason: 'no other tier applies', fallbacks };
}

/** The strategy for one hinted function, why, and what was tried first. Total: never throws. */
export function getStrategy(hint: Hint, fn: AnyFunction, options: NormalizedOptions): StrategyChoice {
  try {
    const { tier, reason, fallbacks } = route(hint, fn, options);
    return { strategy: STRATEGIES[tier], reason, fallbacks };
  } catch (error) {
    return { strategy: noopStrategy, reason: 'routing failed; the function runs unchanged', fallbacks: [String(error)] };
  }
}

/** The tier a plain function with default options would get for `hint` (what `jitctl info` prints). */
export function tierForHint(hint: Hint): { tier: Tier; reason: string } {
  try {
    const { tier, reason } = route(hint, null, null);
    return { tier, reason };
  } catch (error) {
    return { tier: 'noop', reason: `routing failed: ${String(error)}` };
  }
}

