// How many loop iterations one call of a benchmark kernel runs on its inputs, counted by running
// an instrumented copy: acorn finds every loop of the function's source, and a counter increment
// goes at the start of each loop body. The count is every body execution of every loop (for the
// elementwise kernels, the elements; for nested loops, the inner ones dominate), so that ns per
// call becomes ns per iteration, and at the machine's clock, cycles per iteration.

import { isNode, parseFunctionSource, type AnyNode } from '../lib/source/parse.js';
import type { KernelSpec } from './kernels/spec.js';

const LOOPS = new Set(['ForStatement', 'WhileStatement', 'DoWhileStatement', 'ForInStatement', 'ForOfStatement']);

/** The loop bodies of a function's source text, as offsets into it, outermost first. */
function loopBodies(source: string): Array<{ start: number; end: number; block: boolean }> {
  const parsed = parseFunctionSource(source);
  if (!parsed.ok) throw new Error(`the kernel's source does not parse: ${parsed.error}`);
  const { fn, cls, prefixLength } = parsed.parsed;
  const bodies: Array<{ start: number; end: number; block: boolean }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (!isNode(node)) return;
    if (LOOPS.has(node.type)) {
      const body = node.body as AnyNode;
      bodies.push({ start: body.start - prefixLength, end: body.end - prefixLength, block: body.type === 'BlockStatement' });
    }
    for (const key of Object.keys(node)) if (key !== 'type' && key !== 'start' && key !== 'end') visit(node[key]);
  };
  visit(fn ?? cls);
  return bodies;
}

/** The source of `fn` with `__iterations.n++` at the start of every loop body. */
export function instrumented(fn: (...args: never[]) => unknown): string {
  const source = Function.prototype.toString.call(fn);
  const edits: Array<{ at: number; text: string }> = [];
  for (const body of loopBodies(source)) {
    if (body.block) edits.push({ at: body.start + 1, text: ' __iterations.n++;' });
    else edits.push({ at: body.start, text: '{ __iterations.n++; ' }, { at: body.end, text: ' }' });
  }
  edits.sort((a, b) => b.at - a.at);
  let out = source;
  for (const edit of edits) out = out.slice(0, edit.at) + edit.text + out.slice(edit.at);
  return out;
}

/** Loop iterations of one call of `spec.fn` on `spec.inputs()`. */
export function countIterations(spec: KernelSpec): number {
  const counter = { n: 0 };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const copy = new Function('__iterations', `return (${instrumented(spec.fn)});`)(counter) as (...args: unknown[]) => unknown;
  copy(...spec.inputs());
  return counter.n;
}
