import Foundation
import CandorNumerics
import CandorPsychometrics

extension ReportDraft {
  /// Each group's result as a keyed JSON entry (an empty object when it cannot be encoded),
  /// in group order. Encoding ~1,500 group results through `Codable` was a third of the
  /// report's serial assembly at 1M rows; the groups are encoded in slices on the
  /// available cores (each slice's entries depend on its own groups only).
  static func groupedEntries(_ results: [GroupResult], cells: [CellKey]) -> [GroupedEntry] {
    let count = min(results.count, cells.count)
    @Sendable func entry(_ i: Int) -> GroupedEntry {
      let g = results[i]
      return GroupedEntry(cell: cells[i], name: g.group, n: g.suppressed ? 0 : g.n, statistics: g.jsonFields)
    }
    let slices = min(ProcessInfo.processInfo.activeProcessorCount, count / 128)
    if slices < 2 { return (0..<count).map(entry) }
    let parts = ChunkResults<[GroupedEntry]>(count: slices)
    DispatchQueue.concurrentPerform(iterations: slices) { s in
      parts.set(s, (count * s / slices..<count * (s + 1) / slices).map(entry))
    }
    return parts.values.flatMap { $0 ?? [] }
  }

  /// Adds `aggregation[]` entries through the confidentiality gate (`appendGrouped`, each
  /// group with its `CellKey`) and one table per entry: n, M [95 % CI], SD, rwg(j),
  /// % favourable and response rate per group, with the one-way ANOVA F, ICC(1), ICC(1) with
  /// k₀ and ICC(2) in the note. Every group row is keyed, so a suppressed group shows only its
  /// name and "suppressed (n < k)".
  public mutating func presentAggregation(_ results: [GroupedAggregation]) throws {
    for a in results {
      let r = a.result
      let groups = Self.groupedEntries(r.groupResults, cells: a.cells)
      // `rwgjMedian` is left out: with an odd number of groups it is one group's rwg(j),
      // possibly a suppressed group's (design.md §8: nothing computed within it).
      // The group list is written by the filter from `groups`: encode the table without it.
      var shell = r
      shell.groupResults = []
      var entry = try OrderedJSONEncoder().encode(shell)
      if case .object(let members) = entry { entry = .object(members.filter { $0.0 != "rwgjMedian" }) }
      try appendGrouped(entry, to: .aggregation, groupResults: groups)

      var notes: [String] = []
      notes.append(
        "One-way ANOVA of \(r.scale) across \(r.groups) \(a.level) groups (N = \(r.n)): F(\(r.dfBetween), \(r.dfWithin)) = \(Present.numberText(r.f)), \(Present.pText(r.p)); ICC(1) = \(Present.boundedText(r.icc1, decimals: 3)), ICC(1) with k₀ = \(Present.boundedText(r.icc1Adjusted, decimals: 3)), ICC(2) = \(Present.boundedText(r.icc2, decimals: 3)); mean group size \(Present.numberText(r.meanGroupSize, decimals: 1))."
      )
      if let mean = r.rwgjMean {
        notes.append(
          "rwg(j) against a uniform null: mean \(Present.boundedText(mean)), \(Present.numberText((r.rwgjAtLeast70 ?? .nan) * 100, decimals: 0)) % of groups ≥ .70."
        )
      }
      // Suppressed groups count in every whole-sample figure (design.md §8), the rwg(j)
      // summary included: say so, or the mean reads as one over the rows shown.
      let counted = r.rwgjMean == nil ? "N, F and the ICCs" : "N, F, the ICCs and the rwg(j) summary"
      notes.append("M with its t-based 95 % CI; % fav. = share of favourable item responses. Small groups, and the next smallest where one could be recovered by subtraction, are suppressed; they still count in \(counted).")
      let waveText = a.wave.map { ", \($0)" } ?? ""
      // Response rates only where headcounts were given for this level.
      let hasRates = r.groupResults.contains { !$0.suppressed && $0.responseRate != nil }
      var table = ReportTable(
        id: Present.id("aggregation", r.scale, a.level, a.wave ?? ""), title: "\(r.scale) by \(a.level)\(waveText)",
        notes: notes,
        columns: [
          .label(a.level.prefix(1).uppercased() + a.level.dropFirst(), csvName: "group"), .init("n"), .init("M", csvName: "mean"),
          .init("95% CI", csvName: "ci95"), .init("SD", csvName: "sd"), .init("rwg(j)", csvName: "rwgj"),
          .init("% fav.", csvName: "percent_favourable"),
        ] + (hasRates ? [.init("Response rate (%)", csvName: "response_rate_percent")] : []))
      for (g, cell) in zip(r.groupResults, a.cells) {
        if g.suppressed {
          table.rows.append(.init([.text(g.group)] + Array(repeating: TableCell.suppressed, count: hasRates ? 7 : 6), group: cell))
          continue
        }
        table.rows.append(
          .init(
            [
              .text(g.group), .integer(g.n), Present.number(g.mean), Present.interval(g.ci95), Present.number(g.sd),
              Present.bounded(g.rwgj), Present.percent(g.favourable),
            ] + (hasRates ? [Present.percent(g.responseRate)] : []), group: cell))
      }
      tables.append(table)
    }
  }

  /// Adds the group charts of `results`: group means with 95 % CIs (one bar chart per table),
  /// the group × scale heat map per level and wave, and the trust (or any scale) vs retention
  /// scatter sized by n. `isShown` says which cells the plan publishes; it is used only for
  /// colour-scale end points, which must not come from hidden groups. Every point carries
  /// its `CellKey`, so the filter removes hidden ones before anything is drawn.
  public mutating func presentAggregationCharts(_ results: [GroupedAggregation], isShown: (CellKey) -> Bool) {
    for a in results {
      let r = a.result
      let bars = zip(r.groupResults, a.cells).map { g, cell in
        BarChart.Bar(
          label: g.group, value: g.suppressed ? .nan : g.mean, lower: g.ci95?.first, upper: g.ci95?.last, cell: cell)
      }
      charts.append(
        .bar(BarChart(title: "Mean \(r.scale) by \(a.level)\(a.wave.map { ", \($0)" } ?? "") (95 % CI)", yLabel: r.scale, bars: bars)))
    }

    // Group × scale heat maps: one per (level, wave) with at least two scales.
    var keys: [String] = []
    var byKey: [String: [GroupedAggregation]] = [:]
    for a in results {
      let key = "\(a.level)|\(a.wave ?? "")"
      if byKey[key] == nil { keys.append(key) }
      byKey[key, default: []].append(a)
    }
    for key in keys {
      let tablesOfLevel = byKey[key]!
      let scales = uniqued(tablesOfLevel.map(\.result.scale))
      guard scales.count >= 2 else { continue }
      var rowKeys: [CellKey] = []
      var rowNames: [CellKey: String] = [:]
      for a in tablesOfLevel {
        for (g, cell) in zip(a.result.groupResults, a.cells) where rowNames[cell] == nil {
          rowKeys.append(cell)
          rowNames[cell] = cell.cut.map { "\(g.group) × \($0.category)" } ?? g.group
        }
      }
      var values = [[Double]](repeating: [Double](repeating: .nan, count: scales.count), count: rowKeys.count)
      var cells = [[CellKey?]](repeating: [CellKey?](repeating: nil, count: scales.count), count: rowKeys.count)
      var shown: [Double] = []
      for a in tablesOfLevel {
        guard let j = scales.firstIndex(of: a.result.scale) else { continue }
        for (g, cell) in zip(a.result.groupResults, a.cells) {
          guard let i = rowKeys.firstIndex(of: cell) else { continue }
          cells[i][j] = cell
          values[i][j] = g.suppressed ? .nan : g.mean
          if !g.suppressed && isShown(cell) && g.mean.isFinite { shown.append(g.mean) }
        }
      }
      // End points from shown groups only, widened to whole numbers (no hidden mean leaks).
      let lo = (shown.min() ?? 0).rounded(.down)
      var hi = (shown.max() ?? 1).rounded(.up)
      if hi <= lo { hi = lo + 1 }
      let level = tablesOfLevel[0].level
      let wave = tablesOfLevel[0].wave
      charts.append(
        .heatMap(
          HeatMap(
            title: "Scale Means by \(level)\(wave.map { ", \($0)" } ?? "")", rowLabels: rowKeys.map { rowNames[$0]! },
            columnLabels: scales, values: values, cells: cells, range: lo...hi, decimals: 2)))
    }

    // Scale vs retention by group: trust scales when there are any, else every scale with rates.
    let withRates = results.filter { a in a.result.groupResults.contains { $0.retentionRate != nil } }
    let trust = withRates.filter { $0.result.scale.lowercased().contains("trust") }
    for a in trust.isEmpty ? withRates : trust {
      let points = zip(a.result.groupResults, a.cells).compactMap { g, cell -> ScatterPlot.Point? in
        guard !g.suppressed, let rate = g.retentionRate, g.mean.isFinite else { return nil }
        return ScatterPlot.Point(label: g.group, x: g.mean, y: rate, size: g.n, cell: cell)
      }
      charts.append(
        .scatter(
          ScatterPlot(
            title: "\(a.result.scale) and Retention by \(a.level)\(a.wave.map { ", \($0)" } ?? "") (points sized by n)",
            xLabel: "Mean \(a.result.scale)", yLabel: "Share with the retention event", points: points)))
    }
  }

  /// Records the per-wave cells behind group wave rows whose n the draft does not know yet
  /// (call before planning suppression): a shown row gives n₁ and n₂ of its two waves; a row
  /// the wave table suppressed gives n = 0 for its earlier wave, so the plan treats the change
  /// as hidden and protects it against subtraction among its siblings.
  public mutating func recordWaveCells(_ rows: [GroupedWaveComparison]) {
    for w in rows {
      let from = CellKey(w.cell.groupPath, cut: w.cell.cut, wave: w.row.comparison.from)
      let to = CellKey(w.cell.groupPath, cut: w.cell.cut, wave: w.row.comparison.to)
      if w.row.suppressed {
        if cellCounts[from] == nil && cellCounts[to] == nil { record(from, n: 0) }
      } else {
        if cellCounts[from] == nil { record(from, n: w.row.comparison.n1) }
        if cellCounts[to] == nil { record(to, n: w.row.comparison.n2) }
      }
    }
  }

  /// Adds `waves[]` entries (whole-sample rows as entries; group rows gated under a
  /// `groupChanges` list per scale and wave pair, keyed by each group's `waveChange` cell),
  /// the wave-over-wave table (means, change with 95 % CI, p and p (BH), favourability change
  /// with its p, Feldt's p for α), and one trend chart per scale (whole sample from the rows'
  /// means, groups from per-wave aggregation tables or else from their rows, every group
  /// point keyed by its wave cell).
  public mutating func presentWaves(
    _ waves: [WaveComparison], groups: [GroupedWaveComparison] = [], aggregation: [GroupedAggregation] = []
  ) throws {
    guard !waves.isEmpty || !groups.isEmpty || aggregation.contains(where: { $0.wave != nil }) else { return }
    for w in waves { try summary.append(w, to: .waves) }
    struct Header: Encodable {
      var scale: String
      var from: String
      var to: String
    }
    var headerOrder: [String] = []
    var grouped: [String: [GroupedWaveComparison]] = [:]
    for w in groups {
      let c = w.row.comparison
      let k = "\(c.scale)|\(c.from)|\(c.to)"
      if grouped[k] == nil { headerOrder.append(k) }
      grouped[k, default: []].append(w)
    }
    for k in headerOrder {
      let list = grouped[k]!
      let first = list[0].row.comparison
      let entries = try list.map { w in
        // A row the wave table suppressed carries labels only; its key is hidden by the plan.
        try GroupedEntry(cell: w.cell.waveChange, name: w.row.group, n: 0, result: w.row)
      }
      try appendGrouped(Header(scale: first.scale, from: first.from, to: first.to), to: .waves, groupResults: entries, key: "groupChanges")
    }

    if !waves.isEmpty || !groups.isEmpty {
      var table = ReportTable(
        id: "waves", title: "Change Between Waves",
        notes: [
          "Change = later minus earlier mean with its 95 % CI and p (Welch's t, or paired t for linked respondents); p (BH) = Benjamini–Hochberg across the table; Δ fav. = change in percentage points of favourable responses (two-proportion z test); p (α) = Feldt's test of equal α in the two waves.",
          "A group's change is shown only when the group is shown in both waves, so a small team cannot be recovered from its change.",
        ],
        columns: [
          .label("Scale"), .label("Group"), .init("From", alignment: .left, csvName: "from"),
          .init("To", alignment: .left, csvName: "to"), .init("n₁", csvName: "n1"), .init("n₂", csvName: "n2"),
          .init("M₁", csvName: "mean1"), .init("M₂", csvName: "mean2"), .init("Change"), .init("95% CI", csvName: "ci95"),
          .init("p"), .init("p (BH)", csvName: "p_bh"), .init("Δ fav.", csvName: "favourable_change_points"),
          .init("p (fav.)", csvName: "favourable_p"), .init("p (α)", csvName: "alpha_difference_p"),
        ])
      func cells(_ c: WaveComparison) -> [TableCell] {
        [
          .text(c.from), .text(c.to), .integer(c.n1), .integer(c.n2), Present.number(c.mean1), Present.number(c.mean2),
          Present.number(c.change), Present.interval(c.ci95), Present.p(c.p), Present.p(c.pBH),
          Present.number(c.favourableChange.map { $0 * 100 }, decimals: 1), Present.p(c.favourableP),
          Present.p(c.alphaDifferenceP),
        ]
      }
      for c in waves {
        table.rows.append(.init([.text(c.scale), .text("All respondents")] + cells(c)))
      }
      for w in groups {
        let c = w.row.comparison
        if w.row.suppressed {
          table.rows.append(
            .init([.text(c.scale), .text(w.row.group)] + Array(repeating: TableCell.suppressed, count: 13), group: w.cell.waveChange))
        } else {
          table.rows.append(.init([.text(c.scale), .text(w.row.group)] + cells(c), group: w.cell.waveChange))
        }
      }
      tables.append(table)
    }

    // Trend charts.
    var waveLabels: [String] = []
    for w in waves { waveLabels += [w.from, w.to] }
    for w in groups { waveLabels += [w.row.comparison.from, w.row.comparison.to] }
    for a in aggregation { if let wave = a.wave { waveLabels.append(wave) } }
    waveLabels = uniqued(waveLabels)
    guard waveLabels.count >= 2 else { return }
    let scales = uniqued(
      waves.map(\.scale) + groups.map(\.row.comparison.scale) + aggregation.filter { $0.wave != nil }.map(\.result.scale))
    for scale in scales {
      var series: [LineChart.Series] = []
      var overall: [Double: Double] = [:]
      for w in waves where w.scale == scale {
        if w.mean1.isFinite, let i = waveLabels.firstIndex(of: w.from) { overall[Double(i + 1)] = w.mean1 }
        if w.mean2.isFinite, let i = waveLabels.firstIndex(of: w.to) { overall[Double(i + 1)] = w.mean2 }
      }
      if !overall.isEmpty {
        series.append(.init(name: "All respondents", points: overall.keys.sorted().map { LineChart.Point(x: $0, y: overall[$0]!) }))
      }
      var groupOrder: [CellKey] = []
      var groupPoints: [CellKey: (name: String, points: [Double: LineChart.Point])] = [:]
      func add(_ base: CellKey, _ name: String, wave: String, mean: Double) {
        guard mean.isFinite, let i = waveLabels.firstIndex(of: wave) else { return }
        if groupPoints[base] == nil {
          groupOrder.append(base)
          groupPoints[base] = (name, [:])
        }
        let x = Double(i + 1)
        if groupPoints[base]!.points[x] == nil {
          let cell = CellKey(base.groupPath, cut: base.cut, wave: wave)
          groupPoints[base]!.points[x] = LineChart.Point(x: x, y: mean, cell: cell)
        }
      }
      for a in aggregation where a.result.scale == scale {
        guard let wave = a.wave else { continue }
        for (g, cell) in zip(a.result.groupResults, a.cells) where !g.suppressed {
          add(cell.withoutWave, g.group, wave: wave, mean: g.mean)
        }
      }
      for w in groups where w.row.comparison.scale == scale && !w.row.suppressed {
        let c = w.row.comparison
        add(w.cell, w.row.group, wave: c.from, mean: c.mean1)
        add(w.cell, w.row.group, wave: c.to, mean: c.mean2)
      }
      for base in groupOrder {
        let (name, points) = groupPoints[base]!
        series.append(.init(name: name, points: points.keys.sorted().map { points[$0]! }))
      }
      guard !series.isEmpty else { continue }
      charts.append(
        .line(LineChart(title: "Trend of \(scale) Across Waves", xLabel: "Wave", yLabel: "Mean \(scale)", xTickLabels: waveLabels, series: series)))
    }
  }
}

func uniqued(_ xs: [String]) -> [String] {
  var seen = Set<String>()
  return xs.filter { seen.insert($0).inserted }
}

extension GroupResult {
  /// The JSON of ``GroupResult/encode(to:)`` through ``OrderedJSONEncoder`` (nil as null,
  /// which the encoder also writes for `encodeIfPresent`; a non-finite mean as null), built
  /// directly:
  /// the ~1,500 groups of a 1M-row demo run went through `Codable`'s containers, most of
  /// the report's serial assembly. A test holds the two equal.
  var jsonFields: JSONValue {
    var fields: [(String, JSONValue)] = [("group", .string(group))]
    if suppressed {
      fields.append(("suppressed", .bool(true)))
      return .object(fields)
    }
    func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
    fields.append(("n", .number(Double(n))))
    fields.append(("mean", mean.isFinite ? .number(mean) : .null))
    fields.append(("ci95", ci95.map { .array($0.map { .number($0) }) } ?? .null))
    fields.append(("sd", number(sd)))
    fields.append(("rwgj", number(rwgj)))
    fields.append(("favourable", number(favourable)))
    fields.append(("responseRate", number(responseRate)))
    fields.append(("neutral", number(neutral)))
    fields.append(("unfavourable", number(unfavourable)))
    fields.append(("headcount", number(headcount.map(Double.init))))
    fields.append(("retentionRate", number(retentionRate)))
    return .object(fields)
  }
}
