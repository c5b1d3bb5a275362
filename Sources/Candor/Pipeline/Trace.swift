import Foundation

/// Phase timings for profiling a run: with `CANDOR_TRACE` set in the environment, each
/// ``mark(_:)`` prints the wall time since the previous mark (or the first use) to
/// stderr — `trace values alignment of values  0.431 s`. Silent otherwise.
public enum Trace {
  static let enabled = ProcessInfo.processInfo.environment["CANDOR_TRACE"] != nil
  private static let clock = Clock()

  public static func mark(_ phase: String) {
    guard enabled else { return }
    let seconds = clock.lap()
    FileHandle.standardError.write(Data("trace \(phase.padding(toLength: 40, withPad: " ", startingAt: 0)) \(String(format: "%.3f", seconds)) s\n".utf8))
  }

  private final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date()
    func lap() -> Double {
      lock.lock(); defer { lock.unlock() }
      let now = Date()
      defer { last = now }
      return now.timeIntervalSince(last)
    }
  }
}
