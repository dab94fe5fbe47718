// Routing: which tier serves a hint for a function, and why. Each tier says what it needs
// (availability); the router tries the tier the user forced, then its order of tiers, and keeps
// the reason of every tier it passed over (stats().fallbacks). Total: never throws.

import { getConfig } from '../config.js';
import { importDetection, jscModule, type Detection } from './detect.js';
import { noopStrategy } from '../tiers/noop.js';
import { warmupStrategy } from '../tiers/warmup.js';
import { v8Strategy } from '../tiers/v8.js';
import { jscStrategy } from '../tiers/jsc.js';
import { nativeStrategy } from '../tiers/native.js';
import type { AnyFunction, Availability, Hint, NormalizedOptions, RuntimeFacts, Strategy, Tier } from '../types.js';

const detection: Detection = importDetection();
const jsc = jscModule();

export interface StrategyChoice { strategy: Strategy; reason: string; fallbacks: string[]; runtime: RuntimeFacts }

/** The registered tiers; each says for itself whether it can serve a hint (Strategy.availability). */
const STRATEGIES: Record<Tier, Strategy> = {
  native: nativeStrategy,
  v8: v8Strategy,
  jsc: jscStrategy,
  warmup: warmupStrategy,
  noop: noopStrategy,
};

function runtimeLabel(): string {
  switch (detection.runtime) {
    case 'node': return `Node ${detection.nodeVersion} (V8 ${detection.v8Version})`;
    case 'deno': return `Deno ${detection.runtimeVersion ?? ''} (V8 ${detection.v8Version})`.replace('  ', ' ');
    case 'bun': return `Bun ${detection.runtimeVersion ?? ''}`.trimEnd();
    case 'other': return 'a runtime jitctl does not know';
  }
}

/** The transcendental Math functions: the stencils carry V8's own fdlibm algorithms for them (docs/uops.md). */
const TRANSCENDENTAL_MATH: readonly string[] = Object.freeze([
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh',
  'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'cbrt', 'pow', 'atan2', 'hypot',
]);

/** Math.pow follows the C library's pow, which V8 calls from 13.6 on (Node 24); before, V8 had fdlibm's. */
const POW: readonly string[] = Object.freeze(['pow']);
/**
 * Node 20-24 on arm64 run a GCC-built V8, which fuses multiply-adds in these fdlibm functions
 * differently from the clang-built V8 the stencils follow (docs/uops.md: within 1 or 2 ulp).
 */
const GCC_ARM64_MATH: readonly string[] = Object.freeze(['tan', 'atan', 'asinh', 'acosh', 'atanh', 'log', 'log1p', 'log2', 'log10', 'atan2']);

/**
 * The Math functions whose stencils are not bit-identical to this runtime's Math, which the
 * native tier declines (a kernel never changes a result, not even in the last place):
 * JavaScriptCore (Bun) calls the system libm (docs/decisions.md: SIN_F64(2.5) is one ulp off
 * Bun's Math.sin), and so does Deno from V8 15 on; Node's V8 computes them with the fdlibm the
 * stencils copy, except pow before V8 13.6 and, on arm64, GCC-built V8 (Node 20-24).
 */
function inexactMath(): readonly string[] {
  if (detection.runtime === 'bun') return TRANSCENDENTAL_MATH;
  const [major, minor] = (detection.v8Version ?? '').split('.').map((part) => Number.parseInt(part, 10));
  if (detection.runtime === 'deno' && !(major < 15)) return TRANSCENDENTAL_MATH;
  if (detection.runtime === 'other' || !Number.isFinite(major)) return TRANSCENDENTAL_MATH;
  const inexact: string[] = [];
  if (major < 13 || (major === 13 && !(minor >= 6))) inexact.push(...POW);
  const nodeMajor = Number.parseInt(detection.nodeVersion ?? '', 10);
  if (detection.runtime === 'node' && detection.addon.arch === 'arm64' && nodeMajor < 26) inexact.push(...GCC_ARM64_MATH);
  return Object.freeze(inexact);
}

/** What the tiers are told about the runtime, from detection at import. */
const RUNTIME: RuntimeFacts = Object.freeze({
  label: runtimeLabel(),
  runsV8: (detection.runtime === 'node' || detection.runtime === 'deno') && detection.v8Version !== null,
  jitless: detection.jitless,
  inexactMath: inexactMath(),
});

/** What the router found about the runtime (the facts every tier is given; explain() lowers with them too). */
export function runtimeFacts(): RuntimeFacts {
  return RUNTIME;
}

function availability(tier: Tier, hint: Hint, fn: AnyFunction | null, options: NormalizedOptions | null, forced: boolean): Availability {
  return STRATEGIES[tier].availability({ hint, fn, options, forced, runtime: RUNTIME });
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
    // jitIgnore asks for less optimization, never for jitctl's compiler.
    if (tier === 'native' && hint === 'ignore') continue;
    if (fallbacks.some((f) => f.startsWith(`${tier} `))) continue;
    if (tier === 'noop' && functionRefusal) {
      // The runtime has a JIT to control, but not for this function: say why, not "nothing to control".
      return { tier, reason: `runs unchanged: ${functionRefusal}`, fallbacks };
    }
    const a = availability(tier, hint, fn, options, false);
    if (a.ok) return { tier, reason: a.reason, fallbacks };
    // A function the v8 tier refuses, or a V8 whose intrinsics are off (Deno without its flag);
    // on Bun, what the jsc tier refuses.
    if (tier === 'v8' && RUNTIME.runsV8 && !RUNTIME.jitless) functionRefusal = a.reason;
    if (tier === 'jsc' && jsc && !functionRefusal) functionRefusal = a.reason;
    fallbacks.push(`${tier}: ${a.reason}`);
  }
  return { tier: 'noop', reason: 'no other tier applies', fallbacks };
}

/** The strategy for one hinted function, why, and what was tried first. Total: never throws. */
export function getStrategy(hint: Hint, fn: AnyFunction, options: NormalizedOptions): StrategyChoice {
  try {
    const { tier, reason, fallbacks } = route(hint, fn, options);
    return { strategy: STRATEGIES[tier], reason, fallbacks, runtime: RUNTIME };
  } catch (error) {
    return { strategy: noopStrategy, reason: 'routing failed; the function runs unchanged', fallbacks: [String(error)], runtime: RUNTIME };
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

