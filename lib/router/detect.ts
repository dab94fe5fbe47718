// Detection: the one place that looks at runtimes, versions, V8 flags and the addon. It runs once,
// at import: it compiles V8's intrinsic wrappers where V8 allows (lib/v8/intrinsics.ts), installs
// what it found for lib/v8/ (v8/state.ts), loads Bun's bun:jsc on Bun, and reports all of it as a
// Detection (what `jitctl info` prints).

import { addonBinding, addonStatus } from '../compiler/native/binding.js';
import { startupFlagIsSet } from '../startup-flags.js';
import {
  loadIntrinsics, type Intrinsics, type IntrinsicsLoad, type NativesSyntax, type NativesSyntaxCompiler, type NativesSyntaxWindow,
} from '../v8/intrinsics.js';
import { layoutFromProbe, type StatusLayout } from '../v8/status.js';
import { installV8State } from '../v8/state.js';
import { nativeAvailability } from '../tiers/native.js';
import { useJscModule, type JscModule } from '../tiers/jsc-controls.js';
import type { AnyFunction } from '../types.js';

export interface Detection {
  runtime: 'node' | 'bun' | 'deno' | 'other';
  /** Deno's or Bun's own version; null on Node (see nodeVersion). */
  runtimeVersion: string | null;
  /** Node's version, or the Node version Deno and Bun say they are compatible with. */
  nodeVersion: string | null;
  v8Version: string | null;
  nativesSyntax: NativesSyntax;
  /** How jitctl's window with natives syntax on was made (lib/v8/intrinsics.ts): 'addon' is the one nothing can interrupt. */
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
  /** The native addon (lib/compiler/native/binding.ts): loaded, process arch, the engine's arch name, stencils for it. */
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
 * The native addon's status, from lib/compiler/native/binding.ts (the engine's loader, which never throws). It is a
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
 * when the addon loads (lib/v8/intrinsics.ts says why it matters). Loading the addon here costs a few
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
const compiled = loaded as IntrinsicsLoad | null;  // set inside runDetection
installV8State({
  available: compiled !== null, intrinsics: compiled?.intrinsics ?? {}, nativesSyntax: detection.nativesSyntax,
  nativesSyntaxError: detection.errors[0] ?? null,
  maglev: detection.maglev, turbofan: detection.turbofan, jitless: detection.jitless, statusLayout: detection.statusLayout,
  optimizeMode: detection.optimizeMode, v8Version: detection.v8Version,
});
useJscModule(jsc);

/** What detection found at import, without the addon's status (routing never needs it). */
export function importDetection(): Detection {
  return detection;
}

/** Bun's bun:jsc module when the runtime is Bun and it loaded (the jsc tier's controls), else null. */
export function jscModule(): JscModule | null {
  return jsc;
}

let complete: Detection | null = null;

/**
 * What the router found at import (cached; never throws). The addon's status is added on the
 * first call: loading it costs a few milliseconds that hinting does not need to pay while the
 * native tier cannot take functions (see lib/tiers/native.ts).
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

