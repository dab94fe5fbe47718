// Bun's bun:jsc, as the router hands it over at detection (the jsc tier never loads it itself:
// only the router looks at runtimes), and the one way the jsc tier calls it.

import type { AnyFunction } from '../types.js';

/** The part of Bun's `bun:jsc` the jsc tier uses. */
export interface JscModule {
  optimizeNextInvocation(fn: unknown): unknown;
  noInline(fn: unknown): unknown;
  noFTL(fn: unknown): unknown;
  numberOfDFGCompiles(fn: unknown): unknown;
  reoptimizationRetryCount(fn: unknown): unknown;
}

let handedOver: JscModule | null = null;

/** Called once by the router's detection with Bun's bun:jsc, or null elsewhere. */
export function useJscModule(mod: JscModule | null): void {
  handedOver = mod;
}

/** The module the router handed over (null but on Bun). */
export function handedOverModule(): JscModule | null {
  return handedOver;
}

/** A bun:jsc call that never throws; undefined when the module or the call failed. */
export function jscCall(name: keyof JscModule, fn: AnyFunction): unknown {
  const mod = handedOver;
  const control = mod?.[name];
  if (typeof control !== 'function') return undefined;
  try {
    return Reflect.apply(control, mod, [fn]);
  } catch {
    return undefined;
  }
}
