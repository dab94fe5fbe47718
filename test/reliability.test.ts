// Regression tests for the ways an adversarial pass once aborted, hung or quietly misled a
// process through jitctl's public surface. Each case runs in a child process (an abort must fail
// one test, not kill mocha) and is bounded in time: the child is killed at its timeout, which
// fails the test as a hang.

import { strict as assert } from 'node:assert';
import { describeChild, runChild, type ChildResult } from './helpers/natives.js';

const LIB = `require('node:path').dirname(INDEX)`;

/** The last line a child printed, parsed as JSON (children print one JSON report at the end). */
function report<T>(result: ChildResult): T {
  assert.ok(result.status === 0 && result.signal === null, describeChild(result));
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

describe('reliability: hints near the stack limit', function () {
  this.timeout(120000);

  // 3,000 fresh functions no one has called (so V8 has not compiled them), each a deeply nested
  // expression, hinted one per frame while a deliberate stack overflow unwinds.
  const NEAR_LIMIT = (hint: string, options: string) => `
    const jitctl = require(INDEX);
    const fns = [];
    for (let i = 0; i < 3000; i++) {
      // An inner function is compiled lazily, on its first call (a \`new Function\` body is not).
      fns.push(new Function('return function (x) { return ' + '('.repeat(100) + 'x + ' + i + ')'.repeat(100) + '; }')());
    }
    let next = 0;
    const thrown = {};
    const hinted = [];
    function dive(depth) {
      try { dive(depth + 1); } catch {}
      if (next < fns.length) {
        try { hinted.push(jitctl.${hint}(fns[next++], ${options})); }
        catch (e) { thrown[e && e.name] = (thrown[e && e.name] || 0) + 1; }
        try { hinted[hinted.length - 1](1); } catch {}
      }
    }
    dive(0);
    for (const f of hinted) for (let i = 0; i < 50; i++) f(i);
    console.log(JSON.stringify({ hinted: hinted.length, thrown }));`;

  for (const [hint, options] of [
    ['jitFocus', '{ samples: [[1], [2]] }'],
    ['jitFocus', '{}'],
    ['jitOnce', '{ samples: [[1]], maxDeopts: 1 }'],
    ['jitIgnore', '{}'],
  ] as const) {
    it(`${hint}(fn, ${options}) never aborts, and throws nothing but RangeError`, () => {
      const r = report<{ hinted: number; thrown: Record<string, number> }>(runChild(NEAR_LIMIT(hint, options), { timeout: 110000 }));
      assert.deepEqual(Object.keys(r.thrown).filter((name) => name !== 'RangeError'), []);
    });
  }

  it('still hints fresh functions once the stack has room again', () => {
    const r = report<{ tier: string; turbofan: boolean }>(runChild(`
      const { jitFocus, stats } = require(INDEX);
      // On the v8 tier (these numeric functions would otherwise go native): V8 optimizes them.
      function dive() { try { dive(); } catch { try { jitFocus(new Function('x', 'return x * 2'), { samples: [[1]], tier: 'v8' }); } catch {} } }
      dive();
      const f = jitFocus(new Function('x', 'return x * 3'), { samples: [[1], [2]], tier: 'v8' });
      const s = stats().pop();
      console.log(JSON.stringify({ tier: s.tier, turbofan: s.observedTier === 'turbofan' || s.observedTier === 'maglev' }));`));
    assert.deepEqual(r, { tier: 'v8', turbofan: true });
  });
});

describe('reliability: several copies of jitctl in one process', function () {
  this.timeout(60000);

  // A second copy: the same files loaded again after clearing the require cache, as a second
  // installed version would be.
  const TWO_COPIES = `
    const A = require(INDEX);
    for (const key of Object.keys(require.cache)) if (key.startsWith(${LIB})) delete require.cache[key];
    const B = require(INDEX);
    if (A === B) throw new Error('the same instance twice');`;

  it('sees a function the other copy never-optimized, and does not optimize it', () => {
    const r = report<{ tier: string; fallbacks: string }>(runChild(`${TWO_COPIES}
      function h(x) { return x + 1; }
      A.jitIgnore(h);
      const f = B.jitFocus(h, { samples: [[1]], tier: 'v8' });
      for (let i = 0; i < 20000; i++) f(i);
      const s = B.stats().pop();
      console.log(JSON.stringify({ tier: s.tier, fallbacks: s.fallbacks.join('; ') }));`));
    assert.match(r.fallbacks, /v8 \(option tier\): its code is shared with a function jitctl never-optimized/);
  });

  it('sees sibling closures and identical sources the other copy never-optimized', () => {
    const r = report<{ tiers: string[] }>(runChild(`${TWO_COPIES}
      const make = () => function (x) { return x * 2 + 1; };
      A.jitIgnore(make());
      const src = 'return x * 3 + 1';
      B.jitIgnore(new Function('x', src));
      const fs = [B.jitFocus(make(), { samples: [[1], [2]] }), B.jitFocus(make()), A.jitFocus(new Function('x', src), { samples: [[1]] })];
      for (const f of fs) for (let i = 0; i < 20000; i++) f(i);
      console.log(JSON.stringify({ tiers: [...B.stats().slice(-2), ...A.stats().slice(-1)].map((s) => s.tier) }));`));
    assert.deepEqual(r.tiers.filter((tier) => tier === 'v8'), []);
  });

  it('runs both copies\' native kernels exactly, interleaved: the first through the number lane, the second without', () => {
    const r = report<{ lanes: boolean[]; tiers: string[]; wrong: number }>(runChild(`
      const laneOf = () => require(require('node:path').join(${LIB}, 'compiler', 'native', 'binding.js')).numberLane() !== null;
      const A = require(INDEX);
      const laneA = laneOf();
      for (const key of Object.keys(require.cache)) if (key.startsWith(${LIB})) delete require.cache[key];
      const B = require(INDEX);
      const laneB = laneOf();
      const plain = (a, b) => a * b + 1;
      const fa = A.jitFocus(function laneA(a, b) { return a * b + 1; }, { tier: 'native' });
      const fb = B.jitFocus(function laneB(a, b) { return a * b + 1; }, { tier: 'native' });
      let wrong = 0;
      for (let i = 0; i < 2000; i++) {
        const x = i * 0.75 - 300, y = 1 / (i + 1);
        if (!Object.is(fa(x, y), plain(x, y))) wrong++;
        if (!Object.is(fb(y, x), plain(y, x))) wrong++;
      }
      console.log(JSON.stringify({ lanes: [laneA, laneB], tiers: [A.stats().pop().tier, B.stats().pop().tier], wrong }));`));
    assert.deepEqual(r, { lanes: [true, false], tiers: ['native', 'native'], wrong: 0 });
  });

  it('gives every worker a number lane of its own: 4 workers call kernels at once, one is terminated mid-loop', () => {
    const r = report<{ results: Array<number | string> }>(runChild(`
      const { Worker } = require('node:worker_threads');
      const binding = require('node:path').join(${LIB}, 'compiler', 'native', 'binding.js');
      const code = 'const { parentPort, workerData } = require("node:worker_threads");' +
        'const { jitFocus } = require(' + JSON.stringify(INDEX) + ');' +
        'const lane = require(' + JSON.stringify(binding) + ').numberLane();' +
        'const f = jitFocus(function w(a, b) { let s = 0; for (let i = 0; i < 2000; i++) s += a * i + b; return s; }, { tier: "native" });' +
        'const g = (a, b) => { let s = 0; for (let i = 0; i < 2000; i++) s += a * i + b; return s; };' +
        'let wrong = 0; for (let i = 0; i < 20000; i++) { const a = workerData + i, b = -i; if (!Object.is(f(a, b), g(a, b))) wrong++; }' +
        'parentPort.postMessage(lane === null ? "no lane" : wrong);';
      (async () => {
        const workers = [1, 2, 3, 4].map((k) => new Worker(code, { eval: true, workerData: k }));
        setTimeout(() => workers[3].terminate(), 50);
        const results = await Promise.all(workers.map((w, k) => new Promise((resolve) => {
          w.once('message', resolve);
          w.once('exit', () => resolve(k === 3 ? 'terminated' : 'exited'));
          w.once('error', (e) => resolve(String(e)));
        })));
        console.log(JSON.stringify({ results }));
      })();`, { timeout: 110000 }));
    assert.deepEqual(r.results.slice(0, 3), [0, 0, 0]);
    assert.ok(r.results[3] === 0 || r.results[3] === 'terminated', String(r.results[3]));
  });

  it('never optimizes through intrinsics when natives syntax was on before jitctl (the user may have never-optimized it)', () => {
    const r = report<{ tier: string; reason: string }>(runChild(`
      const { jitFocus, stats } = require(INDEX);
      function h(x) { return x + 1; }
      %NeverOptimizeFunction(h);
      const f = jitFocus(h, { samples: [[1], [2]] });
      for (let i = 0; i < 20000; i++) f(i);
      const s = stats().pop();
      console.log(JSON.stringify({ tier: s.tier, reason: s.reason }));`, { execArgv: ['--allow-natives-syntax'] }));
    assert.notEqual(r.tier, 'v8');
  });
});

describe('reliability: builtins patched before jitctl is imported', function () {
  this.timeout(60000);

  const HINT_NATIVES = `
    const { jitFocus, jitIgnore, jitOnce, stats } = require(INDEX);
    function add(a, b) { return a + b; }
    const targets = [Math.max, add.bind(null, 1), new Proxy(add, {}), Array.prototype.push];
    for (const t of targets) {
      for (const hint of [jitFocus, jitIgnore, jitOnce]) {
        const f = hint(t, hint === jitIgnore ? {} : { samples: [[1, 2]] });
        for (let i = 0; i < 2000; i++) { try { f(1, 2); } catch {} }
      }
    }
    console.log(JSON.stringify({ v8: stats().filter((s) => s.tier === 'v8').length }));`;

  it('keeps natives away from intrinsics when toString edits every source text it returns', () => {
    const r = report<{ v8: number }>(runChild(`
      const original = Function.prototype.toString;
      Function.prototype.toString = function () { return original.call(this).split('native code').join('native c0de'); };
      ${HINT_NATIVES}`));
    assert.equal(r.v8, 0);
  });

  it('imports and guards when toString returns some other source for every function', () => {
    const r = report<{ v8: number }>(runChild(`
      Function.prototype.toString = function () { return 'function () { return 1; }'; };
      ${HINT_NATIVES}`));
    assert.equal(r.v8, 0);
  });
});

describe('reliability: the class check on hostile sources', function () {
  this.timeout(60000);

  it('classifies a method named class behind 40 comments in linear time (the child would time out)', () => {
    const r = report<{ result: number; tier: string }>(runChild(`
      const { jitFocus, stats } = require(INDEX);
      const method = eval('({ class' + '/**/'.repeat(40) + '(x) { return x + 1 } })').class;
      const f = jitFocus(method, { samples: [[1]], tier: 'v8' });
      console.log(JSON.stringify({ result: f(2), tier: stats().pop().tier }));`, { timeout: 20000 }));
    assert.deepEqual(r, { result: 3, tier: 'v8' });
  });

  it('hints methods whose names start with "class" (classify, classic)', () => {
    const r = report<{ results: number[] }>(runChild(`
      const { jitFocus } = require(INDEX);
      const o = { classify(x) { return x + 1; }, classic(x) { return x + 2; } };
      console.log(JSON.stringify({ results: [jitFocus(o.classify)(1), jitFocus(o.classic)(1)] }));`));
    assert.deepEqual(r.results, [2, 3]);
  });

  it('still refuses classes written with comments between class and the name', () => {
    const r = report<{ error: string }>(runChild(`
      const { jitFocus } = require(INDEX);
      const C = eval('(class/* a */ /* b */ Named { })');
      let error = '';
      try { jitFocus(C); } catch (e) { error = e.name; }
      console.log(JSON.stringify({ error }));`));
    assert.equal(r.error, 'TypeError');
  });
});

describe('reliability: natives syntax is never left on', function () {
  this.timeout(120000);

  it('stays off for the process after workers are terminated inside the window where it is on', function () {
    // The main thread polls for natives syntax (a probe compiles only while the flag is on, and the
    // flag is process-wide) and terminates the importing worker the moment it sees it on.
    const r = report<{ leaked: boolean; caught: number }>(runChild(`
      const { Worker } = require('node:worker_threads');
      const on = () => { try { new Function('return %IsTurbofanEnabled() /* ' + Math.random() + ' */'); return true; } catch { return false; } };
      const code = 'require("node:worker_threads").parentPort.postMessage(0); require(' + JSON.stringify(INDEX) + ')';
      (async () => {
        let caught = 0;
        for (let i = 0; i < 32 && caught < 2; i++) {
          const w = new Worker(code, { eval: true });
          await new Promise((resolve) => w.once('message', resolve));
          const until = performance.now() + 1000;
          while (!on() && performance.now() < until) { /* poll */ }
          if (on()) caught++;
          await w.terminate();
          // A window left open would stay open: wait a little for a closing one, then move on.
          for (let wait = 0; wait < 50 && on(); wait++) await new Promise((resolve) => setTimeout(resolve, 10));
          if (on()) break;
        }
        console.log(JSON.stringify({ leaked: on(), caught }));
      })();`, { timeout: 110000 }));
    // The window lasts well under a millisecond: on a loaded machine the poll may never see it.
    if (r.caught === 0) this.skip();
    assert.equal(r.leaked, false);
  });

  it('detects the same intrinsics in every worker when 8 import at the same moment', () => {
    // The workers meet at a barrier (Atomics on shared memory) and then all import at once.
    const r = report<{ odd: string[]; reports: number }>(runChild(`
      const { Worker } = require('node:worker_threads');
      const backend = require('node:path').join(${LIB}, 'router', 'detect.js');
      const main = require(backend).detect();
      const expected = JSON.stringify({ nativesSyntax: main.nativesSyntax, intrinsics: main.intrinsics });
      const code = 'const { parentPort, workerData } = require("node:worker_threads");' +
        'const arrived = new Int32Array(workerData);' +
        'Atomics.add(arrived, 0, 1); Atomics.notify(arrived, 0);' +
        'while (Atomics.load(arrived, 0) < 8) Atomics.wait(arrived, 0, Atomics.load(arrived, 0), 50);' +
        'const d = require(' + JSON.stringify(backend) + ').detect();' +
        'const { jitIgnore, stats } = require(' + JSON.stringify(INDEX) + ');' +
        'jitIgnore(function (x) { return x; });' +
        'parentPort.postMessage({ seen: JSON.stringify({ nativesSyntax: d.nativesSyntax, intrinsics: d.intrinsics }), ignore: stats()[0].tier });';
      (async () => {
        const odd = [];
        let reports = 0;
        for (let round = 0; round < 10; round++) {
          const barrier = new SharedArrayBuffer(4);
          await Promise.all(Array.from({ length: 8 }, () => new Promise((resolve, reject) => {
            const w = new Worker(code, { eval: true, workerData: barrier });
            w.on('message', (m) => {
              reports++;
              if (m.seen !== expected) odd.push(m.seen);
              if (m.ignore !== 'v8') odd.push('jitIgnore: ' + m.ignore);
            });
            w.on('error', reject);
            w.on('exit', resolve);
          })));
        }
        console.log(JSON.stringify({ odd, reports }));
      })();`, { timeout: 110000 }));
    assert.deepEqual(r, { odd: [], reports: 80 });
  });

  it('is reported as compiled in the uninterruptible addon window', () => {
    const r = report<{ window: string }>(runChild(`
      const d = require(require('node:path').join(${LIB}, 'router', 'detect.js')).detect();
      console.log(JSON.stringify({ window: d.nativesSyntaxWindow }));`));
    assert.equal(r.window, 'addon');
  });
});

describe('reliability: jitIgnore on many distinct sources', function () {
  this.timeout(120000);

  // Past the registry's bound on records, hinting more functions must cost no more memory than
  // creating them does. Both loops are synchronous, as a hint applied in a hot loop would be.
  // The warm-up is as long as a measured batch, so that tables sized by how many functions die
  // between two collections (the weak set of hinted functions) have grown before the measuring
  // starts; of three measured batches the smallest growth counts: a cost per hint shows in every
  // one, a collection's timing only in some (on Node 22 one batch after a shorter warm-up grew
  // 1.7-2.1 MB more hinted than plain, 0-3 bytes a hint more over 160,000).
  it('keeps heap growth per hint at what creating the function costs anyway', () => {
    const GROWTH = (hint: boolean) => `
      const { jitIgnore } = require(INDEX);
      let n = 0;
      const batch = (count) => { for (let i = 0; i < count; i++, n++) { const f = new Function('x', 'return x + ' + n); ${hint ? 'jitIgnore(f);' : ''} } };
      const heap = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed; };
      batch(40000);
      const growths = [];
      for (let round = 0; round < 3; round++) {
        const before = heap();
        batch(40000);
        growths.push(heap() - before);
      }
      console.log(JSON.stringify({ growth: Math.min(...growths) }));`;
    const hinted = report<{ growth: number }>(runChild(GROWTH(true), { execArgv: ['--expose-gc'], timeout: 110000 }));
    const plain = report<{ growth: number }>(runChild(GROWTH(false), { execArgv: ['--expose-gc'], timeout: 110000 }));
    // 2 MB over 40,000 hints is 50 bytes a hint; before this fix each one kept kilobytes.
    assert.ok(hinted.growth - plain.growth < 2e6, `hinted grew ${hinted.growth} bytes, plain ${plain.growth}`);
  });
});

describe('reliability: what stats() says when a function cannot be optimized', () => {
  for (const [what, code, expected] of [
    ['a bound function', 'function add(a, b) { return a + b; } const t = add.bind(null, 1);', /native or bound/],
    ['a Proxy', 'function add(a, b) { return a + b; } const t = new Proxy(add, {});', /native or bound|Proxy/],
    // (An object literal keeps the native tier out: this is about the v8 tier's refusal.)
    ['a sibling of a jitIgnore\'d closure', 'const make = () => (x) => ({ v: x }).v + 1; jitIgnore(make()); const t = make();', /never-optimized/],
  ] as const) {
    it(`gives the real reason for ${what}, not "nothing to control"`, () => {
      const r = report<{ tier: string; reason: string }>(runChild(`
        const { jitFocus, jitIgnore, stats } = require(INDEX);
        ${code}
        jitFocus(t);
        const s = stats().pop();
        console.log(JSON.stringify({ tier: s.tier, reason: s.reason }));`));
      assert.match(r.reason, expected);
    });
  }
});

describe('reliability: V8 flushing the bytecode of jitctl\'s own wrappers', function () {
  this.timeout(60000);

  // V8 drops the bytecode of functions that have not run for a while and recompiles them on their
  // next call; --stress-flush-code makes that happen at every full GC. jitctl's intrinsic wrappers
  // only compile with natives syntax on, so they must be compiled again in a new window.
  for (const [how, env] of [['the addon\'s window', {}], ['the JavaScript window (JITCTL_NATIVE=off)', { JITCTL_NATIVE: 'off' }]] as const) {
    it(`still optimizes, and leaves natives syntax off, through ${how}`, () => {
      const r = report<{ tiers: string[]; off: boolean }>(runChild(`
        const { jitFocus, stats } = require(INDEX);
        jitFocus(function before(x) { return x + 1; }, { samples: [[1], [2]], tier: 'v8' });
        for (let i = 0; i < 30; i++) global.gc();
        jitFocus(function after(x) { return x + 2; }, { samples: [[1], [2]], tier: 'v8' });
        let off = true;
        try { new Function('return %IsTurbofanEnabled() /* ' + Math.random() + ' */'); off = false; } catch {}
        console.log(JSON.stringify({ tiers: stats().map((s) => s.tier + ' ' + s.observedTier), off }));`,
      { execArgv: ['--expose-gc', '--stress-flush-code', '--flush-bytecode'], env }));
      assert.deepEqual(r, { tiers: ['v8 turbofan', 'v8 turbofan'], off: true });
    });
  }
});
