#ifndef CANDOR_VECTOR_MATH_H
#define CANDOR_VECTOR_MATH_H

/// Element-wise exp and log1p over arrays, through glibc's vector math library (libmvec:
/// four doubles per call with AVX2 and FMA, two with SSE) on x86-64 Linux, and the scalar
/// libm functions elsewhere. Every element goes through the same routine wherever it sits
/// in the array (a short tail is padded to a full vector), so an element's result does not
/// depend on the array's length or on how a caller splits its work. libmvec's routines are
/// accurate to 4 ulp (glibc manual, "Errors in Math Functions"); Candor's tests bound the
/// difference from the scalar functions.

/// y[i] = exp(x[i]) for i < n (x and y may be the same array).
void candor_vector_exp(const double *x, double *y, long n);

/// y[i] = log1p(x[i]) for i < n (x and y may be the same array).
void candor_vector_log1p(const double *x, double *y, long n);

/// 1 when the arrays go through libmvec's 4-wide AVX2 routines, 2 for its 2-wide SSE
/// routines, 0 for the scalar libm functions.
int candor_vector_math_path(void);

/// The 2-wide SSE routines themselves (what machines without AVX2 run), for tests; the
/// scalar functions where libmvec is not used.
void candor_vector_exp_sse(const double *x, double *y, long n);
void candor_vector_log1p_sse(const double *x, double *y, long n);

#endif
