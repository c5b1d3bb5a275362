/// What a column holds, as `candor describe` infers it from one pass over the data.
public enum InferredColumnType: String, Sendable, Equatable, Codable, CaseIterable {
  /// Whole numbers with few distinct values (≤ ``ColumnProfile/itemLikeLimit``): Likert
  /// answers, codes.
  case integerCoded = "integer-coded"
  /// Other numbers.
  case numeric
  /// Text answers with few levels relative to the number of answers.
  case categoricalText = "categorical text"
  /// Open text: many distinct answers, or long answers.
  case freeText = "free text"
  /// Dates or timestamps (`2026-03-06`, `2026-03-06 04:42:06`, `06/03/2026`).
  case date
  /// Identifiers: a name like `id` / `ResponseId` / `respondent_id`, or many distinct short
  /// values without spaces.
  case idLike = "id-like"
  /// Every cell missing.
  case empty
}

/// Mergeable one-pass statistics of one column: counts, numeric range, and distinct values
/// up to a cap (bounded memory: at most `distinctCap` texts per column are kept; beyond that
/// the column is marked high-cardinality and only counted).
public struct ColumnProfile: Sendable, Equatable {
  /// Columns with at most this many distinct values are item-like (frequencies shown).
  public static let itemLikeLimit = 12

  public var name: String
  /// 0-based position in the file.
  public var index: Int
  /// Cells seen (= data rows).
  public var count = 0
  /// Cells that are blank or a missing code.
  public var missing = 0
  /// Non-missing cells that parse as numbers.
  public var numericCount = 0
  /// Numeric cells holding whole numbers.
  public var integerCount = 0
  /// Smallest and largest number seen (nil when none).
  public var minimum: Double?
  public var maximum: Double?
  /// Non-missing cells that look like dates.
  public var dateCount = 0
  /// Non-missing cells containing a space.
  public var cellsWithSpaces = 0
  /// Longest non-missing cell, in UTF-8 bytes.
  public var maxLength = 0
  /// Counts of texts other than small canonical integers; see ``distinct``.
  var textCounts: [String: Int] = [:]
  /// Counts of the canonical integers −99…99 (`"4"`, `"-99"`), indexed by value + 128: the
  /// common item cell is counted without creating a `String`.
  var smallIntCounts: [Int] = []
  /// Distinct values held in `textCounts` and `smallIntCounts`.
  var distinctCount = 0
  /// More distinct values than `distinctCap` were seen: ``distinct`` is empty.
  public var isHighCardinality = false
  /// The cap on ``distinct``.
  public var distinctCap: Int

  public init(name: String, index: Int, distinctCap: Int = 50) {
    self.name = name; self.index = index; self.distinctCap = distinctCap
  }

  /// Distinct trimmed non-missing texts → counts; complete only while
  /// ``isHighCardinality`` is false (then empty).
  public var distinct: [String: Int] {
    var d = textCounts
    for (k, n) in smallIntCounts.enumerated() where n > 0 { d[String(k - 128), default: 0] += n }
    return d
  }

  /// Non-missing cells.
  public var answered: Int { count - missing }
  /// Missing share in percent (0 for an empty file).
  public var missingPercent: Double { count == 0 ? 0 : 100 * Double(missing) / Double(count) }

  private mutating func noteNumber(_ number: Double) {
    numericCount += 1
    if number == number.rounded() { integerCount += 1 }
    minimum = Swift.min(minimum ?? number, number)
    maximum = Swift.max(maximum ?? number, number)
  }

  private mutating func checkCap() {
    if distinctCount > distinctCap {
      isHighCardinality = true; textCounts = [:]; smallIntCounts = []; distinctCount = 0
    }
  }

  /// Adds one trimmed, non-missing cell (`text` may be nil once the column is
  /// high-cardinality).
  mutating func add(text: String?, number: Double?, isDate: Bool, hasSpace: Bool, length: Int) {
    count += 1
    if let number { noteNumber(number) }
    if isDate { dateCount += 1 }
    if hasSpace { cellsWithSpaces += 1 }
    maxLength = Swift.max(maxLength, length)
    guard !isHighCardinality, let text else { return }
    textCounts[text, default: 0] += 1
    if textCounts[text] == 1 { distinctCount += 1; checkCap() }
  }

  /// Adds one cell holding a canonical integer in −99…99 (its text is `String(value)`).
  mutating func add(smallInteger value: Int, length: Int) {
    count += 1
    noteNumber(Double(value))
    maxLength = Swift.max(maxLength, length)
    guard !isHighCardinality else { return }
    if smallIntCounts.isEmpty { smallIntCounts = Array(repeating: 0, count: 256) }
    smallIntCounts[value + 128] += 1
    if smallIntCounts[value + 128] == 1 { distinctCount += 1; checkCap() }
  }

  /// Adds one missing cell.
  mutating func addMissing() { count += 1; missing += 1 }

  /// Adds another shard's statistics (exact and order-independent: a column is
  /// high-cardinality iff the union holds more than `distinctCap` distinct values).
  public mutating func merge(_ other: ColumnProfile) {
    count += other.count; missing += other.missing
    numericCount += other.numericCount; integerCount += other.integerCount
    if let m = other.minimum { minimum = Swift.min(minimum ?? m, m) }
    if let m = other.maximum { maximum = Swift.max(maximum ?? m, m) }
    dateCount += other.dateCount; cellsWithSpaces += other.cellsWithSpaces
    maxLength = Swift.max(maxLength, other.maxLength)
    if isHighCardinality || other.isHighCardinality {
      isHighCardinality = true; textCounts = [:]; smallIntCounts = []; distinctCount = 0
      return
    }
    for (k, v) in other.textCounts {
      if textCounts[k] == nil { distinctCount += 1 }
      textCounts[k, default: 0] += v
    }
    if !other.smallIntCounts.isEmpty {
      if smallIntCounts.isEmpty { smallIntCounts = Array(repeating: 0, count: 256) }
      for k in 0..<256 where other.smallIntCounts[k] > 0 {
        if smallIntCounts[k] == 0 { distinctCount += 1 }
        smallIntCounts[k] += other.smallIntCounts[k]
      }
    }
    checkCap()
  }

  /// Whether the column's name says it identifies respondents (`id`, `ResponseId`,
  /// `respondent_id`, `Respondent ID`, `participant`…).
  public var hasIdentifierName: Bool { Self.isIdentifierName(name) }

  static func isIdentifierName(_ name: String) -> Bool {
    let key = name.lowercased().filter { $0.isLetter || $0.isNumber }
    if ["id", "responseid", "respondentid", "respondent", "participantid", "participant",
        "recordid", "staffid", "employeeid", "uuid", "email", "emailaddress", "name",
        "ipaddress", "externalreference", "externaldatareference"].contains(key) { return true }
    return key.hasPrefix("respondent") || key.hasPrefix("participant")
  }

  /// Whether every distinct answer is a label of a known response scale.
  public var hasKnownLabels: Bool {
    !isHighCardinality && distinctCount > 0 && numericCount == 0
      && KnownResponseScale.matching(Set(distinct.keys)) != nil
  }

  /// The inferred type (rules in ``InferredColumnType``).
  public var type: InferredColumnType {
    let n = answered
    if n == 0 { return .empty }
    if hasIdentifierName && (isHighCardinality || distinctCount == n) && n > 1 { return .idLike }
    if numericCount == n {
      if integerCount == n && !isHighCardinality && distinctCount <= Self.itemLikeLimit { return .integerCoded }
      return .numeric
    }
    if dateCount == n { return .date }
    if hasKnownLabels { return .categoricalText }
    let texts = n - numericCount
    if isHighCardinality || distinctCount * 2 > n {
      // Many distinct answers: identifiers have no spaces and are short.
      if cellsWithSpaces * 10 <= texts && maxLength <= 40 && n >= 5 { return .idLike }
      return .freeText
    }
    return maxLength <= 80 ? .categoricalText : .freeText
  }

  /// Few distinct values: frequencies may be shown (unless the column is a group).
  public var isItemLike: Bool {
    let t = type
    return (t == .integerCoded || t == .categoricalText) && !isHighCardinality
      && distinctCount <= Self.itemLikeLimit
  }
}

/// Response scales whose labels `init` and `describe` recognise, in scale order.
public struct KnownResponseScale: Sendable, Equatable {
  public var name: String
  public var labels: [String]

  public static let all: [KnownResponseScale] = [
    .init(name: "agree5", labels: ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]),
    .init(name: "agree4", labels: ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]),
    .init(name: "agree6", labels: ["Strongly disagree", "Disagree", "Slightly disagree", "Slightly agree", "Agree", "Strongly agree"]),
    .init(name: "agree7", labels: ["Strongly disagree", "Disagree", "Somewhat disagree", "Neither agree nor disagree",
                                   "Somewhat agree", "Agree", "Strongly agree"]),
    .init(name: "extent4", labels: ["Not at all", "To some extent", "To a great extent", "Completely"]),
    .init(name: "extent5", labels: ["Not at all", "To a small extent", "To some extent", "To a great extent", "To a very great extent"]),
    .init(name: "frequency5", labels: ["Never", "Rarely", "Sometimes", "Often", "Always"]),
    .init(name: "likeme6", labels: ["Not like me at all", "Not like me", "A little like me", "Somewhat like me", "Like me", "Very much like me"]),
    .init(name: "yesno", labels: ["No", "Yes"]),
  ]

  /// The first (smallest) known scale containing every text (case-insensitive), or nil.
  public static func matching(_ texts: Set<String>) -> KnownResponseScale? {
    let lowered = Set(texts.map { $0.lowercased() })
    return all.filter { s in lowered.isSubset(of: Set(s.labels.map { $0.lowercased() })) }
      .min { $0.labels.count < $1.labels.count }
  }
}

/// Byte-level cell checks used by the profiler.
enum CellShape {
  /// The value of a canonical integer in −99…99 (`0`, `7`, `-99`; no sign on zero, no
  /// leading zeros, no `+`, no decimal point), else nil.
  @inline(__always)
  static func smallInteger(_ b: UnsafeRawBufferPointer) -> Int? {
    var i = 0
    let negative = b.count > 0 && b[0] == 0x2D
    if negative { i = 1 }
    let digits = b.count - i
    guard digits == 1 || digits == 2 else { return nil }
    let d0 = Int(b[i] &- 48)
    guard d0 < 10 else { return nil }
    if digits == 1 { return negative ? (d0 == 0 ? nil : -d0) : d0 }
    let d1 = Int(b[i + 1] &- 48)
    guard d1 < 10, d0 != 0 else { return nil }
    let v = d0 * 10 + d1
    return negative ? -v : v
  }

  /// `YYYY-MM-DD[...]` or `D/M/YYYY[...]` / `M/D/YY[...]`.
  static func isDate(_ b: UnsafeRawBufferPointer) -> Bool {
    func digit(_ i: Int) -> Bool { i < b.count && b[i] &- 48 < 10 }
    if b.count >= 10, digit(0), digit(1), digit(2), digit(3), b[4] == 0x2D, digit(5), digit(6), b[7] == 0x2D,
       digit(8), digit(9) {
      return b.count == 10 || b[10] == 0x20 || b[10] == 0x54  // ' ' or 'T'
    }
    var i = 0, parts = 0
    while parts < 3 {
      let s = i
      while digit(i) { i += 1 }
      let len = i - s
      if len == 0 || len > 4 { return false }
      parts += 1
      if parts < 3 {
        guard i < b.count, b[i] == 0x2F else { return false }
        i += 1
      } else if len != 2 && len != 4 {
        return false
      }
    }
    return i == b.count || b[i] == 0x20
  }
}
