// Executable memory: many kernels live at once, freeing (explicit and by garbage collection), the
// cap on executable bytes, statistics, inspection, and W^X observed from /proc/self/maps.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

import { compile, configureEngine, engineConfig, engineStats, TRACE_MAGIC, TraceBuilder, UOPS, type Kernel } from '../../lib/engine.js';

// kernel(x) = x * k, a different constant per kernel so that each one's code is distinct.
function scaleBy(k: number): Kernel {
  const b = new TraceBuilder();
  const x = b.slot('f64'), c = b.slot('f64'), r = b.slot('f64');
  b.param(x).returns(r).op('CONST_F64', c, k).op('MUL_F64', r, x, c).op('RETURN');
  return compile(b);
}

interface Mapping { lo: bigint; hi: bigint; perms: string; line: string }
// A trace of n x `slot0 = cos(slot0)` then RETURN, as raw words: about 4 KB of code per op on x86-64.
function cosChain(n: number): Int32Array {
  const opcode = (name: string) => UOPS.find((u) => u.name === name)!.opcode;
  const words = new Int32Array(8 + 1 + 3 * n + 1);
  words.set([TRACE_MAGIC | 0, 1, 1, 0, 0, 0, 0, 3 * n + 1, 1]);
  for (let i = 0, p = 9; i < n; i++, p += 3) words[p] = opcode('COS_F64');
  words[words.length - 1] = opcode('RETURN');
  return words;
}

function mappings(text = readFileSync('/proc/self/maps', 'utf8')): Mapping[] {
  return text.split('\n').filter(Boolean).map((line) => {
    const [range, perms] = line.split(' ');
    const [lo, hi] = range.split('-').map((h) => BigInt(`0x${h}`));
    return { lo, hi, perms, line };
  });
}
const writableAndExecutable = (m: Mapping) => m.perms[1] === 'w' && m.perms[2] === 'x';

describe('executable memory', () => {
  it('keeps 1,000 kernels live at once, each computing its own result', () => {
    const kernels = Array.from({ length: 1000 }, (_, i) => scaleBy(i));
    kernels.forEach((k, i) => assert.equal(k.call(2), 2 * i));
    assert.ok(engineStats().liveKernels >= 1000);
    kernels.forEach((k) => k.free());
  });

  it('packs small kernels into shared pages (at least 70% of mapped bytes used with 1,000 live)', async () => {
    // Each new chunk is half of what the pool has mapped, so just after one is added up to a third
    // of the mapped bytes is that chunk, still empty: with 1,000 kernels of 128 bytes 76% is used,
    // with 1,250 95%. Without packing (a page per kernel) it would be about 3%.
    // In a worker: its engine starts empty, so what is mapped is these kernels' alone (in this
    // thread's engine, earlier tests leave chunks of any size behind, and the newest can be new
    // and nearly empty at any moment).
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { compile, engineStats, TraceBuilder } = require(workerData.engine);
      const kernels = [];
      for (let k = 0; k < 1000; k++) {
        const b = new TraceBuilder();
        const x = b.slot('f64'), c = b.slot('f64'), r = b.slot('f64');
        b.param(x).returns(r).op('CONST_F64', c, k).op('MUL_F64', r, x, c).op('RETURN');
        kernels.push(compile(b));
      }
      const s = engineStats();
      parentPort.postMessage({ used: s.bytesUsed, mapped: s.bytesMapped, live: s.liveKernels });`;
    const engine = join(__dirname, '..', '..', 'lib', 'engine.js');
    const { used, mapped, live } = await new Promise<{ used: number; mapped: number; live: number }>((resolve, reject) => {
      const worker = new Worker(source, { eval: true, workerData: { engine } });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(live, 1000);
    assert.ok(used / mapped >= 0.7, `${used} of ${mapped} bytes used`);
  });

  it('returns memory when kernels are freed explicitly', () => {
    const before = engineStats();
    const kernels = Array.from({ length: 200 }, (_, i) => scaleBy(i));
    kernels.forEach((k) => k.free());
    const after = engineStats();
    assert.deepEqual([after.liveKernels, after.bytesUsed, after.bytesMapped], [before.liveKernels, before.bytesUsed, before.bytesMapped]);
  });

  it('makes a freed kernel unusable with a clear error, and free() idempotent', () => {
    const k = scaleBy(3);
    k.free();
    k.free();
    assert.equal(k.freed, true);
    assert.throws(() => k.call(1), (e: unknown) => e instanceof TypeError && /the kernel has been freed/.test(e.message));
    assert.throws(() => k.inspect(), (e: unknown) => e instanceof TypeError && /the kernel has been freed/.test(e.message));
  });

  it('frees a kernel when its JS object is garbage-collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async () => {
      for (let round = 0; round < 5; round++) {
        gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await collect();  // kernels earlier tests dropped
    const before = engineStats().liveKernels;
    (() => { for (let i = 0; i < 50; i++) scaleBy(i); })();
    assert.equal(engineStats().liveKernels, before + 50);
    for (let round = 0; round < 20 && engineStats().liveKernels > before; round++) await collect();
    assert.equal(engineStats().liveKernels, before);
  });

  it('refuses to map beyond the configured cap with a RangeError, and compiles again once raised', () => {
    const saved = engineConfig();
    const kernels: Kernel[] = [];
    try {
      configureEngine({ maxExecutableBytes: engineStats().bytesMapped + 16384 });
      assert.throws(() => { for (let i = 0; i < 10_000; i++) kernels.push(scaleBy(i)); }, (e: unknown) =>
        e instanceof RangeError && /executable memory cap reached/.test(e.message));
      assert.ok(engineStats().bytesMapped <= engineConfig().maxExecutableBytes);
    } finally {
      configureEngine(saved);
      kernels.forEach((k) => k.free());
    }
    assert.equal(scaleBy(2).call(2), 4);
  });

  it('refuses a kernel bigger than the cap before allocating its image (250k COS_F64 ops, ~1 GB of code)', () => {
    const words = cosChain(250_000);
    const peakBefore = process.resourceUsage().maxRSS;  // KiB
    assert.throws(() => compile(words), (e: unknown) => e instanceof RangeError &&
      new RegExp(`executable memory cap of ${engineConfig().maxExecutableBytes} bytes`).test(e.message));
    // The image alone would be ~1 GB; validation and layout need a few tens of MB.
    assert.ok(process.resourceUsage().maxRSS - peakBefore < 128 * 1024, 'peak RSS grew by more than 128 MB');
  });

  it('refuses a kernel over the per-kernel limit (maxKernelBytes) even under a larger cap', () => {
    const saved = engineConfig();
    const words = cosChain(250_000);
    try {
      configureEngine({ maxExecutableBytes: 2 ** 40 });
      assert.throws(() => compile(words), (e: unknown) => e instanceof RangeError &&
        /more than 134217728 bytes, the limit for one kernel/.test(e.message));
    } finally {
      configureEngine(saved);
    }
  });

  it('rejects a cap that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, NaN]) assert.throws(() => configureEngine({ maxExecutableBytes: bad }), RangeError);
    assert.throws(() => configureEngine({ maxExecutableBytes: '1' as unknown as number }), TypeError);
  });

  it('reports bytes mapped, used and padding consistently', () => {
    const k = scaleBy(1);
    const s = engineStats();
    k.free();
    assert.equal(s.bytesMapped, s.bytesUsed + s.bytesPadding);
    assert.equal(s.bytesMapped % s.pageSize, 0);
  });

  it('inspects a kernel: its stencils back to back, with their bytes', () => {
    const k = scaleBy(5);
    const info = k.inspect();
    k.free();
    assert.deepEqual(info.stencils.map((s) => s.uop), ['shim', 'CONST_F64', 'MUL_F64', 'RETURN']);
    assert.deepEqual(info.stencils.map((s) => s.traceOp), [null, 0, 1, 2]);
    info.stencils.reduce((offset, s) => { assert.equal(s.codeOffset, offset); return offset + s.codeSize; }, 0);
    assert.equal(info.codeSize, info.stencils.reduce((n, s) => n + s.codeSize, 0));
    assert.deepEqual(info.stencils[1].bytes, info.bytes.subarray(info.stencils[1].codeOffset, info.stencils[1].codeOffset + info.stencils[1].codeSize));
  });

  it('never has a kernel in a mapping that is writable and executable, after compilation', () => {
    const kernels = Array.from({ length: 100 }, (_, i) => scaleBy(i));
    const addresses = kernels.map((k) => k.inspect().address);
    const maps = mappings();
    for (const address of addresses) {
      const m = maps.find((x) => address >= x.lo && address < x.hi);
      assert.ok(m, 'kernel address is mapped');
      assert.equal(m.perms.slice(0, 3), 'r-x', m.line);
    }
    kernels.forEach((k) => k.free());
  });

  it('never has a kernel in a mapping that is writable and executable, during compilation', async () => {
    // A worker samples /proc/self/maps while this thread compiles; any w+x mapping it sees must not
    // hold one of our kernels (V8 keeps a w+x region of its own on some versions).
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const sampler = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const { readFileSync } = require('node:fs');
       const seen = new Set(); let samples = 0;
       while (Atomics.load(workerData, 0) === 0) {
         for (const line of readFileSync('/proc/self/maps', 'utf8').split('\\n'))
           if (/^\\S+ .wx/.test(line)) seen.add(line);
         samples++;
       }
       parentPort.postMessage({ lines: [...seen], samples });`,
      { eval: true, workerData: stop },
    );
    await new Promise((resolve) => sampler.once('online', resolve));
    const addresses: bigint[] = [];
    const started = Date.now();
    while (Date.now() - started < 300) {
      const batch = Array.from({ length: 50 }, (_, i) => scaleBy(i));
      batch.forEach((k) => addresses.push(k.inspect().address));
      batch.forEach((k) => k.free());
    }
    Atomics.store(stop, 0, 1);
    const { lines, samples } = await new Promise<{ lines: string[]; samples: number }>((resolve) => sampler.once('message', resolve));
    await sampler.terminate();
    assert.ok(samples > 0);
    const bad = mappings(lines.join('\n')).filter((m) => writableAndExecutable(m) && addresses.some((a) => a >= m.lo && a < m.hi));
    assert.deepEqual(bad.map((m) => m.line), []);
  });
});
