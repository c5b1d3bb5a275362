import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Phase timings for profiling a run: with `CANDOR_TRACE` set in the environment, each
/// ``mark(_:)`` prints the wall time and the process's CPU time (user + system, all
/// threads) since the previous mark (or the first use) to stderr —
/// `trace values alignment of values    0.099 s wall   0.171 s CPU`; CPU ÷ wall is how
/// many cores the phase kept busy. Silent otherwise.
public enum Trace {
  static let enabled = ProcessInfo.processInfo.environment["CANDOR_TRACE"] != nil
  private static let clock = Clock()

  public static func mark(_ phase: String) {
    guard enabled else { return }
    let (wall, cpu) = clock.lap()
    let line = "trace \(phase.padding(toLength: 40, withPad: " ", startingAt: 0)) \(String(format: "%.3f", wall)) s wall \(String(format: "%7.3f", cpu)) s CPU\n"
    FileHandle.standardError.write(Data(line.utf8))
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
