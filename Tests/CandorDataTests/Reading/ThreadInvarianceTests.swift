import Foundation
import Testing
@testable import CandorData

/// One expected result, many code paths (style.md §10.13): 1, 2 and 7 threads, chunk sizes
/// that split quoted line breaks, CRLF pairs and doubled quotes.
@Suite struct ThreadInvarianceTests {
  /// A seeded file with quoted newlines, doubled quotes, CRLF and LF endings, empty cells.
  static func makeFile() throws -> (String, [[String]]) {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Int { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(state >> 33) }
    var text = "id,ps1,ps2,team,comment\r\n"
    var expected: [[String]] = []
    for i in 1...600 {
      let ps1 = next() % 6 == 0 ? "" : String(next() % 5 + 1)
      let ps2 = String(next() % 7 + 1)
      let team = ["Maths", "Science", "Küche"][next() % 3]
      var comment: String
      var raw: String
      switch next() % 5 {
      case 0: comment = "line one\nline two"; raw = "\"line one\nline two\""
      case 1: comment = "said \"hi\", then left"; raw = "\"said \"\"hi\"\", then left\""
      case 2: comment = "a\r\nb"; raw = "\"a\r\nb\""
      case 3: comment = ""; raw = ""
      default: comment = "plain \(i)"; raw = comment
      }
      text += "\(i),\(ps1),\(ps2),\(team),\(raw)" + (next() % 2 == 0 ? "\r\n" : "\n")
      expected.append([String(i), ps1, ps2, team, comment])
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("candor-invariance-\(getpid()).csv").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return (path, expected)
  }

  @Test func identicalRecordsForEveryThreadCountAndChunkSize() throws {
    let (path, expected) = try Self.makeFile()
    defer { try? FileManager.default.removeItem(atPath: path) }
    var reference: [[String]]? = nil
    var referenceLines: [Int]? = nil
    for threads in [1, 2, 7] {
      for chunk in [16, 17, 33, 101, 4096, 4 << 20] {
        let source = try TextSurveySource(path: path, options: SourceOptions(csv: CSVOptions(chunkSize: chunk)))
        var rows: [[String]] = []
        var lines: [Int] = []
        var sums = 0.0
        try source.readBatches(threads: threads, visibility: .hidden, map: { batch -> ([[String]], Double) in
          var s = 0.0
          for r in 0..<batch.count { s += batch.number(r, 1) ?? 0 }
          return ((0..<batch.count).map { batch.strings($0) }, s)
        }, consume: { value, position in
          rows += value.0
          sums += value.1
          lines += (0..<position.count).map { _ in position.lineBase }
        })
        // Physical lines via the sequential path for every chunking.
        var recordLines: [Int] = []
        try source.forEachBatch(threads: threads) { b in for r in 0..<b.count { recordLines.append(b.line(r)) } }
        #expect(rows == expected, "threads \(threads) chunk \(chunk)")
        #expect(sums == expected.reduce(0) { $0 + (Double($1[1]) ?? 0) })
        if let reference { #expect(rows == reference) } else { reference = rows }
        if let referenceLines { #expect(recordLines == referenceLines, "threads \(threads) chunk \(chunk)") } else { referenceLines = recordLines }
      }
    }
    // Line numbers count embedded line breaks: record k starts after all earlier lines.
    var line = 2
    var expectedLines: [Int] = []
    for row in expected { expectedLines.append(line); line += 1 + row[4].filter { $0 == "\n" || $0 == "\r\n" }.count }
    #expect(referenceLines == expectedLines)
  }

  /// A defect deep in a multi-chunk file is reported at the same position for every split.
  @Test(arguments: [
    ("2,4\"5,3", "line 1501 (record 1500), column \"ps1\": a \" inside an unquoted field — quote the whole field and double the quotes inside it (\"\")"),
    ("2,4,5,3", "line 1501 (record 1500): 4 fields, header has 3 — is a comma inside an unquoted answer?"),
    ("2,\"open", "line 1501 (record 1500), column \"ps1\": a quoted field opened on line 1501 runs over line breaks and is followed by text — is its closing \" missing?"),
  ])
  func deepErrorsAreThreadAndChunkInvariant(defect: String, message: String) throws {
    var text = "id,ps1,ps2\n"
    for i in 1...2000 { text += i == 1500 ? defect + "\n" : "\(i),\(i % 5 + 1),\"a \(i)\"\n" }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("candor-deep-\(getpid())-\(defect.utf8.reduce(0) { $0 &* 31 &+ Int($1) }).csv").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let name = (path as NSString).lastPathComponent
    for threads in [1, 2, 7] {
      for chunk in [64, 1000, 4 << 20] {
        let got = readErrorMessage {
          _ = try readAll(path, options: SourceOptions(csv: CSVOptions(chunkSize: chunk)), threads: threads, visibility: .hidden)
        }
        #expect(got == "\(name): \(message)", "threads \(threads) chunk \(chunk)")
      }
    }
  }
}
