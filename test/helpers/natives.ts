// Independent observation for tests: intrinsic wrappers of their own (intrinsic-probes.ts), so that
// a test checks what V8 reports rather than what jitctl's router says; and child processes.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { compileProbes } from './intrinsic-probes.js';

const probes = compileProbes(['ActiveTierIsTurbofan', 'ActiveTierIsMaglev', 'GetOptimizationStatus']);

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
