@testable import Candor
@testable import CandorNumerics
@testable import CandorPsychometrics
import Foundation
import Testing
import _CandorTestSupport

/// The values alignment from the rows the statistics pass keeps (``AlignmentRows``)
/// against the same alignment from a second read of the export.
@Suite struct AlignmentRowsTests {
  static let root = repositoryRoot()
  static let demo = root.appendingPathComponent("datasets/demo/demo.csv").path
  static let codebook = root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path

  static func load(_ file: String = demo, keep: Bool, threads: Int = 2, chunk: Int? = nil) throws -> SurveyData {
    var request = AnalysisRequest(files: [file], codebookPath: codebook)
    request.threads = threads
    if let chunk { request.chunkSize = chunk }
    request.keepColumnsForPlan = keep
    return try SurveyData.load(request)
  }

  static func expectSame(_ a: (aggregation: LevelAggregation, correlations: [CorrelationResult]),
                         _ b: (aggregation: LevelAggregation, correlations: [CorrelationResult])) {
    #expect(a.correlations.count == b.correlations.count && !a.correlations.isEmpty)
    for (x, y) in zip(a.correlations, b.correlations) {
      #expect(x.x == y.x && x.y == y.y && x.n == y.n && x.partialOn == y.partialOn)
      #expect(isClose(x.r, y.r, absolute: 1e-12), "\(x.x) × \(x.y)")
    }
    #expect(a.aggregation.paths == b.aggregation.paths)
    for (x, y) in zip(a.aggregation.result.groupResults, b.aggregation.result.groupResults) {
      #expect(x.n == y.n && isClose(x.mean, y.mean, absolute: 1e-12))
    }
  }

  @Test func keptRowsGiveTheNumbersOfASecondRead() throws {
    let kept = try Self.load(keep: true)
    let rows = try #require(kept.statistics.alignmentRows)
    #expect(rows.complete && rows.rows == kept.statistics.rowsUsed)
    // PVQ-40's ten centred values, the two outcomes and tenure, as the pass scored them.
    let names = rows.scores.map { kept.layout.scoreNames[$0] }
    #expect(names == ["values.self_direction", "values.stimulation", "values.hedonism", "values.achievement",
                      "values.power", "values.security", "values.conformity", "values.tradition",
                      "values.benevolence", "values.universalism", "left", "intent_stay", "tenure"])
    // Written compact: the ten values as sixtieths of their uncentred scores beside the
    // MRAT, the outcomes and tenure as sixtieths (38 bytes a row against 108 as Doubles).
    #expect(Double(rows.bytesWritten) / Double(rows.rows) < 39)
    let reread = try Self.load(keep: false)
    #expect(reread.statistics.alignmentRows == nil)
    let values = try ValuesAlignmentPass(data: kept, scale: "values", keeping: ["left", "intent_stay", "tenure"])
    #expect(try values.run(data: kept).readTheExportAgain == false)
    #expect(try values.run(data: reread).readTheExportAgain == true)
    for (with, covariates) in [([String](), [String]()), (["left", "intent_stay"], ["tenure"])] {
      Self.expectSame(try kept.valuesAlignment(scale: "values", with: with, covariates: covariates),
                      try reread.valuesAlignment(scale: "values", with: with, covariates: covariates))
    }
  }

  /// Four respondents at once (``ValuesAlignmentPass/alignment4(_:loo:count:sums:counts:)``)
  /// give each the bits of the one-respondent version: random profiles and group sums,
  /// groups of two and more, flat profiles (r NaN) among them.
  @Test func fourRespondentsAtOnceGiveTheBitsOfOne() {
    var state: UInt64 = 0x5EED_0A11_6E7E_0004
    func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) * 0x1p-53 }
    let v = 10
    for trial in 0..<500 {
      var x = (0..<4).map { _ in (0..<v).map { _ in (uniform() * 6).rounded() / 6 - 0.5 } }
      if trial % 7 == 0 { x[trial % 4] = Array(repeating: 0.25, count: v) }   // a flat profile
      let counts = (0..<4).map { _ in (0..<v).map { _ in 2 + Int(uniform() * 40) } }
      let sums = (0..<4).map { l in (0..<v).map { k in x[l][k] + Double(counts[l][k] - 1) * (uniform() - 0.5) } }
      let x4 = (0..<v).map { k in SIMD4(x[0][k], x[1][k], x[2][k], x[3][k]) }
      var loo4 = [SIMD4<Double>](repeating: .zero, count: v)
      let got = x4.withUnsafeBufferPointer { x4 in
        loo4.withUnsafeMutableBufferPointer { loo4 in
          sums[0].withUnsafeBufferPointer { s0 in sums[1].withUnsafeBufferPointer { s1 in
            sums[2].withUnsafeBufferPointer { s2 in sums[3].withUnsafeBufferPointer { s3 in
              counts[0].withUnsafeBufferPointer { c0 in counts[1].withUnsafeBufferPointer { c1 in
                counts[2].withUnsafeBufferPointer { c2 in counts[3].withUnsafeBufferPointer { c3 in
                  ValuesAlignmentPass.alignment4(x4.baseAddress!, loo: loo4.baseAddress!, count: v,
                                                 sums: (s0.baseAddress!, s1.baseAddress!, s2.baseAddress!, s3.baseAddress!),
                                                 counts: (c0.baseAddress!, c1.baseAddress!, c2.baseAddress!, c3.baseAddress!))
                } }
              } }
            } }
          } }
        }
      }
      for l in 0..<4 {
        let want = ValuesAlignmentPass.alignment(x[l], sums: sums[l], counts: counts[l])
        #expect(got.r[l].bitPattern == want.r.bitPattern || (got.r[l].isNaN && want.r.isNaN), "trial \(trial), lane \(l)")
        #expect(got.distance[l].bitPattern == want.distance.bitPattern, "trial \(trial), lane \(l)")
        if trial % 7 == 0 && l == trial % 4 { #expect(want.r.isNaN) }
      }
    }
  }

  @Test func keptRowsGiveTheSameBitsOnOneOrTwoThreads() throws {
    let one = try Self.load(keep: true, threads: 1).valuesAlignment(scale: "values")
    let two = try Self.load(keep: true, threads: 2).valuesAlignment(scale: "values")
    #expect(one.correlations.map(\.r) == two.correlations.map(\.r))
    #expect(one.aggregation.result.groupResults.map(\.mean) == two.aggregation.result.groupResults.map(\.mean))
  }

  /// In 4 kB batches the kept rows are many blocks (one per batch, odd and even sizes):
  /// any thread count gives the same bits, and a second read's numbers.
  @Test func manyBlocksGiveTheSameBitsOnAnyThreadCountAndASecondReadsNumbers() throws {
    let data = try Self.load(keep: true, threads: 1, chunk: 4096)
    let rows = try #require(data.statistics.alignmentRows)
    var blocks = 0, seen = 0
    try rows.forEachBlock { block in
      blocks += 1; seen += block.rows
      #expect(block.values.count == block.rows * rows.scores.count)
    }
    #expect(blocks > 10 && seen == data.statistics.rowsUsed)
    let one = try data.valuesAlignment(scale: "values")
    for threads in [2, 7] {
      let other = try Self.load(keep: true, threads: threads, chunk: 4096).valuesAlignment(scale: "values")
      #expect(other.correlations.map(\.r) == one.correlations.map(\.r))
      #expect(other.aggregation.result.groupResults.map(\.mean) == one.aggregation.result.groupResults.map(\.mean))
    }
    Self.expectSame(one, try Self.load(keep: false, threads: 2, chunk: 4096).valuesAlignment(scale: "values"))
  }

  /// Blocks read back hold each partial's rows as appended, groups mapped to the total's
  /// (none stays -1), for odd and even block sizes (the group padding).
  @Test func blocksReadBackWhatWasMerged() throws {
    var total = AlignmentRows(scores: [4, 1], level: 0)
    var expected: [(groups: [Int32], values: [Double])] = []
    for (m, shift) in [(3, 0.0), (4, 10.0), (1, 20.0)] {
      var partial = AlignmentRows(scores: [4, 1], level: 0)
      var columns = [[Double]](repeating: [], count: 5)
      columns[1] = (0..<m).map { Double($0) + shift + 0.5 }
      columns[4] = (0..<m).map { $0 == 1 ? .nan : -Double($0) - shift }
      let local = (0..<m).map { Int32($0 == 2 ? -1 : $0 % 2) }
      partial.append(columns, groups: local)
      let mapping: [Int32] = [7, 3]
      total.merge(partial, mapping: mapping)
      expected.append((local.map { $0 < 0 ? -1 : mapping[Int($0)] },
                       (0..<m).flatMap { [columns[4][$0], columns[1][$0]] }))
    }
    #expect(total.complete && total.rows == 8)
    var read: [AlignmentRows.Block] = []
    try total.forEachBlock { read.append($0) }
    #expect(read.count == expected.count)
    for (block, e) in zip(read, expected) {
      #expect(block.groups == e.groups)
      #expect(block.values.count == e.values.count)
      #expect(zip(block.values, e.values).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
    // Each block read from its own place, by several threads at once in any order, is
    // the same block.
    #expect(total.blockCount == expected.count)
    total.prepareForReading()
    let kept = total, blocks = total.blockCount
    let again = ChunkResults<AlignmentRows.Block>(count: blocks)
    DispatchQueue.concurrentPerform(iterations: 3 * blocks) { c in
      let i = blocks - 1 - c % blocks
      if let block = try? kept.block(i) { again.set(i, block) }
    }
    for (block, e) in zip(again.values, read) {
      #expect(block?.groups == e.groups)
      #expect(block.map { zip($0.values, e.values).allSatisfy { $0.bitPattern == $1.bitPattern } } == true)
    }
    #expect(throws: (any Error).self) { try total.block(total.blockCount) }
    // Released (the report is being written): the file is closed on another thread, and
    // a read after it fails instead of giving stale or partial rows.
    total.release()
    #expect(throws: (any Error).self) { try total.block(0) }
    total.release()  // twice is harmless
    // Nothing kept: nothing to read back (the step then reads the export again).
    let none = AlignmentRows(scores: [4, 1], level: 0)
    #expect(!none.prepareForReading() && none.blockCount == 0)
  }

  /// The compact encodings give back the pass's Doubles bit for bit: centred value scores
  /// from their uncentred scores minus the MRAT, sixtieths, and Doubles wherever a column
  /// of a batch is not exactly either (a wrong centring, a tenth times a count, −0,
  /// negatives) — each column on its own, so one such value costs only its column.
  @Test func compactColumnsReadBackBitForBitAndFallBackToDoubles() throws {
    var state: UInt64 = 0x5EED_0F_A11C_0DE5
    func next(_ k: Int) -> Int { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return Int(state % UInt64(k)) }
    let m = 257
    // Seven items answered 1–6, one in three missing; two values of three items each and
    // the MRAT over all seven (so some MRATs are sevenths, not sixtieths).
    var items = [Double](repeating: .nan, count: m * 7)
    for c in 0..<7 { for r in 0..<m where next(3) != 0 { items[c * m + r] = Double(1 + next(6)) } }
    let spec = ValueInstrumentSpec(name: "v", values: [ValueSpec(name: "a", columns: [0, 1, 2]),
                                                       ValueSpec(name: "b", columns: [3, 4, 5])],
                                   mratColumns: Array(0..<7), mratMinAnswered: 0.5)
    let scored = try ValueScorer.score(RowBlock(rows: m, columns: 7, values: items), spec)
    let mrat = scored.mrat.scores
    #expect(mrat.contains { $0.isNaN } && mrat.contains { !$0.isNaN && ($0 * 60).rounded() / 60 != $0 })
    let columns: [[Double]] = [
      scored.centredValues[0].scores,                   // 0: centred a
      scored.centredValues[1].scores,                   // 1: centred b
      mrat,                                             // 2: the MRAT
      (0..<m).map { Double($0 % 2) },                   // 3: a 0/1 outcome
      (0..<m).map { Double($0) / 10 },                  // 4: tenths: sixtieths
      (0..<m).map { Double($0) * 0.1 },                 // 5: 3 × 0.1 is not 0.3: Doubles
      (0..<m).map { $0 == 7 ? -0.0 : 2 },               // 6: −0: Doubles
      (0..<m).map { -Double($0) },                      // 7: negatives: Doubles
    ]
    let keptScores = [0, 1, 3, 4, 5, 6, 7, 0]
    let centring: [AlignmentRows.Centring?] = [
      .init(scale: 0, value: 0, mrat: 2), .init(scale: 0, value: 1, mrat: 2), nil, nil, nil, nil, nil,
      .init(scale: 0, value: 1, mrat: 2),  // wrong value for score 0: kept as Doubles
    ]
    var total = AlignmentRows(scores: keptScores, level: 0, centring: centring)
    let groups = (0..<m).map { Int32($0 % 5 == 0 ? -1 : $0 % 3) }
    for half in [0..<100, 100..<m] {
      var partial = AlignmentRows(scores: keptScores, level: 0, centring: centring)
      partial.append(columns.map { Array($0[half]) }, valueScores: [CandorPsychometrics.ValueScores(slicing: scored, half)],
                     groups: Array(groups[half]))
      total.merge(partial, mapping: [10, 11, 12])
    }
    #expect(total.complete && total.rows == m && total.blockCount == 2)
    var read: [AlignmentRows.Block] = []
    try total.forEachBlock { read.append($0) }
    let values = read.flatMap(\.values), k = keptScores.count
    #expect(read.flatMap(\.groups) == groups.map { $0 < 0 ? -1 : [10, 11, 12][Int($0)] })
    for (j, s) in keptScores.enumerated() {
      for r in 0..<m {
        let got = values[r * k + j], want = columns[s][r]
        #expect(got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN), "kept column \(j), row \(r)")
      }
    }
    // Each block: the row count, K = 9 tags (eight kept columns and the MRAT), the groups,
    // then the columns. Compact (2 bytes a row, padded to 8): both centred values, the
    // outcome, the tenths, and in the second block the column whose −0 sat in the first;
    // Doubles: 0.1 × count, negatives, the wrongly centred copy, the MRAT, and −0's column
    // in the first block.
    func blockBytes(_ rows: Int, compact: Int) -> Int {
      8 * (2 + 9) + 4 * AlignmentRows.paddedGroups(rows) + compact * 8 * ((rows + 3) / 4) + (9 - compact) * 8 * rows
    }
    #expect(total.bytesWritten == blockBytes(100, compact: 4) + blockBytes(m - 100, compact: 5))
    #expect(AlignmentRows.sixtieths([1, 0.5, .nan, 1092.2]) == [60, 30, AlignmentRows.sixtiethsMissing, 65_532])
    #expect(AlignmentRows.sixtieths([0.1 * 3]) == nil && AlignmentRows.sixtieths([-0.0]) == nil)
    #expect(AlignmentRows.sixtieths([1092.25]) == nil && AlignmentRows.sixtieths([.infinity]) == nil)
  }

  @Test func aDecimalCovariateIsKeptExactly() throws {
    // Tenure 7.5 on one row: the kept rows hold the pass's Doubles, so the step still
    // uses them and gets a second read's numbers.
    let text = try String(contentsOfFile: Self.demo, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let tenure = try #require(header.firstIndex(of: "tenure"))
    var fields = lines[40].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    fields[tenure] = "7.5"
    lines[40] = fields.joined(separator: ",")
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("candor-align-\(UUID().uuidString).csv")
    try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let kept = try Self.load(file.path, keep: true)
    let rows = try #require(kept.statistics.alignmentRows)
    #expect(rows.complete && rows.rows == kept.statistics.rowsUsed)
    let pass = try ValuesAlignmentPass(data: kept, scale: "values", keeping: ["left", "intent_stay", "tenure"])
    #expect(try pass.run(data: kept).readTheExportAgain == false)
    Self.expectSame(try kept.valuesAlignment(scale: "values"), try Self.load(file.path, keep: false).valuesAlignment(scale: "values"))
  }

  /// The pass reserves the per-respondent columns from the export's size and its first
  /// batch's bytes per row (the demo is one batch: its rows, 2 % over, plus 1,024), so they
  /// do not double mid-pass; the numbers are those of a pass that does not reserve.
  @Test func thePassReservesRespondentColumnsFromTheFileSize() throws {
    let kept = try Self.load(keep: true)
    let columns = try #require(kept.statistics.respondents)
    let estimate = Int(Double(kept.statistics.rowsRead) * 1.02) + 1_024
    #expect(columns.values.allSatisfy { $0.capacity >= estimate && $0.count == kept.statistics.rowsUsed })
    #expect(columns.clusterLevel == nil || columns.cluster.capacity >= estimate)
    var request = AnalysisRequest(files: [Self.demo], codebookPath: Self.codebook)
    request.keepColumnsForPlan = true
    let layout = try SurveyData.load(request).layout
    let (source, _) = try SurveyData.openForPass(Self.demo, codebook: kept.codebook, request: request)
    let unreserved = try SurveyPass(layout: layout, screens: kept.codebook.screens, threads: 2).run(source)
    #expect(unreserved.respondents?.values == columns.values)
    #expect(unreserved.respondents.map { $0.values.allSatisfy { $0.capacity < estimate } } == true)
  }
}

extension AlignmentRows {
  /// The blocks in file order (each a batch of the pass, in the order the batches were merged).
  func forEachBlock(_ body: (Block) throws -> Void) throws {
    prepareForReading()
    for i in 0..<blockCount { try body(try block(i)) }
  }
}

extension CandorPsychometrics.ValueScores {
  /// Rows `rows` of `scores`' value scores (what a partial of those rows would score).
  init(slicing scores: CandorPsychometrics.ValueScores, _ rows: Range<Int>) {
    func cut(_ s: ScaleScores) -> ScaleScores {
      ScaleScores(name: s.name, scores: Array(s.scores[rows]), unscored: s.scores[rows].filter(\.isNaN).count)
    }
    self.init(values: scores.values.map(cut), higherOrder: scores.higherOrder.map(cut), mrat: cut(scores.mrat),
              centredValues: scores.centredValues.map(cut), centredHigherOrder: scores.centredHigherOrder.map(cut))
  }
}
