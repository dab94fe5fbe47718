// Saying what is wrong with an argument: one description of any value for error messages, and
// the check of an options object whose every option is a boolean.

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'number': case 'boolean': case 'bigint': return `${typeof value} ${String(value)}`;
    case 'symbol': return value.toString();
    case 'function': {
      let name: unknown;
      try { name = value.name; } catch { name = undefined; } // a Proxy's trap may throw
      return typeof name === 'string' && name ? `function ${name}` : 'an anonymous function';
    }
    default: return 'an object';
  }
}

/**
 * Checks an options object whose every option is a boolean: a plain object, only `known` keys,
 * each true, false or undefined. Throws a TypeError that names `owner` and the option.
 */
export function checkBooleanOptions<K extends string>(owner: string, options: unknown, known: readonly K[]): Partial<Record<K, boolean>> {
  if (options === undefined) return {};
  const example = `{ ${known[0]}: true }`;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${owner}: options must be an object like ${example}, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(known as readonly string[]).includes(key)) throw new TypeError(`${owner}: unknown option '${key}'; known options: ${known.join(', ')}`);
  }
  const checked: Partial<Record<K, boolean>> = {};
  for (const key of known) {
    const value: unknown = (options as Record<string, unknown>)[key];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`${owner}: option '${key}' must be true or false, got ${describeValue(value)}`);
    }
    if (value !== undefined) checked[key] = value;
  }
  return checked;
}

