// The router. This is the only module that looks at runtimes, versions, V8 flags and the addon: it
// detects once, at import, and then answers getStrategy(hint, fn, options) for every hint.
//
// It also owns the guarded entry points to V8's intrinsics (the V8Control below). An intrinsic
// called on the wrong kind of function aborts the whole process, uncatchably (docs/v8.md lists
// the cases), so every call goes through checks that keep those cases out of reach:
//   - only real user functions: not native, bound, Proxy (all "[native code]" to a Function.prototype
//     toString taken from a fresh realm at import, plus util.types.isProxy; lib/inspect.ts), not class
//     constructors, not asm.js modules, and not functions exported by a validated asm.js module (V8
//     runs those as WebAssembly: %IsWasmCode, asked only once the checks before proved a JS function);
//   - Prepare always right before any Optimize (eager or on next call), and only on a function V8
//     has compiled (Prepare compiles a lazy function itself, and a failed compile there aborts);
//   - never Prepare or Optimize code that may have been NeverOptimized: one registry per isolate,
//     shared by every copy of jitctl, keeps the functions marked and their source texts, because
//     sibling closures and identical `new Function` sources share code with them
//     (lib/never-optimized.ts); and none at all when natives syntax was on before jitctl, unless
//     the user vouches for it (JITCTL_TRUST_NATIVES_SYNTAX=1);
//   - never CompileBaseline (nothing needs it, and it aborts under --jitless).
// These checks hold on their own: nothing relaxes V8's fatal checks behind them (docs/decisions.md).

import { addonBinding, addonStatus } from './addon.js';
import { getConfig, trustNativesSyntax } from './config.js';
import {
  loadIntrinsics, layoutFromProbe, startupFlagIsSet, statusBit,
  type Intrinsics, type IntrinsicsLoad, type NativesSyntax, type NativesSyntaxCompiler, type NativesSyntaxWindow, type StatusLayout,
} from './compat.js';
import { isProxy, sourceText, tools } from './inspect.js';
import { mayBeNeverOptimized, recordNeverOptimized } from './never-optimized.js';
import { noopStrategy } from './strategies/noop.js';
import { warmupStrategy } from './strategies/warmup.js';
import { v8Strategy } from './strategies/v8.js';
import { nativeAvailability } from './strategies/native.js';
import { jscAvailability, jscStrategy, type JscModule } from './strategies/jsc.js';
import type { AnyFunction, Hint, NormalizedOptions, ObservedTier, Strategy, Tier } from './types.js';

export interface Detection {
  runtime: 'node' | 'bun' | 'deno' | 'other';
  /** Deno's or Bun's own version; null on Node (see nodeVersion). */
  runtimeVersion: string | null;
  /** Node's version, or the Node version Deno and Bun say they are compatible with. */
  nodeVersion: string | null;
  v8Version: string | null;
  nativesSyntax: NativesSyntax;
  /** How jitctl's window with natives syntax on was made (lib/compat.ts): 'addon' is the one nothing can interrupt. */
  nativesSyntaxWindow: NativesSyntaxWindow;
  /** Every intrinsic probed, by name, and whether it compiled. */
  intrinsics: Record<string, boolean>;
  maglev: boolean | null;
  turbofan: boolean | null;
  /** No optimizing compiler to control: --jitless (command line or NODE_OPTIONS), or TurboFan and Maglev both off. */
  jitless: boolean;
  statusLayout: StatusLayout | null;
  /** How V8 is asked to optimize a focused function now: 'eager' where V8 has %OptimizeTurbofanEager. */
  optimizeMode: 'eager' | 'next-call' | null;
  /** The native addon (lib/addon.ts): loaded, process arch, the engine's arch name, stencils for it. */
  addon: { loaded: boolean; arch: string; nativeArch?: string; supported?: boolean; error?: string; jitless?: boolean };
  native: { available: boolean; reason: string };
  /** Milliseconds detection took at import (runtime, flags, intrinsics, layout). */
  detectMs: number;
  /** Milliseconds loading the addon took (on the first detect() call), or null before. */
  addonMs: number | null;
  /** What went wrong during detection (never thrown). */
  errors: string[];
}

interface V8Module { setFlagsFromString(flags: string): void }

// process.hrtime, not the performance global: Node loads perf_hooks on first use of that, which
// alone costs more than detection.
function clockMs(): number {
  try {
    return Number(process.hrtime.bigint()) / 1e6;
  } catch {
    return Date.now();
  }
}

let v8Module: V8Module | null = null;
// Bun's bun:jsc (JavaScriptCore's per-function controls), loaded at detection on Bun only.
let jsc: JscModule | null = null;
let loaded: IntrinsicsLoad | null = null;

/** How to switch the v8 tier on in Deno (what `jitctl info` and the tier's refusal say). */
export const DENO_NATIVES_SYNTAX = 'Deno ignores v8.setFlagsFromString: start it with --v8-flags=--allow-natives-syntax ' +
  '(and JITCTL_TRUST_NATIVES_SYNTAX=1 for jitFocus, see docs/v8.md) to use the v8 tier';

function runtimeVersionOf(runtime: 'deno' | 'bun'): string | null {
  try {
    const g = globalThis as { Deno?: { version?: { deno?: unknown } }; Bun?: { version?: unknown } };
    const version = runtime === 'deno' ? g.Deno?.version?.deno : g.Bun?.version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

function detectRuntime(): Detection['runtime'] {
  const g = globalThis as { Bun?: unknown; Deno?: unknown; process?: NodeJS.Process };
  if (typeof g.Bun !== 'undefined') return 'bun';
  if (typeof g.Deno !== 'undefined') return 'deno';
  const proc = g.process;
  if (!proc || typeof proc !== 'object' || !proc.versions) return 'other';
  if (proc.versions.bun) return 'bun';
  if (proc.versions.deno) return 'deno';
  // Electron and other embedders may freeze V8's flags, where setFlagsFromString aborts.
  if ((proc.versions as Record<string, string | undefined>).electron) return 'other';
  if (proc.release?.name === 'node' && typeof proc.versions.v8 === 'string') return 'node';
  return 'other';
}

/**
 * The native addon's status, from lib/addon.ts (the engine's loader, which never throws). It is a
 * Node-API addon: Deno and Bun load it too.
 */
function detectAddon(): Detection['addon'] {
  const arch = typeof process === 'object' && typeof process.arch === 'string' ? process.arch : 'unknown';
  try {
    const status = addonStatus();
    const result: Detection['addon'] = {
      loaded: status.loaded === true, arch: status.arch || arch, supported: status.supported === true, jitless: status.jitless === true,
    };
    if (status.nativeArch) result.nativeArch = status.nativeArch;
    if (!result.loaded) result.error = status.error ?? 'native engine not built';
    return result;
  } catch (error) {
    return { loaded: false, arch, error: `addon loader failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * The addon's uninterruptible, process-wide critical section for compiling intrinsic wrappers,
 * when the addon loads (lib/compat.ts says why it matters). Loading the addon here costs a few
 * milliseconds at import, which buys a natives-syntax window that no worker termination and no
 * concurrent import can break.
 */
function nativesSyntaxCompiler(): NativesSyntaxCompiler | undefined {
  try {
    const binding = addonBinding() as { compileWithNativesSyntax?: unknown } | undefined;
    const compile = binding?.compileWithNativesSyntax;
    if (typeof compile !== 'function') return undefined;
    return (probe, sources) => Reflect.apply(compile, binding, [probe, sources]) as ReturnType<NativesSyntaxCompiler>;
  } catch {
    return undefined;
  }
}

function callQuery(fn: (() => unknown) | undefined): boolean | null {
  if (!fn) return null;
  try {
    return fn() === true;
  } catch {
    return null;
  }
}

function probeLayout(intrinsics: Intrinsics): StatusLayout | null {
  const status = intrinsics.GetOptimizationStatus;
  if (!status) return null;
  try {
    // A fresh, real, called-but-cold function: its status is "function, interpreted" in any layout.
    const probe = new Function('x', `return x + 1 /* jitctl layout probe ${Math.random()} */`) as AnyFunction;
    probe(1);
    probe(2);
    return layoutFromProbe(status(probe));
  } catch {
    return null;
  }
}

function runDetection(): Detection {
  const started = clockMs();
  const errors: string[] = [];
  const runtime = detectRuntime();
  const detection: Detection = {
    runtime,
    runtimeVersion: null,
    nodeVersion: null,
    v8Version: null,
    nativesSyntax: 'unavailable',
    nativesSyntaxWindow: 'none',
    intrinsics: {},
    maglev: null,
    turbofan: null,
    jitless: false,
    statusLayout: null,
    optimizeMode: null,
    addon: { loaded: false, arch: 'unknown', error: 'not loaded yet' },
    native: { available: false, reason: '' },
    detectMs: 0,
    addonMs: null,
    errors,
  };
  try {
    if (runtime === 'deno' || runtime === 'bun') detection.runtimeVersion = runtimeVersionOf(runtime);
    // Deno runs V8: the same intrinsics, guards and status layouts as Node, but its
    // v8.setFlagsFromString does nothing, so natives syntax is there only when Deno was started
    // with --v8-flags=--allow-natives-syntax.
    if (runtime === 'node' || runtime === 'deno') {
      detection.nodeVersion = process.versions.node ?? null;
      detection.v8Version = process.versions.v8 ?? null;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        v8Module = require('node:v8') as V8Module;
      } catch (error) {
        errors.push(`cannot load node:v8: ${String(error)}`);
      }
      if (v8Module) {
        loaded = runtime === 'node' ? loadIntrinsics(v8Module, nativesSyntaxCompiler()) : loadIntrinsics(null);
        if (runtime === 'deno' && loaded.nativesSyntax === 'unavailable') loaded.error = DENO_NATIVES_SYNTAX;
        detection.nativesSyntax = loaded.nativesSyntax;
        detection.nativesSyntaxWindow = loaded.window;
        detection.intrinsics = { ...loaded.probed };
        if (loaded.error) errors.push(loaded.error);
        detection.maglev = callQuery(loaded.intrinsics.IsMaglevEnabled);
        detection.turbofan = callQuery(loaded.intrinsics.IsTurbofanEnabled);
        detection.statusLayout = probeLayout(loaded.intrinsics);
      }
      // %IsTurbofanEnabled() is reliable for --jitless, also when it came through NODE_OPTIONS, which
      // process.execArgv does not show. Without intrinsics, the flags are all there is.
      if (startupFlagIsSet('jitless')) {
        // V8's --jitless implies --no-turbofan and --no-maglev; no intrinsic was compiled to ask.
        detection.jitless = true;
        detection.turbofan = false;
        detection.maglev = false;
      } else {
        detection.jitless = detection.turbofan === false && detection.maglev !== true;
      }
      if (!detection.jitless && loaded) {
        if (detection.turbofan && loaded.intrinsics.OptimizeTurbofanEager) detection.optimizeMode = 'eager';
        else if (!detection.turbofan && detection.maglev && loaded.intrinsics.OptimizeMaglevEager) detection.optimizeMode = 'eager';
        else if (loaded.intrinsics.OptimizeFunctionOnNextCall) detection.optimizeMode = 'next-call';
      }
    }
    if (runtime === 'bun') {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        jsc = require('bun:jsc') as JscModule;
      } catch (error) {
        errors.push(`cannot load bun:jsc: ${String(error)}`);
      }
    }
  } catch (error) {
    errors.push(`detection failed: ${String(error)}`);
  }
  detection.native = nativeAvailability();
  const ended = clockMs();
  detection.detectMs = Math.round((ended - started) * 1000) / 1000;
  return detection;
}

const detection: Detection = runDetection();

/** Bun's bun:jsc module when the runtime is Bun and it loaded (the jsc tier's controls), else null. */
export function jscModule(): JscModule | null {
  return jsc;
}
let complete: Detection | null = null;

/**
 * What the router found at import (cached; never throws). The addon's status is added on the
 * first call: loading it costs a few milliseconds that hinting does not need to pay while the
 * native tier cannot take functions (see strategies/native.ts).
 */
export function detect(): Detection {
  if (!complete) {
    const started = clockMs();
    const addon = detectAddon();
    complete = Object.freeze({
      ...detection,
      addon,
      native: nativeAvailability(addon),
      addonMs: Math.round((clockMs() - started) * 1000) / 1000,
    }) as Detection;
  }
  return complete;
}

// ---------------------------------------------------------------------------------------------
// Which functions V8's intrinsics may touch.

export type FunctionKind = 'user' | 'native' | 'proxy' | 'class' | 'asm' | 'wasm' | 'not-a-function';

interface Inspection { kind: FunctionKind; source: string }

/** What kind of function `fn` is, as far as the intrinsics' safety goes. Never throws. */
export function inspectFunction(fn: unknown): Inspection {
  if (typeof fn !== 'function') return { kind: 'not-a-function', source: '' };
  try {
    if (isProxy(fn)) return { kind: 'proxy', source: '' };
  } catch {
    return { kind: 'proxy', source: '' };
  }
  // Only exotic callables (a revoked Proxy, a cross-realm oddity) have no source text.
  const source = sourceText(fn);
  if (source === undefined) return { kind: 'proxy', source: '' };
  if (tools.isNativeSource(source)) return { kind: 'native', source: '' };
  if (tools.isClassSource(source)) return { kind: 'class', source };
  // "use asm" modules abort %PrepareFunctionForOptimization once V8 has validated them.
  if (tools.isAsmModuleSource(source)) return { kind: 'asm', source };
  // The functions a validated asm.js module exports have plain JS source but run as WebAssembly,
  // and the intrinsics abort on them. %IsWasmCode is safe here: fn is now known to be a real JS
  // function (not native, bound or a Proxy).
  const isWasmCode = loaded?.intrinsics.IsWasmCode;
  if (isWasmCode) {
    try {
      if (isWasmCode(fn as AnyFunction) === true) return { kind: 'wasm', source };
    } catch {
      return { kind: 'wasm', source };
    }
  }
  return { kind: 'user', source };
}

const KIND_REASONS: Record<Exclude<FunctionKind, 'user'>, string> = {
  native: 'a native or bound function (V8 intrinsics would abort the process on it)',
  proxy: 'a Proxy (V8 intrinsics would abort the process on it)',
  class: 'a class constructor (jitctl does not optimize constructors)',
  asm: 'an asm.js module (V8 intrinsics would abort the process on it)',
  wasm: 'a function exported by an asm.js module, which V8 runs as WebAssembly (V8 intrinsics would abort the process on it)',
  'not-a-function': 'not a function',
};

/**
 * Why V8's intrinsics cannot tell `fn` is safe on this V8: without %IsWasmCode, a function a
 * validated asm.js module exported looks like any other, and the intrinsics abort on it.
 */
const NO_WASM_CHECK = 'V8 intrinsic %IsWasmCode is not available, so asm.js exports cannot be told apart';

/**
 * Why no function is optimized through intrinsics when natives syntax was on before jitctl
 * switched it on: code outside jitctl could then have called %NeverOptimizeFunction on any
 * function, V8 offers no way to read that mark back, and optimizing a marked function aborts.
 */
export const FOREIGN_NATIVES_SYNTAX = 'V8 natives syntax was already on when jitctl loaded (--allow-natives-syntax), so code ' +
  'outside jitctl may have never-optimized it, which V8 cannot report; optimizing such a function would abort the process ' +
  '(set JITCTL_TRUST_NATIVES_SYNTAX=1 if no code of yours calls %NeverOptimizeFunction)';

/** Why V8's intrinsics may not be used on `fn` for `hint`, or null when they may. */
export function v8Refusal(hint: Hint, fn: unknown): string | null {
  const { kind, source } = inspectFunction(fn);
  if (kind !== 'user') return KIND_REASONS[kind];
  if (!loaded?.intrinsics.IsWasmCode) return NO_WASM_CHECK;
  if (hint !== 'ignore' && mayBeNeverOptimized(fn as AnyFunction, source)) {
    return 'its code is shared with a function jitctl never-optimized (a sibling closure or identical source); ' +
      'optimizing it would abort the process';
  }
  if (hint === 'focus' && detection.nativesSyntax === 'already-enabled' && !trustNativesSyntax) return FOREIGN_NATIVES_SYNTAX;
  return null;
}

// Observation is safe on any real JS function, native or not, but not on bound functions or
// Proxies, which "[native code]" cannot tell apart from natives, nor on asm.js exports (WebAssembly
// code): those are never observed.
const observable = tools.newWeakMap<object, boolean>();

function isObservable(fn: AnyFunction): boolean {
  let known = observable.get(fn);
  if (known === undefined) {
    const kind = inspectFunction(fn).kind;
    known = kind === 'user' || kind === 'class' || kind === 'asm';
    observable.set(fn, known);
  }
  return known;
}

function tierProbe(fn: AnyFunction): (() => ObservedTier) | null {
  const i = loaded?.intrinsics;
  if (!i || !i.ActiveTierIsTurbofan || !i.ActiveTierIsIgnition) return null;
  const turbofan = i.ActiveTierIsTurbofan;
  const maglev = detection.maglev ? i.ActiveTierIsMaglev : undefined;
  const sparkplug = i.ActiveTierIsSparkplug;
  const ignition = i.ActiveTierIsIgnition;
  return () => {
    if (turbofan(fn) === true) return 'turbofan';
    if (maglev && maglev(fn) === true) return 'maglev';
    if (sparkplug && sparkplug(fn) === true) return 'sparkplug';
    if (ignition(fn) === true) return 'interpreter';
    return 'unknown';
  };
}

/** `fn`'s current V8 tier, from the cheap %ActiveTierIs* checks; 'unknown' where it cannot be seen. Never aborts. */
export function observeTier(fn: AnyFunction): ObservedTier {
  if (!loaded || typeof fn !== 'function' || !isObservable(fn)) return 'unknown';
  const probe = tierProbe(fn);
  if (!probe) return 'unknown';
  try {
    return probe();
  } catch {
    return 'unknown';
  }
}

/**
 * A tier probe bound to `fn` with the safety check done once, for hot paths (jitOnce's wrapper):
 * it costs one to four %ActiveTierIs* calls. Null when `fn` cannot be observed.
 */
export function makeTierProbe(fn: AnyFunction): (() => ObservedTier) | null {
  if (!loaded || typeof fn !== 'function' || !isObservable(fn)) return null;
  return tierProbe(fn);
}

/** A probe answering only "is `fn` running optimized code now" (TurboFan or Maglev): one or two checks. */
export function makeOptimizedProbe(fn: AnyFunction): (() => boolean) | null {
  const i = loaded?.intrinsics;
  if (!i || !i.ActiveTierIsTurbofan || typeof fn !== 'function' || !isObservable(fn)) return null;
  const turbofan = i.ActiveTierIsTurbofan;
  const maglev = detection.maglev ? i.ActiveTierIsMaglev : undefined;
  return maglev ? () => turbofan(fn) === true || maglev(fn) === true : () => turbofan(fn) === true;
}

/** The raw optimization status bits of `fn` (tests and `jitctl info`; 370+ ns, never on a hot path). */
export function optimizationStatus(fn: AnyFunction): number | null {
  const status = loaded?.intrinsics.GetOptimizationStatus;
  if (!status || typeof fn !== 'function' || !isObservable(fn)) return null;
  try {
    const bits = status(fn);
    return typeof bits === 'number' ? bits : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Guarded intrinsic calls, used by strategies/v8.ts. Each re-checks the function at call time: a
// function may have become unsafe since it was hinted (a sibling was jitIgnore'd in between).

export type Outcome = { ok: true } | { ok: false; reason: string };

/** How V8 is asked to optimize now ('next-call': the next call compiles), without loading the addon. */
export function optimizeMode(): Detection['optimizeMode'] {
  return detection.optimizeMode;
}

/** Feedback calls V8 needs before an optimization request takes: 1 on V8 11, 2 from V8 12 on (measured). */
export const MIN_FEEDBACK_CALLS = 2;

function missing(name: string): Outcome {
  return { ok: false, reason: `V8 intrinsic %${name} is not available` };
}

function guarded(hint: Hint, fn: AnyFunction, action: () => Outcome | void): Outcome {
  if (!loaded || detection.jitless) return { ok: false, reason: 'V8 intrinsics are not available' };
  const refusal = v8Refusal(hint, fn);
  if (refusal) return { ok: false, reason: `not touched: ${refusal}` };
  try {
    return action() ?? { ok: true };
  } catch (error) {
    return { ok: false, reason: `V8 refused: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Why a function is not prepared before it has run. */
export const NOT_COMPILED = 'V8 has not compiled it yet (it has never run): it is prepared after its first call';

/**
 * Whether V8 has compiled `fn` (bytecode installed: it has run). Prepare and the optimization
 * requests compile a lazy function themselves, and when that compile fails (near the stack
 * limit, for one) V8 aborts the process instead of throwing. Only called once the guards proved
 * `fn` a real user function: the status intrinsic aborts on bound functions and Proxies. Unknown
 * counts as not compiled.
 */
function isCompiled(fn: AnyFunction): boolean {
  const status = loaded?.intrinsics.GetOptimizationStatus;
  const layout = detection.statusLayout;
  if (!status || !layout) return false;
  const bits = status(fn);
  return typeof bits === 'number' && (bits & statusBit('isFunction', layout)) !== 0 && (bits & statusBit('isLazy', layout)) === 0;
}

/**
 * %PrepareFunctionForOptimization: keeps feedback and bytecode so that an optimization request can
 * take. Refused (NOT_COMPILED) until the function has run once.
 */
export function prepareForOptimization(fn: AnyFunction): Outcome {
  const prepare = loaded?.intrinsics.PrepareFunctionForOptimization;
  if (!prepare) return missing('PrepareFunctionForOptimization');
  return guarded('focus', fn, () => {
    if (!isCompiled(fn)) return { ok: false, reason: NOT_COMPILED };
    prepare(fn);
  });
}

/**
 * Asks V8 to optimize `fn` with its top tier (TurboFan, or Maglev where TurboFan is off).
 * 'eager' means it is compiled now; 'next-call' means the next call compiles it (synchronously),
 * so the caller should make that call. Prepare always runs first, in the same guarded step.
 */
export function requestOptimization(fn: AnyFunction): Outcome & { mode?: 'eager' | 'next-call' } {
  const i = loaded?.intrinsics;
  const prepare = i?.PrepareFunctionForOptimization;
  if (!i || !prepare) return missing('PrepareFunctionForOptimization');
  const mode = detection.optimizeMode;
  let optimize: ((fn: AnyFunction) => unknown) | undefined;
  if (mode === 'eager') optimize = detection.turbofan ? i.OptimizeTurbofanEager : i.OptimizeMaglevEager;
  else if (mode === 'next-call') optimize = detection.turbofan ? i.OptimizeFunctionOnNextCall : i.OptimizeMaglevOnNextCall;
  if (!optimize || !mode) return { ok: false, reason: 'no optimizing compiler to request' };
  const request = optimize;
  const outcome = guarded('focus', fn, () => {
    if (!isCompiled(fn)) return { ok: false, reason: NOT_COMPILED };
    prepare(fn);
    request(fn);
  });
  return outcome.ok ? { ok: true, mode } : outcome;
}

/** %NeverOptimizeFunction and %DeoptimizeFunction, recorded in jitctl's registry (the status bits cannot show it). */
export function neverOptimize(fn: AnyFunction): Outcome {
  const i = loaded?.intrinsics;
  if (!i?.NeverOptimizeFunction) return missing('NeverOptimizeFunction');
  if (!i.DeoptimizeFunction) return missing('DeoptimizeFunction');
  const never = i.NeverOptimizeFunction;
  const deopt = i.DeoptimizeFunction;
  const { source } = inspectFunction(fn);
  const outcome = guarded('ignore', fn, () => {
    // Registered before the call: should anything go wrong half-way, the code is treated as never-optimized.
    recordNeverOptimized(fn, source);
    never(fn);
    // NeverOptimize leaves already optimized code in place.
    deopt(fn);
  });
  return outcome;
}

/** %DeoptimizeFunction (safe on any function; used on jitctl's own wrappers). */
export function deoptimize(fn: AnyFunction): Outcome {
  const deopt = loaded?.intrinsics.DeoptimizeFunction;
  if (!deopt || detection.jitless) return missing('DeoptimizeFunction');
  if (typeof fn !== 'function' || !isObservable(fn)) return { ok: false, reason: 'not a real JS function' };
  try {
    deopt(fn);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: String(error) };
  }
}

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

// ---------------------------------------------------------------------------------------------
// Concurrent re-optimization (for the v8 strategy's watch, lib/strategies/watch.ts): after a deopt
// on real calls, jitFocus asks V8 to re-optimize on a background thread rather than compile on the
// main thread in the middle of a service's requests.

/**
 * Prepare + %OptimizeFunctionOnNextCall(fn, "concurrent"): the next call starts a TurboFan job on a
 * background thread and V8 installs its code when it is done (a few calls later). The same checks
 * as requestOptimization, in the same guarded step. Where it is not available, requestOptimization.
 */
export function requestConcurrentOptimization(fn: AnyFunction): Outcome & { mode?: 'eager' | 'next-call' | 'concurrent' } {
  const prepare = loaded?.intrinsics.PrepareFunctionForOptimization;
  const request = detection.turbofan && !detection.jitless ? loaded?.intrinsics.OptimizeFunctionOnNextCallConcurrent : undefined;
  if (!prepare || !request) return requestOptimization(fn);
  const outcome = guarded('focus', fn, () => {
    if (!isCompiled(fn)) return { ok: false, reason: NOT_COMPILED };
    prepare(fn);
    request(fn);
  });
  return outcome.ok ? { ok: true, mode: 'concurrent' } : outcome;
}
