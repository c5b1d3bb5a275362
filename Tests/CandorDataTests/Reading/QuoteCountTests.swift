@testable import CandorData
import Testing

/// The quote count that splits a file into chunks (``CSVTokenizer/countQuotes(_:count:)``)
/// is exact wherever the first quote falls: none, in the first or last byte, on either side
/// of a word boundary, and dense.
@Suite struct QuoteCountTests {
  @Test func countsEveryQuoteWhereverTheFirstOneFalls() {
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
    #expect(CSVTokenizer.countQuotes(UnsafePointer(bitPattern: 1)!, count: 0) == 0)
    for length in [1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1_000] {
      for density in [0, 1, 8, 64, 1_000] {  // quotes per 1,000 bytes
        var bytes = (0..<length).map { _ in next() % 1_000 < UInt64(density) ? UInt8(0x22) : UInt8(0x30 + next() % 10) }
        for place in [-1, 0, length - 1, length / 2] where length > 0 && place < length {
          if place >= 0 { bytes[place] = 0x22 }
          let naive = bytes.filter { $0 == 0x22 }.count
          let counted = bytes.withUnsafeBufferPointer { CSVTokenizer.countQuotes($0.baseAddress!, count: $0.count) }
          #expect(counted == naive, "length \(length), density \(density), quote at \(place)")
        }
        if length > 0, density == 0 {
          let none = bytes.map { $0 == 0x22 ? UInt8(0x31) : $0 }
          #expect(none.withUnsafeBufferPointer { CSVTokenizer.countQuotes($0.baseAddress!, count: $0.count) } == 0)
        }
      }
    }
  }
}
