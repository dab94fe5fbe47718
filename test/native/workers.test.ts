// The addon is context-aware: each worker thread loads it with an engine of its own and compiles
// and runs kernels at the same time as the others.

import assert from 'node:assert/strict';
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

  it('release their kernels when they exit, and load again afterwards', async () => {
    await run(7, 50);
    assert.deepEqual(await run(8, 10), { wrong: 0, live: 10 });
  });
});
