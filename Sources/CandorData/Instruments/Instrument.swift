/// Which end of a response scale means "most".
public enum ResponseDirection: String, Sendable, Codable, Hashable, CaseIterable {
  /// The highest code is the most (agree, like me): used as is.
  case ascending
  /// The lowest code is the most (ESS PVQ: 1 = very much like me): recoded
  /// `(min + max) − x` before keying, so higher = more after decoding.
  case descending
}

/// One sub-scale of an instrument: a value and the 1-based item positions that measure it.
public struct InstrumentSubscale: Sendable, Hashable, Codable {
  /// Stable snake_case id, e.g. `self_direction`, `power_dominance`.
  public var id: String
  /// 1-based item positions within the instrument.
  public var items: [Int]

  public init(id: String, items: [Int]) {
    self.id = id
    self.items = items
  }
}

/// A higher-order value: a mean of value scores (Schwartz 2021 keys).
public struct HigherOrderValue: Sendable, Hashable, Codable {
  /// `openness_to_change`, `self_enhancement`, `conservation`, `self_transcendence`.
  public var id: String
  /// Ids of the values averaged.
  public var values: [String]

  public init(id: String, values: [String]) {
    self.id = id
    self.values = values
  }
}

/// A built-in instrument: structure only (item count, keys, response format, value maps),
/// never item wording (domain.md §0: the wordings are copyrighted).
public struct Instrument: Sendable, Hashable, Codable {
  /// Id used in codebooks, e.g. `edmondson-tps7`.
  public var id: String
  /// Human-readable name.
  public var name: String
  /// Bibliographic source of the structure.
  public var source: String
  /// Number of items, in the published order.
  public var itemCount: Int
  /// 1-based positions of reverse-keyed items.
  public var reverseItems: [Int]
  /// Default response range `[min, max]` (a codebook `range` overrides it).
  public var responseRange: ClosedRange<Double>
  /// Response direction of the published format.
  public var direction: ResponseDirection
  /// Missing-value codes of the published data format (e.g. ESS 7, 8, 9), added to the
  /// scale's own codes by the decoder.
  public var missingCodes: [String]
  /// Value sub-scales (Schwartz instruments) or facets; empty for a single-score scale.
  public var values: [InstrumentSubscale]
  /// Higher-order values, each a mean of `values`.
  public var higherOrder: [HigherOrderValue]
  /// Values kept out of every higher-order value (PVQ-RR: humility, face).
  public var boundaryValues: [String]
  /// PVQ-RR scored as the original ten values (face items unused; humility → tradition).
  public var tenValueScoring: [InstrumentSubscale]
  /// True for value instruments: MRAT centring over all items applies.
  public var usesMRAT: Bool
  /// Response formats per item when they differ (CCSR: item 1 "extent", others "agree4").
  public var itemFormats: [Int: String]
  /// Licence terms of the instrument's items, or nil when none are known.
  public var licence: String?

  public init(
    id: String, name: String, source: String, itemCount: Int, reverseItems: [Int] = [],
    responseRange: ClosedRange<Double>, direction: ResponseDirection = .ascending,
    missingCodes: [String] = [], values: [InstrumentSubscale] = [],
    higherOrder: [HigherOrderValue] = [], boundaryValues: [String] = [],
    tenValueScoring: [InstrumentSubscale] = [], usesMRAT: Bool = false,
    itemFormats: [Int: String] = [:], licence: String? = nil
  ) {
    self.id = id
    self.name = name
    self.source = source
    self.itemCount = itemCount
    self.reverseItems = reverseItems
    self.responseRange = responseRange
    self.direction = direction
    self.missingCodes = missingCodes
    self.values = values
    self.higherOrder = higherOrder
    self.boundaryValues = boundaryValues
    self.tenValueScoring = tenValueScoring
    self.usesMRAT = usesMRAT
    self.itemFormats = itemFormats
    self.licence = licence
  }

  /// The value that item `position` (1-based) belongs to, if any.
  public func value(ofItem position: Int) -> String? {
    values.first { $0.items.contains(position) }?.id
  }
}

/// The built-in instruments (design.md §4, domain.md §1–§3).
public enum InstrumentCatalog {
  /// Ten basic values, in circular order (domain.md §2.1).
  public static let tenValues = [
    "self_direction", "stimulation", "hedonism", "achievement", "power",
    "security", "conformity", "tradition", "benevolence", "universalism",
  ]

  /// Schwartz's 2021 higher-order grouping of the ten values (hedonism → openness).
  public static let tenValueHigherOrder = [
    HigherOrderValue(id: "openness_to_change", values: ["self_direction", "stimulation", "hedonism"]),
    HigherOrderValue(id: "self_enhancement", values: ["achievement", "power"]),
    HigherOrderValue(id: "conservation", values: ["security", "conformity", "tradition"]),
    HigherOrderValue(id: "self_transcendence", values: ["benevolence", "universalism"]),
  ]

  static let pvqLicence =
    "Free for non-commercial academic research; commercial use needs a licence from S. H. Schwartz."

  /// Edmondson (1999) Team Psychological Safety, 7 items, 1, 3, 5 reverse-keyed.
  public static let edmondsonTPS7 = Instrument(
    id: "edmondson-tps7", name: "Team Psychological Safety (Edmondson 1999)",
    source: "Edmondson (1999), Administrative Science Quarterly 44(2):350-383; items 1, 3, 5 negatively worded",
    itemCount: 7, reverseItems: [1, 3, 5], responseRange: 1...7)

  /// ESS Human Values Scale (PVQ-21): 1 = very much like me … 6 = not like me at all.
  public static let pvq21 = Instrument(
    id: "pvq-21", name: "Portrait Values Questionnaire, 21 items (ESS Human Values Scale)",
    source: "Schwartz, Computing scores for the 10 human values (ESS)",
    itemCount: 21, responseRange: 1...6, direction: .descending, missingCodes: ["7", "8", "9"],
    values: [
      .init(id: "self_direction", items: [1, 11]), .init(id: "stimulation", items: [6, 15]),
      .init(id: "hedonism", items: [10, 21]), .init(id: "achievement", items: [4, 13]),
      .init(id: "power", items: [2, 17]), .init(id: "security", items: [5, 14]),
      .init(id: "conformity", items: [7, 16]), .init(id: "tradition", items: [9, 20]),
      .init(id: "benevolence", items: [12, 18]), .init(id: "universalism", items: [3, 8, 19]),
    ],
    higherOrder: tenValueHigherOrder, usesMRAT: true)

  /// PVQ-40 (PVQ-IV), 40 items, ten values (Schwartz coding key, June 2021).
  public static let pvq40 = Instrument(
    id: "pvq-40", name: "Portrait Values Questionnaire, 40 items (PVQ-IV)",
    source: "Schwartz, PVQ-40 coding key (June 2021)",
    itemCount: 40, responseRange: 1...6,
    values: [
      .init(id: "self_direction", items: [1, 11, 22, 34]), .init(id: "stimulation", items: [6, 15, 30]),
      .init(id: "hedonism", items: [10, 26, 37]), .init(id: "achievement", items: [4, 13, 24, 32]),
      .init(id: "power", items: [2, 17, 39]), .init(id: "security", items: [5, 14, 21, 31, 35]),
      .init(id: "conformity", items: [7, 16, 28, 36]), .init(id: "tradition", items: [9, 20, 25, 38]),
      .init(id: "benevolence", items: [12, 18, 27, 33]),
      .init(id: "universalism", items: [3, 8, 19, 23, 29, 40]),
    ],
    higherOrder: tenValueHigherOrder, usesMRAT: true, licence: pvqLicence)

  /// PVQ-RR, 57 items, 19 values × 3 items (Schwartz, PVQ-RR instructions, June 2021);
  /// 1 = not like me at all … 6 = very much like me.
  public static let pvqRR = Instrument(
    id: "pvq-rr", name: "Portrait Values Questionnaire, revised (PVQ-RR, 19 values)",
    source: "Schwartz, Coding & Analysis Instructions PVQ-RR (June 2021)",
    itemCount: 57, responseRange: 1...6,
    values: [
      .init(id: "self_direction_thought", items: [1, 23, 39]),
      .init(id: "self_direction_action", items: [16, 30, 56]),
      .init(id: "stimulation", items: [10, 28, 43]),
      .init(id: "hedonism", items: [3, 36, 46]),
      .init(id: "achievement", items: [17, 32, 48]),
      .init(id: "power_dominance", items: [6, 29, 41]),
      .init(id: "power_resources", items: [12, 20, 44]),
      .init(id: "face", items: [9, 24, 49]),
      .init(id: "security_personal", items: [13, 26, 53]),
      .init(id: "security_societal", items: [2, 35, 50]),
      .init(id: "tradition", items: [18, 33, 40]),
      .init(id: "conformity_rules", items: [15, 31, 42]),
      .init(id: "conformity_interpersonal", items: [4, 22, 51]),
      .init(id: "humility", items: [7, 38, 54]),
      .init(id: "benevolence_caring", items: [11, 25, 47]),
      .init(id: "benevolence_dependability", items: [19, 27, 55]),
      .init(id: "universalism_concern", items: [5, 37, 52]),
      .init(id: "universalism_nature", items: [8, 21, 45]),
      .init(id: "universalism_tolerance", items: [14, 34, 57]),
    ],
    higherOrder: [
      HigherOrderValue(
        id: "openness_to_change",
        values: ["self_direction_thought", "self_direction_action", "stimulation", "hedonism"]),
      HigherOrderValue(id: "self_enhancement", values: ["achievement", "power_dominance", "power_resources"]),
      HigherOrderValue(
        id: "conservation",
        values: ["security_personal", "security_societal", "tradition", "conformity_rules",
                 "conformity_interpersonal"]),
      HigherOrderValue(
        id: "self_transcendence",
        values: ["universalism_nature", "universalism_concern", "universalism_tolerance",
                 "benevolence_caring", "benevolence_dependability"]),
    ],
    boundaryValues: ["humility", "face"],
    tenValueScoring: [
      .init(id: "self_direction", items: [1, 23, 39, 16, 30, 56]),
      .init(id: "stimulation", items: [10, 28, 43]),
      .init(id: "hedonism", items: [3, 36, 46]),
      .init(id: "achievement", items: [17, 32, 48]),
      .init(id: "power", items: [6, 29, 41, 12, 20, 44]),
      .init(id: "security", items: [13, 26, 53, 2, 35, 50]),
      .init(id: "conformity", items: [15, 31, 42, 4, 22, 51]),
      .init(id: "tradition", items: [18, 33, 40, 7, 38, 54]),
      .init(id: "benevolence", items: [11, 25, 47, 19, 27, 55]),
      .init(id: "universalism", items: [8, 21, 45, 5, 37, 52, 14, 34, 57]),
    ],
    usesMRAT: true, licence: pvqLicence)

  /// CCSR Teacher–Principal Trust (2003): 8 items, 4-point; item 1 is a 4-point extent
  /// item, items 2–8 4-point agreement. No reverse-keyed items.
  public static let ccsrTeacherPrincipalTrust = Instrument(
    id: "ccsr-teacher-principal-trust", name: "CCSR Teacher-Principal Trust (2003)",
    source: "UChicago Consortium on School Research, survey measure documentation (trpr)",
    itemCount: 8, responseRange: 1...4,
    itemFormats: [1: "extent4", 2: "agree4", 3: "agree4", 4: "agree4", 5: "agree4", 6: "agree4",
                  7: "agree4", 8: "agree4"],
    licence: "Consortium items may be used for non-commercial research only, citing the UChicago Consortium on School Research.")

  /// Every built-in instrument, in the order `candor instruments` lists them.
  public static let all: [Instrument] = [edmondsonTPS7, pvq21, pvq40, pvqRR, ccsrTeacherPrincipalTrust]

  /// The instrument with this id, or nil.
  public static subscript(id: String) -> Instrument? {
    all.first { $0.id == id }
  }

  /// Ids of every built-in instrument.
  public static var ids: [String] { all.map(\.id) }
}
