import { strict as assert } from 'node:assert';
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
});
