import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
internal import ZIPFoundation

/// An Excel .xlsx workbook (a ZIP of XML parts), read with ZIPFoundation and `XMLParser`.
///
/// The sheet is found through `xl/workbook.xml` and its relationships (by name or 1-based
/// index; default the first). Cells: shared strings (`t="s"`), inline strings, booleans
/// (`TRUE`/`FALSE`), formula strings, errors (`#N/A` text), numbers as written, and numbers
/// whose style has a date format as ISO text (`2024-03-04`, `2024-03-04T09:12:44`; serial
/// days from 1899-12-30). Absent cells (sparse `r="C7"` references) are empty; empty rows
/// are skipped, as blank lines are in CSV. The header rows are detected as for text files.
///
/// - Complexity: the sheet is decoded into memory when opened (survey workbooks are at most
///   1,048,576 rows); the bounded-memory guarantee covers text sources.
public final class XLSXSource: SurveySource {
  public let fileName: String
  public let header: SurveyHeader
  /// The sheet that was read.
  public let sheetName: String
  public var container: ContainerKind { .xlsx }
  public var decimalComma: Bool { false }
  public var dictionary: VariableDictionary? { nil }
  private let batches: [RecordBatch]

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
    guard let sheetData = try part(sheetPath) else { throw fail("the sheet part \(sheetPath) is missing") }
    let parsed = SheetParser(shared: shared, dateStyles: dateStyles, dayOffset: date1904 ? 1462 : 0)
    let xml = XMLParser(data: sheetData)
    xml.delegate = parsed
    guard xml.parse() else { throw fail("the sheet XML is malformed (\(xml.parserError.map { "\($0)" } ?? "parse error"))") }
    let rows = parsed.rows
    guard !rows.isEmpty else { throw ReadError(.emptyFile, file: name) }
    let leading = rows.prefix(4).map { $0.cells }
    header = try SurveyHeader.detect(Array(leading), requested: options.layout, fileName: name,
                                     headerLines: rows.prefix(4).map { $0.number })
    let width = header.columns.count
    var built: [RecordBatch] = []
    var storage: BatchStorage?
    var base = 0
    for row in rows.dropFirst(header.headerRowCount) {
      if row.cells.count > width, row.cells[width...].contains(where: { !$0.isEmpty }) {
        throw ReadError(.raggedRecord(fields: row.cells.count, expected: width, delimiter: 0x2C), file: name,
                        line: row.number, record: base + (storage?.recordCount ?? 0) + 1)
      }
      if storage == nil {
        storage = BatchStorage(bytes: [], fieldCapacity: 4096 * max(width, 1))
        storage!.fieldsPerRecord = width
      }
      let s = storage!
      s.recordLines.append(Int32(row.number - 1))
      s.recordFieldStart.append(Int32(s.fieldCount))
      for k in 0..<width { s.appendCell(k < row.cells.count ? Array(row.cells[k].utf8) : []) }
      s.recordCount += 1
      if s.recordCount == 4096 {
        built.append(RecordBatch(storage: s, decimalComma: false, sequence: built.count, recordBase: base, lineBase: 0))
        base += s.recordCount
        storage = nil
      }
    }
    if let s = storage { built.append(RecordBatch(storage: s, decimalComma: false, sequence: built.count, recordBase: base, lineBase: 0)) }
    batches = built
  }

  public func readBatches<T: Sendable>(threads: Int, visibility: TextVisibility,
                                       map: @escaping @Sendable (RecordBatch) throws -> T,
                                       consume: (T, BatchPosition) throws -> Void) throws {
    try deliverPrebuilt(batches, fileName: fileName, columns: header.columns, visibility: visibility, lines: true,
                        map: map, consume: consume)
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

/// Streams `<row>`/`<c>` elements of a worksheet into rows of cell text.
final class SheetParser: NSObject, XMLParserDelegate {
  struct Row { var number: Int; var cells: [String] }
  let shared: [String]
  let dateStyles: [Bool]
  var rows: [Row] = []
  private var cells: [String] = []
  private var rowNumber = 0
  private var cellColumn = 0
  private var cellType = ""
  private var cellStyle = 0
  private var text = ""
  private var collecting = false

  let dayOffset: Double

  init(shared: [String], dateStyles: [Bool], dayOffset: Double) {
    self.shared = shared; self.dateStyles = dateStyles; self.dayOffset = dayOffset
  }

  func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
              attributes: [String: String] = [:]) {
    switch elementName {
    case "row":
      rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
      cells = []
    case "c":
      cellColumn = attributes["r"].flatMap(XLSXSource.columnIndex) ?? cells.count
      cellType = attributes["t"] ?? "n"
      cellStyle = attributes["s"].flatMap(Int.init) ?? 0
      text = ""
    case "v", "t": collecting = true
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { if collecting { text += string } }

  func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
    switch elementName {
    case "v", "t": collecting = false
    case "c":
      var value: String
      switch cellType {
      case "s": value = Int(text).flatMap { $0 < shared.count ? shared[$0] : nil } ?? ""
      case "b": value = text == "1" ? "TRUE" : "FALSE"
      case "inlineStr", "str", "e": value = text
      default:
        value = text
        if cellStyle < dateStyles.count && dateStyles[cellStyle], let serial = Double(text) {
          value = XLSXSource.isoDate(serial: serial + dayOffset)
        }
      }
      if cellColumn >= cells.count { cells += Array(repeating: "", count: cellColumn - cells.count + 1) }
      cells[cellColumn] = value
    case "row":
      while let last = cells.last, last.isEmpty { cells.removeLast() }
      if !cells.isEmpty { rows.append(Row(number: rowNumber, cells: cells)) }
    default: break
    }
  }
}
