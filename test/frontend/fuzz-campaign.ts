// A run of the source fuzzer: cases `from .. from + count - 1` of one base seed, each compared by
// the harness; failures minimized. Shared by the mocha test and tools/fuzz-source.mjs.

import { describeCase, generateCase, generatorOptions, runCase, type FuzzCase, type NativeSide, type Outcome } from './fuzz-harness.js';
import { minimize } from './fuzz-minimize.js';

export interface CampaignFailure {
  readonly index: number;
  readonly seed: number;
  /** What failed: 'mismatch', 'an internal error', 'the kernel threw', ... */
  readonly what: string;
  /** The minimized case, printed: its source, its arguments, what differs. */
  readonly report: string;
  readonly original: string;
}

export interface CampaignResult {
  cases: number;
  matched: number;
  /** In-subset functions that declined, by step and reason: findings for the front end, not failures. */
  declined: Record<string, number>;
  nearMissesDeclined: number;
  /** Cases where V8's interpreter and its optimized code disagreed (beyond NaN bits). */
  v8TiersDisagree: number;
  failures: CampaignFailure[];
}

export interface CampaignOptions {
  baseSeed: number;
  from?: number;
  count: number;
  native?: NativeSide;
  /** Milliseconds the minimizer may spend on each failure. */
  minimizeMs?: number;
  /** Stop minimizing (and report only) after this many failures. */
  maxMinimized?: number;
  onProgress?: (done: number, result: CampaignResult) => void;
  /** Called before each case runs (a crash then names it). */
  onCase?: (index: number, c: FuzzCase) => void;
}

export function runCampaign(options: CampaignOptions): CampaignResult {
  const result: CampaignResult = { cases: 0, matched: 0, declined: {}, nearMissesDeclined: 0, v8TiersDisagree: 0, failures: [] };
  const generator = generatorOptions(), from = options.from ?? 0;
  for (let index = from; index < from + options.count; index++) {
    const c = generateCase(options.baseSeed, index, generator);
    options.onCase?.(index, c);
    let outcome: Outcome;
    try {
      outcome = runCase(c, options.native);
    } catch (error) {
      outcome = { kind: 'failure', what: 'the harness threw', detail: String(error) };
    }
    result.cases++;
    if (outcome.kind === 'match') {
      result.matched++;
      if (outcome.v8TiersDisagree) result.v8TiersDisagree++;
    } else if (outcome.kind === 'declined') {
      if (c.nearMiss !== undefined) result.nearMissesDeclined++;
      else result.declined[outcome.reason] = (result.declined[outcome.reason] ?? 0) + 1;
    } else {
      const original = describeCase(c, outcome);
      let report = original;
      if (result.failures.length < (options.maxMinimized ?? 5)) {
        const small = minimize(c, outcome, options.native, options.minimizeMs ?? 30_000);
        report = `${describeCase(small.case, small.outcome)}\n(minimized in ${small.attempts} attempts; replay: --seed ${options.baseSeed} --from ${index} --count 1)`;
      }
      result.failures.push({ index, seed: c.seed, what: outcome.what, report, original });
    }
    options.onProgress?.(index - from + 1, result);
  }
  return result;
}

/** The counts in a few lines (what the test and the CLI print at the end). */
export function summarize(r: CampaignResult): string {
  const declined = Object.entries(r.declined).sort((a, b) => b[1] - a[1]);
  const inSubsetDeclined = declined.reduce((n, [, k]) => n + k, 0);
  const failed = new Map<string, number>();
  for (const f of r.failures) failed.set(f.what, (failed.get(f.what) ?? 0) + 1);
  return [
    `${r.cases} cases: ${r.matched} matched V8 bit for bit, ${r.failures.length} failed, ${r.nearMissesDeclined} near misses declined, ` +
      `${inSubsetDeclined} in-subset functions declined, V8's tiers disagreed on ${r.v8TiersDisagree}`,
    ...[...failed].map(([what, n]) => `  failed ${n}x: ${what}`),
    ...declined.slice(0, 12).map(([reason, n]) => `  declined ${n}x: ${reason}`),
  ].join('\n');
}
