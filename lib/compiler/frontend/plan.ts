// planKernel: a function (or its source text) -> its KernelPlan, or a Decline. The source text is
// read with the tamper-proof tools of lib/source/realm.ts; the checks are the IR builder's, and
// for a function object, that the globals it reads are not bound by a scope around it. Hostile
// input (Proxies, bound and native functions, classes, source acorn cannot parse, source nested
// deeply enough to overflow the stack) declines like any other construct: planKernel never throws.

import { parseFunctionSource } from '../../source/parse.js';
import { classifySource } from '../../source/realm.js';
import { outerBindingsOf } from '../../source/scopes.js';
import { buildFunction } from './build.js';
import { DeclineSignal, makeDecline, type Origin } from './decline.js';
import type { Decline, KernelPlan, PlanResult } from './index.js';
import type { Pos } from './ir.js';

export interface PlanOptions {
  /** Where the function's source text starts in its file, so that declines give file positions. */
  readonly origin?: Origin;
}

const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const freeze = Object.freeze;
const performanceNow = performance.now.bind(performance);

/** An origin the caller gave, copied field by field (a getter that throws leaves it out). */

const getPrototypeOf = Object.getPrototypeOf;
const FUNCTION_PROTOTYPE: unknown = Function.prototype;
function readOrigin(options: PlanOptions | undefined): Origin | undefined {
  try {
    const origin = options?.origin;
    if (origin === undefined || origin === null) return undefined;
    const { line, column, file } = origin;
    if (!Number.isSafeInteger(line) || line < 1 || !Number.isSafeInteger(column) || column < 1) return undefined;
    return freeze(typeof file === 'string' ? { line, column, file } : { line, column });
  } catch {
    return undefined;
  }
}

/** `fn.name` when it is an own data property holding a string (never runs a getter). */
function ownName(fn: object): string {
  try {
    const descriptor = getOwnPropertyDescriptor(fn, 'name');
    return descriptor && typeof descriptor.value === 'string' ? descriptor.value : '';
  } catch {
    return '';
  }
}

function whole(construct: string, reason: string, fix: string): DeclineSignal {
  return new DeclineSignal(construct, null, reason, fix);
}

/** The source text of `fn`, or the decline for a value that has none a kernel can come from. */
function sourceOf(fn: unknown): { source: string; name: string } | DeclineSignal {
  if (typeof fn === 'string') return { source: fn, name: '' };
  const { kind, source } = classifySource(fn);
  switch (kind) {
    case 'not-a-function':
      return whole(`a value of type ${fn === null ? 'null' : typeof fn}`, 'only functions can be kernels', 'pass a function');
    case 'proxy':
      return whole('a Proxy', 'a Proxy hides its target and its source text', 'pass the function itself');
    case 'native': {
      const bound = ownName(fn as object).startsWith('bound ');
      return bound
        ? whole('a bound function', 'a bound function has no source text to compile', 'pass the original function and its arguments')
        : whole('a native function', 'a native function has no source text to compile', 'pass a function written in JavaScript');
    }
    case 'class':
      return new DeclineSignal('a class', { line: 1, column: 1 }, 'classes are outside the kernel subset', 'write the kernel as a function');
    case 'asm':
      return new DeclineSignal('an asm.js module', { line: 1, column: 1 }, 'asm.js modules are outside the kernel subset', 'remove "use asm"');
    default:
      return { source, name: ownName(fn as object) };
  }
}

function tooDeep(): DeclineSignal {
  return new DeclineSignal('the function\'s source', { line: 1, column: 1 }, 'it is nested too deeply to analyze',
    'split deeply nested expressions and blocks into separate statements');
}

/** Acorn's message without its "(line:column)" suffix, which is relative to the wrapped text. */
function withoutPosition(message: string): string {
  const open = message.lastIndexOf(' (');
  return open > 0 && message.endsWith(')') ? message.slice(0, open) : message;
}

/**
 * Declines when a global the body reads (Math, NaN, Infinity, undefined) may not be the global:
 * an enclosing scope of the function object binds that name, or its scopes cannot be read. Source
 * text given as a string has no enclosing scopes: its globals are the globals.
 */
function checkGlobalsAreGlobal(fn: unknown, globalsRead: ReadonlyMap<string, Pos>): void {
  if (typeof fn !== 'function' || globalsRead.size === 0) return;
  const uses = [...globalsRead].sort(([, a], [, b]) => a.line - b.line || a.column - b.column);
  // A function of another realm (a vm context) reads that realm's Math, which the per-call check
  // (against this realm's) cannot see; a function whose prototype was changed is declined with it.
  if (getPrototypeOf(fn) !== FUNCTION_PROTOTYPE) {
    const [name, at] = uses[0];
    throw new DeclineSignal(`\`${name}\``, at, 'the function belongs to another realm (a vm context) or its prototype was changed, so its globals may not be these',
      'hint the function with the jitctl loaded in its own realm');
  }
  const outer = outerBindingsOf(fn as (...args: unknown[]) => unknown, uses.map(([name]) => name));
  if (!outer.known) {
    const [name, at] = uses[0];
    throw new DeclineSignal(`\`${name}\``, at, `jitctl cannot tell whether \`${name}\` is the global one: ${outer.reason}`,
      'compile it where the scopes around a function can be read (Node)');
  }
  const shadowed = uses.find(([name]) => outer.shadowed.includes(name));
  if (shadowed) {
    const [name, at] = shadowed;
    throw new DeclineSignal(`\`${name}\``, at, `reads \`${name}\` from an outer scope, where it is not the global one`,
      `rename the outer \`${name}\`, or pass its value as a parameter`);
  }
}

function plan(fn: unknown, started: number, origin: Origin | undefined): PlanResult {
  const found = sourceOf(fn);
  if (found instanceof DeclineSignal) throw found;
  const parsed = parseFunctionSource(found.source);
  if (!parsed.ok) {
    if (parsed.tooDeep) throw tooDeep();
    const at = parsed.at ? { line: parsed.at.line, column: Math.max(1, parsed.at.column) } : { line: 1, column: 1 };
    throw new DeclineSignal('the function\'s source', at, `it cannot be parsed (${withoutPosition(parsed.error)})`,
      'pass a function whose source text is valid JavaScript');
  }
  const built = buildFunction(parsed.parsed, found.name);
  checkGlobalsAreGlobal(fn, built.globalsRead);
  const ir = built.ir;
  const result: KernelPlan = {
    name: ir.name,
    params: freeze(ir.params.map((v) => ir.variables[v].name)),
    mathMembers: freeze(built.mathMembers.slice()),
    arrayParams: freeze(built.arrayParams.slice()),
    numberParams: freeze(built.numberParams.slice()),
    lengthParams: freeze(built.lengthParams.slice()),
    planMs: performanceNow() - started,
    ir,
    ...(origin ? { origin } : {}),
  };
  return { ok: true, plan: freeze(result) };
}

/** Parses `fn` (or its source text) and checks it against the kernel subset. Never throws. */
export function planKernel(fn: unknown, options?: PlanOptions): PlanResult {
  const origin = readOrigin(options);
  try {
    return plan(fn, performanceNow(), origin);
  } catch (error) {
    let signal: DeclineSignal;
    if (error instanceof DeclineSignal) signal = error;
    else if (error instanceof RangeError) signal = tooDeep();
    else signal = whole('the function', `the front end failed on it (${error instanceof Error ? error.message : 'unknown error'})`, 'report this as a bug in jitctl');
    let decline: Decline;
    try {
      decline = signal.toDecline(origin);
    } catch {
      decline = makeDecline('the function', null, 'the front end failed on it', 'report this as a bug in jitctl');
    }
    return { ok: false, decline };
  }
}
