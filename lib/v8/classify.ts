// The one function classifier: what kind of function a value is, as far as V8's intrinsics'
// safety goes (docs/v8.md lists what aborts on which kind), and why the intrinsics may not be used
// on it for a hint. Never throws.

import { trustNativesSyntax } from '../config.js';
import { classifySource } from '../source/realm.js';
import { mayBeNeverOptimized } from './never-optimized.js';
import { v8 } from './state.js';
import type { AnyFunction, Hint } from '../types.js';

export type FunctionKind = 'user' | 'native' | 'proxy' | 'class' | 'asm' | 'wasm' | 'not-a-function';

interface Inspection { kind: FunctionKind; source: string }

/** What kind of function `fn` is, as far as the intrinsics' safety goes. Never throws. */
export function inspectFunction(fn: unknown): Inspection {
  const { kind, source } = classifySource(fn);
  if (kind !== 'source') return { kind, source };
  // The functions a validated asm.js module exports have plain JS source but run as WebAssembly,
  // and the intrinsics abort on them. %IsWasmCode is safe here: fn is now known to be a real JS
  // function (not native, bound or a Proxy).
  const isWasmCode = v8().intrinsics.IsWasmCode;
  if (isWasmCode) {
    try {
      if (isWasmCode(fn as AnyFunction) === true) return { kind: 'wasm', source };
    } catch {
      return { kind: 'wasm', source };
    }
  }
  return { kind: 'user', source };
}

export const KIND_REASONS: Record<Exclude<FunctionKind, 'user'>, string> = {
  native: 'a native or bound function (V8 intrinsics would abort the process on it)',
  proxy: 'a Proxy (V8 intrinsics would abort the process on it)',
  class: 'a class constructor (jitctl does not optimize constructors)',
  asm: 'an asm.js module (V8 intrinsics would abort the process on it)',
  wasm: 'a function exported by an asm.js module, which V8 runs as WebAssembly (V8 intrinsics would abort the process on it)',
  'not-a-function': 'not a function',
};

/**
 * Why V8's intrinsics cannot tell `fn` is safe on this V8: without %IsWasmCode, a function a
 * validated asm.js module exported looks like any other, and the intrinsics abort on it.
 */
const NO_WASM_CHECK = 'V8 intrinsic %IsWasmCode is not available, so asm.js exports cannot be told apart';

/**
 * Why no function is optimized through intrinsics when natives syntax was on before jitctl
 * switched it on: code outside jitctl could then have called %NeverOptimizeFunction on any
 * function, V8 offers no way to read that mark back, and optimizing a marked function aborts.
 */
export const FOREIGN_NATIVES_SYNTAX = 'V8 natives syntax was already on when jitctl loaded (--allow-natives-syntax), so code ' +
  'outside jitctl may have never-optimized it, which V8 cannot report; optimizing such a function would abort the process ' +
  '(set JITCTL_TRUST_NATIVES_SYNTAX=1 if no code of yours calls %NeverOptimizeFunction)';

/** Why V8's intrinsics may not be used on `fn` for `hint`, or null when they may. */
export function v8Refusal(hint: Hint, fn: unknown): string | null {
  const { kind, source } = inspectFunction(fn);
  if (kind !== 'user') return KIND_REASONS[kind];
  if (!v8().intrinsics.IsWasmCode) return NO_WASM_CHECK;
  if (hint !== 'ignore' && mayBeNeverOptimized(fn as AnyFunction, source)) {
    return 'its code is shared with a function jitctl never-optimized (a sibling closure or identical source); ' +
      'optimizing it would abort the process';
  }
  if (hint === 'focus' && v8().nativesSyntax === 'already-enabled' && !trustNativesSyntax) return FOREIGN_NATIVES_SYNTAX;
  return null;
}
