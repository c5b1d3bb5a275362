import CandorNumerics

/// Helpers shared by the presentation of each result type.
enum Present {
  /// A table id (`[a-z0-9_-]`) from free text: `aggregation-psych_safety-school`.
  static func id(_ parts: String...) -> String {
    parts.filter { !$0.isEmpty }.map { part in
      var out = ""
      for ch in part.lowercased() {
        if ch.isASCII && (ch.isLetter || ch.isNumber || ch == "_") { out.append(ch) } else if !out.hasSuffix("-") { out.append("-") }
      }
      while out.hasSuffix("-") { out.removeLast() }
      while out.hasPrefix("-") { out.removeFirst() }
      return out.isEmpty ? "x" : out
    }.joined(separator: "-")
  }

  /// A bounded statistic (r, α, ω, p, loadings): two decimals, no leading zero.
  static func bounded(_ x: Double?, decimals: Int = 2) -> TableCell {
    guard let x, x.isFinite else { return .text(CellFormat.missing) }
    return .number(x, decimals: decimals, leadingZero: false)
  }

  /// An unbounded statistic (M, SD, OR): two decimals with the leading zero.
  static func number(_ x: Double?, decimals: Int = 2) -> TableCell {
    guard let x, x.isFinite else { return .text(CellFormat.missing) }
    return .number(x, decimals: decimals)
  }

  static func p(_ x: Double?) -> TableCell {
    guard let x, x.isFinite else { return .text(CellFormat.missing) }
    return .pValue(x)
  }

  /// A 95 % interval from a two-element array; "—" when missing or not finite.
  static func interval(_ xs: [Double]?, leadingZero: Bool = true, decimals: Int = 2) -> TableCell {
    guard let xs, xs.count == 2, xs[0].isFinite, xs[1].isFinite else { return .text(CellFormat.missing) }
    return .interval(xs[0], xs[1], decimals: decimals, leadingZero: leadingZero)
  }

  /// A share 0…1 as a percentage with no decimals (`73`).
  static func percent(_ x: Double?) -> TableCell {
    guard let x, x.isFinite else { return .text(CellFormat.missing) }
    return .number(x * 100, decimals: 0)
  }

  /// Text of a bounded statistic for notes (`.87`, `—`).
  static func boundedText(_ x: Double?, decimals: Int = 2) -> String {
    guard let x, x.isFinite else { return CellFormat.missing }
    return CellFormat.number(x, decimals: decimals, leadingZero: false)
  }

  static func numberText(_ x: Double?, decimals: Int = 2) -> String {
    guard let x, x.isFinite else { return CellFormat.missing }
    return CellFormat.number(x, decimals: decimals)
  }

  /// `p = .023` / `p < .001` for notes.
  static func pText(_ x: Double?) -> String {
    guard let x, x.isFinite else { return "p = \(CellFormat.missing)" }
    let s = CellFormat.pValue(x)
    return s.hasPrefix("<") || s.hasPrefix(">") ? "p \(s)" : "p = \(s)"
  }
}
