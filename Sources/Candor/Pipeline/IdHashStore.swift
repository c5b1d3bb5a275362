import Foundation

/// The kept rows' id hashes for the `duplicate_ids: error` screen, in bounded memory.
///
/// Up to `spillAbove` hashes (8 MB by default) are held in memory and checked by sorting.
/// Past that, hashes are split by their top 6 bits into 64 buckets, each with a 32 KB buffer
/// that is written to its own temporary file when full; the check then sorts one bucket at
/// a time. Two equal hashes always land in the same bucket, so the answer is the same as
/// sorting them all, and memory stays at ~2 MB of buffers plus one bucket (5M ids: 40 MB
/// on disk, ~0.6 MB a bucket) instead of 8 bytes a row (design.md §1.2).
/// The bucket files are ``SpillFile``s, unlinked as they are made, so nothing is left in
/// `TMPDIR` however the run ends. If they cannot be made, the hashes stay in memory
/// (correct, not bounded); a bucket whose write fails (a full disk) keeps its hashes from
/// then on in memory.
final class IdHashStore {
  static let bucketBits = 6
  static let bufferCount = 4096

  private let spillAbove: Int
  private var memory: [UInt64] = []
  private var buffers: [[UInt64]] = []
  private var files: [SpillFile] = []
  /// Hashes each bucket's file holds (whole writes only).
  private var stored: [Int] = []
  /// The temporary files could not be made: stop trying (hashes stay in memory).
  private var cannotSpill = false
  private(set) var count = 0

  /// Where the bucket files go (nil: the temporary directory).
  private let directory: String?

  init(spillAbove: Int = 1 << 20, directory: String? = nil) {
    self.spillAbove = max(1, spillAbove)
    self.directory = directory
  }

  /// True once the hashes go to temporary files.
  var isSpilling: Bool { !files.isEmpty }

  func append(_ h: UInt64) {
    count += 1
    guard isSpilling else {
      memory.append(h)
      if memory.count > spillAbove && !cannotSpill { startSpilling() }
      return
    }
    let b = Int(h >> UInt64(64 - Self.bucketBits))
    buffers[b].append(h)
    if buffers[b].count == Self.bufferCount { flush(b) }
  }

  /// A hash that was appended twice, or nil, sorting on up to `threads` threads. Ends
  /// the store's use.
  func firstRepeated(threads: Int = 1) -> UInt64? {
    defer { files = [] }  // closes them, which frees their space
    guard isSpilling else { return Self.firstRepeated(in: &memory, threads: threads) }
    for b in 0..<files.count {
      var bucket = readBucket(b)
      if let h = Self.firstRepeated(in: &bucket, threads: threads) { return h }
    }
    return nil
  }

  /// The smallest hash in `hashes` that occurs more than once, or nil (reorders them).
  /// With two threads or more and past 64k hashes, they are split in place by the bit
  /// below a spill bucket's (hashes fill both halves evenly, in memory and in a bucket,
  /// and equal hashes share a half) and the halves sorted on two threads: this sort is
  /// the one serial step between the pass and the analyses (~4 ms at 1M rows, 11 before
  /// the radix search).
  static func firstRepeated(in hashes: inout [UInt64], threads: Int = 1) -> UInt64? {
    hashes.withUnsafeMutableBufferPointer { all -> UInt64? in
      guard all.count > 1 << 16, threads > 1 else { return repeated(all) }
      let bit = UInt64(1) << UInt64(63 - bucketBits)
      // Hoare partition: the bit clear to the front.
      var low = 0, high = all.count - 1
      while true {
        while low <= high && all[low] & bit == 0 { low += 1 }
        while low <= high && all[high] & bit != 0 { high -= 1 }
        if low >= high { break }
        all.swapAt(low, high)
      }
      nonisolated(unsafe) let halves = [UnsafeMutableBufferPointer(rebasing: all[..<low]),
                                        UnsafeMutableBufferPointer(rebasing: all[low...])]
      let found = ChunkResults<UInt64>(count: 2)
      DispatchQueue.concurrentPerform(iterations: 2) { h in
        if let r = repeated(halves[h]) { found.set(h, r) }
      }
      return found.values.compactMap { $0 }.min()
    }
  }

  /// The smallest hash that occurs twice in `hashes`, or nil (reorders them).
  ///
  /// An LSD radix sort on the hashes' low 32 bits (four passes of a byte, their counts
  /// taken in one read), after which equal hashes lie in one run of equal low halves; the
  /// runs (a few dozen among a million hashes) are then compared in full. Hash bits are
  /// uniform, in memory and within a spill bucket (whose top bits are all the same). A
  /// comparison sort of the whole hashes took 11 ms per half of 1M hashes, this ~3 ms.
  static func repeated(_ hashes: UnsafeMutableBufferPointer<UInt64>) -> UInt64? {
    let n = hashes.count
    guard n > 1, let base = hashes.baseAddress else { return nil }
    let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
    defer { scratch.deallocate() }
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: 4 * 256)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0, count: 4 * 256)
    for i in 0..<n {
      let h = base[i]
      counts[Int(h & 0xFF)] &+= 1
      counts[256 &+ Int((h &>> 8) & 0xFF)] &+= 1
      counts[512 &+ Int((h &>> 16) & 0xFF)] &+= 1
      counts[768 &+ Int((h &>> 24) & 0xFF)] &+= 1
    }
    var from = base, to = scratch
    for pass in 0..<4 {
      let slot = counts + 256 &* pass
      var total = 0
      for b in 0..<256 { let c = slot[b]; slot[b] = total; total &+= c }
      let shift = UInt64(8 &* pass)
      for i in 0..<n {
        let h = from[i]
        let b = Int((h &>> shift) & 0xFF)
        to[slot[b]] = h
        slot[b] &+= 1
      }
      swap(&from, &to)
    }
    // Four passes: the sorted hashes are back in `hashes`.
    @inline(__always) func low(_ h: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: h) }
    var smallest: UInt64? = nil
    var i = 1
    while i < n {
      guard low(base[i]) == low(base[i &- 1]) else { i &+= 1; continue }
      let start = i &- 1
      while i < n && low(base[i]) == low(base[start]) { i &+= 1 }
      for a in start..<i {
        for b in (a &+ 1)..<i where base[a] == base[b] { smallest = Swift.min(smallest ?? base[a], base[a]) }
      }
    }
    return smallest
  }

  private func startSpilling() {
    var opened: [SpillFile] = []
    for _ in 0..<(1 << Self.bucketBits) {
      guard let f = SpillFile(prefix: "candor-ids", directory: directory) else { cannotSpill = true; return }
      opened.append(f)
    }
    files = opened
    stored = Array(repeating: 0, count: opened.count)
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
    // After a failed write the file may end in part of a buffer: the bucket's later
    // hashes stay in memory, and reading takes only the `stored` whole writes.
    if overflow[b] == nil, buffers[b].withUnsafeBytes({ files[b].write($0) }) {
      stored[b] += buffers[b].count
    } else {
      overflow[b, default: []].append(contentsOf: buffers[b])
    }
    buffers[b].removeAll(keepingCapacity: true)
  }

  /// Hashes a failed write left behind, by bucket.
  private var overflow: [Int: [UInt64]] = [:]

  private func readBucket(_ b: Int) -> [UInt64] {
    let f = files[b]
    f.rewind()
    var out = [UInt64](repeating: 0, count: stored[b])
    let read = out.withUnsafeMutableBytes { f.read(into: $0, count: $0.count) } / 8
    out.removeLast(out.count - read)
    out += buffers[b]
    out += overflow[b] ?? []
    buffers[b] = []
    return out
  }
}
