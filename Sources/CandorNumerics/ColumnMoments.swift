/// Count, mean and centred sum of squares of each of `p` variables over its own present
/// values (`NaN` = missing), streaming and mergeable: the diagonal of
/// ``CoMomentAccumulator``'s pairwise moments without the cross-products, for variables
/// whose n, mean and SD are read but whose covariances are not.
///
/// A block of a column is shifted by its first present value c (Welford with offset, so a
/// large common offset does not cancel and a constant column gives exactly 0):
///
///     n_b = #present,  s₁ = Σ (x − c),  s₂ = Σ (x − c)²
///     mean_b = c + s₁/n_b,  M2_b = s₂ − s₁²/n_b
///
/// and blocks are combined with the update of Chan, Golub & LeVeque (1979):
/// n = nₐ + n_b, δ = mean_b − meanₐ, mean = meanₐ + δ·n_b/n, M2 = M2ₐ + M2_b + δ²·nₐn_b/n.
/// SD = √(M2/(n − 1)), NaN below 2 values, as the accumulator's diagonal; the two agree to
/// rounding (~1e-15 relative), not bit for bit (their sums run in different orders).
///
/// - Complexity: ``add(_:_:)`` O(n) per column block; ``merge(_:)`` O(p).
public struct ColumnMoments: Sendable, Equatable {
  /// Present values per variable.
  public private(set) var counts: [Int]
  /// Mean per variable (NaN without a value).
  public private(set) var means: [Double]
  /// Σ (x − mean)² per variable.
  public private(set) var squares: [Double]

  public init(variables p: Int) {
    counts = .init(repeating: 0, count: p)
    means = .init(repeating: .nan, count: p)
    squares = .init(repeating: 0, count: p)
  }

  public var variables: Int { counts.count }

  /// The sample standard deviation of variable `j` (NaN below two values).
  public func standardDeviation(_ j: Int) -> Double {
    counts[j] >= 2 ? (Swift.max(0, squares[j]) / Double(counts[j] - 1)).squareRoot() : .nan
  }

  /// Adds a block of variable `j`'s values.
  public mutating func add(_ j: Int, _ values: UnsafeBufferPointer<Double>) {
    guard let first = values.firstIndex(where: { !$0.isNaN }) else { return }
    let c = values[first]
    let n = values.count
    // Four lanes of partial sums, so the loop is a vector loop (the sums' order is fixed).
    typealias D4 = SIMD4<Double>
    var s1 = D4.zero, s2 = D4.zero, k = SIMD4<Int64>.zero
    let shift = D4(repeating: c)
    var r = first
    if let base = values.baseAddress {
      let raw = UnsafeRawPointer(base)
      while r + 4 <= n {
        let x = raw.loadUnaligned(fromByteOffset: r &* 8, as: D4.self)
        let present = x .== x
        let d = (x - shift).replacing(with: 0, where: .!present)
        s1 += d
        s2 += d * d
        k &+= SIMD4<Int64>(repeating: 1).replacing(with: 0, where: .!present)
        r &+= 4
      }
    }
    var sum1 = s1.sum(), sum2 = s2.sum(), count = Int(k.wrappedSum())
    while r < n {
      let x = values[r]
      if !x.isNaN { let d = x - c; sum1 += d; sum2 += d * d; count += 1 }
      r += 1
    }
    let nb = Double(count)
    merge(j, count: count, mean: c + sum1 / nb, squares: sum2 - sum1 * sum1 / nb)
  }

  /// Adds the moments of later values of the same variables.
  public mutating func merge(_ o: ColumnMoments) {
    precondition(o.variables == variables, "moments of \(o.variables) variables merged into \(variables)")
    for j in counts.indices where o.counts[j] > 0 { merge(j, count: o.counts[j], mean: o.means[j], squares: o.squares[j]) }
  }

  private mutating func merge(_ j: Int, count nb: Int, mean mb: Double, squares m2b: Double) {
    guard nb > 0 else { return }
    let na = counts[j]
    if na == 0 { counts[j] = nb; means[j] = mb; squares[j] = m2b; return }
    let n = Double(na + nb), delta = mb - means[j]
    means[j] += delta * Double(nb) / n
    squares[j] += m2b + delta * delta * Double(na) * Double(nb) / n
    counts[j] = na + nb
  }
}
