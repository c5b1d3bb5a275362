import Foundation
import CandorNumerics

/// The algebraically largest eigenpair of a symmetric matrix by restarted
/// Lanczos with full reorthogonalisation (Golub & Van Loan 2013, §10.1),
/// used by one-factor minres (parallel analysis), where only that pair is needed.
///
/// Each cycle runs up to `steps` Lanczos steps from the start vector, takes the
/// top Ritz pair of the tridiagonal matrix and checks the true residual
/// ‖Ay − θy‖ ≤ 1e-12·max(1, ‖A‖_F); the next cycle restarts from y. Returns nil
/// when that accuracy is not reached (callers then use the full `dsyevr`).
///
/// - Complexity: O(steps·p²) per cycle (matrix–vector products by BLAS `dgemv`)
///   against O(p³) for a full eigen-decomposition.
enum TopEigenpair {
  static func compute(_ a: Matrix, start: [Double]?, steps: Int = 48, cycles: Int = 6) -> (value: Double, vector: [Double])? {
    let p = a.rows
    let m = min(steps, p)
    var frob = 0.0
    for v in a.storage { frob += v * v }
    let tolerance = 1e-12 * max(1, frob.squareRoot())
    var q0: [Double]
    if let s = start, s.count == p { q0 = s } else {
      // Deterministic, generic start (not orthogonal to structured eigenvectors).
      q0 = (0..<p).map { 1 + 0.5 * sin(Double($0) * 1.618_033_988_7 + 0.3) }
    }
    for _ in 0..<cycles {
      var norm = q0.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0 else { return nil }
      var basis: [[Double]] = [q0.map { $0 / norm }]
      var alpha: [Double] = [], beta: [Double] = []
      for j in 0..<m {
        var w = LinearAlgebra.multiply(a, basis[j])
        let aj = zip(w, basis[j]).reduce(0) { $0 + $1.0 * $1.1 }
        alpha.append(aj)
        // Full reorthogonalisation, twice ("twice is enough").
        for _ in 0..<2 {
          for q in basis {
            let c = zip(w, q).reduce(0) { $0 + $1.0 * $1.1 }
            for i in 0..<p { w[i] -= c * q[i] }
          }
        }
        norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if j == m - 1 || norm <= 1e-14 * max(1, abs(aj)) { break }
        beta.append(norm)
        basis.append(w.map { $0 / norm })
      }
      let size = alpha.count
      var t = Matrix(rows: size, columns: size)
      for i in 0..<size {
        t[i, i] = alpha[i]
        if i + 1 < size { t[i, i + 1] = beta[i]; t[i + 1, i] = beta[i] }
      }
      guard let (values, vectors) = try? LinearAlgebra.symmetricEigen(t) else { return nil }
      var y = [Double](repeating: 0, count: p)
      for (idx, q) in basis.prefix(size).enumerated() {
        let s = vectors[idx, 0]
        for i in 0..<p { y[i] += s * q[i] }
      }
      let ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
      for i in 0..<p { y[i] /= ny }
      let ay = LinearAlgebra.multiply(a, y)
      let theta = zip(ay, y).reduce(0) { $0 + $1.0 * $1.1 }
      let residual = zip(ay, y).reduce(0) { $0 + ($1.0 - theta * $1.1) * ($1.0 - theta * $1.1) }.squareRoot()
      _ = values
      if residual <= tolerance { return (theta, y) }
      q0 = y
    }
    return nil
  }
}
