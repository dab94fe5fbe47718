// Bit-for-bit comparison of two runs of a kernel: the return values and every typed-array
// argument after the call. NaN payloads aside: V8's own tiers differ on NaN bits, so "both NaN"
// counts as equal for float results and float elements; everything else must be identical
// (Object.is: 0 and -0 differ).

function sameNumber(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

function isFloatArray(v: unknown): v is Float64Array | Float32Array {
  return v instanceof Float64Array || v instanceof Float32Array;
}

/** Undefined when both runs agree, else where they first differ. */
export function difference(resultA: unknown, argsA: readonly unknown[], resultB: unknown, argsB: readonly unknown[]): string | undefined {
  if (!sameNumber(resultA, resultB)) return `result ${String(resultA)} against ${String(resultB)}`;
  for (let p = 0; p < argsA.length; p++) {
    const a = argsA[p], b = argsB[p];
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) continue;
    if (a.byteLength !== b.byteLength) return `argument ${p}: ${a.byteLength} bytes against ${b.byteLength}`;
    if (isFloatArray(a) && isFloatArray(b)) {
      for (let i = 0; i < a.length; i++) {
        if (!sameNumber(a[i], b[i])) return `argument ${p}[${i}]: ${a[i]} against ${b[i]}`;
      }
      continue;
    }
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== y[i]) return `argument ${p}, byte ${i}: ${x[i]} against ${y[i]}`;
    }
  }
  return undefined;
}
