import Testing
@testable import CandorData

/// The malformed corpus (Fixtures/reading/malformed/): each file's exact message.
@Suite struct ReaderErrorTests {
  static let expected: [(String, String)] = [
    ("ragged_more.csv", "ragged_more.csv: line 3 (record 2): 4 fields, header has 3 — is a comma inside an unquoted answer?"),
    ("ragged_fewer.csv", "ragged_fewer.csv: line 3 (record 2): 2 fields, header has 3 — is a line break inside an unquoted answer, or is the row cut short?"),
    ("unterminated_quote.csv", "unterminated_quote.csv: line 3 (record 2), column \"comment\": a quoted field opened on line 3 is never closed before the end of the file — is a closing \" missing?"),
    ("stray_quote.csv", "stray_quote.csv: line 3 (record 2), column \"ps1\": a \" inside an unquoted field (\"4\"5\") — quote the whole field and double the quotes inside it (\"\")"),
    ("text_after_quote.csv", "text_after_quote.csv: line 2 (record 1), column \"ps1\": text after a closing quote (\"\"4\"x\") — quotes inside a quoted field must be doubled (\"\")"),
    ("duplicate_header.csv", "duplicate_header.csv: line 1: the column name \"ps1\" appears twice (columns 2 and 3) — rename one of them in the file"),
    ("empty_header.csv", "empty_header.csv: line 1: column 3 has no name — name it in the header row (a delimiter at the end of the header line adds an empty column)"),
    ("empty.csv", "empty.csv: the file is empty — export the survey again, or check the path"),
    ("bom_only.csv", "bom_only.csv: the file is empty — export the survey again, or check the path"),
    ("utf16_without_bom.csv", "utf16_without_bom.csv: the file contains NUL bytes — is it UTF-16 without a byte-order mark? Set `encoding: utf-16`"),
    ("invalid_utf8.csv", "invalid_utf8.csv: line 3 (record 2), column \"comment\": invalid UTF-8 (byte 0xE9) (\"Caf? au lait\") — the file is probably Windows-1252 (Excel \"CSV (Comma delimited)\"): set `encoding: windows-1252`"),
  ]

  @Test(arguments: expected)
  func malformedFileMessage(file: String, message: String) {
    #expect(readErrorMessage { _ = try readAll(readingFixture("malformed/" + file)) } == message)
  }

  @Test(arguments: [1, 2, 7])
  func messagesDoNotDependOnThreadsOrChunks(threads: Int) {
    for (file, message) in Self.expected {
      for chunk in [16, 23, 1 << 20] {
        let options = SourceOptions(csv: CSVOptions(chunkSize: chunk))
        #expect(readErrorMessage { _ = try readAll(readingFixture("malformed/" + file), options: options, threads: threads) } == message,
                "\(file) chunk \(chunk)")
      }
    }
  }

  @Test func utf16WithoutBOMReadsWhenNamed() throws {
    let (source, rows) = try readAll(readingFixture("malformed/utf16_without_bom.csv"),
                                     options: SourceOptions(csv: CSVOptions(encoding: .utf16)))
    #expect(source.header.columns == ["id", "ps1"])
    #expect(rows == [["1", "4"]])
  }

  @Test func hiddenColumnsNeverShowText() {
    let message = readErrorMessage { _ = try readAll(readingFixture("malformed/invalid_utf8.csv"), visibility: .columns([1])) }
    #expect(message == "invalid_utf8.csv: line 3 (record 2), column \"comment\": invalid UTF-8 (byte 0xE9) — the file is probably Windows-1252 (Excel \"CSV (Comma delimited)\"): set `encoding: windows-1252`")
  }

  @Test func decoderErrorsArePositionedInFileOrder() throws {
    // A map stage that rejects a non-number reports the cell with file position.
    let path = readingFixture("crlf_quoted.csv")
    let source = try TextSurveySource(path: path, options: SourceOptions(csv: CSVOptions(chunkSize: 16)))
    let message = readErrorMessage {
      try source.readBatches(threads: 2, visibility: .all, map: { batch in
        for r in 0..<batch.count where batch.number(r, 2) == nil {
          throw batch.error(.notANumber, record: r, column: 2)
        }
      }, consume: { _, _ in })
    }
    #expect(message == "crlf_quoted.csv: line 2 (record 1), column \"comment\": not a number (\"line one\r\nline two\") — add the text to a `labels:` map or to `missing:`")
  }
}
