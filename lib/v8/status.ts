// %GetOptimizationStatus bit layouts (docs/v8.md). Layout B (V8 14.x) dropped AlwaysOptimize, so
// every bit from 3 up moved down by one. Which one a V8 uses is found by probing an interpreted
// function: 129 (bits 0 and 7) in A, 65 (bits 0 and 6) in B.

export type StatusLayout = 'A' | 'B';

const LAYOUT_A_BITS = [
  'isFunction', 'neverOptimize', 'alwaysOptimize', 'maybeDeopted', 'optimized', 'maglevved', 'turboFanned',
  'interpreted', 'markedForOptimization', 'markedForConcurrentOptimization', 'optimizingConcurrently',
  'isExecuting', 'topmostFrameIsTurboFanned', 'liteMode', 'markedForDeoptimization', 'baseline',
  'topmostFrameIsInterpreted', 'topmostFrameIsBaseline', 'isLazy', 'topmostFrameIsMaglev',
] as const;
const LAYOUT_B_BITS = LAYOUT_A_BITS.filter((name) => name !== 'alwaysOptimize');

export type StatusFlag = (typeof LAYOUT_A_BITS)[number];

/** The status of an interpreted function (called, not optimized) in each layout. */
export const INTERPRETED_STATUS: Record<StatusLayout, number> = { A: 129, B: 65 };

/** Which layout a probe of an interpreted function's status shows, or null if neither. */
export function layoutFromProbe(status: unknown): StatusLayout | null {
  if (typeof status !== 'number') return null;
  // Only the bits that must be set for a plain interpreted function are compared; the rest may vary.
  if ((status & INTERPRETED_STATUS.A) === INTERPRETED_STATUS.A && (status & 0b1111000) === 0) return 'A';
  if ((status & INTERPRETED_STATUS.B) === INTERPRETED_STATUS.B && (status & 0b111000) === 0) return 'B';
  return null;
}

/** The names of the bits set in `status` under `layout`. */
export function decodeStatus(status: number, layout: StatusLayout): StatusFlag[] {
  const names: readonly StatusFlag[] = layout === 'A' ? LAYOUT_A_BITS : LAYOUT_B_BITS;
  const set: StatusFlag[] = [];
  for (let bit = 0; bit < names.length; bit++) {
    if ((status >>> bit) & 1) set.push(names[bit]);
  }
  return set;
}

/** The bit value of `flag` in `layout`. */
export function statusBit(flag: StatusFlag, layout: StatusLayout): number {
  const names: readonly StatusFlag[] = layout === 'A' ? LAYOUT_A_BITS : LAYOUT_B_BITS;
  const index = names.indexOf(flag);
  return index < 0 ? 0 : 2 ** index;
}
