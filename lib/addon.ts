// Loads the native addon (a prebuild from prebuilds/ or a local build in build/Release) with
// node-gyp-build. Never throws: the status says whether it loaded and why not, so that the router
// can fall back to another tier.

import { join, resolve } from 'node:path';

import type { NativeBinding } from './engine.js';

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
}

let cached: { status: AddonStatus; binding?: NativeBinding } | undefined;

function load(): { status: AddonStatus; binding?: NativeBinding } {
  if (process.env.JITCTL_NATIVE === 'off') {
    return { status: { loaded: false, arch: process.arch, supported: false, error: 'disabled by JITCTL_NATIVE=off' } };
  }
  try {
    // JITCTL_ADDON names a specific build (the AddressSanitizer run of tools/test-asan.sh uses it).
    const explicit = process.env.JITCTL_ADDON;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
    // dist/lib/addon.js -> the package root, where binding.gyp, build/ and prebuilds/ live.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const binding = (explicit ? require(resolve(explicit)) : nodeGypBuild(join(__dirname, '..', '..'))) as NativeBinding;
    return {
      status: { loaded: true, arch: process.arch, nativeArch: binding.arch, supported: binding.supported },
      binding,
    };
  } catch (error) {
    return {
      status: { loaded: false, arch: process.arch, supported: false, error: error instanceof Error ? error.message : String(error) },
    };
  }
}

/** The addon's load status; loads it on first use. */
export function addonStatus(): AddonStatus {
  cached ??= load();
  return { ...cached.status };
}

/** The loaded binding, or undefined when it could not be loaded. */
export function addonBinding(): NativeBinding | undefined {
  cached ??= load();
  return cached.binding;
}
