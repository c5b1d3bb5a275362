/// Codebook v1: the user's description of an export (design.md §4).
///
/// Load with ``Codebook/load(contentsOf:)`` or ``Codebook/parse(_:fileName:)``; check it with
/// ``Codebook/validate()`` and, once the file's header is known,
/// ``Codebook/validate(againstColumns:headerRows:)``.
public struct Codebook: Sendable, Equatable {
  /// Always 1.
  public var version: Int = 1
  /// Layout of the export.
  public var format: ExportLayout = .auto
  /// `.xlsx` sheet (nil = the first).
  public var sheet: SheetSelector?
  /// Field delimiter.
  public var delimiter: Delimiter = .auto
  /// Text encoding.
  public var encoding: TextEncoding = .auto
  /// Column aliases: canonical name → header text, in file order of the codebook.
  public var columns: [ColumnAlias] = []
  /// Respondent id column.
  public var id: String?
  /// Group hierarchy, outermost first (`group:` is one level).
  public var groups: [String] = []
  /// Demographic breakdowns.
  public var cuts: [String] = []
  /// Confidentiality threshold (design.md §8).
  public var minGroupSize: Int = 5
  /// Optional headcount file (group → invited staff).
  public var headcounts: String?
  /// Global missing codes (default `["", "NA"]`).
  public var missing: [MissingCode] = [MissingCode(""), MissingCode("NA")]
  /// Row screens.
  public var screens: Screens = Screens()
  /// Named text → number maps.
  public var labels: [LabelMap] = []
  /// Scales.
  public var scales: [ScaleSpec] = []
  /// Outcomes.
  public var outcomes: [OutcomeSpec] = []
  /// Analyses `candor analyze` runs (nil = defaults).
  public var analyses: AnalysesSpec?
  /// Where the codebook came from: file name and the line of each key path.
  public var origin: CodebookOrigin = CodebookOrigin()

  public init() {}

  /// The label map with this name.
  public func labelMap(named name: String) -> LabelMap? { labels.first { $0.name == name } }
  /// The scale with this name.
  public func scale(named name: String) -> ScaleSpec? { scales.first { $0.name == name } }
  /// The header text a canonical column name refers to (its alias, or the name itself).
  public func headerText(for column: String) -> String {
    columns.first { $0.name == column }?.header ?? column
  }
}

/// File name and key-path → line positions of a loaded codebook (for messages).
public struct CodebookOrigin: Sendable, Equatable {
  public var fileName: String?
  /// Line (1-based) of each key path, e.g. `scales[1].reverse` → 23.
  public var lines: [String: Int] = [:]
  public init(fileName: String? = nil, lines: [String: Int] = [:]) {
    self.fileName = fileName
    self.lines = lines
  }
}

/// `format:` — the export's layout as the codebook spells it (the container is detected
/// from content).
///
/// Kept apart from the reader's ``SurveyLayout`` because the codebook's set differs: it has
/// `auto` (detect), and `qualtrics` covers both the 3-row and the legacy 2-row Qualtrics
/// header (the reader picks the form it finds). ``surveyLayout`` converts.
public enum ExportLayout: String, Sendable, CaseIterable, Codable {
  case auto, csv, qualtrics, surveymonkey
  case googleForms = "google-forms"
  case microsoftForms = "microsoft-forms"
  case spss

  /// The reader's layout, or nil for `auto` (detect from the header rows).
  public var surveyLayout: SurveyLayout? {
    switch self {
    case .auto: nil
    case .csv: .csv
    case .qualtrics: .qualtrics
    case .surveymonkey: .surveyMonkey
    case .googleForms: .googleForms
    case .microsoftForms: .microsoftForms
    case .spss: .spss
    }
  }

  /// The codebook spelling of a layout the reader detected (legacy Qualtrics → `qualtrics`).
  public init(_ layout: SurveyLayout) {
    switch layout {
    case .csv: self = .csv
    case .qualtrics, .qualtricsLegacy: self = .qualtrics
    case .surveyMonkey: self = .surveymonkey
    case .googleForms: self = .googleForms
    case .microsoftForms: self = .microsoftForms
    case .spss: self = .spss
    }
  }
}

extension Codebook {
  /// How to open the export this codebook describes: layout, delimiter, encoding and sheet.
  public var sourceOptions: SourceOptions {
    SourceOptions(layout: format.surveyLayout, csv: CSVOptions(delimiter: delimiter, encoding: encoding), sheet: sheet)
  }
}

/// One `columns:` entry.
public struct ColumnAlias: Sendable, Equatable {
  public var name: String
  public var header: String
  public init(name: String, header: String) {
    self.name = name
    self.header = header
  }
}

/// A missing-value code. Matches a cell numerically when both are numbers
/// (7 = "7" = "7.0"), otherwise as exact trimmed text (design.md §4).
public struct MissingCode: Sendable, Equatable, Hashable {
  /// The code as written (trimmed).
  public var text: String
  /// Its numeric value, when the text is a number.
  public var number: Double?
  public init(_ text: String) {
    let trimmed = text.trimmingASCIIWhitespace()
    self.text = trimmed
    self.number = Double(trimmed).flatMap { $0.isFinite ? $0 : nil }
  }
}

/// `screens:` (design.md §4), applied in declaration order.
public struct Screens: Sendable, Equatable {
  /// Qualtrics Status values excluded (names; numeric codes are mapped to names).
  public var qualtricsStatus: [String] = ["Survey Preview", "Survey Test", "Spam"]
  /// Exclude rows whose Finished is 0/False.
  public var unfinished: Bool = true
  public var duplicateIds: DuplicateIdPolicy = .error
  public var straightlining: StraightliningPolicy = .warn
  public init() {}
}

public enum DuplicateIdPolicy: String, Sendable, CaseIterable {
  case error
  case keepFirst = "keep-first"
  case keepLast = "keep-last"
}

public enum StraightliningPolicy: String, Sendable, CaseIterable {
  case warn, exclude, off
}

/// A named text → number map.
public struct LabelMap: Sendable, Equatable {
  public var name: String
  /// Entries in codebook order: answer text (trimmed) → code.
  public var entries: [(text: String, value: Double)]
  public init(name: String, entries: [(text: String, value: Double)]) {
    self.name = name
    self.entries = entries
  }
  /// The code for an answer text (exact trimmed match).
  public func value(for text: String) -> Double? {
    let t = text.trimmingASCIIWhitespace()
    return entries.first { $0.text == t }?.value
  }
  public static func == (a: LabelMap, b: LabelMap) -> Bool {
    a.name == b.name && a.entries.count == b.entries.count
      && zip(a.entries, b.entries).allSatisfy { $0.text == $1.text && $0.value == $1.value }
  }
}

/// `scoring:` of a scale.
public enum ScoringMethod: String, Sendable, CaseIterable, Codable {
  /// Mean of the answered items.
  case mean
  /// Sum of the items (only when all are answered).
  case sum
  /// Percent of maximum possible: 100·(mean − min)/(max − min).
  case pomp
}

/// A closed numeric range `[min, max]` from the codebook.
public struct ResponseRange: Sendable, Equatable, Hashable, Codable {
  public var min: Double
  public var max: Double
  public init(_ min: Double, _ max: Double) {
    self.min = min
    self.max = max
  }
  /// Number of integer response points, `max − min + 1`.
  public var points: Int { Int((max - min).rounded()) + 1 }
}

/// One `recode:` entry: `from` → `to` (nil = missing).
public struct RecodeEntry: Sendable, Equatable, Hashable {
  public var from: Double
  public var to: Double?
  public init(from: Double, to: Double?) {
    self.from = from
    self.to = to
  }
}

/// One entry of `scales:`.
public struct ScaleSpec: Sendable, Equatable {
  public var name: String = ""
  public var instrument: String?
  public var items: [String] = []
  /// Explicit reverse-keyed items (nil = the instrument's keys, or none).
  public var reverse: [String]?
  public var range: ResponseRange?
  public var itemRanges: [String: ResponseRange] = [:]
  public var missing: [MissingCode] = []
  public var recode: [RecodeEntry] = []
  public var labels: String?
  public var itemLabels: [String: String] = [:]
  public var direction: ResponseDirection?
  public var minItems: Int?
  public var scoring: ScoringMethod = .mean
  public var favourable: [Double]?
  public var mratMinAnswered: Double?
  public init(name: String = "", items: [String] = []) {
    self.name = name
    self.items = items
  }
}

/// One entry of `outcomes:`.
public struct OutcomeSpec: Sendable, Equatable {
  public var name: String = ""
  public var column: String = ""
  /// Answers that count as the event (nil = "1" for 0/1 columns).
  public var event: [String]?
  public init(name: String = "", column: String = "", event: [String]? = nil) {
    self.name = name
    self.column = column
    self.event = event
  }
}

/// `analyses:`. Each entry may be one mapping or a list of them in YAML.
public struct AnalysesSpec: Sendable, Equatable {
  public var reliability: [String]?
  public var factors: [FactorsSpec] = []
  public var values: [ValuesSpec] = []
  public var correlate: [CorrelateSpec] = []
  public var retention: [RetentionSpec] = []
  public var aggregate: [AggregateSpec] = []
  public var drivers: [DriversSpec] = []
  public init() {}
}

/// `factors: {scale, n, method, rotation, target, correlation}`.
public struct FactorsSpec: Sendable, Equatable {
  public enum Count: Sendable, Equatable {
    case fixed(Int)
    case parallel
  }
  public var scale: String = ""
  public var n: Count = .parallel
  public var method: String = "minres"
  public var rotation: String = "oblimin"
  public var correlation: String = "pearson"
  /// Target pattern for `rotation: target`: item → loadings, nil = free (`null`).
  public var target: [String: [Double?]]?
  public init() {}
}

public struct ValuesSpec: Sendable, Equatable {
  public var scale: String = ""
  public var mds: Bool = true
  public init() {}
}

public struct CorrelateSpec: Sendable, Equatable {
  public var variables: [String] = []
  public var with: [String] = []
  public var covariates: [String] = []
  public var method: String = "pearson"
  public init() {}
}

public struct RetentionSpec: Sendable, Equatable {
  public var outcome: String = ""
  public var predictors: [String] = []
  public var covariates: [String] = []
  public var cluster: String?
  public init() {}
}

public struct AggregateSpec: Sendable, Equatable {
  public var by: String = ""
  public var scales: [String] = []
  public init() {}
}

public struct DriversSpec: Sendable, Equatable {
  public var outcome: String = ""
  public var predictors: [String] = []
  public init() {}
}

extension String {
  /// The string without leading and trailing spaces, tabs, CR and LF.
  func trimmingASCIIWhitespace() -> String {
    var s = Substring(self)
    while let f = s.first, f.isASCIIWhitespace { s = s.dropFirst() }
    while let l = s.last, l.isASCIIWhitespace { s = s.dropLast() }
    return String(s)
  }
}

extension Character {
  fileprivate var isASCIIWhitespace: Bool {
    self == " " || self == "\t" || self == "\r" || self == "\n" || self == "\r\n"
  }
}
