@testable import Candor
import CandorData
import Testing

@Suite struct ItemGroupHistogramTests {
  /// Codes: a point's position, 254 for a value that is not a point (a half, out of range),
  /// 255 for missing; counting by codes gives the moments of the values themselves.
  @Test func codesAndCountsGiveTheValuesMoments() throws {
    let range = ResponseRange(1, 5)
    // Two items (column-major), four rows: groups 0, 1, none, 1.
    let values: [Double] = [1, 2.5, 3, 5,   .nan, 5, 4, 0]
    let codes = values.withUnsafeBufferPointer { ItemGroupHistogram.codes($0, range: range) }
    #expect(codes == [0, 254, 2, 4, 255, 4, 3, 254])
    var h = ItemGroupHistogram(items: 2, range: range)
    values.withUnsafeBufferPointer { v in
      codes.withUnsafeBufferPointer { h.add(codes: $0, values: v, rows: 4, groups: [0, 1, -1, 1], groupCount: 2) }
    }
    let m = h.moments(groups: 2)
    // group 0: item 0 = {1}, item 1 = {} ; group 1: item 0 = {2.5, 5}, item 1 = {5, 0}
    #expect(m.counts == [1, 0, 2, 2])
    #expect(m.sums == [1, 0, 7.5, 5])
    #expect(m.sumsOfSquares == [1, 0, 31.25, 25])
  }

  /// Counting a column's frequencies by its codes gives exactly what counting its values
  /// gives: points, missing, and the values that are not points (halves, out of range).
  @Test func frequenciesByCodeMatchFrequenciesByValue() throws {
    let range = ResponseRange(1, 5)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
    let pool: [Double] = [1, 2, 3, 4, 5, .nan, 2.5, 0, 6, -1, 4.75]
    let values = (0..<5_000).map { _ in pool[Int(next() % UInt64(pool.count))] }
    var byValue = ItemFrequencies(range: range), byCode = ItemFrequencies(range: range)
    values.withUnsafeBufferPointer { v in
      byValue.add(v)
      let codes = ItemGroupHistogram.codes(v, range: range)
      codes.withUnsafeBufferPointer { byCode.add(codes: $0, values: v) }
    }
    #expect(byCode == byValue)
    #expect(byCode.missing > 0 && byCode.other.count == 5 && byCode.counts.allSatisfy { $0 > 0 })
  }
}
