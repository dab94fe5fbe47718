// The jsc tier on Bun, checked against JavaScriptCore's own counters (bun:jsc numberOfDFGCompiles,
// reoptimizationRetryCount) rather than against what jitctl's router says; and every bun:jsc
// control the tier uses, tried on every kind of value in child processes. Under any other runtime
// the whole file is skipped, saying why. Run it under Bun with:
//   npm run build:ts && bun node_modules/mocha/bin/mocha.js --no-config --timeout 30000 dist/test/tiers-jsc.test.js

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { jitFocus, jitIgnore, jitOnce, stats, warmup } from '../lib/index.js';
import { pollOnce } from '../lib/tiers/jsc-observe.js';
import type { AnyFunction } from '../lib/types.js';

interface Jsc {
  numberOfDFGCompiles(fn: unknown): number;
  reoptimizationRetryCount(fn: unknown): number;
}

function loadJsc(): Jsc | null {
  if (typeof (globalThis as { Bun?: unknown }).Bun === 'undefined') return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('bun:jsc') as Jsc;
  } catch {
    return null;
  }
}

const jsc = loadJsc();
const SKIP = jsc ? '' : ' (skipped: not running under Bun, so there is no bun:jsc to test)';

let counter = 0;
function fresh<F extends AnyFunction>(params: string, body: string, name?: string): F {
  const fn = new Function(params, `${body} /* jsc tier test ${++counter} */`) as F;
  if (name) Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

function recordOf(name: string) {
  const all = stats().filter((s) => s.name === name);
  return all[all.length - 1];
}

const dfg = (fn: unknown): number => jsc!.numberOfDFGCompiles(fn);

describe(`jsc tier${SKIP}`, function () {
  before(function () {
    if (!jsc) this.skip();
  });

  describe('jitFocus', () => {
    it('is routed to the jsc tier when it has samples', () => {
      jitFocus(fresh('a, b', 'return a + b', 'routedFocus'), { samples: [[1, 2]] });
      assert.equal(recordOf('routedFocus').tier, 'jsc');
    });

    it('returns the function itself when samples warm it up at decoration', () => {
      const fn = fresh<(a: number, b: number) => number>('a, b', 'return a - b');
      assert.equal(jitFocus(fn, { samples: [[1, 2]] }), fn);
    });

    it('leaves DFG code installed right after its warm-up (numberOfDFGCompiles)', () => {
      const fn = fresh<(a: number, b: number) => number>('a, b', 'return a * b + 1');
      jitFocus(fn, { samples: [[1, 2], [3, 4]] });
      assert.ok(dfg(fn) >= 1, `numberOfDFGCompiles ${dfg(fn)}`);
    });

    it('makes no more than warmup + 100 sample calls', () => {
      const fn = fresh<(a: number) => number>('a', 'return a + 3', 'boundedFocus');
      jitFocus(fn, { samples: [[1]] });
      assert.ok(recordOf('boundedFocus').warmup.calls <= 120);
    });

    it('reports JSC\'s compile count in stats() and leaves the tier unknown (JSC does not say DFG or FTL)', () => {
      jitFocus(fresh('a', 'return a * 9', 'countedFocus'), { samples: [[1]] });
      const s = recordOf('countedFocus');
      assert.deepEqual([s.compiles >= 1, s.observedTier], [true, 'unknown']);
    });

    it('runs unchanged without samples (JSC tiers up by itself; no wrapper)', () => {
      const fn = fresh<(a: number) => number>('a', 'return a * 4', 'bareFocus');
      const result = jitFocus(fn);
      assert.deepEqual([result === fn, recordOf('bareFocus').tier, /no samples/.test(recordOf('bareFocus').reason)], [true, 'noop', true]);
    });

    it("waits for warmup() with when: 'manual'", () => {
      const fn = fresh<(a: number) => number>('a', 'return a - 7');
      jitFocus(fn, { samples: [[1]], when: 'manual' });
      const before = dfg(fn);
      warmup();
      assert.deepEqual([before, dfg(fn) >= 1], [0, true]);
    });

    it('does not ask for DFG on incomplete feedback when a sample call throws', () => {
      const fn = fresh<(a: number) => number>('a', 'if (a > 1) throw new RangeError("too big"); return a', 'throwingFocus');
      jitFocus(fn, { samples: [[1], [2]] });
      const s = recordOf('throwingFocus');
      assert.deepEqual([s.warmup.state, s.warmup.calls], ['failed', 2]);
    });

    it('passes this, arguments and the result through its first-call wrapper', () => {
      const fn = function (this: { k: number }, a: number, b: number): number { return this.k * a + b; };
      const focused = jitFocus(fn, { samples: [[1, 2]], when: 'first-call', thisArg: { k: 1 } });
      assert.equal(focused.call({ k: 10 }, 2, 3), 23);
    });
  });

  describe('jitIgnore', () => {
    it('is routed to the jsc tier and returns the function itself', () => {
      const fn = fresh<(a: number) => number>('a', 'return a + 1', 'routedIgnore');
      assert.deepEqual([jitIgnore(fn) === fn, recordOf('routedIgnore').tier], [true, 'jsc']);
    });

    it('says that JSC may still compile it with DFG', () => {
      jitIgnore(fresh('a', 'return a + 2', 'honestIgnore'));
      assert.ok(recordOf('honestIgnore').warnings.some((w) => /DFG/.test(w)));
    });

    it('keeps computing the same results through 100,000 calls in a hot loop', () => {
      const fn = jitIgnore(fresh<(a: number) => number>('a', 'return (a * 7) % 13'));
      let sum = 0;
      for (let i = 0; i < 100_000; i++) sum += fn(i);
      let expected = 0;
      for (let i = 0; i < 100_000; i++) expected += (i * 7) % 13;
      assert.equal(sum, expected);
    });
  });

  describe('jitOnce', () => {
    const CHURN = 'let s = 0; for (let i = 0; i < 8; i++) s = (s + (typeof o === "object" && o !== null ? (o.a | 0) + i : (o == 1 ? 1 : 2))) | 0; return s';
    const PHASES: unknown[] = [1, 1.5, 'x', { a: 1 }, [1, 2], { b: 2, a: 1 }, null, true, { c: 1, a: 3 }];

    it('returns the function itself (no wrapper on its calls)', () => {
      const fn = fresh<(a: number) => number>('a', 'return a + 5');
      assert.equal(jitOnce(fn), fn);
    });

    it('is pinned (noFTL) once JSC reoptimized it maxDeopts times', () => {
      const fn = fresh<(o: unknown) => number>('o', CHURN, 'churnOnce');
      jitOnce(fn, { maxDeopts: 1 });
      for (const value of PHASES) for (let i = 0; i < 50_000; i++) fn(value);
      pollOnce();
      const retries = jsc!.reoptimizationRetryCount(fn);
      assert.deepEqual([retries >= 1, recordOf('churnOnce').pinned], [true, true], `reoptimizationRetryCount ${retries}`);
    });

    it("reports JSC's reoptimizations as deopts and its compiles as compiles", () => {
      const fn = fresh<(o: unknown) => number>('o', CHURN, 'countedOnce');
      jitOnce(fn);
      for (const value of PHASES) for (let i = 0; i < 50_000; i++) fn(value);
      const s = recordOf('countedOnce');
      assert.deepEqual([s.deopts, s.compiles], [jsc!.reoptimizationRetryCount(fn), dfg(fn)]);
    });

    it('is not pinned while JSC has not reoptimized it', () => {
      const fn = fresh<(a: number) => number>('a', 'return a * 2 + 1', 'stableOnce');
      jitOnce(fn, { maxDeopts: 1 });
      for (let i = 0; i < 50_000; i++) fn(i);
      pollOnce();
      assert.equal(recordOf('stableOnce').pinned, jsc!.reoptimizationRetryCount(fn) >= 1);
    });

    it('is pinned at once with maxDeopts: 0', () => {
      jitOnce(fresh('a', 'return a * 3', 'zeroOnce'), { maxDeopts: 0 });
      assert.equal(recordOf('zeroOnce').pinned, true);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Safety, in child processes (process.execPath is bun here).

const INDEX = path.join(__dirname, '..', 'lib', 'index.js');

const KINDS = `
  function add(a, b) { return a + b; }
  const { proxy: revoked, revoke } = Proxy.revocable(add, {});
  revoke();
  const KINDS = {
    'a native (Math.max)': Math.max, 'a native method (Array.prototype.push)': Array.prototype.push,
    'Function.prototype': Function.prototype, 'a bound function': add.bind(null, 1),
    'a Proxy of a function': new Proxy(add, {}), 'a revoked Proxy': revoked,
    'a class': class Point { constructor(x) { this.x = x; } },
    'an async function': async function af(x) { return x; }, 'a generator': function* g(x) { yield x; },
    'an async generator': async function* ag(x) { yield x; }, 'an arrow': (x) => x,
    'a function never called': function never(x) { return x; },
    'a getter': Object.getOwnPropertyDescriptor({ get g() { return 1; } }, 'g').get,
    'a function of another realm': require('node:vm').runInNewContext('(function (x) { return x + 1; })'),
    'a number': 42, 'an object': {}, 'undefined': undefined, 'a string': 'f', 'a symbol': Symbol('s'),
  };
  const call = (v, n) => {
    for (let i = 0; i < n; i++) {
      try { const r = /^class/.test(Function.prototype.toString.call(v)) ? new v(i) : v(i, 1); if (r && typeof r.next === 'function') r.next(); } catch {}
    }
  };
`;

const CONTROLS = ['optimizeNextInvocation', 'noInline', 'noFTL', 'numberOfDFGCompiles', 'reoptimizationRetryCount'];

interface ChildResult { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function runChild(code: string): ChildResult {
  const env: Record<string, string | undefined> = { ...process.env, JITCTL: undefined, JITCTL_PROFILE: undefined };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const r = spawnSync(process.execPath, ['-e', `const INDEX = ${JSON.stringify(INDEX)};\n${code}`], {
    env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function survived(r: ChildResult): boolean {
  return r.status === 0 && r.signal === null && r.stdout.includes('OK');
}

function describeChild(r: ChildResult): string {
  return `status ${r.status}, signal ${r.signal}, stdout ${JSON.stringify(r.stdout.slice(-300))}, stderr ${JSON.stringify(r.stderr.slice(-600))}`;
}

describe(`jsc tier safety: no bun:jsc control crashes the process${SKIP}`, function () {
  this.timeout(120_000);
  before(function () {
    if (!jsc) this.skip();
  });

  for (const control of CONTROLS) {
    it(`survives ${control} on every kind of value, before and after calls`, () => {
      const r = runChild(`${KINDS}
        const jsc = require('bun:jsc');
        for (const [name, v] of Object.entries(KINDS)) {
          jsc.${control}(v);
          if (name !== 'a revoked Proxy') call(v, 60);
          jsc.${control}(v);
          if (name !== 'a revoked Proxy') call(v, 300);
        }
        jsc.${control}();
        console.log('OK');`);
      assert.ok(survived(r), describeChild(r));
    });
  }

  it('survives all three hints, with and without samples, on every kind of value, then 3,000 calls', () => {
    const r = runChild(`${KINDS}
      const { jitFocus, jitIgnore, jitOnce, warmup, stats } = require(INDEX);
      for (const [name, v] of Object.entries(KINDS)) {
        for (const hint of [jitFocus, jitIgnore, jitOnce]) {
          for (const options of [{}, { samples: [[1, 2]] }, { samples: [[1, 2]], when: 'first-call' }, { maxDeopts: 1 }]) {
            if (options.maxDeopts !== undefined && hint !== jitOnce) continue;
            let hinted;
            try { hinted = hint(v, options); } catch (e) { if (!(e instanceof TypeError)) throw e; continue; }
            if (name !== 'a revoked Proxy') call(hinted, 3000);
          }
        }
      }
      warmup();
      stats();
      console.log('OK');`);
    assert.ok(survived(r), describeChild(r));
  });

  it('survives jitFocus of 3,000 fresh functions while a stack overflow unwinds', () => {
    const r = runChild(`
      const { jitFocus, jitOnce } = require(INDEX);
      let n = 0;
      function deep() {
        try { deep(); } catch {}
        if (n++ < 3000) {
          try { jitFocus(new Function('x', 'return x + ' + n), { samples: [[1]] }); jitOnce(new Function('x', 'return x - ' + n)); } catch (e) { if (!(e instanceof RangeError)) throw e; }
        }
      }
      deep();
      console.log('OK');`);
    assert.ok(survived(r), describeChild(r));
  });
});
