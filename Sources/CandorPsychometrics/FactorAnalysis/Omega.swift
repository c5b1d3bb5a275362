import Foundation
import CandorNumerics

/// McDonald's ω for one scale (design.md §6), the `omega` object of JSON §7.
public struct OmegaResult: Codable, Sendable, Equatable {
  /// ω total of a one-factor minres model, (Σλ)²/((Σλ)² + Σψ), ψ = 1 − h².
  public var oneFactorTotal: Double
  /// Schmid–Leiman ω total (observed-R denominator), 1 − Σu²/ΣR; nil below 9 items.
  public var total: Double?
  /// Schmid–Leiman ω hierarchical (Σg)²/ΣR; nil below 9 items.
  public var hierarchical: Double?
  /// ω of each group factor over the items that load most on it, (Σ sⱼ)²/ΣR_group
  /// (psych `omega.group$group`); nil below 9 items.
  public var groupFactors: [Double]?
  /// Why the Schmid–Leiman values are absent, if they are.
  public var note: String?

  public init(oneFactorTotal: Double, total: Double?, hierarchical: Double?, groupFactors: [Double]?, note: String?) {
    self.oneFactorTotal = oneFactorTotal
    self.total = total
    self.hierarchical = hierarchical
    self.groupFactors = groupFactors
    self.note = note
  }

  enum CodingKeys: String, CodingKey { case oneFactorTotal, total, hierarchical, groupFactors }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    oneFactorTotal = try c.decode(Double.self, forKey: .oneFactorTotal)
    total = try c.decodeIfPresent(Double.self, forKey: .total)
    hierarchical = try c.decodeIfPresent(Double.self, forKey: .hierarchical)
    groupFactors = try c.decodeIfPresent([Double].self, forKey: .groupFactors)
    note = nil
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(oneFactorTotal, forKey: .oneFactorTotal)
    try c.encode(total, forKey: .total)
    try c.encode(hierarchical, forKey: .hierarchical)
    try c.encode(groupFactors, forKey: .groupFactors)
  }
}

/// ω coefficients from a correlation matrix.
public enum Omega {
  /// The smallest scale for Schmid–Leiman ω with three group factors.
  public static let minimumItemsForHierarchical = 9

  /// Computes ω for the items of `r` (already keyed: Candor never flips items).
  ///
  /// - One-factor ω total: minres with one factor (psych `fa(r, 1)`).
  /// - Schmid–Leiman, as `psych::omega(r, nfactors = 3, fm = "minres",
  ///   rotate = "oblimin", flip = FALSE)`: minres 3 factors + varimax, then
  ///   `GPArotation::oblimin` (quartimin), a one-factor minres of Φ gives the
  ///   general loadings g = Λ·γ; ω_t = (ΣR − Σu²)/ΣR with u² = 1 − h² of the
  ///   orthogonal solution, ω_h = (Σg)²/ΣR.
  public static func compute(correlation r: Matrix) throws -> OmegaResult {
    let p = r.rows
    let one = try FactorAnalysis.solve(r, factors: 1, method: .minres, rotation: .none)
    let sumLambda = (0..<p).reduce(0.0) { $0 + one.loadings[$1, 0] }
    let sumPsi = one.uniquenesses.reduce(0, +)
    let oneFactor = sumLambda * sumLambda / (sumLambda * sumLambda + sumPsi)
    guard p >= minimumItemsForHierarchical else {
      return OmegaResult(oneFactorTotal: oneFactor, total: nil, hierarchical: nil, groupFactors: nil,
                         note: "Schmid–Leiman ω needs at least \(minimumItemsForHierarchical) items for three group factors; this scale has \(p), so only the one-factor ω total is reported")
    }
    let k = 3
    let orth = try FactorAnalysis.solve(r, factors: k, method: .minres, rotation: .varimax)
    let ob = try Rotator.rotate(orth.loadings, .oblimin)
    let fload = ob.loadings
    let gfit = try FactorAnalysis.solve(ob.phi, factors: 1, method: .minres, rotation: .none)
    let gload = (0..<k).map { gfit.loadings[$0, 0] }
    var g = [Double](repeating: 0, count: p)
    var sm = Matrix(rows: p, columns: k)
    var u2Sum = 0.0
    for i in 0..<p {
      var h2 = 0.0
      for j in 0..<k {
        g[i] += fload[i, j] * gload[j]
        h2 += orth.loadings[i, j] * orth.loadings[i, j]
        let uniq2 = max(fload[i, j] * fload[i, j] * (1 - gload[j] * gload[j]), 0)
        sm[i, j] = (fload[i, j] < 0 ? -1 : (fload[i, j] > 0 ? 1 : 0)) * uniq2.squareRoot()
      }
      u2Sum += r[i, i] - h2
    }
    let vt = r.sum
    let gSum = g.reduce(0, +)
    var groups = [Double](repeating: 0, count: k)
    var members = [[Int]](repeating: [], count: k)
    for i in 0..<p {
      var best = 0
      for j in 1..<k where abs(sm[i, j]) > abs(sm[i, best]) { best = j }
      members[best].append(i)
    }
    for j in 0..<k where !members[j].isEmpty {
      let vgr = r.principalSubmatrix(members[j]).sum
      let gr = members[j].reduce(0.0) { $0 + sm[$1, j] }
      groups[j] = gr * gr / vgr
    }
    return OmegaResult(oneFactorTotal: oneFactor, total: (vt - u2Sum) / vt, hierarchical: gSum * gSum / vt,
                       groupFactors: groups, note: nil)
  }
}
