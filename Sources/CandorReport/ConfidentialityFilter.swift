/// Why a draft cannot be published.
public enum ConfidentialityError: Error, CustomStringConvertible, Equatable {
  /// A plain section entry carries `groupResults`: group results must be added with
  /// `ReportDraft.appendGrouped` so the filter can suppress them.
  case ungatedGroupResults(section: String)

  public var description: String {
    switch self {
    case .ungatedGroupResults(let section):
      return "an entry of '\(section)' has groupResults added with Summary.append; add it with ReportDraft.appendGrouped so small groups are suppressed"
    }
  }
}

/// One group's (or cut cell's) result before the filter.
public struct GroupedEntry: Sendable {
  public var cell: CellKey
  /// The name shown for the group (`"S01"`, `"teacher"`).
  public var name: String
  /// Respondents in the cell (decides suppression; published only when not suppressed).
  public var n: Int
  /// The result's JSON fields (an object); a `group` field, if any, is replaced by `name`.
  public var statistics: JSONValue

  public init(cell: CellKey, name: String, n: Int, statistics: JSONValue) {
    self.cell = cell
    self.name = name
    self.n = n
    self.statistics = statistics
  }

  /// A group result from any `Encodable` result value (encoded in declaration order).
  public init<T: Encodable>(cell: CellKey, name: String, n: Int, result: T) throws {
    self.init(cell: cell, name: name, n: n, statistics: try OrderedJSONEncoder().encode(result))
  }
}

/// Everything a run wants to publish, before the confidentiality filter.
///
/// Whole-sample results go into `summary` (`Summary.append`). Anything computed within a
/// group or cut cell goes in keyed: `appendGrouped` for JSON entries, `Row.group` /
/// `TableCell.guarded` for table cells, `cell:` on chart points. Renderers never see a draft:
/// `ConfidentialityFilter.publish(_:)` turns it into a `PublishableReport`.
public struct ReportDraft: Sendable {
  public var summary: Summary
  public var tables: [ReportTable] = []
  public var charts: [ChartSpec] = []
  /// Cells whose n is known but which are not otherwise listed (e.g. parent totals); the
  /// cells of grouped entries, table rows and charts need not be repeated here.
  public var cellCounts: [CellKey: Int] = [:]

  struct GatedEntry: Sendable {
    var section: Summary.Section
    var entry: JSONValue
    var key: String
    var groups: [GroupedEntry]
  }
  var grouped: [GatedEntry] = []

  public init(summary: Summary) {
    self.summary = summary
  }

  /// Appends a section entry that holds group results, e.g. an aggregation entry with
  /// `groupResults`. The filter writes the published group list under `key` (replacing any
  /// field of that name in `entry`, keeping its position) and, if `entry` has a numeric
  /// `suppressed` field, sets it to the number of suppressed groups.
  public mutating func appendGrouped<T: Encodable>(
    _ entry: T, to section: Summary.Section, groupResults: [GroupedEntry], key: String = "groupResults"
  ) throws {
    let json = try (entry as? JSONValue) ?? OrderedJSONEncoder().encode(entry)
    grouped.append(GatedEntry(section: section, entry: json, key: key, groups: groupResults))
    for g in groupResults where !g.cell.isWaveChange { cellCounts[g.cell] = g.n }
  }

  /// Records the n of a cell that is published somewhere (totals, table rows, chart points).
  /// Wave-change keys are ignored: a change is hidden or shown according to its waves.
  public mutating func record(_ cell: CellKey, n: Int) {
    if !cell.isWaveChange { cellCounts[cell] = n }
  }
}

/// The single gate between results and renderers (design.md §8).
///
/// `publish` plans suppression over every recorded cell (`SuppressionPlanner`), then replaces
/// each suppressed group result by `{"group": name, "suppressed": true}`, each suppressed table
/// row or cell by `suppressed`, and removes suppressed chart points. Only this type can make a
/// `PublishableReport`, and the renderers accept nothing else.
public enum ConfidentialityFilter {
  /// Filters `draft` with threshold `minGroupSize` (design default 5).
  public static func publish(_ draft: ReportDraft, minGroupSize: Int = 5) throws -> PublishableReport {
    let plan = SuppressionPlanner(minGroupSize: minGroupSize).plan(counts: draft.cellCounts)
    return try publish(draft, plan: plan)
  }

  /// Filters `draft` with a plan made beforehand (it must cover every keyed cell; cells the
  /// plan does not know are treated by the threshold alone when their n is recorded, and
  /// suppressed when it is not — unknown cells are never published).
  public static func publish(_ draft: ReportDraft, plan: SuppressionPlan) throws -> PublishableReport {
    // The test reads the counts only, not the draft: a closure over the whole draft copied
    // it (a retain of every table and chart) each time it was passed on, per table cell.
    let counts = draft.cellCounts
    let hidden = { (cell: CellKey) -> Bool in
      if plan.isSuppressed(cell) { return true }
      if cell.isWaveChange { return false }  // known and not suppressed (isSuppressed covers unknown)
      guard let n = counts[cell] else { return true }
      return n < plan.minGroupSize
    }

    // Group results must come through `appendGrouped`, never as plain section entries.
    for (section, entries) in draft.summary.sections {
      for entry in entries where entry["groupResults"] != nil {
        throw ConfidentialityError.ungatedGroupResults(section: section.rawValue)
      }
    }

    // JSON.
    var summary = draft.summary
    for g in draft.grouped {
      var published: [JSONValue] = []
      var suppressedCount = 0
      for result in g.groups {
        if hidden(result.cell) {
          suppressedCount += 1
          published.append(.object([("group", .string(result.name)), ("suppressed", .bool(true))]))
        } else {
          var members: [(String, JSONValue)] = [("group", .string(result.name))]
          members += (result.statistics.objectValue ?? [("value", result.statistics)]).filter { $0.0 != "group" }
          published.append(.object(members))
        }
      }
      var entry = g.entry.setting(g.key, to: .array(published))
      if entry["suppressed"]?.doubleValue != nil {
        entry = entry.setting("suppressed", to: .number(Double(suppressedCount)))
      }
      summary.append(entry, to: g.section)
    }
    let document = try summary.json()

    // Tables.
    let tables = draft.tables.map { table -> PublishedTable in
      var t = table
      t.rows = table.rows.map { row in
        var r = row
        let rowHidden = row.group.map(hidden) ?? false
        r.cells = row.cells.enumerated().map { (j, cell) in
          let isLabel = j < table.columns.count && table.columns[j].isLabel
          if rowHidden && !isLabel { return .suppressed }
          return resolve(cell, hidden)
        }
        r.group = nil
        return r
      }
      return PublishedTable(table: t, minGroupSize: plan.minGroupSize)
    }

    // Charts.
    let charts = draft.charts.map { PublishedChart(spec: filter($0, hidden)) }
    return PublishableReport(summary: document, tables: tables, charts: charts, plan: plan)
  }

  private static func resolve(_ cell: TableCell, _ hidden: (CellKey) -> Bool) -> TableCell {
    if case .guarded(let key, let inner) = cell {
      return hidden(key) ? .suppressed : resolve(inner, hidden)
    }
    return cell
  }

  private static func filter(_ spec: ChartSpec, _ hidden: (CellKey) -> Bool) -> ChartSpec {
    switch spec {
    case .bar(var c):
      for i in c.bars.indices where c.bars[i].cell.map(hidden) == true {
        c.bars[i].isSuppressed = true
        c.bars[i].value = .nan
        c.bars[i].lower = nil
        c.bars[i].upper = nil
      }
      return .bar(c)
    case .line(var c):
      for i in c.series.indices {
        c.series[i].points.removeAll { $0.cell.map(hidden) == true }
      }
      // A group series with every point hidden is dropped (its legend entry would be empty).
      c.series.removeAll { $0.points.isEmpty }
      return .line(c)
    case .heatMap(var c):
      if let cells = c.cells {
        var mask = c.values.map { $0.map { _ in false } }
        for i in cells.indices where i < mask.count {
          for j in cells[i].indices where j < mask[i].count {
            if let key = cells[i][j], hidden(key) {
              mask[i][j] = true
              c.values[i][j] = .nan
            }
          }
        }
        c.suppressedMask = mask
      }
      return .heatMap(c)
    case .scatter(var c):
      let removed = c.points.filter { $0.cell.map(hidden) == true }
      c.points.removeAll { $0.cell.map(hidden) == true }
      c.suppressedLabels = removed.map(\.label)
      return .scatter(c)
    case .circle:
      return spec
    }
  }
}

/// A table that has passed the confidentiality filter.
public struct PublishedTable: Sendable {
  public let table: ReportTable
  /// The threshold in force, for the "suppressed (n < k)" text.
  public let minGroupSize: Int

  init(table: ReportTable, minGroupSize: Int) {
    self.table = table
    self.minGroupSize = minGroupSize
  }

  /// Text for a suppressed row or cell.
  public var suppressedText: String { "suppressed (n < \(minGroupSize))" }
}

/// A chart that has passed the confidentiality filter.
public struct PublishedChart: Sendable {
  public let spec: ChartSpec

  init(spec: ChartSpec) { self.spec = spec }

  /// The chart as an `<svg>` element (see `SVGChart`).
  public func svg() -> String { SVGChart.render(spec) }
}

/// Results that may be rendered: made only by `ConfidentialityFilter.publish`.
public struct PublishableReport: Sendable {
  /// The filtered `summary.json` document.
  public let summary: JSONValue
  public let tables: [PublishedTable]
  public let charts: [PublishedChart]
  /// The suppression decisions (for method notes and tests).
  public let plan: SuppressionPlan

  init(summary: JSONValue, tables: [PublishedTable], charts: [PublishedChart], plan: SuppressionPlan) {
    self.summary = summary
    self.tables = tables
    self.charts = charts
    self.plan = plan
  }
}
