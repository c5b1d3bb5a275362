import Foundation
import Testing
@testable import CandorNumerics

/// ``ColumnMoments`` gives the diagonal of ``CoMomentAccumulator``'s pairwise moments: each
/// variable's n, mean and SD over its own present values, whatever the blocks and merges.
@Suite struct ColumnMomentsTests {
  /// Columns with NaNs, a large common offset, a constant column, one value, none.
  static func columns(rows n: Int, seed: UInt64) -> [[Double]] {
    var state = seed
    func next() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    let decimal: [Double] = (0..<n).map { _ -> Double in next() < 0.07 ? Double.nan : next() * 7 - 2 }
    let offset: [Double] = (0..<n).map { _ -> Double in next() < 0.3 ? Double.nan : 1e7 + next() }
    let constant: [Double] = (0..<n).map { i -> Double in i % 5 == 0 ? Double.nan : 4.25 }
    let single: [Double] = (0..<n).map { i in i == n / 2 ? 3.0 : Double.nan }
    let none = [Double](repeating: .nan, count: n)
    let scores: [Double] = (0..<n).map { i -> Double in
      let x = Double(i % 9) / 3
      return i % 13 == 0 ? Double.nan : x - 0.1
    }
    return [decimal, offset, constant, single, none, scores]
  }

  @Test func theDiagonalOfThePairwiseCoMoments() {
    let n = 10_007
    let cols = Self.columns(rows: n, seed: 3)
    var full = CoMomentAccumulator(variables: cols.count)
    var single = ColumnMoments(variables: cols.count)
    // Blocks of uneven sizes, merged in order, against the accumulator fed the same rows.
    var start = 0
    for size in [1, 17, 4_096, 333, 5_560] {
      let rows = start..<min(n, start + size)
      start = rows.upperBound
      full.add(RowBlock(rows: rows.count, columns: cols.count, values: cols.flatMap { Array($0[rows]) }))
      var part = ColumnMoments(variables: cols.count)
      for (j, c) in cols.enumerated() { Array(c[rows]).withUnsafeBufferPointer { part.add(j, $0) } }
      single.merge(part)
    }
    #expect(start == n)
    let m = full.moments(.pairwise)
    for j in cols.indices {
      #expect(single.counts[j] == m.counts[j], "column \(j)")
      let mean = single.counts[j] > 0 ? single.means[j] : .nan
      #expect(mean.isNaN == m.means[j].isNaN && (mean.isNaN || abs(mean - m.means[j]) <= 1e-13 * (1 + abs(m.means[j]))), "column \(j)")
      let sd = single.standardDeviation(j)
      #expect(sd.isNaN == m.standardDeviations[j].isNaN, "column \(j)")
      if !sd.isNaN { #expect(abs(sd - m.standardDeviations[j]) <= 1e-12 * (1 + m.standardDeviations[j]), "column \(j): \(sd) against \(m.standardDeviations[j])") }
    }
    // A constant column's spread is exactly 0; one value has no SD.
    #expect(single.squares[2] == 0 && single.standardDeviation(2) == 0)
    #expect(single.counts[3] == 1 && single.standardDeviation(3).isNaN && single.means[3] == 3)
    #expect(single.counts[4] == 0 && single.means[4].isNaN)
  }

  @Test func mergingDoesNotDependOnTheSplit() {
    let n = 3_001
    let cols = Self.columns(rows: n, seed: 8)
    func moments(_ cuts: [Int]) -> ColumnMoments {
      var total = ColumnMoments(variables: cols.count)
      var start = 0
      for cut in cuts + [n] {
        var part = ColumnMoments(variables: cols.count)
        for (j, c) in cols.enumerated() { Array(c[start..<cut]).withUnsafeBufferPointer { part.add(j, $0) } }
        total.merge(part)
        start = cut
      }
      return total
    }
    let one = moments([]), many = moments([5, 6, 700, 2_999])
    #expect(one.counts == many.counts)
    for j in cols.indices where one.counts[j] > 0 {
      #expect(abs(one.means[j] - many.means[j]) <= 1e-12 * (1 + abs(one.means[j])))
      #expect(abs(one.squares[j] - many.squares[j]) <= 1e-10 * (1 + abs(one.squares[j])))
    }
  }
}
