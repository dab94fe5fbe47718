// Option objects of the engine's functions (configureEngine, compile): read like the hints'
// options are, so that a mistake is an error naming the function and the key, never a silent
// default. Only own properties of plain objects count: a key on Object.prototype configures nothing.

export type OptionCheck = (value: unknown, where: string) => void;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

/**
 * Checks `value` against `checks` (one per known key) and returns its own, defined options.
 * TypeError for anything but a plain object and for an unknown key; each check throws its own
 * TypeError or RangeError.
 */
export function readOptions<T extends object>(fn: string, value: unknown, checks: Record<keyof T & string, OptionCheck>): Partial<T> {
  if (!isPlainObject(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object that is not a plain object' : typeof value;
    throw new TypeError(`${fn}(options): options must be a plain object, not ${what}`);
  }
  const known = Object.keys(checks);
  const out: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(value)) {
    const name = String(key);
    if (typeof key !== 'string' || !known.includes(key)) {
      throw new TypeError(`${fn}(options): unknown option '${name}' (known: ${known.join(', ')})`);
    }
    const v = value[key];
    if (v === undefined) continue;
    checks[key as keyof T & string](v, `${fn}(options): ${key}`);
    out[key] = v;
  }
  return out as Partial<T>;
}

export function positiveInteger(max: number): OptionCheck {
  return (value, where) => {
    if (typeof value !== 'number') throw new TypeError(`${where} must be a number, not ${typeof value}`);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`${where} must be an integer from 1 to ${max}, not ${value}`);
  };
}

export function positiveNumber(max: number): OptionCheck {
  return (value, where) => {
    if (typeof value !== 'number') throw new TypeError(`${where} must be a number, not ${typeof value}`);
    if (!(value > 0 && value <= max)) throw new RangeError(`${where} must be a number above 0 and at most ${max}, not ${value}`);
  };
}

export const boolean: OptionCheck = (value, where) => {
  if (typeof value !== 'boolean') throw new TypeError(`${where} must be true or false, not ${typeof value}`);
};
