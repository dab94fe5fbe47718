// Negative control for typecheck.test: this @ts-expect-error is NOT needed (a method is a supported
// use), so tsc must fail with TS2578. If it passes, the checker is not catching anything.
import { jitFocus } from '../../dist/lib/index.js';

export class Accepted {
  // @ts-expect-error deliberately unnecessary
  @jitFocus method(): number { return 1; }
}
