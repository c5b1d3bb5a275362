/// Streaming, mergeable co-moments of `p` variables with missing values: the one
/// pass over the data that means, SDs, covariances and correlations come from.
///
/// Feed it row blocks (column-major n×p, `NaN` = missing) with ``add(_:)``, combine
/// shards with ``merge(_:)`` and read the statistics with ``moments(_:)``:
///
/// ```swift
/// var acc = CoMomentAccumulator(variables: 3)
/// acc.add(RowBlock(rowArrays: [[1, 2, 3], [2, .nan, 4], [4, 5, 4]]))
/// let m = acc.moments(.pairwise)   // m.pairwiseCount(0, 1) == 2
/// ```
///
/// ## What it keeps
///
/// For every pair (j, k), over the rows where **both** are present (pairwise-complete),
/// with n_jk rows:
///
///     n_jk,  S_j|k = Σ x_j,  Q_j|k = Σ x_j²,  P_jk = Σ x_j·x_k
///
/// (the diagonal j = k is the column's own count, sum and sum of squares), and the
/// same for the rows complete on all p variables (listwise). From these,
///
///     mean_j|k = S_j|k / n_jk
///     M2_j|k   = Q_j|k − S_j|k² / n_jk          = Σ (x_j − mean_j|k)²
///     C_jk     = P_jk − S_j|k·S_k|j / n_jk      = Σ (x_j − mean_j|k)(x_k − mean_k|j)
///     cov_jk   = C_jk / (n_jk − 1)
///     cor_jk   = C_jk / √(M2_j|k · M2_k|j)
///
/// which is exactly R's `cov`/`cor(x, use = "pairwise.complete.obs")`: each pair uses
/// its own complete rows *and* the means of those rows. `moments(.listwise)` uses the
/// complete rows for every entry, as R on `na.omit(x)`.
///
/// ## How the sums are computed
///
/// Rows are processed in blocks of at most 4,096. A block is copied zero-filled into a
/// row-major buffer with its complete rows first and a last column of ones; `syrk`
/// over the complete part gives the listwise cross-products (and, through the ones
/// column, sums and counts) and `syrk` over the rest completes Σ x_j·x_k (a zero-filled
/// product is the pairwise product). Pairwise counts, sums and sums of squares need, per
/// missing value (r, k), row r added to column k of a correction table
/// (O(#missing · p): 2 % of one `syrk` when 2 % of values are missing):
/// n_jk = n − N_j − N_k + NN_jk, S_j|k = Σ_j − A_jk, Q_j|k = Σ_j² − B_jk, with N_j the
/// missing values of column j and NN_jk the rows missing both.
///
/// ## Exactness and merging
///
/// - **Integer-coded blocks** (every present value an integer) are multiplied exactly
///   and added into `Int` totals: in Float32 when every column's Σx² over the block is
///   below 2²⁴ (always so for |x| ≤ 64, e.g. Likert items), else in Float64 when it is
///   below 2⁴³ (always so for |x| ≤ 2¹⁵). The bound is checked on the computed `syrk`
///   diagonal: every partial sum is an integer bounded by max_j Σx_j² (Cauchy–Schwarz)
///   and rounding is monotone, so a diagonal below the bound proves the block exact;
///   otherwise the block is redone on the next path. The totals do not depend on how
///   rows were split into blocks or shards, nor on the merge order, so the moments are
///   **bit-identical** for any splitting. The final step evaluates n·Q − S² and
///   n·P − S_j·S_k in exact 128-bit integer arithmetic, so no cancellation occurs.
/// - **Other blocks** (non-integers, or integers too large for the bounds) are shifted
///   by each column's first observed value in the block (Welford with offset, so a
///   large common offset does not cancel), reduced to centred moments about per-column
///   offsets and combined with the pairwise update of Chan, Golub & LeVeque (1979):
///   n = nₐ + n_b, δ = mean_b − meanₐ, mean = meanₐ + δ·n_b/n,
///   M2 = M2ₐ + M2_b + δ²·nₐn_b/n, C = Cₐ + C_b + δ_j·δ_k·nₐn_b/n.
///   Different splittings then agree within about 1e-12 (absolute + relative); the
///   tests check 1e-12 with values around 1e7.
///
/// ## Undefined values
///
/// A column with no present value has count 0 and mean NaN; fewer than 2 rows give a
/// NaN SD/covariance; a zero SD gives covariance 0 and correlation **NaN**, on the
/// diagonal too (R prints 1 on the diagonal there; an undefined correlation stays
/// undefined here). A constant column's centred sum of squares is exactly 0 on both
/// paths: exact integer arithmetic, or a shift by the block's first observed value
/// (Welford with offset), which makes every shifted value exactly 0.
/// Correlations are clamped to [−1, 1] as R does.
///
/// - Complexity: ``add(_:)`` is O(n·p²) (one `syrk`) plus O(#missing·p);
///   ``merge(_:)`` and ``moments(_:)`` are O(p²). Memory O(p²).
public struct CoMomentAccumulator: Sendable, Equatable {
  /// Number of variables (columns), p.
  public let variables: Int
  /// Rows seen (including rows where every value is missing).
  public internal(set) var rows: Int = 0
  /// Rows with no missing value among the p variables.
  public internal(set) var completeRows: Int = 0

  /// Exact integer totals from integer-coded blocks.
  var exact: ExactSums
  /// Centred moments from all other blocks.
  var centred: CentredMoments

  /// An empty accumulator for `variables` columns.
  public init(variables: Int) {
    precondition(variables >= 1, "a co-moment accumulator needs at least 1 variable, got \(variables)")
    self.variables = variables
    exact = ExactSums(variables: variables)
    centred = CentredMoments(variables: variables)
  }

  /// Adds a block of rows (column-major, `NaN` = missing).
  ///
  /// Infinite values are not missing values; they make every moment they touch
  /// non-finite. Exact totals trap on `Int` overflow, which needs more than 2³¹
  /// rows of values near 2¹⁵.
  /// - Complexity: O(n·p²) through BLAS `syrk`, plus O(#missing · p), plus a fixed
  ///   O(p²) per call and per 4,096 rows: feed blocks of thousands of rows, not single rows.
  public mutating func add(_ block: RowBlock) {
    add(block, singlePrecision: true)
  }

  /// ``add(_:)`` with the Float32 path switched off (`singlePrecision: false`): small
  /// integers then go through the exact Float64 path. Same results, bit for bit; for
  /// benchmarks that measure what Float32 buys.
  @_spi(Benchmarks)
  public mutating func add(_ block: RowBlock, singlePrecision: Bool) {
    precondition(block.columns == variables,
                 "cannot add a block of \(block.columns) columns to an accumulator of \(variables) variables")
    block.values.withUnsafeBufferPointer { add(columnMajor: $0, rows: block.rows, singlePrecision: singlePrecision) }
  }

  /// ``add(_:)`` on column-major values held elsewhere (`rows` × ``variables``; e.g. a run
  /// of adjacent columns of a larger block), without copying them into a ``RowBlock``.
  public mutating func add(columnMajor values: UnsafeBufferPointer<Double>, rows: Int) {
    add(columnMajor: values, rows: rows, singlePrecision: true)
  }

  /// ``add(columnMajor:rows:)`` with the values' small-integer **response codes**
  /// alongside (same shape, column-major; ``ResponseCodes``'s meaning): a code c below 254
  /// says the value is exactly `codeMinimum[j] + c` (an integer), 255 that it is missing,
  /// 254 that it is something else (read the value). A block whose codes are all below 254 or 255 is read from
  /// its codes, one byte a value instead of eight, straight into the Float32 rows the
  /// `syrk` multiplies; any other block, from its values. The sums are the same, bit
  /// for bit, as from the values alone. `codeMinimum` must hold integers.
  public mutating func add(columnMajor values: UnsafeBufferPointer<Double>, codes: UnsafeBufferPointer<UInt8>,
                           codeMinimum: [Double], rows: Int) {
    precondition(codes.count == values.count && codeMinimum.count == variables,
                 "codes must have the values' shape and one minimum a variable")
    precondition(codeMinimum.allSatisfy(ResponseCodes.isUsableMinimum), "code minimums must be integers of at most 2²⁰")
    add(columnMajor: values, rows: rows, singlePrecision: true, codes: codes, codeMinimum: codeMinimum.map { Float($0) })
  }

  private mutating func add(columnMajor values: UnsafeBufferPointer<Double>, rows: Int, singlePrecision: Bool,
                            codes: UnsafeBufferPointer<UInt8>? = nil, codeMinimum: [Float] = []) {
    precondition(values.count == rows * variables,
                 "\(values.count) values are not \(rows) rows of \(variables) variables")
    if rows == 0 { return }
    var kernel = BlockKernelPool.shared.take(variables: variables)
    defer { BlockKernelPool.shared.give(kernel) }
    kernel.allowsSinglePrecision = singlePrecision
    var sums = BlockSums(variables: variables)
    var r0 = 0
    codeMinimum.withUnsafeBufferPointer { minimum in
      while r0 < rows {
        let nb = min(BlockKernel.maximumRows, rows - r0)
        kernel.run(values: values.baseAddress!, codes: codes?.baseAddress, codeMinimum: minimum.baseAddress,
                   rows: rows, firstRow: r0, count: nb, into: &sums)
        absorb(sums)
        r0 += nb
      }
    }
  }

  /// Adds the statistics of another accumulator over the same variables, as if its
  /// rows had been added to this one.
  public mutating func merge(_ other: CoMomentAccumulator) {
    precondition(other.variables == variables,
                 "cannot merge an accumulator of \(other.variables) variables into one of \(variables)")
    rows += other.rows
    completeRows += other.completeRows
    exact.add(other.exact)
    centred.merge(other.centred)
  }

  private mutating func absorb(_ s: BlockSums) {
    let p = variables
    rows += s.rows
    completeRows += s.completeRows
    if s.path != .shifted {
      // Every entry is an exact integer held in a Double (< 2⁵³).
      for i in 0..<(p * p) {
        exact.pairCount[i] += s.pairCount[i]
        exact.pairSum[i] += Int(s.pairSum[i])
        exact.pairSquares[i] += Int(s.pairSquares[i])
        exact.cross[i] += Int(s.cross[i])
        exact.completeCross[i] += Int(s.completeCross[i])
      }
      exact.completeCount += s.completeRows
      for j in 0..<p { exact.completeSum[j] += Int(s.completeSum[j]) }
      return
    }
    var block = CentredMoments(variables: p)
    block.offset = s.shift
    for k in 0..<p {
      for j in 0..<p {
        let a = j + k * p, b = k + j * p
        let n = s.pairCount[a]
        block.pairCount[a] = n
        if n == 0 { continue }
        let dn = Double(n)
        block.pairMean[a] = s.pairSum[a] / dn
        block.pairM2[a] = max(0, s.pairSquares[a] - s.pairSum[a] * s.pairSum[a] / dn)
        block.cross[a] = s.cross[a] - s.pairSum[a] * s.pairSum[b] / dn
      }
    }
    for j in 0..<p { block.cross[j + j * p] = block.pairM2[j + j * p] }
    let nc = s.completeRows
    block.completeCount = nc
    if nc > 0 {
      let dn = Double(nc)
      for j in 0..<p { block.completeMean[j] = s.completeSum[j] / dn }
      for k in 0..<p {
        for j in 0..<p {
          block.completeCross[j + k * p] = s.completeCross[j + k * p] - s.completeSum[j] * s.completeSum[k] / dn
        }
        block.completeCross[k + k * p] = max(0, block.completeCross[k + k * p])
      }
    }
    centred.merge(block)
  }

  // MARK: Moments

  /// Means, SDs, covariances and correlations under `policy`, with the N behind each.
  ///
  /// `.pairwise`: entry (j, k) from the rows where both are present (R
  /// `use = "pairwise.complete.obs"`); `counts`, `means`, `standardDeviations` per
  /// column over its own present rows. `.listwise`: everything from the
  /// ``completeRows`` (R on `na.omit(x)`). See the type's documentation for the formulas
  /// and for when an entry is NaN.
  /// - Complexity: O(p²).
  public func moments(_ policy: MissingDataPolicy) -> CoMoments {
    let p = variables
    // Centred part first: its per-column offsets are kept and the exact part is rebased.
    // With integer data only, `total` is the exact part alone (bit-identical).
    var total = centred
    total.merge(exact.centred(variables: p))

    var counts = [Int](repeating: 0, count: p)
    var means = [Double](repeating: .nan, count: p)
    var sds = [Double](repeating: .nan, count: p)
    var covariance = Matrix(rows: p, columns: p, repeating: .nan)
    var correlation = Matrix(rows: p, columns: p, repeating: .nan)
    var pairwiseCounts = [Int](repeating: 0, count: p * p)

    for k in 0..<p {
      for j in 0..<p {
        let a = j + k * p, b = k + j * p
        let n: Int, c: Double, m2j: Double, m2k: Double
        switch policy {
        case .pairwise:
          n = total.pairCount[a]; c = total.cross[a]; m2j = total.pairM2[a]; m2k = total.pairM2[b]
        case .listwise:
          n = total.completeCount; c = total.completeCross[a]
          m2j = total.completeCross[j + j * p]; m2k = total.completeCross[k + k * p]
        }
        pairwiseCounts[a] = n
        if n < 2 { continue }
        let zj = m2j <= 0, zk = m2k <= 0
        covariance[j, k] = (zj || zk) ? 0 : c / Double(n - 1)
        if zj || zk { continue }
        correlation[j, k] = j == k ? 1 : min(1, max(-1, c / (m2j * m2k).squareRoot()))
      }
    }
    for j in 0..<p {
      let n = pairwiseCounts[j + j * p]
      counts[j] = n
      if n > 0 {
        means[j] = total.offset[j] + (policy == .pairwise ? total.pairMean[j + j * p] : total.completeMean[j])
      }
      if n >= 2 { sds[j] = covariance[j, j].squareRoot() }
    }
    return CoMoments(policy: policy, counts: counts, means: means, standardDeviations: sds,
                     covariance: covariance, correlation: correlation, pairwiseCounts: pairwiseCounts,
                     minimumPairwiseN: pairwiseCounts.min() ?? 0)
  }
}

// MARK: - Internal state

/// Exact integer totals (p×p arrays column-major, `[j + k·p]`).
struct ExactSums: Sendable, Equatable {
  var pairCount: [Int]
  var pairSum: [Int]
  var pairSquares: [Int]
  var cross: [Int]
  var completeCount = 0
  var completeSum: [Int]
  var completeCross: [Int]

  init(variables p: Int) {
    pairCount = .init(repeating: 0, count: p * p)
    pairSum = pairCount; pairSquares = pairCount; cross = pairCount; completeCross = pairCount
    completeSum = .init(repeating: 0, count: p)
  }

  mutating func add(_ o: ExactSums) {
    for i in pairCount.indices {
      pairCount[i] += o.pairCount[i]
      pairSum[i] += o.pairSum[i]
      pairSquares[i] += o.pairSquares[i]
      cross[i] += o.cross[i]
      completeCross[i] += o.completeCross[i]
    }
    completeCount += o.completeCount
    for j in completeSum.indices { completeSum[j] += o.completeSum[j] }
  }

  /// The same statistics as centred moments: M2 = (n·Q − S²)/n and
  /// C = (n·P − S_j·S_k)/n with the numerators exact (128-bit).
  func centred(variables p: Int) -> CentredMoments {
    var m = CentredMoments(variables: p)
    for k in 0..<p {
      for j in 0..<p {
        let a = j + k * p, b = k + j * p
        let n = pairCount[a]
        m.pairCount[a] = n
        if n == 0 { continue }
        let dn = Double(n)
        m.pairMean[a] = Double(pairSum[a]) / dn
        m.pairM2[a] = exactDifference(n, pairSquares[a], pairSum[a], pairSum[a]) / dn
        m.cross[a] = exactDifference(n, cross[a], pairSum[a], pairSum[b]) / dn
      }
    }
    let n = completeCount
    m.completeCount = n
    if n > 0 {
      let dn = Double(n)
      for j in 0..<p { m.completeMean[j] = Double(completeSum[j]) / dn }
      for k in 0..<p {
        for j in 0..<p {
          m.completeCross[j + k * p] = exactDifference(n, completeCross[j + k * p], completeSum[j], completeSum[k]) / dn
        }
      }
    }
    return m
  }
}

/// a·b − c·d evaluated exactly in 128-bit two's complement, rounded to Double.
func exactDifference(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double {
  let x = a.multipliedFullWidth(by: b)
  let y = c.multipliedFullWidth(by: d)
  let (lo, borrow) = x.low.subtractingReportingOverflow(y.low)
  let hi = x.high &- y.high &- (borrow ? 1 : 0)
  if (hi == 0 && lo < (1 << 63)) || (hi == -1 && lo >= (1 << 63)) {
    return Double(Int(bitPattern: lo))
  }
  return Double(hi) * 0x1p64 + Double(lo)
}

/// Centred moments merged with Chan, Golub & LeVeque's pairwise update.
/// `pairMean[j + k·p]` is the mean of x_j over the rows where j and k are present,
/// **minus `offset[j]`**, `pairM2` its centred sum of squares, `cross` the symmetric
/// co-moment C_jk (diagonal = M2_j). Listwise: one count, p means (minus the
/// offsets), p×p co-moments.
///
/// The offsets (a column's first observed value) keep the stored means small, so the
/// mean difference δ in the update is computed without cancellation even when all
/// values share a large offset (1e7 + noise): δ = (o_b − o_a) + (m_b − m_a), where
/// o_b − o_a is exact for nearby offsets (Sterbenz).
struct CentredMoments: Sendable, Equatable {
  var offset: [Double]
  var pairCount: [Int]
  var pairMean: [Double]
  var pairM2: [Double]
  var cross: [Double]
  var completeCount = 0
  var completeMean: [Double]
  var completeCross: [Double]

  init(variables p: Int) {
    pairCount = .init(repeating: 0, count: p * p)
    pairMean = .init(repeating: 0, count: p * p)
    pairM2 = pairMean; cross = pairMean; completeCross = pairMean
    completeMean = .init(repeating: 0, count: p)
    offset = completeMean
  }

  var isEmpty: Bool { completeCount == 0 && !pairCount.contains { $0 != 0 } }

  mutating func merge(_ o: CentredMoments) {
    let p = completeMean.count
    if o.isEmpty { return }
    if isEmpty { self = o; return }
    // shift[j] = o.offset[j] − offset[j]; a column without data here adopts o's offset.
    var shift = [Double](repeating: 0, count: p)
    for j in 0..<p where o.pairCount[j + j * p] > 0 {
      if pairCount[j + j * p] == 0 { offset[j] = o.offset[j] } else { shift[j] = o.offset[j] - offset[j] }
    }
    for k in 0..<p {
      for j in 0...k {
        let a = j + k * p, b = k + j * p
        let nb = o.pairCount[a]
        if nb == 0 { continue }
        let na = pairCount[a]
        if na == 0 {
          pairCount[a] = nb; pairCount[b] = nb
          pairMean[a] = o.pairMean[a] + shift[j]; pairMean[b] = o.pairMean[b] + shift[k]
          pairM2[a] = o.pairM2[a]; pairM2[b] = o.pairM2[b]
          cross[a] = o.cross[a]; cross[b] = o.cross[b]
          continue
        }
        let n = na + nb
        let dn = Double(n), wb = Double(nb) / dn, f = Double(na) * Double(nb) / dn
        let dj = shift[j] + (o.pairMean[a] - pairMean[a])
        let dk = shift[k] + (o.pairMean[b] - pairMean[b])
        let c = cross[a] + o.cross[a] + dj * dk * f
        cross[a] = c; cross[b] = c
        pairM2[a] += o.pairM2[a] + dj * dj * f
        pairMean[a] += dj * wb
        if a != b {
          pairM2[b] += o.pairM2[b] + dk * dk * f
          pairMean[b] += dk * wb
        }
        pairCount[a] = n; pairCount[b] = n
      }
    }
    let nb = o.completeCount
    if nb == 0 { return }
    let na = completeCount
    if na == 0 {
      completeCount = nb; completeCross = o.completeCross
      for j in 0..<p { completeMean[j] = o.completeMean[j] + shift[j] }
      return
    }
    let dn = Double(na + nb), wb = Double(nb) / dn, f = Double(na) * Double(nb) / dn
    let delta = (0..<p).map { shift[$0] + (o.completeMean[$0] - completeMean[$0]) }
    for k in 0..<p {
      for j in 0..<p { completeCross[j + k * p] += o.completeCross[j + k * p] + delta[j] * delta[k] * f }
    }
    for j in 0..<p { completeMean[j] += delta[j] * wb }
    completeCount = na + nb
  }
}
