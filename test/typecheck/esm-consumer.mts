// The ESM typings (index.d.mts) give ESM users the same contract as the CommonJS ones.
import { explain, formatExplain, formatStats, jitFocus, jitOnce, stats, warmupAsync } from '../../dist/lib/index.mjs';
import type { ExplainReport, FlatFunctionStats, FunctionStats, HintOptions, WarmupReport } from '../../dist/lib/index.mjs';

const options: HintOptions<[number, number]> = { samples: [[1, 2]], warmup: 3 };
export const add: (a: number, b: number) => number = jitFocus((a: number, b: number) => a + b, options);
export const records: FunctionStats[] = stats();

export class EsmSupported {
  @jitFocus method(x: number): number { return x; }
  @jitOnce({ maxDeopts: 2 }) static other(): void {}
}

export class EsmRejected {
  // @ts-expect-error a field is not a method
  @jitFocus field = 1;
  // @ts-expect-error a getter is not a method
  @jitFocus get getter(): number { return 1; }
}

// @ts-expect-error unknown option
jitFocus(add, { sample: [] });

// The functions added since: the same typings through the ESM entry.
export const flatEsm: FlatFunctionStats[] = stats({ flat: true });
export const reportEsm: Promise<WarmupReport> = warmupAsync({ budgetMs: 50 });
export const tableEsm: string = formatStats({ details: true });
// @ts-expect-error maxDeopts is jitOnce's only, through the ESM entry too
jitFocus(add, { maxDeopts: 1 });
export const explainedEsm: ExplainReport = explain(add);
export const explainedEsmText: string = formatExplain(explainedEsm);
