import Foundation

/// One problem `candor validate` found, with its position.
public struct ValidationIssue: Sendable, Equatable, Codable, CustomStringConvertible {
  public enum Severity: String, Sendable, Codable {
    case error, warning
  }
  public var severity: Severity
  /// Stable kebab-case code (`column-not-in-file`, `out-of-range`, `duplicate-id`, …).
  public var code: String
  /// Where: `codebook.yaml:12`, `export.csv: line 815 (record 812)`, `export.csv, column "ps3"`.
  public var location: String
  public var message: String

  public init(_ severity: Severity, code: String, location: String, message: String) {
    self.severity = severity; self.code = code; self.location = location; self.message = message
  }

  /// `location: error: message`.
  public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Everything `candor validate` found: problems, rows read, and the rows the screens would
/// exclude (by reason).
public struct ValidationReport: Sendable {
  public var issues: [ValidationIssue] = []
  /// Data rows read (nil when the file could not be opened or the codebook not loaded).
  public var rows: Int?
  public var exclusions = ExclusionCounts()
  /// Checks that could not run, and why.
  public var notes: [String] = []

  public var errorCount: Int { issues.filter { $0.severity == .error }.count }
  public var warningCount: Int { issues.count - errorCount }

  /// JSON shape of the report.
  public struct Document: Codable, Sendable, Equatable {
    public struct Exclusion: Codable, Sendable, Equatable {
      public var reason: String
      public var count: Int
    }
    public var errors: Int
    public var warnings: Int
    public var rows: Int?
    public var rowsExcluded: [Exclusion]
    public var straightlinedKept: Int
    public var issues: [ValidationIssue]
    public var notes: [String]
  }

  /// The report as plain values (what the JSON holds).
  public var document: Document {
    Document(errors: errorCount, warnings: warningCount, rows: rows,
             rowsExcluded: exclusions.sorted.map { Document.Exclusion(reason: $0.reason, count: $0.count) },
             straightlinedKept: exclusions.straightlinedKept, issues: issues, notes: notes)
  }

  /// Pretty JSON with sorted keys.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(document), as: UTF8.self)
  }

  /// The report as text: one line per problem, then rows, exclusions and a summary count.
  public func rendered() -> String {
    var out = issues.map { $0.description + "\n" }.joined()
    for note in notes { out += "note: \(note)\n" }
    if let rows {
      out += "rows: \(rows) data rows read"
      if exclusions.total > 0 {
        out += "; the screens would exclude \(exclusions.total) ("
          + exclusions.sorted.map { "\($0.reason) \($0.count)" }.joined(separator: ", ") + ")"
      } else {
        out += "; the screens would exclude none"
      }
      if exclusions.straightlinedKept > 0 { out += "; \(exclusions.straightlinedKept) straight-lined rows kept (warn)" }
      out += "\n"
    }
    out += "summary: \(errorCount) error\(errorCount == 1 ? "" : "s"), \(warningCount) warning\(warningCount == 1 ? "" : "s")\n"
    return out
  }
}

/// `candor validate`: checks a codebook and an export together and collects every problem
/// instead of stopping at the first.
///
/// Checks, in order: the codebook itself (YAML, keys, values — with codebook file:line), the
/// columns it names against the file's header (closest names), then one streaming pass over
/// the data: label maps missing answer texts present in the data (with counts), values out
/// of range (row, column, value — the first ``listLimit`` per column, the rest counted),
/// non-numeric cells in numeric variables, duplicate ids, and the rows each screen would
/// exclude. A read error (a ragged row, a bad quote) ends the pass; it is reported with its
/// position.
///
/// Memory: per item column at most ``textCap`` distinct unmapped texts; duplicate ids take
/// one 64-bit hash and one Int32 per distinct id (as ``RowScreener``).
public enum ExportValidation {
  /// Problems listed per column; further ones are counted.
  public static let listLimit = 20
  /// Distinct unmapped texts tracked per column.
  public static let textCap = 1000

  /// Validates `path` against the codebook at `codebookURL`.
  ///
  /// - Throws: only when the codebook file cannot be read at all (I/O); every other problem
  ///   is in the report.
  public static func validate(path: String, codebookURL: URL, threads: Int = 1,
                              options: SourceOptions? = nil) throws -> ValidationReport {
    let book: Codebook
    do {
      book = try Codebook.load(contentsOf: codebookURL)
    } catch let error as CodebookError {
      var report = ValidationReport()
      report.issues = error.problems.map(issue)
      report.notes.append("the data were not checked: fix the codebook so it loads first")
      return report
    }
    return validate(path: path, codebook: book, threads: threads, options: options)
  }

  /// Validates `path` against a loaded codebook; `options` overrides the codebook's dialect
  /// settings (tests use it for small chunks).
  public static func validate(path: String, codebook book: Codebook, threads: Int = 1,
                              options: SourceOptions? = nil) -> ValidationReport {
    var report = ValidationReport()
    report.issues = book.validate().map(issue)
    let source: any SurveySource
    do {
      source = try SurveyFile.open(path: path, options: options ?? book.sourceOptions)
    } catch {
      report.issues.append(readIssue(error, file: (path as NSString).lastPathComponent))
      report.notes.append("the data were not checked: the file could not be opened")
      return report
    }
    let header = source.header
    let fileName = source.fileName
    report.issues += book.validate(againstColumns: header.columns, headerRows: header.rows).map(issue)

    // A plan for the parts of the codebook that match the file.
    var fileMissing: [Int: [String]] = [:]
    if let dict = source.dictionary {
      for (k, m) in dict.missingValues.enumerated() where !m.codes.isEmpty { fileMissing[k] = m.codes.map(fmt) }
    }
    func makePlan(_ b: Codebook) -> DecodingPlan? {
      try? DecodingPlan(codebook: b, header: header.columns, headerRows: header.rows, fileMissingCodes: fileMissing,
                        outOfRange: .error, decimalComma: source.decimalComma)
    }
    var planBook = book
    var plan = makePlan(book)
    if plan == nil {
      planBook = pruned(book, header: header)
      plan = makePlan(planBook)
      if plan != nil {
        report.notes.append("scales, outcomes and columns with errors above were left out of the data checks")
      } else {
        report.notes.append("values, labels and screens were not checked: fix the codebook errors above first")
      }
    }

    // Per-variable collectors.
    let variables = plan?.variables ?? []
    var outOfRange = [[String]](repeating: [], count: variables.count)
    var outOfRangeCount = [Int](repeating: 0, count: variables.count)
    var notNumber = [[String]](repeating: [], count: variables.count)
    var notNumberCount = [Int](repeating: 0, count: variables.count)
    // Item columns: observed non-numeric texts (for unmappedLabels).
    var observed = [[String: Int]](repeating: [:], count: variables.count)
    var screener = RowScreener(screens: {
      var s = planBook.screens
      if s.duplicateIds == .error || s.duplicateIds == .keepLast { s.duplicateIds = .keepFirst }
      return s
    }())
    var firstRowOfID: [UInt64: Int32] = [:]
    var duplicates: [String] = []
    var duplicateCount = 0
    var rows = 0
    do {
      // Cell text may appear in read errors for item columns only (design.md §8).
      var itemColumns = Set<Int>()
      for v in variables { if case .item = v.role { itemColumns.insert(v.column) } }
      try source.forEachBatch(threads: max(1, threads), visibility: .columns(itemColumns)) { batch in
        for r in 0..<batch.count {
          rows += 1
          let record = batch.recordNumber(r), line = batch.line(r)
          guard let plan else { continue }
          var decoded = [Double](repeating: .nan, count: variables.count)
          var counts = DecodeCounts(variables: variables.count)
          for (i, v) in variables.enumerated() {
            do {
              decoded[i] = try batch.withField(r, v.column) {
                try plan.decodeCell($0, variable: i, row: record, counts: &counts)
              }
            } catch let DecodeError.outOfRange(_, _, text, _, _) {
              outOfRangeCount[i] += 1
              if outOfRange[i].count < listLimit { outOfRange[i].append("record \(record) (line \(line)) \"\(text)\"") }
            } catch let DecodeError.unmappedText(_, _, text, _, _) {
              if case .item = v.role {
                if observed[i][text] != nil || observed[i].count < textCap { observed[i][text, default: 0] += 1 }
              } else {
                notNumberCount[i] += 1
                if notNumber[i].count < listLimit { notNumber[i].append("record \(record) (line \(line))") }
              }
            } catch {}
          }
          func cell(_ k: Int?) -> String? { k.map { batch.string(r, $0) } }
          let id = cell(plan.idColumn)
          if let id {
            let t = id.trimmingASCIIWhitespace()
            if !t.isEmpty {
              let h = RowScreener.hash(t)
              if let first = firstRowOfID[h] {
                duplicateCount += 1
                if duplicates.count < listLimit { duplicates.append("record \(record) (line \(line)) repeats record \(first)") }
              } else {
                firstRowOfID[h] = Int32(truncatingIfNeeded: record)
              }
            }
          }
          let answers = plan.layouts.map { layout in layout.variables.map { plan.unkeyed(decoded[$0], variable: $0) } }
          _ = try? screener.screen(row: record - 1, status: cell(plan.statusColumn), finished: cell(plan.finishedColumn),
                                   id: id, scaleAnswers: answers, counts: &report.exclusions)
        }
      }
    } catch {
      report.issues.append(readIssue(error, file: fileName))
      report.notes.append("reading stopped at the error above; rows after it were not checked")
    }
    report.rows = rows

    let where_ = { (column: String) in "\(fileName), column \"\(column)\"" }
    for (i, v) in variables.enumerated() {
      if !observed[i].isEmpty, case .item = v.role,
         let problem = planBook.unmappedLabels(column: v.name, observed: observed[i]) {
        var p = issue(problem)
        p.location = where_(v.columnName) + (problem.line.map { " (\(problem.fileName ?? "codebook"):\($0))" } ?? "")
        report.issues.append(p)
      }
      if outOfRangeCount[i] > 0, let range = v.range {
        let more = outOfRangeCount[i] - outOfRange[i].count
        report.issues.append(ValidationIssue(.error, code: "out-of-range", location: where_(v.columnName),
          message: "\(outOfRangeCount[i]) value\(outOfRangeCount[i] == 1 ? "" : "s") outside [\(fmt(range.min)), \(fmt(range.max))]: "
            + outOfRange[i].joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
            + "; fix the data, add the codes to the scale's missing, or run with --out-of-range missing"))
      }
      if notNumberCount[i] > 0 {
        let more = notNumberCount[i] - notNumber[i].count
        report.issues.append(ValidationIssue(.error, code: "not-a-number", location: where_(v.columnName),
          message: "\(notNumberCount[i]) cell\(notNumberCount[i] == 1 ? " is" : "s are") not numbers (text not shown): "
            + notNumber[i].joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
            + (v.role == .outcome ? "; list the event answers under the outcome's event" : "; add the texts to missing")))
      }
    }
    if duplicateCount > 0, let idName = planBook.id {
      let policy = book.screens.duplicateIds
      let more = duplicateCount - duplicates.count
      report.issues.append(ValidationIssue(policy == .error ? .error : .warning, code: "duplicate-id",
        location: where_(planBook.headerText(for: idName)),
        message: "\(duplicateCount) duplicate respondent id\(duplicateCount == 1 ? "" : "s") (ids not shown): "
          + duplicates.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
          + (policy == .error ? "; set screens.duplicate_ids to keep-first or keep-last, or fix the export"
                              : "; screens.duplicate_ids: \(policy.rawValue) excludes them")))
    }
    return report
  }

  /// The codebook without the parts that name columns missing from the file.
  static func pruned(_ book: Codebook, header: SurveyHeader) -> Codebook {
    var b = book
    // Scales and outcomes with their own errors are left out too.
    var badScales = Set<Int>(), badOutcomes = Set<Int>()
    for p in book.validate() where p.severity == .error {
      guard let path = p.path else { continue }
      func index(after prefix: String) -> Int? {
        guard path.hasPrefix(prefix) else { return nil }
        return Int(path.dropFirst(prefix.count).prefix { $0.isNumber })
      }
      if let i = index(after: "scales[") { badScales.insert(i) }
      if let i = index(after: "outcomes[") { badOutcomes.insert(i) }
    }
    func has(_ name: String) -> Bool { book.columnIndex(of: name, columns: header.columns, headerRows: header.rows) != nil }
    b.columns = book.columns.filter { has($0.name) }
    if let id = book.id, !has(id) { b.id = nil }
    b.groups = book.groups.filter(has)
    b.cuts = book.cuts.filter(has)
    b.scales = book.scales.enumerated().filter { !badScales.contains($0.offset) && $0.element.items.allSatisfy(has) }.map(\.element)
    b.outcomes = book.outcomes.enumerated().filter { !badOutcomes.contains($0.offset) && has($0.element.column) }.map(\.element)
    b.analyses = nil
    return b
  }

  static func issue(_ p: CodebookProblem) -> ValidationIssue {
    var location = p.fileName ?? "codebook"
    if let line = p.line { location += ":\(line)" }
    return ValidationIssue(p.severity == .error ? .error : .warning, code: p.code, location: location, message: p.message)
  }

  static func readIssue(_ error: any Error, file: String) -> ValidationIssue {
    if let e = error as? ReadError {
      // ReadError's text starts with its position: split it off.
      let text = e.description
      var position = e.file
      switch (e.line, e.record) {
      case let (l?, r?): position += ": line \(l) (record \(r))"
      case let (l?, nil): position += ": line \(l)"
      case let (nil, r?): position += ": record \(r)"
      default: break
      }
      if let column = e.column { position += ", column \"\(column)\"" }
      let message = text.hasPrefix(position + ": ") ? String(text.dropFirst(position.count + 2)) : text
      return ValidationIssue(.error, code: "read-error", location: position, message: message)
    }
    return ValidationIssue(.error, code: "read-error", location: file, message: "\(error)")
  }
}
