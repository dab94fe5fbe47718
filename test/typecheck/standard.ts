// Typings under TC39 standard decorators: every supported form compiles, every unsupported one is
// rejected (each @ts-expect-error must be needed, or tsc fails with TS2578).
import { explain, formatExplain, formatStats, jitFocus, jitIgnore, jitOnce, stats, warmup, warmupAsync } from '../../dist/lib/index.js';
import type { ExplainReport, FlatFunctionStats, FunctionStats, NativeRecord, WarmupReport } from '../../dist/lib/index.js';

const add = (a: number, b: number): number => a + b;
export const focused: (a: number, b: number) => number = jitFocus(add);
export const withOptions: (a: number, b: number) => number = jitOnce(add, { maxDeopts: 2, samples: [[1, 2]] });
export const ignored: typeof add = jitIgnore(add);

export class Supported {
  @jitFocus instance(x: number): number { return x; }
  @jitIgnore static staticMethod(x: string): string { return x; }
  @jitOnce #secret(): number { return 1; }
  @jitFocus() emptyFactory(): void {}
  @jitFocus({ warmup: 5, profile: true }) withOptions(x: number): number { return x * 2; }
  @jitOnce({ maxDeopts: 1 }) static async asyncStatic(): Promise<number> { return this.name.length; }
  @jitIgnore *generator(): Generator<number> { yield 1; }
  useSecret(): number { return this.#secret(); }
}

export class Rejected {
  // @ts-expect-error a field is not a function
  @jitFocus field = 1;
  // @ts-expect-error a field holding a function is still a field
  @jitFocus arrowField = (): number => 1;
  // @ts-expect-error a field typed any is still a field
  @jitIgnore anyField: any = 1;
  // @ts-expect-error a field without initializer is still a field
  @jitOnce laterField?: () => void;
  // @ts-expect-error the factory's decorator rejects fields too
  @jitOnce({ maxDeopts: 1 }) optionsField = 2;
  // @ts-expect-error a getter is not a method
  @jitFocus get getter(): number { return 1; }
  // @ts-expect-error the factory's decorator rejects getters too
  @jitIgnore() get otherGetter(): number { return 1; }
  // @ts-expect-error a setter is not a method
  @jitFocus set setter(v: number) { void v; }
  // @ts-expect-error an auto-accessor is not a method
  @jitFocus accessor auto = 1;
}

// @ts-expect-error a class is not a method
@jitFocus class RejectedClass {}
void RejectedClass;

// @ts-expect-error not a function
jitFocus(42);
// @ts-expect-error unknown option
jitFocus(add, { sample: [[1, 2]] });
// @ts-expect-error wrong option type
jitFocus(add, { warmup: 'many' });
// @ts-expect-error unknown tier
jitFocus(add, { tier: 'fast' });
// @ts-expect-error extra argument
jitFocus(add, {}, 3);

// maxDeopts is jitOnce's option only.
jitOnce(add, { maxDeopts: 2 });
// @ts-expect-error maxDeopts on jitFocus
jitFocus(add, { maxDeopts: 2 });
// @ts-expect-error maxDeopts on jitIgnore
jitIgnore(add, { maxDeopts: 2 });
export class MaxDeoptsOnDecorators {
  @jitOnce({ maxDeopts: 2 }) once(): void {}
  // @ts-expect-error maxDeopts on the jitFocus factory
  @jitFocus({ maxDeopts: 2 }) focus(): void {}
  // @ts-expect-error maxDeopts on the jitIgnore factory
  @jitIgnore({ maxDeopts: 2 }) ignore(): void {}
}

// Samples are checked against the parameters of a plain function.
const scale = (xs: Float64Array, factor: number, label?: string): number => xs.length * factor + (label?.length ?? 0);
jitFocus(scale, { samples: [[new Float64Array(4), 2], [new Float64Array(4), 2, 'x']] });
jitFocus(scale, { samples: [[new Float64Array(4), 2]] as const });
jitOnce(scale, { samples: [[new Float64Array(4), 2]], maxDeopts: 1 });
// @ts-expect-error a sample argument of the wrong type
jitFocus(scale, { samples: [[new Float64Array(4), '2']] });
// @ts-expect-error a sample with too few arguments
jitFocus(scale, { samples: [[new Float64Array(4)]] });
// @ts-expect-error a sample with too many arguments
jitFocus(add, { samples: [[1, 2, 3]] });
// @ts-expect-error a sample that is not an argument list
jitFocus(add, { samples: [1, 2] });
// @ts-expect-error the samples of jitOnce are checked too
jitOnce(add, { samples: [['1', 2]] });

// name: the name stats() shows.
export const named = jitFocus((x: number) => x, { name: 'identity' });
// @ts-expect-error a name is a string
jitFocus(add, { name: 42 });
export class NamedMethod {
  @jitFocus({ name: 'fast path' }) method(): void {}
}

// stats(), formatStats(), warmup() and warmupAsync() options.
export const flatRows: FlatFunctionStats[] = stats({ flat: true });
export const fullRecords: FunctionStats[] = stats();
export const table: string = formatStats(stats().filter((s) => s.deopts > 0), { details: true });
export const everything: string = formatStats({ details: true });
export const report: WarmupReport = warmup({ budgetMs: 100, onProgress: (p) => { void p.function.name; } });
export const later: Promise<WarmupReport> = warmupAsync({ budgetMs: 100, sliceMs: 5, onProgress: ({ done, total }) => { void (done / total); } });
// @ts-expect-error flat rows are not full records
export const notFull: FunctionStats[] = stats({ flat: true });
// @ts-expect-error sliceMs is warmupAsync's: warmup() runs each function in one go
warmup({ sliceMs: 5 });
// @ts-expect-error the budget is a number of milliseconds
warmup({ budgetMs: '100' });
// @ts-expect-error formatStats takes records or options, then options
formatStats({ details: true }, { details: true });

// explain() and formatExplain(): the native tier's report; stats().native.
export const explained: ExplainReport = explain(add, { signature: 'f64,f64' });
export const explainedArgs: ExplainReport = explain(add, { args: [1, 2], signature: ['f64', 'i32'] });
export const explainedText: string = formatExplain([explained, explainedArgs]);
export const nativeRecord: NativeRecord | null = stats()[0]?.native ?? null;
export const nativeChoice: 'native' | 'v8' | 'pending' | null = stats({ flat: true })[0]?.nativeChoice ?? null;
// @ts-expect-error explain's options are args and signature
explain(add, { sig: 'f64' });
