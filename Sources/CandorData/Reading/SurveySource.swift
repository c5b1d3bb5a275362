import Foundation

/// The layout of an export's header (codebook `format:`).
public enum SurveyLayout: String, Sendable, Equatable, CaseIterable {
  /// One header row.
  case csv
  /// Qualtrics: export tags, question texts, `{"ImportId": …}` (3 header rows).
  case qualtrics
  /// Qualtrics before ~2017: `V1, V2, …` then labels (`ResponseID`, …) (2 header rows).
  case qualtricsLegacy = "qualtrics-legacy"
  /// SurveyMonkey: questions, then sub-headers (2 header rows).
  case surveyMonkey = "surveymonkey"
  /// Google Forms: `Timestamp` first, question texts as headers (1 row).
  case googleForms = "google-forms"
  /// Microsoft Forms: `ID, Start time, Completion time, Email, Name, …` (1 row).
  case microsoftForms = "microsoft-forms"
  /// An SPSS system file (variable names; labels from the dictionary).
  case spss
}

/// What holds the records.
public enum ContainerKind: String, Sendable, Equatable {
  case text, xlsx, spss
}

/// A sheet of an .xlsx workbook (codebook `sheet:`).
public enum SheetSelector: Sendable, Equatable {
  case name(String)
  /// 1-based position in the workbook.
  case index(Int)
}

/// How to open an export.
public struct SourceOptions: Sendable, Equatable {
  /// nil = `format: auto`.
  public var layout: SurveyLayout?
  public var csv: CSVOptions
  /// nil = the first sheet.
  public var sheet: SheetSelector?

  public init(layout: SurveyLayout? = nil, csv: CSVOptions = CSVOptions(), sheet: SheetSelector? = nil) {
    self.layout = layout; self.csv = csv; self.sheet = sheet
  }
}

/// The header of an export after dialect processing.
public struct SurveyHeader: Sendable, Equatable {
  public var layout: SurveyLayout
  /// Canonical column names (Qualtrics export tags, SurveyMonkey "<question> / <sub-header>", …).
  public var columns: [String]
  /// Every header row as read, each padded to `columns.count` (Qualtrics: tags, question
  /// texts, ImportId JSON). `columns:` aliases match a text in ANY of these rows.
  public var rows: [[String]]
  /// Records at the top of the file that were header rows (not counting a `sep=` line).
  public var headerRowCount: Int { rows.count }

  /// The index of the column whose canonical name or any header-row text equals `text`
  /// exactly, or nil; with several matches the first column wins.
  public func columnIndex(matching text: String) -> Int? {
    if let k = columns.firstIndex(of: text) { return k }
    for row in rows { if let k = row.firstIndex(of: text) { return k } }
    return nil
  }

  /// Detects the layout from the first records and builds the header.
  ///
  /// Rules (domain.md §5): row 3 made of `{"ImportId":…}` cells → Qualtrics; row 1 `V1, V2…`
  /// with `ResponseID` in row 2 → legacy Qualtrics; row 1 starting `Respondent ID` →
  /// SurveyMonkey; first column `Timestamp` → Google Forms; `ID, Start time, Completion
  /// time` → Microsoft Forms; otherwise plain CSV.
  public static func detect(_ records: [[String]], requested: SurveyLayout?, fileName: String,
                            headerLines: [Int]? = nil) throws(ReadError) -> SurveyHeader {
    guard let first = records.first else { throw ReadError(.emptyFile, file: fileName) }
    func isImportIdRow(_ row: [String]) -> Bool {
      let filled = row.filter { !$0.isEmpty }
      return !filled.isEmpty && filled.allSatisfy { $0.hasPrefix("{\"ImportId\"") || $0.hasPrefix("{\"ImportID\"") }
    }
    let qualtrics3 = records.count >= 3 && isImportIdRow(records[2])
    let legacy = first.first == "V1" && records.count >= 2 && records[1].contains { $0 == "ResponseID" || $0 == "ResponseSet" }
    let monkey = first.first?.caseInsensitiveCompare("Respondent ID") == .orderedSame && records.count >= 2
    let google = first.first?.caseInsensitiveCompare("Timestamp") == .orderedSame
    let microsoft = first.count >= 3 && first[0] == "ID" && first[1].lowercased() == "start time"
      && first[2].lowercased() == "completion time"
    var layout: SurveyLayout
    if let requested {
      layout = requested
      if requested == .qualtrics && !qualtrics3 && legacy { layout = .qualtricsLegacy }
    } else if qualtrics3 { layout = .qualtrics }
    else if legacy { layout = .qualtricsLegacy }
    else if monkey { layout = .surveyMonkey }
    else if google { layout = .googleForms }
    else if microsoft { layout = .microsoftForms }
    else { layout = .csv }
    let count: Int
    switch layout {
    case .qualtrics: count = qualtrics3 ? 3 : 2
    case .qualtricsLegacy, .surveyMonkey: count = 2
    default: count = 1
    }
    if records.count < count {
      throw ReadError(.workbook("the \(layout.rawValue) layout needs \(count) header rows, the file has \(records.count) — set `format:` to the export's layout"), file: fileName)
    }
    let width = first.count
    var rows = Array(records.prefix(count)).map { row -> [String] in
      row.count >= width ? Array(row.prefix(width)) : row + Array(repeating: "", count: width - row.count)
    }
    var columns = rows[0]
    if layout == .surveyMonkey {
      // A blank row-1 cell continues the question to its left; sub-headers name the column.
      var question = ""
      for k in 0..<width {
        if !rows[0][k].isEmpty { question = rows[0][k] }
        let sub = rows[1][k]
        if sub.isEmpty || sub == "Response" || sub == "Open-Ended Response" { columns[k] = question }
        else { columns[k] = question.isEmpty ? sub : "\(question) / \(sub)" }
        rows[0][k] = question
      }
    }
    let line = headerLines?.first ?? 1
    var seen: [String: Int] = [:]
    for (k, name) in columns.enumerated() {
      if name.trimmingCharacters(in: .whitespaces).isEmpty {
        throw ReadError(.emptyColumnName(column: k + 1), file: fileName, line: line)
      }
      if let previous = seen[name] {
        throw ReadError(.duplicateColumnName(name, first: previous + 1, second: k + 1), file: fileName, line: line)
      }
      seen[name] = k
    }
    return SurveyHeader(layout: layout, columns: columns, rows: rows)
  }
}

/// SPSS-style variable dictionary: labels and user-missing codes per column.
public struct VariableDictionary: Sendable, Equatable {
  /// A user-missing specification: discrete codes and an optional closed range.
  public struct MissingValues: Sendable, Equatable {
    public var codes: [Double]
    public var range: ClosedRange<Double>?
    public init(codes: [Double] = [], range: ClosedRange<Double>? = nil) { self.codes = codes; self.range = range }
    /// Whether `value` is user-missing.
    public func contains(_ value: Double) -> Bool { codes.contains(value) || (range?.contains(value) ?? false) }
  }
  /// Variable labels (question texts), by column index; "" when none.
  public var variableLabels: [String]
  /// Value labels by column index: code → label (numeric columns), keyed by the code's text
  /// as the reader writes it into cells (e.g. "4", "-99", "2.5").
  public var valueLabels: [[String: String]]
  /// User-missing codes by column index (treated as missing by the decoder).
  public var missingValues: [MissingValues]
  /// Whether each column is numeric (false: string variable).
  public var isNumeric: [Bool]
}

/// An export opened for reading: its header plus a stream of record batches.
///
/// All containers deliver the same ``RecordBatch`` shape (UTF-8 cell bytes plus offsets),
/// so the decoder has one path. Text sources parse on `threads` workers; .xlsx and .sav
/// build batches on the calling thread and run `map` there too.
public protocol SurveySource: AnyObject, Sendable {
  var fileName: String { get }
  var container: ContainerKind { get }
  var header: SurveyHeader { get }
  /// Whether cells may carry a decimal comma.
  var decimalComma: Bool { get }
  /// The file's own dictionary (SPSS), or nil.
  var dictionary: VariableDictionary? { get }
  /// Streams the data records (see ``CSVReader/readBatches(headerRows:columnNames:threads:visibility:map:consume:)``).
  func readBatches<T: Sendable>(threads: Int, visibility: TextVisibility,
                                map: @escaping @Sendable (RecordBatch) throws -> T,
                                consume: (T, BatchPosition) throws -> Void) throws
}

extension SurveySource {
  /// Calls `body` with every batch in file order, positions final.
  public func forEachBatch(threads: Int = 1, visibility: TextVisibility = .hidden, _ body: (RecordBatch) throws -> Void) throws {
    try readBatches(threads: threads, visibility: visibility, map: { $0 }, consume: { batch, position in
      var b = batch
      b.recordBase = position.recordBase
      b.lineBase = position.lineBase
      try body(b)
    })
  }

  /// Every data record as strings (small files and tests only: O(file) memory).
  public func allRecords(threads: Int = 1) throws -> [[String]] {
    var out: [[String]] = []
    try forEachBatch(threads: threads) { batch in for r in 0..<batch.count { out.append(batch.strings(r)) } }
    return out
  }
}

/// A CSV/TSV export.
public final class TextSurveySource: SurveySource {
  public let reader: CSVReader
  public let header: SurveyHeader
  public var fileName: String { reader.fileName }
  public var container: ContainerKind { .text }
  public var decimalComma: Bool { reader.decimalComma }
  public var dictionary: VariableDictionary? { nil }

  public init(path: String, options: SourceOptions = SourceOptions()) throws(ReadError) {
    reader = try CSVReader(path: path, options: options.csv)
    header = try SurveyHeader.detect(reader.leadingRecords, requested: options.layout, fileName: reader.fileName,
                                     headerLines: reader.leadingRecordLines)
  }

  public func readBatches<T: Sendable>(threads: Int, visibility: TextVisibility,
                                       map: @escaping @Sendable (RecordBatch) throws -> T,
                                       consume: (T, BatchPosition) throws -> Void) throws {
    try readBatches(threads: threads, visibility: visibility, observer: nil, map: map, consume: consume)
  }

  /// ``readBatches(threads:visibility:map:consume:)`` with `observer` seeing the file's raw
  /// bytes as they are read (``RawByteObserver``).
  public func readBatches<T: Sendable>(threads: Int, visibility: TextVisibility, observer: (any RawByteObserver)?,
                                       map: @escaping @Sendable (RecordBatch) throws -> T,
                                       consume: (T, BatchPosition) throws -> Void) throws {
    try reader.readBatches(headerRows: header.headerRowCount, columnNames: header.columns, threads: threads,
                           visibility: visibility, observer: observer, map: map, consume: consume)
  }
}

/// Opens any supported export, choosing the container from the file's first bytes:
/// `PK\x03\x04` → .xlsx, `$FL2`/`$FL3` → SPSS .sav, anything else → text.
public enum SurveyFile {
  public static func open(path: String, options: SourceOptions = SourceOptions()) throws -> any SurveySource {
    switch try container(atPath: path) {
    case .xlsx: return try XLSXSource(path: path, options: options)
    case .spss: return try SPSSSource(path: path)
    case .text: return try TextSurveySource(path: path, options: options)
    }
  }

  /// The container of the file at `path`, from its first bytes, as ``open(path:options:)``
  /// chooses it.
  public static func container(atPath path: String) throws(ReadError) -> ContainerKind {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let file = try FileByteSource(path: path, fileName: name)
    var magic = [UInt8](repeating: 0, count: 4)
    let got = try magic.withUnsafeMutableBufferPointer { (b) throws(ReadError) in try file.read(into: b.baseAddress!, capacity: 4) }
    if got == 4 && magic == [0x50, 0x4B, 0x03, 0x04] { return .xlsx }
    if got == 4 && (magic == Array("$FL2".utf8) || magic == Array("$FL3".utf8)) { return .spss }
    return .text
  }

  /// The size in bytes of the file at `path`, following symbolic links (the export's own
  /// size, not the link's), or nil when it cannot be read: `stat(2)`. `FileManager`'s
  /// `attributesOfItem` describes a link itself (a 65-byte link to a 155 MB export made
  /// the pass reserve its per-respondent columns for ~1,000 rows and then grow them by
  /// copying at every batch), and looks up the owner's and group's names in
  /// /etc/passwd and /etc/group, which nothing here reads.
  public static func size(atPath path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int(info.st_size)
  }
}
