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
  /// Per column: whether it may hold code 254 (then its values are read, not its codes).
  public let other: [Bool]

  /// `other`: per column, whether it may hold code 254 (``columnsWithOther(_:rows:)`` of
  /// these codes or of a block they were taken from, which may say yes for a column whose
  /// 254 was in a row left out); nil: found here.
  public init(codes: [UInt8], rows: Int, minimum: [Double?], other: [Bool]? = nil) {
    precondition(codes.count == rows * minimum.count, "\(codes.count) codes are not \(rows) rows of \(minimum.count) columns")
    precondition(other.map { $0.count == minimum.count } ?? true, "one flag a column")
    self.codes = codes
    self.rows = rows
    self.minimum = minimum.map { m in m.flatMap { Self.isUsableMinimum($0) ? $0 : nil } }
    self.other = other ?? Self.columnsWithOther(codes, rows: rows)
  }

  /// Per column of column-major `codes` (`rows` a column): whether it holds code 254. The
  /// one scan for them in a batch: the decoder makes it, and the straight-lining test and
  /// the scorers read its answer.
  public static func columnsWithOther(_ codes: [UInt8], rows: Int) -> [Bool] {
    guard rows > 0 else { return [Bool](repeating: false, count: 0) }
    return codes.withUnsafeBufferPointer { all in
      (0..<(all.count / rows)).map { c in contains(other, in: UnsafeBufferPointer(rebasing: all[(c * rows)..<((c + 1) * rows)])) }
    }
  }

  /// Whether codes counted from `minimum` may be read instead of their values: an integer
  /// (so minimum + code is an exact integer, in Double and in Float32) of at most 2²⁰.
  public static func isUsableMinimum(_ minimum: Double) -> Bool {
    minimum == minimum.rounded() && abs(minimum) <= 0x1p20
  }

  /// The minimum that every column of `columns` shares, when their codes may be read (none
  /// of them may hold 254: ``other``); nil otherwise.
  public func sharedMinimum(_ columns: [Int]) -> Double? {
    guard let first = columns.first, let m = minimum[first],
          columns.allSatisfy({ minimum[$0] == m && !other[$0] }) else { return nil }
    return m
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
