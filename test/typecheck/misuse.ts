// Misuses of the plain wrapper, each reported by tsc as one error on its own line, not as a list of
// overloads: the comment after each names what the error must say. (Not a @ts-expect-error fixture:
// typecheck.test reads the compiler's output.)
import { jitFocus, jitIgnore, jitOnce } from '../../dist/lib/index.js';

const add = (a: number, b: number): number => a + b;
jitFocus(add, { maxDeopts: 2 }); // error: 'maxDeopts' does not exist
jitIgnore(add, { maxDeopts: 2 }); // error: 'maxDeopts' does not exist
jitFocus(add, { samples: [['1', 2]] }); // error: Type 'string' is not assignable to type 'number'
jitOnce(add, { samples: [[1]] }); // error: Type '[number]' is not assignable to type 'readonly [a: number, b: number]'
jitFocus(add, { sample: [[1, 2]] }); // error: 'sample' does not exist
jitFocus(add, { warmup: 'many' }); // error: Type 'string' is not assignable to type 'number'
jitFocus(add, { tier: 'fast' }); // error: Type '"fast"' is not assignable to type 'TierChoice | undefined'
jitFocus(add, { name: 7 }); // error: Type 'number' is not assignable to type 'string
