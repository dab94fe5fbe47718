// The kernel benchmark suite (bench/kernels.ts): its kernels compute what their names say, the
// runner's output has the promised structure on a quick run of two kernels (not its timings), bad
// arguments are refused, and the chart and the docs writer produce well-formed output from a
// results file made up here.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chartSvg, replaceSection, SECTION_END, SECTION_START, writeDocs } from '../bench/kernel-chart.js';
import { difference } from '../bench/kernel-compare.js';
import { freshCopy } from '../bench/kernel-fresh.js';
import { countIterations, instrumented } from '../bench/kernel-iterations.js';
import type { KernelRaw, SuiteResults } from '../bench/kernel-results.js';
import { summarizeSuite } from '../bench/kernel-results.js';
import { turbofanCompiles } from '../bench/kernel-turbofan.js';
import { KERNELS, selectKernels } from '../bench/kernels/index.js';
import type { KernelSpec } from '../bench/kernels/spec.js';

const RUNNER = path.join(__dirname, '..', 'bench', 'kernels.js');

/** Throws unless `xml` is well-formed: balanced tags, quoted attributes, escaped text, one <svg> root. */
function assertWellFormed(xml: string): void {
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot);[^"<&]*)*")*)\s*(\/?)>/g;
  const stack: string[] = [];
  let roots = 0, last = 0;
  const checkText = (text: string) => {
    assert.ok(!/[<>]/.test(text), `stray markup in text: ${JSON.stringify(text.slice(0, 80))}`);
    assert.ok(!/&(?!amp;|lt;|gt;|quot;)/.test(text), `unescaped & in text: ${JSON.stringify(text.slice(0, 80))}`);
  };
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    checkText(xml.slice(last, m.index));
    last = token.lastIndex;
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name);
    }
  }
  checkText(xml.slice(last));
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1);
  assert.ok(xml.trimStart().startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
}

function fakeRaw(name: string, plainNs: number, nativeNs: number | null, routerNs: number): KernelRaw {
  return {
    name, what: `${name} <&> "kernel"`, known: [], sane: true,
    native: nativeNs === null ? { available: false, reason: 'a call of `f` at line 2, column 3: calls are outside the kernel subset; inline it' } : { available: true, tier: 'native', uops: 12 },
    router: { tier: nativeNs === null ? 'v8' : 'native', reason: 'test' }, mismatches: [],
    firstCall: { plainMs: [4, 5, 6], nativeMs: nativeNs === null ? [] : [0.5, 0.4, 0.6] },
    steady: { plainNs: [plainNs, plainNs * 1.1], nativeNs: nativeNs === null ? [] : [nativeNs], routerNs: [routerNs], batch: 10, turbofan: { reached: true, calls: 3, forced: false, stillAfter: true } },
    compile: { jitctlMs: nativeNs === null ? [] : [0.02, 0.03], planMs: [], lowerMs: [], engineMs: [], turbofanMs: [1.2, 1.4], turbofanTotalMs: [3, 4] },
    errors: [],
  };
}

function fakeResults(): SuiteResults {
  return {
    runtime: 'Node <&> 20', arch: 'x64', date: '2026-01-02T03:04:05.000Z', quick: true, passes: 1,
    kernels: [
      fakeRaw('faster', 1_000_000, 250_000, 1_000_000),  // native 4x faster than TurboFan
      fakeRaw('slower', 1_000_000, 2_000_000, 1_050_000), // native 0.5x
      fakeRaw('declined', 1_000_000, null, 980_000),
      fakeRaw('extreme', 1_000_000, 2_000, 1_000_000),    // 500x: beyond the widest scale, clipped
    ],
  };
}

/** x of every bar <rect> with its width, in the order written (native, router per row). */
function bars(svg: string): Array<{ x: number; width: number; title: string }> {
  return [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="9" fill="[^"]+"><title>([^<]*)<\/title>/g)]
    .map((m) => ({ x: Number(m[1]), width: Number(m[2]), title: m[3] }));
}

describe('bench: the kernel suite', function () {
  this.timeout(180_000);

  it('has at least 20 kernels with unique names, and each one gives its known answers as a plain function', () => {
    assert.ok(KERNELS.length >= 20);
    assert.equal(new Set(KERNELS.map((k) => k.name)).size, KERNELS.length);
    for (const kernel of KERNELS) {
      assert.ok(kernel.known.length > 0, `${kernel.name} has no known answer`);
      for (const known of kernel.known) {
        const args = known.args();
        const result = kernel.fn(...args);
        if (known.result !== undefined) assert.ok(Object.is(result, known.result), `${kernel.name}: ${String(result)} !== ${known.result}`);
        if (known.output) assert.deepEqual(Array.from(args[known.output.arg] as ArrayLike<number>), known.output.values, kernel.name);
      }
    }
  });

  it('makes fresh copies that compute the same and are new functions under new names', () => {
    const [spec] = selectKernels('fnv1a');
    const a = freshCopy(spec.fn, 't'), b = freshCopy(spec.fn, 't');
    assert.notEqual(a, b);
    assert.notEqual(a.name, b.name);
    assert.ok(a.name.startsWith('fnv1a_t'));
    const input = spec.inputs();
    assert.equal(a(...input), spec.fn(...input));
  });

  it('compares runs bit for bit: -0 and 0 differ, NaNs are equal, typed arrays by content', () => {
    const f = (xs: number[]) => Float64Array.from(xs);
    assert.equal(difference(1, [f([1, NaN])], 1, [f([1, NaN])]), undefined);
    assert.match(difference(0, [], -0, []) ?? '', /result 0 against 0/);
    assert.match(difference(1, [f([1, 0])], 1, [f([1, -0])]) ?? '', /argument 0\[1\]/);
    assert.match(difference(undefined, [Int32Array.of(1, 2)], undefined, [Int32Array.of(1, 3)]) ?? '', /argument 0, byte 4/);
  });

  it('reads TurboFan compile times from --trace-opt lines: per name, OSR marked, other lines ignored', () => {
    const trace = [
      '[compiling method 0x1 <JSFunction dot_tfc1 (sfi = 0x2)> (target TURBOFAN) OSR, mode: ConcurrencyMode::kConcurrent]',
      '[completed compiling 0x1 <JSFunction dot_tfc1 (sfi = 0x2)> (target TURBOFAN) OSR - took 0.015, 1.395, 0.032 ms]',
      '[completed compiling 0x1 <JSFunction dot_tfc1 (sfi = 0x2)> (target TURBOFAN) - took 0.011, 0.891, 0.022 ms]',
      '[completed compiling 0x3 <JSFunction dot_tfc10 (sfi = 0x4)> (target TURBOFAN) - took 1, 2, 3 ms]',
      '[completed compiling 0x5 <JSFunction other (sfi = 0x6)> (target TURBOFAN) - took 1, 1, 1 ms]',
      '[completed compiling 0x1 <JSFunction dot_tfc1 (sfi = 0x2)> (target TURBOFAN) - took garbage ms]',
    ].join('\n');
    const compiles = turbofanCompiles(trace, ['dot_tfc1', 'dot_tfc2']);
    assert.deepEqual([...compiles.keys()], ['dot_tfc1']);
    const [osr, full] = compiles.get('dot_tfc1')!;
    assert.equal(compiles.get('dot_tfc1')!.length, 2);
    assert.equal(osr.osr, true);
    assert.ok(Math.abs(osr.ms - 1.442) < 1e-9);
    assert.equal(full.osr, false);
    assert.ok(Math.abs(full.ms - 0.924) < 1e-9);
    // Node 24 and later print TURBOFAN_JS; Maglev compiles are not TurboFan's.
    const newer = turbofanCompiles([
      '[completed compiling 0x1 <JSFunction dot_tfc2 (sfi = 0x2)> (target MAGLEV) OSR - took 0.001, 1.057, 0.007 ms]',
      '[completed compiling 0x1 <JSFunction dot_tfc2 (sfi = 0x2)> (target TURBOFAN_JS) - took 0.004, 1.040, 0.014 ms]',
    ].join('\n'), ['dot_tfc2']);
    assert.deepEqual(newer.get('dot_tfc2')?.map((c) => [c.osr, Math.round(c.ms * 1000)]), [[false, 1058]]);
  });

  it('counts loop iterations on an instrumented copy: every body of every loop, blocks or not', () => {
    const spec = (fn: KernelSpec['fn'], inputs: unknown[]): KernelSpec => ({ name: 't', what: 't', fn, inputs: () => inputs, known: [] });
    assert.equal(countIterations(spec((n: number) => { let s = 0; for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) s += j; return s; }, [5])), 5 + 10);
    assert.equal(countIterations(spec((n: number) => { let k = 0; while (k < n) k++; do k--; while (k > 2); return k; }, [7])), 7 + 5);
    // A string or a comment that looks like a loop is not one.
    assert.equal(countIterations(spec((n: number) => { const s = 'for (;;) {}'; /* while (1) {} */ return n + s.length; }, [1])), 0);
    assert.doesNotThrow(() => instrumented((a: Float64Array) => { for (const x of a) void x; }));
  });

  it('refuses unknown kernels and bad arguments', () => {
    assert.throws(() => selectKernels('dot,nope'), /unknown kernel\(s\): nope/);
    for (const args of [['--kernels', 'nope'], ['--passes', '0'], ['--frobnicate']]) {
      const r = spawnSync(process.execPath, [RUNNER, ...args], { encoding: 'utf8' });
      assert.notEqual(r.status, 0, args.join(' '));
    }
  });

  it('runs --quick on two kernels: progress per kernel and phase, a table, raw results with every measurement', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jitctl-bench-test-'));
    try {
      const json = path.join(dir, 'out.json');
      const r = spawnSync(process.execPath, [RUNNER, '--quick', '--kernels', 'dot,fnv1a', '--json', json], { encoding: 'utf8', timeout: 170_000 });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      for (const name of ['dot', 'fnv1a']) {
        assert.match(r.stderr, new RegExp(`\\] ${name}: `));
        for (const phase of ['native: ', 'first call done', 'steady state done', 'TurboFan compiles done']) assert.ok(r.stderr.includes(`${name}: ${phase}`), `${name}: ${phase}`);
        assert.match(r.stdout, new RegExp(`^\\| ${name} \\|`, 'm'));
      }
      assert.match(r.stdout, /^\| \*\*geomean\*\* \|/m);
      const results = JSON.parse(readFileSync(json, 'utf8')) as SuiteResults;
      assert.deepEqual(results.kernels.map((k) => k.name), ['dot', 'fnv1a']);
      assert.equal(results.quick, true);
      const positive = (xs: number[], what: string) => {
        assert.ok(xs.length > 0, `${what} is empty`);
        assert.ok(xs.every((x) => Number.isFinite(x) && x > 0), `${what}: ${xs.join(', ')}`);
      };
      for (const k of results.kernels) {
        positive(k.firstCall.plainMs, `${k.name} first call`);
        positive(k.steady.plainNs, `${k.name} TurboFan`);
        positive(k.steady.routerNs, `${k.name} router`);
        positive(k.compile.turbofanMs, `${k.name} TurboFan compile`);
        assert.equal(k.iterations, 262_144, `${k.name}: one iteration per byte or element`);
        assert.deepEqual(k.mismatches, []);
        assert.deepEqual(k.known, []);
        if (k.native.available) {
          positive(k.steady.nativeNs, `${k.name} native`);
          positive(k.firstCall.nativeMs, `${k.name} native first call`);
          positive(k.compile.jitctlMs, `${k.name} jitctl compile`);
        } else {
          assert.ok(typeof k.native.reason === 'string' && k.native.reason.length > 0);
          assert.deepEqual(k.steady.nativeNs, []);
          assert.ok(r.stderr.includes(`${k.name}: native: not available: ${k.native.reason}`));
          assert.ok(r.stdout.includes(`native: not available: ${k.native.reason}`));
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('draws a well-formed chart: bars right of 1x when faster, left when slower, n/a when declined, clipped at the scale', () => {
    const results = fakeResults();
    const svg = chartSvg(results);
    assertWellFormed(svg);
    const drawn = bars(svg);
    const one = Number(/<line x1="([\d.]+)"[^>]*stroke-width="1.5"/.exec(svg)?.[1]);
    const bar = (title: string) => drawn.find((b) => b.title.startsWith(title));
    const faster = bar('faster, native'), slower = bar('slower, native'), extreme = bar('extreme, native');
    assert.ok(faster && slower && extreme);
    assert.ok(Math.abs(faster.x - one) < 0.2 && faster.width > 10, 'a faster bar starts at 1x and goes right');
    assert.ok(Math.abs(slower.x + slower.width - one) < 0.2, 'a slower bar ends at 1x');
    assert.ok(extreme.x + extreme.width <= 820, 'clipped inside the chart');
    assert.equal(bar('declined, native'), undefined);
    assert.match(svg, /native n\/a/);
    assert.match(svg, />geomean</);
    assert.ok(svg.includes('Node &lt;&amp;&gt; 20') && !svg.includes('<&>'), 'text is escaped');
    // The plain medians are 1.05 ms: 4.2x, 0.525x and 525x; the declined kernel is left out.
    const summary = summarizeSuite(results);
    assert.ok(Math.abs(summary.geomean.nativeVsTurbofan! - Math.cbrt(4.2 * 0.525 * 525)) < 1e-9, 'geomean of the available kernels only');
  });

  it('writes the docs section between its markers, idempotently, and refuses broken markers', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jitctl-bench-docs-'));
    try {
      const docs = path.join(dir, 'benchmarks.md');
      writeFileSync(docs, '# Benchmarks\n\nbefore\n');
      writeDocs(fakeResults(), { docs });
      const first = readFileSync(docs, 'utf8');
      assert.ok(first.startsWith('# Benchmarks\n\nbefore\n'));
      assert.ok(first.includes(SECTION_START) && first.includes(SECTION_END));
      // First call 5 ms plain, 0.5 ms native; bound: 5 ms over the kernel's 0.25 ms call.
      assert.match(first, /\| faster \| 5\.00 \/ 0\.50 \| 10\.0x \(20\.0x\) \| 1\.05 \| 4\.20x \|/);
      assert.match(first, /\| slower \| 5\.00 \/ 0\.50 \| 10\.0x \(2\.50x\) \|/);
      assert.match(first, /2 of 3 kernels have a bound of 10x or more \(faster, extreme\)/);
      assert.match(first, /native: not available: a call of `f`/);
      assert.match(first, /!\[[^\]]*\]\(kernels\.svg\)/);
      assertWellFormed(readFileSync(path.join(dir, 'kernels.svg'), 'utf8'));
      writeFileSync(docs, `${first}\nafter\n`);
      writeDocs(fakeResults(), { docs });
      const second = readFileSync(docs, 'utf8');
      assert.equal(second, `${first}\nafter\n`);
      assert.throws(() => replaceSection(`x ${SECTION_END} y ${SECTION_START}`, 'z', '## h'), /markers are broken/);
      assert.throws(() => replaceSection(`x ${SECTION_START} y`, 'z', '## h'), /markers are broken/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
