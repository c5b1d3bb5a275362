import CandorPsychometrics
@testable import CandorReport
import Foundation
import Testing
import _CandorTestSupport

/// RFC 4180 parser for the tests (quoted fields, doubled quotes, CRLF).
func parseCSV(_ text: String) -> [[String]] {
  var rows: [[String]] = []
  var row: [String] = []
  var field = ""
  var quoted = false
  var chars = Array(text)
  var i = 0
  while i < chars.count {
    let c = chars[i]
    if quoted {
      if c == "\"" {
        if i + 1 < chars.count && chars[i + 1] == "\"" {
          field.append("\"")
          i += 1
        } else {
          quoted = false
        }
      } else {
        field.append(c)
      }
    } else if c == "\"" {
      quoted = true
    } else if c == "," {
      row.append(field)
      field = ""
    } else if c == "\r\n" || c == "\n" {
      row.append(field)
      rows.append(row)
      row = []
      field = ""
    } else {
      field.append(c)
    }
    i += 1
  }
  if !field.isEmpty || !row.isEmpty {
    row.append(field)
    rows.append(row)
  }
  chars.removeAll()
  return rows
}

/// The numbers written in `text` (`-1.5`, `.82`, `3e-05`), as tokens.
func numberTokens(_ text: String) -> [String] {
  var out: [String] = []
  var current = ""
  func flush() {
    var t = current
    while t.hasSuffix(".") || t.hasSuffix("-") || t.hasSuffix("e") { t.removeLast() }
    if t.contains(where: \.isNumber) { out.append(t) }
    current = ""
  }
  for ch in text {
    if ch.isASCII && (ch.isNumber || ch == "." || ch == "-" || (ch == "e" && !current.isEmpty && current.last!.isNumber)) {
      if ch == "-" && !current.isEmpty { flush() }
      current.append(ch)
    } else {
      flush()
    }
  }
  flush()
  return out
}

/// `html` without its tags (the text between them).
func withoutTags(_ html: String) -> String {
  var out = ""
  var inTag = false
  for ch in html {
    if ch == "<" { inTag = true; out.append(" ") } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
  }
  return out
}

@Suite struct ReportAssemblerTests {
  static let schemaURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("schema/summary-v1.json")

  /// Assembles every format into a fresh temporary directory; returns it with the files' texts.
  static func assembleAll() throws -> (dir: URL, files: [String: String], stdout: String, report: AssembledReport) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-present-\(UUID().uuidString)")
    let assembler = ReportAssembler(
      header: PresentationFixture.header(), results: try PresentationFixture.results(),
      minGroupSize: PresentationFixture.minGroupSize)
    let stdout = try assembler.write(formats: Set(ReportFormat.allCases), to: dir.path)
    var files: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
      files[name] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }
    return (dir, files, stdout, try assembler.publish())
  }

  @Test func writesEveryFormatAndSummaryValidatesAgainstTheSchema() throws {
    let (dir, files, stdout, report) = try Self.assembleAll()
    defer { try? FileManager.default.removeItem(at: dir) }
    // CANDOR_REPORT_DUMP=DIR keeps a copy of the fixture's outputs for review.
    if let keep = ProcessInfo.processInfo.environment["CANDOR_REPORT_DUMP"] {
      try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
      for (name, text) in files { try text.write(toFile: keep + "/" + name, atomically: true, encoding: .utf8) }
      try stdout.write(toFile: keep + "/stdout.txt", atomically: true, encoding: .utf8)
    }
    #expect(files["summary.json"] != nil)
    #expect(files["report.md"] != nil)
    #expect(files["report.html"] != nil)
    // One CSV per table, named by the table id; no staging folder left.
    let csvNames = Set(files.keys.filter { $0.hasSuffix(".csv") })
    #expect(csvNames == Set(report.report.tables.map { "\($0.table.id).csv" }))
    #expect(csvNames.count == report.report.tables.count)
    #expect(!files.keys.contains { $0.hasPrefix(".candor-staging") })
    #expect(stdout.hasPrefix("Candor Survey Report\n"))

    let validator = try SchemaValidator(schemaText: String(contentsOf: Self.schemaURL, encoding: .utf8))
    let doc = try JSONValue.parse(files["summary.json"]!)
    #expect(validator.validate(doc).map(\.description) == [])
    // Every section of the fixture is present, in §7 order, with its entries.
    #expect(doc.keys == [
      "candor", "provenance", "input", "warnings", "reliability", "factorAnalysis", "values", "correlations",
      "retention", "aggregation", "drivers", "waves",
    ])
    #expect(doc["reliability"]?.arrayValue?.count == 2)
    #expect(doc["aggregation"]?.arrayValue?.count == 4)
    #expect(doc["correlations"]?[1]?["pHolm"]?.doubleValue == PresentationFixture.correlations()[1].pHolm)
    // Warnings: the header's, then the results' own.
    #expect(doc["warnings"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["low-response-rate", "negative-item-rest"])
    // The filter counted suppressed groups: S02 below 5, S03 as its complement.
    let pooledTrust = doc["aggregation"]![1]!
    #expect(pooledTrust["suppressed"]?.doubleValue == 2)
    #expect(pooledTrust["groupResults"]?.arrayValue?.map { $0["suppressed"]?.boolValue ?? false } == [false, true, true, false])
    // Values circle: MDS entry with ten coordinates; factor analysis: loadings keyed by item.
    #expect(doc["values"]?[0]?["mds"]?["coordinates"]?.keys.count == 10)
    #expect(doc["values"]?[0]?["valueScores"]?.keys.first == "self_direction")
    #expect(doc["factorAnalysis"]?[0]?["loadings"]?.keys == ["cl1", "cl2", "cl3", "cl4", "cl5", "cl6"])
    // Waves: the whole-sample change, then the gated group list: only S04 is shown in both waves.
    let waves = doc["waves"]!.arrayValue!
    #expect(waves.count == 2)
    let changes = try #require(waves[1]["groupChanges"]?.arrayValue)
    #expect(changes.map { $0["group"]?.stringValue } == ["S01", "S02", "S03", "S04"])
    for change in changes.prefix(3) { #expect(change.keys == ["group", "suppressed"]) }
    #expect(changes[3]["change"]?.doubleValue == PresentationFixture.waveSplit(PresentationFixture.trust).1[3].reduce(0, +) / 10
      - PresentationFixture.waveSplit(PresentationFixture.trust).0[3].reduce(0, +) / 10)
  }

  @Test func htmlHasEveryChartInlineAndNoNetworkReference() throws {
    let (dir, files, _, report) = try Self.assembleAll()
    defer { try? FileManager.default.removeItem(at: dir) }
    let html = files["report.html"]!
    let svgCount = html.components(separatedBy: "<svg ").count - 1
    #expect(svgCount == report.report.charts.count)
    // Scree, loadings heat map, value circle, 4 group-mean bars, the group × scale heat map
    // (pooled: the waves have one scale), trust vs retention, the trust trend.
    let titles = report.report.charts.map(\.spec.title)
    #expect(titles.contains("Scree Plot of climate"))
    #expect(titles.contains("Factor Loadings of climate"))
    #expect(titles.contains("Value Circle of pvq21 (MDS)"))
    #expect(titles.contains("Scale Means by school"))
    #expect(titles.contains("Mean trust by school (95 % CI)"))
    #expect(titles.contains("trust and Retention by school (points sized by n)"))
    #expect(titles.contains("Trend of trust Across Waves"))
    #expect(report.report.charts.count == 10)
    #expect(titles.last == "Trend of trust Across Waves")
    // The trend keeps the whole sample and the shown schools; S02 and S03 lose every point.
    if case .line(let trend) = report.report.charts.last!.spec {
      #expect(trend.series.map(\.name) == ["All respondents", "S03", "S04"])
      #expect(trend.series.map(\.points.count) == [2, 1, 2])
      #expect(trend.xTickLabels == ["2026Q2", "2026Q3"])
    } else {
      Issue.record("the last chart is not the trend line")
    }
    // Group means: S02 and S03 drawn as suppressed gaps; the scatter lists them as suppressed.
    for chart in report.report.charts {
      if case .bar(let bars) = chart.spec {
        // Waves: S01 is hidden in 2026Q3 as S02's complement, and then in 2026Q2 too, or its
        // 2026Q3 n and mean would follow from the pooled S01 minus 2026Q2.
        let expected =
          bars.title.contains("2026Q3") ? [true, true, false, false]
          : bars.title.contains("2026Q2") ? [true, true, true, false] : [false, true, true, false]
        #expect(bars.bars.map(\.isSuppressed) == expected, "\(bars.title)")
      }
      if case .scatter(let scatter) = chart.spec {
        #expect(scatter.points.map(\.label) == ["S01", "S04"])
        #expect(scatter.suppressedLabels == ["S02", "S03"])
      }
    }
    for title in titles { #expect(html.contains("aria-label=\"\(title.replacingOccurrences(of: "&", with: "&amp;"))\"")) }
    // Every chart is well-formed SVG.
    for chart in report.report.charts {
      let counter = try ElementCounter.count(chart.svg())
      #expect(counter.names["svg"] == 1, "\(chart.spec.title)")
    }
    // Self-contained: no scripts, external styles, fonts, images or URLs.
    for banned in ["<script", "<link", "<img", "@import", "url(", "src=", "href=", "http:", "https:", "//"] {
      #expect(!html.contains(banned), "report.html contains \(banned)")
    }
    // Every table is in the HTML, numbered.
    #expect(html.components(separatedBy: "class=\"table-number\"").count - 1 == report.report.tables.count)
    #expect(html.contains("Table \(report.report.tables.count)</p>"))
    // Provenance: the file, its size and hash, the exclusions.
    #expect(html.contains("district.csv: 123.5 KB (123456 bytes), SHA-256 \(String(repeating: "0f", count: 32))"))
    #expect(html.contains("60 read, 43 used, 17 excluded (survey preview: 2; unfinished: 15)"))
  }

  @Test func suppressedGroupsNumbersAppearNowhere() throws {
    let (dir, files, stdout, report) = try Self.assembleAll()
    defer { try? FileManager.default.removeItem(at: dir) }
    let results = try PresentationFixture.results()
    let plan = report.report.plan
    #expect(plan.isSuppressed(CellKey(["S02"])))
    #expect(plan.isSuppressed(CellKey(["S03"])))
    #expect(!plan.isSuppressed(CellKey(["S01"])))
    #expect(plan.isChangeSuppressed(CellKey(["S02"])))
    // The team of 4 that becomes 6: shown in 2026Q3, its change hidden.
    #expect(plan.isSuppressed(CellKey(["S03"], wave: "2026Q2")))
    #expect(!plan.isSuppressed(CellKey(["S03"], wave: "2026Q3")))
    #expect(plan.isChangeSuppressed(CellKey(["S03"])))
    // S02 alone is small in 2026Q3: S01 (5) goes with it, then S01 in 2026Q2 (pooled S01 is
    // shown), and S01's change.
    #expect(plan.isSuppressed(CellKey(["S01"], wave: "2026Q3")))
    #expect(plan.isSuppressed(CellKey(["S01"], wave: "2026Q2")))
    #expect(plan.isChangeSuppressed(CellKey(["S01"])))
    #expect(!plan.isChangeSuppressed(CellKey(["S04"])))

    // 1. Every statistic computed within a hidden cell, at full precision, is absent (only
    //    values with at least four decimals: short ones such as 0.2 occur by coincidence).
    var forbidden: Set<String> = []
    for a in results.aggregation {
      for (g, cell) in zip(a.result.groupResults, a.cells) where plan.isSuppressed(cell) {
        var numbers = [g.mean] + (g.ci95 ?? [])
        numbers += [g.sd, g.rwgj, g.favourable, g.responseRate, g.retentionRate].compactMap { $0 }
        for x in numbers { forbidden.insert(JSONValue.numberText(x)) }
      }
    }
    // S01's wave row passed the wave table's own rule (7 → 5) but the plan hides it.
    let hiddenRows = results.groupWaves.filter { plan.isChangeSuppressed($0.cell) && !$0.row.suppressed }
    #expect(hiddenRows.map(\.row.group) == ["S01"])
    for w in hiddenRows {
      let c = w.row.comparison
      for x in [c.change, c.mean1, c.mean2, c.t, c.df, c.p] + c.ci95 { forbidden.insert(JSONValue.numberText(x)) }
    }
    forbidden = forbidden.filter { ($0.split(separator: ".").last?.count ?? 0) >= 4 }
    #expect(forbidden.count > 40)
    var outputs = files
    outputs["stdout"] = stdout
    for (name, text) in outputs {
      for s in forbidden.intersection(numberTokens(text)).sorted() {
        Issue.record("\(name) contains \(s), a statistic of a suppressed group")
      }
    }
    // 2. Every output is byte-identical when the hidden groups' statistics are changed (their
    //    n stays, since it decides suppression): nothing rendered depends on them, rounded or not.
    var altered = results
    for k in altered.aggregation.indices {
      let cells = altered.aggregation[k].cells
      for i in cells.indices where plan.isSuppressed(cells[i]) {
        var g = altered.aggregation[k].result.groupResults[i]
        g.mean += 0.777
        g.ci95 = g.ci95.map { $0.map { $0 + 0.5 } }
        g.sd = g.sd.map { $0 * 1.7 }
        g.rwgj = g.rwgj.map { $0 / 2 }
        g.favourable = g.favourable.map { $0 / 3 }
        g.responseRate = g.responseRate.map { $0 / 4 }
        g.retentionRate = g.retentionRate.map { 1 - $0 }
        altered.aggregation[k].result.groupResults[i] = g
      }
    }
    for k in altered.groupWaves.indices where plan.isChangeSuppressed(altered.groupWaves[k].cell) {
      altered.groupWaves[k].row.comparison.change -= 1.234
      altered.groupWaves[k].row.comparison.ci95 = altered.groupWaves[k].row.comparison.ci95.map { $0 - 1.234 }
      altered.groupWaves[k].row.comparison.mean1 += 0.5
      altered.groupWaves[k].row.comparison.p /= 7  // must not move the others' p (BH)
      altered.groupWaves[k].row.comparison.pBH /= 7
    }
    let dir2 = FileManager.default.temporaryDirectory.appendingPathComponent("candor-present-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir2) }
    let stdout2 = try ReportAssembler(
      header: PresentationFixture.header(), results: altered, minGroupSize: PresentationFixture.minGroupSize
    ).write(formats: Set(ReportFormat.allCases), to: dir2.path)
    #expect(stdout2 == stdout)
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir2.path)) == Set(files.keys))
    for (name, text) in files {
      let other = try String(contentsOf: dir2.appendingPathComponent(name), encoding: .utf8)
      #expect(other == text, "\(name) changes with a suppressed group's statistics")
    }
    // Control: the same change to a shown group does change the report.
    var control = results
    control.aggregation[1].result.groupResults[0].mean += 0.777
    let controlMarkdown = try ReportAssembler(
      header: PresentationFixture.header(), results: control, minGroupSize: PresentationFixture.minGroupSize
    ).publish().markdown()
    #expect(controlMarkdown != files["report.md"])
    // The check itself sees numbers: shown groups' means are there.
    let shownMean = results.aggregation[1].result.groupResults[0].mean
    #expect(numberTokens(outputs["summary.json"]!).contains(JSONValue.numberText(shownMean)))
    #expect(numberTokens(outputs["report.md"]!).contains(CellFormat.number(shownMean, decimals: 2)))

    // No n either: the suppressed JSON entries hold the name only, and their CSV rows are empty.
    let doc = try JSONValue.parse(files["summary.json"]!)
    for entry in doc["aggregation"]!.arrayValue! {
      for g in entry["groupResults"]!.arrayValue! where g["suppressed"]?.boolValue == true {
        #expect(g.keys == ["group", "suppressed"])
      }
    }
    let csv = parseCSV(files["aggregation-trust-school.csv"]!)
    #expect(csv[0] == [
      "group", "n", "mean", "ci95_lower", "ci95_upper", "sd", "rwgj", "percent_favourable", "response_rate_percent", "suppressed",
    ])
    #expect(csv[2] == ["S02", "", "", "", "", "", "", "", "", "true"])
    #expect(csv[3] == ["S03", "", "", "", "", "", "", "", "", "true"])
    #expect(csv[1][1] == "12")
    // Text renderings say why.
    #expect(files["report.md"]!.contains("| S02 | suppressed (n < 5) |"))
    #expect(stdout.contains("S02     suppressed (n < 5)"))
  }

  @Test func markdownTablesAreNumberedAndCSVParsesBack() throws {
    let (dir, files, _, report) = try Self.assembleAll()
    defer { try? FileManager.default.removeItem(at: dir) }
    let md = files["report.md"]!
    let count = report.report.tables.count
    #expect(count == 14)
    var last = md.startIndex
    for k in 1...count {
      let marker = "**Table \(k)**"
      guard let r = md.range(of: marker, range: last..<md.endIndex) else {
        Issue.record("\(marker) missing or out of order")
        return
      }
      last = r.upperBound
    }
    #expect(!md.contains("**Table \(count + 1)**"))
    #expect(md.hasPrefix("# Candor Survey Report\n\n## Input and provenance\n"))
    #expect(md.contains("## Warnings\n\n- [low-response-rate]"))

    // Every CSV is rectangular and its numbers round-trip at full precision.
    for t in report.report.tables {
      let rows = parseCSV(files["\(t.table.id).csv"]!)
      #expect(rows.count == t.table.rows.count + 1, "\(t.table.id)")
      #expect(Set(rows.map(\.count)).count == 1, "\(t.table.id) is not rectangular")
    }
    let results = try PresentationFixture.results()
    let reliability = parseCSV(files["reliability.csv"]!)
    #expect(reliability[0] == ["scale", "items", "n_min", "mean", "sd", "alpha", "alpha_ci95_lower", "alpha_ci95_upper", "omega"])
    #expect(reliability[1][0] == "psych_safety")
    #expect(Double(reliability[1][3]) == results.scaleDescriptives[0].mean)
    #expect(Double(reliability[2][5]) == results.reliability[1].alpha.raw)
    #expect(Double(reliability[2][7]) == results.reliability[1].alpha.feldt95[1])
    let correlations = parseCSV(files["correlations.csv"]!)
    #expect(correlations[0] == ["x", "y", "n", "r", "ci95_lower", "ci95_upper", "p", "p_holm", "p_bh"])
    #expect(Double(correlations[3][8]) == results.correlations[2].pBH)
    // Loadings CSV: |λ| < .30 blank, the rest at full precision; items sorted by main factor.
    let fa = results.factorAnalysis[0]
    let loadings = parseCSV(files["factor-loadings-climate.csv"]!)
    #expect(loadings.dropFirst().prefix(6).map { $0[0] } == ["cl1", "cl2", "cl3", "cl4", "cl5", "cl6"])
    // (Recomputed: OpenBLAS's thread count, which tests running alongside may change, can
    // move the last bit of a factor analysis, so this compares at 1e-12.)
    #expect(isClose(Double(loadings[1][1])!, fa.loadings["cl1"]![0], absolute: 0, relative: 1e-12))
    #expect(loadings[1][2] == "")
  }

  @Test func tableFormatWithoutDirectoryPrintsOnly() throws {
    let assembler = ReportAssembler(
      header: PresentationFixture.header(), results: try PresentationFixture.results(),
      minGroupSize: PresentationFixture.minGroupSize)
    let out = try assembler.write(formats: [.table], to: nil)
    #expect(out == (try assembler.publish()).terminalText())
    // Scale summary first; detail tables left to the files.
    let reliability = try #require(out.range(of: "Reliability and Descriptive Statistics of the Scales"))
    let correlations = try #require(out.range(of: "Correlations of Scale Scores and Intent to Stay"))
    #expect(reliability.lowerBound < correlations.lowerBound)
    #expect(!out.contains("Item Statistics of"))
    #expect(out.contains("3 more tables (item statistics, factor correlations)"))
  }

  @Test func withoutDirectoryTextFormatsPrintAndFileFormatsAreRefused() throws {
    let assembler = ReportAssembler(
      header: PresentationFixture.header(), results: try PresentationFixture.results(),
      minGroupSize: PresentationFixture.minGroupSize)
    let assembled = try assembler.publish()
    #expect(try assembler.write(formats: [], to: nil) == assembled.terminalText())
    let json = try assembler.write(formats: [.json], to: nil)
    #expect(json == assembled.report.jsonText())
    #expect(try JSONValue.parse(json)["candor"]?["schema"]?.doubleValue == 1)
    #expect(try assembler.write(formats: [.table, .markdown], to: nil) == assembled.terminalText() + "\n" + assembled.markdown())
    #expect(throws: ReportError.needsOutputDirectory(.csv)) { try assembler.write(formats: [.table, .csv], to: nil) }
    #expect(throws: ReportError.needsOutputDirectory(.html)) { try assembler.write(formats: [.html], to: nil) }
    #expect(ReportError.needsOutputDirectory(.html).description.contains("--output DIR"))
  }

  @Test func nonTableFormatsReturnTheListOfFiles() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-present-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let assembler = ReportAssembler(
      header: PresentationFixture.header(), results: try PresentationFixture.results(),
      minGroupSize: PresentationFixture.minGroupSize)
    let out = try assembler.write(formats: [.json, .markdown], to: dir.path)
    #expect(out == "Wrote 2 files to \(dir.path): summary.json, report.md\n")
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["summary.json", "report.md"])
  }

  @Test func longGroupTablesAreShortenedOnTheTerminalOnly() throws {
    // 30 schools of 6: every one shown.
    let names = (1...30).map { String(format: "S%02d", $0) }
    var m = GroupMoments(groups: names.count)
    for g in names.indices { for i in 0..<6 { m.add(2 + Double(g) / 10 + Double(i) / 7, group: Int32(g)) } }
    let result = Aggregation.analyze(scale: "trust", by: "school_id", groupNames: names, scores: m)
    let results = AnalysisResults(aggregation: [GroupedAggregation(result: result, level: "school", paths: names.map { [$0] })])
    let assembled = try ReportAssembler(header: PresentationFixture.header(), results: results, minGroupSize: 5).publish()
    let terminal = assembled.terminalText()
    #expect(terminal.contains("S25 "))
    #expect(!terminal.contains("S26 "))
    #expect(terminal.contains("Note. 5 more groups in report.md, report.html and aggregation-trust-school.csv."))
    let markdown = assembled.markdown()
    #expect(markdown.contains("| S30 | 6 |"))
    // The group-mean chart slants its 30 labels; at 100 groups the canvas widens.
    let bars = try #require(assembled.report.charts.first { $0.spec.title.hasPrefix("Mean trust") })
    #expect(bars.svg().components(separatedBy: "rotate(-60 ").count - 1 == 30)
    let wide = SVGChart.bar(BarChart(title: "t", yLabel: "M", bars: (1...100).map { .init(label: "G\($0)", value: Double($0)) }))
    #expect(wide.contains("viewBox=\"0 0 1488.00 360.00\""))
    // The median rwg(j) (one group's value for an odd count) is never published.
    #expect(assembled.report.summary["aggregation"]?[0]?["rwgjMedian"] == nil)
    #expect(assembled.report.summary["aggregation"]?[0]?["icc1"] != nil)
  }

  @Test func groupedAggregationCellsFromPipelinePaths() throws {
    let a = PresentationFixture.aggregation("trust", PresentationFixture.trust, retention: nil, wave: nil).result
    let level = GroupedAggregation(result: a, level: "school", paths: [["North", "S01"], ["North", "S02"], ["South", "S03"], ["South", "S04"]], wave: "w1")
    #expect(level.cells == [
      CellKey(["North", "S01"], wave: "w1"), CellKey(["North", "S02"], wave: "w1"),
      CellKey(["South", "S03"], wave: "w1"), CellKey(["South", "S04"], wave: "w1"),
    ])
    #expect(level.wave == "w1")
    let cut = GroupedAggregation(result: a, level: "role", paths: [["teacher"], ["aide"], ["North", "teacher"], ["North", "aide"]], isCut: true)
    #expect(cut.cells == [
      CellKey(cut: CutCategory("role", "teacher")), CellKey(cut: CutCategory("role", "aide")),
      CellKey(["North"], cut: CutCategory("role", "teacher")), CellKey(["North"], cut: CutCategory("role", "aide")),
    ])
    #expect(cut.wave == nil)
  }

  @Test func rawSummaryAppendOfGroupResultsIsRefused() throws {
    // Aggregation entries carry groupResults: added with Summary.append they would bypass the
    // filter, so publishing refuses.
    let results = try PresentationFixture.results()
    var draft = ReportDraft(summary: PresentationFixture.header())
    try draft.summary.append(results.aggregation[0].result, to: .aggregation)
    #expect(throws: ConfidentialityError.ungatedGroupResults(section: "aggregation")) {
      try ConfidentialityFilter.publish(draft, minGroupSize: 5)
    }
  }
}

/// Golden files of the Markdown and terminal renderings (Tests/CandorReportTests/Snapshots/).
/// Recorded only with RECORD_SNAPSHOTS=1, and recording fails the test.
@Suite struct ReportSnapshotTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Snapshots")

  func assertSnapshot(_ text: String, named name: String) throws {
    let url = Self.directory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
      Issue.record("Recorded new baseline \(name); run again without RECORD_SNAPSHOTS to check it.")
      return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
      Issue.record("No snapshot \(name): run with RECORD_SNAPSHOTS=1 to record it, then review it.")
      return
    }
    if text != expected {
      let a = text.split(separator: "\n", omittingEmptySubsequences: false)
      let b = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let i = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
      Issue.record(
        "\(name) differs from its snapshot at line \(i + 1):\n  got:      \(i < a.count ? String(a[i]) : "<end>")\n  expected: \(i < b.count ? String(b[i]) : "<end>")")
    }
  }

  func assembled() throws -> AssembledReport {
    try ReportAssembler(
      header: PresentationFixture.header(), results: try PresentationFixture.results(),
      minGroupSize: PresentationFixture.minGroupSize
    ).publish()
  }

  @Test func markdownReport() throws {
    try assertSnapshot(try assembled().markdown(), named: "markdownReport.md")
  }

  @Test func terminalReport() throws {
    try assertSnapshot(try assembled().terminalText(), named: "terminalReport.txt")
  }
}
