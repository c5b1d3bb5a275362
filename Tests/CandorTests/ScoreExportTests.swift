import Candor
import Foundation
import Testing
import _CandorTestSupport

/// `candor score`'s engine on the shipped demo export: rows in file order, scores
/// against a hand computation from the raw cells, thread independence, and no partial
/// output after an error.
@Suite struct ScoreExportTests {
  static let root = repositoryRoot()
  static let demo = root.appendingPathComponent("datasets/demo/demo.csv").path
  static let codebook = root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path

  /// The demo export as header + records (no quoted fields in it).
  static let raw: (header: [String], rows: [[String]]) = {
    let text = try! String(contentsOfFile: demo, encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    return (lines[0], Array(lines.dropFirst()))
  }()

  static func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-score-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  static func export(file: String = demo, codebook: String = codebook, threads: Int, chunk: Int? = nil,
                     to output: String) throws -> ScoreExport.Summary {
    var request = AnalysisRequest(files: [file], codebookPath: codebook)
    request.threads = threads
    return try ScoreExport.run(request, output: output, csvChunkSize: chunk)
  }

  /// Output rows as dictionaries column → text.
  static func table(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines[0]
    return (header, lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
  }

  /// Mean of the answered cells when at least `minItems` are answered ("" / NA missing).
  static func handMean(_ row: [String], items: [String], reversed: Set<String> = [], top: Double = 0,
                       minItems: Int) -> Double? {
    var sum = 0.0, n = 0
    for item in items {
      let cell = row[raw.header.firstIndex(of: item)!]
      guard cell != "", cell != "NA", let x = Double(cell) else { continue }
      sum += reversed.contains(item) ? top - x : x
      n += 1
    }
    return n >= minItems ? sum / Double(n) : nil
  }

  @Test func oneRowPerKeptRespondentInFileOrder() throws {
    let dir = try Self.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("scores.csv").path
    let summary = try Self.export(threads: 2, to: out)
    let (header, rows) = try Self.table(out)
    #expect(Array(header.prefix(4)) == ["respondent_id", "district", "school_id", "psych_safety"])
    #expect(header.contains("values.benevolence.raw") && header.contains("values.benevolence")
              && header.contains("values.mrat") && header.contains("values.conservation.raw")
              && header.contains("left"))
    #expect(!header.contains("role"), "cuts are not written")
    #expect(summary.rowsRead == Self.raw.rows.count)
    #expect(summary.rowsWritten == summary.rowsRead - summary.exclusions.total)
    #expect(rows.count == summary.rowsWritten)
    // demo.codebook screens nothing out (no status/finished columns, straight-lining warns).
    #expect(rows.map { $0["respondent_id"]! } == Self.raw.rows.map { $0[0] })
    #expect(rows.map { $0["school_id"]! } == Self.raw.rows.map { $0[2] })
    #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
  }

  /// Writes `rows` (with the demo header) to `dir/name`.
  static func write(_ rows: [[String]], to dir: URL, name: String) throws -> URL {
    let url = dir.appendingPathComponent(name)
    let text = ([raw.header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  @Test func psychSafetyEqualsHandComputation() throws {
    let dir = try Self.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    // min_items 4 of 7: rows 2 and 5 keep 3 answers (no score), row 3 keeps 4 (scored).
    var rows = Self.raw.rows
    let column = { (name: String) in Self.raw.header.firstIndex(of: name)! }
    for item in ["ps1", "ps2", "ps4", "ps7"] { rows[1][column(item)] = ""; rows[4][column(item)] = "NA" }
    for item in ["ps3", "ps6", "ps7"] { rows[2][column(item)] = "" }
    let file = try Self.write(rows, to: dir, name: "blanks.csv")
    let out = dir.appendingPathComponent("scores.csv").path
    let summary = try Self.export(file: file.path, threads: 2, to: out)
    let written = try Self.table(out).rows
    #expect(written[1]["psych_safety"] == "" && written[4]["psych_safety"] == "")
    #expect(written[2]["psych_safety"] != "")
    let ps = (1...7).map { "ps\($0)" }
    var handUnscored = 0
    for (i, raw) in rows.enumerated() {
      // Edmondson keys 1, 3, 5 reversed on the 1–5 range: 6 − x; mean of answered, ≥ 4 answered.
      let hand = Self.handMean(raw, items: ps, reversed: ["ps1", "ps3", "ps5"], top: 6, minItems: 4)
      let cell = written[i]["psych_safety"]!
      if let hand {
        #expect(Double(cell) == hand, "row \(i + 1): \(cell) vs \(hand)")
        // Shortest round-trip text, integers without ".0".
        #expect(cell == (hand == hand.rounded() ? String(Int(hand)) : hand.description))
      } else {
        #expect(cell == "", "row \(i + 1) has too few answers")
        handUnscored += 1
      }
    }
    #expect(handUnscored >= 2)
    #expect(summary.unscored.first { $0.score == "psych_safety" }?.count == handUnscored)
    // The first respondent by hand: ps = 2,2,4,2,3,3,4 → (4 + 2 + 2 + 2 + 3 + 3 + 4) / 7.
    #expect(written[0]["psych_safety"] == (20.0 / 7).description)
  }

  @Test func valueScoresEqualHandComputation() throws {
    let dir = try Self.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("scores.csv").path
    _ = try Self.export(threads: 2, to: out)
    let rows = try Self.table(out).rows
    let pvq = (1...40).map { "pvq\($0)" }
    let benevolence = [12, 18, 27, 33].map { "pvq\($0)" }
    for i in 0..<50 {
      let raw = Self.raw.rows[i], row = rows[i]
      let mrat = Self.handMean(raw, items: pvq, minItems: 32)
      let ben = Self.handMean(raw, items: benevolence, minItems: 2)
      #expect(row["values.mrat"].flatMap(Double.init) == mrat, "row \(i + 1)")
      #expect(row["values.benevolence.raw"].flatMap(Double.init) == ben, "row \(i + 1)")
      if let mrat, let ben {
        #expect(Double(row["values.benevolence"]!) == ben - mrat, "row \(i + 1)")
      } else {
        #expect(row["values.benevolence"] == "")
      }
      // Outcome: leaver/mover → 1, stayer → 0, blank stays empty.
      let status = raw[Self.raw.header.firstIndex(of: "status_next_year")!]
      let expected = status == "" || status == "NA" ? "" : (status == "leaver" || status == "mover" ? "1" : "0")
      #expect(row["left"] == expected)
    }
  }

  @Test func identicalOutputForOneAndSevenThreadsAndAnyBatching() throws {
    let dir = try Self.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let one = dir.appendingPathComponent("one.csv").path
    let seven = dir.appendingPathComponent("seven.csv").path
    let whole = dir.appendingPathComponent("whole.csv").path
    // 16 kB batches: about 20 batches, reordered by the workers.
    let s1 = try Self.export(threads: 1, chunk: 16 << 10, to: one)
    let s7 = try Self.export(threads: 7, chunk: 16 << 10, to: seven)
    let sw = try Self.export(threads: 7, to: whole)
    let a = try Data(contentsOf: URL(fileURLWithPath: one))
    #expect(a.count > 100_000)
    #expect(a == (try Data(contentsOf: URL(fileURLWithPath: seven))))
    #expect(a == (try Data(contentsOf: URL(fileURLWithPath: whole))))
    #expect(s1 == s7 && s1 == sw)
  }

  @Test func errorMidwayLeavesNoOutputFile() throws {
    let dir = try Self.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Row 1500 gets ps2 = 9 on a 1–5 scale.
    var rows = Self.raw.rows
    let ps2 = Self.raw.header.firstIndex(of: "ps2")!
    rows[1499][ps2] = "9"
    let bad = try Self.write(rows, to: dir, name: "bad.csv")
    let out = dir.appendingPathComponent("scores.csv").path
    var caught: (any Error)?
    do { _ = try Self.export(file: bad.path, threads: 3, chunk: 16 << 10, to: out) } catch { caught = error }
    let message = "\(caught.map { "\($0)" } ?? "no error")"
    #expect(message.contains("bad.csv") && message.contains("line 1501") && message.contains("ps2"), "\(message)")
    #expect(!FileManager.default.fileExists(atPath: out))
    #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
    // An earlier good output stays as it was.
    try "previous\n".write(toFile: out, atomically: true, encoding: .utf8)
    #expect(throws: (any Error).self) { try Self.export(file: bad.path, threads: 1, to: out) }
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "previous\n")
  }

  @Test func duplicateIdKeptFirstIsWrittenOnceAndCounted() throws {
    let dir = try Self.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    // keep-first, and row 1200 repeats the id of row 10 (a later batch).
    let book = try String(contentsOfFile: Self.codebook, encoding: .utf8)
      .replacingOccurrences(of: "duplicate_ids: error", with: "duplicate_ids: keep-first")
    let bookURL = dir.appendingPathComponent("demo.codebook.yaml")
    try book.write(to: bookURL, atomically: true, encoding: .utf8)
    var rows = Self.raw.rows
    rows[1199][0] = rows[9][0]
    // Both the duplicate and row 1501 have too few psych_safety answers; only row 1501 counts.
    for item in ["ps1", "ps2", "ps4", "ps7"] {
      let c = Self.raw.header.firstIndex(of: item)!
      rows[1199][c] = ""; rows[1500][c] = ""
    }
    let file = try Self.write(rows, to: dir, name: "dup.csv")
    for threads in [1, 4] {
      let out = dir.appendingPathComponent("scores\(threads).csv").path
      let summary = try Self.export(file: file.path, codebook: bookURL.path, threads: threads, chunk: 16 << 10, to: out)
      let written = try Self.table(out).rows
      #expect(summary.exclusions.counts["duplicate id"] == 1)
      #expect(written.count == rows.count - 1)
      var expectedIDs = rows.map { $0[0] }
      expectedIDs.remove(at: 1199)
      #expect(written.map { $0["respondent_id"]! } == expectedIDs)
      // Unscored counts only the written rows.
      let ps = (1...7).map { "ps\($0)" }
      let hand = rows.enumerated().filter { $0.offset != 1199 }.filter {
        Self.handMean($0.element, items: ps, reversed: ["ps1", "ps3", "ps5"], top: 6, minItems: 4) == nil
      }.count
      #expect(hand == 1)
      #expect(summary.unscored.first { $0.score == "psych_safety" }?.count == hand)
    }
  }

  @Test func numbersAreShortestRoundTripText() {
    #expect(ScoreExport.number(4) == "4")
    #expect(ScoreExport.number(-1) == "-1")
    #expect(ScoreExport.number(3.5) == "3.5")
    #expect(ScoreExport.number(20.0 / 7) == "2.857142857142857")
    #expect(ScoreExport.number(.nan) == "")
    #expect(ScoreExport.csvField("a,b") == "\"a,b\"")
    #expect(ScoreExport.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(ScoreExport.csvField("S0001") == "S0001")
  }
}
