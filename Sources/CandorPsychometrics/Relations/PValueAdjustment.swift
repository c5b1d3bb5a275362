/// Multiplicity adjustment of the p-values of one table, as R `p.adjust`.
///
/// Applied within each correlation table (design.md §6). NaN p-values are left
/// NaN and do not count towards the number of tests `m` (R drops `NA` first).
public enum PValueAdjustment: String, Codable, Sendable, CaseIterable {
  /// Holm (1979) step-down: with p sorted ascending, p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎).
  case holm
  /// Benjamini & Hochberg (1995) step-up FDR: with p sorted ascending,
  /// p̃₍ᵢ₎ = min_{j ≥ i} min(1, m/j · p₍ⱼ₎).
  case benjaminiHochberg

  /// The adjusted p-values, in the order given.
  /// - Complexity: O(m log m).
  public func adjusted(_ p: [Double]) -> [Double] {
    var result = [Double](repeating: .nan, count: p.count)
    let present = p.indices.filter { !p[$0].isNaN }
    let m = present.count
    if m == 0 { return result }
    // Stable ascending order of the present p-values (R `order` is stable).
    let order = present.enumerated().sorted { a, b in
      p[a.element] != p[b.element] ? p[a.element] < p[b.element] : a.offset < b.offset
    }.map(\.element)
    switch self {
    case .holm:
      var running = 0.0
      for (i, index) in order.enumerated() {
        running = max(running, Double(m - i) * p[index])
        result[index] = min(1, running)
      }
    case .benjaminiHochberg:
      var running = Double.infinity
      for i in stride(from: m - 1, through: 0, by: -1) {
        let index = order[i]
        running = min(running, Double(m) / Double(i + 1) * p[index])
        result[index] = min(1, running)
      }
    }
    return result
  }
}
