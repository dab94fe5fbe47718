// Declines raised while typing and lowering one signature: the typing pass and the lowering throw
// a LowerDecline where a construct has no exact lowering, and lowerKernel turns it into a Decline
// (decline.ts, with the plan's origin for file positions), so nothing escapes as an exception.

import type { Pos } from './ir.js';

export class LowerDecline extends Error {
  constructor(readonly construct: string, readonly at: Pos, readonly reason: string, readonly fix: string) {
    super(`${construct}: ${reason}`);
  }
}

export function decline(construct: string, at: Pos, reason: string, fix: string): never {
  throw new LowerDecline(construct, at, reason, fix);
}
