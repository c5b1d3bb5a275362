extension Codebook {
  /// The line of `path` or of its nearest ancestor key.
  func line(of path: String) -> Int? {
    var p = path
    while !p.isEmpty {
      if let l = origin.lines[p] { return l }
      if let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) { p = String(p[..<cut]) } else { break }
    }
    return nil
  }

  func problem(
    _ severity: CodebookProblem.Severity, _ code: String, _ message: String, path: String?, scale: String? = nil
  ) -> CodebookProblem {
    CodebookProblem(
      severity, code: code, message: message, path: path, fileName: origin.fileName,
      line: path.flatMap { line(of: $0) }, scale: scale)
  }

  /// The instrument a scale names, if it names a known one.
  public func instrument(of scale: ScaleSpec) -> Instrument? {
    scale.instrument.flatMap { InstrumentCatalog[$0] }
  }

  /// The response range a scale uses: its own `range`, else its instrument's.
  public func effectiveRange(of scale: ScaleSpec) -> ResponseRange? {
    if let r = scale.range { return r }
    if let i = instrument(of: scale) { return ResponseRange(i.responseRange.lowerBound, i.responseRange.upperBound) }
    return nil
  }

  /// The reverse-keyed items of a scale: explicit `reverse`, else the instrument's keys.
  public func effectiveReverse(of scale: ScaleSpec) -> [String] {
    if let r = scale.reverse { return r }
    guard let inst = instrument(of: scale), inst.itemCount == scale.items.count else { return [] }
    return inst.reverseItems.map { scale.items[$0 - 1] }
  }

  /// The direction a scale uses: its own, else its instrument's, else ascending.
  public func effectiveDirection(of scale: ScaleSpec) -> ResponseDirection {
    scale.direction ?? instrument(of: scale)?.direction ?? .ascending
  }

  /// Semantic checks that need no data file: every problem, errors and warnings, in
  /// codebook order. Warnings (severity `.warning`) do not stop a run.
  public func validate() -> [CodebookProblem] {
    var out: [CodebookProblem] = []
    if minGroupSize < 1 {
      out.append(problem(.error, "invalid-min-group-size",
        "min_group_size must be at least 1, got \(minGroupSize); the default is 5", path: "min_group_size"))
    }
    let mapNames = labels.map(\.name)
    var scaleNames = Set<String>()
    for (index, scale) in scales.enumerated() {
      let at = "scales[\(index)]"
      let who = "\(at) (\(scale.name))"
      func add(_ s: CodebookProblem.Severity, _ code: String, _ message: String, _ path: String) {
        out.append(problem(s, code, message, path: path, scale: scale.name))
      }
      if !scale.name.isEmpty, !scaleNames.insert(scale.name).inserted {
        add(.error, "duplicate-scale", "\(who): another scale is already named \"\(scale.name)\"; scale names must be unique", "\(at).name")
      }
      if scale.items.isEmpty {
        add(.error, "empty-scale", "\(who) has no items; list its columns under items", "\(at).items")
      }
      var seenItems = Set<String>()
      for item in scale.items where !seenItems.insert(item).inserted {
        add(.error, "duplicate-item", "\(who): item \"\(item)\" is listed twice; list each column once", "\(at).items")
      }
      var inst: Instrument?
      if let id = scale.instrument {
        inst = InstrumentCatalog[id]
        if inst == nil {
          let near = Suggest.closest(to: id, in: InstrumentCatalog.ids) ?? ""
          add(.error, "unknown-instrument",
            "\(who): unknown instrument \"\(id)\"; did you mean \"\(near)\"? Built-in: \(InstrumentCatalog.ids.joined(separator: ", "))",
            "\(at).instrument")
        }
      }
      if let inst, !scale.items.isEmpty, scale.items.count != inst.itemCount {
        add(.error, "instrument-item-count",
          "\(who): instrument \(inst.id) has \(inst.itemCount) items but the scale lists \(scale.items.count); list all \(inst.itemCount) columns in the instrument's order",
          "\(at).items")
      }
      if let r = scale.range, !(r.min < r.max) {
        add(.error, "invalid-range",
          "\(who): range [\(fmt(r.min)), \(fmt(r.max))] is invalid: min must be less than max, e.g. [1, 5]", "\(at).range")
      }
      if effectiveRange(of: scale) == nil && scale.itemRanges.count < scale.items.count {
        add(.error, "missing-range",
          "\(who) has no range; add range: [min, max] (reverse keying and range checks need it)", at)
      }
      for item in scale.itemRanges.keys.sorted() {
        let r = scale.itemRanges[item]!
        if !scale.items.contains(item) {
          add(.error, "item-range-not-in-items",
            "\(who): item_ranges names \"\(item)\", which is not one of the scale's items; add it to items or remove it", "\(at).item_ranges.\(item)")
        }
        if !(r.min < r.max) {
          add(.error, "invalid-range",
            "\(who): item_ranges.\(item) [\(fmt(r.min)), \(fmt(r.max))] is invalid: min must be less than max, e.g. [1, 5]", "\(at).item_ranges.\(item)")
        }
      }
      for item in scale.reverse ?? [] where !scale.items.contains(item) {
        add(.error, "reverse-not-in-items",
          "\(who): reverse item \"\(item)\" is not one of the scale's items; add it to items or remove it from reverse", "\(at).reverse")
      }
      if let inst, let explicit = scale.reverse, scale.items.count == inst.itemCount {
        let keyed = inst.reverseItems.map { scale.items[$0 - 1] }
        if Set(keyed) != Set(explicit) {
          add(.warning, "reverse-differs-from-instrument",
            "\(who): reverse [\(explicit.joined(separator: ", "))] differs from \(inst.id)'s keys [\(keyed.joined(separator: ", "))]; the codebook's reverse is used",
            "\(at).reverse")
        }
      }
      if let inst, let d = scale.direction, d != inst.direction {
        add(.warning, "direction-differs-from-instrument",
          "\(who): direction \(d.rawValue) differs from \(inst.id)'s \(inst.direction.rawValue); the codebook's direction is used",
          "\(at).direction")
      }
      if let m = scale.minItems, !scale.items.isEmpty, m > scale.items.count || m < 1 {
        add(.error, "invalid-min-items",
          "\(who): min_items \(m) must be between 1 and the scale's \(scale.items.count) items", "\(at).min_items")
      }
      if let name = scale.labels, !mapNames.contains(name) {
        add(.error, "unknown-label-map", "\(who): labels \"\(name)\" is not defined under labels; \(defined(name, mapNames))", "\(at).labels")
      }
      for item in scale.itemLabels.keys.sorted() {
        let name = scale.itemLabels[item]!
        if !scale.items.contains(item) {
          add(.error, "item-labels-not-in-items",
            "\(who): item_labels names \"\(item)\", which is not one of the scale's items; add it to items or remove it", "\(at).item_labels.\(item)")
        }
        if !mapNames.contains(name) {
          add(.error, "unknown-label-map",
            "\(who): item_labels.\(item) \"\(name)\" is not defined under labels; \(defined(name, mapNames))", "\(at).item_labels.\(item)")
        }
      }
      if let fav = scale.favourable, let r = effectiveRange(of: scale) {
        for v in fav where v < r.min || v > r.max {
          add(.error, "favourable-out-of-range",
            "\(who): favourable value \(fmt(v)) is outside the range [\(fmt(r.min)), \(fmt(r.max))]", "\(at).favourable")
        }
      }
      if let m = scale.mratMinAnswered, !(m > 0 && m <= 1) {
        add(.error, "invalid-mrat-min-answered",
          "\(who): mrat_min_answered \(fmt(m)) must be a share in (0, 1], e.g. 0.8", "\(at).mrat_min_answered")
      }
    }
    var outcomeNames = Set<String>()
    for (index, outcome) in outcomes.enumerated() where !outcome.name.isEmpty {
      if !outcomeNames.insert(outcome.name).inserted || scaleNames.contains(outcome.name) {
        out.append(problem(.error, "duplicate-name",
          "outcomes[\(index)] (\(outcome.name)): the name is already used by another scale or outcome; names must be unique",
          path: "outcomes[\(index)].name"))
      }
    }
    if let analyses { out += validateAnalyses(analyses, scaleNames: scales.map(\.name)) }
    return out
  }

  private func defined(_ name: String, _ names: [String]) -> String {
    guard let near = Suggest.closest(to: name, in: names) else { return "no label maps are defined; add one under labels" }
    return "did you mean \"\(near)\"?"
  }

  private func validateAnalyses(_ a: AnalysesSpec, scaleNames: [String]) -> [CodebookProblem] {
    var out: [CodebookProblem] = []
    func check(_ name: String, _ path: String) {
      guard !scaleNames.contains(name) else { return }
      let hint = Suggest.closest(to: name, in: scaleNames).map { "did you mean \"\($0)\"?" } ?? "no scales are defined"
      out.append(problem(.error, "unknown-scale", "\(path): \"\(name)\" is not a scale of this codebook; \(hint)", path: path))
    }
    for name in a.reliability ?? [] { check(name, "analyses.reliability") }
    for (i, f) in a.factors.enumerated() {
      let path = a.factors.count == 1 ? "analyses.factors" : "analyses.factors[\(i)]"
      check(f.scale, "\(path).scale")
      if let target = f.target, let scale = scale(named: f.scale) {
        for item in target.keys.sorted() where !scale.items.contains(item) {
          out.append(problem(.error, "target-item-not-in-scale",
            "\(path).target: \"\(item)\" is not an item of \(f.scale); use the scale's item names", path: "\(path).target.\(item)"))
        }
        let widths = Set(target.values.map(\.count))
        if widths.count > 1 {
          out.append(problem(.error, "ragged-target",
            "\(path).target rows have different lengths (\(widths.sorted().map(String.init).joined(separator: ", "))); give every item one entry per factor",
            path: "\(path).target"))
        }
      }
    }
    for (i, v) in a.values.enumerated() {
      check(v.scale, a.values.count == 1 ? "analyses.values.scale" : "analyses.values[\(i)].scale")
    }
    for (i, g) in a.aggregate.enumerated() {
      for s in g.scales { check(s, a.aggregate.count == 1 ? "analyses.aggregate.scales" : "analyses.aggregate[\(i)].scales") }
    }
    return out
  }

  // MARK: - Against the file

  /// Every column the codebook refers to, with the key path that names it.
  public var referencedColumns: [(column: String, path: String)] {
    var out: [(String, String)] = []
    if let id { out.append((id, "id")) }
    for (i, g) in groups.enumerated() { out.append((g, groups.count == 1 ? "groups" : "groups[\(i)]")) }
    for (i, c) in cuts.enumerated() { out.append((c, "cuts[\(i)]")) }
    for (i, s) in scales.enumerated() {
      for item in s.items { out.append((item, "scales[\(i)].items")) }
    }
    for (i, o) in outcomes.enumerated() { out.append((o.column, "outcomes[\(i)].column")) }
    for (name, path) in analysisColumns { out.append((name, path)) }
    return out
  }

  /// Numeric columns referenced by analyses that are neither scales nor outcomes.
  var analysisColumns: [(String, String)] {
    guard let a = analyses else { return [] }
    let known = Set(scales.map(\.name) + outcomes.map(\.name) + groups + cuts)
    var out: [(String, String)] = []
    for c in a.correlate {
      for v in c.variables + c.with + c.covariates where !known.contains(v) { out.append((v, "analyses.correlate")) }
    }
    for r in a.retention {
      for v in [r.outcome] + r.predictors + r.covariates where !known.contains(v) { out.append((v, "analyses.retention")) }
    }
    for d in a.drivers {
      for v in [d.outcome] + d.predictors where !known.contains(v) { out.append((v, "analyses.drivers")) }
    }
    var seen = Set<String>()
    return out.filter { seen.insert($0.0).inserted }
  }

  /// The column index a canonical name refers to: its alias text matched exactly against any
  /// header row, else the name among `columns` (header row 1), else nil.
  public func columnIndex(of name: String, columns names: [String], headerRows: [[String]]) -> Int? {
    if let alias = columns.first(where: { $0.name == name }) {
      for row in headerRows.isEmpty ? [names] : headerRows {
        if let i = row.firstIndex(of: alias.header) { return i }
      }
      return names.firstIndex(of: alias.header)
    }
    return names.firstIndex(of: name)
  }

  /// Checks every referenced column (and alias) against the file's header: a missing column
  /// is an error listing the three closest column names.
  ///
  /// - Parameters:
  ///   - names: the canonical column names (the first header row).
  ///   - headerRows: every header row (Qualtrics has 3); aliases match any of them.
  public func validate(againstColumns names: [String], headerRows: [[String]]) -> [CodebookProblem] {
    var out: [CodebookProblem] = []
    for alias in columns where columnIndex(of: alias.name, columns: names, headerRows: headerRows) == nil {
      let cells = Array(Set((headerRows.isEmpty ? [names] : headerRows).flatMap { $0 })).sorted()
      let near = Suggest.closest(to: alias.header, in: cells, limit: 3)
      out.append(problem(.error, "alias-not-in-file",
        "column alias \(alias.name) (columns.\(alias.name)): no header cell is \"\(alias.header)\"; closest: \(Suggest.quoted(near))",
        path: "columns.\(alias.name)"))
    }
    var reported = Set<String>()
    for (column, path) in referencedColumns where !columns.contains(where: { $0.name == column }) {
      guard columnIndex(of: column, columns: names, headerRows: headerRows) == nil, reported.insert(column).inserted else { continue }
      let near = Suggest.closest(to: column, in: names, limit: 3)
      out.append(problem(.error, "column-not-in-file",
        "column \"\(column)\" (\(path)) is not in the file; closest: \(Suggest.quoted(near)); fix the name or add an alias under columns",
        path: path))
    }
    return out
  }

  /// The label map that applies to an item column (its `item_labels`, else its scale's `labels`).
  public func labelMap(forItem column: String) -> (scale: ScaleSpec, map: LabelMap?)? {
    guard let scale = scales.first(where: { $0.items.contains(column) }) else { return nil }
    let name = scale.itemLabels[column] ?? scale.labels
    return (scale, name.flatMap { labelMap(named: $0) })
  }

  /// Checks the text answers seen in an item column against its label map.
  ///
  /// - Parameter observed: distinct trimmed cell texts → counts. Numeric texts pass through
  ///   (they are codes, not labels) and missing codes are ignored.
  /// - Returns: nil when every text maps; otherwise an error listing the unmapped texts with
  ///   their counts, most frequent first.
  public func unmappedLabels(column: String, observed: [String: Int]) -> CodebookProblem? {
    guard let (scale, map) = labelMap(forItem: column) else { return nil }
    let codes = missing + scale.missing + (instrument(of: scale)?.missingCodes.map(MissingCode.init) ?? [])
    let unmapped = observed.filter { text, _ in
      let t = text.trimmingASCIIWhitespace()
      if t.isEmpty || Double(t) != nil { return false }
      if codes.contains(where: { $0.text == t }) { return false }
      return map?.value(for: t) == nil
    }
    guard !unmapped.isEmpty else { return nil }
    let list = unmapped.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
      .map { "\"\($0.key)\" (\($0.value))" }.joined(separator: ", ")
    let index = scales.firstIndex(where: { $0.name == scale.name })!
    let n = unmapped.count
    let texts = n == 1 ? "1 answer text is" : "\(n) answer texts are"
    if let map {
      return problem(.error, "unmapped-labels",
        "column \"\(column)\": \(texts) not in label map \"\(map.name)\": \(list); add them to labels.\(map.name) or to missing",
        path: scale.itemLabels[column] != nil ? "scales[\(index)].item_labels.\(column)" : "scales[\(index)].labels",
        scale: scale.name)
    }
    return problem(.error, "unmapped-labels",
      "column \"\(column)\": \(texts) not numbers and scale \(scale.name) has no labels: \(list); add a label map under labels and name it in scales[\(index)].labels",
      path: "scales[\(index)]", scale: scale.name)
  }
}

/// Shortest text for a number in messages: 5 not 5.0.
func fmt(_ x: Double) -> String {
  if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
  return "\(x)"
}
