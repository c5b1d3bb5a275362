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
    var s = fixed(abs(x), decimals: decimals)
    let isZero = s.allSatisfy { $0 == "0" || $0 == "." }
    if !leadingZero, s.hasPrefix("0.") { s.removeFirst() }
    return (x < 0 && !isZero ? "-" : "") + s
  }

  /// APA p-value: exact to 3 decimals without leading zero, `< .001` below .001, `> .999` above.
  public static func pValue(_ p: Double) -> String {
    guard p.isFinite else { return missing }
    if p < 0.001 { return "< .001" }
    if p > 0.999 { return "> .999" }
    return number(p, decimals: 3, leadingZero: false)
  }

  /// Fixed-point text of a non-negative finite `x` (round half away from zero on the decimal
  /// representation Swift prints, so 0.125 → "0.13" is not promised; 2.675 prints as 2.67 or
  /// 2.68 by its binary value, as printf does).
  static func fixed(_ x: Double, decimals: Int) -> String {
    let scale = pow10(decimals)
    let scaled = (x * scale).rounded(.toNearestOrAwayFromZero)
    if scaled >= 9.0e15 { return String(x) }
    let whole = Int64(scaled)
    if decimals == 0 { return String(whole) }
    let div = Int64(scale)
    let intPart = whole / div
    var frac = String(whole % div)
    while frac.count < decimals { frac = "0" + frac }
    return "\(intPart).\(frac)"
  }

  private static func pow10(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<max(0, n) { r *= 10 }
    return r
  }
}
