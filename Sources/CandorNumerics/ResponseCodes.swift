/// One-byte response codes alongside a column-major block's values (same shape): the
/// decoder's position of each answer among its variable's integer points. A code `c`
/// below 254 says the value is exactly `minimum[column] + c`; 255 says it is missing
/// (NaN); 254 says it is something else (a half, an out-of-range value kept): read the
/// value. Consumers that sum or multiply small integers read the codes, one byte a cell
/// instead of eight, and must give the same results, bit for bit, as from the values.
public struct ResponseCodes: Sendable {
  /// Code of a missing value, and of a value that is not one of the points.
  public static let missing: UInt8 = 255, other: UInt8 = 254

  /// Column-major, `rows` per column.
  public let codes: [UInt8]
  public let rows: Int
  /// Per column: the value of code 0, an integer (`nil` when the column's codes are
  /// not to be read: no integer points, or a minimum that is not an integer).
  public let minimum: [Double?]

  public init(codes: [UInt8], rows: Int, minimum: [Double?]) {
    precondition(codes.count == rows * minimum.count, "\(codes.count) codes are not \(rows) rows of \(minimum.count) columns")
    self.codes = codes
    self.rows = rows
    self.minimum = minimum.map { m in m.flatMap { Self.isUsableMinimum($0) ? $0 : nil } }
  }

  /// Whether codes counted from `minimum` may be read instead of their values: an integer
  /// (so minimum + code is an exact integer, in Double and in Float32) of at most 2²⁰.
  public static func isUsableMinimum(_ minimum: Double) -> Bool {
    minimum == minimum.rounded() && abs(minimum) <= 0x1p20
  }

  /// The minimum that every column of `columns` shares, when their codes may be read for
  /// rows `rows` (none of them is 254 there); nil otherwise.
  public func sharedMinimum(_ columns: [Int], rows range: Range<Int>) -> Double? {
    guard let first = columns.first, let m = minimum[first], columns.allSatisfy({ minimum[$0] == m }) else { return nil }
    return codes.withUnsafeBufferPointer { all in
      for c in columns {
        let column = UnsafeBufferPointer(rebasing: all[(c * rows + range.lowerBound)..<(c * rows + range.upperBound)])
        if Self.contains(Self.other, in: column) { return nil }
      }
      return m
    }
  }

  /// Whether `code` occurs in `column`: sixteen codes a comparison.
  public static func contains(_ code: UInt8, in column: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = column.baseAddress else { return false }
    let raw = UnsafeRawPointer(base), n = column.count
    let target = SIMD16<UInt8>(repeating: code)
    var r = 0
    while r + 16 <= n {
      if any(raw.loadUnaligned(fromByteOffset: r, as: SIMD16<UInt8>.self) .== target) { return true }
      r += 16
    }
    while r < n { if base[r] == code { return true }; r += 1 }
    return false
  }
}
