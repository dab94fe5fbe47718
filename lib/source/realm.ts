// Function inspection that user code cannot tamper with. jitctl's guards (lib/v8/) decide
// from a function's source text whether V8's intrinsics may touch it; a wrong answer aborts the
// process. The builtins those checks use (Function.prototype.toString, String.prototype methods,
// Set/WeakSet/WeakMap methods) can be replaced by any library, before jitctl is imported or after.
// So the tools are built inside a fresh realm (node:vm) at import: its builtins are fresh,
// unpatched, and unreachable from user code, and its Function.prototype.toString works on
// functions of every realm. Even the tools' own source text is read with the fresh realm's
// toString, never with this realm's (a patch that edits source text could otherwise edit the
// checks themselves). Both the guards (lib/v8/classify.ts) and the analysis (lib/source/analyze.ts) classify functions here, so there
// is one definition of "native", "class" and "asm.js module".
//
// The checks are linear scans, not regular expressions: a backtracking pattern over a hostile
// source can take exponential time, and V8 compiles a pattern on its first use, which fails with
// a SyntaxError ("Stack overflow") when a hint is applied near the stack limit.
//
// Where no fresh realm can be made (a runtime without node:vm), the same tools are built from this
// realm's builtins, captured uncurried at import: that still defeats patches made after import,
// not those made before.

import type { AnyFunction } from '../types.js';

/** What the never-optimized registry (lib/v8/never-optimized.ts) needs from a realm no one can patch. */
export interface SourceRegistry {
  /** Records `fn` and its source text; afterwards covers() is true for both, forever. */
  add(fn: object, source: string): void;
  /** True when `fn`, or any function with the same source text, was added (or, rarely, a hash collision). */
  covers(fn: object, source: string): boolean;
  /** Distinct source texts added so far (saturates at 2^31). */
  readonly sources: number;
}

/** The tools, built by `inspectionTools` inside the realm whose builtins they use. */
export interface InspectionTools {
  /** Function.prototype.toString, uncurried; throws on exotic callables (a revoked Proxy). */
  sourceOf(fn: unknown): unknown;
  /** "[native code]": natives, bound functions and Proxies. */
  isNativeSource(source: string): boolean;
  /** A class constructor's source (`class A {`, `class {`, `class extends B {`), not a method named `class` or `classify`. */
  isClassSource(source: string): boolean;
  /** An asm.js module (its body says "use asm"). */
  isAsmModuleSource(source: string): boolean;
  /** A registry of functions and source texts in bounded memory, with no false negatives. */
  newSourceRegistry(): SourceRegistry;
  newWeakMap<K extends object, V>(): WeakMap<K, V>;
  /** Object.getOwnPropertyDescriptor(holder, key).value, or undefined; never runs a getter. */
  ownValue(holder: object, key: symbol): unknown;
  /** Defines `key` on `holder` as a non-writable, non-enumerable, non-configurable value; false if it cannot. */
  defineConstant(holder: object, key: symbol, value: unknown): boolean;
}

// Compiled from its own text inside the fresh realm, so it must stay self-contained: no imports,
// no closures over this module, nothing TypeScript would add helpers for.
function inspectionTools(): InspectionTools {
  'use strict';
  const call = Function.prototype.call;
  const uncurry = (method: AnyFunction): AnyFunction => call.bind(method) as AnyFunction;
  const sourceOf = uncurry(Function.prototype.toString);
  const charCodeAt = uncurry(String.prototype.charCodeAt) as (text: string, index: number) => number;
  const indexOf = uncurry(String.prototype.indexOf) as (text: string, search: string, from: number) => number;
  const weakSetAdd = uncurry(WeakSet.prototype.add) as (set: WeakSet<object>, value: object) => void;
  const weakSetHas = uncurry(WeakSet.prototype.has) as (set: WeakSet<object>, value: object) => boolean;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const imul = Math.imul;
  const RealmWeakSet = WeakSet;
  const RealmWeakMap = WeakMap;
  const RealmUint32Array = Uint32Array;

  // The characters \s matches (ECMAScript WhiteSpace and LineTerminator).
  const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f ||
    c === 0x3000 || c === 0xfeff;
  const SLASH = 47, STAR = 42, NEWLINE = 10, OPEN_PAREN = 40, OPEN_BRACE = 123, CLOSE_BRACE = 125;

  /** The index after the whitespace and comments that start at `i`. */
  function skipSpaceAndComments(text: string, i: number): number {
    while (i < text.length) {
      const c = charCodeAt(text, i);
      if (isSpace(c)) { i++; continue; }
      if (c !== SLASH || i + 1 >= text.length) return i;
      const next = charCodeAt(text, i + 1);
      if (next === STAR) {
        const end = indexOf(text, '*/', i + 2);
        if (end < 0) return text.length;
        i = end + 2;
      } else if (next === SLASH) {
        const end = indexOf(text, '\n', i + 2);
        if (end < 0) return text.length;
        i = end + 1;
      } else {
        return i;
      }
    }
    return i;
  }

  /** The source ends with `{ [native code] }` (whitespace anywhere between the tokens). */
  function isNativeSource(source: string): boolean {
    const marker = '[native code]';
    let i = source.length - 1;
    while (i >= 0 && isSpace(charCodeAt(source, i))) i--;
    if (i < 0 || charCodeAt(source, i) !== CLOSE_BRACE) return false;
    i--;
    while (i >= 0 && isSpace(charCodeAt(source, i))) i--;
    for (let k = marker.length - 1; k >= 0; k--, i--) {
      if (i < 0 || charCodeAt(source, i) !== charCodeAt(marker, k)) return false;
    }
    while (i >= 0 && isSpace(charCodeAt(source, i))) i--;
    return i >= 0 && charCodeAt(source, i) === OPEN_BRACE;
  }

  // `class`, then a space, a comment or `{`, then (after any spaces and comments) anything but `(`:
  // `class A {`, `class {`, `class extends B {` are classes; `class(x) {`, `class (x) {` and
  // `classify(x) {` are methods.
  function isClassSource(source: string): boolean {
    const keyword = 'class';
    if (source.length <= keyword.length || indexOf(source, keyword, 0) !== 0) return false;
    const after = charCodeAt(source, keyword.length);
    if (after === OPEN_BRACE) return true;
    if (after !== SLASH && !isSpace(after)) return false;
    const i = skipSpaceAndComments(source, keyword.length);
    return i < source.length && charCodeAt(source, i) !== OPEN_PAREN;
  }

  /** "use asm" or 'use asm' anywhere in the source (a conservative test: a false positive only refuses a function). */
  function isAsmModuleSource(source: string): boolean {
    const QUOTE = 34, APOSTROPHE = 39;
    for (let at = indexOf(source, 'use asm', 0); at >= 0; at = indexOf(source, 'use asm', at + 1)) {
      const before = at > 0 ? charCodeAt(source, at - 1) : -1;
      const afterAt = at + 7 < source.length ? charCodeAt(source, at + 7) : -1;
      if ((before === QUOTE || before === APOSTROPHE) && (afterAt === QUOTE || afterAt === APOSTROPHE)) return true;
    }
    return false;
  }

  // Two 32-bit FNV-1a passes from different offset bases. A collision only ever makes jitctl
  // refuse a function it could have optimized, never the reverse.
  // The pair goes to a scratch array, not a returned one: destructuring would run the (patchable,
  // in the fallback realm) array iterator.
  const pair = [0, 0];
  function hashPair(source: string): void {
    let a = 0x811c9dc5 | 0;
    let b = 0x050c5d1f | 0;
    for (let i = 0; i < source.length; i++) {
      const c = charCodeAt(source, i);
      a = imul(a ^ c, 0x01000193);
      b = imul(b ^ c, 0x01000193);
    }
    pair[0] = (a ^ source.length) >>> 0;
    pair[1] = b >>> 0;
  }

  // A Bloom filter over source texts: constant memory however many distinct sources are added,
  // and no false negatives, which is the guarantee the registry exists for. 2^23 bits (1 MiB) and
  // 7 probes keep false positives under 1% up to about 800,000 distinct sources.
  const FILTER_WORDS = 1 << 18;
  const PROBES = 7;
  function newSourceRegistry(): SourceRegistry {
    const functions = new RealmWeakSet<object>();
    let filter: Uint32Array | null = null;
    let sources = 0;
    const probe = (source: string, set: boolean): boolean => {
      hashPair(source);
      const h1 = pair[0], h2 = pair[1];
      let all = true;
      for (let k = 0; k < PROBES; k++) {
        const bit = (h1 + imul(k, h2 | 1)) >>> 0 & (FILTER_WORDS * 32 - 1);
        const word = bit >>> 5, mask = 1 << (bit & 31);
        if ((filter![word] & mask) === 0) {
          all = false;
          if (set) filter![word] |= mask;
        }
      }
      return all;
    };
    return freeze({
      add(fn: object, source: string): void {
        weakSetAdd(functions, fn);
        if (filter === null) filter = new RealmUint32Array(FILTER_WORDS);
        if (!probe(source, true) && sources < 0x7fffffff) sources++;
      },
      covers(fn: object, source: string): boolean {
        if (weakSetHas(functions, fn)) return true;
        return filter !== null && probe(source, false);
      },
      get sources(): number { return sources; },
    }) as SourceRegistry;
  }

  return freeze({
    sourceOf: (fn: unknown): unknown => sourceOf(fn),
    isNativeSource,
    isClassSource,
    isAsmModuleSource,
    newSourceRegistry,
    newWeakMap: () => new RealmWeakMap(),
    ownValue(holder: object, key: symbol): unknown {
      const descriptor = getOwnPropertyDescriptor(holder, key);
      return descriptor && 'value' in descriptor ? descriptor.value : undefined;
    },
    defineConstant(holder: object, key: symbol, value: unknown): boolean {
      try {
        defineProperty(holder, key, { value, writable: false, enumerable: false, configurable: false });
        return true;
      } catch {
        return false;
      }
    },
  }) as InspectionTools;
}

function makeTools(): { tools: InspectionTools; freshRealm: boolean } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vm = require('node:vm') as typeof import('node:vm');
    const context = vm.createContext();
    // The fresh realm's own toString reads the tools' source: this realm's may be patched.
    const freshSourceOf = vm.runInContext('Function.prototype.call.bind(Function.prototype.toString)', context) as
      (fn: unknown) => string;
    const tools = vm.runInContext(`(${freshSourceOf(inspectionTools)})()`, context) as InspectionTools;
    if (typeof tools?.newSourceRegistry !== 'function') throw new Error('the fresh realm returned no tools');
    return { tools, freshRealm: true };
  } catch {
    return { tools: inspectionTools(), freshRealm: false };
  }
}

function captureIsProxy(): (value: unknown) => boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const util = require('node:util') as typeof import('node:util');
    const isProxy = util.types.isProxy;
    if (typeof isProxy === 'function') return (value) => isProxy(value);
  } catch {
    // Not Node: no way to tell a Proxy apart; toString shows it as native code anyway.
  }
  return () => false;
}

const made = makeTools();

/** The inspection tools, captured at import. */
export const tools: InspectionTools = made.tools;

/** Whether the tools come from a fresh realm (false: this realm's builtins as they were at import). */
export const toolsFromFreshRealm: boolean = made.freshRealm;

/**
 * util.types.isProxy as it was at import. It only refines a reason: a Proxy's source text reads as
 * native code to the fresh realm's toString, so the guards refuse it without this.
 */
export const isProxy: (value: unknown) => boolean = captureIsProxy();

/** The source text of `fn`, or undefined when it has none that can be read (a revoked Proxy). Never throws. */
export function sourceText(fn: unknown): string | undefined {
  try {
    const source = tools.sourceOf(fn);
    return typeof source === 'string' ? source : undefined;
  } catch {
    return undefined;
  }
}

/** What a value is, as far as its source text tells: the one classification the guards and the analysis share. */
export type SourceKind = 'not-a-function' | 'proxy' | 'native' | 'class' | 'asm' | 'source';

/**
 * Classifies `fn` by its source text: a Proxy (or an exotic callable with no readable text), a
 * native or bound function ("[native code]"), a class constructor, an asm.js module, or a function
 * with source. `source` is the text where there is one to read (not for natives). Never throws.
 */
export function classifySource(fn: unknown): { kind: SourceKind; source: string } {
  if (typeof fn !== 'function') return { kind: 'not-a-function', source: '' };
  try {
    if (isProxy(fn)) return { kind: 'proxy', source: '' };
  } catch {
    return { kind: 'proxy', source: '' };
  }
  const source = sourceText(fn);
  if (source === undefined) return { kind: 'proxy', source: '' };
  if (tools.isNativeSource(source)) return { kind: 'native', source: '' };
  if (tools.isClassSource(source)) return { kind: 'class', source };
  // "use asm" modules abort %PrepareFunctionForOptimization once V8 has validated them.
  if (tools.isAsmModuleSource(source)) return { kind: 'asm', source };
  return { kind: 'source', source };
}
