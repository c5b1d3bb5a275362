@testable import CandorNumerics
import Testing

@Suite struct CompactColumnTests {
  @Test func integersFromZeroTo254AndMissingTakeOneByteAndReadBackExactly() {
    let values: [Double] = [0, 1, .nan, 254, 37, -0.0]
    let c = CompactColumn(values)
    #expect(c.isBytes)
    #expect(c.bytesPerRow == 1)
    #expect(c.count == 6)
    for (i, x) in values.enumerated() {
      if x.isNaN { #expect(c[i].isNaN) } else { #expect(c[i] == x) }
    }
  }

  @Test func theFirstValueThatIsNotAByteSwitchesToFloat32KeepingEarlierRows() {
    for odd in [2.5, 255, -1, 1e6] {
      var c = CompactColumn([1, .nan, 3])
      c.append(contentsOf: [odd, 4])
      #expect(!c.isBytes, "\(odd)")
      #expect(c.bytesPerRow == 4)
      #expect(c.count == 5)
      #expect(c[0] == 1 && c[1].isNaN && c[2] == 3 && c[4] == 4)
      #expect(c[3] == Double(Float(odd)))
      // The value that does not fit in the middle of an append: the rows before it go in
      // as bytes, it and the rest as Float32; later appends stay Float32.
      var d = CompactColumn([1, .nan])
      d.append(contentsOf: [9, odd, 4, .nan])
      d.append(contentsOf: [5, 0.5])
      #expect(!d.isBytes && d.count == 8, "\(odd)")
      let expected: [Double] = [1, .nan, 9, Double(Float(odd)), 4, .nan, 5, 0.5]
      for i in expected.indices {
        if expected[i].isNaN { #expect(d[i].isNaN) } else { #expect(d[i] == expected[i], "\(odd) row \(i)") }
      }
    }
  }

  @Test func readingEqualsTheFloat32ColumnItReplacesInEveryMix() {
    // Appending columns of either storage in any order reads as Float32 would.
    let parts: [[Double]] = [[0, 1, 1, .nan], [3.25, 2, .nan], [7, 200], [0.1, 254]]
    for order in [[0, 1, 2, 3], [2, 0, 3, 1], [0, 2], [1, 3, 0]] {
      var c = CompactColumn()
      var expected: [Float] = []
      for k in order {
        c.append(contentsOf: CompactColumn(parts[k]))
        expected += parts[k].map(Float.init)
      }
      #expect(c.count == expected.count)
      for i in expected.indices {
        if expected[i].isNaN { #expect(c[i].isNaN) } else { #expect(c[i] == Double(expected[i])) }
      }
      #expect(c.isBytes == order.allSatisfy { $0 == 0 || $0 == 2 })
    }
  }

  @Test func groupIndicesTakeTwoBytesUntilOneReaches65535() {
    var g = CompactGroupIndex([0, -1, 7, 65534])
    #expect(g.bytesPerRow == 2)
    #expect((0..<g.count).map { g[$0] } == [0, -1, 7, 65534])
    g.append(contentsOf: [65535, -5, 3])
    #expect(g.bytesPerRow == 4)
    #expect((0..<g.count).map { g[$0] } == [0, -1, 7, 65534, 65535, -1, 3])
    #expect(g.int32s == [0, -1, 7, 65534, 65535, -1, 3])
  }

  @Test func mergingThroughAMappingRenumbersAndWidensWhenItMust() {
    var g = CompactGroupIndex([0, 1])
    g.append(CompactGroupIndex([1, -1, 0]), mapping: [5, 2])
    #expect(g.bytesPerRow == 2)
    #expect(g.int32s == [0, 1, 2, -1, 5])
    g.append(CompactGroupIndex([0, -1]), mapping: [70_000])
    #expect(g.bytesPerRow == 4)
    #expect(g.int32s == [0, 1, 2, -1, 5, 70_000, -1])
    g.append(CompactGroupIndex([1]), mapping: [0, 3])
    #expect(g.int32s == [0, 1, 2, -1, 5, 70_000, -1, 3])
  }

  /// A reservation holds through the switch to Float32 (no reallocation before the
  /// reserved count) and is not part of the column's value.
  @Test func aReservationHoldsThroughTheSwitchToFloat32() {
    var c = CompactColumn([1, 2])
    c.reserve(10_000)
    #expect(c.isBytes && c.capacity >= 10_000)
    c.append(contentsOf: [2.5])
    #expect(!c.isBytes && c.capacity >= 10_000)
    #expect(c == CompactColumn([1, 2, 2.5]))
    var g = CompactGroupIndex([0, 3])
    g.reserve(5_000)
    #expect(g.capacity >= 5_000 && g == CompactGroupIndex([0, 3]))
  }

  /// Reading rows by offsets (a model's pass) gives what the subscript gives, in either
  /// storage of a column and of a group index.
  @Test func gatheringRowsEqualsReadingThemOneByOne() {
    let offsets: [UInt16] = [0, 2, 3, 7, 8]
    let base = 3
    let bytes = CompactColumn([9, 1, 2, .nan, 4, 0, 254, 7, 8, .nan, 3, 1])
    let floats = CompactColumn([9, 1, 2, .nan, 4, 0.5, 254, 7, 8, .nan, 3, 1e9])
    let narrow = CompactGroupIndex([0, 1, 2, -1, 4, 5, 6, 7, 8, 9, 10, -1])
    let wide = CompactGroupIndex([0, 1, 2, -1, 4, 5, 70_000, 7, 8, 9, 10, -1])
    #expect(bytes.isBytes && !floats.isBytes && narrow.bytesPerRow == 2 && wide.bytesPerRow == 4)
    for column in [bytes, floats] {
      var out = [Double](repeating: 0, count: offsets.count)
      offsets.withUnsafeBufferPointer { o in out.withUnsafeMutableBufferPointer { column.gather(o.baseAddress!, from: base, count: o.count, into: $0.baseAddress!) } }
      let want = offsets.map { column[base + Int($0)] }
      #expect(zip(out, want).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
    for index in [narrow, wide] {
      var out = [Int](repeating: 0, count: offsets.count)
      offsets.withUnsafeBufferPointer { o in out.withUnsafeMutableBufferPointer { index.gather(o.baseAddress!, from: base, count: o.count, into: $0.baseAddress!) } }
      #expect(out == offsets.map { index[base + Int($0)] })
    }
  }

  /// Past its reservation, merging batches grows the index geometrically: it once reserved
  /// exactly the new count, so every batch copied the whole index (quadratic in batches).
  @Test func mergingPastTheReservationGrowsGeometrically() {
    var g = CompactGroupIndex()
    let batch = CompactGroupIndex([Int32](repeating: 0, count: 1_000))
    var reallocations = 0
    var capacity = g.capacity
    for _ in 0..<200 {
      g.append(batch, mapping: [4])
      if g.capacity != capacity { reallocations += 1; capacity = g.capacity }
    }
    #expect(g.count == 200_000 && g[199_999] == 4)
    #expect(reallocations <= 10, "the index was reallocated \(reallocations) times for 200 batches")
  }
}
