import Foundation

/// What `candor describe` and `candor init` learn about an export in one streaming pass:
/// the container and dialect detected, and a ``ColumnProfile`` per column.
///
/// Memory is bounded: per column a fixed set of counters plus at most `distinctCap` distinct
/// texts (group columns: `groupDistinctCap`), whatever the number of rows.
public struct FileProfile: Sendable {
  public var fileName: String
  public var container: ContainerKind
  public var layout: SurveyLayout
  /// The delimiter found (text files), e.g. `","`; nil for .xlsx / .sav.
  public var delimiter: String?
  /// The encoding found (text files), e.g. `utf-8`; nil for .xlsx / .sav.
  public var encoding: String?
  /// Whether numbers may use a decimal comma.
  public var decimalComma: Bool
  public var headerRows: Int
  /// Data rows (header rows not counted).
  public var rows: Int
  public var columns: [ColumnProfile]
  /// Indices of group columns: the codebook's groups and cuts; categorical columns named
  /// like a group or cut (school, team, role, gender…) that the codebook does not analyse
  /// as items or outcomes; without a codebook, every categorical text column that is not an
  /// answer scale.
  public var groupColumns: Set<Int>
  /// The confidentiality threshold (design.md §8).
  public var minGroupSize: Int
  /// Whether a codebook informed the profile.
  public var usedCodebook: Bool

  /// The header texts of each column (every header row), for `init`'s comments.
  public var headerTexts: [[String]]

  /// Reads `path` once and profiles every column.
  ///
  /// `options` overrides the codebook's dialect settings.
  ///
  /// - Parameters:
  ///   - codebook: optional; supplies the dialect settings, missing codes, group and cut
  ///     columns and `min_group_size`.
  ///   - minGroupSize: raises the threshold (never lowers the codebook's).
  ///   - threads: parsing threads.
  /// - Throws: ``ReadError`` with its position.
  public static func profile(path: String, codebook: Codebook? = nil, minGroupSize: Int? = nil,
                             threads: Int = 1, distinctCap: Int = 50, groupDistinctCap: Int = 10_000,
                             options: SourceOptions? = nil) throws -> FileProfile {
    let source = try SurveyFile.open(path: path, options: options ?? codebook?.sourceOptions ?? SourceOptions())
    return try profile(source, codebook: codebook, minGroupSize: minGroupSize, threads: threads,
                       distinctCap: distinctCap, groupDistinctCap: groupDistinctCap)
  }

  /// Profiles an opened source (see ``profile(path:codebook:minGroupSize:threads:distinctCap:groupDistinctCap:)``).
  public static func profile(_ source: any SurveySource, codebook: Codebook? = nil, minGroupSize: Int? = nil,
                             threads: Int = 1, distinctCap: Int = 50, groupDistinctCap: Int = 10_000) throws -> FileProfile {
    let header = source.header
    let names = header.columns
    var declaredGroups = Set<Int>()
    if let codebook {
      for g in codebook.groups + codebook.cuts {
        if let k = codebook.columnIndex(of: g, columns: names, headerRows: header.rows) { declaredGroups.insert(k) }
      }
    }
    // Columns named like a group or a demographic cut (school, team, role, gender, age…)
    // are treated as groups too unless the codebook makes them scale items or outcomes:
    // their level sizes could single people out.
    var analysed = Set<String>()
    if let codebook {
      for s in codebook.scales { analysed.formUnion(s.items) }
      for o in codebook.outcomes { analysed.insert(o.column) }
    }
    var nameGuessed = Set<Int>()
    for (k, name) in names.enumerated()
    where !analysed.contains(name) && (GroupNames.looksLikeGroup(name) || GroupNames.looksLikeCut(name)) {
      nameGuessed.insert(k)
    }
    let caps = names.indices.map { declaredGroups.contains($0) || nameGuessed.contains($0) ? groupDistinctCap : distinctCap }
    let missingCodes = codebook?.missing ?? [MissingCode(""), MissingCode("NA")]
    let missingTexts = Set(missingCodes.map(\.text))
    let missingNumbers = Set(missingCodes.compactMap(\.number))
    let missingTextBytes = missingTexts.filter { !$0.isEmpty }.map { Array($0.utf8) }
    let template = names.enumerated().map { ColumnProfile(name: $0.element, index: $0.offset, distinctCap: caps[$0.offset]) }
    let decimalComma = source.decimalComma
    var columns = template
    var rows = 0
    try source.readBatches(threads: max(1, threads), visibility: .hidden, map: { batch -> [ColumnProfile] in
      var cols = template
      for r in 0..<batch.count {
        for c in 0..<cols.count {
          batch.withField(r, c) { raw in
            var lo = 0, hi = raw.count
            while lo < hi, raw[lo] == 0x20 || raw[lo] == 0x09 || raw[lo] == 0x0D || raw[lo] == 0x0A { lo += 1 }
            while hi > lo, raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09 || raw[hi - 1] == 0x0D || raw[hi - 1] == 0x0A { hi -= 1 }
            if lo == hi { cols[c].addMissing(); return }
            let b = UnsafeRawBufferPointer(rebasing: raw[lo..<hi])
            if let v = CellShape.smallInteger(b) {
              if missingNumbers.contains(Double(v)) { cols[c].addMissing() } else { cols[c].add(smallInteger: v, length: b.count) }
              return
            }
            let number = NumberParser.parse(b, decimalComma: decimalComma)
            if let number, missingNumbers.contains(number) { cols[c].addMissing(); return }
            let escaped = batch.needsUnescape(r, c)
            if number == nil, !escaped, missingTextBytes.contains(where: { $0.elementsEqual(b) }) {
              cols[c].addMissing(); return
            }
            // High-cardinality columns are only counted: no String per cell.
            var text: String? = nil
            if !cols[c].isHighCardinality || escaped {
              text = escaped
                ? String(decoding: batch.unescapedBytes(r, c), as: UTF8.self).trimmingASCIIWhitespace()
                : String(decoding: b, as: UTF8.self)
              if number == nil, escaped, missingTexts.contains(text!) { cols[c].addMissing(); return }
            }
            cols[c].add(text: text, number: number, isDate: number == nil && CellShape.isDate(b),
                        hasSpace: b.contains(0x20), length: b.count)
          }
        }
      }
      return cols
    }, consume: { cols, position in
      rows += position.count
      for c in columns.indices { columns[c].merge(cols[c]) }
    })
    var groups = declaredGroups
    for k in nameGuessed where columns[k].type == .categoricalText || columns[k].type == .integerCoded {
      if !columns[k].hasKnownLabels { groups.insert(k) }
    }
    if codebook == nil {
      // Without a codebook anything categorical that is not an answer scale is a group.
      for col in columns where col.type == .categoricalText && !col.hasKnownLabels { groups.insert(col.index) }
    }
    let text = source as? TextSurveySource
    let delimiter = text.map { d -> String in
      switch d.reader.delimiter {
      case 0x09: return "\\t"
      default: return String(UnicodeScalar(d.reader.delimiter))
      }
    }
    let threshold = max(codebook?.minGroupSize ?? 5, minGroupSize ?? 0)
    return FileProfile(
      fileName: source.fileName, container: source.container, layout: header.layout, delimiter: delimiter,
      encoding: text?.reader.encoding.rawValue, decimalComma: source.decimalComma, headerRows: header.headerRowCount,
      rows: rows, columns: columns, groupColumns: groups, minGroupSize: threshold, usedCodebook: codebook != nil,
      headerTexts: names.indices.map { k in header.rows.map { $0[k] } })
  }
}

/// Column names that usually hold groups or demographic cuts.
enum GroupNames {
  static let groupWords = ["school", "team", "department", "dept", "district", "site", "unit", "branch", "division",
                           "region", "office", "store", "ward", "campus", "group", "org", "organisation",
                           "organization", "location", "faculty", "business"]
  static let cutWords = ["role", "gender", "sex", "age", "tenure band", "grade", "position", "job", "level",
                         "ethnicity", "contract", "band"]

  static func words(_ name: String) -> [String] {
    name.lowercased().split { !$0.isLetter }.map(String.init)
  }
  /// A group-level name (`school_id`, `District`, `team`).
  static func looksLikeGroup(_ name: String) -> Bool {
    words(name).contains { groupWords.contains($0) }
  }
  /// A demographic-cut name (`role`, `gender`, `age_band`).
  static func looksLikeCut(_ name: String) -> Bool {
    let w = words(name)
    return w.contains { cutWords.contains($0) }
  }
}

/// One group or cut column as `describe` may show it: levels and how many are under the
/// threshold, never their sizes.
public struct GroupSummary: Sendable, Equatable, Codable {
  public var levels: Int
  /// Levels with fewer respondents than the threshold.
  public var underThreshold: Int
  /// True when there were more levels than could be tracked (levels is then a lower bound).
  public var levelsAtLeast: Bool

  public init(levels: Int, underThreshold: Int, levelsAtLeast: Bool) {
    self.levels = levels; self.underThreshold = underThreshold; self.levelsAtLeast = levelsAtLeast
  }
}

extension FileProfile {
  /// The group summary of column `k` (nil when it is not a group column).
  public func groupSummary(_ k: Int) -> GroupSummary? {
    guard groupColumns.contains(k) else { return nil }
    let c = columns[k]
    if c.isHighCardinality { return GroupSummary(levels: c.distinctCap, underThreshold: 0, levelsAtLeast: true) }
    return GroupSummary(levels: c.distinct.count, underThreshold: c.distinct.values.filter { $0 < minGroupSize }.count,
                        levelsAtLeast: false)
  }

  /// Value frequencies of column `k` when they may be shown: item-like and not a group.
  public func frequencies(_ k: Int) -> [(value: String, count: Int)]? {
    guard !groupColumns.contains(k), columns[k].isItemLike else { return nil }
    let c = columns[k]
    return c.distinct.sorted { a, b in
      switch (Double(a.key), Double(b.key)) {
      case let (x?, y?): return x != y ? x < y : a.key < b.key
      case (_?, nil): return true
      case (nil, _?): return false
      default:
        if let scale = KnownResponseScale.matching(Set(c.distinct.keys)) {
          let order = scale.labels.map { $0.lowercased() }
          return (order.firstIndex(of: a.key.lowercased()) ?? 0) < (order.firstIndex(of: b.key.lowercased()) ?? 0)
        }
        return a.key < b.key
      }
    }.map { ($0.key, $0.value) }
  }
}
