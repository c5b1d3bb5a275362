import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Phase timings for profiling a run: with `CANDOR_TRACE` set in the environment, each
/// ``mark(_:)`` prints the wall time and the process's CPU time (user + system, all
/// threads) since the previous mark (or the first use) to stderr —
/// `trace values alignment of values    0.099 s wall   0.171 s CPU`; CPU ÷ wall is how
/// many cores the phase kept busy. After a phase with a statistics pass, the CPU time of
/// each of the pass's stages follows (``Stage``). Silent otherwise.
public enum Trace {
  static let enabled = ProcessInfo.processInfo.environment["CANDOR_TRACE"] != nil
  private static let clock = Clock()

  public static func mark(_ phase: String) {
    guard enabled else { return }
    let (wall, cpu) = clock.lap()
    var line = "trace \(phase.padding(toLength: 40, withPad: " ", startingAt: 0)) \(String(format: "%.3f", wall)) s wall \(String(format: "%7.3f", cpu)) s CPU\n"
    for (stage, seconds) in stages.takeTotals() where seconds > 0 {
      line += "trace   \(stage.padding(toLength: 38, withPad: " ", startingAt: 0)) \(String(format: "%13.3f", seconds)) s CPU\n"
    }
    FileHandle.standardError.write(Data(line.utf8))
  }

  /// Stages of the statistics pass whose CPU time ``mark(_:)`` also prints: each stage's
  /// time on the thread that ran it (`CLOCK_THREAD_CPUTIME_ID`, so a thread waiting for a
  /// core does not count), summed over batches and workers since the previous mark.
  /// Per-batch costs show here that a sampling profiler spreads over allocation, hashing
  /// and the runtime. Tokenizing runs in the reader, before these, and is not a stage.
  public enum Stage: String, CaseIterable, Sendable {
    case decode = "decode cells and group keys"
    case screens = "screens"
    case interning = "group labels"
    case frequencies = "item frequencies"
    case itemHistograms = "item histograms by group"
    case itemCoMoments = "item co-moments"
    case scoring = "scale and value scores"
    case scoreCoMoments = "score co-moments"
    case rows = "per-respondent rows"
    case groupMoments = "group counts and moments"
    case merge = "in-order merge"
  }

  /// The thread's CPU time in nanoseconds when tracing, else 0: pass it to
  /// ``stage(_:since:)`` when the stage ends.
  @inline(__always) static func stageStart() -> UInt64 { enabled ? threadNanoseconds() : 0 }

  /// Adds the thread's CPU time since `start` (from ``stageStart()``) to `stage`.
  @inline(__always) static func stage(_ stage: Stage, since start: UInt64) {
    guard enabled else { return }
    stages.add(stage, threadNanoseconds() &- start)
  }

  private static func threadNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
  }

  private static let stages = StageTotals()

  private final class StageTotals: @unchecked Sendable {
    private let lock = NSLock()
    private var nanoseconds = [UInt64](repeating: 0, count: Stage.allCases.count)

    func add(_ stage: Stage, _ ns: UInt64) {
      let i = Stage.allCases.firstIndex(of: stage)!
      lock.lock(); nanoseconds[i] &+= ns; lock.unlock()
    }

    /// The totals in seconds, by stage name, and zero again.
    func takeTotals() -> [(String, Double)] {
      lock.lock(); defer { lock.unlock() }
      defer { for i in nanoseconds.indices { nanoseconds[i] = 0 } }
      return zip(Stage.allCases, nanoseconds).map { ($0.rawValue, Double($1) / 1e9) }
    }
  }

  private final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date()
    private var lastCPU = Clock.cpuSeconds()

    static func cpuSeconds() -> Double {
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
      return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    func lap() -> (wall: Double, cpu: Double) {
      lock.lock(); defer { lock.unlock() }
      let now = Date(), cpu = Self.cpuSeconds()
      defer { last = now; lastCPU = cpu }
      return (now.timeIntervalSince(last), cpu - lastCPU)
    }
  }
}
