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
  /// Id hashes held in memory before the duplicate screen spills them to temporary files
  /// (``IdHashStore``).
  var spillIdHashesAbove = 1 << 20
  /// Size of the export in bytes, when known: after the first batch the pass estimates
  /// the rows from it and reserves the per-respondent columns once, so they never double
  /// their capacity mid-pass (a doubling briefly holds old and new buffers: ~50 MB more
  /// at 5M rows for the demo's retention model, the largest swing in the peak memory).
  var sourceBytes: Int?
  /// Sees the export's raw bytes as this pass reads them (text exports only; see
  /// ``RawByteObserver``): `candor analyze` hashes its input in this read.
  var rawByteObserver: (any RawByteObserver)?

  public init(layout: AnalysisLayout, screens: Screens, threads: Int) {
    self.layout = layout
    self.screens = screens
    self.threads = max(1, threads)
  }

  /// Reads `source` once (twice under `keep-last`) and returns the merged statistics.
  public func run(_ source: any SurveySource, progress: ((Int) -> Void)? = nil) throws -> PassStatistics {
    let layout = self.layout, screens = self.screens
    let plan = layout.plan
    // `duplicate_ids: error` (the default) needs no map from ids to rows while reading:
    // the kept rows' id hashes are collected (8 bytes a row, spilled to temporary files
    // past 1M rows) and checked once at the end.
    let hashOnly = screens.duplicateIds == .error && plan.idColumn != nil
    var screener = try makeScreener(source)
    let orderedAccumulation = screens.duplicateIds != .error && plan.idColumn != nil
    var total = PassStatistics(layout: layout)
    let idHashes = IdHashStore(spillAbove: spillIdHashesAbove)
    var row = 0
    var reserved = false
    let sourceBytes = self.sourceBytes
    let levels = layout.internedGroupLevels
    let interners = GroupInternerPool(layout: layout, groupLevels: levels)
    let map: @Sendable (RecordBatch) throws -> BatchWork = { batch in
      try BatchWork(batch: batch, layout: layout, screens: screens, accumulate: !orderedAccumulation,
                    idHashesOnly: hashOnly, groupLevels: levels, interners: interners, skipsUnreadValues: true)
    }
    func consume(_ work: BatchWork, _ position: BatchPosition) throws {
      var work = work
      if !reserved, let size = sourceBytes, work.sourceBytes > 0, work.block.rows > 0 {
        // Rows of the whole export at this batch's bytes per row, 2 % over: reserved
        // capacity that is never written is never resident.
        total.reserveRespondentRows(Int(Double(size) / Double(work.sourceBytes) * Double(work.block.rows) * 1.02) + 1_024)
        reserved = true
      }
      if hashOnly {
        for (r, h) in work.idHashes.enumerated() where work.keep[r] && h != 0 { idHashes.append(h) }
      } else {
        try work.screenDuplicates(&screener, firstRow: row + 1)
      }
      if orderedAccumulation { work.accumulate(layout: layout) }
      row += work.block.rows
      let started = Trace.stageStart()
      total.merge(work.partial)
      Trace.stage(.merge, since: started)
      progress?(row)
    }
    let visibility = Self.visibility(plan)
    if let observer = rawByteObserver, let text = source as? TextSurveySource {
      try text.readBatches(threads: threads, visibility: visibility, observer: observer, map: map, consume: consume)
    } else {
      try source.readBatches(threads: threads, visibility: visibility, map: map, consume: consume)
    }
    if hashOnly, let repeated = idHashes.firstRepeated(threads: threads) {
      throw try duplicate(hash: repeated, in: source)
    }
    return total
  }

  /// The error for a repeated id: reads the id column again (only on this error path) for
  /// the id's text and its first two rows among the rows the stateless screens keep.
  func duplicate(hash: UInt64, in source: any SurveySource) throws -> DuplicateIDError {
    let plan = layout.plan, screens = self.screens
    var rows: [Int] = []
    var text = ""
    var row = 0
    try source.forEachBatch(threads: threads) { batch in
      for r in 0..<batch.count {
        row += 1
        guard rows.count < 2, let idColumn = plan.idColumn else { continue }
        let id = batch.string(r, idColumn).trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, BatchWork.idHash(Array(id.utf8)) == hash,
              try Self.statelessExclusion(batch, r, plan: plan, screens: screens) == nil else { continue }
        text = id
        rows.append(row)
      }
    }
    return DuplicateIDError(id: text, firstRow: rows.first ?? 0, row: rows.last ?? 0)
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
  /// Each decoded cell's position in its variable's response range
  /// (``ItemGroupHistogram/code(_:minimum:top:)``), column-major like ``block``: what
  /// frequencies and item histograms count, found once while decoding.
  var codes: [UInt8]
  /// Per variable: whether its codes hold 254 in this batch (``CellDecoder/decode(_:rows:)``).
  var codesWithOther: [Bool]
  var keep: [Bool]
  /// Per group level: batch-local group index of each row (-1 = no group).
  var groupIndex: [[Int32]]
  /// Id texts (when the duplicate screen runs row by row on the calling thread).
  var idTexts: [String]?
  /// FNV-1a hashes of the trimmed ids (0 = blank), when only hashes are collected.
  var idHashes: [UInt64] = []
  var partial: PassStatistics
  var accumulated = false
  /// Bytes of the export the batch came from (``RecordBatch/byteCount``).
  var sourceBytes = 0

  /// - Parameters:
  ///   - accumulate: add the kept rows to ``partial`` here, instead of keeping the decoded
  ///     ``block`` for a later ``accumulate(layout:)``.
  ///   - groupLevels: the group levels to intern (nil = all); a second pass that needs one
  ///     level skips hashing the others (their indices stay -1).
  ///   - decoding: per variable, whether to decode it (nil = all); a second pass that needs
  ///     a few scales skips the other columns (they stay missing).
  ///   - interners: the pass's group interners (nil: one for this batch alone); they must
  ///     intern the same `groupLevels`.
  ///   - skipsUnreadValues: the statistics pass's decoding, which leaves unwritten the values
  ///     its accumulation never reads (``CellDecoder/init(layout:decoding:groupLevels:skipsUnreadValues:)``);
  ///     other passes read the decoded block themselves and keep every value.
  init(batch: RecordBatch, layout: AnalysisLayout, screens: Screens, accumulate: Bool,
       idHashesOnly: Bool = false, groupLevels: Set<Int>? = nil, decoding: [Bool]? = nil,
       interners: GroupInternerPool? = nil, skipsUnreadValues: Bool = false) throws {
    let plan = layout.plan
    let n = batch.count, p = plan.variables.count
    partial = PassStatistics(layout: layout)
    partial.rowsRead = n
    sourceBytes = batch.byteCount
    keep = Array(repeating: true, count: n)
    groupIndex = Array(repeating: Array(repeating: -1, count: n), count: layout.groupLevels.count)
    // 1. Decode (values, codes, group-cell keys), 2. stateless screens, 3. group labels.
    var decoder = CellDecoder(layout: layout, decoding: decoding, groupLevels: groupLevels, skipsUnreadValues: skipsUnreadValues)
    var started = Trace.stageStart()
    let decoded = try decoder.decode(batch, rows: 0..<n)
    Trace.stage(.decode, since: started)
    partial.decodeCounts = decoder.counts
    block = RowBlock(rows: n, columns: p, values: decoded.values)
    codes = decoded.codes
    codesWithOther = decoded.other
    started = Trace.stageStart()
    try screen(batch, layout: layout, screens: screens)
    Trace.stage(.screens, since: started)
    partial.rowsUsed = keep.lazy.filter { $0 }.count
    precondition(interners == nil || interners!.groupLevels == groupLevels, "the pool interns other group levels")
    let labels = interners?.take() ?? GroupInterner(layout: layout, groupLevels: groupLevels)
    started = Trace.stageStart()
    labels.intern(batch, rows: 0..<n, keys: decoded.groupKeys, keep: keep, into: &groupIndex, groups: &partial.groups)
    Trace.stage(.interning, since: started)
    interners?.give(labels)
    if let idColumn = plan.idColumn {
      if idHashesOnly {
        idHashes = batch.withUnsafeView { view in
          (0..<n).map { r in
            batch.needsUnescape(r, idColumn)
              ? Self.idHash(Array(batch.string(r, idColumn).trimmingCharacters(in: .whitespaces).utf8))
              : Self.idHash(Self.trim(view.field(r, idColumn)))
          }
        }
      } else {
        idTexts = (0..<n).map { batch.string($0, idColumn) }
      }
    }
    if accumulate { self.accumulate(layout: layout) }
  }

  /// Stateless screens of the decoded ``block``: status, unfinished, straight-lining.
  private mutating func screen(_ batch: RecordBatch, layout: AnalysisLayout, screens: Screens) throws {
    let plan = layout.plan
    var screener = RowScreener(screens: Screens.statelessPart(of: screens))
    let flat = screens.straightlining == .off ? nil
      : Self.straightlined(block.values, codes: codes, other: codesWithOther, rows: block.rows, layout: layout)
    let hasStatus = plan.statusColumn != nil || plan.finishedColumn != nil
    for r in 0..<block.rows where hasStatus || flat?[r] == true {
      let reason = try screener.screen(row: r, status: plan.statusColumn.map { batch.string(r, $0) },
                                       finished: plan.finishedColumn.map { batch.string(r, $0) }, id: nil,
                                       isStraightlined: flat?[r] ?? false, counts: &partial.exclusions)
      if reason != nil { keep[r] = false }
    }
  }

  /// FNV-1a (64-bit) of an id's bytes, as ``RowScreener`` hashes ids; 0 for a blank id.
  static func idHash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    var empty = true
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3; empty = false }
    return empty ? 0 : h
  }

  /// Bytes without surrounding spaces and tabs.
  @inline(__always) static func trim(_ f: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    var lo = 0, hi = f.count
    while lo < hi, f[lo] == 0x20 || f[lo] == 0x09 { lo += 1 }
    while hi > lo, f[hi - 1] == 0x20 || f[hi - 1] == 0x09 { hi -= 1 }
    return UnsafeRawBufferPointer(rebasing: f[lo..<hi])
  }

  /// A group label from cells that held doubled quotes.
  static func unescapedLabel(_ batch: RecordBatch, _ r: Int, _ columns: [Int]) -> String {
    columns.map { batch.string(r, $0).trimmingCharacters(in: .whitespaces) }.joined(separator: " / ")
  }

  /// Straight-lining per row: the same answer (in the respondent's metric, before keying)
  /// on every item of at least two scales of ≥ 2 items, all answered (design.md §4).
  ///
  /// A scale whose codes cover its points (``AnalysisLayout/codesCoverPoints``) and none
  /// of whose items holds code 254 in the batch (`other`, per column of `codes`) is
  /// compared on the decoder's codes (`codes`, column-major like `values`), a column at a
  /// time: a reversed item's code c is the respondent's points − 1 − c, and two answers
  /// are equal exactly when their codes are. Other scales compare the values row by row.
  static func straightlined(_ values: [Double], codes: [UInt8], other: [Bool], rows n: Int, layout: AnalysisLayout) -> [Bool] {
    var flatScales = [Int](repeating: 0, count: n)
    for (s, scale) in layout.scales.enumerated() where scale.variables.count >= 2 {
      let vars = scale.variables
      if codes.count == values.count, layout.codesCoverPoints[s], !vars.contains(where: { other[$0] }) {
        let last = UInt8(scale.range.points - 1)
        var first = [UInt8](repeating: 0, count: n), same = [UInt8](repeating: 0, count: n)
        codes.withUnsafeBufferPointer { all in
          first.withUnsafeMutableBufferPointer { first in
            same.withUnsafeMutableBufferPointer { same in
              /// Item `v`'s answer in row `r` as a code of the respondent's metric.
              @inline(__always) func answer(_ column: UnsafePointer<UInt8>, _ r: Int, flipped: Bool) -> UInt8 {
                let c = column[r]
                return c == ResponseCodes.missing || !flipped ? c : last &- c
              }
              let column0 = all.baseAddress! + vars[0] * n, flipped0 = layout.flips[vars[0]].flipped
              for r in 0..<n {
                let a = answer(column0, r, flipped: flipped0)
                first[r] = a
                same[r] = a == ResponseCodes.missing ? 0 : 1
              }
              for v in vars.dropFirst() {
                let column = all.baseAddress! + v * n, flipped = layout.flips[v].flipped
                for r in 0..<n { same[r] &= answer(column, r, flipped: flipped) == first[r] ? 1 : 0 }
              }
            }
          }
        }
        for r in 0..<n { flatScales[r] += Int(same[r]) }
        continue
      }
      for r in 0..<n {
        let first = layout.unkeyed(values[r + vars[0] * n], variable: vars[0])
        if first.isNaN { continue }
        var same = true
        for v in vars.dropFirst() where layout.unkeyed(values[r + v * n], variable: v) != first { same = false; break }
        if same { flatScales[r] += 1 }
      }
    }
    return flatScales.map { $0 >= 2 }
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

  /// The kept rows of ``block``, compacted (column-major), in batch order; the block
  /// itself when every row is kept.
  func keptRows() -> (block: RowBlock, rows: [Int]) {
    let n = block.rows
    if !keep.contains(false) { return (block, Array(0..<n)) }
    let kept = (0..<n).filter { keep[$0] }
    return (RowBlock(rows: kept.count, columns: block.columns, values: Self.compact(block.values, rows: n, kept: kept)), kept)
  }

  /// The rows `kept` of each column of a column-major `rows`-row array, in order.
  static func compact<T>(_ all: [T], rows n: Int, kept: [Int]) -> [T] {
    let m = kept.count, columns = n == 0 ? 0 : all.count / n
    var out = [T]()
    out.reserveCapacity(m * columns)
    all.withUnsafeBufferPointer { src in
      for v in 0..<columns {
        let s = v * n
        for r in kept { out.append(src[s + r]) }
      }
    }
    return out
  }

  /// Adds the kept rows to ``partial`` and releases the decoded block and codes.
  mutating func accumulate(layout: AnalysisLayout) {
    precondition(!accumulated, "a batch is accumulated once")
    accumulated = true
    defer { block = RowBlock(rows: block.rows, columns: 0, values: []); codes = [] }  // keeps the row count for consume
    guard keep.contains(true) else { return }
    let (used, kept) = keptRows()
    let m = kept.count
    let usedCodes = m == block.rows ? codes : Self.compact(codes, rows: block.rows, kept: kept)
    let groups = m == block.rows ? groupIndex : groupIndex.map { idx in kept.map { idx[$0] } }
    var started = Trace.stageStart()
    for level in partial.groups.indices where layout.interns(level) {
      groups[level].withUnsafeBufferPointer { g in
        partial.groups[level].respondents.withUnsafeMutableBufferPointer { count in
          for i in 0..<m where g[i] >= 0 { count[Int(g[i])] &+= 1 }
        }
      }
    }
    Trace.stage(.groupMoments, since: started)
    started = Trace.stageStart()
    // Frequencies of scale items (what reliability tables report; outcomes and covariates
    // are not tabulated), counted from the decoder's codes, which name the item's own
    // points (its values are read for the rare code that is not one of them).
    used.values.withUnsafeBufferPointer { all in
      usedCodes.withUnsafeBufferPointer { codes in
        for v in 0..<used.columns where layout.isScaleItem[v] {
          let column = (v * m)..<((v + 1) * m)
          if layout.frequenciesCountCodes[v] {
            partial.frequencies[v].add(codes: UnsafeBufferPointer(rebasing: codes[column]), values: UnsafeBufferPointer(rebasing: all[column]))
          } else {
            partial.frequencies[v].add(UnsafeBufferPointer(rebasing: all[column]))
          }
        }
      }
    }
    Trace.stage(.frequencies, since: started)
    // Per scale, read in place: item histograms at the group levels that keep one for it
    // (ordinary scales; every level, or where the plan aggregates the scale: each value's
    // position in the scale's range — the decoder's code when every item's range has the
    // scale's minimum and points — is counted once per such level) and item co-moments.
    for (s, scale) in layout.scales.enumerated() {
      Self.withColumns(used, scale.variables) { values in
        var started = Trace.stageStart()
        if partial.groups.contains(where: { $0.items[s] != nil }) {
          let codes = layout.scaleItemsShareCodes[s] ? Self.columns(usedCodes, rows: m, scale.variables)
                                   : ItemGroupHistogram.codes(values, range: scale.range)
          codes.withUnsafeBufferPointer { codes in
            for level in partial.groups.indices where partial.groups[level].items[s] != nil {
              let count = partial.groups[level].groupCount
              partial.groups[level].items[s]!.add(codes: codes, values: values, rows: m, groups: groups[level], groupCount: count)
            }
          }
        }
        Trace.stage(.itemHistograms, since: started)
        started = Trace.stageStart()
        if let minimum = layout.itemCodeMinimum[s], let first = scale.variables.first {
          // Adjacent items (withColumns read them in place): their codes are adjacent too.
          usedCodes.withUnsafeBufferPointer { codes in
            let items = UnsafeBufferPointer(rebasing: codes[(first * m)..<((first + scale.variables.count) * m)])
            partial.scaleItems[s].add(columnMajor: values, codes: items, codeMinimum: minimum, rows: m)
          }
        } else {
          partial.scaleItems[s].add(columnMajor: values, rows: m)
        }
        Trace.stage(.itemCoMoments, since: started)
      }
    }
    for (k, set) in layout.contingencySets.enumerated() { partial.contingency[k].add(Self.columns(used, set)) }
    started = Trace.stageStart()
    // The batch's 254 flags: a column flagged for a row left out only takes the values path.
    let responseCodes = ResponseCodes(codes: usedCodes, rows: m, minimum: layout.codeMinimum, other: codesWithOther)
    let scored = Self.scoreColumns(used, layout: layout, codes: responseCodes)
    let scoreColumns = scored.columns
    Trace.stage(.scoring, since: started)
    started = Trace.stageStart()
    let thresholds = layout.favourableThreshold
    for (k, c) in scoreColumns.enumerated() {
      if layout.scoreScale[k] != nil {
        var unscored = 0
        for x in c where x.isNaN { unscored &+= 1 }
        partial.unscored[k] += unscored
        if let threshold = thresholds[k] {
          var favourable = 0
          for x in c where x >= threshold { favourable &+= 1 }
          partial.favourableRespondents[k] += favourable
        }
      }
    }
    partial.scores.add(scoreColumns, rows: m)
    Trace.stage(.scoreCoMoments, since: started)
    started = Trace.stageStart()
    if partial.waveLink != nil {
      let hashes: [UInt64] = kept.map { r in
        if !idHashes.isEmpty { return idHashes[r] }
        guard let texts = idTexts else { return 0 }
        return Self.idHash(Array(texts[r].trimmingCharacters(in: .whitespaces).utf8))
      }
      partial.waveLink!.append(hashes: hashes, columns: scoreColumns)
    }
    if partial.alignmentRows != nil {
      partial.alignmentRows!.append(scoreColumns, valueScores: scored.valueScores, groups: groups[partial.alignmentRows!.level])
    }
    if partial.respondents != nil {
      let level = partial.respondents!.clusterLevel
      partial.respondents!.append(columns: scoreColumns, cluster: level.map { groups[$0] })
    }
    Trace.stage(.rows, since: started)
    started = Trace.stageStart()
    defer { Trace.stage(.groupMoments, since: started) }
    for level in partial.groups.indices where layout.interns(level) {
      let count = partial.groups[level].groupCount
      for k in scoreColumns.indices where layout.groupScores[level][k] {
        partial.groups[level].scores[k].add(values: scoreColumns[k], groups: groups[level], groupCount: count)
      }
    }
  }

  /// The score variables of ``AnalysisLayout/scoreNames`` for every row of `used`
  /// (NaN = no score), plus each value scale's full ``ValueScores`` (uncentred value and
  /// higher-order scores too), by scale index. Shared by the statistics pass and the
  /// per-respondent export, so both see the same numbers.
  /// `scales`: the scales to score (nil = all); the others' columns are missing.
  /// `codes`: the block's response codes (the decoder's), which the scorers read where
  /// they may (same scores, bit for bit).
  static func scoreColumns(_ used: RowBlock, layout: AnalysisLayout, scales: Set<Int>? = nil, codes: ResponseCodes? = nil)
    -> (columns: [[Double]], valueScores: [CandorPsychometrics.ValueScores?]) {
    let m = used.rows
    var columns: [[Double]] = []
    var valueScores: [CandorPsychometrics.ValueScores?] = Array(repeating: nil, count: layout.scales.count)
    /// Scale `s`'s score variables, all missing.
    func unscored(_ s: Int) {
      let k = layout.scoreScale.lazy.filter { $0 == s }.count
      columns.append(contentsOf: Array(repeating: Array(repeating: .nan, count: m), count: k))
    }
    for s in layout.scales.indices {
      if let scales, !scales.contains(s) {
        unscored(s)
      } else if let spec = layout.scoreSpecs[s] {
        let scored = (try? ScaleScorer.score(used, spec, codes: codes))?.scores ?? Array(repeating: .nan, count: m)
        columns.append(scored)
      } else if let spec = layout.valueSpecs[s] {
        if let v = try? ValueScorer.score(used, spec, codes: codes) {
          for c in v.centredValues { columns.append(c.scores) }
          for c in v.centredHigherOrder { columns.append(c.scores) }
          columns.append(v.mrat.scores)
          valueScores[s] = v
        } else {
          unscored(s)
        }
      }
    }
    for v in layout.outcomeVariables { columns.append(Array(used.values[(v * m)..<((v + 1) * m)])) }
    for v in layout.covariateVariables { columns.append(Array(used.values[(v * m)..<((v + 1) * m)])) }
    return (columns, valueScores)
  }

  /// `body` on the columns `vars` of `b` (column-major, `b.rows` × `vars.count`): in place
  /// when they are adjacent variables in order (a scale's items declared in codebook order,
  /// the usual case), else on a copy (``columns(_:_:)``).
  static func withColumns<R>(_ b: RowBlock, _ vars: [Int], _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
    if let first = vars.first, vars == Array(first..<(first + vars.count)) {
      return try b.values.withUnsafeBufferPointer { all in
        try body(UnsafeBufferPointer(rebasing: all[(first * b.rows)..<((first + vars.count) * b.rows)]))
      }
    }
    return try columns(b, vars).values.withUnsafeBufferPointer(body)
  }

  /// The columns `vars` of a column-major `rows`-row array (copied).
  static func columns<T>(_ all: [T], rows: Int, _ vars: [Int]) -> [T] {
    if let first = vars.first, vars == Array(first..<(first + vars.count)) {
      return Array(all[(first * rows)..<((first + vars.count) * rows)])
    }
    var out = [T]()
    out.reserveCapacity(rows * vars.count)
    for v in vars { out.append(contentsOf: all[(v * rows)..<((v + 1) * rows)]) }
    return out
  }

  /// The sub-block of `columns` (copied).
  static func columns(_ b: RowBlock, _ columns: [Int]) -> RowBlock {
    RowBlock(rows: b.rows, columns: columns.count, values: Self.columns(b.values, rows: b.rows, columns))
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
