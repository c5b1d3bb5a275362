import CandorNumerics
import Foundation

/// The sufficient statistics of one scale in one wave: what the wave-over-wave
/// tests need, so waves can be compared without keeping respondents.
///
/// `favourable`/`favourableN` count independent units — respondents (e.g. those
/// whose scale score lies in the favourable band, or who answered an item
/// favourably). Item responses of one respondent are not independent; counting
/// them as units understates the standard error of the two-proportion test.
public struct WaveScaleStatistics: Codable, Sendable, Equatable {
  /// Respondents with a scale score.
  public var n: Int
  /// Mean scale score.
  public var mean: Double
  /// Sample variance of the scale score (denominator n − 1).
  public var variance: Double
  /// Respondents in the favourable band (nil: favourability not reported).
  public var favourable: Int?
  /// Respondents classified favourable or not (defaults to `n`).
  public var favourableN: Int?
  /// Cronbach's alpha of the scale in this wave (nil: not reported).
  public var alpha: Double?
  /// The n behind `alpha` (defaults to `n`); for pairwise alpha use the n the
  /// reliability table reports.
  public var alphaN: Int?

  public init(n: Int, mean: Double, variance: Double, favourable: Int? = nil, favourableN: Int? = nil,
              alpha: Double? = nil, alphaN: Int? = nil) {
    self.n = n; self.mean = mean; self.variance = variance
    self.favourable = favourable; self.favourableN = favourableN
    self.alpha = alpha; self.alphaN = alphaN
  }
}

/// The sufficient statistics of paired differences d = score(to) − score(from)
/// of respondents whose ids link the two waves: n, mean and the sum of squared
/// deviations M₂ = Σ(d − d̄)², accumulated with Welford's update (so a long
/// stream loses no digits to Σd² − (Σd)²/n cancellation) and mergeable
/// (Chan, Golub & LeVeque 1979).
public struct PairedDifferences: Codable, Sendable, Equatable {
  /// Linked respondents with a score in both waves.
  public private(set) var n: Int
  /// Mean difference d̄.
  public private(set) var mean: Double
  /// Σ(d − d̄)².
  public private(set) var sumOfSquaredDeviations: Double

  /// No pairs yet.
  public init() { n = 0; mean = 0; sumOfSquaredDeviations = 0 }

  /// From the raw sums: d̄ = Σd/n, M₂ = Σd² − (Σd)²/n (clamped at 0).
  public init(n: Int, sum: Double, sumOfSquares: Double) {
    self.n = n
    mean = n > 0 ? sum / Double(n) : 0
    sumOfSquaredDeviations = n > 0 ? max(0, sumOfSquares - sum * mean) : 0
  }

  /// From n, d̄ and M₂ directly.
  public init(n: Int, mean: Double, sumOfSquaredDeviations: Double) {
    self.n = n; self.mean = mean; self.sumOfSquaredDeviations = sumOfSquaredDeviations
  }

  /// Adds one respondent's difference (Welford).
  public mutating func add(_ d: Double) {
    n += 1
    let delta = d - mean
    mean += delta / Double(n)
    sumOfSquaredDeviations += delta * (d - mean)
  }

  /// Combines two disjoint sets of pairs.
  public mutating func merge(_ other: PairedDifferences) {
    guard other.n > 0 else { return }
    guard n > 0 else { self = other; return }
    let total = Double(n + other.n), delta = other.mean - mean
    mean += delta * Double(other.n) / total
    sumOfSquaredDeviations += other.sumOfSquaredDeviations + delta * delta * Double(n) * Double(other.n) / total
    n += other.n
  }

  /// Sample variance of d, M₂/(n − 1) (NaN below 2 pairs).
  public var variance: Double { n > 1 ? sumOfSquaredDeviations / Double(n - 1) : .nan }
}

/// Which t-test compared the scale means.
public enum MeanChangeTest: String, Codable, Sendable, CaseIterable {
  /// Welch's unequal-variance t-test on two independent waves.
  case welch
  /// Paired t-test on the differences of linked respondents.
  case paired
}

/// A change in a scale mean, to − from, with its t-test.
public struct MeanChange: Sendable, Equatable {
  public var test: MeanChangeTest
  /// Mean(to) − mean(from) (Welch) or the mean paired difference (paired).
  public var change: Double
  public var standardError: Double
  public var t: Double
  public var df: Double
  /// change ∓ t_{(1+level)/2, df}·SE.
  public var confidenceInterval: [Double]
  /// Two-sided P(|T_df| ≥ |t|).
  public var p: Double
}

/// A change in a proportion (favourability), p₂ − p₁, with the two-proportion z-test.
public struct ProportionChange: Sendable, Equatable {
  public var proportion1: Double
  public var proportion2: Double
  /// p₂ − p₁.
  public var change: Double
  /// z with the pooled SE; z² is R `prop.test(correct = FALSE)`'s X-squared.
  public var z: Double
  /// Unpooled Wald interval, clipped to [−1, 1] as R `prop.test`.
  public var confidenceInterval: [Double]
  /// Two-sided 2·Φ(−|z|).
  public var p: Double
}

/// Feldt's test of the difference between two independent alphas.
public struct AlphaChange: Sendable, Equatable {
  public var alpha1: Double
  public var alpha2: Double
  /// W = (1 − α₁)/(1 − α₂).
  public var w: Double
  /// Numerator df of W, n₂ − 1.
  public var df1: Double
  /// Denominator df of W, n₁ − 1.
  public var df2: Double
  /// Two-sided p (cocron's convention, capped at 1).
  public var p: Double
}

/// The significance tests of the wave-over-wave table (domain.md §6.4): pure
/// functions of sufficient statistics. Direction everywhere: wave 2 ("to")
/// minus wave 1 ("from"). Undefined statistics are NaN (R stops with an error
/// or returns NaN in the same cases).
public enum WaveSignificance {
  /// Welch's t-test from each wave's (n, mean, variance), as R
  /// `t.test(to, from, var.equal = FALSE)`:
  ///
  ///     Δ = x̄₂ − x̄₁,   SE = √(s₁²/n₁ + s₂²/n₂),   t = Δ/SE
  ///     df = SE⁴ / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1))   (Welch 1947; Satterthwaite 1946)
  ///     CI = Δ ∓ t_{(1+level)/2, df}·SE,   p = P(|T_df| ≥ |t|)
  ///
  /// NaN t, df, CI and p when a wave has fewer than 2 respondents or both
  /// variances are 0 (R: "data are essentially constant").
  public static func welch(n1: Int, mean1: Double, variance1: Double,
                           n2: Int, mean2: Double, variance2: Double,
                           level: Double = 0.95) -> MeanChange {
    let change = mean2 - mean1
    guard n1 > 1, n2 > 1 else { return undefined(.welch, change) }
    let v1 = variance1 / Double(n1), v2 = variance2 / Double(n2)
    let se2 = v1 + v2
    guard se2 > 0, se2.isFinite else { return undefined(.welch, change) }
    let se = se2.squareRoot()
    let df = se2 * se2 / (v1 * v1 / Double(n1 - 1) + v2 * v2 / Double(n2 - 1))
    return tResult(.welch, change: change, se: se, df: df, level: level)
  }

  /// ``welch(n1:mean1:variance1:n2:mean2:variance2:level:)`` from two waves' statistics.
  public static func welch(from first: WaveScaleStatistics, to second: WaveScaleStatistics,
                           level: Double = 0.95) -> MeanChange {
    welch(n1: first.n, mean1: first.mean, variance1: first.variance,
          n2: second.n, mean2: second.mean, variance2: second.variance, level: level)
  }

  /// The paired t-test on d = to − from, as R `t.test(to, from, paired = TRUE)`:
  ///
  ///     d̄ = Σd/n,   s_d² = M₂/(n − 1),   SE = s_d/√n,   t = d̄/SE,   df = n − 1
  ///     CI = d̄ ∓ t_{(1+level)/2, n−1}·SE,   p = P(|T_{n−1}| ≥ |t|)
  ///
  /// NaN below 2 pairs or when every difference is the same.
  public static func paired(_ d: PairedDifferences, level: Double = 0.95) -> MeanChange {
    guard d.n > 1 else { return undefined(.paired, d.n == 1 ? d.mean : .nan) }
    let variance = d.variance
    guard variance > 0, variance.isFinite else { return undefined(.paired, d.mean) }
    let se = (variance / Double(d.n)).squareRoot()
    return tResult(.paired, change: d.mean, se: se, df: Double(d.n - 1), level: level)
  }

  /// The two-proportion z-test of p₂ − p₁, with p̂ᵢ = xᵢ/nᵢ:
  ///
  ///     p̄ = (x₁ + x₂)/(n₁ + n₂),   z = (p̂₂ − p̂₁)/√(p̄(1 − p̄)(1/n₁ + 1/n₂)),   p = 2Φ(−|z|)
  ///     CI = (p̂₂ − p̂₁) ∓ z_{(1+level)/2}·√(p̂₁(1 − p̂₁)/n₁ + p̂₂(1 − p̂₂)/n₂), clipped to [−1, 1]
  ///
  /// The pooled SE tests H₀: p₁ = p₂; the unpooled (Wald) SE gives the interval.
  /// This is R `prop.test(c(x₂, x₁), c(n₂, n₁), correct = FALSE)`: its X² = z² and
  /// its interval is the same Wald interval (domain.md §6.4). NaN when a wave is
  /// empty; z and p NaN when p̄ is 0 or 1.
  public static func twoProportion(favourable1 x1: Int, n1: Int, favourable2 x2: Int, n2: Int,
                                   level: Double = 0.95) -> ProportionChange {
    guard n1 > 0, n2 > 0, x1 >= 0, x2 >= 0, x1 <= n1, x2 <= n2 else {
      return ProportionChange(proportion1: .nan, proportion2: .nan, change: .nan, z: .nan,
                              confidenceInterval: [.nan, .nan], p: .nan)
    }
    let m1 = Double(n1), m2 = Double(n2)
    let p1 = Double(x1) / m1, p2 = Double(x2) / m2
    let change = p2 - p1
    let pooled = Double(x1 + x2) / (m1 + m2)
    let pooledSE = (pooled * (1 - pooled) * (1 / m1 + 1 / m2)).squareRoot()
    let z = pooledSE > 0 ? change / pooledSE : .nan
    let p = z.isNaN ? .nan : 2 * Normal.survival(abs(z))
    let width = (p1 * (1 - p1) / m1 + p2 * (1 - p2) / m2).squareRoot()
    let q = Normal.quantile(0.5 + level / 2)
    return ProportionChange(proportion1: p1, proportion2: p2, change: change, z: z,
                            confidenceInterval: [max(change - q * width, -1), min(change + q * width, 1)],
                            p: p)
  }

  /// Feldt's (1969) test for two alphas from independent samples. With 1 − α̂
  /// distributed as (1 − α)·(n − 1)/χ²ₙ₋₁ (approximately; Feldt 1965), the ratio
  ///
  ///     W = (1 − α₁)/(1 − α₂) ~ F(n₂ − 1, n₁ − 1)   under H₀: α₁ = α₂
  ///
  /// — the numerator df belongs to the sample whose alpha is in the denominator
  /// (Feldt 1969; Charter & Feldt 1996). Two-sided p as
  /// `cocron::cocron.two.coefficients(dep = FALSE)` (Diedenhofen & Musch 2016):
  /// the larger alpha goes in the denominator and p = 2·P(F > W′) for that
  /// W′ ≥ 1, i.e. p = 2·P(F(n₂−1, n₁−1) > W) when α₂ > α₁, else
  /// p = 2·P(F(n₁−1, n₂−1) > 1/W); capped at 1 (cocron does not cap).
  ///
  /// Feldt, L. S. (1969), Psychometrika 34, 363–373. Waves are independent
  /// samples only approximately when people answer both; the test is then
  /// conservative. NaN below 2 respondents per wave or when an alpha is ≥ 1 or NaN.
  public static func feldt(alpha1: Double, n1: Int, alpha2: Double, n2: Int) -> AlphaChange {
    let d1 = Double(n2 - 1), d2 = Double(n1 - 1)
    guard n1 > 1, n2 > 1, alpha1 < 1, alpha2 < 1 else {
      return AlphaChange(alpha1: alpha1, alpha2: alpha2, w: .nan, df1: d1, df2: d2, p: .nan)
    }
    let w = (1 - alpha1) / (1 - alpha2)
    let tail = alpha2 > alpha1
      ? FDistribution.survival(w, numeratorDegreesOfFreedom: d1, denominatorDegreesOfFreedom: d2)
      : FDistribution.survival((1 - alpha2) / (1 - alpha1), numeratorDegreesOfFreedom: d2, denominatorDegreesOfFreedom: d1)
    return AlphaChange(alpha1: alpha1, alpha2: alpha2, w: w, df1: d1, df2: d2, p: min(1, 2 * tail))
  }

  static func tResult(_ test: MeanChangeTest, change: Double, se: Double, df: Double, level: Double) -> MeanChange {
    let t = change / se
    let q = StudentT.quantile(0.5 + level / 2, degreesOfFreedom: df)
    return MeanChange(test: test, change: change, standardError: se, t: t, df: df,
                      confidenceInterval: [change - q * se, change + q * se],
                      p: StudentT.twoSidedP(t, degreesOfFreedom: df))
  }

  static func undefined(_ test: MeanChangeTest, _ change: Double) -> MeanChange {
    MeanChange(test: test, change: change, standardError: .nan, t: .nan, df: .nan,
               confidenceInterval: [.nan, .nan], p: .nan)
  }
}
