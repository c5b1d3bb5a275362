#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses decimal numbers straight from a cell's bytes, without a `String`.
///
/// Grammar (after trimming spaces and tabs): `[+-]? digits? ([.] digits?)? ([eE] [+-]? digits)?`
/// with at least one digit in the mantissa. With `decimalComma`, `,` is accepted as the
/// decimal point as well as `.` (a number holds at most one of them); no thousands separators.
///
/// Exactness: when the significant digits fit in 15 decimal digits (< 2^53) and the decimal
/// exponent is within ±22, the value is `m × 10^e` or `m / 10^-e` with both operands exact
/// doubles, so the single IEEE operation is correctly rounded (Clinger 1990, "How to read
/// floating point numbers accurately", the fast path). Every Likert answer, integer code and
/// short decimal takes this path. Longer forms fall back to `strtod` (correctly rounded in
/// glibc) on a small stack buffer.
public enum NumberParser {
  @usableFromInline static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// The number in `bytes`, or nil when the cell is empty, blank or not a number.
  @inlinable
  public static func parse(_ bytes: UnsafeRawBufferPointer, decimalComma: Bool) -> Double? {
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
    return parse(base, count: bytes.count, decimalComma: decimalComma)
  }

  /// The number in `count` bytes at `p`, or nil (see ``parse(_:decimalComma:)``).
  @inlinable @inline(__always)
  public static func parse(_ p: UnsafePointer<UInt8>, count: Int, decimalComma: Bool) -> Double? {
    // Fast paths for the most common survey cells: one or two digits.
    if count == 1 {
      let d = p[0] &- 48
      return d < 10 ? Double(d) : nil
    }
    if count == 2 {
      let d0 = p[0] &- 48, d1 = p[1] &- 48
      if d0 < 10 && d1 < 10 { return Double(d0 &* 10 &+ d1) }
    }
    return parseGeneral(p, count: count, decimalComma: decimalComma)
  }

  /// The general grammar (see ``parse(_:decimalComma:)``); kept out of line.
  @usableFromInline
  static func parseGeneral(_ p: UnsafePointer<UInt8>, count: Int, decimalComma: Bool) -> Double? {
    var n = count
    var i = 0
    while i < n && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
    while n > i && (p[n - 1] == 0x20 || p[n - 1] == 0x09) { n -= 1 }
    if i == n { return nil }
    let start = i
    var negative = false
    if p[i] == 0x2D { negative = true; i += 1 } else if p[i] == 0x2B { i += 1 }
    var mantissa: UInt64 = 0
    var significant = 0
    var fractionDigits = 0
    var sawDigit = false
    var tooLong = false
    while i < n {
      let d = p[i] &- 48
      if d >= 10 { break }
      sawDigit = true
      if mantissa != 0 || d != 0 {
        significant += 1
        if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(d) } else { tooLong = true }
      }
      i += 1
    }
    if i < n && (p[i] == 0x2E || (decimalComma && p[i] == 0x2C)) {
      i += 1
      while i < n {
        let d = p[i] &- 48
        if d >= 10 { break }
        sawDigit = true
        if mantissa != 0 || d != 0 {
          significant += 1
          if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(d) } else { tooLong = true }
        }
        if !tooLong { fractionDigits += 1 }
        i += 1
      }
    }
    if !sawDigit { return nil }
    var exponent = 0
    if i < n && (p[i] | 0x20) == 0x65 {
      i += 1
      var expNegative = false
      if i < n && (p[i] == 0x2D || p[i] == 0x2B) { expNegative = p[i] == 0x2D; i += 1 }
      var expDigits = 0
      while i < n {
        let d = p[i] &- 48
        if d >= 10 { break }
        if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
        expDigits += 1
        i += 1
      }
      if expDigits == 0 { return nil }
      if expNegative { exponent = -exponent }
    }
    if i != n { return nil }
    if !tooLong && significant <= 15 {
      let e10 = exponent - fractionDigits
      let m = Double(mantissa)
      var value: Double?
      if e10 == 0 { value = m } else if e10 > 0 && e10 <= 22 { value = m * powersOfTen[e10] } else if e10 < 0 && e10 >= -22 { value = m / powersOfTen[-e10] }
      if let v = value { return negative ? -v : v }
    }
    return strtodFallback(p + start, count: n - start)
  }

  @usableFromInline
  static func strtodFallback(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
    if count >= 255 { return nil }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buf in
      for k in 0..<count { buf[k] = CChar(bitPattern: p[k] == 0x2C ? 0x2E : p[k]) }
      buf[count] = 0
      var end: UnsafeMutablePointer<CChar>?
      let v = strtod(buf.baseAddress!, &end)
      guard let end, end - buf.baseAddress! == count else { return nil }
      return v
    }
  }
}
