// The wrappers a strategy puts around a function when something has to run per call (a warm-up
// just before the first call, the first real calls before optimizing, jitOnce's deopt counting).
//
// Each wrapper is compiled from its own source text. V8 shares feedback and optimized code between
// all closures of one function literal: with a single literal, every wrapper's call to its
// function would see all wrapped functions as targets (megamorphic, never inlined: measured 26-35
// ns per call instead of about 1), and one function's deopts would throw away every wrapper's code.
// Where code generation from strings is disallowed, a shared literal does the same job, slower.

import type { AnyFunction } from '../types.js';

let wrapperIds = 0;

/**
 * Compiles `body` (the body of a function of `s` returning the wrapper) with a unique marker, and
 * calls it with `state`; `fallback` builds the same wrapper from a shared literal.
 */
export function compileWrapper<S>(body: string, state: S, fallback: (state: S) => AnyFunction): AnyFunction {
  try {
    const factory = new Function('s', `${body}\n// jitctl wrapper ${++wrapperIds}`) as (state: S) => AnyFunction;
    return factory(state);
  } catch {
    return fallback(state);
  }
}

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
 * wrapper was called with `new` (then `new wrapper()` builds what `new fn()` builds).
 */
export function forward(fn: AnyFunction, thisArg: unknown, args: unknown[], newTarget: unknown, wrapper: AnyFunction): unknown {
  if (newTarget === undefined) return Reflect.apply(fn, thisArg, args);
  return Reflect.construct(fn, args, newTarget === wrapper ? fn : newTarget as AnyFunction);
}

/** State of a gated wrapper: while `gated`, `before` and `after` run around each call. */
export interface GateState {
  fn: AnyFunction;
  gated: boolean;
  before: (thisArg: unknown) => void;
  after: () => void;
}

const GATED_BODY = String.raw`
  const apply = Reflect.apply, construct = Reflect.construct;
  const wrapper = function (...args) {
    if (s.gated) s.before(this);
    const result = new.target === undefined ? apply(s.fn, this, args) : construct(s.fn, args, new.target === wrapper ? s.fn : new.target);
    if (s.gated) s.after();
    return result;
  };
  return wrapper;`;

/**
 * A wrapper that runs `state.before(this)` before and `state.after()` after each call (not after
 * one that throws) until `state.gated` is set false; from then on it only forwards.
 */
export function gatedWrapper(state: GateState): AnyFunction {
  const wrapper = compileWrapper(GATED_BODY, state, (s) => {
    const shared = function (this: unknown, ...args: unknown[]): unknown {
      if (s.gated) s.before(this);
      const result = forward(s.fn, this, args, new.target, shared);
      if (s.gated) s.after();
      return result;
    };
    return shared;
  });
  return copyIdentity(wrapper, state.fn);
}
