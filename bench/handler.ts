// What jitFocus buys end to end: a realistic request handler (parse a query string and a JSON
// body, compute a price with a discount ladder, format a response line), hinted with jitFocus and
// one sample request each and with samples covering the traffic, against the same code unhinted. Each variant runs in a fresh process:
// the time of the first 1,000 and the first 10,000 requests (the warm-up at decoration is timed
// separately and counted in "first 1,000 incl. hinting"), then steady-state throughput over
// 200,000 more. Requests arrive in batches of 100 per event-loop turn, so that jitctl's
// between-turns watch can act as it would in a service.
//   node dist/bench/handler.js            both variants, RUNS runs each, medians and ratios
//   node dist/bench/handler.js --child V  one run of variant V (internal)

import { spawnSync } from 'node:child_process';
import { jitFocus } from '../lib/index.js';
import { median, now, runtimeLabel, table } from './natives.js';

const RUNS = 7;
const BATCH = 100;

interface Request { query: string; body: string }
interface Item { sku: string; price: number; qty: number }

function makeRequest(i: number): Request {
  const items: Item[] = [];
  for (let k = 0; k < 1 + (i % 4); k++) items.push({ sku: `sku-${(i * 7 + k) % 500}`, price: 3.5 + ((i + k) % 17) * 1.25, qty: 1 + ((i + k) % 3) });
  return {
    query: `user=u${i % 1000}&currency=${i % 3 === 0 ? 'EUR' : 'USD'}&tier=${['gold', 'silver', 'basic'][i % 3]}&debug`,
    body: JSON.stringify({ id: i, items, coupon: i % 5 === 0 ? 'SAVE10' : null }),
  };
}

// The handler's parts, written as a service would write them.
function parseQuery(qs: string): Record<string, string> {
  const out: Record<string, string> = {};
  const parts = qs.split('&');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const eq = p.indexOf('=');
    if (eq < 0) out[p] = '';
    else out[p.slice(0, eq)] = decodeURIComponent(p.slice(eq + 1));
  }
  return out;
}

function discount(total: number, tier: string, coupon: string | null): number {
  let pct = 0;
  if (tier === 'gold') pct = 15;
  else if (tier === 'silver') pct = 8;
  else if (total > 100) pct = 5;
  if (coupon === 'SAVE10') pct += 10;
  return total * (1 - pct / 100);
}

function priceOrder(order: { items: Item[]; coupon: string | null }, tier: string): number {
  let total = 0;
  for (let i = 0; i < order.items.length; i++) total += order.items[i].price * order.items[i].qty;
  return Math.round(discount(total, tier, order.coupon) * 100) / 100;
}

function formatResponse(id: number, user: string, amount: number, currency: string): string {
  const symbol = currency === 'EUR' ? '\u20ac' : '$';
  return `{"id":${id},"user":"${user}","amount":"${symbol}${amount.toFixed(2)}","ok":true}`;
}

function handle(req: Request, p: typeof parts): string {
  const q = p.parseQuery(req.query);
  const order = JSON.parse(req.body) as { id: number; items: Item[]; coupon: string | null };
  const amount = p.priceOrder(order, q.tier);
  return p.formatResponse(order.id, q.user, amount, q.currency);
}

const parts = { parseQuery, priceOrder, formatResponse, discount };

/** One sample per function (what a user writes first), or samples covering the traffic's branches. */
function hinted(covering: boolean): typeof parts {
  const requests = covering ? [0, 1, 2, 5, 10] .map((i) => makeRequest(100_000 + i)) : [makeRequest(1)];
  const orders = requests.map((r) => JSON.parse(r.body) as { items: Item[]; coupon: string | null });
  const tiers = covering ? ['gold', 'silver', 'basic'] : ['silver'];
  return {
    parseQuery: jitFocus(parseQuery, { samples: requests.map((r) => [r.query]) }),
    discount: jitFocus(discount, {
      samples: covering ? [[42.5, 'gold', null], [12.25, 'silver', 'SAVE10'], [150.5, 'basic', null], [20, 'basic', 'SAVE10']] : [[42.5, 'gold', null]],
    }),
    priceOrder: jitFocus(priceOrder, { samples: orders.map((o, i) => [o, tiers[i % tiers.length]]) }),
    formatResponse: jitFocus(formatResponse, {
      samples: covering ? [[1, 'u1', 12.5, 'USD'], [2, 'u2', 7.25, 'EUR']] : [[1, 'u1', 12.5, 'USD']],
    }),
  };
}

async function child(variant: string): Promise<void> {
  const requests = Array.from({ length: 1000 }, (_, i) => makeRequest(i + 2));
  const t0 = now();
  const p = variant === 'unhinted' ? parts : hinted(variant !== 'jitFocus');
  const hintMs = now() - t0;
  let sink = 0;
  const t1 = now();
  let first1k = 0;
  for (let i = 0; i < 10_000; i += BATCH) {
    for (let k = 0; k < BATCH; k++) sink += handle(requests[(i + k) % 1000], p).length;
    if (i + BATCH === 1000) first1k = now() - t1;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const first10k = now() - t1;
  const STEADY = 200_000;
  const t2 = now();
  for (let i = 0; i < STEADY; i += BATCH) {
    for (let k = 0; k < BATCH; k++) sink += handle(requests[(i + k) % 1000], p).length;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const steadyMs = now() - t2;
  console.log(JSON.stringify({ hintMs, first1k, first10k, perSecond: STEADY / (steadyMs / 1000), sink: sink > 0 }));
}

interface Run { hintMs: number; first1k: number; first10k: number; perSecond: number }

function runChild(variant: string): Run {
  const r = spawnSync(process.execPath, [__filename, '--child', variant], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`handler child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Run;
}

function main(): void {
  const VARIANTS = ['unhinted', 'jitFocus', 'jitFocus, covering samples'];
  const runs: Record<string, Run[]> = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  // Interleaved, so that every variant sees the same machine load.
  for (let i = 0; i < RUNS; i++) for (const v of VARIANTS) runs[v].push(runChild(v));
  const m = (v: string, k: keyof Run) => median(runs[v].map((r) => r[k]));
  const rows = VARIANTS.map((v) => [
    v, m(v, 'hintMs').toFixed(2), m(v, 'first1k').toFixed(1), (m(v, 'hintMs') + m(v, 'first1k')).toFixed(1),
    m(v, 'first10k').toFixed(1), Math.round(m(v, 'perSecond')).toLocaleString('en-US'),
  ]);
  const ratio = (v: string, k: keyof Run) => (m(v, k) / m('unhinted', k)).toFixed(2);
  const ratios = VARIANTS.slice(1).map((v) => `${v} / unhinted: first 1,000 ${ratio(v, 'first1k')}x ` +
    `(${((m(v, 'hintMs') + m(v, 'first1k')) / m('unhinted', 'first1k')).toFixed(2)}x incl. hinting), first 10,000 ` +
    `${ratio(v, 'first10k')}x, steady throughput ${ratio(v, 'perSecond')}x`);
  console.log([`### handler: ${runtimeLabel()}`, '',
    `Median of ${RUNS} runs per variant (fresh process each, interleaved); times in ms.`, '',
    table(['variant', 'hinting', 'first 1,000', 'first 1,000 incl. hinting', 'first 10,000', 'steady req/s'], rows), '',
    ...ratios,
  ].join('\n'));
}

if (process.argv[2] === '--child') void child(process.argv[3]);
else main();
