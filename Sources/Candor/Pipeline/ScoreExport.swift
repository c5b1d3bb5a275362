import CandorData
import CandorNumerics
import CandorPsychometrics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Per-respondent scores as CSV, streamed in file order (design.md §5 `candor score`;
/// one of the two per-respondent outputs allowed by §8).
///
/// Columns: the respondent id (or `row`, the 1-based data row, when the codebook names
/// no id), each level of `groups` as the text in the file (cuts are not written), then
/// one column per score:
///
/// - an ordinary scale: its score by the scale's `scoring` (mean | sum | pomp), empty
///   when fewer than `min_items` items were answered;
/// - a value scale (PVQ): the uncentred value scores `<scale>.<value>.raw` (mean of the
///   value's raw ratings), the uncentred higher-order scores `<scale>.<higher>.raw`,
///   then the MRAT-centred scores under the names every other command uses,
///   `<scale>.<value>` and `<scale>.<higher>` (score − MRAT), and `<scale>.mrat`
///   (Schwartz's steps A–C, domain.md §2.5);
/// - each outcome, decoded (1 = event, 0 = other answer), then each covariate.
///
/// The rows go through the same decode → screen → score code as the statistics pass
/// (``BatchWork``), so a score here equals the score the statistics were computed from.
/// Rows excluded by a screen are not written; they are counted by reason in the
/// ``Summary``. Missing scores are empty cells; numbers are written in the shortest text
/// that reads back to the same Double (integers without ".0").
///
/// Memory: workers decode, score and format one batch of CSV text each; the calling
/// thread writes the batches in file order, so nothing grows with the number of rows.
public struct ScoreExport: Sendable {
  public let layout: AnalysisLayout
  public let screens: Screens
  public let threads: Int
  /// Header of the output, in column order.
  public let header: [String]
  let idName: String?
  let groupColumns: [Int]
  let scoreColumns: [Column]

  /// Where one output score column comes from.
  enum Source: Sendable, Equatable {
    /// Score variable `k` of the layout.
    case layout(Int)
    /// Uncentred value score `index` of value scale `scale`.
    case rawValue(scale: Int, index: Int)
    /// Uncentred higher-order score `index` of value scale `scale`.
    case rawHigherOrder(scale: Int, index: Int)
  }

  struct Column: Sendable {
    var name: String
    var source: Source
    /// Counted in ``Summary/unscored`` (scale scores; not centred scores, which are
    /// missing exactly when their value score or MRAT is, nor outcomes and covariates).
    var countsUnscored: Bool
  }

  /// What a run read, wrote and left out (printed by `candor score` on stderr).
  public struct Summary: Sendable, Equatable {
    /// Data rows read (after header rows).
    public var rowsRead = 0
    /// Respondents written.
    public var rowsWritten = 0
    /// Rows excluded, by reason.
    public var exclusions = ExclusionCounts()
    /// Written respondents without a score (too few items answered), per scale score,
    /// uncentred value and higher-order score and MRAT, in column order.
    public var unscored: [Unscored] = []
    /// Cells turned missing because out of range (`--out-of-range missing`).
    public var outOfRangeCells = 0
    /// Codebook warnings (e.g. keys that differ from the instrument's).
    public var warnings: [AnalysisWarning] = []

    public struct Unscored: Sendable, Equatable {
      public var score: String
      public var count: Int
    }

    public init() {}
  }

  public init(layout: AnalysisLayout, screens: Screens, threads: Int, idName: String?) {
    self.layout = layout
    self.screens = screens
    self.threads = max(1, threads)
    let plan = layout.plan
    self.idName = plan.idColumn == nil ? nil : (idName ?? "id")
    let levels = layout.groupLevels.filter { !$0.isCut }
    groupColumns = levels.map { $0.columns.last! }
    var columns: [Column] = []
    var rawDone = Set<Int>()
    for (k, name) in layout.scoreNames.enumerated() {
      if let s = layout.scoreScale[k], let spec = layout.valueSpecs[s] {
        if rawDone.insert(s).inserted {
          for (i, v) in spec.values.enumerated() {
            columns.append(Column(name: "\(spec.name).\(v.name).raw", source: .rawValue(scale: s, index: i),
                                  countsUnscored: true))
          }
          for (i, h) in spec.higherOrder.enumerated() {
            columns.append(Column(name: "\(spec.name).\(h.name).raw", source: .rawHigherOrder(scale: s, index: i),
                                  countsUnscored: true))
          }
        }
        columns.append(Column(name: name, source: .layout(k), countsUnscored: name == "\(spec.name).mrat"))
      } else {
        columns.append(Column(name: name, source: .layout(k), countsUnscored: layout.scoreScale[k] != nil))
      }
    }
    scoreColumns = columns
    header = [self.idName ?? "row"] + levels.map(\.name) + columns.map(\.name)
  }

  // MARK: Running

  /// Loads the codebook, opens each file of `request` and writes the scores of all of
  /// them (one header) to `output`, or to standard output when `output` is nil.
  ///
  /// A file is written as `<output>.partial` and renamed into place only when every row
  /// was read, so a failed or interrupted run never leaves a partial `output` (an
  /// existing file of that name is replaced only on success).
  ///
  /// - Parameter csvChunkSize: bytes per text batch (default: the reader's); small
  ///   values are for tests that need many batches.
  public static func run(_ request: AnalysisRequest, output: String?, csvChunkSize: Int? = nil) throws -> Summary {
    let (codebook, problems) = try Codebook.loadValidated(contentsOf: URL(fileURLWithPath: request.codebookPath))
    CandorRuntime.configureBLAS()
    let sink: ScoreSink
    let partialPath = output.map { $0 + ".partial" }
    if let partialPath {
      sink = try ScoreSink(path: partialPath)
    } else {
      sink = ScoreSink(handle: .standardOutput)
    }
    do {
      var summary = Summary()
      summary.warnings = problems.map(\.analysisWarning)
      var header: [String]?
      for file in request.files {
        var options = SurveyData.sourceOptions(codebook, request)
        if let csvChunkSize { options.csv.chunkSize = max(16, csvChunkSize) }
        let (source, layout) = try SurveyData.openForPass(file, codebook: codebook, request: request, options: options)
        let export = ScoreExport(layout: layout,
                                 screens: codebook.screens, threads: request.threads, idName: codebook.id)
        if header == nil {
          header = export.header
          sink.write(export.headerLine())
        } else if header != export.header {
          throw ScoreExportError.differentColumns(file: source.fileName, expected: header!, found: export.header)
        }
        summary.merge(try export.write(source, to: sink))
      }
      try sink.close()
      if let output, let partialPath {
        guard rename(partialPath, output) == 0 else {
          throw ScoreExportError.cannotRename(from: partialPath, to: output, reason: String(cString: strerror(errno)))
        }
      }
      return summary
    } catch {
      try? sink.close()
      if let partialPath { try? FileManager.default.removeItem(atPath: partialPath) }
      throw error
    }
  }

  /// Streams the scores of `source`'s kept rows to `sink` (rows only; the caller writes
  /// ``headerLine()`` once).
  public func write(_ source: any SurveySource, to sink: ScoreSink) throws -> Summary {
    let pass = SurveyPass(layout: layout, screens: screens, threads: threads)
    var screener = try pass.makeScreener(source)
    let export = self
    var summary = Summary()
    var unscored = Array(repeating: 0, count: scoreColumns.count)
    var row = 0
    try source.readBatches(threads: threads, visibility: SurveyPass.visibility(layout.plan), map: { batch in
      try export.format(batch)
    }, consume: { formatted, position in
      var formatted = formatted
      try formatted.work.screenDuplicates(&screener, firstRow: row + 1)
      let work = formatted.work
      var kept = 0
      for r in 0..<work.keep.count {
        guard let span = formatted.spans[r] else { continue }
        if work.keep[r] {
          if export.idName == nil { sink.write("\(position.recordBase + r + 1),") }
          sink.write(formatted.text[span])
          kept += 1
        } else {
          // Formatted on the worker, then excluded as a duplicate id.
          for (c, flagged) in formatted.unscoredColumns(row: r).enumerated()
          where flagged && export.scoreColumns[c].countsUnscored { unscored[c] -= 1 }
        }
      }
      for c in unscored.indices { unscored[c] += formatted.unscoredCounts[c] }
      summary.rowsRead += work.partial.rowsRead
      summary.rowsWritten += kept
      summary.exclusions.merge(work.partial.exclusions)
      summary.outOfRangeCells += work.partial.decodeCounts.totalOutOfRange
      row += work.keep.count
      try sink.checkWrite()
    })
    for (c, column) in scoreColumns.enumerated() where column.countsUnscored {
      summary.unscored.append(.init(score: column.name, count: unscored[c]))
    }
    return summary
  }

  /// The header line (with its newline).
  public func headerLine() -> String {
    header.map(Self.csvField).joined(separator: ",") + "\n"
  }

  // MARK: Formatting (on the workers)

  /// One batch, decoded, screened (all but duplicate ids), scored and formatted.
  struct FormattedBatch: Sendable {
    /// The batch's screening state (the decoded block is dropped once scored).
    var work: BatchWork
    /// UTF-8 text of the rows that passed the stateless screens.
    var text: [UInt8]
    /// Per record: its line in ``text`` (without the leading `row,` when there is no id
    /// column), nil when a stateless screen excluded it.
    var spans: [Range<Int>?]
    /// Per score column: formatted rows without a score.
    var unscoredCounts: [Int]
    /// Per formatted record, row-major over score columns: true = no score.
    var missing: [Bool]
    /// Per record: its index among the formatted records (-1 = not formatted).
    var formattedIndex: [Int32]
    var columns: Int

    func unscoredColumns(row r: Int) -> ArraySlice<Bool> {
      let i = Int(formattedIndex[r])
      guard i >= 0 else { return [] }
      return missing[(i * columns)..<((i + 1) * columns)]
    }
  }

  func format(_ batch: RecordBatch) throws -> FormattedBatch {
    // No group level: the export reads no group index, so no cell is keyed or interned.
    var work = try BatchWork(batch: batch, layout: layout, screens: screens, accumulate: false, groupLevels: [])
    let (used, kept) = work.keptRows()
    let (columns, valueScores) = BatchWork.scoreColumns(used, layout: layout)
    let c = scoreColumns.count
    var values = [[Double]]()
    values.reserveCapacity(c)
    for column in scoreColumns {
      switch column.source {
      case .layout(let k): values.append(columns[k])
      case let .rawValue(s, i):
        values.append(valueScores[s]?.values[i].scores ?? Array(repeating: .nan, count: used.rows))
      case let .rawHigherOrder(s, i):
        values.append(valueScores[s]?.higherOrder[i].scores ?? Array(repeating: .nan, count: used.rows))
      }
    }
    var text: [UInt8] = []
    text.reserveCapacity(kept.count * (16 + 12 * c))
    var spans = [Range<Int>?](repeating: nil, count: batch.count)
    var unscoredCounts = Array(repeating: 0, count: c)
    var missing = [Bool](repeating: false, count: kept.count * c)
    var formattedIndex = [Int32](repeating: -1, count: batch.count)
    let plan = layout.plan
    for (i, r) in kept.enumerated() {
      let start = text.count
      var fields: [String] = []
      if let idColumn = plan.idColumn { fields.append(Self.csvField(batch.string(r, idColumn))) }
      for g in groupColumns { fields.append(Self.csvField(batch.string(r, g))) }
      for k in 0..<c {
        let x = values[k][i]
        if x.isNaN { missing[i * c + k] = true; if scoreColumns[k].countsUnscored { unscoredCounts[k] += 1 } }
        fields.append(Self.number(x))
      }
      text.append(contentsOf: fields.joined(separator: ",").utf8)
      text.append(UInt8(ascii: "\n"))
      spans[r] = start..<text.count
      formattedIndex[r] = Int32(i)
    }
    // The decoded cells are no longer needed; keep only the screening state.
    work.block = RowBlock(rows: work.block.rows, columns: 0, values: [])
    return FormattedBatch(work: work, text: text, spans: spans, unscoredCounts: unscoredCounts,
                          missing: missing, formattedIndex: formattedIndex, columns: c)
  }

  /// A score as text: empty when missing, integers without ".0", otherwise Swift's
  /// shortest round-trip representation (`Double.description`).
  public static func number(_ x: Double) -> String {
    if x.isNaN { return "" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return x.description
  }

  /// A text field, quoted (RFC 4180) when it holds a comma, quote or line break.
  public static func csvField(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

extension ScoreExport.Summary {
  /// Adds another file's summary (unscored counts by score name).
  public mutating func merge(_ other: ScoreExport.Summary) {
    rowsRead += other.rowsRead
    rowsWritten += other.rowsWritten
    exclusions.merge(other.exclusions)
    outOfRangeCells += other.outOfRangeCells
    for w in other.warnings where !warnings.contains(w) { warnings.append(w) }
    for u in other.unscored {
      if let i = unscored.firstIndex(where: { $0.score == u.score }) { unscored[i].count += u.count } else { unscored.append(u) }
    }
  }

  /// Lines for stderr: rows read and written, exclusions by reason, unscored per score.
  public var lines: [String] {
    var out = warnings.map { "warning: \($0.message)" }
    out.append("\(rowsRead) rows read, \(rowsWritten) respondents written, \(exclusions.total) excluded")
    for (reason, count) in exclusions.sorted { out.append("  excluded (\(reason)): \(count)") }
    if exclusions.straightlinedKept > 0 {
      out.append("  straight-lined but kept (straightlining: warn): \(exclusions.straightlinedKept)")
    }
    if outOfRangeCells > 0 { out.append("  out-of-range cells read as missing: \(outOfRangeCells)") }
    // Every scale and MRAT; uncentred value and higher-order scores only when some are missing.
    let shown = unscored.filter { $0.count > 0 || !$0.score.hasSuffix(".raw") }
    if !shown.isEmpty {
      out.append("unscored respondents (too few items answered; empty cells):")
      for u in shown { out.append("  \(u.score): \(u.count)") }
    }
    return out
  }
}

/// Why a score export stopped.
public enum ScoreExportError: Error, CustomStringConvertible, Equatable {
  case differentColumns(file: String, expected: [String], found: [String])
  case cannotOpen(path: String, reason: String)
  case cannotWrite(path: String, reason: String)
  case cannotRename(from: String, to: String, reason: String)

  public var description: String {
    switch self {
    case let .differentColumns(file, expected, found):
      return "\(file) gives the score columns \(found.joined(separator: ",")) but the first file gave \(expected.joined(separator: ",")); score files with the same codebook layout together, or run them separately"
    case let .cannotOpen(path, reason):
      return "cannot create \(path): \(reason); check that the folder exists and is writable"
    case let .cannotWrite(path, reason):
      return "cannot write \(path): \(reason); check free disk space"
    case let .cannotRename(from, to, reason):
      return "cannot rename \(from) to \(to): \(reason); the scores are complete in \(from)"
    }
  }
}

/// A buffered byte sink (a file or standard output) for the score CSV.
public final class ScoreSink: @unchecked Sendable {
  private let fd: Int32
  private let path: String
  private let ownsDescriptor: Bool
  private var buffer: [UInt8] = []
  private var failure: ScoreExportError?
  private var closed = false
  private static let flushSize = 1 << 20

  /// Creates (or truncates) the file at `path`.
  public init(path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw ScoreExportError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
    self.fd = fd
    self.path = path
    ownsDescriptor = true
    buffer.reserveCapacity(Self.flushSize)
  }

  /// Writes to an open handle (standard output), which stays open.
  public init(handle: FileHandle) {
    fd = handle.fileDescriptor
    path = "standard output"
    ownsDescriptor = false
    buffer.reserveCapacity(Self.flushSize)
  }

  public func write(_ s: String) { write(Array(s.utf8)[...]) }

  public func write(_ bytes: ArraySlice<UInt8>) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.flushSize { flush() }
  }

  /// Throws the first write error seen so far.
  public func checkWrite() throws { if let failure { throw failure } }

  private func flush() {
    guard failure == nil, !buffer.isEmpty else { buffer.removeAll(keepingCapacity: true); return }
    buffer.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failure = .cannotWrite(path: path, reason: String(cString: strerror(errno)))
          return
        }
        offset += n
      }
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes the buffer and closes the file (not standard output).
  public func close() throws {
    if closed { return }
    closed = true
    flush()
    if ownsDescriptor {
      if Glibc.close(fd) != 0, failure == nil {
        failure = .cannotWrite(path: path, reason: String(cString: strerror(errno)))
      }
    }
    try checkWrite()
  }
}
