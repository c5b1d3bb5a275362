/// Plain-text descriptions of instruments for `candor instruments`.
public enum InstrumentReport {
  /// One line per instrument: id, items, range, direction, licence flag.
  public static func list() -> String {
    let width = InstrumentCatalog.ids.map(\.count).max() ?? 0
    var lines = ["Built-in instruments (structure only; item wording is never shipped):", ""]
    for i in InstrumentCatalog.all {
      let id = i.id.padding(toLength: width, withPad: " ", startingAt: 0)
      var line = "  \(id)  \(i.itemCount) items, \(range(i)) \(i.direction.rawValue)"
      if !i.values.isEmpty { line += ", \(i.values.count) values" }
      if i.licence != nil { line += "  [non-commercial licence]" }
      lines.append(line)
    }
    lines += ["", "`candor instruments ID` shows one instrument's structure."]
    return lines.joined(separator: "\n")
  }

  /// The full structure of one instrument.
  public static func describe(_ i: Instrument) -> String {
    var lines = ["\(i.id): \(i.name)", "  source: \(i.source)", "  items: \(i.itemCount)",
                 "  response range: \(range(i)), \(i.direction.rawValue)"
                   + (i.direction == .descending ? " (1 = most; recoded (min + max) − x before scoring)" : "")]
    lines.append("  reverse-keyed items: " + (i.reverseItems.isEmpty ? "none" : i.reverseItems.map(String.init).joined(separator: ", ")))
    if !i.missingCodes.isEmpty { lines.append("  data missing codes: \(i.missingCodes.joined(separator: ", "))") }
    if !i.itemFormats.isEmpty {
      let groups = Dictionary(grouping: i.itemFormats.keys.sorted(), by: { i.itemFormats[$0]! })
      lines.append("  item formats: " + groups.keys.sorted().map { "\($0) \(groups[$0]!.map(String.init).joined(separator: ", "))" }.joined(separator: "; "))
    }
    if !i.values.isEmpty {
      lines.append("  values (items):")
      for v in i.values { lines.append("    \(v.id): \(v.items.map(String.init).joined(separator: ", "))") }
    }
    if !i.higherOrder.isEmpty {
      lines.append("  higher-order values:")
      for h in i.higherOrder { lines.append("    \(h.id): \(h.values.joined(separator: ", "))") }
    }
    if !i.boundaryValues.isEmpty { lines.append("  kept out of higher-order values: \(i.boundaryValues.joined(separator: ", "))") }
    if !i.tenValueScoring.isEmpty {
      lines.append("  scored as ten values (items):")
      for v in i.tenValueScoring { lines.append("    \(v.id): \(v.items.map(String.init).joined(separator: ", "))") }
    }
    if i.usesMRAT { lines.append("  MRAT: person mean over all \(i.itemCount) items; centred value = value mean − MRAT") }
    lines.append("  licence: " + (i.licence ?? "no licence terms recorded; check the source before commercial use"))
    return lines.joined(separator: "\n")
  }

  static func range(_ i: Instrument) -> String {
    "\(Int(i.responseRange.lowerBound))–\(Int(i.responseRange.upperBound))"
  }
}
