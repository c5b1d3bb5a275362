import CandorNumerics

/// One scale's reliability: the `reliability[]` entry of the JSON output (design.md §7).
///
/// Field names and order follow design.md §7 exactly; `warnings` is appended. Numbers
/// that are undefined (NaN) are written as JSON `null`.
public struct ReliabilityResult: Codable, Sendable {
  /// Scale name (`<scale>.<sub-scale>` for value instruments).
  public var scale: String
  /// The missing-data policy of the moments.
  public var missing: MissingDataPolicy
  /// Respondents behind the analysis (the caller's count, else the largest item count).
  public var n: Int
  /// The N used by the Feldt interval and the Duhachek ASE: the smallest pairwise n of
  /// the scale's items (listwise: complete cases), unless the caller overrode it (see
  /// ``AlphaSummary/intervalN``).
  public var nMin: Int
  /// Items in α (constant items excluded).
  public var items: Int
  public var alpha: AlphaSummary
  /// McDonald's ω, filled in by factor analysis; `nil` here.
  public var omega: OmegaResult?  // filled by factor analysis (Omega.compute)
  /// One entry per scale item, in the scale's item order (constant items included,
  /// with their correlations undefined).
  public var itemStatistics: [ItemStatistics]
  /// Keying and constant-item warnings, sorted by code then item (column order never matters).
  public var warnings: [AnalysisWarning]

  public init(scale: String, missing: MissingDataPolicy, n: Int, nMin: Int, items: Int, alpha: AlphaSummary,
              omega: OmegaResult? = nil, itemStatistics: [ItemStatistics], warnings: [AnalysisWarning]) {
    self.scale = scale; self.missing = missing; self.n = n; self.nMin = nMin; self.items = items
    self.alpha = alpha; self.omega = omega; self.itemStatistics = itemStatistics; self.warnings = warnings
  }

  private enum CodingKeys: String, CodingKey {
    case scale, missing, n, nMin, items, alpha, omega, itemStatistics, warnings
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(scale, forKey: .scale)
    try c.encode(missing, forKey: .missing)
    try c.encode(n, forKey: .n)
    try c.encode(nMin, forKey: .nMin)
    try c.encode(items, forKey: .items)
    try c.encode(alpha, forKey: .alpha)
    try c.encode(omega, forKey: .omega)  // explicit null while ω is not computed
    try c.encode(itemStatistics, forKey: .itemStatistics)
    try c.encode(warnings, forKey: .warnings)
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    scale = try c.decode(String.self, forKey: .scale)
    missing = try c.decode(MissingDataPolicy.self, forKey: .missing)
    n = try c.decode(Int.self, forKey: .n)
    nMin = try c.decode(Int.self, forKey: .nMin)
    items = try c.decode(Int.self, forKey: .items)
    alpha = try c.decode(AlphaSummary.self, forKey: .alpha)
    omega = try c.decodeIfPresent(OmegaResult.self, forKey: .omega)
    itemStatistics = try c.decode([ItemStatistics].self, forKey: .itemStatistics)
    warnings = try c.decodeIfPresent([AnalysisWarning].self, forKey: .warnings) ?? []
  }
}

/// The `alpha` object of design.md §7.
public struct AlphaSummary: Codable, Sendable {
  /// Raw α = k/(k−1)·(1 − tr C/ΣC).
  public var raw: Double
  /// Standardized α = k/(k−1)·(1 − k/ΣR).
  public var standardized: Double
  /// Guttman's λ6 = 1 − (k − Σ smcᵢ)/ΣR (psych `G6(smc)`).
  public var g6: Double
  /// Mean off-diagonal correlation (ΣR − k)/(k(k−1)).
  public var averageR: Double
  /// Median off-diagonal correlation.
  public var medianR: Double
  /// Signal-to-noise k·r̄/(1 − r̄).
  public var signalToNoise: Double
  /// Duhachek & Iacobucci (2004) asymptotic standard error √(Q/N), N = ``intervalN``.
  public var ase: Double
  /// Feldt 95 % interval [1 − (1−α)·F₀.₉₇₅, 1 − (1−α)·F₀.₀₂₅], F(N−1, (N−1)(k−1)), N = ``intervalN``.
  public var feldt95: [Double]
  /// α ± 1.96·ase (psych's print).
  public var duhachek95: [Double]
  /// The N used by `ase`, `feldt95` and `duhachek95` (an addition to §7).
  public var intervalN: Int
  /// Variance of the off-diagonal correlations (psych `var.r`; an addition to §7).
  public var varianceR: Double

  public init(raw: Double, standardized: Double, g6: Double, averageR: Double, medianR: Double,
              signalToNoise: Double, ase: Double, feldt95: [Double], duhachek95: [Double],
              intervalN: Int, varianceR: Double) {
    self.raw = raw; self.standardized = standardized; self.g6 = g6; self.averageR = averageR
    self.medianR = medianR; self.signalToNoise = signalToNoise; self.ase = ase
    self.feldt95 = feldt95; self.duhachek95 = duhachek95; self.intervalN = intervalN
    self.varianceR = varianceR
  }

  private enum CodingKeys: String, CodingKey {
    case raw, standardized, g6, averageR, medianR, signalToNoise, ase, feldt95, duhachek95, intervalN, varianceR
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encodeNumber(raw, forKey: .raw)
    try c.encodeNumber(standardized, forKey: .standardized)
    try c.encodeNumber(g6, forKey: .g6)
    try c.encodeNumber(averageR, forKey: .averageR)
    try c.encodeNumber(medianR, forKey: .medianR)
    try c.encodeNumber(signalToNoise, forKey: .signalToNoise)
    try c.encodeNumber(ase, forKey: .ase)
    try c.encodeNumbers(feldt95, forKey: .feldt95)
    try c.encodeNumbers(duhachek95, forKey: .duhachek95)
    try c.encode(intervalN, forKey: .intervalN)
    try c.encodeNumber(varianceR, forKey: .varianceR)
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    raw = try c.decodeNumber(forKey: .raw)
    standardized = try c.decodeNumber(forKey: .standardized)
    g6 = try c.decodeNumber(forKey: .g6)
    averageR = try c.decodeNumber(forKey: .averageR)
    medianR = try c.decodeNumber(forKey: .medianR)
    signalToNoise = try c.decodeNumber(forKey: .signalToNoise)
    ase = try c.decodeNumber(forKey: .ase)
    feldt95 = try c.decodeNumbers(forKey: .feldt95)
    duhachek95 = try c.decodeNumbers(forKey: .duhachek95)
    intervalN = try c.decode(Int.self, forKey: .intervalN)
    varianceR = try c.decodeNumber(forKey: .varianceR)
  }
}

/// The statistics of α for a set of items (psych `alpha.drop` row / `alpha.1`).
public struct AlphaStatistics: Codable, Sendable {
  public var raw: Double
  public var standardized: Double
  public var g6: Double
  public var averageR: Double
  public var signalToNoise: Double
  /// √(Q/N) with the N of the item-deleted set (psych `alpha se`).
  public var ase: Double
  public var varianceR: Double
  public var medianR: Double

  public init(raw: Double, standardized: Double, g6: Double, averageR: Double, signalToNoise: Double,
              ase: Double, varianceR: Double, medianR: Double) {
    self.raw = raw; self.standardized = standardized; self.g6 = g6; self.averageR = averageR
    self.signalToNoise = signalToNoise; self.ase = ase; self.varianceR = varianceR; self.medianR = medianR
  }

  private enum CodingKeys: String, CodingKey {
    case raw, standardized, g6, averageR, signalToNoise, ase, varianceR, medianR
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encodeNumber(raw, forKey: .raw)
    try c.encodeNumber(standardized, forKey: .standardized)
    try c.encodeNumber(g6, forKey: .g6)
    try c.encodeNumber(averageR, forKey: .averageR)
    try c.encodeNumber(signalToNoise, forKey: .signalToNoise)
    try c.encodeNumber(ase, forKey: .ase)
    try c.encodeNumber(varianceR, forKey: .varianceR)
    try c.encodeNumber(medianR, forKey: .medianR)
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    raw = try c.decodeNumber(forKey: .raw)
    standardized = try c.decodeNumber(forKey: .standardized)
    g6 = try c.decodeNumber(forKey: .g6)
    averageR = try c.decodeNumber(forKey: .averageR)
    signalToNoise = try c.decodeNumber(forKey: .signalToNoise)
    ase = try c.decodeNumber(forKey: .ase)
    varianceR = try c.decodeNumber(forKey: .varianceR)
    medianR = try c.decodeNumber(forKey: .medianR)
  }
}

/// One row of the item table (psych `item.stats` + `alpha.drop`), design.md §7.
public struct ItemStatistics: Codable, Sendable {
  public var item: String
  /// Answers to this item.
  public var n: Int
  public var mean: Double
  /// Sample SD (n − 1).
  public var sd: Double
  /// Correlation of the item with the scale total. From the covariance alone:
  /// (C1)ᵢ/√(Cᵢᵢ·ΣC); psych correlates with the prorated row mean instead, which is the
  /// same without missing data (pass `itemScoreCorrelations` to reproduce psych exactly).
  public var rawR: Double
  /// (R1)ᵢ/√ΣR (psych `std.r`).
  public var stdR: Double
  /// Item–total correlation corrected for overlap: R with SMCs on the diagonal (psych `r.cor`).
  public var rCor: Double
  /// Item–rest correlation (ΣⱼCᵢⱼ − Cᵢᵢ)/√(Cᵢᵢ·ΣC₋ᵢ) (psych `r.drop`).
  public var rDrop: Double
  /// Raw α of the scale without this item; `nil` for 2-item scales (α of one item is
  /// undefined; psych prints Cᵢⱼ/Cⱼⱼ) and for constant items.
  public var alphaIfDeleted: Double?
  /// Response counts per value, plus `missing` (carried from the pipeline).
  public var frequencies: [String: Int]
  /// All α statistics without this item (psych `alpha.drop` row; an addition to §7).
  public var ifDeleted: AlphaStatistics?

  public init(item: String, n: Int, mean: Double, sd: Double, rawR: Double, stdR: Double, rCor: Double,
              rDrop: Double, alphaIfDeleted: Double?, frequencies: [String: Int], ifDeleted: AlphaStatistics?) {
    self.item = item; self.n = n; self.mean = mean; self.sd = sd; self.rawR = rawR; self.stdR = stdR
    self.rCor = rCor; self.rDrop = rDrop; self.alphaIfDeleted = alphaIfDeleted
    self.frequencies = frequencies; self.ifDeleted = ifDeleted
  }

  private enum CodingKeys: String, CodingKey {
    case item, n, mean, sd, rawR, stdR, rCor, rDrop, alphaIfDeleted, frequencies, ifDeleted
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(item, forKey: .item)
    try c.encode(n, forKey: .n)
    try c.encodeNumber(mean, forKey: .mean)
    try c.encodeNumber(sd, forKey: .sd)
    try c.encodeNumber(rawR, forKey: .rawR)
    try c.encodeNumber(stdR, forKey: .stdR)
    try c.encodeNumber(rCor, forKey: .rCor)
    try c.encodeNumber(rDrop, forKey: .rDrop)
    try c.encode(alphaIfDeleted.flatMap { $0.isFinite ? $0 : nil }, forKey: .alphaIfDeleted)
    // Values in numeric order, then non-numeric keys, `missing` last: stable output.
    var f = c.nestedContainer(keyedBy: FrequencyKey.self, forKey: .frequencies)
    for key in ItemStatistics.orderedFrequencyKeys(frequencies) {
      try f.encode(frequencies[key]!, forKey: FrequencyKey(stringValue: key))
    }
    try c.encode(ifDeleted, forKey: .ifDeleted)
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    item = try c.decode(String.self, forKey: .item)
    n = try c.decode(Int.self, forKey: .n)
    mean = try c.decodeNumber(forKey: .mean)
    sd = try c.decodeNumber(forKey: .sd)
    rawR = try c.decodeNumber(forKey: .rawR)
    stdR = try c.decodeNumber(forKey: .stdR)
    rCor = try c.decodeNumber(forKey: .rCor)
    rDrop = try c.decodeNumber(forKey: .rDrop)
    alphaIfDeleted = try c.decodeIfPresent(Double.self, forKey: .alphaIfDeleted)
    frequencies = try c.decodeIfPresent([String: Int].self, forKey: .frequencies) ?? [:]
    ifDeleted = try c.decodeIfPresent(AlphaStatistics.self, forKey: .ifDeleted)
  }

  /// Frequency keys in output order: numeric values ascending, other text, `missing` last.
  static func orderedFrequencyKeys(_ f: [String: Int]) -> [String] {
    f.keys.sorted { a, b in
      if a == "missing" || b == "missing" { return b == "missing" && a != "missing" }
      switch (Double(a), Double(b)) {
      case let (x?, y?): return x != y ? x < y : a < b
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return a < b
      }
    }
  }
}

struct FrequencyKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer {
  /// Encodes a finite number, or `null` for NaN/±∞ (JSON has no NaN).
  mutating func encodeNumber(_ x: Double, forKey key: Key) throws {
    if x.isFinite { try encode(x, forKey: key) } else { try encodeNil(forKey: key) }
  }

  mutating func encodeNumbers(_ xs: [Double], forKey key: Key) throws {
    try encode(xs.map { $0.isFinite ? $0 : nil }, forKey: key)
  }
}

extension KeyedDecodingContainer {
  func decodeNumber(forKey key: Key) throws -> Double {
    try decodeIfPresent(Double.self, forKey: key) ?? .nan
  }

  func decodeNumbers(forKey key: Key) throws -> [Double] {
    try decode([Double?].self, forKey: key).map { $0 ?? .nan }
  }
}
