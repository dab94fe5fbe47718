// Loads the native addon (a prebuild from prebuilds/ or a local build in build/Release) with
// node-gyp-build. Never throws: the status says whether it loaded and why not, so that the router
// can fall back to another tier.
//
// What loaded is checked before it is trusted: a file that is not jitctl's addon (JITCTL_ADDON
// naming a .js or .json file, another addon) is reported as not loaded, with what is wrong with it.
// A failure that a later attempt can get past (no file descriptor or memory left at the time) is
// retried on later calls, a few times; any other failure is final for the process.

import { extname, join, resolve } from 'node:path';

import { startupFlagIsSet } from '../../startup-flags.js';
import type { NativeBinding } from '../../engine.js';

export interface AddonStatus {
  loaded: boolean;
  /** process.arch of this process. */
  arch: string;
  /** The addon's own architecture name (x86_64, aarch64, unsupported) when loaded. */
  nativeArch?: string;
  /** Whether the engine has stencils for this architecture. */
  supported: boolean;
  /** Why the addon did not load. */
  error?: string;
  /** Node runs with --jitless (on its command line or in NODE_OPTIONS): see compile() in lib/engine.ts. */
  jitless: boolean;
}

interface Load {
  status: AddonStatus;
  binding?: NativeBinding;
  /** The number lane, taken as the addon loaded (null: another holder took it, or none). */
  lane?: Float64Array | null;
  /** The failure may not happen again (descriptors or memory exhausted): try again later. */
  transient?: boolean;
}

// Captured at import: a program that replaces the global later does not see the lane.
const CapturedFloat64Array = Float64Array;

/** Attempts in all when loading keeps failing for a transient reason. */
export const MAX_LOAD_ATTEMPTS = 4;

const TRANSIENT = /\b(EMFILE|ENFILE|ENOMEM|EAGAIN)\b|too many open files|cannot allocate memory|resource temporarily unavailable/i;

// The architecture name the addon reports on each process.arch it is built for.
const NATIVE_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };

/** What is wrong with `value` as jitctl's binding, or undefined when it has the binding's shape. */
function bindingProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `it exports ${value === null ? 'null' : typeof value}, not the engine's binding`;
  const binding = value as Record<string, unknown>;
  for (const name of ['compile', 'stats', 'config', 'configure', 'uops', 'emptyCall', 'takeNumberLane']) {
    if (typeof binding[name] !== 'function') return `it has no ${name}() function`;
  }
  if (typeof binding.sourceDigest !== 'string' || !/^[0-9a-f]{32}$/.test(binding.sourceDigest)) return 'it carries no source digest';
  if (typeof binding.supported !== 'boolean' || typeof binding.limits !== 'object' || binding.limits === null) {
    return 'it has no supported/limits fields';
  }
  if (typeof binding.DECLINED !== 'object' || binding.DECLINED === null) return 'it has no DECLINED value';
  const expected = NATIVE_ARCH[process.arch] ?? 'unsupported';
  if (binding.arch !== expected) return `it is built for ${String(binding.arch)}, but this process is ${process.arch} (${expected})`;
  return undefined;
}

function notLoaded(error: string, transient = false): Load {
  return { status: { loaded: false, arch: process.arch, supported: false, error, jitless: jitless() }, transient };
}

function jitless(): boolean {
  return startupFlagIsSet('jitless');
}

function load(): Load {
  if (process.env.JITCTL_NATIVE === 'off') return notLoaded('disabled by JITCTL_NATIVE=off');
  // JITCTL_ADDON names a specific build (the AddressSanitizer run of tools/test-asan.sh uses it).
  const explicit = process.env.JITCTL_ADDON;
  if (explicit !== undefined && extname(explicit) !== '.node') {
    return notLoaded(`JITCTL_ADDON=${explicit} is not a native addon (a .node file)`);
  }
  let binding: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
    // dist/lib/compiler/native/binding.js -> the package root, where binding.gyp, build/ and prebuilds/ live.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binding = explicit ? require(resolve(explicit)) : nodeGypBuild(join(__dirname, '..', '..', '..', '..'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    return notLoaded(message, TRANSIENT.test(message) || (typeof code === 'string' && TRANSIENT.test(code)));
  }
  const problem = bindingProblem(binding);
  if (problem) return notLoaded(`${explicit ? `JITCTL_ADDON=${explicit}` : 'the addon found'} is not jitctl's native engine: ${problem}`);
  const engine = binding as NativeBinding;
  return {
    status: { loaded: true, arch: process.arch, nativeArch: engine.arch, supported: engine.supported, jitless: jitless() },
    binding: engine,
    lane: takeLane(engine),
  };
}

// Taken at once, so that no other code holds it: the native tier writes a call's numbers there and
// reads its result back (kernel.invokeLane). Another copy of jitctl that loaded the same addon file
// first has it; this one then calls kernel.invoke.
function takeLane(engine: NativeBinding): Float64Array | null {
  try {
    const buffer = engine.takeNumberLane();
    if (buffer === null) return null;
    const lane = new CapturedFloat64Array(buffer);
    return lane.length === engine.limits.maxParams ? lane : null;
  } catch {
    return null;
  }
}

let cached: Load | undefined;
let attempts = 0;

function current(): Load {
  if (!cached || (cached.transient && attempts < MAX_LOAD_ATTEMPTS)) {
    cached = load();
    attempts++;
  }
  return cached;
}

/** The addon's load status; loads it on first use (and again after a transient failure). */
export function addonStatus(): AddonStatus {
  return { ...current().status };
}

/** The loaded binding, or undefined when it could not be loaded. */
export function addonBinding(): NativeBinding | undefined {
  return current().binding;
}

/** The number lane of this thread's addon for the native tier's dispatch, or null (see takeLane). */
export function numberLane(): Float64Array | null {
  return current().lane ?? null;
}
