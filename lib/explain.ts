// The public explain(): the compiler's explainFunction (lib/compiler/explain.ts) for a function
// as the user holds it. A function a hint returned is explained through the function the user
// wrote, with the hint's first sample as the default signature; the front end is given this
// runtime's facts (which Math functions it must decline, from the router) so that the answer is
// the one the native tier would give here.

import { describeValue } from './describe.js';
import { explainFunction, formatExplain, type ExplainOptions, type ExplainReport } from './compiler/explain.js';
import { runtimeFacts } from './router/route.js';
import { hintedFunction } from './runtime/hinted.js';
import { locateFunction } from './source/locate.js';
import { sourceText } from './source/realm.js';
import type { AnyFunction } from './types.js';

export type { ExplainedUop, ExplainOptions, ExplainReport } from './compiler/explain.js';
export { formatExplain };

function checkOptions(options: unknown): ExplainOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`explain: options must be an object ({ args?, signature? }), got ${describeValue(options)}`);
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (key !== 'args' && key !== 'signature') throw new TypeError(`explain: unknown option '${key}' (known: args, signature)`);
  }
  if (given.args !== undefined && !Array.isArray(given.args)) throw new TypeError(`explain: args must be an array of arguments, got ${describeValue(given.args)}`);
  const signature = given.signature;
  if (signature !== undefined && typeof signature !== 'string' && !(Array.isArray(signature) && signature.every((k) => typeof k === 'string'))) {
    throw new TypeError(`explain: signature must be a string ('Float64Array,f64') or an array of argument kinds, got ${describeValue(signature)}`);
  }
  return given as ExplainOptions;
}

function explainAt(fn: unknown, options: unknown, fileText: string | undefined, fileName?: string): ExplainReport {
  if (typeof fn !== 'function') throw new TypeError(`explain: expected a function, got ${describeValue(fn)}`);
  const checked = checkOptions(options);
  const hinted = hintedFunction(fn);
  const target = hinted?.fn ?? (fn as AnyFunction);
  const source = fileText === undefined ? undefined : sourceText(target);
  const at = source === undefined || fileText === undefined ? undefined : locateFunction(fileText, source);
  const origin = at && fileName !== undefined ? { ...at, file: fileName } : at;
  const report = explainFunction(target, checked, { samples: hinted?.samples, inexactMath: new Set(runtimeFacts().inexactMath), origin });
  // A hinted function goes by the name stats() gives it (the `name` option, Class.method).
  return hinted ? { ...report, name: hinted.record.name } : report;
}

/**
 * What jitctl's native tier makes of `fn`: whether it compiles, for which signature, its typed IR
 * and micro-ops with stencil sizes, or why not (the construct, its line and column in the
 * function, and what would make it compile). The signature is `options.signature` (argument kinds,
 * 'Float64Array,Float64Array,i32'), else the kinds of `options.args`, else the first sample of
 * the hint that returned `fn`, else typed arrays as Float64Array and numbers as f64.
 */
export function explain(fn: AnyFunction, options?: ExplainOptions): ExplainReport {
  return explainAt(fn, options, undefined);
}

/** explain() with positions in `fileText`, the file `fn` was loaded from (`jitctl explain`), named `fileName` in messages. */
export function explainInFile(fn: unknown, fileText: string, options?: ExplainOptions, fileName?: string): ExplainReport {
  return explainAt(fn, options, fileText, fileName);
}
