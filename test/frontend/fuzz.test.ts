// The source-level differential fuzzer (docs/native-engine.md, "The source-level fuzzer"): random
// functions in the kernel subset, run by V8 (interpreter and optimized code) and by the native
// tier, compared bit for bit; near misses must decline. First the generator and the harness are
// checked on their own (with stand-ins for the native side), then the real campaign runs.
//
// JITCTL_FUZZ_COUNT sets the number of functions (default 2000; 200 on arm64, which runs under
// qemu); JITCTL_FUZZ_SEED the base seed (default 1). Longer runs: node tools/fuzz-source.mjs.

import assert from 'node:assert/strict';
import * as acorn from 'acorn';

import { available, engineStatus, UOPS } from '../../lib/engine.js';
import { lowerKernel, planKernel, signatureOf } from '../../lib/compiler/frontend/index.js';
import { isOptimized, status } from '../helpers/natives.js';
import { Rng } from '../native/fuzz-programs.js';
import { source, type Program } from './fuzz-ast.js';
import { cloneArgs, describeArgs, type Arg } from './fuzz-args.js';
import { runCampaign, summarize } from './fuzz-campaign.js';
import {
  argumentDifference, describeCase, functionOf, generateCase, generatorOptions, inexactMath, optimizedAfterOneCall, realNativeSide, runCase, runInterpreter, runOptimized,
  sameValue, type FuzzCase, type NativeSide,
} from './fuzz-harness.js';
import { minimize } from './fuzz-minimize.js';
import { NEAR_MISSES } from './fuzz-near-miss.js';
import { generateProgram } from './fuzz-source.js';

const COUNT = Number(process.env.JITCTL_FUZZ_COUNT ?? (process.arch === 'arm64' ? 200 : 2000));
const SEED = Number(process.env.JITCTL_FUZZ_SEED ?? 1) >>> 0;

type AnyNode = acorn.Node & Record<string, unknown>;
function nodes(src: string): AnyNode[] {
  const out: AnyNode[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (n && typeof n === 'object' && typeof (n as AnyNode).type === 'string') {
      out.push(n as AnyNode);
      for (const value of Object.values(n)) if (value && typeof value === 'object') visit(value);
    }
  };
  visit(acorn.parse(src, { ecmaVersion: 'latest' }));
  return out;
}

/** A native side that runs the JS itself (so it agrees), optionally changed by `tamper`. */
function jsNative(tamper?: (value: unknown, args: Arg[], src: string) => unknown): NativeSide {
  return {
    kernelFor(fn) {
      const src = fn.toString();
      return { ok: true, call: (...args: Arg[]) => (tamper ? tamper(fn(...args), args, src) : fn(...args)) };
    },
  };
}

const inSubset = (n: number) => Array.from({ length: n }, (_, i) => generateCase(SEED, i)).filter((c) => c.nearMiss === undefined);
/**
 * The cases of the base seed in order, up to `limit`: the coverage checks below draw until they
 * have seen everything they look for (usually within a few hundred), so that they hold for any
 * JITCTL_FUZZ_SEED and not only the default one.
 */
function* casesUpTo(limit: number): Generator<FuzzCase> {
  for (let i = 0; i < limit; i++) yield generateCase(SEED, i);
}

describe('the source-level fuzzer', function () {
  this.timeout(600_000);

  describe('the generator', () => {
    it('is deterministic: one seed, one function and the same arguments', () => {
      for (let i = 0; i < 50; i++) {
        const a = generateCase(SEED, i), b = generateCase(SEED, i);
        assert.equal(source(a.program), source(b.program));
        assert.deepEqual(a.argSets.map((args) => describeArgs(args)), b.argSets.map((args) => describeArgs(args)));
      }
      assert.notEqual(source(generateCase(SEED, 0).program), source(generateCase(SEED + 1, 0).program));
    });

    it('writes functions that parse, run in V8 without throwing on their arguments, and end quickly', () => {
      const problems: string[] = [];
      for (const c of inSubset(400)) {
        const started = Date.now();
        try {
          nodes(source(c.program));
          runInterpreter(c.program, c.argSets);
        } catch (error) {
          problems.push(`${String(error)}\n${describeCase(c)}`);
        }
        if (Date.now() - started > 2000) problems.push(`slow (${Date.now() - started} ms)\n${describeCase(c)}`);
      }
      assert.deepEqual(problems.slice(0, 3), []);
    });

    it('uses every operator, statement, Math function and element kind of the subset', () => {
      const options = generatorOptions();
      const expected = [
        ...['+', '-', '*', '/', '%', '|', '&', '^', '<<', '>>', '>>>', '<', '<=', '>', '>=', '===', '!==', '==', '!=', ...(options.pow ? ['**'] : [])].map((op) => `BinaryExpression ${op}`),
        ...['&&', '||', '??'].map((op) => `LogicalExpression ${op}`),
        ...['-', '+', '!', '~'].map((op) => `UnaryExpression ${op}`),
        ...['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '>>>=', '&&=', '||=', '??=', ...(options.pow ? ['**='] : [])].map((op) => `AssignmentExpression ${op}`),
        'UpdateExpression ++', 'UpdateExpression --', 'UpdateExpression ++ postfix', 'UpdateExpression -- postfix',
        'ForStatement', 'WhileStatement', 'DoWhileStatement', 'LabeledStatement', 'BreakStatement labeled', 'ContinueStatement labeled',
        'BreakStatement', 'ContinueStatement', 'IfStatement', 'ConditionalExpression', 'SequenceExpression', 'EmptyStatement', 'ReturnStatement',
        ...options.math.map((fn) => `Math.${fn}`), 'Math.PI', 'Math.E', 'Math.SQRT1_2',
        'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
        'shape function', 'shape arrow', 'shape arrowExpression', 'shape method', 'shape staticMethod',
      ];
      const seen = new Set<string>();
      for (const c of casesUpTo(6000)) {
        if (expected.every((x) => seen.has(x))) break;
        if (c.nearMiss !== undefined) continue;
        for (const n of nodes(source(c.program))) {
          seen.add(n.type);
          if (typeof n.operator === 'string') seen.add(`${n.type} ${n.operator}${n.prefix === false ? ' postfix' : ''}`);
          if (n.type === 'MemberExpression' && (n.object as AnyNode).type === 'Identifier' && (n.object as AnyNode).name === 'Math') seen.add(`Math.${(n.property as AnyNode).name}`);
          if ((n.type === 'BreakStatement' || n.type === 'ContinueStatement') && n.label) seen.add(`${n.type} labeled`);
        }
        for (const p of c.program.params) if (p.kind === 'array') seen.add(p.element);
        seen.add(`shape ${c.program.shape}`);
      }
      assert.deepEqual(expected.filter((x) => !seen.has(x)), []);
    });

    it('leaves out the Math functions that are not bit-identical to V8 here', () => {
      const inexact = inexactMath();
      assert.deepEqual(generatorOptions().math.filter((fn) => inexact.has(fn)), []);
      assert.ok(inexactMath('arm64', '12.4.254').has('tan'), 'tan is within 1 ulp on arm64 (docs/uops.md)');
      assert.ok(!inexactMath('x64', '12.4.254').has('tan') && !inexactMath('arm64', '12.4.254').has('sin'));
      assert.ok(inexactMath('x64', '12.4.254').has('pow') && !inexactMath('x64', '13.6.233').has('pow'));
    });

    it('makes near misses that are valid JavaScript and contain their construct', () => {
      const rng = new Rng(7);
      const base = generateProgram(3, generatorOptions());
      const withArrayAndNumber: Program = { ...base, params: [{ kind: 'array', name: 'a', element: 'Float64Array' }, { kind: 'number', name: 'n', bound: false }] };
      for (const miss of NEAR_MISSES) {
        for (const returnsValue of [true, false]) {
          const p: Program = { ...withArrayAndNumber, returnsValue, body: returnsValue ? [...base.body.filter((s) => s.t !== 'return'), { t: 'return', e: { t: 'num', v: 1 } }] : base.body.filter((s) => s.t !== 'return') };
          const program = miss.apply(p, rng);
          if (!program) continue;
          const found = nodes(source(program));
          for (const type of miss.adds) assert.ok(found.some((n) => n.type === type), `${miss.name}: no ${type} in ${source(program)}`);
          if (miss.name.includes('async')) assert.ok(found.some((n) => n.async === true), miss.name);
          if (miss.name.includes('generator')) assert.ok(found.some((n) => n.generator === true), miss.name);
          assert.notEqual(source(program), source(p), miss.name);
        }
      }
      const names = new Set<string>();
      for (const c of casesUpTo(30_000)) {
        if (names.size === NEAR_MISSES.length) break;
        if (c.nearMiss !== undefined) names.add(c.nearMiss);
      }
      assert.deepEqual(NEAR_MISSES.map((m) => m.name).filter((n) => !names.has(n)), []);
    });

    it('draws arguments with lengths 0..64, edge numbers, and aliasing that copies keep', () => {
      let lengths = new Set<number>(), same = 0, sharedBuffer = 0, offset = 0;
      const numbers = new Set<string>();
      for (const c of inSubset(600)) {
        for (const args of c.argSets) {
          args.forEach((a, i) => {
            if (typeof a === 'number') numbers.add(Object.is(a, -0) ? '-0' : String(a));
            else {
              lengths.add(a.length);
              if (a.byteOffset > 0) offset++;
              if (args.indexOf(a) !== i) same++;
              else if (args.some((b, j) => j !== i && typeof b !== 'number' && b !== a && b.buffer === a.buffer)) sharedBuffer++;
            }
          });
          const copy = cloneArgs(args);
          assert.equal(describeArgs(copy), describeArgs(args));
          copy.forEach((x, i) => {
            if (typeof x === 'number') return;
            assert.notEqual(x, args[i]);
            assert.equal(copy.indexOf(x), args.indexOf(args[i]));
            assert.equal(copy.some((y, j) => typeof y !== 'number' && y.buffer === x.buffer && y !== x), (args as Arg[]).some((y, j) => typeof y !== 'number' && y.buffer === (args[i] as Exclude<Arg, number>).buffer && y !== args[i]));
          });
        }
      }
      lengths = new Set([...lengths].filter((n) => n <= 64));
      assert.ok(lengths.has(0) && lengths.has(64) && lengths.size > 12, [...lengths].join());
      for (const edge of ['-0', 'NaN', 'Infinity', '-Infinity', '2147483647', '-2147483648', '4294967295', '9007199254740992']) assert.ok(numbers.has(edge), edge);
      assert.ok(same > 0 && sharedBuffer > 0 && offset > 0, `same ${same}, shared ${sharedBuffer}, offset ${offset}`);
    });
  });

  describe('the harness', () => {
    it('counts two NaNs as equal and -0 as different from 0', () => {
      assert.ok(sameValue(NaN, -NaN) && sameValue(undefined, undefined) && sameValue(-0, -0));
      assert.ok(!sameValue(0, -0) && !sameValue(NaN, undefined) && !sameValue(1, '1'));
    });

    it('compares every byte of every buffer, float NaNs aside', () => {
      const nan1 = new Float64Array(2), nan2 = new Float64Array(2);
      new Uint32Array(nan1.buffer).set([0, 0x7ff80000]);
      new Uint32Array(nan2.buffer).set([0, 0xfff80000]);
      assert.equal(argumentDifference([nan1], [nan2]), undefined);
      assert.match(argumentDifference([new Float64Array([-0])], [new Float64Array([0])]) ?? '', /element 0: -0 vs 0/);
      assert.match(argumentDifference([new Uint8Array(nan1.buffer)], [new Uint8Array(nan2.buffer)]) ?? '', /byte 7/);
      const big = new ArrayBuffer(8), other = new ArrayBuffer(8);
      new Uint8Array(other)[7] = 1;
      assert.match(argumentDifference([new Int16Array(big, 0, 2)], [new Int16Array(other, 0, 2)]) ?? '', /outside the view/);
    });

    it('runs the interpreter and the optimized copy on their own copies, and they agree', () => {
      let disagree = 0;
      for (const c of inSubset(150)) {
        const before = c.argSets.map((args) => describeArgs(args));
        const a = runInterpreter(c.program, c.argSets), b = runOptimized(c.program, c.argSets);
        assert.deepEqual(c.argSets.map((args) => describeArgs(args)), before, 'the original arguments stay untouched');
        a.forEach((r, i) => {
          if (!sameValue(r.value, b[i].value) || argumentDifference(r.args, b[i].args)) disagree++;
        });
      }
      assert.equal(disagree, 0);
    });

    it('really optimizes the optimized copy (V8 reports optimized code after its next call)', () => {
      const program: Program = {
        shape: 'function', returnsValue: true,
        params: [{ kind: 'array', name: 'a', element: 'Float64Array' }],
        body: [
          { t: 'decl', kw: 'let', decls: [['s', { t: 'num', v: 0 }]] },
          { t: 'for', label: null, counter: 'i', declare: true, init: { t: 'num', v: 0 }, op: '<', bound: { t: 'len', array: 'a' }, flipped: false, squared: false, update: 'i++',
            body: [{ t: 'expr', e: { t: 'assign', op: '+=', target: { t: 'var', name: 's' }, v: { t: 'load', array: 'a', index: { t: 'var', name: 'i' } } } }] },
          { t: 'return', e: { t: 'var', name: 's' } },
        ],
      };
      const args = [[new Float64Array([1, 2, 3.5])]];
      const { fn, value } = optimizedAfterOneCall(program, args);
      assert.equal(value, 6.5);
      assert.ok(isOptimized(fn), `status ${status(fn)}`);
      assert.equal(runOptimized(program, args)[0].value, 6.5);
    });

    it('finds no difference with a native side that runs the JS itself', () => {
      const outcomes = inSubset(100).map((c) => runCase(c, jsNative()));
      assert.deepEqual(outcomes.filter((o) => o.kind !== 'match'), []);
    });

    it('reports a different return value, a different element, a throw, a decline and a near miss that compiles', () => {
      const c = inSubset(40).find((x) => x.program.returnsValue && x.program.params.some((p) => p.kind === 'array'))!;
      const off = runCase(c, jsNative((v) => (typeof v === 'number' ? v + 1 : v)));
      assert.equal(off.kind === 'failure' && off.what, 'mismatch');
      assert.match(off.kind === 'failure' ? off.detail : '', /return value/);
      const scribble = runCase(c, jsNative((v, args) => {
        for (const a of args) if (typeof a !== 'number') new Uint8Array(a.buffer)[0] ^= 0x10;
        return v;
      }));
      assert.match(scribble.kind === 'failure' ? scribble.detail : '', /^argument \d/);
      const throws = runCase(c, { kernelFor: () => { throw new Error('boom'); } });
      assert.equal(throws.kind === 'failure' && throws.what, 'the front end or compile() threw');
      const declines = runCase(c, { kernelFor: () => ({ ok: false, at: 'plan' }) });
      assert.equal(declines.kind, 'declined');
      const internal = runCase(c, { kernelFor: () => ({ ok: false, at: 'lower', decline: { construct: 'x', line: 1, column: 1, reason: 'internal error: no slot', fix: '', message: '' } }) });
      assert.equal(internal.kind === 'failure' && internal.what, 'an internal error');
      const miss = Array.from({ length: 200 }, (_, i) => generateCase(SEED, i)).find((x) => x.nearMiss !== undefined)!;
      assert.match((() => { const o = runCase(miss, jsNative()); return o.kind === 'failure' ? o.what : o.kind; })(), /a near miss compiled/);
      assert.equal(runCase(miss, { kernelFor: () => ({ ok: false, at: 'plan' }) }).kind, 'declined');
    });

    it('minimizes a failure to a small function that still fails the same way', () => {
      // A stand-in "bug": results are off by one whenever the function uses Math.floor.
      const buggy = jsNative((v, _args, src) => (typeof v === 'number' && src.includes('Math.floor') ? v + 1 : v));
      // (A case whose results are all NaN does not show the bug: NaN + 1 is NaN.)
      const c = inSubset(400).find((x) => x.program.returnsValue && source(x.program).includes('Math.floor') && source(x.program).length > 600 && runCase(x, buggy).kind === 'failure');
      assert.ok(c, 'a large case with Math.floor that the stand-in bug changes');
      const outcome = runCase(c, buggy);
      assert.equal(outcome.kind, 'failure');
      const small = minimize(c, outcome, buggy, 20_000);
      const text = source(small.case.program);
      assert.ok(text.includes('Math.floor') && text.length < source(c.program).length / 3, text);
      assert.equal(small.case.argSets.length, 1);
      const rerun = runCase(small.case, buggy);
      assert.equal(rerun.kind === 'failure' && rerun.what, 'mismatch');
    });

    it('prints a case as JS that replays it: the source, then each argument set rebuilt and passed', () => {
      for (const c of inSubset(60)) {
        const text = describeCase(c).split('\n').slice(1);
        assert.deepEqual(text, [`const kernel = ${source(c.program)};`, ...c.argSets.map((args) => describeArgs(args))].join('\n').split('\n'));
        // The same calls with a callee that records the arguments it gets and what the kernel returns.
        const seen: unknown[] = [];
        const replay = new Function('record', [`const kernel = ${source(c.program)};`, ...c.argSets.map((args) => describeArgs(args, 'record'))].join('\n'));
        replay((...args: Arg[]) => seen.push(describeArgs(args), functionOf(c.program, 'replay')(...args)));
        const expected = runInterpreter(c.program, c.argSets).flatMap((run, i) => [describeArgs(c.argSets[i]), run.value]);
        assert.equal(seen.length, expected.length);
        seen.forEach((x, i) => assert.ok(i % 2 === 0 ? x === expected[i] : sameValue(x, expected[i]), `${i}: ${String(x)} vs ${String(expected[i])}`));
      }
    });
  });

  describe(`the native tier against V8 (base seed ${SEED}, ${COUNT} functions)`, function () {
    before(function () {
      if (!available()) {
        console.log(`    skipped: the native engine is not available (${engineStatus().error ?? 'unsupported architecture'})`);
        this.skip();
      }
    });

    it('compiles a value-position `||` of two booleans (found by this fuzzer) and matches V8', () => {
      const program: Program = {
        shape: 'function', returnsValue: true, params: [{ kind: 'number', name: 'n', bound: false }],
        body: [
          { t: 'decl', kw: 'const', decls: [['v', { t: 'binary', op: '||', a: { t: 'binary', op: '<', a: { t: 'var', name: 'n' }, b: { t: 'num', v: 1 } }, b: { t: 'binary', op: '>', a: { t: 'var', name: 'n' }, b: { t: 'num', v: 3 } } }]] },
          { t: 'return', e: { t: 'unary', op: '+', a: { t: 'var', name: 'v' } } },
        ],
      };
      const outcome = runCase({ seed: 0, program, argSets: [[0], [2], [5], [NaN], [2.5]] });
      assert.deepEqual(outcome, { kind: 'match', v8TiersDisagree: false });
    });

    it('runs its narrowing loop tests with the variable in and out of the range, speculating (a shape random arguments rarely reach)', () => {
      // generateProgram's narrowing(): `(v >= lo) && (v < hi)` on a parameter. The random
      // arguments seldom put v past the range while the sum it feeds is an f64; these do. With
      // the speculated and the proven keys of shared-values.ts made equal again (the bug fixed
      // on 2026-12-07), one of these 80 functions at base seed 1 returns a wrapped value, where
      // random campaigns of 30,000 and 60,000 cases found none.
      const native = realNativeSide({ inexactMath: inexactMath(), speculate: true });
      let shapes = 0;
      for (let i = 0; i < 20_000 && shapes < 80; i++) {
        const c = generateCase(SEED, i);
        const text = source(c.program);
        const range = /\(\((\w) >= (-?\d+)\) && \(\1 < (\d+)\)\)/.exec(text);
        if (c.nearMiss !== undefined || !range) continue;
        shapes++;
        const [, v, , hi] = range;
        const argSets = [Number(hi) + 3, Number(hi) * 3 + 1, -Number(hi) - 5, Number(hi) - 1].map((x) =>
          c.program.params.map((p, k) => (p.kind === 'array' ? c.argSets[0][k] : p.name === v ? x : 0.5)));
        const outcome = runCase({ ...c, argSets }, native);
        assert.ok(outcome.kind !== 'failure', `${text}\n${describeArgs(argSets[0])}\n${outcome.kind === 'failure' ? `${outcome.what}: ${outcome.detail}` : ''}`);
      }
      assert.ok(shapes >= 80, `only ${shapes} narrowing loops`);
    });

    it('writes functions whose kernels use every micro-op (but the Math ops not exact here)', () => {
      const skipped = new Set([...inexactMath()].map((fn) => `${fn.toUpperCase()}_F64`));
      const expected = UOPS.filter((d) => !d.pseudo && !d.internal && !skipped.has(d.name)).map((d) => d.name);
      const seen = new Set<string>();
      // Until every op was seen (not JITCTL_FUZZ_COUNT): lowering alone is cheap, even under qemu.
      for (const c of casesUpTo(8000)) {
        if (expected.every((name) => seen.has(name))) break;
        if (c.nearMiss !== undefined) continue;
        const planned = planKernel(functionOf(c.program, 'uops'));
        if (!planned.ok) continue;
        for (const args of c.argSets) {
          // With and without int32 speculation, as the native tier lowers a function.
          for (const speculate of [false, true]) {
            const lowered = lowerKernel(planned.plan, signatureOf(args)!, { inexactMath: inexactMath(), speculate });
            if (lowered.ok) for (const uop of lowered.kernel.uops) seen.add(uop.split(' ')[0]);
          }
        }
      }
      assert.deepEqual(expected.filter((name) => !seen.has(name)), []);
    });

    it('compiles in-subset functions to kernels that match V8 bit for bit, and declines every near miss', () => {
      const started = Date.now();
      const result = runCampaign({
        baseSeed: SEED,
        count: COUNT,
        minimizeMs: 20_000,
        maxMinimized: 3,
        onProgress: (done) => {
          if (done % 500 === 0) process.stderr.write(`      source fuzzer: ${done}/${COUNT} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
        },
      });
      console.log(summarize(result).replace(/^/gm, '      '));
      assert.equal(result.failures.length, 0, `${result.failures.length} failures; the first ones, minimized:\n\n${result.failures.slice(0, 3).map((f) => f.report).join('\n\n')}`);
    });
  });
});
