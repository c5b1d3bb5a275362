import CandorData
import CandorNumerics
import CandorPsychometrics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Per-respondent factor scores (`candor factors --scores FILE`): a second streaming pass
/// over the export, after the factor analysis of the first, writing the id (or `row`) and
/// one column per factor (`<scale>.F1`, …) for every respondent the screens keep, in file
/// order (one of the two per-respondent outputs allowed by design.md §8).
///
/// Scores are `zᵀW` (``FactorScorer``): z the respondent's keyed items standardised by
/// the first pass's item means and SDs, W psych `factor.scores` weights from the
/// solution (regression W = R⁻¹ΛΦ by default; Bartlett; ten Berge). A respondent missing
/// an item of the scale gets empty cells (counted in ``Summary/unscored``) unless
/// `imputeMean` replaces the missing item by its mean (z = 0).
///
/// Rows go through the same decode → screen code as the statistics pass (``BatchWork``);
/// the file is written as `<output>.partial` and renamed at the end, so a failed run
/// leaves no partial file. Memory does not grow with rows.
public struct FactorScorePass: Sendable {
  public let scorer: FactorScorer
  /// Decoded variables of the scale's items, item order.
  public let variables: [Int]
  /// Output header: id name, then the factor columns.
  public let header: [String]

  /// What the pass read and wrote.
  public struct Summary: Sendable, Equatable {
    public var rowsRead = 0
    /// Respondents written (kept by the screens).
    public var rowsWritten = 0
    /// Written respondents without scores (an item missing and no imputation).
    public var unscored = 0
    /// Written respondents with at least one item imputed by its mean.
    public var imputed = 0
    public init() {}
  }

  /// The scorer of `result` (a factor analysis of `scale` computed from `data`).
  public init(data: SurveyData, scale name: String, result: FactorAnalysisResult,
              method: FactorScoreMethod = .regression, imputeMean: Bool = false) throws {
    let s = try data.scaleIndices([name])[0]
    let scale = data.layout.scales[s]
    var (r, _, _) = try data.factorCorrelations(scale: s, kind: result.correlation)
    if let smoothed = try CorrelationSmoothing.smoothed(r) { r = smoothed }
    let moments = data.statistics.scaleItems[s].moments(data.request.missing)
    let loadings = Matrix(result.loadings.values)
    let phi = Matrix(result.phi)
    scorer = try FactorScorer(correlation: r, loadings: loadings, phi: phi, method: method,
                              means: moments.means, standardDeviations: moments.standardDeviations,
                              imputeMean: imputeMean)
    variables = scale.variables
    let idName = data.layout.plan.idColumn == nil ? "row" : (data.codebook.id ?? "id")
    header = [idName] + (1...result.factors).map { "\(name).F\($0)" }
  }

  /// Streams the scores of every file of `data.request` to `output` (via `<output>.partial`).
  public func write(data: SurveyData, to output: String) throws -> Summary {
    let partialPath = output + ".partial"
    let sink = try ScoreSink(path: partialPath)
    do {
      sink.write(header.map(ScoreExport.csvField).joined(separator: ",") + "\n")
      var summary = Summary()
      for file in data.request.files {
        let (source, layout) = try SurveyData.openForPass(file, codebook: data.codebook, request: data.request)
        let s = try write(source, layout: layout, screens: data.codebook.screens, threads: data.request.threads, to: sink)
        summary.rowsRead += s.rowsRead
        summary.rowsWritten += s.rowsWritten
        summary.unscored += s.unscored
        summary.imputed += s.imputed
      }
      try sink.close()
      guard rename(partialPath, output) == 0 else {
        throw ScoreExportError.cannotRename(from: partialPath, to: output, reason: String(cString: strerror(errno)))
      }
      return summary
    } catch {
      try? sink.close()
      try? FileManager.default.removeItem(atPath: partialPath)
      throw error
    }
  }

  /// One scored batch: screening state, per record its text line (nil = excluded by a
  /// stateless screen), whether it went unscored or imputed.
  struct ScoredBatch: Sendable {
    var work: BatchWork
    var lines: [[UInt8]?]
    var unscored: [Bool]
    var imputed: [Bool]
  }

  func write(_ source: any SurveySource, layout: AnalysisLayout, screens: Screens, threads: Int,
             to sink: ScoreSink) throws -> Summary {
    let pass = SurveyPass(layout: layout, screens: screens, threads: threads)
    var screener = try pass.makeScreener(source)
    let me = self
    let hasID = layout.plan.idColumn != nil
    var summary = Summary()
    var row = 0
    try source.readBatches(threads: threads, visibility: SurveyPass.visibility(layout.plan), map: { batch in
      try me.score(batch, layout: layout, screens: screens)
    }, consume: { scored, position in
      var scored = scored
      try scored.work.screenDuplicates(&screener, firstRow: row + 1)
      for r in 0..<scored.work.keep.count where scored.work.keep[r] {
        guard let line = scored.lines[r] else { continue }
        if !hasID { sink.write("\(position.recordBase + r + 1)") }
        sink.write(line[...])
        summary.rowsWritten += 1
        if scored.unscored[r] { summary.unscored += 1 }
        if scored.imputed[r] { summary.imputed += 1 }
      }
      summary.rowsRead += scored.work.keep.count
      row += scored.work.keep.count
      try sink.checkWrite()
    })
    return summary
  }

  /// Decodes, screens (all but duplicate ids) and scores one batch on a worker.
  func score(_ batch: RecordBatch, layout: AnalysisLayout, screens: Screens) throws -> ScoredBatch {
    // No group level: factor scores read no group index, so no cell is keyed or interned.
    var work = try BatchWork(batch: batch, layout: layout, screens: screens, accumulate: false, groupLevels: [])
    let (used, kept) = work.keptRows()
    var lines = [[UInt8]?](repeating: nil, count: batch.count)
    var unscored = [Bool](repeating: false, count: batch.count)
    var imputed = [Bool](repeating: false, count: batch.count)
    let k = scorer.weights.columns
    var items = [Double](repeating: .nan, count: variables.count)
    for (i, r) in kept.enumerated() {
      for (j, v) in variables.enumerated() { items[j] = used[i, v] }
      var fields: [String] = []
      if let idColumn = layout.plan.idColumn { fields.append(ScoreExport.csvField(batch.string(r, idColumn))) } else { fields.append("") }
      if let scores = scorer.scores(items) {
        fields += scores.map(ScoreExport.number)
        if items.contains(where: \.isNaN) { imputed[r] = true }
      } else {
        fields += Array(repeating: "", count: k)
        unscored[r] = true
      }
      lines[r] = Array((fields.joined(separator: ",") + "\n").utf8)
    }
    work.block = RowBlock(rows: work.block.rows, columns: 0, values: [])
    return ScoredBatch(work: work, lines: lines, unscored: unscored, imputed: imputed)
  }
}
