import Foundation

/// The F quantile that the Feldt interval needs, via the regularized incomplete
/// beta function: if X ~ F(d₁, d₂) then B = d₁X/(d₁X + d₂) ~ Beta(d₁/2, d₂/2), so
/// `qf(p) = d₂·b / (d₁·(1 − b))` with `b = qbeta(p, d₁/2, d₂/2)`.
///
/// Internal to reliability until the shared distributions module lands; the
/// incomplete beta is the continued fraction of Numerical Recipes §6.4 (modified
/// Lentz), inverted by bisection then Newton steps on the density.
enum FeldtDistribution {
  /// log B(a, b) from `lgamma`.
  static func logBeta(_ a: Double, _ b: Double) -> Double { lgamma(a) + lgamma(b) - lgamma(a + b) }

  /// Stirling's remainder lgamma(z) − ((z − ½)ln z − z + ½ln 2π), z ≥ 10 (error < 1e-17).
  static func stirlingCorrection(_ z: Double) -> Double {
    let z2 = 1 / (z * z)
    return (1.0 / 12 - z2 * (1.0 / 360 - z2 * (1.0 / 1260 - z2 / 1680))) / z
  }

  /// log(x^a (1−x)^b / B(a, b)). For large a and b the lgamma route loses digits to
  /// cancellation (terms of size (a+b)·ln(a+b)); there the Stirling form is used:
  /// a·ln(x/x₀) + b·ln((1−x)/(1−x₀)) + ½ln(ab/(2π(a+b))) − Δcorr, x₀ = a/(a+b)
  /// (the arrangement of DiDonato & Morris 1992, `brcomp`).
  static func logFront(_ x: Double, _ a: Double, _ b: Double) -> Double {
    if min(a, b) < 10 { return a * log(x) + b * log1p(-x) - logBeta(a, b) }
    let s = a + b, x0 = a / s, t = x - x0
    let main = a * log1p(t / x0) + b * log1p(-t / (b / s))
    let half = 0.5 * (log(a) + log(b) - log(s) - log(2 * Double.pi))
    return main + half - (stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(s))
  }

  /// The regularized incomplete beta I_x(a, b).
  static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let front = logFront(x, a, b)
    if x < (a + 1) / (a + b + 2) {
      return exp(front) * continuedFraction(x, a, b) / a
    }
    return 1 - exp(front) * continuedFraction(1 - x, b, a) / b
  }

  /// The continued fraction of I_x(a, b) (NR `betacf`), modified Lentz.
  private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300, eps = 1e-16
    let qab = a + b, qap = a + 1, qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...100_000 {
      let m2 = 2.0 * Double(m), md = Double(m)
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
      if abs(del - 1) < eps { break }
    }
    return h
  }

  /// The p-quantile of Beta(a, b).
  static func betaQuantile(_ p: Double, _ a: Double, _ b: Double) -> Double {
    if p <= 0 { return 0 }
    if p >= 1 { return 1 }
    var lo = 0.0, hi = 1.0
    for _ in 0..<200 {
      let mid = 0.5 * (lo + hi)
      if regularizedBeta(mid, a, b) < p { lo = mid } else { hi = mid }
      if hi - lo <= 1e-15 * max(mid, 1e-300) { break }
    }
    var x = 0.5 * (lo + hi)
    // Newton polish on I_x − p with density x^(a−1)(1−x)^(b−1)/B(a, b).
    for _ in 0..<3 {
      let f = regularizedBeta(x, a, b) - p
      let logDensity = logFront(x, a, b) - log(x) - log1p(-x)
      let step = f / exp(logDensity)
      let next = x - step
      if !(next > lo && next < hi) || !next.isFinite { break }
      x = next
    }
    return x
  }

  /// The p-quantile of F(d₁, d₂) (R `qf(p, d1, d2)`).
  static func fQuantile(_ p: Double, _ d1: Double, _ d2: Double) -> Double {
    let b = betaQuantile(p, d1 / 2, d2 / 2)
    return d2 * b / (d1 * (1 - b))
  }
}
