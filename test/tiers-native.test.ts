// The native tier: routing (jitFocus and jitOnce go native, jitIgnore never), the wrapper's exact
// semantics (a call a kernel does not take runs the JS function, with its `this` and arguments),
// the per-signature cache, the Math check, stats().native and the adaptive choice.
//
// Two halves. "with hand-made kernels" drives the tier's own modules with kernels built by hand
// (TraceBuilder traces behind a stand-in front end), so the wrapper and the cache are tested
// without the front end. "through the hints" uses the public surface and the real front end.
//
// Exactness is bit for bit (Object.is). NaN payloads aside: V8's own tiers differ on NaN bits, so
// two NaNs count as equal (Object.is already does that for numbers).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { engineStatus, ElementKind, TraceBuilder } from '../lib/engine.js';
import { explain, formatStats, jitFocus, jitIgnore, jitOnce, stats } from '../lib/index.js';
import { nativeFunction, type NativeSetup } from '../lib/tiers/native.js';
import { checkArgument } from '../lib/tiers/native-args.js';
import { MAX_SIGNATURES } from '../lib/tiers/native-kernels.js';
import { AdaptiveChoice, MIN_JUDGE_CALLS, RECHECK_FACTOR, Route, type ChoiceHost } from '../lib/tiers/native-choice.js';
import type { FrontEnd } from '../lib/tiers/native-kernels.js';
import { lowerKernel, planKernel, signatureOf, type ArgKind, type KernelPlan, type LowerResult, type Signature } from '../lib/compiler/frontend/index.js';
import { numberLane } from '../lib/compiler/native/binding.js';
import type { FunctionIR } from '../lib/compiler/frontend/ir.js';
import type { AnyFunction } from '../lib/types.js';
import { recordNamed } from './helpers/records.js';

const engineCompiles = (() => {
  const status = engineStatus();
  return status.loaded && status.supported && !status.refusal;
})();

// ---- a stand-in front end ----------------------------------------------------------------------

const ARRAY_KINDS: Record<string, number> = {
  Int8Array: ElementKind.Int8, Uint8Array: ElementKind.Uint8, Uint8ClampedArray: ElementKind.Uint8Clamped,
  Int16Array: ElementKind.Int16, Uint16Array: ElementKind.Uint16, Int32Array: ElementKind.Int32,
  Uint32Array: ElementKind.Uint32, Float32Array: ElementKind.Float32, Float64Array: ElementKind.Float64,
};

function kindOf(value: unknown): ArgKind | undefined {
  if (typeof value === 'number') return (value | 0) === value && (value !== 0 || 1 / value > 0) ? 'i32' : 'f64';
  for (const name of Object.keys(ARRAY_KINDS)) {
    const ctor = (globalThis as unknown as Record<string, { prototype: object }>)[name];
    if (ArrayBuffer.isView(value) && Object.getPrototypeOf(value) === ctor.prototype) return name as ArgKind;
  }
  return undefined;
}

function kindsOf(args: ArrayLike<unknown>): Signature | undefined {
  const kinds: ArgKind[] = [];
  for (let i = 0; i < args.length; i++) {
    const kind = kindOf(args[i]);
    if (!kind) return undefined;
    kinds.push(kind);
  }
  return kinds;
}

/** dot(a, b, n) for (Float64Array, Float64Array, i32), as the front end would lower it: a miss reads NaN. */
function dotTrace(): Int32Array {
  const b = new TraceBuilder();
  const a = b.view(ElementKind.Float64), c = b.view(ElementKind.Float64), n = b.slot('i32');
  const i = b.slot('i32'), s = b.slot('f64'), x = b.slot('f64'), y = b.slot('f64'), one = b.slot('i32');
  b.param(a).param(c).param(n).returns(s);
  const top = b.label(), end = b.label(), missX = b.label(), haveX = b.label(), missY = b.label(), haveY = b.label();
  b.op('CONST_I32', i, 0).op('CONST_F64', s, 0).op('CONST_I32', one, 1);
  b.define(top).op('BR_GE_I32', i, n, end);
  b.op('LOAD_FLOAT64', x, a, i, missX).op('JUMP', haveX).define(missX).op('CONST_F64', x, NaN).define(haveX);
  b.op('LOAD_FLOAT64', y, c, i, missY).op('JUMP', haveY).define(missY).op('CONST_F64', y, NaN).define(haveY);
  b.op('MUL_F64', x, x, y).op('ADD_F64', s, s, x).op('ADD_I32', i, i, one).op('JUMP', top);
  b.define(end).op('RETURN');
  return b.build();
}

/** sqrt(x) for (f64). */
function sqrtTrace(): Int32Array {
  const b = new TraceBuilder();
  const x = b.slot('f64'), r = b.slot('f64');
  b.param(x).returns(r).op('SQRT_F64', r, x).op('RETURN');
  return b.build();
}

/** A kernel for any signature that returns the number of its parameters (to fill a cache). */
function arityTrace(signature: Signature): Int32Array {
  const b = new TraceBuilder();
  for (const kind of signature) {
    if (kind === 'f64' || kind === 'i32') b.param(b.slot(kind));
    else b.param(b.view(ARRAY_KINDS[kind] as ElementKind));
  }
  const r = b.slot('f64');
  b.returns(r).op('CONST_F64', r, signature.length).op('RETURN');
  return b.build();
}

function lowered(signature: Signature, trace: Int32Array): LowerResult {
  return { ok: true, kernel: { signature, trace, returnType: 'f64', speculative: false, ir: 'hand-made', uops: [], lowerMs: 0 } };
}

function declined(message: string): LowerResult {
  return { ok: false, decline: { construct: 'a hand-made decline', line: 1, column: 1, reason: message, fix: '', message } };
}

/** A stand-in front end that lowers with `lower` and counts its calls per signature. */
function frontEnd(lower: (signature: Signature) => LowerResult): FrontEnd & { lowered: string[] } {
  const fe = {
    lowered: [] as string[],
    lowerKernel: (_plan: KernelPlan, signature: Signature) => {
      fe.lowered.push(signature.join(','));
      return lower(signature);
    },
    signatureOf: kindsOf,
  };
  return fe;
}

function plan(params: string[], mathMembers: string[] = []): KernelPlan {
  return { name: 'handMade', params, mathMembers, arrayParams: [], numberParams: [], lengthParams: [], planMs: 0, ir: {} as FunctionIR };
}

function setup(fe: FrontEnd, overrides: Partial<NativeSetup> = {}): NativeSetup {
  return { hint: 'focus', samples: [], inexactMath: new Set(), compareWithV8: false, note: () => undefined, frontEnd: fe, ...overrides };
}

function plainDot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

const DOT_SIGNATURE = 'Float64Array,Float64Array,i32';
const dotFrontEnd = (): ReturnType<typeof frontEnd> =>
  frontEnd((sig) => (sig.join(',') === DOT_SIGNATURE ? lowered(sig, dotTrace()) : declined(`no kernel for ${sig.join(',')}`)));

const xs = Float64Array.from({ length: 64 }, (_, i) => i * 0.25 - 3);
const ys = Float64Array.from({ length: 64 }, (_, i) => 1 / (i + 1));

// ---- the argument check ------------------------------------------------------------------------

describe('native tier: the argument check', () => {
  it('takes an int32 number as i32, and neither -0 nor 0.5 nor 2^31', () => {
    assert.deepEqual([0, -7, 2 ** 31 - 1, -(2 ** 31), -0, 0.5, 2 ** 31, NaN].map((v) => checkArgument(v, 'i32')),
      [true, true, true, true, false, false, false, false]);
  });

  it('takes any number as f64, and no string or boxed number', () => {
    assert.deepEqual([-0, NaN, Infinity, '1', Object(1)].map((v) => checkArgument(v, 'f64')), [true, true, true, false, false]);
  });

  it('takes a typed array of its kind with any prototype, but not a Proxy or a look-alike', () => {
    class Sub extends Float64Array {}
    const lookAlike = Object.create(Float64Array.prototype) as object;
    const reprototyped = Object.setPrototypeOf(new Float64Array(1), Float32Array.prototype) as object;
    assert.deepEqual([new Float64Array(1), new Float32Array(1), new Sub(1), reprototyped, new Proxy(new Float64Array(1), {}), lookAlike]
      .map((v) => checkArgument(v, 'Float64Array')), [true, false, true, true, false, false]);
  });

  it('where the function reads .length: only the original prototype and no own length', () => {
    class Sub extends Float64Array {}
    const ownLength = new Float64Array(2);
    Object.defineProperty(ownLength, 'length', { value: 1 });
    const reprototyped = Object.setPrototypeOf(new Float64Array(1), Float32Array.prototype) as object;
    assert.deepEqual([new Float64Array(1), new Sub(1), reprototyped, ownLength].map((v) => checkArgument(v, 'Float64Array', true)),
      [true, false, false, false]);
  });

  it('runs no user code: no valueOf, no Proxy trap', () => {
    let touched = 0;
    const sneaky = { valueOf() { touched++; return 1; } };
    const trap = new Proxy(new Float64Array(1), { getPrototypeOf() { touched++; return Float64Array.prototype; } });
    checkArgument(sneaky, 'i32');
    checkArgument(sneaky, 'f64');
    checkArgument(trap, 'Float64Array');
    checkArgument(trap, 'Float64Array', true);
    assert.equal(touched, 0);
  });
});

// ---- the wrapper, with hand-made kernels -------------------------------------------------------

(engineCompiles ? describe : describe.skip)('native tier with hand-made kernels', () => {
  describe('a call a kernel takes', () => {
    it('runs the kernel and gives what the function gives', () => {
      const { wrapper, native } = nativeFunction(plainDot, plan(['a', 'b', 'n']), setup(dotFrontEnd()));
      const results = [64, 10, 0, -3, 100].map((n) => [wrapper(xs, ys, n), plainDot(xs, ys, n)]);
      assert.deepEqual([results.every(([k, js]) => Object.is(k, js)), native.kernelCalls], [true, 5]);
    });

    it('compiles the samples\' signatures at hint time, before any call', () => {
      const { native } = nativeFunction(plainDot, plan(['a', 'b', 'n']), setup(dotFrontEnd(), { samples: [[xs, ys, 8]] }));
      assert.deepEqual([native.signatures, native.kernelCalls], [['Float64Array, Float64Array, i32'], 0]);
    });

    it('counts compile time and code bytes', () => {
      const { native } = nativeFunction(plainDot, plan(['a', 'b', 'n']), setup(dotFrontEnd(), { samples: [[xs, ys, 8]] }));
      assert.ok(native.compileMs > 0 && native.codeBytes > 0, JSON.stringify(native));
    });
  });

  describe('a call no kernel takes runs the JS function, with its this and arguments', () => {
    // A stand-in that records how it was called (the plan is hand-made: the tier does not look at its body).
    let seen: Array<{ self: unknown; count: number }> = [];
    const spy = function (this: unknown, a: Float64Array, b: Float64Array, n: number): number {
      // eslint-disable-next-line prefer-rest-params
      seen.push({ self: this, count: arguments.length });
      return typeof n === 'number' && a instanceof Float64Array && b instanceof Float64Array ? plainDot(a, b, n) : -1;
    };
    const cases: Array<[string, unknown[]]> = [
      ['a number where the kernel takes an array', [1, ys, 4]],
      ['another element kind', [new Float32Array(xs), ys, 4]],
      ['too few arguments', [xs, ys]],
      ['too many arguments', [xs, ys, 4, 5]],
      ['a string', [xs, ys, '4']],
      ['-0 into an i32 parameter', [xs, ys, -0]],
      ['a fraction into an i32 parameter', [xs, ys, 2.5]],
      ['a subclass of Float64Array', [new (class extends Float64Array {})(4), ys, 4]],
    ];
    for (const [label, args] of cases) {
      it(label, () => {
        seen = [];
        const { wrapper, native } = nativeFunction(spy as AnyFunction, plan(['a', 'b', 'n']), setup(dotFrontEnd()));
        const self = { receiver: true };
        const got = Reflect.apply(wrapper, self, args) as number;
        const want = Reflect.apply(spy, self, args) as number;
        assert.deepEqual([Object.is(got, want), seen[0], native.kernelCalls], [true, { self, count: args.length }, 0]);
      });
    }

    it('runs `new` as the function would', () => {
      function Point(this: { x: number }, x: number) { this.x = x; }
      const { wrapper } = nativeFunction(Point as unknown as AnyFunction, plan(['x']), setup(frontEnd((sig) => lowered(sig, arityTrace(sig)))));
      const made = new (wrapper as unknown as new (x: number) => { x: number })(3);
      assert.deepEqual([made.x, made instanceof (Point as unknown as new () => object)], [3, true]);
    });
  });

  describe('the per-signature cache', () => {
    it('remembers a declined signature: lowered once, then the JS function runs', () => {
      const fe = dotFrontEnd();
      const { wrapper, native } = nativeFunction(plainDot, plan(['a', 'b', 'n']), setup(fe));
      for (let k = 0; k < 5; k++) wrapper(xs, ys, 1.5);
      assert.deepEqual([fe.lowered, native.declined.map((d) => d.signature), native.fallbackCalls],
        [['Float64Array,Float64Array,f64'], ['Float64Array, Float64Array, f64'], 5]);
    });

    it('says why in the record: the front end\'s message', () => {
      const { wrapper, native } = nativeFunction(plainDot, plan(['a', 'b', 'n']), setup(dotFrontEnd()));
      wrapper(xs, ys, 1.5);
      assert.equal(native.declined[0].reason, 'no kernel for Float64Array,Float64Array,f64');
    });

    it('remembers a trace the engine refuses, with the engine\'s reason', () => {
      const bad = new Int32Array([1, 2, 3]);
      const { wrapper, native } = nativeFunction(plainDot, plan(['a', 'b', 'n']), setup(frontEnd((sig) => lowered(sig, bad))));
      const result = wrapper(xs, ys, 8);
      assert.deepEqual([Object.is(result, plainDot(xs, ys, 8)), /^the engine did not compile the trace: /.test(native.declined[0]?.reason ?? '')],
        [true, true]);
    });

    it(`jitFocus compiles at most ${MAX_SIGNATURES.focus} signatures`, () => {
      const fe = frontEnd((sig) => lowered(sig, arityTrace(sig)));
      const fn = (a: number, b: number): number => a + b;
      const { wrapper, native } = nativeFunction(fn, plan(['a', 'b']), setup(fe));
      const pairs: Array<[unknown, unknown]> = [[1, 2], [1.5, 2], [1, 2.5], [1.5, 2.5], [new Float64Array(1), 1], [1, new Int8Array(1)]];
      const results = pairs.map(([a, b]) => wrapper(a, b) as unknown);
      // The kernels return the parameter count (2); calls past the limit run the function.
      assert.deepEqual([native.signatures.length, fe.lowered.length, results.slice(0, 4), native.fallbackCalls], [4, 4, [2, 2, 2, 2], 2]);
    });

    it('jitOnce compiles the first signature only', () => {
      const fe = frontEnd((sig) => lowered(sig, arityTrace(sig)));
      const { wrapper, native } = nativeFunction((a: number) => a, plan(['a']), setup(fe, { hint: 'once' }));
      const results = [1, 1.5, 2, 2.5].map((a) => wrapper(a) as unknown);
      assert.deepEqual([native.signatures, results], [['i32'], [1, 1.5, 1, 2.5]]);
    });

    it('does not look for new signatures forever when arguments have no kind', () => {
      const fe = frontEnd((sig) => lowered(sig, arityTrace(sig)));
      const { wrapper, native } = nativeFunction((a: unknown) => a, plan(['a']), setup(fe));
      for (let k = 0; k < 100; k++) wrapper(`s${k}`);
      wrapper(1);
      // Learning stopped before the number came: it runs the function (which returns its argument).
      assert.deepEqual([native.signatures, native.fallbackCalls], [[], 101]);
    });
  });

  describe('Math', () => {
    const sqrtPlan = plan(['x'], ['sqrt']);
    const sqrtFront = (): ReturnType<typeof frontEnd> => frontEnd((sig) => (sig[0] === 'f64' ? lowered(sig, sqrtTrace()) : declined('f64 only')));
    const root = (x: number): number => Math.sqrt(x);

    it('runs the kernel while Math.sqrt is the original', () => {
      const { wrapper, native } = nativeFunction(root, sqrtPlan, setup(sqrtFront()));
      assert.deepEqual([Object.is(wrapper(2.5), Math.sqrt(2.5)), native.kernelCalls], [true, 1]);
    });

    it('runs the JS function, and its result, once Math.sqrt is replaced', () => {
      const { wrapper } = nativeFunction(root, sqrtPlan, setup(sqrtFront()));
      wrapper(2.5);
      const original = Math.sqrt;
      try {
        Math.sqrt = () => 42;
        assert.equal(wrapper(2.5), 42);
      } finally {
        Math.sqrt = original;
      }
    });

    it('runs the JS function once the global Math is replaced', () => {
      const { wrapper } = nativeFunction(root, sqrtPlan, setup(sqrtFront()));
      const original = globalThis.Math;
      try {
        globalThis.Math = { ...Object.fromEntries(Object.getOwnPropertyNames(original).map((k) => [k, (original as unknown as Record<string, unknown>)[k]])), sqrt: () => -1 } as unknown as Math;
        assert.equal(wrapper(2.5), -1);
      } finally {
        globalThis.Math = original;
      }
    });

    it('runs the kernel again once Math.sqrt is put back', () => {
      const { wrapper, native } = nativeFunction(root, sqrtPlan, setup(sqrtFront()));
      const original = Math.sqrt;
      Math.sqrt = () => 42;
      Math.sqrt = original;
      wrapper(9.5);
      assert.equal(native.kernelCalls, 1);
    });
  });

  describe('the adaptive choice', () => {
    it('keeps the kernel where V8 cannot be measured against it', () => {
      const { wrapper, native } = nativeFunction(plainDot, plan(['a', 'b', 'n']), setup(dotFrontEnd(), { samples: [[xs, ys, 8]] }));
      for (let k = 0; k < 500; k++) wrapper(xs, ys, 64);
      assert.deepEqual([native.choice, native.speedup], ['native', null]);
    });

    it('chooses after enough calls where V8 can be measured, and every result stays exact', function () {
      this.timeout(60_000);
      const big = Float64Array.from({ length: 4096 }, (_, i) => Math.sin(i));
      // A function of its own (V8 optimizes it for the comparison).
      const dot = new Function('a', 'b', 'n', 'let s = 0; for (let i = 0; i < n; i++) s += a[i] * b[i]; return s; /* choice */') as typeof plainDot;
      const { wrapper, native } = nativeFunction(dot, plan(['a', 'b', 'n']), setup(dotFrontEnd(), { samples: [[big, big, 8]], compareWithV8: true }));
      const want = plainDot(big, big, 4096);
      let exact = true;
      // At most 3,200 calls to the first look, then up to three tries put off while V8 has not
      // optimized the function yet (a busy compile thread), each until twice the calls so far.
      for (let k = 0; k < 30_000 && native.choice === 'pending'; k++) exact = Object.is(wrapper(big, big, 4096), want) && exact;
      // Which one wins is a measurement: only that it chose, and by how much.
      assert.deepEqual([native.choice !== 'pending', typeof native.speedup === 'number' && native.speedup > 0, exact], [true, true, true]);
    });
  });

  it('compiles a speculating kernel again without speculation after it declines a call', () => {
    // A stand-in for speculation: the first kernel declines negative arguments, the second takes them.
    const b = new TraceBuilder();
    const x = b.slot('f64'), r = b.slot('f64'), zero = b.slot('f64'), out = b.label();
    b.param(x).returns(r).op('CONST_F64', zero, 0).op('BR_LT_F64', x, zero, out).op('SQRT_F64', r, x).op('RETURN');
    b.define(out).op('DECLINE');
    const declining = b.build();
    const asked: boolean[] = [];
    const fe: FrontEnd = {
      lowerKernel: (_plan, signature, options) => {
        asked.push(options?.speculate === true);
        const result = lowered(signature, options?.speculate ? declining : sqrtTrace());
        return result.ok ? { ok: true, kernel: { ...result.kernel, speculative: options?.speculate === true } } : result;
      },
      signatureOf: kindsOf,
    };
    const { wrapper, native } = nativeFunction(Math.sqrt as AnyFunction, plan(['x']), setup(fe, { samples: [[4]], compareWithV8: true, isOptimized: () => true }));
    const results = [wrapper(4), wrapper(-1), wrapper(-1), wrapper(9)];
    assert.deepEqual([results.map(String), asked], [['2', 'NaN', 'NaN', '3'], [true, false]]);
    assert.deepEqual([native.kernelCalls, native.fallbackCalls, native.guardDeclines, native.despeculated], [3, 1, 1, 1]);
  });

  it('schedules its next judgement within MIN_JUDGE_CALLS of a kernel replaced, unless it is measuring', () => {
    const host: ChoiceHost = {
      fn: Math.sqrt as AnyFunction, record: nativeFunction(Math.sqrt as AnyFunction, plan(['x']), setup(dotFrontEnd())).native,
      calls: 0, tickAt: 0, route: Route.Kernel, hasKernel: () => true, tryKernel: (_t, _a, missed) => missed, note: () => undefined,
    };
    const choice = new AdaptiveChoice(host, true, () => true);
    host.calls = 5_000;
    host.tickAt = 5_000 * RECHECK_FACTOR;  // as after a judgement
    choice.kernelChanged();
    assert.equal(host.tickAt, 5_000 + MIN_JUDGE_CALLS);
    host.route = Route.Measure;
    host.tickAt = 7;
    choice.kernelChanged();
    assert.equal(host.tickAt, 7);
    // Where V8 is not measured there is no judgement to bring forward.
    const alone: ChoiceHost = { ...host, route: Route.Kernel };
    const unmeasured = new AdaptiveChoice(alone, false);
    alone.tickAt = -1;
    unmeasured.kernelChanged();
    assert.equal(alone.tickAt, -1);
  });

  it('puts the comparison off while V8 has not optimized the function, then measures it as it is, saying so', function () {
    this.timeout(60_000);
    const big = Float64Array.from({ length: 4096 }, (_, i) => Math.sin(i));
    const dot = new Function('a', 'b', 'n', 'let s = 0; for (let i = 0; i < n; i++) s += a[i] * b[i]; return s; /* not optimized */') as typeof plainDot;
    const notes: string[] = [];
    const callsToChoose = (isOptimized: () => boolean): number => {
      const { wrapper, native } = nativeFunction(dot, plan(['a', 'b', 'n']), setup(dotFrontEnd(), {
        samples: [[big, big, 8]], compareWithV8: true, isOptimized, note: (text: string) => { notes.push(text); },
      }));
      let calls = 0;
      while (calls < 60_000 && native.choice === 'pending') { wrapper(big, big, 4096); calls++; }
      assert.notEqual(native.choice, 'pending');
      return calls;
    };
    const optimized = callsToChoose(() => true);
    assert.deepEqual(notes, []);
    // V8 takes every request for it, and (as far as the choice can see) never gets it optimized:
    // three tries are put off, each until twice the calls so far, then it is measured as it is.
    const never = callsToChoose(() => false);
    assert.ok(never > optimized, `chose after ${never} calls, ${optimized} when V8 optimizes it`);
    assert.deepEqual(notes, [
      'native: the comparison with V8 waits until V8 has optimized the function',
      'native: the comparison with V8 waits until V8 has optimized the function',
      'native: the comparison with V8 waits until V8 has optimized the function',
      "native: V8's code measured before V8 optimized it",
    ]);
  });

  it('works where code cannot be generated from strings (the shared wrapper and dispatch)', () => {
    const modules = path.join(__dirname, '..', 'lib');
    const script = `
      const { nativeFunction } = require(${JSON.stringify(path.join(modules, 'tiers', 'native.js'))});
      const { TraceBuilder } = require(${JSON.stringify(path.join(modules, 'engine.js'))});
      const b = new TraceBuilder(); const x = b.slot('f64'), r = b.slot('f64');
      b.param(x).returns(r).op('SQRT_F64', r, x).op('RETURN');
      const trace = b.build();
      const fe = { lowerKernel: (p, sig) => ({ ok: true, kernel: { signature: sig, trace, returnType: 'f64', ir: '', uops: [], lowerMs: 0 } }),
        signatureOf: (args) => typeof args[0] === 'number' ? ['f64'] : undefined };
      const plan = { name: 'r', params: ['x'], mathMembers: ['sqrt'], arrayParams: [], numberParams: [0], lengthParams: [], planMs: 0, ir: {} };
      const { wrapper, native } = nativeFunction((x) => Math.sqrt(x), plan,
        { hint: 'focus', samples: [], inexactMath: new Set(), compareWithV8: false, note() {}, frontEnd: fe });
      console.log(JSON.stringify([wrapper(2), wrapper('4'), wrapper(2, 3), native.kernelCalls, native.fallbackCalls]));`;
    const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.stdout.trim(), JSON.stringify([Math.sqrt(2), 2, Math.sqrt(2), 1, 2]), run.stderr);
  });
});

// ---- through the hints (needs the front end) ---------------------------------------------------

let serial = 0;
/** A fresh function from source text (each test its own, so that plans and records are its own). */
function kernel<F extends AnyFunction>(name: string, params: string, body: string): F {
  return new Function(`return function ${name}(${params}) {\n${body}\n/* ${serial++} */ }`)() as F;
}
const dotSource = 'let s = 0;\nfor (let i = 0; i < n; i++) s += a[i] * b[i];\nreturn s;';

(engineCompiles ? describe : describe.skip)('native tier through the hints', () => {
  describe('the number lane', () => {
    // The same kernels through the lane (numbers written to it, the result read from it) and
    // without one (kernel.invoke): the same results as the JS function, bit for bit.
    const cases: Array<{ fn: AnyFunction; calls: unknown[][]; out?: number }> = [
      { fn: kernel('laneScale', 'a, b', 'return a * b + 1;'), calls: [[1.5, 2], [-0, 3], [NaN, 1], [2 ** 31 - 1, 2], [-1, 1], [-0, -0]] },
      { fn: kernel('laneNegZero', 'a', 'return -a;'), calls: [[0], [-0], [Infinity], [5e-324]] },
      { fn: kernel('laneCount', 'n', 'let s = 0; for (let i = 0; i < n; i++) s += i; return s;'), calls: [[0], [10], [-5], [1000]] },
      { fn: kernel('laneFill', 'out, x', 'for (let i = 0; i < out.length; i++) out[i] = x * i;'), calls: [[new Float64Array(4), 0.5], [new Float64Array(3), -0]], out: 0 },
      { fn: kernel('laneSum', 'a, k, b', 'let s = k; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s;'),
        calls: [[Float64Array.of(1, 2), -0, Float64Array.of(3, 4)], [new Float64Array(0), -0, new Float64Array(0)]] },
    ];
    const realFrontEnd: FrontEnd = { lowerKernel, signatureOf };

    it('is there: the addon handed it to jitctl', () => assert.ok(numberLane() instanceof Float64Array));

    for (const { fn, calls, out } of cases) {
      it(`gives the JS function's results with and without it: ${fn.name}`, () => {
        const planned = planKernel(fn);
        assert.ok(planned.ok);
        const copy = (args: unknown[]) => args.map((a) => (a instanceof Float64Array ? a.slice() : a));
        const wrappers = [undefined, null].map((lane) =>
          nativeFunction(fn, planned.plan, setup(realFrontEnd, { samples: calls.map(copy), lane })));
        for (const args of calls) {
          const expected = copy(args), got = wrappers.map(() => copy(args));
          const want = Reflect.apply(fn, undefined, expected);
          wrappers.forEach(({ wrapper }, w) => {
            assert.ok(Object.is(Reflect.apply(wrapper, undefined, got[w]), want), `${fn.name}(${args.join(', ')}), lane ${w === 0 ? 'on' : 'off'}`);
            if (out !== undefined) assert.deepEqual(Array.from(got[w][out] as Float64Array).map((x) => Object.is(x, -0) ? '-0' : x),
              Array.from(expected[out] as Float64Array).map((x) => Object.is(x, -0) ? '-0' : x));
          });
        }
        for (const { native } of wrappers) assert.equal(native.kernelCalls, calls.length, 'every call ran the kernel');
      });
    }
  });

  describe('routing', () => {
    it('jitFocus sends a numeric kernel to the native tier', () => {
      jitFocus(kernel('routeFocus', 'a, b, n', dotSource));
      assert.equal(recordNamed('routeFocus').tier, 'native');
    });

    it('jitOnce sends it to the native tier too', () => {
      jitOnce(kernel('routeOnce', 'a, b, n', dotSource));
      assert.equal(recordNamed('routeOnce').tier, 'native');
    });

    it('jitIgnore never does, and never tries', () => {
      jitIgnore(kernel('routeIgnore', 'a, b, n', dotSource));
      const s = recordNamed('routeIgnore');
      assert.deepEqual([s.tier !== 'native', s.fallbacks.some((f) => f.startsWith('native')), s.native], [true, false, null]);
    });

    it('falls back to v8 with the front end\'s reason for a function outside the subset', () => {
      jitFocus(kernel('routeDecline', 'o', 'return o.x;'));
      const s = recordNamed('routeDecline');
      assert.deepEqual([s.tier, /^native: `o\.x`.* at line \d+, column \d+: /.test(s.fallbacks[0] ?? '')], ['v8', true]);
    });

    it('says why a forced native tier could not take the function', () => {
      jitFocus(kernel('routeForced', 'o', 'return o.x;'), { tier: 'native' });
      const s = recordNamed('routeForced');
      assert.deepEqual([s.tier !== 'native', /^native \(option tier\): `o\.x`/.test(s.fallbacks[0] ?? '')], [true, true], s.fallbacks.join('\n'));
    });

    it('takes a forced native tier for a kernel', () => {
      jitFocus(kernel('routeForcedOk', 'a, b, n', dotSource), { tier: 'native' });
      assert.equal(recordNamed('routeForcedOk').tier, 'native');
    });
  });

  describe('exactness', () => {
    const dot = kernel<typeof plainDot>('exactDot', 'a, b, n', dotSource);
    const hinted = jitFocus(dot, { samples: [[xs, ys, 8]] });
    const cases: Array<[string, unknown[]]> = [
      ['the sample signature', [xs, ys, 64]],
      ['n past the end (undefined * x is NaN)', [xs, ys, 100]],
      ['n negative', [xs, ys, -5]],
      ['a fraction for n', [xs, ys, 3.5]],
      ['-0 for n', [xs, ys, -0]],
      ['NaN for n', [xs, ys, NaN]],
      ['numbers where arrays go', [1, 2, 3]],
      ['another element kind', [new Float32Array(xs), ys, 8]],
      ['an Int32Array', [new Int32Array([1, -2, 3]), new Int32Array([4, 5, -6]), 3]],
      ['too few arguments', [xs, ys]],
      ['a string for n', [xs, ys, '8']],
    ];
    for (const [label, args] of cases) {
      it(`gives what the plain function gives: ${label}`, () => {
        assert.ok(Object.is(hinted(...(args as [Float64Array, Float64Array, number])), dot(...(args as [Float64Array, Float64Array, number]))));
      });
    }

    it('writes typed arrays as the plain function does, byte for byte', () => {
      const scale = kernel<(out: Float32Array, a: Float64Array, k: number) => void>('exactScale', 'out, a, k',
        'for (let i = 0; i < a.length; i++) out[i] = a[i] * k;');
      const hintedScale = jitFocus(scale);
      const viaKernel = new Float32Array(70), viaJs = new Float32Array(70);
      hintedScale(viaKernel, xs, 1 / 3);
      scale(viaJs, xs, 1 / 3);
      assert.deepEqual(Buffer.from(viaKernel.buffer), Buffer.from(viaJs.buffer));
    });

    it('runs the JS function for an array with an own `length` where the function reads a.length', () => {
      const sum = kernel<(a: Float64Array) => number>('exactOwnLength', 'a', 'let s = 0;\nfor (let i = 0; i < a.length; i++) s += a[i];\nreturn s;');
      const hintedSum = jitFocus(sum, { samples: [[xs]] });
      const shortened = Float64Array.from([1, 2, 4, 8]);
      Object.defineProperty(shortened, 'length', { value: 2 });
      assert.deepEqual([hintedSum(shortened), sum(shortened), hintedSum(Float64Array.from([1, 2, 4, 8]))], [3, 3, 15]);
      const record = stats().find((r) => r.name === 'exactOwnLength');
      assert.ok(record?.native && record.native.fallbackCalls >= 1 && record.native.kernelCalls >= 1, JSON.stringify(record?.native));
    });

    it('runs the kernel for a subclass instance where the function reads only elements', () => {
      class Sub extends Float64Array {
        // Element reads never reach the prototype; this would show if one did.
        get 0(): number { return 1e9; }
      }
      const dot = kernel<typeof plainDot>('exactSubclass', 'a, b, n', dotSource);
      const hintedDot = jitFocus(dot, { samples: [[xs, ys, 8]] });
      const sub = Sub.from(xs) as Float64Array;
      assert.ok(Object.is(hintedDot(sub, ys, 64), dot(sub, ys, 64)));
      assert.equal(stats().find((r) => r.name === 'exactSubclass')?.native?.kernelCalls, 1);
    });

    it('runs the JS function for a subclass whose length differs where the function reads a.length', () => {
      class Short extends Float64Array {
        override get length(): number { return 2; }
      }
      const sum = kernel<(a: Float64Array) => number>('exactSubclassLength', 'a', 'let s = 0;\nfor (let i = 0; i < a.length; i++) s += a[i];\nreturn s;');
      const hintedSum = jitFocus(sum, { samples: [[xs]] });
      const short = Short.from([1, 2, 4, 8]) as Float64Array;
      assert.deepEqual([hintedSum(short), sum(short)], [3, 3]);
      const record = stats().find((r) => r.name === 'exactSubclassLength');
      assert.deepEqual([record?.native?.kernelCalls, record?.native?.fallbackCalls], [0, 1]);
    });

    it('runs the JS function, and gives its result, when Math.sqrt is replaced after hinting', () => {
      const norm = jitFocus(kernel<(a: Float64Array) => number>('exactNorm', 'a',
        'let s = 0;\nfor (let i = 0; i < a.length; i++) s += a[i] * a[i];\nreturn Math.sqrt(s);'), { samples: [[xs]] });
      const original = Math.sqrt;
      try {
        Math.sqrt = (x: number) => x + 0.5;
        assert.equal(norm(new Float64Array([3, 4])), 25.5);
      } finally {
        Math.sqrt = original;
      }
    });

    it('runs the JS function for a call its kernel\'s entry guards decline, and writes nothing before', () => {
      // `i <= n` keeps i an i32 only for n below 2^31 - 1; a[0] and a[1] are in bounds only for two elements.
      const source = 'let s = 0;\nlet i = k;\nfor (; i <= n; i++) s += 1;\na[1] = s;\nreturn a[0] + i;';
      const fn = kernel<(a: Int32Array, k: number, n: number) => number>('guardedCount', 'a, k, n', source);
      const hinted = jitFocus(fn, { samples: [[new Int32Array(2), 0, 3]] });
      const report = explain(fn, { args: [new Int32Array(2), 0, 3] });
      assert.ok(report.uops.some((u) => u.uop === 'DECLINE'), JSON.stringify(report.uops));
      const calls: Array<[Int32Array, number, number]> = [
        [Int32Array.of(5, 0), 2 ** 31 - 4, 2 ** 31 - 2], // the kernel: i ends at 2^31 - 1
        [Int32Array.of(5, 0), 2 ** 31 - 4, 2 ** 31 - 1], // declined: i ends at 2^31
        [Int32Array.of(5, 0), -(2 ** 31), -(2 ** 31)], // declined: n at the low end
        [Int32Array.of(5), 0, 3], // declined: a[1] is out of range (the store does nothing, a[1] is undefined)
        [new Int32Array(0), 0, 3],
      ];
      for (const [a, k, n] of calls) {
        const mine = a.slice(), theirs = a.slice();
        assert.ok(Object.is(hinted(mine, k, n), fn(theirs, k, n)), `${a.length} elements, k ${k}, n ${n}`);
        assert.deepEqual([...mine], [...theirs]);
      }
      const record = stats().find((r) => r.name === 'guardedCount');
      assert.deepEqual([record?.native?.kernelCalls, record?.native?.fallbackCalls, record?.native?.guardDeclines], [1, 4, 4]);
      assert.match(formatStats([record!], { details: true }), /4 through the JS function \(4 declined by a kernel\)/);
    });

    it('compiles a speculating kernel again without speculation once it declines a call, and stays exact', () => {
      // s * 3 + k leaves int32 for large n: the speculating kernel declines, the next kernel keeps s an f64.
      const fn = kernel<(n: number, k: number) => number>('speculatedPowers', 'n, k', 'let s = 0;\nfor (let i = 0; i < n; i++) s = s * 3 + k;\nreturn s;');
      const hinted = jitFocus(fn, { samples: [[5, 1]] });
      const calls: Array<[number, number]> = [[5, 1], [19, -7], [40, 1], [40, 1], [60, -(2 ** 31)], [5, 1]];
      for (const [n, k] of calls) assert.ok(Object.is(hinted(n, k), fn(n, k)), `n ${n}, k ${k}`);
      const record = stats().find((r) => r.name === 'speculatedPowers');
      assert.deepEqual(
        [record?.native?.kernelCalls, record?.native?.fallbackCalls, record?.native?.guardDeclines, record?.native?.despeculated, record?.native?.signatures],
        [5, 1, 1, 1, ['i32, i32']],
      );
      assert.match(formatStats([record!], { details: true }), /1 through the JS function \(1 declined by a kernel; 1 signature compiled again without\s+int32 speculation\)/);
    });
  });

  describe('stats()', () => {
    it('has the native field: signatures compiled at hint time from the samples', () => {
      jitFocus(kernel('statsSamples', 'a, b, n', dotSource), { samples: [[xs, ys, 8]] });
      assert.deepEqual(recordNamed('statsSamples').native?.signatures, ['Float64Array, Float64Array, i32']);
    });

    it('counts kernel and fallback calls, and they are the calls', () => {
      const f = jitFocus(kernel<typeof plainDot>('statsCalls', 'a, b, n', dotSource), { samples: [[xs, ys, 8]] });
      f(xs, ys, 4);
      f(xs, ys, 4);
      f(xs, ys, '4' as unknown as number);
      const s = recordNamed('statsCalls');
      assert.deepEqual([s.native?.kernelCalls, s.native?.fallbackCalls, s.calls], [2, 1, 3]);
    });

    it('lists a declined signature with the reason', () => {
      const f = jitFocus(kernel<(a: Float64Array) => number>('statsDeclined', 'a', 'return Math.sin(a[0]) > 0 ? 1 : 0;'));
      f(new Float64Array([1]));
      const native = recordNamed('statsDeclined').native;
      assert.ok(native && native.signatures.length + native.declined.length === 1, JSON.stringify(native));
    });

    it('is null for a function on another tier', () => {
      jitFocus(kernel('statsNull', 'o', 'return o.x;'));
      assert.equal(recordNamed('statsNull').native, null);
    });

    it('has flat scalar fields', () => {
      jitFocus(kernel('statsFlat', 'a, b, n', dotSource), { samples: [[xs, ys, 8]] });
      const row = stats({ flat: true }).filter((r) => r.name === 'statsFlat').pop()!;
      assert.deepEqual([row.nativeSignatures, row.nativeChoice === null, row.kernelCalls], [1, false, 0]);
    });

    it('formatStats shows the choice in the notes and the kernels in the details', () => {
      jitFocus(kernel('statsFormat', 'a, b, n', dotSource), { samples: [[xs, ys, 8]] });
      const text = formatStats(stats().filter((s) => s.name === 'statsFormat'), { details: true });
      assert.deepEqual([/native (pending|\d)/.test(text), /native kernels: \(Float64Array, Float64Array, i32\)/.test(text)], [true, true], text);
    });
  });

  it('runs V8\'s code once the kernel declines nearly every call (an output shorter than the input), and stays exact', function () {
    this.timeout(60_000);
    const fn = kernel<(a: number, x: Float64Array, y: Float64Array) => void>('shortOutput', 'a, x, y', 'for (let i = 0; i < x.length; i++) y[i] = a * x[i] + y[i];');
    const x = Float64Array.from({ length: 256 }, (_, i) => i / 7);
    const f = jitFocus(fn, { samples: [[1.5, x, new Float64Array(256)]] });
    assert.ok(explain(fn, { args: [1.5, x, new Float64Array(256)] }).uops.some((u) => u.uop === 'DECLINE'));
    // y shorter than x: the entry guard y.length >= x.length declines every call.
    for (let k = 0; k < 6_000; k++) {
      const mine = new Float64Array(200).fill(k), theirs = new Float64Array(200).fill(k);
      f(1.5, x, mine);
      fn(1.5, x, theirs);
      if (k % 997 === 0) assert.deepEqual(new Uint8Array(mine.buffer), new Uint8Array(theirs.buffer));
    }
    const native = recordNamed('shortOutput').native!;
    assert.equal(native.choice, 'v8', JSON.stringify(native));
    assert.equal(native.kernelCalls, 0);
    // Declined only until the measurement gave up (MIN_JUDGE_CALLS, then at most 4,000 measured).
    assert.ok(native.guardDeclines < 4_300, `${native.guardDeclines} declines`);
    assert.match(recordNamed('shortOutput').fallbacks.join('\n'), /the kernels took too few of 4000 calls to be measured/);
  });

  it('the adaptive choice reports a choice after enough calls', function () {
    this.timeout(60_000);
    const big = Float64Array.from({ length: 4096 }, (_, i) => Math.cos(i));
    const f = jitFocus(kernel<typeof plainDot>('choiceMade', 'a, b, n', dotSource), { samples: [[big, big, 4096]] });
    // The choice looks at 200, 800, 3,200, 12,800 calls and measures once the kernel time so far
    // is estimated at 2 ms: a 4,096-element kernel at 2-3 us a call gets there at 800 or 3,200.
    for (let k = 0; k < 20_000 && recordNamed('choiceMade').native?.choice === 'pending'; k += 100) {
      for (let j = 0; j < 100; j++) f(big, big, 4096);
    }
    assert.notEqual(recordNamed('choiceMade').native?.choice, 'pending', JSON.stringify(recordNamed('choiceMade')));
  });

  it('explain agrees with the tier: a kernel compiles for its sample signature', () => {
    const f = jitFocus(kernel('explainAgrees', 'a, b, n', dotSource), { samples: [[xs, ys, 8]] });
    const report = explain(f);
    assert.deepEqual([report.compiles, report.signature], [true, 'Float64Array, Float64Array, i32']);
  });
});
