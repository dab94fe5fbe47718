// The shapes services hint with jitFocus, as data that the fidelity benchmark (bench/fidelity.ts)
// and the fidelity test (test/corpus-fidelity.test.ts) both use. Each shape has one sample (what a
// user typically writes) and real calls that differ from it the way real traffic does: another
// length, another branch, another string, doubles where the sample had small integers.
//
// Sources are strings so that every use compiles a fresh function (V8 shares code and feedback
// between identical sources; one run's feedback must not help the next).

export type Args = unknown[];

export interface Shape {
  name: string;
  /** What it stands for, in a few words. */
  kind: string;
  params: string;
  body: string;
  /** The one sample a user would give. */
  sample: () => Args;
  /** Real call i (i = 0 is the first real call). */
  call: (i: number) => Args;
  /** The receiver for methods (sample and real calls alike); undefined for plain functions. */
  receiver?: () => unknown;
}

const bytes = (n: number, seed: number): Uint8Array => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 255;
  return b;
};
const floats = (n: number, seed: number): Float64Array => {
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = Math.sin(i + seed) * 100;
  return f;
};
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

export const SHAPES: readonly Shape[] = [
  {
    name: 'checksum', kind: 'typed-array loop over buf.length',
    params: 'buf',
    body: 'let a = 1, b = 0; for (let i = 0; i < buf.length; i++) { a = (a + buf[i]) % 65521; b = (b + a) % 65521; } return (b << 16) | a;',
    sample: () => [bytes(256, 1)],
    call: (i) => [bytes(1024 + (i & 7) * 64, i)],
  },
  {
    name: 'mean', kind: 'float reduction over buf.length',
    params: 'xs',
    body: 'let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; return xs.length === 0 ? 0 : s / xs.length;',
    sample: () => [floats(256, 1)],
    call: (i) => [floats(512 + (i & 3) * 100, i)],
  },
  {
    name: 'variance', kind: 'two-pass float reduction',
    params: 'xs, n',
    body: 'let m = 0; for (let i = 0; i < n; i++) m += xs[i]; m /= n; let v = 0; for (let i = 0; i < n; i++) { const d = xs[i] - m; v += d * d; } return v / n;',
    sample: () => [floats(64, 2), 64],
    call: (i) => [floats(200, i), 150 + (i & 31)],
  },
  {
    name: 'grade', kind: 'branch ladder',
    params: 'score',
    body: "if (score >= 90) return 'A'; if (score >= 80) return 'B'; if (score >= 70) return 'C'; if (score >= 60) return 'D'; return 'F';",
    sample: () => [95],
    call: (i) => [55 + ((i * 7) % 45)],
  },
  {
    name: 'parseQuery', kind: 'split-based parser',
    params: 'qs',
    body: "const out = {}; if (qs === '') return out; const parts = qs.split('&'); for (let i = 0; i < parts.length; i++) { const p = parts[i]; const eq = p.indexOf('='); if (eq < 0) out[p] = ''; else out[p.slice(0, eq)] = decodeURIComponent(p.slice(eq + 1)); } return out;",
    sample: () => ['a=1'],
    call: (i) => [`user=u${i}&page=${i & 7}&sort=desc&flag&q=hello%20world`],
  },
  {
    name: 'mapFilter', kind: 'array callbacks',
    params: 'xs',
    body: 'return xs.map((x) => x * 2).filter((x) => x > 3).length;',
    sample: () => [[1, 2, 3]],
    call: (i) => [[1.5, 2.25, i + 0.5, 7, 8.75]],
  },
  {
    name: 'orderTotal', kind: 'object code',
    params: 'order',
    body: 'let total = 0; const items = order.items; for (let i = 0; i < items.length; i++) { const it = items[i]; total += it.price * it.qty; } if (order.coupon) total *= 1 - order.coupon.pct / 100; return Math.round(total * 100) / 100;',
    sample: () => [{ items: [{ price: 10, qty: 1 }], coupon: null }],
    call: (i) => [{ items: [{ price: 9.99, qty: 2 }, { price: 1.5, qty: i & 3 }], coupon: i & 1 ? { pct: 10 } : null }],
  },
  {
    name: 'formatUser', kind: 'string code',
    params: 'u',
    body: "const name = u.last ? u.first + ' ' + u.last : u.first; return name.toUpperCase() + ' <' + u.email.toLowerCase() + '>' + (u.admin ? ' [admin]' : '');",
    sample: () => [{ first: 'Ada', last: 'Lovelace', email: 'ADA@EXAMPLE.COM', admin: false }],
    call: (i) => [{ first: WORDS[i % 6], last: i & 1 ? '' : 'Smith', email: `${WORDS[i % 6]}@Example.com`, admin: (i & 3) === 0 }],
  },
  {
    name: 'route', kind: 'branchy dispatch on strings',
    params: 'method, path',
    body: "switch (method) { case 'GET': return path.startsWith('/api/') ? 1 : 2; case 'POST': return path.length > 10 ? 3 : 4; case 'PUT': return 5; case 'DELETE': return 6; default: return 0; }",
    sample: () => ['GET', '/api/users'],
    call: (i) => [['POST', 'PUT', 'GET', 'DELETE', 'PATCH'][i % 5], i & 1 ? '/api/orders/12345' : '/health'],
  },
  {
    name: 'parseCsvNumbers', kind: 'small hand-written parser (charCodeAt)',
    params: 'line',
    body: 'let sum = 0, cur = 0, frac = 0, scale = 1, neg = false; for (let i = 0; i <= line.length; i++) { const c = i < line.length ? line.charCodeAt(i) : 44; if (c === 44) { const v = (cur + frac / scale) * (neg ? -1 : 1); sum += v; cur = 0; frac = 0; scale = 1; neg = false; } else if (c === 45) neg = true; else if (c === 46) scale = 1.5; else if (scale > 1) { frac = frac * 10 + (c - 48); scale = scale === 1.5 ? 10 : scale * 10; } else cur = cur * 10 + (c - 48); } return sum;',
    sample: () => ['1,2,3'],
    call: (i) => [`${i},-2.5,30.25,4,${i & 15}.5`],
  },
  {
    name: 'clampScale', kind: 'Math builtins on numbers',
    params: 'x, lo, hi',
    body: 'const c = Math.min(hi, Math.max(lo, x)); return (c - lo) / (hi - lo);',
    sample: () => [5, 0, 10],
    call: (i) => [i * 0.37 - 3, -1.5, 20.25],
  },
  {
    name: 'vecNorm', kind: 'method reading this',
    params: '',
    body: 'let s = 0; const v = this.values; for (let i = 0; i < v.length; i++) s += v[i] * v[i]; return Math.sqrt(s) * this.scale;',
    sample: () => [],
    call: () => [],
    receiver: () => ({ values: [3, 4], scale: 1 }),
  },
  {
    name: 'tokenize', kind: 'tokenizer (charCodeAt switch)',
    params: 'src',
    body: 'let n = 0, depth = 0; for (let i = 0; i < src.length; i++) { switch (src.charCodeAt(i)) { case 123: case 91: depth++; n++; break; case 125: case 93: depth--; n++; break; case 44: case 58: n++; break; case 34: { i++; while (i < src.length && src.charCodeAt(i) !== 34) i++; n++; break; } default: break; } } return n * 1000 + depth;',
    sample: () => ['{}'],
    call: (i) => [`{"id":${i},"tags":["a","b"],"ok":true}`],
  },
];

let serial = 0;

/** A fresh function for `shape` (its own source text, so its own V8 code and feedback). */
export function compileShape(shape: Shape, tag = ''): (...args: Args) => unknown {
  const fn = new Function(shape.params, `${shape.body} /* corpus ${shape.name} ${tag} ${++serial} */`) as (...args: Args) => unknown;
  Object.defineProperty(fn, 'name', { value: shape.name });
  return fn;
}

/** Calls `f` as the shape's real call `i` (with its receiver for methods). */
export function realCall(shape: Shape, f: (...args: Args) => unknown, receiver: unknown, i: number): unknown {
  return Reflect.apply(f, receiver, shape.call(i));
}
