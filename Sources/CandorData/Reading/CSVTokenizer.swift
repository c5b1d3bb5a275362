#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure inside one chunk, positioned relative to the chunk (rebased later).
struct ChunkFailure: Error {
  var kind: ReadError.Kind
  /// 0-based record index inside the chunk (records completed before the failure).
  var record: Int
  /// Newlines before the failing record's first byte, counted from the chunk start.
  var line: Int
  var column: Int?
  var text: [UInt8]?
}

/// The RFC 4180 tokenizer: one pass over a chunk that starts at a record boundary.
///
/// A field is quoted when its first byte is `"`; inside it, `""` is a literal quote and
/// delimiters and line breaks are data. Records end at LF or CRLF outside quotes. A `"`
/// inside an unquoted field, or text after a closing quote, is an error — so the quote
/// parity used to split the file into chunks (``lastRecordBoundary(_:count:)``) always agrees
/// with this tokenizer, and every split gives the same records. Blank lines are skipped.
enum CSVTokenizer {
  static let quote: UInt8 = 0x22
  static let lf: UInt8 = 0x0A
  static let cr: UInt8 = 0x0D

  /// Tokenizes `count` bytes at `p` into `out`.
  ///
  /// - Parameters:
  ///   - expectedFields: the header's field count; 0 accepts any count (header rows).
  ///   - isFinal: the chunk ends the file (the last record may lack a line break).
  ///   - maxRecords: stop after this many records (header parsing).
  /// - Returns: the offset just past the last record consumed, and the newlines consumed.
  @discardableResult
  static func tokenize(_ p: UnsafePointer<UInt8>, count n: Int, delimiter: UInt8, expectedFields: Int,
                       isFinal: Bool, maxRecords: Int = .max, into out: BatchStorage) throws(ChunkFailure) -> (end: Int, lines: Int) {
    var special = (UInt64(0), UInt64(0))  // bitset of delimiter, LF, quote (all < 128)
    for b in [delimiter, lf, quote] { if b < 64 { special.0 |= 1 << UInt64(b) } else { special.1 |= 1 << UInt64(b - 64) } }
    let lo = special.0, hi = special.1
    var i = 0
    var lines = 0
    var recordFirstField = 0
    var recordLine = 0
    var recordStartOffset = 0
    var records = 0
    var quotedInRecord = false
    out.recordFieldStart.reserveCapacity(n / 64 + 1)
    out.recordLines.reserveCapacity(n / 64 + 1)

    @inline(__always) func endRecord() throws(ChunkFailure) {
      let fields = out.fieldCount - recordFirstField
      if fields == 1 && !quotedInRecord && out.starts[recordFirstField] == out.ends[recordFirstField] {
        // A blank line: drop it.
        out.fieldCount = recordFirstField
      } else {
        if expectedFields > 0 && fields != expectedFields {
          throw ChunkFailure(kind: .raggedRecord(fields: fields, expected: expectedFields, delimiter: delimiter),
                             record: records, line: recordLine)
        }
        out.recordFieldStart.append(Int32(recordFirstField))
        out.recordLines.append(Int32(truncatingIfNeeded: recordLine))
        records += 1
      }
      recordFirstField = out.fieldCount
      quotedInRecord = false
    }

    while i < n {
      if out.fieldCount == recordFirstField { recordLine = lines; recordStartOffset = i }
      let fieldStart = i
      if p[i] == quote {
        var j = i + 1
        var escaped = false
        let openLine = lines
        while true {
          guard let qp = memchr(p + j, Int32(quote), n - j) else {
            if isFinal {
              throw ChunkFailure(kind: .unterminatedQuote(openedAtLine: openLine), record: records, line: recordLine,
                                 column: out.fieldCount - recordFirstField)
            }
            throw ChunkFailure(kind: .recordTooLong(limit: n), record: records, line: recordLine)
          }
          let q = UnsafePointer<UInt8>(qp.assumingMemoryBound(to: UInt8.self)) - p
          var k = j
          while k < q { if p[k] == lf { lines += 1 }; k += 1 }
          if q + 1 < n && p[q + 1] == quote { escaped = true; j = q + 2; continue }
          j = q + 1
          break
        }
        out.append(start: fieldStart + 1, end: j - 1, escaped: escaped)
        quotedInRecord = true
        if j == n { try endRecord(); i = n; break }
        let c = p[j]
        if c == delimiter {
          i = j + 1
          if i == n && isFinal { out.append(start: n, end: n, escaped: false); try endRecord() }
          continue
        }
        if c == lf { lines += 1; try endRecord(); i = j + 1; if records >= maxRecords { break }; continue }
        if c == cr && (j + 1 == n || p[j + 1] == lf) {
          lines += j + 1 < n ? 1 : 0
          try endRecord(); i = j + 2; if records >= maxRecords { break }; continue
        }
        var e = j
        while e < n && p[e] != delimiter && p[e] != lf { e += 1 }
        throw ChunkFailure(kind: .textAfterClosingQuote, record: records, line: recordLine,
                           column: out.fieldCount - 1 - recordFirstField, text: Array(UnsafeBufferPointer(start: p + fieldStart, count: e - fieldStart)))
      } else {
        var j = i
        while j < n {
          let c = p[j]
          if c < 128 {
            let bit = c < 64 ? (lo >> UInt64(c)) & 1 : (hi >> UInt64(c &- 64)) & 1
            if bit != 0 { break }
          }
          j += 1
        }
        if j < n && p[j] == quote {
          var e = j
          while e < n && p[e] != delimiter && p[e] != lf { e += 1 }
          throw ChunkFailure(kind: .strayQuote, record: records, line: recordLine,
                             column: out.fieldCount - recordFirstField, text: Array(UnsafeBufferPointer(start: p + fieldStart, count: e - fieldStart)))
        }
        var end = j
        if (j == n || p[j] == lf) && end > fieldStart && p[end - 1] == cr { end -= 1 }
        out.append(start: fieldStart, end: end, escaped: false)
        if j == n {
          if !isFinal { throw ChunkFailure(kind: .recordTooLong(limit: n), record: records, line: recordLine) }
          try endRecord(); i = n; break
        }
        if p[j] == delimiter {
          i = j + 1
          if i == n && isFinal { out.append(start: n, end: n, escaped: false); try endRecord() }
          continue
        }
        lines += 1
        try endRecord()
        i = j + 1
        if records >= maxRecords { break }
      }
    }
    _ = recordStartOffset
    out.recordCount = records
    out.fieldsPerRecord = expectedFields
    return (i, lines)
  }

  /// The offset just past the last line break outside quotes in `p[0..<n]` (a record
  /// boundary when `p` starts at one), or nil. Quote parity is tracked with `memchr`, so
  /// chunks without quotes cost one backward scan.
  static func lastRecordBoundary(_ p: UnsafePointer<UInt8>, count n: Int) -> Int? {
    var pos = 0
    var inQuote = false
    var segments: [(Int, Int)] = []  // unquoted segments [start, end)
    while pos < n {
      guard let qp = memchr(p + pos, Int32(quote), n - pos) else {
        if !inQuote { segments.append((pos, n)) }
        break
      }
      let q = UnsafePointer<UInt8>(qp.assumingMemoryBound(to: UInt8.self)) - p
      if !inQuote { segments.append((pos, q)) }
      inQuote.toggle()
      pos = q + 1
    }
    for (s, e) in segments.reversed() {
      var k = e - 1
      while k >= s { if p[k] == lf { return k + 1 }; k -= 1 }
    }
    return nil
  }
}
