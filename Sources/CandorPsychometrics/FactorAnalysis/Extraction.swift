import Foundation
import CandorNumerics

/// How factors are extracted from a correlation matrix (psych `fa(fm = …)` and
/// `principal`). The raw value is the JSON `method` string.
public enum ExtractionMethod: String, Codable, Sendable, CaseIterable {
  /// Minimum residual (unweighted least squares), psych `fm = "minres"`.
  case minres
  /// Maximum likelihood, psych `fm = "ml"`.
  case ml
  /// Iterated principal axis, psych `fm = "pa"`.
  case pa
  /// Principal components, `psych::principal`.
  case pc
}

/// Settings of an extraction; the defaults are psych's.
public struct ExtractionOptions: Sendable, Equatable {
  /// Lower bound of a uniqueness in minres/ML (psych: 0.005).
  public var lowerBound: Double = 0.005
  /// Projected-gradient tolerance of the minres/ML optimiser.
  public var gradientTolerance: Double = 1e-9
  /// Iteration cap of the minres/ML optimiser.
  public var maxIterations: Int = 1000
  /// Principal axis: stop when the sum of communalities changes by less (psych `min.err = .001`).
  public var paMinimumError: Double = 0.001
  /// Principal axis: iteration cap (psych `max.iter = 50`).
  public var paMaxIterations: Int = 50

  public init() {}
}

/// An unrotated factor solution.
public struct FactorExtraction: Sendable, Equatable {
  /// Extraction method.
  public var method: ExtractionMethod
  /// Unrotated loadings, p × k, each column signed so its sum is positive (psych).
  public var loadings: Matrix
  /// The optimiser's uniquenesses ψ (minres/ML), or 1 − the final communality
  /// estimates (PA), or 1 − h² (PC).
  public var uniquenessParameters: [Double]
  /// Eigenvalues of R with the model communalities on the diagonal (psych `fa()$values`).
  public var commonFactorEigenvalues: [Double]
  /// Optimiser iterations (PA: communality iterations; PC: 0).
  public var iterations: Int
  /// Whether the optimiser met its tolerance.
  public var converged: Bool
}

/// Factor extraction from a correlation matrix, as psych 2.2.9 `fa` and `principal`.
public enum FactorExtractor {
  /// Squared multiple correlations 1 − 1/diag(R⁻¹), clamped to [0, 1] (psych `smc`).
  ///
  /// psych uses a pseudo-inverse; for a singular R this falls back to the
  /// eigen pseudo-inverse (eigenvalues below 1e-12·λ₁ dropped), like `Pinv`.
  public static func squaredMultipleCorrelations(_ r: Matrix) throws -> [Double] {
    let p = r.rows
    let inverse: Matrix
    if let inv = try? LinearAlgebra.inverseSPD(r) {
      inverse = inv
    } else {
      let (values, vectors) = try LinearAlgebra.symmetricEigen(r)
      let tol = max(values.first ?? 0, 0) * Double(p) * Double.ulpOfOne
      var inv = Matrix(rows: p, columns: p)
      for k in 0..<p where values[k] > tol {
        for j in 0..<p { for i in 0..<p { inv[i, j] += vectors[i, k] * vectors[j, k] / values[k] } }
      }
      inverse = inv
    }
    return (0..<p).map { i in
      let v = 1 - 1 / inverse[i, i]
      return v.isFinite ? min(max(v, 0), 1) : 1
    }
  }

  /// Extracts `factors` unrotated factors from the correlation matrix `r`.
  ///
  /// - minres: minimises F(ψ) = ½‖R − Ψ − ΛΛᵀ‖² with Λ the top-k eigenpairs of
  ///   R − Ψ; its gradient is diag(ΛΛᵀ + Ψ − R), psych's `FAgr.minres`. Start
  ///   ψ = 1 − SMC, bounds [0.005, max(SMC, 1)].
  /// - ml: minimises −Σ_{i>k}(ln eᵢ − eᵢ) + k − p over the eigenvalues e of
  ///   Ψ^{-1/2}RΨ^{-1/2}, gradient diag(ΛΛᵀ + Ψ − R)/ψ² (psych `FAfn`, `FAgr`).
  /// - pa: iterates diag(R) ← diag(ΛΛᵀ) from SMCs until |Σh²ₜ − Σh²ₜ₋₁| < min.err.
  /// - pc: Λ = V_k·diag(√λ_k) of R.
  ///
  /// - Throws: ``LinearAlgebraError`` from the eigen solver (non-finite input).
  public static func extract(_ r: Matrix, factors k: Int, method: ExtractionMethod,
                             options: ExtractionOptions = ExtractionOptions()) throws -> FactorExtraction {
    precondition(r.isSquare, "a correlation matrix must be square, got \(r.rows)×\(r.columns)")
    let p = r.rows
    precondition(k >= 1 && k <= p, "cannot extract \(k) factors from \(p) variables")
    var loadings: Matrix
    var psi: [Double]
    var iterations = 0
    var converged = true
    switch method {
    case .pc:
      let (values, vectors) = try LinearAlgebra.symmetricEigen(r)
      loadings = Matrix(rows: p, columns: k)
      for j in 0..<k {
        let s = max(values[j], Double.ulpOfOne).squareRoot()
        for i in 0..<p { loadings[i, j] = vectors[i, j] * s }
      }
      psi = []
    case .pa:
      let smc = try squaredMultipleCorrelations(r)
      var work = r
      for i in 0..<p { work[i, i] = smc[i] }
      var comm = smc.reduce(0, +)
      var err = comm
      var iteration = 1
      loadings = Matrix(rows: p, columns: k)
      var communalities = smc
      converged = false
      while err > options.paMinimumError {
        let (values, vectors) = try LinearAlgebra.symmetricEigen(work)
        for j in 0..<k {
          let s = values[j].squareRoot()  // NaN for a negative eigenvalue, as psych
          for i in 0..<p { loadings[i, j] = vectors[i, j] * s }
        }
        for i in 0..<p {
          var h = 0.0
          for j in 0..<k { h += loadings[i, j] * loadings[i, j] }
          communalities[i] = h
          work[i, i] = h
        }
        let comm1 = communalities.reduce(0, +)
        err = abs(comm - comm1)
        if err.isNaN { break }
        comm = comm1
        iteration += 1
        if err <= options.paMinimumError { converged = true }
        if iteration > options.paMaxIterations { break }
      }
      iterations = iteration - 1
      psi = communalities.map { 1 - $0 }
    case .minres, .ml:
      let smc = try squaredMultipleCorrelations(r)
      let upper = max(smc.max() ?? 1, 1)
      let start = (0..<p).map { r[$0, $0] - smc[$0] }
      let minimizer = BoundedMinimizer(lower: [Double](repeating: options.lowerBound, count: p),
                                       upper: [Double](repeating: upper, count: p),
                                       gradientTolerance: options.gradientTolerance,
                                       maxIterations: options.maxIterations)
      let outcome: BoundedMinimizer.Outcome
      if method == .minres {
        var previous: [Double]? = nil
        outcome = try minimizer.minimize(start: start) { psi in
          if k == 1 && p >= 64, let fast = oneFactorMinresObjective(r, psi: psi, start: previous) {
            previous = fast.vector
            return (fast.value, fast.gradient)
          }
          return try minresObjective(r, psi: psi, factors: k)
        }
        loadings = try minresLoadings(r, psi: outcome.x, factors: k)
      } else {
        outcome = try minimizer.minimize(start: start) { try mlObjective(r, psi: $0, factors: k) }
        loadings = try mlLoadings(r, psi: outcome.x, factors: k)
      }
      psi = outcome.x
      iterations = outcome.iterations
      converged = outcome.converged
    }
    signColumnsBySum(&loadings)
    var s = r
    for i in 0..<p {
      var h = 0.0
      for j in 0..<k { h += loadings[i, j] * loadings[i, j] }
      s[i, i] = h
    }
    if method == .pc { psi = (0..<p).map { 1 - s[$0, $0] } }
    let values = method == .pc ? try LinearAlgebra.symmetricEigenvalues(r)
                               : try LinearAlgebra.symmetricEigenvalues(s)
    return FactorExtraction(method: method, loadings: loadings, uniquenessParameters: psi,
                            commonFactorEigenvalues: values, iterations: iterations, converged: converged)
  }

  /// ½‖R − Ψ − ΛΛᵀ‖² and its gradient diag(ΛΛᵀ + Ψ − R).
  static func minresObjective(_ r: Matrix, psi: [Double], factors k: Int) throws -> (value: Double, gradient: [Double]) {
    let p = r.rows
    var s = r
    for i in 0..<p { s[i, i] -= psi[i] }
    let (values, vectors) = try LinearAlgebra.symmetricEigen(s)
    var f = 0.0
    for (idx, v) in values.enumerated() {
      if idx < k { if v < 0 { f += v * v } } else { f += v * v }
    }
    var g = [Double](repeating: 0, count: p)
    for i in 0..<p {
      var h = 0.0
      for j in 0..<k { h += vectors[i, j] * vectors[i, j] * max(values[j], 0) }
      g[i] = h + psi[i] - r[i, i]
    }
    return (0.5 * f, g)
  }

  /// The one-factor minres objective from the top eigenpair only (Lanczos):
  /// F = ½‖R − Ψ − θ⁺yyᵀ‖²_F, gradient θ⁺y² + ψ − diag(R). Equal to
  /// ``minresObjective(_:psi:factors:)`` with k = 1; nil when Lanczos does not
  /// reach full accuracy.
  static func oneFactorMinresObjective(_ r: Matrix, psi: [Double], start: [Double]?)
    -> (value: Double, gradient: [Double], vector: [Double])? {
    let p = r.rows
    var s = r
    for i in 0..<p { s[i, i] -= psi[i] }
    guard let (theta, y) = TopEigenpair.compute(s, start: start) else { return nil }
    let t = max(theta, 0)
    var f = 0.0
    for j in 0..<p {
      for i in 0..<p {
        let e = s[i, j] - t * y[i] * y[j]
        f += e * e
      }
    }
    let g = (0..<p).map { t * y[$0] * y[$0] + psi[$0] - r[$0, $0] }
    return (0.5 * f, g, y)
  }

  static func minresLoadings(_ r: Matrix, psi: [Double], factors k: Int) throws -> Matrix {
    let p = r.rows
    var s = r
    for i in 0..<p { s[i, i] -= psi[i] }
    let (values, vectors) = try LinearAlgebra.symmetricEigen(s)
    var l = Matrix(rows: p, columns: k)
    for j in 0..<k {
      let sv = max(values[j], 0).squareRoot()
      for i in 0..<p { l[i, j] = vectors[i, j] * sv }
    }
    return l
  }

  /// psych `FAfn` and `FAgr`: the ML discrepancy and its gradient in ψ.
  static func mlObjective(_ r: Matrix, psi: [Double], factors k: Int) throws -> (value: Double, gradient: [Double]) {
    let p = r.rows
    let sc = psi.map { 1 / $0.squareRoot() }
    var s = r
    for j in 0..<p { for i in 0..<p { s[i, j] *= sc[i] * sc[j] } }
    let (values, vectors) = try LinearAlgebra.symmetricEigen(s)
    var e = 0.0
    for idx in k..<p {
      let v = values[idx]
      if !(v > 0) { return (.infinity, [Double](repeating: 0, count: p)) }
      e += log(v) - v
    }
    e = e - Double(k) + Double(p)
    var g = [Double](repeating: 0, count: p)
    for i in 0..<p {
      var h = 0.0
      for j in 0..<k { h += vectors[i, j] * vectors[i, j] * max(values[j] - 1, 0) }
      h *= psi[i]
      g[i] = (h + psi[i] - r[i, i]) / (psi[i] * psi[i])
    }
    return (-e, g)
  }

  static func mlLoadings(_ r: Matrix, psi: [Double], factors k: Int) throws -> Matrix {
    let p = r.rows
    let sc = psi.map { 1 / $0.squareRoot() }
    var s = r
    for j in 0..<p { for i in 0..<p { s[i, j] *= sc[i] * sc[j] } }
    let (values, vectors) = try LinearAlgebra.symmetricEigen(s)
    var l = Matrix(rows: p, columns: k)
    for j in 0..<k {
      let sv = max(values[j] - 1, 0).squareRoot()
      for i in 0..<p { l[i, j] = psi[i].squareRoot() * vectors[i, j] * sv }
    }
    return l
  }

  /// Multiplies each column by the sign of its sum (0 counts as +), psych's convention.
  static func signColumnsBySum(_ l: inout Matrix, phi: inout Matrix?) {
    for j in 0..<l.columns {
      var sum = 0.0
      for i in 0..<l.rows { sum += l[i, j] }
      if sum < 0 {
        for i in 0..<l.rows { l[i, j] = -l[i, j] }
        if var f = phi {
          for m in 0..<f.rows where m != j { f[m, j] = -f[m, j]; f[j, m] = -f[j, m] }
          phi = f
        }
      }
    }
  }

  static func signColumnsBySum(_ l: inout Matrix) {
    var none: Matrix? = nil
    signColumnsBySum(&l, phi: &none)
  }
}
