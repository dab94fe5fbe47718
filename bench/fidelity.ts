// Does jitFocus keep its promise on the corpus (bench/corpus.ts)? For each shape, hinted with its
// one sample at decoration: is the function in TurboFan before its first real call, right after
// it, and after 100 real calls, made either in one synchronous burst or one per event-loop turn
// (as a service's requests arrive)? Counts, not times: the tier is V8's own answer
// (%ActiveTierIsTurbofan, through the benchmark's own probe).
//   node dist/bench/fidelity.js [--json]
//   tools/node-matrix.sh --with-system --run dist/bench/fidelity.js

import { jitFocus, stats } from '../lib/index.js';
import { SHAPES, compileShape, realCall, type Shape } from './corpus.js';
import { isTurbofan, runtimeLabel, table } from './natives.js';

export interface Outcome {
  shape: string;
  before: boolean;
  afterFirst: boolean;
  after100: boolean;
  /** What stats() says at the end. */
  observed: string;
  deopts: number;
  compiles: number;
  warnings: string[];
}

// A request every millisecond or so: the spacing of a busy service's requests, not of a tight loop.
const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export async function measure(shape: Shape, spread: boolean): Promise<Outcome> {
  const fn = compileShape(shape, spread ? 'spread' : 'burst');
  const receiver = shape.receiver?.();
  const focused = jitFocus(fn, { samples: [shape.sample()], thisArg: receiver });
  const before = isTurbofan(fn);
  realCall(shape, focused, receiver, 0);
  const afterFirst = isTurbofan(fn);
  for (let i = 1; i < 100; i++) {
    if (spread) await turn();
    realCall(shape, focused, receiver, i);
  }
  if (spread) await turn();
  const after100 = isTurbofan(fn);
  const record = stats().filter((s) => s.name === shape.name).pop();
  return {
    shape: shape.name, before, afterFirst, after100,
    observed: record?.observedTier ?? '?', deopts: record?.deopts ?? -1, compiles: record?.compiles ?? -1,
    warnings: record?.warnings ?? [],
  };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const results: Record<string, Outcome[]> = { burst: [], spread: [] };
  for (const mode of ['burst', 'spread'] as const) {
    for (const shape of SHAPES) results[mode].push(await measure(shape, mode === 'spread'));
  }
  if (json) {
    console.log(JSON.stringify({ node: process.version, results }));
    return;
  }
  const mark = (b: boolean) => (b ? 'TF' : '-');
  const out = [`### fidelity: ${runtimeLabel()}`, ''];
  for (const mode of ['burst', 'spread'] as const) {
    const rows = results[mode].map((o) => [o.shape, mark(o.before), mark(o.afterFirst), mark(o.after100), o.observed, o.deopts, o.compiles]);
    const all = results[mode].filter((o) => o.before && o.afterFirst && o.after100).length;
    out.push(`${mode === 'burst' ? '100 calls in one synchronous burst' : '100 calls, one per event-loop turn'}: ` +
      `${all}/${SHAPES.length} in TurboFan before, after the first and after 100 calls`, '',
      table(['shape', 'before', 'after 1st', 'after 100', 'stats() observed', 'deopts', 'compiles'], rows), '');
  }
  console.log(out.join('\n'));
}

if (require.main === module) void main();
