/*
 * The in-order floating-point reductions of the kernel suite, in C, as the yardstick for the
 * native tier: `bench/c-baseline.ts` compiles this file with -O2 and without any license to
 * reassociate or contract (no -ffast-math, -ffp-contract=off), so each loop is the same chain of
 * IEEE additions the JS function performs, and its speed is the latency-bound limit of that chain.
 *
 *   reductions <kernel> <elements> <input.f64> [<input2.f64>] <batch-ms> <rounds>
 *
 * Inputs are raw little-endian doubles written by the benchmark (the JS inputs themselves). Prints
 * one JSON object: the median-free list of ns per call of each round, the result's bits and a hash
 * of the output array's bytes (prefixsum), so that the caller can check that C computed the very
 * bits JS did.
 */
#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Keeps the compiler from hoisting a call out of the timing loop or dropping its stores. */
#define OPAQUE(p) __asm__ volatile("" : : "r"(p) : "memory")

__attribute__((noinline)) static double dot(const double *a, const double *b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

__attribute__((noinline)) static double l2norm(const double *a, const double *unused, size_t n) {
  (void)unused;
  double s = 0;
  for (size_t i = 0; i < n; i++) s += a[i] * a[i];
  return sqrt(s);
}

static double *prefix_out;

__attribute__((noinline)) static double prefixsum(const double *a, const double *unused, size_t n) {
  (void)unused;
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    s += a[i];
    prefix_out[i] = s;
  }
  return s;
}

/*
 * dot with what a native kernel checks and C does not: each read compares its index against the
 * array's length, read from a record in memory (a kernel's ViewRecord in its frame), and each
 * iteration charges an interrupt budget held in a register (the kernel's poll). The difference to
 * dot() is what those checks cost.
 */
struct view {
  const double *base;
  uint64_t length;
};
static struct view views[2];
static volatile int64_t budget_start = INT64_MAX;  /* volatile: the compiler cannot drop the check */

__attribute__((noinline)) static double dot_checked(const double *a, const double *b, size_t n) {
  views[0] = (struct view){ a, n };
  views[1] = (struct view){ b, n };
  OPAQUE(views);
  int64_t budget = budget_start;  /* in a register, as a kernel keeps it */
  double s = 0;
  for (int32_t i = 0; i < (int32_t)n; i++) {
    if (--budget < 0) return -1;
    OPAQUE(views);
    if ((uint64_t)(uint32_t)i >= views[0].length) return -2;
    const double x = views[0].base[(uint32_t)i];
    if ((uint64_t)(uint32_t)i >= views[1].length) return -3;
    s += x * views[1].base[(uint32_t)i];
  }
  return s;
}

struct kernel {
  const char *name;
  int inputs;
  double (*run)(const double *, const double *, size_t);
};

static const struct kernel KERNELS[] = {
  { "dot", 2, dot },
  { "dot_checked", 2, dot_checked },
  { "l2norm", 1, l2norm },
  { "prefixsum", 1, prefixsum },
};

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "reductions: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  exit(2);
}

static double *read_doubles(const char *path, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) fail("cannot open the input", path);
  double *data = malloc(n * sizeof *data);
  if (!data) fail("out of memory", NULL);
  if (fread(data, sizeof *data, n, f) != n) fail("the input is shorter than the element count", path);
  fclose(f);
  return data;
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static uint64_t bits_of(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

/* FNV-1a over the bytes, as bench/c-baseline.ts computes it over the JS output. */
static uint32_t fnv1a(const void *bytes, size_t length) {
  const unsigned char *p = bytes;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < length; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

int main(int argc, char **argv) {
  if (argc < 6) fail("usage", "reductions <kernel> <elements> <input.f64> [<input2.f64>] <batch-ms> <rounds>");
  const struct kernel *k = NULL;
  for (size_t i = 0; i < sizeof KERNELS / sizeof KERNELS[0]; i++) {
    if (strcmp(KERNELS[i].name, argv[1]) == 0) k = &KERNELS[i];
  }
  if (!k) fail("unknown kernel", argv[1]);
  if (argc != 5 + k->inputs) fail("wrong number of arguments for the kernel", argv[1]);
  char *end;
  size_t n = strtoull(argv[2], &end, 10);
  if (*end || n == 0) fail("the element count must be a positive integer", argv[2]);
  double *a = read_doubles(argv[3], n);
  double *b = k->inputs > 1 ? read_doubles(argv[4], n) : NULL;
  double batch_ms = strtod(argv[3 + k->inputs], &end);
  if (*end || !(batch_ms > 0)) fail("the batch length must be a positive number of ms", argv[3 + k->inputs]);
  long rounds = strtol(argv[4 + k->inputs], &end, 10);
  if (*end || rounds <= 0) fail("the round count must be a positive integer", argv[4 + k->inputs]);
  prefix_out = calloc(n, sizeof *prefix_out);
  if (!prefix_out) fail("out of memory", NULL);

  /* Warm up (caches, clock), then size a batch to about batch_ms from the median of single calls. */
  double result = 0;
  for (int i = 0; i < 20; i++) { OPAQUE(a); result = k->run(a, b, n); OPAQUE(prefix_out); }
  double single[5];
  for (int i = 0; i < 5; i++) {
    double t0 = now_ns();
    OPAQUE(a);
    result = k->run(a, b, n);
    OPAQUE(prefix_out);
    single[i] = now_ns() - t0;
  }
  for (int i = 0; i < 5; i++)
    for (int j = i + 1; j < 5; j++)
      if (single[j] < single[i]) { double t = single[i]; single[i] = single[j]; single[j] = t; }
  long calls = (long)(batch_ms * 1e6 / (single[2] > 1 ? single[2] : 1));
  if (calls < 3) calls = 3;

  printf("{\"kernel\":\"%s\",\"calls\":%ld,\"ns\":[", k->name, calls);
  for (long r = 0; r < rounds; r++) {
    double t0 = now_ns();
    for (long c = 0; c < calls; c++) {
      OPAQUE(a);
      result = k->run(a, b, n);
      OPAQUE(prefix_out);
    }
    printf("%s%.3f", r ? "," : "", (now_ns() - t0) / (double)calls);
  }
  printf("],\"resultBits\":\"%016" PRIx64 "\",\"outputFnv\":%" PRIu32 "}\n", bits_of(result),
         fnv1a(prefix_out, n * sizeof *prefix_out));
  return 0;
}
