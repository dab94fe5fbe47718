// The plan of a kernel's source text for the lowering tests: planKernel, which must accept it.

import assert from 'node:assert/strict';

import { planKernel, type KernelPlan } from '../../lib/compiler/frontend/index.js';

export function planOf(source: string): KernelPlan {
  const r = planKernel(source);
  if (!r.ok) assert.fail(`planKernel declined ${source}: ${r.decline.message}`);
  return r.plan;
}
