// The wrappers a strategy puts around a function when something has to run per call (a warm-up
// just before the first call, the first real calls before optimizing).
//
// Each wrapper is compiled from its own source text. V8 shares feedback and optimized code between
// all closures of one function literal: with a single literal, every wrapper's call to its
// function would see all wrapped functions as targets (megamorphic, never inlined: measured 26-35
// ns per call instead of about 1), and one function's deopts would throw away every wrapper's code.
// Where code generation from strings is disallowed, a shared literal does the same job, slower.
//
// A wrapper is one more frame per call, which is what a deeply recursive caller pays in maximum
// recursion depth. So where the function's source allows it (no `arguments`, no rest parameter),
// the wrapper has the function's own parameters and forwards them as they are, with no rest array
// and no Reflect.apply: a smaller frame (bench/depth.ts, docs/decisions.md).

import { copyIdentity, forward } from './forwarding.js';
import type { AnyFunction, SourceAnalysis } from '../types.js';

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

/** Most parameters a fixed-arity wrapper takes; a function with more gets the rest-parameter wrapper. */
const MAX_FIXED_ARITY = 8;

/**
 * The wrapper's parameter list and its forwarding call expressions, for a function of that
 * analysis: `(a0, a1)` and `fn.call(this, a0, a1)` where the function reads nothing but its named
 * parameters (passing undefined for a missing argument is then the same as not passing it, and
 * default values apply either way); `(...args)` and Reflect.apply otherwise.
 */
export function forwarding(analysis: SourceAnalysis | null): { params: string; call: string; construct: string } {
  const fixed = analysis !== null && analysis.analyzable && !analysis.async && !analysis.generator &&
    analysis.params.length <= MAX_FIXED_ARITY &&
    !analysis.params.some((p) => p.startsWith('...')) &&
    !analysis.defeats.some((d) => d.construct === 'arguments' || d.construct === 'eval');
  if (!fixed) {
    return { params: '...args', call: 'apply(fn, this, args)', construct: 'construct(fn, args, new.target === wrapper ? fn : new.target)' };
  }
  const names = analysis.params.map((_, i) => `a${i}`).join(', ');
  return {
    params: names,
    // Reflect.apply captured at compile time (a patched builtin cannot intercept it); on a literal
    // array, TurboFan turns it into a direct call.
    call: `apply(fn, this, [${names}])`,
    construct: `construct(fn, [${names}], new.target === wrapper ? fn : new.target)`,
  };
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
function gatedBody(analysis: SourceAnalysis | null): string {
  const f = forwarding(analysis);
  return String.raw`
  'use strict';
  const apply = Reflect.apply, construct = Reflect.construct;
  const fn = s.fn;
  const wrapper = function (${f.params}) {
    if (s.gated) s.before();
    const result = new.target === undefined ? ${f.call} : ${f.construct};
    if (s.gated) s.after();
    return result;
  };
  return wrapper;`;
}

/**
 * A wrapper that runs `state.before()` before and `state.after()` after each call (not after
 * one that throws) until `state.gated` is set false; from then on it only forwards.
 * `analysis` (the function's source analysis) decides whether it can forward with fixed arity.
 */
export function gatedWrapper(state: GateState, analysis: SourceAnalysis | null = null): AnyFunction {
  const wrapper = compileWrapper(gatedBody(analysis), state, (s) => {
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
