import Foundation

/// Fisher's F distribution with d₁ (numerator) and d₂ (denominator) degrees of
/// freedom (positive reals).
///
/// P(F ≤ f) = I_x(d₁/2, d₂/2) with x = d₁f/(d₁f + d₂), and the upper tail is
/// I_y(d₂/2, d₁/2) with y = d₂/(d₁f + d₂) computed directly (A&S 26.6.2), so
/// both tails keep relative accuracy. d₂ = +∞ gives χ²(d₁)/d₁. NaN for
/// non-positive degrees of freedom or NaN arguments.
public enum FDistribution {
  static func tails(_ f: Double, _ d1: Double, _ d2: Double) -> (lower: Double, upper: Double) {
    if f <= 0 { return (0, 1) }
    if f == .infinity { return (1, 0) }
    if d2 == .infinity {
      return SpecialFunctions.incompleteGamma(a: d1 / 2, x: d1 * f / 2)
    }
    let x: Double, y: Double
    if d1 * f >= d2 {
      let r = (d2 / d1) / f
      x = 1 / (1 + r)
      y = r / (1 + r)
    } else {
      let s = (d1 / d2) * f
      x = s / (1 + s)
      y = 1 / (1 + s)
    }
    return SpecialFunctions.incompleteBeta(x: x, y: y, a: d1 / 2, b: d2 / 2)
  }

  static func isValid(_ d1: Double, _ d2: Double) -> Bool { d1 > 0 && d1.isFinite && d2 > 0 }

  /// P(F ≤ f).
  public static func cdf(
    _ f: Double, numeratorDegreesOfFreedom d1: Double, denominatorDegreesOfFreedom d2: Double
  ) -> Double {
    guard isValid(d1, d2), !f.isNaN else { return .nan }
    return tails(f, d1, d2).lower
  }

  /// P(F > f), the p-value of an F test; accurate in the upper tail.
  public static func survival(
    _ f: Double, numeratorDegreesOfFreedom d1: Double, denominatorDegreesOfFreedom d2: Double
  ) -> Double {
    guard isValid(d1, d2), !f.isNaN else { return .nan }
    return tails(f, d1, d2).upper
  }

  /// f with P(F ≤ f) = p: the smaller tail inverted in log f (expanding
  /// bracket, Brent in log f, then Brent in f). 0 for p = 0, +∞ for p = 1,
  /// NaN outside [0, 1].
  public static func quantile(
    _ p: Double, numeratorDegreesOfFreedom d1: Double, denominatorDegreesOfFreedom d2: Double
  ) -> Double {
    guard isValid(d1, d2) else { return .nan }
    return TailInversion.positiveQuantile(p, upper: false, start: 1) { tails($0, d1, d2) }
  }

  /// f with P(F > f) = q, for q down to 1e-300 (critical values).
  public static func inverseSurvival(
    _ q: Double, numeratorDegreesOfFreedom d1: Double, denominatorDegreesOfFreedom d2: Double
  ) -> Double {
    guard isValid(d1, d2) else { return .nan }
    return TailInversion.positiveQuantile(q, upper: true, start: 1) { tails($0, d1, d2) }
  }
}
