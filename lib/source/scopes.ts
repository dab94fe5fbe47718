// What the scopes around a function bind. A function's source text says `Math.sqrt(x)`, but not
// whether `Math` is the global Math: an enclosing function, module or script may declare its own
// `Math`, `NaN`, `Infinity` or `undefined`, and a kernel compiled as if they were the globals
// would compute something else. A function object does not show its scopes to JavaScript; the
// V8 inspector protocol does (the `[[Scopes]]` internal property lists, per enclosing scope, the
// variables the function can see there).
//
// The check runs once per function, at hint time, through an in-process inspector session (no
// port is opened, no debugger is enabled). Where that is not available (a runtime without
// `node:inspector`, or one whose session answers asynchronously), the answer is "unknown" with the
// reason, and the caller must not assume the globals.

import type { AnyFunction } from '../types.js';

export type OuterBindings =
  /** `shadowed`: the names asked about that an enclosing scope binds. */
  | { known: true; shadowed: string[] }
  | { known: false; reason: string };

interface InspectorSession {
  connect(): void;
  post(method: string, params: object, callback: (error: Error | null, result?: unknown) => void): void;
}

interface RemoteObject { objectId?: string; description?: string }
interface PropertyDescriptor { name: string; value?: RemoteObject }
interface GetPropertiesResult { result: PropertyDescriptor[]; internalProperties?: PropertyDescriptor[] }

// Scopes whose variables the inspector lists completely. A `with` block's object, or any kind this
// module does not know, could bind anything: the answer is then unknown.
const LISTED_SCOPES = /^(Closure|Script|Module|Block|Catch|Local)\b/;

const OBJECT_GROUP = 'jitctl-scopes';
const defineProperty = Reflect.defineProperty;
const deleteProperty = Reflect.deleteProperty;
const globalObject = globalThis;

// One name per process (the property lives only during a call): the same expression every time
// lets V8 reuse its compiled script instead of compiling a new one per function.
const parkingKey = `__jitctl_scopes_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}`;
const parkingExpression = `this[${JSON.stringify(parkingKey)}]`;

let session: InspectorSession | null | undefined;
let unavailable = '';

function connect(): InspectorSession | null {
  if (session !== undefined) return session;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Session } = require('node:inspector') as { Session: new () => InspectorSession };
    const created = new Session();
    created.connect();
    session = created;
  } catch (error) {
    unavailable = `this runtime has no in-process inspector (${error instanceof Error ? error.message : String(error)})`;
    session = null;
  }
  return session;
}

/** One protocol call; the session must answer before post() returns (Node's does). */
function post<T>(method: string, params: object): T {
  let done = false;
  let failure: Error | null = null;
  let answer: unknown;
  session!.post(method, params, (error, result) => {
    done = true;
    failure = error;
    answer = result;
  });
  if (!done) {
    session = null;
    unavailable = 'this runtime\'s inspector answers asynchronously';
    throw new Error(unavailable);
  }
  if (failure) throw failure;
  return answer as T;
}

function properties(objectId: string): GetPropertiesResult {
  return post<GetPropertiesResult>('Runtime.getProperties', { objectId, ownProperties: true });
}

/** Which of `names` a scope enclosing `fn` binds, so that in `fn` they do not name the globals. Never throws. */
export function outerBindingsOf(fn: AnyFunction, names: readonly string[]): OuterBindings {
  if (names.length === 0) return { known: true, shadowed: [] };
  if (!connect()) return { known: false, reason: unavailable };
  // The protocol reaches objects through expressions: the function is parked for a moment on the
  // global object under a name no program uses, and read back as `this[name]` (the global this
  // of a top-level evaluation cannot be patched).
  const key = parkingKey;
  if (!defineProperty(globalObject, key, { value: fn, configurable: true, enumerable: false, writable: false })) {
    return { known: false, reason: 'the global object cannot hold a property' };
  }
  try {
    const evaluated = post<{ result: RemoteObject }>('Runtime.evaluate', { expression: parkingExpression, objectGroup: OBJECT_GROUP, silent: true });
    if (!evaluated.result.objectId) return { known: false, reason: 'the inspector did not return the function' };
    const internal = properties(evaluated.result.objectId).internalProperties ?? [];
    const scopes = internal.find((p) => p.name === '[[Scopes]]')?.value?.objectId;
    if (!scopes) return { known: false, reason: 'the inspector lists no scopes for the function' };
    const wanted = new Set(names);
    const shadowed = new Set<string>();
    for (const entry of properties(scopes).result) {
      if (!/^\d+$/.test(entry.name)) continue;
      const description = entry.value?.description ?? '';
      if (description === 'Global') continue;
      if (!LISTED_SCOPES.test(description) || !entry.value?.objectId) {
        return { known: false, reason: `an enclosing scope (${description || 'of an unknown kind'}) may bind any name` };
      }
      for (const variable of properties(entry.value.objectId).result) {
        if (wanted.has(variable.name)) shadowed.add(variable.name);
      }
    }
    return { known: true, shadowed: names.filter((name) => shadowed.has(name)) };
  } catch (error) {
    return { known: false, reason: `the inspector could not list the function's scopes (${error instanceof Error ? error.message : String(error)})` };
  } finally {
    deleteProperty(globalObject, key);
    try {
      if (session) post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP });
    } catch {
      // Nothing was kept: the group is released with the session at exit.
    }
  }
}
