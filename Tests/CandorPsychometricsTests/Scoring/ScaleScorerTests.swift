import CandorNumerics
import Foundation
import Testing
import _CandorTestSupport
@testable import CandorPsychometrics

@Suite struct ScaleScorerTests {
  /// domain.md §1.6: person scores after keying, against R's rowMeans.
  @Test func workedExampleScores() throws {
    let expected = try ReliabilityFixtures.expected()
    let (names, rows) = try ReliabilityFixtures.data("worked_keyed")
    let block = RowBlock(rowArrays: rows)
    let s = try ScaleScorer.score(block, try ScaleScoreSpec(name: "psych_safety", columns: Array(names.indices), minItems: 4))
    #expect(s.unscored == 0)
    for (i, score) in s.scores.enumerated() {
      #expect(isClose(score, try #require(expected["worked_keyed|scores|score|\(i + 1)"]), absolute: 1e-12))
    }
    // The document's four-decimal values: 5.7143, ..., 4.4286.
    #expect((s.scores[0] * 10_000).rounded() == 57143 && (s.scores[11] * 10_000).rounded() == 44286)
  }

  @Test func minItemsAndEmptyRespondent() throws {
    let nan = Double.nan
    let block = RowBlock(rowArrays: [[1, 5, nan], [nan, nan, nan], [4, nan, nan], [2, 3, 4]])
    let spec = try ScaleScoreSpec(name: "s", columns: [0, 1, 2], minItems: 2)
    let mean = try ScaleScorer.score(block, spec)
    #expect(mean.scores[0] == 3 && mean.scores[1].isNaN && mean.scores[2].isNaN && mean.scores[3] == 3)
    #expect(mean.unscored == 2)
    let sum = try ScaleScorer.score(block, try ScaleScoreSpec(name: "s", columns: [0, 1, 2], method: .sum, minItems: 2))
    #expect(sum.scores[0] == 6 && sum.scores[3] == 9 && sum.unscored == 2)
    let pomp = try ScaleScorer.score(block, try ScaleScoreSpec(name: "s", columns: [0, 1, 2], method: .pomp,
                                                               minItems: 1, range: 1...5))
    // 100·(mean − 1)/(5 − 1): rows 3 → 50, (none), 4 → 75, 3 → 50.
    #expect(pomp.scores[0] == 50 && pomp.scores[1].isNaN && pomp.scores[2] == 75 && pomp.unscored == 1)
    // Default min_items: half, rounded up (2 of 3).
    #expect(try ScaleScoreSpec(name: "s", columns: [0, 1, 2]).minItems == 2)
    // A row slice scores only those rows.
    let slice = try ScaleScorer.score(block, rows: 2..<4, spec)
    #expect(slice.scores.count == 2 && slice.scores[0].isNaN && slice.scores[1] == 3 && slice.unscored == 1)
  }

  @Test func invalidSpecsThrow() {
    #expect(throws: ScoringError.pompNeedsRange(scale: "s")) {
      try ScaleScoreSpec(name: "s", columns: [0, 1], method: .pomp)
    }
    #expect(throws: ScoringError.invalidMinItems(scale: "s", minItems: 3, items: 2)) {
      try ScaleScoreSpec(name: "s", columns: [0, 1], minItems: 3)
    }
    #expect(throws: ScoringError.columnOutOfRange(scale: "s", column: 4, columns: 2)) {
      try ScaleScorer.score(RowBlock(rowArrays: [[1, 2]]), try ScaleScoreSpec(name: "s", columns: [0, 4]))
    }
  }

  /// Reverse-keyed items on two ranges (i2 on 1–5, i6 on 1–7): keying per item range
  /// reproduces the hand-keyed data, and scores and alpha match R on it. psych's
  /// `alpha(keys = ...)` reverses with the global min + max (1 + 7) and gets the mean wrong.
  @Test func reverseKeyingWithTwoRanges() throws {
    let expected = try ReliabilityFixtures.expected()
    let (names, raw) = try ReliabilityFixtures.data("mixedranges_raw")
    let (_, keyedByHand) = try ReliabilityFixtures.data("mixedranges_keyed")
    var block = RowBlock(rowArrays: raw)
    ItemKeying.reverse(&block, columns: [1, 5], ranges: [1...5, 1...7])
    let hand = RowBlock(rowArrays: keyedByHand)
    for i in 0..<block.values.count {
      #expect(block.values[i] == hand.values[i] || (block.values[i].isNaN && hand.values[i].isNaN))
    }
    let s = try ScaleScorer.score(block, try ScaleScoreSpec(name: "mixed", columns: Array(names.indices), minItems: 1))
    let answered = s.scores.filter { !$0.isNaN }
    let mean = answered.reduce(0, +) / Double(answered.count)
    #expect(isClose(mean, try #require(expected["mixedranges_keyed|pairwise|mean.check|"])))
    #expect(abs(mean - (try #require(expected["mixedranges_psychkeys|pairwise|mean|"]))) > 0.2)
    // Alpha on Candor-keyed data = R on hand-keyed data, with no keying warnings.
    let rows = (0..<block.rows).map { r in (0..<block.columns).map { block[r, $0] } }
    let r = try CronbachAlpha.analyze(scale: "mixed", items: names, columns: Array(names.indices),
                                      moments: ReferenceMoments.compute(rows, policy: .pairwise))
    #expect(isClose(r.alpha.raw, try #require(expected["mixedranges_keyed|pairwise|raw_alpha|"])))
    #expect(r.warnings.isEmpty)
  }

  /// A constant item is dropped from alpha (see CronbachAlphaTests) but kept in the score.
  @Test func constantItemCountsInScore() throws {
    let (names, rows) = try ReliabilityFixtures.data("constant")
    let s = try ScaleScorer.score(RowBlock(rowArrays: rows), try ScaleScoreSpec(name: "c", columns: Array(names.indices)))
    for (row, score) in zip(rows, s.scores) {
      let v = row.filter { !$0.isNaN }
      #expect(isClose(score, v.reduce(0, +) / Double(v.count), absolute: 1e-12))
      if v.count == row.count {  // psych: (4·mean(other items) + 3)/5 on complete rows
        let others = [0, 1, 2, 4].map { row[$0] }
        #expect(isClose(score, (others.reduce(0, +) + 3) / 5, absolute: 1e-12))
      }
    }
  }

  /// Two values (a: items 0–1, b: items 2–4), a higher-order value of both, MRAT over
  /// all five items with mrat_min_answered 0.8 (≥ 4 of 5 answered).
  @Test func valueScoresAndMRAT() throws {
    let nan = Double.nan
    let block = RowBlock(rowArrays: [
      [6, 4, 2, 3, 4],      // a 5, b 3, MRAT 19/5, HO 19/5
      [5, nan, 1, 2, 3],    // a 5 (1 of 2), b 2, MRAT 11/4
      [nan, nan, 3, 3, nan],  // a none, b 3, MRAT none (2 of 5)
      [nan, nan, nan, nan, nan],
    ])
    let spec = ValueInstrumentSpec(
      name: "values", values: [ValueSpec(name: "a", columns: [0, 1]), ValueSpec(name: "b", columns: [2, 3, 4])],
      higherOrder: [HigherOrderSpec(name: "both", values: ["a", "b"])], mratMinAnswered: 0.8)
    let v = try ValueScorer.score(block, spec)
    #expect(v.values.map(\.name) == ["values.a", "values.b"])
    let a = v.values[0].scores, b = v.values[1].scores, m = v.mrat.scores
    #expect(a[0] == 5 && a[1] == 5 && a[2].isNaN && a[3].isNaN)
    #expect(b[0] == 3 && b[1] == 2 && b[2] == 3 && b[3].isNaN)
    #expect(isClose(m[0], 19.0 / 5, absolute: 1e-15) && isClose(m[1], 11.0 / 4, absolute: 1e-15))
    #expect(m[2].isNaN && m[3].isNaN && v.mrat.unscored == 2)
    #expect(isClose(v.higherOrder[0].scores[0], 19.0 / 5, absolute: 1e-15))
    let ca = v.centredValues[0].scores
    #expect(isClose(ca[0], 5 - 19.0 / 5, absolute: 1e-15) && isClose(ca[1], 5 - 11.0 / 4, absolute: 1e-15))
    #expect(ca[2].isNaN && v.centredValues[1].scores[2].isNaN)  // b answered, MRAT not
    #expect(v.centredValues[1].unscored == 2)
    #expect(throws: ScoringError.unknownValue(scale: "values.x", value: "c")) {
      try ValueScorer.score(block, ValueInstrumentSpec(name: "values", values: spec.values,
                                                       higherOrder: [HigherOrderSpec(name: "x", values: ["c"])]))
    }
  }

  /// Higher-order values and the MRAT are added up from the values' sums only when their
  /// items are a disjoint union of values' items; shared or extra items read the block.
  /// Either way each score equals a plain ScaleScorer over the same columns.
  @Test func combinedSumsEqualScoringTheColumnsDirectly() throws {
    var rows: [[Double]] = []
    for r in 0..<40 {
      var row: [Double] = []
      for c in 0..<7 {
        let missing = (r * 7 + c) % 11 == 0
        row.append(missing ? Double.nan : Double((r * 3 + c * 5) % 6 + 1))
      }
      rows.append(row)
    }
    let block = RowBlock(rowArrays: rows)
    func direct(_ columns: [Int], minItems: Int = 1) throws -> [Double] {
      try ScaleScorer.score(block, ScaleScoreSpec(name: "x", columns: columns, minItems: minItems)).scores
    }
    func same(_ a: [Double], _ b: [Double]) -> Bool { zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } }
    let disjoint = [ValueSpec(name: "a", columns: [0, 1]), ValueSpec(name: "b", columns: [2, 3]),
                    ValueSpec(name: "c", columns: [4]), ValueSpec(name: "d", columns: [5])]
    let sharing = [ValueSpec(name: "a", columns: [0, 1]), ValueSpec(name: "b", columns: [2, 3]),
                   ValueSpec(name: "c", columns: [3, 4]), ValueSpec(name: "d", columns: [5])]
    for values in [disjoint, sharing] {
      for mrat in [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5, 6], [0, 1]] {
        let spec = ValueInstrumentSpec(name: "v", values: values,
                                       higherOrder: [HigherOrderSpec(name: "ab", values: ["a", "b"]),
                                                     HigherOrderSpec(name: "bc", values: ["b", "c"])],
                                       mratColumns: mrat, mratMinAnswered: 0.5)
        let v = try ValueScorer.score(block, spec)
        let bc = Array(Set(values[1].columns + values[2].columns)).sorted()
        #expect(same(v.higherOrder[0].scores, try direct([0, 1, 2, 3])))
        #expect(same(v.higherOrder[1].scores, try direct(bc)))
        let needed = Int((0.5 * Double(mrat.count) - 1e-9).rounded(.up))
        #expect(same(v.mrat.scores, try direct(mrat, minItems: needed)), "\(mrat)")
      }
    }
  }
  /// Scores read from ``ResponseCodes`` equal scores read from the values, bit for bit:
  /// items 1–6 (codes from 1), a reversed item stored as −6…−1 (codes from −6), missing
  /// answers, a half (code 254: its block is read from the values), row slices, and
  /// columns whose minimums differ (read from the values).
  @Test func scoresFromCodesAreTheValuesScores() throws {
    var g = SeededGenerator(seed: 21)
    let n = 97, p = 6
    var rows: [[Double]] = (0..<n).map { _ in
      (0..<p).map { _ in Double.random(in: 0..<1, using: &g) < 0.08 ? .nan : Double(Int.random(in: 1...6, using: &g)) }
    }
    for r in rows.indices where !rows[r][5].isNaN { rows[r][5] = -rows[r][5] }
    let minimum: [Double?] = [1, 1, 1, 1, 1, -6]
    func codes(_ rows: [[Double]]) -> ResponseCodes {
      var c = [UInt8](repeating: 0, count: rows.count * p)
      for (r, row) in rows.enumerated() {
        for j in 0..<p {
          let x = row[j]
          c[j * rows.count + r] = x.isNaN ? ResponseCodes.missing : x == x.rounded() ? UInt8(x - minimum[j]!) : ResponseCodes.other
        }
      }
      return ResponseCodes(codes: c, rows: rows.count, minimum: minimum)
    }
    func same(_ a: [Double], _ b: [Double]) -> Bool { a.map(\.bitPattern) == b.map(\.bitPattern) }
    var half = rows
    half[40][2] = 2.5
    for data in [rows, half] {
      let block = RowBlock(rowArrays: data), coded = codes(data)
      for columns in [[0, 1, 2, 3, 4], [2], [0, 5], [5]] {
        for method in ScoringMethod.allCases {
          let spec = try ScaleScoreSpec(name: "s", columns: columns, method: method, minItems: 1, range: 1...6)
          #expect(same(try ScaleScorer.score(block, spec, codes: coded).scores, try ScaleScorer.score(block, spec).scores))
          #expect(same(try ScaleScorer.score(block, rows: 10..<60, spec, codes: coded).scores,
                       try ScaleScorer.score(block, rows: 10..<60, spec).scores))
        }
      }
      let spec = ValueInstrumentSpec(
        name: "v", values: [ValueSpec(name: "a", columns: [0, 1]), ValueSpec(name: "b", columns: [2, 3, 4])],
        higherOrder: [HigherOrderSpec(name: "ab", values: ["a", "b"])], mratMinAnswered: 0.6)
      let fromCodes = try ValueScorer.score(block, spec, codes: coded), fromValues = try ValueScorer.score(block, spec)
      #expect(same(fromCodes.mrat.scores, fromValues.mrat.scores))
      #expect(zip(fromCodes.centredValues, fromValues.centredValues).allSatisfy { same($0.scores, $1.scores) })
      #expect(zip(fromCodes.higherOrder, fromValues.higherOrder).allSatisfy { same($0.scores, $1.scores) })
    }
    // The code path is taken: codes that disagree with the values give other scores.
    let block = RowBlock(rowArrays: rows)
    let shifted = ResponseCodes(codes: codes(rows).codes, rows: n, minimum: [2, 2, 2, 2, 2, -5])
    let spec = try ScaleScoreSpec(name: "s", columns: [0, 1], minItems: 1)
    #expect(!same(try ScaleScorer.score(block, spec, codes: shifted).scores, try ScaleScorer.score(block, spec).scores))
  }
}
