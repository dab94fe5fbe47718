// Shrinks a failing case while it still fails the same way: one argument set; statements removed
// or replaced by their bodies; expressions replaced by a subexpression or a small constant; arrays
// shortened and their elements zeroed; numbers replaced by 0, 1 or their integer part. A candidate
// that is no longer valid JavaScript, throws in V8, or moves out of the subset fails differently,
// so it is simply not taken. Loop headers are never edited, so every candidate still ends.

import type { Expr, Program, Stmt } from './fuzz-ast.js';
import type { Arg } from './fuzz-args.js';
import { runCase, type FuzzCase, type NativeSide, type Outcome } from './fuzz-harness.js';

const EXPR_KEYS = ['e', 'c', 'a', 'b', 'v', 'index', 'cond'] as const;
const STMT_LIST_KEYS = ['body', 'then', 'otherwise'] as const;

type Path = Array<string | number>;
type Node = Record<string | number, unknown>;

function at(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Node)[key], root);
}

function replaced<T>(root: T, path: Path, value: unknown): T {
  const copy = structuredClone(root);
  (at(copy, path.slice(0, -1)) as Node)[path[path.length - 1]] = value;
  return copy;
}

function isExpr(x: unknown): x is Expr {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as { t?: unknown }).t === 'string';
}

/** Paths of every statement list and every expression in the program, outermost first. */
function walk(node: unknown, path: Path, lists: Path[], exprs: Path[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, [...path, i], lists, exprs));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Node;
  for (const key of STMT_LIST_KEYS) if (Array.isArray(record[key])) lists.push([...path, key]);
  for (const key of EXPR_KEYS) if (isExpr(record[key])) exprs.push([...path, key]);
  if (Array.isArray(record.args)) (record.args as unknown[]).forEach((_, i) => exprs.push([...path, 'args', i]));
  if (Array.isArray(record.es)) (record.es as unknown[]).forEach((_, i) => exprs.push([...path, 'es', i]));
  if (Array.isArray(record.decls)) (record.decls as Array<[string, unknown]>).forEach((d, i) => d[1] !== null && exprs.push([...path, 'decls', i, 1]));
  for (const [key, value] of Object.entries(record)) if (typeof value === 'object' && key !== 'target') walk(value, [...path, key], lists, exprs);
  if (isExpr(record.target)) walk(record.target, [...path, 'target'], lists, exprs);
}

/** Smaller programs: statements removed or unwrapped, then expressions simplified. */
function* programCandidates(p: Program): Generator<Program> {
  const lists: Path[] = [], exprs: Path[] = [];
  walk(p, [], lists, exprs);
  for (const path of lists) {
    const list = at(p, path) as Stmt[];
    for (let i = list.length - 1; i >= 0; i--) {
      // The final return of a value function stays, so that every path still returns.
      if (path.length === 1 && p.returnsValue && i === list.length - 1) continue;
      yield replaced(p, path, [...list.slice(0, i), ...list.slice(i + 1)]);
      const s = list[i];
      const inner = s.t === 'if' ? [s.then, s.otherwise ?? []] : s.t === 'block' || s.t === 'for' || s.t === 'while' ? [s.body] : [];
      for (const body of inner) yield replaced(p, path, [...list.slice(0, i), ...body, ...list.slice(i + 1)]);
    }
  }
  for (const path of exprs) {
    const e = at(p, path) as Expr;
    for (const child of subexpressions(e)) yield replaced(p, path, child);
    if (e.t !== 'num' || (e.v !== 0 && e.v !== 1)) {
      yield replaced(p, path, { t: 'num', v: 0 });
      yield replaced(p, path, { t: 'num', v: 1 });
    }
  }
}

function subexpressions(e: Expr): Expr[] {
  switch (e.t) {
    case 'unary': return [e.a];
    case 'binary': return [e.a, e.b];
    case 'cond': return [e.a, e.b, e.c];
    case 'call': return e.args;
    case 'assign': return [e.v];
    case 'seq': return e.es;
    default: return [];
  }
}

/** Smaller arguments: shorter arrays (when they own their buffer), zeroed elements, simpler numbers. */
function* argCandidates(args: readonly Arg[]): Generator<Arg[]> {
  const shared = (a: Arg) => typeof a !== 'number' && args.some((b) => b !== a && typeof b !== 'number' && b.buffer === a.buffer);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'number') {
      for (const v of [0, 1, Math.trunc(a)]) if (simplicity(v) < simplicity(a)) yield args.map((x, j) => (j === i ? v : x));
      continue;
    }
    if (!shared(a) && args.indexOf(a) === i) {
      const C = a.constructor as new (values: ArrayLike<number>) => typeof a;
      for (const n of [0, a.length >> 1, a.length - 1]) {
        if (n >= 0 && n < a.length) yield args.map((x) => (x === a ? new C(Array.from(a as ArrayLike<number>).slice(0, n)) : x));
      }
    }
    for (let k = 0; k < a.length; k++) {
      if (a[k] === 0 && !Object.is(a[k], -0)) continue;
      yield cloneWith(args, i, k);
    }
  }
}

/** Lower is simpler: +0, 1, other integers, anything else; so that shrinking always ends. */
function simplicity(v: number): number {
  return Object.is(v, 0) ? 0 : v === 1 ? 1 : Number.isInteger(v) ? 2 : 3;
}

function cloneWith(args: readonly Arg[], i: number, k: number): Arg[] {
  const buffers = new Map<ArrayBufferLike, ArrayBuffer>();
  const copy = args.map((a) => {
    if (typeof a === 'number') return a;
    let buffer = buffers.get(a.buffer);
    if (!buffer) buffers.set(a.buffer, (buffer = (a.buffer as ArrayBuffer).slice(0)));
    return new (a.constructor as new (b: ArrayBuffer, o: number, n: number) => typeof a)(buffer, a.byteOffset, a.length);
  });
  // Keep `same array twice` as the same object.
  const fixed = copy.map((c, j) => copy[args.indexOf(args[j])] ?? c);
  (fixed[i] as unknown as number[])[k] = 0;
  return fixed;
}

export interface Minimized {
  readonly case: FuzzCase;
  readonly outcome: Outcome;
  readonly attempts: number;
}

/** The smallest case found within `ms` that fails like `outcome` (same `what`). */
export function minimize(c: FuzzCase, outcome: Outcome, native?: NativeSide, ms = 30_000): Minimized {
  if (outcome.kind !== 'failure') return { case: c, outcome, attempts: 0 };
  const deadline = Date.now() + ms;
  let best = { ...c, argSets: outcome.argSet === undefined ? c.argSets : [c.argSets[outcome.argSet]] };
  let bestOutcome: Outcome = outcome, attempts = 0;
  const tryCase = (candidate: FuzzCase): boolean => {
    attempts++;
    let o: Outcome;
    try {
      o = runCase(candidate, native);
    } catch {
      return false;
    }
    if (o.kind !== 'failure' || o.what !== outcome.what) return false;
    best = candidate;
    bestOutcome = o;
    return true;
  };
  if (best !== c && !tryCase(best)) best = c;
  for (let progress = true; progress && Date.now() < deadline;) {
    progress = false;
    for (const program of programCandidates(best.program)) {
      if (Date.now() >= deadline) break;
      if (tryCase({ ...best, program })) {
        progress = true;
        break;
      }
    }
    if (progress) continue;
    // A parameter the function no longer reads goes, with its argument (a read would throw in V8).
    for (let i = best.program.params.length - 1; i >= 0 && !progress; i--) {
      const params = best.program.params.filter((_, j) => j !== i);
      progress = tryCase({ ...best, program: { ...best.program, params }, argSets: best.argSets.map((args) => args.filter((_, j) => j !== i)) });
    }
    if (progress) continue;
    for (const args of argCandidates(best.argSets[0])) {
      if (Date.now() >= deadline) break;
      if (tryCase({ ...best, argSets: [args, ...best.argSets.slice(1)] })) {
        progress = true;
        break;
      }
    }
  }
  return { case: best, outcome: bestOutcome, attempts };
}
