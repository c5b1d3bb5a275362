import Foundation
import Testing
@testable import CandorData

/// Counts live instances (a job's chunk buffer stands in for a 4 MB read chunk).
final class LiveCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var live = 0
  private(set) var peak = 0
  func increment() { lock.lock(); live += 1; peak = max(peak, live); lock.unlock() }
  func decrement() { lock.lock(); live -= 1; lock.unlock() }
  var current: Int { lock.lock(); defer { lock.unlock() }; return live }
}

final class TrackedChunk: @unchecked Sendable {
  let counter: LiveCounter
  let value: Int
  init(_ value: Int, _ counter: LiveCounter) { self.value = value; self.counter = counter; counter.increment() }
  deinit { counter.decrement() }
}

/// The queue must drop each job as soon as a worker takes it, so the chunks alive at any time
/// are only those in flight (queued, parsing, or output not yet taken), whatever the file size.
@Suite struct OrderedWorkQueueTests {
  @Test(arguments: [1, 2, 4])
  func takenJobsAreReleasedAtOnce(threads: Int) {
    let counter = LiveCounter()
    let queue = OrderedWorkQueue<TrackedChunk, Int>(threads: threads) { chunk in chunk.value * 2 }
    let inFlight = 3
    var outputs: [Int] = []
    var liveAfterTake: [Int] = []
    for k in 0..<500 {
      queue.submit(k, TrackedChunk(k, counter))
      if k >= inFlight - 1 {
        outputs.append(queue.take(k - inFlight + 1))
        liveAfterTake.append(counter.current)
      }
    }
    for k in (500 - inFlight + 1)..<500 { outputs.append(queue.take(k)) }
    queue.shutdown()
    #expect(outputs == (0..<500).map { $0 * 2 })  // file order kept
    // Alive at most: the jobs not yet taken by the consumer (inFlight − 1 after a take) plus one
    // per worker that has returned its output but not yet left the loop iteration.
    #expect(counter.peak <= inFlight + threads, "peak \(counter.peak) live chunks at \(threads) threads")
    #expect(liveAfterTake.max()! <= inFlight - 1 + threads)
    #expect(counter.current == 0)
  }
}
