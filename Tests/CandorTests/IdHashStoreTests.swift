@testable import Candor
import Foundation
import Testing

@Suite struct IdHashStoreTests {
  /// Hashes with a repeat at a known place, spread over every bucket.
  static func hashes(_ n: Int, repeatAt: Int?, seed: UInt64) -> [UInt64] {
    var state = seed
    var out: [UInt64] = (0..<n).map { _ in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return state ^ (state >> 29)
    }
    if let repeatAt { out[repeatAt] = out[repeatAt / 3] }
    return out
  }

  @Test func spillingToFilesFindsTheSameRepeatAsSortingInMemory() {
    for (n, repeatAt) in [(50_000, Optional(40_001)), (50_000, nil), (10, Optional(9)), (0, nil)] {
      let hs = Self.hashes(n, repeatAt: repeatAt, seed: UInt64(n))
      var sorted = hs
      let expected = IdHashStore.firstRepeated(in: &sorted)
      #expect((expected != nil) == (repeatAt != nil))
      for spillAbove in [1 << 20, 1_000, 1] {
        let store = IdHashStore(spillAbove: spillAbove)
        hs.forEach(store.append)
        #expect(store.isSpilling == (n > spillAbove))
        #expect(store.count == n)
        #expect(store.firstRepeated() == expected, "n \(n) spill above \(spillAbove)")
      }
    }
  }

  /// The bucket files are unlinked as they are made: however the run ends (even killed),
  /// nothing is left under the temporary directory.
  @Test func spillingLeavesNoNamesInTheTemporaryDirectory() throws {
    func ours() throws -> Set<String> {
      Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("candor-ids-") })
    }
    let before = try ours()
    let store = IdHashStore(spillAbove: 10)
    Self.hashes(20_000, repeatAt: nil, seed: 3).forEach(store.append)
    #expect(store.isSpilling)
    #expect(try ours() == before)
    #expect(store.firstRepeated() == nil)
    #expect(try ours() == before)
  }

  /// Without a usable temporary directory the hashes stay in memory and the answer is the
  /// same.
  @Test func anUnwritableTemporaryDirectoryKeepsTheHashesInMemory() throws {
    let hs = Self.hashes(5_000, repeatAt: 4_000, seed: 11)
    var sorted = hs
    let expected = IdHashStore.firstRepeated(in: &sorted)
    let store = IdHashStore(spillAbove: 100, directory: "/nonexistent-candor-test-dir")
    hs.forEach(store.append)
    #expect(!store.isSpilling)
    #expect(store.firstRepeated() == expected)
  }

  /// The radix search finds the smallest repeat where hashes share their low 32 bits
  /// (the sort's key) without being equal, and where repeats hide among them.
  @Test func repeatsAmongEqualLowHalvesAreFound() {
    func reference(_ hs: [UInt64]) -> UInt64? {
      let sorted = hs.sorted()
      return zip(sorted, sorted.dropFirst()).first { $0 == $1 }?.0
    }
    var hs = Self.hashes(5_000, repeatAt: nil, seed: 11)
    // Runs of equal low halves: distinct high halves, then a repeat inside a run.
    for k in 0..<40 { hs.append((UInt64(k + 1) << 40) | (hs[k] & 0xFFFF_FFFF)) }
    var noRepeat = hs
    #expect(hs.withUnsafeMutableBufferPointer { IdHashStore.repeated($0) } == nil)
    hs = noRepeat
    hs.append(hs[5_003]); hs.append(hs[17]); hs.append(hs[4_000])
    let expected = reference(hs)
    #expect(expected != nil)
    #expect(hs.withUnsafeMutableBufferPointer { IdHashStore.repeated($0) } == expected)
    #expect(noRepeat.withUnsafeMutableBufferPointer { IdHashStore.repeated($0) } == nil)
    var two: [UInt64] = [7, 7]
    #expect(two.withUnsafeMutableBufferPointer { IdHashStore.repeated($0) } == 7)
  }

  /// Sorting on two threads (split by a hash bit, past 64k hashes) finds the smallest
  /// repeated hash, as a plain sort and scan does — in memory, where the top bits vary,
  /// and in one spill bucket, where they are all the same.
  @Test func twoThreadsFindTheSmallestRepeat() {
    func reference(_ hs: [UInt64]) -> UInt64? {
      let sorted = hs.sorted()
      return zip(sorted, sorted.dropFirst()).first { $0 == $1 }?.0
    }
    for (n, repeats) in [(200_000, [150_001, 70_000, 3]), (200_000, []), (100_000, [99_999])] {
      var hs = Self.hashes(n, repeatAt: nil, seed: UInt64(n + repeats.count))
      for r in repeats { hs[r] = hs[r / 7] }
      let bucket = hs.map { $0 & (UInt64.max >> UInt64(IdHashStore.bucketBits)) | (UInt64(5) << 58) }
      for data in [hs, bucket] {
        let expected = reference(data)
        #expect((expected != nil) == !repeats.isEmpty)
        for threads in [1, 2, 4] {
          var copy = data
          #expect(IdHashStore.firstRepeated(in: &copy, threads: threads) == expected, "n \(n) threads \(threads)")
        }
      }
    }
  }
}
