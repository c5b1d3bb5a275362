import Foundation

/// What an out-of-range item value does (`--out-of-range`).
public enum OutOfRangeHandling: String, Sendable, CaseIterable {
  /// A typed ``DecodeError/outOfRange(variable:column:text:range:row:)``.
  case error
  /// The cell becomes missing and is counted in ``DecodeCounts``.
  case missing
}

/// A cell that cannot become a number.
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A value outside the item's `[min, max]` (checked after recode, before keying).
  case outOfRange(variable: String, column: String, text: String, range: ResponseRange, row: Int?)
  /// A text answer that no label map, missing code or event list covers.
  case unmappedText(variable: String, column: String, text: String, labelMap: String?, row: Int?)

  public var description: String {
    switch self {
    case let .outOfRange(_, column, text, range, row):
      return "\(row.map { "row \($0), " } ?? "")column \"\(column)\": value \(text) is outside the range [\(fmt(range.min)), \(fmt(range.max))]; fix the data, add \(text) to the scale's missing codes, or run with --out-of-range missing"
    case let .unmappedText(_, column, text, map, row):
      let fix = map.map { "add it to labels.\($0) or to missing" } ?? "add a label map for this column or add the text to missing"
      return "\(row.map { "row \($0), " } ?? "")column \"\(column)\": answer \"\(text)\" is not a number and has no label; \(fix)"
    }
  }
}

/// Per-variable counts of cells turned missing because they were out of range.
public struct DecodeCounts: Sendable, Equatable {
  public var outOfRange: [Int]
  public init(variables: Int) { outOfRange = Array(repeating: 0, count: variables) }
  public mutating func merge(_ other: DecodeCounts) {
    for i in outOfRange.indices { outOfRange[i] += other.outOfRange[i] }
  }
  public var totalOutOfRange: Int { outOfRange.reduce(0, +) }
}

/// From a validated codebook and a file's header: for every analysed variable, where it is
/// and how a cell becomes a Double (NaN = missing).
///
/// Decoding order for an item cell (design.md §4, §6 "Keying"):
/// 1. trim spaces; a blank cell is missing;
/// 2. missing codes — the union of the global codes, the scale's codes, the instrument's
///    data codes (ESS 7/8/9) and the file's own dictionary — match numerically when both are
///    numbers (7 = "7" = "7.0"), otherwise as exact trimmed text;
/// 3. a number passes through; a text goes through the item's label map (exact trimmed
///    text), else it is a ``DecodeError/unmappedText(variable:column:text:labelMap:row:)``;
/// 4. `recode` (a code → code, or → missing);
/// 5. range check against the item's range (`item_ranges`, else the scale's `range`);
/// 6. `direction: descending` → (min + max) − x, so higher = more;
/// 7. reverse keying → (min + max) − x with the item's own range.
///
/// Outcomes: a value in `event` → 1, any other answered value → 0, blank/missing stays
/// missing; without `event` numbers pass through (so a 0/1 column has event 1).
/// Covariates: numbers pass through.
public struct DecodingPlan: Sendable {
  /// What a variable is.
  public enum Role: Sendable, Equatable {
    /// Item of scale `scale` (index into ``layouts``).
    case item(scale: Int)
    case outcome
    case covariate
  }

  /// One analysed variable.
  public struct Variable: Sendable {
    /// Canonical name: the item, outcome or column name.
    public var name: String
    public var role: Role
    /// 0-based source column index in the file.
    public var column: Int
    /// Header text of the source column (for messages).
    public var columnName: String
    /// Item range, if any.
    public var range: ResponseRange?
    /// True when `direction: descending` recodes the item.
    public var isDescending: Bool
    /// True when the item is reverse-keyed.
    public var isReversed: Bool
    /// Label map name applied to text answers, if any.
    public var labelMapName: String?
    // Compiled rules.
    var labels: [String: Double] = [:]
    var missingTexts: Set<String> = []
    var missingNumbers: Set<Double> = []
    var recode: [Double: Double] = [:]
    var recodeToMissing: Set<Double> = []
    var eventTexts: Set<String>?
    var eventNumbers: Set<Double> = []
  }

  public private(set) var variables: [Variable] = []
  /// Plain-old-data copy of each variable's rules for the numeric fast path.
  private var fast: [FastRule] = []
  /// Accept `3,5` as 3.5 (files with `;` or tab delimiters from decimal-comma locales).
  public let decimalComma: Bool
  public private(set) var layouts: [ScaleLayout] = []
  public let outOfRange: OutOfRangeHandling
  /// Column index of the respondent id, groups, cuts, Status and Finished (nil when absent).
  public private(set) var idColumn: Int?
  public private(set) var groupColumns: [Int] = []
  public private(set) var cutColumns: [Int] = []
  public private(set) var statusColumn: Int?
  public private(set) var finishedColumn: Int?

  /// Builds the plan.
  ///
  /// - Parameters:
  ///   - codebook: a codebook whose ``Codebook/validate()`` found no errors.
  ///   - header: canonical column names (first header row).
  ///   - headerRows: every header row (aliases match any); empty = `[header]`.
  ///   - fileMissingCodes: the file's own missing codes per column index (SPSS user-missing).
  ///   - outOfRange: what an out-of-range value does.
  ///   - decimalComma: accept a comma as the decimal separator in numeric cells.
  /// - Throws: ``CodebookError`` with every codebook or column problem found.
  public init(
    codebook: Codebook, header: [String], headerRows: [[String]] = [],
    fileMissingCodes: [Int: [String]] = [:], outOfRange: OutOfRangeHandling = .error,
    decimalComma: Bool = false
  ) throws {
    self.outOfRange = outOfRange
    self.decimalComma = decimalComma
    let problems = (codebook.validate() + codebook.validate(againstColumns: header, headerRows: headerRows))
      .filter { $0.severity == .error }
    if !problems.isEmpty { throw CodebookError(problems: problems) }
    func index(_ name: String) -> Int { codebook.columnIndex(of: name, columns: header, headerRows: headerRows)! }
    let global = codebook.missing
    func compile(_ v: inout Variable, codes: [MissingCode]) {
      for c in codes {
        if let n = c.number { v.missingNumbers.insert(n) } else { v.missingTexts.insert(c.text) }
      }
      for c in fileMissingCodes[v.column] ?? [] {
        let m = MissingCode(c)
        if let n = m.number { v.missingNumbers.insert(n) } else { v.missingTexts.insert(m.text) }
      }
    }
    idColumn = codebook.id.map(index)
    groupColumns = codebook.groups.map(index)
    cutColumns = codebook.cuts.map(index)
    statusColumn = header.firstIndex(of: "Status")
    finishedColumn = header.firstIndex(of: "Finished")

    for (s, scale) in codebook.scales.enumerated() {
      let inst = codebook.instrument(of: scale)
      let scaleRange = codebook.effectiveRange(of: scale)
      let reverse = Set(codebook.effectiveReverse(of: scale))
      let descending = codebook.effectiveDirection(of: scale) == .descending
      let codes = global + scale.missing + (inst?.missingCodes.map(MissingCode.init) ?? [])
      var indices: [Int] = []
      var ranges: [ResponseRange] = []
      for item in scale.items {
        let column = index(item)
        let range = scale.itemRanges[item] ?? scaleRange
        let mapName = scale.itemLabels[item] ?? scale.labels
        var v = Variable(
          name: item, role: .item(scale: s), column: column, columnName: header[column], range: range,
          isDescending: descending, isReversed: reverse.contains(item), labelMapName: mapName)
        if let mapName, let map = codebook.labelMap(named: mapName) {
          for e in map.entries where v.labels[e.text] == nil { v.labels[e.text] = e.value }
        }
        compile(&v, codes: codes)
        for r in scale.recode {
          if let to = r.to { v.recode[r.from] = to } else { v.recodeToMissing.insert(r.from) }
        }
        indices.append(variables.count)
        ranges.append(range!)
        variables.append(v)
      }
      layouts.append(ScaleLayout(scale: scale, instrument: inst, variables: indices, itemRanges: ranges,
                                 range: scaleRange ?? ranges.first!))
    }
    for outcome in codebook.outcomes {
      let column = index(outcome.column)
      var v = Variable(
        name: outcome.name, role: .outcome, column: column, columnName: header[column], range: nil,
        isDescending: false, isReversed: false, labelMapName: nil)
      compile(&v, codes: global)
      if let event = outcome.event {
        v.eventTexts = []
        for e in event {
          let m = MissingCode(e)
          if let n = m.number { v.eventNumbers.insert(n) } else { v.eventTexts!.insert(m.text) }
        }
      }
      variables.append(v)
    }
    for (name, _) in codebook.analysisColumns {
      let column = index(name)
      var v = Variable(
        name: name, role: .covariate, column: column, columnName: header[column], range: nil,
        isDescending: false, isReversed: false, labelMapName: nil)
      compile(&v, codes: global)
      variables.append(v)
    }
    fast = variables.map(FastRule.init)
  }

  /// The index of a variable by name (first match).
  public func variableIndex(named name: String) -> Int? { variables.firstIndex { $0.name == name } }

  /// Decodes one cell. NaN = missing.
  ///
  /// - Throws: ``DecodeError`` for an unmapped text, or an out-of-range value under
  ///   ``OutOfRangeHandling/error`` (under `.missing` it returns NaN; use
  ///   ``decodeCell(_:variable:row:counts:)`` to count those).
  public func decodeCell(_ bytes: UnsafeRawBufferPointer, variable: Int) throws -> Double {
    var counts = DecodeCounts(variables: 0)
    return try decode(bytes, variable: variable, row: nil, counts: &counts, counting: false)
  }

  /// Decodes one cell, naming `row` in errors and counting out-of-range cells turned missing.
  public func decodeCell(
    _ bytes: UnsafeRawBufferPointer, variable: Int, row: Int?, counts: inout DecodeCounts
  ) throws -> Double {
    try decode(bytes, variable: variable, row: row, counts: &counts, counting: true)
  }

  /// Convenience for tests and small inputs: decodes a cell given as text.
  public func decodeCell(_ text: String, variable: Int) throws -> Double {
    var t = text
    return try t.withUTF8 { try decodeCell(UnsafeRawBufferPointer($0), variable: variable) }
  }

  private func decode(
    _ raw: UnsafeRawBufferPointer, variable index: Int, row: Int?, counts: inout DecodeCounts, counting: Bool
  ) throws -> Double {
    var lo = 0, hi = raw.count
    while lo < hi, raw[lo] == 0x20 || raw[lo] == 0x09 || raw[lo] == 0x0D || raw[lo] == 0x0A { lo += 1 }
    while hi > lo, raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09 || raw[hi - 1] == 0x0D || raw[hi - 1] == 0x0A { hi -= 1 }
    if lo == hi { return .nan }
    let bytes = UnsafeRawBufferPointer(rebasing: raw[lo..<hi])
    let parsed = Self.parseNumber(bytes, decimalComma: decimalComma)
    // Fast path: a number, no recode or event list, few missing codes, in range.
    if let number = parsed {
      let f = fast[index]
      if f.simple {
        if f.missing(number) { return .nan }
        if !f.isItem { return number }
        if number >= f.min && number <= f.max { return f.flip ? f.min + f.max - number : number }
      }
    }
    let v = variables[index]
    var x: Double
    if let number = parsed {
      if v.missingNumbers.contains(number) { return .nan }
      x = number
      if v.role == .outcome, let _ = v.eventTexts { return v.eventNumbers.contains(number) ? 1 : 0 }
    } else {
      let text = String(decoding: bytes, as: UTF8.self)
      if v.missingTexts.contains(text) { return .nan }
      if v.role == .outcome, let events = v.eventTexts { return events.contains(text) ? 1 : 0 }
      guard let mapped = v.labels[text] else {
        throw DecodeError.unmappedText(variable: v.name, column: v.columnName, text: text, labelMap: v.labelMapName, row: row)
      }
      x = mapped
    }
    guard case .item = v.role, let range = v.range else { return x }
    if v.recodeToMissing.contains(x) { return .nan }
    if let to = v.recode[x] { x = to }
    if x < range.min || x > range.max {
      if outOfRange == .error {
        throw DecodeError.outOfRange(
          variable: v.name, column: v.columnName, text: String(decoding: bytes, as: UTF8.self), range: range, row: row)
      }
      if counting { counts.outOfRange[index] += 1 }
      return .nan
    }
    // Descending and reverse-keyed: two flips cancel (exactly, not by arithmetic).
    if v.isDescending != v.isReversed { x = range.min + range.max - x }
    return x
  }

  /// Undoes keying: a decoded item value back in the response metric the respondent chose
  /// (for straight-lining). Identity for non-items.
  public func unkeyed(_ value: Double, variable: Int) -> Double {
    let v = variables[variable]
    guard let r = v.range, v.isDescending != v.isReversed else { return value }
    return r.min + r.max - value
  }

  /// The number in a trimmed cell, or nil: the reader's ``NumberParser`` (correctly rounded;
  /// with `decimalComma`, `,` as well as `.` is the decimal point — the same rule the reader
  /// applies to ``RecordBatch/number(_:_:)``). Texts, `inf`, `nan` and hex are nil.
  static func parseNumber(_ b: UnsafeRawBufferPointer, decimalComma: Bool = false) -> Double? {
    NumberParser.parse(b, decimalComma: decimalComma)
  }
}

/// A variable's rules as plain data, for numeric cells that need no lookup tables.
private struct FastRule {
  var min = -Double.infinity, max = Double.infinity
  var flip = false, isItem = false
  /// No recode, no event list, at most 4 numeric missing codes.
  var simple = false
  var missingCount = 0
  var m0 = Double.nan, m1 = Double.nan, m2 = Double.nan, m3 = Double.nan

  init(_ v: DecodingPlan.Variable) {
    if case .item = v.role, let r = v.range {
      isItem = true
      min = r.min
      max = r.max
      flip = v.isDescending != v.isReversed
    } else if case .item = v.role {
      return  // an item without a range: never simple
    }
    let codes = Array(v.missingNumbers)
    simple = v.recode.isEmpty && v.recodeToMissing.isEmpty && v.eventTexts == nil && codes.count <= 4
    missingCount = codes.count
    if codes.count > 0 { m0 = codes[0] }
    if codes.count > 1 { m1 = codes[1] }
    if codes.count > 2 { m2 = codes[2] }
    if codes.count > 3 { m3 = codes[3] }
  }

  @inline(__always) func missing(_ x: Double) -> Bool {
    missingCount > 0 && (x == m0 || x == m1 || x == m2 || x == m3)
  }
}

/// What the scorer needs to know about one scale.
public struct ScaleLayout: Sendable {
  public var name: String
  public var instrument: String?
  /// Indices into ``DecodingPlan/variables``, in item order.
  public var variables: [Int]
  public var items: [String]
  public var scoring: ScoringMethod
  /// Fewer answered items → no score (default: half the items, rounded up).
  public var minItems: Int
  /// The scale's range (for pomp, rwg, favourability).
  public var range: ResponseRange
  /// Per item ranges, in item order.
  public var itemRanges: [ResponseRange]
  /// Favourable / neutral / unfavourable response values (after keying).
  public var favourable: [Double]
  public var neutral: [Double]
  public var unfavourable: [Double]
  /// Value instruments: value id → variable indices.
  public var subscales: [(id: String, variables: [Int])]
  /// Value instruments: higher-order id → value ids.
  public var higherOrder: [(id: String, values: [String])]
  /// True for value instruments (MRAT over all items).
  public var usesMRAT: Bool
  /// MRAT needs at least this share of the items answered (default 0.8 for value scales).
  public var mratMinAnswered: Double?

  init(scale: ScaleSpec, instrument: Instrument?, variables: [Int], itemRanges: [ResponseRange], range: ResponseRange) {
    name = scale.name
    self.instrument = instrument?.id
    self.variables = variables
    items = scale.items
    scoring = scale.scoring
    minItems = scale.minItems ?? (scale.items.count + 1) / 2
    self.range = range
    self.itemRanges = itemRanges
    let bands = ScaleLayout.defaultBands(range: range)
    if let fav = scale.favourable {
      favourable = fav
      let lowest = fav.min() ?? range.max + 1
      let all = stride(from: range.min, through: range.max, by: 1).map { $0 }
      neutral = all.filter { $0 < lowest && bands.neutral.contains($0) }
      unfavourable = all.filter { $0 < lowest && !bands.neutral.contains($0) }
    } else {
      (favourable, neutral, unfavourable) = bands
    }
    if let instrument, instrument.usesMRAT, instrument.itemCount == scale.items.count {
      subscales = instrument.values.map { v in (v.id, v.items.map { variables[$0 - 1] }) }
      higherOrder = instrument.higherOrder.map { ($0.id, $0.values) }
      usesMRAT = true
      mratMinAnswered = scale.mratMinAnswered ?? 0.8
    } else {
      subscales = []
      higherOrder = []
      usesMRAT = false
      mratMinAnswered = scale.mratMinAnswered
    }
  }

  /// Default favourability bands (design.md §6): 4-point 3–4 / – / 1–2; 5-point 4–5 / 3 /
  /// 1–2; 6-point 5–6 / 3–4 / 1–2; 7-point 6–7 / 4–5 / 1–3; 2, 3 and 8–11 points as
  /// Glint's `get_favorability_map` (domain.md §6.2). Values are offsets from `range.min`.
  public static func defaultBands(range: ResponseRange)
    -> (favourable: [Double], neutral: [Double], unfavourable: [Double])
  {
    let k = range.points
    // (favourable, neutral, unfavourable) as 1-based points.
    let table: [Int: ([Int], [Int], [Int])] = [
      2: ([2], [], [1]), 3: ([3], [2], [1]), 4: ([3, 4], [], [1, 2]), 5: ([4, 5], [3], [1, 2]),
      6: ([5, 6], [3, 4], [1, 2]), 7: ([6, 7], [4, 5], [1, 2, 3]), 8: ([6, 7, 8], [4, 5], [1, 2, 3]),
      9: ([7, 8, 9], [4, 5, 6], [1, 2, 3]), 10: ([8, 9, 10], [4, 5, 6, 7], [1, 2, 3]),
      11: ([10, 11], [8, 9], [1, 2, 3, 4, 5, 6, 7]),
    ]
    guard let (f, n, u) = table[k] else { return ([], [], []) }
    func values(_ points: [Int]) -> [Double] { points.map { range.min + Double($0 - 1) } }
    return (values(f), values(n), values(u))
  }
}
