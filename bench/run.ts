// Runs every benchmark in bench/ with the Node running this script and prints their tables:
//   npm run bench                                             this Node
//   tools/node-matrix.sh --with-system --run dist/bench/run.js   Node 20, 22, 24, 26
// Each benchmark runs in its own process so that one's JIT state cannot leak into another's.
// tierup runs twice: normally, and under --jitless (what a warm-up buys without a JIT).

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

// Not benchmarks: this runner, the shared helpers and the corpus (data for fidelity.ts and the tests);
// kernel-*.js are the parts of kernels.js (its measuring process, chart, report).
const HELPERS = new Set(['run.js', 'natives.js', 'corpus.js']);
const FIRST = ['tierup.js', 'overhead.js', 'churn.js'];
const found = readdirSync(__dirname).filter((f) => f.endsWith('.js') && !HELPERS.has(f) && !f.startsWith('kernel-'));
const ordered = [...FIRST.filter((f) => found.includes(f)), ...found.filter((f) => !FIRST.includes(f)).sort()];
const BENCHMARKS: Array<{ file: string; execArgv: string[] }> = ordered.flatMap((file) =>
  file === 'tierup.js' ? [{ file, execArgv: [] }, { file, execArgv: ['--jitless'] }] : [{ file, execArgv: [] }]);

let failed = 0;
for (const { file, execArgv } of BENCHMARKS) {
  const script = path.join(__dirname, file);
  if (!existsSync(script)) {
    console.log(`(${file}: not built)\n`);
    continue;
  }
  const r = spawnSync(process.execPath, [...execArgv, script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(r.stdout);
  if (r.status !== 0) {
    failed++;
    console.log(`${file} ${execArgv.join(' ')} failed (status ${r.status}, signal ${r.signal}):\n${r.stderr}`);
  }
  console.log('');
}
process.exitCode = failed > 0 ? 1 : 0;
