/// The wave-over-wave table of one run: whole-sample rows per scale and wave
/// pair, and group rows (design.md §7 `waves`, domain.md §6.4).
public struct WaveTable: Codable, Sendable, Equatable {
  public var rows: [WaveComparison]
  public var groupRows: [GroupWaveComparison]

  /// The table with ``adjust(_:_:)`` already applied.
  public init(rows: [WaveComparison], groupRows: [GroupWaveComparison] = []) {
    self.rows = rows
    self.groupRows = groupRows
    Self.adjust(&self.rows, &self.groupRows)
  }

  /// Benjamini–Hochberg (1995) across the table (``PValueAdjustment/benjaminiHochberg``,
  /// as R `p.adjust(method = "BH")`): one family of the mean-change p-values of
  /// every row — whole-sample rows, then unsuppressed group rows — and a second
  /// family of the favourability p-values. Suppressed rows take no part (they
  /// have no p); undefined (NaN) p-values do not count towards m.
  public static func adjust(_ rows: inout [WaveComparison], _ groupRows: inout [GroupWaveComparison]) {
    let shown = groupRows.indices.filter { !groupRows[$0].suppressed }
    let bh = PValueAdjustment.benjaminiHochberg
    let p = bh.adjusted(rows.map(\.p) + shown.map { groupRows[$0].comparison.p })
    let fav = bh.adjusted(rows.map { $0.favourableP ?? .nan } + shown.map { groupRows[$0].comparison.favourableP ?? .nan })
    for i in rows.indices {
      rows[i].pBH = p[i]
      if rows[i].favourableP != nil { rows[i].favourablePBH = fav[i] }
    }
    for (k, i) in shown.enumerated() {
      groupRows[i].comparison.pBH = p[rows.count + k]
      if groupRows[i].comparison.favourableP != nil { groupRows[i].comparison.favourablePBH = fav[rows.count + k] }
    }
  }

  /// Adjusts whole-sample rows only (a table without groups).
  public static func adjust(_ rows: inout [WaveComparison]) {
    var none: [GroupWaveComparison] = []
    adjust(&rows, &none)
  }
}
