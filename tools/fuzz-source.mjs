#!/usr/bin/env node
// The source-level differential fuzzer of the native tier (test/frontend/fuzz-*.ts): random JS
// functions in the kernel subset, run by V8 and by the native tier, compared bit for bit.
// Needs the compiled tests: npm run build:ts
//
//   node tools/fuzz-source.mjs --seed 7 --count 20000     20,000 functions of base seed 7
//   node tools/fuzz-source.mjs --seed 7 --from 123 --count 1   replay case 123 of that run
//   node tools/fuzz-source.mjs --seed 7 --count 500 --arch-note   also print what is left out here
//
// Prints progress every few seconds; for each failure the minimized function and its arguments
// (the first --minimize-count failures, default 20, each for at most --minimize-seconds, default 60;
// later ones unminimized).
// The kernels run in this process: before each case its index is on stderr when it is a terminal,
// so a crash names the case (replay it with --from). Exit code 1 when anything failed, 2 on bad use.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const campaignModule = join(root, 'dist', 'test', 'frontend', 'fuzz-campaign.js');
if (!existsSync(campaignModule)) {
  console.error(`${campaignModule} does not exist: build the tests first (npm run build:ts)`);
  process.exit(2);
}
const require = createRequire(import.meta.url);
const engine = require(join(root, 'dist', 'lib', 'engine.js'));
if (!engine.available()) {
  console.error(`the native engine is not available: ${engine.engineStatus().error ?? 'unsupported architecture'}`);
  process.exit(2);
}
const { runCampaign, summarize } = require(campaignModule);
const harness = require(join(root, 'dist', 'test', 'frontend', 'fuzz-harness.js'));

let values;
try {
  ({ values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      count: { type: 'string', default: '2000' },
      from: { type: 'string', default: '0' },
      'minimize-seconds': { type: 'string', default: '60' },
      'minimize-count': { type: 'string', default: '20' },
      'arch-note': { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(2);
}
const baseSeed = Number(values.seed) >>> 0, count = Number(values.count), from = Number(values.from);
if (!Number.isInteger(count) || count < 0 || !Number.isInteger(from) || from < 0) {
  console.error('--count and --from must be non-negative integers');
  process.exit(2);
}

console.log(`source fuzzer: base seed ${baseSeed}, cases ${from}..${from + count - 1}, ${process.arch}, Node ${process.version} (V8 ${process.versions.v8})`);
if (values['arch-note']) {
  const inexact = [...harness.inexactMath()];
  console.log(`not generated here (not bit-identical to V8 on this machine, docs/uops.md): ${inexact.length ? inexact.map((f) => (f === 'pow' ? 'Math.pow and **' : `Math.${f}`)).join(', ') : 'nothing'}`);
}

const started = Date.now();
let lastPrint = started, reported = 0;
const result = runCampaign({
  baseSeed,
  from,
  count,
  minimizeMs: Number(values['minimize-seconds']) * 1000,
  maxMinimized: Number(values['minimize-count']),
  onCase: (index) => {
    if (process.stderr.isTTY) process.stderr.write(`case ${index}\x1b[K\r`);
  },
  onProgress: (done, r) => {
    // Each failure as soon as it is minimized, so that a long run shows it at once.
    for (; reported < r.failures.length; reported++) console.log(`\nFAIL (case ${r.failures[reported].index})\n${r.failures[reported].report}\n`);
    if (Date.now() - lastPrint > 3000 || done === count) {
      lastPrint = Date.now();
      const declined = Object.values(r.declined).reduce((a, b) => a + b, 0);
      console.log(`${((Date.now() - started) / 1000).toFixed(0)} s: ${done}/${count} cases, ${r.matched} matched, ${declined} declined, ${r.nearMissesDeclined} near misses declined, ${r.failures.length} failed`);
    }
  },
});
console.log(`\n${summarize(result)}`);
console.log(result.failures.length ? 'FAILURES found (see above)' : 'no failures');
process.exit(result.failures.length ? 1 : 0);
