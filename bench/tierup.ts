// Calls until TurboFan, hinted against unhinted, on the Node running it; plus the measurements that
// decided how jitFocus asks V8 to optimize (eager, on next call, concurrent) and how many warm-up
// calls it makes. Run with each Node: tools/node-matrix.sh --with-system --run dist/bench/tierup.js
// Under --jitless it measures instead what a warm-up buys without a JIT.

import { configure, jitFocus } from '../lib/index.js';
import { detect } from '../lib/router/detect.js';
import { median, natives, now, runtimeLabel, table, isTurbofan } from './natives.js';

type Args = unknown[];
interface Kernel {
  name: string;
  params: string;
  body: string;
  /** Arguments of real call i (same types every call, different values). */
  args: (i: number) => Args;
}

const KERNELS: Kernel[] = [
  { name: 'add', params: 'a, b', body: 'return a + b', args: (i) => [i, i + 1] },
  {
    name: 'dot (loop)', params: 'xs, ys, n',
    body: 'let s = 0; for (let i = 0; i < n; i++) s += xs[i] * ys[i]; return s',
    args: (i) => { const xs = new Float64Array(64).fill(i * 0.5); return [xs, xs, 64]; },
  },
  {
    name: 'norm (objects)', params: 'p',
    body: 'return Math.sqrt(p.x * p.x + p.y * p.y) + p.label.length',
    args: (i) => [{ x: i, y: i + 1, label: `p${i & 15}` }],
  },
  {
    name: 'classify (branches)', params: 'k, v',
    body: Array.from({ length: 12 }, (_, j) => `if (k === ${j}) return v * ${j + 1};`).join(' ') + ' return -v',
    args: (i) => [i % 13, i * 0.25],
  },
];

const UNHINTED_CAP = 2_000_000;
const REPEATS = 5;
let serial = 0;

function fresh(kernel: Kernel): (...args: Args) => unknown {
  return new Function(kernel.params, `${kernel.body} /* tierup ${++serial} */`) as (...args: Args) => unknown;
}

/** Samples covering the kernel's real inputs: a few of its real calls. */
function samplesOf(kernel: Kernel): Args[] {
  return [0, 1, 2, 3, 5, 8, 12].map((i) => kernel.args(i));
}

/** Real calls until `observed` is TurboFan (0: already before the first), capped. */
function callsUntilTurbofan(call: (...args: Args) => unknown, observed: unknown, kernel: Kernel): number {
  let calls = 0;
  while (!isTurbofan(observed) && calls < UNHINTED_CAP) call(...kernel.args(calls++));
  return calls;
}

function spread(xs: number[]): string {
  return `${median(xs)} (${Math.min(...xs)}-${Math.max(...xs)})`;
}

function tierUp(): string {
  const rows: Array<Array<string | number>> = [];
  for (const kernel of KERNELS) {
    const unhinted: number[] = [];
    const unhintedMs: number[] = [];
    const withSamples: number[] = [];
    const decorationMs: number[] = [];
    const firstCalls: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const plain = fresh(kernel);
      const t0 = now();
      unhinted.push(callsUntilTurbofan(plain, plain, kernel));
      unhintedMs.push(now() - t0);

      const focused = fresh(kernel);
      const t1 = now();
      const hinted = jitFocus(focused, { samples: samplesOf(kernel) });
      decorationMs.push(now() - t1);
      withSamples.push(callsUntilTurbofan(hinted, focused, kernel));

      const lazy = fresh(kernel);
      firstCalls.push(callsUntilTurbofan(jitFocus(lazy), lazy, kernel));
    }
    rows.push([
      kernel.name, spread(unhinted), `${median(unhintedMs).toFixed(1)}`,
      spread(withSamples), `${median(decorationMs).toFixed(2)}`, spread(firstCalls),
    ]);
  }
  return table(
    ['kernel', 'unhinted: calls to TurboFan, median (min-max)', 'unhinted ms', 'jitFocus + samples: real calls to TurboFan',
      'jitFocus decoration ms', 'jitFocus, no samples: real calls to TurboFan'],
    rows,
  );
}

/** Raw V8: Prepare, n feedback calls, then the request; does it take, and does it stay? */
function warmupCalls(): string {
  const counts = [1, 2, 3, 5, 10, 20, 50];
  const rows: Array<Array<string | number>> = [];
  const eager = natives.OptimizeTurbofanEager;
  for (const kernel of KERNELS) {
    const row: Array<string | number> = [kernel.name];
    for (const n of counts) {
      let took = 0;
      let stayed = 0;
      for (let r = 0; r < REPEATS; r++) {
        const fn = fresh(kernel);
        natives.PrepareFunctionForOptimization?.(fn);
        for (let i = 0; i < n; i++) fn(...kernel.args(i));
        if (eager) {
          eager(fn);
        } else {
          natives.OptimizeFunctionOnNextCall?.(fn);
          fn(...kernel.args(n));
        }
        if (isTurbofan(fn)) took++;
        for (let i = 0; i < 1000; i++) fn(...kernel.args(i * 7 + 100));
        if (isTurbofan(fn)) stayed++;
      }
      row.push(`${took}/${REPEATS}, ${stayed}/${REPEATS}`);
    }
    rows.push(row);
  }
  return table(['kernel', ...counts.map((n) => `${n} call${n > 1 ? 's' : ''}: TurboFan / still after 1,000`)], rows);
}

/** Raw V8: each way of asking for optimization, after 5 feedback calls. */
function requestModes(): string {
  const modes: Array<[string, ((fn: unknown) => unknown) | undefined, boolean]> = [
    ['eager (%OptimizeTurbofanEager)', natives.OptimizeTurbofanEager, false],
    ['on next call (sync)', natives.OptimizeFunctionOnNextCall, true],
    ['on next call, concurrent', natives.OptimizeConcurrent, true],
  ];
  const rows: Array<Array<string | number>> = [];
  for (const [label, request, needsCall] of modes) {
    if (!request) {
      rows.push([label, 'not on this V8', '-', '-']);
      continue;
    }
    const ms: number[] = [];
    const calls: number[] = [];
    const waited: number[] = [];
    for (const kernel of KERNELS) {
      for (let r = 0; r < REPEATS; r++) {
        const fn = fresh(kernel);
        natives.PrepareFunctionForOptimization?.(fn);
        for (let i = 0; i < 5; i++) fn(...kernel.args(i));
        const t0 = now();
        request(fn);
        if (needsCall) fn(...kernel.args(5));
        ms.push(now() - t0);
        const t1 = now();
        calls.push(callsUntilTurbofan(fn, fn, kernel));
        waited.push(now() - t1);
      }
    }
    rows.push([label, median(ms).toFixed(3), spread(calls), median(waited).toFixed(3)]);
  }
  return table(['request', 'request (+ the call that compiles) ms, median', 'further calls until TurboFan', 'ms spent in those calls'], rows);
}

/** Without a JIT: does a warm-up make the first real calls faster? */
function jitless(): string {
  configure({ mode: 'warmup' });
  const rows: Array<Array<string | number>> = [];
  for (const kernel of KERNELS) {
    const first: Record<string, number[]> = { plain: [], warmed: [] };
    const thousand: Record<string, number[]> = { plain: [], warmed: [] };
    const cost: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      for (const variant of ['plain', 'warmed'] as const) {
        let fn = fresh(kernel);
        if (variant === 'warmed') {
          const t = now();
          fn = jitFocus(fn, { samples: samplesOf(kernel) });
          cost.push(now() - t);
        }
        const t0 = now();
        fn(...kernel.args(0));
        first[variant].push((now() - t0) * 1000);
        const t1 = now();
        for (let i = 1; i <= 1000; i++) fn(...kernel.args(i));
        thousand[variant].push(now() - t1);
      }
    }
    rows.push([kernel.name, median(first.plain).toFixed(1), median(first.warmed).toFixed(1),
      median(thousand.plain).toFixed(3), median(thousand.warmed).toFixed(3), median(cost).toFixed(3)]);
  }
  configure({ mode: 'auto' });
  return table(['kernel', 'first call us, plain', 'first call us, after warm-up', '1,000 calls ms, plain',
    '1,000 calls ms, after warm-up', 'warm-up cost ms'], rows);
}

function main(): void {
  const d = detect();
  const out: string[] = [`### tierup: ${runtimeLabel()}${d.jitless ? ', --jitless' : ''}`, ''];
  if (d.jitless) {
    out.push('Without a JIT (warm-up forced with mode \'warmup\'):', '', jitless());
  } else {
    out.push(`jitctl optimizes with: ${d.optimizeMode}; Maglev ${d.maglev ? 'on' : 'off'}.`, '');
    out.push('Calls until TurboFan (5 fresh functions each):', '', tierUp(), '');
    out.push('Warm-up calls before the request (raw V8, 5 functions each): request took / still TurboFan after 1,000 varied real calls:', '', warmupCalls(), '');
    out.push('Ways to request optimization (raw V8, 5 feedback calls first, 4 kernels x 5):', '', requestModes());
  }
  console.log(out.join('\n'));
}

main();
