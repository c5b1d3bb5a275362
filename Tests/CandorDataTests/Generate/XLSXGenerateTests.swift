import Foundation
import Testing
@testable import CandorData

/// `candor generate --layout xlsx`: the same rows as the csv layout, read back through the
/// .xlsx container.
@Suite struct XLSXGenerateTests {
  @Test func workbookHoldsTheCSVRows() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-genxlsx-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let csvURL = dir.appendingPathComponent("g.csv"), xlsxURL = dir.appendingPathComponent("g.xlsx")
    try SyntheticExport.write(SyntheticExportOptions(rows: 450, seed: 9, schools: 12), to: csvURL)
    let truth = try SyntheticExport.write(SyntheticExportOptions(rows: 450, seed: 9, schools: 12, layout: .xlsx), to: xlsxURL)
    #expect(truth.layout == "xlsx" && truth.files == ["g.xlsx"])
    // No temporary sheet file is left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["g.csv", "g.csv.truth.json", "g.xlsx", "g.xlsx.truth.json"])
    let csv = try SurveyFile.open(path: csvURL.path)
    let book = try SurveyFile.open(path: xlsxURL.path)
    #expect(book.container == .xlsx)
    #expect(book.header.columns == csv.header.columns)
    let expected = try csv.allRecords()
    #expect(expected.count == 450)
    #expect(try book.allRecords() == expected)
    // Same seed, same bytes (fixed entry dates).
    let again = dir.appendingPathComponent("again.xlsx")
    try SyntheticExport.write(SyntheticExportOptions(rows: 450, seed: 9, schools: 12, layout: .xlsx), to: again)
    #expect(try Data(contentsOf: again) == Data(contentsOf: xlsxURL))
  }

  @Test func sheetStreamCellsAndSplitLines() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-sheet-\(getpid()).xml")
    FileManager.default.createFile(atPath: dir.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: dir) }
    let handle = try FileHandle(forWritingTo: dir)
    var stream = XLSXSheetStream(handle: handle)
    // A line split across feeds, an empty cell, a number-looking header, "007", a <&> text.
    for piece in ["id,2,c\nT1,", "3,\n007,-1.5,a<&>b"] { try stream.feed(Data(piece.utf8)) }
    try stream.finish()
    try handle.close()
    let xml = try String(contentsOf: dir, encoding: .utf8)
    #expect(xml.contains("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>id</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>2</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>c</t></is></c></row>"))
    #expect(xml.contains("<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>T1</t></is></c><c r=\"B2\"><v>3</v></c></row>"))
    #expect(xml.contains("<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>007</t></is></c><c r=\"B3\"><v>-1.5</v></c><c r=\"C3\" t=\"inlineStr\"><is><t>a&lt;&amp;&gt;b</t></is></c></row>"))
    #expect(xml.hasSuffix("</sheetData></worksheet>\n"))
    #expect(XLSXSheetStream.columnName(0) == Array("A".utf8) && XLSXSheetStream.columnName(25) == Array("Z".utf8)
      && XLSXSheetStream.columnName(26) == Array("AA".utf8) && XLSXSheetStream.columnName(701) == Array("ZZ".utf8)
      && XLSXSheetStream.columnName(702) == Array("AAA".utf8))
  }
}
