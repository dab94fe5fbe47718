// The functions V8 was told never to optimize, for the whole isolate.
//
// %PrepareFunctionForOptimization or an optimization request on code that %NeverOptimizeFunction
// marked aborts the process, and the mark is on V8's shared code (SharedFunctionInfo), not on one
// function object: sibling closures of one function literal share it, and so do identical
// `new Function` sources. V8 offers no way to read the mark back, so jitctl remembers every
// function it marks, and the source text of each (a fixed-size hash in a Bloom filter: bounded
// memory, no false negatives; a false positive only refuses a function).
//
// One registry serves every copy of jitctl in the isolate: two installed versions, or one loaded
// again after its require cache was cleared, each mark the same V8 code, so each must see the
// other's marks. The registry lives under a global symbol on `process` (one per isolate in Node;
// each worker has its own), defined non-writable and non-configurable by the first copy, and is
// made in that copy's fresh realm, so patched builtins cannot answer for it. Later copies of any
// version use the same symbol and the same two methods.

import { tools, type SourceRegistry } from '../source/realm.js';

/** The key every copy of jitctl uses; the protocol behind it (add, covers, sources) must never change. */
export const REGISTRY_KEY = Symbol.for('jitctl.neverOptimized.v1');

function isRegistry(value: unknown): value is SourceRegistry {
  return typeof value === 'object' && value !== null &&
    typeof (value as SourceRegistry).add === 'function' && typeof (value as SourceRegistry).covers === 'function';
}

function holder(): object {
  const proc = typeof process === 'object' && process !== null ? process : undefined;
  return proc ?? globalThis;
}

/** The isolate's registry: another copy's when there is one, else a new one, shared from now on. */
function sharedRegistry(): SourceRegistry {
  const target = holder();
  try {
    const existing = tools.ownValue(target, REGISTRY_KEY);
    if (isRegistry(existing)) return existing;
  } catch {
    // An exotic holder (a Proxy in a sandbox): keep a registry of this copy's own.
  }
  // Defining fails when the key holds something else or the holder is frozen: then this copy keeps
  // a registry of its own, which still covers every mark it makes.
  const registry = tools.newSourceRegistry();
  tools.defineConstant(target, REGISTRY_KEY, registry);
  return registry;
}

const registry = sharedRegistry();

/**
 * Records that `fn` (whose source text is `source`) is about to be never-optimized. Called before
 * %NeverOptimizeFunction: should anything fail half-way, the code counts as never-optimized.
 */
export function recordNeverOptimized(fn: object, source: string): void {
  registry.add(fn, source);
}

/** True when `fn`'s V8 code may carry a never-optimize mark: optimizing it could abort the process. */
export function mayBeNeverOptimized(fn: object, source: string): boolean {
  return registry.covers(fn, source);
}
