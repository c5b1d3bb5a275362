import Foundation

/// Renders a ``FileProfile`` for `candor describe` (table or JSON), applying the
/// confidentiality rules of design.md §8: values of free-text, id-like and high-cardinality
/// columns are never shown (counts only), and group columns show the number of levels and
/// how many are under the threshold — never their sizes.
public enum DescribeReport {
  /// JSON shape of one column.
  public struct Column: Codable, Sendable, Equatable {
    public var name: String
    public var type: String
    public var answered: Int
    public var missing: Int
    public var missingPercent: Double
    /// Distinct values, or nil beyond the tracking cap.
    public var distinct: Int?
    public var highCardinality: Bool
    public var minimum: Double?
    public var maximum: Double?
    /// Item-like columns only: value → count, in scale order.
    public var frequencies: [Frequency]?
    /// Group columns only.
    public var group: GroupSummary?
  }

  public struct Frequency: Codable, Sendable, Equatable {
    public var value: String
    public var count: Int
  }

  /// JSON shape of the whole description.
  public struct Document: Codable, Sendable, Equatable {
    public var file: String
    public var container: String
    public var layout: String
    public var delimiter: String?
    public var encoding: String?
    public var decimalComma: Bool
    public var headerRows: Int
    public var rows: Int
    public var minGroupSize: Int
    public var columns: [Column]
  }

  /// The description as plain values (what the JSON holds).
  public static func document(_ p: FileProfile) -> Document {
    let cols = p.columns.map { c -> Column in
      let showRange = c.type == .numeric || c.type == .integerCoded
      return Column(
        name: c.name, type: c.type.rawValue, answered: c.answered, missing: c.missing,
        missingPercent: (c.missingPercent * 10).rounded() / 10,
        distinct: c.isHighCardinality ? nil : c.distinct.count, highCardinality: c.isHighCardinality,
        minimum: showRange && p.groupSummary(c.index) == nil ? c.minimum : nil,
        maximum: showRange && p.groupSummary(c.index) == nil ? c.maximum : nil,
        frequencies: p.frequencies(c.index)?.map { Frequency(value: $0.value, count: $0.count) },
        group: p.groupSummary(c.index))
    }
    return Document(
      file: p.fileName, container: p.container.rawValue, layout: p.layout.rawValue, delimiter: p.delimiter,
      encoding: p.encoding, decimalComma: p.decimalComma, headerRows: p.headerRows, rows: p.rows,
      minGroupSize: p.minGroupSize, columns: cols)
  }

  /// Pretty JSON with sorted keys (stable for snapshots).
  public static func json(_ p: FileProfile) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(document(p)), as: UTF8.self)
  }

  /// A terminal table.
  public static func table(_ p: FileProfile) -> String {
    let d = document(p)
    var out = ""
    out += "file         \(d.file)\n"
    out += "container    \(d.container), layout \(d.layout)\n"
    if let delimiter = d.delimiter {
      out += "delimiter    \"\(delimiter)\"\(d.decimalComma ? " (decimal comma accepted)" : "")\n"
    }
    if let encoding = d.encoding { out += "encoding     \(encoding)\n" }
    out += "header rows  \(d.headerRows)\n"
    out += "rows         \(d.rows)\n"
    out += "columns      \(d.columns.count)\n"
    out += "groups       \(p.usedCodebook ? "from the codebook" : "guessed: categorical columns"); sizes under \(d.minGroupSize) never shown\n\n"
    let nameWidth = min(max(6, d.columns.map { $0.name.count }.max() ?? 6), 32)
    let typeWidth = 16
    func pad(_ s: String, _ w: Int) -> String {
      let t = s.count > w ? String(s.prefix(w - 1)) + "…" : s
      return t + String(repeating: " ", count: max(0, w - t.count))
    }
    out += pad("column", nameWidth) + "  " + pad("type", typeWidth) + "  " + pad("missing", 14) + "  values\n"
    for (k, c) in d.columns.enumerated() {
      let cap = p.columns[k].distinctCap
      let missing = "\(c.missing) (\(String(format: "%.1f", c.missingPercent))%)"
      var values: String
      if let g = c.group {
        values = g.levelsAtLeast
          ? "group: more than \(g.levels) levels (sizes not shown)"
          : "group: \(g.levels) level\(g.levels == 1 ? "" : "s"), \(g.underThreshold) under \(d.minGroupSize)"
      } else if let f = c.frequencies {
        values = f.map { "\($0.value): \($0.count)" }.joined(separator: ", ")
      } else if c.type == InferredColumnType.numeric.rawValue, let lo = c.minimum, let hi = c.maximum {
        values = "range \(fmt(lo)) to \(fmt(hi))"
        values += c.highCardinality ? ", more than \(cap) distinct" : ", \(c.distinct ?? 0) distinct"
      } else if c.type == InferredColumnType.empty.rawValue {
        values = "all missing"
      } else {
        values = c.highCardinality ? "more than \(cap) distinct (values not shown)"
          : "\(c.distinct ?? 0) distinct (values not shown)"
      }
      out += pad(c.name, nameWidth) + "  " + pad(c.type, typeWidth) + "  " + pad(missing, 14) + "  " + values + "\n"
    }
    return out
  }
}
