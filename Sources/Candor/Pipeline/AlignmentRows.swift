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
/// equal a second read's exactly whatever the data (decimal covariates too). The records
/// go to an unlinked temporary file (``SpillFile``), not to memory: 108 bytes a respondent
/// for PVQ-40's ten values and three other columns (108 MB of disk at 1M rows, 540 MB at
/// 5M), nothing resident beyond the page cache. A file that cannot be made or written (a
/// full disk) makes ``complete`` false and the step reads the export again instead.
///
/// A worker's partial holds its batch's records in memory (row-major, batch-local group
/// indices); merging a partial into the total maps its groups to global indices and
/// appends its records to the file, in the order partials are merged (file order).
public struct AlignmentRows: @unchecked Sendable {
  /// Score variables kept (indices into ``AnalysisLayout/scoreNames``), in record order.
  public let scores: [Int]
  /// Group level of the group index.
  public let level: Int
  /// True while every record was written.
  public private(set) var complete = true
  /// Records merged into the file.
  public private(set) var rows = 0
  /// A partial's records: `scores.count` Doubles a row, row-major.
  private var values: [Double] = []
  /// A partial's batch-local group indices (-1 = none).
  private var groups: [Int32] = []
  private var file: SpillFile?

  init(scores: [Int], level: Int) {
    self.scores = scores
    self.level = level
  }

  /// Bytes of one record: the group (Int32), then 8 per score.
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

  /// Appends a partial's records to the file, its groups mapped through `mapping`.
  mutating func merge(_ o: AlignmentRows, mapping: [Int32]) {
    guard complete else { return }
    // A partial that is incomplete, or another total (a second file), ends the keeping.
    guard o.complete, o.file == nil, o.scores == scores, o.level == level else { stop(); return }
    let m = o.groups.count
    if m == 0 { return }
    if file == nil { file = SpillFile() }
    guard let file else { stop(); return }
    let k = scores.count, size = recordSize
    var records = [UInt8](repeating: 0, count: m * size)
    records.withUnsafeMutableBytes { out in
      o.values.withUnsafeBytes { src in
        for i in 0..<m {
          let g = o.groups[i] < 0 ? Int32(-1) : mapping[Int(o.groups[i])]
          out.storeBytes(of: g, toByteOffset: i * size, as: Int32.self)
          (out.baseAddress! + i * size + 4).copyMemory(from: src.baseAddress! + i * k * 8, byteCount: k * 8)
        }
      }
    }
    if records.withUnsafeBytes({ file.write($0) }) { rows += m } else { stop() }
  }

  private mutating func stop() {
    complete = false
    file = nil
    values = []
    groups = []
  }

  /// Reads the records back in file order, `chunk` rows at a time: `body(records, rows)`
  /// gets `rows` records of ``recordSize`` bytes (group as Int32, then one Double per
  /// score, NaN = missing; native byte order — the file lives only as long as the run).
  func forEachChunk(rows chunk: Int, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
    guard let file, complete else { return }
    file.rewind()
    var buffer = [UInt8](repeating: 0, count: max(1, chunk) * recordSize)
    var left = rows
    while left > 0 {
      let m = min(left, max(1, chunk))
      let read = buffer.withUnsafeMutableBytes { file.read(into: $0, count: m * recordSize) }
      guard read == m * recordSize else { throw AlignmentRowsError.shortRead(expected: m * recordSize, read: read) }
      try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<(m * recordSize)]), m) }
      left -= m
    }
  }
}

enum AlignmentRowsError: Error, CustomStringConvertible {
  case shortRead(expected: Int, read: Int)
  var description: String {
    switch self {
    case let .shortRead(expected, read):
      return "the temporary file of values-alignment rows returned \(read) of \(expected) bytes (was the temporary directory's disk full?)"
    }
  }
}
