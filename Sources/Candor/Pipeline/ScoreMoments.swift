import CandorNumerics

/// Moments of the score variables (scale and value scores, outcomes, covariates) from the
/// statistics pass: co-moments of every pair, or — when the layout names the variables
/// whose covariances the plan reads (``AnalysisLayout/scoreCrossVariables``) — co-moments of
/// those and each other variable's own n, mean and SD (``ColumnMoments``).
///
/// The demo plan correlates trust and psych_safety with left and intent_stay (partial on
/// tenure) and weighs the drivers of intent_stay: 5 of its 20 score variables. The other 15
/// (value scores, higher-order values, the MRAT) are read for their n, mean and SD only,
/// and their 210 pairs cost more than everything the plan reads (score co-moments 0.07 →
/// 0.04 CPU-s at 1M rows). A pair outside the named variables is NaN (covariance,
/// correlation) with a pairwise n of 0, so a reader the plan does not know about sees no
/// number rather than a wrong one.
public struct ScoreMoments: Sendable, Equatable {
  public let variables: Int
  /// The variables whose co-moments are kept (indices into the score variables, ascending);
  /// nil: all of them.
  public let crossed: [Int]?
  /// Co-moments of `crossed` (or of every variable).
  var cross: CoMomentAccumulator
  /// With `crossed`: n, mean and SD of the variables outside it.
  var others: ColumnMoments?

  init(variables: Int, crossed: [Int]?) {
    self.variables = variables
    let crossed = crossed.map { Array(Set($0)).sorted() }.flatMap { $0.count == variables ? nil : $0 }
    self.crossed = crossed
    cross = CoMomentAccumulator(variables: max(1, crossed?.count ?? variables))
    others = crossed == nil ? nil : ColumnMoments(variables: variables)
  }

  /// Adds a block of rows: `columns[k]` holds score variable k's `rows` values.
  mutating func add(_ columns: [[Double]], rows m: Int) {
    guard let crossed else {
      var values = [Double]()
      values.reserveCapacity(m * variables)
      for c in columns { values.append(contentsOf: c) }
      cross.add(RowBlock(rows: m, columns: variables, values: values))
      return
    }
    if !crossed.isEmpty {
      var values = [Double]()
      values.reserveCapacity(m * crossed.count)
      for k in crossed { values.append(contentsOf: columns[k]) }
      cross.add(RowBlock(rows: m, columns: crossed.count, values: values))
    }
    var rest = crossed.makeIterator(), next = rest.next()
    for k in 0..<variables {
      if k == next { next = rest.next(); continue }
      columns[k].withUnsafeBufferPointer { others!.add(k, $0) }
    }
  }

  /// Adds the moments of later rows (the same variables, crossed alike).
  mutating func merge(_ o: ScoreMoments) {
    precondition(o.variables == variables && o.crossed == crossed, "score moments of different layouts merged")
    cross.merge(o.cross)
    if let other = o.others { others!.merge(other) }
  }

  /// The moments of every score variable under `policy` (see the type's note for the pairs
  /// outside ``crossed``, which the layout names only under pairwise deletion).
  public func moments(_ policy: MissingDataPolicy) -> CoMoments {
    guard let crossed, let others else { return cross.moments(policy) }
    precondition(policy == .pairwise, "score moments kept for the plan's pairs are pairwise")
    let p = variables
    let kept = cross.moments(.pairwise)
    var counts = others.counts, means = others.means
    var sds = (0..<p).map { others.standardDeviation($0) }
    var covariance = Matrix(rows: p, columns: p, repeating: .nan)
    var correlation = Matrix(rows: p, columns: p, repeating: .nan)
    var pairwiseCounts = [Int](repeating: 0, count: p * p)
    for j in 0..<p where counts[j] > 0 {
      pairwiseCounts[j + j * p] = counts[j]
      guard counts[j] >= 2 else { continue }
      let m2 = others.squares[j]
      covariance[j, j] = m2 <= 0 ? 0 : m2 / Double(counts[j] - 1)
      if m2 > 0 { correlation[j, j] = 1 }
    }
    for (a, j) in crossed.enumerated() {
      counts[j] = kept.counts[a]; means[j] = kept.means[a]; sds[j] = kept.standardDeviations[a]
      for (b, k) in crossed.enumerated() {
        covariance[j, k] = kept.covariance[a, b]
        correlation[j, k] = kept.correlation[a, b]
        pairwiseCounts[j + k * p] = kept.pairwiseCount(a, b)
      }
    }
    // Over the pairs kept (and every variable's own n).
    let minimum = (crossed.flatMap { j in crossed.map { pairwiseCounts[j + $0 * p] } } + counts).min() ?? 0
    return CoMoments(policy: .pairwise, counts: counts, means: means, standardDeviations: sds,
                     covariance: covariance, correlation: correlation, pairwiseCounts: pairwiseCounts,
                     minimumPairwiseN: minimum)
  }
}
