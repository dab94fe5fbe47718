// jitctl on the real Deno and Bun binaries, run as child processes from this (Node) suite. The
// binaries come from the npm registry packages that tools/runtimes.sh unpacks into
// .cache/runtimes/ (CI fetches them before the suite runs); without them these tests are skipped.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CASES, PRELUDE } from './helpers/abort-cases.js';
import { INDEX } from './helpers/natives.js';

const ROOT = path.join(__dirname, '..', '..');
const DENO = path.join(ROOT, '.cache', 'runtimes', 'deno-linux-x64-glibc-2.9.6', 'deno');
const BUN = path.join(ROOT, '.cache', 'runtimes', 'oven-bun-linux-x64-1.4.5', 'bin', 'bun');
const BACKEND = path.join(path.dirname(INDEX), 'router', 'detect.js');

interface Report {
  runtime: string;
  v8: string | null;
  nativesSyntax: string;
  statusLayout: string | null;
  addonLoaded: boolean;
  kernel: number | null;
  tiers: Record<string, string>;
  reasons: Record<string, string>;
  focusFallbacks: string;
  focusedTier: string;
  results: number[];
  native: { tier: string; results: number[]; sinKernels: number };
}

// The same program for both runtimes, as ESM: Deno users import, and Bun runs either.
const PROGRAM = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { jitFocus, jitIgnore, jitOnce, stats } = require(${JSON.stringify(INDEX)});
const d = require(${JSON.stringify(BACKEND)}).detect();
let kernel = null;
try {
  const { compile, TraceBuilder } = require(${JSON.stringify(path.join(path.dirname(INDEX), 'engine.js'))});
  const b = new TraceBuilder();
  const x = b.slot('f64'), y = b.slot('f64');
  b.param(x).returns(y).op('SQRT_F64', y, x).op('RETURN');
  kernel = compile(b).call(2);
} catch {}
// A call of String keeps these off the native tier (Bun prints a function as it transpiled it, so an
// object literal would be folded away): they show the runtime's own JIT tiers.
const focus = jitFocus(function focused(x) { return String(x).length + x * 2 - 1; }, { samples: [[1], [2]] });
const ignore = jitIgnore(function ignored(x) { return x + 1; });
const once = jitOnce(function once(x) { return String(x).length + x - 2; }, { samples: [[1]] });
// Numeric kernels: native, but not with a Math function whose stencil differs from this runtime's Math.
const kernelled = jitFocus(function kernelled(x) { return x * 2 + 1; }, { samples: [[1.5]] });
const sined = jitFocus(function sined(x) { return Math.sin(x); }, { samples: [[0.5]] });
const nativeResults = [kernelled(1.5), sined(0.5)];
const results = [focus(3), ignore(3), once(3)];
for (let i = 0; i < 200; i++) { focus(i); ignore(i); once(i); }
const byName = Object.fromEntries(stats().map((s) => [s.name, s]));
console.log(JSON.stringify({
  runtime: d.runtime, v8: d.v8Version, nativesSyntax: d.nativesSyntax, statusLayout: d.statusLayout,
  addonLoaded: d.addon.loaded, kernel,
  tiers: { focus: byName.focused.tier, ignore: byName.ignored.tier, once: byName.once.tier },
  reasons: { focus: byName.focused.reason, ignore: byName.ignored.reason, once: byName.once.reason },
  focusFallbacks: byName.focused.fallbacks.join('; '),
  focusedTier: byName.focused.observedTier,
  results,
  native: { tier: byName.kernelled.tier, results: nativeResults, sinKernels: byName.sined.native ? byName.sined.native.signatures.length : 0 },
}));`;

function spawnProgram(binary: string, args: string[], program: string, env: Record<string, string> = {}, file = 'main.mjs') {
  const dir = mkdtempSync(path.join(tmpdir(), 'jitctl-runtime-'));
  file = path.join(dir, file);
  writeFileSync(file, program);
  let r;
  try {
    r = spawnSync(binary, [...args, file], { encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(r.status === 0 && r.signal === null, `status ${r.status} signal ${r.signal}: ${r.stderr.slice(-800)}`);
  return r.stdout;
}

function run(binary: string, args: string[], env: Record<string, string> = {}): Report {
  return JSON.parse(spawnProgram(binary, args, PROGRAM, env).trim().split('\n').pop() ?? '{}') as Report;
}

/** The safety suite's abort cases as one CommonJS program (sloppy mode: one case uses `with`), each in its own block. */
const ABORT_CASES = `
const INDEX = ${JSON.stringify(INDEX)};
${PRELUDE}
${Object.values(CASES).map((c) => `{ ${c} }`).join('\n')}
console.log('OK');`;

describe('runtimes: Deno (V8 underneath)', function () {
  this.timeout(120000);
  before(function () { if (!existsSync(DENO)) this.skip(); });

  describe('without natives syntax', () => {
    let r: Report;
    before(() => { r = run(DENO, ['run', '-A']); });
    it('is detected as Deno running V8', () => assert.deepEqual([r.runtime, typeof r.v8], ['deno', 'string']));
    it('warms jitFocus up with its samples (V8 without usable intrinsics)', () => assert.equal(r.tiers.focus, 'warmup'));
    it('says how to switch the v8 tier on where it cannot serve a hint', () => assert.match(r.reasons.ignore, /--v8-flags=--allow-natives-syntax/));
    it('loads the native addon and runs a kernel', () => assert.deepEqual([r.addonLoaded, r.kernel], [true, Math.SQRT2]));
    it('computes what the plain functions compute', () => assert.deepEqual(r.results, [6, 4, 2]));
    it('runs a numeric kernel on the native tier, exactly', () => {
      assert.deepEqual([r.native.tier, r.native.results], ['native', [4, Math.sin(0.5)]]);
    });
    it('compiles no kernel with Math.sin: its V8 calls another libm than the stencils copy', () => {
      assert.equal(r.native.sinKernels, 0);
    });
  });

  describe('with --v8-flags=--allow-natives-syntax', () => {
    let r: Report;
    before(() => { r = run(DENO, ['run', '-A', '--v8-flags=--allow-natives-syntax']); });
    it('probes the status-bit layout', () => assert.ok(r.statusLayout === 'A' || r.statusLayout === 'B'));
    it('never-optimizes jitIgnore functions on the v8 tier', () => assert.equal(r.tiers.ignore, 'v8'));
    it('watches jitOnce functions on the v8 tier', () => assert.equal(r.tiers.once, 'v8'));
    it('does not optimize jitFocus through intrinsics it cannot prove safe, and says how to allow it', () => {
      assert.deepEqual([r.tiers.focus, /JITCTL_TRUST_NATIVES_SYNTAX=1/.test(r.focusFallbacks)], ['warmup', true]);
    });
  });

  describe('with --v8-flags=--allow-natives-syntax and JITCTL_TRUST_NATIVES_SYNTAX=1', () => {
    it('survives every input that aborts V8 through a misused intrinsic (the safety suite\'s cases)', () => {
      const out = spawnProgram(DENO, ['run', '-A', '--v8-flags=--allow-natives-syntax'], ABORT_CASES, { JITCTL_TRUST_NATIVES_SYNTAX: '1' }, 'main.cjs');
      assert.match(out, /OK/);
    });
    let r: Report;
    before(() => { r = run(DENO, ['run', '-A', '--v8-flags=--allow-natives-syntax'], { JITCTL_TRUST_NATIVES_SYNTAX: '1' }); });
    it('optimizes jitFocus functions on the v8 tier', () => assert.equal(r.tiers.focus, 'v8'));
    it('has them in optimized code before their first real call', () => assert.match(r.focusedTier, /turbofan|maglev/));
  });
});

describe('runtimes: Bun (JavaScriptCore underneath)', function () {
  this.timeout(120000);
  before(function () { if (!existsSync(BUN)) this.skip(); });

  let r: Report;
  before(() => { r = run(BUN, []); });
  it('is detected as Bun', () => assert.equal(r.runtime, 'bun'));
  it('steers JavaScriptCore: every hint with samples, and jitIgnore, on the jsc tier', () => {
    assert.deepEqual(r.tiers, { focus: 'jsc', ignore: 'jsc', once: 'jsc' });
  });
  it('survives the safety suite\'s abort cases', () => assert.match(spawnProgram(BUN, [], ABORT_CASES, {}, 'main.cjs'), /OK/));
  it('loads the native addon and runs a kernel', () => assert.deepEqual([r.addonLoaded, r.kernel], [true, Math.SQRT2]));
  it('computes what the plain functions compute', () => assert.deepEqual(r.results, [6, 4, 2]));
  it('runs a numeric kernel on the native tier, exactly', () => {
    assert.deepEqual([r.native.tier, r.native.results], ['native', [4, Math.sin(0.5)]]);
  });
  it('compiles no kernel with Math.sin: JavaScriptCore calls the system libm', () => assert.equal(r.native.sinKernels, 0));
});

describe('runtimes: the CLI started by bun x', function () {
  this.timeout(60000);
  before(function () { if (!existsSync(BUN)) this.skip(); });

  // bun x runs a bin whose first line names node with Node; it says so in the environment.
  it('reports Bun, not the Node that bun x started it with', () => {
    const cli = path.join(path.dirname(INDEX), 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'info', '--json'], {
      encoding: 'utf8', timeout: 60000, env: { ...process.env, npm_lifecycle_event: 'bunx', npm_execpath: BUN },
    });
    assert.equal((JSON.parse(r.stdout) as { runtime: string }).runtime, 'bun');
  });
});
