import Foundation

/// The noncentral χ² distribution with k > 0 degrees of freedom and
/// noncentrality λ ≥ 0 (λ = 0 is the central χ²). Used for RMSEA confidence
/// intervals (Steiger & Lind; MacCallum, Browne & Sugawara 1996).
///
/// P(X ≤ x) = Σ_{j≥0} e^(−λ/2)(λ/2)^j/j! · P(k/2 + j, x/2) (A&S 26.4.25), a
/// Poisson mixture of central χ² laws. The smaller tail is summed directly
/// (lower: Σ w_j·P(k/2 + j, x/2); upper: Σ w_j·Q(k/2 + j, x/2)), outward from
/// the Poisson mode j₀ = ⌊λ/2⌋ in both directions, so every sum is of
/// positive terms and keeps relative accuracy deep in the tails; the other
/// tail is its complement. Poisson weights come from the mode weight
/// (Loader's `dpois_raw`) by the recurrences w_{j±1} = w_j·(λ/2)/(j+1) and
/// w_{j−1} = w_j·j/(λ/2).
///
/// In the long direction of each sum (downward for P, upward for Q) the gamma
/// factors come from the recurrences P(s − 1, y) = P(s, y) + y^(s−1)e^(−y)/Γ(s)
/// and Q(s + 1, y) = Q(s, y) + y^s·e^(−y)/Γ(s + 1), which only add; the short
/// direction evaluates them directly.
///
/// Stopping rule: a direction stops once a rigorous bound on everything not
/// yet added is below 1e-17 × the running sum. Going up, the omitted Poisson
/// mass is ≤ w_{j+1}/(1 − (λ/2)/(j+2)) (geometric bound) and the gamma factor
/// is ≤ P(k/2+j, x/2) (decreasing in j) for the lower sum or ≤ 1 for the upper
/// sum; going down, the omitted mass is ≤ w_{j−1}/(1 − (j−1)/(λ/2)) and the
/// gamma factor ≤ P(k/2, x/2) (lower) or ≤ Q(k/2+j, x/2) (upper).
public enum NoncentralChiSquared {
  static func isValid(_ k: Double, _ lambda: Double) -> Bool {
    k > 0 && k.isFinite && lambda >= 0 && lambda.isFinite
  }

  static func tails(_ x: Double, _ k: Double, _ lambda: Double) -> (lower: Double, upper: Double) {
    if x <= 0 { return (0, 1) }
    if x == .infinity { return (1, 0) }
    if lambda == 0 { return ChiSquared.tails(x, k) }
    let a = k / 2, y = x / 2, m = lambda / 2
    let j0 = m.rounded(.down)
    let modeGamma = SpecialFunctions.incompleteGamma(a: a + j0, x: y)
    let lowerIsSmall = modeGamma.lower <= modeGamma.upper
    let w0 = j0 == 0 ? exp(-m) : SpecialFunctions.poissonTerm(j0, m)
    let eps = 1e-17
    // The gamma factor of term j: P(a + j, y) or Q(a + j, y), the small side.
    func gammaFactor(_ j: Double) -> Double {
      let r = SpecialFunctions.incompleteGamma(a: a + j, x: y)
      return lowerIsSmall ? r.lower : r.upper
    }
    // In the long direction (down for P, up for Q) the factors follow from
    // P(s − 1, y) = P(s, y) + t(s − 1) and Q(s + 1, y) = Q(s, y) + t(s), with
    // t(s) = y^s·e^(−y)/Γ(s + 1) — additions only, so no cancellation — unless
    // t underflows at the mode, where every factor is computed directly.
    var t = SpecialFunctions.poissonTerm(a + j0, y)
    let recur = t > 1e-280 && t.isFinite
    var sum = 0.0

    // Upward from the mode (including it).
    var w = w0
    var j = j0
    var g = lowerIsSmall ? modeGamma.lower : modeGamma.upper
    while true {
      sum += w * g
      let ratio = m / (j + 2)
      let nextW = w * m / (j + 1)
      let omittedMass = ratio < 1 ? nextW / (1 - ratio) : .infinity
      let bound = omittedMass * (lowerIsSmall ? g : 1)
      if bound <= eps * sum || nextW == 0 || (lowerIsSmall && g == 0) { break }
      if !lowerIsSmall && recur {
        g += t                      // Q(a + j + 1) = Q(a + j) + t(a + j)
        t *= y / (a + j + 1)
      } else {
        g = gammaFactor(j + 1)
      }
      j += 1
      w = nextW
      if j - j0 > 1e7 { break }
    }

    // Downward from the mode − 1.
    if j0 > 0 {
      let topGamma = lowerIsSmall ? SpecialFunctions.incompleteGamma(a: a, x: y).lower : 0
      w = w0
      j = j0
      g = lowerIsSmall ? modeGamma.lower : modeGamma.upper
      t = SpecialFunctions.poissonTerm(a + j0, y)
      while j > 0 {
        w *= j / m
        if lowerIsSmall && recur {
          t *= (a + j) / y          // t(a + j − 1)
          g += t                    // P(a + j − 1) = P(a + j) + t(a + j − 1)
        } else {
          g = gammaFactor(j - 1)
        }
        j -= 1
        sum += w * g
        if j == 0 { break }
        let ratio = (j - 1) / m
        let omittedMass = w * (j / m) / (1 - ratio)
        let bound = omittedMass * (lowerIsSmall ? topGamma : g)
        if bound <= eps * sum || w == 0 { break }
      }
    }
    let small = min(max(sum, 0), 1)
    return lowerIsSmall ? (small, 1 - small) : (1 - small, small)
  }

  /// P(X ≤ x).
  public static func cdf(_ x: Double, degreesOfFreedom k: Double, noncentrality lambda: Double) -> Double {
    guard isValid(k, lambda), !x.isNaN else { return .nan }
    return tails(x, k, lambda).lower
  }

  /// P(X > x), accurate in the upper tail.
  public static func survival(_ x: Double, degreesOfFreedom k: Double, noncentrality lambda: Double) -> Double {
    guard isValid(k, lambda), !x.isNaN else { return .nan }
    return tails(x, k, lambda).upper
  }

  /// x with P(X ≤ x) = p (smaller tail inverted in log x by bracket + Brent,
  /// starting at the mean k + λ). 0 for p = 0, +∞ for p = 1, NaN outside [0, 1].
  public static func quantile(_ p: Double, degreesOfFreedom k: Double, noncentrality lambda: Double) -> Double {
    guard isValid(k, lambda) else { return .nan }
    return TailInversion.positiveQuantile(p, upper: false, start: k + lambda) { tails($0, k, lambda) }
  }

  /// x with P(X > x) = q, for q down to 1e-300.
  public static func inverseSurvival(_ q: Double, degreesOfFreedom k: Double, noncentrality lambda: Double) -> Double {
    guard isValid(k, lambda) else { return .nan }
    return TailInversion.positiveQuantile(q, upper: true, start: k + lambda) { tails($0, k, lambda) }
  }

  /// The noncentrality λ ≥ 0 with P(X ≤ x; k, λ) = `target`: the RMSEA
  /// interval solves this for target 0.95 (lower λ) and 0.05 (upper λ) at the
  /// observed χ² (Browne & Cudeck 1993; as lavaan and psych).
  ///
  /// The CDF decreases in λ, so the root is bracketed by doubling λ from
  /// max(1, x) and then found by Brent's method on log F(x; λ) − log target to
  /// full double precision. Returns 0 when even λ = 0 gives a CDF at or below
  /// `target` (no positive λ fits). NaN for target outside (0, 1), x < 0,
  /// k ≤ 0.
  public static func noncentralityForCDF(_ target: Double, x: Double, degreesOfFreedom k: Double) -> Double {
    guard target > 0, target < 1, x >= 0, k > 0, k.isFinite, x.isFinite else { return .nan }
    let logTarget = log(target)
    // h(λ) = log target − log F(x; λ) increases with λ.
    func h(_ lambda: Double) -> Double {
      logTarget - RootFinding.logProbability(tails(x, k, lambda).lower)
    }
    let h0 = h(0)
    if h0 >= 0 { return 0 }
    var lo = 0.0, hlo = h0
    var hi = max(1, x), hhi = h(hi)
    while hhi < 0 {
      lo = hi; hlo = hhi
      hi *= 2
      if hi > 1e15 { return .infinity }
      hhi = h(hi)
    }
    return RootFinding.brent(h, lo, hi, fa: hlo, fb: hhi, tolerance: 0).root
  }
}
