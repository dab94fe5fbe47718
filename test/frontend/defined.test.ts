// Where a variable that may be undefined is known to hold a number (defined.ts): a test that is
// false for undefined proves it on its true side, until the variable is assigned a value that may
// be undefined again. An index that may be undefined declines (a[undefined] reads a property), so
// each case either agrees with V8 or declines for exactly that reason.

import assert from 'node:assert/strict';

import { agree, declineOf } from './lower-helpers.js';

const MAYBE_INDEX = /an index that may be undefined/;
// The cases read p[p.length - 1] and p[p.length - 2] where they mean "the first and second value
// of the list" (each list is stored reversed): a constant index such as p[0] would be in bounds
// (the kernel's entry guard demands one element), never undefined.
const arrays = (xs: readonly number[][]) => xs.map((x) => [Int32Array.from(x).reverse(), new Float64Array([1.5, 2.5, 3.5, 4.5])]);

describe('lowerKernel: numbers proven by tests (maybe-undefined variables)', () => {
  it('a relational test proves both sides inside a while body (the fannkuch flip loop)', () => {
    agree(`(perm, b) => {
      let s = 0, i = 0, j = perm[perm.length - 1];
      while (i < j) { s += b[j] + perm[i]; perm[i] = perm[j]; i++; j--; }
      return s;
    }`, arrays([[], [0], [3, 1, 2, 0], [2, 7, 1], [-1, 4]]));
  });

  it('an if test proves the then branch; a then branch that returns proves what follows', () => {
    agree('(p, b) => { const k = p[p.length - 1]; if (k >= 0) return b[k] + 1; return -1; }', arrays([[], [1], [9], [-2]]));
    agree('(p, b) => { const k = p[p.length - 2]; if (!(k < 4)) return 0; return b[k] || 0; }', arrays([[], [0], [0, 2], [0, 7], [0, -1]]));
    agree('(p, b) => { const k = p[p.length - 1]; if (k !== 2) return 0; return b[k] || 0; }', arrays([[], [2], [3]]));
    agree('(p, b) => { const k = p[p.length - 1]; return k > 0 && b[k] > 2 ? b[k] * 2 : 0; }', arrays([[], [1], [3], [0]]));
  });

  it('an assignment of a number proves the variable until it is assigned a maybe again', () => {
    agree('(p, b) => { let k = p[p.length - 1]; k = k | 0; let s = b[k]; k = p[p.length - 2]; if (k === 1) s += b[k]; return s || 0; }', arrays([[], [1], [1, 1], [2, 0]]));
    agree('(p, b) => { let k = p[p.length - 1]; k++; return b[k] || 0; }', arrays([[], [0], [2]]));
  });

  it('declines where no test or assignment proves the index', () => {
    // After the if: only the then branch knew k.
    assert.match(declineOf('(p, b) => { const k = p[p.length - 1]; let s = 0; if (k > 0) s = 1; return s + b[k]; }', ['Int32Array', 'Float64Array']), MAYBE_INDEX);
    // Reassigned from a load inside the loop, then used.
    assert.match(declineOf('(p, b) => { let s = 0, j = p[p.length - 1]; while (0 < j) { j = p[j]; s += b[j]; } return s; }', ['Int32Array', 'Float64Array']), MAYBE_INDEX);
    // A test that undefined passes (undefined !== 0 is true).
    assert.match(declineOf('(p, b) => { const k = p[p.length - 1]; if (k !== 0) return b[k]; return 0; }', ['Int32Array', 'Float64Array']), MAYBE_INDEX);
    // The false side of a relational test proves nothing (NaN < 1 is false too).
    assert.match(declineOf('(p, b) => { const k = p[p.length - 1]; if (k < 1) return 0; return b[k]; }', ['Int32Array', 'Float64Array']), MAYBE_INDEX);
    // || proves its sides only when false.
    assert.match(declineOf('(p, b) => { const k = p[p.length - 1]; if (k > 0 || k < 9) return b[k]; return 0; }', ['Int32Array', 'Float64Array']), MAYBE_INDEX);
  });

  it('proves nothing about a variable the test itself assigns', () => {
    const sig = ['Float64Array', 'f64'] as const;
    assert.match(declineOf('(a, i) => { let k = 1; if (k > 0 && ((k = a[i]), true)) { return k; } return 0; }', sig), /may be undefined/);
    assert.match(declineOf('(a, i) => { let k = 1; if (k < ((k = a[i]), 5)) return k; return 0; }', sig), /may be undefined/);
    assert.match(declineOf('(a, i) => { let k = 1; if (k === ((k = a[i]), 1)) return a[k]; return 0; }', sig), MAYBE_INDEX);
    // The other side of the same test still counts.
    agree('(a, i) => { let k = 1, j = a[a.length - 1]; if (j > 0 && ((k = a[i]), true)) return a[j] || 0; return 0; }', [[new Float64Array([1, 5]), 1], [new Float64Array([]), 0]]);
  });

  it('declines where a path around the proof exists: continue into the update, a conditional assignment', () => {
    assert.match(declineOf(`(p, b) => {
      let s = 0, j = 0;
      for (let t = 0; t < 3; t++, s += b[j]) { j = p[t]; if (j > 0) continue; }
      return s;
    }`, ['Int32Array', 'Float64Array']), MAYBE_INDEX);
    assert.match(declineOf('(p, b, c) => { let k = 1; if (c > 0) k = p[p.length - 1]; return b[k] || 0; }', ['Int32Array', 'Float64Array', 'f64']), MAYBE_INDEX);
    assert.match(declineOf('(p, b, c) => { let k = 1; c > 0 ? (k = p[p.length - 1]) : 0; return b[k] || 0; }', ['Int32Array', 'Float64Array', 'f64']), MAYBE_INDEX);
    assert.match(declineOf('(p, b, c) => { let k = 1; out: { if (c) break out; k = p[p.length - 1]; } return b[k] || 0; }', ['Int32Array', 'Float64Array', 'f64']), MAYBE_INDEX);
  });
});
