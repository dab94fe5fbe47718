// Parsing one function's source text with acorn. Function.prototype.toString gives a method
// without its object or class, so the same text is tried in each context where it is valid; the
// result names the function's own node and how to turn acorn's positions back into positions in
// the function's text. Shared by the analysis in stats() (analyze.ts) and the kernel front end.

import * as acorn from 'acorn';

/** What a function's text turned out to be. */
export type FunctionShape = 'function' | 'arrow' | 'class' | 'method' | 'getter' | 'setter';

// acorn's node types are a union without an index signature; walkers read nodes generically.
export type AnyNode = acorn.AnyNode & Record<string, unknown>;

// A prefix never contains a newline, so only columns on the first line shift.
const WRAPPERS: ReadonlyArray<{ prefix: string; suffix: string }> = [
  { prefix: '(', suffix: '\n)' },          // function, arrow, class, async/generator functions
  { prefix: '({', suffix: '\n})' },        // methods, getters, setters, async and generator methods
  { prefix: '(class{', suffix: '\n})' },   // static and #private methods
];

const PARSE_OPTIONS: acorn.Options = {
  ecmaVersion: 'latest',
  sourceType: 'script',
  locations: true,
  // A method alone refers to private names declared in its class, which the wrapper cannot know.
  checkPrivateFields: false,
};

/** A parsed function: its shape and node (`fn` for functions and methods, `cls` for classes). */
export interface ParsedFunction {
  readonly shape: FunctionShape;
  /** The FunctionExpression or ArrowFunctionExpression (a method's value); absent for a class. */
  readonly fn?: AnyNode;
  readonly cls?: AnyNode;
  /** A method's, getter's or setter's key, as written (for its name). */
  readonly key?: AnyNode;
  /** The text acorn parsed: the function's text inside its wrapper (offsets index into this). */
  readonly text: string;
  /** How many characters the wrapper put before the function's text. */
  readonly prefixLength: number;
}

export type ParseResult =
  | { ok: true; parsed: ParsedFunction }
  /**
   * `error`: acorn's first message; `at`: where (1-based, in the function's text) when acorn
   * said; `tooDeep`: acorn ran out of stack (source nested too deeply), not a syntax error.
   */
  | { ok: false; error: string; at?: { line: number; column: number }; tooDeep: boolean };

export function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function rootOf(program: acorn.Program, wrapper: number): Omit<ParsedFunction, 'text' | 'prefixLength'> | undefined {
  const statement = program.body[0];
  if (program.body.length !== 1 || statement.type !== 'ExpressionStatement') return undefined;
  const expression = statement.expression as AnyNode;
  if (wrapper === 0) {
    if (expression.type === 'FunctionExpression') return { shape: 'function', fn: expression };
    if (expression.type === 'ArrowFunctionExpression') return { shape: 'arrow', fn: expression };
    if (expression.type === 'ClassExpression') return { shape: 'class', cls: expression };
    return undefined;
  }
  let member: AnyNode | undefined;
  if (wrapper === 1 && expression.type === 'ObjectExpression') member = (expression.properties as AnyNode[])[0];
  if (wrapper === 2 && expression.type === 'ClassExpression') member = ((expression.body as AnyNode).body as AnyNode[])[0];
  if (!member || !isNode(member.value) || member.value.type !== 'FunctionExpression') return undefined;
  const shape: FunctionShape = member.kind === 'get' ? 'getter' : member.kind === 'set' ? 'setter' : 'method';
  return { shape, fn: member.value, key: member.key as AnyNode };
}

/**
 * Where acorn's error (line, 0-based column, in the first wrapper's text) is in `source`: the
 * wrapper's prefix undone, and an error in its suffix (unexpected end of input) put at the end.
 */
function errorPosition(source: string, line: number, column: number): { line: number; column: number } {
  let lines = 1, lastLineStart = 0;
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) {
    lines++;
    lastLineStart = i + 1;
  }
  if (line > lines) return { line: lines, column: source.length - lastLineStart + 1 };
  return { line, column: Math.max(1, column + 1 - (line === 1 ? WRAPPERS[0].prefix.length : 0)) };
}

// A hint parses its function twice: the source analysis (stats(), the v8 tier's forwarding) and
// the kernel front end, one right after the other. The last few texts keep their trees, which both
// only read (test/source/parse.test.ts runs both on deep-frozen trees). A parse costs 0.03-0.05 ms
// warm and 3-4 ms in a process whose parser has not run yet. A text too deeply nested for the
// stack left at this call is not remembered: with more stack it may parse.
const RECENT_LIMIT = 4;
const recent = new Map<string, ParseResult>();

/**
 * Parses the source text of one function (as Function.prototype.toString gives it). Never throws:
 * an unparsable text comes back as ok: false with acorn's first message. The tree is shared with
 * the next caller that parses the same text: read it, never change it.
 */
export function parseFunctionSource(source: string): ParseResult {
  const known = recent.get(source);
  if (known) return known;
  const result = parse(source);
  if (!result.ok && result.tooDeep) return result;
  if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value as string);
  recent.set(source, result);
  return result;
}

function parse(source: string): ParseResult {
  let firstError: unknown;
  for (let i = 0; i < WRAPPERS.length; i++) {
    const { prefix, suffix } = WRAPPERS[i];
    const text = prefix + source + suffix;
    let program: acorn.Program;
    try {
      program = acorn.parse(text, PARSE_OPTIONS);
    } catch (error) {
      firstError ??= error;
      continue;
    }
    const root = rootOf(program, i);
    if (root) return { ok: true, parsed: { ...root, text, prefixLength: prefix.length } };
  }
  const loc = (firstError as { loc?: { line?: unknown; column?: unknown } } | undefined)?.loc;
  const at = loc && typeof loc.line === 'number' && typeof loc.column === 'number'
    ? errorPosition(source, loc.line, loc.column)
    : undefined;
  return {
    ok: false,
    error: firstError instanceof Error ? firstError.message : 'unrecognised function source',
    ...(at ? { at } : {}),
    tooDeep: firstError instanceof RangeError,
  };
}

/** The 1-based line and column of a node's start in the function's own text (the wrapper undone). */
export function positionOf(node: acorn.Node, prefixLength: number): { line: number; column: number } {
  const { line, column } = node.loc!.start;
  return { line, column: column + 1 - (line === 1 ? prefixLength : 0) };
}

/** The 1-based line and column of a node's end (the character after it) in the function's own text. */
export function endPositionOf(node: acorn.Node, prefixLength: number): { line: number; column: number } {
  const { line, column } = node.loc!.end;
  return { line, column: column + 1 - (line === 1 ? prefixLength : 0) };
}
