// Helpers for the front end's tests: plan or fail with the decline's message, find IR nodes by
// kind, and compute a construct's expected position from the source text itself.

import * as assert from 'node:assert/strict';
import { planKernel, type Decline, type KernelPlan } from '../../lib/compiler/frontend/index.js';
import type { Expr, Stmt } from '../../lib/compiler/frontend/ir.js';
import type { AnyFunction } from '../../lib/types.js';

export function planOf(fn: AnyFunction | string): KernelPlan {
  const result = planKernel(fn);
  if (!result.ok) assert.fail(`expected a plan, got a decline: ${result.decline.message}`);
  return result.plan;
}

export function declineOf(fn: unknown): Decline {
  const result = planKernel(fn as AnyFunction);
  if (result.ok) assert.fail('expected a decline, got a plan');
  return result.decline;
}

/** The 1-based line and column of the `occurrence`-th `marker` in `source` (0: the first, -1: the last). */
export function positionIn(source: string, marker: string, occurrence = 0): { line: number; column: number } {
  let index = occurrence < 0 ? source.lastIndexOf(marker) : -1;
  assert.ok(occurrence >= 0 || index >= 0, `marker ${JSON.stringify(marker)} not in the source`);
  for (let k = 0; k <= occurrence; k++) {
    index = source.indexOf(marker, index + 1);
    assert.ok(index >= 0, `marker ${JSON.stringify(marker)} not in the source`);
  }
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

type AnyIR = Expr | Stmt;
/** The IR node types whose kind can be K (break and continue share one type). */
type OfKind<K extends string> = AnyIR extends infer T ? (T extends { kind: infer U } ? (K extends U ? T : never) : never) : never;

function children(node: AnyIR): AnyIR[] {
  const out: AnyIR[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'at') continue;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (typeof item !== 'object' || item === null) continue;
      // Statements and expressions have a position; of assignment targets, element targets hold an index expression.
      if ('at' in item) out.push(item as AnyIR);
      else if ((item as { kind?: unknown }).kind === 'element') out.push(...children(item as AnyIR));
    }
  }
  return out;
}

/** Every IR statement or expression of `kind`, in source order (pre-order). */
export function nodesOf<K extends string>(plan: KernelPlan, kind: K): Array<OfKind<K>> {
  const found: AnyIR[] = [];
  const visit = (node: AnyIR): void => {
    if (node.kind === kind) found.push(node);
    for (const child of children(node)) visit(child);
  };
  for (const s of plan.ir.body) visit(s);
  return found as Array<OfKind<K>>;
}

/** The variable id of the `occurrence`-th variable named `name`. */
export function varId(plan: KernelPlan, name: string, occurrence = 0): number {
  const matches = plan.ir.variables.filter((v) => v.name === name);
  assert.ok(matches.length > occurrence, `no variable ${name} #${occurrence}`);
  return matches[occurrence].id;
}
