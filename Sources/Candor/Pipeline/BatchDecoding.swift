import CandorData
import CandorNumerics
import Foundation

// Turning a batch's cells into what the pass accumulates: decoded values and response
// codes (``CellDecoder``) and batch-local group indices (``GroupInterner``), with the small
// tables that make the common cells cheap.

/// Decodes rows of a batch: every analysed cell to a value (NaN = missing) and a response
/// code (its position in the variable's range, ``ItemGroupHistogram/code(_:minimum:top:)``),
/// and the group columns' cells to ``ShortLabelTable/keyPair(_:)`` — row by row, since a
/// record's field offsets are adjacent in memory and a column's are not.
///
/// One-digit cells, nearly all of a Likert export, go through a per-variable table built
/// from the same decoder; other cells of up to 7 bytes ("12", "stayer") through a
/// per-column cache of what the decoder made of the same bytes earlier in the batch (only
/// decodes that counted nothing are cached, so out-of-range cells are still counted one
/// by one). Tables, caches and counts last for the whole batch.
struct CellDecoder {
  let plan: DecodingPlan
  /// Decoded variables (indices into the plan), their source columns and digit tables.
  private let tables: DigitTables
  /// The group levels' columns, each once.
  let groupColumns: [Int]
  /// Each active variable's range for the codes (no range: every answer is "other").
  private let codeMinimum: [Double]
  private let codeTop: [Double]
  private var caches: [ShortFieldCache]
  private(set) var counts: DecodeCounts

  /// - Parameter skipsUnreadValues: leave unwritten, in a batch where none of their cells is
  ///   code 254, the values of the variables the statistics pass reads only as codes
  ///   (``AnalysisLayout/readsOnlyCodes(_:)``): their codes say everything, and writing
  ///   8 bytes a cell that nobody reads was ~3 % of a 1M-row run.
  init(layout: AnalysisLayout, decoding: [Bool]?, groupLevels: Set<Int>?, skipsUnreadValues: Bool = false) {
    plan = layout.plan
    let p = plan.variables.count
    counts = DecodeCounts(variables: p)
    groupColumns = GroupInterner.groupColumns(layout, groupLevels: groupLevels)
    let active = (0..<p).filter { decoding?[$0] ?? true }
    let tables = DigitTables(variables: active.count)
    let scales = active.map { ItemGroupHistogram.codeScale(layout.plan.variables[$0].range) }
    codeMinimum = scales.map(\.minimum)
    codeTop = scales.map(\.top)
    for (j, v) in active.enumerated() {
      tables.variable[j] = v
      tables.column[j] = layout.plan.variables[v].column
      for d in 0..<10 {
        if let x = layout.digitTables[v][d] {
          tables.value[j * 10 + d] = x; tables.known[j * 10 + d] = true
          tables.code[j * 10 + d] = ItemGroupHistogram.code(x, minimum: codeMinimum[j], top: codeTop[j])
        }
      }
    }
    self.tables = tables
    caches = [ShortFieldCache](repeating: ShortFieldCache(), count: active.count)
    // A variable whose every digit the table answers is one of its points (a code below
    // 254, standing for exactly minimum + code): the row loop writes only the code, and
    // ``valuesFromCodes`` the values, a column at a time.
    var filled = [Bool](repeating: false, count: p)
    for j in active.indices {
      let m = codeMinimum[j]
      let fromCodes = ResponseCodes.isUsableMinimum(m) && (0..<10).allSatisfy { d in
        !tables.known[j * 10 + d] || (tables.code[j * 10 + d] < ItemGroupHistogram.otherCode
                                      && tables.value[j * 10 + d] == m + Double(tables.code[j * 10 + d]))
      }
      tables.storesValue[j] = !fromCodes
      filled[active[j]] = fromCodes
    }
    filledFromCodes = filled
    digitRuns = Self.digitRuns(tables)
    unread = active.indices.map { j in skipsUnreadValues && !tables.storesValue[j] && layout.readsOnlyCodes(active[j]) }
    siblings = active.map { v in
      Array(Set(layout.scales.filter { $0.variables.contains(v) }.flatMap(\.variables))).sorted()
    }
  }

  /// Runs of eight active variables `first ..< first + 8` in adjacent columns whose digit
  /// tables all read "digit d in lo...hi is code d − lo" (or, reverse-keyed, "hi − d") and
  /// whose values follow from their codes: a row whose eight cells are one digit each is
  /// decoded with a few vector operations (``RecordBatch/UnsafeView/singleByteRun8(_:_:)``)
  /// instead of eight table lookups. Per run: its first active variable and per cell the
  /// code of byte b as `(b ^ flip) &+ add` (flip 0xFF for reversed cells, so that
  /// `add` − 1 − b is k − d), valid when it is at most `span` = hi − lo.
  private let digitRuns: DigitRuns

  /// The runs of ``digitRuns``, greedily from the first active variable.
  private static func digitRuns(_ t: DigitTables) -> DigitRuns {
    // A cell's code of byte b as (b ^ flip) &+ add, valid up to span; nil when its digit
    // table is not linear in the digit.
    func linear(_ j: Int) -> (flip: UInt8, add: UInt8, span: UInt8)? {
      guard !t.storesValue[j] else { return nil }
      let digits = (0..<10).filter { t.known[j &* 10 &+ $0] }
      guard let lo = digits.first, let hi = digits.last, hi - lo + 1 == digits.count else { return nil }
      let code = { (d: Int) in Int(t.code[j &* 10 &+ d]) }
      if digits.allSatisfy({ code($0) == $0 - lo }) {
        return (0, UInt8(truncatingIfNeeded: -(48 + lo)), UInt8(hi - lo))
      }
      if digits.allSatisfy({ code($0) == hi - $0 }) {
        // hi − d = hi − (b − 48) = ~b + 1 + 48 + hi (mod 256).
        return (0xFF, UInt8(truncatingIfNeeded: 49 + hi), UInt8(hi - lo))
      }
      return nil
    }
    var first: [Int] = [], flip: [SIMD8<UInt8>] = [], add: [SIMD8<UInt8>] = [], span: [SIMD8<UInt8>] = []
    var j = 0
    while j + 8 <= t.count {
      let cells = (0..<8).compactMap { linear(j + $0) }
      if cells.count == 8, (1..<8).allSatisfy({ t.column[j + $0] == t.column[j] + $0 }) {
        first.append(j)
        flip.append(SIMD8(cells.map(\.flip)))
        add.append(SIMD8(cells.map(\.add)))
        span.append(SIMD8(cells.map(\.span)))
        j += 8
      } else {
        j += 1
      }
    }
    return DigitRuns(first: first, flip: flip, add: add, span: span)
  }

  /// Per active variable: whether its values may be left unwritten (``init``'s
  /// `skipsUnreadValues`) in a batch where no item of its scales has code 254.
  private let unread: [Bool]
  /// Per active variable: the items of every scale it belongs to (itself included). One
  /// code 254 among them sends the scale's straight-lining test, co-moments or scores to the
  /// values of all of them (the same ``ResponseCodes/columnsWithOther(_:rows:)`` answer).
  private let siblings: [[Int]]

  /// Per plan variable: whether ``valuesFromCodes`` writes its column (the active
  /// variables whose digit-table cells the row loop stores as codes only).
  private let filledFromCodes: [Bool]

  /// Batch rows `rows`, column-major over `rows`: values and codes (every plan variable;
  /// those not decoded stay missing), which columns hold code 254 (`other`: the batch's one
  /// scan for them) and the group cells' key pairs (two planes per column of
  /// `groupColumns`, low words then high words; a high word of 0 = empty, longer than 15
  /// bytes or escaped: ``GroupInterner`` reads those again).
  mutating func decode(_ batch: RecordBatch, rows: Range<Int>) throws
    -> (values: [Double], codes: [UInt8], other: [Bool], groupKeys: [UInt64]) {
    let n = rows.count, lo = rows.lowerBound, p = plan.variables.count
    var codes = [UInt8](repeating: ItemGroupHistogram.missingCode, count: n * p)
    var other = [Bool](repeating: false, count: p)
    var groupKeys = [UInt64](repeating: 0, count: n * 2 * groupColumns.count)
    // Every cell is written once: NaN first in the columns the row loop fills, then the
    // loop's values; in the columns filled from codes, the row loop's values of the cells
    // that are no code (254), then ``valuesFromCodes`` every other cell.
    let values = try [Double](unsafeUninitializedCapacity: n * p) { buffer, initialized in
      let out = buffer.baseAddress!
      for v in 0..<p where !filledFromCodes[v] { (out + v &* n).initialize(repeating: .nan, count: n) }
      try batch.withUnsafeView { view in
        try codes.withUnsafeMutableBufferPointer { codeOut in
          try groupKeys.withUnsafeMutableBufferPointer { groupKeys in
            let codeOut = codeOut.baseAddress!
            let t = tables
            let bufferEnd = UnsafeRawPointer(view.base + view.byteCount)
            let runs = digitRuns
            // Each active variable's column of codes.
            let codeColumns = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>.allocate(capacity: max(1, t.count))
            defer { codeColumns.deallocate() }
            for j in 0..<t.count { (codeColumns + j).initialize(to: codeOut + t.variable[j] &* n) }
            for r in rows {
              let i = r &- lo
              // One cell through the digit table, else the cache or the decoder.
              @inline(__always) func cell(_ j: Int) throws {
                let v = t.variable[j], c = t.column[j]
                let field = view.field(r, c)
                if field.count == 1, case let d = Int(field[0] &- 48), d >= 0, d < 10, t.known[j &* 10 &+ d] {
                  if t.storesValue[j] { out[v &* n &+ i] = t.value[j &* 10 &+ d] }
                  codeOut[v &* n &+ i] = t.code[j &* 10 &+ d]
                  return
                }
                if field.isEmpty { return }
                let x = try decodeCell(field, batch, r, j)
                out[v &* n &+ i] = x
                codeOut[v &* n &+ i] = ItemGroupHistogram.code(x, minimum: codeMinimum[j], top: codeTop[j])
              }
              var j = 0, run = 0
              while j < t.count {
                guard runs.first[run] == j else { try cell(j); j &+= 1; continue }
                if let digits = view.singleByteRun8(r, t.column[j]) {
                  let cellCodes = (digits ^ runs.flip[run]) &+ runs.add[run]
                  if all(cellCodes .<= runs.span[run]) {
                    for k in 0..<8 { codeColumns[j &+ k][i] = cellCodes[k] }
                    j &+= 8; run &+= 1
                    continue
                  }
                } else if Self.shortRun(view, r, t.column[j], runs, run, codeColumns + j, i) {
                  j &+= 8; run &+= 1
                  continue
                }
                for k in j..<(j &+ 8) { try cell(k) }
                j &+= 8; run &+= 1
              }
              for q in groupColumns.indices {
                let c = groupColumns[q]
                let (low, high) = view.isEscaped(r, c) ? (0, 0)
                  : ShortLabelTable.keyPair(BatchWork.trim(view.field(r, c)), readableUntil: bufferEnd)
                groupKeys[2 &* q &* n &+ i] = low
                groupKeys[(2 &* q &+ 1) &* n &+ i] = high
              }
            }
          }
        }
      }
      other = ResponseCodes.columnsWithOther(codes, rows: n)
      valuesFromCodes(out, codes, other: other, rows: n)
      initialized = n * p
    }
    return (values, codes, other, groupKeys)
  }

  /// Run `run` of record `r` (source columns from `column`) when its cells are empty or
  /// one byte each and every byte is in its cell's range (``RecordBatch/UnsafeView/shortRun8(_:_:)``):
  /// writes the eight codes, missing (255) for the empty ones, to row `i` of `columns`
  /// and returns true; else writes nothing. At 2 % missing answers one run in seven
  /// has an empty cell. Out of line: inlined, it slowed the row loop's common path by
  /// a third.
  @inline(never)
  private static func shortRun(_ view: RecordBatch.UnsafeView, _ r: Int, _ column: Int, _ runs: DigitRuns, _ run: Int,
                               _ columns: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>, _ i: Int) -> Bool {
    guard let (bytes, absent) = view.shortRun8(r, column) else { return false }
    let cellCodes = ((bytes ^ runs.flip[run]) &+ runs.add[run]) & ~absent   // an empty cell: 0, in range
    guard all(cellCodes .<= runs.span[run]) else { return false }
    let written = cellCodes | absent                                        // missing: 255
    for k in 0..<8 { columns[k][i] = written[k] }
    return true
  }

  /// The values of the variables whose digit-table cells were stored as codes only, a
  /// column at a time through a table of every code's value: minimum + code for the
  /// points, NaN for missing (255); the cells that are no code (254) keep the value the
  /// row loop wrote. Writing a value per cell in the row loop scattered 8-byte stores over
  /// every column of the batch, and the columns were first filled with NaN; here each
  /// cell is written once, in one sequential pass per column (decode 0.24 → 0.17 CPU-s at
  /// 1M rows, outputs bit-identical).
  private func valuesFromCodes(_ out: UnsafeMutablePointer<Double>, _ codes: [UInt8], other: [Bool], rows n: Int) {
    let table = UnsafeMutablePointer<Double>.allocate(capacity: 256)
    defer { table.deallocate() }
    codes.withUnsafeBufferPointer { codes in
      for j in 0..<tables.count where !tables.storesValue[j] {
        let v = tables.variable[j], m = codeMinimum[j]
        if unread[j] && !siblings[j].contains(where: { other[$0] }) {
          #if DEBUG
          // Tests run debug builds: a value read after all would be far out of any range.
          (out + v &* n).initialize(repeating: Self.unwrittenValue, count: n)
          #endif
          continue
        }
        // The value of every code: minimum + code for the points, NaN for missing (255).
        for c in 0..<256 { table[c] = c == Int(ItemGroupHistogram.missingCode) ? .nan : m + Double(c) }
        let column = out + v &* n, code = codes.baseAddress! + v &* n
        for i in 0..<n {
          let c = code[i]
          if c != ItemGroupHistogram.otherCode { (column + i).initialize(to: table[Int(c)]) }
        }
      }
    }
  }

  /// What a debug build writes in the values the decoder leaves unwritten (``unread``): no
  /// answer, so any use of them shows in the results.
  static let unwrittenValue = 0x1p600

  /// A cell the digit table does not answer, through the column's cache or the plan's decoder.
  private mutating func decodeCell(_ field: UnsafeRawBufferPointer, _ batch: RecordBatch, _ r: Int, _ j: Int) throws -> Double {
    let v = tables.variable[j], c = tables.column[j]
    let key = ShortFieldCache.key(field)
    if key != 0, let cached = caches[j][key] { return cached }
    do {
      if key != 0 {
        let before = counts.outOfRange[v]
        let x = try plan.decodeCell(field, variable: v, row: nil, counts: &counts)
        if counts.outOfRange[v] == before { caches[j][key] = x }
        return x
      } else if batch.needsUnescape(r, c) {
        let bytes = batch.unescapedBytes(r, c)
        return try bytes.withUnsafeBytes { try plan.decodeCell($0, variable: v, row: nil, counts: &counts) }
      } else {
        return try plan.decodeCell(field, variable: v, row: nil, counts: &counts)
      }
    } catch let e as DecodeError {
      throw batch.error(e.readErrorKind, record: r, column: c)
    }
  }
}

/// The decoder's innermost lookups, in memory read through pointers (no bounds check or
/// reference count per cell): per active variable j, its plan index and source column, and
/// per digit d at `j * 10 + d` the decoded value, its code, and whether the table may
/// answer (nil digit-table entries — out of range — take the full decoder).
final class DigitTables: @unchecked Sendable {
  let count: Int
  let variable: UnsafeMutablePointer<Int>
  let column: UnsafeMutablePointer<Int>
  let value: UnsafeMutablePointer<Double>
  let code: UnsafeMutablePointer<UInt8>
  let known: UnsafeMutablePointer<Bool>
  /// Per active variable: whether the row loop writes a digit-table cell's value (else
  /// only its code, the value following from it).
  let storesValue: UnsafeMutablePointer<Bool>

  init(variables count: Int) {
    self.count = count
    variable = .allocate(capacity: max(1, count)); variable.initialize(repeating: 0, count: max(1, count))
    column = .allocate(capacity: max(1, count)); column.initialize(repeating: 0, count: max(1, count))
    let digits = max(1, count * 10)
    value = .allocate(capacity: digits); value.initialize(repeating: .nan, count: digits)
    code = .allocate(capacity: digits); code.initialize(repeating: ItemGroupHistogram.otherCode, count: digits)
    known = .allocate(capacity: digits); known.initialize(repeating: false, count: digits)
    storesValue = .allocate(capacity: max(1, count)); storesValue.initialize(repeating: true, count: max(1, count))
  }

  deinit {
    variable.deallocate(); column.deallocate(); value.deallocate(); code.deallocate(); known.deallocate()
    storesValue.deallocate()
  }
}

/// ``CellDecoder``'s runs of eight digit cells, in memory read through pointers: per run
/// its first active variable (then `Int.max`, so the row loop needs no count), and per
/// cell the code of byte b as `(b ^ flip) &+ add`, valid up to `span`.
final class DigitRuns: @unchecked Sendable {
  let first: UnsafeMutablePointer<Int>
  let flip: UnsafeMutablePointer<SIMD8<UInt8>>
  let add: UnsafeMutablePointer<SIMD8<UInt8>>
  let span: UnsafeMutablePointer<SIMD8<UInt8>>

  init(first: [Int], flip: [SIMD8<UInt8>], add: [SIMD8<UInt8>], span: [SIMD8<UInt8>]) {
    let count = first.count
    self.first = .allocate(capacity: count + 1)
    self.first.initialize(from: first + [Int.max], count: count + 1)
    self.flip = .allocate(capacity: max(1, count)); self.flip.initialize(from: flip, count: count)
    self.add = .allocate(capacity: max(1, count)); self.add.initialize(from: add, count: count)
    self.span = .allocate(capacity: max(1, count)); self.span.initialize(from: span, count: count)
  }

  deinit { first.deallocate(); flip.deallocate(); add.deallocate(); span.deallocate() }
}

/// Interns the group labels of a batch's kept rows, level by level, into batch-local
/// indices. Labels whose cells are all 1–15 bytes and unescaped (school and role codes)
/// are found by the keys ``CellDecoder`` packed (``ShortLabelTable``); others by an FNV
/// hash of their trimmed bytes, verified byte for byte (``LabelTable``); escaped ones by
/// their text.
///
/// An interner lasts for a whole pass on one worker (``GroupInternerPool``): its tables map
/// a label to its id in the pass's ``GroupLabelRegistry``, so a label's String is made and
/// hashed once per worker and pass, not once per batch (a batch of the demo export meets
/// ~1,500 labels in ~6,700 rows; making them again per batch was ~8 % of the pass). Within
/// a batch, an id gets its batch-local index on first sight (a stamp per id says whether
/// it already has one in this batch).
final class GroupInterner {
  let levels: [AnalysisLayout.GroupLevel]
  /// Whether each level is interned (the others' indices stay -1).
  let wanted: [Bool]
  /// Per level: where each of its columns' keys are among ``CellDecoder/groupColumns``.
  let keyColumns: [[Int]]
  let registry: GroupLabelRegistry
  /// Per level, by registry id: packed keys and FNV hashes → id.
  private var short: [ShortLabelTable]
  private var hashed: [LabelTable]
  /// Per level, by registry id (room for the ids this interner has met): the batch that
  /// last gave the id a local index, and that index.
  private var stamp: [[Int32]]
  private var local: [[Int32]]
  private var batchNumber: Int32 = 0

  init(layout: AnalysisLayout, groupLevels: Set<Int>?, registry: GroupLabelRegistry? = nil) {
    let levels = layout.groupLevels
    let wanted = levels.indices.map { groupLevels?.contains($0) ?? true }
    let columns = Self.groupColumns(layout, groupLevels: groupLevels)
    self.levels = levels
    self.wanted = wanted
    self.registry = registry ?? GroupLabelRegistry(levels: levels.count)
    keyColumns = levels.indices.map { level in wanted[level] ? levels[level].columns.map { columns.firstIndex(of: $0)! } : [] }
    short = levels.map { ShortLabelTable(width: 2 * $0.columns.count) }
    hashed = levels.map { _ in LabelTable() }
    stamp = Array(repeating: [], count: levels.count)
    local = Array(repeating: [], count: levels.count)
  }

  /// The source columns of the interned levels (`groupLevels`, nil = all), each once, in
  /// level order: the columns whose cells ``CellDecoder`` packs into keys, in the order
  /// ``keyColumns`` indexes them.
  static func groupColumns(_ layout: AnalysisLayout, groupLevels: Set<Int>?) -> [Int] {
    var columns: [Int] = []
    for level in layout.groupLevels.indices where groupLevels?.contains(level) ?? true {
      for c in layout.groupLevels[level].columns where !columns.contains(c) { columns.append(c) }
    }
    return columns
  }

  /// Sets `index[level][r]` for the kept rows `r` of `rows`, given their group keys
  /// from ``CellDecoder/decode(_:rows:)``; the batch's labels are appended to
  /// `groups[level]` (empty on entry) in order of first appearance.
  func intern(_ batch: RecordBatch, rows: Range<Int>, keys groupKeys: [UInt64], keep: [Bool],
              into index: inout [[Int32]], groups: inout [GroupLevelStatistics]) {
    let n = rows.count, lo = rows.lowerBound
    batchNumber &+= 1
    batch.withUnsafeView { view in
      for level in levels.indices where wanted[level] {
        precondition(groups[level].groupCount == 0, "a batch's groups are interned once")
        let columns = levels[level].columns
        let width = 2 * columns.count
        let keys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: width)
        defer { keys.deallocate() }
        // Each column's low and high key words, as the decoder laid them out.
        let keyBase = keyColumns[level].flatMap { [2 * $0 * n, (2 * $0 + 1) * n] }
        // The level's table is moved out while in use (uniquely referenced: no
        // copy-on-write check per row), and the row loop writes through pointers.
        var table = short[level]
        short[level] = ShortLabelTable.placeholder
        defer { short[level] = table }
        index[level].withUnsafeMutableBufferPointer { idx in
          groupKeys.withUnsafeBufferPointer { groupKeys in
            rows: for r in rows where keep[r] {
              var allShort = true
              for q in stride(from: 0, to: width, by: 2) {
                let high = groupKeys[keyBase[q &+ 1] &+ (r &- lo)]
                if high == 0 { allShort = false; break }
                keys[q] = groupKeys[keyBase[q] &+ (r &- lo)]
                keys[q &+ 1] = high
              }
              let id: Int32
              if allShort {
                if let found = table.find(keys) {
                  id = found
                } else {
                  let label = columns.map { String(decoding: BatchWork.trim(view.field(r, $0)), as: UTF8.self) }.joined(separator: " / ")
                  id = register(label, level: level)
                  table.insert(keys, group: id)
                }
              } else {
                guard let found = generalID(batch, view, record: r, level: level) else { idx[r] = -1; continue rows }
                id = found
              }
              idx[r] = localIndex(of: id, level: level, groups: &groups)
            }
          }
        }
      }
    }
  }

  /// The batch-local index of registry id `id` at `level`, appending its group to
  /// `groups[level]` the first time the batch meets it.
  @inline(__always) private func localIndex(of id: Int32, level: Int, groups: inout [GroupLevelStatistics]) -> Int32 {
    let i = Int(id)
    if stamp[level][i] == batchNumber { return local[level][i] }
    let g = groups[level].appendRegistered(id: id, registry: registry)
    stamp[level][i] = batchNumber
    local[level][i] = g
    return g
  }

  /// The registry id of `label` at `level`.
  private func register(_ label: String, level: Int) -> Int32 {
    let id = registry.id(of: label, level: level)
    let i = Int(id)
    if i >= stamp[level].count {
      let extra = max(i + 1, 2 * stamp[level].count) - stamp[level].count
      stamp[level] += repeatElement(0, count: extra)
      local[level] += repeatElement(-1, count: extra)
    }
    return id
  }

  /// The registry id of record `r`'s label at `level` when a cell is empty (nil: no group),
  /// longer than 15 bytes or escaped: by an FNV hash of the trimmed bytes, verified byte
  /// for byte, or by the text.
  private func generalID(_ batch: RecordBatch, _ view: RecordBatch.UnsafeView, record r: Int, level: Int) -> Int32? {
    let columns = levels[level].columns
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    var escaped = false
    for c in columns {
      let f = BatchWork.trim(view.field(r, c))
      if f.isEmpty { return nil }
      if batch.needsUnescape(r, c) { escaped = true }
      for b in f { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
      h = (h ^ 0x1F) &* 0x100_0000_01b3  // level separator
    }
    if escaped { return register(BatchWork.unescapedLabel(batch, r, columns), level: level) }
    // Verify the bytes, so two labels that share a hash are never merged.
    if let e = hashed[level].find(h), hashed[level].matches(e, view, record: r, columns: columns) {
      return hashed[level].groups[e]
    }
    let cells = columns.map { Array(BatchWork.trim(view.field(r, $0))) }
    let id = register(cells.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " / "), level: level)
    hashed[level].insertIfAbsent(h, group: id, cells: cells)
    return id
  }
}

/// The group labels one pass has met, shared by its workers: each distinct label of a
/// level gets an id the first time any worker meets it. Ids are in no useful order (they
/// depend on which worker got there first); the merge maps them to the pass's group
/// indices in file order (``GroupLevelStatistics/merge(_:)``), so results do not depend on
/// the thread count.
final class GroupLabelRegistry: @unchecked Sendable {
  private let lock = NSLock()
  private var ids: [[String: Int32]]
  private var labels: [[String]]

  init(levels: Int) {
    ids = Array(repeating: [:], count: levels)
    labels = Array(repeating: [], count: levels)
  }

  /// The id of `label` at `level`, given on first sight.
  func id(of label: String, level: Int) -> Int32 {
    lock.lock(); defer { lock.unlock() }
    if let id = ids[level][label] { return id }
    let id = Int32(ids[level].count)
    ids[level][label] = id
    labels[level].append(label)
    return id
  }

  /// The label of `id` at `level` (an id this registry gave).
  func label(of id: Int32, level: Int) -> String {
    lock.lock(); defer { lock.unlock() }
    return labels[level][Int(id)]
  }
}

/// The interners of one pass, one per worker at a time, and their registry: each batch
/// takes one and gives it back, so a worker's tables carry over from batch to batch.
final class GroupInternerPool: @unchecked Sendable {
  let layout: AnalysisLayout
  let groupLevels: Set<Int>?
  let registry: GroupLabelRegistry
  private let lock = NSLock()
  private var free: [GroupInterner] = []

  init(layout: AnalysisLayout, groupLevels: Set<Int>? = nil) {
    self.layout = layout
    self.groupLevels = groupLevels
    registry = GroupLabelRegistry(levels: layout.groupLevels.count)
  }

  func take() -> GroupInterner {
    lock.lock()
    let interner = free.popLast()
    lock.unlock()
    return interner ?? GroupInterner(layout: layout, groupLevels: groupLevels, registry: registry)
  }

  func give(_ interner: GroupInterner) {
    lock.lock(); defer { lock.unlock() }
    free.append(interner)
  }
}

/// A batch's group labels whose cells are all 1–15 bytes, by the cells' bytes packed with
/// their lengths (``keyPair(_:)``): exact, so a label is found without hashing or comparing
/// its bytes. Open addressing over a power-of-two table; `width` keys per label (two per
/// column of the group level, from ``GroupInterner``).
struct ShortLabelTable {
  let width: Int
  private var keys: [UInt64]
  private var groups: [Int32]
  private var used = 0

  /// An empty table that holds nothing (what ``GroupInterner`` leaves in a level's place
  /// while it uses that level's table).
  static let placeholder = ShortLabelTable(width: 1)

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

  /// A cell of 1–15 bytes as two words: bytes 0–7 in the low word, bytes 8–14 and the
  /// length (top byte) in the high word, which is therefore nonzero; (0, 0) when the cell
  /// is empty or longer. Exact: two cells have equal pairs only when their bytes are equal.
  /// Role names such as "assistant" (9 bytes) stay off the hashing path this way.
  @inline(__always) static func keyPair(_ field: UnsafeRawBufferPointer) -> (low: UInt64, high: UInt64) {
    let n = field.count
    guard n >= 1, n <= 15 else { return (0, 0) }
    var low: UInt64 = 0, high = UInt64(n) << 56
    for i in 0..<min(n, 8) { low |= UInt64(field[i]) << (8 * UInt64(i)) }
    if n > 8 { for i in 8..<n { high |= UInt64(field[i]) << (8 * UInt64(i - 8)) } }
    return (low, high)
  }

  /// ``keyPair(_:)`` of a field inside a buffer readable until `end`: two word loads,
  /// masked to the field's bytes, when the 16 bytes from the field's start are readable
  /// (the bytes past the field are masked off, never used); byte by byte otherwise.
  @inline(__always) static func keyPair(_ field: UnsafeRawBufferPointer, readableUntil end: UnsafeRawPointer)
    -> (low: UInt64, high: UInt64) {
    let n = field.count
    guard n >= 1, n <= 15, let start = field.baseAddress, end - start >= 16 else { return keyPair(field) }
    let low = start.loadUnaligned(as: UInt64.self), high = start.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    if n >= 8 {
      // Bytes 8 ..< n in the high word's low n − 8 bytes (n − 8 ≤ 7), then the length.
      return (low, high & (UInt64(1) << (8 * UInt64(n - 8)) &- 1) | UInt64(n) << 56)
    }
    return (low & (UInt64(1) << (8 * UInt64(n)) &- 1), UInt64(n) << 56)
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
    guard field.count >= 2, !field.contains(0x22) else { return 0 }
    return ShortLabelTable.key(field)
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

