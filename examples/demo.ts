// A small pricing service that uses all three hints, then prints what jitctl did.
// Run from a fresh clone: `npm ci && npm run demo` (set JITCTL_PROFILE=1 to see timings, JITCTL=off to compare).
import { explain, formatExplain, jitFocus, jitIgnore, jitOnce, stats, formatStats, warmup } from '../lib/index';

interface Quote { sku: string; unitCents: number; qty: number }

// Hot numeric kernel: a weighted sum over two columns. It is in the native tier's subset (numbers and
// typed arrays), so jitctl compiles it to machine code for the samples' argument kinds at once.
const weights = Float64Array.from({ length: 4096 }, (_, i) => 1 + (i % 7) / 10);
const prices = Float64Array.from({ length: 4096 }, (_, i) => 100 + ((i * 37) % 1000));
const weightedSum = jitFocus(
  function weightedSum(a: Float64Array, b: Float64Array, n: number): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += a[i] * b[i];
    return total;
  },
  { samples: [[weights, prices, 64]], profile: true },
);

class PricingService {
  private readonly audit: string[] = [];

  // Hot and monomorphic: warmed up before traffic by warmup() below.
  @jitFocus({ when: 'manual', samples: [[{ sku: 'a', unitCents: 250, qty: 3 }]], profile: true })
  lineTotal(q: Quote): number {
    const gross = q.unitCents * q.qty;
    return q.qty >= 10 ? Math.round(gross * 0.95) : gross;
  }

  // Side effects and rarely called: never spend optimization on it.
  @jitIgnore
  record(message: string): void {
    this.audit.push(`${new Date(0).toISOString()} ${message}`);
  }

  // Sees many argument types: optimize it, but do not re-specialize forever.
  @jitOnce({ maxDeopts: 3, profile: true })
  describe(value: unknown): string {
    if (typeof value === 'number') return value.toFixed(2);
    if (typeof value === 'string') return value.toUpperCase();
    if (Array.isArray(value)) return `[${value.length} items]`;
    return JSON.stringify(value) ?? String(value);
  }

  auditSize(): number { return this.audit.length; }
}

const service = new PricingService();
const report = warmup(); // what a service calls before it takes traffic
console.log(`warm-up before traffic: ${report.functions.map((f) => f.name).join(', ')}: ` +
  `${report.calls} calls in ${report.ms.toFixed(2)} ms, ${report.failed} failed`);

let cents = 0;
for (let i = 0; i < 200_000; i++) {
  cents += service.lineTotal({ sku: `s${i % 50}`, unitCents: 100 + (i % 400), qty: 1 + (i % 20) });
  if (i % 50_000 === 0) service.record(`checkpoint ${i}`);
}
let checksum = 0;
for (let i = 0; i < 2_000; i++) checksum += weightedSum(weights, prices, weights.length);
const shapes: unknown[] = [1.5, 'eur', [1, 2], { a: 1 }, null, 7n.toString(), true];
let described = 0;
for (let i = 0; i < 50_000; i++) described += service.describe(shapes[i % shapes.length]).length;

console.log(`total ${cents} cents, checksum ${checksum.toFixed(1)}, ${described} chars described, ` +
  `${service.auditSize()} audit lines`);
console.log();
console.log(formatStats());
console.log();
console.log(`${stats().length} hinted functions; set JITCTL=off to run the same code with every hint a no-op.`);

// What the native tier made of the kernel (also: npx jitctl explain <file>).
const kernel = stats().find((s) => s.name === 'weightedSum');
console.log();
if (kernel?.tier === 'native') {
  console.log(formatExplain(explain(weightedSum)));
} else {
  // No addon for this platform, --jitless, or JITCTL=off: the kernel ran on another tier.
  console.log(`weightedSum runs on the ${kernel?.tier ?? 'unknown'} tier here, not natively: ` +
    `${kernel?.fallbacks.find((f) => f.startsWith('native')) ?? kernel?.reason ?? 'no record'}`);
}
