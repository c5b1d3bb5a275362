import Foundation
import Yams

extension Codebook {
  /// Loads a codebook from a YAML or JSON file.
  ///
  /// - Throws: ``CodebookError`` listing every structural problem (YAML syntax, unknown keys
  ///   with the closest valid key, wrong value types, invalid enum values), each with the
  ///   file name and line. Semantic checks are in ``validate()``.
  public static func load(contentsOf url: URL) throws -> Codebook {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw CodebookError(problems: [
        CodebookProblem(
          .error, code: "unreadable-codebook",
          message: "cannot read the codebook \(url.path) as UTF-8 text: \(error.localizedDescription)",
          fileName: url.lastPathComponent)
      ])
    }
    return try parse(text, fileName: url.lastPathComponent)
  }

  /// Parses codebook text (YAML, or the same structure as JSON).
  public static func parse(_ text: String, fileName: String = "codebook.yaml") throws -> Codebook {
    var text = text
    // JSON allows tabs as whitespace, YAML does not; raw tabs in valid JSON occur only
    // between tokens (inside strings they are escaped), so they can become spaces.
    if text.drop(while: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }).first == "{" {
      text = text.replacingOccurrences(of: "\t", with: " ")
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw CodebookError(problems: [yamlProblem(error, fileName: fileName)])
    }
    var reader = CodebookReader(fileName: fileName)
    guard let root else {
      throw CodebookError(problems: [
        CodebookProblem(
          .error, code: "empty-codebook",
          message: "the codebook is empty; start from `candor init FILE` or design.md §4",
          fileName: fileName)
      ])
    }
    let book = reader.readRoot(root)
    if !reader.problems.isEmpty { throw CodebookError(problems: reader.problems) }
    return book
  }

  /// Loads a codebook and runs ``validate()``: throws ``CodebookError`` when any error is
  /// found, and returns the warnings (e.g. `reverse-differs-from-instrument`) otherwise.
  public static func loadValidated(contentsOf url: URL) throws -> (codebook: Codebook, warnings: [CodebookProblem]) {
    let book = try load(contentsOf: url)
    let problems = book.validate()
    if problems.contains(where: { $0.severity == .error }) { throw CodebookError(problems: problems) }
    return (book, problems)
  }

  static func yamlProblem(_ error: YamlError, fileName: String) -> CodebookProblem {
    var line: Int?
    var text = "\(error)"
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
      line = mark.line
      text = problem
    case .composer(_, let problem, let mark, _):
      line = mark.line
      text = problem
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
      return CodebookProblem(
        .error, code: "duplicate-key",
        message: "key \(keys) appears more than once in the mapping that starts on this line; keep one",
        fileName: fileName, line: context.mark.line)
    default: break
    }
    return CodebookProblem(
      .error, code: "yaml-syntax",
      message: "the codebook is not valid YAML: \(text); check indentation and quoting near this line",
      fileName: fileName, line: line)
  }
}

/// Walks the YAML node tree, recording key lines and collecting problems.
struct CodebookReader {
  let fileName: String
  var problems: [CodebookProblem] = []
  var lines: [String: Int] = [:]

  static let rootKeys = [
    "version", "format", "sheet", "delimiter", "encoding", "columns", "id", "group", "groups", "cuts",
    "min_group_size", "headcounts", "missing", "screens", "labels", "scales", "outcomes", "analyses",
  ]
  static let scaleKeys = [
    "name", "instrument", "items", "reverse", "range", "item_ranges", "missing", "recode", "labels",
    "item_labels", "direction", "min_items", "scoring", "favourable", "mrat_min_answered",
  ]
  static let screenKeys = ["qualtrics_status", "unfinished", "duplicate_ids", "straightlining"]
  static let outcomeKeys = ["name", "column", "event"]
  static let analysisKeys = ["reliability", "factors", "values", "correlate", "retention", "aggregate", "drivers"]
  static let factorKeys = ["scale", "n", "method", "rotation", "target", "correlation"]
  static let valuesKeys = ["scale", "mds"]
  static let correlateKeys = ["variables", "with", "covariates", "method"]
  static let retentionKeys = ["outcome", "predictors", "covariates", "cluster"]
  static let aggregateKeys = ["by", "scales"]
  static let driversKeys = ["outcome", "predictors"]

  init(fileName: String) { self.fileName = fileName }

  mutating func error(_ code: String, _ message: String, path: String?, node: Node? = nil) {
    let line = node?.mark?.line ?? path.flatMap { lines[$0] }
    problems.append(CodebookProblem(.error, code: code, message: message, path: path, fileName: fileName, line: line))
  }

  func kind(_ node: Node) -> String {
    switch node {
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .scalar(let s): "\"\(s.string)\""
    case .alias: "an alias"
    }
  }

  func isNull(_ node: Node) -> Bool {
    if case .scalar(let s) = node, s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) {
      return true
    }
    return false
  }

  /// A mapping's entries, with unknown keys reported (closest valid key named).
  mutating func entries(_ node: Node, path: String, allowed: [String]?, what: String) -> [(String, Node, String)] {
    guard case .mapping(let mapping) = node else {
      error("wrong-type", "\(path.isEmpty ? "the codebook" : path) must be \(what), got \(kind(node))", path: path, node: node)
      return []
    }
    var out: [(String, Node, String)] = []
    var seen = Set<String>()
    for (keyNode, value) in mapping {
      let key = keyNode.scalar?.string ?? "\(keyNode)"
      let child = path.isEmpty ? key : "\(path).\(key)"
      if let line = keyNode.mark?.line { lines[child] = line }
      if !seen.insert(key).inserted {
        error("duplicate-key", "key \"\(key)\" appears twice at \(child); keep one", path: child, node: keyNode)
        continue
      }
      if let allowed, !allowed.contains(key) {
        let near = Suggest.closest(to: key, in: allowed) ?? ""
        error(
          "unknown-key", "unknown key \"\(key)\" at \(child); did you mean \"\(near)\"?", path: child, node: keyNode)
        continue
      }
      out.append((key, value, child))
    }
    return out
  }

  mutating func string(_ node: Node, path: String) -> String? {
    guard case .scalar(let s) = node else {
      error("wrong-type", "\(path) must be a single value, got \(kind(node))", path: path, node: node)
      return nil
    }
    return s.string
  }

  mutating func optionalString(_ node: Node, path: String) -> String? {
    isNull(node) ? nil : string(node, path: path)
  }

  mutating func number(_ node: Node, path: String) -> Double? {
    guard let text = string(node, path: path) else { return nil }
    guard let value = Double(text.trimmingASCIIWhitespace()), value.isFinite else {
      error("wrong-type", "\(path) must be a number, got \"\(text)\"", path: path, node: node)
      return nil
    }
    return value
  }

  mutating func integer(_ node: Node, path: String) -> Int? {
    guard let text = string(node, path: path) else { return nil }
    guard let value = Int(text.trimmingASCIIWhitespace()) else {
      error("wrong-type", "\(path) must be a whole number, got \"\(text)\"", path: path, node: node)
      return nil
    }
    return value
  }

  mutating func bool(_ node: Node, path: String) -> Bool? {
    guard let text = string(node, path: path) else { return nil }
    switch text.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default:
      error("wrong-type", "\(path) must be true or false, got \"\(text)\"", path: path, node: node)
      return nil
    }
  }

  /// A list of strings; a single scalar is accepted as a one-element list.
  mutating func strings(_ node: Node, path: String) -> [String]? {
    switch node {
    case .scalar(let s): return [s.string]
    case .sequence(let seq):
      var out: [String] = []
      for (i, element) in seq.enumerated() {
        if let s = string(element, path: "\(path)[\(i)]") { out.append(s) }
      }
      return out
    default:
      error("wrong-type", "\(path) must be a list of names, got \(kind(node))", path: path, node: node)
      return nil
    }
  }

  mutating func numbers(_ node: Node, path: String) -> [Double]? {
    guard case .sequence(let seq) = node else {
      error("wrong-type", "\(path) must be a list of numbers, got \(kind(node))", path: path, node: node)
      return nil
    }
    var out: [Double] = []
    for (i, element) in seq.enumerated() {
      if let v = number(element, path: "\(path)[\(i)]") { out.append(v) }
    }
    return out
  }

  mutating func range(_ node: Node, path: String) -> ResponseRange? {
    guard let values = numbers(node, path: path) else { return nil }
    guard values.count == 2 else {
      error("wrong-type", "\(path) must be [min, max], got \(values.count) numbers", path: path, node: node)
      return nil
    }
    return ResponseRange(values[0], values[1])
  }

  mutating func choice<E: RawRepresentable & CaseIterable>(_ node: Node, path: String, as type: E.Type) -> E?
  where E.RawValue == String {
    guard let text = string(node, path: path) else { return nil }
    if let value = E(rawValue: text) { return value }
    let valid = E.allCases.map(\.rawValue)
    let near = Suggest.closest(to: text, in: valid) ?? ""
    error(
      "invalid-value",
      "\(path): \"\(text)\" is not one of \(valid.joined(separator: ", ")); did you mean \"\(near)\"?",
      path: path, node: node)
    return nil
  }

  mutating func missingCodes(_ node: Node, path: String) -> [MissingCode]? {
    guard case .sequence(let seq) = node else {
      error("wrong-type", "\(path) must be a list of codes, e.g. [\"\", \"NA\", -99], got \(kind(node))", path: path, node: node)
      return nil
    }
    var out: [MissingCode] = []
    for (i, element) in seq.enumerated() {
      if let s = string(element, path: "\(path)[\(i)]") { out.append(MissingCode(s)) }
    }
    return out
  }

  /// A mapping of names to strings (column aliases, item_labels).
  mutating func stringMap(_ node: Node, path: String) -> [(String, String)] {
    var out: [(String, String)] = []
    for (key, value, child) in entries(node, path: path, allowed: nil, what: "a mapping of names to texts") {
      if let s = string(value, path: child) { out.append((key, s)) }
    }
    return out
  }

  // MARK: - Sections

  mutating func readRoot(_ root: Node) -> Codebook {
    var book = Codebook()
    var sawGroup = false, sawGroups = false
    for (key, value, path) in entries(root, path: "", allowed: Self.rootKeys, what: "a mapping of codebook keys") {
      switch key {
      case "version":
        if let v = integer(value, path: path) {
          if v != 1 {
            error("unsupported-version", "version \(v) is not supported; this Candor reads codebook version 1", path: path, node: value)
          }
          book.version = v
        }
      case "format": if let f = choice(value, path: path, as: ExportLayout.self) { book.format = f }
      case "sheet":
        if !isNull(value), let s = string(value, path: path) {
          if let i = Int(s), case .scalar(let sc) = value, sc.style == .plain { book.sheet = .index(i) } else { book.sheet = .name(s) }
        }
      case "delimiter":
        if let s = string(value, path: path) {
          if let d = Delimiter(codebook: s) {
            book.delimiter = d
          } else {
            error("invalid-value", "\(path): \"\(s)\" is not one of auto, \",\", \";\", \"\\t\"", path: path, node: value)
          }
        }
      case "encoding": if let e = choice(value, path: path, as: TextEncoding.self) { book.encoding = e }
      case "columns":
        book.columns = stringMap(value, path: path).map { ColumnAlias(name: $0.0, header: $0.1) }
      case "id": book.id = optionalString(value, path: path)
      case "group":
        sawGroup = true
        lines["groups"] = lines["group"]
        if let s = optionalString(value, path: path) { book.groups = [s] }
      case "groups":
        sawGroups = true
        if !isNull(value), let g = strings(value, path: path) { book.groups = g }
      case "cuts": if !isNull(value), let c = strings(value, path: path) { book.cuts = c }
      case "min_group_size": if let v = integer(value, path: path) { book.minGroupSize = v }
      case "headcounts": book.headcounts = optionalString(value, path: path)
      case "missing": if let m = missingCodes(value, path: path) { book.missing = m }
      case "screens": book.screens = readScreens(value, path: path)
      case "labels": book.labels = readLabels(value, path: path)
      case "scales":
        guard case .sequence(let seq) = value else {
          error("wrong-type", "scales must be a list of scales (each starting with `- name:`), got \(kind(value))", path: path, node: value)
          continue
        }
        book.scales = seq.enumerated().map { readScale($0.element, path: "scales[\($0.offset)]") }
      case "outcomes":
        guard case .sequence(let seq) = value else {
          error("wrong-type", "outcomes must be a list (each starting with `- name:`), got \(kind(value))", path: path, node: value)
          continue
        }
        book.outcomes = seq.enumerated().map { readOutcome($0.element, path: "outcomes[\($0.offset)]") }
      case "analyses": book.analyses = readAnalyses(value, path: path)
      default: break
      }
    }
    if sawGroup && sawGroups {
      error("conflicting-keys", "both group and groups are given; keep groups (outermost first)", path: "group")
    }
    book.origin = CodebookOrigin(fileName: fileName, lines: lines)
    return book
  }

  mutating func readScreens(_ node: Node, path: String) -> Screens {
    var screens = Screens()
    for (key, value, child) in entries(node, path: path, allowed: Self.screenKeys, what: "a mapping of screens") {
      switch key {
      case "qualtrics_status":
        if isNull(value) { screens.qualtricsStatus = [] } else if let s = strings(value, path: child) {
          screens.qualtricsStatus = s.map { QualtricsStatus.name(forCode: $0) ?? $0 }
        }
      case "unfinished": if let b = bool(value, path: child) { screens.unfinished = b }
      case "duplicate_ids": if let p = choice(value, path: child, as: DuplicateIdPolicy.self) { screens.duplicateIds = p }
      case "straightlining": if let p = choice(value, path: child, as: StraightliningPolicy.self) { screens.straightlining = p }
      default: break
      }
    }
    return screens
  }

  mutating func readLabels(_ node: Node, path: String) -> [LabelMap] {
    var maps: [LabelMap] = []
    for (name, value, child) in entries(node, path: path, allowed: nil, what: "a mapping of label-map names") {
      var entries: [(text: String, value: Double)] = []
      for (text, code, entryPath) in self.entries(value, path: child, allowed: nil, what: "a mapping of answer texts to numbers") {
        if let v = number(code, path: entryPath) { entries.append((text.trimmingASCIIWhitespace(), v)) }
      }
      maps.append(LabelMap(name: name, entries: entries))
    }
    return maps
  }

  mutating func readScale(_ node: Node, path: String) -> ScaleSpec {
    if let line = node.mark?.line { lines[path] = line }
    var scale = ScaleSpec()
    var sawName = false
    for (key, value, child) in entries(node, path: path, allowed: Self.scaleKeys, what: "a mapping of scale keys") {
      switch key {
      case "name": if let s = string(value, path: child) { scale.name = s; sawName = true }
      case "instrument": scale.instrument = optionalString(value, path: child)
      case "items": if let s = strings(value, path: child) { scale.items = s }
      case "reverse": if !isNull(value) { scale.reverse = strings(value, path: child) }
      case "range": if !isNull(value) { scale.range = range(value, path: child) }
      case "item_ranges":
        for (item, r, p) in entries(value, path: child, allowed: nil, what: "a mapping of item → [min, max]") {
          if let r = range(r, path: p) { scale.itemRanges[item] = r }
        }
      case "missing": if let m = missingCodes(value, path: child) { scale.missing = m }
      case "recode":
        for (from, to, p) in entries(value, path: child, allowed: nil, what: "a mapping of code → code or missing") {
          guard let f = Double(from.trimmingASCIIWhitespace()) else {
            error("wrong-type", "\(p): recode keys must be numbers, got \"\(from)\"", path: p)
            continue
          }
          if isNull(to) || to.scalar?.string == "missing" {
            scale.recode.append(RecodeEntry(from: f, to: nil))
          } else if let t = number(to, path: p) {
            scale.recode.append(RecodeEntry(from: f, to: t))
          }
        }
      case "labels": scale.labels = optionalString(value, path: child)
      case "item_labels":
        for (item, map) in stringMap(value, path: child) { scale.itemLabels[item] = map }
      case "direction": scale.direction = choice(value, path: child, as: ResponseDirection.self)
      case "min_items": scale.minItems = integer(value, path: child)
      case "scoring": if let s = choice(value, path: child, as: ScoringMethod.self) { scale.scoring = s }
      case "favourable": if !isNull(value) { scale.favourable = numbers(value, path: child) }
      case "mrat_min_answered": scale.mratMinAnswered = number(value, path: child)
      default: break
      }
    }
    if !sawName, case .mapping = node {
      error("missing-key", "\(path) has no name; add `name: <scale>`", path: path, node: node)
    }
    return scale
  }

  mutating func readOutcome(_ node: Node, path: String) -> OutcomeSpec {
    if let line = node.mark?.line { lines[path] = line }
    var outcome = OutcomeSpec()
    for (key, value, child) in entries(node, path: path, allowed: Self.outcomeKeys, what: "a mapping of outcome keys") {
      switch key {
      case "name": outcome.name = string(value, path: child) ?? ""
      case "column": outcome.column = string(value, path: child) ?? ""
      case "event": if !isNull(value) { outcome.event = strings(value, path: child) }
      default: break
      }
    }
    if outcome.column.isEmpty { outcome.column = outcome.name }
    if outcome.name.isEmpty, case .mapping = node {
      error("missing-key", "\(path) has no name; add `name: <outcome>`", path: path, node: node)
    }
    return outcome
  }

  /// One mapping or a list of mappings.
  mutating func each(_ node: Node, path: String, _ body: (inout CodebookReader, Node, String) -> Void) {
    if case .sequence(let seq) = node {
      for (i, element) in seq.enumerated() { body(&self, element, "\(path)[\(i)]") }
    } else {
      body(&self, node, path)
    }
  }

  mutating func readAnalyses(_ node: Node, path: String) -> AnalysesSpec {
    var spec = AnalysesSpec()
    for (key, value, child) in entries(node, path: path, allowed: Self.analysisKeys, what: "a mapping of analyses") {
      switch key {
      case "reliability": spec.reliability = strings(value, path: child)
      case "factors":
        each(value, path: child) { r, n, p in spec.factors.append(r.readFactors(n, path: p)) }
      case "values":
        each(value, path: child) { r, n, p in
          var v = ValuesSpec()
          for (k, x, q) in r.entries(n, path: p, allowed: Self.valuesKeys, what: "a mapping") {
            if k == "scale" { v.scale = r.string(x, path: q) ?? "" } else { v.mds = r.bool(x, path: q) ?? true }
          }
          spec.values.append(v)
        }
      case "correlate":
        each(value, path: child) { r, n, p in
          var c = CorrelateSpec()
          for (k, x, q) in r.entries(n, path: p, allowed: Self.correlateKeys, what: "a mapping") {
            switch k {
            case "variables": c.variables = r.strings(x, path: q) ?? []
            case "with": c.with = r.strings(x, path: q) ?? []
            case "covariates": c.covariates = r.strings(x, path: q) ?? []
            default: c.method = r.string(x, path: q) ?? c.method
            }
          }
          spec.correlate.append(c)
        }
      case "retention":
        each(value, path: child) { r, n, p in
          var c = RetentionSpec()
          for (k, x, q) in r.entries(n, path: p, allowed: Self.retentionKeys, what: "a mapping") {
            switch k {
            case "outcome": c.outcome = r.string(x, path: q) ?? ""
            case "predictors": c.predictors = r.strings(x, path: q) ?? []
            case "covariates": c.covariates = r.strings(x, path: q) ?? []
            default: c.cluster = r.optionalString(x, path: q)
            }
          }
          spec.retention.append(c)
        }
      case "aggregate":
        each(value, path: child) { r, n, p in
          var c = AggregateSpec()
          for (k, x, q) in r.entries(n, path: p, allowed: Self.aggregateKeys, what: "a mapping") {
            if k == "by" { c.by = r.string(x, path: q) ?? "" } else { c.scales = r.strings(x, path: q) ?? [] }
          }
          spec.aggregate.append(c)
        }
      case "drivers":
        each(value, path: child) { r, n, p in
          var c = DriversSpec()
          for (k, x, q) in r.entries(n, path: p, allowed: Self.driversKeys, what: "a mapping") {
            if k == "outcome" { c.outcome = r.string(x, path: q) ?? "" } else { c.predictors = r.strings(x, path: q) ?? [] }
          }
          spec.drivers.append(c)
        }
      default: break
      }
    }
    return spec
  }

  mutating func readFactors(_ node: Node, path: String) -> FactorsSpec {
    var f = FactorsSpec()
    for (key, value, child) in entries(node, path: path, allowed: Self.factorKeys, what: "a mapping of factor-analysis keys") {
      switch key {
      case "scale": f.scale = string(value, path: child) ?? ""
      case "n":
        if let s = string(value, path: child) {
          if s == "parallel" { f.n = .parallel } else if let k = Int(s), k >= 1 { f.n = .fixed(k) } else {
            error("invalid-value", "\(child) must be a number of factors ≥ 1 or parallel, got \"\(s)\"", path: child, node: value)
          }
        }
      case "method": f.method = string(value, path: child) ?? f.method
      case "rotation": f.rotation = string(value, path: child) ?? f.rotation
      case "correlation": f.correlation = string(value, path: child) ?? f.correlation
      case "target":
        var target: [String: [Double?]] = [:]
        for (item, row, p) in entries(value, path: child, allowed: nil, what: "a mapping of item → loadings") {
          guard case .sequence(let seq) = row else {
            error("wrong-type", "\(p) must be a list of loadings (null = free), got \(kind(row))", path: p, node: row)
            continue
          }
          target[item] = seq.enumerated().map { isNull($0.element) ? nil : number($0.element, path: "\(p)[\($0.offset)]") }
        }
        f.target = target
      default: break
      }
    }
    return f
  }
}
