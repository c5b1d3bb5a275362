import Foundation
import CandorNumerics

/// Fit of a factor model as psych `fa` (`fa.stats`) reports it.
public struct FactorFit: Codable, Sendable, Equatable {
  /// χ² = F·(n − 1 − (2p + 5)/6 − 2k/3) (Bartlett correction), F = tr(M⁻¹R) − ln|M⁻¹R| − p,
  /// M = ΛΦΛᵀ with unit diagonal; both matrices smoothed as `cor.smooth` when needed.
  public var chiSquare: Double
  /// df = p(p − 1)/2 − pk + k(k − 1)/2.
  public var df: Int
  /// Upper-tail χ² probability (nil when df ≤ 0).
  public var p: Double?
  /// RMSEA = √max(χ²/(df·n) − 1/(n − 1), 0).
  public var rmsea: Double?
  /// 90 % interval from the noncentral χ² (psych: √(λ/((n − 1)·df)) with
  /// F(χ²; df, λ) = 0.95 and 0.05); nil entries where psych reports NA.
  public var rmsea90: [Double?]
  /// Tucker–Lewis index (M₀ − M_m)/(M₀ − 1/n_m), M₀ = F₀·2/(p(p − 1)), M_m = F/df.
  public var tli: Double?
  /// BIC = χ² − df·ln n.
  public var bic: Double?
  /// Root mean square off-diagonal residual √(Σ_{i≠j} (R − ΛΦΛᵀ)²ᵢⱼ / (p(p − 1))) (psych `rms`).
  public var rmsr: Double

  /// Computes the fit of loadings `l` (p × k) with factor correlations `phi` to `r`.
  public init(correlation r: Matrix, loadings l: Matrix, phi: Matrix, n: Int) throws {
    let p = l.rows, k = l.columns
    let model = LinearAlgebra.multiply(l * phi, l, transposeB: true)
    var sumOff = 0.0
    for j in 0..<p { for i in 0..<p where i != j { let d = r[i, j] - model[i, j]; sumOff += d * d } }
    rmsr = (sumOff / Double(p * (p - 1))).squareRoot()
    df = p * (p - 1) / 2 - p * k + k * (k - 1) / 2
    var m = model
    for i in 0..<p { m[i, i] = r[i, i] }
    m = try CorrelationSmoothing.smoothed(m) ?? m
    let rs = try CorrelationSmoothing.smoothed(r) ?? r
    let logDetR = try Self.logDeterminant(rs)
    let logDetM = try Self.logDeterminant(m)
    let mInvR = try LinearAlgebra.solve(m, rs)
    let objective = mInvR.trace - (logDetR - logDetM) - Double(p)
    let nd = Double(n)
    let correction = nd - 1 - Double(2 * p + 5) / 6 - 2 * Double(k) / 3
    var chi = objective * correction
    if chi < 0 { chi = 0 }
    chiSquare = chi
    let f0 = rs.trace - logDetR - Double(p)
    let m0 = f0 * 2 / Double(p * (p - 1))
    let dfD = Double(df)
    tli = df > 0 ? (m0 - objective / dfD) / (m0 - 1 / correction) : nil
    if df > 0 {
      self.p = ChiSquared.survival(chi, degreesOfFreedom: dfD)
      let point = max(chi / (dfD * nd) - 1 / (nd - 1), 0).squareRoot()
      rmsea = point
      let cdf = 1 - ChiSquared.survival(chi, degreesOfFreedom: dfD)
      var upper: Double? = 0
      if cdf > 0.05 {
        upper = Optional(NoncentralChiSquared.noncentralityForCDF(0.05, x: chi, degreesOfFreedom: dfD))
          .flatMap { $0.isFinite ? $0 : nil }.map { ($0 / (nd - 1) / dfD).squareRoot() }
      }
      var lower: Double? = 0
      if cdf > 0.95 {
        lower = Optional(NoncentralChiSquared.noncentralityForCDF(0.95, x: chi, degreesOfFreedom: dfD))
          .flatMap { $0.isFinite ? $0 : nil }.map { ($0 / (nd - 1) / dfD).squareRoot() }
      }
      if let u = upper, u < point { upper = nil }
      if let l = lower, l > point { lower = nil }
      rmsea90 = [lower, upper]
      bic = chi - dfD * log(nd)
    } else {
      self.p = nil; rmsea = nil; rmsea90 = [nil, nil]; bic = nil
    }
  }

  static func logDeterminant(_ a: Matrix) throws -> Double {
    if let u = try? LinearAlgebra.cholesky(a) {
      var s = 0.0
      for i in 0..<a.rows { s += 2 * log(u[i, i]) }
      return s
    }
    let values = try LinearAlgebra.symmetricEigenvalues(a)
    return values.reduce(0) { $0 + log($1) }
  }
}
