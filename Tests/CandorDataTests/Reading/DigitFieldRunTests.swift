import Foundation
import Testing
@testable import CandorData

/// The tokenizer's four-fields-at-once path (``CSVTokenizer/fourDigitFields(_:delimiters:)``)
/// accepts exactly "d,d,d,d," and records what the one-field path records.
@Suite struct DigitFieldRunTests {
  static func word(_ bytes: [UInt8]) -> UInt64 {
    bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
  }

  /// Every byte value in every position, the other positions valid.
  @Test func theWordTestIsExactlyDigitDelimiterPairs() {
    for delimiter: UInt8 in [0x2C, 0x3B, 0x09, 0x7C] {
      let delimiters = UInt64(delimiter) &* 0x0100_0100_0100_0100
      let valid: [UInt8] = [0x31, delimiter, 0x35, delimiter, 0x30, delimiter, 0x39, delimiter]
      #expect(CSVTokenizer.fourDigitFields(Self.word(valid), delimiters: delimiters))
      for position in 0..<8 {
        for b in 0...255 {
          var bytes = valid
          bytes[position] = UInt8(b)
          let expected = position % 2 == 0 ? (0x30...0x39).contains(b) : UInt8(b) == delimiter
          #expect(CSVTokenizer.fourDigitFields(Self.word(bytes), delimiters: delimiters) == expected,
                  "byte \(b) at \(position), delimiter \(delimiter)")
        }
      }
    }
  }

  /// Random records of one-digit, longer, empty and quoted fields (runs of digits broken
  /// at every offset, records ending in a digit or an empty field, CRLF and LF), read with
  /// small chunks so runs meet chunk ends: every cell is what splitting the text gives.
  @Test func recordsMixingDigitRunsWithOtherFieldsReadAsTheirText() throws {
    var state: UInt64 = 0x1234_5678_9ABC_DEF1
    func next(_ k: Int) -> Int { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return Int(state % UInt64(k)) }
    let columns = 23
    var expected: [[String]] = [(0..<columns).map { "c\($0)" }]
    var text = expected[0].joined(separator: ",") + "\n"
    for r in 0..<400 {
      var row: [String] = []
      for _ in 0..<columns {
        switch next(10) {
        case 0: row.append("")
        case 1: row.append("\(10 + next(90))")
        case 2: row.append("x\(next(9))")
        default: row.append("\(next(10))")
        }
      }
      expected.append(row)
      let quoted = row.enumerated().map { $0.offset == 3 && r % 7 == 0 ? "\"\($0.element)\"" : $0.element }
      text += quoted.joined(separator: ",") + (r % 5 == 0 ? "\r\n" : "\n")
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("candor-digit-runs-\(UUID().uuidString).csv")
    try text.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    for chunk in [64, 97, 256, 1 << 20] {
      for threads in [1, 3] {
        var options = SourceOptions()
        options.csv = CSVOptions(chunkSize: chunk)
        let (_, rows) = try readAll(file.path, options: options, threads: threads)
        let want = Array(expected.dropFirst())
        let firstDifference = rows.indices.first { $0 >= want.count || rows[$0] != want[$0] }
        #expect(rows.count == want.count && firstDifference == nil,
                "chunk \(chunk), threads \(threads): \(rows.count) rows, first difference at \(firstDifference.map(String.init) ?? "none")")
      }
    }
  }

  /// ``RecordBatch/UnsafeView/singleByteRun8(_:_:)`` gives eight cells' bytes exactly when
  /// each of the eight is one unquoted byte, and ``RecordBatch/UnsafeView/shortRun8(_:_:)``
  /// exactly when each is empty or one byte, quoted or not, and none escaped: random
  /// records of one-digit, empty, longer, quoted (one digit or empty) and escaped fields,
  /// every window of eight columns, small chunks so records sit at a buffer's end.
  @Test func eightOneByteCellsAreFoundExactly() throws {
    var state: UInt64 = 0x0DDC_0FFE_E0DD_F00D
    func next(_ k: Int) -> Int { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return Int(state % UInt64(k)) }
    let columns = 12
    var cells: [[String]] = []   // each cell as written
    var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
    for r in 0..<600 {
      let row = (0..<columns).map { _ -> String in
        switch next(24) {
        case 0: return ""
        case 1: return "\(10 + next(90))"
        case 2: return "\"\(next(10))\""
        case 3: return "\"\""
        case 4: return "\"a\"\"b\""
        case 5: return "x"
        default: return "\(next(10))"
        }
      }
      cells.append(row)
      text += row.joined(separator: ",") + (r % 9 == 0 ? "\r\n" : "\n")
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("candor-byte-runs-\(UUID().uuidString).csv")
    try text.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    for chunk in [64, 300, 1 << 20] {
      var options = SourceOptions()
      options.csv = CSVOptions(chunkSize: chunk)
      var record = 0, found = 0, windows = 0, short = 0
      try TextSurveySource(path: file.path, options: options).forEachBatch(threads: 1, visibility: .all) { batch in
        batch.withUnsafeView { view in
          for r in 0..<batch.count {
            let written = cells[record]
            for c in 0...(columns - 8) {
              let window = written[c..<(c + 8)]
              let want = window.allSatisfy { $0.utf8.count == 1 } ? window.map { $0.utf8.first! } : nil
              let got = view.singleByteRun8(r, c).map { v in (0..<8).map { v[$0] } }
              #expect(got == want, "chunk \(chunk), record \(record), column \(c): \(window)")
              if got != nil { found += 1 }
              windows += 1
              // Empty or one byte each, quoted or not: the bytes, 0 and absent where empty.
              let contents = window.map { cell -> [UInt8] in
                cell.hasPrefix("\"") ? Array(cell.utf8.dropFirst().dropLast()) : Array(cell.utf8)
              }
              let wantShort = contents.allSatisfy { $0.count <= 1 }
                ? contents.map { ($0.first ?? 0, $0.isEmpty ? UInt8(0xFF) : 0) } : nil
              let gotShort = view.shortRun8(r, c).map { v in (0..<8).map { (v.bytes[$0], v.absent[$0]) } }
              #expect(gotShort.map { $0.map(\.0) } == wantShort.map { $0.map(\.0) }
                      && gotShort.map { $0.map(\.1) } == wantShort.map { $0.map(\.1) },
                      "chunk \(chunk), record \(record), column \(c): \(window)")
              if gotShort != nil { short += 1 }
            }
            record += 1
          }
        }
      }
      #expect(record == cells.count && found > windows / 10 && found < windows)
      #expect(short > found && short < windows)
    }
  }
}
