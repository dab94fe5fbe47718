// Global switches, like CPython's PYTHON_JIT: the JITCTL and JITCTL_PROFILE environment variables set
// the initial values, configure() changes them at run time. A change applies to hints made after it;
// functions already hinted keep the tier and wrapper they were given.

import { describeValue } from './describe.js';

export type Mode = 'auto' | 'off' | 'warmup' | 'v8' | 'jsc' | 'native';

export interface Config {
  /** The tier hints get: the router's choice (`auto`), the no-op tier (`off`), or the named tier where it works. */
  mode: Mode;
  /** Profile every function hinted from now on (the `profile` option overrides it per function). */
  profile: boolean;
}

export const MODES: readonly Mode[] = ['auto', 'off', 'warmup', 'v8', 'jsc', 'native'];

const CONFIG_KEYS: readonly (keyof Config)[] = ['mode', 'profile'];

function isMode(value: unknown): value is Mode {
  return typeof value === 'string' && (MODES as readonly string[]).includes(value);
}

// A bad environment variable must not stop the program that imports jitctl: warn and keep the default.
function modeFromEnv(raw: string | undefined): Mode {
  if (raw === undefined || raw.trim() === '') return 'auto';
  const value = raw.trim().toLowerCase();
  if (isMode(value)) return value;
  if (value === '0') return 'off';
  if (value === '1') return 'auto';
  process.emitWarning(`JITCTL=${JSON.stringify(raw)} is not one of ${MODES.join(' | ')}; using 'auto'`, 'JitctlWarning');
  return 'auto';
}

function profileFromEnv(raw: string | undefined): boolean {
  if (raw === undefined || raw.trim() === '') return false;
  const value = raw.trim().toLowerCase();
  if (value === '1' || value === 'true' || value === 'on') return true;
  if (value === '0' || value === 'false' || value === 'off') return false;
  process.emitWarning(`JITCTL_PROFILE=${JSON.stringify(raw)} is not 0 or 1; profiling stays off`, 'JitctlWarning');
  return false;
}

function envVar(name: string): string | undefined {
  // Runtimes without `process` (or with a locked-down env) simply get the defaults.
  try {
    return typeof process === 'object' && process.env ? process.env[name] : undefined;
  } catch {
    return undefined;
  }
}

/** The configuration the environment asks for; what `configure()` starts from. */
export function configFromEnv(env: { JITCTL?: string; JITCTL_PROFILE?: string }): Config {
  return { mode: modeFromEnv(env.JITCTL), profile: profileFromEnv(env.JITCTL_PROFILE) };
}

/**
 * JITCTL_TRUST_NATIVES_SYNTAX=1: natives syntax was on before jitctl loaded (Node's
 * --allow-natives-syntax, Deno's --v8-flags=--allow-natives-syntax), and the program promises that
 * no code of its own calls %NeverOptimizeFunction on a function it also hints with jitFocus. V8
 * cannot report that mark, and optimizing a marked function aborts, so without this promise
 * jitFocus does not optimize through intrinsics then (docs/v8.md). Read once, at import.
 */
export const trustNativesSyntax: boolean = ['1', 'true', 'on'].includes((envVar('JITCTL_TRUST_NATIVES_SYNTAX') ?? '').trim().toLowerCase());

let current: Readonly<Config> = Object.freeze(
  configFromEnv({ JITCTL: envVar('JITCTL'), JITCTL_PROFILE: envVar('JITCTL_PROFILE') }),
);

export function getConfig(): Readonly<Config> {
  return current;
}

/**
 * Changes the global configuration for hints made from now on and returns the new configuration.
 * `configure()` with no argument only returns it.
 */
export function configure(patch: Partial<Config> = {}): Readonly<Config> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new TypeError(`configure() expects an object like { mode: 'auto', profile: false }, got ${describeValue(patch)}`);
  }
  for (const key of Object.keys(patch)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`configure(): unknown key '${key}' (known: ${CONFIG_KEYS.join(', ')})`);
    }
  }
  const next: Config = { ...current };
  if ('mode' in patch && patch.mode !== undefined) {
    if (typeof patch.mode !== 'string') {
      throw new TypeError(`configure(): 'mode' must be one of ${MODES.join(' | ')}, got ${describeValue(patch.mode)}`);
    }
    if (!isMode(patch.mode)) {
      throw new RangeError(`configure(): 'mode' must be one of ${MODES.join(' | ')}, got ${describeValue(patch.mode)}`);
    }
    next.mode = patch.mode;
  }
  if ('profile' in patch && patch.profile !== undefined) {
    if (typeof patch.profile !== 'boolean') {
      throw new TypeError(`configure(): 'profile' must be true or false, got ${describeValue(patch.profile)}`);
    }
    next.profile = patch.profile;
  }
  current = Object.freeze(next);
  return current;
}
