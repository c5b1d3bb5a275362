import CandorNumerics
import Foundation

/// The rows the values-alignment step needs, kept by the statistics pass so that step
/// neither reads and parses the export a second time nor scores the value items again
/// (design.md §1.2: "keep compact per-respondent columns or make a further pass").
///
/// For every used row, in file order: its group at the alignment's level (a global index,
/// Int32) and the **score values the pass already computed** for the step — the value
/// scale's MRAT-centred value scores, then the outcomes and covariates the alignment is
/// correlated with — as Doubles, bit for bit what the pass scored, so the step's numbers
/// equal a second read's exactly whatever the data (decimal covariates too). The rows go
/// to an unlinked temporary file (``SpillFile``), not to memory: 108 bytes a respondent
/// for PVQ-40's ten values and three other columns (108 MB of disk at 1M rows, 540 MB at
/// 5M), nothing resident beyond the page cache. A file that cannot be made or written (a
/// full disk) makes ``complete`` false and the step reads the export again instead.
///
/// A worker's partial holds its batch's rows in memory (row-major, batch-local group
/// indices); merging a partial into the total appends it to the file as one **block**, in
/// the order partials are merged (file order): the row count (Int64), the rows' global
/// groups (Int32, padded to 8 bytes), then the partial's values as they are (row-major
/// Doubles). The values are written without a copy, and read back aligned, a block (a
/// batch) at a time: the step's unit of parallel work. Each block's place in the file is
/// kept, so the step's threads read their blocks themselves (``block(_:)``), side by side.
public struct AlignmentRows: @unchecked Sendable {
  /// Score variables kept (indices into ``AnalysisLayout/scoreNames``), in row order.
  public let scores: [Int]
  /// Group level of the group index.
  public let level: Int
  /// True while every row was written.
  public private(set) var complete = true
  /// Rows merged into the file.
  public private(set) var rows = 0
  /// A partial's rows: `scores.count` Doubles a row, row-major.
  private var values: [Double] = []
  /// A partial's batch-local group indices (-1 = none).
  private var groups: [Int32] = []
  private var file: SpillFile?
  /// Per block in the file: its first byte and its rows.
  private var blockStarts: [Int] = []
  private var blockRows: [Int] = []
  private var written = 0

  init(scores: [Int], level: Int) {
    self.scores = scores
    self.level = level
  }

  /// Bytes of one row in the file: its group (Int32), then 8 per score (plus, per block,
  /// an 8-byte row count and up to 4 bytes of padding).
  var recordSize: Int { 4 + 8 * scores.count }

  /// Adds a batch's used rows (`columns`: every score variable's column, as
  /// ``BatchWork/scoreColumns(_:layout:scales:)`` gives them; `groups`: the rows'
  /// batch-local indices at ``level``).
  mutating func append(_ columns: [[Double]], groups rowGroups: [Int32]) {
    guard complete else { return }
    let m = rowGroups.count, k = scores.count
    let start = values.count
    values += repeatElement(0, count: m * k)
    values.withUnsafeMutableBufferPointer { out in
      for (j, s) in scores.enumerated() {
        columns[s].withUnsafeBufferPointer { column in
          var at = out.baseAddress! + start + j
          for i in 0..<m { at.pointee = column[i]; at += k }
        }
      }
    }
    groups += rowGroups
  }

  /// Appends a partial's rows to the file as one block, its groups mapped through `mapping`.
  mutating func merge(_ o: AlignmentRows, mapping: [Int32]) {
    guard complete else { return }
    // A partial that is incomplete, or another total (a second file), ends the keeping.
    guard o.complete, o.file == nil, o.scores == scores, o.level == level else { stop(); return }
    let m = o.groups.count
    if m == 0 { return }
    if file == nil { file = SpillFile() }
    guard let file else { stop(); return }
    // Row count, then the groups padded to a multiple of 8 bytes (so the values that follow
    // stay 8-byte aligned in a block read into an aligned buffer).
    var head = [Int32](repeating: -1, count: 2 + Self.paddedGroups(m))
    head.withUnsafeMutableBytes { $0.storeBytes(of: Int64(m), as: Int64.self) }
    for i in 0..<m where o.groups[i] >= 0 { head[2 + i] = mapping[Int(o.groups[i])] }
    let ok = head.withUnsafeBytes { file.write($0) } && o.values.withUnsafeBytes { file.write($0) }
    guard ok else { stop(); return }
    blockStarts.append(written)
    blockRows.append(m)
    written += 4 * head.count + 8 * o.values.count
    rows += m
  }

  /// Group slots of a block of `m` rows: `m` rounded up to even (8-byte alignment).
  static func paddedGroups(_ m: Int) -> Int { (m + 1) & ~1 }

  private mutating func stop() {
    complete = false
    file = nil
    values = []
    groups = []
    blockStarts = []
    blockRows = []
  }

  /// A block of rows read back: their global groups (-1 = none) and their values,
  /// ``scores``.count Doubles a row, row-major (NaN = missing).
  struct Block: Sendable {
    var groups: [Int32]
    var values: [Double]
    var rows: Int { groups.count }
  }

  /// Blocks in the file (one per merged partial).
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

  /// Block `i` (in the order the batches were merged), read from its place in the file:
  /// any thread, several at once (after ``prepareForReading()``).
  func block(_ i: Int) throws -> Block {
    guard let file, complete, i >= 0, i < blockStarts.count else { throw AlignmentRowsError.badBlock(rows: 0, left: rows) }
    let m = blockRows[i], k = scores.count
    var head = [Int32](repeating: -1, count: 2 + Self.paddedGroups(m))
    var values = [Double](repeating: .nan, count: m * k)
    try head.withUnsafeMutableBytes { try Self.read(file, at: blockStarts[i], into: $0) }
    try values.withUnsafeMutableBytes { try Self.read(file, at: blockStarts[i] + 4 * head.count, into: $0) }
    let count = head.withUnsafeBytes { $0.load(as: Int64.self) }
    guard count == Int64(m) else { throw AlignmentRowsError.badBlock(rows: Int(count), left: m) }
    return Block(groups: Array(head[2..<(2 + m)]), values: values)
  }

  private static func read(_ file: SpillFile, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
    let read = file.read(at: offset, into: buffer)
    guard read == buffer.count else { throw AlignmentRowsError.shortRead(expected: buffer.count, read: read) }
  }
}

enum AlignmentRowsError: Error, CustomStringConvertible {
  case shortRead(expected: Int, read: Int)
  case badBlock(rows: Int, left: Int)
  var description: String {
    switch self {
    case let .shortRead(expected, read):
      return "the temporary file of values-alignment rows returned \(read) of \(expected) bytes (was the temporary directory's disk full?)"
    case let .badBlock(rows, left):
      return "the temporary file of values-alignment rows has a block of \(rows) rows where \(left) were left (was it changed while Candor ran?)"
    }
  }
}
