// explain(): what the native tier makes of a function, for one signature: whether it compiles,
// the typed IR, the micro-ops with the size of each one's stencil, or the front end's reason with
// its position. The public explain() (lib/explain.ts) looks through a hinted function to the
// user's own and gives the runtime's facts; `jitctl explain` adds the file's positions.

import { compile, engineStatus, isPollStencil } from '../engine.js';
import { lowerKernel, planKernel, signatureOf, type ArgKind, type PlanOptions, type Signature } from './frontend/index.js';
import type { AnyFunction } from '../types.js';

/** One micro-op of the trace, as printed, and the bytes of machine code its stencil took (0: emits none). */
export interface ExplainedUop {
  /** The micro-op as the front end wrote it, or what the engine added (a poll, a register move). */
  uop: string;
  /** Bytes of machine code it takes in the kernel (0 for a label, and for an op control cannot reach, which the engine leaves out); null where nothing was compiled. */
  bytes: number | null;
  /** The stencil the engine chose for it, such as 'ADD_F64__f0_f0_m' (operands in registers); null for a label or where nothing was compiled. */
  stencil: string | null;
}

/** What explain() reports for one function. */
export interface ExplainReport {
  name: string;
  /** Whether the native tier compiles it for `signature`. */
  compiles: boolean;
  /** The argument kinds it was explained for ('Float64Array, Float64Array, i32'); null when none could be chosen. */
  signature: string | null;
  /** The typed IR (one statement per line), when the front end lowered it. */
  ir: string | null;
  /** The micro-ops in trace order with their stencil sizes (bytes null where the engine cannot compile here). */
  uops: ExplainedUop[];
  /** Machine code bytes of the whole kernel (entry shim included), when compiled. */
  codeBytes: number | null;
  /** Why it does not compile: the front end's decline ('<construct> at line L, column C: <reason>; <fix>') or the engine's refusal. */
  reason: string | null;
  /**
   * Whether the kernel speculates: int32 arithmetic that could leave int32 is checked at run time
   * (the `*_EXACT` micro-ops); a call whose values leave int32 runs the JS function, and the native
   * tier compiles the signature again without speculation.
   */
  speculative: boolean;
}

export interface ExplainOptions {
  /** Arguments of a call: their kinds are the signature. */
  args?: readonly unknown[];
  /** The signature itself: argument kinds as an array or comma-separated ('Float64Array,Float64Array,i32'). */
  signature?: readonly string[] | string;
}

/** What the public layer adds: the hint's samples, the runtime's inexact Math, the function's place in its file. */
export interface ExplainContext {
  samples?: ReadonlyArray<ReadonlyArray<unknown>>;
  inexactMath?: ReadonlySet<string>;
  origin?: PlanOptions['origin'];
}

export const ARG_KINDS: readonly ArgKind[] = [
  'f64', 'i32', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array',
];

/** A signature from its text or list; a TypeError naming the bad kind otherwise. */
export function parseSignature(signature: readonly string[] | string, where = 'explain'): Signature {
  const kinds = typeof signature === 'string' ? (signature.trim() === '' ? [] : signature.split(',').map((k) => k.trim())) : signature.slice();
  for (const kind of kinds) {
    if (typeof kind !== 'string' || !(ARG_KINDS as readonly string[]).includes(kind)) {
      throw new TypeError(`${where}: unknown argument kind ${JSON.stringify(kind)} in the signature (known: ${ARG_KINDS.join(', ')})`);
    }
  }
  return kinds as ArgKind[];
}

function nameOf(fn: AnyFunction): string {
  try {
    return typeof fn.name === 'string' && fn.name !== '' ? fn.name : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function report(name: string, fields: Partial<ExplainReport>): ExplainReport {
  return { name, compiles: false, signature: null, ir: null, uops: [], codeBytes: null, reason: null, speculative: false, ...fields };
}

/** What explain() lists for a stencil the engine adds at a loop head or a backward jump target. */
export const POLL_ENTRY = 'poll (interrupt check)';

/** What explain() lists for a move the engine adds between a cached register and its frame slot. */
export function registerMoveEntry(stencil: string): string {
  // MOV_F64__m_f2 writes f2 to the frame (before an op that reads memory, or the return);
  // MOV_F64__f0_m loads f0 from it (a parameter at entry, after an op that wrote memory).
  const [, to, from] = /__([a-z0-9]+)_([a-z0-9]+)$/.exec(stencil) ?? [];
  if (to === 'm' && from) return `(register ${from} written to its slot)`;
  if (from === 'm' && to) return `(register ${to} loaded from its slot)`;
  return `(register move ${stencil})`;
}


/**
 * Pairs the printed micro-ops with the stencils the engine emitted, by the trace op each stencil
 * implements: labels emit none (nor do ops control cannot reach), and the engine adds a poll
 * where a loop can be interrupted and moves around ops that read or write a cached slot in memory
 * (each listed as its own entry).
 */
function sizeUops(uops: readonly string[], stencils: ReadonlyArray<{ uop: string; codeSize: number; traceOp: number | null }> | null): ExplainedUop[] {
  if (!stencils) return uops.map((text) => ({ uop: text, bytes: null, stencil: null }));
  const out: ExplainedUop[] = [];
  let listed = 0;
  const listUpTo = (op: number): void => {
    for (; listed <= op && listed < uops.length; listed++) out.push({ uop: uops[listed], bytes: 0, stencil: null });
  };
  // Per stencil, the next one that belongs to a micro-op (one backward pass: a big kernel has
  // thousands of register moves).
  const nextTraced = new Array<number>(stencils.length);
  for (let k = stencils.length - 1, next = -1; k >= 0; k--) {
    nextTraced[k] = next;
    if (stencils[k].traceOp !== null) next = k;
  }
  for (let k = 0; k < stencils.length; k++) {
    const s = stencils[k];
    if (s.uop === 'shim') continue;
    if (s.traceOp === null) {
      // A write to the slot comes right before the op that reads memory: after the labels before it.
      const entry = registerMoveEntry(s.uop);
      const next = nextTraced[k] >= 0 ? stencils[nextTraced[k]] : undefined;
      if (next && !isPollStencil(next.uop) && entry.endsWith('written to its slot)')) listUpTo(next.traceOp! - 1);
      out.push({ uop: entry, bytes: s.codeSize, stencil: s.uop });
    } else if (isPollStencil(s.uop)) {
      listUpTo(s.traceOp);
      out.push({ uop: POLL_ENTRY, bytes: s.codeSize, stencil: s.uop });
    } else {
      listUpTo(s.traceOp);
      Object.assign(out[out.length - 1], { bytes: s.codeSize, stencil: s.uop });
    }
  }
  listUpTo(uops.length - 1);
  return out;
}

function kindsOf(args: readonly unknown[]): Signature | undefined {
  try {
    return signatureOf(args);
  } catch {
    return undefined;
  }
}

/** The native tier's view of `fn` for one signature (see ExplainOptions for how it is chosen). Never throws for a function. */
export function explainFunction(fn: AnyFunction, options: ExplainOptions = {}, context: ExplainContext = {}): ExplainReport {
  const name = nameOf(fn);
  // A bad signature is the caller's mistake whatever the function: checked first.
  const given = options.signature !== undefined ? parseSignature(options.signature) : undefined;
  let planned: ReturnType<typeof planKernel>;
  try {
    planned = planKernel(fn, context.origin ? { origin: context.origin } : undefined);
  } catch (error) {
    return report(name, { reason: `the kernel front end failed: ${message(error)}` });
  }
  if (!planned.ok) return report(name, { reason: planned.decline.message });
  const plan = planned.plan;
  let signature: Signature | undefined;
  if (given !== undefined) signature = given;
  else if (options.args !== undefined) signature = kindsOf(options.args);
  else if (context.samples && context.samples.length > 0) signature = kindsOf(context.samples[0]);
  else signature = plan.params.map((_, i) => (plan.arrayParams.includes(i) ? 'Float64Array' : 'f64'));
  if (!signature) return report(name, { reason: 'an argument has no kind a kernel takes (numbers and typed arrays only): calls like this run the JS function' });
  const text = signature.join(', ');
  if (signature.length !== plan.params.length) {
    return report(name, { signature: text, reason: `the signature has ${signature.length} argument kinds but ${name} takes ${plan.params.length} parameters` });
  }
  let lowered: ReturnType<typeof lowerKernel>;
  try {
    // As the native tier lowers it first: speculating where that is exact.
    lowered = lowerKernel(plan, signature, { speculate: true, ...(context.inexactMath ? { inexactMath: context.inexactMath } : {}) });
  } catch (error) {
    return report(name, { signature: text, reason: `the kernel front end failed: ${message(error)}` });
  }
  if (!lowered.ok) return report(name, { signature: text, reason: lowered.decline.message });
  const { ir, uops, trace, speculative } = lowered.kernel;
  const refusal = engineRefusal();
  if (refusal) return report(name, { signature: text, ir, uops: sizeUops(uops, null), reason: `the engine cannot compile here: ${refusal}` });
  try {
    const kernel = compile(trace);
    try {
      const inspection = kernel.inspect();
      return report(name, { compiles: true, signature: text, ir, uops: sizeUops(uops, inspection.stencils), codeBytes: inspection.codeSize, speculative });
    } finally {
      kernel.free();
    }
  } catch (error) {
    return report(name, { signature: text, ir, uops: sizeUops(uops, null), reason: `the engine did not compile the trace: ${message(error)}` });
  }
}

function engineRefusal(): string | null {
  try {
    const status = engineStatus();
    if (!status.loaded) return `the addon did not load (${status.error ?? 'unknown reason'})`;
    if (!status.supported) return `the addon has no stencils for ${status.nativeArch ?? status.arch}`;
    return status.refusal ?? null;
  } catch (error) {
    return message(error);
  }
}

/** explain()'s reports as text: per function, whether it compiles, the signature, the IR and the micro-ops with their sizes, or the reason. */
export function formatExplain(reports: ExplainReport | readonly ExplainReport[]): string {
  const list = Array.isArray(reports) ? reports as readonly ExplainReport[] : [reports as ExplainReport];
  const out: string[] = [];
  for (const r of list) {
    if (out.length > 0) out.push('');
    const head = r.compiles ? 'compiles natively' : 'does not compile natively';
    out.push(`${r.name}: ${head}${r.signature !== null ? ` for (${r.signature})` : ''}`);
    if (r.reason) out.push(`  reason: ${r.reason}`);
    if (r.speculative) out.push('  speculates: int32 arithmetic checked at run time; a call whose values leave int32 runs the JS function and the signature is compiled again without speculation');
    if (r.ir) {
      out.push('  typed IR:');
      for (const line of r.ir.split('\n')) out.push(`    ${line}`);
    }
    if (r.uops.length > 0) {
      const width = Math.max(...r.uops.map((u) => u.uop.length));
      const total = r.uops.reduce((sum, u) => sum + (u.bytes ?? 0), 0);
      out.push(`  micro-ops (${r.uops.length}${r.codeBytes !== null ? `, ${total} bytes of stencils, ${r.codeBytes} bytes of code` : ''}):`);
      for (const u of r.uops) {
        const size = u.bytes === null ? '-' : `${u.bytes} B`;
        // The stencil's name only where it says more than the op's: which operands are in registers.
        const variant = u.stencil !== null && u.stencil.includes('__') && !u.uop.startsWith('(') ? `  ${u.stencil}` : '';
        out.push(`    ${u.uop.padEnd(width)}  ${size.padStart(6)}${variant}`);
      }
    }
  }
  return out.join('\n');
}
