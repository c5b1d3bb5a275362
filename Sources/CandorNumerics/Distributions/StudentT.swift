import Foundation

/// Student's t distribution with ν > 0 degrees of freedom (ν need not be an
/// integer; ν = +∞ is the standard normal).
///
/// Tails from the incomplete beta function (Abramowitz & Stegun 26.7.1):
/// P(|T| > |t|) = I_x(ν/2, ½) with x = ν/(ν + t²), and 1 − I_x(ν/2, ½) =
/// I_y(½, ν/2) with y = t²/(ν + t²) computed directly, so both tails and the
/// centre keep relative accuracy. NaN for ν ≤ 0 or NaN arguments.
public enum StudentT {
  /// P(|T| > |t|) and its complement, for t ≥ 0.
  static func twoSidedTails(_ t: Double, _ nu: Double) -> (outside: Double, inside: Double) {
    let s = abs(t)
    if s == .infinity { return (0, 1) }
    let x: Double, y: Double
    if s > 1e150 && s * s > 1e30 * nu {
      // x = ν/(ν + t²) may underflow although I_x(ν/2, ½) does not (ν = ½ at
      // t = 1e199 gives 1e-100): I_x(a, b) = x^a·(1 + O(x))/(a·B(a, b)) with
      // log x = log ν − 2·log|t| and O(x) < 1e-30 negligible.
      let a = nu / 2
      let outside = exp(a * (log(nu) - 2 * log(s)) - log(a) - SpecialFunctions.logBeta(a, 0.5))
      return (outside, 1 - outside)
    } else {
      let s2 = s * s
      x = nu / (nu + s2)
      y = s2 / (nu + s2)
    }
    let r = SpecialFunctions.incompleteBeta(x: x, y: y, a: nu / 2, b: 0.5)
    return (r.lower, r.upper)
  }

  static func isValid(_ nu: Double) -> Bool { nu > 0 }

  /// The density Γ((ν+1)/2)/(√(νπ)Γ(ν/2))·(1 + t²/ν)^(−(ν+1)/2).
  public static func density(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    guard isValid(nu), !t.isNaN else { return .nan }
    if nu == .infinity { return Normal.density(t) }
    let logC = -0.5 * log(nu) - SpecialFunctions.logBeta(0.5, nu / 2)
    return exp(logC - (nu + 1) / 2 * log1p(t * t / nu))
  }

  /// P(T ≤ t).
  public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    guard isValid(nu), !t.isNaN else { return .nan }
    if nu == .infinity { return Normal.cdf(t) }
    let r = twoSidedTails(t, nu)
    return t < 0 ? 0.5 * r.outside : 0.5 + 0.5 * r.inside
  }

  /// P(T > t), accurate in the upper tail.
  public static func survival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    cdf(-t, degreesOfFreedom: nu)
  }

  /// The two-sided p-value P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, ½).
  public static func twoSidedP(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    guard isValid(nu), !t.isNaN else { return .nan }
    if nu == .infinity { return 2 * Normal.survival(abs(t)) }
    return twoSidedTails(t, nu).outside
  }

  /// The quantile: t with P(T ≤ t) = p. By symmetry the smaller tail is
  /// inverted in log space (bracket + Brent, see ``ChiSquared/quantile(_:degreesOfFreedom:)``);
  /// ±∞ for p = 0, 1 (and when the quantile overflows a Double, e.g. ν = ½ at
  /// p = 1e-300). NaN outside [0, 1].
  public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
    guard isValid(nu), p >= 0, p <= 1 else { return .nan }
    if nu == .infinity { return Normal.quantile(p) }
    if p == 0.5 { return 0 }
    return p < 0.5 ? -upperQuantile(p, nu) : upperQuantile(1 - p, nu)
  }

  /// t with P(T > t) = q, for q down to 1e-300 (where `quantile(1 − q)` would
  /// round 1 − q to 1).
  public static func inverseSurvival(_ q: Double, degreesOfFreedom nu: Double) -> Double {
    guard isValid(nu), q >= 0, q <= 1 else { return .nan }
    if nu == .infinity { return -Normal.quantile(q) }
    if q == 0.5 { return 0 }
    return q < 0.5 ? upperQuantile(q, nu) : -upperQuantile(1 - q, nu)
  }

  /// s > 0 with P(T > s) = q for 0 < q < ½.
  static func upperQuantile(_ q: Double, _ nu: Double) -> Double {
    if q == 0 { return .infinity }
    let start = max(abs(Normal.quantile(q)), 1e-3)
    return TailInversion.positiveQuantile(q, upper: true, start: start) { s in
      let r = twoSidedTails(s, nu)
      return (0.5 + 0.5 * r.inside, 0.5 * r.outside)
    }
  }
}
