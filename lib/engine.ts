// `jitctl/engine`: the native copy-and-patch engine for callers who build traces themselves.
//
//   import { compile, TraceBuilder } from 'jitctl/engine';
//   const b = new TraceBuilder();
//   const x = b.slot('f64'), y = b.slot('f64');
//   b.param(x).returns(y).op('SQRT_F64', y, x).op('RETURN');
//   compile(b.build()).call(2); // 1.4142135623730951

import { addonBinding, addonStatus, type AddonStatus } from './compiler/native/binding.js';
import { boolean, positiveInteger, positiveNumber, readOptions } from './compiler/trace/options.js';
import { TraceBuilder } from './compiler/trace/trace.js';

export type { AddonStatus } from './compiler/native/binding.js';
export { TraceBuilder, TRACE_MAGIC, TRACE_VERSION } from './compiler/trace/trace.js';
export type { Label, Operand, ReturnType, Slot, SlotType, View } from './compiler/trace/trace.js';
export { ElementKind, UOPS } from './compiler/trace/uops.js';

// ---- the shape of the native binding (native/node/module.cc, kernel_object.cc) ---------------

export interface KernelStencil {
  uop: string;
  codeOffset: number;
  codeSize: number;
  dataOffset: number;
  dataSize: number;
  /**
   * Index of the trace op this stencil implements (for a poll: its loop's LABEL), or null for the
   * shim and for the moves between a cached register and its frame slot.
   */
  traceOp: number | null;
  /** The stencil's patched machine code. */
  bytes: Buffer;
}

/**
 * The names `inspect()` gives the interrupt check at a loop head (native/core/emit.cc): 'outer
 * poll' at the head of a loop that holds loops, 'poll' at the others.
 */
export const POLL_STENCILS: readonly string[] = Object.freeze(['poll', 'outer poll']);
export const isPollStencil = (uop: string): boolean => POLL_STENCILS.includes(uop);

export interface KernelInspection {
  address: bigint;
  codeSize: number;
  dataSize: number;
  totalSize: number;
  gotEntries: number;
  trampolines: number;
  stencils: KernelStencil[];
  bytes: Buffer;
}

export type KernelArgument = number | ArrayBufferView;

export interface Kernel {
  /**
   * Runs the kernel; arguments are checked against its parameters on every call. A trace that
   * reaches DECLINE (a guard on its arguments) throws a RangeError of code ERR_JITCTL_DECLINED.
   */
  call(...args: KernelArgument[]): number | undefined;
  /**
   * The same call for a caller that has checked its typed arrays' kinds itself (about 20 ns less
   * per Float64Array, and no receiver: the function belongs to this kernel). Numbers and counts are
   * checked as by call(); a typed array is only checked to hold its elements at the kernel's
   * element size inside its ArrayBuffer (anything else goes through call()'s checks and errors),
   * so a wrong kind can give wrong numbers but never reaches memory outside the array's buffer.
   * Where call() throws ERR_JITCTL_DECLINED, invoke returns declinedResult() (no exception on
   * the path where the caller runs its own code instead).
   */
  readonly invoke: (...args: KernelArgument[]) => number | undefined | object;
  inspect(): KernelInspection;
  /** Frees the machine code now (it is also freed when the object is garbage-collected). */
  free(): void;
  readonly freed: boolean;
  readonly codeSize: number;
  /** Parameter kinds: 'f64', 'i32', 'u32' or a typed-array name such as 'Float64Array'. */
  readonly params: string[];
  readonly returnType: 'void' | 'f64' | 'i32' | 'u32' | undefined;
}

export interface EngineStats {
  bytesMapped: number;
  bytesUsed: number;
  bytesPadding: number;
  liveKernels: number;
  kernelsCompiled: number;
  kernelsFreed: number;
  uopsCompiled: number;
  maxExecutableBytes: number;
  pageSize: number;
  /** Memory mappings this engine holds (its executable memory). */
  mappings: number;
  /** Memory mappings all engines of the process hold (main thread and workers). */
  processMappings: number;
  /** The most they may hold together: a quarter of vm.max_map_count, or JITCTL_MAX_MAPPINGS. */
  mappingBudget: number;
}

export interface EngineConfig {
  /** Cap on the executable bytes this thread's engine maps (default 64 MiB). */
  maxExecutableBytes: number;
  /** Compile under --jitless too (default false: a process without a JIT gets no executable memory). */
  allowJitless: boolean;
}

export interface CompileOptions {
  /**
   * Milliseconds a call of the kernel may run; a call that runs longer stops at a loop head with
   * an Error of code ERR_JITCTL_TIMEOUT. Default: no limit.
   */
  timeout: number;
}

export interface EngineStatus extends AddonStatus {
  /** Why compile() refuses in this process right now (e.g. --jitless), if it does. */
  refusal?: string;
}

export interface NativeUop {
  opcode: number;
  name: string;
  operands: string[];
  viewKind: number;
  pseudo: boolean;
}

export interface EngineLimits {
  maxSlots: number;
  maxViews: number;
  maxParams: number;
  maxLabels: number;
  maxOps: number;
  maxOpWords: number;
  maxViewLength: number;
  /** Slots take 8 bytes and views 16; a frame is limited to this many bytes on every target. */
  maxFrameBytes: number;
  /** Code and data of one kernel, at most. */
  maxKernelBytes: number;
}

export interface NativeBinding {
  compile(trace: Int32Array | ArrayBuffer, options?: Partial<CompileOptions>): Kernel;
  stats(): EngineStats;
  config(): Pick<EngineConfig, 'maxExecutableBytes'>;
  configure(config: Partial<Pick<EngineConfig, 'maxExecutableBytes'>>): Pick<EngineConfig, 'maxExecutableBytes'>;
  uops(): NativeUop[];
  /** An empty Node-API function: the floor of any call into the addon (the call-path benchmark measures kernels against it). */
  emptyCall(...args: unknown[]): undefined;
  readonly arch: string;
  readonly supported: boolean;
  readonly sourceDigest: string;
  readonly limits: EngineLimits;
  /** What kernel.invoke returns for a call its trace declined. */
  readonly DECLINED: object;
  /**
   * The environment's number lane (kernel.invokeLane's numbers and result) the first time it is
   * asked for, null afterwards (or where Node-API refuses external buffers). lib/compiler/native/binding.ts takes it
   * as it loads the addon, for the native tier alone.
   */
  takeNumberLane(): ArrayBuffer | null;
}

// ---- the engine --------------------------------------------------------------------------------

// Per thread, like the engine itself: each worker decides for its own.
let allowJitless = false;

// Under --jitless the user asked Node for no JIT, and may rely on the process mapping no
// executable memory (a policy, a sandbox): the engine then compiles only when told it may.
function refusal(status: AddonStatus): string | undefined {
  if (status.jitless && !allowJitless) {
    return 'Node runs with --jitless, so jitctl maps no executable memory: configureEngine({ allowJitless: true }) to compile anyway';
  }
  return undefined;
}

function binding(): NativeBinding {
  const loaded = addonBinding();
  if (!loaded) throw new Error(`jitctl's native engine is not available: ${addonStatus().error ?? 'unknown reason'}`);
  return loaded;
}

/** Whether the addon loaded, has stencils for this architecture, and compiles in this process. */
export function available(): boolean {
  const status = addonStatus();
  return status.loaded && status.supported && refusal(status) === undefined;
}

export function engineStatus(): EngineStatus {
  const status: EngineStatus = addonStatus();
  const refused = refusal(status);
  if (refused) status.refusal = refused;
  return status;
}

const COMPILE_OPTIONS = { timeout: positiveNumber(9_007_199_254) };

/** Compiles a trace (words, bytes, or a builder) into a kernel. */
export function compile(trace: Int32Array | ArrayBuffer | TraceBuilder, options?: Partial<CompileOptions>): Kernel {
  const checked = options === undefined ? undefined : readOptions<CompileOptions>('compile', options, COMPILE_OPTIONS);
  const refused = refusal(addonStatus());
  if (refused) throw Object.assign(new Error(refused), { code: 'ERR_JITCTL_JITLESS' });
  const words = trace instanceof TraceBuilder ? trace.build() : trace;
  return checked === undefined ? binding().compile(words) : binding().compile(words, checked);
}

/** Statistics of this thread's engine (each worker thread has its own). */
export function engineStats(): EngineStats {
  return binding().stats();
}

export function engineConfig(): EngineConfig {
  return { ...binding().config(), allowJitless };
}

const ENGINE_OPTIONS = { maxExecutableBytes: positiveInteger(Number.MAX_SAFE_INTEGER), allowJitless: boolean };

/** Configures this thread's engine: the cap on executable bytes, and whether to compile under --jitless. */
export function configureEngine(config: Partial<EngineConfig>): EngineConfig {
  const { allowJitless: allow, ...native } = readOptions<EngineConfig>('configureEngine', config, ENGINE_OPTIONS);
  const result = binding().configure(native);
  if (allow !== undefined) allowJitless = allow;
  return { ...result, allowJitless };
}

/** The frozen object kernel.invoke returns when a kernel's trace declines a call (DECLINE). */
export function declinedResult(): object {
  return binding().DECLINED;
}

export function engineLimits(): EngineLimits {
  return binding().limits;
}

/** Digest of the native sources compiled into the loaded addon (see native/source-digest.js). */
export function nativeSourceDigest(): string {
  return binding().sourceDigest;
}
