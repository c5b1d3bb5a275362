/// A table of results before the confidentiality filter: title, notes, columns, rows.
///
/// Cells carry their own format (APA, domain.md §7): statistics bounded by 1 (r, α, ω, p,
/// standardized loadings) are written without a leading zero; p-values as exact `.023` or
/// `< .001`; intervals as `[.71, .84]`. Group-level cells are keyed (`Row.group` or
/// `TableCell.guarded`) so the filter can replace them with "suppressed (n < k)".
/// Renderers accept only `PublishedTable`, which only the filter makes.
public struct ReportTable: Sendable {
  /// File-name stem for the CSV (`reliability` → `reliability.csv`); `[a-z0-9_-]`.
  public var id: String
  public var title: String
  /// Lines printed below the table (APA *Note.*).
  public var notes: [String]
  public var columns: [Column]
  public var rows: [Row]

  public init(id: String, title: String, notes: [String] = [], columns: [Column], rows: [Row] = []) {
    self.id = id
    self.title = title
    self.notes = notes
    self.columns = columns
    self.rows = rows
  }

  public struct Column: Sendable {
    public enum Alignment: Sendable { case left, right, center }
    public var header: String
    public var alignment: Alignment
    /// Column name in CSV output (defaults to a snake_case form of the header).
    public var csvName: String
    /// Label columns stay visible in a suppressed row (the group's name).
    public var isLabel: Bool

    public init(_ header: String, alignment: Alignment = .right, csvName: String? = nil, isLabel: Bool = false) {
      self.header = header
      self.alignment = alignment
      self.csvName = csvName ?? Column.snakeCase(header)
      self.isLabel = isLabel
    }

    /// A left-aligned label column (`Scale`, `Item`, `Group`).
    public static func label(_ header: String, csvName: String? = nil) -> Column {
      Column(header, alignment: .left, csvName: csvName, isLabel: true)
    }

    static func snakeCase(_ s: String) -> String {
      var out = ""
      for ch in s.lowercased() {
        if ch.isLetter || ch.isNumber { out.append(ch) } else if !out.hasSuffix("_") { out.append("_") }
      }
      while out.hasSuffix("_") { out.removeLast() }
      return out.isEmpty ? "value" : out
    }
  }

  public struct Row: Sendable {
    public var cells: [TableCell]
    /// The group cell this row reports, if it is a group row.
    public var group: CellKey?

    public init(_ cells: [TableCell], group: CellKey? = nil) {
      self.cells = cells
      self.group = group
    }
  }
}

/// One table cell.
public indirect enum TableCell: Sendable, Equatable {
  case text(String)
  /// A number with `decimals` places; `leadingZero: false` for statistics bounded by 1.
  case number(Double, decimals: Int = 2, leadingZero: Bool = true)
  case integer(Int)
  /// A p-value: `.023`, `< .001` (APA).
  case pValue(Double)
  /// A confidence interval `[.71, .84]`.
  case interval(Double, Double, decimals: Int = 2, leadingZero: Bool = true)
  case empty
  /// Hidden by the confidentiality filter.
  case suppressed
  /// A cell that belongs to a group cell other than its row's (e.g. a cut column).
  case guarded(CellKey, TableCell)

  /// The cell as display text (terminal, Markdown, HTML).
  public func displayText() -> String {
    switch self {
    case .text(let s): return s
    case .number(let x, let d, let lz): return CellFormat.number(x, decimals: d, leadingZero: lz)
    case .integer(let i): return String(i)
    case .pValue(let p): return CellFormat.pValue(p)
    case .interval(let lo, let hi, let d, let lz):
      return "[\(CellFormat.number(lo, decimals: d, leadingZero: lz)), \(CellFormat.number(hi, decimals: d, leadingZero: lz))]"
    case .empty: return ""
    case .suppressed: return "suppressed"
    case .guarded(_, let inner): return inner.displayText()
    }
  }
}

/// Number formatting for reports (APA 7th ed.; domain.md §7).
public enum CellFormat {
  /// The text for a missing or undefined statistic.
  public static let missing = "—"

  /// `x` rounded to `decimals` places; without the leading zero (`.71`, `-.05`) when
  /// `leadingZero` is false. NaN → "—".
  public static func number(_ x: Double, decimals: Int, leadingZero: Bool = true) -> String {
    guard x.isFinite else { return x.isNaN ? missing : (x > 0 ? "∞" : "-∞") }
    return signedFixed(x, decimals: decimals, leadingZero: leadingZero)
  }

  /// APA p-value: exact to 3 decimals without leading zero, `< .001` below .001, `> .999` above.
  public static func pValue(_ p: Double) -> String {
    guard p.isFinite else { return missing }
    if p < 0.001 { return "< .001" }
    if p > 0.999 { return "> .999" }
    return number(p, decimals: 3, leadingZero: false)
  }

  /// Fixed-point text of a finite `x` at `decimals` places: |x| rounded half away from zero
  /// on its binary value (so 0.125 → "0.13" is not promised; 2.675 prints as 2.67 or 2.68,
  /// as printf does), a minus sign when `x` is negative and does not round to zero, and no
  /// zero before the point when `leadingZero` is false (`.71`). The digits are written into one buffer and
  /// the String made once: the reports format ~100,000 numbers at 1M rows, and building
  /// each from several Strings was ~40 % of rendering the HTML page.
  static func signedFixed(_ x: Double, decimals: Int, leadingZero: Bool) -> String {
    let scale = pow10(decimals)
    let scaled = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
    if scaled >= 9.0e15 || decimals > 18 {
      // Beyond exact integers: Swift's shortest representation of |x|.
      return (x < 0 ? "-" : "") + String(abs(x))
    }
    let whole = UInt64(scaled)
    let negative = x < 0 && whole != 0
    let div = UInt64(scale)
    let intPart = decimals == 0 ? whole : whole / div
    var frac = decimals == 0 ? 0 : whole % div
    // At most 1 sign + 16 integer digits + point + 18 decimals, on the stack; the String
    // is made from the bytes written (15 or fewer bytes stay inline, no allocation).
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { out in
      var n = 0
      if negative { out[n] = UInt8(ascii: "-"); n += 1 }
      if intPart != 0 || leadingZero || decimals == 0 {
        var digits = 1, rest = intPart
        while rest >= 10 { rest /= 10; digits += 1 }
        rest = intPart
        for i in stride(from: n + digits - 1, through: n, by: -1) { out[i] = UInt8(ascii: "0") + UInt8(rest % 10); rest /= 10 }
        n += digits
      }
      if decimals > 0 {
        out[n] = UInt8(ascii: ".")
        for i in stride(from: n + decimals, through: n + 1, by: -1) { out[i] = UInt8(ascii: "0") + UInt8(frac % 10); frac /= 10 }
        n += decimals + 1
      }
      return String(decoding: UnsafeBufferPointer(rebasing: out[0..<n]), as: UTF8.self)
    }
  }

  private static func pow10(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<max(0, n) { r *= 10 }
    return r
  }
}
