import CandorNumerics
import CandorPsychometrics

extension ReportDraft {
  /// Adds `values[]` entries, a table of MRAT-centred value means, SDs, n and αs per
  /// instrument, then the higher-order scores (MRAT and the MDS stress and circle-order check
  /// in the note), and the value circle chart (MDS coordinates as computed: per item or per
  /// value).
  public mutating func presentValues(_ results: [ValuesSummary]) throws {
    for v in results {
      try summary.append(v, to: .values)
      var notes = [
        "Scores are centred on each respondent's mean rating over all items (MRAT; Schwartz): M = \(Present.numberText(v.mrat.mean)), SD = \(Present.numberText(v.mrat.sd)), n = \(v.mrat.n). α = Cronbach's alpha of the value's items (few items: expect .40–.70)."
      ]
      if let mds = v.mds {
        let order: String
        switch mds.orderMatchesTheory {
        case true?: order = "matches Schwartz's theoretical circle"
        case false?: order = "does not match Schwartz's theoretical circle"
        case nil: order = "was not checked (not all ten values present)"
        }
        notes.append("Classical MDS of the correlations: stress-1 = \(Present.boundedText(mds.stress, decimals: 3)); the order of the values around the circle \(order).")
      }
      var table = ReportTable(
        id: Present.id("values", v.scale), title: "Value Scores of \(v.scale)", notes: notes,
        columns: [
          .label("Value"), .init("n"), .init("M", csvName: "mean"), .init("SD", csvName: "sd"), .init("α", csvName: "alpha"),
        ])
      for (name, s) in zip(v.valueScores.keys, v.valueScores.values) {
        table.rows.append(.init([.text(name), .integer(s.n), Present.number(s.mean), Present.number(s.sd), Present.bounded(s.alpha)]))
      }
      for (name, s) in zip(v.higherOrderScores.keys, v.higherOrderScores.values) {
        table.rows.append(.init([.text(name), .integer(s.n), Present.number(s.mean), Present.number(s.sd), .empty]))
      }
      tables.append(table)
      if let mds = v.mds {
        // The ten values at the centroids of their items (readable); items only without them.
        let map = v.valueCoordinates ?? mds.coordinates
        let points = zip(map.keys, map.values).compactMap { label, xy -> CirclePlot.Point? in
          xy.count >= 2 && xy[0].isFinite && xy[1].isFinite ? CirclePlot.Point(label: label, x: xy[0], y: xy[1]) : nil
        }
        charts.append(.circle(CirclePlot(title: "Value Circle of \(v.scale) (MDS)", points: points)))
      }
    }
  }

  /// Adds `correlations[]` entries and one table: N, r, 95 % CI (Fisher z), p, Holm- and
  /// Benjamini–Hochberg-adjusted p (adjusted within the table).
  public mutating func presentCorrelations(_ results: [CorrelationResult], title: String = "Correlations") throws {
    guard !results.isEmpty else { return }
    for c in results { try summary.append(c, to: .correlations) }
    let names = ["pearson": "Pearson", "pointBiserial": "point-biserial", "spearman": "Spearman",
                 "kendall": "Kendall tau-b", "polychoric": "polychoric"]
    let methods = Set(results.map { names[$0.method.rawValue] ?? $0.method.rawValue }).sorted()
    var notes = [
      "\(methods.joined(separator: " and ").prefix(1).uppercased() + methods.joined(separator: " and ").dropFirst()) correlations; 95 % CI by Fisher's z; p (Holm) and p (BH) are adjusted for the \(results.count) coefficients of this table (Holm, 1979; Benjamini & Hochberg, 1995)."
    ]
    let ns = results.map(\.n)
    if let lo = ns.min(), let hi = ns.max() {
      notes.append(lo == hi ? "N = \(lo)." : "Pairwise N ranges from \(lo) to \(hi).")
    }
    let partial = Set(results.flatMap(\.partialOn)).sorted()
    if !partial.isEmpty { notes.append("Partial correlations controlling for \(partial.joined(separator: ", ")).") }
    var table = ReportTable(
      id: "correlations", title: title, notes: notes,
      columns: [
        .label("Variable 1", csvName: "x"), .label("Variable 2", csvName: "y"), .init("N", csvName: "n"), .init("r"),
        .init("95% CI", csvName: "ci95"), .init("p"), .init("p (Holm)", csvName: "p_holm"), .init("p (BH)", csvName: "p_bh"),
      ])
    for c in results {
      table.rows.append(
        .init([
          .text(c.x), .text(c.y), .integer(c.n), Present.bounded(c.r), Present.interval(c.ci95, leadingZero: false),
          Present.p(c.p), Present.p(c.pHolm), Present.p(c.pBH),
        ]))
    }
    tables.append(table)
  }

  /// Adds `retention[]` entries and one odds-ratio table per model (N, events, clusters and the
  /// kind of standard error in the note).
  public mutating func presentRetention(_ results: [RetentionResult]) throws {
    for m in results {
      try summary.append(m, to: .retention)
      var notes = [
        "Logistic regression of \(m.outcome) (1 = event): N = \(m.n), events = \(m.events). OR = odds ratio per unit of the predictor, OR per SD = per standard deviation of the predictor (comparable across predictors), each with its Wald 95 % CI."
      ]
      if let cluster = m.cluster {
        notes.append("Cluster-robust (\(m.standardErrors)) standard errors by \(cluster) (\(m.clusters) clusters).")
      }
      if !m.converged { notes.append("The model did not converge in \(m.iterations) iterations: do not interpret it.") }
      var table = ReportTable(
        id: Present.id("retention", m.outcome), title: "Odds Ratios for \(m.outcome)", notes: notes,
        columns: [
          .label("Predictor", csvName: "term"), .init("OR", csvName: "odds_ratio"), .init("95% CI", csvName: "ci95"),
          .init("OR per SD", csvName: "odds_ratio_per_sd"), .init("95% CI (per SD)", csvName: "ci95_per_sd"), .init("p"),
        ])
      for t in m.terms {
        table.rows.append(
          .init([
            .text(t.name), Present.number(t.oddsRatio), Present.interval(t.ci95), Present.number(t.oddsRatioPerSD),
            Present.interval(t.ci95PerSD), Present.p(t.p),
          ]))
      }
      tables.append(table)
    }
  }

  /// Adds `drivers[]` entries and one table per outcome: zero-order r, raw relative weight
  /// with its bootstrap 95 % CI, and the weight as a share of R².
  public mutating func presentDrivers(_ results: [DriversResult]) throws {
    for d in results {
      try summary.append(d, to: .drivers)
      var notes = ["Relative weights (Johnson, 2000) of the predictors of \(d.outcome): R² = \(Present.boundedText(d.r2, decimals: 3)), N = \(d.n). Raw weights sum to R²; % of R² rescales them to 100."]
      if d.bootstrapReplicates > 0 {
        notes.append("95 % CIs are percentile bootstrap intervals (\(d.bootstrapReplicates) replicates\(d.seed.map { ", seed \($0)" } ?? "")).")
      }
      var table = ReportTable(
        id: Present.id("drivers", d.outcome), title: "Key Drivers of \(d.outcome)", notes: notes,
        columns: [
          .label("Predictor"), .init("r", csvName: "zero_order_r"), .init("Weight", csvName: "raw_weight"),
          .init("95% CI", csvName: "ci95"), .init("% of R²", csvName: "percent_of_r2"),
        ])
      for (name, w) in zip(d.weights.keys, d.weights.values) {
        table.rows.append(
          .init([
            .text(name), Present.bounded(d.zeroOrderR[name]), Present.bounded(w, decimals: 3),
            Present.interval(d.ci95[name], leadingZero: false, decimals: 3), Present.number(d.rescaled[name].map { $0 * 100 }, decimals: 1),
          ]))
      }
      tables.append(table)
    }
  }
}
