// The no-op tier: the hint returns the very function it was given. Nothing runs per call, nothing
// is wrapped, nothing is compiled: on a runtime without a JIT to control (Bun, Deno, --jitless) or
// with JITCTL=off, a hinted function is exactly the unhinted one.

import type { Availability, AvailabilityQuery, AnyFunction, HintTarget, Strategy } from '../types.js';

export const noopStrategy: Strategy = Object.freeze({
  tier: 'noop' as const,
  // Always possible; when the router ends here having tried the others, it says why itself.
  availability: ({ forced, runtime }: AvailabilityQuery): Availability =>
    ({ ok: true, reason: forced ? 'asked for' : `nothing to control on ${runtime.label}` }),
  apply(target: HintTarget): AnyFunction {
    return target.fn;
  },
});
