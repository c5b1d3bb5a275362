import CandorData
import CandorNumerics
import CandorPsychometrics
import Foundation

/// One streaming pass over an export: decode → screen → score → accumulate.
///
/// Work is split by the reader into record batches on `threads` workers. Each worker
/// decodes its batch into a column-major ``RowBlock`` (NaN = missing), applies the
/// stateless screens (Qualtrics status, unfinished, straight-lining), scores every
/// scale, and accumulates a batch-local ``PassStatistics``. The calling thread merges
/// the partials in file order and applies the duplicate-id screen, which needs order.
/// Peak memory is a few batches plus statistics whose size depends on variables and
/// groups, never on rows.
///
/// `duplicate_ids: keep-first | keep-last` need the absolute row of each id before
/// anything is accumulated, so under those policies batches are accumulated on the
/// calling thread after the duplicate screen (and keep-last reads the id column in a
/// first pass). The default, `error`, stops at the first repeated id.
public struct SurveyPass: Sendable {
  public let layout: AnalysisLayout
  public let screens: Screens
  public let threads: Int

  public init(layout: AnalysisLayout, screens: Screens, threads: Int) {
    self.layout = layout
    self.screens = screens
    self.threads = max(1, threads)
  }

  /// Reads `source` once (twice under `keep-last`) and returns the merged statistics.
  public func run(_ source: any SurveySource, progress: ((Int) -> Void)? = nil) throws -> PassStatistics {
    let layout = self.layout, screens = self.screens
    var screener = try makeScreener(source)
    let plan = layout.plan
    let orderedAccumulation = screens.duplicateIds != .error && plan.idColumn != nil
    var total = PassStatistics(layout: layout)
    var row = 0
    try source.readBatches(threads: threads, visibility: Self.visibility(plan), map: { batch in
      try BatchWork(batch: batch, layout: layout, screens: screens, accumulate: !orderedAccumulation)
    }, consume: { work, position in
      var work = work
      try work.screenDuplicates(&screener, firstRow: row + 1)
      if orderedAccumulation { work.accumulate(layout: layout) }
      row += work.block.rows
      total.merge(work.partial)
      progress?(row)
    })
    return total
  }

  /// The row screener for a pass over `source`: under `duplicate_ids: keep-last` it
  /// first reads the id column once (rows the stateless screens exclude do not count),
  /// so the main pass knows which occurrence of each id is the last.
  func makeScreener(_ source: any SurveySource) throws -> RowScreener {
    let plan = layout.plan, screens = self.screens
    var screener = RowScreener(screens: screens)
    if screener.needsFirstPass, let idColumn = plan.idColumn {
      var row = 0
      try source.forEachBatch(threads: threads) { batch in
        for r in 0..<batch.count {
          if try Self.statelessExclusion(batch, r, plan: plan, screens: screens) == nil {
            screener.recordID(batch.string(r, idColumn), row: row + 1)
          }
          row += 1
        }
      }
    }
    return screener
  }

  /// Item columns may show their text in errors; ids, groups and free text never.
  static func visibility(_ plan: DecodingPlan) -> TextVisibility {
    .columns(Set(plan.variables.map(\.column)))
  }

  /// Status and unfinished screens for one record (no state needed).
  static func statelessExclusion(_ batch: RecordBatch, _ r: Int, plan: DecodingPlan, screens: Screens) throws -> ExclusionReason? {
    var screener = RowScreener(screens: Screens.statelessPart(of: screens))
    var counts = ExclusionCounts()
    return try screener.screen(row: r, status: plan.statusColumn.map { batch.string(r, $0) },
                               finished: plan.finishedColumn.map { batch.string(r, $0) }, id: nil,
                               counts: &counts)
  }
}

extension Screens {
  /// The screens that need no memory of other rows (status, unfinished, straight-lining).
  static func statelessPart(of s: Screens) -> Screens {
    var t = s
    t.duplicateIds = .error
    return t
  }
}

/// The work of one batch: decoded block, keep mask, group indices, partial statistics.
struct BatchWork: Sendable {
  var block: RowBlock
  var keep: [Bool]
  /// Per group level: batch-local group index of each row (-1 = no group).
  var groupIndex: [[Int32]]
  /// Id texts (only when a duplicate screen runs on the calling thread).
  var idTexts: [String]?
  var partial: PassStatistics
  var accumulated = false

  init(batch: RecordBatch, layout: AnalysisLayout, screens: Screens, accumulate: Bool) throws {
    let plan = layout.plan
    let n = batch.count, p = plan.variables.count
    partial = PassStatistics(layout: layout)
    partial.rowsRead = n
    // 1. Decode every analysed cell (NaN = missing).
    var values = [Double](repeating: .nan, count: n * p)
    var counts = DecodeCounts(variables: p)
    for (v, variable) in plan.variables.enumerated() {
      let c = variable.column
      for r in 0..<n {
        do {
          values[r + v * n] = try batch.withField(r, c) { bytes in
            try plan.decodeCell(bytes, variable: v, row: nil, counts: &counts)
          }
        } catch let e as DecodeError {
          throw batch.error(e.readErrorKind, record: r, column: c)
        }
      }
    }
    partial.decodeCounts = counts
    block = RowBlock(rows: n, columns: p, values: values)
    // 2. Stateless screens.
    keep = Array(repeating: true, count: n)
    var screener = RowScreener(screens: Screens.statelessPart(of: screens))
    let needsAnswers = screens.straightlining != .off
    for r in 0..<n {
      var answers: [[Double]] = []
      if needsAnswers {
        answers = layout.scales.map { s in s.variables.map { plan.unkeyed(values[r + $0 * n], variable: $0) } }
      }
      let reason = try screener.screen(row: r, status: plan.statusColumn.map { batch.string(r, $0) },
                                       finished: plan.finishedColumn.map { batch.string(r, $0) }, id: nil,
                                       scaleAnswers: answers, counts: &partial.exclusions)
      if reason != nil { keep[r] = false }
    }
    partial.rowsUsed = keep.lazy.filter { $0 }.count
    // 3. Group labels, interned batch-locally.
    groupIndex = []
    for level in 0..<layout.groupLevels.count {
      let columns = layout.groupLevels[level].columns
      var idx = [Int32](repeating: -1, count: n)
      for r in 0..<n where keep[r] {
        var label = batch.string(r, columns[0]).trimmingCharacters(in: .whitespaces)
        if label.isEmpty { continue }
        var blank = false
        for c in columns.dropFirst() {
          let part = batch.string(r, c).trimmingCharacters(in: .whitespaces)
          if part.isEmpty { blank = true; break }
          label += " / " + part
        }
        if blank { continue }
        idx[r] = partial.groups[level].intern(label)
      }
      groupIndex.append(idx)
    }
    if screens.duplicateIds != .error || plan.idColumn != nil, let idColumn = plan.idColumn {
      idTexts = (0..<n).map { batch.string($0, idColumn) }
    }
    if accumulate { self.accumulate(layout: layout) }
  }

  /// Applies the duplicate-id screen (the only screen that needs file order) to the
  /// rows still kept; `firstRow` is the 1-based data row of the batch's first record.
  /// Runs on the calling thread, batches in file order.
  mutating func screenDuplicates(_ screener: inout RowScreener, firstRow: Int) throws {
    guard let ids = idTexts else { return }
    for r in 0..<block.rows where keep[r] {
      let reason = try screener.screen(row: firstRow + r, status: nil, finished: nil, id: ids[r],
                                       counts: &partial.exclusions)
      if reason != nil { keep[r] = false; partial.rowsUsed -= 1 }
    }
  }

  /// The kept rows of ``block``, compacted (column-major), in batch order.
  func keptRows() -> (block: RowBlock, rows: [Int]) {
    let n = block.rows
    let kept = (0..<n).filter { keep[$0] }
    let m = kept.count
    var used = RowBlock(rows: m, columns: block.columns, values: [Double](repeating: .nan, count: m * block.columns))
    block.values.withUnsafeBufferPointer { src in
      used.values.withUnsafeMutableBufferPointer { dst in
        for v in 0..<block.columns {
          let s = v * n, d = v * m
          for (i, r) in kept.enumerated() { dst[d + i] = src[s + r] }
        }
      }
    }
    return (used, kept)
  }

  /// Adds the kept rows to ``partial``.
  mutating func accumulate(layout: AnalysisLayout) {
    precondition(!accumulated, "a batch is accumulated once")
    accumulated = true
    guard keep.contains(true) else { return }
    let plan = layout.plan
    let (used, kept) = keptRows()
    let m = kept.count
    let groups = groupIndex.map { idx in kept.map { idx[$0] } }
    // Frequencies.
    for v in 0..<used.columns {
      let base = v * m
      for i in 0..<m { partial.frequencies[v].add(used.values[base + i]) }
    }
    // Item co-moments per scale (a scale's items are contiguous when declared in order).
    for (s, scale) in layout.scales.enumerated() {
      partial.scaleItems[s].add(Self.columns(used, scale.variables))
    }
    let scoreColumns = Self.scoreColumns(used, layout: layout).columns
    var scoreValues = [Double]()
    scoreValues.reserveCapacity(m * scoreColumns.count)
    for (k, c) in scoreColumns.enumerated() {
      scoreValues.append(contentsOf: c)
      if layout.scoreScale[k] != nil { partial.unscored[k] += c.lazy.filter(\.isNaN).count }
    }
    partial.scores.add(RowBlock(rows: m, columns: scoreColumns.count, values: scoreValues))
    if partial.respondents != nil {
      let level = partial.respondents!.clusterLevel
      partial.respondents!.append(columns: scoreColumns, cluster: level.map { groups[$0] })
    }
    // Groups.
    for level in partial.groups.indices {
      let g = groups[level]
      for i in 0..<m where g[i] >= 0 { partial.groups[level].respondents[Int(g[i])] += 1 }
      for k in scoreColumns.indices { partial.groups[level].scores[k].add(values: scoreColumns[k], groups: g) }
      for (s, scale) in layout.scales.enumerated() {
        let itemColumns = scale.variables.map { Array(used.values[($0 * m)..<(($0 + 1) * m)]) }
        partial.groups[level].items[s]?.add(columns: itemColumns, groups: g)
        partial.groups[level].favourability[s]?.add(columns: itemColumns, groups: g)
      }
    }
    _ = plan
  }

  /// The score variables of ``AnalysisLayout/scoreNames`` for every row of `used`
  /// (NaN = no score), plus each value scale's full ``ValueScores`` (uncentred value and
  /// higher-order scores too), by scale index. Shared by the statistics pass and the
  /// per-respondent export, so both see the same numbers.
  static func scoreColumns(_ used: RowBlock, layout: AnalysisLayout) -> (columns: [[Double]], valueScores: [CandorPsychometrics.ValueScores?]) {
    let m = used.rows
    var columns: [[Double]] = []
    var valueScores: [CandorPsychometrics.ValueScores?] = Array(repeating: nil, count: layout.scales.count)
    for s in layout.scales.indices {
      if let spec = layout.scoreSpecs[s] {
        let scored = (try? ScaleScorer.score(used, spec))?.scores ?? Array(repeating: .nan, count: m)
        columns.append(scored)
      } else if let spec = layout.valueSpecs[s] {
        if let v = try? ValueScorer.score(used, spec) {
          for c in v.centredValues { columns.append(c.scores) }
          for c in v.centredHigherOrder { columns.append(c.scores) }
          columns.append(v.mrat.scores)
          valueScores[s] = v
        } else {
          let k = layout.scoreScale.lazy.filter { $0 == s }.count
          columns.append(contentsOf: Array(repeating: Array(repeating: .nan, count: m), count: k))
        }
      }
    }
    for v in layout.outcomeVariables { columns.append(Array(used.values[(v * m)..<((v + 1) * m)])) }
    for v in layout.covariateVariables { columns.append(Array(used.values[(v * m)..<((v + 1) * m)])) }
    return (columns, valueScores)
  }

  /// The sub-block of `columns` (copied; contiguous ranges copy in one go).
  static func columns(_ b: RowBlock, _ columns: [Int]) -> RowBlock {
    var out = [Double]()
    out.reserveCapacity(b.rows * columns.count)
    for c in columns { out.append(contentsOf: b.values[(c * b.rows)..<((c + 1) * b.rows)]) }
    return RowBlock(rows: b.rows, columns: columns.count, values: out)
  }
}

extension DecodeError {
  /// The reader's error kind, so the reader positions it (file, line, record, column).
  var readErrorKind: ReadError.Kind {
    switch self {
    case let .outOfRange(_, _, _, range, _):
      func f(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
      return .outOfRange("value outside the range [\(f(range.min)), \(f(range.max))] — fix the data, add the value to the scale's missing codes, or run with --out-of-range missing")
    case .unmappedText:
      return .notANumber
    }
  }
}
