import CandorNumerics
import Foundation

/// One group of an aggregation table (design.md §7 `groupResults[]`).
///
/// When `suppressed` (confidentiality filter, design.md §8) the entry encodes
/// only `{"group": name, "suppressed": true}` and ``suppress()`` has already
/// cleared every statistic, so nothing computed within the group survives in memory.
public struct GroupResult: Codable, Sendable, Equatable {
  public var group: String
  public var suppressed: Bool
  public var n: Int
  public var mean: Double
  /// t-based interval x̄ ± t₀.₉₇₅,ₙ₋₁·s/√n (nil below 2 respondents).
  public var ci95: [Double]?
  /// Sample SD (n − 1), nil below 2 respondents.
  public var sd: Double?
  /// rwg(j) with the scale's uniform null (nil below 2 respondents or without item moments).
  public var rwgj: Double?
  /// Share of keyed item responses in the favourable band (0…1), nil without counts.
  public var favourable: Double?
  /// n / headcount when headcounts are given.
  public var responseRate: Double?
  public var neutral: Double?
  public var unfavourable: Double?
  public var headcount: Int?
  /// Share of the group's respondents with the retention event (e.g. left), when given.
  public var retentionRate: Double?

  public init(group: String, n: Int, mean: Double, ci95: [Double]?, sd: Double?, rwgj: Double?,
              favourable: Double?, responseRate: Double?, neutral: Double? = nil,
              unfavourable: Double? = nil, headcount: Int? = nil) {
    self.group = group; self.suppressed = false; self.n = n; self.mean = mean; self.ci95 = ci95
    self.sd = sd; self.rwgj = rwgj; self.favourable = favourable; self.responseRate = responseRate
    self.neutral = neutral; self.unfavourable = unfavourable; self.headcount = headcount
  }

  /// A suppressed entry: the name only.
  public static func suppressedEntry(_ group: String) -> GroupResult {
    var r = GroupResult(group: group, n: 0, mean: 0, ci95: nil, sd: nil, rwgj: nil, favourable: nil, responseRate: nil)
    r.suppress()
    return r
  }

  /// Marks the entry suppressed and erases every statistic.
  public mutating func suppress() {
    suppressed = true; n = 0; mean = 0; ci95 = nil; sd = nil; rwgj = nil; favourable = nil
    responseRate = nil; neutral = nil; unfavourable = nil; headcount = nil; retentionRate = nil
  }

  enum CodingKeys: String, CodingKey {
    case group, suppressed, n, mean, ci95, sd, rwgj, favourable, responseRate, neutral, unfavourable, headcount
    case retentionRate
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(group, forKey: .group)
    if suppressed { try c.encode(true, forKey: .suppressed); return }
    try c.encode(n, forKey: .n)
    try c.encodeFinite(mean, forKey: .mean)
    try c.encode(ci95, forKey: .ci95)
    try c.encode(sd, forKey: .sd)
    try c.encode(rwgj, forKey: .rwgj)
    try c.encode(favourable, forKey: .favourable)
    try c.encode(responseRate, forKey: .responseRate)
    try c.encodeIfPresent(neutral, forKey: .neutral)
    try c.encodeIfPresent(unfavourable, forKey: .unfavourable)
    try c.encodeIfPresent(headcount, forKey: .headcount)
    try c.encodeIfPresent(retentionRate, forKey: .retentionRate)
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    group = try c.decode(String.self, forKey: .group)
    if try c.decodeIfPresent(Bool.self, forKey: .suppressed) == true {
      self = .suppressedEntry(group); return
    }
    suppressed = false
    n = try c.decode(Int.self, forKey: .n)
    mean = try c.decodeIfPresent(Double.self, forKey: .mean) ?? .nan
    ci95 = try c.decodeIfPresent([Double].self, forKey: .ci95)
    sd = try c.decodeIfPresent(Double.self, forKey: .sd)
    rwgj = try c.decodeIfPresent(Double.self, forKey: .rwgj)
    favourable = try c.decodeIfPresent(Double.self, forKey: .favourable)
    responseRate = try c.decodeIfPresent(Double.self, forKey: .responseRate)
    neutral = try c.decodeIfPresent(Double.self, forKey: .neutral)
    unfavourable = try c.decodeIfPresent(Double.self, forKey: .unfavourable)
    headcount = try c.decodeIfPresent(Int.self, forKey: .headcount)
    retentionRate = try c.decodeIfPresent(Double.self, forKey: .retentionRate)
  }
}

/// One-way random-effects ANOVA of scores on groups, and the ICCs built on it.
public struct GroupVarianceDecomposition: Sendable, Equatable, Codable {
  /// Groups with at least one score (J) and scores (N).
  public var groups: Int
  public var n: Int
  public var sumOfSquaresBetween: Double
  public var sumOfSquaresWithin: Double
  public var dfBetween: Int
  public var dfWithin: Int
  /// MSB = SSB/(J − 1), MSW = SSW/(N − J).
  public var msb: Double
  public var msw: Double
  /// F = MSB/MSW on (J − 1, N − J) df, and its upper-tail p.
  public var f: Double
  public var p: Double
  /// ICC(1) = (MSB − MSW)/(MSB + (k − 1)MSW) with k = N/J (psych `statsBy`, `multilevel::ICC1`).
  public var icc1: Double
  /// ICC(1) with k₀ = (N − Σnⱼ²/N)/(J − 1) for unequal group sizes.
  public var icc1Adjusted: Double
  /// ICC(2) = (MSB − MSW)/MSB (`multilevel::ICC2`).
  public var icc2: Double
  /// N/J.
  public var meanGroupSize: Double
  /// k₀.
  public var adjustedGroupSize: Double

  /// The decomposition from per-group moments (empty groups ignored).
  public init(_ m: GroupMoments) {
    var j = 0, total = 0, sumSquaredSizes = 0.0
    var grand = 0.0, ssw = 0.0, between = 0.0
    for g in 0..<m.groupCount where m.counts[g] > 0 {
      j += 1; total += m.counts[g]
      sumSquaredSizes += Double(m.counts[g]) * Double(m.counts[g])
      grand += m.sums[g]
      ssw += m.sumOfSquaredDeviations(g)
    }
    let grandMean = total > 0 ? grand / Double(total) : .nan
    for g in 0..<m.groupCount where m.counts[g] > 0 {
      let d = m.mean(g) - grandMean
      between += Double(m.counts[g]) * d * d
    }
    groups = j; n = total
    sumOfSquaresBetween = between; sumOfSquaresWithin = ssw
    dfBetween = j - 1; dfWithin = total - j
    msb = dfBetween > 0 ? between / Double(dfBetween) : .nan
    msw = dfWithin > 0 ? ssw / Double(dfWithin) : .nan
    f = msb / msw
    p = (dfBetween > 0 && dfWithin > 0 && !f.isNaN)
      ? FDistribution.survival(f, numeratorDegreesOfFreedom: Double(dfBetween), denominatorDegreesOfFreedom: Double(dfWithin)) : .nan
    meanGroupSize = j > 0 ? Double(total) / Double(j) : .nan
    adjustedGroupSize = j > 1 ? (Double(total) - sumSquaredSizes / Double(total)) / Double(j - 1) : .nan
    icc1 = (msb - msw) / (msb + (meanGroupSize - 1) * msw)
    icc1Adjusted = (msb - msw) / (msb + (adjustedGroupSize - 1) * msw)
    icc2 = (msb - msw) / msb
  }
}

/// Team-level aggregation of one scale (design.md §7 `aggregation[]`): contract
/// fields first (scale … groupResults), then the ANOVA and agreement summaries.
public struct AggregationResult: Codable, Sendable, Equatable {
  public var scale: String
  public var by: String
  /// Groups with at least one score.
  public var groups: Int
  /// Entries suppressed by the confidentiality filter (0 when built).
  public var suppressed: Int
  @FiniteOrNull public var f: Double
  @FiniteOrNull public var p: Double
  @FiniteOrNull public var icc1: Double
  @FiniteOrNull public var icc1Adjusted: Double
  @FiniteOrNull public var icc2: Double
  @FiniteOrNull public var meanGroupSize: Double
  public var groupResults: [GroupResult]
  /// Scores behind the ANOVA (all groups, suppressed or not).
  public var n: Int
  @FiniteOrNull public var msb: Double
  @FiniteOrNull public var msw: Double
  public var dfBetween: Int
  public var dfWithin: Int
  /// σ²_EU used for rwg(j), nil without item moments.
  public var rwgNullVariance: Double?
  /// Mean and median rwg(j) over groups with one, and the share ≥ .70.
  public var rwgjMean: Double?
  public var rwgjMedian: Double?
  public var rwgjAtLeast70: Double?
  /// Size-weighted correlation of group means with group retention rates, when
  /// retention was given (``Aggregation/groupRetentionCorrelation(scores:retention:)``).
  public var retentionCorrelation: Double?
}

/// Builds aggregation tables from per-group sufficient statistics.
public enum Aggregation {
  /// Group means, CIs, SDs, rwg(j), favourability and response rates, with the
  /// one-way ANOVA and ICCs, from statistics accumulated in one pass.
  ///
  /// `groupResults` holds one entry per non-empty group, in group-index order
  /// (callers map entries back to index paths by that rule).
  ///
  /// - Parameters:
  ///   - groupNames: name of each group index (entries for empty groups are omitted).
  ///   - scores: per-group moments of the scale score.
  ///   - items: per-group per-item moments of the keyed items, for rwg(j).
  ///   - responseOptions: A, the number of response options of the scale (σ²_EU = (A² − 1)/12).
  ///   - favourability: per-group band counts of keyed item responses.
  ///   - headcounts: invited staff per group index (nil = unknown).
  ///   - respondents: respondents per group for response rates (default: scale n).
  ///   - retention: per-group moments of a 0/1 retention outcome (rates per group and
  ///     their size-weighted correlation with the group means).
  /// - Complexity: O(groups · items).
  public static func analyze(scale: String, by: String, groupNames: [String], scores: GroupMoments,
                             items: ItemGroupMoments? = nil, responseOptions: Int? = nil,
                             favourability: FavourabilityCounts? = nil, headcounts: [Int?]? = nil,
                             respondents: [Int]? = nil, retention: GroupMoments? = nil) -> AggregationResult {
    precondition(groupNames.count >= scores.groupCount,
                 "\(groupNames.count) group names for \(scores.groupCount) group indices")
    let anova = GroupVarianceDecomposition(scores)
    let nullVariance = responseOptions.map { Agreement.uniformNullVariance(responseOptions: $0) }
    var entries: [GroupResult] = []
    var rwgs: [Double] = []
    var tQuantiles: [Int: Double] = [:]
    for g in 0..<scores.groupCount where scores.counts[g] > 0 {
      let n = scores.counts[g], mean = scores.mean(g)
      var sd: Double? = nil, ci: [Double]? = nil
      if n > 1 {
        let s = scores.variance(g).squareRoot()
        // Groups share sizes: one t quantile per distinct n.
        let q: Double
        if let cached = tQuantiles[n] { q = cached } else {
          q = StudentT.quantile(0.975, degreesOfFreedom: Double(n - 1)); tQuantiles[n] = q
        }
        let half = q * s / Double(n).squareRoot()
        sd = s; ci = [mean - half, mean + half]
      }
      var rwgj: Double? = nil
      if let items, let nullVariance, n > 1 {
        rwgj = Agreement.rwgj(items, group: g, nullVariance: nullVariance)
        if let r = rwgj { rwgs.append(r) }
      }
      let shares = favourability?.shares(g)
      let headcount = headcounts.flatMap { g < $0.count ? $0[g] : nil }
      let responding = respondents.map { g < $0.count ? $0[g] : 0 } ?? n
      let rate = headcount.flatMap { $0 > 0 ? Double(responding) / Double($0) : nil }
      entries.append(GroupResult(group: groupNames[g], n: n, mean: mean, ci95: ci, sd: sd, rwgj: rwgj,
                                 favourable: shares?.favourable, responseRate: rate,
                                 neutral: shares?.neutral, unfavourable: shares?.unfavourable,
                                 headcount: headcount))
      if let retention, g < retention.groupCount, retention.counts[g] > 0 {
        entries[entries.count - 1].retentionRate = retention.mean(g)
      }
    }
    let sorted = rwgs.sorted()
    let median: Double? = sorted.isEmpty ? nil
      : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
      : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    return AggregationResult(
      scale: scale, by: by, groups: anova.groups, suppressed: 0, f: anova.f, p: anova.p,
      icc1: anova.icc1, icc1Adjusted: anova.icc1Adjusted, icc2: anova.icc2,
      meanGroupSize: anova.meanGroupSize, groupResults: entries, n: anova.n, msb: anova.msb,
      msw: anova.msw, dfBetween: anova.dfBetween, dfWithin: anova.dfWithin,
      rwgNullVariance: items == nil ? nil : nullVariance,
      rwgjMean: rwgs.isEmpty ? nil : rwgs.reduce(0, +) / Double(rwgs.count), rwgjMedian: median,
      rwgjAtLeast70: rwgs.isEmpty ? nil : Double(rwgs.filter { $0 >= 0.7 }.count) / Double(rwgs.count),
      retentionCorrelation: retention.map { groupRetentionCorrelation(scores: scores, retention: $0).r })
  }

  /// Index of the intersection of two groupings (e.g. school × role cut):
  /// `a · bCount + b`, negative when either is missing. Name entry k as
  /// `"\(aNames[k / bCount]) / \(bNames[k % bCount])"`.
  public static func crossIndex(_ a: [Int32], _ b: [Int32], bCount: Int) -> [Int32] {
    precondition(a.count == b.count, "\(a.count) and \(b.count) group indices")
    precondition(bCount > 0, "the second grouping needs at least one level")
    return zip(a, b).map { x, y in x < 0 || y < 0 ? -1 : Int32(Int(x) * bCount + Int(y)) }
  }

  /// Size-weighted Pearson correlation of group means with group retention
  /// (or turnover) rates: r_w = Σwᵢ(xᵢ − x̄_w)(yᵢ − ȳ_w)/√(Σwᵢ(xᵢ − x̄_w)²·Σwᵢ(yᵢ − ȳ_w)²),
  /// wᵢ = the group's number of scores, over groups present in both.
  public static func groupRetentionCorrelation(scores: GroupMoments, retention: GroupMoments) -> (r: Double, groups: Int) {
    var x: [Double] = [], y: [Double] = [], w: [Double] = []
    for g in 0..<min(scores.groupCount, retention.groupCount)
    where scores.counts[g] > 0 && retention.counts[g] > 0 {
      x.append(scores.mean(g)); y.append(retention.mean(g)); w.append(Double(scores.counts[g]))
    }
    return (weightedCorrelation(x, y, weights: w), x.count)
  }

  /// Weighted Pearson correlation (weights need not sum to 1; R `cov.wt(cor = TRUE)`).
  public static func weightedCorrelation(_ x: [Double], _ y: [Double], weights w: [Double]) -> Double {
    precondition(x.count == y.count && x.count == w.count, "weighted correlation needs equal lengths")
    let total = w.reduce(0, +)
    if x.count < 2 || total <= 0 { return .nan }
    var mx = 0.0, my = 0.0
    for i in x.indices { mx += w[i] * x[i]; my += w[i] * y[i] }
    mx /= total; my /= total
    var sxx = 0.0, syy = 0.0, sxy = 0.0
    for i in x.indices {
      let dx = x[i] - mx, dy = y[i] - my
      sxx += w[i] * dx * dx; syy += w[i] * dy * dy; sxy += w[i] * dx * dy
    }
    if sxx == 0 || syy == 0 { return .nan }
    return sxy / (sxx * syy).squareRoot()
  }
}
