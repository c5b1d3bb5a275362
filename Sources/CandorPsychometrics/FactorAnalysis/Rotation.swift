import Foundation
import CandorNumerics

/// A target pattern for target rotation: `nil` entries are free (GPArotation
/// `pstQ`/`pstT` with weight 0), numbers are the targets (weight 1).
public struct TargetPattern: Sendable, Equatable, Codable {
  /// p rows of k entries, item order.
  public var rows: [[Double?]]
  public init(rows: [[Double?]]) { self.rows = rows }
}

/// A factor rotation, each defined as the peer Candor matches (design.md §6).
public enum FactorRotation: Sendable, Equatable {
  /// Unrotated.
  case none
  /// `stats::varimax(normalize = TRUE, eps = 1e-5)` (Kaiser-normalised).
  case varimax
  /// psych `fa(rotate = "promax")`: `kaiser(L, "Promax")`, m = 4.
  case promax
  /// `GPArotation::oblimin(gam = 0)` (quartimin), not normalised.
  case oblimin
  /// `GPArotation::geominQ(delta = 0.01)`, oblique, not normalised.
  case geomin
  /// Target rotation: oblique `targetQ`/`pstQ` by default, orthogonal
  /// `targetT`/`pstT` when `orthogonal` is true.
  case target(TargetPattern, orthogonal: Bool)

  /// The JSON `rotation` string.
  public var name: String {
    switch self {
    case .none: return "none"
    case .varimax: return "varimax"
    case .promax: return "promax"
    case .oblimin: return "oblimin"
    case .geomin: return "geomin"
    case .target(_, let orthogonal): return orthogonal ? "targetT" : "target"
    }
  }

  /// Whether the rotation allows correlated factors (and so reports Φ).
  public var isOblique: Bool {
    switch self {
    case .none, .varimax: return false
    case .promax, .oblimin, .geomin: return true
    case .target(_, let orthogonal): return !orthogonal
    }
  }
}

/// A rotated solution: pattern loadings and factor correlations.
public struct RotatedLoadings: Sendable, Equatable {
  /// Pattern loadings (p × k).
  public var loadings: Matrix
  /// Factor correlations Φ (identity for orthogonal rotations).
  public var phi: Matrix
  /// Iterations of the rotation algorithm.
  public var iterations: Int
  /// Whether it converged.
  public var converged: Bool
}

/// Rotation algorithms: `stats::varimax`, psych `Promax`/`kaiser`, and the
/// gradient-projection algorithms of GPArotation (Jennrich 2001, 2002;
/// Bernaards & Jennrich 2005), reproduced step for step.
public enum Rotator {
  /// Rotates `loadings` (p × k). A single factor is returned unchanged.
  ///
  /// - Parameters:
  ///   - epsilon: GPA convergence tolerance on the projected gradient's
  ///     Frobenius norm (GPArotation default 1e-5) or varimax's relative
  ///     criterion change (`stats::varimax` default 1e-5).
  ///   - maxIterations: GPArotation `maxit` (1000).
  public static func rotate(_ loadings: Matrix, _ rotation: FactorRotation,
                            epsilon: Double = 1e-5, maxIterations: Int = 1000) throws -> RotatedLoadings {
    let k = loadings.columns
    if k < 2 {
      return RotatedLoadings(loadings: loadings, phi: .identity(k), iterations: 0, converged: true)
    }
    switch rotation {
    case .none:
      return RotatedLoadings(loadings: loadings, phi: .identity(k), iterations: 0, converged: true)
    case .varimax:
      let v = try varimax(loadings, epsilon: epsilon)
      return RotatedLoadings(loadings: v.loadings, phi: .identity(k), iterations: v.iterations, converged: v.converged)
    case .promax:
      return try promax(loadings)
    case .oblimin:
      return try gpaOblique(loadings, criterion: Quartimin(), epsilon: epsilon, maxIterations: maxIterations)
    case .geomin:
      return try gpaOblique(loadings, criterion: Geomin(delta: 0.01), epsilon: epsilon, maxIterations: maxIterations)
    case .target(let pattern, let orthogonal):
      precondition(pattern.rows.count == loadings.rows && pattern.rows.allSatisfy { $0.count == k },
                   "target pattern is \(pattern.rows.count)×\(pattern.rows.first?.count ?? 0), loadings are \(loadings.rows)×\(k)")
      let criterion = PartialTarget(pattern: pattern)
      return orthogonal
        ? try gpaOrthogonal(loadings, criterion: criterion, epsilon: epsilon, maxIterations: maxIterations)
        : try gpaOblique(loadings, criterion: criterion, epsilon: epsilon, maxIterations: maxIterations)
    }
  }

  // MARK: varimax and promax

  /// `stats::varimax(x, normalize = TRUE, eps)`: rows scaled to unit length,
  /// `B = xᵀ(z³ − z·diag(1ᵀz²)/p)`, `T = UVᵀ` from svd(B), until Σd < Σd_prev·(1 + eps).
  static func varimax(_ x0: Matrix, epsilon: Double = 1e-5, normalize: Bool = true)
    throws -> (loadings: Matrix, rotation: Matrix, iterations: Int, converged: Bool) {
    let p = x0.rows, k = x0.columns
    var x = x0
    var sc = [Double](repeating: 1, count: p)
    if normalize {
      for i in 0..<p {
        var s = 0.0
        for j in 0..<k { s += x[i, j] * x[i, j] }
        sc[i] = s.squareRoot()
        for j in 0..<k { x[i, j] /= sc[i] }
      }
    }
    var tt = Matrix.identity(k)
    var d = 0.0
    var iterations = 0
    var converged = false
    for _ in 0..<1000 {
      iterations += 1
      let z = x * tt
      var colSq = [Double](repeating: 0, count: k)
      for j in 0..<k { for i in 0..<p { colSq[j] += z[i, j] * z[i, j] } }
      var inner = Matrix(rows: p, columns: k)
      for j in 0..<k { for i in 0..<p { inner[i, j] = z[i, j] * z[i, j] * z[i, j] - z[i, j] * colSq[j] / Double(p) } }
      let b = LinearAlgebra.multiply(x, inner, transposeA: true)
      let (u, s, vt) = try LinearAlgebra.svd(b)
      tt = u * vt
      let dpast = d
      d = s.reduce(0, +)
      if d < dpast * (1 + epsilon) { converged = true; break }
    }
    var z = x * tt
    if normalize { for j in 0..<k { for i in 0..<p { z[i, j] *= sc[i] } } }
    return (z, tt, iterations, converged)
  }

  /// psych `fa(rotate = "promax")` = `kaiser(L, "Promax")`: rows of L scaled by
  /// 1/√h², then `Promax(m = 4)`: varimax, target Q = x∘|x|³, U = (xᵀx)⁻¹xᵀQ,
  /// columns of U scaled by √diag((UᵀU)⁻¹), Φ = U⁻¹U⁻ᵀ (U including the varimax
  /// rotation); rows scaled back.
  static func promax(_ l: Matrix, power m: Double = 4) throws -> RotatedLoadings {
    let p = l.rows, k = l.columns
    var h = [Double](repeating: 0, count: p)
    var w = l
    for i in 0..<p {
      for j in 0..<k { h[i] += l[i, j] * l[i, j] }
      let s = h[i].squareRoot()
      for j in 0..<k { w[i, j] /= s }
    }
    let vm = try varimax(w)
    let x = vm.loadings
    var q = x
    for j in 0..<k { for i in 0..<p { q[i, j] = x[i, j] * pow(abs(x[i, j]), m - 1) } }
    let xtx = LinearAlgebra.multiply(x, x, transposeA: true)
    let xtq = LinearAlgebra.multiply(x, q, transposeA: true)
    var u = try LinearAlgebra.solveSPD(xtx, xtq)
    let utu = LinearAlgebra.multiply(u, u, transposeA: true)
    let utuInv = try LinearAlgebra.solve(utu, .identity(k))
    for j in 0..<k {
      let s = utuInv[j, j].squareRoot()
      for i in 0..<k { u[i, j] *= s }
    }
    var z = x * u
    let fullU = vm.rotation * u
    let ui = try LinearAlgebra.solve(fullU, .identity(k))
    let phi = LinearAlgebra.multiply(ui, ui, transposeB: true)
    for i in 0..<p { let s = h[i].squareRoot(); for j in 0..<k { z[i, j] *= s } }
    return RotatedLoadings(loadings: z, phi: phi, iterations: vm.iterations, converged: vm.converged)
  }

  // MARK: gradient projection (GPArotation GPForth / GPFoblq)

  /// GPArotation `GPFoblq`: L = A·T⁻ᵀ, gradient G = −(LᵀGq T⁻¹)ᵀ, projected
  /// Gp = G − T·diag(1ᵀ(T∘G)); step T − αGp with columns rescaled to unit
  /// length; α doubled each iteration and halved (≤ 11 times) until the
  /// criterion falls by ½·s²·α; stop when ‖Gp‖_F < eps. Φ = TᵀT.
  static func gpaOblique(_ a: Matrix, criterion: some RotationCriterion, epsilon: Double,
                         maxIterations: Int) throws -> RotatedLoadings {
    let k = a.columns
    var t = Matrix.identity(k)
    var tInv = Matrix.identity(k)
    var l = LinearAlgebra.multiply(a, tInv, transposeB: true)
    var (f, gq) = criterion.evaluate(l)
    var g = gradientOblique(l, gq, tInv)
    var al = 1.0
    var converged = false
    var iterations = 0
    for iter in 0...maxIterations {
      iterations = iter
      var gp = g
      for j in 0..<k {
        var c = 0.0
        for i in 0..<k { c += t[i, j] * g[i, j] }
        for i in 0..<k { gp[i, j] = g[i, j] - t[i, j] * c }
      }
      let s = gp.storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if s < epsilon { converged = true; break }
      if iter == maxIterations { break }
      al *= 2
      var tNew = t, lNew = l, fNew = f, gqNew = gq, tInvNew = tInv
      for _ in 0...10 {
        var x = t
        for idx in 0..<x.storage.count { x.storage[idx] -= al * gp.storage[idx] }
        for j in 0..<k {
          var n = 0.0
          for i in 0..<k { n += x[i, j] * x[i, j] }
          let v = 1 / n.squareRoot()
          for i in 0..<k { x[i, j] *= v }
        }
        tNew = x
        tInvNew = try LinearAlgebra.solve(tNew, .identity(k))
        lNew = LinearAlgebra.multiply(a, tInvNew, transposeB: true)
        (fNew, gqNew) = criterion.evaluate(lNew)
        if f - fNew > 0.5 * s * s * al { break }
        al /= 2
      }
      t = tNew; tInv = tInvNew; l = lNew; f = fNew; gq = gqNew
      g = gradientOblique(l, gq, tInv)
    }
    let phi = LinearAlgebra.multiply(t, t, transposeA: true)
    return RotatedLoadings(loadings: l, phi: phi, iterations: iterations, converged: converged)
  }

  /// −(LᵀGq T⁻¹)ᵀ
  private static func gradientOblique(_ l: Matrix, _ gq: Matrix, _ tInv: Matrix) -> Matrix {
    let ltg = LinearAlgebra.multiply(l, gq, transposeA: true)
    let m = ltg * tInv
    return -1 * m.transposed
  }

  /// GPArotation `GPForth`: L = A·T, G = AᵀGq, Gp = G − T·sym(TᵀG), step
  /// T − αGp projected to the nearest orthogonal matrix (UVᵀ of its svd).
  static func gpaOrthogonal(_ a: Matrix, criterion: some RotationCriterion, epsilon: Double,
                            maxIterations: Int) throws -> RotatedLoadings {
    let k = a.columns
    var t = Matrix.identity(k)
    var l = a * t
    var (f, gq) = criterion.evaluate(l)
    var g = LinearAlgebra.multiply(a, gq, transposeA: true)
    var al = 1.0
    var converged = false
    var iterations = 0
    for iter in 0...maxIterations {
      iterations = iter
      let m = LinearAlgebra.multiply(t, g, transposeA: true)
      var sym = m
      for j in 0..<k { for i in 0..<k { sym[i, j] = (m[i, j] + m[j, i]) / 2 } }
      let gp = g - t * sym
      let s = gp.storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if s < epsilon { converged = true; break }
      if iter == maxIterations { break }
      al *= 2
      var tNew = t, lNew = l, fNew = f, gqNew = gq
      for _ in 0...10 {
        var x = t
        for idx in 0..<x.storage.count { x.storage[idx] -= al * gp.storage[idx] }
        let (u, _, vt) = try LinearAlgebra.svd(x)
        tNew = u * vt
        lNew = a * tNew
        (fNew, gqNew) = criterion.evaluate(lNew)
        if fNew < f - 0.5 * s * s * al { break }
        al /= 2
      }
      t = tNew; l = lNew; f = fNew; gq = gqNew
      g = LinearAlgebra.multiply(a, gq, transposeA: true)
    }
    return RotatedLoadings(loadings: l, phi: .identity(k), iterations: iterations, converged: converged)
  }
}

/// A GPA rotation criterion: its value f(L) and gradient ∂f/∂L.
protocol RotationCriterion {
  func evaluate(_ l: Matrix) -> (value: Double, gradient: Matrix)
}

/// Quartimin (`vgQ.oblimin`, γ = 0): X = L²(11ᵀ − I), Gq = L∘X, f = Σ(L²∘X)/4.
struct Quartimin: RotationCriterion {
  func evaluate(_ l: Matrix) -> (value: Double, gradient: Matrix) {
    let p = l.rows, k = l.columns
    var gq = l
    var f = 0.0
    for i in 0..<p {
      var total = 0.0
      for j in 0..<k { total += l[i, j] * l[i, j] }
      for j in 0..<k {
        let x = total - l[i, j] * l[i, j]
        gq[i, j] = l[i, j] * x
        f += l[i, j] * l[i, j] * x
      }
    }
    return (f / 4, gq)
  }
}

/// Geomin (`vgQ.geomin`): L2 = L² + δ, proᵢ = exp(Σⱼ ln L2ᵢⱼ / k), f = Σ pro,
/// Gq = (2/k)·(L/L2)·pro.
struct Geomin: RotationCriterion {
  var delta: Double
  func evaluate(_ l: Matrix) -> (value: Double, gradient: Matrix) {
    let p = l.rows, k = l.columns
    var gq = l
    var f = 0.0
    for i in 0..<p {
      var s = 0.0
      for j in 0..<k { s += log(l[i, j] * l[i, j] + delta) }
      let pro = exp(s / Double(k))
      f += pro
      for j in 0..<k { gq[i, j] = 2 / Double(k) * l[i, j] / (l[i, j] * l[i, j] + delta) * pro }
    }
    return (f, gq)
  }
}

/// Partially specified target (`vgQ.pst`): f = ‖W∘L − W∘B‖², Gq = 2(W∘L − W∘B),
/// W = 1 where the target is given, 0 where it is free. With no free entries
/// this is `vgQ.target`.
struct PartialTarget: RotationCriterion {
  var pattern: TargetPattern
  func evaluate(_ l: Matrix) -> (value: Double, gradient: Matrix) {
    var gq = Matrix(rows: l.rows, columns: l.columns)
    var f = 0.0
    for i in 0..<l.rows {
      for j in 0..<l.columns {
        if let b = pattern.rows[i][j] {
          let d = l[i, j] - b
          f += d * d
          gq[i, j] = 2 * d
        }
      }
    }
    return (f, gq)
  }
}
