// The micro-op table: the ONE source of truth. generate.mjs derives from it the C stencil
// sources, native/generated/uops.h, the per-target stencil headers, lib/compiler/trace/uops.ts and
// docs/uops.md. Append new ops at the end of a family or of the list (opcodes are positions; the
// runtime reads the tables and never hard-codes a number, but stable numbers keep diffs small).
//
// Operands are written "name=Kind" (written by the op) or "name:Kind" (read). A Label operand, if
// any, comes last: its hole is _JIT_TARGET; the others are _JIT_OPERAND0.. in order, so an
// operand's hole index equals its position in the op's operand list.
// `c` is the body of the stencil: operand names are C lvalues/values (a View is a
// `const ViewRecord*`), `JUMP(label)` branches, and CONTINUE() is appended unless `ends` is set.
// `js` is the reference semantics over the op's read operands in order (the test oracle).

export const OPERAND_KINDS = ['F64', 'I32', 'U32', 'View', 'Label', 'ImmI32', 'ImmF64'];

// A `derived` operand is not in the trace: the validator (native/core/validate.cc) computes it by
// its rule from the immediate `from` and appends it after the op's operands, where the stencil
// reads it as a 64-bit immediate named `name`. 'ModReciprocal': ceil(2^64 / |k|), 0 for |k| <= 1.
export const DERIVED_RULES = ['None', 'ModReciprocal'];

// The trace format's view (element) kinds; a kind's code in a trace is its position here.
export const ELEMENT_KINDS = [
  { name: 'Int8', array: 'Int8Array', c: 'int8_t', bytes: 1, integer: true },
  { name: 'Uint8', array: 'Uint8Array', c: 'uint8_t', bytes: 1, integer: true },
  { name: 'Uint8Clamped', array: 'Uint8ClampedArray', c: 'uint8_t', bytes: 1, integer: true },
  { name: 'Int16', array: 'Int16Array', c: 'int16_t', bytes: 2, integer: true },
  { name: 'Uint16', array: 'Uint16Array', c: 'uint16_t', bytes: 2, integer: true },
  { name: 'Int32', array: 'Int32Array', c: 'int32_t', bytes: 4, integer: true },
  { name: 'Uint32', array: 'Uint32Array', c: 'uint32_t', bytes: 4, integer: true },
  { name: 'Float32', array: 'Float32Array', c: 'float', bytes: 4, integer: false },
  { name: 'Float64', array: 'Float64Array', c: 'double', bytes: 8, integer: false },
];

const uops = [];

function op(name, operands, fields) {
  uops.push({ name, operands, viewKind: -1, pseudo: false, ends: false, internal: false, ...fields });
}

// ---- control ------------------------------------------------------------------------------
op('LABEL', 'here:Label', { pseudo: true, doc: 'Marks a branch target. Emits no code.' });
op('JUMP', 'to:Label', { c: 'JUMP(to);', ends: true, doc: 'Unconditional jump.' });
op('RETURN', '', {
  c: 'return;',
  ends: true,
  doc: 'Leaves the kernel: returns from the entry shim. The result, if any, is in a frame slot.',
});

// ---- constants and moves --------------------------------------------------------------------
op('CONST_F64', 'd=F64 k:ImmF64', { c: 'd = k;', js: '(k) => k', doc: 'Loads an f64 constant (any bits, -0 and NaN included).' });
op('CONST_I32', 'd=I32 k:ImmI32', { c: 'd = k;', js: '(k) => k', doc: 'Loads an i32 constant.' });
op('MOV_F64', 'd=F64 a:F64', { c: 'd = a;', js: '(a) => a', doc: 'Copies an f64 slot.' });
op('MOV_I32', 'd=I32 a:I32', { c: 'd = a;', js: '(a) => a', doc: 'Copies an i32 slot.' });
op('MOV_U32', 'd=U32 a:U32', { c: 'd = a;', js: '(a) => a', doc: 'Copies a u32 slot.' });

// ---- f64 arithmetic -------------------------------------------------------------------------
const f64Binary = [
  ['ADD', 'a + b', '(a, b) => a + b'],
  ['SUB', 'a - b', '(a, b) => a - b'],
  ['MUL', 'a * b', '(a, b) => a * b'],
  ['DIV', 'a / b', '(a, b) => a / b'],
  ['MOD', 'js_mod_f64(a, b)', '(a, b) => a % b', 'Integer values below 2^53 by an int64 remainder, the rest by C fmod: both exact, with the special cases of JS %.'],
];
for (const [name, expr, js, note] of f64Binary) {
  if (name === 'MOD') continue;
  op(`${name}_F64`, 'd=F64 a:F64 b:F64', { c: `d = ${expr};`, js, doc: note ?? `f64 ${js.slice(10)}.` });
}
// The integer path inline, the call to fmod out of line (`slow`, see compile.mjs): a stencil that
// may call C code has to keep every cached register the C ABI does not preserve across the call,
// which on x86-64 costs a prologue and moves on every run of the op, taken or not.
op('MOD_F64', 'd=F64 a:F64 b:F64', {
  c: 'double r; if (!js_mod_f64_int(a, b, &r)) SLOW(); d = r;',
  slow: 'd = fmod(a, b);',
  inline: 'd = js_mod_f64(a, b);',
  js: '(a, b) => a % b',
  doc: f64Binary.find(([name]) => name === 'MOD')[3],
});
op('NEG_F64', 'd=F64 a:F64', { c: 'd = -a;', js: '(a) => -a', doc: 'f64 negation (flips the sign of 0 and NaN).' });

// ---- Math, exact ----------------------------------------------------------------------------
const mathExact = [
  ['ABS', '__builtin_fabs(a)', 'Math.abs'],
  ['FLOOR', 'js_floor(a)', 'Math.floor'],
  ['CEIL', 'js_ceil(a)', 'Math.ceil'],
  ['ROUND', 'js_round(a)', 'Math.round', 'Half toward +Infinity; -0 for [-0.5, -0]; 0.49999999999999994 -> 0.'],
  ['TRUNC', 'js_trunc(a)', 'Math.trunc'],
  ['SIGN', 'js_sign(a)', 'Math.sign'],
  ['SQRT', '__builtin_sqrt(a)', 'Math.sqrt', 'IEEE square root (correctly rounded, like V8).'],
  ['FROUND', 'js_fround(a)', 'Math.fround'],
];
for (const [name, expr, fn, note] of mathExact) {
  op(`${name}_F64`, 'd=F64 a:F64', { c: `d = ${expr};`, js: `(a) => ${fn}(a)`, doc: note ?? `${fn}, exact.` });
}

// ---- Math, V8's algorithms (bit-identical) ------------------------------------------------------
// fdlibm as ported in templates/fdlibm.h; glibc's libm is up to 3 ulp from V8 on these. On
// AArch64, Node's own V8 builds disagree with each other (GCC-built Node 20-24 fuse multiply-adds
// across statements, clang-built Node 26 within expressions); the stencils follow clang, so the
// ops GCC fuses differently are within 1 ulp there (log10 within 2). Measured, see
// docs/native-engine.md ("Exactness").
const v8Unary = ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh',
  'atanh', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10'];
const gccFusesDifferently = { tan: 1, atan: 1, asinh: 1, acosh: 1, atanh: 1, log: 1, log1p: 1, log2: 1, log10: 2 };
const v8Doc = (fn, arm64Ulps) => `Math.${fn} with V8's own fdlibm algorithm, step for step: bit-identical to V8 on x86-64 ` +
  (arm64Ulps === undefined
    ? 'and AArch64.'
    : `and to clang-built V8 on AArch64 (Node 26); AArch64: within ${arm64Ulps} ulp of GCC-built V8 (Node 20-24).`);
for (const fn of v8Unary) {
  op(`${fn.toUpperCase()}_F64`, 'd=F64 a:F64', {
    c: `d = fd_${fn}(a);`,
    js: `(a) => Math.${fn}(a)`,
    doc: v8Doc(`${fn}`, gccFusesDifferently[fn]),
  });
}

// Not libm: glibc cbrt is up to 2 ulp from V8, so V8's own algorithm is reproduced.
op('CBRT_F64', 'd=F64 a:F64', {
  c: 'd = js_cbrt(a);',
  js: '(a) => Math.cbrt(a)',
  doc: 'Math.cbrt with fdlibm\'s algorithm, as V8 computes it: bit-identical (glibc cbrt is up to 2 ulp off).',
});

// ---- Math binary ----------------------------------------------------------------------------
op('MIN_F64', 'd=F64 a:F64 b:F64', { c: 'd = js_min(a, b);', js: '(a, b) => Math.min(a, b)', doc: 'Math.min: NaN wins, -0 < +0.' });
op('MAX_F64', 'd=F64 a:F64 b:F64', { c: 'd = js_max(a, b);', js: '(a, b) => Math.max(a, b)', doc: 'Math.max: NaN wins, -0 < +0.' });
op('POW_F64', 'd=F64 a:F64 b:F64', {
  c: 'd = js_pow(a, b);',
  js: '(a, b) => Math.pow(a, b)',
  doc: 'Math.pow / **: JS special cases (x ** NaN, (+-1) ** +-Infinity are NaN), x ** 2 = x * x and x ** 0.5 = sqrt(x + 0) as in V8\'s optimizing tiers, else libm pow: bit-identical to V8 13.6+ (Node 24, 26), which calls the C library\'s pow; within 1 ulp of V8 11.3/12.4 (Node 20, 22), which used fdlibm\'s.',
});
op('ATAN2_F64', 'd=F64 a:F64 b:F64', { c: 'd = fd_atan2(a, b);', js: '(a, b) => Math.atan2(a, b)', doc: v8Doc('atan2', 1) });
op('HYPOT_F64', 'd=F64 a:F64 b:F64', { c: 'd = js_hypot(a, b);', js: '(a, b) => Math.hypot(a, b)', doc: 'Math.hypot of two numbers with V8\'s algorithm (normalized Kahan sum, bit-identical); Infinity beats NaN.' });
op('CLZ32_U32', 'd=I32 a:U32', { c: 'd = js_clz32(a);', js: '(a) => Math.clz32(a)', doc: 'Math.clz32 of a u32 (32 for 0).' });

// ---- i32 / u32 arithmetic -------------------------------------------------------------------
const i32Binary = [
  ['ADD', 'js_add_i32(a, b)', '(a, b) => (a + b) | 0'],
  ['SUB', 'js_sub_i32(a, b)', '(a, b) => (a - b) | 0'],
  ['IMUL', 'js_imul(a, b)', '(a, b) => Math.imul(a, b)'],
  ['DIV', 'js_div_i32(a, b)', '(a, b) => (a / b) | 0', 'Division by 0 gives 0; INT_MIN / -1 gives INT_MIN.'],
  ['MOD', 'js_mod_i32(a, b)', '(a, b) => (a % b) | 0', 'Remainder by 0 gives 0; the sign follows the dividend.'],
  ['AND', 'a & b', '(a, b) => a & b'],
  ['OR', 'a | b', '(a, b) => a | b'],
  ['XOR', 'a ^ b', '(a, b) => a ^ b'],
  ['SHL', 'js_shl(a, b)', '(a, b) => a << b', 'The shift count is taken modulo 32.'],
  ['SAR', 'js_sar(a, b)', '(a, b) => a >> b', 'Arithmetic shift; the count is taken modulo 32.'],
];
for (const [name, expr, js, note] of i32Binary) {
  op(`${name}_I32`, 'd=I32 a:I32 b:I32', { c: `d = ${expr};`, js, doc: note ?? `i32 ${js.slice(10)}.` });
}
// `x % k` for a constant k without a division: Lemire, Kaser and Kurz, "Faster remainder by direct
// computation" (2019): n mod k = high 64 bits of (low 64 bits of m * n) * k with m = ceil(2^64 / k),
// exact for every u32 n and k. m is `derived`: the validator computes it from k and appends it as
// the op's last hole, so a trace carries k alone and no trace can hold a wrong m. A negative
// dividend (rare in kernels) leaves by SLOW(), so the common path has no sign fix-up.
op('MOD_I32_K', 'd=I32 a:I32 k:ImmI32', {
  derived: { name: 'm', from: 'k', rule: 'ModReciprocal' },
  c: 'if (a < 0) SLOW(); d = (int32_t)jit_mod_u32_by_reciprocal((uint32_t)a, m, jit_abs_u32(k));',
  slow: 'd = js_mod_i32_by_reciprocal(a, k, m);',
  inline: 'd = js_mod_i32_by_reciprocal(a, k, m);',
  js: '(a, k) => (a % k) | 0',
  doc: 'i32 remainder by a constant k, as MOD_I32 (0 for k = 0; the sign follows the dividend) but by two multiplications with m = ceil(2^64 / |k|), which the validator derives from k.',
});
op('NEG_I32', 'd=I32 a:I32', { c: 'd = js_neg_i32(a);', js: '(a) => -a | 0', doc: 'Wrapping negation (INT_MIN stays INT_MIN).' });
op('NOT_I32', 'd=I32 a:I32', { c: 'd = ~a;', js: '(a) => ~a', doc: 'Bitwise not.' });
op('SHR_U32', 'd=U32 a:I32 b:I32', { c: 'd = js_shr(a, b);', js: '(a, b) => a >>> b', doc: 'Logical shift right (>>>), u32 result; the count is taken modulo 32.' });

// ---- conversions ----------------------------------------------------------------------------
op('I32_TO_F64', 'd=F64 a:I32', { c: 'd = (double)a;', js: '(a) => a', doc: 'Exact.' });
op('U32_TO_F64', 'd=F64 a:U32', { c: 'd = (double)a;', js: '(a) => a', doc: 'Exact.' });
// The machine's truncation inline, the modulo reduction of values outside int32 out of line (on
// x86-64; see MOD_F64): the common path falls through.
op('F64_TO_I32', 'd=I32 a:F64', {
  c: 'int32_t r = jit_truncate_i32(a); if (!jit_truncation_fits(r)) SLOW(); d = r;',
  slow: 'd = js_toint32_full(a);',
  inline: 'd = js_toint32(a);',
  js: '(a) => a | 0',
  doc: 'ToInt32: truncate, wrap modulo 2^32; NaN and Infinity give 0.',
});
op('F64_TO_U32', 'd=U32 a:F64', {
  c: 'int32_t r = jit_truncate_i32(a); if (!jit_truncation_fits(r)) SLOW(); d = (uint32_t)r;',
  slow: 'd = (uint32_t)js_toint32_full(a);',
  inline: 'd = js_touint32(a);',
  js: '(a) => a >>> 0',
  doc: 'ToUint32.',
});
op('I32_TO_U32', 'd=U32 a:I32', { c: 'd = (uint32_t)a;', js: '(a) => a >>> 0', doc: 'Reinterprets the 32 bits.' });
op('U32_TO_I32', 'd=I32 a:U32', { c: 'd = (int32_t)a;', js: '(a) => a | 0', doc: 'Reinterprets the 32 bits.' });
op('F64_TO_INDEX', 'd=I32 a:F64 miss:Label', {
  c: 'int32_t index = js_to_index(a);\n  if (index < 0) JUMP(miss);\n  d = index;',
  js: '(a) => Number.isInteger(a) && a >= 0 && a <= 0x7fffffff',
  doc: 'Jumps to `miss` unless a is an integer in [0, 2^31 - 1] (-0 is 0); else d = a. `js` is the condition to stay.',
});
// `a[i * n + k]` with int32 operands whose product may leave int32: computed exactly in int64, it is
// the index JS's f64 arithmetic gives wherever either is an index (the argument is in
// docs/native-engine.md, "Index arithmetic"); the oracle is the f64 expression itself. No index
// gives -1, which every load and store finds out of range: no branch.
op('MULADD_INDEX', 'd=I32 a:I32 b:I32 c:I32', {
  c: 'int64_t index = (int64_t)a * b + c;\n  d = (uint64_t)index <= 0x7fffffff ? (int32_t)index : -1;',
  js: '(a, b, c) => { const x = a * b + c; return Number.isInteger(x) && x >= 0 && x <= 0x7fffffff ? x : -1; }',
  doc: 'd = a * b + c when that is an index in [0, 2^31 - 1], else -1 (out of range of every view). Computed exactly in int64; equal to the f64 result of `a * b + c` wherever either is an index.',
});

// ---- comparisons ----------------------------------------------------------------------------
const comparisons = [['LT', '<'], ['LE', '<='], ['GT', '>'], ['GE', '>='], ['EQ', '=='], ['NE', '!=']];
const valueTypes = ['F64', 'I32', 'U32'];
for (const [cmp, sym] of comparisons) {
  for (const type of valueTypes) {
    const jsSym = sym === '==' ? '===' : sym === '!=' ? '!==' : sym;
    op(`${cmp}_${type}`, `d=I32 a:${type} b:${type}`, {
      c: `d = a ${sym} b;`,
      js: `(a, b) => (a ${jsSym} b ? 1 : 0)`,
      doc: `${type} a ${jsSym} b as 0 or 1${type === 'F64' ? ' (false when either is NaN, except NE)' : ''}.`,
    });
  }
}
for (const [cmp, sym] of comparisons) {
  for (const type of valueTypes) {
    const jsSym = sym === '==' ? '===' : sym === '!=' ? '!==' : sym;
    op(`BR_${cmp}_${type}`, `a:${type} b:${type} to:Label`, {
      c: `if (a ${sym} b) JUMP(to);`,
      js: `(a, b) => a ${jsSym} b`,
      doc: `Jumps to \`to\` if ${type} a ${jsSym} b.`,
    });
  }
}
op('BR_TRUE_I32', 'a:I32 to:Label', { c: 'if (a != 0) JUMP(to);', js: '(a) => a !== 0', doc: 'Jumps if a is not 0.' });
op('BR_FALSE_I32', 'a:I32 to:Label', { c: 'if (a == 0) JUMP(to);', js: '(a) => a === 0', doc: 'Jumps if a is 0.' });
op('BR_TRUE_F64', 'a:F64 to:Label', { c: 'if (js_truthy(a)) JUMP(to);', js: '(a) => !!a', doc: 'Jumps if a is truthy (not 0, -0 or NaN).' });
op('BR_FALSE_F64', 'a:F64 to:Label', { c: 'if (!js_truthy(a)) JUMP(to);', js: '(a) => !a', doc: 'Jumps if a is falsy (0, -0 or NaN).' });

// ---- typed arrays ---------------------------------------------------------------------------
const inBounds = 'if ((uint64_t)(uint32_t)i >= v->length) JUMP(miss);';
const storeGuard = 'if ((uint64_t)(uint32_t)i < v->length)';
ELEMENT_KINDS.forEach((kind, viewKind) => {
  const upper = kind.name.toUpperCase();
  const element = `((${kind.c}*)v->base)[(uint32_t)i]`;
  op(`LOAD_${upper}`, 'd=F64 v:View i:I32 miss:Label', {
    viewKind,
    c: `${inBounds}\n  d = (double)${element};`,
    js: '(v, i) => v[i]',
    doc: `d = ${kind.array} element i as f64; jumps to \`miss\` if i is out of range (JS reads undefined).`,
  });
  const convert = kind.name === 'Uint8Clamped' ? 'js_to_uint8_clamp(x)'
    : kind.integer ? `(${kind.c})js_toint32(x)` : `(${kind.c})x`;
  op(`STORE_${upper}`, 'v:View i:I32 x:F64', {
    viewKind,
    c: `${storeGuard} ${element} = ${convert};`,
    js: '(v, i, x) => { v[i] = x; }',
    doc: `Stores f64 x into ${kind.array} element i (${kind.integer ? (kind.name === 'Uint8Clamped' ? 'ToUint8Clamp: round half to even, clamp' : 'ToInt32 then wrap') : kind.name === 'Float32' ? 'rounded through float' : 'as is'}); out of range does nothing.`,
  });
});
ELEMENT_KINDS.forEach((kind, viewKind) => {
  if (!kind.integer) return;
  const upper = kind.name.toUpperCase();
  const element = `((${kind.c}*)v->base)[(uint32_t)i]`;
  const slot = kind.name === 'Uint32' ? 'U32' : 'I32';
  op(`LOAD_${upper}_${slot}`, `d=${slot} v:View i:I32 miss:Label`, {
    viewKind,
    c: `${inBounds}\n  d = ${element};`,
    js: '(v, i) => v[i]',
    doc: `d = ${kind.array} element i as ${slot.toLowerCase()}; jumps to \`miss\` if i is out of range.`,
  });
  const convert = kind.name === 'Uint8Clamped' ? 'js_clamp_i32_to_uint8(x)' : `(${kind.c})x`;
  op(`STORE_${upper}_I32`, 'v:View i:I32 x:I32', {
    viewKind,
    c: `${storeGuard} ${element} = ${convert};`,
    js: '(v, i, x) => { v[i] = x; }',
    doc: `Stores i32 x (or the same bits of a u32) into ${kind.array} element i${kind.name === 'Uint8Clamped' ? ' (clamped to 0..255)' : ' (wrapping)'}; out of range does nothing.`,
  });
});
op('LENGTH', 'd=I32 v:View', {
  c: 'd = (int32_t)v->length;',
  js: '(v) => v.length',
  doc: 'Element count of a view of any kind. The binder guarantees length <= 2^31 - 1.',
});
op('DECLINE', '', {
  c: 'FRAME_HEADER(frame)->budget = DECLINED_BUDGET;\n  return;',
  ends: true,
  doc: 'Ends the call without a result, declining these arguments: Kernel::call fails with ErrorKind::Declined, kernel.call() throws a RangeError of code ERR_JITCTL_DECLINED and kernel.invoke returns DECLINED, so the caller runs its own code. For the guards at the entry of a trace, before it writes any array, and for the checks of a trace that writes no array (the *_EXACT ops).',
});

// ---- speculation: i32 arithmetic that jumps where JS's value is no int32 ------------------------
// For kernels that write no array, where a jump to DECLINE anywhere is exact (the caller reruns
// the function): the front end keeps a value an int32 on the assumption that these hold.
// `js` is JS's exact value; the op falls through with it exactly when it is an int32 (not -0).
const exactDoc = (what) => `d = ${what} when JS's value is an int32 (not -0); otherwise a jump to \`inexact\`, d unchanged.`;
op('ADD_I32_EXACT', 'd=I32 a:I32 b:I32 inexact:Label', {
  c: 'int32_t r;\n  if (__builtin_add_overflow(a, b, &r)) JUMP(inexact);\n  d = r;',
  js: '(a, b) => a + b',
  doc: exactDoc('a + b'),
});
op('SUB_I32_EXACT', 'd=I32 a:I32 b:I32 inexact:Label', {
  c: 'int32_t r;\n  if (__builtin_sub_overflow(a, b, &r)) JUMP(inexact);\n  d = r;',
  js: '(a, b) => a - b',
  doc: exactDoc('a - b'),
});
op('MUL_I32_EXACT', 'd=I32 a:I32 b:I32 inexact:Label', {
  c: 'int32_t r;\n  if (__builtin_mul_overflow(a, b, &r) || (r == 0 && (a | b) < 0)) JUMP(inexact);\n  d = r;',
  js: '(a, b) => a * b',
  doc: exactDoc('a * b') + ' A zero product with a negative factor is -0 in JS.',
});
op('DIV_POW2_I32_EXACT', 'd=I32 a:I32 s:ImmI32 inexact:Label', {
  c: 'const uint32_t low = (1u << (s & 31)) - 1;\n  if ((uint32_t)a & low) JUMP(inexact);\n  d = a >> (s & 31);',
  js: '(a, s) => a / 2 ** (s & 31)',
  doc: exactDoc('a / 2^s') + ' An exact quotient is the arithmetic shift.',
});

// ---- proven accesses: a load or store whose index the engine proved in range -------------------
// The engine's own range analysis (native/core/bounds.cc) rewrites a checked access into its twin
// here when every path to it bounds the index in [0, length): e.g. `for (i = 0; i < v.length; i++)`.
// They are internal: a trace that names one is refused, since its proof is the engine's alone.
for (const access of uops.filter((u) => /^(LOAD|STORE)_/.test(u.name))) {
  const isLoad = access.name.startsWith('LOAD_');
  const c = isLoad ? access.c.replace(`${inBounds}\n  `, '') : access.c.replace(`${storeGuard} `, '');
  if (c === access.c) throw new Error(`${access.name}: its bounds check is not the one the proven twin drops`);
  const name = `${access.name}_PROVEN`;
  access.provenTwin = name;
  op(name, access.operands.replace(' miss:Label', ''), {
    viewKind: access.viewKind,
    internal: true,
    c,
    js: access.js,
    doc: `${access.name} without its bounds check, for an index the engine proved in range (internal: never in a trace).`,
  });
}

// ---- register variants --------------------------------------------------------------------
// The engine keeps the hottest slots of a kernel in registers for the whole kernel (its choice:
// native/core/registers.cc): up to CACHED_REGISTERS f64 slots (f0..) and as many i32/u32 slots
// (r0..). Every stencil receives and passes on those registers; an op listed here also gets one
// stencil variant per assignment of its cacheable operands to memory or a register (5^n - 1 of
// them for n operands). Ops not listed (the transcendental Math functions, pow) work on memory
// only: the engine writes a cached operand back to its slot before them and reloads
// a written one after.
export const CACHED_REGISTERS = 4;
const cachedOps = [
  'CONST_F64', 'CONST_I32', 'MOV_F64', 'MOV_I32', 'MOV_U32',
  'ADD_F64', 'SUB_F64', 'MUL_F64', 'DIV_F64', 'MOD_F64', 'NEG_F64',
  'ABS_F64', 'FLOOR_F64', 'CEIL_F64', 'ROUND_F64', 'TRUNC_F64', 'SIGN_F64', 'SQRT_F64', 'FROUND_F64',
  'MIN_F64', 'MAX_F64', 'CLZ32_U32',
  'ADD_I32', 'SUB_I32', 'IMUL_I32', 'DIV_I32', 'MOD_I32', 'MOD_I32_K', 'AND_I32', 'OR_I32', 'XOR_I32', 'SHL_I32', 'SAR_I32',
  'NEG_I32', 'NOT_I32', 'SHR_U32',
  'I32_TO_F64', 'U32_TO_F64', 'F64_TO_I32', 'F64_TO_U32', 'I32_TO_U32', 'U32_TO_I32', 'F64_TO_INDEX', 'MULADD_INDEX',
  'BR_TRUE_I32', 'BR_FALSE_I32', 'BR_TRUE_F64', 'BR_FALSE_F64', 'LENGTH',
  'ADD_I32_EXACT', 'SUB_I32_EXACT', 'MUL_I32_EXACT', 'DIV_POW2_I32_EXACT',
];
for (const [cmp] of comparisons) {
  for (const type of valueTypes) cachedOps.push(`BR_${cmp}_${type}`);  // a compare to 0/1 is rare: memory only
}
for (const kind of ELEMENT_KINDS) {
  const upper = kind.name.toUpperCase();
  cachedOps.push(`LOAD_${upper}`, `STORE_${upper}`);
  if (kind.integer) cachedOps.push(`LOAD_${upper}_${kind.name === 'Uint32' ? 'U32' : 'I32'}`, `STORE_${upper}_I32`);
}
cachedOps.push(...cachedOps.filter((name) => /^(LOAD|STORE)_/.test(name)).map((name) => `${name}_PROVEN`));
for (const name of cachedOps) {
  const entry = uops.find((u) => u.name === name);
  if (!entry) throw new Error(`cached op ${name} is not in the table`);
  entry.cached = true;
}

const SLOT_KINDS = ['F64', 'I32', 'U32'];

// An op's register variants, in the order the runtime indexes them: the operand locations as a
// number in base CACHED_REGISTERS + 1 (digit j for the op's j-th slot operand, lowest first;
// 0 = memory, k = register k - 1 of the operand's class), 1 .. 4^n - 1 (0 is the memory stencil).
// An i32 and a u32 operand may share a register: both are its low 32 bits (prelude.h), so
// `U32_TO_I32 d, a` with d and a in one register is no instruction at all.
function registerVariants(entry, operands) {
  if (!entry.cached) return [];
  const slots = operands.map((o, i) => (SLOT_KINDS.includes(o.kind) ? i : -1)).filter((i) => i >= 0);
  const radix = CACHED_REGISTERS + 1;
  const variants = [];
  for (let code = 1; code < radix ** slots.length; code++) {
    const locations = operands.map(() => 0);
    slots.forEach((operand, j) => { locations[operand] = Math.floor(code / radix ** j) % radix; });
    const place = (o, i) => (locations[i] === 0 ? 'm' : `${o.kind === 'F64' ? 'f' : 'r'}${locations[i] - 1}`);
    variants.push({ name: `${entry.name}__${slots.map((i) => place(operands[i], i)).join('_')}`, locations });
  }
  return variants;
}

function parseOperands(spec) {
  if (spec === '') return [];
  return spec.split(' ').map((text) => {
    const match = /^([a-z][a-z0-9]*)([=:])([A-Za-z0-9]+)$/.exec(text);
    if (!match) throw new Error(`bad operand spec "${text}"`);
    const [, name, mode, kind] = match;
    if (!OPERAND_KINDS.includes(kind)) throw new Error(`unknown operand kind "${kind}" in "${text}"`);
    return { name, kind, written: mode === '=' };
  });
}

// The engine's register liveness (native/core/registers.cc) counts an op's writes on its
// fall-through edge only: on the branch edge a written slot keeps its old value, and a register
// it shares is not clobbered. That holds only if the op branches before it writes, and if an op
// that writes also falls through. Both are checked here, on the C body: no written operand is
// named before the op's last JUMP(, and no op that ends writes.
function checkWritesAfterBranch(entry, operands) {
  const written = operands.filter((o) => o.written);
  if (written.length === 0 || entry.pseudo) return;
  if (entry.ends) throw new Error(`${entry.name}: an op that ends (never falls through) must not write a slot`);
  // SLOW() leaves for the slow path, which reads the operands as they came in (a written one may
  // share a register with one it reads): the same rule as a branch.
  for (const leave of ['JUMP(', 'SLOW(']) {
    const last = entry.c.lastIndexOf(leave);
    if (last < 0) continue;
    for (const operand of written) {
      const first = new RegExp(`\\b${operand.name}\\b`).exec(entry.c);
      if (first && first.index < last) {
        throw new Error(`${entry.name}: writes ${operand.name} before it may ${leave === 'JUMP(' ? 'branch (JUMP)' : 'take its slow path (SLOW)'}: that path must see the slot unchanged; assign it after the last ${leave.slice(0, -1)}`);
      }
    }
  }
}

// `slow` is the C of an op's out-of-line path, which its body enters with SLOW(), and `inline` the
// whole op in one piece, for the targets that keep the slow path inline (compile.mjs).
function checkSlowPath(entry) {
  const uses = typeof entry.c === 'string' && entry.c.includes('SLOW(');
  if (entry.slow === undefined && !uses) return;
  if (typeof entry.slow !== 'string') throw new Error(`${entry.name}: uses SLOW() but has no slow path (a C string)`);
  if (typeof entry.inline !== 'string') throw new Error(`${entry.name}: has a slow path but no inline body (the op in one piece)`);
  if (!uses) throw new Error(`${entry.name}: has a slow path that its body never enters (SLOW())`);
  if (entry.ends) throw new Error(`${entry.name}: an op that ends has no slow path to continue from`);
}

// The derived operand's place: hole `index` (after the op's own operands), computed from operand `from`.
function checkDerived(entry, operands) {
  if (entry.derived === undefined) return null;
  const { name, from, rule } = entry.derived;
  if (!DERIVED_RULES.includes(rule) || rule === 'None') throw new Error(`${entry.name}: unknown derived-operand rule "${rule}"`);
  const source = operands.findIndex((o) => o.name === from);
  if (source < 0 || operands[source].kind !== 'ImmI32') throw new Error(`${entry.name}: a derived operand comes from an ImmI32 operand, not "${from}"`);
  if (operands.some((o) => o.name === name)) throw new Error(`${entry.name}: the derived operand's name "${name}" is taken`);
  if (operands.some((o) => o.kind === 'Label')) throw new Error(`${entry.name}: an op with a derived operand has no label (its hole would follow the label)`);
  if (operands.length >= 4) throw new Error(`${entry.name}: at most 3 operands with a derived one (4 holes)`);
  return { name, rule, from: source, index: operands.length };
}

// A checked access's proven twin: internal, the same operands but the label, the same view kind;
// and an internal op is some access's twin (nothing else may be kept out of traces).
function checkProvenTwins(entries) {
  const twins = new Set();
  for (const entry of entries) {
    if (entry.provenTwin === undefined) continue;
    const twin = entries.find((e) => e.name === entry.provenTwin);
    if (!twin || !twin.internal) throw new Error(`${entry.name}: its proven twin ${entry.provenTwin} is not an internal op`);
    if (twin.operands !== entry.operands.replace(' miss:Label', '') || twin.viewKind !== entry.viewKind) {
      throw new Error(`${entry.name}: its proven twin ${twin.name} must have the same operands (but the label) and view kind`);
    }
    twins.add(twin.name);
  }
  for (const entry of entries) {
    if (entry.internal && !twins.has(entry.name)) throw new Error(`${entry.name}: an internal op must be the proven twin of an access`);
  }
}

export function defineTable(entries) {
  checkProvenTwins(entries);
  return entries.map((entry, opcode) => {
    const operands = parseOperands(entry.operands);
    const labelAt = operands.findIndex((o) => o.kind === 'Label');
    if (labelAt >= 0 && labelAt !== operands.length - 1) throw new Error(`${entry.name}: the Label operand must be last`);
    if (operands.length > 4) throw new Error(`${entry.name}: at most 4 operands`);
    if (!entry.pseudo && typeof entry.c !== 'string') throw new Error(`${entry.name}: no C body`);
    if (typeof entry.doc !== 'string') throw new Error(`${entry.name}: no doc`);
    checkSlowPath(entry);
    checkWritesAfterBranch(entry, operands);
    const derived = checkDerived(entry, operands);
    return { ...entry, opcode, operands, derived, variants: registerVariants(entry, operands) };
  }).map((entry, _, all) => ({ ...entry, provenTwin: entry.provenTwin === undefined ? -1 : all.find((e) => e.name === entry.provenTwin).opcode }));
}

export const UOPS = defineTable(uops);

// Runtime functions a stencil may call (libm). Any other external symbol fails generation.
export const EXTERNS = ['pow', 'fmod'];
