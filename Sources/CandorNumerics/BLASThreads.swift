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
  /// Sets OpenBLAS's thread count (process-wide). Values below 1 become 1. A count it
  /// already has is left alone: OpenBLAS's setter starts its worker pool again when the
  /// pool is down, so setting 1 again after ``stopStartupWorkers()`` (every
  /// `SurveyData.load` configures BLAS) brought back a worker that spun on a core through
  /// the first pass.
  public static func configure(threads: Int) {
    let n = max(1, threads)
    if current != n { openblas_set_num_threads(Int32(n)) }
  }

  /// Stops the worker threads OpenBLAS started when it loaded, when it is set to one thread
  /// (``configure(threads:)``), which never uses them: each spins for ~0.1 s of a core
  /// before it sleeps, while Candor's first pass needs both cores (1M-row `candor
  /// analyze`: wall 0.81 → 0.79 s, CPU 1.47 → 1.44 s, medians of 10). Returns whether they
  /// were stopped (false with more threads, or an OpenBLAS without the function).
  ///
  /// **Only at start-up, before any other thread may be in a BLAS call**: stopping the
  /// pool under a running multi-threaded call can hang it. The command line calls it first
  /// thing; the library (and so the tests, which run in parallel) never does.
  @discardableResult
  public static func stopStartupWorkers() -> Bool {
    current == 1 && candor_openblas_shutdown_workers() != 0
  }

  /// OpenBLAS's current thread count.
  public static var current: Int { Int(openblas_get_num_threads()) }
}
