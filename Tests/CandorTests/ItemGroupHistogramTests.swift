@testable import Candor
import CandorData
import CandorPsychometrics
import Foundation
import Testing
import _CandorTestSupport

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
    // Lengths around the 8-code words the tally reads (and an empty column).
    for count in [5_000, 0, 1, 7, 8, 9, 15, 17] {
      let values = (0..<count).map { _ in pool[Int(next() % UInt64(pool.count))] }
      var byValue = ItemFrequencies(range: range), byCode = ItemFrequencies(range: range)
      values.withUnsafeBufferPointer { v in
        byValue.add(v)
        let codes = ItemGroupHistogram.codes(v, range: range)
        codes.withUnsafeBufferPointer { byCode.add(codes: $0, values: v) }
      }
      #expect(byCode == byValue, "\(count) values")
      #expect(byCode.counts.reduce(0, +) + byCode.missing + byCode.other.values.reduce(0, +) == count)
      if count == 5_000 { #expect(byCode.missing > 0 && byCode.other.count == 5 && byCode.counts.allSatisfy { $0 > 0 }) }
    }
  }

  /// `candor analyze` counts item responses by group only where the plan aggregates the
  /// scale by that level (the demo: both scales by school, psych_safety by school × role),
  /// and those tables — rwg(j) and favourability included — are the ones counting at every
  /// level gives.
  @Test func thePlanCountsItemHistogramsOnlyWhereItAggregates() throws {
    let root = repositoryRoot()
    func load(plan: Bool) throws -> SurveyData {
      var request = AnalysisRequest(files: [root.appendingPathComponent("datasets/demo/demo.csv").path],
                                    codebookPath: root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path)
      request.keepColumnsForPlan = plan
      return try SurveyData.load(request)
    }
    let planned = try load(plan: true), every = try load(plan: false)
    let levels = planned.layout.groupLevels.map(\.name), scales = planned.layout.scales.map(\.name)
    var kept: [String] = []
    for (l, stats) in planned.statistics.groups.enumerated() {
      for (s, h) in stats.items.enumerated() where h != nil { kept.append("\(levels[l]):\(scales[s])") }
    }
    #expect(kept == ["school_id:psych_safety", "school_id:trust", "school_id × role:psych_safety"])
    #expect(every.statistics.groups.allSatisfy { $0.items.compactMap { $0 }.count == 2 })
    for (by, names) in [("school_id", ["psych_safety", "trust"]), ("school_id × role", ["psych_safety"])] {
      let a = try planned.aggregation(by: by, scales: names), b = try every.aggregation(by: by, scales: names)
      #expect(a.count == names.count && a.count == b.count)
      for (x, y) in zip(a, b) {
        #expect(x.paths == y.paths)
        let rx = x.result.groupResults, ry = y.result.groupResults
        #expect(rx.count == ry.count && rx.contains { $0.rwgj != nil } && rx.contains { $0.favourable != nil })
        for (gx, gy) in zip(rx, ry) {
          #expect(gx.n == gy.n && gx.mean == gy.mean && gx.rwgj == gy.rwgj && gx.favourable == gy.favourable)
        }
      }
    }
  }
}
