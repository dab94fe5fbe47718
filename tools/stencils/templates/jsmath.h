// JavaScript number semantics in C, bit-exact with the ECMAScript spec. Stencils must never rely
// on C's undefined or implementation-defined conversions (double -> int casts out of range,
// signed overflow, INT_MIN / -1, shifts >= width); every such case is spelled out here.
// The transcendental functions are V8's own algorithms (fdlibm.h, included at the end); libm is
// only called for pow (within 1 ulp of V8, see js_pow) and fmod (exact; js_mod_f64's slow path).
#pragma once

#include <stdint.h>

double pow(double, double);
double fmod(double, double);

static inline int js_isnan(double x) { return x != x; }

static inline double js_f64_from_bits(uint64_t bits) {
  double x;
  __builtin_memcpy(&x, &bits, sizeof x);
  return x;
}

static inline uint64_t js_f64_bits(double x) {
  uint64_t bits;
  __builtin_memcpy(&bits, &x, sizeof bits);
  return bits;
}

// Math.trunc. x86-64 baseline has no SSE4.1 roundsd, and a libm call costs more than this:
// below 2^52 the value fits int64 so cvttsd2si truncates exactly; above, it is an integer.
static inline double js_trunc(double x) {
#if defined(__aarch64__)
  return __builtin_trunc(x);
#else
  if (!(__builtin_fabs(x) < 0x1p52)) return x;  // also NaN and +-Infinity
  return __builtin_copysign((double)(int64_t)x, x);  // keeps -0 for x in (-1, -0]
#endif
}

static inline double js_floor(double x) {
#if defined(__aarch64__)
  return __builtin_floor(x);
#else
  double t = js_trunc(x);
  return t > x ? t - 1.0 : t;  // exact: t is an integer below 2^52 when it differs from x
#endif
}

static inline double js_ceil(double x) {
#if defined(__aarch64__)
  return __builtin_ceil(x);
#else
  double t = js_trunc(x);
  return t < x ? t + 1.0 : t;  // t is -0 for x in (-1, -0], and ceil keeps that -0
#endif
}

// Math.round: round half toward +Infinity; -0 for x in [-0.5, -0]. floor(x + 0.5) would be wrong
// for 0.49999999999999994 and for odd integers near 2^52 (the addition rounds).
static inline double js_round(double x) {
  double r = js_floor(x);
  if (x - r >= 0.5) r += 1.0;  // x - r is exact (the fraction of x)
  return r == 0.0 ? __builtin_copysign(0.0, x) : r;
}

static inline double js_sign(double x) {
  if (x > 0.0) return 1.0;
  if (x < 0.0) return -1.0;
  return x;  // +-0 and NaN unchanged
}

// Math.min/max: NaN if either is NaN; -0 is less than +0. AArch64's fmin/fmax are exactly that.
// On x86-64 minsd/maxsd are only right when a and b differ, the common case, so that is the one
// branch on the hot path; equal values differ at most in the sign of a zero, which the OR (min)
// or AND (max) of the bits settles, and for min the OR of a NaN with anything is a NaN.
static inline double js_min(double a, double b) {
#if defined(__aarch64__)
  double d;
  __asm__("fmin %d0, %d1, %d2" : "=w"(d) : "w"(a), "w"(b));
  return d;
#else
  if (__builtin_expect(a < b || a > b, 1)) return a < b ? a : b;
  return js_f64_from_bits(js_f64_bits(a) | js_f64_bits(b));
#endif
}

static inline double js_max(double a, double b) {
#if defined(__aarch64__)
  double d;
  __asm__("fmax %d0, %d1, %d2" : "=w"(d) : "w"(a), "w"(b));
  return d;
#else
  if (__builtin_expect(a < b || a > b, 1)) return a > b ? a : b;
  if (a == b) return js_f64_from_bits(js_f64_bits(a) & js_f64_bits(b));
  return a + b;  // a NaN
#endif
}

// Math.pow / **: C's pow says pow(1, NaN) = 1 and pow(+-1, +-Infinity) = 1; JS says NaN.
static inline double js_pow(double base, double exponent) {
  if (js_isnan(exponent)) return __builtin_nan("");
  if (__builtin_fabs(base) == 1.0 && __builtin_isinf(exponent)) return __builtin_nan("");
  // What V8's optimizing compilers (and its runtime since it uses the C library's pow) do for
  // the two commonest exponents: x ** 2 is x * x, x ** 0.5 is sqrt(x + 0) (+0 for -0).
  if (exponent == 2.0) return base * base;
  if (exponent == 0.5) return __builtin_isinf(base) ? __builtin_inf() : __builtin_sqrt(base + 0.0);
  return pow(base, exponent);
}

// Math.hypot with two arguments, V8's algorithm step by step (so the result is bit-identical,
// where libm's correctly rounded hypot differs by up to 2 ulp): Infinity beats NaN, NaN beats
// the rest, then a Kahan sum of squares normalized by the largest magnitude.
static inline double js_hypot(double a, double b) {
  double x = __builtin_fabs(a);
  double y = __builtin_fabs(b);
  if (__builtin_isinf(x)) return x;  // +Infinity, even if b is NaN
  if (__builtin_isinf(y)) return y;
  if (js_isnan(a) || js_isnan(b)) return a + b;                // NaN
  double max = x > y ? x : y;
  if (max == 0.0) return 0.0;
  double sum = 0.0;
  double compensation = 0.0;
  double n = x / max;
  double summand = n * n - compensation;
  double preliminary = sum + summand;
  compensation = (preliminary - sum) - summand;
  sum = preliminary;
  n = y / max;
  summand = n * n - compensation;
  sum = sum + summand;
  return __builtin_sqrt(sum) * max;
}

// Math.cbrt: fdlibm's cbrt (FreeBSD s_cbrt.c), which V8 uses (src/base/ieee754.cc), step for step,
// so results are bit-identical to V8's; glibc's cbrt differs by up to 2 ulp. On AArch64 Node's V8
// builds fuse its multiply-adds (2 ulp apart from unfused at 8.115687501993587e-7), and GCC's and
// clang's fusions agree here: contraction within expressions, as in fdlibm.h.
static inline double js_cbrt(double x) {
#if defined(__aarch64__)
#pragma clang fp contract(on)
#endif
  const uint32_t B1 = 715094163; /* (1023-1023/3-0.03306235651)*2**20 */
  const uint32_t B2 = 696219795; /* (1023-1023/3-54/3-0.03306235651)*2**20 */
  const double P0 = 1.87595182427177009643, P1 = -1.88497979543377169875,
               P2 = 1.621429720105354466140, P3 = -0.758397934778766047437,
               P4 = 0.145996192886612446982;
  uint64_t bits = js_f64_bits(x);
  uint32_t hx = (uint32_t)(bits >> 32);
  uint32_t low = (uint32_t)bits;
  uint32_t sign = hx & 0x80000000u;
  hx ^= sign;
  if (hx >= 0x7ff00000u) return x + x;  // NaN, +-Infinity
  double t;
  if (hx < 0x00100000u) {             // zero or subnormal
    if ((hx | low) == 0) return x;    // +-0
    t = js_f64_from_bits(0x4350000000000000ull) * x;  // x * 2^54
    uint32_t high = (uint32_t)(js_f64_bits(t) >> 32);
    t = js_f64_from_bits((uint64_t)(sign | ((high & 0x7fffffffu) / 3 + B2)) << 32);
  } else {
    t = js_f64_from_bits((uint64_t)(sign | (hx / 3 + B1)) << 32);
  }
  double r = (t * t) * (t / x);
  t = t * ((P0 + r * (P1 + r * P2)) + ((r * r) * r) * (P3 + r * P4));
  t = js_f64_from_bits((js_f64_bits(t) + 0x80000000ull) & 0xffffffffc0000000ull);
  double s = t * t;
  r = x / s;
  double w = t + t;
  r = (r - t) / (w + r);
  return t + t * r;
}

static inline double js_fround(double x) { return (double)(float)x; }

static inline int32_t js_clz32(uint32_t x) { return x == 0 ? 32 : __builtin_clz(x); }

// Truncation toward zero by the machine's own instruction, defined for every input (the C cast is
// undefined outside int32): x86-64's cvttsd2si gives INT32_MIN for NaN and for values out of
// range, AArch64's fcvtzs saturates to INT32_MIN or INT32_MAX and gives 0 for NaN.
static inline int32_t jit_truncate_i32(double x) {
  int32_t i;
#if defined(__x86_64__)
  __asm__("cvttsd2si %1, %0" : "=r"(i) : "x"(x));
#else
  __asm__("fcvtzs %w0, %d1" : "=r"(i) : "w"(x));
#endif
  return i;
}

// Whether jit_truncate_i32(x) is ToInt32(x): wherever it is not a value the instruction also gives
// for out-of-range inputs (NaN's 0 on AArch64 is ToInt32(NaN) as well).
static inline int jit_truncation_fits(int32_t i) {
#if defined(__x86_64__)
  return i != INT32_MIN;
#else
  return i != INT32_MIN && i != INT32_MAX;
#endif
}

// ECMAScript ToInt32: truncate, then reduce modulo 2^32; NaN and +-Infinity give 0. Any input;
// js_toint32 takes the machine's truncation first.
static inline int32_t js_toint32_full(double x) {
  if (x > -2147483649.0 && x < 2147483648.0) return (int32_t)x;  // trunc(x) fits: defined cast
  uint64_t bits = js_f64_bits(x);
  int biased = (int)((bits >> 52) & 0x7ff);
  if (biased == 0x7ff) return 0;  // NaN, +-Infinity
  // Here |x| >= 2^31, so x = mantissa * 2^shift with shift >= -21.
  uint64_t mantissa = (bits & 0xfffffffffffffull) | 0x10000000000000ull;
  int shift = biased - 1075;
  uint32_t magnitude;
  if (shift >= 32) magnitude = 0;
  else if (shift >= 0) magnitude = (uint32_t)(mantissa << shift);
  else magnitude = (uint32_t)(mantissa >> -shift);
  return (int32_t)((bits >> 63) ? 0u - magnitude : magnitude);
}

static inline int32_t js_toint32(double x) {
  int32_t i = jit_truncate_i32(x);
  return jit_truncation_fits(i) ? i : js_toint32_full(x);
}

static inline uint32_t js_touint32(double x) { return (uint32_t)js_toint32(x); }

// Integer forms of JS operators on int32 values: (a + b) | 0, Math.imul, (a / b) | 0, ...
static inline int32_t js_add_i32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t js_sub_i32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static inline int32_t js_imul(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }
static inline int32_t js_neg_i32(int32_t a) { return (int32_t)(0u - (uint32_t)a); }

// (a / b) | 0: b = 0 gives +-Infinity or NaN, hence 0; INT_MIN / -1 is 2^31, hence INT_MIN.
// Otherwise the double quotient never rounds across an integer, so truncating division agrees.
static inline int32_t js_div_i32(int32_t a, int32_t b) {
  if (b == 0) return 0;
  if (b == -1) return js_neg_i32(a);
  return a / b;
}

// a % b on numbers. Integer values below 2^53 (counters, gcd, collatz, hashing) take an int64
// remainder, exact, with the dividend's sign on a zero result (-4 % 2 is -0); the rest (fractions,
// larger values, NaN, infinities, b = 0) goes to libm's fmod, which is exact and has JS's special
// cases. The casts are in range: both magnitudes are below 2^53, and NaN fails the compare.
// js_mod_f64_int is the integer path alone: false (and *r untouched) where fmod must decide, which
// MOD_F64 does out of line (its SLOW path), so that its common path makes no call.
static inline int js_mod_f64_int(double a, double b, double* r) {
  if (__builtin_fabs(a) < 0x1p53 && __builtin_fabs(b) < 0x1p53) {
    int64_t ia = (int64_t)a, ib = (int64_t)b;
    if ((double)ia == a && (double)ib == b && ib != 0) {
      int64_t m = ia % ib;
      *r = m == 0 ? __builtin_copysign(0.0, a) : (double)m;
      return 1;
    }
  }
  return 0;
}

static inline double js_mod_f64(double a, double b) {
  double r;
  return js_mod_f64_int(a, b, &r) ? r : fmod(a, b);
}

// (a % b) | 0: b = 0 gives NaN, hence 0; INT_MIN % -1 is -0, hence 0.
static inline int32_t js_mod_i32(int32_t a, int32_t b) {
  if (b == 0 || b == -1) return 0;
  return a % b;
}

// n mod k for u32 n and k by Lemire, Kaser and Kurz's direct computation with m = ceil(2^64 / k)
// (0 for k <= 1, which gives 0): exact for every n and k below 2^32, two multiplications.
static inline uint32_t jit_mod_u32_by_reciprocal(uint32_t n, uint64_t m, uint32_t k) {
  const uint64_t fraction = m * n;
  return (uint32_t)(((unsigned __int128)fraction * k) >> 64);
}

static inline uint32_t jit_abs_u32(int32_t k) { return k < 0 ? 0u - (uint32_t)k : (uint32_t)k; }

// JS (a % k) | 0 with m = ceil(2^64 / |k|): |a| mod |k| with the sign of a (|INT_MIN| is 2^31, a u32).
static inline int32_t js_mod_i32_by_reciprocal(int32_t a, int32_t k, uint64_t m) {
  const uint32_t r = jit_mod_u32_by_reciprocal(jit_abs_u32(a), m, jit_abs_u32(k));
  return (int32_t)(a < 0 ? 0u - r : r);
}

static inline int32_t js_shl(int32_t a, int32_t b) { return (int32_t)((uint32_t)a << (b & 31)); }
static inline int32_t js_sar(int32_t a, int32_t b) { return a >> (b & 31); }
static inline uint32_t js_shr(int32_t a, int32_t b) { return (uint32_t)a >> (b & 31); }

// JS truthiness of a number: 0, -0 and NaN are false.
static inline int js_truthy(double x) { return x < 0.0 || x > 0.0; }

// Index in [0, 2^31 - 1] that a number denotes exactly, or -1 (a typed-array miss).
// The machine's truncation is the index when it converts back to x (-0 is index 0) and is not
// negative; what NaN and values out of range give (INT32_MIN, INT32_MAX, 0) never converts back.
static inline int32_t js_to_index(double x) {
  int32_t i = jit_truncate_i32(x);
  return (double)i == x && i >= 0 ? i : -1;
}

// ToUint8Clamp: NaN -> 0, clamp to [0, 255], round half to even.
static inline uint8_t js_to_uint8_clamp(double x) {
  if (!(x > 0.0)) return 0;  // also NaN
  if (x >= 255.0) return 255;
  int32_t f = (int32_t)x;  // floor, x is positive
  double rest = x - (double)f;
  if (rest > 0.5 || (rest == 0.5 && (f & 1))) f += 1;
  return (uint8_t)f;
}

static inline uint8_t js_clamp_i32_to_uint8(int32_t x) { return x < 0 ? 0 : x > 255 ? 255 : (uint8_t)x; }

#include "fdlibm.h"  // after js_floor, which it uses
