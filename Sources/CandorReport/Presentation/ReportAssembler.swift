import CandorNumerics
import CandorPsychometrics
import Foundation

/// An output format of `candor analyze --format` (design.md §5).
public enum ReportFormat: String, CaseIterable, Sendable, Hashable {
  /// Plain-text tables on stdout.
  case table
  /// `report.md`.
  case markdown
  /// One tidy `<table-id>.csv` per table.
  case csv
  /// `summary.json` (design.md §7).
  case json
  /// `report.html`: one self-contained file with the tables and SVG charts.
  case html
}

/// Why a report cannot be produced as asked.
public enum ReportError: Error, CustomStringConvertible, Equatable {
  /// `csv` (one file per table) and `html` need an output directory.
  case needsOutputDirectory(ReportFormat)

  public var description: String {
    switch self {
    case .needsOutputDirectory(let f):
      return "--format \(f.rawValue) writes files: give an output directory with --output DIR (table, markdown and json can print to stdout)"
    }
  }
}

/// Turns one run's results into every output: draft → `ConfidentialityFilter` → renderers →
/// `OutputWriter`.
///
/// ```swift
/// let assembler = ReportAssembler(header: summary, results: results, minGroupSize: 5)
/// let stdout = try assembler.write(formats: [.table, .json, .html], to: "out")
/// print(stdout, terminator: "")
/// ```
///
/// The draft is built in steps so that nothing derived from a hidden group leaks: first the
/// JSON entries and tables (which record every cell's n, including the waves behind group
/// wave rows), then the suppression plan over those cells, then the charts (whose colour
/// scales use only cells the plan shows) and the wave table (rows the plan hides erased,
/// Benjamini–Hochberg redone over the published rows), and finally
/// `ConfidentialityFilter.publish(_:plan:)` with that plan.
public struct ReportAssembler: Sendable {
  /// The envelope: tool, provenance, input and the run's own warnings.
  public var header: Summary
  public var results: AnalysisResults
  /// The confidentiality threshold (design.md §8).
  public var minGroupSize: Int
  /// The report's title (Markdown `#`, HTML `<h1>`).
  public var title: String
  /// Line width of the terminal rendering.
  public var terminalWidth: Int

  public init(
    header: Summary, results: AnalysisResults, minGroupSize: Int, title: String = "Candor Survey Report",
    terminalWidth: Int = 100
  ) {
    self.header = header
    self.results = results
    self.minGroupSize = minGroupSize
    self.title = title
    self.terminalWidth = terminalWidth
  }

  /// Builds the draft and runs it through the confidentiality filter.
  public func publish() throws -> AssembledReport {
    var summary = header
    summary.warnings = Self.mergedWarnings(header.warnings, results)
    summary.provenance.minGroupSize = minGroupSize
    var draft = ReportDraft(summary: summary)
    try draft.presentReliability(results.reliability, descriptives: results.scaleDescriptives)
    try draft.presentFactorAnalysis(results.factorAnalysis)
    try draft.presentValues(results.values)
    try draft.presentCorrelations(results.correlations, title: results.correlationTitle)
    try draft.presentRetention(results.retention)
    try draft.presentAggregation(results.aggregation)
    try draft.presentDrivers(results.drivers)
    draft.recordWaveCells(results.groupWaves)
    let plan = SuppressionPlanner(minGroupSize: minGroupSize).plan(counts: draft.cellCounts)
    let counts = draft.cellCounts
    let threshold = minGroupSize
    draft.presentAggregationCharts(results.aggregation) { cell in
      !plan.isSuppressed(cell) && (counts[cell].map { $0 >= threshold } ?? false)
    }
    // Group wave rows the plan hides are erased, and Benjamini–Hochberg is redone over the
    // rows that are published (a hidden row's p must not shape the others' adjusted p).
    var waveRows = results.waves
    var groupWaves = results.groupWaves
    var groupRows = groupWaves.map(\.row)
    for i in groupRows.indices where plan.isChangeSuppressed(groupWaves[i].cell) && !groupRows[i].suppressed {
      groupRows[i].suppress()
    }
    if !groupRows.isEmpty || !waveRows.isEmpty { WaveTable.adjust(&waveRows, &groupRows) }
    for i in groupWaves.indices { groupWaves[i].row = groupRows[i] }
    try draft.presentWaves(waveRows, groups: groupWaves, aggregation: results.aggregation)
    let report = try ConfidentialityFilter.publish(draft, plan: plan)
    return AssembledReport(title: title, header: summary, report: report, terminalWidth: terminalWidth)
  }

  /// Writes `formats` into `directory` through `OutputWriter` (all files appear together on
  /// success; nothing changes in `directory` on failure) and returns the text for stdout.
  ///
  /// - With a directory: `summary.json` (`.json`), `<table-id>.csv` per table (`.csv`),
  ///   `report.md` (`.markdown`), `report.html` (`.html`); empty `formats` means all four plus
  ///   `.table`. Returns the terminal tables when `formats` has `.table`, otherwise one line
  ///   naming the files written.
  /// - Without a directory (`nil`): nothing is written; returns the terminal tables (`.table`,
  ///   also when `formats` is empty), then the Markdown report (`.markdown`), then the JSON
  ///   document (`.json`).
  /// - Throws: `ReportError.needsOutputDirectory` for `.csv` or `.html` without a directory;
  ///   `OutputError` when a file cannot be written.
  @discardableResult
  public func write(formats requested: Set<ReportFormat>, to directory: String?) throws -> String {
    guard let directory else {
      if let f = [ReportFormat.csv, .html].first(where: requested.contains) { throw ReportError.needsOutputDirectory(f) }
      let assembled = try publish()
      var parts: [String] = []
      if requested.isEmpty || requested.contains(.table) { parts.append(assembled.terminalText()) }
      if requested.contains(.markdown) { parts.append(assembled.markdown()) }
      if requested.contains(.json) { parts.append(assembled.report.jsonText()) }
      return parts.joined(separator: "\n")
    }
    let formats = requested.isEmpty ? Set(ReportFormat.allCases) : requested
    let assembled = try publish()
    let writer = try OutputWriter(directory: directory)
    do {
      // Each format's files are staged as soon as they are rendered, beside the others.
      let staging = writer.stagingDirectory
      let staged = Self.render(assembled, formats: formats) { try OutputWriter.stage($0, in: staging) }
      for files in staged { try writer.adopt(try files.get().map(\.name)) }
      try writer.commit()
    } catch {
      writer.discard()
      throw error
    }
    if formats.contains(.table) { return assembled.terminalText() }
    let names = writer.stagedNames
    return "Wrote \(names.count) file\(names.count == 1 ? "" : "s") to \(directory): \(names.joined(separator: ", "))\n"
  }

  /// The files of each file format in `formats` (json, csv, markdown, html, in that
  /// order), rendered side by side on the available cores, each format's files handed to
  /// `deliver` on the thread that rendered them (its error is that format's result): the
  /// renderings only read `assembled`, and the order of the results does not depend on
  /// which finishes first.
  static func render(_ assembled: AssembledReport, formats: Set<ReportFormat>,
                     deliver: @escaping @Sendable ([(name: String, text: String)]) throws -> Void = { _ in })
    -> [Result<[(name: String, text: String)], any Error>] {
    let order = [ReportFormat.json, .csv, .markdown, .html].filter(formats.contains)
    let files = ChunkResults<Result<[(name: String, text: String)], any Error>>(count: order.count)
    // Started longest first (the HTML page with its charts, ~12 ms for the demo plan at
    // 1M rows; the CSV files ~10 ms with their staging; JSON ~7; Markdown ~3), so that on
    // two cores the HTML does not start last, after the others.
    let schedule = order.indices.sorted { Self.renderCost(order[$0]) > Self.renderCost(order[$1]) }
    DispatchQueue.concurrentPerform(iterations: order.count) { s in
      let i = schedule[s]
      let rendered: [(name: String, text: String)]
      switch order[i] {
      case .json: rendered = [("summary.json", assembled.report.jsonText())]
      case .csv: rendered = assembled.report.csvFiles()
      case .markdown: rendered = [("report.md", assembled.markdown())]
      case .html: rendered = [("report.html", assembled.html())]
      case .table: rendered = []
      }
      files.set(i, Result { try deliver(rendered); return rendered })
    }
    return files.values.map { $0 ?? .success([]) }
  }

  /// The order in which ``render(_:formats:deliver:)`` starts the formats: the larger
  /// rendering first.
  static func renderCost(_ format: ReportFormat) -> Int {
    switch format {
    case .html: return 4
    case .csv: return 3
    case .json: return 2
    case .markdown: return 1
    case .table: return 0
    }
  }

  /// The header's warnings, then the results' own (`results.warnings` and the warnings carried
  /// by reliability, factor and retention results), without duplicates, in first-seen order.
  static func mergedWarnings(_ header: [AnalysisWarning], _ results: AnalysisResults) -> [AnalysisWarning] {
    var all = header + results.warnings
    all += results.reliability.flatMap(\.warnings)
    all += results.factorAnalysis.flatMap(\.warnings)
    all += results.retention.flatMap(\.warnings)
    var seen = Set<AnalysisWarning>()
    return all.filter { seen.insert($0).inserted }
  }
}

/// A filtered report with its envelope, ready to render in every format.
public struct AssembledReport: Sendable {
  public let title: String
  /// The envelope as published (warnings merged).
  public let header: Summary
  /// The filtered tables, charts and `summary.json` document.
  public let report: PublishableReport
  public let terminalWidth: Int

  /// Tables left out of the terminal rendering (long detail tables; they are in every file).
  static func isDetail(_ id: String) -> Bool {
    id.hasPrefix("items-") || id.hasPrefix("factor-correlations-")
  }

  /// Group tables longer than `terminalGroupRows` show their first rows on the terminal,
  /// with a line saying how many more are in the files.
  static let terminalGroupRows = 25

  static func shortened(_ t: PublishedTable) -> PublishedTable {
    guard t.table.id.hasPrefix("aggregation-"), t.table.rows.count > terminalGroupRows else { return t }
    var table = t.table
    let more = table.rows.count - terminalGroupRows
    table.rows = Array(table.rows.prefix(terminalGroupRows))
    table.notes.insert("\(more) more group\(more == 1 ? "" : "s") in report.md, report.html and \(table.id).csv.", at: 0)
    return PublishedTable(table: table, minGroupSize: t.minGroupSize)
  }

  // MARK: Provenance text

  /// The input and provenance lines shared by the Markdown and HTML reports.
  public func provenanceLines() -> [String] {
    let p = header.provenance
    let input = header.input
    var lines: [String] = []
    lines.append(
      "Candor \(header.candor.version) (JSON schema \(header.candor.schema)); started \(p.startedAt); wall time \(Self.seconds(p.wallSeconds)); \(p.threads) thread\(p.threads == 1 ? "" : "s").")
    for f in input.files {
      var s = "Input file \(f.path): \(Self.bytes(f.bytes)), SHA-256 \(f.sha256), format \(f.format)"
      if let wave = f.wave { s += ", wave \(wave)" }
      lines.append(s + ".")
    }
    if let c = p.codebookSha256 { lines.append("Codebook SHA-256 \(c).") }
    lines.append("Rows: \(Self.rowsText(input)).")
    lines.append(
      "Missing data: \(p.missing.rawValue) deletion. Confidentiality: groups with fewer than \(p.minGroupSize) respondents are suppressed in every output, with complementary suppression.")
    if !p.settings.isEmpty {
      let settings = p.settings.map { key, value in "\(key) = \(value.stringValue ?? value.serialized(indent: nil))" }
      lines.append("Settings: \(settings.joined(separator: ", ")).")
    }
    return lines
  }

  static func rowsText(_ input: InputSummary) -> String {
    var s = "\(input.rows) read, \(input.rowsUsed) used"
    let excluded = input.rowsExcluded.reduce(0) { $0 + $1.count }
    if excluded > 0 || !input.rowsExcluded.isEmpty {
      s += ", \(excluded) excluded (" + input.rowsExcluded.map { "\($0.reason): \($0.count)" }.joined(separator: "; ") + ")"
    }
    return s
  }

  static func seconds(_ s: Double) -> String {
    s < 10 ? "\(CellFormat.number(s, decimals: 2)) s" : "\(CellFormat.number(s, decimals: 1)) s"
  }

  static func bytes(_ n: Int) -> String {
    let units = ["KB", "MB", "GB", "TB"]
    guard n >= 1000 else { return "\(n) bytes" }
    var x = Double(n)
    var i = -1
    while x >= 1000 && i < units.count - 1 {
      x /= 1000
      i += 1
    }
    return "\(CellFormat.number(x, decimals: 1)) \(units[i]) (\(n) bytes)"
  }

  static func warningText(_ w: AnalysisWarning) -> String {
    var context: [String] = []
    if let s = w.scale { context.append("scale \(s)") }
    if let i = w.item { context.append("item \(i)") }
    return "[\(w.code)]" + (context.isEmpty ? "" : " (\(context.joined(separator: ", ")))") + " \(w.message)"
  }

  // MARK: Renderings

  /// The terminal rendering: a one-paragraph run summary, then the tables (scale summary
  /// first; item and factor-correlation tables are left to the files), then the warnings.
  public func terminalText() -> String {
    let p = header.provenance
    let input = header.input
    var out = "\(title)\n"
    out += TerminalTableRenderer.wrap(
      "Rows: \(Self.rowsText(input)). \(input.files.count) input file\(input.files.count == 1 ? "" : "s"); \(p.missing.rawValue) deletion; groups under \(p.minGroupSize) suppressed; \(p.threads) thread\(p.threads == 1 ? "" : "s"), \(Self.seconds(p.wallSeconds)).",
      width: terminalWidth
    ).joined(separator: "\n") + "\n"
    let shown = report.tables.filter { !Self.isDetail($0.table.id) }
    for t in shown {
      out += "\n" + TerminalTableRenderer.render(Self.shortened(t), width: terminalWidth)
    }
    let hidden = report.tables.count - shown.count
    if hidden > 0 {
      out += "\n\(hidden) more table\(hidden == 1 ? "" : "s") (item statistics, factor correlations) in report.md, report.html and the CSV files.\n"
    }
    if !header.warnings.isEmpty {
      out += "\nWarnings (\(header.warnings.count))\n"
      for w in header.warnings {
        out += TerminalTableRenderer.wrap("- " + Self.warningText(w), width: terminalWidth).joined(separator: "\n  ") + "\n"
      }
    }
    return out
  }

  /// `report.md`: title, input and provenance, the numbered APA tables, warnings.
  public func markdown() -> String {
    func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
    var out = "# \(title)\n\n## Input and provenance\n\n"
    out += provenanceLines().map { "- " + esc($0) }.joined(separator: "\n") + "\n\n## Results\n\n"
    out += report.tables.enumerated().map { MarkdownTableRenderer.render($0.element, number: $0.offset + 1) }
      .joined(separator: "\n")
    out += "\n## Warnings\n\n"
    if header.warnings.isEmpty {
      out += "None.\n"
    } else {
      out += header.warnings.map { "- " + esc(Self.warningText($0)) }.joined(separator: "\n") + "\n"
    }
    return out
  }

  /// `report.html`: the same content as `report.md` plus every chart as inline SVG; one file
  /// with inline CSS, no scripts, fonts, images or network references.
  public func html() -> String {
    var doc = HTMLDocument(title: title)
    doc.addHeading(title, level: 1)
    doc.addHeading("Input and provenance", level: 2)
    doc.addList(provenanceLines())
    doc.addHeading("Results", level: 2)
    for t in report.tables { doc.addTable(t) }
    if !report.charts.isEmpty {
      doc.addHeading("Figures", level: 2)
      for c in report.charts { doc.addChart(c) }
    }
    doc.addHeading("Warnings", level: 2)
    if header.warnings.isEmpty {
      doc.addParagraph("None.")
    } else {
      doc.addList(header.warnings.map(Self.warningText))
    }
    return doc.render()
  }
}
