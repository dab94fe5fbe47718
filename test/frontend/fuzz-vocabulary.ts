// What the source fuzzer's generator draws from: the Math members, constants at the edges that
// matter (int32, uint32, 2^53, halves, float32 limits, signed zeros, NaN, infinities), indices
// that miss, and the operators of the kernel subset.

export const MATH_1: readonly string[] = ['abs', 'floor', 'ceil', 'round', 'trunc', 'sign', 'sqrt', 'fround', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan',
  'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'cbrt', 'clz32'];
export const MATH_2: readonly string[] = ['pow', 'atan2', 'imul'];
export const MATH_FUNCTIONS: readonly string[] = [...MATH_1, ...MATH_2, 'min', 'max', 'hypot'];
export const MATH_CONSTANTS = ['E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2'];

/** Integer constants at the int32/uint32/2^53 edges, and small ones. */
export const INT_CONSTANTS = [0, 1, 2, 3, 5, 7, 8, 16, 31, 32, 33, 127, 128, 255, 256, 65535, 65536,
  2147483647, 2147483648, 4294967295, 4294967296, 2 ** 53, 2 ** 53 + 2, 0x55555555, -1, -2, -128, -129, -32768, -2147483648, -2147483649];
export const FRACTION_CONSTANTS = [0.5, -0.5, 1.5, 2.5, -2.5, 0.1, 0.25, 127.5, 255.5, 1e-7, 1e21, 1e308, 5e-324, -0, NaN, Infinity,
  -Infinity, 3.4028235677973366e38, 1.401298464324817e-45, 0.49999999999999994];
export const INDEX_CONSTANTS = [0, 1, 2, 3, -1, -0, 0.5, 1.5, NaN, 63, 64, 2147483647, -2147483648, 4294967295, 2 ** 53, Infinity];

export const ARITHMETIC = ['+', '-', '*', '/', '%'];
export const BITWISE = ['|', '&', '^', '<<', '>>', '>>>'];
export const RELATIONAL = ['<', '<=', '>', '>='];
export const EQUALITY = ['===', '!==', '==', '!='];
export const COMPOUND = ['+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '>>>='];
