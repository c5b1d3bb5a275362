import CandorNumerics
import Foundation

/// The rows the values-alignment step needs, kept by the statistics pass so that step
/// does not read and parse the export a second time (design.md §1.2: "keep compact
/// per-respondent columns or make a further pass").
///
/// For every used row, in file order: its group at the alignment's level (a global index,
/// Int32) and the decoded values of the variables the step scores and correlates (the
/// value items, the outcomes and covariates) as **one byte each** — exact, because they
/// are kept only while every value is an integer 0…254 or missing (255). The first value
/// that is not (a decimal covariate, say) makes ``fits`` false and the step reads the
/// export again instead. The records go to an unlinked temporary file (``SpillFile``), not to
/// memory: 47 bytes a respondent for PVQ-40 and three other columns, 235 MB of disk at
/// 5M rows and nothing resident beyond the page cache.
///
/// A worker's partial holds its batch's records in memory (row-major bytes, batch-local
/// group indices); merging a partial into the total maps its groups to global indices
/// and appends its records to the file, in the order partials are merged (file order).
public struct AlignmentRows: @unchecked Sendable {
  /// Decoded variables kept (indices into the decoding plan), in record order.
  public let variables: [Int]
  /// Group level of the group index.
  public let level: Int
  /// True while every kept value fits a byte and every record was written.
  public private(set) var fits = true
  /// Records merged into the file.
  public private(set) var rows = 0
  /// A partial's records: `variables.count` bytes a row, row-major.
  private var bytes: [UInt8] = []
  /// A partial's batch-local group indices (-1 = none).
  private var groups: [Int32] = []
  private var file: SpillFile?

  static let missing = CompactColumn.missingByte

  init(variables: [Int], level: Int) {
    self.variables = variables
    self.level = level
  }

  var recordSize: Int { 4 + variables.count }

  /// Adds a batch's used rows (`used`: column-major decoded values of every plan
  /// variable; `groups`: their batch-local indices at ``level``).
  mutating func append(_ used: RowBlock, groups rowGroups: [Int32]) {
    guard fits else { return }
    let m = used.rows, k = variables.count
    var out = [UInt8](repeating: 0, count: m * k)
    let ok = used.values.withUnsafeBufferPointer { all -> Bool in
      out.withUnsafeMutableBufferPointer { out in
        for (j, v) in variables.enumerated() {
          let column = all.baseAddress! + v * m
          var at = out.baseAddress! + j
          for i in 0..<m {
            guard let b = CompactColumn.byte(column[i]) else { return false }
            at.pointee = b
            at += k
          }
        }
        return true
      }
    }
    guard ok else { fits = false; bytes = []; groups = []; return }
    bytes += out
    groups += rowGroups
  }

  /// Appends a partial's records to the file, its groups mapped through `mapping`.
  mutating func merge(_ o: AlignmentRows, mapping: [Int32]) {
    guard fits else { return }
    // A partial that did not fit, or another total (a second file), ends the keeping.
    guard o.fits, o.file == nil, o.variables == variables, o.level == level else { stop(); return }
    let m = o.groups.count
    if m == 0 { return }
    if file == nil { file = SpillFile() }
    guard let file else { stop(); return }
    let k = variables.count, size = recordSize
    var records = [UInt8](repeating: 0, count: m * size)
    records.withUnsafeMutableBytes { out in
      o.bytes.withUnsafeBytes { src in
        for i in 0..<m {
          let g = o.groups[i] < 0 ? Int32(-1) : mapping[Int(o.groups[i])]
          out.storeBytes(of: g.littleEndian, toByteOffset: i * size, as: Int32.self)
          (out.baseAddress! + i * size + 4).copyMemory(from: src.baseAddress! + i * k, byteCount: k)
        }
      }
    }
    if records.withUnsafeBytes({ file.write($0) }) { rows += m } else { stop() }
  }

  private mutating func stop() {
    fits = false
    file = nil
    bytes = []
    groups = []
  }

  /// Reads the records back in file order, `chunk` rows at a time: `body(records, rows)`
  /// gets `rows` records of ``recordSize`` bytes (group as little-endian Int32, then one
  /// byte per variable, 255 = missing).
  func forEachChunk(rows chunk: Int, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
    guard let file, fits else { return }
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
