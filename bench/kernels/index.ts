// The kernel benchmark suite's kernels, in the order the tables and the chart show them.

import { INTEGER_KERNELS } from './integer.js';
import { LINEAR_KERNELS } from './linear.js';
import { SIM_KERNELS } from './sim.js';
import type { KernelSpec } from './spec.js';

export type { KernelSpec, KnownAnswer } from './spec.js';

export const KERNELS: readonly KernelSpec[] = [...LINEAR_KERNELS, ...INTEGER_KERNELS, ...SIM_KERNELS];

/** The kernels named in a `--kernels a,b` list (all when undefined); throws on an unknown name. */
export function selectKernels(list: string | undefined): KernelSpec[] {
  if (list === undefined) return KERNELS.slice();
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !KERNELS.some((k) => k.name === n));
  if (unknown.length > 0) throw new Error(`unknown kernel(s): ${unknown.join(', ')} (known: ${KERNELS.map((k) => k.name).join(', ')})`);
  return KERNELS.filter((k) => names.includes(k.name));
}
