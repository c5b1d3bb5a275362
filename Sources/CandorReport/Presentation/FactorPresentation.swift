import CandorNumerics
import CandorPsychometrics

extension ReportDraft {
  /// Adds `factorAnalysis[]` entries, the APA loading table per scale (items sorted by their
  /// main factor, then by |λ| descending; |λ| < .30 blanked in the table only, never in JSON),
  /// h², u², SS loadings and % variance rows, KMO/Bartlett/fit in the note, a factor
  /// correlation table (Φ) for oblique solutions, and two charts: the scree plot with the
  /// parallel-analysis line and the loadings heat map.
  public mutating func presentFactorAnalysis(_ results: [FactorAnalysisResult]) throws {
    for fa in results {
      try summary.append(fa, to: .factorAnalysis)
      let k = fa.factors
      let items = fa.loadings.keys
      let p = items.count
      // Sort items by main factor (largest |λ|), then by |λ| descending; stable otherwise.
      let main = fa.loadings.values.map { row -> (Int, Double) in
        var best = 0
        for j in row.indices where abs(row[j]) > abs(row[best]) { best = j }
        return (best, row.isEmpty ? 0 : abs(row[best]))
      }
      let order = items.indices.sorted { a, b in
        main[a].0 != main[b].0 ? main[a].0 < main[b].0 : (main[a].1 != main[b].1 ? main[a].1 > main[b].1 : a < b)
      }
      let factorNames = (1...max(k, 1)).map { "F\($0)" }
      var columns: [ReportTable.Column] = [.label("Item")]
      columns += factorNames.map { ReportTable.Column($0, csvName: "loading_" + $0.lowercased()) }
      columns += [.init("h²", csvName: "communality"), .init("u²", csvName: "uniqueness")]

      var notes: [String] = []
      notes.append(
        "\(methodName(fa.method.rawValue)) extraction with \(fa.rotation) rotation of \(fa.correlation.rawValue) correlations (\(fa.missing.rawValue) deletion), N = \(fa.n). Loadings below .30 in absolute value are omitted; h² = communality, u² = uniqueness."
      )
      if let pa = fa.parallelAnalysis {
        notes.append(
          "Parallel analysis (\(pa.iterations) simulated data sets, seed \(pa.seed), 95th percentile) suggested \(pa.factors) factor\(pa.factors == 1 ? "" : "s") and \(pa.components) component\(pa.components == 1 ? "" : "s"); \(k) extracted."
        )
      }
      var kmoLine = "KMO = \(Present.boundedText(fa.kmo.overall))"
      if let chi = fa.bartlett.chiSquare {
        kmoLine += "; Bartlett's test χ²(\(fa.bartlett.df)) = \(Present.numberText(chi)), \(Present.pText(fa.bartlett.p))"
      }
      notes.append(kmoLine + ".")
      notes.append(fitLine(fa.fit))
      if !fa.heywood.isEmpty { notes.append("Heywood case: \(fa.heywood.joined(separator: ", ")).") }
      if !fa.converged { notes.append("The extraction did not converge in \(fa.iterations) iterations.") }

      var table = ReportTable(
        id: Present.id("factor-loadings", fa.scale), title: "Factor Loadings of \(fa.scale)", notes: notes,
        columns: columns)
      for i in order {
        var cells: [TableCell] = [.text(items[i])]
        let row = fa.loadings.values[i]
        for j in 0..<k {
          let l = j < row.count ? row[j] : .nan
          cells.append(abs(l) < 0.30 ? .empty : Present.bounded(l))
        }
        cells.append(Present.bounded(fa.communalities.values[i]))
        cells.append(Present.bounded(fa.uniquenesses.values[i]))
        table.rows.append(.init(cells))
      }
      let ss = fa.varianceExplained
      table.rows.append(.init([.text("SS loadings")] + (0..<k).map { Present.number(element(ss, $0)) } + [.empty, .empty]))
      table.rows.append(
        .init(
          [.text("% variance")] + (0..<k).map { Present.number(element(ss, $0).map { 100 * $0 / Double(max(p, 1)) }, decimals: 1) }
            + [.empty, .empty]))
      tables.append(table)

      // Φ for oblique solutions with more than one factor.
      let isOblique = fa.phi.enumerated().contains { i, row in row.enumerated().contains { j, v in i != j && abs(v) > 1e-12 } }
      if k > 1 && isOblique {
        var phi = ReportTable(
          id: Present.id("factor-correlations", fa.scale), title: "Factor Correlations (Φ) of \(fa.scale)",
          notes: ["Correlations between the \(fa.rotation)-rotated factors."],
          columns: [.label("Factor")] + factorNames.map { ReportTable.Column($0, csvName: $0.lowercased()) })
        for (i, row) in fa.phi.enumerated() where i < k {
          phi.rows.append(.init([.text(factorNames[i])] + (0..<k).map { j in j <= i ? Present.bounded(j < row.count ? row[j] : .nan) : .empty }))
        }
        tables.append(phi)
      }

      // Charts: scree with the parallel-analysis line; loadings heat map.
      let simulated = fa.parallelAnalysis.map { $0.simulated95Component.isEmpty ? $0.simulated95Factor : $0.simulated95Component } ?? []
      var scree = LineChart.scree(title: "Scree Plot of \(fa.scale)", observed: fa.eigenvalues, simulated95: simulated)
      scree.series.removeAll { $0.points.isEmpty }  // no parallel analysis: observed only
      charts.append(.line(scree))
      charts.append(
        .heatMap(
          HeatMap(
            title: "Factor Loadings of \(fa.scale)", rowLabels: order.map { items[$0] }, columnLabels: Array(factorNames.prefix(k)),
            values: order.map { i in (0..<k).map { j in j < fa.loadings.values[i].count ? fa.loadings.values[i][j] : .nan } },
            range: -1...1, decimals: 2, leadingZero: false)))
    }
  }

  private func element(_ xs: [Double], _ i: Int) -> Double? { i < xs.count ? xs[i] : nil }

  private func methodName(_ m: String) -> String {
    switch m {
    case "minres": return "Minimum-residual"
    case "ml": return "Maximum-likelihood"
    case "pa": return "Principal-axis"
    case "pca": return "Principal-component"
    default: return m
    }
  }

  private func fitLine(_ f: FactorFit) -> String {
    var s = "Fit: χ²(\(f.df)) = \(Present.numberText(f.chiSquare)), \(Present.pText(f.p))"
    if let rmsea = f.rmsea {
      s += "; RMSEA = \(Present.boundedText(rmsea, decimals: 3))"
      if f.rmsea90.count == 2, let lo = f.rmsea90[0], let hi = f.rmsea90[1] {
        s += " [\(Present.boundedText(lo, decimals: 3)), \(Present.boundedText(hi, decimals: 3))]"
      }
    }
    if let tli = f.tli { s += "; TLI = \(Present.numberText(tli, decimals: 3))" }
    s += "; RMSR = \(Present.boundedText(f.rmsr, decimals: 3))"
    if let bic = f.bic { s += "; BIC = \(Present.numberText(bic))" }
    return s + "."
  }
}
