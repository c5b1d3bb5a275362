import Foundation
internal import ZIPFoundation

/// Turns the generator's CSV rows (no quoted fields: the plain layout never needs them) into
/// the XML of one worksheet, streamed to a file: `<row r="n">` per line, a number cell
/// (`<c r="B2"><v>3</v></c>`) for a cell that is a plain decimal number, an inline string
/// (`t="inlineStr"`) otherwise, no element for an empty cell (ECMA-376 Part 1, §18.3.1).
struct XLSXSheetStream {
  private let handle: FileHandle
  private var carry: [UInt8] = []
  private var out: [UInt8] = []
  private var row = 0
  private let headerRows: Int

  init(handle: FileHandle, headerRows: Int = 1) {
    self.handle = handle
    self.headerRows = headerRows
    out.append(contentsOf: Array(("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\n").utf8))
  }

  /// Consumes CSV bytes; a line split across calls waits for its end.
  mutating func feed(_ data: Data) throws {
    carry.append(contentsOf: data)
    var start = 0
    carry.withUnsafeBufferPointer { b in
      var i = 0
      while i < b.count {
        if b[i] == 0x0A {
          line(UnsafeBufferPointer(rebasing: b[start..<i]))
          start = i + 1
        }
        i += 1
      }
    }
    carry.removeFirst(start)
    if out.count >= 1 << 20 { try flush() }
  }

  /// Writes a last line without a newline and closes the sheet.
  mutating func finish() throws {
    if !carry.isEmpty {
      let rest = carry
      rest.withUnsafeBufferPointer { line($0) }
      carry.removeAll()
    }
    out.append(contentsOf: Array("</sheetData></worksheet>\n".utf8))
    try flush()
  }

  private mutating func flush() throws {
    try handle.write(contentsOf: out)
    out.removeAll(keepingCapacity: true)
  }

  /// A1-style column letters for a 0-based index (0 → A, 26 → AA).
  static func columnName(_ index: Int) -> [UInt8] {
    var k = index + 1
    var letters: [UInt8] = []
    while k > 0 {
      let rem = (k - 1) % 26
      letters.insert(UInt8(65 + rem), at: 0)
      k = (k - 1) / 26
    }
    return letters
  }

  /// A plain decimal number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?` ("007" and "1e5" stay text).
  static func isNumber(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
    func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    var i = cell.first == 0x2D ? 1 : 0
    let intStart = i
    while i < cell.count && digit(cell[i]) { i += 1 }
    if i == intStart || (i - intStart > 1 && cell[intStart] == 0x30) { return false }
    if i == cell.count { return true }
    guard cell[i] == 0x2E else { return false }
    i += 1
    let fraction = i
    while i < cell.count && digit(cell[i]) { i += 1 }
    return i == cell.count && i > fraction
  }

  private mutating func line(_ bytes: UnsafeBufferPointer<UInt8>) {
    var end = bytes.count
    if end > 0 && bytes[end - 1] == 0x0D { end -= 1 }
    row += 1
    let number = Array(String(row).utf8)
    out.append(contentsOf: Array("<row r=\"".utf8)); out.append(contentsOf: number); out.append(contentsOf: Array("\">".utf8))
    var column = 0
    var start = 0
    var i = 0
    while i <= end {
      if i == end || bytes[i] == 0x2C {
        if i > start {
          let cell = UnsafeBufferPointer(rebasing: bytes[start..<i])
          out.append(contentsOf: Array("<c r=\"".utf8))
          out.append(contentsOf: Self.columnName(column)); out.append(contentsOf: number)
          if row > headerRows && Self.isNumber(cell) {
            out.append(contentsOf: Array("\"><v>".utf8)); out.append(contentsOf: cell); out.append(contentsOf: Array("</v></c>".utf8))
          } else {
            out.append(contentsOf: Array("\" t=\"inlineStr\"><is><t>".utf8))
            for b in cell {
              switch b {
              case 0x26: out.append(contentsOf: Array("&amp;".utf8))
              case 0x3C: out.append(contentsOf: Array("&lt;".utf8))
              case 0x3E: out.append(contentsOf: Array("&gt;".utf8))
              default: out.append(b)
              }
            }
            out.append(contentsOf: Array("</t></is></c>".utf8))
          }
        }
        column += 1
        start = i + 1
      }
      i += 1
    }
    out.append(contentsOf: Array("</row>\n".utf8))
  }
}

/// Packages a worksheet XML file as a minimal one-sheet workbook: `[Content_Types].xml`,
/// `_rels/.rels`, `xl/workbook.xml`, `xl/_rels/workbook.xml.rels`, `xl/worksheets/sheet1.xml`
/// (ECMA-376 Part 2, Open Packaging Conventions). Entries are deflated and dated
/// 2026-01-01 00:00, so the same rows give the same bytes.
enum XLSXPackage {
  static func write(sheetXML: URL, sheetName: String, to url: URL) throws {
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    let pkg = "http://schemas.openxmlformats.org/package/2006"
    let prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    let parts: [(String, String)] = [
      ("[Content_Types].xml", prolog + "<Types xmlns=\"\(pkg)/content-types\">"
        + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        + "</Types>"),
      ("_rels/.rels", prolog + "<Relationships xmlns=\"\(pkg)/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(rel)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
      ("xl/workbook.xml", prolog + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(rel)\"><sheets>"
        + "<sheet name=\"\(sheetName)\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
      ("xl/_rels/workbook.xml.rels", prolog + "<Relationships xmlns=\"\(pkg)/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(rel)/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
    ]
    try? FileManager.default.removeItem(at: url)
    let archive = try Archive(url: url, accessMode: .create)
    let date = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    for (path, text) in parts {
      let data = Data(text.utf8)
      try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                           compressionMethod: .deflate) { position, size in
        data.subdata(in: Int(position)..<Int(position) + size)
      }
    }
    let handle = try FileHandle(forReadingFrom: sheetXML)
    defer { try? handle.close() }
    let size = try FileManager.default.attributesOfItem(atPath: sheetXML.path)[.size] as? Int64 ?? 0
    try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: size, modificationDate: date,
                         compressionMethod: .deflate) { position, chunk in
      try handle.seek(toOffset: UInt64(position))
      return try handle.read(upToCount: chunk) ?? Data()
    }
  }
}
