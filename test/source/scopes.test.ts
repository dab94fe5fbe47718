import { strict as assert } from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext, runInThisContext } from 'node:vm';
import { outerBindingsOf } from '../../lib/source/scopes.js';

const NAMES = ['Math', 'NaN', 'Infinity', 'undefined'];

describe('outerBindingsOf (what the scopes around a function bind)', () => {
  it('finds nothing for a function that reads the globals', () => {
    const f = (x: number) => Math.sqrt(x) + NaN;
    assert.deepEqual(outerBindingsOf(f, NAMES), { known: true, shadowed: [] });
  });

  it('finds an enclosing function\'s own Math and a parameter named NaN', () => {
    function outer(NaN: number) {
      const Math = { sqrt: (x: number) => x + 1 };
      return (x: number) => Math.sqrt(x) + NaN;
    }
    assert.deepEqual(outerBindingsOf(outer(5), NAMES), { known: true, shadowed: ['Math', 'NaN'] });
  });

  it('finds a binding in a block scope and ignores names not asked about', () => {
    let f: (x: number) => number;
    {
      const Infinity = 3;
      const k = 2;
      f = (x) => x * Infinity * k;
    }
    assert.deepEqual(outerBindingsOf(f, ['Infinity', 'Math']), { known: true, shadowed: ['Infinity'] });
  });

  it('answers for an empty list without asking the inspector, and leaves no global behind', () => {
    assert.deepEqual(outerBindingsOf(() => 1, []), { known: true, shadowed: [] });
    const before = Object.getOwnPropertyNames(globalThis).length;
    outerBindingsOf((x: number) => Math.abs(x), NAMES);
    assert.equal(Object.getOwnPropertyNames(globalThis).length, before);
  });

  it('never throws for functions the inspector sees differently (bound, native, Proxy)', () => {
    for (const fn of [Math.max, ((x: number) => Math.abs(x)).bind(null), new Proxy(() => 1, {})]) {
      const answer = outerBindingsOf(fn as (...args: unknown[]) => unknown, NAMES);
      assert.equal(typeof answer.known, 'boolean');
    }
  });

  it('answers unknown for a `with` scope without touching its object (a Proxy\'s traps never run)', () => {
    const trapped: string[] = [];
    const target = new Proxy({}, {
      has(_t, key) { trapped.push(String(key)); return false; },
      get(_t, key) { trapped.push(String(key)); return undefined; },
    });
    // `with` is sloppy-mode only: the function is made in a script of its own.
    const make = runInThisContext('(function (scope) { with (scope) { return function (x) { return Math.abs(x); }; } })') as
      (scope: object) => (x: number) => number;
    const answer = outerBindingsOf(make(target), NAMES);
    assert.equal(answer.known, false);
    if (!answer.known) assert.match(answer.reason, /With Block/);
    assert.deepEqual(trapped, []);
  });

  it('is not misled by names inherited from Object.prototype', () => {
    function outer(NaN: number) {
      const Math = { abs: (x: number) => x };
      return (x: number) => Math.abs(x) + NaN;
    }
    const plain = (x: number) => Math.abs(x);
    const proto = Object.prototype as Record<string, unknown>;
    try {
      proto.Math = 1;
      proto.Infinity = 1;
      assert.deepEqual(outerBindingsOf(outer(1), NAMES), { known: true, shadowed: ['Math', 'NaN'] });
      assert.deepEqual(outerBindingsOf(plain, NAMES), { known: true, shadowed: [] });
    } finally {
      delete proto.Math;
      delete proto.Infinity;
    }
  });

  it('does not keep the function alive after answering', async () => {
    let fn: ((x: number) => number) | null = (x) => Math.abs(x);
    const ref = new WeakRef(fn);
    outerBindingsOf(fn, NAMES);
    fn = null;
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let i = 0; i < 5 && ref.deref(); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    assert.equal(ref.deref(), undefined);
  });
});
