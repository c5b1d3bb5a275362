import Foundation

/// The χ² distribution with k > 0 degrees of freedom (k need not be an
/// integer): P(X ≤ x) = P(k/2, x/2), the regularized lower incomplete gamma
/// function, and P(X > x) = Q(k/2, x/2) computed directly (A&S 26.4.19).
/// NaN for k ≤ 0, k = ∞ or NaN arguments.
public enum ChiSquared {
  static func tails(_ x: Double, _ k: Double) -> (lower: Double, upper: Double) {
    if x <= 0 { return (0, 1) }
    return SpecialFunctions.incompleteGamma(a: k / 2, x: x / 2)
  }

  static func isValid(_ k: Double) -> Bool { k > 0 && k.isFinite }

  /// Wilson–Hilferty start k(1 − 2/(9k) + z√(2/(9k)))³, z = Φ⁻¹(p).
  static func startingPoint(_ p: Double, _ k: Double) -> Double {
    let z = Normal.quantile(p)
    let c = 2 / (9 * k)
    let w = 1 - c + z * c.squareRoot()
    let guess = k * w * w * w
    return guess > 0 && guess.isFinite ? guess : k
  }

  /// P(X ≤ x).
  public static func cdf(_ x: Double, degreesOfFreedom k: Double) -> Double {
    guard isValid(k), !x.isNaN else { return .nan }
    return tails(x, k).lower
  }

  /// P(X > x), the p-value of a χ² test; accurate in the upper tail.
  public static func survival(_ x: Double, degreesOfFreedom k: Double) -> Double {
    guard isValid(k), !x.isNaN else { return .nan }
    return tails(x, k).upper
  }

  /// x with P(X ≤ x) = p. The smaller tail is inverted in log space: an
  /// expanding bracket in log x from the Wilson–Hilferty start, Brent's method
  /// in log x, then Brent in x on the last bracket, so cdf(quantile(p)) = p to
  /// ~1e-14 relative for p down to 1e-300. 0 for p = 0, +∞ for p = 1, NaN
  /// outside [0, 1].
  public static func quantile(_ p: Double, degreesOfFreedom k: Double) -> Double {
    guard isValid(k) else { return .nan }
    return TailInversion.positiveQuantile(p, upper: false, start: startingPoint(p, k)) { tails($0, k) }
  }

  /// x with P(X > x) = q, for q down to 1e-300 (critical values).
  public static func inverseSurvival(_ q: Double, degreesOfFreedom k: Double) -> Double {
    guard isValid(k), q >= 0, q <= 1 else { return .nan }
    return TailInversion.positiveQuantile(q, upper: true, start: startingPoint(1 - q, k)) { tails($0, k) }
  }
}
