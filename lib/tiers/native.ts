// The native tier: jitctl's own copy-and-patch compiler for numeric kernels. At hint time the
// function is planned once (lib/compiler/frontend: parse and check against the kernel subset,
// cached per function); a function outside the subset is refused with the front end's reason, and
// the router falls back to the v8 tier with it in stats().fallbacks. A function inside gets a
// wrapper (lib/tiers/native-wrapper.ts) that runs a kernel per signature (native-kernels.ts: the
// samples' signatures compiled at hint time, others on first sight, up to 4 for jitFocus and 1
// for jitOnce) and keeps, for calls that a kernel takes, whichever of the kernel and V8's code
// measured faster (native-choice.ts). Every call a kernel does not take runs the JS function.

import { engineStatus } from '../engine.js';
import { planKernel, signatureOf, type KernelPlan, type PlanResult } from '../compiler/frontend/index.js';
import { classifySource, tools } from '../source/realm.js';
import { v8Strategy } from './v8.js';
import { AdaptiveChoice, Route } from './native-choice.js';
import { KernelCache, MAX_SIGNATURES, MISS, NEW, type FrontEnd } from './native-kernels.js';
import { kernelMayRun, nativeWrapper, type WrapperState } from './native-wrapper.js';
import { originalMath, originalMathMember } from './native-math.js';
import type { Detection } from '../router/detect.js';
import type { AnyFunction, Availability, AvailabilityQuery, HintTarget, NativeRecord, Strategy } from '../types.js';

/** Why the engine cannot compile in this process (addon, architecture, --jitless), or null. */
function engineRefusal(addon?: Detection['addon']): string | null {
  const status = addon ?? engineStatus();
  if (!status.loaded) return `the addon did not load: ${status.error ?? 'unknown reason'}`;
  if (status.supported === false) return `the addon has no stencils for ${status.nativeArch ?? status.arch}`;
  const refusal = addon ? engineStatus().refusal : (status as ReturnType<typeof engineStatus>).refusal;
  return refusal ?? null;
}

/** Whether the native tier can take functions in this process, and why not (`jitctl info`). */
export function nativeAvailability(addon?: Detection['addon']): { available: boolean; reason: string } {
  // At import the addon's status is not asked for (it would load the addon before anything needs it).
  if (!addon) return { available: false, reason: 'not checked yet (the addon loads when a function is hinted)' };
  try {
    const refusal = engineRefusal(addon);
    return refusal ? { available: false, reason: refusal } : { available: true, reason: 'compiles numeric kernels per signature' };
  } catch (error) {
    return { available: false, reason: `the engine's status could not be read: ${String(error)}` };
  }
}

const NO_SOURCE: Record<Exclude<ReturnType<typeof classifySource>['kind'], 'source'>, string> = {
  'not-a-function': 'not a function', proxy: 'a Proxy', native: 'a native or bound function', class: 'a class', asm: 'an asm.js module',
};

// planKernel parses and checks a function; hinting must stay cheap, so once per function.
const plans = tools.newWeakMap<AnyFunction, PlanResult>();

function failedPlan(message: string): PlanResult {
  return { ok: false, decline: { construct: 'the function', line: 1, column: 1, reason: message, fix: '', message } };
}

/** The front end's plan for `fn`, made once per function. Never throws. */
export function planFor(fn: AnyFunction): PlanResult {
  let result = plans.get(fn);
  if (result) return result;
  const kind = classifySource(fn).kind;
  if (kind !== 'source') {
    result = failedPlan(`${NO_SOURCE[kind]}: the front end compiles functions from their source text`);
  } else {
    try {
      result = planKernel(fn);
    } catch (error) {
      result = failedPlan(`the kernel front end failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  plans.set(fn, result);
  return result;
}

function availability({ hint, fn }: AvailabilityQuery): Availability {
  if (hint === 'ignore') return { ok: false, reason: 'jitIgnore never runs natively (the native tier serves jitFocus and jitOnce)' };
  let refusal: string | null;
  try {
    refusal = engineRefusal();
  } catch (error) {
    refusal = `the engine's status could not be read: ${String(error)}`;
  }
  if (refusal) return { ok: false, reason: `not available: ${refusal}` };
  const perSignature = hint === 'focus' ? `up to ${MAX_SIGNATURES.focus} signatures` : 'the first signature';
  if (!fn) return { ok: true, reason: `numeric kernels compiled natively (${perSignature}), other functions fall back` };
  const planned = planFor(fn);
  // The decline's message as it is: the router files it as "native: <message>".
  if (!planned.ok) return { ok: false, reason: planned.decline.message };
  return { ok: true, reason: `a numeric kernel: compiled natively for ${perSignature}, kept where it measures faster than V8` };
}

function freshNativeRecord(): NativeRecord {
  return { signatures: [], declined: [], compileMs: 0, codeBytes: 0, kernelCalls: 0, fallbackCalls: 0, guardDeclines: 0, despeculated: 0, choice: 'pending', speedup: null };
}

/** What nativeFunction needs besides the function and its plan. */
export interface NativeSetup {
  hint: 'focus' | 'once';
  samples: ReadonlyArray<ReadonlyArray<unknown>>;
  inexactMath: ReadonlySet<string>;
  /** Whether V8's optimized code can be measured against the kernel (the v8 tier is available). */
  compareWithV8: boolean;
  /** Where the adaptive choice says why V8 could not be measured as asked. */
  note(text: string): void;
  /** The front end's lowering and signatures (tests give hand-made kernels). */
  frontEnd?: FrontEnd;
  /** Whether V8 runs `fn` in optimized code (tests give one V8 never satisfies). */
  isOptimized?: (fn: AnyFunction) => boolean;
  /** The number lane the dispatch calls kernels through (undefined: the addon's; tests give null: none). */
  lane?: Float64Array | null;
}

/** The native wrapper of `fn` for `plan`, and the record its kernels and calls are counted in. */
export function nativeFunction(fn: AnyFunction, plan: KernelPlan, setup: NativeSetup): { wrapper: AnyFunction; native: NativeRecord } {
  const native = freshNativeRecord();
  const cache = new KernelCache(plan, MAX_SIGNATURES[setup.hint], setup.inexactMath, native, setup.frontEnd, setup.lane);
  // The samples name the signatures real calls will bring: compile them now.
  for (const sample of setup.samples) {
    if (sample.length !== plan.params.length) continue;
    const signature = (setup.frontEnd?.signatureOf ?? signatureOf)(sample);
    if (signature) cache.add(signature);
  }
  const memberNames = plan.mathMembers.slice();
  const state: WrapperState = {
    fn, record: native, calls: 0, tickAt: -1, route: Route.Kernel,
    dispatch: cache.dispatch, arity: plan.params.length, MISS, NEW,
    math: originalMath(), memberNames, members: memberNames.map(originalMathMember),
    hasKernel: () => cache.hasKernel(),
    tryKernel(thisArg, args, missed) {
      if (!kernelMayRun(state, args)) return missed;
      let r = Reflect.apply(state.dispatch, undefined, args);
      if (r === NEW) {
        cache.learn(args);
        state.dispatch = cache.dispatch;
        r = Reflect.apply(state.dispatch, undefined, args);
      }
      if (r === MISS || r === NEW) return missed;
      native.kernelCalls++;
      return r;
    },
    learn(thisArg, args) {
      const r = state.tryKernel(thisArg, args, MISS);
      if (r !== MISS) return r;
      native.fallbackCalls++;
      return Reflect.apply(fn, thisArg, args);
    },
    note: setup.note,
    tick: () => choice.tick(),
    measure: (thisArg, args) => choice.measure(thisArg, args),
  };
  const choice = new AdaptiveChoice(state, setup.compareWithV8, setup.isOptimized);
  // A kernel recompiled without speculation replaces the dispatch from inside a call, and is judged anew.
  cache.onRebuild = (dispatch) => {
    state.dispatch = dispatch;
    choice.kernelChanged();
  };
  return { wrapper: nativeWrapper(state), native };
}

function apply(target: HintTarget): AnyFunction {
  const { fn, record, options, runtime } = target;
  const planned = planFor(fn);
  if (!planned.ok) throw new Error(planned.decline.message);
  const { wrapper, native } = nativeFunction(fn, planned.plan, {
    hint: record.hint === 'once' ? 'once' : 'focus',
    samples: options.samples,
    inexactMath: new Set(runtime?.inexactMath ?? []),
    // V8's code is what the kernel is measured against, where the v8 tier could optimize it.
    compareWithV8: runtime !== undefined && v8Strategy.availability({ hint: 'focus', fn, options, forced: false, runtime }).ok,
    note(text) {
      if (!record.fallbacks.includes(text)) record.fallbacks.push(text);
    },
  });
  record.native = native;
  return wrapper;
}

export const nativeStrategy: Strategy = Object.freeze({
  tier: 'native' as const,
  availability,
  apply,
});
