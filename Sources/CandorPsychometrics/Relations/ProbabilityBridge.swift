import CandorNumerics
import Foundation

/// The few distribution functions the relations code needs, in one place.
///
/// TEMPORARY: until `h-dist` (CandorNumerics distributions) is merged these are
/// small local implementations (regularized incomplete beta by Lentz's continued
/// fraction, normal tails by `erfc`); after the merge each forwards to
/// `StudentT` / `Normal` / `FDistribution`.
enum Probability {
  /// Two-sided p of a t statistic: 2·P(T_df > |t|).
  static func tTwoSided(_ t: Double, degreesOfFreedom df: Double) -> Double {
    guard t.isFinite || t.isInfinite, !t.isNaN, df > 0 else { return .nan }
    if t.isInfinite { return 0 }
    let x = df / (df + t * t)
    return regularizedBeta(x, a: df / 2, b: 0.5)
  }

  /// Upper quantile of t: the q with P(T_df ≤ q) = p.
  static func tQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
    guard p > 0, p < 1, df > 0 else { return .nan }
    if p == 0.5 { return 0 }
    let upper = p > 0.5
    let tail = upper ? 1 - p : p   // one-sided tail area
    // Solve 0.5·I_{df/(df+t²)}(df/2, 1/2) = tail for t ≥ 0 by bisection on x.
    var lo = 0.0, hi = 1.0
    for _ in 0..<200 {
      let mid = 0.5 * (lo + hi)
      let area = 0.5 * regularizedBeta(mid, a: df / 2, b: 0.5)
      if area > tail { hi = mid } else { lo = mid }
      if hi - lo < 1e-300 { break }
    }
    let x = 0.5 * (lo + hi)
    let t = (df * (1 - x) / x).squareRoot()
    return upper ? t : -t
  }

  /// Two-sided p of a standard normal statistic: 2·P(Z > |z|).
  static func normalTwoSided(_ z: Double) -> Double {
    guard !z.isNaN else { return .nan }
    return erfc(abs(z) / 2.0.squareRoot())
  }

  /// Normal quantile (only the 0.975 used for Wald CIs is needed exactly).
  static func normalQuantile(_ p: Double) -> Double {
    // Bisection on erfc: adequate until the shared implementation lands.
    var lo = -40.0, hi = 40.0
    for _ in 0..<200 {
      let mid = 0.5 * (lo + hi)
      let cdf = 0.5 * erfc(-mid / 2.0.squareRoot())
      if cdf < p { lo = mid } else { hi = mid }
    }
    return 0.5 * (lo + hi)
  }

  /// Upper tail of F(d1, d2): P(F > f).
  static func fSurvival(_ f: Double, _ d1: Double, _ d2: Double) -> Double {
    guard !f.isNaN, d1 > 0, d2 > 0 else { return .nan }
    if f <= 0 { return 1 }
    if f.isInfinite { return 0 }
    return regularizedBeta(d2 / (d2 + d1 * f), a: d2 / 2, b: d1 / 2)
  }

  /// I_x(a, b), continued fraction (Numerical Recipes §6.4, modified Lentz).
  static func regularizedBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x < (a + 1) / (a + b + 2) {
      return exp(lbt) * betaContinuedFraction(x, a, b) / a
    } else {
      return 1 - exp(lbt) * betaContinuedFraction(1 - x, b, a) / b
    }
  }

  private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300
    let qab = a + b, qap = a + 1, qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...10000 {
      let m2 = Double(2 * m), md = Double(m)
      var aa = md * (b - md) * x / ((qam + m2) * (a + m2))
      d = 1 + aa * d; if abs(d) < tiny { d = tiny }
      c = 1 + aa / c; if abs(c) < tiny { c = tiny }
      d = 1 / d; h *= d * c
      aa = -(a + md) * (qab + md) * x / ((a + m2) * (qap + m2))
      d = 1 + aa * d; if abs(d) < tiny { d = tiny }
      c = 1 + aa / c; if abs(c) < tiny { c = tiny }
      d = 1 / d
      let del = d * c
      h *= del
      if abs(del - 1) < 1e-16 { break }
    }
    return h
  }
}
