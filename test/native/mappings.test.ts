// Memory mappings are a process-wide resource V8 needs for its own heap (Linux allows
// vm.max_map_count per process). The engines' executable memory grows in large chunks, and every
// engine of the process (main thread and workers) counts what it holds against one budget: a
// compile over it is a clear RangeError, long before V8 would be starved and abort the process.
// Each case runs in a child process: a regression would kill the process, not fail an assertion.

import assert from 'node:assert/strict';

import { ENGINE_MODULE, runNode } from './helpers.js';

// Child-side helpers: the number of mappings in /proc/self/maps, and kernels of about 12 KB of
// code each (three COS_F64 ops), which once took a 16 KiB chunk (two mappings) apiece.
const PRELUDE = `
const { readFileSync } = require('node:fs');
const { compile, configureEngine, engineStats, TraceBuilder } = require(${JSON.stringify(ENGINE_MODULE)});
const mappings = () => readFileSync('/proc/self/maps', 'utf8').split('\\n').filter(Boolean).length;
function bigKernel(k) {
  const b = new TraceBuilder();
  const x = b.slot('f64'), c = b.slot('f64');
  b.param(x).returns(x).op('CONST_F64', c, k).op('COS_F64', x, x).op('COS_F64', x, x).op('COS_F64', x, x)
    .op('ADD_F64', x, x, c).op('RETURN');
  return compile(b);
}
`;

interface Counts { added: number; wrong: number }

describe('memory mappings of executable memory', () => {
  it('stay bounded with 3,000 large kernels live in one engine under a raised cap', function () {
    this.timeout(150_000);
    const child = runNode(`${PRELUDE}
      configureEngine({ maxExecutableBytes: 2 ** 30 });
      const before = mappings();
      const kernels = Array.from({ length: 3000 }, (_, i) => bigKernel(i));
      const wrong = kernels.filter((k, i) => k.call(0) !== Math.cos(Math.cos(Math.cos(0))) + i).length;
      console.log(JSON.stringify({ added: mappings() - before, wrong }));
    `);
    const counts = JSON.parse(child.stdout || 'null') as Counts | null;
    assert.ok(counts, child.stderr);
    // About 36 MB of kernels: 1 MiB chunks need some 80 mappings dual-mapped, at most 16 per chunk
    // flipped (AArch64); 16 KiB chunks needed 6,000. The bound is one mapping per four kernels.
    assert.ok(counts.added < 750 && counts.wrong === 0, JSON.stringify(counts));
  });

  it('stay bounded with four workers each keeping 1,000 large kernels live', function () {
    this.timeout(150_000);
    // The process's mappings are counted once every worker is running (each has a V8 heap and a
    // stack of its own), then again once each holds its 1,000 kernels.
    const child = runNode(`${PRELUDE}
      const { Worker } = require('node:worker_threads');
      const worker = ${JSON.stringify(`${PRELUDE}
        const { parentPort } = require('node:worker_threads');
        configureEngine({ maxExecutableBytes: 2 ** 30 });
        const kernels = [bigKernel(-1)];
        parentPort.postMessage('running');
        parentPort.once('message', () => {
          for (let i = 0; i < 1000; i++) kernels.push(bigKernel(i));
          parentPort.postMessage(kernels.filter((k, i) => k.call(0) !== Math.cos(Math.cos(Math.cos(0))) + (i - 1)).length);
        });`)};
      const workers = Array.from({ length: 4 }, () => new Worker(worker, { eval: true }));
      const next = () => Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
      next().then(() => {
        const before = mappings();
        workers.forEach((w) => w.postMessage('go'));
        return next().then((wrong) => {
          console.log(JSON.stringify({ added: mappings() - before, wrong: wrong.reduce((a, b) => a + b, 0) }));
          workers.forEach((w) => w.terminate());
        });
      });
    `);
    const counts = JSON.parse(child.stdout || 'null') as Omit<Counts, 'engineMappings'> | null;
    assert.ok(counts, child.stderr);
    // 4 x 12 MB of kernels: about 100 mappings in 1 MiB chunks dual-mapped, at most 16 per chunk
    // flipped (8,000 in 16 KiB chunks). The bound is one mapping per four kernels.
    assert.ok(counts.added < 1000 && counts.wrong === 0, JSON.stringify(counts));
  });

  describe('over the process-wide budget (JITCTL_MAX_MAPPINGS=40)', () => {
    const child = () => runNode(`${PRELUDE}
      configureEngine({ maxExecutableBytes: 2 ** 30 });
      const kernels = [];
      let error;
      try { for (let i = 0; i < 100000; i++) kernels.push(bigKernel(i)); } catch (e) { error = e; }
      const stats = engineStats();
      kernels.forEach((k) => k.free());
      let again = false;
      try { again = bigKernel(1).call(0) === Math.cos(Math.cos(Math.cos(0))) + 1; } catch {}
      console.log(JSON.stringify({ name: error?.name, message: error?.message, held: stats.processMappings,
        budget: stats.mappingBudget, again }));
    `, { env: { JITCTL_MAX_MAPPINGS: '40' } });
    let result: { name?: string; message?: string; held: number; budget: number; again: boolean };
    before(function () {
      this.timeout(150_000);
      const run = child();
      result = JSON.parse(run.stdout || 'null');
      assert.ok(result, run.stderr);
    });

    it('refuses a compile with a RangeError that names the budget and how to get under it', () => {
      assert.match(`${result.name}: ${result.message}`,
        /^RangeError: executable memory needs \d+ more memory mappings, but jitctl's engines already hold \d+ of the process's budget of 40 .*free kernels \(kernel\.free\(\)\), or set JITCTL_MAX_MAPPINGS$/);
    });

    it('never holds more than the budget', () => {
      assert.ok(result.held <= result.budget && result.budget === 40, JSON.stringify(result));
    });

    it('compiles again once kernels are freed', () => {
      assert.equal(result.again, true);
    });
  });
});
