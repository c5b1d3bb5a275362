import Foundation

/// Results of work items run on several threads, one slot per item, read back in item
/// order — so what is combined from them does not depend on which thread ran what.
public final class ChunkResults<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [T?]

  public init(count: Int) { slots = Array(repeating: nil, count: count) }

  /// Stores item `index`'s result (any thread).
  public func set(_ index: Int, _ value: T) {
    lock.lock(); defer { lock.unlock() }
    slots[index] = value
  }

  /// The results by item (nil where none was stored).
  public var values: [T?] {
    lock.lock(); defer { lock.unlock() }
    return slots
  }
}
