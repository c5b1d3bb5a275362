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
    // Bytes that end an unquoted field: delimiter, LF, quote.
    let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    table.initialize(repeating: 0, count: 256)
    table[Int(delimiter)] = 1; table[Int(lf)] = 1; table[Int(quote)] = 1
    defer { table.deallocate() }
    // Field offsets are written through local copies of the storage's pointers.
    var fc = out.fieldCount
    var cap = out.capacity
    var sp = out.starts
    var ep = out.ends
    @inline(__always) func push(_ start: Int, _ end: Int, _ escaped: Bool) {
      if fc == cap {
        out.fieldCount = fc; out.grow()
        cap = out.capacity; sp = out.starts; ep = out.ends
      }
      sp[fc] = UInt32(truncatingIfNeeded: start)
      ep[fc] = UInt32(truncatingIfNeeded: end) | (escaped ? BatchStorage.escapedFlag : 0)
      fc &+= 1
    }
    var i = 0
    var lines = 0
    var recordFirstField = 0
    var recordLine = 0
    var recordStartOffset = 0
    var records = 0
    var quotedInRecord = false
    // Per-record arrays are built locally (no class-property exclusivity checks per record).
    var recordStarts = out.recordFieldStart
    var recordLineNumbers = out.recordLines
    out.recordFieldStart = []; out.recordLines = []
    recordStarts.reserveCapacity(n / 64 + 1)
    recordLineNumbers.reserveCapacity(n / 64 + 1)

    @inline(__always) func endRecord() throws(ChunkFailure) {
      let fields = fc - recordFirstField
      if fields == 1 && !quotedInRecord && sp[recordFirstField] == ep[recordFirstField] {
        // A blank line: drop it.
        fc = recordFirstField
      } else {
        if expectedFields > 0 && fields != expectedFields {
          throw ChunkFailure(kind: .raggedRecord(fields: fields, expected: expectedFields, delimiter: delimiter),
                             record: records, line: recordLine)
        }
        recordStarts.append(Int32(recordFirstField))
        recordLineNumbers.append(Int32(truncatingIfNeeded: recordLine))
        records += 1
      }
      recordFirstField = fc
      quotedInRecord = false
    }

    // Four one-digit fields each followed by the delimiter, as one 8-byte word: the
    // delimiter in every odd byte, an ASCII digit in every even one (see `fourDigitFields`).
    let delimiters = UInt64(delimiter) &* 0x0100_0100_0100_0100
    while i < n {
      if fc == recordFirstField { recordLine = lines; recordStartOffset = i }
      let fieldStart = i
      // Most cells of a Likert export: four at a time, while at least one byte follows
      // them (so the record and the chunk go on).
      if i &+ 8 < n && fc &+ 4 <= cap,
         Self.fourDigitFields(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self), delimiters: delimiters) {
        (i, fc) = Self.digitFields(p, from: i, count: n, delimiters: delimiters, starts: sp, ends: ep, field: fc, capacity: cap)
        continue
      }
      // A one-byte field followed by the delimiter (most cells of a Likert export): no scan.
      if i + 1 < n && p[i + 1] == delimiter && table[Int(p[i])] == 0 {
        push(i, i + 1, false)
        i += 2
        if i == n && isFinal { push(n, n, false); try endRecord() }
        continue
      }
      if p[i] == quote {
        var j = i + 1
        var escaped = false
        let openLine = lines
        while true {
          guard let qp = memchr(p + j, Int32(quote), n - j) else {
            if isFinal {
              throw ChunkFailure(kind: .unterminatedQuote(openedAtLine: openLine), record: records, line: recordLine,
                                 column: fc - recordFirstField)
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
        push(fieldStart + 1, j - 1, escaped)
        quotedInRecord = true
        if j == n { try endRecord(); i = n; break }
        let c = p[j]
        if c == delimiter {
          i = j + 1
          if i == n && isFinal { push(n, n, false); try endRecord() }
          continue
        }
        if c == lf { lines += 1; try endRecord(); i = j + 1; if records >= maxRecords { break }; continue }
        if c == cr && (j + 1 == n || p[j + 1] == lf) {
          lines += j + 1 < n ? 1 : 0
          try endRecord(); i = j + 2; if records >= maxRecords { break }; continue
        }
        var e = j
        while e < n && p[e] != delimiter && p[e] != lf { e += 1 }
        throw ChunkFailure(kind: openLine == lines ? .textAfterClosingQuote : .textAfterMultilineQuote(openedAtLine: openLine),
                           record: records, line: recordLine,
                           column: fc - 1 - recordFirstField, text: Array(UnsafeBufferPointer(start: p + fieldStart, count: e - fieldStart)))
      } else {
        var j = i
        while j < n && table[Int(p[j])] == 0 { j &+= 1 }
        if j < n && p[j] == quote {
          var e = j
          while e < n && p[e] != delimiter && p[e] != lf { e += 1 }
          throw ChunkFailure(kind: .strayQuote, record: records, line: recordLine,
                             column: fc - recordFirstField, text: Array(UnsafeBufferPointer(start: p + fieldStart, count: e - fieldStart)))
        }
        var end = j
        if (j == n || p[j] == lf) && end > fieldStart && p[end - 1] == cr { end -= 1 }
        push(fieldStart, end, false)
        if j == n {
          if !isFinal { throw ChunkFailure(kind: .recordTooLong(limit: n), record: records, line: recordLine) }
          try endRecord(); i = n; break
        }
        if p[j] == delimiter {
          i = j + 1
          if i == n && isFinal { push(n, n, false); try endRecord() }
          continue
        }
        lines += 1
        try endRecord()
        i = j + 1
        if records >= maxRecords { break }
      }
    }
    _ = recordStartOffset
    out.fieldCount = fc
    out.recordFieldStart = recordStarts
    out.recordLines = recordLineNumbers
    out.recordCount = records
    out.fieldsPerRecord = expectedFields
    return (i, lines)
  }

  /// Fields of one digit each followed by the delimiter, four at a time from `start` (where
  /// the first four are known to be such), while at least one byte follows them and the
  /// offsets have room: each field's start and end (one past) at `field` on. Returns the
  /// offset and field number after the last four. Out of line, so its few variables stay
  /// in registers: inside ``tokenize``, among the record loop's, they went to the stack.
  @inline(never)
  static func digitFields(_ p: UnsafePointer<UInt8>, from start: Int, count n: Int, delimiters: UInt64,
                          starts: UnsafeMutablePointer<UInt32>, ends: UnsafeMutablePointer<UInt32>,
                          field: Int, capacity: Int) -> (next: Int, field: Int) {
    var i = start, fc = field
    // Starts s, s+2, s+4, s+6 and ends one past each: two 16-byte stores a step.
    var at = SIMD4<UInt32>(repeating: UInt32(truncatingIfNeeded: i)) &+ SIMD4(0, 2, 4, 6)
    repeat {
      UnsafeMutableRawPointer(starts + fc).storeBytes(of: at, as: SIMD4<UInt32>.self)
      UnsafeMutableRawPointer(ends + fc).storeBytes(of: at &+ 1, as: SIMD4<UInt32>.self)
      at &+= 8
      fc &+= 4
      i &+= 8
    } while i &+ 8 < n && fc &+ 4 <= capacity
      && fourDigitFields(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self), delimiters: delimiters)
    return (i, fc)
  }

  /// Whether the 8 bytes of `w` (little-endian: first byte lowest) are four one-digit
  /// fields, each followed by the delimiter: every odd byte is the delimiter (`delimiters`
  /// has it in every odd byte) and every even byte is `0`…`9`. Each even byte sits in
  /// a 16-bit lane whose high byte is cleared, so the range checks cannot carry between
  /// lanes: `b − 0x30` borrows out of a set 0x8000 bit only when b < 0x30, and `b + 0x46`
  /// reaches bit 7 or 8 only when b > 0x39.
  @inline(__always) static func fourDigitFields(_ w: UInt64, delimiters: UInt64) -> Bool {
    guard w & 0xFF00_FF00_FF00_FF00 == delimiters else { return false }
    let b = w & 0x00FF_00FF_00FF_00FF
    let atLeast0 = ((b | 0x8000_8000_8000_8000) &- 0x0030_0030_0030_0030) & 0x8000_8000_8000_8000
    let above9 = (b &+ 0x0046_0046_0046_0046) & 0x0180_0180_0180_0180
    return atLeast0 == 0x8000_8000_8000_8000 && above9 == 0
  }

  /// The offset just past the last line break outside quotes in `p[0..<n]` (a record
  /// boundary when `p` starts at one), or nil.
  ///
  /// A line break is outside quotes when the number of `"` before it is even. The quotes of
  /// the whole chunk are counted 8 bytes at a time, then the scan walks back from the end,
  /// updating the parity, to the last line break with even parity — usually within the last
  /// record.
  static func lastRecordBoundary(_ p: UnsafePointer<UInt8>, count n: Int) -> Int? {
    var parity = countQuotes(p, count: n) & 1  // parity of quotes in p[0..<k+1]
    var k = n - 1
    while k >= 0 {
      let c = p[k]
      if c == quote { parity ^= 1 } else if c == lf && parity == 0 { return k + 1 }
      k -= 1
    }
    return nil
  }

  /// The number of `"` bytes in `p[0..<n]`: libc's `memchr` (vectorised) finds the first,
  /// so a chunk without quotes — most survey exports — costs a fast scan; from there
  /// SWAR (exact zero-byte test on `word ^ 0x22…`), 8 bytes at a time.
  static func countQuotes(_ p: UnsafePointer<UInt8>, count n: Int) -> Int {
    guard n > 0, let first = memchr(p, Int32(quote), n) else { return 0 }
    var total = 0
    var i = UnsafeRawPointer(first) - UnsafeRawPointer(p)
    let pattern: UInt64 = 0x2222_2222_2222_2222
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    while i + 8 <= n {
      let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) ^ pattern
      let t = ((w & low7) &+ low7) | w
      total += (~t & 0x8080_8080_8080_8080).nonzeroBitCount
      i += 8
    }
    while i < n { if p[i] == quote { total += 1 }; i += 1 }
    return total
  }
}
