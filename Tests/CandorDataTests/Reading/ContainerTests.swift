import Foundation
import Testing
@testable import CandorData

@Suite struct ContainerTests {
  /// The pass reserves its per-respondent columns from the export's size: a symbolic link
  /// must give the export's size, not the link's (which made the columns grow by copying).
  @Test func sizeFollowsSymbolicLinks() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-size-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("export.csv"), link = dir.appendingPathComponent("latest.csv")
    try Data(repeating: 0x31, count: 10_000).write(to: file)
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: file.path)
    #expect(SurveyFile.size(atPath: file.path) == 10_000)
    #expect(SurveyFile.size(atPath: link.path) == 10_000)
    #expect(SurveyFile.size(atPath: dir.appendingPathComponent("missing.csv").path) == nil)
  }

  @Test func xlsxFirstSheet() throws {
    let source = try XLSXSource(path: readingFixture("msforms.xlsx"))
    #expect(source.sheetName == "Responses")
    #expect(source.header.layout == .microsoftForms)
    #expect(source.header.columns == ["ID", "Start time", "Completion time", "Team", "Mistakes held & against", "Consent"])
    var rows: [[String]] = []
    var lines: [Int] = []
    try source.forEachBatch { b in for r in 0..<b.count { rows.append(b.strings(r)); lines.append(b.line(r)) } }
    #expect(rows == [["1", "2024-03-04T09:12:44", "2024-03-04", "Science", "4", "TRUE"],
                     ["2", "", "", "", "2.5", ""]])
    #expect(lines == [2, 4])
  }

  @Test func xlsxSheetByNameAndIndex() throws {
    let byName = try XLSXSource(path: readingFixture("msforms.xlsx"), options: SourceOptions(sheet: .name("Notes")))
    #expect(byName.header.columns == ["note"])
    #expect(try byName.allRecords() == [["hello"]])
    let byIndex = try XLSXSource(path: readingFixture("msforms.xlsx"), options: SourceOptions(sheet: .index(2)))
    #expect(byIndex.sheetName == "Notes")
    let message = readErrorMessage { _ = try XLSXSource(path: readingFixture("msforms.xlsx"), options: SourceOptions(sheet: .name("Data"))) }
    #expect(message == "msforms.xlsx: no sheet named \"Data\"; the workbook has: Responses, Notes")
  }

  @Test func spssValuesLabelsAndUserMissing() throws {
    let source = try SPSSSource(path: readingFixture("survey.sav"))
    #expect(source.header.layout == .spss)
    #expect(source.header.columns == ["id", "team", "ps1"])
    #expect(try source.allRecords() == [["1001", "Maths", "2"], ["1002", "Maths", "-99"], ["1003", "Science", "5"], ["", "", "2.5"]])
    let dictionary = try #require(source.dictionary)
    #expect(dictionary.variableLabels[2] == "Mistakes held against you")
    #expect(dictionary.valueLabels[2]["4"] == "Neutral")
    #expect(dictionary.valueLabels[2]["-99"] == "Not answered")
    #expect(dictionary.missingValues[2].contains(-99))
    #expect(!dictionary.missingValues[2].contains(2))
    #expect(dictionary.isNumeric == [true, false, true])
    #expect(source.header.columnIndex(matching: "Mistakes held against you") == 2)
  }

  @Test func excelSerialDates() {
    #expect(XLSXSource.isoDate(serial: 25_569) == "1970-01-01")
    #expect(XLSXSource.isoDate(serial: 45_355.5) == "2024-03-04T12:00:00")
    #expect(XLSXSource.isoDate(serial: 0 + 1462) == "1904-01-01")  // 1904 system, day 0
    #expect(XLSXSource.isoDate(serial: 61) == "1900-03-01")
  }

  @Test func cellReferences() {
    #expect(XLSXSource.columnIndex("A1") == 0)
    #expect(XLSXSource.columnIndex("Z9") == 25)
    #expect(XLSXSource.columnIndex("AB12") == 27)
    #expect(XLSXSource.columnIndex("XFD1048576") == 16_383)
  }
}
