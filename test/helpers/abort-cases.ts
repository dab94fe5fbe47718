// The inputs that once reached, or could reach, one of V8's aborting intrinsic misuses
// (docs/v8.md), as programs for a child process: the safety suites run them on Node under every
// configuration, and on Deno with natives syntax on. Each case hints the function with all three
// hints through the public surface and then calls it.

// Every case ends by printing OK; a hint may throw a TypeError (e.g. on a class), which is fine
// and caught, but nothing may abort.
export const PRELUDE = `
const { jitFocus, jitIgnore, jitOnce, warmup, stats } = require(INDEX);
const all = (fn, options = {}) => {
  const out = [];
  for (const hint of [jitFocus, jitIgnore, jitOnce]) {
    try { out.push(hint(fn, hint === jitOnce ? { ...options, maxDeopts: 1 } : options)); }
    catch (e) { if (!(e instanceof TypeError)) throw e; }
  }
  return out;
};
const hammer = (fns, args, n = 3000) => {
  for (const f of fns) for (let i = 0; i < n; i++) { try { f(...args); } catch {} }
};
`;

export const CASES: Record<string, string> = {
  'bound functions': `
    function add(a, b) { return a + b; }
    const bound = add.bind(null, 1);
    hammer(all(bound, { samples: [[2], [3]] }), [4]);
    hammer(all(bound), [4]);`,
  'Proxies of functions (and a revoked one)': `
    function add(a, b) { return a + b; }
    hammer(all(new Proxy(add, {}), { samples: [[1, 2]] }), [1, 2]);
    const { proxy, revoke } = Proxy.revocable(add, {});
    revoke();
    hammer(all(proxy), [1, 2], 10);`,
  'natives like Math.max': `
    for (const native of [Math.max, Array.prototype.push, parseInt, Function.prototype, Object, Symbol]) {
      hammer(all(native, { samples: [[1, 2]] }), [1, 2], 200);
      hammer(all(native), [1, 2], 200);
    }`,
  'classes and their static and instance methods': `
    class Point {
      constructor(x) { this.x = x; }
      norm(k) { return this.x * k; }
      static make(x) { return new Point(x); }
    }
    all(Point, { samples: [[1]] });
    for (const [hint, opts] of [[jitFocus, { samples: [[2]], thisArg: new Point(3) }], [jitIgnore, {}], [jitOnce, { maxDeopts: 1 }]]) {
      const C = class extends Point {};
      const d = Object.getOwnPropertyDescriptor(Point.prototype, 'norm');
      Object.defineProperty(C.prototype, 'norm', hint(opts)(C.prototype, 'norm', { ...d }));
      const s = Object.getOwnPropertyDescriptor(Point, 'make');
      Object.defineProperty(C, 'make', hint(C, 'make', { ...s }));
      const p = new C(2);
      for (let i = 0; i < 3000; i++) { p.norm(i); C.make(i); }
    }`,
  'async functions, generators and async generators': `
    async function af(x) { return x + 1; }
    function* gen(x) { yield x; yield x + 1; }
    async function* agen(x) { yield x; }
    const rejecting = async (x) => { throw new Error('no ' + x); };
    hammer(all(af, { samples: [[1], [2]] }), [3]);
    hammer(all(gen, { samples: [[1], [2]] }).map((g) => (x) => [...g(x)]), [3]);
    hammer(all(agen, { samples: [[1], [2]] }), [3]);
    all(rejecting, { samples: [[1]] });
    hammer(all(af), [1]);`,
  "sibling closures of one factory, one jitIgnore'd, one jitFocus'd": `
    const make = () => function (x) { return x * 2 + 1; };
    jitIgnore(make());
    const focused = jitFocus(make(), { samples: [[1], [2]] });
    const firstCall = jitFocus(make());
    const once = jitOnce(make(), { maxDeopts: 1 });
    hammer([focused, firstCall, once], [5]);
    // The other order: focused first (its optimization still pending), then a sibling ignored.
    const make2 = () => function (x) { return x - 7; };
    const pending = jitFocus(make2());
    jitIgnore(make2());
    hammer([pending], [5]);
    const manual = jitFocus(make2(), { samples: [[1]], when: 'manual' });
    warmup();
    hammer([manual], [5]);`,
  'identical new Function sources': `
    const src = 'return x * 3 + 1';
    jitIgnore(new Function('x', src));
    const a = jitFocus(new Function('x', src), { samples: [[1], [2]] });
    const b = jitFocus(new Function('x', src));
    const c = jitOnce(new Function('x', src), { maxDeopts: 0 });
    const d = jitFocus(new Function('x', src), { samples: [[1]], when: 'first-call' });
    hammer([a, b, c, d], [4]);`,
  'functions already never-optimized by jitctl': `
    function f(x) { return x + 1; }
    jitIgnore(f);
    hammer([jitFocus(f, { samples: [[1], [2]] }), jitFocus(f), jitOnce(f), jitIgnore(f)], [1]);
    function g(x) { return x + 2; }
    const pinnedAtOnce = jitOnce(g, { maxDeopts: 0 });
    hammer([pinnedAtOnce, jitFocus(g), jitFocus(g, { samples: [[3], [4]] })], [1]);`,
  'a jitOnce function pinned by churn, then focused': `
    function churn(x) { return x.a + x.b; }
    const once = jitOnce(churn, { maxDeopts: 1 });
    const shapes = [() => ({ a: 1, b: 2 }), () => ({ a: 's', b: 't' }), () => ({ b: 1.5, a: 2.5 })];
    for (const shape of shapes) for (let i = 0; i < 40000; i++) once(shape());
    hammer([jitFocus(churn, { samples: [[{ a: 1, b: 2 }]] }), jitFocus(churn)], [{ a: 1, b: 2 }]);`,
  'hints on hints (wrappers of wrappers)': `
    function f(x) { return x + 1; }
    const w1 = jitFocus(f);
    const w2 = jitOnce(w1, { maxDeopts: 1 });
    jitIgnore(w2);
    hammer([jitFocus(w2), jitFocus(jitOnce(function g(x) { return x; })), w1, w2], [1]);`,
  'asm.js modules': `
    function asmModule(stdlib) { 'use asm'; function f() { return 1 | 0; } return { f: f }; }
    hammer(all(asmModule, { samples: [[globalThis], [globalThis]] }), [globalThis], 50);`,
  'functions exported by a validated asm.js module (run as WebAssembly)': `
    function AsmModule(stdlib) { 'use asm'; function add(a, b) { a = a | 0; b = b | 0; return (a + b) | 0; } return { add: add }; }
    const { add } = AsmModule(globalThis);
    hammer(all(add, { samples: [[1, 2]] }), [1, 2], 500);
    hammer(all(AsmModule(globalThis).add), [1, 2], 500);
    const { add: viaManual } = AsmModule(globalThis);
    jitFocus(viaManual, { samples: [[1, 2]], when: 'manual' });
    warmup();`,
  'functions using eval, with, arguments and debugger': `
    function withEval(x) { return eval('x + 1'); }
    function withWith(o) { with (o) { return a + 1; } }
    function withArguments() { return arguments.length + arguments[0]; }
    function withDebugger(x) { debugger; return x; }
    const arrowInEval = eval('(x) => x * 2');
    for (const f of [withEval, withWith, withArguments, withDebugger, arrowInEval]) {
      hammer(all(f, { samples: [[{ a: 1 }], [{ a: 2 }]] }), [{ a: 3 }], 500);
      hammer(all(f), [{ a: 3 }], 500);
    }`,
  'methods, getters and functions from another realm': `
    const o = { m(x) { return x + 1; }, get g() { return 1; } };
    const getter = Object.getOwnPropertyDescriptor(o, 'g').get;
    hammer(all(o.m, { samples: [[1], [2]], thisArg: o }), [1]);
    hammer(all(getter, { samples: [[]], thisArg: o }), []);
    const foreign = require('node:vm').runInNewContext('(function (x) { return x * 5; })');
    hammer(all(foreign, { samples: [[1], [2]] }), [3]);`,
};

