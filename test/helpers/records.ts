// Finding a hinted function's stats() record by name, for tests that hint functions with unique names.

import * as assert from 'node:assert/strict';
import { stats } from '../../lib/index.js';
import type { FunctionStats } from '../../lib/index.js';

/** The one stats() record named `name` (the newest, when the name was hinted more than once). */
export function recordNamed(name: string): FunctionStats {
  const found = stats().filter((s) => s.name === name);
  assert.ok(found.length > 0, `no stats() record named ${name}`);
  return found[found.length - 1];
}

/** How many stats() records are named `name`. */
export function countNamed(name: string): number {
  return stats().filter((s) => s.name === name).length;
}
