import Foundation

/// The standard normal distribution N(0, 1).
///
/// `cdf` and `survival` go through `erfc`, so each tail keeps full relative
/// accuracy: `survival(37.5)` ≈ 4.6e-308 is not rounded to 0 the way
/// `1 − cdf(37.5)` would be.
public enum Normal {
  /// 1/√(2π).
  static let inverseSqrt2Pi = 0.398942280401432677939946059934

  /// φ(x) = e^(−x²/2)/√(2π). NaN for NaN.
  public static func density(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    // Split x = hi + lo so that x² is exact enough in the tail (as R's dnorm):
    // e^(−x²/2) = e^(−hi²/2)·e^(−lo·(hi + x/2)) for |x| > 5.
    let ax = abs(x)
    if ax > 5 && ax < 40 {
      let hi = (ax * 65536).rounded(.towardZero) / 65536
      let lo = ax - hi
      return inverseSqrt2Pi * exp(-0.5 * hi * hi) * exp(-lo * 0.5 * (ax + hi))
    }
    return inverseSqrt2Pi * exp(-0.5 * x * x)
  }

  /// Φ(x) = P(Z ≤ x) = ½·erfc(−x/√2); relative accuracy ≈ 1e-14 down to
  /// Φ(−37.5) ≈ 5e-308.
  public static func cdf(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    return upperTail(-x)
  }

  /// 1 − Φ(x) = Φ(−x) = ½·erfc(x/√2), accurate in the upper tail.
  public static func survival(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    return upperTail(x)
  }

  /// ½·erfc(x/√2). For x > 2 the argument's rounding error (which the tail
  /// amplifies by x²) is removed by a first-order correction:
  /// erfc(z + e) ≈ erfc(z)·(1 − 2·z·e) with e = x/√2 − fl(x/√2).
  static func upperTail(_ x: Double) -> Double {
    let z = x * 0.70710678118654752440
    var value = 0.5 * erfc(z)
    if x > 2 && value > 0 {
      // e = x/√2 − z: fma(x, s, −z) is exact, plus x·t for the split √½ = s + t.
      let s = 0.70710678118654752440, t = -4.8336466567264567e-17
      let e = (-z).addingProduct(x, s) + x * t
      value *= 1 - 2 * z * e
    }
    return value
  }

  /// The quantile Φ⁻¹(p): Wichura's algorithm AS 241 (PPND16, *Applied
  /// Statistics* 37, 1988, 477–484; relative accuracy about 1e-16), followed
  /// by one Halley step on Φ(x) − p (or on the upper tail when p > ½) in the
  /// tails. Returns −∞ for p = 0, +∞ for p = 1, NaN outside [0, 1].
  public static func quantile(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    if p == 0.5 { return 0 }
    if p < 0.5 { return -as241(lowerTail: p) }
    return as241(lowerTail: 1 - p)
  }

  /// The upper quantile: x with 1 − Φ(x) = q, i.e. −Φ⁻¹(q), for q down to the
  /// smallest subnormal (where `quantile(1 − q)` would round 1 − q to 1).
  public static func inverseSurvival(_ q: Double) -> Double {
    -quantile(q)
  }

  /// |Φ⁻¹(p)| for 0 < p < ½ by AS 241, polished by one Halley step.
  static func as241(lowerTail p: Double) -> Double {
    let q = p - 0.5
    if abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      let num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r
        + 6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r
        + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
        + 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0)
      let den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r
        + 3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r
        + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
        + 4.2313330701600911252e+1) * r + 1.0)
      return -q * num / den
    }
    var r = (-log(p)).squareRoot()
    var x: Double
    if r <= 5 {
      r -= 1.6
      let num = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r
        + 2.41780725177450611770e-1) * r + 1.27045825245236838258e+0) * r
        + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r
        + 4.63033784615654529590e+0) * r + 1.42343711074968357734e+0)
      let den = (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r
        + 1.51986665636164571966e-2) * r + 1.48103976427480074590e-1) * r
        + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r
        + 2.05319162663775882187e+0) * r + 1.0)
      x = num / den
    } else {
      r -= 5
      let num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
        + 1.24266094738807843860e-3) * r + 2.65321895265761230930e-2) * r
        + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r
        + 5.46378491116411436990e+0) * r + 6.65790464350110377720e+0)
      let den = (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r
        + 1.84631831751005468180e-5) * r + 7.86869131145613259100e-4) * r
        + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r
        + 5.99832206555887937690e-1) * r + 1.0)
      x = num / den
    }
    // One Halley step on log(S(x)) = log p, S = upper tail: with
    // u = (S(x) − p)/φ(x), x ← x + u/(1 − x·u/2).
    let s = upperTail(x)
    let f = density(x)
    if s > 0 && f > 0 {
      let u = (s - p) / f
      let step = u / (1 - 0.5 * x * u)
      if step.isFinite && abs(step) < 1e-6 * x { x += step }
    }
    return x
  }
}
