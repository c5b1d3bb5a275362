@testable import CandorReport
import Foundation
import Testing

@Suite struct TableRendererTests {
  @Test func apaNumberFormats() {
    #expect(CellFormat.number(0.7149, decimals: 2, leadingZero: false) == ".71")
    #expect(CellFormat.number(-0.054, decimals: 2, leadingZero: false) == "-.05")
    #expect(CellFormat.number(-0.004, decimals: 2) == "0.00")
    #expect(CellFormat.number(3.14159, decimals: 2) == "3.14")
    #expect(CellFormat.number(12.5, decimals: 0) == "13")
    #expect(CellFormat.number(.nan, decimals: 2) == "—")
    #expect(CellFormat.pValue(0.0004) == "< .001")
    #expect(CellFormat.pValue(0.0234) == ".023")
    #expect(CellFormat.pValue(0.05) == ".050")
    #expect(CellFormat.pValue(0.9999) == "> .999")
    #expect(TableCell.interval(0.712, 0.8449, decimals: 2, leadingZero: false).displayText() == "[.71, .84]")
    #expect(TableCell.interval(3.1, 3.456).displayText() == "[3.10, 3.46]")
  }

  /// The number texts as the reports made them before they were written into one buffer
  /// (several Strings a number): the oracle for ``CellFormat/number(_:decimals:leadingZero:)``
  /// and ``CellFormat/fixedSigned(_:decimals:)``.
  static func oracleNumber(_ x: Double, decimals: Int, leadingZero: Bool) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
    var s: String
    if scaled >= 9.0e15 {
      s = String(abs(x))
    } else if decimals == 0 {
      s = String(Int64(scaled))
    } else {
      let whole = Int64(scaled), div = Int64(scale)
      var frac = String(whole % div)
      while frac.count < decimals { frac = "0" + frac }
      s = "\(whole / div).\(frac)"
    }
    let isZero = s.allSatisfy { $0 == "0" || $0 == "." }
    if !leadingZero, s.hasPrefix("0.") { s.removeFirst() }
    return (x < 0 && !isZero ? "-" : "") + s
  }

  @Test func numberTextsAreTheOracles() {
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    var values: [Double] = [0, -0.0, 0.5, -0.5, 0.005, -0.005, 0.0049999, 0.995, 9.995, 99.5, 1e15, -1e15, 8.99e15,
                            9.5e15, 1e17, -2.5e20, 0.125, 2.675, 1e-300, -1e-300, 123456789.987654321]
    for _ in 0..<20_000 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      let mantissa = Double(state >> 11) / Double(1 << 53) - 0.5
      let exponent = Int(state % 23) - 8
      values.append(mantissa * pow(10, Double(exponent)))
    }
    var mismatches: [String] = []
    for x in values {
      for decimals in 0...6 {
        for leadingZero in [true, false] {
          let got = CellFormat.number(x, decimals: decimals, leadingZero: leadingZero)
          let want = Self.oracleNumber(x, decimals: decimals, leadingZero: leadingZero)
          if got != want && mismatches.count < 5 { mismatches.append("\(x) d\(decimals) \(leadingZero): \(got) vs \(want)") }
        }
        if CellFormat.fixedSigned(x, decimals: decimals) != Self.oracleNumber(x, decimals: decimals, leadingZero: true),
           mismatches.count < 5 { mismatches.append("fixedSigned \(x) d\(decimals)") }
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches)")
    #expect(CellFormat.number(-1234.5678, decimals: 3) == "-1234.568")
    #expect(CellFormat.number(0.0714, decimals: 3, leadingZero: false) == ".071")
    #expect(CellFormat.number(1e300, decimals: 2) == "1e+300")
  }

  static func reliabilityTable() -> ReportTable {
    ReportTable(
      id: "reliability", title: "Reliability of the Scales",
      notes: ["N = 412 teachers in 38 schools.", "Alpha 95% CI by Feldt's method."],
      columns: [.label("Scale"), .init("k"), .init("n"), .init("M"), .init("SD"), .init("α [95% CI]", csvName: "alpha_ci"), .init("p")],
      rows: [
        .init([.text("psych_safety"), .integer(7), .integer(412), .number(3.912345), .number(0.61), .interval(0.7812345678, 0.84), .pValue(0.0004)]),
        .init([.text("trust_principal, \"CCSR\""), .integer(8), .integer(405), .number(2.9), .number(0.7), .interval(0.8, 0.9), .pValue(0.2)]),
        .init([.text("S02"), .integer(8), .integer(3), .number(4.4), .number(0.2), .interval(0.1, 0.2), .pValue(0.5)], group: CellKey(["S02"])),
      ])
  }

  static func published(_ t: ReportTable, counts: [CellKey: Int] = [CellKey(["S02"]): 3, CellKey(["S01"]): 30, CellKey(["S03"]): 40]) throws -> PublishedTable {
    var draft = ReportDraft(summary: try Example.summary())
    draft.tables = [t]
    for (k, n) in counts { draft.record(k, n: n) }
    return try ConfidentialityFilter.publish(draft).tables[0]
  }

  @Test func terminalTableIsAlignedFitsWidthAndShowsSuppression() throws {
    let t = try Self.published(Self.reliabilityTable())
    let text = TerminalTableRenderer.render(t, width: 100)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "Reliability of the Scales")
    #expect(lines[1].hasPrefix("Scale"))
    #expect(lines.allSatisfy { $0.count <= 100 })
    #expect(lines[3].contains("3.91") && lines[3].contains("[0.78, 0.84]") && lines[3].contains("< .001"))
    #expect(lines[5] .hasPrefix("S02") && lines[5].hasSuffix("suppressed (n < 5)"))
    #expect(!lines[5].contains("4.40"))
    #expect(lines[6] == "Note. N = 412 teachers in 38 schools.")
    // Right-aligned numeric columns end in the same column.
    let end3 = lines[3].range(of: "412")!.upperBound, end4 = lines[4].range(of: "405")!.upperBound
    #expect(lines[3].distance(from: lines[3].startIndex, to: end3) == lines[4].distance(from: lines[4].startIndex, to: end4))
    // Narrow terminals: label shortened with an ellipsis, every line within the width.
    let narrow = TerminalTableRenderer.render(t, width: 60)
    #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= 60 })
    #expect(narrow.contains("…"))
  }

  @Test func wideTablesStillFitTheTerminal() throws {
    let factors = (1...12).map { "Factor \($0) loading" }
    let table = ReportTable(
      id: "loadings", title: "Pattern Matrix", columns: [.label("Item")] + factors.map { .init($0) },
      rows: (1...5).map { i in .init([.text("pvq\(i) with a long item name")] + (1...12).map { .number(Double($0 * i) / 100, leadingZero: false) }) })
    let text = TerminalTableRenderer.render(try Self.published(table), width: 100)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.allSatisfy { $0.count <= 100 })
    // Panels: every header appears once in full, every value is printed in full.
    for f in factors { #expect(lines.filter { $0.contains(f) }.count == 1, "\(f)") }
    #expect(lines.filter { $0.hasPrefix("Item") }.count >= 2)
    #expect(text.contains(".60") && text.contains(".05") && !text.contains("…"))
  }

  @Test func markdownIsAPAStyle() throws {
    let md = MarkdownTableRenderer.render(try Self.published(Self.reliabilityTable()), number: 2)
    let lines = md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "**Table 2**")
    #expect(lines[2] == "*Reliability of the Scales*")
    #expect(lines[4] == "| Scale | k | n | M | SD | α [95% CI] | p |")
    #expect(lines[5] == "|:---|---:|---:|---:|---:|---:|---:|")
    #expect(lines[6] == "| psych_safety | 7 | 412 | 3.91 | 0.61 | [0.78, 0.84] | < .001 |")
    #expect(lines[8] == "| S02 | suppressed (n < 5) |  |  |  |  |  |")
    #expect(lines[10] == "*Note.* N = 412 teachers in 38 schools. Alpha 95% CI by Feldt's method.")
  }

  /// A small RFC 4180 reader for checking the writer.
  static func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = ""
    var inQuotes = false
    var chars = Array(text)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if inQuotes {
        if c == "\"" {
          if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { inQuotes = false }
        } else { field.append(c) }
      } else if c == "\"" {
        inQuotes = true
      } else if c == "," {
        row.append(field); field = ""
      } else if c == "\r\n" || c == "\n" {
        row.append(field); field = ""; rows.append(row); row = []
      } else {
        field.append(c)
      }
      i += 1
    }
    chars.removeAll()
    return rows
  }

  @Test func csvIsTidyQuotedAndFullPrecision() throws {
    let csv = CSVTableRenderer.render(try Self.published(Self.reliabilityTable()))
    #expect(csv.hasSuffix("\r\n"))
    let rows = Self.parseCSV(csv)
    #expect(rows[0] == ["scale", "k", "n", "m", "sd", "alpha_ci_lower", "alpha_ci_upper", "p", "suppressed"])
    #expect(rows[1] == ["psych_safety", "7", "412", "3.912345", "0.61", "0.7812345678", "0.84", "0.0004", "false"])
    #expect(rows[2][0] == "trust_principal, \"CCSR\"")
    #expect(csv.contains("\"trust_principal, \"\"CCSR\"\"\""))
    #expect(rows[3] == ["S02", "", "", "", "", "", "", "", "true"])
  }

  @Test func htmlIsSelfContained() throws {
    var doc = HTMLDocument(title: "Candor <report>")
    doc.addTable(try Self.published(Self.reliabilityTable()))
    doc.addParagraph("a & b")
    let html = doc.render()
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<title>Candor &lt;report&gt;</title>"))
    #expect(html.contains("<p>a &amp; b</p>"))
    #expect(html.contains("<td class=\"suppressed\" colspan=\"6\">suppressed (n &lt; 5)</td>"))
    for banned in ["<script", "http:", "https:", "url(", "@import", "<link", "src=", "@font-face"] {
      #expect(!html.contains(banned), "\(banned)")
    }
  }
}
