import Foundation

/// Person–group values fit: how closely a respondent's MRAT-centred value
/// profile matches the mean profile of the *rest* of their group.
///
/// For respondent i in group g with profile xᵢ (V centred value scores) and the
/// group's profile sum S_g over n_g complete profiles, the leave-one-out mean is
/// m₋ᵢ = (S_g − xᵢ)/(n_g − 1). Reported per respondent:
/// - `r`: Pearson r of xᵢ and m₋ᵢ across the V values (profile similarity);
/// - `distance`: Euclidean distance √Σᵥ(xᵢᵥ − m₋ᵢᵥ)².
/// Both are NaN for incomplete profiles, a missing group, a group with a single
/// complete profile, or (r only) a flat profile.
///
/// **Memory**: two passes over the profile columns with V doubles per group in
/// between; outputs are two per-respondent columns (usable as predictors).
public struct ValuesAlignment: Sendable, Equatable {
  /// Profile correlation per respondent (NaN where undefined).
  public var r: [Double]
  /// Euclidean distance per respondent (NaN where undefined).
  public var distance: [Double]
  /// Per-group summaries, indexed by group index (groups with no complete profile have n = 0).
  public var groups: [GroupSummary]

  /// A group's alignment summary over its respondents with a defined value.
  public struct GroupSummary: Codable, Sendable, Equatable {
    /// Respondents with a complete profile.
    public var n: Int
    /// Mean of `r` over respondents where it is defined (NaN if none).
    @FiniteOrNull public var meanR: Double
    /// Mean of `distance` over respondents where it is defined (NaN if none).
    @FiniteOrNull public var meanDistance: Double
  }

  /// Computes alignment from V profile columns (NaN = missing) and group indices.
  /// - Complexity: O(n·V) time, O(G·V) memory beyond the outputs.
  public static func compute(profiles: [[Double]], groups: [Int32]) -> ValuesAlignment {
    let v = profiles.count
    precondition(v >= 2, "a value profile needs at least 2 values, got \(v)")
    let n = groups.count
    for c in profiles { precondition(c.count == n, "\(c.count) profile values for \(n) respondents") }
    let groupCount = Int((groups.max() ?? -1) + 1)
    var sums = [Double](repeating: 0, count: groupCount * v)
    var counts = [Int](repeating: 0, count: groupCount)
    func complete(_ i: Int) -> Bool {
      if groups[i] < 0 { return false }
      for c in profiles where !c[i].isFinite { return false }
      return true
    }
    for i in 0..<n where complete(i) {
      let g = Int(groups[i])
      counts[g] += 1
      for k in 0..<v { sums[g * v + k] += profiles[k][i] }
    }
    var r = [Double](repeating: .nan, count: n), d = [Double](repeating: .nan, count: n)
    var rSum = [Double](repeating: 0, count: groupCount), rN = [Int](repeating: 0, count: groupCount)
    var dSum = [Double](repeating: 0, count: groupCount), dN = [Int](repeating: 0, count: groupCount)
    var own = [Double](repeating: 0, count: v), loo = [Double](repeating: 0, count: v)
    for i in 0..<n where complete(i) {
      let g = Int(groups[i])
      if counts[g] < 2 { continue }
      let m = Double(counts[g] - 1)
      for k in 0..<v {
        own[k] = profiles[k][i]
        loo[k] = (sums[g * v + k] - own[k]) / m
      }
      let a = Self.profileAgreement(own, loo)
      d[i] = a.distance; dSum[g] += d[i]; dN[g] += 1
      if !a.r.isNaN { r[i] = a.r; rSum[g] += r[i]; rN[g] += 1 }
    }
    let summaries = (0..<groupCount).map { g in
      GroupSummary(n: counts[g], meanR: rN[g] > 0 ? rSum[g] / Double(rN[g]) : .nan,
                   meanDistance: dN[g] > 0 ? dSum[g] / Double(dN[g]) : .nan)
    }
    return ValuesAlignment(r: r, distance: d, groups: summaries)
  }
}

extension ValuesAlignment {
  /// Pearson r and Euclidean distance between a respondent's profile `own` and a comparison
  /// profile `other` (their group's leave-one-out mean), over the values: r = Σ(aₖ − ā)(bₖ − b̄) /
  /// √(Σ(aₖ − ā)² Σ(bₖ − b̄)²) (NaN when either profile is flat), d = √Σ(aₖ − bₖ)².
  @inline(__always)
  public static func profileAgreement(_ own: [Double], _ other: [Double]) -> (r: Double, distance: Double) {
    precondition(own.count == other.count, "profiles of \(own.count) and \(other.count) values")
    if own.isEmpty { return (.nan, 0) }  // no values: no correlation, no distance
    return own.withUnsafeBufferPointer { a in
      other.withUnsafeBufferPointer { b in profileAgreement(a.baseAddress!, b.baseAddress!, count: a.count) }
    }
  }

  /// ``profileAgreement(_:_:)`` on `count` values at `own` and `other` (the same arithmetic
  /// in the same order, so the same bits).
  @inline(__always)
  public static func profileAgreement(_ own: UnsafePointer<Double>, _ other: UnsafePointer<Double>, count v: Int)
    -> (r: Double, distance: Double) {
    var ownMean = 0.0, otherMean = 0.0, squared = 0.0
    for k in 0..<v {
      ownMean += own[k]; otherMean += other[k]
      squared += (own[k] - other[k]) * (own[k] - other[k])
    }
    ownMean /= Double(v); otherMean /= Double(v)
    var sxx = 0.0, syy = 0.0, sxy = 0.0
    for k in 0..<v {
      let a = own[k] - ownMean, b = other[k] - otherMean
      sxx += a * a; syy += b * b; sxy += a * b
    }
    return (sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : .nan, squared.squareRoot())
  }
}
