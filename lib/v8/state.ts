// What the router found out about V8 at import, for the modules of lib/v8/ that call intrinsics:
// the compiled intrinsic wrappers, the flags that matter and how optimization is requested. Only
// the router looks at runtimes and flags (lib/router/detect.ts); it installs this once, at import,
// before any hint can run. Until then (a v8/ module imported on its own) nothing is available and
// every guarded call refuses.

import type { Intrinsics, NativesSyntax } from './intrinsics.js';
import type { StatusLayout } from './status.js';

export interface V8State {
  /** Whether intrinsic wrappers were compiled at all (natives syntax usable at import). */
  available: boolean;
  intrinsics: Intrinsics;
  nativesSyntax: NativesSyntax;
  /** Why natives syntax is unavailable, when it is (Deno: how to switch it on). */
  nativesSyntaxError: string | null;
  maglev: boolean | null;
  turbofan: boolean | null;
  /** No optimizing compiler to control: --jitless (command line or NODE_OPTIONS), or TurboFan and Maglev both off. */
  jitless: boolean;
  statusLayout: StatusLayout | null;
  /** How V8 is asked to optimize a focused function: 'eager' where V8 has %OptimizeTurbofanEager. */
  optimizeMode: 'eager' | 'next-call' | null;
  v8Version: string | null;
}

const NONE: V8State = Object.freeze({
  available: false, intrinsics: {}, nativesSyntax: 'unavailable', nativesSyntaxError: null, maglev: null, turbofan: null, jitless: false,
  statusLayout: null, optimizeMode: null, v8Version: null,
}) as V8State;

let state: V8State = NONE;

/** Called once by the router's detection. */
export function installV8State(detected: V8State): void {
  state = Object.freeze({ ...detected });
}

/** What is known about V8 (NONE until the router's detection ran). */
export function v8(): V8State {
  return state;
}
