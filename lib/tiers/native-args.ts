// The per-call argument check of the native tier: does this argument have the kind a kernel was
// compiled for? It must be cheap (it runs on every call) and must never run user code (a Proxy's
// traps, a valueOf): typeof for numbers; for typed arrays the %TypedArray%.prototype[@@toStringTag]
// getter, which reads the array's internal kind and returns undefined for anything that is not a
// typed array (Proxies included). That is all a kernel that only reads and writes elements needs:
// an element access on a typed array never looks at its prototype (integer-indexed exotic
// objects), so a subclass instance or an array with another prototype reads the same elements.
// Where the function reads `a.length`, JavaScript looks the property up, so the array must also
// have the original %XArray%.prototype (as for the front end's argKindOf) and no own `length`;
// those two checks cost about 6 ns per array (Object.getPrototypeOf is not inlined), so only
// such arrays pay them. The kernel's invoke then checks that the elements lie inside the buffer.

import type { ArgKind, Signature } from '../compiler/frontend/index.js';
import { ORIGINAL_PROTOTYPES, typedArrayName } from '../compiler/frontend/signature.js';

const ARRAY_KINDS = Object.keys(ORIGINAL_PROTOTYPES);
const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;

/** What the generated checks are given (captured at import: later patches do not reach them). */
export interface ArgCheckTools {
  /** The typed array's constructor name, or undefined for anything else. */
  tag(value: unknown): unknown;
  proto(value: object): unknown;
  hasOwn(value: object, key: string): boolean;
  protos: Readonly<Record<string, object | undefined>>;
}

export const argCheckTools: ArgCheckTools = Object.freeze({
  tag: typedArrayName,
  proto: getPrototypeOf,
  hasOwn,
  protos: ORIGINAL_PROTOTYPES,
});

function isArrayKind(kind: ArgKind): boolean {
  return ARRAY_KINDS.includes(kind);
}

/** Declarations generated code needs for checkExpression, from `T` (argCheckTools). */
export const CHECK_PRELUDE = `const TAG = T.tag, PROTO = T.proto, HAS_OWN = T.hasOwn;\n` +
  ARRAY_KINDS.map((name) => `const P_${name} = T.protos.${name};`).join('\n');

/**
 * The JS expression that checks variable `v` against `kind` (for generated dispatch code, after
 * CHECK_PRELUDE). i32: an int32 value that is not -0 (1 / -0 is -Infinity).
 */
export function checkExpression(v: string, kind: ArgKind, readsLength = false): string {
  if (kind === 'f64') return `typeof ${v} === 'number'`;
  if (kind === 'i32') return `(typeof ${v} === 'number' && (${v} | 0) === ${v} && (${v} !== 0 || 1 / ${v} > 0))`;
  if (!isArrayKind(kind)) throw new Error(`unknown argument kind ${String(kind)}`);
  const length = readsLength ? ` && PROTO(${v}) === P_${kind} && !HAS_OWN(${v}, 'length')` : '';
  return `(TAG(${v}) === '${kind}'${length})`;
}

/** The same check as a function (where code cannot be generated). */
export function checkArgument(value: unknown, kind: ArgKind, readsLength = false): boolean {
  if (kind === 'f64') return typeof value === 'number';
  if (kind === 'i32') return typeof value === 'number' && (value | 0) === value && (value !== 0 || 1 / value > 0);
  if (argCheckTools.tag(value) !== kind) return false;
  return !readsLength || (argCheckTools.proto(value as object) === argCheckTools.protos[kind] && !hasOwn(value as object, 'length'));
}

/** Whether `args` match `signature` exactly (count and every kind); `lengthParams` as in KernelPlan. */
export function matchesSignature(args: ArrayLike<unknown>, signature: Signature, lengthParams: readonly number[] = []): boolean {
  if (args.length !== signature.length) return false;
  for (let i = 0; i < signature.length; i++) if (!checkArgument(args[i], signature[i], lengthParams.includes(i))) return false;
  return true;
}

/** A signature as stats() and explain() print it: 'Float64Array, Float64Array, i32'. */
export function signatureText(signature: Signature): string {
  return signature.join(', ');
}
