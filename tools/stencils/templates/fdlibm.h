// Math.sin ... Math.log10 and Math.atan2 as V8 computes them: a step-for-step port of the fdlibm
// code in V8's src/base/ieee754.cc (the version in Node 20 to 26, V8 11.3 to 14.6, which agree
// bit for bit), so a stencil returns exactly the bits of Math.*; glibc's libm differs from it by
// up to 3 ulp (tanh). Every helper is compiled into its stencil (no libm call): `static inline`,
// except the huge-argument reduction of sin/cos/tan, a cold out-of-line function in the same
// stencil (the generator places it after the entry), which keeps those stencils near 4 KiB.
// Constants are plain where V8 has `volatile` ones (a stencil keeps no writable data); folding
// huge * huge or pi + tiny at compile time yields the same doubles. Included by jsmath.h (it uses
// js_floor). Math.pow is not here: V8 13.6 and later call the C library's pow, older V8 fdlibm's.
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
//
// The original source code covered by the above license above has been
// modified significantly by Google Inc.
// Copyright 2016 the V8 project authors. All rights reserved.
//
// V8's modifications are distributed under this license (V8's LICENSE file):
//
// Redistribution and use in source and binary forms, with or without
// modification, are permitted provided that the following conditions are
// met:
//
//     * Redistributions of source code must retain the above copyright
//       notice, this list of conditions and the following disclaimer.
//     * Redistributions in binary form must reproduce the above
//       copyright notice, this list of conditions and the following
//       disclaimer in the documentation and/or other materials provided
//       with the distribution.
//     * Neither the name of Google Inc. nor the names of its
//       contributors may be used to endorse or promote products derived
//       from this software without specific prior written permission.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
// "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
// LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
// A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
// OWNER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
// SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT
// LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
// DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
// THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
// (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
// OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
#pragma once

#include <stdint.h>

// AArch64: V8 is C++ compiled with the platform compiler's default contraction, and there its
// a * b + c become fused multiply-adds. clang's default (contract on: within one expression)
// reproduces the clang-built V8 of Node 26 bit for bit; Node 20-24's arm64 builds come from GCC,
// which also fuses across statements (9 of these functions agree with it, the others are within
// 1 ulp; log10 within 2). x86-64 builds of V8 have no FMA: no contraction there, as everywhere
// else in the stencils (restored at the end of this file).
#if defined(__aarch64__)
#pragma clang fp contract(on)
#endif

static inline uint64_t fd_bits(double x) {
  uint64_t b;
  __builtin_memcpy(&b, &x, sizeof b);
  return b;
}
static inline double fd_double(uint64_t b) {
  double x;
  __builtin_memcpy(&x, &b, sizeof x);
  return x;
}
static inline int32_t fd_high(double x) { return (int32_t)(uint32_t)(fd_bits(x) >> 32); }
static inline uint32_t fd_low(double x) { return (uint32_t)fd_bits(x); }
static inline double fd_words(uint32_t high, uint32_t low) { return fd_double(((uint64_t)high << 32) | low); }
static inline double fd_set_high(double x, uint32_t high) { return fd_words(high, fd_low(x)); }
static inline double fd_set_low(double x, uint32_t low) { return fd_words((uint32_t)fd_high(x), low); }

// The address of a read-only table, taken PC-relative. On x86-64 the stencils' small code model
// would index a static table with an absolute 32-bit address, which JIT memory cannot satisfy;
// `lea table(%rip)` hides the symbol from the indexing (a relocation the generator accepts).
static inline const void* fd_table(const void* table) {
#if defined(__x86_64__)
  const void* address;
  __asm__("leaq %1, %0" : "=r"(address) : "m"(*(const char*)table));
  return address;
#else
  return table;
#endif
}

// cond ? yes : no for two double constants given as bits. Written plainly, x86-64 code would
// load the result from a two-entry constant pool indexed by cond, with an absolute address;
// the empty asm keeps the choice on integers.
static inline double fd_pick(int cond, uint64_t yes, uint64_t no) {
  uint64_t bits = cond ? yes : no;
  __asm__("" : "+r"(bits));
  return fd_double(bits);
}

#define FD_NAN __builtin_nan("")
#define FD_INF __builtin_inf()

// exp(x): V8 special-cases exp(1) = E (the reduction below gets its last bit wrong). Selects
// between two constants are written as copysign or as two expressions throughout: an indexed
// constant pool would need an absolute address on x86-64.
static inline double fd_exp(double x) {
  const double one = 1.0, o_threshold = 7.09782712893383973096e+02,
               u_threshold = -7.45133219101941108420e+02, ln2HI0 = 6.93147180369123816490e-01,
               ln2LO0 = 1.90821492927058770002e-10, invln2 = 1.44269504088896338700e+00,
               P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
               P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
               P5 = 4.13813679705723846039e-08, E = 2.718281828459045, huge = 1.0e+300,
               twom1000 = 9.33263618503218878990e-302, two1023 = 8.988465674311579539e307;
  double y, hi = 0.0, lo = 0.0, c, t, twopk;
  int32_t k = 0, xsb;
  uint32_t hx = (uint32_t)fd_high(x);
  xsb = (hx >> 31) & 1;
  hx &= 0x7FFFFFFF;
  if (hx >= 0x40862E42) {  // |x| >= 709.78...
    if (hx >= 0x7FF00000) {
      if (((hx & 0xFFFFF) | fd_low(x)) != 0) return x + x;  // NaN
      return xsb == 0 ? x : 0.0;                          // exp(+-inf) = {inf, 0}
    }
    if (x > o_threshold) return huge * huge;
    if (x < u_threshold) return twom1000 * twom1000;
  }
  if (hx > 0x3FD62E42) {    // |x| > 0.5 ln2
    if (hx < 0x3FF0A2B2) {  // and |x| < 1.5 ln2
      if (x == 1.0) return E;
      hi = xsb ? x + ln2HI0 : x - ln2HI0;  // x - ln2HI[xsb]
      lo = __builtin_copysign(ln2LO0, x);   // ln2LO[xsb]
      k = 1 - xsb - xsb;
    } else {
      k = (int32_t)(invln2 * x + __builtin_copysign(0.5, x));  // halF[xsb]
      t = k;
      hi = x - t * ln2HI0;  // t * ln2HI is exact here
      lo = t * ln2LO0;
    }
    x = hi - lo;
  } else if (hx < 0x3E300000) {  // |x| < 2^-28
    if (huge + x > one) return one + x;
  } else {
    k = 0;
  }
  t = x * x;
  if (k >= -1021) {
    twopk = fd_words(0x3FF00000 + ((uint32_t)k << 20), 0);
  } else {
    twopk = fd_words(0x3FF00000 + ((uint32_t)(k + 1000) << 20), 0);
  }
  c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return one - ((x * c) / (c - 2.0) - x);
  y = one - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

static inline double fd_expm1(double x) {
  const double one = 1.0, tiny = 1.0e-300, o_threshold = 7.09782712893383973096e+02,
               ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10,
               invln2 = 1.44269504088896338700e+00, Q1 = -3.33333333333331316428e-02,
               Q2 = 1.58730158725481460165e-03, Q3 = -7.93650757867487942473e-05,
               Q4 = 4.00821782732936239552e-06, Q5 = -2.01099218183624371326e-07, huge = 1.0e+300;
  double y, hi, lo, c = 0.0, t, e, hxs, hfx, r1, twopk;
  int32_t k;
  uint32_t hx = (uint32_t)fd_high(x);
  uint32_t xsb = hx & 0x80000000u;
  hx &= 0x7FFFFFFF;
  if (hx >= 0x4043687A) {    // |x| >= 56 ln2
    if (hx >= 0x40862E42) {  // |x| >= 709.78...
      if (hx >= 0x7FF00000) {
        if (((hx & 0xFFFFF) | fd_low(x)) != 0) return x + x;  // NaN
        return xsb == 0 ? x : -1.0;
      }
      if (x > o_threshold) return huge * huge;
    }
    if (xsb != 0) {
      if (x + tiny < 0.0) return tiny - one;  // -1
    }
  }
  if (hx > 0x3FD62E42) {    // |x| > 0.5 ln2
    if (hx < 0x3FF0A2B2) {  // and |x| < 1.5 ln2
      if (xsb == 0) {
        hi = x - ln2_hi;
        lo = ln2_lo;
        k = 1;
      } else {
        hi = x + ln2_hi;
        lo = -ln2_lo;
        k = -1;
      }
    } else {
      k = (int32_t)(invln2 * x + __builtin_copysign(0.5, x));
      t = k;
      hi = x - t * ln2_hi;
      lo = t * ln2_lo;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3C900000) {  // |x| < 2^-54
    t = huge + x;
    return x - (t - (huge + x));
  } else {
    k = 0;
  }
  hfx = 0.5 * x;
  hxs = x * hfx;
  r1 = one + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  t = 3.0 - r1 * hfx;
  e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  twopk = fd_words(0x3FF00000 + ((uint32_t)k << 20), 0);
  e = (x * (e - c) - c);
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return one + 2.0 * (x - e);
  }
  if (k <= -2 || k > 56) {
    y = one - (e - x);
    if (k == 1024) {
      y = y * 2.0 * 8.98846567431158e+307;
    } else {
      y = y * twopk;
    }
    return y - one;
  }
  t = one;
  if (k < 20) {
    t = fd_set_high(t, 0x3FF00000 - (0x200000 >> k));  // 1 - 2^-k
    y = t - (e - x);
    y = y * twopk;
  } else {
    t = fd_set_high(t, (uint32_t)(0x3FF - k) << 20);  // 2^-k
    y = x - (e + t);
    y += one;
    y = y * twopk;
  }
  return y;
}

static inline double fd_sinh(double x) {
  const double KSINH_OVERFLOW = 710.4758600739439, TWO_M28 = 3.725290298461914e-9,
               LOG_MAXD = 709.7822265625, shuge = 1.0e307;
  double h = __builtin_copysign(0.5, x);  // x < 0 ? -0.5 : 0.5 where h is used (not NaN, not -0)
  double ax = __builtin_fabs(x);
  if (ax < 22) {
    if (ax < TWO_M28) return x;
    double t = fd_expm1(ax);
    if (ax < 1) return h * (2 * t - t * t / (t + 1));
    return h * (t + t / (t + 1));
  }
  if (ax < LOG_MAXD) return h * fd_exp(ax);
  if (ax <= KSINH_OVERFLOW) {
    double w = fd_exp(0.5 * ax);
    double t = h * w;
    return t * w;
  }
  return x * shuge;  // +-Infinity or NaN
}

static inline double fd_cosh(double x) {
  const double KCOSH_OVERFLOW = 710.4758600739439, one = 1.0, half = 0.5, huge = 1.0e+300;
  int32_t ix = fd_high(x) & 0x7FFFFFFF;
  if (ix < 0x3FD62E43) {  // |x| in [0, 0.5 ln2]
    double t = fd_expm1(__builtin_fabs(x));
    double w = one + t;
    if (ix < 0x3C800000) return w;
    return one + (t * t) / (w + w);
  }
  if (ix < 0x40360000) {  // |x| in [0.5 ln2, 22]
    double t = fd_exp(__builtin_fabs(x));
    return half * t + half / t;
  }
  if (ix < 0x40862E42) return half * fd_exp(__builtin_fabs(x));
  if (__builtin_fabs(x) <= KCOSH_OVERFLOW) {
    double w = fd_exp(half * __builtin_fabs(x));
    double t = half * w;
    return t * w;
  }
  if (ix >= 0x7FF00000) return x * x;  // Infinity or NaN
  return huge * huge;
}

static inline double fd_tanh(double x) {
  const double one = 1.0, two = 2.0, tiny = 1.0e-300, huge = 1.0e300;
  double t, z;
  int32_t jx = fd_high(x);
  int32_t ix = jx & 0x7FFFFFFF;
  if (ix >= 0x7FF00000) {  // Infinity or NaN
    if (jx >= 0) return one / x + one;
    return one / x - one;
  }
  if (ix < 0x40360000) {  // |x| < 22
    if (ix < 0x3E300000) {
      if (huge + x > one) return x;  // |x| < 2^-28
    }
    if (ix >= 0x3FF00000) {  // |x| >= 1
      t = fd_expm1(two * __builtin_fabs(x));
      z = one - two / (t + two);
    } else {
      t = fd_expm1(-two * __builtin_fabs(x));
      z = -t / (t + two);
    }
  } else {
    z = one - tiny;
  }
  return jx >= 0 ? z : -z;
}

static inline double fd_log(double x) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10,
               two54 = 1.80143985094819840000e+16, Lg1 = 6.666666666666735130e-01,
               Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
               Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01,
               Lg6 = 1.531383769920937332e-01, Lg7 = 1.479819860511658591e-01, zero = 0.0;
  double hfsq, f, s, z, R, w, t1, t2, dk;
  int32_t k, hx, i, j;
  uint32_t lx;
  hx = fd_high(x);
  lx = fd_low(x);
  k = 0;
  if (hx < 0x00100000) {  // x < 2^-1022
    if (((hx & 0x7FFFFFFF) | lx) == 0) return -FD_INF;
    if (hx < 0) return FD_NAN;
    k -= 54;
    x *= two54;  // subnormal: scale up
    hx = fd_high(x);
  }
  if (hx >= 0x7FF00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000FFFFF;
  i = (hx + 0x95F64) & 0x100000;
  x = fd_set_high(x, (uint32_t)(hx | (i ^ 0x3FF00000)));  // normalize x or x/2
  k += (i >> 20);
  f = x - 1.0;
  if ((0x000FFFFF & (2 + hx)) < 3) {  // -2^-20 <= f < 2^-20
    if (f == zero) {
      if (k == 0) return zero;
      dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  s = f / (2.0 + f);
  dk = (double)k;
  z = s * s;
  i = hx - 0x6147A;
  w = z * z;
  j = 0x6B851 - hx;
  t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  R = t2 + t1;
  if (i > 0) {
    hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

static inline double fd_log1p(double x) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10,
               two54 = 1.80143985094819840000e+16, Lp1 = 6.666666666666735130e-01,
               Lp2 = 3.999999999940941908e-01, Lp3 = 2.857142874366239149e-01,
               Lp4 = 2.222219843214978396e-01, Lp5 = 1.818357216161805012e-01,
               Lp6 = 1.531383769920937332e-01, Lp7 = 1.479819860511658591e-01, zero = 0.0;
  double hfsq, f = 0.0, c = 0.0, s, z, R, u;
  int32_t k, hx, hu = 0, ax;
  hx = fd_high(x);
  ax = hx & 0x7FFFFFFF;
  k = 1;
  if (hx < 0x3FDA827A) {      // 1 + x < sqrt(2)+
    if (ax >= 0x3FF00000) {   // x <= -1.0
      return fd_pick(x == -1.0, 0xFFF0000000000000ull, 0x7FF8000000000000ull);  // -Infinity : NaN
    }
    if (ax < 0x3E200000) {  // |x| < 2^-29
      if (two54 + x > zero && ax < 0x3C900000) return x;  // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (int32_t)0xBFD2BEC4) {  // sqrt(2)/2- <= 1 + x < sqrt(2)+
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7FF00000) return x + x;
  if (k != 0) {
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = fd_high(u);
      k = (hu >> 20) - 1023;
      c = (k > 0) ? 1.0 - (u - x) : x - (u - 1.0);  // correction term
      c /= u;
    } else {
      u = x;
      hu = fd_high(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000FFFFF;
    if (hu < 0x6A09E) {  // u ~< sqrt(2)
      u = fd_set_high(u, (uint32_t)(hu | 0x3FF00000));
    } else {
      k += 1;
      u = fd_set_high(u, (uint32_t)(hu | 0x3FE00000));
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  hfsq = 0.5 * f * f;
  if (hu == 0) {  // |f| < 2^-20
    if (f == zero) {
      if (k == 0) return zero;
      c += k * ln2_lo;
      return k * ln2_hi + c;
    }
    R = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k == 0) return f - R;
    return k * ln2_hi - ((R - (k * ln2_lo + c)) - f);
  }
  s = f / (2.0 + f);
  z = s * s;
  R = z * (Lp1 + z * (Lp2 + z * (Lp3 + z * (Lp4 + z * (Lp5 + z * (Lp6 + z * Lp7))))));
  if (k == 0) return f - (hfsq - s * (hfsq + R));
  return k * ln2_hi - ((hfsq - (s * (hfsq + R) + (k * ln2_lo + c))) - f);
}

// log(1 + f) - f for 1 + f in ~[sqrt(2)/2, sqrt(2)] (fdlibm's k_log.h), for log2.
static inline double fd_k_log1p(double f) {
  const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
               Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
               Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
               Lg7 = 1.479819860511658591e-01;
  double s = f / (2.0 + f);
  double z = s * s;
  double w = z * z;
  double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  double R = t2 + t1;
  double hfsq = 0.5 * f * f;
  return s * (hfsq + R);
}

static inline double fd_log2(double x) {
  const double two54 = 1.80143985094819840000e+16, ivln2hi = 1.44269504072144627571e+00,
               ivln2lo = 1.67517131648865118353e-10;
  double f, hfsq, hi, lo, r, val_hi, val_lo, w, y;
  int32_t i, k, hx;
  uint32_t lx;
  hx = fd_high(x);
  lx = fd_low(x);
  k = 0;
  if (hx < 0x00100000) {  // x < 2^-1022
    if (((hx & 0x7FFFFFFF) | lx) == 0) return -FD_INF;
    if (hx < 0) return FD_NAN;
    k -= 54;
    x *= two54;
    hx = fd_high(x);
  }
  if (hx >= 0x7FF00000) return x + x;
  if (hx == 0x3FF00000 && lx == 0) return 0.0;
  k += (hx >> 20) - 1023;
  hx &= 0x000FFFFF;
  i = (hx + 0x95F64) & 0x100000;
  x = fd_set_high(x, (uint32_t)(hx | (i ^ 0x3FF00000)));
  k += (i >> 20);
  y = (double)k;
  f = x - 1.0;
  hfsq = 0.5 * f * f;
  r = fd_k_log1p(f);
  hi = f - hfsq;
  hi = fd_set_low(hi, 0);
  lo = (f - hi) - hfsq + r;
  val_hi = hi * ivln2hi;
  val_lo = (lo + hi) * ivln2lo + lo * ivln2hi;
  w = y + val_hi;
  val_lo += (y - w) + val_hi;
  val_hi = w;
  return val_lo + val_hi;
}

static inline double fd_log10(double x) {
  const double two54 = 1.80143985094819840000e+16, ivln10 = 4.34294481903251816668e-01,
               log10_2hi = 3.01029995663611771306e-01, log10_2lo = 3.69423907715893078616e-13;
  double y;
  int32_t i, k, hx;
  uint32_t lx;
  hx = fd_high(x);
  lx = fd_low(x);
  k = 0;
  if (hx < 0x00100000) {  // x < 2^-1022
    if (((hx & 0x7FFFFFFF) | lx) == 0) return -FD_INF;
    if (hx < 0) return FD_NAN;
    k -= 54;
    x *= two54;
    hx = fd_high(x);
    lx = fd_low(x);
  }
  if (hx >= 0x7FF00000) return x + x;
  if (hx == 0x3FF00000 && lx == 0) return 0.0;
  k += (hx >> 20) - 1023;
  i = (int32_t)(((uint32_t)k & 0x80000000u) >> 31);
  hx = (hx & 0x000FFFFF) | ((0x3FF - i) << 20);
  y = k + i;
  x = fd_words((uint32_t)hx, lx);
  double z = y * log10_2lo + ivln10 * fd_log(x);
  return z + y * log10_2hi;
}

static inline double fd_atanh(double x) {
  const double one = 1.0, huge = 1e300, zero = 0.0;
  double t;
  int32_t hx = fd_high(x);
  uint32_t lx = fd_low(x);
  int32_t ix = hx & 0x7FFFFFFF;
  if ((ix | ((lx | (0u - lx)) >> 31)) > 0x3FF00000) return FD_NAN;  // |x| > 1
  if (ix == 0x3FF00000) return __builtin_copysign(FD_INF, x);  // +-1: +-Infinity
  if (ix < 0x3E300000 && (huge + x) > zero) return x;  // |x| < 2^-28
  x = fd_set_high(x, (uint32_t)ix);
  if (ix < 0x3FE00000) {  // |x| < 0.5
    t = x + x;
    t = 0.5 * fd_log1p(t + t * x / (one - x));
  } else {
    t = 0.5 * fd_log1p((x + x) / (one - x));
  }
  return hx >= 0 ? t : -t;
}

static inline double fd_asinh(double x) {
  const double one = 1.0, ln2 = 6.93147180559945286227e-01, huge = 1.0e+300;
  double t, w;
  int32_t hx = fd_high(x);
  int32_t ix = hx & 0x7FFFFFFF;
  if (ix >= 0x7FF00000) return x + x;  // Infinity or NaN
  if (ix < 0x3E300000) {               // |x| < 2^-28
    if (huge + x > one) return x;
  }
  if (ix > 0x41B00000) {  // |x| > 2^28
    w = fd_log(__builtin_fabs(x)) + ln2;
  } else if (ix > 0x40000000) {  // 2^28 > |x| > 2
    t = __builtin_fabs(x);
    w = fd_log(2.0 * t + one / (__builtin_sqrt(x * x + one) + t));
  } else {
    t = x * x;
    w = fd_log1p(__builtin_fabs(x) + t / (one + __builtin_sqrt(one + t)));
  }
  return hx > 0 ? w : -w;
}

static inline double fd_acosh(double x) {
  const double one = 1.0, ln2 = 6.93147180559945286227e-01;
  double t;
  int32_t hx = fd_high(x);
  uint32_t lx = fd_low(x);
  if (hx < 0x3FF00000) return FD_NAN;  // x < 1
  if (hx >= 0x41B00000) {              // x > 2^28
    if (hx >= 0x7FF00000) return x + x;
    return fd_log(x) + ln2;
  }
  if (((hx - 0x3FF00000) | lx) == 0) return 0.0;  // acosh(1) = 0
  if (hx > 0x40000000) {                          // 2^28 > x > 2
    t = x * x;
    return fd_log(2.0 * x - one / (x + __builtin_sqrt(t - one)));
  }
  t = x - one;  // 1 < x < 2
  return fd_log1p(t + __builtin_sqrt(2.0 * t + t * t));
}

static inline double fd_asin(double x) {
  const double one = 1.0, huge = 1.000e+300, pio2_hi = 1.57079632679489655800e+00,
               pio2_lo = 6.12323399573676603587e-17, pio4_hi = 7.85398163397448278999e-01,
               pS0 = 1.66666666666666657415e-01, pS1 = -3.25565818622400915405e-01,
               pS2 = 2.01212532134862925881e-01, pS3 = -4.00555345006794114027e-02,
               pS4 = 7.91534994289814532176e-04, pS5 = 3.47933107596021167570e-05,
               qS1 = -2.40339491173441421878e+00, qS2 = 2.02094576023350569471e+00,
               qS3 = -6.88283971605453293030e-01, qS4 = 7.70381505559019352791e-02;
  double t = 0, w, p, q, c, r, s;
  int32_t hx = fd_high(x);
  int32_t ix = hx & 0x7FFFFFFF;
  if (ix >= 0x3FF00000) {  // |x| >= 1
    if (((ix - 0x3FF00000) | fd_low(x)) == 0) return x * pio2_hi + x * pio2_lo;
    return FD_NAN;
  } else if (ix < 0x3FE00000) {  // |x| < 0.5
    if (ix < 0x3E400000) {       // |x| < 2^-27
      if (huge + x > one) return x;
    } else {
      t = x * x;
    }
    p = t * (pS0 + t * (pS1 + t * (pS2 + t * (pS3 + t * (pS4 + t * pS5)))));
    q = one + t * (qS1 + t * (qS2 + t * (qS3 + t * qS4)));
    w = p / q;
    return x + x * w;
  }
  w = one - __builtin_fabs(x);  // 1 > |x| >= 0.5
  t = w * 0.5;
  p = t * (pS0 + t * (pS1 + t * (pS2 + t * (pS3 + t * (pS4 + t * pS5)))));
  q = one + t * (qS1 + t * (qS2 + t * (qS3 + t * qS4)));
  s = __builtin_sqrt(t);
  if (ix >= 0x3FEF3333) {  // |x| > 0.975
    w = p / q;
    t = pio2_hi - (2.0 * (s + s * w) - pio2_lo);
  } else {
    w = fd_set_low(s, 0);
    c = (t - w * w) / (s + w);
    r = p / q;
    p = 2.0 * s * r - (pio2_lo - 2.0 * c);
    q = pio4_hi - 2.0 * w;
    t = pio4_hi - (p - q);
  }
  return hx > 0 ? t : -t;
}

static inline double fd_acos(double x) {
  const double one = 1.0, pi = 3.14159265358979311600e+00, pio2_hi = 1.57079632679489655800e+00,
               pio2_lo = 6.12323399573676603587e-17, pS0 = 1.66666666666666657415e-01,
               pS1 = -3.25565818622400915405e-01, pS2 = 2.01212532134862925881e-01,
               pS3 = -4.00555345006794114027e-02, pS4 = 7.91534994289814532176e-04,
               pS5 = 3.47933107596021167570e-05, qS1 = -2.40339491173441421878e+00,
               qS2 = 2.02094576023350569471e+00, qS3 = -6.88283971605453293030e-01,
               qS4 = 7.70381505559019352791e-02;
  double z, p, q, r, w, s, c, df;
  int32_t hx = fd_high(x);
  int32_t ix = hx & 0x7FFFFFFF;
  if (ix >= 0x3FF00000) {  // |x| >= 1
    if (((ix - 0x3FF00000) | fd_low(x)) == 0) return hx > 0 ? 0.0 : pi + 2.0 * pio2_lo;
    return FD_NAN;
  }
  if (ix < 0x3FE00000) {  // |x| < 0.5
    if (ix <= 0x3C600000) return pio2_hi + pio2_lo;
    z = x * x;
    p = z * (pS0 + z * (pS1 + z * (pS2 + z * (pS3 + z * (pS4 + z * pS5)))));
    q = one + z * (qS1 + z * (qS2 + z * (qS3 + z * qS4)));
    r = p / q;
    return pio2_hi - (x - (pio2_lo - x * r));
  } else if (hx < 0) {  // x < -0.5
    z = (one + x) * 0.5;
    p = z * (pS0 + z * (pS1 + z * (pS2 + z * (pS3 + z * (pS4 + z * pS5)))));
    q = one + z * (qS1 + z * (qS2 + z * (qS3 + z * qS4)));
    s = __builtin_sqrt(z);
    r = p / q;
    w = r * s - pio2_lo;
    return pi - 2.0 * (s + w);
  }
  z = (one - x) * 0.5;  // x > 0.5
  s = __builtin_sqrt(z);
  df = fd_set_low(s, 0);
  c = (z - df * df) / (s + df);
  p = z * (pS0 + z * (pS1 + z * (pS2 + z * (pS3 + z * (pS4 + z * pS5)))));
  q = one + z * (qS1 + z * (qS2 + z * (qS3 + z * qS4)));
  r = p / q;
  w = r * s + c;
  return 2.0 * (df + w);
}

static inline double fd_atan(double x) {
  static const double atanhi_table[] = {
      4.63647609000806093515e-01,  // atan(0.5) hi
      7.85398163397448278999e-01,  // atan(1.0) hi
      9.82793723247329054082e-01,  // atan(1.5) hi
      1.57079632679489655800e+00,  // atan(inf) hi
  };
  static const double atanlo_table[] = {
      2.26987774529616870924e-17,  // atan(0.5) lo
      3.06161699786838301793e-17,  // atan(1.0) lo
      1.39033110312309984516e-17,  // atan(1.5) lo
      6.12323399573676603587e-17,  // atan(inf) lo
  };
  const double aT0 = 3.33333333333329318027e-01, aT1 = -1.99999999998764832476e-01,
               aT2 = 1.42857142725034663711e-01, aT3 = -1.11111104054623557880e-01,
               aT4 = 9.09088713343650656196e-02, aT5 = -7.69187620504482999495e-02,
               aT6 = 6.66107313738753120669e-02, aT7 = -5.83357013379057348645e-02,
               aT8 = 4.97687799461593236017e-02, aT9 = -3.65315727442169155270e-02,
               aT10 = 1.62858201153657823623e-02, one = 1.0, huge = 1.0e300;
  double w, s1, s2, z;
  int32_t ix, hx, id;
  hx = fd_high(x);
  ix = hx & 0x7FFFFFFF;
  if (ix >= 0x44100000) {  // |x| >= 2^66
    uint32_t low = fd_low(x);
    if (ix > 0x7FF00000 || (ix == 0x7FF00000 && low != 0)) return x + x;  // NaN
    // +-(atanhi[3] + atanlo[3]); copysign, since a select between two constants would index
    // a constant pool with an absolute address.
    return __builtin_copysign(1.57079632679489655800e+00 + 6.12323399573676603587e-17, x);
  }
  if (ix < 0x3FDC0000) {  // |x| < 0.4375
    if (ix < 0x3E400000) {
      if (huge + x > one) return x;  // |x| < 2^-27
    }
    id = -1;
  } else {
    x = __builtin_fabs(x);
    if (ix < 0x3FF30000) {    // |x| < 1.1875
      if (ix < 0x3FE60000) {  // 7/16 <= |x| < 11/16
        id = 0;
        x = (2.0 * x - one) / (2.0 + x);
      } else {  // 11/16 <= |x| < 19/16
        id = 1;
        x = (x - one) / (x + one);
      }
    } else {
      if (ix < 0x40038000) {  // |x| < 2.4375
        id = 2;
        x = (x - 1.5) / (one + 1.5 * x);
      } else {  // 2.4375 <= |x| < 2^66
        id = 3;
        x = -1.0 / x;
      }
    }
  }
  z = x * x;
  w = z * z;
  s1 = z * (aT0 + w * (aT2 + w * (aT4 + w * (aT6 + w * (aT8 + w * aT10)))));
  s2 = w * (aT1 + w * (aT3 + w * (aT5 + w * (aT7 + w * aT9))));
  if (id < 0) return x - x * (s1 + s2);
  const double* atanhi = (const double*)fd_table(atanhi_table);
  const double* atanlo = (const double*)fd_table(atanlo_table);
  z = atanhi[id] - ((x * (s1 + s2) - atanlo[id]) - x);
  return hx < 0 ? -z : z;
}

static inline double fd_atan2(double y, double x) {
  const double tiny = 1.0e-300, zero = 0.0, pi_o_4 = 7.8539816339744827900E-01,
               pi_o_2 = 1.5707963267948965580E+00, pi = 3.1415926535897931160E+00,
               pi_lo = 1.2246467991473531772E-16;
  double z;
  int32_t k, m, hx, hy, ix, iy;
  uint32_t lx, ly;
  hx = fd_high(x);
  lx = fd_low(x);
  ix = hx & 0x7FFFFFFF;
  hy = fd_high(y);
  ly = fd_low(y);
  iy = hy & 0x7FFFFFFF;
  if ((uint32_t)(ix | ((lx | (0u - lx)) >> 31)) > 0x7FF00000u ||
      (uint32_t)(iy | ((ly | (0u - ly)) >> 31)) > 0x7FF00000u) {
    return x + y;  // x or y is NaN
  }
  if ((((uint32_t)hx - 0x3FF00000u) | lx) == 0) return fd_atan(y);  // x = 1.0
  m = ((hy >> 31) & 1) | ((hx >> 30) & 2);                           // 2 * sign(x) + sign(y)
  if ((iy | ly) == 0) {  // y = 0
    switch (m) {
      case 0:
      case 1: return y;
      case 2: return pi + tiny;
      default: return -pi - tiny;
    }
  }
  if ((ix | lx) == 0) return hy < 0 ? -pi_o_2 - tiny : pi_o_2 + tiny;  // x = 0
  if (ix == 0x7FF00000) {                                               // x is Infinity
    if (iy == 0x7FF00000) {
      switch (m) {
        case 0: return pi_o_4 + tiny;
        case 1: return -pi_o_4 - tiny;
        case 2: return 3.0 * pi_o_4 + tiny;
        default: return -3.0 * pi_o_4 - tiny;
      }
    } else {
      switch (m) {
        case 0: return zero;
        case 1: return -zero;
        case 2: return pi + tiny;
        default: return -pi - tiny;
      }
    }
  }
  if (iy == 0x7FF00000) return hy < 0 ? -pi_o_2 - tiny : pi_o_2 + tiny;  // y is Infinity
  k = (iy - ix) >> 20;
  if (k > 60) {  // |y / x| > 2^60
    z = pi_o_2 + 0.5 * pi_lo;
    m &= 1;
  } else if (hx < 0 && k < -60) {
    z = 0.0;  // 0 > |y| / x > -2^-60
  } else {
    z = fd_atan(__builtin_fabs(y / x));
  }
  switch (m) {
    case 0: return z;
    case 1: return -z;
    case 2: return pi - (z - pi_lo);
    default: return (z - pi_lo) - pi;
  }
}

// ---- sin, cos, tan: argument reduction by pi/2 and the kernels on [-pi/4, pi/4] ----------------

// x * 2^n for the moderate n of the reduction below (|n| < 1000, results normal): exact, like
// the scalbn V8 calls.
static inline double fd_scalbn(double x, int32_t n) { return x * fd_words((uint32_t)(0x3FF + n) << 20, 0); }

// Returns the last three bits of N with y = x - N * pi/2, |y| < pi/2, for the huge |x| (prec 2:
// 64 bits, as V8 calls it). x[] holds nx 24-bit pieces of |x| with exponent e0. Only for
// |x| > 2^19 pi/2, hence out of line and small rather than fast.
__attribute__((noinline, cold, minsize)) static int32_t fd_kernel_rem_pio2(const double* x, double* y, int32_t e0, int32_t nx) {
  static const int32_t ipio2_table[] = {
      0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD, 0xC0DB62, 0x95993C, 0x439041, 0xFE5163,
      0xABDEBB, 0xC561B7, 0x246E3A, 0x424DD2, 0xE00649, 0x2EEA09, 0xD1921C, 0xFE1DEB, 0x1CB129,
      0xA73EE8, 0x8235F5, 0x2EBB44, 0x84E99C, 0x7026B4, 0x5F7E41, 0x3991D6, 0x398353, 0x39F49C,
      0x845F8B, 0xBDF928, 0x3B1FF8, 0x97FFDE, 0x05980F, 0xEF2F11, 0x8B5A0A, 0x6D1F6D, 0x367ECF,
      0x27CB09, 0xB74F46, 0x3F669E, 0x5FEA2D, 0x7527BA, 0xC7EBE5, 0xF17B3D, 0x0739F7, 0x8A5292,
      0xEA6BFB, 0x5FB11F, 0x8D5D08, 0x560330, 0x46FC7B, 0x6BABF0, 0xCFBC20, 0x9AF436, 0x1DA9E3,
      0x91615E, 0xE61B08, 0x659985, 0x5F14A0, 0x68408D, 0xFFD880, 0x4D7327, 0x310606, 0x1556CA,
      0x73A8C9, 0x60E27B, 0xC08C6B,
  };
  static const double PIo2_table[] = {
      1.57079625129699707031e+00, 7.54978941586159635335e-08, 5.39030252995776476554e-15,
      3.28200341580791294123e-22, 1.27065575308067607349e-29, 1.22933308981111328932e-36,
      2.73370053816464559624e-44, 2.16741683877804819444e-51,
  };
  const double zero = 0.0, one = 1.0, two24 = 1.67772160000000000000e+07,
               twon24 = 5.96046447753906250000e-08;
  const int32_t* ipio2 = (const int32_t*)fd_table(ipio2_table);
  const double* PIo2 = (const double*)fd_table(PIo2_table);
  int32_t jz, jx, jv, jp, jk, carry, n, iq[20], i, j, k, m, q0, ih;
  double z, fw, f[20], fq[20], q[20];

  jk = 4;  // init_jk[prec = 2]
  jp = jk;
  jx = nx - 1;
  jv = (e0 - 3) / 24;
  if (jv < 0) jv = 0;
  q0 = e0 - 24 * (jv + 1);
  j = jv - jx;
  m = jx + jk;
  for (i = 0; i <= m; i++, j++) f[i] = j < 0 ? zero : (double)ipio2[j];
  for (i = 0; i <= jk; i++) {
    for (j = 0, fw = 0.0; j <= jx; j++) fw += x[j] * f[jx + i - j];
    q[i] = fw;
  }
  jz = jk;
recompute:
  for (i = 0, j = jz, z = q[jz]; j > 0; i++, j--) {
    fw = (double)(int32_t)(twon24 * z);
    iq[i] = (int32_t)(z - two24 * fw);
    z = q[j - 1] + fw;
  }
  z = fd_scalbn(z, q0);
  z -= 8.0 * js_floor(z * 0.125);  // trim off integer >= 8
  n = (int32_t)z;
  z -= (double)n;
  ih = 0;
  if (q0 > 0) {
    i = iq[jz - 1] >> (24 - q0);
    n += i;
    iq[jz - 1] -= i << (24 - q0);
    ih = iq[jz - 1] >> (23 - q0);
  } else if (q0 == 0) {
    ih = iq[jz - 1] >> 23;
  } else if (z >= 0.5) {
    ih = 2;
  }
  if (ih > 0) {  // q > 0.5
    n += 1;
    carry = 0;
    for (i = 0; i < jz; i++) {  // 1 - q
      j = iq[i];
      if (carry == 0) {
        if (j != 0) {
          carry = 1;
          iq[i] = 0x1000000 - j;
        }
      } else {
        iq[i] = 0xFFFFFF - j;
      }
    }
    if (q0 > 0) {
      switch (q0) {
        case 1: iq[jz - 1] &= 0x7FFFFF; break;
        case 2: iq[jz - 1] &= 0x3FFFFF; break;
      }
    }
    if (ih == 2) {
      z = one - z;
      if (carry != 0) z -= fd_scalbn(one, q0);
    }
  }
  if (z == zero) {  // check if recomputation is needed
    j = 0;
    for (i = jz - 1; i >= jk; i--) j |= iq[i];
    if (j == 0) {
      for (k = 1; jk >= k && iq[jk - k] == 0; k++) {
      }
      for (i = jz + 1; i <= jz + k; i++) {
        f[jx + i] = ipio2[jv + i];
        for (j = 0, fw = 0.0; j <= jx; j++) fw += x[j] * f[jx + i - j];
        q[i] = fw;
      }
      jz += k;
      goto recompute;
    }
  }
  if (z == 0.0) {  // chop off zero terms
    jz -= 1;
    q0 -= 24;
    while (iq[jz] == 0) {
      jz--;
      q0 -= 24;
    }
  } else {  // break z into 24-bit pieces if necessary
    z = fd_scalbn(z, -q0);
    if (z >= two24) {
      fw = (double)(int32_t)(twon24 * z);
      iq[jz] = (int32_t)(z - two24 * fw);
      jz += 1;
      q0 += 24;
      iq[jz] = (int32_t)fw;
    } else {
      iq[jz] = (int32_t)z;
    }
  }
  fw = fd_scalbn(one, q0);
  for (i = jz; i >= 0; i--) {
    q[i] = fw * iq[i];
    fw *= twon24;
  }
  for (i = jz; i >= 0; i--) {
    for (fw = 0.0, k = 0; k <= jp && k <= jz - i; k++) fw += PIo2[k] * q[i + k];
    fq[jz - i] = fw;
  }
  fw = 0.0;  // prec 2: compress fq[] into y[0] + y[1]
  for (i = jz; i >= 0; i--) fw += fq[i];
  y[0] = ih == 0 ? fw : -fw;
  fw = fq[0] - fw;
  for (i = 1; i <= jz; i++) fw += fq[i];
  y[1] = ih == 0 ? fw : -fw;
  return n & 7;
}

// The remainder of x rem pi/2 in y[0] + y[1]; returns N (its low bits select the kernel).
static inline int32_t fd_rem_pio2(double x, double* y) {
  static const int32_t npio2_hw_table[] = {
      0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB,
      0x402921FB, 0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB,
      0x40378FDB, 0x403921FB, 0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C,
      0x4041475C, 0x4042106C, 0x4042D97C, 0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB,
      0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
  };
  const double zero = 0.0, half = 5.00000000000000000000e-01, two24 = 1.67772160000000000000e+07,
               invpio2 = 6.36619772367581382433e-01, pio2_1 = 1.57079632673412561417e+00,
               pio2_1t = 6.07710050650619224932e-11, pio2_2 = 6.07710050630396597660e-11,
               pio2_2t = 2.02226624879595063154e-21, pio2_3 = 2.02226624871116645580e-21,
               pio2_3t = 8.47842766036889956997e-32;
  double z, w, t, r, fn;
  double tx[3];
  int32_t e0, i, j, nx, n, ix, hx;
  const int32_t* npio2_hw = (const int32_t*)fd_table(npio2_hw_table);
  z = 0;
  hx = fd_high(x);
  ix = hx & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) {  // |x| ~<= pi/4
    y[0] = x;
    y[1] = 0;
    return 0;
  }
  if (ix < 0x4002D97C) {  // |x| < 3pi/4: n = +-1
    if (hx > 0) {
      z = x - pio2_1;
      if (ix != 0x3FF921FB) {
        y[0] = z - pio2_1t;
        y[1] = (z - y[0]) - pio2_1t;
      } else {  // near pi/2: 33 + 33 + 53 bit pi
        z -= pio2_2;
        y[0] = z - pio2_2t;
        y[1] = (z - y[0]) - pio2_2t;
      }
      return 1;
    }
    z = x + pio2_1;
    if (ix != 0x3FF921FB) {
      y[0] = z + pio2_1t;
      y[1] = (z - y[0]) + pio2_1t;
    } else {
      z += pio2_2;
      y[0] = z + pio2_2t;
      y[1] = (z - y[0]) + pio2_2t;
    }
    return -1;
  }
  if (ix <= 0x413921FB) {  // |x| ~<= 2^19 (pi/2): medium size
    t = __builtin_fabs(x);
    n = (int32_t)(t * invpio2 + half);
    fn = (double)n;
    r = t - fn * pio2_1;
    w = fn * pio2_1t;
    if (n < 32 && ix != npio2_hw[n - 1]) {
      y[0] = r - w;
    } else {
      uint32_t high;
      j = ix >> 20;
      y[0] = r - w;
      high = (uint32_t)fd_high(y[0]);
      i = j - (int32_t)((high >> 20) & 0x7FF);
      if (i > 16) {  // second iteration, good to 118 bits
        t = r;
        w = fn * pio2_2;
        r = t - w;
        w = fn * pio2_2t - ((t - r) - w);
        y[0] = r - w;
        high = (uint32_t)fd_high(y[0]);
        i = j - (int32_t)((high >> 20) & 0x7FF);
        if (i > 49) {  // third iteration, 151 bits
          t = r;
          w = fn * pio2_3;
          r = t - w;
          w = fn * pio2_3t - ((t - r) - w);
          y[0] = r - w;
        }
      }
    }
    y[1] = (r - y[0]) - w;
    if (hx < 0) {
      y[0] = -y[0];
      y[1] = -y[1];
      return -n;
    }
    return n;
  }
  if (ix >= 0x7FF00000) {  // Infinity or NaN
    y[0] = y[1] = x - x;
    return 0;
  }
  // z = scalbn(|x|, ilogb(x) - 23), split into 24-bit pieces
  e0 = (ix >> 20) - 1046;
  z = fd_words((uint32_t)(ix - (int32_t)((uint32_t)e0 << 20)), fd_low(x));
  for (i = 0; i < 2; i++) {
    tx[i] = (double)(int32_t)z;
    z = (z - tx[i]) * two24;
  }
  tx[2] = z;
  nx = 3;
  while (tx[nx - 1] == zero) nx--;
  n = fd_kernel_rem_pio2(tx, y, e0, nx);
  if (hx < 0) {
    y[0] = -y[0];
    y[1] = -y[1];
    return -n;
  }
  return n;
}

static inline double fd_kernel_cos(double x, double y) {
  const double one = 1.0, C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
               C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
               C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  double a, iz, z, r, qx;
  int32_t ix = fd_high(x) & 0x7FFFFFFF;
  if (ix < 0x3E400000) {  // |x| < 2^-27
    if ((int32_t)x == 0) return one;
  }
  z = x * x;
  r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3FD33333) return one - (0.5 * z - (z * r - x * y));  // |x| < 0.3
  if (ix > 0x3FE90000) {                                          // |x| > 0.78125
    qx = 0.28125;
  } else {
    qx = fd_words((uint32_t)(ix - 0x00200000), 0);  // x / 4
  }
  iz = 0.5 * z - qx;
  a = one - qx;
  return a - (iz - (z * r - x * y));
}

static inline double fd_kernel_sin(double x, double y, int iy) {
  const double half = 5.00000000000000000000e-01, S1 = -1.66666666666666324348e-01,
               S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04,
               S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08,
               S6 = 1.58969099521155010221e-10;
  double z, r, v;
  int32_t ix = fd_high(x) & 0x7FFFFFFF;
  if (ix < 0x3E400000) {  // |x| < 2^-27
    if ((int32_t)x == 0) return x;
  }
  z = x * x;
  v = z * x;
  r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy == 0) return x + v * (S1 + z * r);
  return x - ((z * (half * y - v * r) - y) - v * S1);
}

// tan (iy = 1) or -1/tan (iy = -1) of x + y, |x| ~<= pi/4.
static inline double fd_kernel_tan(double x, double y, int iy) {
  const double T0 = 3.33333333333334091986e-01, T1 = 1.33333333333201242699e-01,
               T2 = 5.39682539762260521377e-02, T3 = 2.18694882948595424599e-02,
               T4 = 8.86323982359930005737e-03, T5 = 3.59207910759131235356e-03,
               T6 = 1.45620945432529025516e-03, T7 = 5.88041240820264096874e-04,
               T8 = 2.46463134818469906812e-04, T9 = 7.81794442939557092300e-05,
               T10 = 7.14072491382608190305e-05, T11 = -1.85586374855275456654e-05,
               T12 = 2.59073051863633712884e-05, one = 1.0, pio4 = 7.85398163397448278999e-01,
               pio4lo = 3.06161699786838301793e-17;
  double z, r, v, w, s;
  int32_t hx = fd_high(x);
  int32_t ix = hx & 0x7FFFFFFF;
  if (ix < 0x3E300000) {  // |x| < 2^-28
    if ((int32_t)x == 0) {
      uint32_t low = fd_low(x);
      if (((ix | low) | (iy + 1)) == 0) return one / __builtin_fabs(x);
      if (iy == 1) return x;
      double a, t;  // -1 / (x + y), carefully
      z = w = x + y;
      z = fd_set_low(z, 0);
      v = y - (z - x);
      t = a = -one / w;
      t = fd_set_low(t, 0);
      s = one + t * z;
      return t + a * (s + t * v);
    }
  }
  if (ix >= 0x3FE59428) {  // |x| >= 0.6744
    if (hx < 0) {
      x = -x;
      y = -y;
    }
    z = pio4 - x;
    w = pio4lo - y;
    x = z + w;
    y = 0.0;
  }
  z = x * x;
  w = z * z;
  r = T1 + w * (T3 + w * (T5 + w * (T7 + w * (T9 + w * T11))));
  v = z * (T2 + w * (T4 + w * (T6 + w * (T8 + w * (T10 + w * T12)))));
  s = z * x;
  r = y + z * (s * (r + v) + y);
  r += T0 * s;
  w = x + r;
  if (ix >= 0x3FE59428) {
    v = iy;
    return (1 - ((hx >> 30) & 2)) * (v - 2.0 * (x - (w * w / (w + v) - r)));
  }
  if (iy == 1) return w;
  double a, t;  // -1 / (x + r), accurately
  z = fd_set_low(w, 0);
  v = r - (z - x);
  t = a = -1.0 / w;
  t = fd_set_low(t, 0);
  s = 1.0 + t * z;
  return t + a * (s + t * v);
}

static inline double fd_sin(double x) {
  double y[2];
  int32_t ix = fd_high(x) & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) return fd_kernel_sin(x, 0.0, 0);  // |x| ~< pi/4
  if (ix >= 0x7FF00000) return x - x;                     // NaN
  switch (fd_rem_pio2(x, y) & 3) {
    case 0: return fd_kernel_sin(y[0], y[1], 1);
    case 1: return fd_kernel_cos(y[0], y[1]);
    case 2: return -fd_kernel_sin(y[0], y[1], 1);
    default: return -fd_kernel_cos(y[0], y[1]);
  }
}

static inline double fd_cos(double x) {
  double y[2];
  int32_t ix = fd_high(x) & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) return fd_kernel_cos(x, 0.0);
  if (ix >= 0x7FF00000) return x - x;
  switch (fd_rem_pio2(x, y) & 3) {
    case 0: return fd_kernel_cos(y[0], y[1]);
    case 1: return -fd_kernel_sin(y[0], y[1], 1);
    case 2: return -fd_kernel_cos(y[0], y[1]);
    default: return fd_kernel_sin(y[0], y[1], 1);
  }
}

static inline double fd_tan(double x) {
  double y[2];
  int32_t ix = fd_high(x) & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) return fd_kernel_tan(x, 0.0, 1);
  if (ix >= 0x7FF00000) return x - x;
  int32_t n = fd_rem_pio2(x, y);
  return fd_kernel_tan(y[0], y[1], 1 - ((n & 1) << 1));  // 1: n even, -1: n odd
}

#if defined(__aarch64__)
#pragma clang fp contract(off)
#endif
