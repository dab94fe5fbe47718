// Making a Decline: what stopped a function from compiling, where, and what would make it compile.
// Positions inside the front end are 1-based and relative to the function's own source text (that
// is all a function object knows); an origin (where that text starts in its file) turns them into
// file positions for explain().

import type { Decline } from './index.js';
import type { Pos } from './ir.js';

/** Where a function's source text starts in its file: 1-based line and column, and the file's name if known. */
export interface Origin {
  readonly line: number;
  readonly column: number;
  readonly file?: string;
}

/** The position of a whole function (its first character), for declines about the function itself. */
export const FUNCTION_START: Pos = { line: 1, column: 1 };

function validOrigin(origin: Origin | undefined): origin is Origin {
  return origin !== undefined && Number.isSafeInteger(origin.line) && origin.line >= 1 &&
    Number.isSafeInteger(origin.column) && origin.column >= 1;
}

/** A position in the function's text moved into its file: only the first line shifts by the column. */
export function filePosition(at: Pos, origin: Origin | undefined): Pos {
  if (!validOrigin(origin)) return at;
  return {
    line: origin.line + at.line - 1,
    column: at.line === 1 ? origin.column + at.column - 1 : at.column,
  };
}

/**
 * A Decline for `construct` at `at` (in the function's text). With an origin, line and column are
 * the file's, and the message names the file when the origin does ('at kernels.js:12:9').
 * `at` null: the decline is about a function with no source to point into (a Proxy, a bound
 * function); the position is 1, 1 and the message has none.
 */
export function makeDecline(construct: string, at: Pos | null, reason: string, fix: string, origin?: Origin): Decline {
  const pos = filePosition(at ?? FUNCTION_START, origin);
  let where = '';
  if (at !== null) {
    const file = validOrigin(origin) && typeof origin.file === 'string' && origin.file !== '' ? origin.file : undefined;
    where = file !== undefined ? ` at ${file}:${pos.line}:${pos.column}` : ` at line ${pos.line}, column ${pos.column}`;
  }
  return {
    construct,
    line: pos.line,
    column: pos.column,
    reason,
    fix,
    message: `${construct}${where}: ${reason}; ${fix}`,
  };
}

/**
 * Thrown inside the front end's passes to stop at the first construct outside the subset; the
 * entry points catch it and return the decline as a value (they never throw).
 */
export class DeclineSignal {
  constructor(
    readonly construct: string,
    readonly at: Pos | null,
    readonly reason: string,
    readonly fix: string,
  ) {}

  toDecline(origin?: Origin): Decline {
    return makeDecline(this.construct, this.at, this.reason, this.fix, origin);
  }
}

/** Stops the current pass with a decline. */
export function decline(construct: string, at: Pos | null, reason: string, fix: string): never {
  throw new DeclineSignal(construct, at, reason, fix);
}
