import Foundation
import CandorNumerics
import Testing
@testable import CandorData

@Suite struct DialectTests {
  @Test func qualtricsThreeHeaderRows() throws {
    let (source, rows) = try readAll(readingFixture("qualtrics.csv"))
    #expect(source.header.layout == .qualtrics)
    #expect(source.header.headerRowCount == 3)
    #expect(source.header.columns.prefix(3) == ["StartDate", "EndDate", "Status"])
    #expect(source.header.rows[1][9] == "Team climate - Mistakes held against you, often")
    #expect(source.header.rows[2][0] == #"{"ImportId":"startDate","timeZone":"Europe/Berlin"}"#)
    #expect(source.header.columnIndex(matching: "Team climate - Can raise problems") == 10)
    #expect(source.header.columnIndex(matching: "PS_3") == 11)
    #expect(rows.count == 2)
    #expect(rows[0][12] == "Good team,\nbut \"busy\"")
    #expect(rows[1][9] == "-99")
    #expect(rows[1][11] == "")
    var lines: [Int] = []
    var numbers: [Int] = []
    try source.forEachBatch { b in for r in 0..<b.count { lines.append(b.line(r)); numbers.append(b.recordNumber(r)) } }
    #expect(lines == [4, 6])
    #expect(numbers == [1, 2])
  }

  @Test func qualtricsTabSeparated() throws {
    let (source, rows) = try readAll(readingFixture("qualtrics.tsv"))
    #expect(source.reader.delimiter == 0x09)
    #expect(source.header.layout == .qualtrics)
    #expect(rows.count == 2)
    #expect(rows[0][8] == "Maths")
  }

  @Test func qualtricsLegacyTwoRows() throws {
    let (source, rows) = try readAll(readingFixture("qualtrics_legacy.csv"))
    #expect(source.header.layout == .qualtricsLegacy)
    #expect(source.header.columns == ["V1", "V2", "V3", "V4", "Q1_1", "Q1_2"])
    #expect(source.header.columnIndex(matching: "ResponseID") == 0)
    #expect(rows == [["R_abc", "Default Response Set", "2016-05-01 10:00:00", "1", "3", "4"],
                     ["R_def", "Default Response Set", "2016-05-01 11:00:00", "1", "5", "2"]])
  }

  @Test func surveyMonkeyInheritsQuestions() throws {
    let (source, rows) = try readAll(readingFixture("surveymonkey.csv"))
    #expect(source.header.layout == .surveyMonkey)
    #expect(Array(source.header.columns.suffix(4)) == [
      "Which school?", "Team climate / Mistakes held against you", "Team climate / Can raise problems", "Why do you stay?",
    ])
    #expect(source.header.columnIndex(matching: "Can raise problems") == 11)
    #expect(rows.count == 1)
    #expect(rows[0][10] == "Disagree")
  }

  @Test func formsLayouts() throws {
    let (google, grows) = try readAll(readingFixture("google_forms.csv"))
    #expect(google.header.layout == .googleForms)
    #expect(grows[0][5] == "Mentoring, Planning time")
    let (microsoft, mrows) = try readAll(readingFixture("microsoft_forms.csv"))
    #expect(microsoft.header.layout == .microsoftForms)
    #expect(mrows[0][8] == "Mentoring;Planning time;")
    #expect(microsoft.header.columns[6] == "Mistakes held against you")
  }

  @Test func germanExcelSemicolonDecimalCommaBOMCRLF() throws {
    let source = try TextSurveySource(path: readingFixture("german_bom_semicolon.csv"))
    #expect(source.reader.encoding == .utf8WithBOM)
    #expect(source.reader.delimiter == UInt8(ascii: ";"))
    #expect(source.decimalComma)
    #expect(source.header.columns == ["Teilnehmer", "Team", "PS1", "PS2", "Mittelwert", "Datum"])
    var means: [Double?] = []
    var dates: [String] = []
    try source.forEachBatch { b in for r in 0..<b.count { means.append(b.number(r, 4)); dates.append(b.string(r, 5)) } }
    #expect(means == [5.43, 5.71])
    #expect(dates == ["04.03.2024 09:12", "04.03.2024 09:19"])
  }

  @Test func excelSeparatorLineIsHonouredAndSkipped() throws {
    let source = try TextSurveySource(path: readingFixture("sep_line.csv"))
    #expect(source.reader.hasSeparatorLine)
    #expect(source.reader.delimiter == UInt8(ascii: ";"))
    #expect(source.header.columns.first == "Teilnehmer")
    var lines: [Int] = []
    try source.forEachBatch { b in for r in 0..<b.count { lines.append(b.line(r)) } }
    #expect(lines == [3, 4])
  }

  @Test(arguments: [("utf16le_bom.txt", DetectedEncoding.utf16LittleEndian), ("utf16be_bom.txt", .utf16BigEndian)])
  func utf16WithBOM(file: String, encoding: DetectedEncoding) throws {
    let source = try TextSurveySource(path: readingFixture(file))
    #expect(source.reader.encoding == encoding)
    #expect(source.reader.delimiter == 0x09)
    #expect(source.header.columns == ["id", "team", "ps1", "score"])
    var teams: [String] = []
    var scores: [Double?] = []
    try source.forEachBatch { b in for r in 0..<b.count { teams.append(b.string(r, 1)); scores.append(b.number(r, 3)) } }
    #expect(teams == ["Küche", "Büro"])
    #expect(scores == [3.5, 0.5])
  }

  @Test func windows1252OnRequestAndAnErrorUnderAuto() throws {
    let path = readingFixture("windows1252.csv")
    let (_, rows) = try readAll(path, options: SourceOptions(csv: CSVOptions(encoding: .windows1252)))
    #expect(rows == [["1", "Küche", "“good” €5"]])
    let message = readErrorMessage { _ = try readAll(path) }
    #expect(message == "windows1252.csv: line 2 (record 1), column \"team\": invalid UTF-8 (byte 0xFC) (\"K?che\") — the file is probably Windows-1252 (Excel \"CSV (Comma delimited)\"): set `encoding: windows-1252`")
  }

  @Test func crlfWithQuotedLineBreaks() throws {
    let (source, rows) = try readAll(readingFixture("crlf_quoted.csv"))
    #expect(rows == [["1", "4", "line one\r\nline two"], ["2", "5", "plain"], ["3", "", "x,y"]])
    var lines: [Int] = []
    try source.forEachBatch { b in for r in 0..<b.count { lines.append(b.line(r)) } }
    #expect(lines == [2, 4, 5])
  }

  @Test func containerDetectedFromContent() throws {
    #expect(try SurveyFile.open(path: readingFixture("msforms.xlsx")).container == .xlsx)
    #expect(try SurveyFile.open(path: readingFixture("survey.sav")).container == .spss)
    #expect(try SurveyFile.open(path: readingFixture("qualtrics.csv")).container == .text)
    #expect(try SurveyFile.container(atPath: readingFixture("msforms.xlsx")) == .xlsx)
    #expect(try SurveyFile.container(atPath: readingFixture("survey.sav")) == .spss)
    #expect(try SurveyFile.container(atPath: readingFixture("utf16le_bom.txt")) == .text)
  }

  /// An observer of the pass's read sees the file byte for byte from its first byte (a
  /// byte-order mark, a `sep=` line and the header rows included, before transcoding),
  /// then the end, once — on one worker and on several, with small chunks.
  @Test(arguments: ["german_bom_semicolon.csv", "utf16le_bom.txt", "utf16be_bom.txt", "sep_line.csv", "qualtrics.csv",
                    "crlf_quoted.csv"])
  func rawByteObserverSeesTheWholeFile(file: String) throws {
    let path = readingFixture(file)
    let expected = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    for threads in [1, 2] {
      let source = try TextSurveySource(path: path, options: SourceOptions(csv: CSVOptions(chunkSize: 64)))
      let observer = CollectingObserver()
      var rows = 0
      try source.readBatches(threads: threads, visibility: .hidden, observer: observer, map: { $0.count },
                             consume: { count, _ in rows += count })
      #expect(rows > 0)
      #expect(observer.bytes == expected)
      #expect(observer.ends == 1)
    }
  }
}

/// Collects what a ``RawByteObserver`` is shown.
final class CollectingObserver: RawByteObserver, @unchecked Sendable {
  var bytes: [UInt8] = []
  var ends = 0
  func observe(_ chunk: UnsafeRawBufferPointer) {
    #expect(ends == 0)
    bytes += chunk
  }
  func reachedEnd() { ends += 1 }
}

@Suite struct DecodeNumbersTests {
  @Test func decodesColumnsIntoARowBlockWithNaNForEmptyAndTextHandler() throws {
    let source = try TextSurveySource(path: readingFixture("qualtrics.csv"))
    var blocks: [RowBlock] = []
    var texts: [String] = []
    try source.forEachBatch { batch in
      var block = RowBlock(rows: 0, columns: 0, values: [])
      // PS_1..PS_3 and Team (text: handled by the callback, here mapped to -1).
      try batch.decodeNumbers(columns: [9, 10, 11, 8], into: &block) { r, c in
        texts.append(batch.string(r, c))
        return -1
      }
      blocks.append(block)
    }
    #expect(blocks.count == 1)
    let b = blocks[0]
    #expect(b.rows == 2 && b.columns == 4)
    #expect(b[0, 0] == 2 && b[0, 1] == 6 && b[0, 2] == 2 && b[0, 3] == -1)
    #expect(b[1, 0] == -99 && b[1, 1] == 5 && b[1, 2].isNaN && b[1, 3] == -1)
    #expect(texts == ["Maths", "Maths"])
  }

  @Test func decimalCommaColumns() throws {
    let source = try TextSurveySource(path: readingFixture("sep_line.csv"))
    var block = RowBlock(rows: 0, columns: 0, values: [])
    try source.forEachBatch { batch in
      try batch.decodeNumbers(columns: [2, 3, 4], into: &block) { r, c in throw batch.error(.notANumber, record: r, column: c) }
    }
    #expect(block.values == [2, 3, 6, 6, 5.43, 5.71])
  }
}
