// The addon is context-aware: each worker thread loads it with an engine of its own and compiles
// and runs kernels at the same time as the others.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const ENGINE = join(__dirname, '..', '..', 'lib', 'engine.js');

// Each worker compiles `count` kernels x -> x * k + w and checks every result.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { compile, engineStats, TraceBuilder } = require(workerData.engine);
let wrong = 0;
const kernels = [];
for (let i = 0; i < workerData.count; i++) {
  const b = new TraceBuilder();
  const x = b.slot('f64'), c = b.slot('f64'), w = b.slot('f64'), r = b.slot('f64');
  b.param(x).returns(r).op('CONST_F64', c, i).op('CONST_F64', w, workerData.id)
   .op('MUL_F64', r, x, c).op('ADD_F64', r, r, w).op('RETURN');
  const k = compile(b);
  kernels.push(k);
  if (k.call(3) !== 3 * i + workerData.id) wrong++;
}
for (let i = 0; i < kernels.length; i++) if (kernels[i].call(3) !== 3 * i + workerData.id) wrong++;
parentPort.postMessage({ wrong, live: engineStats().liveKernels });
`;

// Run in a child process, so that an abort fails the test instead of killing mocha: workers that
// call a kernel in a tight loop are terminated after a random delay, most of them inside call().
const CALL_FOREVER = `
const { compile, TraceBuilder } = require(${JSON.stringify(ENGINE)});
const b = new TraceBuilder();
const x = b.slot('f64'), y = b.slot('f64');
const k = compile(b.param(x).returns(y).op('ADD_F64', y, x, x).op('RETURN'));
for (;;) k.call(1);
`;
const TERMINATE_IN_CALL = `
const { Worker } = require('node:worker_threads');
let left = 12;
const next = () => {
  if (left-- === 0) return console.log('all workers terminated');
  const w = new Worker(${JSON.stringify(CALL_FOREVER)}, { eval: true });
  w.once('online', () => setTimeout(() => w.terminate().then(next), 10 + Math.random() * 20));
};
next();
`;

function run(id: number, count: number): Promise<{ wrong: number; live: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { engine: ENGINE, id, count } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('worker threads', () => {
  it('compile and run kernels concurrently, each with its own engine', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((id) => run(id, 300)));
    assert.deepEqual(results, [1, 2, 3, 4].map(() => ({ wrong: 0, live: 300 })));
  });

  it('can be terminated while inside kernel.call without aborting the process', async function () {
    this.timeout(180_000);  // seconds on the host; under qemu (tools/test-arm64.sh) each worker starts slowly
    // Under an emulator the child node goes through the same wrapper (tools/test-arm64.sh sets it).
    const [command, ...prefix] = [...(process.env.JITCTL_EXEC_WRAPPER?.split(' ').filter(Boolean) ?? []), process.execPath];
    const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = execFile(command, [...prefix, '-e', TERMINATE_IN_CALL], { timeout: 170_000 }, (_e, stdout, stderr) =>
          resolve({ exitCode: child.exitCode, stdout, stderr }));
      });
    assert.deepEqual({ exitCode, stdout, stderr }, { exitCode: 0, stdout: 'all workers terminated\n', stderr: '' });
  });

  it('release their kernels when they exit, and load again afterwards', async () => {
    await run(7, 50);
    assert.deepEqual(await run(8, 10), { wrong: 0, live: 10 });
  });
});
