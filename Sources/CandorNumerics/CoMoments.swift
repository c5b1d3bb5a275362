/// How rows with missing values enter a statistic.
///
/// Never defaulted silently: every report prints the policy and the N behind
/// each statistic (design.md §6).
public enum MissingDataPolicy: String, Codable, Sendable, CaseIterable {
  /// Each pair of variables uses the rows where both are present (R
  /// `use = "pairwise.complete.obs"`, psych's default).
  case pairwise
  /// Only rows complete on every variable of the analysis (R `na.omit`).
  case listwise
}

/// Means, standard deviations, covariances and correlations of `p` variables,
/// with the N behind each entry: what the estimators consume.
///
/// Produced by ``CoMomentAccumulator`` from one streaming pass. Under
/// ``MissingDataPolicy/pairwise`` each covariance uses the rows where both
/// variables are present and the means of those rows (as R's
/// `cov(use = "pairwise.complete.obs")`); under ``MissingDataPolicy/listwise``
/// all entries come from the complete rows.
public struct CoMoments: Sendable, Equatable {
  /// The missing-data policy these moments were computed under.
  public var policy: MissingDataPolicy
  /// Observations per variable (listwise: the complete-row count for all).
  public var counts: [Int]
  /// Variable means over `counts`.
  public var means: [Double]
  /// Sample standard deviations (n − 1); NaN when fewer than 2 observations.
  public var standardDeviations: [Double]
  /// Sample covariance matrix (n − 1 per entry); NaN where a pair has < 2 rows.
  public var covariance: Matrix
  /// Pearson correlations; NaN where undefined (a zero SD or < 2 rows).
  public var correlation: Matrix
  /// Rows behind each entry (diagonal = `counts`).
  public var pairwiseCounts: [Int]
  /// The smallest entry of `pairwiseCounts`: the N used where a formula needs one
  /// N under pairwise deletion (Feldt CI, Bartlett, χ², RMSEA, BIC).
  public var minimumPairwiseN: Int

  /// Number of variables.
  public var variables: Int { counts.count }

  /// Rows behind the (i, j) entry.
  public func pairwiseCount(_ i: Int, _ j: Int) -> Int { pairwiseCounts[i + j * counts.count] }

  public init(policy: MissingDataPolicy, counts: [Int], means: [Double], standardDeviations: [Double],
              covariance: Matrix, correlation: Matrix, pairwiseCounts: [Int], minimumPairwiseN: Int) {
    self.policy = policy
    self.counts = counts
    self.means = means
    self.standardDeviations = standardDeviations
    self.covariance = covariance
    self.correlation = correlation
    self.pairwiseCounts = pairwiseCounts
    self.minimumPairwiseN = minimumPairwiseN
  }
}

/// A block of survey rows as numbers: `rows × columns`, **column-major**
/// (`values[r + c * rows]`), `NaN` = missing. Column-major blocks feed BLAS
/// `syrk`/`gemm` directly as an n×p matrix.
public struct RowBlock: Sendable {
  public var rows: Int
  public var columns: Int
  public var values: [Double]

  public init(rows: Int, columns: Int, values: [Double]) {
    precondition(values.count == rows * columns,
                 "a \(rows)×\(columns) block needs \(rows * columns) values, got \(values.count)")
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// A block from row arrays (tests, small data).
  public init(rowArrays: [[Double]]) {
    let n = rowArrays.count, p = rowArrays.first?.count ?? 0
    var v = [Double](repeating: .nan, count: n * p)
    for (i, row) in rowArrays.enumerated() { for j in 0..<p { v[i + j * n] = row[j] } }
    self.init(rows: n, columns: p, values: v)
  }

  @inlinable public subscript(row: Int, column: Int) -> Double {
    get { values[row + column * rows] }
    set { values[row + column * rows] = newValue }
  }
}
