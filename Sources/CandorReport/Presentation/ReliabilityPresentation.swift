import CandorNumerics
import CandorPsychometrics

extension ReportDraft {
  /// Adds `reliability[]` entries, the scale table (APA descriptives/reliability table:
  /// k, N, M, SD, α with its Feldt 95 % CI, ω) and one item table per scale.
  ///
  /// N is the smallest pairwise n of the scale's items (`nMin`, the N behind the Feldt
  /// interval); ω is Schmid–Leiman ω_total when available, else one-factor ω_total.
  public mutating func presentReliability(_ results: [ReliabilityResult], descriptives: [ScaleDescriptives] = []) throws {
    guard !results.isEmpty else { return }
    for r in results { try summary.append(r, to: .reliability) }

    let policies = Set(results.map(\.missing.rawValue)).sorted()
    var scaleTable = ReportTable(
      id: "reliability", title: "Reliability and Descriptive Statistics of the Scales",
      notes: [
        "k = number of items; N = smallest pairwise n of the scale's items; α = Cronbach's alpha with its 95 % confidence interval (Feldt et al., 1987); ω = McDonald's omega total.",
        "Missing data: \(policies.joined(separator: ", ")) deletion.",
      ],
      columns: [
        .label("Scale"), .init("k", csvName: "items"), .init("N", csvName: "n_min"), .init("M", csvName: "mean"),
        .init("SD", csvName: "sd"), .init("α", csvName: "alpha"), .init("95% CI", csvName: "alpha_ci95"),
        .init("ω", csvName: "omega"),
      ])
    for r in results {
      let d = descriptives.first { $0.scale == r.scale }
      let omega = r.omega?.total ?? r.omega?.oneFactorTotal
      scaleTable.rows.append(
        .init([
          .text(r.scale), .integer(r.items), .integer(r.nMin), Present.number(d?.mean), Present.number(d?.sd),
          Present.bounded(r.alpha.raw), Present.interval(r.alpha.feldt95, leadingZero: false), Present.bounded(omega),
        ]))
    }
    tables.append(scaleTable)

    for r in results {
      var items = ReportTable(
        id: Present.id("items", r.scale), title: "Item Statistics of \(r.scale)",
        notes: [
          "r.drop = corrected item–total (item–rest) correlation; α if deleted = raw α of the scale without the item; n = answers to the item (\(r.missing.rawValue) deletion)."
        ],
        columns: [
          .label("Item"), .init("n"), .init("M", csvName: "mean"), .init("SD", csvName: "sd"),
          .init("r.drop", csvName: "r_drop"), .init("α if deleted", csvName: "alpha_if_deleted"),
        ])
      for s in r.itemStatistics {
        items.rows.append(
          .init([
            .text(s.item), .integer(s.n), Present.number(s.mean), Present.number(s.sd), Present.bounded(s.rDrop),
            Present.bounded(s.alphaIfDeleted),
          ]))
      }
      tables.append(items)
    }
  }
}
