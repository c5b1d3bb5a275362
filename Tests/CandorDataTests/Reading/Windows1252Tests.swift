import Foundation
import Testing
@testable import CandorData

/// Regression (ingestion issue): `encoding: windows-1252` broke every data row after the
/// header, even in a pure-ASCII file ("line 2 (record 1): 1 fields, header has 3").
@Suite struct Windows1252Tests {
  static func write(_ bytes: [UInt8], _ tag: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("candor-cp1252-\(tag)-\(getpid()).csv").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Every record through `readBatches` at `threads` and `chunk`.
  static func rows(_ path: String, threads: Int, chunk: Int) throws -> [[String]] {
    let options = SourceOptions(csv: CSVOptions(encoding: .windows1252, chunkSize: chunk, headSize: max(chunk, 16)))
    let source = try TextSurveySource(path: path, options: options)
    var rows: [[String]] = []
    try source.readBatches(threads: threads, visibility: .all, map: { b in (0..<b.count).map { b.strings($0) } },
                           consume: { value, _ in rows += value })
    return rows
  }

  @Test func pureASCIIReadsEveryRow() throws {
    let path = try Self.write(Array("id,cafe,q1\nr1,creme,1\nr2,b,2\n".utf8), "ascii")
    defer { try? FileManager.default.removeItem(atPath: path) }
    for threads in [1, 2, 7] {
      for chunk in [16, 17, 33, 4 << 20] {
        #expect(try Self.rows(path, threads: threads, chunk: chunk) == [["r1", "creme", "1"], ["r2", "b", "2"]],
                "threads \(threads) chunk \(chunk)")
      }
    }
  }

  @Test func highBytesTranscodeAcrossChunks() throws {
    // 0xE9 é, 0x80 €, 0x93/0x94 curly quotes, 0xFC ü, 0x9F Ÿ; quoted cells with line breaks.
    var bytes: [UInt8] = Array("id,caf".utf8) + [0xE9] + Array(",q1\r\n".utf8)
    var expected: [[String]] = []
    for i in 1...300 {
      let text: [UInt8], decoded: String
      switch i % 4 {
      case 0: text = Array("caf".utf8) + [0xE9]; decoded = "café"
      case 1: text = [0x22, 0x93] + Array("ok".utf8) + [0x94, 0x20, 0x80, 0x35, 0x0A, 0xFC, 0x22]; decoded = "“ok” €5\nü"
      case 2: text = [0x9F, 0xFF]; decoded = "Ÿÿ"
      default: text = Array("plain".utf8); decoded = "plain"
      }
      bytes += Array("r\(i),".utf8) + text + Array(",\(i % 5 + 1)".utf8) + (i % 3 == 0 ? [0x0D, 0x0A] : [0x0A])
      expected.append(["r\(i)", decoded, String(i % 5 + 1)])
    }
    let path = try Self.write(bytes, "high")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let header = try TextSurveySource(path: path, options: SourceOptions(csv: CSVOptions(encoding: .windows1252))).header
    #expect(header.columns == ["id", "café", "q1"])
    for threads in [1, 2, 7] {
      for chunk in [16, 17, 33, 101, 4096, 4 << 20] {
        #expect(try Self.rows(path, threads: threads, chunk: chunk) == expected, "threads \(threads) chunk \(chunk)")
      }
    }
  }
}

/// The UTF-8 check finds the first invalid byte wherever it falls: in the 32-byte ASCII
/// steps, the 8-byte ones, the tail, and inside multi-byte sequences (checked against the
/// standard library's UTF-8 parser: the offset where its first error starts).
@Suite struct UTF8ValidationTests {
  static func reference(_ b: [UInt8]) -> Int? {
    var parser = Unicode.UTF8.ForwardParser()
    var bytes = b.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &bytes) {
      case .valid(let scalar): offset += scalar.count
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }

  @Test func firstInvalidByteAnywhere() {
    let text = Array("respondent,3,4,5,\"Zoë\",naïve,日本,😀,".utf8)
    var cases: [[UInt8]] = []
    for length in [0, 1, 7, 8, 31, 32, 33, 64, 95, 200] {
      let ascii = (0..<length).map { UInt8(0x30 + $0 % 40) }
      cases.append(ascii)
      for at in [0, length / 3, max(0, length - 1), length] where at <= length {
        for bad: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0x80]] {
          var b = ascii
          b.insert(contentsOf: bad, at: at)
          cases.append(b)
          cases.append(b + text)
          cases.append(text + b)
        }
      }
      cases.append(ascii + text + ascii)
    }
    for b in cases {
      let got = b.withUnsafeBufferPointer { $0.isEmpty ? nil : firstInvalidUTF8($0.baseAddress!, count: $0.count) }
      #expect(got == Self.reference(b), "\(b.count) bytes")
    }
  }
}
