// Declines raised while typing and lowering one signature. The typing pass and the lowering throw
// a LowerDecline where a construct has no exact lowering; lowerKernel catches it and returns its
// Decline, so nothing escapes to the caller as an exception.

import type { Decline } from './index.js';
import type { Pos } from './ir.js';

export function makeDecline(construct: string, at: Pos, reason: string, fix: string): Decline {
  return {
    construct,
    line: at.line,
    column: at.column,
    reason,
    fix,
    message: `${construct} at line ${at.line}, column ${at.column}: ${reason}; ${fix}`,
  };
}

export class LowerDecline extends Error {
  constructor(readonly decline: Decline) {
    super(decline.message);
  }
}

export function decline(construct: string, at: Pos, reason: string, fix: string): never {
  throw new LowerDecline(makeDecline(construct, at, reason, fix));
}
