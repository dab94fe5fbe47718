// Types shared across jitctl's modules. The public ones are re-exported from index.ts;
// the rest are the contracts between the hint surface, the router and the strategies.

/** Any callable; hints accept every function shape and must never assume more. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

/** The three hints. */
export type Hint = 'focus' | 'ignore' | 'once';

/** The tiers the router can pick (README.md, "Tiers"). */
export type Tier = 'native' | 'v8' | 'jsc' | 'warmup' | 'noop';

/** What a user may ask for: a specific tier, or the router's choice. */
export type TierChoice = Tier | 'auto';

/** When the warm-up of a hinted function runs. */
export type WarmupWhen = 'decoration' | 'first-call' | 'manual';

/**
 * Options of every hint (as `jitFocus(fn, options)` or `@jitFocus(options)`). `Args` is the hinted
 * function's parameter list, which the samples must match; a plain wrapper infers it.
 */
export interface HintOptions<Args extends readonly unknown[] = readonly unknown[]> {
  /**
   * Argument tuples used for warm-up calls. Top-level typed arrays, DataViews and (Shared)ArrayBuffers
   * are copied for each call; nested objects are passed as they are.
   */
  samples?: ReadonlyArray<Readonly<Args>>;
  /** Number of warm-up calls in all (spread over the samples; at least 2 feedback calls on the v8 tier). */
  warmup?: number;
  /** When warm-up runs: at decoration, on the first call, or on `warmup()`. */
  when?: WarmupWhen;
  /** Count and time calls, track tier changes (also `JITCTL_PROFILE=1`). */
  profile?: boolean;
  /** Force a tier for this function instead of the router's choice. */
  tier?: TierChoice;
  /** Receiver for warm-up calls of methods that use `this` (never a real call's receiver). */
  thisArg?: unknown;
  /** The name stats() shows, instead of the function's own (for anonymous functions) or Class.method. */
  name?: string;
}

/** jitOnce's options: every hint's, and `maxDeopts`. */
export interface JitOnceOptions<Args extends readonly unknown[] = readonly unknown[]> extends HintOptions<Args> {
  /** Deopts tolerated before the function is pinned (never optimized again). */
  maxDeopts?: number;
}

/** Options after validation, with defaults filled in. */
export interface NormalizedOptions {
  samples: ReadonlyArray<ReadonlyArray<unknown>>;
  warmup: number;
  when: WarmupWhen;
  maxDeopts: number;
  profile: boolean;
  tier: TierChoice;
  thisArg: unknown;
  /** The `name` option, when given. */
  name: string | undefined;
}

/** V8 execution tier of a function as observed through intrinsics. */
export type ObservedTier = 'interpreter' | 'sparkplug' | 'maglev' | 'turbofan' | 'unknown';

export interface TierChange {
  from: ObservedTier;
  to: ObservedTier;
  /** Calls seen (by jitctl) when the change was observed. */
  atCall: number;
}

export interface WarmupResult {
  state: 'none' | 'pending' | 'done' | 'failed';
  when: WarmupWhen;
  calls: number;
  ms: number;
  error?: string;
}

/** A construct found by source analysis, with its position in the function's source. */
export interface SourceFinding {
  construct: string;
  line: number;
  column: number;
}

export interface SourceAnalysis {
  analyzable: boolean;
  /** Why not, when `analyzable` is false (native code, bound function, parse failure...). */
  reason?: string;
  kind?: 'function' | 'arrow' | 'method' | 'class' | 'getter' | 'setter';
  async?: boolean;
  generator?: boolean;
  params: string[];
  /** Constructs that defeat optimization: eval, with, arguments, debugger, new Function. */
  defeats: SourceFinding[];
}

/**
 * The live record jitctl keeps for one hinted function. Strategies and the profiler update it;
 * `stats()` hands out copies.
 */
export interface FunctionRecord {
  readonly id: number;
  name: string;
  hint: Hint;
  tier: Tier;
  /** Why the router picked this tier. */
  reason: string;
  /** Tiers tried first and why they were not used. */
  fallbacks: string[];
  warnings: string[];
  /**
   * Whether the profiler wraps this function. Set before strategy.apply, so a strategy knows that
   * the profiler counts `calls` (a strategy must then not count them too).
   */
  profiled: boolean;
  /** Calls counted by jitctl (profiled functions and wrappers that count anyway). */
  calls: number;
  /** Timing in nanoseconds; null when not profiled. */
  time: { samples: number; totalNs: number; minNs: number; maxNs: number } | null;
  observedTier: ObservedTier;
  tierChanges: TierChange[];
  deopts: number;
  /** Optimizations jitctl requested. */
  compiles: number;
  /** jitOnce: pinned (never optimized again) after maxDeopts. */
  pinned: boolean;
  warmup: WarmupResult;
  analysis: SourceAnalysis | null;
  /** The native tier's kernels, calls and choice (null when the tier is not native). */
  native: NativeRecord | null;
}

/** A signature the native tier did not compile, and why. */
export interface NativeDecline {
  /** The argument kinds, comma-separated: 'Float64Array, Float64Array, i32'. */
  signature: string;
  /** The front end's decline message, or why the engine refused the trace. */
  reason: string;
}

/** What the native tier keeps for one function (stats().native). */
export interface NativeRecord {
  /** The signatures compiled to kernels, in the order they were compiled. */
  signatures: string[];
  declined: NativeDecline[];
  /** Milliseconds spent lowering and compiling, all signatures. */
  compileMs: number;
  /** Machine code bytes of the kernels. */
  codeBytes: number;
  /** Calls that ran a kernel. */
  kernelCalls: number;
  /** Calls that ran the JS function: no kernel for their arguments, a patched Math, or V8 chosen as faster. */
  fallbackCalls: number;
  /**
   * Of those, calls a kernel declined: its entry guards (an i32 loop bound at the end of int32, an
   * array shorter than its constant indices need) or, in a kernel that speculates, an int32 check.
   */
  guardDeclines: number;
  /** Signatures compiled again without int32 speculation after their kernel declined a call. */
  despeculated: number;
  /** Which one the adaptive choice keeps: 'pending' until enough calls were measured. */
  choice: 'native' | 'v8' | 'pending';
  /** Measured time per call through V8's code divided by through the kernel (>1: native is faster); null before. */
  speedup: number | null;
}

/** What a strategy is given: the function, its record and its options. */
export interface HintTarget {
  fn: AnyFunction;
  record: FunctionRecord;
  options: NormalizedOptions;
  /** How it was hinted: a plain function, or a method through a decorator. */
  site: 'function' | 'method' | 'static-method';
  /** What the router found about the runtime (absent where a caller builds a target by hand). */
  runtime?: RuntimeFacts;
}

/** Whether a tier can serve a hint for a function, and why (or why not). */
export type Availability = { ok: true; reason: string } | { ok: false; reason: string };

/** What the router found about the runtime, as the tiers need it to decide (lib/router/detect.ts). */
export interface RuntimeFacts {
  /** The runtime as a reader knows it: 'Node 20.20.2 (V8 11.3...)', 'Deno 2.9.6 (V8 15.0...)', 'Bun 1.4.5'. */
  label: string;
  /** Node or Deno: V8, with a JIT that intrinsics or warm-up can steer. */
  runsV8: boolean;
  /** No optimizing JIT (--jitless, or TurboFan and Maglev off). */
  jitless: boolean;
  /**
   * Math functions whose native stencils do not give this runtime's Math results bit for bit
   * (Bun's JavaScriptCore and Deno's V8 15+ call another libm): the native tier declines them.
   */
  inexactMath: readonly string[];
}

/**
 * What the router asks a tier: the hint, the function (null for "a plain function with default
 * options", what `jitctl info` prints), its options (null likewise), and whether the user forced
 * this tier (option `tier`, or the global mode).
 */
export interface AvailabilityQuery {
  hint: Hint;
  fn: AnyFunction | null;
  options: NormalizedOptions | null;
  forced: boolean;
  runtime: RuntimeFacts;
}

/** A tier implementation: it says what it needs (availability) and applies the hint. */
export interface Strategy {
  readonly tier: Tier;
  /** Whether this tier can serve the query; never throws. */
  availability(query: AvailabilityQuery): Availability;
  /**
   * Applies the hint and returns what replaces `target.fn`: `fn` itself wherever nothing has to
   * run per call (noop, jitIgnore), otherwise a thin wrapper.
   */
  apply(target: HintTarget): AnyFunction;
}

const HINT_NAMES: Record<Hint, string> = { focus: 'jitFocus', ignore: 'jitIgnore', once: 'jitOnce' };

/** The public name of a hint, as users write it. */
export function hintName(hint: Hint): string {
  return HINT_NAMES[hint];
}
