// Differential fuzzing of the native engine against a plain-JS reference interpreter that runs
// every micro-op through its `js` oracle (lib/compiler/trace/uops.ts). First the reference itself is
// checked against hand-written JS; then random valid programs must give bit-identical results
// (return value with Object.is, every typed-array argument byte for byte), approximate ops within
// the ulps their docs promise on this architecture (ULP_TOLERANCE), and mutated traces must be rejected
// with an Error or run correctly, never crash.
//
// JITCTL_FUZZ_PROGRAMS (default 6000) sets the number of exact programs (a quarter as many
// approximate ones, three quarters as many mutants); JITCTL_FUZZ_SEED (default 1) the base seed.
// The random runs happen in child processes so that a crash names the program that caused it.
// Replay one program: node tools/fuzz.mjs --mode <exact|approx|mutate> --replay <program seed>

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { available, compile, ElementKind, engineLimits, engineStatus, TraceBuilder, UOPS } from '../../lib/engine.js';
import { buildTrace, check, generateCase, materialize, programSeed, runCampaign, STEP_LIMIT, ULP_TOLERANCE, type FuzzCase } from './fuzz-programs.js';
import { TYPED_ARRAYS } from './helpers.js';
import {
  behaviourOf,
  interpret,
  isApproximate,
  runTrace,
  StepLimitError,
  TRACE_LIMITS,
  traceProblem,
  validateTrace,
} from './reference-interpreter.js';

const PROGRAMS = Number(process.env.JITCTL_FUZZ_PROGRAMS ?? 6000);
const BASE_SEED = Number(process.env.JITCTL_FUZZ_SEED ?? 1) >>> 0;

interface CampaignResult {
  failures: { fail: Record<string, unknown>; program?: string }[];
  done?: { done: number; verdicts: Record<string, number> };
  lastSeed?: number;
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

// Under an emulator (qemu-user without binfmt) a child node cannot be started: probe once.
let childNodeWorks: boolean | undefined;
/** Whether the engine compiles `words` (the kernel is freed at once). */
function engineAccepts(words: Int32Array): boolean {
  try {
    compile(words).free();
    return true;
  } catch {
    return false;
  }
}

function canStartChildNode(): boolean {
  childNodeWorks ??= spawnSync(process.execPath, ['-e', 'process.stdout.write("ok")'], { encoding: 'utf8', timeout: 60_000 }).stdout === 'ok';
  return childNodeWorks;
}

function campaign(mode: 'exact' | 'approx' | 'mutate', count: number): CampaignResult {
  if (!canStartChildNode()) return campaignInProcess(mode, count);
  const child = spawnSync(process.execPath, [join(__dirname, 'fuzz-programs.js'), mode, String(BASE_SEED), String(count)], {
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const result: CampaignResult = { failures: [], status: child.status, signal: child.signal, stderr: child.stderr ?? '' };
  for (const line of child.stdout.split('\n')) if (line) record(result, JSON.parse(line));
  return result;
}

// In this process a crash takes the test runner down: the program running is shown on stderr
// (a terminal), or every 500th program index (a log: rerun with JITCTL_FUZZ_PROGRAMS to narrow).
function campaignInProcess(mode: 'exact' | 'approx' | 'mutate', count: number): CampaignResult {
  const result: CampaignResult = { failures: [], status: 0, signal: null, stderr: '' };
  let index = 0;
  runCampaign(mode, BASE_SEED, count, (event) => {
    if ('start' in event && process.stderr.isTTY) process.stderr.write(`fuzz ${mode}: program ${String(event.start)}\x1b[K\r`);
    else if ('start' in event && index++ % 500 === 0) process.stderr.write(`fuzz ${mode}: base seed ${BASE_SEED}, program ${index - 1} (${String(event.start)})\n`);
    record(result, event as Record<string, unknown>);
  });
  return result;
}

function record(result: CampaignResult, event: Record<string, unknown>): void {
  if ('start' in event) result.lastSeed = event.start as number;
  else if ('fail' in event) result.failures.push(event as CampaignResult['failures'][number]);
  else if ('done' in event) result.done = event as CampaignResult['done'];
}

function report(mode: string, r: CampaignResult): string {
  const replay = (seed: unknown) => `node tools/fuzz.mjs --mode ${mode} --replay ${String(seed)}`;
  if (r.signal || r.status !== 0 || !r.done) {
    return `the ${mode} campaign (base seed ${BASE_SEED}) died (${r.signal ?? `exit ${r.status}`}) while running program ${r.lastSeed}\n` +
      `replay: ${replay(r.lastSeed)}\n${r.stderr.slice(-4000)}`;
  }
  return r.failures
    .slice(0, 5)
    .map((f) => `${JSON.stringify(f.fail)}\nreplay: ${replay(f.fail.seed)}${f.program ? `\n${f.program}` : ''}`)
    .join('\n\n');
}

describe('differential fuzzing of the native engine', () => {
  before('the native engine must be loaded (these tests never skip)', () => {
    assert.ok(available(), `the native engine is not available: ${engineStatus().error ?? 'unsupported architecture'}`);
  });

  describe('the reference interpreter agrees with plain JS', () => {
    it('runs a dot product loop over two Float64Arrays like JS', () => {
      const b = new TraceBuilder();
      const xs = b.view(ElementKind.Float64), ys = b.view(ElementKind.Float64);
      const i = b.slot('i32'), n = b.slot('i32'), one = b.slot('i32'), x = b.slot('f64'), y = b.slot('f64'), acc = b.slot('f64');
      const loop = b.label(), done = b.label();
      b.param(xs).param(ys).returns(acc).op('LENGTH', n, xs).op('CONST_I32', one, 1);
      b.define(loop).op('BR_GE_I32', i, n, done).op('LOAD_FLOAT64', x, xs, i, done).op('LOAD_FLOAT64', y, ys, i, done);
      b.op('MUL_F64', x, x, y).op('ADD_F64', acc, acc, x).op('ADD_I32', i, i, one).op('JUMP', loop);
      b.define(done).op('RETURN');
      const dot = (a: Float64Array, c: Float64Array) => {
        let s = 0;
        for (let k = 0; k < a.length; k++) {
          if (c[k] === undefined) break;
          s += a[k] * c[k];
        }
        return s;
      };
      const cases: [number[], number[]][] = [[[], []], [[1.5, -2, 1e308], [2, 0.5, 10]], [[-0, 3], [1]], [[NaN, 1], [0, 0]], [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]]];
      const got = cases.map(([a, c]) => interpret(b, [new Float64Array(a), new Float64Array(c)]));
      assert.deepEqual(got, cases.map(([a, c]) => dot(new Float64Array(a), new Float64Array(c))));
    });

    it('stores into every element kind exactly what `v[i] = x` stores, and nothing out of range', () => {
      const values = [300.7, -129, 2.5, 3.5, -0.5, NaN, Infinity, 2 ** 32 + 5, 1e-46, -1e300];
      for (let kind = 0; kind <= 8; kind++) {
        const def = UOPS.find((d) => d.name.startsWith('STORE_') && !d.name.endsWith('_I32') && d.viewKind === kind)!;
        const b = new TraceBuilder();
        const v = b.view(kind as ElementKind), i = b.slot('i32'), x = b.slot('f64');
        b.param(v).param(i).param(x).op(def.name, v, i, x).op('RETURN');
        const Array = TYPED_ARRAYS[kind];
        for (const index of [0, 3, 4, -1, 2 ** 31 - 1]) {
          const mine = new Array(4), theirs = new Array(4);
          for (const value of values) {
            interpret(b, [mine, index, value]);
            theirs[index] = value;
          }
          assert.deepEqual(Array.from(mine), Array.from(theirs), `${def.name} at ${index}`);
        }
      }
    });

    it('takes the miss label exactly where JS reads undefined (negative, past the end, huge index)', () => {
      const b = new TraceBuilder();
      const v = b.view(ElementKind.Int16), i = b.slot('i32'), d = b.slot('i32'), miss = b.label();
      b.param(v).param(i).returns(d).op('LOAD_INT16_I32', d, v, i, miss).op('RETURN');
      b.define(miss).op('CONST_I32', d, -99999).op('RETURN');
      const array = new Int16Array([-5, 7, 32767]);
      const indices = [0, 1, 2, 3, -1, 2 ** 31 - 1, -(2 ** 31)];
      assert.deepEqual(indices.map((k) => interpret(b, [array, k])), indices.map((k) => array[k] ?? -99999));
    });

    it('guards f64 indices like JS element access (-0 reads element 0; 1.5, NaN and -1 read undefined)', () => {
      const b = new TraceBuilder();
      const v = b.view(ElementKind.Float64), x = b.slot('f64'), i = b.slot('i32'), d = b.slot('f64'), miss = b.label();
      b.param(v).param(x).returns(d).op('F64_TO_INDEX', i, x, miss).op('LOAD_FLOAT64', d, v, i, miss).op('RETURN');
      b.define(miss).op('CONST_F64', d, -1).op('RETURN');
      const array = new Float64Array([10, 20, 30]);
      const xs = [0, -0, 2, 3, 1.5, NaN, -1, Infinity, 2 ** 32];
      assert.deepEqual(xs.map((x) => interpret(b, [array, x])), xs.map((x) => array[x as number] ?? -1));
    });

    it('runs integer loops with early exits like JS (Collatz steps with |0 arithmetic)', () => {
      const b = new TraceBuilder();
      const n = b.slot('i32'), steps = b.slot('i32'), one = b.slot('i32'), two = b.slot('i32'), three = b.slot('i32');
      const r = b.slot('i32'), limit = b.slot('i32'), loop = b.label(), odd = b.label(), next = b.label(), done = b.label();
      b.param(n).returns(steps).op('CONST_I32', one, 1).op('CONST_I32', two, 2).op('CONST_I32', three, 3).op('CONST_I32', limit, 1000);
      b.define(loop).op('BR_LE_I32', n, one, done).op('BR_GE_I32', steps, limit, done).op('MOD_I32', r, n, two).op('BR_TRUE_I32', r, odd);
      b.op('DIV_I32', n, n, two).op('JUMP', next);
      b.define(odd).op('IMUL_I32', n, n, three).op('ADD_I32', n, n, one);
      b.define(next).op('ADD_I32', steps, steps, one).op('JUMP', loop);
      b.define(done).op('RETURN');
      const collatz = (m: number) => {
        let s = 0;
        while (m > 1 && s < 1000) {
          m = m % 2 ? (Math.imul(m, 3) + 1) | 0 : (m / 2) | 0;
          s++;
        }
        return s;
      };
      const inputs = [1, 2, 27, 97, 2 ** 31 - 1, -7, 0];
      assert.deepEqual(inputs.map((m) => interpret(b, [m])), inputs.map(collatz));
    });

    it('keeps u32 slots as uint32 values (x >>> s, then back to f64)', () => {
      const b = new TraceBuilder();
      const x = b.slot('i32'), s = b.slot('i32'), u = b.slot('u32'), d = b.slot('f64');
      b.param(x).param(s).returns(d).op('SHR_U32', u, x, s).op('U32_TO_F64', d, u).op('RETURN');
      const pairs = [[-1, 0], [-1, 1], [-(2 ** 31), 32], [5, 33]];
      assert.deepEqual(pairs.map(([a, c]) => interpret(b, [a, c])), pairs.map(([a, c]) => a >>> c));
    });

    it('stops a program that does not end with a StepLimitError', () => {
      const b = new TraceBuilder();
      const loop = b.label();
      b.define(loop).op('JUMP', loop);
      assert.throws(() => interpret(b, [], { stepLimit: 1000 }), StepLimitError);
    });

    it('checks call arguments like kernel.call (count, int32 range, element kind)', () => {
      const b = new TraceBuilder();
      const i = b.slot('i32'), v = b.view(ElementKind.Uint32);
      b.param(i).param(v).op('RETURN');
      assert.throws(() => interpret(b, [1]), TypeError);
      assert.throws(() => interpret(b, [2 ** 31, new Uint32Array(1)]), TypeError);
      assert.throws(() => interpret(b, [1, new Int32Array(1)]), TypeError);
    });

    it('rejects exactly the malformed traces that the engine rejects', () => {
      const valid = (() => {
        const b = new TraceBuilder();
        const x = b.slot('f64'), y = b.slot('i32'), l = b.label();
        b.param(x).returns(x).op('F64_TO_I32', y, x).op('BR_TRUE_I32', y, l).op('NEG_F64', x, x);
        b.define(l).op('RETURN');
        return b.build();
      })();
      // Words: header 0-7, slot types 8-9, parameter 10-11, then F64_TO_I32 at 12 (operands 13,
      // 14), BR_TRUE_I32 at 15 (16, label 17), NEG_F64 at 18, LABEL at 21, RETURN at 23.
      const edit = (at: number, word: number) => Object.assign(valid.slice(), { [at]: word });
      const withoutReturn = (() => {
        const b = new TraceBuilder();
        const x = b.slot('f64');
        return b.param(x).op('NEG_F64', x, x).build();
      })();
      const traces: [string, Int32Array][] = [
        ['valid', valid],
        ['bad magic', edit(0, 0)],
        ['bad version', edit(1, 2)],
        ['too many slots', edit(2, 65_537)],
        ['slot of the wrong type', edit(13, 0)],
        ['slot out of range', edit(14, 2)],
        ['unknown opcode', edit(12, UOPS.length)],
        ['undefined label', edit(17, 5)],
        ['label defined twice', edit(18, 0)],
        ['falls off the end', withoutReturn],
        ['truncated', valid.slice(0, valid.length - 1)],
        ['unknown return type', edit(5, 7)],
        ['parameter of unknown kind', edit(10, 2)],
      ];
      assert.deepEqual(
        traces.map(([name, words]) => [name, traceProblem(words) === undefined, engineAccepts(words)]),
        traces.map(([name]) => [name, name === 'valid', name === 'valid']),
      );
    });

    it('enforces the limits the engine reports (engineLimits())', () => {
      const engine = engineLimits() as unknown as Record<string, number>;
      assert.deepEqual(
        Object.fromEntries(Object.keys(TRACE_LIMITS).map((key) => [key, engine[key]])),
        { ...TRACE_LIMITS },
      );
    });

    it('rejects a frame over 64 KiB as the engine does, and accepts one of exactly 64 KiB', () => {
      const frame = (slots: number) => {
        const b = new TraceBuilder();
        for (let i = 0; i < slots; i++) b.slot('f64');
        b.param(b.view(ElementKind.Float64));
        return b.op('RETURN').build();
      };
      // 8,190 slots x 8 + 1 view x 16 = 65,536 bytes; one slot more is over.
      assert.deepEqual(
        [8190, 8191].map((n) => [traceProblem(frame(n)) === undefined, engineAccepts(frame(n))]),
        [[true, true], [false, false]],
      );
    });
  });

  describe('the random program generator', () => {
    it('derives every op behaviour from the table (labels, jumps, returns, declines, values, loads, stores, guards, exact int32 ops, branches, the engine\'s proven accesses)', () => {
      const behaviours = new Set(UOPS.map((d) => behaviourOf(d)));
      assert.deepEqual([...behaviours].sort(), ['branch', 'decline', 'effect', 'exact', 'guard', 'internal', 'jump', 'label', 'load', 'return', 'value']);
    });

    it('draws every op a trace may name (exact ops in exact programs, approximate ones in approximate programs)', () => {
      const seen = new Set<string>();
      for (let i = 0; i < 300; i++) {
        for (const mode of ['exact', 'approx'] as const) generateCase(programSeed(BASE_SEED, i), mode).program.ops.forEach((op) => seen.add(op.name));
      }
      assert.deepEqual(UOPS.filter((d) => !d.internal && !seen.has(d.name)).map((d) => d.name), []);
    });

    it('keeps exact programs free of the ops documented as within some ulps here', () => {
      const approximate = new Set(UOPS.filter(isApproximate).map((d) => d.name));
      const offending = Array.from({ length: 200 }, (_, i) => generateCase(programSeed(BASE_SEED, i), 'exact'))
        .flatMap((c) => c.program.ops.filter((op) => approximate.has(op.name)).map((op) => `${c.seed}: ${op.name}`));
      assert.deepEqual(offending, []);
    });

    it('builds only valid traces that end', () => {
      const problems: string[] = [];
      for (let i = 0; i < 300; i++) {
        const c = generateCase(programSeed(BASE_SEED + 1, i), i % 2 ? 'exact' : 'approx');
        const problem = traceProblem(buildTrace(c.program));
        if (problem) problems.push(`${c.seed}: ${problem}`);
        else {
          try {
            runTrace(validateTrace(buildTrace(c.program)), materialize(c.plan).args, { stepLimit: STEP_LIMIT });
          } catch (error) {
            problems.push(`${c.seed}: ${String(error)}`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });

    it('is deterministic: one seed, one program and one set of arguments', () => {
      const a = generateCase(123456789, 'exact'), b = generateCase(123456789, 'exact');
      assert.deepEqual([buildTrace(a.program), a.plan], [buildTrace(b.program), b.plan]);
    });
  });

  describe('the differential check', () => {
    // One f64 argument and one Float64Array of one element; `ops` computes y from x and stores it.
    function kernelProgram(valueOp: string, returns: 'x' | 'y'): TraceBuilder {
      const b = new TraceBuilder();
      const x = b.slot('f64'), y = b.slot('f64'), v = b.view(ElementKind.Float64), zero = b.slot('i32');
      b.param(x).param(v).returns(returns === 'x' ? x : y).op(valueOp, y, x).op('STORE_FLOAT64', v, zero, y).op('RETURN');
      return b;
    }
    const plan: FuzzCase['plan'] = {
      buffers: [new Uint8Array(8)],
      args: [{ kind: 'number', value: 3 }, { kind: 'view', elementKind: ElementKind.Float64, buffer: 0, byteOffset: 0, length: 1 }],
    };
    const unused: FuzzCase['program'] = { slotTypes: [], viewKinds: [], params: [], ops: [] };
    // The engine runs `native`, the reference runs `reference`.
    const compare = (native: TraceBuilder, reference: TraceBuilder) =>
      check({ seed: 0, mode: 'exact', program: unused, plan }, native.build(), validateTrace(reference))?.what;

    it('reports a different return value', () => {
      assert.equal(compare(kernelProgram('NEG_F64', 'y'), kernelProgram('MOV_F64', 'y')), 'first call: return value');
    });

    it('reports a different typed-array element when the return values agree', () => {
      assert.equal(compare(kernelProgram('NEG_F64', 'x'), kernelProgram('MOV_F64', 'x')), 'first call: buffer 0');
    });

    it('finds no difference between a program and itself', () => {
      assert.equal(compare(kernelProgram('NEG_F64', 'y'), kernelProgram('NEG_F64', 'y')), undefined);
    });
  });

  describe(`random programs: the native engine against the reference (base seed ${BASE_SEED})`, function () {
    this.timeout(240_000);

    it(`${PROGRAMS} exact programs give bit-identical return values and typed arrays`, () => {
      const r = campaign('exact', PROGRAMS);
      assert.ok(r.done && r.failures.length === 0, report('exact', r));
    });

    it(`${Math.ceil(PROGRAMS / 4)} programs with approximate ops agree on those within their documented ulps (${Object.entries(ULP_TOLERANCE).map(([op, n]) => `${op} ${n}`).join(', ')}) and exactly elsewhere`, () => {
      const r = campaign('approx', Math.ceil(PROGRAMS / 4));
      assert.ok(r.done && r.failures.length === 0, report('approx', r));
    });

    it(`${Math.ceil((PROGRAMS * 3) / 4)} mutated traces are rejected with an Error or run like the reference, never crash`, () => {
      const r = campaign('mutate', Math.ceil((PROGRAMS * 3) / 4));
      assert.ok(r.done && r.failures.length === 0, report('mutate', r));
    });
  });
});
