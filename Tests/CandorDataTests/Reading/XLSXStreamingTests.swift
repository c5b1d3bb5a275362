import Foundation
import Testing
@testable import CandorData

/// The streaming .xlsx reader: the incremental sheet scanner is independent of where chunk
/// boundaries fall, and a large generated workbook reads exactly as its CSV twin.
@Suite struct XLSXStreamingTests {
  static let sheet = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <!-- a comment with <row> inside -->
    <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
    <row r="1" spans="1:4"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos;</t></is></c><c r="D1" t="s"><v>1</v></c></row>
    <row r="3"><c r="A3"><v>42</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="b"><v>0</v></c></row>
    <row r="4"><c r="A4" s="1"><v>45355.5</v></c><c r="B4" t="inlineStr"><is><t>caf&#233; &#x1F600; line1&#13;&#10;x</t></is></c></row>
    <row r="5"/>
    <row r="6"><c r="B6" t='str' title="a>b"><f>A1&amp;"x"</f><v>f&gt;v</v></c><c r="C6"/><c r="D6" t="e"><v>#N/A</v></c></row>
    <x:row r="7"><x:c r="A7" t="inlineStr"><x:is><x:t><![CDATA[<raw & text>]]></x:t></x:is></x:c></x:row>
    <row><c><v>8</v></c><c t="inlineStr"><is><t>multi
    line</t></is></c><c t="inlineStr"><is><t>   </t></is></c></row>
    </sheetData></worksheet>
    """

  static func scan(_ xml: [UInt8], chunks: [Int]) throws -> [XLSXSheetScanner.Row] {
    var scanner = XLSXSheetScanner(shared: ["id", "é"], dateStyles: [false, true], dayOffset: 0)
    var rows: [XLSXSheetScanner.Row] = []
    var i = 0, k = 0
    while i < xml.count {
      let n = min(chunks[k % chunks.count], xml.count - i)
      scanner.feed(xml[i..<(i + n)]) { rows.append($0) }
      i += n
      k += 1
    }
    #expect(scanner.isComplete)
    return rows
  }

  @Test func scannerDecodesTheWorksheetSubset() throws {
    let rows = try Self.scan(Array(Self.sheet.utf8), chunks: [1 << 20])
    #expect(rows.map(\.number) == [1, 3, 4, 6, 7, 8])
    #expect(rows[0].cells == ["id", "a & b <c> \"q\" 's'", "", "é"])
    #expect(rows[1].cells == ["42", "", "TRUE", "FALSE"])
    // Character references are not line-end normalised (XML 1.0 §2.11): &#13;&#10; stays CR LF.
    #expect(rows[2].cells == ["2024-03-04T12:00:00", "café 😀 line1\r\nx"])
    #expect(rows[3].cells == ["", "f>v", "", "#N/A"])
    #expect(rows[4].cells == ["<raw & text>"])
    #expect(rows[5].cells == ["8", "multi\nline", "   "])
  }

  @Test func chunkBoundariesAnywhereGiveTheSameRows() throws {
    let xml = Array(Self.sheet.utf8)
    let whole = try Self.scan(xml, chunks: [xml.count])
    let expected = whole.map { "\($0.number)|" + $0.cells.joined(separator: "\u{1}") }
    for size in 1...7 {
      let rows = try Self.scan(xml, chunks: [size])
      #expect(rows.map { "\($0.number)|" + $0.cells.joined(separator: "\u{1}") } == expected, "chunk size \(size)")
    }
    // Irregular sizes, so every offset falls at some boundary.
    let rows = try Self.scan(xml, chunks: [3, 1, 7, 2, 5, 4, 6, 1, 1])
    #expect(rows.map { "\($0.number)|" + $0.cells.joined(separator: "\u{1}") } == expected)
  }

  @Test func anUnfinishedSheetIsIncomplete() {
    var scanner = XLSXSheetScanner(shared: [], dateStyles: [], dayOffset: 0)
    var count = 0
    scanner.feed(Array("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"A".utf8)) { _ in count += 1 }
    #expect(count == 1)
    #expect(!scanner.isComplete)
  }

  @Test func largeWorkbookReadsAsItsCSV() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-xlsxstream-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let csvURL = dir.appendingPathComponent("s.csv"), xlsxURL = dir.appendingPathComponent("s.xlsx")
    try SyntheticExport.write(SyntheticExportOptions(rows: 50_000, seed: 21, schools: 300), to: csvURL)
    try SyntheticExport.write(SyntheticExportOptions(rows: 50_000, seed: 21, schools: 300, layout: .xlsx), to: xlsxURL)
    let csv = try SurveyFile.open(path: csvURL.path)
    let book = try SurveyFile.open(path: xlsxURL.path)
    #expect(book.container == .xlsx)
    #expect(book.header.columns == csv.header.columns)
    let expected = try csv.allRecords()
    #expect(expected.count == 50_000)
    let got = try book.allRecords()
    #expect(got.count == expected.count)
    #expect(got == expected)
    // Batches are positioned consecutively, and a second pass reads the same.
    var next = 0
    try book.forEachBatch { batch in
      #expect(batch.recordBase == next)
      next += batch.count
    }
    #expect(next == 50_000)
    #expect(try book.allRecords() == expected)
  }
}
