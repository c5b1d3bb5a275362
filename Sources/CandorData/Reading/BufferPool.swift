import Foundation

/// Recycles chunk buffers and field-offset arrays between batches.
///
/// Without it every 4 MB chunk is a fresh allocation: the kernel zero-fills new pages
/// (page faults were ~15 % of parse time) and glibc's per-thread arenas keep freed chunks,
/// so resident memory drifts upward with the thread count. A batch's storage returns its
/// buffers here when its last reference goes away; the pool keeps at most a few of each.
final class BufferPool: @unchecked Sendable {
  static let shared = BufferPool()
  private let lock = NSLock()
  private var bytes: [[UInt8]] = []
  private var offsets: [(UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>, Int)] = []
  private let limit = 5

  /// An array with `count >= minimumCount` whose contents are unspecified.
  func takeBytes(minimumCount: Int) -> [UInt8] {
    lock.lock()
    if let k = bytes.firstIndex(where: { $0.count >= minimumCount }) {
      let b = bytes.remove(at: k)
      lock.unlock()
      return b
    }
    lock.unlock()
    return [UInt8](unsafeUninitializedCapacity: minimumCount) { _, n in n = minimumCount }
  }

  func putBytes(_ b: [UInt8]) {
    guard b.count >= 1 << 16 else { return }
    lock.lock()
    if bytes.count < limit { bytes.append(b) }
    lock.unlock()
  }

  func takeOffsets(minimumCapacity: Int) -> (UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>, Int)? {
    lock.lock()
    defer { lock.unlock() }
    if let k = offsets.firstIndex(where: { $0.2 >= minimumCapacity }) { return offsets.remove(at: k) }
    return nil
  }

  /// Keeps the arrays, or frees them when the pool is full.
  func putOffsets(_ s: UnsafeMutablePointer<UInt32>, _ e: UnsafeMutablePointer<UInt32>, capacity: Int) {
    lock.lock()
    if capacity >= 1 << 14 && offsets.count < limit {
      offsets.append((s, e, capacity)); lock.unlock(); return
    }
    lock.unlock()
    s.deallocate(); e.deallocate()
  }
}
