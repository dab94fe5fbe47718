// The native tier's slot in the router. jitctl's own copy-and-patch compiler will turn eligible
// numeric kernels into machine code here. It needs two things: the addon (lib/compiler/native/binding.ts) and the
// kernel front end that turns a JS function into a uop trace (lib/compiler/, a later issue). Until
// the front end exists the slot reports why it is not available, and the router falls back to the
// v8 tier with that reason. The router asks without the addon's status so that hinting a function
// never loads the addon for a tier that cannot be used yet.

import type { Detection } from '../router/detect.js';
import type { AnyFunction, Availability, AvailabilityQuery, HintTarget, Strategy } from '../types.js';

/** Whether the native tier can take functions now, and why not (the router says "not available: <reason>"). */
export function nativeAvailability(addon?: Detection['addon']): { available: boolean; reason: string } {
  let reason = 'the kernel front end is not built yet';
  if (addon && !addon.loaded) reason += ` (and the addon did not load: ${addon.error ?? 'unknown reason'})`;
  else if (addon && addon.supported === false) reason += ` (and the addon has no stencils for ${addon.nativeArch ?? addon.arch})`;
  return { available: false, reason };
}

export const nativeStrategy: Strategy = Object.freeze({
  tier: 'native' as const,
  availability({ hint }: AvailabilityQuery): Availability {
    if (hint !== 'focus') return { ok: false, reason: 'the native tier compiles jitFocus kernels only' };
    const { available, reason } = nativeAvailability();
    return available ? { ok: true, reason } : { ok: false, reason: `not available: ${reason}` };
  },
  // Never chosen until the front end exists: availability says so.
  apply(target: HintTarget): AnyFunction {
    return target.fn;
  },
});
