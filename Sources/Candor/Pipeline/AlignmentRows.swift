import CandorNumerics
import CandorPsychometrics
import Foundation

/// The rows the values-alignment step needs, kept by the statistics pass so that step
/// neither reads and parses the export a second time nor scores the value items again
/// (design.md §1.2: "keep compact per-respondent columns or make a further pass").
///
/// For every used row, in file order: its group at the alignment's level (a global index,
/// Int32) and the **score values the pass already computed** for the step — the value
/// scale's MRAT-centred value scores, then the outcomes and covariates the alignment is
/// correlated with — **bit for bit what the pass scored**, so the step's numbers equal a
/// second read's exactly whatever the data (decimal covariates too). The rows go to an
/// unlinked temporary file (``SpillFile``), not to memory; a file that cannot be made or
/// written (a full disk) makes ``complete`` false and the step reads the export again.
///
/// **Compact where exact.** A column whose every value is a multiple of 1/60 in
/// [0, 1092] (the means of up to 6 Likert answers, 0/1 outcomes, whole or half years of
/// tenure) is written as the 16-bit count of sixtieths, read back as `Double(q) / 60`: the
/// correctly rounded quotient, so the same Double. A centred value score c = v − m is
/// written as the sixtieths of its uncentred score v (``Centring``) beside the MRAT m (one
/// Double column for all ten), and read back as `v − m`: the very subtraction the scorer
/// made. Each column of each batch is checked while it is encoded — the decoded value must
/// give the original's bits — and written as Doubles when any row fails, so compactness
/// never costs exactness. PVQ-40 with two outcomes and tenure: 38 bytes a respondent
/// instead of 108 (38 MB of disk at 1M rows, 190 MB at 5M).
///
/// A worker's partial encodes its batch (batch-local group indices); merging a partial
/// into the total maps its groups to global ones and appends it to the file as one
/// **block**, in the order partials are merged (file order). Each block's place in the file
/// is kept, so the step's threads read their blocks themselves (``block(_:)``), side by side.
/// A block, in 8-byte words: the row count, the stored column count K, K column tags, the
/// rows' groups (Int32, padded to 8 bytes), then each column (Doubles, or UInt16 sixtieths
/// padded to 8 bytes).
public struct AlignmentRows: @unchecked Sendable {
  /// Score variables kept (indices into ``AnalysisLayout/scoreNames``), in row order.
  public let scores: [Int]
  /// Group level of the group index.
  public let level: Int
  /// Per kept score: where its uncentred score and the MRAT are when it is an MRAT-centred
  /// value score (nil otherwise, or when unknown: the column is then kept as it is).
  public let centring: [Centring?]
  /// True while every row was written.
  public private(set) var complete = true
  /// Rows merged into the file.
  public private(set) var rows = 0
  /// Bytes written to the file.
  public private(set) var bytesWritten = 0
  /// A partial's batches, encoded, with batch-local groups.
  private var pending: [[UInt64]] = []
  private var file: SpillFile?
  /// Per block in the file: its first byte, its rows and its bytes.
  private var blockStarts: [Int] = []
  private var blockRows: [Int] = []
  private var blockBytes: [Int] = []

  /// An MRAT-centred value score's sources: value `value` (index into
  /// ``CandorPsychometrics/ValueScores/values``) of the value scale at index `scale`, and
  /// the score variable `mrat` (the scale's MRAT) that is subtracted from it.
  public struct Centring: Sendable, Equatable {
    public var scale: Int
    public var value: Int
    public var mrat: Int
    public init(scale: Int, value: Int, mrat: Int) { self.scale = scale; self.value = value; self.mrat = mrat }
  }

  init(scores: [Int], level: Int, centring: [Centring?] = []) {
    self.scores = scores
    self.level = level
    self.centring = scores.indices.map { centring.indices.contains($0) ? centring[$0] : nil }
  }

  /// Column tags: how a stored column is written.
  private enum Kind: UInt64 {
    case doubles = 0
    /// UInt16 sixtieths (`sixtiethsMissing` = NaN).
    case sixtieths = 1
    /// UInt16 sixtieths of the uncentred score, minus the Double column in the tag's bits 8…
    case centredSixtieths = 2
  }

  static let sixtiethsMissing: UInt16 = 0xFFFF

  /// Adds a batch's used rows (`columns`: every score variable's column, as
  /// ``BatchWork/scoreColumns(_:layout:scales:codes:)`` gives them, with its `valueScores`;
  /// `groups`: the rows' batch-local indices at ``level``).
  mutating func append(_ columns: [[Double]], valueScores: [CandorPsychometrics.ValueScores?] = [], groups rowGroups: [Int32]) {
    guard complete else { return }
    let m = rowGroups.count
    if m == 0 { return }
    var tags: [UInt64] = []
    var data: [[UInt64]] = []
    var mratColumn: [Int: Int] = [:]  // score variable → stored column
    var hidden: [[Double]] = []
    for (j, s) in scores.enumerated() {
      let column = columns[s]
      if let z = centring[j], let scale = valueScores[safe: z.scale] ?? nil, scale.values.indices.contains(z.value),
         columns.indices.contains(z.mrat), case let v = scale.values[z.value].scores, v.count == m,
         let q = Self.sixtieths(v, reproducing: column, minus: columns[z.mrat]) {
        let h = mratColumn[z.mrat] ?? {
          hidden.append(columns[z.mrat])
          mratColumn[z.mrat] = scores.count + hidden.count - 1
          return scores.count + hidden.count - 1
        }()
        tags.append(Kind.centredSixtieths.rawValue | UInt64(h) << 8)
        data.append(Self.words(q))
      } else if let q = Self.sixtieths(column) {
        tags.append(Kind.sixtieths.rawValue)
        data.append(Self.words(q))
      } else {
        tags.append(Kind.doubles.rawValue)
        data.append(Self.words(column))
      }
    }
    for column in hidden {
      tags.append(Kind.doubles.rawValue)
      data.append(Self.words(column))
    }
    var block: [UInt64] = [UInt64(m), UInt64(tags.count)] + tags
    block.reserveCapacity(block.count + Self.paddedGroups(m) / 2 + data.reduce(0) { $0 + $1.count })
    block += rowGroups.withUnsafeBufferPointer { g in
      [UInt64](unsafeUninitializedCapacity: Self.paddedGroups(m) / 2) { words, count in
        let raw = UnsafeMutableRawBufferPointer(words)
        raw.storeBytes(of: -1, toByteOffset: raw.count - 4, as: Int32.self)  // the padding
        raw.baseAddress!.copyMemory(from: g.baseAddress!, byteCount: 4 * m)
        count = Self.paddedGroups(m) / 2
      }
    }
    for d in data { block += d }
    pending.append(block)
  }

  /// Every code's value, `Double(q) / 60` (NaN for ``sixtiethsMissing``): encoding checks
  /// and decoding look it up instead of dividing (~1 ns a value less; the codes of a
  /// Likert mean stay in the table's first 3 kB).
  static let sixtiethValues: [Double] = (0...Int(UInt16.max)).map { decode(UInt16($0)) }

  /// The sixtieths of every value of `column` (NaN → ``sixtiethsMissing``), or nil when one
  /// is not read back bit for bit as `Double(q) / 60` (not a sixtieth in [0, 1092], −0).
  static func sixtieths(_ column: [Double]) -> [UInt16]? {
    sixtieths(column, reproducing: nil, minus: nil)
  }

  /// The sixtieths of `column`, as ``sixtieths(_:)``, when also `Double(q) / 60 − minus`
  /// gives each value of `result` (NaN for NaN): a centred score from its uncentred one,
  /// checked in the same loop.
  static func sixtieths(_ column: [Double], reproducing result: [Double]?, minus: [Double]?) -> [UInt16]? {
    let n = column.count
    if let result, result.count != n { return nil }
    if let minus, minus.count != n { return nil }
    // Branch-free: adding 2⁵² rounds v · 60 to an integer and leaves it in the low bits
    // (whatever lands there for a negative, too large or NaN value fails the check below),
    // and each mismatch ORs nonzero bits into `bad`.
    var bad: UInt64 = 0
    let q = [UInt16](unsafeUninitializedCapacity: n) { out, count in
      count = n
      sixtiethValues.withUnsafeBufferPointer { table in
        column.withUnsafeBufferPointer { x in
          @inline(__always) func code(_ i: Int) -> Double {
            let v = x[i]
            let code = v.isNaN ? sixtiethsMissing : UInt16(truncatingIfNeeded: (v * 60 + 0x1p52).bitPattern)
            out[i] = code
            // A NaN's code is the missing code, read back as NaN.
            let back = table[Int(code)]
            bad |= v.isNaN ? 0 : back.bitPattern ^ v.bitPattern
            return back
          }
          guard let result, let minus else {
            for i in 0..<n { _ = code(i) }
            return
          }
          result.withUnsafeBufferPointer { c in
            minus.withUnsafeBufferPointer { m in
              for i in 0..<n {
                let d = code(i) - m[i]
                bad |= d.isNaN && c[i].isNaN ? 0 : d.bitPattern ^ c[i].bitPattern
              }
            }
          }
        }
      }
    }
    return bad == 0 ? q : nil
  }

  @inline(__always) static func decode(_ q: UInt16) -> Double { q == sixtiethsMissing ? .nan : Double(q) / 60 }

  /// Doubles as words (their bits).
  private static func words(_ x: [Double]) -> [UInt64] {
    [UInt64](unsafeUninitializedCapacity: x.count) { words, count in
      x.withUnsafeBytes { UnsafeMutableRawBufferPointer(words).copyMemory(from: $0) }
      count = x.count
    }
  }

  /// 16-bit codes packed four to a word (the last word padded).
  private static func words(_ q: [UInt16]) -> [UInt64] {
    [UInt64](unsafeUninitializedCapacity: (q.count + 3) / 4) { words, count in
      count = (q.count + 3) / 4
      let raw = UnsafeMutableRawBufferPointer(words)
      raw.storeBytes(of: 0, toByteOffset: (count - 1) * 8, as: UInt64.self)
      q.withUnsafeBytes { raw.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }
  }

  /// Appends a partial's batches to the file, a block each, their groups mapped through
  /// `mapping`.
  mutating func merge(_ o: AlignmentRows, mapping: [Int32]) {
    guard complete else { return }
    // A partial that is incomplete, or another total (a second file), ends the keeping.
    guard o.complete, o.file == nil, o.scores == scores, o.centring == centring, o.level == level else { stop(); return }
    for var block in o.pending {
      if file == nil { file = SpillFile() }
      guard let file else { stop(); return }
      let m = Int(block[0]), groupsAt = 2 + Int(block[1])
      block.withUnsafeMutableBytes { raw in
        let g = (raw.baseAddress! + 8 * groupsAt).assumingMemoryBound(to: Int32.self)
        for i in 0..<m where g[i] >= 0 { g[i] = mapping[Int(g[i])] }
      }
      guard block.withUnsafeBytes({ file.write($0) }) else { stop(); return }
      blockStarts.append(bytesWritten)
      blockRows.append(m)
      blockBytes.append(8 * block.count)
      bytesWritten += 8 * block.count
      rows += m
    }
  }

  /// Group slots of a block of `m` rows: `m` rounded up to even (8-byte alignment).
  static func paddedGroups(_ m: Int) -> Int { (m + 1) & ~1 }

  private mutating func stop() {
    complete = false
    file = nil
    pending = []
    blockStarts = []
    blockRows = []
    blockBytes = []
  }

  /// A block of rows read back: their global groups (-1 = none) and their values,
  /// ``scores``.count Doubles a row, row-major (NaN = missing).
  struct Block: Sendable {
    var groups: [Int32]
    var values: [Double]
    var rows: Int { groups.count }
  }

  /// Blocks in the file (one per merged batch).
  public var blockCount: Int { complete && file != nil ? blockStarts.count : 0 }

  /// Makes every block written readable by ``block(_:)``; call before the reads. False
  /// when the rows cannot be read back (none were kept, or the last of them could not be
  /// written out: a full disk), so the step reads the export again instead.
  @discardableResult
  func prepareForReading() -> Bool {
    guard complete, let file else { return false }
    return file.flush()
  }

  /// Lets the rows go once no step will read them again: the file is closed on another
  /// thread (``SpillFile/closeInBackground()``), so freeing its pages overlaps the report's
  /// writing. ``block(_:)`` fails after it. Not while a step reads the rows.
  public func release() {
    file?.closeInBackground()
  }

  /// Block `i` (in the order the batches were merged), read from its place in the file and
  /// decoded: any thread, several at once (after ``prepareForReading()``).
  func block(_ i: Int) throws -> Block {
    guard let file, complete, i >= 0, i < blockStarts.count else { throw AlignmentRowsError.badBlock(rows: 0, left: rows) }
    let m = blockRows[i], k = scores.count
    var words = [UInt64](repeating: 0, count: blockBytes[i] / 8)
    try words.withUnsafeMutableBytes { try Self.read(file, at: blockStarts[i], into: $0) }
    guard words.count >= 2, words[0] == UInt64(m), case let stored = Int(words[1]), stored >= k,
          case let groupsAt = 2 + stored, groupsAt + Self.paddedGroups(m) / 2 <= words.count else {
      throw AlignmentRowsError.badBlock(rows: words.first.map(Int.init) ?? 0, left: m)
    }
    return try words.withUnsafeBytes { raw in
      let tags = Array(words[2..<groupsAt])
      let groups = Array(UnsafeBufferPointer(start: (raw.baseAddress! + 8 * groupsAt).assumingMemoryBound(to: Int32.self), count: m))
      // Where each stored column starts (in words).
      var at = [Int](), next = groupsAt + Self.paddedGroups(m) / 2
      for tag in tags {
        at.append(next)
        next += tag & 0xFF == Kind.doubles.rawValue ? m : (m + 3) / 4
      }
      guard next <= words.count else { throw AlignmentRowsError.badColumns(block: i) }
      func doubles(_ c: Int) -> UnsafePointer<Double> { (raw.baseAddress! + 8 * at[c]).assumingMemoryBound(to: Double.self) }
      func codes(_ c: Int) -> UnsafePointer<UInt16> { (raw.baseAddress! + 8 * at[c]).assumingMemoryBound(to: UInt16.self) }
      var values = [Double](repeating: .nan, count: m * k)
      let table = Self.sixtiethValues
      try values.withUnsafeMutableBufferPointer { out in
        for j in 0..<k {
          let tag = tags[j]
          var to = out.baseAddress! + j
          switch Kind(rawValue: tag & 0xFF) {
          case .doubles:
            let x = doubles(j)
            for r in 0..<m { to.pointee = x[r]; to += k }
          case .sixtieths:
            let q = codes(j)
            for r in 0..<m { to.pointee = table[Int(q[r])]; to += k }
          case .centredSixtieths:
            let h = Int(tag >> 8)
            guard h < tags.count, tags[h] & 0xFF == Kind.doubles.rawValue else { throw AlignmentRowsError.badColumns(block: i) }
            let q = codes(j), mrat = doubles(h)
            for r in 0..<m { to.pointee = table[Int(q[r])] - mrat[r]; to += k }
          case nil:
            throw AlignmentRowsError.badColumns(block: i)
          }
        }
      }
      return Block(groups: groups, values: values)
    }
  }

  private static func read(_ file: SpillFile, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
    let read = file.read(at: offset, into: buffer)
    guard read == buffer.count else { throw AlignmentRowsError.shortRead(expected: buffer.count, read: read) }
  }
}

enum AlignmentRowsError: Error, CustomStringConvertible {
  case shortRead(expected: Int, read: Int)
  case badBlock(rows: Int, left: Int)
  case badColumns(block: Int)
  var description: String {
    switch self {
    case let .shortRead(expected, read):
      return "the temporary file of values-alignment rows returned \(read) of \(expected) bytes (was the temporary directory's disk full?)"
    case let .badColumns(block):
      return "the temporary file of values-alignment rows has a column in block \(block + 1) that Candor did not write that way (was it changed while Candor ran?)"
    case let .badBlock(rows, left):
      return "the temporary file of values-alignment rows has a block of \(rows) rows where \(left) were left (was it changed while Candor ran?)"
    }
  }
}
