// The wrapper the native tier returns. Per call it checks, in this order: a plain call (not `new`),
// the argument count equal to the parameter count, the global Math and every Math member the
// function reads still the originals (lib/tiers/native-math.ts), then the dispatch (the arguments'
// kinds against each compiled signature, lib/tiers/native-kernels.ts). Anything that does not match
// runs the JS function with the same `this` and arguments, so a call gives exactly what a plain
// call gives. No allocation on the kernel path; a counter per call drives the adaptive choice
// (lib/tiers/native-choice.ts). Each wrapper is compiled from its own source text (see
// lib/wrap/gated.ts: per-function feedback) with the function's arity and Math members in it.

import { compileWrapper } from '../wrap/gated.js';
import { copyIdentity, forward } from '../wrap/forwarding.js';
import { Route, type ChoiceHost } from './native-choice.js';
import type { Dispatch } from './native-kernels.js';
import type { AnyFunction } from '../types.js';

/** What the wrapper reads and calls; the tier keeps `dispatch` and `route` current. */
export interface WrapperState extends ChoiceHost {
  dispatch: Dispatch;
  readonly arity: number;
  readonly MISS: object;
  readonly NEW: object;
  /** The global Math at import, the names of the members the function reads, and their values at import. */
  readonly math: Math;
  readonly memberNames: readonly string[];
  readonly members: readonly unknown[];
  /** The calls counter reached tickAt. */
  tick(): void;
  /** dispatch said NEW: learn the signature, then run the call. */
  learn(thisArg: unknown, args: ArrayLike<unknown>): unknown;
  /** route is Measure: the adaptive choice runs (and times) the call. */
  measure(thisArg: unknown, args: ArrayLike<unknown>): unknown;
}

function wrapperBody(state: WrapperState): string {
  const params = Array.from({ length: state.arity }, (_, i) => `a${i}`).join(', ');
  const memberChecks = state.memberNames.map((name, i) => ` && M[${JSON.stringify(name)}] === m${i}`).join('');
  return String.raw`
  'use strict';
  const apply = Reflect.apply, construct = Reflect.construct;
  const fn = s.fn, n = s.record, MISS = s.MISS, NEW = s.NEW, M = s.math;
  ${state.members.map((_, i) => `const m${i} = s.members[${i}];`).join('\n  ')}
  const wrapper = function (${params}) {
    if (++s.calls === s.tickAt) s.tick();
    if (new.target === undefined) {
      const route = s.route;
      if (route === ${Route.Kernel}) {
        if (arguments.length === ${state.arity} && Math === M${memberChecks}) {
          const r = s.dispatch(${params});
          if (r !== MISS) {
            if (r === NEW) return s.learn(this, [${params}]);
            n.kernelCalls++;
            return r;
          }
        }
      } else if (route === ${Route.Measure} && arguments.length === ${state.arity}) {
        return s.measure(this, [${params}]);
      }
      n.fallbackCalls++;
      return apply(fn, this, arguments);
    }
    n.fallbackCalls++;
    return construct(fn, arguments, new.target === wrapper ? fn : new.target);
  };
  return wrapper;`;
}

/** Whether the call may run on a kernel as far as the wrapper's own checks go (arity and Math). */
export function kernelMayRun(s: WrapperState, args: ArrayLike<unknown>): boolean {
  if (args.length !== s.arity || Math !== s.math) return false;
  for (let i = 0; i < s.memberNames.length; i++) {
    if ((s.math as unknown as Record<string, unknown>)[s.memberNames[i]] !== s.members[i]) return false;
  }
  return true;
}

// Where code cannot be generated from strings: the same checks, from one shared literal.
function sharedWrapper(s: WrapperState): AnyFunction {
  const shared = function (this: unknown, ...args: unknown[]): unknown {
    if (++s.calls === s.tickAt) s.tick();
    if (new.target === undefined) {
      if (s.route === Route.Kernel && kernelMayRun(s, args)) {
        const r = Reflect.apply(s.dispatch, undefined, args);
        if (r !== s.MISS) {
          if (r === s.NEW) return s.learn(this, args);
          s.record.kernelCalls++;
          return r;
        }
      } else if (s.route === Route.Measure) {
        return s.measure(this, args);
      }
    }
    s.record.fallbackCalls++;
    return forward(s.fn, this, args, new.target, shared);
  };
  return shared;
}

/** The native tier's wrapper around `state.fn`, with its name and length. */
export function nativeWrapper(state: WrapperState): AnyFunction {
  return copyIdentity(compileWrapper(wrapperBody(state), state, sharedWrapper), state.fn);
}
