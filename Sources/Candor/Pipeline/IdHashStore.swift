import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The kept rows' id hashes for the `duplicate_ids: error` screen, in bounded memory.
///
/// Up to `spillAbove` hashes (8 MB by default) are held in memory and checked by sorting.
/// Past that, hashes are split by their top 6 bits into 64 buckets, each with a 32 KB buffer
/// that is written to its own temporary file when full; the check then sorts one bucket at
/// a time. Two equal hashes always land in the same bucket, so the answer is the same as
/// sorting them all, and memory stays at ~2 MB of buffers plus one bucket (5M ids: 40 MB
/// on disk, ~0.6 MB a bucket) instead of 8 bytes a row (design.md §1.2).
/// If no temporary directory can be made, the hashes stay in memory (correct, not bounded).
/// The files are removed when the store is released.
final class IdHashStore {
  static let bucketBits = 6
  static let bufferCount = 4096

  private let spillAbove: Int
  private var memory: [UInt64] = []
  private var buffers: [[UInt64]] = []
  private var files: [UnsafeMutablePointer<FILE>] = []
  private var directory: String?
  private(set) var count = 0

  init(spillAbove: Int = 1 << 20) {
    self.spillAbove = max(1, spillAbove)
  }

  deinit { removeFiles() }

  /// True once the hashes go to temporary files.
  var isSpilling: Bool { directory != nil }

  func append(_ h: UInt64) {
    count += 1
    guard isSpilling else {
      memory.append(h)
      if memory.count > spillAbove { startSpilling() }
      return
    }
    let b = Int(h >> UInt64(64 - Self.bucketBits))
    buffers[b].append(h)
    if buffers[b].count == Self.bufferCount { flush(b) }
  }

  /// A hash that was appended twice, or nil. Ends the store's use.
  func firstRepeated() -> UInt64? {
    defer { removeFiles() }
    guard isSpilling else { return Self.firstRepeated(in: &memory) }
    for b in 0..<files.count {
      var bucket = readBucket(b)
      if let h = Self.firstRepeated(in: &bucket) { return h }
    }
    return nil
  }

  static func firstRepeated(in hashes: inout [UInt64]) -> UInt64? {
    hashes.sort()
    for i in hashes.indices.dropFirst() where hashes[i] == hashes[i - 1] { return hashes[i] }
    return nil
  }

  private func startSpilling() {
    var template = Array((FileManager.default.temporaryDirectory.path + "/candor-ids-XXXXXX").utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return }
    let dir = String(cString: made)
    var opened: [UnsafeMutablePointer<FILE>] = []
    for b in 0..<(1 << Self.bucketBits) {
      guard let f = fopen("\(dir)/\(b)", "w+b") else {
        opened.forEach { fclose($0) }
        try? FileManager.default.removeItem(atPath: dir)
        return
      }
      opened.append(f)
    }
    directory = dir
    files = opened
    buffers = Array(repeating: [], count: opened.count)
    for b in buffers.indices { buffers[b].reserveCapacity(Self.bufferCount) }
    let held = memory
    memory = []
    for h in held {
      let b = Int(h >> UInt64(64 - Self.bucketBits))
      buffers[b].append(h)
      if buffers[b].count == Self.bufferCount { flush(b) }
    }
  }

  private func flush(_ b: Int) {
    let pending = buffers[b].count, file = files[b]
    let written = buffers[b].withUnsafeBytes { fwrite($0.baseAddress, 8, pending, file) }
    if written != buffers[b].count {
      // A full disk: keep this bucket's hashes in memory from now on (still correct).
      overflow[b, default: []].append(contentsOf: buffers[b][written...])
    }
    buffers[b].removeAll(keepingCapacity: true)
  }

  /// Hashes a failed write left behind, by bucket.
  private var overflow: [Int: [UInt64]] = [:]

  private func readBucket(_ b: Int) -> [UInt64] {
    let f = files[b]
    fflush(f)
    let bytes = ftell(f)
    let stored = max(0, bytes / 8)
    var out = [UInt64](repeating: 0, count: stored)
    rewind(f)
    let read = out.withUnsafeMutableBytes { fread($0.baseAddress, 8, stored, f) }
    out.removeLast(out.count - read)
    out += buffers[b]
    out += overflow[b] ?? []
    buffers[b] = []
    return out
  }

  private func removeFiles() {
    files.forEach { fclose($0) }
    files = []
    if let directory { try? FileManager.default.removeItem(atPath: directory) }
    directory = nil
  }
}
