import Foundation

/// A fixed set of worker threads that run `work` on submitted jobs and hand the outputs
/// back in submission order (the caller takes output `k` before `k + 1`).
///
/// The caller bounds the number of jobs in flight, which bounds memory. No Dispatch global
/// queue is used, so the thread count is exactly what the caller asked for.
final class OrderedWorkQueue<Job: Sendable, Output: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  private var jobs: [(Int, Job)?] = []
  private var jobHead = 0
  private var outputs: [Int: Output] = [:]
  private var closed = false
  private var alive = 0
  private let work: @Sendable (Job) -> Output

  init(threads: Int, work: @escaping @Sendable (Job) -> Output) {
    self.work = work
    alive = threads
    for _ in 0..<threads {
      let thread = Thread { [self] in self.loop() }
      thread.stackSize = 8 << 20
      thread.start()
    }
  }

  private func loop() {
    while true {
      condition.lock()
      while jobHead == jobs.count && !closed { condition.wait() }
      if closed && jobHead == jobs.count {
        alive -= 1; condition.broadcast(); condition.unlock(); return
      }
      let (sequence, job) = jobs[jobHead]!
      jobs[jobHead] = nil  // drop the queue's reference: the job's buffers must be uniquely owned
      jobHead += 1
      if jobHead > 16 && jobHead * 2 > jobs.count { jobs.removeFirst(jobHead); jobHead = 0 }
      condition.unlock()
      let output = work(job)
      condition.lock()
      outputs[sequence] = output
      condition.broadcast()
      condition.unlock()
    }
  }

  func submit(_ sequence: Int, _ job: Job) {
    condition.lock()
    jobs.append((sequence, job))
    condition.signal()
    condition.unlock()
  }

  /// Blocks until the output of job `sequence` is ready and removes it.
  func take(_ sequence: Int) -> Output {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if let output = outputs.removeValue(forKey: sequence) { return output }
      condition.wait()
    }
  }

  /// Drops queued jobs, lets running ones finish, and waits for every worker to exit.
  func shutdown() {
    condition.lock()
    jobs.removeAll(); jobHead = 0
    closed = true
    condition.broadcast()
    while alive > 0 { condition.wait() }
    outputs.removeAll()
    condition.unlock()
  }
}
