// The router: what it detects at import, and which tier it picks for which function and why.

import { strict as assert } from 'node:assert';
import { configure } from '../lib/index.js';
import { engineStatus } from '../lib/engine.js';
import { detect } from '../lib/router/detect.js';
import { getStrategy, tierForHint } from '../lib/router/route.js';
import { inspectFunction } from '../lib/v8/classify.js';
import { observeTier } from '../lib/v8/probes.js';
import { decodeStatus, INTERPRETED_STATUS, layoutFromProbe, statusBit } from '../lib/v8/status.js';
import { normalizeOptions } from '../lib/hints/options.js';
import type { AnyFunction, Hint } from '../lib/types.js';
import { describeChild, runChild, status } from './helpers/natives.js';

const HINTS: Hint[] = ['focus', 'ignore', 'once'];
const major = Number(process.versions.node.split('.')[0]);

function tierOf(hint: Hint, fn: AnyFunction, options: object = {}): string {
  return getStrategy(hint, fn, normalizeOptions(hint, options)).strategy.tier;
}

describe('backend: detection at import', () => {
  const d = detect();

  it('identifies the runtime as Node', () => assert.equal(d.runtime, 'node'));
  it('reports the Node and V8 versions of this process', () => {
    assert.deepEqual([d.nodeVersion, d.v8Version], [process.versions.node, process.versions.v8]);
  });
  it('switched natives syntax on itself', () => assert.equal(d.nativesSyntax, 'enabled-by-jitctl'));
  it('switched natives syntax back off afterwards', () => {
    assert.throws(() => new Function(`return %IsTurbofanEnabled() /* fresh ${Math.random()} */`), SyntaxError);
  });
  it('probed every intrinsic the v8 tier needs and found it', () => {
    const needed = ['PrepareFunctionForOptimization', 'OptimizeFunctionOnNextCall', 'NeverOptimizeFunction',
      'DeoptimizeFunction', 'GetOptimizationStatus', 'ActiveTierIsTurbofan', 'ActiveTierIsIgnition', 'IsTurbofanEnabled'];
    assert.deepEqual(needed.filter((name) => d.intrinsics[name] !== true), []);
  });
  it('finds the eager-optimization intrinsics exactly on Node 24 and later', () => {
    assert.equal(d.intrinsics.OptimizeTurbofanEager, major >= 24);
  });
  it('asks for eager optimization where V8 has it, on next call elsewhere', () => {
    assert.equal(d.optimizeMode, major >= 24 ? 'eager' : 'next-call');
  });
  it('finds TurboFan on', () => assert.equal(d.turbofan, true));
  it('finds Maglev on exactly from Node 24', () => assert.equal(d.maglev, major >= 24));
  it('is not jitless', () => assert.equal(d.jitless, false));
  it('finds the status-bit layout an interpreted function shows', () => {
    const probe = new Function('x', 'return x * 2 /* layout test */') as AnyFunction;
    probe(1);
    probe(2);
    assert.equal(status(probe) & 0xff, INTERPRETED_STATUS[d.statusLayout ?? 'A']);
  });
  it('reports how long detection took, and it is cheap', () => assert.ok(d.detectMs >= 0 && d.detectMs < 50, `${d.detectMs} ms`));
  it('reports the addon with the process arch', () => assert.equal(d.addon.arch, process.arch));
  it('reports the native tier available exactly when the engine compiles here', () => {
    const status = engineStatus();
    assert.equal(d.native.available, status.loaded && status.supported && !status.refusal, d.native.reason);
  });
  it('never throws and hands out the same answer every time', () => assert.equal(detect(), detect()));
});

describe('backend: status bits', () => {
  it('tells layout A by its interpreted status 129', () => assert.equal(layoutFromProbe(129), 'A'));
  it('tells layout B by its interpreted status 65', () => assert.equal(layoutFromProbe(65), 'B'));
  it('refuses to guess from a status that fits neither', () => assert.equal(layoutFromProbe(81), null));
  it('refuses to guess from a non-number', () => assert.equal(layoutFromProbe(undefined), null));
  it('decodes TurboFan code in layout A (81)', () => {
    assert.deepEqual(decodeStatus(81, 'A'), ['isFunction', 'optimized', 'turboFanned']);
  });
  it('decodes TurboFan code in layout B (41)', () => {
    assert.deepEqual(decodeStatus(41, 'B'), ['isFunction', 'optimized', 'turboFanned']);
  });
  it('places a flag one bit lower in layout B from bit 3 up', () => {
    assert.deepEqual([statusBit('interpreted', 'A'), statusBit('interpreted', 'B')], [128, 64]);
  });
  it('has no AlwaysOptimize bit in layout B', () => assert.equal(statusBit('alwaysOptimize', 'B'), 0));
});

describe('backend: which functions the intrinsics may touch', () => {
  function plain(a: number): number { return a + 1; }
  const cases: Array<[string, unknown, string]> = [
    ['a plain function', plain, 'user'],
    ['an arrow function', (x: number) => x, 'user'],
    ['an async function', async () => 1, 'user'],
    ['a bound function', plain.bind(null), 'native'],
    ['a native function', Math.max, 'native'],
    ['a Proxy of a function', new Proxy(plain, {}), 'proxy'],
    ['a class', class A {}, 'class'],
    ['an asm.js module', new Function('stdlib', '"use asm"; function f() { return 0; } return { f: f };'), 'asm'],
    ['a number', 42, 'not-a-function'],
    ['null', null, 'not-a-function'],
  ];
  for (const [name, value, kind] of cases) {
    it(`classifies ${name} as ${kind}`, () => assert.equal(inspectFunction(value).kind, kind));
  }
  it('classifies a function whose toString was replaced by what it really is', () => {
    const sneaky = (x: number) => x;
    sneaky.toString = () => 'function () { [native code] }';
    assert.equal(inspectFunction(sneaky).kind, 'user');
  });
});

describe('backend: observeTier', () => {
  it('sees a cold function in the interpreter', () => {
    const cold = new Function('x', 'return x + 3') as AnyFunction;
    cold(1);
    assert.equal(observeTier(cold), 'interpreter');
  });
  it('answers unknown for a bound function instead of touching it', () => {
    assert.equal(observeTier(Math.max.bind(null)), 'unknown');
  });
  it('answers unknown for a Proxy instead of touching it', () => {
    assert.equal(observeTier(new Proxy(() => 1, {})), 'unknown');
  });
  it('answers unknown for something that is not a function', () => {
    assert.equal(observeTier(42 as unknown as AnyFunction), 'unknown');
  });
});

describe('backend: getStrategy', () => {
  afterEach(() => configure({ mode: 'auto' }));

  for (const hint of HINTS) {
    it(`picks the v8 tier for ${hint} on a function outside the kernel subset`, () => {
      assert.equal(tierOf(hint, (o: { x: number }) => o.x + 1), 'v8');
    });
  }
  for (const hint of ['focus', 'once'] as const) {
    it(`tries the native tier first for ${hint} and records the front end's reason`, () => {
      const choice = getStrategy(hint, (o: { x: number }) => o.x, normalizeOptions(hint, {}));
      assert.match(choice.fallbacks[0], /^native: `o\.x`.* at line \d+, column \d+: /);
    });
  }
  it('never tries the native tier for jitIgnore', () => {
    const choice = getStrategy('ignore', (x: number) => x, normalizeOptions('ignore', {}));
    assert.equal(choice.fallbacks.some((f) => f.startsWith('native')), false);
  });
  it('sends a bound function with samples to the warmup tier', () => {
    assert.equal(tierOf('focus', ((x: number) => x).bind(null), { samples: [[1]] }), 'warmup');
  });
  it('sends a bound function without samples to the noop tier', () => {
    assert.equal(tierOf('focus', ((x: number) => x).bind(null)), 'noop');
  });
  it('says why a native function is not touched', () => {
    const choice = getStrategy('ignore', Math.max, normalizeOptions('ignore', {}));
    assert.match(choice.fallbacks.join('; '), /native or bound function/);
  });
  it('honours a forced tier', () => assert.equal(tierOf('focus', (x: number) => x, { tier: 'noop' }), 'noop'));
  it('falls back from an impossible forced tier with the reason', () => {
    const choice = getStrategy('ignore', (x: number) => x, normalizeOptions('ignore', { tier: 'warmup' }));
    assert.deepEqual([choice.strategy.tier, /^warmup \(option tier\): warm-up cannot keep/.test(choice.fallbacks[0])], ['v8', true]);
  });
  it('gives every hint the noop tier when jitctl is off', () => {
    configure({ mode: 'off' });
    assert.deepEqual(HINTS.map((h) => tierOf(h, (x: number) => x)), ['noop', 'noop', 'noop']);
  });
  it('lets a per-function tier override the global mode', () => {
    configure({ mode: 'warmup' });
    assert.equal(tierOf('focus', (x: number) => x, { tier: 'v8' }), 'v8');
  });
  it("keeps mode 'off' above a per-function tier (off is the kill switch)", () => {
    configure({ mode: 'off' });
    assert.equal(tierOf('focus', (x: number) => x, { tier: 'v8' }), 'noop');
  });
  it('uses the warmup tier when the mode asks for it and there are samples', () => {
    configure({ mode: 'warmup' });
    assert.equal(tierOf('focus', (x: number) => x, { samples: [[1]] }), 'warmup');
  });
  it('never throws, even on something that is not a function', () => {
    assert.equal(getStrategy('focus', 42 as unknown as AnyFunction, normalizeOptions('focus', {})).strategy.tier, 'noop');
  });
});

describe('backend: tierForHint (what `jitctl info` prints)', () => {
  afterEach(() => configure({ mode: 'auto' }));
  it('names the native tier for jitFocus and jitOnce where the engine compiles, else v8; v8 for jitIgnore', () => {
    const status = engineStatus();
    const native = status.loaded && status.supported && !status.refusal ? 'native' : 'v8';
    assert.deepEqual(HINTS.map((h) => tierForHint(h).tier), [native, 'v8', native]);
  });
  it('follows the global mode', () => {
    configure({ mode: 'off' });
    assert.deepEqual(HINTS.map((h) => tierForHint(h).tier), ['noop', 'noop', 'noop']);
  });
});

describe('backend: detection in other processes', function () {
  this.timeout(30000);

  it('leaves natives syntax on when it was on from the command line', () => {
    const r = runChild(`
      const { detect } = require(DETECT);
      new Function('return %IsTurbofanEnabled() /* after */');
      console.log(detect().nativesSyntax);`, { execArgv: ['--allow-natives-syntax'] });
    assert.equal(r.stdout.trim(), 'already-enabled', describeChild(r));
  });
  it('gives every hint the noop tier with JITCTL=off', () => {
    const r = runChild(`
      const { tierForHint } = require(ROUTE);
      console.log(['focus', 'ignore', 'once'].map((h) => tierForHint(h).tier).join(','));`, { env: { JITCTL: 'off' } });
    assert.equal(r.stdout.trim(), 'noop,noop,noop', describeChild(r));
  });
  it('never changes V8 flags when they are frozen, and reports why natives syntax is unavailable', () => {
    const r = runChild(`
      const { detect } = require(DETECT);
      console.log(detect().nativesSyntax + ' ' + detect().errors.join(';'));`, { execArgv: ['--freeze-flags-after-init'] });
    assert.match(r.stdout, /^unavailable .*frozen/, describeChild(r));
  });
  it('gives Bun the noop tier (native for a kernel) without loading the v8 module', () => {
    const r = runChild(`
      globalThis.Bun = { version: '1.0.0' };
      const Module = require('node:module');
      const load = Module._load;
      const loaded = [];
      Module._load = function (request, ...rest) { loaded.push(request); return load.call(this, request, ...rest); };
      const { detect } = require(DETECT); const { getStrategy } = require(ROUTE);
      const d = detect();
      const options = { samples: [], warmup: 20, when: 'decoration', maxDeopts: 4, profile: false, tier: 'auto', thisArg: undefined, name: undefined };
      const tier = getStrategy('focus', (o) => o.x, options).strategy.tier;
      console.log([d.runtime, d.nativesSyntax, tier, loaded.some((m) => /^(node:)?v8$/.test(m))].join(','));`);
    assert.equal(r.stdout.trim(), 'bun,unavailable,noop,false', describeChild(r));
  });
  it('treats Deno as V8 whose flags cannot be set: no natives syntax of its own, warm-up with samples', () => {
    // The real Deno binary is tested in test/runtimes.test.ts; this fakes one on Node.
    const r = runChild(`
      globalThis.Deno = { version: { deno: '2.0.0' } };
      const { detect } = require(DETECT); const { getStrategy } = require(ROUTE);
      const d = detect();
      const options = { samples: [[{ x: 1 }]], warmup: 20, when: 'decoration', maxDeopts: 4, profile: false, tier: 'auto', thisArg: undefined, name: undefined };
      console.log([d.runtime, d.runtimeVersion, d.nativesSyntax, getStrategy('once', (o) => o.x, options).strategy.tier].join(','));`);
    assert.equal(r.stdout.trim(), 'deno,2.0.0,unavailable,warmup', describeChild(r));
  });
});
