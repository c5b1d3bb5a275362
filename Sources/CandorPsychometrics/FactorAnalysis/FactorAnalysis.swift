import Foundation
import CandorNumerics

/// Why a factor analysis could not run; each message says what to change.
public enum FactorAnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Fewer than three items.
  case tooFewItems(scale: String, items: Int)
  /// More factors than items allow.
  case tooManyFactors(requested: Int, items: Int)
  /// R is not positive definite and smoothing was turned off (`--no-smooth`).
  case notPositiveDefinite(items: [String])
  /// The correlation matrix holds NaN (a pair without observations).
  case missingCorrelations(items: [String])

  public var description: String {
    switch self {
    case .tooFewItems(let scale, let items):
      return "factor analysis needs at least 3 items; scale '\(scale)' has \(items) — check the codebook"
    case .tooManyFactors(let requested, let items):
      return "cannot extract \(requested) factors from \(items) items; ask for fewer factors (--factors)"
    case .notPositiveDefinite(let items):
      return "the correlation matrix is not positive definite (items involved: \(items.joined(separator: ", "))); drop one of them or allow smoothing (remove --no-smooth)"
    case .missingCorrelations(let items):
      return "the correlation matrix has missing entries for items \(items.joined(separator: ", ")) (no pairwise observations); drop them or use listwise deletion"
    }
  }
}

/// A rotated, signed and ordered factor solution (matrices, for computation).
public struct FactorSolution: Sendable, Equatable {
  public var method: ExtractionMethod
  public var rotation: FactorRotation
  /// Pattern loadings p × k, columns signed to positive sums and ordered by
  /// variance accounted for diag(ΦΛᵀΛ) (psych).
  public var loadings: Matrix
  /// Factor correlations (identity when orthogonal).
  public var phi: Matrix
  /// Structure ΛΦ.
  public var structure: Matrix
  /// Communalities diag(ΛΦΛᵀ).
  public var communalities: [Double]
  /// Uniquenesses 1 − h² (psych `uniquenesses = diag(R − model)`).
  public var uniquenesses: [Double]
  /// Variance accounted for per factor, diag(ΦΛᵀΛ).
  public var varianceExplained: [Double]
  /// Indices of Heywood items: a uniqueness at its lower bound or a communality ≥ 1.
  public var heywoodItems: [Int]
  /// Indices of ultra-Heywood items (communality > 1).
  public var ultraHeywoodItems: [Int]
  /// Extraction iterations.
  public var iterations: Int
  /// Whether extraction and rotation both converged.
  public var converged: Bool
  /// The unrotated extraction.
  public var extraction: FactorExtraction
}

/// Exploratory factor analysis of a correlation matrix (design.md §6).
public enum FactorAnalysis {
  /// Extracts, rotates, signs and orders k factors as psych `fa` (or
  /// `principal` for `.pc`).
  ///
  /// - Complexity: O(p³) per optimiser iteration (one symmetric eigen-decomposition).
  public static func solve(_ r: Matrix, factors k: Int, method: ExtractionMethod,
                           rotation: FactorRotation,
                           options: ExtractionOptions = ExtractionOptions()) throws -> FactorSolution {
    let extraction = try FactorExtractor.extract(r, factors: k, method: method, options: options)
    let rotated = try Rotator.rotate(extraction.loadings, rotation)
    var l = rotated.loadings
    var phiOpt: Matrix? = rotated.phi
    FactorExtractor.signColumnsBySum(&l, phi: &phiOpt)
    var phi = phiOpt!
    let p = l.rows
    // Order by diag(Φ ΛᵀΛ), decreasing, stable (R `order`).
    let ltl = LinearAlgebra.multiply(l, l, transposeA: true)
    let vxUnordered = (0..<k).map { j in (0..<k).reduce(0.0) { $0 + phi[j, $1] * ltl[$1, j] } }
    let order = k > 1 ? (0..<k).sorted { a, b in
      vxUnordered[a] != vxUnordered[b] ? vxUnordered[a] > vxUnordered[b] : a < b } : [0]
    l = l.submatrix(rows: Array(0..<p), columns: order)
    phi = phi.submatrix(rows: order, columns: order)
    let vx = order.map { vxUnordered[$0] }
    let structure = l * phi
    var communalities = [Double](repeating: 0, count: p)
    for i in 0..<p { for j in 0..<k { communalities[i] += structure[i, j] * l[i, j] } }
    let uniquenesses = (0..<p).map { r[$0, $0] - communalities[$0] }
    var heywood: [Int] = []
    var ultra: [Int] = []
    for i in 0..<p {
      let atBound = (method == .minres || method == .ml)
        && extraction.uniquenessParameters[i] <= options.lowerBound * (1 + 1e-9)
      if communalities[i] > 1 { ultra.append(i) }
      if atBound || communalities[i] >= 1 { heywood.append(i) }
    }
    return FactorSolution(method: method, rotation: rotation, loadings: l, phi: phi, structure: structure,
                          communalities: communalities, uniquenesses: uniquenesses, varianceExplained: vx,
                          heywoodItems: heywood, ultraHeywoodItems: ultra, iterations: extraction.iterations,
                          converged: extraction.converged && rotated.converged, extraction: extraction)
  }
}
