// Intrinsic wrappers compiled on their own, for tests and benchmarks that observe V8 directly
// rather than through what jitctl reports: natives syntax on for the compile (only if it was off),
// then off again. A wrapper whose bytecode V8 flushed recompiles with natives syntax off, which is
// a SyntaxError from the call: the call is then made again with the syntax on. Only ever called
// on real user functions (docs/v8.md lists what aborts).

import * as v8 from 'node:v8';

export type Probe = (fn: unknown) => unknown;

/** Compiles `%name(f)` for each name (and `source` for each extra), leaving out what this V8 lacks. */
export function compileProbes(names: readonly string[], extra: Readonly<Record<string, string>> = {}): Record<string, Probe> {
  const sources: Record<string, string> = { ...Object.fromEntries(names.map((name) => [name, `return %${name}(f)`])), ...extra };
  const raw: Record<string, Probe> = {};
  let already = true;
  try { new Function(`return %IsTurbofanEnabled() /* probe ${Math.random()} */`); } catch { already = false; }
  if (!already) v8.setFlagsFromString('--allow-natives-syntax');
  try {
    for (const [name, body] of Object.entries(sources)) {
      try { raw[name] = new Function('f', `${body} /* probe */`) as Probe; } catch { /* not on this V8 */ }
    }
  } finally {
    if (!already) v8.setFlagsFromString('--no-allow-natives-syntax');
  }
  const call = (name: string, fn: unknown): unknown => {
    try {
      return raw[name](fn);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      v8.setFlagsFromString('--allow-natives-syntax');
      try {
        return raw[name](fn);
      } finally {
        v8.setFlagsFromString('--no-allow-natives-syntax');
      }
    }
  };
  return Object.fromEntries(Object.keys(raw).map((name) => [name, (fn: unknown) => call(name, fn)]));
}
