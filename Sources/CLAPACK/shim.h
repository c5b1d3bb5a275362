// CBLAS and LAPACKE from Debian's libopenblas-dev and liblapacke-dev.
//
// This module provides no stable Swift API: only CandorNumerics imports it,
// with `internal import`, and wraps every routine in a throwing Swift function.
//
// Debian's OpenBLAS ships no LAPACKE, so lapacke is linked separately. We link
// openblas (not the generic libblas.so.3 alternative) because only it exports
// openblas_set_num_threads, which Candor calls once at start-up.
#ifndef CANDOR_CLAPACK_SHIM_H
#define CANDOR_CLAPACK_SHIM_H

#include <cblas.h>
#include <lapacke.h>

// Declared by openblas's cblas.h on Debian, repeated here so that the shim
// still compiles against a cblas.h from another provider.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

#endif
