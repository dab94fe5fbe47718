// `jitctl/engine`: the native copy-and-patch engine for callers who build traces themselves.
//
//   import { compile, TraceBuilder } from 'jitctl/engine';
//   const b = new TraceBuilder();
//   const x = b.slot('f64'), y = b.slot('f64');
//   b.param(x).returns(y).op('SQRT_F64', y, x).op('RETURN');
//   compile(b.build()).call(2); // 1.4142135623730951

import { addonBinding, addonStatus, type AddonStatus } from './addon.js';
import { TraceBuilder } from './kernel/trace.js';

export type { AddonStatus } from './addon.js';
export { TraceBuilder, TRACE_MAGIC, TRACE_VERSION } from './kernel/trace.js';
export type { Label, Operand, ReturnType, Slot, SlotType, View } from './kernel/trace.js';
export { ElementKind, UOPS } from './kernel/uops.js';

// ---- the shape of the native binding (native/src/addon.cc) ----------------------------------

export interface KernelStencil {
  uop: string;
  codeOffset: number;
  codeSize: number;
  dataOffset: number;
  dataSize: number;
  /** The stencil's patched machine code. */
  bytes: Buffer;
}

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
  /** Runs the kernel; arguments are checked against its parameters on every call. */
  call(...args: KernelArgument[]): number | undefined;
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
}

export interface EngineConfig {
  maxExecutableBytes: number;
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
  compile(trace: Int32Array | ArrayBuffer): Kernel;
  stats(): EngineStats;
  config(): EngineConfig;
  configure(config: Partial<EngineConfig>): EngineConfig;
  uops(): NativeUop[];
  readonly arch: string;
  readonly supported: boolean;
  readonly sourceDigest: string;
  readonly limits: EngineLimits;
}

// ---- the engine --------------------------------------------------------------------------------

function binding(): NativeBinding {
  const loaded = addonBinding();
  if (!loaded) throw new Error(`jitctl's native engine is not available: ${addonStatus().error ?? 'unknown reason'}`);
  return loaded;
}

/** Whether the addon loaded and has stencils for this architecture. */
export function available(): boolean {
  const status = addonStatus();
  return status.loaded && status.supported;
}

export function engineStatus(): AddonStatus {
  return addonStatus();
}

/** Compiles a trace (words, bytes, or a builder) into a kernel. */
export function compile(trace: Int32Array | ArrayBuffer | TraceBuilder): Kernel {
  const words = trace instanceof TraceBuilder ? trace.build() : trace;
  return binding().compile(words);
}

/** Statistics of this thread's engine (each worker thread has its own). */
export function engineStats(): EngineStats {
  return binding().stats();
}

export function engineConfig(): EngineConfig {
  return binding().config();
}

/** Sets the cap on executable bytes of this thread's engine. */
export function configureEngine(config: Partial<EngineConfig>): EngineConfig {
  return binding().configure(config);
}

export function engineLimits(): EngineLimits {
  return binding().limits;
}

/** Digest of the native sources compiled into the loaded addon (see native/src/source-digest.js). */
export function nativeSourceDigest(): string {
  return binding().sourceDigest;
}
