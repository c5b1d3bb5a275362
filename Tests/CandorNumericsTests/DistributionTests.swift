import Foundation
import Testing
@testable import CandorNumerics

/// One row of `Fixtures/distributions/reference.csv` (mpmath, 50 digits; see
/// `make_reference.py` there).
struct ReferenceRow: Sendable, CustomStringConvertible {
  var function: String
  var p1: Double, p2: Double, p3: Double
  var x: Double
  var expected: Double
  var description: String { "\(function)(p=\(p1), \(p2), \(p3); x=\(x)) expected \(expected)" }

  static let all: [ReferenceRow] = {
    guard let url = Bundle.module.url(forResource: "reference", withExtension: "csv",
                                      subdirectory: "Fixtures/distributions"),
      let text = try? String(contentsOf: url, encoding: .utf8)
    else { return [] }
    func num(_ s: Substring) -> Double { s.isEmpty ? .nan : Double(s) ?? .nan }
    return text.split(separator: "\n").dropFirst().map { line in
      let f = line.split(separator: ",", omittingEmptySubsequences: false)
      return ReferenceRow(function: String(f[0]), p1: num(f[1]), p2: num(f[2]), p3: num(f[3]),
                          x: num(f[4]), expected: num(f[5]))
    }
  }()
}

/// Evaluates the Candor function a reference row names.
func evaluate(_ r: ReferenceRow) -> Double {
  let x = r.x
  switch r.function {
  case "logGamma": return SpecialFunctions.logGamma(x)
  case "logBeta": return SpecialFunctions.logBeta(r.p1, r.p2)
  case "erf": return SpecialFunctions.erf(x)
  case "erfc": return SpecialFunctions.erfc(x)
  case "betaI": return SpecialFunctions.regularizedIncompleteBeta(x, a: r.p1, b: r.p2)
  case "betaIc": return SpecialFunctions.regularizedIncompleteBetaComplement(x, a: r.p1, b: r.p2)
  case "gammaP": return SpecialFunctions.regularizedGammaP(r.p1, x)
  case "gammaQ": return SpecialFunctions.regularizedGammaQ(r.p1, x)
  case "normal_cdf": return Normal.cdf(x)
  case "normal_sf": return Normal.survival(x)
  case "normal_pdf": return Normal.density(x)
  case "normal_quantile": return Normal.quantile(x)
  case "t_cdf": return StudentT.cdf(x, degreesOfFreedom: r.p1)
  case "t_sf": return StudentT.survival(x, degreesOfFreedom: r.p1)
  case "t_twoSidedP": return StudentT.twoSidedP(x, degreesOfFreedom: r.p1)
  case "t_quantile": return StudentT.quantile(x, degreesOfFreedom: r.p1)
  case "t_pdf": return StudentT.density(x, degreesOfFreedom: r.p1)
  case "f_cdf": return FDistribution.cdf(x, numeratorDegreesOfFreedom: r.p1, denominatorDegreesOfFreedom: r.p2)
  case "f_sf": return FDistribution.survival(x, numeratorDegreesOfFreedom: r.p1, denominatorDegreesOfFreedom: r.p2)
  case "f_quantile":
    return FDistribution.quantile(x, numeratorDegreesOfFreedom: r.p1, denominatorDegreesOfFreedom: r.p2)
  case "chisq_cdf": return ChiSquared.cdf(x, degreesOfFreedom: r.p1)
  case "chisq_sf": return ChiSquared.survival(x, degreesOfFreedom: r.p1)
  case "chisq_quantile": return ChiSquared.quantile(x, degreesOfFreedom: r.p1)
  case "ncchisq_cdf": return NoncentralChiSquared.cdf(x, degreesOfFreedom: r.p1, noncentrality: r.p2)
  case "ncchisq_sf": return NoncentralChiSquared.survival(x, degreesOfFreedom: r.p1, noncentrality: r.p2)
  case "ncchisq_quantile": return NoncentralChiSquared.quantile(x, degreesOfFreedom: r.p1, noncentrality: r.p2)
  case "ncchisq_lambda": return NoncentralChiSquared.noncentralityForCDF(r.p2, x: x, degreesOfFreedom: r.p1)
  case "bvn_cdf": return BivariateNormal.cdf(x: r.p1, y: r.p2, rho: r.p3)
  default: return .nan
  }
}

/// (relative, absolute) tolerance per function: 1e-12 relative everywhere except
/// log-gamma/log-beta near their zeros (absolute, since they are exponentiated)
/// and the bivariate normal (absolute, Genz's quadrature is absolute-accurate).
func tolerance(_ function: String) -> (relative: Double, absolute: Double) {
  switch function {
  case "logGamma", "logBeta": return (1e-13, 1e-14)
  case "bvn_cdf": return (0, 1e-14)
  default: return (1e-12, 0)
  }
}

/// A quantile that is a normal finite double (not 0, subnormal or ±∞), so a
/// round trip through the CDF is meaningful.
func isRepresentable(_ q: Double) -> Bool {
  q.isFinite && abs(q) >= Double.leastNormalMagnitude
}

func relativeError(_ got: Double, _ expected: Double) -> Double {
  if got == expected { return 0 }
  if expected == 0 { return abs(got) }
  return abs(got - expected) / abs(expected)
}

@Suite struct DistributionReferenceTests {
  @Test func fixtureIsPresent() {
    #expect(ReferenceRow.all.count > 1000)
  }

  /// Every row against mpmath; prints the worst error per function.
  @Test func matchesMpmathReference() {
    var worst: [String: (Double, ReferenceRow)] = [:]
    for row in ReferenceRow.all {
      let got = evaluate(row)
      let tol = tolerance(row.function)
      let err = tol.relative == 0 ? abs(got - row.expected) : relativeError(got, row.expected)
      if err > (worst[row.function]?.0 ?? -1) { worst[row.function] = (err, row) }
      let ok = abs(got - row.expected) <= tol.absolute + tol.relative * abs(row.expected)
      #expect(ok, "\(row): got \(got), error \(err)")
    }
    for (name, w) in worst.sorted(by: { $0.key < $1.key }) {
      print("worst \(name): \(w.0) at \(w.1)")
    }
  }

  /// cdf(quantile(p)) = p (lower tail) and survival(quantile(p)) = 1 − p (upper
  /// tail) to 1e-12 relative, for every quantile row of the fixture.
  @Test func quantileRoundTrip() {
    for row in ReferenceRow.all where row.function.hasSuffix("_quantile") {
      let q = evaluate(row)
      let p = row.x
      if !isRepresentable(abs(q)) && q != 0 { continue }
      let back: Double, target: Double
      switch row.function {
      case "normal_quantile":
        (back, target) = p < 0.5 ? (Normal.cdf(q), p) : (Normal.survival(q), 1 - p)
      case "t_quantile":
        (back, target) = p < 0.5 ? (StudentT.cdf(q, degreesOfFreedom: row.p1), p)
          : (StudentT.survival(q, degreesOfFreedom: row.p1), 1 - p)
      case "f_quantile":
        let t = FDistribution.tails(q, row.p1, row.p2)
        (back, target) = p < 0.5 ? (t.lower, p) : (t.upper, 1 - p)
      case "chisq_quantile":
        let t = ChiSquared.tails(q, row.p1)
        (back, target) = p < 0.5 ? (t.lower, p) : (t.upper, 1 - p)
      case "ncchisq_quantile":
        let t = NoncentralChiSquared.tails(q, row.p1, row.p2)
        (back, target) = p < 0.5 ? (t.lower, p) : (t.upper, 1 - p)
      default: continue
      }
      #expect(relativeError(back, target) < 1e-12, "\(row): quantile \(q) maps back to \(back)")
    }
  }

  /// survival(inverseSurvival(q)) = q for upper-tail probabilities down to 1e-300.
  @Test(arguments: [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 0.001, 0.05, 0.4])
  func inverseSurvivalRoundTrip(q: Double) {
    for df in [0.5, 1, 2.5, 10, 100, 1e5] {
      let t = StudentT.inverseSurvival(q, degreesOfFreedom: df)
      if t.isFinite {
        #expect(relativeError(StudentT.survival(t, degreesOfFreedom: df), q) < 1e-12, "t df \(df) q \(q): \(t)")
      }
      let c = ChiSquared.inverseSurvival(q, degreesOfFreedom: df)
      #expect(c.isFinite)
      #expect(relativeError(ChiSquared.survival(c, degreesOfFreedom: df), q) < 1e-12, "chi2 df \(df) q \(q): \(c)")
      for d2 in [1.0, 10, 1e5] {
        let f = FDistribution.inverseSurvival(q, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: d2)
        if isRepresentable(f) {
          let back = FDistribution.survival(f, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: d2)
          #expect(relativeError(back, q) < 1e-12, "F(\(df), \(d2)) q \(q): \(f) -> \(back)")
        }
      }
    }
    let z = Normal.inverseSurvival(q)
    #expect(relativeError(Normal.survival(z), q) < 1e-12)
    for lambda in [0.5, 50, 500] {
      let x = NoncentralChiSquared.inverseSurvival(q, degreesOfFreedom: 10, noncentrality: lambda)
      let back = NoncentralChiSquared.survival(x, degreesOfFreedom: 10, noncentrality: lambda)
      #expect(relativeError(back, q) < 1e-12, "ncchisq λ \(lambda) q \(q): \(x) -> \(back)")
    }
  }

  /// Lower-tail round trips on a grid of tiny p (quantile(p) then cdf).
  @Test(arguments: [1e-300, 1e-250, 1e-150, 1e-50, 1e-15, 1e-8])
  func lowerTailRoundTrip(p: Double) {
    for df in [0.5, 1, 2.5, 10, 100, 1e5] {
      let c = ChiSquared.quantile(p, degreesOfFreedom: df)
      if isRepresentable(c) {
        #expect(relativeError(ChiSquared.cdf(c, degreesOfFreedom: df), p) < 1e-12, "chi2 df \(df) p \(p): \(c)")
      } else {
        // The true quantile is below the smallest normal double (e.g. df ½ at
        // 1e-300 needs x ≈ 1e-1200): the answer is 0 or subnormal, never garbage.
        #expect(c < Double.leastNormalMagnitude && c >= 0)
      }
      let t = StudentT.quantile(p, degreesOfFreedom: df)
      if t.isFinite {
        #expect(relativeError(StudentT.cdf(t, degreesOfFreedom: df), p) < 1e-12, "t df \(df) p \(p): \(t)")
      }
      let f = FDistribution.quantile(p, numeratorDegreesOfFreedom: 3, denominatorDegreesOfFreedom: df)
      if isRepresentable(f) {
        let back = FDistribution.cdf(f, numeratorDegreesOfFreedom: 3, denominatorDegreesOfFreedom: df)
        #expect(relativeError(back, p) < 1e-12, "F(3, \(df)) p \(p): \(f) -> \(back)")
      }
    }
    // R's qf(1e-50, 3, 10) returns 0; the true quantile is ≈ 4.3e-34.
    let f = FDistribution.quantile(1e-50, numeratorDegreesOfFreedom: 3, denominatorDegreesOfFreedom: 10)
    #expect(f > 0)
  }
}

/// The Newton fast path of the t quantile (ν ≥ 5, the groups' confidence intervals)
/// against the bracketing inversion it replaces, over the degrees of freedom and tail
/// probabilities it takes.
@Suite struct StudentTNewtonQuantileTests {
  @Test func agreesWithBracketing() {
    var worst = 0.0
    for nu in [5.0, 5.5, 7, 12, 30, 99, 250, 1_000, 12_345, 1e6, 1e9] {
      for q in [1e-6, 1e-5, 1e-4, 0.001, 0.005, 0.025, 0.05, 0.1, 0.25, 0.4, 0.499] {
        guard let fast = StudentT.newtonUpperQuantile(q, nu) else {
          Issue.record("no Newton result for ν \(nu), q \(q)"); continue
        }
        let bracketed = TailInversion.positiveQuantile(q, upper: true, start: max(abs(Normal.quantile(q)), 1e-3)) { s in
          let r = StudentT.twoSidedTails(s, nu)
          return (0.5 + 0.5 * r.inside, 0.5 * r.outside)
        }
        // Near q = ½ (t near 0) t is ill-conditioned in q: a relative change ε in q moves
        // t by ε·q/(t·f(t)) relative; both inversions are held to that, times 1e-14.
        let condition = max(1, q / (bracketed * StudentT.density(bracketed, degreesOfFreedom: nu)))
        let e = abs(fast - bracketed) / bracketed / condition
        worst = max(worst, e)
        #expect(e < 1e-14, "ν \(nu), q \(q): Newton \(fast), bracketing \(bracketed)")
        #expect(relativeError(StudentT.survival(fast, degreesOfFreedom: nu), q) < 1e-13, "ν \(nu), q \(q)")
      }
    }
    print("worst relative difference Newton vs bracketing (over the condition): \(worst)")
  }

  @Test func leavesTheHardCasesToBracketing() {
    #expect(StudentT.newtonUpperQuantile(0.025, 4) == nil)
    #expect(StudentT.newtonUpperQuantile(1e-7, 30) == nil)
    #expect(StudentT.newtonUpperQuantile(0.5, 30) == nil)
    #expect(StudentT.newtonUpperQuantile(0.025, .infinity) == nil)
  }
}

@Suite struct DistributionEdgeCaseTests {
  @Test func invalidParametersGiveNaN() {
    #expect(StudentT.cdf(1, degreesOfFreedom: 0).isNaN)
    #expect(StudentT.cdf(1, degreesOfFreedom: -2).isNaN)
    #expect(StudentT.quantile(1.5, degreesOfFreedom: 3).isNaN)
    #expect(FDistribution.cdf(1, numeratorDegreesOfFreedom: 0, denominatorDegreesOfFreedom: 3).isNaN)
    #expect(FDistribution.quantile(-0.1, numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 3).isNaN)
    #expect(ChiSquared.cdf(1, degreesOfFreedom: .nan).isNaN)
    #expect(ChiSquared.quantile(0.5, degreesOfFreedom: 0).isNaN)
    #expect(NoncentralChiSquared.cdf(1, degreesOfFreedom: 2, noncentrality: -1).isNaN)
    #expect(NoncentralChiSquared.noncentralityForCDF(1.5, x: 3, degreesOfFreedom: 2).isNaN)
    #expect(BivariateNormal.cdf(x: 0, y: 0, rho: 1.5).isNaN)
    #expect(SpecialFunctions.regularizedIncompleteBeta(1.2, a: 1, b: 1).isNaN)
    #expect(SpecialFunctions.regularizedIncompleteBeta(0.5, a: 0, b: 1).isNaN)
    #expect(SpecialFunctions.regularizedGammaP(-1, 2).isNaN)
    #expect(SpecialFunctions.logBeta(-1, 2).isNaN)
    #expect(Normal.quantile(-0.5).isNaN)
    #expect(Normal.cdf(.nan).isNaN)
  }

  @Test func limits() {
    #expect(Normal.quantile(0) == -.infinity)
    #expect(Normal.quantile(1) == .infinity)
    #expect(Normal.quantile(0.5) == 0)
    #expect(StudentT.quantile(0.5, degreesOfFreedom: 7) == 0)
    #expect(ChiSquared.quantile(0, degreesOfFreedom: 3) == 0)
    #expect(ChiSquared.quantile(1, degreesOfFreedom: 3) == .infinity)
    #expect(ChiSquared.cdf(-1, degreesOfFreedom: 3) == 0)
    #expect(StudentT.cdf(.infinity, degreesOfFreedom: 3) == 1)
    #expect(StudentT.cdf(-.infinity, degreesOfFreedom: 3) == 0)
    // ν = ∞ is the normal.
    #expect(StudentT.cdf(1.3, degreesOfFreedom: .infinity) == Normal.cdf(1.3))
    // Bivariate normal limits: ρ = ±1 and infinite limits.
    #expect(BivariateNormal.cdf(x: 0.3, y: -0.2, rho: 1) == Normal.cdf(-0.2))
    #expect(BivariateNormal.cdf(x: 0.3, y: 0.2, rho: -1) == Normal.cdf(0.3) - Normal.cdf(-0.2))
    #expect(BivariateNormal.cdf(x: -.infinity, y: 0.2, rho: 0.5) == 0)
    #expect(BivariateNormal.cdf(x: .infinity, y: .infinity, rho: 0.5) == 1)
    // ρ → ±1 approaches the degenerate limits continuously.
    let near = BivariateNormal.cdf(x: 0.3, y: -0.2, rho: 1 - 1e-12)
    #expect(abs(near - Normal.cdf(-0.2)) < 1e-6)
    let nearNeg = BivariateNormal.cdf(x: 0.3, y: 0.2, rho: -1 + 1e-12)
    #expect(abs(nearNeg - (Normal.cdf(0.3) - Normal.cdf(-0.2))) < 1e-6)
  }

  /// λ for the RMSEA interval: λ = 0 when even the central χ² CDF is below the
  /// target; otherwise the CDF at the returned λ equals the target.
  @Test func noncentralitySolver() {
    #expect(NoncentralChiSquared.noncentralityForCDF(0.95, x: 2, degreesOfFreedom: 5) == 0)
    for (x, df) in [(120.0, 50.0), (48.3, 24), (300, 100)] {
      for target in [0.95, 0.05] {
        let lambda = NoncentralChiSquared.noncentralityForCDF(target, x: x, degreesOfFreedom: df)
        let back = NoncentralChiSquared.cdf(x, degreesOfFreedom: df, noncentrality: lambda)
        #expect(relativeError(back, target) < 1e-12, "x \(x) df \(df) target \(target): λ \(lambda)")
      }
    }
  }

  /// Closed forms, independent of the fixture: χ²(2) is exponential, t(1) is
  /// Cauchy, t(2) has cdf ½ + t/(2√(2 + t²)), Φ₂(0, 0; ρ) = ¼ + asin(ρ)/(2π),
  /// F(2, 2) has cdf f/(1 + f), and F(d₁, ∞) is χ²(d₁)/d₁.
  @Test func closedForms() {
    for x in [1e-8, 0.5, 3, 40, 1000] {
      #expect(relativeError(ChiSquared.survival(x, degreesOfFreedom: 2), exp(-x / 2)) < 1e-13)
      #expect(relativeError(ChiSquared.cdf(x, degreesOfFreedom: 2), -expm1(-x / 2)) < 1e-13)
    }
    for t in [-1e8, -30, -1, 0.25, 7] {
      let cauchy = t < 0 ? atan(-1 / t) / Double.pi : 0.5 + atan(t) / Double.pi
      #expect(relativeError(StudentT.cdf(t, degreesOfFreedom: 1), cauchy) < 1e-13, "t \(t)")
      let two = t < 0 ? 0.5 * (1 - (-t) / (2 + t * t).squareRoot()) : 0.5 + t / (2 * (2 + t * t).squareRoot())
      if t > -1e3 {
        #expect(relativeError(StudentT.cdf(t, degreesOfFreedom: 2), two) < 1e-12, "t \(t)")
      }
    }
    for rho in [-0.999, -0.5, 0.0, 0.3, 0.9, 0.9999] {
      let exact = 0.25 + asin(rho) / (2 * Double.pi)
      #expect(abs(BivariateNormal.cdf(x: 0, y: 0, rho: rho) - exact) < 1e-15, "rho \(rho)")
    }
    for f in [1e-6, 0.3, 1, 9, 1e6] {
      #expect(relativeError(FDistribution.cdf(f, numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 2),
                            f / (1 + f)) < 1e-13)
      #expect(relativeError(FDistribution.survival(f, numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 2),
                            1 / (1 + f)) < 1e-13)
      let inf = FDistribution.survival(f, numeratorDegreesOfFreedom: 3, denominatorDegreesOfFreedom: .infinity)
      #expect(relativeError(inf, ChiSquared.survival(3 * f, degreesOfFreedom: 3)) < 1e-15)
    }
    // Normal.density integrates the cdf: Φ(x + h) − Φ(x − h) ≈ 2h·φ(x).
    #expect(abs((Normal.cdf(1.3 + 1e-5) - Normal.cdf(1.3 - 1e-5)) / 2e-5 - Normal.density(1.3)) < 1e-9)
    // Incomplete beta with b = 1: I_x(a, 1) = x^a; gamma with a = 1: P = 1 − e^−x.
    #expect(relativeError(SpecialFunctions.regularizedIncompleteBeta(0.3, a: 2.5, b: 1), pow(0.3, 2.5)) < 1e-14)
    #expect(relativeError(SpecialFunctions.regularizedGammaP(1, 0.01), -expm1(-0.01)) < 1e-14)
  }

  /// Quantiles past the representable range saturate instead of returning
  /// garbage: t(½) at 1e-300 needs |t| ≈ 1e600, χ²(½) at 1e-300 needs x ≈ 1e-1200.
  @Test func quantilesSaturate() {
    #expect(StudentT.quantile(1e-300, degreesOfFreedom: 0.5) == -.infinity)
    #expect(StudentT.inverseSurvival(1e-300, degreesOfFreedom: 0.5) == .infinity)
    let c = ChiSquared.quantile(1e-300, degreesOfFreedom: 0.5)
    #expect(c >= 0 && c < Double.leastNormalMagnitude)
    #expect(FDistribution.inverseSurvival(1e-300, numeratorDegreesOfFreedom: 3, denominatorDegreesOfFreedom: 0.5) == .infinity)
  }

  /// Randomised sweep (seeded): cdf and survival lie in [0, 1] and add to 1,
  /// the cdf is monotone, and quantiles round-trip, over df from 0.1 to 1e6.
  @Test func randomisedSweep() {
    var rng = SeededGenerator(seed: 2026)
    for _ in 0..<150 {
      let df = exp(log(0.1) + rng.nextUniform() * log(1e7))
      let df2 = exp(log(0.1) + rng.nextUniform() * log(1e7))
      let lambda = rng.nextUniform() < 0.2 ? 0 : exp(log(0.01) + rng.nextUniform() * log(1e5))
      let p = exp(rng.nextUniform() * log(1e-200))
      let x = exp(-20 + 40 * rng.nextUniform())
      let pairs: [(Double, Double)] = [
        (StudentT.cdf(x, degreesOfFreedom: df), StudentT.survival(x, degreesOfFreedom: df)),
        (ChiSquared.cdf(x, degreesOfFreedom: df), ChiSquared.survival(x, degreesOfFreedom: df)),
        (FDistribution.cdf(x, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: df2),
         FDistribution.survival(x, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: df2)),
        (NoncentralChiSquared.cdf(x, degreesOfFreedom: df, noncentrality: lambda),
         NoncentralChiSquared.survival(x, degreesOfFreedom: df, noncentrality: lambda)),
      ]
      for (c, s) in pairs {
        #expect(c >= 0 && c <= 1 && s >= 0 && s <= 1, "df \(df) x \(x): \(c), \(s)")
        #expect(abs(c + s - 1) < 1e-14, "df \(df) x \(x): \(c) + \(s)")
      }
      #expect(ChiSquared.cdf(x * 1.01, degreesOfFreedom: df) >= ChiSquared.cdf(x, degreesOfFreedom: df))
      let q = ChiSquared.quantile(p, degreesOfFreedom: df)
      if isRepresentable(q) {
        #expect(relativeError(ChiSquared.cdf(q, degreesOfFreedom: df), p) < 1e-12, "df \(df) p \(p)")
      }
      let t = StudentT.inverseSurvival(p, degreesOfFreedom: df)
      if isRepresentable(t) {
        #expect(relativeError(StudentT.survival(t, degreesOfFreedom: df), p) < 1e-12, "df \(df) p \(p)")
      }
      if lambda < 2000 {
        let n = NoncentralChiSquared.inverseSurvival(max(p, 1e-30), degreesOfFreedom: df, noncentrality: lambda)
        if isRepresentable(n) {
          let back = NoncentralChiSquared.survival(n, degreesOfFreedom: df, noncentrality: lambda)
          #expect(relativeError(back, max(p, 1e-30)) < 1e-12, "df \(df) λ \(lambda) p \(p)")
        }
      }
    }
  }

  /// Symmetries that hold exactly in the implementation.
  @Test func symmetries() {
    for t in [-30.0, -2, -0.5, 0.5, 2, 30] {
      for df in [0.5, 3, 1e5] {
        #expect(StudentT.survival(t, degreesOfFreedom: df) == StudentT.cdf(-t, degreesOfFreedom: df))
        let both = StudentT.cdf(t, degreesOfFreedom: df) + StudentT.survival(t, degreesOfFreedom: df)
        #expect(abs(both - 1) < 1e-15)
      }
    }
    // P(X ≤ x, Y ≤ y) is symmetric in (x, y).
    for rho in [-0.999, -0.5, 0.3, 0.9999] {
      let a = BivariateNormal.cdf(x: -1.2, y: 0.7, rho: rho)
      let b = BivariateNormal.cdf(x: 0.7, y: -1.2, rho: rho)
      #expect(abs(a - b) < 1e-15)
    }
  }
}
