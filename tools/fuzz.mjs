#!/usr/bin/env node
// Long-running differential fuzzing of the native engine against the reference interpreter
// (test/native/fuzz-programs.ts). Needs the compiled tests: npx tsc -p tsconfig.json
//
//   node tools/fuzz.mjs --seconds 300 --seed 1          fuzz for 5 minutes (all modes in turn)
//   node tools/fuzz.mjs --mode exact --seconds 60       one mode: exact | approx | mutate | all
//   node tools/fuzz.mjs --mode exact --replay 123456    replay one program seed (minimized on failure)
//
// Batches run in child processes, so a crash is reported with the program that caused it.
// Exit code 1 when anything failed.

import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(root, 'dist', 'test', 'native', 'fuzz-programs.js');
if (!existsSync(script)) {
  console.error(`${script} does not exist: build the tests first (npx tsc -p tsconfig.json)`);
  process.exit(2);
}

const engine = createRequire(import.meta.url)(join(root, 'dist', 'lib', 'engine.js'));
if (!engine.available()) {
  console.error(`the native engine is not available: ${engine.engineStatus().error ?? 'unsupported architecture'}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string' },
    mode: { type: 'string', default: 'all' },
    replay: { type: 'string' },
    batch: { type: 'string', default: '2000' },
  },
});
const MODES = ['exact', 'approx', 'mutate'];
const modes = values.mode === 'all' ? MODES : [values.mode];
if (!modes.every((m) => MODES.includes(m))) {
  console.error(`--mode must be one of ${[...MODES, 'all'].join(', ')}`);
  process.exit(2);
}

if (values.replay !== undefined) process.exit(replay(modes[0], Number(values.replay) >>> 0));

function replay(mode, seed) {
  const fuzz = createRequire(import.meta.url)(script);
  // Printed before running, so that a crash still leaves the program on screen.
  console.log(mode === 'mutate' ? fuzz.describeMutant(seed) : fuzz.describeCase(fuzz.generateCase(seed, mode)));
  if (mode === 'mutate') {
    const outcome = fuzz.checkMutation(seed);
    console.log(`\n${outcome.verdict}${outcome.mismatch ? `: ${JSON.stringify(outcome.mismatch)}` : ''}`);
    return outcome.mismatch ? 1 : 0;
  }
  const mismatch = fuzz.check(fuzz.generateCase(seed, mode));
  if (!mismatch) {
    console.log('\nthe engine and the reference agree');
    return 0;
  }
  console.log(`\nMISMATCH: ${JSON.stringify(mismatch)}\nminimizing...`);
  const small = fuzz.minimize(fuzz.generateCase(seed, mode), 60_000);
  console.log(`${fuzz.describeCase(small.case)}\n${JSON.stringify(small.mismatch)}`);
  return 1;
}

const baseSeed = values.seed !== undefined ? Number(values.seed) >>> 0 : randomInt(2 ** 32);
const batch = Math.max(1, Number(values.batch));
const deadline = Date.now() + Number(values.seconds) * 1000;
console.log(`fuzzing ${modes.join(', ')} for ${values.seconds} s, base seed ${baseSeed} (batches of ${batch})`);

const totals = Object.fromEntries(modes.map((m) => [m, { programs: 0, failures: 0, verdicts: {} }]));
const started = Date.now();
let failed = false;
for (let round = 0; Date.now() < deadline; round++) {
  const mode = modes[round % modes.length];
  // Each batch has its own base seed, so that any program replays from its own seed alone.
  const seed = (Math.imul(baseSeed, 31) + round) >>> 0;
  const child = spawnSync(process.execPath, [script, mode, String(seed), String(batch)], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 600_000,
  });
  let last, done;
  for (const line of child.stdout.split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line);
    if ('start' in event) last = event.start;
    else if ('done' in event) done = event;
    else if ('fail' in event) {
      failed = true;
      totals[mode].failures++;
      console.log(`\nFAIL (${mode}) ${JSON.stringify(event.fail)}\nreplay: node tools/fuzz.mjs --mode ${mode} --replay ${event.fail.seed}`);
      if (event.program) console.log(event.program);
    }
  }
  if (!done) {
    failed = true;
    totals[mode].failures++;
    console.log(`\nCRASH (${mode}): the child died (${child.signal ?? `exit ${child.status}`}) on program ${last}`);
    console.log(`replay: node tools/fuzz.mjs --mode ${mode} --replay ${last}\n${child.stderr.slice(-4000)}`);
    continue;
  }
  totals[mode].programs += done.done;
  for (const [k, v] of Object.entries(done.verdicts)) totals[mode].verdicts[k] = (totals[mode].verdicts[k] ?? 0) + v;
  const elapsed = (Date.now() - started) / 1000;
  const summary = modes.map((m) => `${m} ${totals[m].programs} (${totals[m].failures} failed)`).join(', ');
  console.log(`${elapsed.toFixed(0)} s: ${summary}`);
}
if (totals.mutate) console.log(`mutants: ${JSON.stringify(totals.mutate.verdicts)}`);
console.log(failed ? 'FAILURES found (see above)' : 'no failures');
process.exit(failed ? 1 : 0);
