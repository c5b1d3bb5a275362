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
    if let t = newtonUpperQuantile(q, nu) { return t }
    let start = max(abs(Normal.quantile(q)), 1e-3)
    return TailInversion.positiveQuantile(q, upper: true, start: start) { s in
      let r = twoSidedTails(s, nu)
      return (0.5 + 0.5 * r.inside, 0.5 * r.outside)
    }
  }

  /// The common case of ``upperQuantile(_:_:)`` — ν ≥ 5 and 1e-6 ≤ q < ½, e.g. the
  /// t quantile of every group's confidence interval — by Newton's method on
  /// S(t) = P(T > t), started from the Cornish–Fisher expansion of t in the normal
  /// quantile z (Abramowitz & Stegun 26.7.5; relative error 1e-4 at ν = 5, q = 0.025,
  /// at most 7 % at ν = 5, q = 1e-6, checked against scipy). A few steps, each one
  /// incomplete-beta evaluation, reach full precision where bracketing takes a dozen.
  /// nil when the steps have not settled within 1e-15 (relative) in 6 steps: the caller
  /// then brackets.
  static func newtonUpperQuantile(_ q: Double, _ nu: Double) -> Double? {
    guard nu >= 5, nu.isFinite, q >= 1e-6, q < 0.5 else { return nil }
    let z = -Normal.quantile(q)
    let z2 = z * z
    let g1 = (z2 + 1) * z / 4
    let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    let g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    var t = z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
    for _ in 0..<6 {
      let upper = 0.5 * twoSidedTails(t, nu).outside
      let step = (upper - q) / density(t, degreesOfFreedom: nu)
      t += step
      if abs(step) <= 1e-15 * t { return t > 0 ? t : nil }
    }
    return nil
  }
}
