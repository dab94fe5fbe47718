// The wrappers a strategy puts around a function when something has to run per call (a warm-up
// just before the first call, the first real calls before optimizing, jitOnce's deopt counting).
//
// Each wrapper is compiled from its own source text. V8 shares feedback and optimized code between
// all closures of one function literal: with a single literal, every wrapper's call to its
// function would see all wrapped functions as targets (megamorphic, never inlined: measured 26-35
// ns per call instead of about 1), and one function's deopts would throw away every wrapper's code.
// Where code generation from strings is disallowed, a shared literal does the same job, slower.

import { copyIdentity, forward } from '../forwarding.js';
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
 * State of a gated wrapper: while `gated`, `before` and `after` run around each call. Neither sees
 * the call's receiver: a warm-up must never run on the user's own object.
 */
export interface GateState {
  fn: AnyFunction;
  gated: boolean;
  before: () => void;
  after: () => void;
}

// Strict, like the wrapper literals of this (module) file: in sloppy mode `this` would be boxed
// (a primitive receiver) or replaced by globalThis (undefined) before being forwarded.
const GATED_BODY = String.raw`
  'use strict';
  const apply = Reflect.apply, construct = Reflect.construct;
  const wrapper = function (...args) {
    if (s.gated) s.before();
    const result = new.target === undefined ? apply(s.fn, this, args) : construct(s.fn, args, new.target === wrapper ? s.fn : new.target);
    if (s.gated) s.after();
    return result;
  };
  return wrapper;`;

/**
 * A wrapper that runs `state.before()` before and `state.after()` after each call (not after
 * one that throws) until `state.gated` is set false; from then on it only forwards.
 */
export function gatedWrapper(state: GateState): AnyFunction {
  const wrapper = compileWrapper(GATED_BODY, state, (s) => {
    const shared = function (this: unknown, ...args: unknown[]): unknown {
      if (s.gated) s.before();
      const result = forward(s.fn, this, args, new.target, shared);
      if (s.gated) s.after();
      return result;
    };
    return shared;
  });
  return copyIdentity(wrapper, state.fn);
}
