// One function per hint serves every call form, told apart by its arguments:
//   hint(fn) / hint(fn, options)               plain wrapper, returns the hinted function
//   hint(value, context)                       TC39 standard method decorator (@hint)
//   hint(target, key, descriptor)              legacy experimentalDecorators method decorator (@hint)
//   hint() / hint(options)                     factory: returns a decorator of either kind (@hint(options))
// Anything else (fields, accessors, classes, non-functions, extra arguments) is a TypeError that
// names the hint and what it was applied to.

import { getStrategy } from '../router/route.js';
import { analyze, isClass } from '../source/analyze.js';
import { describeValue } from '../describe.js';
import { normalizeOptions } from './options.js';
import { profileFunction } from '../runtime/profiler.js';
import { attachFunction, createRecord } from '../runtime/registry.js';
import { rememberHinted } from '../runtime/hinted.js';
import { hintName, type AnyFunction, type FunctionRecord, type Hint, type HintOptions, type HintTarget, type JitOnceOptions, type NormalizedOptions } from '../types.js';

/** What `hint(options)` returns: a method decorator, TC39 standard (static, instance, #private) or legacy. */
export interface HintMethodDecorator {
  /** TC39 standard decorator on a method. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  <F extends AnyFunction>(value: F, context: ClassMethodDecoratorContext<any, F>): F;
  /** Legacy (experimentalDecorators) decorator on a method. */
  <F extends AnyFunction>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<F>): TypedPropertyDescriptor<F>;
}

/** The options a hint takes for a function with parameters `Args`: jitOnce's add `maxDeopts`. */
export type OptionsOf<H extends Hint, Args extends readonly unknown[] = readonly unknown[]> =
  H extends 'once' ? JitOnceOptions<Args> : HintOptions<Args>;

/**
 * An options argument as the signatures take it. Options have a `name`, and so do functions and
 * decorator contexts: without the `never` members, TypeScript would take a getter (a function) for
 * the factory's options, and a getter's context for a plain wrapper's options, and accept
 * `@jitFocus` on a getter.
 */
export type OptionsArgument<O> = O & { readonly call?: never; readonly addInitializer?: never };

/**
 * jitFocus, jitIgnore and jitOnce: a plain wrapper, a method decorator and a decorator factory in
 * one. Three signatures, so that a misuse of the plain wrapper (a bad option, a sample that does
 * not match the parameters) is one error on the offending property rather than one per signature:
 * the plain wrapper and the TC39 decorator share the first, the only one TypeScript tries with two
 * arguments.
 */
export interface JitHint<H extends Hint = 'focus'> {
  /**
   * `hint(fn, options?)`: hints a plain function and returns what replaces it (the function itself
   * where nothing runs per call); the samples must match its parameters. Also `@hint` on a method
   * with TC39 standard decorators, which TypeScript calls with the method and its context.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  <F extends AnyFunction>(fn: F, optionsOrContext?: OptionsArgument<OptionsOf<H, Parameters<F>>> | ClassMethodDecoratorContext<any, F>): F;
  /** `@hint` on a method under experimentalDecorators. */
  <F extends AnyFunction>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<F>): TypedPropertyDescriptor<F>;
  /**
   * `@hint(options)` or `@hint()`: a method decorator with options. (`@hint` on a field resolves
   * here too, with the field's undefined value, and is rejected: a method decorator is not a
   * field initializer.)
   */
  (options?: OptionsArgument<OptionsOf<H>>): HintMethodDecorator;
}

type Site = HintTarget['site'];

const INLINE_WARNING = 'callers can no longer inline it (V8 does not inline a function it may not optimize)';

function addWarning(record: FunctionRecord, warning: string): void {
  if (!record.warnings.includes(warning)) record.warnings.push(warning);
}

/** The glue every call form ends in: record, analysis, router, strategy, profiler. */
function applyHint(hint: Hint, fn: AnyFunction, options: NormalizedOptions, name: string, site: Site): { result: AnyFunction; record: FunctionRecord } {
  const record = createRecord(options.name ?? name, hint);
  record.analysis = analyze(fn);
  record.warmup = { state: 'none', when: options.when, calls: 0, ms: 0 };
  // Set before apply so that a strategy knows the profiler will count the calls.
  record.profiled = options.profile;
  let result: AnyFunction;
  try {
    const choice = getStrategy(hint, fn, options);
    record.tier = choice.strategy.tier;
    record.reason = choice.reason;
    record.fallbacks = choice.fallbacks.slice();
    result = choice.strategy.apply({ fn, record, options, site, runtime: choice.runtime });
    if (typeof result !== 'function') throw new TypeError(`the ${record.tier} strategy returned ${describeValue(result)}`);
  } catch (error) {
    // A hint must never break the program it is in because of the runtime it runs on: keep the function as is.
    record.fallbacks.push(`${record.tier}: ${error instanceof Error ? error.message : String(error)}`);
    record.tier = 'noop';
    record.reason = 'the chosen tier failed; the function runs unchanged';
    result = fn;
  }
  if (hint === 'ignore' && record.tier === 'v8') addWarning(record, INLINE_WARNING);
  if (hint !== 'ignore') {
    for (const finding of record.analysis.defeats) {
      addWarning(record, `'${finding.construct}' at ${finding.line}:${finding.column} keeps V8 from optimizing it well`);
    }
  }
  if (options.profile) result = profileFunction(result, fn, record);
  attachFunction(record, result);
  rememberHinted(result, fn, options.samples, record);
  return { result, record };
}

function keyName(key: string | symbol): string {
  if (typeof key === 'symbol') return `[${key.description ?? ''}]`;
  return key;
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function isOptionsObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTc39Context(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    typeof (value as { addInitializer?: unknown }).addInitializer === 'function';
}

function isPropertyKey(value: unknown): value is string | symbol {
  return typeof value === 'string' || typeof value === 'symbol';
}

function looksLegacy(args: readonly unknown[]): boolean {
  return args.length === 3 && isObjectLike(args[0]) && isPropertyKey(args[1]) &&
    (args[2] === undefined || isOptionsObject(args[2]));
}

function unsupported(hint: Hint, what: string): TypeError {
  return new TypeError(`${hintName(hint)} cannot be applied to ${what}: it hints functions and methods only`);
}

/** fn.name when it is a non-empty string; a Proxy's trap may throw or lie, so read it defensively. */
function nameOf(fn: AnyFunction): string {
  try {
    const name: unknown = fn.name;
    return typeof name === 'string' && name !== '' ? name : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

function wrapPlain(hint: Hint, fn: AnyFunction, options: NormalizedOptions): AnyFunction {
  if (isClass(fn)) throw unsupported(hint, `a class (${nameOf(fn)})`);
  return applyHint(hint, fn, options, nameOf(fn), 'function').result;
}

/** The name of the class whose prototype, on `instance`'s chain, holds `method` as `key`; undefined if none does. */
function classHolding(instance: unknown, key: string | symbol, method: AnyFunction): string | undefined {
  try {
    for (let proto = Object.getPrototypeOf(instance) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
      // A subclass may override the method: look further up for the prototype holding this one.
      if (Object.getOwnPropertyDescriptor(proto, key)?.value !== method) continue;
      const owner = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined;
      return typeof owner?.name === 'string' && owner.name ? owner.name : undefined;
    }
  } catch {
    // A Proxy on the chain whose traps throw: keep the bare name.
  }
  return undefined;
}

function decorateTc39(hint: Hint, value: unknown, context: DecoratorContext, options: NormalizedOptions): AnyFunction {
  const label = context.name === undefined ? '' : ` '${keyName(context.name)}'`;
  if (context.kind !== 'method') {
    throw unsupported(hint, `${context.kind === 'accessor' ? 'an auto-accessor' : `a ${context.kind}`}${label}`);
  }
  if (typeof value !== 'function') throw unsupported(hint, `a method${label} whose value is ${describeValue(value)}`);
  const method = context as ClassMethodDecoratorContext;
  const key = keyName(method.name);
  const { result, record } = applyHint(hint, value as AnyFunction, options, key, method.static ? 'static-method' : 'method');
  // The class is not in the context; its initializers see it. A `name` option is the name as given.
  if (options.name !== undefined) return result;
  if (method.static) {
    // Static initializers run once, at class definition, with `this` bound to the class.
    method.addInitializer(function (this: unknown) {
      const className: unknown = typeof this === 'function' ? this.name : undefined;
      if (typeof className === 'string' && className) record.name = `${className}.${key}`;
    });
  } else if (!method.private) {
    // Instance initializers run on every construction: this one names the record on the first and
    // then returns at once. The class is the one whose prototype holds the method, not the
    // constructed object's class, which may be a subclass. (A #private method is on no prototype:
    // it keeps its bare name.)
    let named = false;
    method.addInitializer(function (this: unknown) {
      if (named) return;
      named = true;
      const className = classHolding(this, method.name, result);
      if (className) record.name = `${className}.${key}`;
    });
  }
  return result;
}

function decorateLegacy(hint: Hint, target: object, key: string | symbol, descriptor: unknown, options: NormalizedOptions): PropertyDescriptor {
  const isStatic = typeof target === 'function';
  const owner = isStatic ? (target as AnyFunction).name : (target as { constructor?: { name?: unknown } }).constructor?.name;
  const name = typeof owner === 'string' && owner ? `${owner}.${keyName(key)}` : keyName(key);
  if (descriptor === undefined) throw unsupported(hint, `a field ('${name}')`);
  const desc = descriptor as PropertyDescriptor;
  if (desc.get || desc.set) throw unsupported(hint, `${desc.get ? 'a getter' : 'a setter'} ('${name}')`);
  if (typeof desc.value !== 'function') {
    throw unsupported(hint, `'${name}', whose descriptor holds ${describeValue(desc.value)} instead of a function`);
  }
  if (isClass(desc.value)) throw unsupported(hint, `a class ('${name}')`);
  const { result } = applyHint(hint, desc.value as AnyFunction, options, name, isStatic ? 'static-method' : 'method');
  return { ...desc, value: result };
}

/** Applies a decorator in whichever form (TC39 or legacy) it is being called. */
function decorate(hint: Hint, args: readonly unknown[], options: NormalizedOptions, fromFactory: boolean): unknown {
  if (args.length === 2 && isTc39Context(args[1])) return decorateTc39(hint, args[0], args[1], options);
  if (looksLegacy(args)) return decorateLegacy(hint, args[0] as object, args[1] as string | symbol, args[2], options);
  if (args.length === 2 && isObjectLike(args[0]) && isPropertyKey(args[1])) {
    throw unsupported(hint, `a field ('${keyName(args[1])}')`);  // a legacy property decorator gets no descriptor
  }
  const name = hintName(hint);
  if (fromFactory && args.length === 1 && typeof args[0] === 'function') {
    if (isClass(args[0])) throw unsupported(hint, `a class (${nameOf(args[0] as AnyFunction)})`);
    throw new TypeError(`${name}(options) returns a method decorator; to hint a function, call ${name}(fn, options)`);
  }
  throw new TypeError(`${name}: unsupported call with ${args.length} argument(s) (${args.map(describeValue).join(', ')}); ` +
    `use ${name}(fn), ${name}(fn, options), @${name} or @${name}(options) on a method`);
}

/** Builds the public function for one hint. */
export function createHint<H extends Hint>(hint: H): JitHint<H> {
  const name = hintName(hint);
  const factory = (options: NormalizedOptions): HintMethodDecorator => {
    const decorator = function (...args: unknown[]): unknown {
      return decorate(hint, args, options, true);
    };
    Object.defineProperty(decorator, 'name', { value: `${name}Decorator` });
    return decorator as HintMethodDecorator;
  };
  const hintFunction = function (...args: unknown[]): unknown {
    const [first, second] = args;
    switch (args.length) {
      case 0:
        return factory(normalizeOptions(hint, undefined));
      case 1:
        if (typeof first === 'function') return wrapPlain(hint, first as AnyFunction, normalizeOptions(hint, undefined));
        if (isOptionsObject(first)) return factory(normalizeOptions(hint, first));
        throw new TypeError(`${name} expects a function, an options object or a method to decorate, got ${describeValue(first)}`);
      case 2:
        if (isTc39Context(second)) return decorate(hint, args, normalizeOptions(hint, undefined), false);
        // (class, key) is a legacy decorator on a static field; (function, 'string') is bad options.
        if (typeof first === 'function' && (!isPropertyKey(second) || !isClass(first))) {
          return wrapPlain(hint, first as AnyFunction, normalizeOptions(hint, second));
        }
        if (typeof first !== 'function' && !isPropertyKey(second)) {
          throw new TypeError(`${name} expects a function as its first argument, got ${describeValue(first)}`);
        }
        return decorate(hint, args, normalizeOptions(hint, undefined), false);
      default:
        return decorate(hint, args, normalizeOptions(hint, undefined), false);
    }
  };
  Object.defineProperty(hintFunction, 'name', { value: name });
  return hintFunction as JitHint<H>;
}
