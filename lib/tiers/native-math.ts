// The Math object and its members as they were when jitctl was imported. A kernel computes
// Math.sqrt with a stencil, not by calling Math.sqrt: so a call may run a kernel only while the
// global Math and every member the function reads are still these (a program or a library may
// replace Math.random, Math.sin, or Math itself, and the JS function would then call the new one).

const MathAtImport: Math = Math;

const originals: Readonly<Record<string, unknown>> = (() => {
  const members: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(MathAtImport)) {
    const descriptor = Object.getOwnPropertyDescriptor(MathAtImport, key);
    if (descriptor && 'value' in descriptor) members[key] = descriptor.value;
  }
  return Object.freeze(members);
})();

/** The global Math at import. */
export function originalMath(): Math {
  return MathAtImport;
}

/** The value Math[name] had at import (undefined for a name Math did not have). */
export function originalMathMember(name: string): unknown {
  return Object.prototype.hasOwnProperty.call(originals, name) ? originals[name] : undefined;
}

/**
 * Whether the global Math is the one of import and each of `members` is the original value; a
 * getter installed since counts as changed (its value is not read).
 */
export function mathIsOriginal(members: readonly string[]): boolean {
  if ((globalThis as { Math?: unknown }).Math !== MathAtImport) return false;
  for (const name of members) {
    const descriptor = Object.getOwnPropertyDescriptor(MathAtImport, name);
    if (!descriptor || !('value' in descriptor) || descriptor.value !== originalMathMember(name)) return false;
  }
  return true;
}
