import Foundation
import CandorNumerics

/// A projected limited-memory quasi-Newton minimiser for box constraints, the
/// role `optim(method = "L-BFGS-B")` plays in psych `fa`.
///
/// Each step builds the L-BFGS direction on the free variables (those not held
/// at a bound by the sign of the gradient), projects the trial point onto the
/// box and backtracks until the Armijo condition
/// `f(x⁺) ≤ f(x) + 10⁻⁴·∇f(x)ᵀ(x⁺ − x)` holds. It stops when the projected
/// gradient's largest component is below `gradientTolerance`, or when no
/// decrease is measurable any more and it is below `stallTolerance`.
///
/// Reference: Bertsekas (1982), projected Newton methods; Nocedal & Wright
/// (2006) §7.2 (two-loop recursion).
struct BoundedMinimizer {
  var lower: [Double]
  var upper: [Double]
  var gradientTolerance: Double = 1e-9
  var maxIterations: Int = 1000
  var memory: Int = 10
  /// Projected-gradient size accepted as converged when the line search can no
  /// longer measure a decrease of f (its rounding level ≈ 1e-14·|f|).
  var stallTolerance: Double = 1e-6

  struct Outcome {
    var x: [Double]
    var value: Double
    var iterations: Int
    var converged: Bool
  }

  /// Minimises `objective` (value and gradient) from `start`.
  func minimize(start: [Double],
                objective: ([Double]) throws -> (value: Double, gradient: [Double])) rethrows -> Outcome {
    let n = start.count
    var x = project(start)
    var (f, g) = try objective(x)
    var sList: [[Double]] = []
    var yList: [[Double]] = []
    var iteration = 0
    while iteration < maxIterations {
      // Free set and projected gradient.
      var free = [Bool](repeating: true, count: n)
      var pgMax = 0.0
      for i in 0..<n {
        let atLower = x[i] <= lower[i] && g[i] > 0
        let atUpper = x[i] >= upper[i] && g[i] < 0
        if atLower || atUpper { free[i] = false } else { pgMax = max(pgMax, abs(g[i])) }
      }
      if pgMax < gradientTolerance { return Outcome(x: x, value: f, iterations: iteration, converged: true) }
      iteration += 1
      // Two-loop recursion restricted to the free variables.
      var q = (0..<n).map { free[$0] ? g[$0] : 0 }
      let m = sList.count
      var alphas = [Double](repeating: 0, count: m)
      var rhos = [Double](repeating: 0, count: m)
      for k in stride(from: m - 1, through: 0, by: -1) {
        var sy = 0.0, sq = 0.0
        for i in 0..<n where free[i] { sy += sList[k][i] * yList[k][i]; sq += sList[k][i] * q[i] }
        rhos[k] = sy > 1e-300 ? 1 / sy : 0
        alphas[k] = rhos[k] * sq
        for i in 0..<n where free[i] { q[i] -= alphas[k] * yList[k][i] }
      }
      if let last = sList.indices.last {
        var sy = 0.0, yy = 0.0
        for i in 0..<n where free[i] { sy += sList[last][i] * yList[last][i]; yy += yList[last][i] * yList[last][i] }
        let gamma = (sy > 0 && yy > 0) ? sy / yy : 1
        for i in 0..<n { q[i] *= gamma }
      }
      for k in 0..<m {
        var yr = 0.0
        for i in 0..<n where free[i] { yr += yList[k][i] * q[i] }
        let beta = rhos[k] * yr
        for i in 0..<n where free[i] { q[i] += sList[k][i] * (alphas[k] - beta) }
      }
      var direction = (0..<n).map { free[$0] ? -q[$0] : 0 }
      var slope = zip(direction, g).reduce(0) { $0 + $1.0 * $1.1 }
      if !(slope < 0) {
        direction = (0..<n).map { free[$0] ? -g[$0] : 0 }
        slope = zip(direction, g).reduce(0) { $0 + $1.0 * $1.1 }
        sList.removeAll(); yList.removeAll()
      }
      // Projected backtracking line search.
      var step = 1.0
      var accepted = false
      var xNew = x, fNew = f, gNew = g
      for _ in 0..<60 {
        // Below this predicted decrease f cannot resolve progress any more.
        if -slope * step < 1e-14 * max(1, abs(f)) { break }
        xNew = project(zip(x, direction).map { $0 + step * $1 })
        var decrease = 0.0
        for i in 0..<n { decrease += g[i] * (xNew[i] - x[i]) }
        (fNew, gNew) = try objective(xNew)
        if fNew.isFinite && fNew <= f + 1e-4 * decrease { accepted = true; break }
        step *= 0.5
      }
      if !accepted {
        // No descent measurable in floating point: stationary as far as f can
        // tell. Converged when the projected gradient is below `stallTolerance`.
        return Outcome(x: x, value: f, iterations: iteration, converged: pgMax < max(1e3 * gradientTolerance, stallTolerance))
      }
      let s = zip(xNew, x).map { $0 - $1 }
      let y = zip(gNew, g).map { $0 - $1 }
      let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
      if sy > 1e-16 * max(1, zip(y, y).reduce(0) { $0 + $1.0 * $1.1 }) {
        sList.append(s); yList.append(y)
        if sList.count > memory { sList.removeFirst(); yList.removeFirst() }
      }
      let fOld = f
      x = xNew; f = fNew; g = gNew
      if abs(fOld - f) <= 1e-16 * max(1, abs(f)) && s.allSatisfy({ abs($0) < 1e-14 }) {
        return Outcome(x: x, value: f, iterations: iteration, converged: true)
      }
    }
    return Outcome(x: x, value: f, iterations: iteration, converged: false)
  }

  private func project(_ x: [Double]) -> [Double] {
    var y = x
    for i in 0..<y.count { y[i] = min(max(y[i], lower[i]), upper[i]) }
    return y
  }
}
