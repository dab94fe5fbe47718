// Where a variable that may hold undefined is known to hold a number. The typing pass is
// flow-insensitive: `k = a[0]` makes k "maybe undefined" everywhere. But JavaScript's own tests
// prove more: `i < j` is false when j is undefined (ToNumber gives NaN), so inside
// `while (i < j) { ... a[j] ... }` j is a number until the body assigns it something that may be
// undefined. With that, `a[j]` is an element read (an index that may be undefined would read a
// property named "undefined" instead, which a kernel cannot do).
//
// The facts flow forward through the tree in evaluation order: an assignment of a number adds
// one, of a maybe-undefined value removes it; a test adds facts on the side where it is true (or
// false, for `!==`); branches meet by intersection; a loop head keeps only the facts about
// variables the loop never writes, which hold on every path through the loop.

import type { Expr, VarId } from './ir.js';
import { exprWrites } from './ir-walk.js';
import type { Kind, Ty } from './type-rules.js';

export class Definedness {
  private facts = new Set<VarId>();

  reset(): void {
    this.facts = new Set();
  }

  has(v: VarId): boolean {
    return this.facts.has(v);
  }

  /** After `v = <a value of this kind>`. */
  assigned(v: VarId, kind: Kind): void {
    if (kind === 'maybe') this.facts.delete(v);
    else this.facts.add(v);
  }

  save(): ReadonlySet<VarId> {
    return new Set(this.facts);
  }

  restore(saved: ReadonlySet<VarId>): void {
    this.facts = new Set(saved);
  }

  kill(vars: Iterable<VarId>): void {
    for (const v of vars) this.facts.delete(v);
  }

  /** The facts that hold after either of two paths. */
  meet(a: ReadonlySet<VarId>, b: ReadonlySet<VarId>): void {
    this.facts = new Set([...a].filter((v) => b.has(v)));
  }

  /**
   * Adds what `test` evaluating to `outcome` proves. `typeOf` gives the settled type of a
   * subexpression (undefined when it was not typed in this pass).
   */
  learn(test: Expr, outcome: boolean, typeOf: (e: Expr) => Ty | undefined): void {
    // A variable the test assigns may hold something else than what the comparison read
    // (`k > 0 && (k = a[i], true)`): what the test proves holds only for the others.
    this.learnFrom(test, outcome, typeOf, exprWrites(test));
  }

  private learnFrom(test: Expr, outcome: boolean, typeOf: (e: Expr) => Ty | undefined, written: ReadonlySet<VarId>): void {
    switch (test.kind) {
      case 'unary':
        if (test.op === '!') this.learnFrom(test.arg, !outcome, typeOf, written);
        return;
      case 'logical':
        // `a && b` true: both were true; `a || b` false: both were false.
        if ((test.op === '&&' && outcome) || (test.op === '||' && !outcome)) {
          this.learnFrom(test.left, outcome, typeOf, written);
          this.learnFrom(test.right, outcome, typeOf, written);
        }
        return;
      case 'binary': {
        const relational = test.op === '<' || test.op === '<=' || test.op === '>' || test.op === '>=';
        if (relational && outcome) {
          // Any comparison with NaN (undefined) is false: both sides are numbers.
          this.addVar(test.left, written);
          this.addVar(test.right, written);
          return;
        }
        const equality = test.op === '===' || test.op === '==';
        const inequality = test.op === '!==' || test.op === '!=';
        if (!((equality && outcome) || (inequality && !outcome))) return;
        // `x === e` true with e a number (never undefined): x is that number.
        if (typeOf(test.right)?.kind === 'number') this.addVar(test.left, written);
        if (typeOf(test.left)?.kind === 'number') this.addVar(test.right, written);
        return;
      }
      default:
        return;
    }
  }

  private addVar(e: Expr, written: ReadonlySet<VarId>): void {
    if (e.kind === 'var' && !written.has(e.v)) this.facts.add(e.v);
  }
}
