// Version shims for V8's natives syntax. V8 exposes its per-function controls (%PrepareFunction...,
// %OptimizeFunctionOnNextCall, ...) only to code compiled while --allow-natives-syntax is on. This
// module compiles one small wrapper per intrinsic in the one window where the flag is on because
// of jitctl: inside the addon's uninterruptible critical section where it loads, or from
// JavaScript otherwise (docs/v8.md, "Getting the intrinsics"). The flag is switched back off only
// if jitctl switched it on, so that no user code is ever compiled with natives syntax because of
// jitctl. A name that a V8 version does not know does not compile, and that intrinsic is simply
// reported missing.
//
// Nothing here decides anything; lib/router/detect.ts reads what this module found. The wrappers are
// raw: calling one on the wrong kind of function can abort the process (docs/v8.md), so only
// the guarded entry points in lib/v8/control.ts and the probes in lib/v8/probes.ts may call them.

import { startupFlagIsSet } from '../startup-flags.js';
import type { AnyFunction } from '../types.js';

/**
 * Intrinsics that take one function. %CompileBaseline is deliberately absent: jitctl never needs
 * it, and it aborts the process under --jitless, so no wrapper for it exists to be called by mistake.
 */
export const FUNCTION_INTRINSICS = [
  'PrepareFunctionForOptimization',
  'OptimizeFunctionOnNextCall',
  'OptimizeMaglevOnNextCall',
  'OptimizeTurbofanEager',
  'OptimizeMaglevEager',
  'NeverOptimizeFunction',
  'DeoptimizeFunction',
  'GetOptimizationStatus',
  'ActiveTierIsIgnition',
  'ActiveTierIsSparkplug',
  'ActiveTierIsMaglev',
  'ActiveTierIsTurbofan',
  'IsWasmCode',
] as const;

/**
 * Intrinsics compiled with a second, constant argument: the concurrent form of
 * %OptimizeFunctionOnNextCall (the next call starts a TurboFan job on a background thread).
 */
export const CONCURRENT_INTRINSICS = ['OptimizeFunctionOnNextCallConcurrent'] as const;

/** Intrinsics that take no argument. */
export const QUERY_INTRINSICS = ['IsMaglevEnabled', 'IsTurbofanEnabled'] as const;

export type FunctionIntrinsic = (typeof FUNCTION_INTRINSICS)[number];
export type QueryIntrinsic = (typeof QUERY_INTRINSICS)[number];

export type Intrinsics = { [K in FunctionIntrinsic | (typeof CONCURRENT_INTRINSICS)[number]]?: (fn: AnyFunction) => unknown } &
  { [K in QueryIntrinsic]?: () => unknown };

export type NativesSyntax = 'enabled-by-jitctl' | 'already-enabled' | 'unavailable';

/**
 * How the window with natives syntax on was made: 'addon' (one C++ call under a process-wide lock,
 * which nothing can interrupt), 'javascript' (the addon was not available: a worker terminated
 * inside the window, or another thread importing jitctl at the same moment, can still disturb it),
 * or 'none' (no window was needed or possible).
 */
export type NativesSyntaxWindow = 'addon' | 'javascript' | 'none';

export interface IntrinsicsLoad {
  nativesSyntax: NativesSyntax;
  window: NativesSyntaxWindow;
  /** Whether V8's flags may be changed at run time (false under --freeze-flags-after-init). */
  flagsWritable: boolean;
  intrinsics: Intrinsics;
  /** Every intrinsic probed, by name, and whether it compiled. */
  probed: Record<string, boolean>;
  /** Why natives syntax is unavailable, when it is; or what went wrong with the addon's window. */
  error?: string;
}

interface V8Module {
  setFlagsFromString(flags: string): void;
}

/** The addon's critical section (native/node/natives_syntax.h). */
export type NativesSyntaxCompiler = (probe: string, sources: string[]) => { alreadyOn: boolean; compiled: unknown[] };

// A marker in every compiled source keeps V8's compilation cache from handing jitctl's wrappers to
// user code that happens to compile the same text later with the flag off (and the reverse).
function marker(): string {
  return `/* jitctl ${Math.random().toString(36).slice(2)} */`;
}

function probeSource(): string {
  return `(function () { return %IsTurbofanEnabled(); }) ${marker()}`;
}

function compileProbe(): boolean {
  try {
    // A fresh source each time, for the same cache reason.
    new Function(probeSource());
    return true;
  } catch {
    return false;
  }
}

const WRAPPED = [...FUNCTION_INTRINSICS, ...CONCURRENT_INTRINSICS, ...QUERY_INTRINSICS] as const;

/** A script whose completion value is the wrapper of intrinsic `name`. */
function wrapperScript(name: (typeof WRAPPED)[number], mark: string): string {
  if (name === 'OptimizeFunctionOnNextCallConcurrent') return `(function (f) { return %OptimizeFunctionOnNextCall(f, "concurrent"); }) ${mark}`;
  const takesFunction = (FUNCTION_INTRINSICS as readonly string[]).includes(name);
  return takesFunction
    ? `(function (f) { return %${name}(f); }) ${mark}`
    : `(function () { return %${name}(); }) ${mark}`;
}

type Wrapper = (...args: unknown[]) => unknown;
type Recompile = (script: string) => unknown;

const RealmSyntaxError = SyntaxError;

/**
 * A wrapper that survives V8 flushing its bytecode. V8 drops the bytecode of functions that have
 * not run for a while and compiles them again from source on their next call; with natives syntax
 * off by then, that compile is a SyntaxError thrown by the call, before the intrinsic runs. The
 * wrapper is then compiled again in a new window (the same one the first compile used) and the
 * call made once more. Errors of any other kind pass through.
 */
function selfHealing(name: (typeof WRAPPED)[number], first: Wrapper, recompile: Recompile): Wrapper {
  let current = first;
  const heal = (error: unknown): Wrapper => {
    if (!(error instanceof RealmSyntaxError)) throw error;
    const fresh = recompile(wrapperScript(name, marker()));
    if (typeof fresh !== 'function') throw error;
    current = fresh as Wrapper;
    return current;
  };
  if (!(QUERY_INTRINSICS as readonly string[]).includes(name)) {
    return (f: unknown) => {
      try {
        return current(f);
      } catch (error) {
        return heal(error)(f);
      }
    };
  }
  return () => {
    try {
      return current();
    } catch (error) {
      return heal(error)();
    }
  };
}

function collect(compiled: ReadonlyArray<unknown>, recompile: Recompile): { intrinsics: Intrinsics; probed: Record<string, boolean> } {
  const intrinsics: Intrinsics = {};
  const probed: Record<string, boolean> = {};
  WRAPPED.forEach((name, i) => {
    const wrapper = compiled[i];
    probed[name] = typeof wrapper === 'function';
    if (typeof wrapper === 'function') (intrinsics as Record<string, unknown>)[name] = selfHealing(name, wrapper as Wrapper, recompile);
  });
  return { intrinsics, probed };
}

/** Compiles each script in this thread, with whatever the flag is now; null where it does not compile. */
function compileHere(scripts: readonly string[]): unknown[] {
  return scripts.map((script) => {
    try {
      // `new Function` takes a body: return the script's completion value.
      return (new Function(`return ${script}`) as () => unknown)();
    } catch {
      return null;
    }
  });
}

/**
 * Compiles one wrapper per intrinsic. Never throws. `v8` is Node's `v8` module, or null where
 * V8's flags cannot be set at run time (Deno): then natives syntax is used only if it is on
 * already. `native` is the addon's critical section, when the addon loaded.
 * Under --jitless nothing is compiled: there is no optimizing compiler to control, and setting
 * any V8 flag then makes V8 print a warning about conflicting flags.
 */
export function loadIntrinsics(v8: V8Module | null, native?: NativesSyntaxCompiler): IntrinsicsLoad {
  // Under --freeze-flags-after-init, setting a V8 flag aborts the process (a V8 CHECK), so it
  // must never be done; natives syntax is then usable only if it was on from the start.
  const flagsWritable = v8 !== null && !startupFlagIsSet('freeze_flags_after_init');
  const none = (error: string): IntrinsicsLoad =>
    ({ nativesSyntax: 'unavailable', window: 'none', flagsWritable, intrinsics: {}, probed: {}, error });
  if (startupFlagIsSet('jitless')) return none('--jitless: no optimizing compiler to control');
  const mark = marker();
  const scripts = WRAPPED.map((name) => wrapperScript(name, mark));
  let nativeError: string | undefined;
  if (native && flagsWritable) {
    try {
      const { alreadyOn, compiled } = native(probeSource(), scripts);
      if (!alreadyOn && compiled.every((c) => c === null)) {
        return none('natives syntax could not be compiled (code generation from strings disallowed?)');
      }
      const recompile: Recompile = (script) => native(probeSource(), [script]).compiled[0];
      return { nativesSyntax: alreadyOn ? 'already-enabled' : 'enabled-by-jitctl', window: 'addon', flagsWritable, ...collect(compiled, recompile) };
    } catch (error) {
      nativeError = `the addon could not compile the intrinsic wrappers (${String(error)}); compiled from JavaScript instead`;
    }
  }
  return loadInJavaScript(v8, scripts, flagsWritable, nativeError);
}

/** One script compiled in a JavaScript window (natives syntax switched on only if it is off). */
function recompileHere(script: string): unknown {
  if (compileProbe()) return compileHere([script])[0];
  if (!jsWindowModule) return null;
  try {
    jsWindowModule.setFlagsFromString('--allow-natives-syntax');
    return compileHere([script])[0];
  } finally {
    try { jsWindowModule.setFlagsFromString('--no-allow-natives-syntax'); } catch { /* the flag stays on */ }
  }
}

// The node:v8 module the JavaScript window was opened with, when it was; null where none may be.
let jsWindowModule: V8Module | null = null;

// The fallback window, in JavaScript. Another thread doing the same at the same moment may switch
// the flag off half-way through: what failed to compile is tried once more with the flag on again
// (an intrinsic this V8 does not have fails both times).
function loadInJavaScript(v8: V8Module | null, scripts: readonly string[], flagsWritable: boolean, note?: string): IntrinsicsLoad {
  const already = compileProbe();
  let nativesSyntax: NativesSyntax = already ? 'already-enabled' : 'unavailable';
  const result = (compiled: unknown[], error?: string): IntrinsicsLoad => {
    const load: IntrinsicsLoad = { nativesSyntax, window: already ? 'none' : 'javascript', flagsWritable, ...collect(compiled, recompileHere) };
    const message = [error, note].filter(Boolean).join('; ');
    if (message) load.error = message;
    return load;
  };
  if (!flagsWritable || v8 === null) {
    if (already) return result(compileHere(scripts));
    const why = v8 === null ? 'V8 flags cannot be changed at run time here' : 'V8 flags are frozen (--freeze-flags-after-init)';
    return { ...result([], why), probed: {} };
  }
  jsWindowModule = v8;
  if (already) return result(compileHere(scripts));
  const compiled: unknown[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      v8.setFlagsFromString('--allow-natives-syntax');
    } catch (error) {
      return { ...result([], `v8.setFlagsFromString failed: ${String(error)}`), probed: {} };
    }
    try {
      if (!compileProbe()) {
        // Code generation from strings may be disallowed (--disallow-code-generation-from-strings).
        return { ...result([], 'natives syntax could not be compiled (code generation from strings disallowed?)'), probed: {} };
      }
      nativesSyntax = 'enabled-by-jitctl';
      const missingAt = scripts.map((_, i) => i).filter((i) => typeof compiled[i] !== 'function');
      const fresh = compileHere(missingAt.map((i) => scripts[i]));
      missingAt.forEach((i, k) => { compiled[i] = fresh[k]; });
    } finally {
      // The flag is process-wide (eval, vm, workers): leave it as the user had it.
      try {
        v8.setFlagsFromString('--no-allow-natives-syntax');
      } catch {
        // Nothing more can be done; the flag stays on.
      }
    }
    if (scripts.every((_, i) => typeof compiled[i] === 'function')) break;
  }
  return result(compiled);
}
