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
  /// Sets OpenBLAS's thread count (process-wide). Values below 1 become 1.
  public static func configure(threads: Int) {
    openblas_set_num_threads(Int32(max(1, threads)))
  }

  /// OpenBLAS's current thread count.
  public static var current: Int { Int(openblas_get_num_threads()) }
}
