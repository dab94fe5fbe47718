// Independent observation for tests: compiles its own intrinsic wrappers the same way jitctl does
// (natives syntax switched on at run time, then off), so that a test checks what V8 reports rather
// than what jitctl's router says. Only ever called on real user functions.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as v8 from 'node:v8';

type Probe = (fn: unknown) => unknown;

function compile(): Record<string, Probe> {
  const names = ['ActiveTierIsTurbofan', 'ActiveTierIsMaglev', 'GetOptimizationStatus'];
  const probes: Record<string, Probe> = {};
  let already = true;
  try { new Function(`return %IsTurbofanEnabled() /* test probe ${Math.random()} */`); } catch { already = false; }
  if (!already) v8.setFlagsFromString('--allow-natives-syntax');
  try {
    for (const name of names) probes[name] = new Function('f', `return %${name}(f) /* test helper */`) as Probe;
  } finally {
    if (!already) v8.setFlagsFromString('--no-allow-natives-syntax');
  }
  return probes;
}

const compiled = compile();

/**
 * Calls a probe. V8 may flush the bytecode of a function that has not run for a while, and then
 * compiles it again on its next call: with natives syntax off by then, that is a SyntaxError, so
 * the call is retried with the syntax on for the recompilation.
 */
function callProbe(name: string, fn: unknown): unknown {
  try {
    return compiled[name](fn);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    v8.setFlagsFromString('--allow-natives-syntax');
    try {
      return compiled[name](fn);
    } finally {
      v8.setFlagsFromString('--no-allow-natives-syntax');
    }
  }
}

const probes: Record<string, Probe> = Object.fromEntries(Object.keys(compiled).map((name) => [name, (fn: unknown) => callProbe(name, fn)]));

/** True when `fn` runs TurboFan code now. */
export function isTurbofan(fn: (...args: never[]) => unknown): boolean {
  return probes.ActiveTierIsTurbofan(fn) === true;
}

/** True when `fn` runs optimized code (TurboFan or Maglev) now. */
export function isOptimized(fn: (...args: never[]) => unknown): boolean {
  return probes.ActiveTierIsTurbofan(fn) === true || probes.ActiveTierIsMaglev(fn) === true;
}

/** %GetOptimizationStatus of `fn`. */
export function status(fn: (...args: never[]) => unknown): number {
  return probes.GetOptimizationStatus(fn) as number;
}

/** The compiled public entry point, for child processes. */
export const INDEX = path.join(__dirname, '..', '..', 'lib', 'index.js');
/** The router's detection and routing, for child processes (detect() and tierForHint()). */
export const DETECT = path.join(__dirname, '..', '..', 'lib', 'router', 'detect.js');
export const ROUTE = path.join(__dirname, '..', '..', 'lib', 'router', 'route.js');

export interface ChildResult { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs `code` (CommonJS; INDEX, DETECT and ROUTE are defined in it) in a fresh Node process of the same
 * version as this one. An abort shows as a signal (SIGTRAP, SIGSEGV, SIGILL, SIGABRT) or status 133+.
 */
export function runChild(code: string, options: { execArgv?: string[]; env?: Record<string, string | undefined>; timeout?: number } = {}): ChildResult {
  const prelude = `const INDEX = ${JSON.stringify(INDEX)}; const DETECT = ${JSON.stringify(DETECT)}; const ROUTE = ${JSON.stringify(ROUTE)};\n`;
  const env: Record<string, string | undefined> = { ...process.env, JITCTL: undefined, JITCTL_PROFILE: undefined, NODE_OPTIONS: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const result = spawnSync(process.execPath, [...(options.execArgv ?? []), '-e', prelude + code], {
    env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: options.timeout ?? 60000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** A child's outcome in one line, for assertion messages. */
export function describeChild(r: ChildResult): string {
  return `status ${r.status}, signal ${r.signal}, stdout ${JSON.stringify(r.stdout.slice(-300))}, stderr ${JSON.stringify(r.stderr.slice(-600))}`;
}
