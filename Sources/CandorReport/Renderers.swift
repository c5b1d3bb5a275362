/// Text layout shared by the table renderers: display strings per cell, with a suppressed
/// run at the end of a row collapsed into one "suppressed (n < k)" text.
private struct LaidOutRow {
  var cells: [String]
  /// Index of the first cell of a trailing suppressed run, if any.
  var suppressedFrom: Int?
}

private func layOut(_ t: PublishedTable) -> [LaidOutRow] {
  t.table.rows.map { row in
    var cells = row.cells.map { $0 == .suppressed ? "" : $0.displayText() }
    while cells.count < t.table.columns.count { cells.append("") }
    var from: Int? = nil
    if let last = row.cells.lastIndex(where: { $0 != .suppressed && $0 != .empty }) {
      if last + 1 < row.cells.count, row.cells[(last + 1)...].contains(.suppressed) { from = last + 1 }
    } else if row.cells.contains(.suppressed) {
      from = 0
    }
    // Suppressed cells in the middle of a row are marked one by one.
    for (j, c) in row.cells.enumerated() where c == .suppressed && (from == nil || j < from!) {
      cells[j] = "suppressed"
    }
    return LaidOutRow(cells: cells, suppressedFrom: from)
  }
}

/// Plain-text tables for the terminal: title, aligned columns, no box drawing, at most `width`
/// columns: label columns give way first, then the other columns are split into panels that
/// repeat the labels, and only a single over-wide column is shortened with "…". Notes follow
/// (the first prefixed "Note."), wrapped. A suppressed row shows its label and "suppressed (n < k)".
public enum TerminalTableRenderer {
  public static func render(_ t: PublishedTable, width: Int = 100) -> String {
    let rows = layOut(t)
    let cols = t.table.columns
    let gap = 2
    var widths = cols.map { $0.header.count }
    for r in rows {
      for (j, c) in r.cells.enumerated() where j < widths.count && (r.suppressedFrom == nil || j < r.suppressedFrom!) {
        widths[j] = max(widths[j], c.count)
      }
    }
    func total(_ idx: [Int]) -> Int { idx.reduce(0) { $0 + widths[$1] } + gap * max(0, idx.count - 1) }
    let all = Array(cols.indices)
    // 1. Too wide: label columns give way first, down to a third of the line.
    if total(all) > width {
      for j in all where cols[j].isLabel { widths[j] = min(widths[j], max(12, width / 3)) }
    }
    // 2. Still too wide: split the other columns into panels, each repeating the labels.
    let labels = all.filter { cols[$0].isLabel }
    var panels: [[Int]] = []
    var current: [Int] = []
    for j in all where !cols[j].isLabel {
      if !current.isEmpty && total(labels + current + [j]) > width {
        panels.append(current)
        current = []
      }
      current.append(j)
    }
    if !current.isEmpty || panels.isEmpty { panels.append(current) }
    // 3. A panel that still does not fit (one very wide column): shorten its widest cells.
    for p in panels {
      let idx = labels + p
      while total(idx) > width, let j = idx.filter({ widths[$0] > 4 }).max(by: { widths[$0] < widths[$1] }) {
        widths[j] -= 1
      }
    }
    func fit(_ s: String, _ w: Int, _ a: ReportTable.Column.Alignment) -> String {
      var s = s
      if s.count > w { s = String(s.prefix(max(w - 1, 0))) + "…" }
      let pad = w - s.count
      switch a {
      case .left: return s + String(repeating: " ", count: pad)
      case .right: return String(repeating: " ", count: pad) + s
      case .center: return String(repeating: " ", count: pad / 2) + s + String(repeating: " ", count: pad - pad / 2)
      }
    }
    func line(_ parts: [String]) -> String {
      var s = parts.joined(separator: String(repeating: " ", count: gap))
      if s.count > width { s = String(s.prefix(width - 1)) + "…" }
      while s.hasSuffix(" ") { s.removeLast() }
      return s
    }
    var out = wrap(t.table.title, width: width).joined(separator: "\n") + "\n"
    for (k, p) in panels.enumerated() {
      let idx = labels + p
      if k > 0 { out += "\n" }
      out += line(idx.map { fit(cols[$0].header, widths[$0], cols[$0].alignment) }) + "\n"
      out += String(repeating: "-", count: min(total(idx), width)) + "\n"
      for r in rows {
        let from = r.suppressedFrom ?? cols.count
        var parts = idx.filter { $0 < from }.map { fit(r.cells[$0], widths[$0], cols[$0].alignment) }
        if idx.contains(where: { $0 >= from }) { parts.append(t.suppressedText) }
        out += line(parts) + "\n"
      }
    }
    for (i, note) in t.table.notes.enumerated() {
      out += wrap(i == 0 ? "Note. " + note : note, width: width).joined(separator: "\n") + "\n"
    }
    return out
  }

  /// Words of `text` wrapped to `width` columns.
  static func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if current.isEmpty {
        current = String(word)
      } else if current.count + 1 + word.count <= width {
        current += " " + word
      } else {
        lines.append(current)
        current = String(word)
      }
    }
    if !current.isEmpty || lines.isEmpty { lines.append(current) }
    return lines
  }
}

/// APA-style Markdown tables: bold table number, italic title, the table, then *Note.* lines.
public enum MarkdownTableRenderer {
  public static func render(_ t: PublishedTable, number: Int) -> String {
    let rows = layOut(t)
    let cols = t.table.columns
    // Most cells hold neither `|` nor a line break: skip Foundation's replacing for them.
    func esc(_ s: String) -> String {
      guard s.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "\n") }) else { return s }
      return s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
    var out = "**Table \(number)**\n\n*\(esc(t.table.title))*\n\n"
    out += "| " + cols.map { esc($0.header) }.joined(separator: " | ") + " |\n"
    out += "|" + cols.map {
      switch $0.alignment {
      case .left: return ":---"
      case .right: return "---:"
      case .center: return ":---:"
      }
    }.joined(separator: "|") + "|\n"
    for r in rows {
      var cells = r.cells.map(esc)
      if let from = r.suppressedFrom {
        for j in from..<cells.count { cells[j] = "" }
        cells[from] = t.suppressedText
      }
      out += "| " + cells.joined(separator: " | ") + " |\n"
    }
    if !t.table.notes.isEmpty {
      out += "\n*Note.* " + t.table.notes.map(esc).joined(separator: " ") + "\n"
    }
    return out
  }
}

/// Tidy CSV (RFC 4180): one header row, full-precision numbers (shortest round-trip form),
/// an interval column split into `<name>_lower` and `<name>_upper`, p-values as numbers,
/// suppressed cells empty with a final `suppressed` column (`true`/`false`) when any row has
/// a suppressed cell. Lines end in CRLF as RFC 4180 says.
public enum CSVTableRenderer {
  public static func render(_ t: PublishedTable) -> String {
    let cols = t.table.columns
    let rows = t.table.rows
    let isInterval = cols.indices.map { j in
      rows.contains { row in
        guard j < row.cells.count, case .interval = row.cells[j] else { return false }
        return true
      }
    }
    let anySuppressed = rows.contains { $0.cells.contains(.suppressed) }
    var header: [String] = []
    for (j, c) in cols.enumerated() {
      if isInterval[j] { header += [c.csvName + "_lower", c.csvName + "_upper"] } else { header.append(c.csvName) }
    }
    if anySuppressed { header.append("suppressed") }
    var out = header.map(quote).joined(separator: ",") + "\r\n"
    for r in rows {
      var fields: [String] = []
      for j in cols.indices {
        let cell = j < r.cells.count ? r.cells[j] : .empty
        if isInterval[j] {
          if case .interval(let lo, let hi, _, _) = cell {
            fields += [num(lo), num(hi)]
          } else {
            fields += ["", ""]
          }
        } else {
          fields.append(value(cell))
        }
      }
      if anySuppressed { fields.append(r.cells.contains(.suppressed) ? "true" : "false") }
      out += fields.map(quote).joined(separator: ",") + "\r\n"
    }
    return out
  }

  static func num(_ x: Double) -> String { x.isFinite ? JSONValue.numberText(x) : "" }

  static func value(_ c: TableCell) -> String {
    switch c {
    case .text(let s): return s
    case .number(let x, _, _): return num(x)
    case .integer(let i): return String(i)
    case .pValue(let p): return num(p)
    case .interval(let lo, let hi, _, _): return "\(num(lo));\(num(hi))"
    case .empty, .suppressed: return ""
    case .guarded(_, let inner): return value(inner)
    }
  }

  /// RFC 4180 quoting: fields with a comma, quote, CR or LF are quoted, quotes doubled.
  public static func quote(_ s: String) -> String {
    let special: (UInt8) -> Bool = { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
    if s.utf8.contains(where: special) || s.utf8.first == UInt8(ascii: " ") || s.utf8.last == UInt8(ascii: " ") {
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
  }
}

/// Builds one self-contained HTML file: inline CSS, tables and inline SVG charts; no scripts,
/// fonts, images or network references.
public struct HTMLDocument: Sendable {
  public var title: String
  private var body: [String] = []
  private var tableCount = 0
  private var figureCount = 0

  public init(title: String) { self.title = title }

  public static func escape(_ s: String) -> String { SVGChart.escape(s) }

  public mutating func addHeading(_ text: String, level: Int = 2) {
    let l = min(max(level, 1), 6)
    body.append("<h\(l)>\(Self.escape(text))</h\(l)>")
  }

  public mutating func addParagraph(_ text: String) {
    body.append("<p>\(Self.escape(text))</p>")
  }

  /// Adds a bulleted list.
  public mutating func addList(_ items: [String]) {
    body.append("<ul>\n" + items.map { "<li>\(Self.escape($0))</li>" }.joined(separator: "\n") + "\n</ul>")
  }

  /// Adds an APA-style table (number, italic title, notes below).
  public mutating func addTable(_ t: PublishedTable) {
    tableCount += 1
    let rows = layOut(t)
    let cols = t.table.columns
    func align(_ a: ReportTable.Column.Alignment) -> String {
      switch a {
      case .left: return "l"
      case .right: return "r"
      case .center: return "c"
      }
    }
    var s = "<figure class=\"table\">\n<p class=\"table-number\">Table \(tableCount)</p>\n"
    s += "<p class=\"table-title\">\(Self.escape(t.table.title))</p>\n<table>\n<thead><tr>"
    s += cols.map { "<th class=\"\(align($0.alignment))\">\(Self.escape($0.header))</th>" }.joined()
    s += "</tr></thead>\n<tbody>\n"
    for r in rows {
      s += "<tr>"
      let end = r.suppressedFrom ?? cols.count
      for j in 0..<min(end, cols.count) {
        let cls = r.cells[j] == "suppressed" ? "\(align(cols[j].alignment)) suppressed" : align(cols[j].alignment)
        s += "<td class=\"\(cls)\">\(Self.escape(r.cells[j]))</td>"
      }
      if let from = r.suppressedFrom, from < cols.count {
        s += "<td class=\"suppressed\" colspan=\"\(cols.count - from)\">\(Self.escape(t.suppressedText))</td>"
      }
      s += "</tr>\n"
    }
    s += "</tbody>\n</table>\n"
    if !t.table.notes.isEmpty {
      s += "<p class=\"note\"><em>Note.</em> \(Self.escape(t.table.notes.joined(separator: " ")))</p>\n"
    }
    body.append(s + "</figure>")
  }

  /// Adds a chart as inline SVG with a figure number.
  public mutating func addChart(_ chart: PublishedChart) {
    figureCount += 1
    body.append(
      "<figure class=\"chart\">\n<p class=\"figure-number\">Figure \(figureCount)</p>\n\(chart.svg())\n</figure>")
  }

  /// The whole report: every table, then every chart.
  public static func report(_ report: PublishableReport, title: String, intro: [String] = []) -> String {
    var doc = HTMLDocument(title: title)
    doc.addHeading(title, level: 1)
    for p in intro { doc.addParagraph(p) }
    for t in report.tables { doc.addTable(t) }
    for c in report.charts { doc.addChart(c) }
    return doc.render()
  }

  public func render() -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(Self.escape(title))</title>
    <style>
    \(Self.css)
    </style>
    </head>
    <body>
    \(body.joined(separator: "\n"))
    </body>
    </html>

    """
  }

  static let css = """
    body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; padding: 0 1rem; }
    h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
    figure { margin: 1.5rem 0; }
    .table-number, .figure-number { font-weight: bold; margin: 0; }
    .table-title { font-style: italic; margin: 0.2rem 0 0.5rem; }
    table { border-collapse: collapse; border-top: 2px solid #222; border-bottom: 2px solid #222; }
    thead th { border-bottom: 1px solid #222; padding: 0.25rem 0.6rem; font-weight: normal; }
    td { padding: 0.2rem 0.6rem; font-variant-numeric: tabular-nums; }
    .l { text-align: left; } .r { text-align: right; } .c { text-align: center; }
    td.suppressed { color: #777; font-style: italic; text-align: left; }
    .note { font-size: 0.9rem; }
    svg.chart { max-width: 100%; height: auto; font-size: 11px; }
    svg .chart-title { font-size: 14px; font-weight: bold; }
    svg .axes line, svg line.axis { stroke: #444; }
    svg .bar { fill: #4c78a8; } svg .ci { stroke: #222; fill: none; stroke-width: 1.5; }
    svg .series { stroke-width: 2; } svg .s0 .series { stroke: #4c78a8; } svg .s1 .series { stroke: #e45756; }
    svg .s2 .series { stroke: #54a24b; } svg .s3 .series { stroke: #b279a2; } svg .s4 .series { stroke: #f58518; } svg .s5 .series { stroke: #72b7b2; }
    svg .s0 .point { fill: #4c78a8; } svg .s1 .point { fill: #e45756; } svg .point { fill: #4c78a8; fill-opacity: 0.8; }
    svg .reference { stroke: #999; stroke-dasharray: 3 3; fill: none; }
    svg .cell.pos { fill: #2166ac; } svg .cell.neg { fill: #b2182b; } svg .cell.empty { fill: #f4f4f4; }
    svg .cell.suppressed { fill: #ddd; } svg .suppressed { fill: #777; font-style: italic; }
    """
}

extension PublishableReport {
  /// `summary.json` text (2-space indent, ending in a newline).
  public func jsonText() -> String { summary.serialized(indent: 2) + "\n" }

  /// Every table for the terminal, separated by blank lines.
  public func terminalText(width: Int = 100) -> String {
    tables.map { TerminalTableRenderer.render($0, width: width) }.joined(separator: "\n")
  }

  /// `report.md`: APA-style tables numbered in order.
  public func markdown(title: String) -> String {
    "# \(title)\n\n" + tables.enumerated().map { MarkdownTableRenderer.render($0.element, number: $0.offset + 1) }
      .joined(separator: "\n")
  }

  /// One CSV per table, named `<id>.csv`.
  public func csvFiles() -> [(name: String, text: String)] {
    tables.map { ("\($0.table.id).csv", CSVTableRenderer.render($0)) }
  }

  /// `report.html`.
  public func html(title: String, intro: [String] = []) -> String {
    HTMLDocument.report(self, title: title, intro: intro)
  }
}
