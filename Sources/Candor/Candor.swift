import Foundation
@_exported import CandorNumerics
@_exported import CandorData
@_exported import CandorPsychometrics
@_exported import CandorReport

/// Candor's version, reported by `candor --version` and in every output's provenance.
public enum CandorVersion {
  public static let string = "0.1.0"
  /// The JSON output schema version (design.md §7).
  public static let schema = 1
}

/// Process-wide settings Candor makes once at start-up.
public enum CandorRuntime {
  /// Sets OpenBLAS's thread count: 1 by default, because every BLAS call Candor makes
  /// runs inside one of its own worker threads (one per core) and OpenBLAS threads
  /// competing with them made BLAS calls ~10× slower on a 2-core machine.
  /// `CANDOR_BLAS_THREADS=N` overrides it (e.g. for a single large factor analysis).
  public static func configureBLAS() {
    let requested = ProcessInfo.processInfo.environment["CANDOR_BLAS_THREADS"].flatMap { Int($0) }
    BLASThreads.configure(threads: requested ?? 1)
  }

  /// What a process that runs Candor's commands does first, before any other thread
  /// starts: ``configureBLAS()``, then, with one BLAS thread, stops the worker threads
  /// OpenBLAS started when it loaded (``BLASThreads/stopStartupWorkers()``; unsafe once
  /// other threads may be in a BLAS call). With `CANDOR_TRACE`, says what it did and how
  /// many threads the process had before and after.
  public static func startUp() {
    configureBLAS()
    let before = Trace.enabled ? processThreads() : 0
    let stopped = BLASThreads.stopStartupWorkers()
    if Trace.enabled {
      let threads = BLASThreads.current
      let text = "trace BLAS: \(threads) thread\(threads == 1 ? "" : "s"); OpenBLAS's start-up workers "
        + (stopped ? "stopped (process threads \(before) -> \(processThreads()))" : "kept") + "\n"
      FileHandle.standardError.write(Data(text.utf8))
    }
  }

  /// The process's threads (entries of /proc/self/task; 0 where there is none).
  static func processThreads() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
  }
}
