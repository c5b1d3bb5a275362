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

// The pthreads build of OpenBLAS starts its worker threads when it loads, before
// main, and each spins (sched_yield) for about 2^28 cycles before it sleeps: ~0.1 s of
// a core during Candor's first pass, where both cores are busy. With one BLAS thread
// those workers are never used, so the command line shuts them down at start-up
// (BLASThreads.stopStartupWorkers). Weak, so that an OpenBLAS without the function (the
// OpenMP build) still links; OpenBLAS starts its pool again by itself if a later call is
// given more than one thread. Returns 1 when it was called.
int blas_thread_shutdown_(void) __attribute__((weak));

static inline int candor_openblas_shutdown_workers(void) {
  if (!blas_thread_shutdown_) return 0;
  blas_thread_shutdown_();
  return 1;
}

#endif
