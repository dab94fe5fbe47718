// What every wrapper jitctl puts in front of a user's function (the strategies' wrappers, the
// profiler) needs so that the wrapper behaves like the function: calls and `new` forwarded with the
// same receiver, arguments and new.target, and the identity code reads off a function copied over.

import type { AnyFunction } from '../types.js';

/**
 * Copies what code may read off a function onto its wrapper: name (stack traces, logs), arity and,
 * for constructors, the prototype (so that `instanceof` gives the same answer for both).
 */
export function copyIdentity(wrapper: AnyFunction, fn: AnyFunction): AnyFunction {
  try {
    Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
    Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
    if (Object.prototype.hasOwnProperty.call(fn, 'prototype')) wrapper.prototype = fn.prototype;
  } catch {
    // A function whose name, length or prototype cannot be read keeps the wrapper's.
  }
  return wrapper;
}

/**
 * Calls `fn` as the wrapper was called: with `this` and `args`, or as a constructor when the
 * wrapper was called with `new` (then `new wrapper()` builds what `new fn()` builds; a subclass's
 * new.target is passed on as it is).
 */
export function forward(fn: AnyFunction, thisArg: unknown, args: unknown[], newTarget: unknown, wrapper: AnyFunction): unknown {
  if (newTarget === undefined) return Reflect.apply(fn, thisArg, args);
  return Reflect.construct(fn, args, newTarget === wrapper ? fn : newTarget as AnyFunction);
}
