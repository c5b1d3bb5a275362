import Foundation
import CandorNumerics

/// Kaiser–Meyer–Olkin measure of sampling adequacy (psych `KMO`).
public struct KaiserMeyerOlkin: Sendable, Equatable {
  /// Overall MSA = Σr²/(Σr² + Σq²) over off-diagonal entries, q the partial
  /// correlations (anti-image: Q = R⁻¹ scaled to unit diagonal).
  public var overall: Double
  /// Per item MSAᵢ = Σⱼ rᵢⱼ²/(Σⱼ rᵢⱼ² + Σⱼ qᵢⱼ²).
  public var items: [Double]
  /// True when R could not be inverted and, as psych, R itself stood in for R⁻¹.
  public var usedFallback: Bool

  /// Computes KMO from a correlation matrix.
  public init(correlation r: Matrix) {
    let p = r.rows
    var q: Matrix
    var fallback = false
    if let inv = try? LinearAlgebra.inverseSPD(r) { q = inv } else { q = r; fallback = true }
    let d = (0..<p).map { 1 / q[$0, $0].squareRoot() }
    var sumR = [Double](repeating: 0, count: p), sumQ = [Double](repeating: 0, count: p)
    for j in 0..<p {
      for i in 0..<p where i != j {
        let qij = q[i, j] * d[i] * d[j]
        sumR[j] += r[i, j] * r[i, j]
        sumQ[j] += qij * qij
      }
    }
    let tr = sumR.reduce(0, +), tq = sumQ.reduce(0, +)
    overall = tr / (tr + tq)
    items = (0..<p).map { sumR[$0] / (sumR[$0] + sumQ[$0]) }
    usedFallback = fallback
  }
}

/// Bartlett's test of sphericity (psych `cortest.bartlett(R, n)`).
///
/// χ² = −ln|R|·(n − 1 − (2p + 5)/6), df = p(p − 1)/2. psych assumes n = 100
/// when given a matrix without n; Candor always passes the N of design.md §6.
public struct BartlettSphericity: Sendable, Equatable {
  public var chiSquare: Double
  public var degreesOfFreedom: Int
  /// Upper-tail χ² probability; nil when |R| ≤ 0 (singular matrix).
  public var p: Double?
  public var n: Int

  /// - Parameter upperTail: χ² survival function (x, df) → P(X > x).
  init(correlation r: Matrix, n: Int, upperTail: (Double, Double) -> Double) {
    let p = r.rows
    var logDet = Double.nan
    if let u = try? LinearAlgebra.cholesky(r) {
      logDet = 0
      for i in 0..<p { logDet += 2 * log(u[i, i]) }
    }
    chiSquare = -logDet * (Double(n) - 1 - Double(2 * p + 5) / 6)
    degreesOfFreedom = p * (p - 1) / 2
    self.p = chiSquare.isFinite ? upperTail(chiSquare, Double(degreesOfFreedom)) : nil
    self.n = n
  }
}

/// Positive-definiteness check and psych's `cor.smooth`.
public enum CorrelationSmoothing {
  /// Items most involved in the near-null eigenvectors of R (|vᵢ| > 0.3 on an
  /// eigenvector whose eigenvalue is below `tolerance`), in item order.
  public static func itemsResponsibleForSingularity(_ r: Matrix, tolerance: Double = 1e-8) throws -> [Int] {
    let (values, vectors) = try LinearAlgebra.symmetricEigen(r)
    var flagged = Set<Int>()
    for (k, v) in values.enumerated() where v < tolerance {
      for i in 0..<r.rows where abs(vectors[i, k]) > 0.3 { flagged.insert(i) }
    }
    return flagged.sorted()
  }

  /// psych `cor.smooth`: when the smallest eigenvalue is below 1e-12 (psych:
  /// machine ε, which misses exactly singular matrices whose computed smallest
  /// eigenvalue lands just above ε), eigenvalues < 1e-12 are set to 1e-10, rescaled to sum p, and the
  /// reconstructed matrix is rescaled to unit diagonal. Returns nil when R
  /// needs no smoothing.
  public static func smoothed(_ r: Matrix) throws -> Matrix? {
    let p = r.rows
    var (values, vectors) = try LinearAlgebra.symmetricEigen(r)
    guard let minimum = values.last, minimum < 1e-12 else { return nil }
    for i in 0..<p where values[i] < 1e-12 { values[i] = 100 * 1e-12 }
    let total = values.reduce(0, +)
    for i in 0..<p { values[i] *= Double(p) / total }
    var x = Matrix(rows: p, columns: p)
    for k in 0..<p { for j in 0..<p { for i in 0..<p { x[i, j] += vectors[i, k] * values[k] * vectors[j, k] } } }
    let d = (0..<p).map { 1 / x[$0, $0].squareRoot() }
    for j in 0..<p { for i in 0..<p { x[i, j] *= d[i] * d[j] } }
    return x
  }
}
