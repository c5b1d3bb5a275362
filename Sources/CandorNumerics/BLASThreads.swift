internal import CLAPACK

/// OpenBLAS's own thread pool, set from code.
///
/// Debian's OpenBLAS reads `OPENBLAS_NUM_THREADS` when the library loads, which is
/// too late to change from inside the process, and its thread count is
/// process-wide. On a 2-core machine OpenBLAS threads competing with Candor's
/// own worker threads made BLAS calls about 10× slower, so Candor calls
/// ``configure(threads:)`` once at start-up: one BLAS thread per Candor worker
/// (each worker's BLAS call runs single-threaded on its own core).
///
/// Override with `CANDOR_BLAS_THREADS=N` in the environment (README, "Threads").
public enum BLASThreads {
  /// Sets OpenBLAS's thread count (process-wide). Values below 1 become 1. With one
  /// thread, also stops the worker threads OpenBLAS started when it loaded: they would
  /// otherwise spin for ~0.1 s of a core while Candor's first pass needs both cores
  /// (1M-row `candor analyze`: wall 0.835 → 0.81 s, CPU 1.50 → 1.46 s, medians of 8).
  public static func configure(threads: Int) {
    let count = max(1, threads)
    openblas_set_num_threads(Int32(count))
    if count == 1 { candor_openblas_shutdown_workers() }
  }

  /// OpenBLAS's current thread count.
  public static var current: Int { Int(openblas_get_num_threads()) }
}
