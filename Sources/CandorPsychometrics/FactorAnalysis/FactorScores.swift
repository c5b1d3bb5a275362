import Foundation
import CandorNumerics

/// How factor scores are estimated (psych `factor.scores`).
public enum FactorScoreMethod: String, Codable, Sendable, CaseIterable {
  /// Thurstone's regression scores, W = R⁻¹·ΛΦ.
  case regression
  /// Bartlett's weighted least squares, W = U⁻²Λ(ΛᵀU⁻²Λ)⁻¹, U² = 1 − h².
  case bartlett
  /// ten Berge et al. (1999), correlation-preserving:
  /// W = R^{-1/2}·C·Φ^{1/2}, C = R^{-1/2}L(LᵀR⁻¹L)^{-1/2}, L = ΛΦ^{1/2}.
  case tenBerge
}

/// Factor score weights and the per-respondent scores of a second pass.
public struct FactorScorer: Sendable, Equatable {
  /// Score weights, p × k: a respondent's scores are zᵀW for z the standardised items.
  public var weights: Matrix
  /// Item means and standard deviations used to standardise (from the first pass).
  public var means: [Double]
  public var standardDeviations: [Double]
  /// Replace a missing item by its mean (z = 0) instead of giving no score (`--impute mean`).
  public var imputeMean: Bool

  /// Builds the weights from the solution (pattern Λ, Φ) and R, as psych
  /// `factor.scores(r, f, Phi, method)`.
  public init(correlation r: Matrix, loadings: Matrix, phi: Matrix, method: FactorScoreMethod,
              means: [Double], standardDeviations: [Double], imputeMean: Bool = false) throws {
    self.weights = try Self.weights(correlation: r, loadings: loadings, phi: phi, method: method)
    self.means = means
    self.standardDeviations = standardDeviations
    self.imputeMean = imputeMean
  }

  /// Scores of one respondent (NaN = missing); nil when an item is missing
  /// and `imputeMean` is false.
  public func scores(_ row: [Double]) -> [Double]? {
    let p = weights.rows, k = weights.columns
    var out = [Double](repeating: 0, count: k)
    for i in 0..<p {
      var z = 0.0
      if row[i].isNaN { if !imputeMean { return nil } } else { z = (row[i] - means[i]) / standardDeviations[i] }
      for j in 0..<k { out[j] += z * weights[i, j] }
    }
    return out
  }

  /// psych `factor.scores` weights.
  public static func weights(correlation r: Matrix, loadings f: Matrix, phi: Matrix,
                             method: FactorScoreMethod) throws -> Matrix {
    let p = f.rows, k = f.columns
    switch method {
    case .regression:
      return try LinearAlgebra.solve(r, f * phi)
    case .bartlett:
      let model = LinearAlgebra.multiply(f * phi, f, transposeB: true)
      var scaled = f
      for i in 0..<p { let u2 = 1 - model[i, i]; for j in 0..<k { scaled[i, j] /= u2 } }
      let inner = LinearAlgebra.multiply(f, scaled, transposeA: true)
      let innerInv = try LinearAlgebra.solve(inner, .identity(k))
      return scaled * innerInv
    case .tenBerge:
      let phiHalf = try matrixPower(phi, inverse: false)
      let l = f * phiHalf
      let rHalfInv = try matrixPower(r, inverse: true)
      let rs = try CorrelationSmoothing.smoothed(r) ?? r
      let rInv = try LinearAlgebra.solve(rs, .identity(p))
      let ltrl = LinearAlgebra.multiply(l, rInv * l, transposeA: true)
      let c = rHalfInv * l * (try matrixPower(ltrl, inverse: true))
      return rHalfInv * c * phiHalf
    }
  }

  /// psych `matSqrt` / `invMatSqrt`: V·diag(λ^{±1/2})·Vᵀ with eigenvalues floored
  /// (negative → ε for the root, < ε → 100ε for the inverse root).
  static func matrixPower(_ a: Matrix, inverse: Bool) throws -> Matrix {
    let n = a.rows
    let (values, vectors) = try LinearAlgebra.symmetricEigen(a)
    var scaled = vectors
    for k in 0..<n {
      var v = values[k]
      if inverse { if v < Double.ulpOfOne { v = 100 * Double.ulpOfOne } } else if v < 0 { v = Double.ulpOfOne }
      let s = inverse ? 1 / v.squareRoot() : v.squareRoot()
      for i in 0..<n { scaled[i, k] *= s }
    }
    return LinearAlgebra.multiply(scaled, vectors, transposeB: true)
  }
}
