import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
internal import ZIPFoundation

/// An Excel .xlsx workbook (a ZIP of XML parts), read with ZIPFoundation; the small parts with
/// `XMLParser`, the worksheet with an incremental scanner.
///
/// The sheet is found through `xl/workbook.xml` and its relationships (by name or 1-based
/// index; default the first). Cells: shared strings (`t="s"`), inline strings, booleans
/// (`TRUE`/`FALSE`), formula strings, errors (`#N/A` text), numbers as written, and numbers
/// whose style has a date format as ISO text (`2024-03-04`, `2024-03-04T09:12:44`; serial
/// days from 1899-12-30). Absent cells (sparse `r="C7"` references) are empty; empty rows
/// are skipped, as blank lines are in CSV. The header rows are detected as for text files.
///
/// - Complexity: the sheet is streamed: decompressed in chunks and scanned incrementally
///   (`XLSXSheetScanner`), so memory is bounded by one chunk, one batch and the shared-string
///   table (`xl/sharedStrings.xml`, the workbook's distinct strings, which is held in memory).
///   Opening scans only the first rows, for the header; each `readBatches` reads the sheet again.
public final class XLSXSource: SurveySource {
  public let fileName: String
  public let header: SurveyHeader
  /// The sheet that was read.
  public let sheetName: String
  public var container: ContainerKind { .xlsx }
  public var decimalComma: Bool { false }
  public var dictionary: VariableDictionary? { nil }
  private let path: String
  private let sheetPath: String
  /// The workbook's shared-string table, held in memory: it is the distinct strings only.
  private let shared: [String]
  private let dateStyles: [Bool]
  private let dayOffset: Double

  public init(path: String, options: SourceOptions = SourceOptions()) throws(ReadError) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    fileName = name
    func fail(_ message: String, line: Int? = nil) -> ReadError { ReadError(.workbook(message), file: name, line: line) }
    let archive: Archive
    do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
      throw fail("not a readable .xlsx (ZIP) file — open and re-save it in Excel")
    }
    func part(_ entryPath: String) throws(ReadError) -> Data? {
      guard let entry = archive[entryPath] else { return nil }
      var data = Data()
      do { _ = try archive.extract(entry, skipCRC32: true) { data.append($0) } } catch {
        throw fail("cannot decompress \(entryPath) — the workbook is damaged")
      }
      return data
    }
    // Sheets and their parts.
    guard let workbook = try part("xl/workbook.xml") else { throw fail("no xl/workbook.xml — is this an Excel workbook?") }
    let workbookElements = SAX.elements(workbook, named: ["sheet", "workbookPr"])
    let sheets = workbookElements.filter { $0["name"] != nil }.map { ($0["name"] ?? "", $0["r:id"] ?? $0["id"] ?? "") }
    // Workbooks from old Mac Excel count days from 1904-01-01 instead of 1899-12-30.
    let date1904 = workbookElements.contains { $0["date1904"] == "1" || $0["date1904"] == "true" }
    let rels = try part("xl/_rels/workbook.xml.rels").map { SAX.elements($0, named: ["Relationship"]) } ?? []
    var target: [String: String] = [:]
    for r in rels { if let id = r["Id"], let t = r["Target"] { target[id] = t.hasPrefix("/") ? String(t.dropFirst()) : "xl/" + t } }
    let index: Int
    switch options.sheet {
    case nil: index = 0
    case let .index(k)?:
      guard k >= 1 && k <= sheets.count else {
        throw fail("there is no sheet \(k); the workbook has \(sheets.count): \(sheets.map { $0.0 }.joined(separator: ", "))")
      }
      index = k - 1
    case let .name(n)?:
      guard let k = sheets.firstIndex(where: { $0.0 == n }) else {
        throw fail("no sheet named \"\(n)\"; the workbook has: \(sheets.map { $0.0 }.joined(separator: ", "))")
      }
      index = k
    }
    guard index < sheets.count, let sheetPath = target[sheets[index].1] else { throw fail("the workbook lists no sheets") }
    sheetName = sheets[index].0
    let shared = try part("xl/sharedStrings.xml").map { SAX.sharedStrings($0) } ?? []
    let dateStyles = try part("xl/styles.xml").map { SAX.dateStyles($0) } ?? []
    self.path = path
    self.sheetPath = sheetPath
    self.shared = shared
    self.dateStyles = dateStyles
    self.dayOffset = date1904 ? 1462 : 0
    // Only the leading rows are scanned here (for the header); the records stream in readBatches.
    var leadingRows: [XLSXSheetScanner.Row] = []
    var scanner = XLSXSheetScanner(shared: shared, dateStyles: dateStyles, dayOffset: dayOffset)
    guard let sheetEntry = archive[sheetPath] else { throw fail("the sheet part \(sheetPath) is missing") }
    do {
      _ = try archive.extract(sheetEntry, bufferSize: Self.chunkSize, skipCRC32: true) { chunk in
        try scanner.feed(chunk) { row in
          leadingRows.append(row)
          if leadingRows.count == 4 { throw StopScan() }
        }
      }
    } catch is StopScan {
    } catch {
      throw fail("cannot decompress \(sheetPath) — the workbook is damaged")
    }
    if leadingRows.count < 4 && !scanner.isComplete { throw fail("the sheet XML is malformed (it ends inside a tag)") }
    guard !leadingRows.isEmpty else { throw ReadError(.emptyFile, file: name) }
    header = try SurveyHeader.detect(leadingRows.map { $0.cells }, requested: options.layout, fileName: name,
                                     headerLines: leadingRows.map { $0.number })
  }

  /// Decompressed bytes handed to the scanner at a time.
  static let chunkSize = 256 * 1024
  /// Records per batch.
  static let batchRecords = 4096

  private struct StopScan: Error {}

  /// Streams the sheet: decompressed in `chunkSize` pieces, scanned incrementally, rows gathered
  /// into batches of `batchRecords` that are mapped and consumed as they fill (`threads` unused:
  /// decompression is serial).
  public func readBatches<T: Sendable>(threads: Int, visibility: TextVisibility,
                                       map: @escaping @Sendable (RecordBatch) throws -> T,
                                       consume: (T, BatchPosition) throws -> Void) throws {
    let name = fileName
    func fail(_ message: String) -> ReadError { ReadError(.workbook(message), file: name) }
    let archive: Archive
    do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
      throw fail("not a readable .xlsx (ZIP) file — open and re-save it in Excel")
    }
    guard let entry = archive[sheetPath] else { throw fail("the sheet part \(sheetPath) is missing") }
    let width = header.columns.count
    let skip = header.headerRowCount
    var scanner = XLSXSheetScanner(shared: shared, dateStyles: dateStyles, dayOffset: dayOffset)
    var seen = 0
    var sequence = 0
    var base = 0
    var storage: BatchStorage?
    let columns = header.columns
    func deliver(_ s: BatchStorage) throws {
      let batch = RecordBatch(storage: s, decimalComma: false, sequence: sequence, recordBase: base, lineBase: 0)
      sequence += 1
      base += s.recordCount
      try deliverPrebuilt([batch], fileName: name, columns: columns, visibility: visibility, lines: true,
                          map: map, consume: consume)
    }
    func take(_ row: XLSXSheetScanner.Row) throws {
      seen += 1
      guard seen > skip else { return }
      if row.cells.count > width, row.cells[width...].contains(where: { !$0.isEmpty }) {
        throw ReadError(.raggedRecord(fields: row.cells.count, expected: width, delimiter: 0x2C), file: name,
                        line: row.number, record: base + (storage?.recordCount ?? 0) + 1)
      }
      if storage == nil {
        storage = BatchStorage(bytes: [], fieldCapacity: Self.batchRecords * max(width, 1))
        storage!.fieldsPerRecord = width
      }
      let s = storage!
      s.recordLines.append(Int32(row.number - 1))
      s.recordFieldStart.append(Int32(s.fieldCount))
      for k in 0..<width { s.appendCell(k < row.cells.count ? row.cells[k].utf8 : "".utf8) }
      s.recordCount += 1
      if s.recordCount == Self.batchRecords {
        storage = nil
        try deliver(s)
      }
    }
    // Errors from map/consume (or a ragged row) pass through as thrown; anything else the
    // extraction throws means the ZIP entry could not be decompressed.
    var callbackError: (any Error)?
    do {
      _ = try archive.extract(entry, bufferSize: Self.chunkSize, skipCRC32: true) { chunk in
        do { try scanner.feed(chunk, emit: take) } catch { callbackError = error; throw error }
      }
    } catch {
      if let e = callbackError { throw e }
      throw fail("cannot decompress \(sheetPath) — the workbook is damaged")
    }
    guard scanner.isComplete else { throw fail("the sheet XML is malformed (it ends inside a tag)") }
    if let s = storage { storage = nil; try deliver(s) }
  }

  /// 0-based column index of a cell reference such as `C7` or `AB12`.
  static func columnIndex(_ ref: String) -> Int? {
    var k = 0
    var letters = 0
    for u in ref.utf8 {
      guard u >= 65 && u <= 90 else { break }
      k = k * 26 + Int(u - 64)
      letters += 1
    }
    return letters > 0 ? k - 1 : nil
  }

  /// ISO text for an Excel serial date (days since 1899-12-30, the 1900 system).
  static func isoDate(serial: Double) -> String {
    let seconds = Int((serial * 86_400).rounded())
    var days = seconds.quotientAndRemainderFlooring(86_400)
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days.quotient - 25_569 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
    let date = String(format: "%04d-%02d-%02d", y, m, d)
    if days.remainder == 0 { return date }
    let h = days.remainder / 3600, mi = (days.remainder / 60) % 60, s = days.remainder % 60
    days.remainder = 0
    return date + String(format: "T%02d:%02d:%02d", h, mi, s)
  }
}

extension Int {
  fileprivate func quotientAndRemainderFlooring(_ d: Int) -> (quotient: Int, remainder: Int) {
    let q = self >= 0 ? self / d : -((-self + d - 1) / d)
    return (q, self - q * d)
  }
}

/// Small SAX helpers for workbook parts.
enum SAX {
  final class Collector: NSObject, XMLParserDelegate {
    let names: Set<String>
    var found: [[String: String]] = []
    init(_ names: Set<String>) { self.names = names }
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
      if names.contains(elementName) { found.append(attributes) }
    }
  }

  static func elements(_ data: Data, named names: Set<String>) -> [[String: String]] {
    let c = Collector(names)
    let p = XMLParser(data: data)
    p.delegate = c
    _ = p.parse()
    return c.found
  }

  final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inText = false
    var inPhonetic = false
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
      switch elementName {
      case "si": current = ""
      case "t": inText = !inPhonetic
      case "rPh": inPhonetic = true
      default: break
      }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
      switch elementName {
      case "si": strings.append(current)
      case "t": inText = false
      case "rPh": inPhonetic = false
      default: break
      }
    }
  }

  static func sharedStrings(_ data: Data) -> [String] {
    let c = SharedStrings()
    let p = XMLParser(data: data)
    p.delegate = c
    _ = p.parse()
    return c.strings
  }

  final class Styles: NSObject, XMLParserDelegate {
    var custom: [Int: String] = [:]
    var xfFormats: [Int] = []
    var inCellXfs = false
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
      switch elementName {
      case "numFmt": if let id = attributes["numFmtId"].flatMap(Int.init) { custom[id] = attributes["formatCode"] ?? "" }
      case "cellXfs": inCellXfs = true
      case "xf": if inCellXfs { xfFormats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0) }
      default: break
      }
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
      if elementName == "cellXfs" { inCellXfs = false }
    }
  }

  /// Whether each cell style (`s` index) formats numbers as dates.
  static func dateStyles(_ data: Data) -> [Bool] {
    let c = Styles()
    let p = XMLParser(data: data)
    p.delegate = c
    _ = p.parse()
    return c.xfFormats.map { id in
      if (14...22).contains(id) || (45...47).contains(id) { return true }
      guard let code = c.custom[id] else { return false }
      // Date letters outside quoted text and [..] sections.
      var inQuote = false, inBracket = false
      for ch in code.lowercased() {
        if ch == "\"" { inQuote.toggle(); continue }
        if ch == "[" { inBracket = true; continue }
        if ch == "]" { inBracket = false; continue }
        if !inQuote && !inBracket && "dmyhs".contains(ch) { return true }
      }
      return false
    }
  }
}
