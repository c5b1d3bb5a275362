import Foundation

/// The standard bivariate normal distribution (unit variances, correlation ρ).
public enum BivariateNormal {
  /// P(X ≤ x, Y ≤ y) for standard normal margins with correlation `rho`.
  ///
  /// Genz's method (A. Genz, *Numerical computation of rectangular bivariate
  /// and trivariate normal and t probabilities*, Statistics and Computing 14,
  /// 2004, 251–260; the `BVND` routine of TVPACK/mvtnorm), which refines
  /// Drezner & Wesolowsky (1990):
  /// - |ρ| < 0.925: Gauss–Legendre quadrature (6, 12 or 20 points as |ρ| < 0.3,
  ///   < 0.75, ≥ 0.75) of Plackett's identity
  ///   L(h, k, ρ) = Φ(−h)Φ(−k) + (1/2π) ∫₀^{asin ρ} exp(−(h² + k² − 2hk·sin θ)/(2cos²θ)) dθ;
  /// - |ρ| ≥ 0.925: the integral in √(1 − ρ²) with the singular part at |ρ| → 1
  ///   subtracted analytically and 20-point Gauss–Legendre for the rest.
  ///
  /// Absolute accuracy ≈ 1e-15 (measured against mpmath, see
  /// `Fixtures/distributions/reference.csv`). Infinite limits are exact;
  /// ρ = ±1 gives the degenerate limits Φ(min(x, y)) and max(0, Φ(x) − Φ(−y)).
  /// NaN for NaN arguments or |ρ| > 1.
  public static func cdf(x: Double, y: Double, rho: Double) -> Double {
    if x.isNaN || y.isNaN || rho.isNaN || abs(rho) > 1 { return .nan }
    if x == -.infinity || y == -.infinity { return 0 }
    if x == .infinity { return Normal.cdf(y) }
    if y == .infinity { return Normal.cdf(x) }
    if rho == 1 { return Normal.cdf(min(x, y)) }
    if rho == -1 { return max(0, Normal.cdf(x) - Normal.cdf(-y)) }
    if rho == 0 { return Normal.cdf(x) * Normal.cdf(y) }
    return upperOrthant(h: -x, k: -y, r: rho)
  }

  // Gauss–Legendre abscissae (negative half) and weights for 6, 12, 20 points.
  static let nodes: [[Double]] = [
    [-0.9324695142031522, -0.6612093864662647, -0.2386191860831970],
    [-0.9815606342467191, -0.9041172563704750, -0.7699026741943050,
     -0.5873179542866171, -0.3678314989981802, -0.1252334085114692],
    [-0.9931285991850949, -0.9639719272779138, -0.9122344282513259,
     -0.8391169718222188, -0.7463319064601508, -0.6360536807265150,
     -0.5108670019508271, -0.3737060887154196, -0.2277858511416451,
     -0.07652652113349733],
  ]
  static let weights: [[Double]] = [
    [0.1713244923791705, 0.3607615730481384, 0.4679139345726904],
    [0.04717533638651177, 0.1069393259953183, 0.1600783285433464,
     0.2031674267230659, 0.2334925365383547, 0.2491470458134029],
    [0.01761400713915212, 0.04060142980038694, 0.06267204833410906,
     0.08327674157670475, 0.1019301198172404, 0.1181945319615184,
     0.1316886384491766, 0.1420961093183821, 0.1491729864726037,
     0.1527533871307259],
  ]

  /// P(X > h, Y > k) for |r| < 1 (Genz's BVND).
  static func upperOrthant(h hIn: Double, k kIn: Double, r: Double) -> Double {
    let twoPi = 2 * Double.pi
    let g = abs(r) < 0.3 ? 0 : (abs(r) < 0.75 ? 1 : 2)
    let xs = nodes[g], ws = weights[g]
    let h = hIn
    var k = kIn
    var hk = h * k
    var bvn = 0.0
    if abs(r) < 0.925 {
      let hs = (h * h + k * k) / 2
      let asr = asin(r)
      for i in 0..<xs.count {
        var sn = sin(asr * (xs[i] + 1) / 2)
        bvn += ws[i] * exp((sn * hk - hs) / (1 - sn * sn))
        sn = sin(asr * (-xs[i] + 1) / 2)
        bvn += ws[i] * exp((sn * hk - hs) / (1 - sn * sn))
      }
      return max(0, min(1, bvn * asr / (2 * twoPi) + Normal.cdf(-h) * Normal.cdf(-k)))
    }
    if r < 0 {
      k = -k
      hk = -hk
    }
    let as2 = (1 - r) * (1 + r)
    var a = as2.squareRoot()
    let bs = (h - k) * (h - k)
    let c = (4 - hk) / 8
    let d = (12 - hk) / 16
    bvn = a * exp(-(bs / as2 + hk) / 2) * (1 - c * (bs - as2) * (1 - d * bs / 5) / 3 + c * d * as2 * as2 / 5)
    if hk > -160 {
      let b = bs.squareRoot()
      bvn -= exp(-hk / 2) * twoPi.squareRoot() * Normal.cdf(-b / a) * b * (1 - c * bs * (1 - d * bs / 5) / 3)
    }
    a /= 2
    for i in 0..<xs.count {
      var x2 = (a * (xs[i] + 1)) * (a * (xs[i] + 1))
      var rs = (1 - x2).squareRoot()
      bvn += a * ws[i] * (exp(-bs / (2 * x2) - hk / (1 + rs)) / rs
        - exp(-(bs / x2 + hk) / 2) * (1 + c * x2 * (1 + d * x2)))
      x2 = as2 * (-xs[i] + 1) * (-xs[i] + 1) / 4
      rs = (1 - x2).squareRoot()
      bvn += a * ws[i] * exp(-(bs / x2 + hk) / 2)
        * (exp(-hk * (1 - rs) / (2 * (1 + rs))) / rs - (1 + c * x2 * (1 + d * x2)))
    }
    bvn = -bvn / twoPi
    if r > 0 {
      bvn += Normal.cdf(-max(h, k))
    } else {
      bvn = -bvn + max(0, Normal.cdf(-h) - Normal.cdf(-k))
    }
    return max(0, min(1, bvn))
  }
}
