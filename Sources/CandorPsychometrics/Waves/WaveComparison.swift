import Foundation

/// One row of the wave-over-wave table (design.md §7 `waves[]`): the change of
/// one scale from wave `from` to wave `to`.
///
/// Encodes the §7 fields first, in order — `scale, from, to, change, ci95, p,
/// alphaDifferenceP` — then `n1, n2, mean1, mean2, test, pairs, t, df,
/// favourable1, favourable2, favourableChange, favourableChangeCI95,
/// favourableP, alpha1, alpha2, pBH, favourablePBH`. Index 1 is wave `from`,
/// 2 is wave `to`; every change is to − from. Undefined numbers (NaN) and absent
/// statistics encode as `null`.
public struct WaveComparison: Codable, Sendable, Equatable {
  public var scale: String
  /// Label of the earlier wave (`--wave`).
  public var from: String
  /// Label of the later wave.
  public var to: String
  /// Change in the scale mean (Welch: mean2 − mean1; paired: mean of the linked differences).
  public var change: Double
  /// 95 % CI of `change` (t-based).
  public var ci95: [Double]
  /// Two-sided p of `change`.
  public var p: Double
  /// Feldt's two-sided p for a change in alpha (nil without both alphas).
  public var alphaDifferenceP: Double?
  public var n1: Int
  public var n2: Int
  public var mean1: Double
  public var mean2: Double
  /// `welch` or `paired`.
  public var test: MeanChangeTest
  /// Linked respondents behind a paired test (nil for Welch).
  public var pairs: Int?
  public var t: Double
  /// Welch–Satterthwaite df, or pairs − 1.
  public var df: Double
  /// Favourable share in each wave (0…1; nil without counts).
  public var favourable1: Double?
  public var favourable2: Double?
  /// favourable2 − favourable1.
  public var favourableChange: Double?
  /// Unpooled Wald 95 % CI of `favourableChange`.
  public var favourableChangeCI95: [Double]?
  /// Two-proportion z-test p (pooled SE).
  public var favourableP: Double?
  public var alpha1: Double?
  public var alpha2: Double?
  /// Benjamini–Hochberg adjustment of `p` across the table (``WaveTable/adjust(_:_:)``);
  /// equals `p` until adjusted.
  public var pBH: Double
  /// Benjamini–Hochberg adjustment of `favourableP` across the table.
  public var favourablePBH: Double?

  /// The row for two waves' statistics: Welch's test, or the paired test when
  /// `paired` (linked respondents' differences) is given; the two-proportion
  /// test when both waves have favourable counts; Feldt's test when both have
  /// an alpha. `pBH`/`favourablePBH` start unadjusted.
  public init(scale: String, from: String, to: String,
              first: WaveScaleStatistics, second: WaveScaleStatistics,
              paired: PairedDifferences? = nil) {
    self.scale = scale; self.from = from; self.to = to
    let mean: MeanChange
    if let paired {
      mean = WaveSignificance.paired(paired)
      pairs = paired.n
    } else {
      mean = WaveSignificance.welch(from: first, to: second)
      pairs = nil
    }
    change = mean.change; ci95 = mean.confidenceInterval; p = mean.p
    test = mean.test; t = mean.t; df = mean.df; pBH = mean.p
    n1 = first.n; n2 = second.n; mean1 = first.mean; mean2 = second.mean
    if let x1 = first.favourable, let x2 = second.favourable {
      let f = WaveSignificance.twoProportion(favourable1: x1, n1: first.favourableN ?? first.n,
                                             favourable2: x2, n2: second.favourableN ?? second.n)
      favourable1 = f.proportion1; favourable2 = f.proportion2
      favourableChange = f.change; favourableChangeCI95 = f.confidenceInterval
      favourableP = f.p; favourablePBH = f.p
    }
    alpha1 = first.alpha; alpha2 = second.alpha
    if let a1 = first.alpha, let a2 = second.alpha {
      alphaDifferenceP = WaveSignificance.feldt(alpha1: a1, n1: first.alphaN ?? first.n,
                                                alpha2: a2, n2: second.alphaN ?? second.n).p
    }
  }

  enum CodingKeys: String, CodingKey {
    case scale, group, from, to, suppressed
    case change, ci95, p, alphaDifferenceP, n1, n2, mean1, mean2, test, pairs, t, df
    case favourable1, favourable2, favourableChange, favourableChangeCI95, favourableP
    case alpha1, alpha2, pBH, favourablePBH
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(scale, forKey: .scale)
    try c.encode(from, forKey: .from)
    try c.encode(to, forKey: .to)
    try encodeStatistics(into: &c)
  }

  /// Everything after `scale, from, to` (shared with ``GroupWaveComparison``).
  func encodeStatistics(into c: inout KeyedEncodingContainer<CodingKeys>) throws {
    try c.encodeFinite(change, forKey: .change)
    try c.encode(FiniteOrNullArray(wrappedValue: ci95), forKey: .ci95)
    try c.encodeFinite(p, forKey: .p)
    try c.encodeOptionalFinite(alphaDifferenceP, forKey: .alphaDifferenceP)
    try c.encode(n1, forKey: .n1)
    try c.encode(n2, forKey: .n2)
    try c.encodeFinite(mean1, forKey: .mean1)
    try c.encodeFinite(mean2, forKey: .mean2)
    try c.encode(test, forKey: .test)
    try c.encode(pairs, forKey: .pairs)
    try c.encodeFinite(t, forKey: .t)
    try c.encodeFinite(df, forKey: .df)
    try c.encodeOptionalFinite(favourable1, forKey: .favourable1)
    try c.encodeOptionalFinite(favourable2, forKey: .favourable2)
    try c.encodeOptionalFinite(favourableChange, forKey: .favourableChange)
    try c.encode(favourableChangeCI95.map { FiniteOrNullArray(wrappedValue: $0) }, forKey: .favourableChangeCI95)
    try c.encodeOptionalFinite(favourableP, forKey: .favourableP)
    try c.encodeOptionalFinite(alpha1, forKey: .alpha1)
    try c.encodeOptionalFinite(alpha2, forKey: .alpha2)
    try c.encodeFinite(pBH, forKey: .pBH)
    try c.encodeOptionalFinite(favourablePBH, forKey: .favourablePBH)
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    scale = try c.decode(String.self, forKey: .scale)
    from = try c.decode(String.self, forKey: .from)
    to = try c.decode(String.self, forKey: .to)
    change = try c.decodeFinite(.change)
    ci95 = try c.decode(FiniteOrNullArray.self, forKey: .ci95).wrappedValue
    p = try c.decodeFinite(.p)
    alphaDifferenceP = try c.decodeOptionalFinite(.alphaDifferenceP)
    n1 = try c.decode(Int.self, forKey: .n1)
    n2 = try c.decode(Int.self, forKey: .n2)
    mean1 = try c.decodeFinite(.mean1)
    mean2 = try c.decodeFinite(.mean2)
    test = try c.decode(MeanChangeTest.self, forKey: .test)
    pairs = try c.decodeIfPresent(Int.self, forKey: .pairs)
    t = try c.decodeFinite(.t)
    df = try c.decodeFinite(.df)
    favourable1 = try c.decodeOptionalFinite(.favourable1)
    favourable2 = try c.decodeOptionalFinite(.favourable2)
    favourableChange = try c.decodeOptionalFinite(.favourableChange)
    favourableChangeCI95 = try c.decodeIfPresent(FiniteOrNullArray.self, forKey: .favourableChangeCI95)?.wrappedValue
    favourableP = try c.decodeOptionalFinite(.favourableP)
    alpha1 = try c.decodeOptionalFinite(.alpha1)
    alpha2 = try c.decodeOptionalFinite(.alpha2)
    pBH = try c.decodeFinite(.pBH)
    favourablePBH = try c.decodeOptionalFinite(.favourablePBH)
  }

  /// Structural equality: NaN statistics equal NaN.
  public static func == (a: WaveComparison, b: WaveComparison) -> Bool {
    func eq(_ x: Double?, _ y: Double?) -> Bool {
      switch (x, y) { case (nil, nil): true; case let (x?, y?): same(x, y); default: false }
    }
    func eq(_ x: [Double]?, _ y: [Double]?) -> Bool {
      switch (x, y) {
      case (nil, nil): true
      case let (x?, y?): x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
      default: false
      }
    }
    return a.scale == b.scale && a.from == b.from && a.to == b.to && same(a.change, b.change)
      && eq(a.ci95, b.ci95) && same(a.p, b.p) && eq(a.alphaDifferenceP, b.alphaDifferenceP)
      && a.n1 == b.n1 && a.n2 == b.n2 && same(a.mean1, b.mean1) && same(a.mean2, b.mean2)
      && a.test == b.test && a.pairs == b.pairs && same(a.t, b.t) && same(a.df, b.df)
      && eq(a.favourable1, b.favourable1) && eq(a.favourable2, b.favourable2)
      && eq(a.favourableChange, b.favourableChange) && eq(a.favourableChangeCI95, b.favourableChangeCI95)
      && eq(a.favourableP, b.favourableP) && eq(a.alpha1, b.alpha1) && eq(a.alpha2, b.alpha2)
      && same(a.pBH, b.pBH) && eq(a.favourablePBH, b.favourablePBH)
  }
}

/// One group's row of the wave-over-wave table: a ``WaveComparison`` within a
/// group (`groups` level, e.g. a school).
///
/// When `suppressed` (design.md §8, applied across waves: a group below
/// `min_group_size` in *either* wave, or chosen by complementary suppression)
/// the row encodes only `{"scale", "group", "from", "to", "suppressed": true}` —
/// the labels, no number — and ``suppress()`` has already erased the statistics,
/// so a team of 4 that becomes 6 cannot be recovered from the difference.
public struct GroupWaveComparison: Codable, Sendable, Equatable {
  public var group: String
  public var suppressed: Bool
  /// The statistics; when `suppressed` only `scale`, `from`, `to` are meaningful.
  public var comparison: WaveComparison

  /// The group's row: suppressed when either wave (or the linked pairs of a
  /// paired test) has fewer than `minimumGroupSize` respondents, or when
  /// `suppress` is true (complementary suppression decided by the caller);
  /// a suppressed row computes nothing.
  public init(scale: String, group: String, from: String, to: String,
              first: WaveScaleStatistics, second: WaveScaleStatistics,
              paired: PairedDifferences? = nil, minimumGroupSize: Int = 5, suppress: Bool = false) {
    self.group = group
    let small = min(first.n, second.n) < minimumGroupSize || (paired.map { $0.n < minimumGroupSize } ?? false)
    if suppress || small {
      self = .suppressedEntry(scale: scale, group: group, from: from, to: to)
    } else {
      suppressed = false
      comparison = WaveComparison(scale: scale, from: from, to: to, first: first, second: second, paired: paired)
    }
  }

  /// A suppressed row: labels only.
  public static func suppressedEntry(scale: String, group: String, from: String, to: String) -> GroupWaveComparison {
    var row = GroupWaveComparison(group: group, comparison: WaveComparison(
      scale: scale, from: from, to: to,
      first: WaveScaleStatistics(n: 0, mean: .nan, variance: .nan),
      second: WaveScaleStatistics(n: 0, mean: .nan, variance: .nan)))
    row.suppress()
    return row
  }

  private init(group: String, comparison: WaveComparison) {
    self.group = group; self.suppressed = false; self.comparison = comparison
  }

  /// Marks the row suppressed and erases every statistic (labels stay).
  public mutating func suppress() {
    suppressed = true
    let c = comparison
    comparison = WaveComparison(scale: c.scale, from: c.from, to: c.to,
                                first: WaveScaleStatistics(n: 0, mean: .nan, variance: .nan),
                                second: WaveScaleStatistics(n: 0, mean: .nan, variance: .nan))
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: WaveComparison.CodingKeys.self)
    try c.encode(comparison.scale, forKey: .scale)
    try c.encode(group, forKey: .group)
    try c.encode(comparison.from, forKey: .from)
    try c.encode(comparison.to, forKey: .to)
    if suppressed { try c.encode(true, forKey: .suppressed); return }
    try comparison.encodeStatistics(into: &c)
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: WaveComparison.CodingKeys.self)
    let scale = try c.decode(String.self, forKey: .scale)
    let group = try c.decode(String.self, forKey: .group)
    let from = try c.decode(String.self, forKey: .from)
    let to = try c.decode(String.self, forKey: .to)
    if try c.decodeIfPresent(Bool.self, forKey: .suppressed) == true {
      self = .suppressedEntry(scale: scale, group: group, from: from, to: to)
    } else {
      self.init(group: group, comparison: try WaveComparison(from: decoder))
    }
  }
}

extension KeyedEncodingContainer {
  /// Encodes a finite value, or `null` when absent or not finite.
  mutating func encodeOptionalFinite(_ value: Double?, forKey key: Key) throws {
    if let value, value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
  }
}

extension KeyedDecodingContainer {
  /// A number, with `null` or a missing key read as NaN.
  func decodeFinite(_ key: Key) throws -> Double { try decodeIfPresent(Double.self, forKey: key) ?? .nan }
  /// A number, or nil for `null` / a missing key.
  func decodeOptionalFinite(_ key: Key) throws -> Double? { try decodeIfPresent(Double.self, forKey: key) }
}
