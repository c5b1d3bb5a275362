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
    try source.readBatches(threads: threads, visibility: Self.visibility(plan), map: { batch in
      try BatchWork(batch: batch, layout: layout, screens: screens, accumulate: !orderedAccumulation,
                    idHashesOnly: hashOnly)
    }, consume: { work, position in
      var work = work
      if hashOnly {
        for (r, h) in work.idHashes.enumerated() where work.keep[r] && h != 0 { idHashes.append(h) }
      } else {
        try work.screenDuplicates(&screener, firstRow: row + 1)
      }
      if orderedAccumulation { work.accumulate(layout: layout) }
      row += work.block.rows
      total.merge(work.partial)
      progress?(row)
    })
    if hashOnly, let repeated = idHashes.firstRepeated() {
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
  var keep: [Bool]
  /// Per group level: batch-local group index of each row (-1 = no group).
  var groupIndex: [[Int32]]
  /// Id texts (when the duplicate screen runs row by row on the calling thread).
  var idTexts: [String]?
  /// FNV-1a hashes of the trimmed ids (0 = blank), when only hashes are collected.
  var idHashes: [UInt64] = []
  var partial: PassStatistics
  var accumulated = false

  /// - Parameters:
  ///   - groupLevels: the group levels to intern (nil = all); a second pass that needs one
  ///     level skips hashing the others (their indices stay -1).
  ///   - decoding: per variable, whether to decode it (nil = all); a second pass that needs
  ///     a few scales skips the other columns (they stay missing).
  init(batch: RecordBatch, layout: AnalysisLayout, screens: Screens, accumulate: Bool,
       idHashesOnly: Bool = false, groupLevels: Set<Int>? = nil, decoding: [Bool]? = nil) throws {
    let plan = layout.plan
    let n = batch.count, p = plan.variables.count
    partial = PassStatistics(layout: layout)
    partial.rowsRead = n
    // 1. Decode every analysed cell (NaN = missing). One-digit cells, nearly all of a
    //    Likert export, go through a per-variable table built from the same decoder;
    //    other cells of up to 7 bytes ("12", "stayer") through a per-column cache of what
    //    the decoder made of the same bytes earlier in the batch (only decodes that counted
    //    nothing are cached, so out-of-range cells are still counted one by one).
    //    Row by row: a record's field offsets are adjacent in memory, a column's are not.
    var values = [Double](repeating: .nan, count: n * p)
    var codes = [UInt8](repeating: ItemGroupHistogram.missingCode, count: n * p)
    var counts = DecodeCounts(variables: p)
    // The group levels' columns, each once: their cells' ``ShortLabelTable/key(_:)`` are
    // packed while the record's field offsets are in cache (0 = empty, longer than 7
    // bytes, or escaped: step 3 reads those cells again).
    let levelsWanted = (0..<layout.groupLevels.count).filter { groupLevels?.contains($0) ?? true }
    var groupColumns: [Int] = []
    for level in levelsWanted { for c in layout.groupLevels[level].columns where !groupColumns.contains(c) { groupColumns.append(c) } }
    var groupKeys = [UInt64](repeating: 0, count: n * groupColumns.count)
    let active = (0..<p).filter { decoding?[$0] ?? true }
    let columnOf = active.map { plan.variables[$0].column }
    // Flat digit tables: value of digit d for the j-th active variable, and whether the
    // table may answer (nil entries — out of range — take the full decoder).
    var digitValue = [Double](repeating: .nan, count: active.count * 10)
    var digitKnown = [Bool](repeating: false, count: active.count * 10)
    var digitCode = [UInt8](repeating: ItemGroupHistogram.otherCode, count: active.count * 10)
    // Each active variable's range for the codes (no range: every answer is "other").
    let codeMinimum = active.map { plan.variables[$0].range?.min ?? 0 }
    let codeTop = active.map { v in plan.variables[v].range.map { ItemGroupHistogram.codeTop($0) } ?? 0 }
    for (j, v) in active.enumerated() {
      for d in 0..<10 {
        if let x = layout.digitTables[v][d] {
          digitValue[j * 10 + d] = x; digitKnown[j * 10 + d] = true
          digitCode[j * 10 + d] = ItemGroupHistogram.code(x, minimum: codeMinimum[j], top: codeTop[j])
        }
      }
    }
    var caches = [ShortFieldCache](repeating: ShortFieldCache(), count: active.count)
    try batch.withUnsafeView { view in
      try values.withUnsafeMutableBufferPointer { out in
        try codes.withUnsafeMutableBufferPointer { codeOut in
        let out = out.baseAddress!, codeOut = codeOut.baseAddress!
        for r in 0..<n {
          for j in active.indices {
            let v = active[j], c = columnOf[j]
            let field = view.field(r, c)
            if field.count == 1, case let d = Int(field[0] &- 48), d >= 0, d < 10, digitKnown[j &* 10 &+ d] {
              out[v &* n &+ r] = digitValue[j &* 10 &+ d]
              codeOut[v &* n &+ r] = digitCode[j &* 10 &+ d]
              continue
            }
            if field.isEmpty { continue }
            let key = ShortFieldCache.key(field)
            let x: Double
            if key != 0, let cached = caches[j][key] {
              x = cached
            } else {
              do {
                if key != 0 {
                  let before = counts.outOfRange[v]
                  x = try plan.decodeCell(field, variable: v, row: nil, counts: &counts)
                  if counts.outOfRange[v] == before { caches[j][key] = x }
                } else if batch.needsUnescape(r, c) {
                  let bytes = batch.unescapedBytes(r, c)
                  x = try bytes.withUnsafeBytes { try plan.decodeCell($0, variable: v, row: nil, counts: &counts) }
                } else {
                  x = try plan.decodeCell(field, variable: v, row: nil, counts: &counts)
                }
              } catch let e as DecodeError {
                throw batch.error(e.readErrorKind, record: r, column: c)
              }
            }
            out[v * n + r] = x
            codeOut[v * n + r] = ItemGroupHistogram.code(x, minimum: codeMinimum[j], top: codeTop[j])
          }
          for q in groupColumns.indices {
            let c = groupColumns[q]
            groupKeys[q &* n &+ r] = view.isEscaped(r, c) ? 0 : ShortLabelTable.key(Self.trim(view.field(r, c)))
          }
        }
        }
      }
    }
    partial.decodeCounts = counts
    block = RowBlock(rows: n, columns: p, values: values)
    self.codes = codes
    // 2. Stateless screens: status, unfinished, straight-lining.
    keep = Array(repeating: true, count: n)
    var screener = RowScreener(screens: Screens.statelessPart(of: screens))
    let flat = screens.straightlining == .off ? nil : Self.straightlined(values, rows: n, layout: layout)
    let hasStatus = plan.statusColumn != nil || plan.finishedColumn != nil
    for r in 0..<n where hasStatus || flat?[r] == true {
      let reason = try screener.screen(row: r, status: plan.statusColumn.map { batch.string(r, $0) },
                                       finished: plan.finishedColumn.map { batch.string(r, $0) }, id: nil,
                                       isStraightlined: flat?[r] ?? false, counts: &partial.exclusions)
      if reason != nil { keep[r] = false }
    }
    partial.rowsUsed = keep.lazy.filter { $0 }.count
    // 3. Group labels, interned batch-locally by a hash of the raw bytes (a String is
    //    made once per distinct label, not once per row).
    groupIndex = []
    batch.withUnsafeView { view in
      for level in 0..<layout.groupLevels.count {
        let columns = layout.groupLevels[level].columns
        var idx = [Int32](repeating: -1, count: n)
        if let wanted = groupLevels, !wanted.contains(level) { groupIndex.append(idx); continue }
        var local = LabelTable()
        var short = ShortLabelTable(width: columns.count)
        let keys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: columns.count)
        defer { keys.deallocate() }
        let keyBase = columns.map { c in groupColumns.firstIndex(of: c)! * n }
        rows: for r in 0..<n where keep[r] {
          // Labels whose cells are all 1–7 bytes, unescaped (school and role codes): found
          // by their packed bytes (from step 1), exactly.
          var allShort = true
          for q in 0..<columns.count {
            let k = groupKeys[keyBase[q] &+ r]
            if k == 0 { allShort = false; break }
            keys[q] = k
          }
          if allShort {
            if let g = short.find(keys) { idx[r] = g; continue rows }
            let label = columns.map { String(decoding: Self.trim(view.field(r, $0)), as: UTF8.self) }.joined(separator: " / ")
            let g = partial.groups[level].intern(label)
            short.insert(keys, group: g)
            idx[r] = g
            continue rows
          }
          var h: UInt64 = 0xcbf2_9ce4_8422_2325
          var blank = false
          var escaped = false
          for c in columns {
            let f = Self.trim(view.field(r, c))
            if f.isEmpty { blank = true; break }
            if batch.needsUnescape(r, c) { escaped = true }
            for b in f { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = (h ^ 0x1F) &* 0x100_0000_01b3  // level separator
          }
          if blank { continue }
          if escaped {
            idx[r] = partial.groups[level].intern(Self.unescapedLabel(batch, r, columns))
            continue
          }
          // Verify the bytes, so two labels that share a hash are never merged.
          if let e = local.find(h), local.matches(e, view, record: r, columns: columns) {
            idx[r] = local.groups[e]
            continue
          }
          let cells = columns.map { Array(Self.trim(view.field(r, $0))) }
          let g = partial.groups[level].intern(cells.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " / "))
          local.insertIfAbsent(h, group: g, cells: cells)
          idx[r] = g
        }
        groupIndex.append(idx)
      }
    }
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
  static func straightlined(_ values: [Double], rows n: Int, layout: AnalysisLayout) -> [Bool] {
    var flatScales = [Int](repeating: 0, count: n)
    for scale in layout.scales where scale.variables.count >= 2 {
      let vars = scale.variables
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

  /// ``codes`` of the rows `kept` (indices from ``keptRows()``), compacted the same way.
  func keptCodes(_ kept: [Int]) -> [UInt8] {
    kept.count == block.rows ? codes : Self.compact(codes, rows: block.rows, kept: kept)
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

  /// Adds the kept rows to ``partial`` and releases the decoded block.
  mutating func accumulate(layout: AnalysisLayout) {
    precondition(!accumulated, "a batch is accumulated once")
    accumulated = true
    defer { block = RowBlock(rows: block.rows, columns: 0, values: []); codes = [] }  // keeps the row count for consume
    guard keep.contains(true) else { return }
    let (used, kept) = keptRows()
    let usedCodes = keptCodes(kept)
    let m = kept.count
    let groups = kept.count == block.rows ? groupIndex : groupIndex.map { idx in kept.map { idx[$0] } }
    for level in partial.groups.indices {
      let g = groups[level]
      for i in 0..<m where g[i] >= 0 { partial.groups[level].respondents[Int(g[i])] += 1 }
    }
    // Per scale, read in place: each value's position in the scale's range (the decoder's
    // ``codes`` when the items' ranges are the scale's, else found here once) is counted
    // for the items' frequencies and for the item histograms at every group level
    // (ordinary scales); and item co-moments. Frequencies are of scale items only (what
    // reliability tables report; outcomes and covariates are not tabulated), each item
    // once even if two scales share it.
    var tabulated = [Bool](repeating: false, count: used.columns)
    for (s, scale) in layout.scales.enumerated() {
      Self.withColumns(used, scale.variables) { values in
        let points = max(1, scale.range.points)
        let byCode = scale.variables.map { v in
          points < Int(ItemGroupHistogram.otherCode) && !tabulated[v] && partial.frequencies[v].minimum == scale.range.min
            && partial.frequencies[v].counts.count == points
        }
        let histograms = partial.groups.first?.items[s] != nil
        if histograms || byCode.contains(true) {
          let decoderCodes = scale.variables.allSatisfy { layout.plan.variables[$0].range.map { ItemGroupHistogram.codeTop($0) } == ItemGroupHistogram.codeTop(scale.range) && layout.plan.variables[$0].range?.min == scale.range.min }
          let codes = decoderCodes ? Self.columns(usedCodes, rows: m, scale.variables)
                                   : ItemGroupHistogram.codes(values, range: scale.range)
          codes.withUnsafeBufferPointer { codes in
            for (j, v) in scale.variables.enumerated() where byCode[j] {
              partial.frequencies[v].add(codes: UnsafeBufferPointer(rebasing: codes[(j * m)..<((j + 1) * m)]),
                                         values: UnsafeBufferPointer(rebasing: values[(j * m)..<((j + 1) * m)]))
              tabulated[v] = true
            }
            for level in partial.groups.indices where histograms && partial.groups[level].items[s] != nil {
              let count = partial.groups[level].labels.count
              partial.groups[level].items[s]!.add(codes: codes, values: values, rows: m, groups: groups[level], groupCount: count)
            }
          }
        }
        for (j, v) in scale.variables.enumerated() where !tabulated[v] {
          partial.frequencies[v].add(UnsafeBufferPointer(rebasing: values[(j * m)..<((j + 1) * m)]))
          tabulated[v] = true
        }
        partial.scaleItems[s].add(columnMajor: values, rows: m)
      }
    }
    for (k, set) in layout.contingencySets.enumerated() { partial.contingency[k].add(Self.columns(used, set)) }
    let scoreColumns = Self.scoreColumns(used, layout: layout).columns
    var scoreValues = [Double]()
    scoreValues.reserveCapacity(m * scoreColumns.count)
    let thresholds = layout.favourableThreshold
    for (k, c) in scoreColumns.enumerated() {
      scoreValues.append(contentsOf: c)
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
    partial.scores.add(RowBlock(rows: m, columns: scoreColumns.count, values: scoreValues))
    if partial.waveLink != nil {
      let hashes: [UInt64] = kept.map { r in
        if !idHashes.isEmpty { return idHashes[r] }
        guard let texts = idTexts else { return 0 }
        return Self.idHash(Array(texts[r].trimmingCharacters(in: .whitespaces).utf8))
      }
      partial.waveLink!.append(hashes: hashes, columns: scoreColumns)
    }
    if partial.alignmentRows != nil {
      partial.alignmentRows!.append(used, groups: groups[partial.alignmentRows!.level])
    }
    if partial.respondents != nil {
      let level = partial.respondents!.clusterLevel
      partial.respondents!.append(columns: scoreColumns, cluster: level.map { groups[$0] })
    }
    for level in partial.groups.indices {
      let count = partial.groups[level].labels.count
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
  static func scoreColumns(_ used: RowBlock, layout: AnalysisLayout, scales: Set<Int>? = nil)
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
        let scored = (try? ScaleScorer.score(used, spec))?.scores ?? Array(repeating: .nan, count: m)
        columns.append(scored)
      } else if let spec = layout.valueSpecs[s] {
        if let v = try? ValueScorer.score(used, spec) {
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
    var out = [Double]()
    out.reserveCapacity(b.rows * columns.count)
    for c in columns { out.append(contentsOf: b.values[(c * b.rows)..<((c + 1) * b.rows)]) }
    return RowBlock(rows: b.rows, columns: columns.count, values: out)
  }
}

/// A batch's group labels whose cells are all 1–7 bytes, by the cells' bytes packed with
/// their lengths (``key(_:)``): exact, so a label is found without hashing or comparing
/// its bytes. Open addressing over a power-of-two table; `width` keys per label (one per
/// column of the group level).
struct ShortLabelTable {
  let width: Int
  private var keys: [UInt64]
  private var groups: [Int32]
  private var used = 0

  init(width: Int) {
    self.width = max(1, width)
    keys = [UInt64](repeating: 0, count: 64 * self.width)
    groups = [Int32](repeating: -1, count: 64)
  }

  /// A cell's bytes and length in one word (nonzero), or 0 when it is empty or longer than 7 bytes.
  @inline(__always) static func key(_ field: UnsafeRawBufferPointer) -> UInt64 {
    let n = field.count
    guard n >= 1, n <= 7 else { return 0 }
    var k = UInt64(n) << 56
    for i in 0..<n { k |= UInt64(field[i]) << (8 * UInt64(i)) }
    return k
  }

  @inline(__always) private func slot(_ k: UnsafeMutableBufferPointer<UInt64>) -> Int {
    var h: UInt64 = 0
    for q in 0..<width { h = (h ^ k[q]) &* 0x9E37_79B9_7F4A_7C15 }
    return Int(truncatingIfNeeded: h >> 32) & (groups.count - 1)
  }

  /// The group of the label with cell keys `k` (`width` of them), or nil.
  @inline(__always) func find(_ k: UnsafeMutableBufferPointer<UInt64>) -> Int32? {
    keys.withUnsafeBufferPointer { stored in
      groups.withUnsafeBufferPointer { groups in
        var i = slot(k)
        probe: while groups[i] >= 0 {
          for q in 0..<width where stored[i &* width &+ q] != k[q] {
            i = (i &+ 1) & (groups.count &- 1)
            continue probe
          }
          return groups[i]
        }
        return nil
      }
    }
  }

  /// Records the label with cell keys `k` (not yet present) as `group`.
  mutating func insert(_ k: UnsafeMutableBufferPointer<UInt64>, group: Int32) {
    if (used + 1) * 2 > groups.count { grow() }
    var i = slot(k)
    while groups[i] >= 0 { i = (i + 1) & (groups.count - 1) }
    for q in 0..<width { keys[i * width + q] = k[q] }
    groups[i] = group
    used += 1
  }

  private mutating func grow() {
    let old = (0..<groups.count).filter { groups[$0] >= 0 }.map { i in (Array(keys[(i * width)..<((i + 1) * width)]), groups[i]) }
    keys = [UInt64](repeating: 0, count: groups.count * 2 * width)
    groups = [Int32](repeating: -1, count: groups.count * 2)
    used = 0
    for (k, g) in old { var k = k; k.withUnsafeMutableBufferPointer { insert($0, group: g) } }
  }
}

/// A batch's group labels by the FNV hash of their bytes: open addressing over a
/// power-of-two table (no Hasher, no allocation or reference counting per row), with each
/// label's cells kept (flat, each followed by a 0x1F separator) for the byte-for-byte check
/// that tells two labels with one hash apart.
struct LabelTable {
  private var keys = [UInt64](repeating: 0, count: 64)
  private var slots = [Int32](repeating: -1, count: 64)
  private(set) var groups: [Int32] = []
  private var bytes: [UInt8] = []
  private var starts: [Int] = []

  @inline(__always) private static func key(_ h: UInt64) -> UInt64 { h == 0 ? 1 : h }
  @inline(__always) private func start(_ k: UInt64) -> Int { Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> 40) & (keys.count - 1) }

  var count: Int { groups.count }

  /// The entry recorded for hash `h`, or nil.
  func find(_ h: UInt64) -> Int? {
    let k = Self.key(h)
    var i = start(k)
    while keys[i] != 0 {
      if keys[i] == k { return Int(slots[i]) }
      i = (i + 1) & (keys.count - 1)
    }
    return nil
  }

  /// Whether entry `e`'s cells are the trimmed fields `columns` of record `r`.
  func matches(_ e: Int, _ view: RecordBatch.UnsafeView, record r: Int, columns: [Int]) -> Bool {
    bytes.withUnsafeBufferPointer { all in
      var at = starts[e]
      for c in columns {
        let f = BatchWork.trim(view.field(r, c))
        guard at + f.count < all.count, all[at + f.count] == 0x1F else { return false }
        if f.count > 0 && memcmp(f.baseAddress!, all.baseAddress! + at, f.count) != 0 { return false }
        at += f.count + 1
      }
      return true
    }
  }

  /// Records `h` → (group, cells) unless `h` is already there (the first label seen
  /// with a hash keeps it; a colliding label is interned by text every time).
  mutating func insertIfAbsent(_ h: UInt64, group: Int32, cells: [[UInt8]]) {
    if (groups.count + 1) * 2 > keys.count { grow() }
    let k = Self.key(h)
    var i = start(k)
    while keys[i] != 0 {
      if keys[i] == k { return }
      i = (i + 1) & (keys.count - 1)
    }
    keys[i] = k
    slots[i] = Int32(groups.count)
    groups.append(group)
    starts.append(bytes.count)
    for cell in cells { bytes += cell; bytes.append(0x1F) }
  }

  private mutating func grow() {
    let old = zip(keys, slots).filter { $0.0 != 0 }
    keys = [UInt64](repeating: 0, count: keys.count * 2)
    slots = [Int32](repeating: -1, count: keys.count)
    for (k, slot) in old {
      var i = start(k)
      while keys[i] != 0 { i = (i + 1) & (keys.count - 1) }
      keys[i] = k
      slots[i] = slot
    }
  }
}

/// Decoded values of short cells by their bytes: a small open-addressing table (no
/// hashing of strings, no allocation per cell), for one column of one batch.
struct ShortFieldCache {
  private var keys = [UInt64](repeating: 0, count: 64)
  private var values = [Double](repeating: 0, count: 64)
  private var used = 0

  /// The cell's bytes packed with their length (2…7 bytes), or 0 when the cell is not
  /// cacheable (one byte, longer, or holding a quote, which may need unescaping).
  @inline(__always) static func key(_ field: UnsafeRawBufferPointer) -> UInt64 {
    let n = field.count
    guard n >= 2, n <= 7 else { return 0 }
    var k = UInt64(n) << 56
    for i in 0..<n {
      let b = field[i]
      if b == 0x22 { return 0 }
      k |= UInt64(b) << (8 * UInt64(i))
    }
    return k
  }

  @inline(__always) private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 58) }

  subscript(key: UInt64) -> Double? {
    get {
      var i = slot(key)
      while keys[i] != 0 {
        if keys[i] == key { return values[i] }
        i = (i + 1) & 63
      }
      return nil
    }
    set {
      guard let newValue, used < 48 else { return }  // a column of many distinct texts: stop caching
      var i = slot(key)
      while keys[i] != 0 && keys[i] != key { i = (i + 1) & 63 }
      if keys[i] == 0 { used += 1 }
      keys[i] = key
      values[i] = newValue
    }
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
