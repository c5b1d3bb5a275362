import CandorNumerics
import Foundation

/// Key-driver importance (design.md §7 `drivers[]`): outcome, method, weights, r2, then extras.
public struct DriversResult: Codable, Sendable, Equatable {
  public var outcome: String
  /// Always "relativeWeights".
  public var method: String
  /// Raw relative weights εⱼ (they sum to R²).
  public var weights: ItemMap<Double>
  /// R² of the regression of the outcome on all predictors.
  @FiniteOrNull public var r2: Double
  /// Percentile bootstrap 95 % interval of each raw weight (empty without bootstrap).
  public var ci95: ItemMap<[Double]>
  /// Weights as a share of R² (sum to 1).
  public var rescaled: ItemMap<Double>
  /// Zero-order correlation of each predictor with the outcome (shown alongside, domain.md §6.5).
  public var zeroOrderR: ItemMap<Double>
  /// Complete rows used (listwise).
  public var n: Int
  /// Bootstrap replicates actually used (0 = none).
  public var bootstrapReplicates: Int
  /// Seed of the resampling generator, when seeded.
  public var seed: UInt64?
}

/// Why relative weights could not be computed from the data given.
public enum RelativeWeightsError: Error, Equatable, CustomStringConvertible {
  /// A correlation among the predictors and the outcome is undefined: fewer than two rows
  /// answer a pair of them, or a variable does not vary. `n`: the rows behind the
  /// correlations (the smallest pairwise count, or the complete rows).
  case undefinedCorrelation(outcome: String, n: Int)

  public var description: String {
    switch self {
    case let .undefinedCorrelation(outcome, n):
      return "relative weights on '\(outcome)' need every correlation among the predictors and the outcome, "
        + "and one is undefined (N = \(n); a correlation needs rows that answer both variables, and variables that vary)"
    }
  }
}

/// Johnson's (2000) relative weights of correlated predictors.
///
/// From the predictor correlation matrix Rxx = V·diag(λ)·Vᵀ:
/// Λ = V·diag(√λ)·Vᵀ (the orthogonal counterparts' loadings), β = Λ⁻¹·rxy,
/// εⱼ = Σₖ Λⱼₖ²·βₖ², with Σⱼ εⱼ = R² = rxyᵀRxx⁻¹rxy.
/// Johnson, J. W. (2000). Multivariate Behavioral Research 35(1), 1–19.
/// Bootstrap CIs resample rows with replacement (Tonidandel, LeBreton & Johnson
/// 2009) and take the 2.5th and 97.5th percentiles (R `quantile` type 7).
public enum RelativeWeights {
  /// Raw relative weights and R² from a correlation matrix ordered [predictors…, outcome].
  public static func weights(correlation r: Matrix) throws -> (weights: [Double], r2: Double) {
    let p = r.rows - 1
    precondition(r.isSquare && p >= 1, "relative weights need a (p+1)×(p+1) correlation matrix, got \(r.rows)×\(r.columns)")
    let rxx = r.principalSubmatrix(Array(0..<p))
    let rxy = (0..<p).map { r[$0, p] }
    let (lambda, v) = try LinearAlgebra.symmetricEigen(rxx)
    guard let smallest = lambda.last, smallest > 1e-12 * max(1, lambda[0]) else {
      throw LinearAlgebraError.notPositiveDefinite(leadingMinor: p)
    }
    // Λ = V diag(√λ) Vᵀ and Λ⁻¹ = V diag(1/√λ) Vᵀ.
    var vs = v, vi = v
    for k in 0..<p { for i in 0..<p { vs[i, k] *= lambda[k].squareRoot(); vi[i, k] /= lambda[k].squareRoot() } }
    let lam = LinearAlgebra.multiply(vs, v, transposeB: true)
    let lamInverse = LinearAlgebra.multiply(vi, v, transposeB: true)
    let beta = LinearAlgebra.multiply(lamInverse, rxy)
    var eps = [Double](repeating: 0, count: p)
    for j in 0..<p { for k in 0..<p { eps[j] += lam[j, k] * lam[j, k] * beta[k] * beta[k] } }
    return (eps, eps.reduce(0, +))
  }

  /// Correlation matrix of the given row indices (with multiplicity) of complete columns.
  static func correlation(_ columns: [[Double]], counts: [Int]?) -> Matrix {
    let m = columns.count, n = columns[0].count
    var means = [Double](repeating: 0, count: m)
    var total = 0.0
    for i in 0..<n {
      let c = Double(counts?[i] ?? 1)
      if c == 0 { continue }
      total += c
      for j in 0..<m { means[j] += c * columns[j][i] }
    }
    for j in 0..<m { means[j] /= total }
    var s = Matrix(rows: m, columns: m)
    var d = [Double](repeating: 0, count: m)
    for i in 0..<n {
      let c = Double(counts?[i] ?? 1)
      if c == 0 { continue }
      for j in 0..<m { d[j] = columns[j][i] - means[j] }
      for a in 0..<m { for b in a..<m { s.storage[a + b * m] += c * d[a] * d[b] } }
    }
    var r = Matrix(rows: m, columns: m)
    for a in 0..<m { for b in a..<m {
      let v = s[a, b] / (s[a, a] * s[b, b]).squareRoot()
      r[a, b] = a == b ? 1 : v; r[b, a] = r[a, b]
    } }
    return r
  }

  /// Type-7 percentile of sorted values (R `quantile(x, p)`).
  static func percentile(_ sorted: [Double], _ p: Double) -> Double {
    if sorted.isEmpty { return .nan }
    let h = Double(sorted.count - 1) * p
    let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
  }

  /// Relative weights from a correlation matrix ordered [predictors…, outcome]
  /// (e.g. listwise co-moments of one pass), without bootstrap intervals.
  public static func analyze(correlation r: Matrix, names: [String], outcomeName: String, n: Int) throws -> DriversResult {
    precondition(r.rows == names.count + 1, "\(names.count) names for a \(r.rows)×\(r.columns) matrix")
    guard r.storage.allSatisfy(\.isFinite) else { throw RelativeWeightsError.undefinedCorrelation(outcome: outcomeName, n: n) }
    let (w, r2) = try weights(correlation: r)
    let p = names.count
    return DriversResult(outcome: outcomeName, method: "relativeWeights",
                         weights: ItemMap(keys: names, values: w), r2: r2,
                         ci95: ItemMap(keys: [], values: []),
                         rescaled: ItemMap(keys: names, values: w.map { $0 / r2 }),
                         zeroOrderR: ItemMap(keys: names, values: (0..<p).map { r[$0, p] }),
                         n: n, bootstrapReplicates: 0, seed: nil)
  }

  /// Relative weights with bootstrap CIs from a `SeededGenerator(seed:)`: the
  /// same seed gives the same intervals on every machine.
  public static func analyze(outcome: [Double], outcomeName: String, predictors: [[Double]], names: [String],
                             replicates: Int = 1000, seed: UInt64) throws -> DriversResult {
    var generator = SeededGenerator(seed: seed)
    return try analyze(outcome: outcome, outcomeName: outcomeName, predictors: predictors, names: names,
                       replicates: replicates, generator: &generator, seed: seed)
  }

  /// Relative weights of `predictors` on `outcome` from per-respondent columns
  /// (rows complete on all of them), with `replicates` bootstrap resamples drawn
  /// from `generator` (0 = no CIs).
  /// - Complexity: O((B + 1)·n·p²); keeps the complete rows (n × (p + 1) doubles).
  public static func analyze<G: RandomNumberGenerator>(
    outcome: [Double], outcomeName: String, predictors: [[Double]], names: [String],
    replicates: Int = 1000, generator: inout G, seed: UInt64? = nil
  ) throws -> DriversResult {
    precondition(predictors.count == names.count && !names.isEmpty, "\(names.count) names for \(predictors.count) predictors")
    let all = predictors + [outcome]
    let rows = outcome.indices.filter { i in all.allSatisfy { $0[i].isFinite } }
    let columns = all.map { c in rows.map { c[$0] } }
    let n = rows.count
    let r = correlation(columns, counts: nil)
    guard r.storage.allSatisfy(\.isFinite) else { throw RelativeWeightsError.undefinedCorrelation(outcome: outcomeName, n: n) }
    let (w, r2) = try weights(correlation: r)
    let p = names.count
    var ci: [[Double]] = []
    var used = 0
    if replicates > 0 && n > p + 1 {
      var samples = [[Double]](repeating: [], count: p)
      var counts = [Int](repeating: 0, count: n)
      for _ in 0..<replicates {
        for i in 0..<n { counts[i] = 0 }
        for _ in 0..<n { counts[Int.random(in: 0..<n, using: &generator)] += 1 }
        let rb = correlation(columns, counts: counts)
        if rb.storage.contains(where: { !$0.isFinite }) { continue }
        guard let (wb, _) = try? weights(correlation: rb) else { continue }
        for j in 0..<p { samples[j].append(wb[j]) }
        used += 1
      }
      ci = samples.map { s in let sorted = s.sorted(); return [percentile(sorted, 0.025), percentile(sorted, 0.975)] }
    }
    return DriversResult(outcome: outcomeName, method: "relativeWeights",
                         weights: ItemMap(keys: names, values: w), r2: r2,
                         ci95: ItemMap(keys: ci.isEmpty ? [] : names, values: ci),
                         rescaled: ItemMap(keys: names, values: w.map { $0 / r2 }),
                         zeroOrderR: ItemMap(keys: names, values: (0..<p).map { r[$0, p] }),
                         n: n, bootstrapReplicates: used, seed: seed)
  }
}
