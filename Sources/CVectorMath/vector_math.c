#include "CVectorMath.h"
#include <math.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>

// glibc's libmvec (x86_64 vector ABI: 'b' = SSE 2 lanes, 'd' = AVX2 4 lanes).
__m128d _ZGVbN2v_exp(__m128d);
__m128d _ZGVbN2v_log1p(__m128d);
__attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_exp(__m256d);
__attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_log1p(__m256d);

static int avx2(void) {
  static int known = -1;
  if (known < 0) known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return known;
}

#define WIDE(name, routine)                                                      \
  __attribute__((target("avx2,fma"))) static void name(const double *x, double *y, long n) { \
    long i = 0;                                                                  \
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, routine(_mm256_loadu_pd(x + i))); \
    if (i < n) {                                                                 \
      double in[4] = {0, 0, 0, 0}, out[4];                                       \
      memcpy(in, x + i, (size_t)(n - i) * sizeof(double));                       \
      _mm256_storeu_pd(out, routine(_mm256_loadu_pd(in)));                       \
      memcpy(y + i, out, (size_t)(n - i) * sizeof(double));                      \
    }                                                                            \
  }

#define NARROW(name, routine)                                                    \
  void name(const double *x, double *y, long n) {                               \
    long i = 0;                                                                  \
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, routine(_mm_loadu_pd(x + i))); \
    if (i < n) {                                                                 \
      double in[2] = {x[i], 0}, out[2];                                          \
      _mm_storeu_pd(out, routine(_mm_loadu_pd(in)));                             \
      y[i] = out[0];                                                             \
    }                                                                            \
  }

WIDE(exp4, _ZGVdN4v_exp)
WIDE(log1p4, _ZGVdN4v_log1p)
NARROW(candor_vector_exp_sse, _ZGVbN2v_exp)
NARROW(candor_vector_log1p_sse, _ZGVbN2v_log1p)

void candor_vector_exp(const double *x, double *y, long n) {
  if (avx2()) exp4(x, y, n); else candor_vector_exp_sse(x, y, n);
}

void candor_vector_log1p(const double *x, double *y, long n) {
  if (avx2()) log1p4(x, y, n); else candor_vector_log1p_sse(x, y, n);
}

int candor_vector_math_path(void) { return avx2() ? 1 : 2; }

#else

void candor_vector_exp(const double *x, double *y, long n) {
  for (long i = 0; i < n; i++) y[i] = exp(x[i]);
}

void candor_vector_log1p(const double *x, double *y, long n) {
  for (long i = 0; i < n; i++) y[i] = log1p(x[i]);
}

int candor_vector_math_path(void) { return 0; }

void candor_vector_exp_sse(const double *x, double *y, long n) { candor_vector_exp(x, y, n); }
void candor_vector_log1p_sse(const double *x, double *y, long n) { candor_vector_log1p(x, y, n); }

#endif
