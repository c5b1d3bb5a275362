import Foundation

/// Special functions behind the distributions: log-gamma, log-beta, the error
/// function and the regularized incomplete beta and gamma functions.
///
/// All functions take and return `Double` and return NaN for invalid
/// parameters (never trap). The incomplete functions are computed on the side
/// where they are small and the other side as the complement, so both tails keep
/// full relative accuracy down to the underflow threshold (≈ 1e-308).
///
/// The power prefactors x^a·y^b/B(a, b) and x^a·e^−x/Γ(a) are evaluated with
/// Loader's saddle-point decomposition (the `stirlerr`/`bd0` pair of R's
/// `dbinom`/`dpois`; C. Loader, *Fast and accurate computation of binomial
/// probabilities*, 2000) instead of `exp(a·log x + b·log y − logB)`, which
/// loses about log10(a) digits to cancellation when the shape parameters are
/// large (df = 1e5 would otherwise cost 5 digits).
public enum SpecialFunctions {

  // MARK: Gamma and beta

  /// log|Γ(x)|, from the C library's `lgamma_r` (thread safe; Γ's sign is
  /// discarded). NaN for NaN; +∞ at the poles 0, −1, −2, ….
  public static func logGamma(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
  }

  /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b > 0.
  ///
  /// For a, b ≥ 10 it uses the Stirling-remainder form
  /// ½·log(2π) + (a − ½)·log a + (b − ½)·log b − (a + b − ½)·log(a + b)
  /// + δ(a) + δ(b) − δ(a + b) (δ = ``stirlingError``) which avoids the
  /// cancellation of three large log-gammas. NaN unless a > 0 and b > 0.
  public static func logBeta(_ a: Double, _ b: Double) -> Double {
    guard a > 0, b > 0 else { return .nan }
    if a.isInfinite || b.isInfinite { return -.infinity }
    let p = min(a, b), q = max(a, b)
    if p >= 10 {
      let corr = stirlingError(p) + stirlingError(q) - stirlingError(p + q)
      return -0.5 * log(q) + halfLog2Pi + corr + (p - 0.5) * log(p / (p + q))
        + q * log1p(-p / (p + q))
    } else if q >= 10 {
      let corr = stirlingError(q) - stirlingError(p + q)
      return logGamma(p) + corr + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
    }
    return logGamma(p) + logGamma(q) - logGamma(p + q)
  }

  // MARK: Error function

  /// erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, from the C library (correctly rounded to
  /// within an ulp or two in glibc).
  public static func erf(_ x: Double) -> Double { Foundation.erf(x) }

  /// erfc(x) = 1 − erf(x), computed directly so that it keeps relative accuracy
  /// in the upper tail (erfc(26.5) ≈ 1e-307).
  public static func erfc(_ x: Double) -> Double { Foundation.erfc(x) }

  // MARK: Incomplete beta

  /// The regularized incomplete beta function
  /// I_x(a, b) = (1/B(a, b)) ∫₀ˣ t^(a−1) (1 − t)^(b−1) dt.
  ///
  /// Continued fraction of Numerical Recipes (3rd ed.) §6.4, eq. 6.4.5,
  /// evaluated by the modified Lentz method, on whichever side of the mean
  /// x = (a + 1)/(a + b + 2) it converges quickly; the other side comes from
  /// I_x(a, b) = 1 − I_{1−x}(b, a). For a ≥ 100 with x near 1 (where a double
  /// x has lost the digits of 1 − x that I_x depends on) the large-a expansion
  /// of DiDonato & Morris (1992, `BGRAT`) in 1 − x is used instead. Measured
  /// against mpmath: ≤ 1e-13 relative for shape parameters 1e-3 … 5e4.
  /// NaN unless a > 0, b > 0 and 0 ≤ x ≤ 1.
  public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    guard x >= 0, x <= 1 else { return .nan }
    return incompleteBeta(x: x, y: 1 - x, a: a, b: b).lower
  }

  /// 1 − I_x(a, b) = I_{1−x}(b, a), computed without cancellation.
  public static func regularizedIncompleteBetaComplement(_ x: Double, a: Double, b: Double) -> Double {
    guard x >= 0, x <= 1 else { return .nan }
    return incompleteBeta(x: x, y: 1 - x, a: a, b: b).upper
  }

  /// (I_x(a, b), 1 − I_x(a, b)) with x and y = 1 − x given separately, so a
  /// caller that knows y more accurately than 1 − x (e.g. t²/(ν + t²)) keeps it.
  static func incompleteBeta(x: Double, y: Double, a: Double, b: Double) -> (lower: Double, upper: Double) {
    guard a > 0, b > 0, x >= 0, y >= 0, x <= 1, y <= 1, a.isFinite, b.isFinite else { return (.nan, .nan) }
    if x == 0 { return (0, 1) }
    if y == 0 { return (1, 0) }
    if x > (a + 1) / (a + b + 2) {
      let r = incompleteBeta(x: y, y: x, a: b, b: a)
      return (r.upper, r.lower)
    }
    // Here I_x(a, b) is the small side (≤ about ½), so 1 − I is accurate too.
    if a >= 100 && y < 0.5 {
      let u0 = -log1p(-y)
      if u0 <= 0.3 && (b + 1) * u0 <= 1 {
        let value = largeAExpansion(y: y, a: a, b: b)
        return (value, 1 - value)
      }
    }
    let front = betaPowerTerm(x: x, y: y, a: a, b: b)
    if front == 0 { return (0, 1) }
    let value = front * betaContinuedFraction(x: x, a: a, b: b) / a
    return (value, 1 - value)
  }

  /// x^a·y^b/B(a, b) with y = 1 − x, by Loader's decomposition:
  /// √(ab/(2πn))·exp(−bd0(a, n·x) − bd0(b, n·y) − δ(a) − δ(b) + δ(n)), n = a + b.
  static func betaPowerTerm(x: Double, y: Double, a: Double, b: Double) -> Double {
    let n = a + b
    if min(a, b) < 1e-3 || n.isInfinite {
      // Tiny shape parameters: the direct form has no cancellation to fear.
      return exp(a * log(x) + b * log(y) - logBeta(a, b))
    }
    // The differences a − n·x = n·y − b and b − n·y = n·x − a are taken from the
    // smaller of x and y, which carries the better relative accuracy (x = ν/(ν + t²)
    // near 1 has lost digits that y = t²/(ν + t²) keeps; with a = 5e4 that is the
    // difference between 1e-11 and 1e-15).
    let da = x <= y ? a - n * x : n * y - b
    let db = y < x ? b - n * y : n * x - a
    let exponent = -deviance(a, n * x, difference: da) - deviance(b, n * y, difference: db)
      - stirlingError(a) - stirlingError(b) + stirlingError(n)
    return ((a / n) * b / (2 * Double.pi)).squareRoot() * exp(exponent)
  }

  /// B_{2k}/(2k·(2k)!), k = 1…20: the Taylor coefficients of s^{2k} in
  /// log((1 − e^{−s})/s) + s/2 = log(sinh(s/2)/(s/2)).
  static let logSinhcCoefficients: [Double] = [
    0.041666666666666666667, -0.00034722222222222222222, 5.5114638447971781305e-6,
    -1.0333994708994708995e-7, 2.0876756987868098979e-9, -4.403491782239577654e-11,
    9.5589546647747705949e-13, -2.1185501852016142918e-14, 4.7700344757099136467e-16,
    -1.0874343492790309365e-17, 2.5040921947091952342e-19, -5.8143602857552180586e-21,
    1.3595027075497951814e-22, -3.1976847953705524466e-24, 7.5598415077922768677e-26,
    -1.7952470840225632641e-27, 4.2799190459260732408e-29, -1.0238874835181417162e-30,
    2.45703533081448544e-32, -5.9125560392515748364e-34,
  ]

  /// I_x(a, b) for large a and x near 1, from y = 1 − x only (DiDonato & Morris
  /// 1992, TOMS 708 `BGRAT`, in the form of Temme's expansion).
  ///
  /// With t = e^{−s} and u₀ = −log1p(−y),
  /// B(a, b)·I_x(a, b) = ∫_{u₀}^∞ e^{−as} s^{b−1} f(s) ds, f(s) = ((1 − e^{−s})/s)^{b−1} = Σ fₙ sⁿ,
  /// so I_x(a, b) = Γ(a + b)/(Γ(a)·a^b) · Σₙ fₙ·(b)ₙ·a^{−n}·Q(b + n, a·u₀).
  /// The fₙ come from exp((b − 1)·log((1 − e^{−s})/s)) by the power-series
  /// exponential recurrence; Q(b + n + 1, z) = Q(b + n, z) + z^{b+n}e^{−z}/Γ(b + n + 1)
  /// (adding, stable); Γ(a + b)/(Γ(a)a^b) = exp((a + b − ½)·log1p(b/a) − b + δ(a + b) − δ(a)).
  /// Used for a ≥ 100, u₀ ≤ 0.3 and (b + 1)·u₀ ≤ 1 where the continued fraction,
  /// which sees x rather than y, would lose about log10(a) digits.
  static func largeAExpansion(y: Double, a: Double, b: Double) -> Double {
    let u0 = -log1p(-y)
    let z = a * u0
    let order = 40
    var l = [Double](repeating: 0, count: order + 1)
    l[1] = -0.5
    for k in 1...(order / 2) { l[2 * k] = logSinhcCoefficients[k - 1] }
    var f = [Double](repeating: 0, count: order + 1)
    f[0] = 1
    for n in 1...order {
      var s = 0.0
      for k in 1...n { s += Double(k) * l[k] * f[n - k] }
      f[n] = (b - 1) * s / Double(n)
    }
    var q = incompleteGamma(a: b, x: z).upper
    var poisson = poissonTerm(b, z)
    var rising = 1.0
    var sum = 0.0
    var smallTerms = 0
    for n in 0...order {
      let term = f[n] * rising * q
      sum += term
      if n > 0 && abs(term) <= 1e-17 * abs(sum) {
        smallTerms += 1
        if smallTerms == 2 { break }
      } else {
        smallTerms = 0
      }
      rising *= (b + Double(n)) / a
      q += poisson
      poisson *= z / (b + Double(n) + 1)
    }
    let logRatio = (a + b - 0.5) * log1p(b / a) - b + stirlingError(a + b) - stirlingError(a)
    return exp(logRatio) * sum
  }

  /// Continued fraction for I_x(a, b) (NR §6.4 `betacf`, modified Lentz).
  static func betaContinuedFraction(x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    let qab = a + b, qap = a + 1, qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    var m = 1.0
    while m < 1e6 {
      let m2 = 2 * m
      var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let del = d * c
      h *= del
      if abs(del - 1) <= 1e-16 { break }
      m += 1
    }
    return h
  }

  // MARK: Incomplete gamma

  /// The regularized lower incomplete gamma function
  /// P(a, x) = (1/Γ(a)) ∫₀ˣ t^(a−1) e^(−t) dt.
  ///
  /// Series NR §6.2 eq. 6.2.5 for x < a + 1, otherwise the Legendre continued
  /// fraction for Q (eq. 6.2.7, modified Lentz) and P = 1 − Q.
  /// NaN unless a > 0 and x ≥ 0.
  public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
    incompleteGamma(a: a, x: x).lower
  }

  /// The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x),
  /// computed without cancellation in the upper tail.
  public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
    incompleteGamma(a: a, x: x).upper
  }

  static func incompleteGamma(a: Double, x: Double) -> (lower: Double, upper: Double) {
    guard a > 0, x >= 0, a.isFinite, !x.isNaN else { return (.nan, .nan) }
    if x == 0 { return (0, 1) }
    if x.isInfinite { return (1, 0) }
    if x < a + 1 {
      // P = x^a e^−x / Γ(a+1) · Σ_{n≥0} x^n / ((a+1)…(a+n))
      let front = poissonTerm(a, x)
      if front == 0 { return (0, 1) }
      var term = 1.0, sum = 1.0, ap = a
      for _ in 0..<1_000_000 {
        ap += 1
        term *= x / ap
        sum += term
        if term < sum * 1e-17 { break }
      }
      let p = front * sum
      return (p, 1 - p)
    }
    // Q = x^a e^−x / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a−…)))
    let front = a * poissonTerm(a, x)
    if front == 0 { return (1, 0) }
    let tiny = 1e-300
    var bb = x + 1 - a
    var c = 1 / tiny
    var d = 1 / bb
    var h = d
    var i = 1.0
    while i < 1e6 {
      let an = -i * (i - a)
      bb += 2
      d = an * d + bb
      if abs(d) < tiny { d = tiny }
      c = bb + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let del = d * c
      h *= del
      if abs(del - 1) <= 1e-16 { break }
      i += 1
    }
    let q = front * h
    return (1 - q, q)
  }

  /// x^a·e^(−x)/Γ(a + 1) (the Poisson probability of a at mean x, for real a),
  /// as exp(−δ(a) − bd0(a, x))/√(2πa) (Loader 2000), accurate for large a.
  static func poissonTerm(_ a: Double, _ x: Double) -> Double {
    if x == 0 { return 0 }
    if a < 1 {
      // Small a: log Γ(a+1) is small and the direct form has no cancellation.
      return exp(a * log(x) - x - logGamma(a + 1))
    }
    return exp(-stirlingError(a) - deviance(a, x)) / (2 * Double.pi * a).squareRoot()
  }

  // MARK: Loader's saddle-point pieces

  static let halfLog2Pi = 0.918938533204672741780329736406  // ½·log(2π)

  /// δ(n) = log Γ(n + 1) − [(n + ½)·log n − n + ½·log(2π)], the error of
  /// Stirling's formula (Loader 2000; R `stirlerr`): the asymptotic series
  /// 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷) + 1/(1188n⁹) for n > 15,
  /// otherwise directly from log Γ.
  static func stirlingError(_ n: Double) -> Double {
    let s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188
    if n <= 15 {
      return logGamma(n + 1) - (n + 0.5) * log(n) + n - halfLog2Pi
    }
    let nn = n * n
    if n > 500 { return (s0 - s1 / nn) / n }
    if n > 80 { return (s0 - (s1 - s2 / nn) / nn) / n }
    if n > 35 { return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n }
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
  }

  /// bd0(x, m) = x·log(x/m) + m − x ≥ 0, the deviance term of Loader (2000),
  /// by the series 2x·Σ v^(2j+1)/(2j+1) − (x − m)·v, v = (x − m)/(x + m),
  /// when x ≈ m (where the direct form cancels).
  static func deviance(_ x: Double, _ m: Double) -> Double {
    deviance(x, m, difference: x - m)
  }

  /// bd0(x, m) with the difference x − m supplied by the caller (who may know
  /// it more accurately than the subtraction of the rounded x and m).
  static func deviance(_ x: Double, _ m: Double, difference diff: Double) -> Double {
    if m == 0 { return x == 0 ? 0 : .infinity }
    if abs(diff) < 0.1 * (x + m) {
      var v = diff / (x + m)
      var s = diff * v
      if abs(s) < Double.leastNormalMagnitude { return s }
      var ej = 2 * x * v
      v *= v
      var j = 1.0
      while j < 1000 {
        ej *= v
        let s1 = s + ej / (2 * j + 1)
        if s1 == s { return s1 }
        s = s1
        j += 1
      }
      return s
    }
    // x·log(x/m) − (x − m), with log(x/m) = log1p((x − m)/m).
    if diff > -m { return x * log1p(diff / m) - diff }
    return x * log(x / m) - diff
  }
}
