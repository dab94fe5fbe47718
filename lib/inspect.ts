// Function inspection that user code cannot tamper with. jitctl's guards (lib/backend.ts) decide
// from a function's source text whether V8's intrinsics may touch it; a wrong answer aborts the
// process. The builtins those checks use (Function.prototype.toString, RegExp.prototype.test and
// exec, String.prototype.charCodeAt, Set/WeakSet/WeakMap methods) can be replaced by any library,
// before jitctl is imported or after. So the tools are taken from a fresh realm (node:vm) at
// import: its builtins are fresh, unpatched, and unreachable from user code, and its
// Function.prototype.toString works on functions of every realm. Both lib/backend.ts and
// lib/introspect.ts classify functions here, so there is one definition of "native", "class" and
// "asm.js module".
//
// Where no fresh realm can be made (a runtime without node:vm), the same tools are built from this
// realm's builtins, captured uncurried at import: that still defeats patches made after import,
// not those made before.

import type { AnyFunction } from './types.js';

/** The tools, built by `inspectionTools` inside the realm whose builtins they use. */
export interface InspectionTools {
  /** Function.prototype.toString, uncurried; throws on exotic callables (a revoked Proxy). */
  sourceOf(fn: unknown): unknown;
  /** "[native code]": natives, bound functions and Proxies. */
  isNativeSource(source: string): boolean;
  /** A class constructor's source (`class A {`, `class {`, `class extends B {`), not a method named `class`. */
  isClassSource(source: string): boolean;
  /** An asm.js module (its body says "use asm"). */
  isAsmModuleSource(source: string): boolean;
  /** A fixed-size hash of `source` (two 32-bit FNV-1a values and the length), as a short string key. */
  hashSource(source: string): string;
  newSet<T>(): Set<T>;
  newWeakSet<T extends object>(): WeakSet<T>;
  newWeakMap<K extends object, V>(): WeakMap<K, V>;
}

// Compiled from its own text inside the fresh realm, so it must stay self-contained: no imports,
// no closures over this module, nothing TypeScript would add helpers for.
function inspectionTools(): InspectionTools {
  'use strict';
  const call = Function.prototype.call;
  const uncurry = (method: AnyFunction): AnyFunction => call.bind(method) as AnyFunction;
  const sourceOf = uncurry(Function.prototype.toString);
  const test = uncurry(RegExp.prototype.test) as (re: RegExp, text: string) => boolean;
  const charCodeAt = uncurry(String.prototype.charCodeAt) as (text: string, index: number) => number;
  const imul = Math.imul;
  const RealmSet = Set;
  const RealmWeakSet = WeakSet;
  const RealmWeakMap = WeakMap;
  const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;
  // `class`, then whitespace or comments, then anything but `(`: a method named `class` is
  // `class(x) {...}` (or `class (x)`), a class is `class A {`, `class {`, `class extends B {`.
  const CLASS = /^class(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*[^\s(/]/;
  const ASM = /["']use asm["']/;
  return {
    sourceOf: (fn: unknown): unknown => sourceOf(fn),
    isNativeSource: (source: string): boolean => test(NATIVE, source),
    isClassSource: (source: string): boolean => test(CLASS, source),
    isAsmModuleSource: (source: string): boolean => test(ASM, source),
    hashSource(source: string): string {
      // Two 32-bit FNV-1a passes from different offset bases, plus the length. A collision only
      // ever makes jitctl refuse a function it could have optimized, never the reverse.
      let a = 0x811c9dc5 | 0;
      let b = 0x050c5d1f | 0;
      for (let i = 0; i < source.length; i++) {
        const c = charCodeAt(source, i);
        a = imul(a ^ c, 0x01000193);
        b = imul(b ^ c, 0x01000193);
      }
      return `${source.length}:${a >>> 0}:${b >>> 0}`;
    },
    newSet: () => new RealmSet(),
    newWeakSet: () => new RealmWeakSet(),
    newWeakMap: () => new RealmWeakMap(),
  } as InspectionTools;
}

function makeTools(): { tools: InspectionTools; freshRealm: boolean } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vm = require('node:vm') as typeof import('node:vm');
    const tools = vm.runInNewContext(`(${inspectionTools.toString()})()`) as InspectionTools;
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

/** util.types.isProxy as it was at import (native, but its holder object is writable). */
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
