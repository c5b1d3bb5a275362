import CandorNumerics
import Foundation

/// Why a logistic regression cannot be fitted.
public enum LogisticRegressionError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The outcome holds a value other than 0, 1 or missing.
  case outcomeNotBinary(outcome: String, value: Double)
  /// Columns of different lengths were passed.
  case lengthMismatch(column: String, expected: Int, found: Int)
  /// No usable rows, or only one outcome class among them.
  case noVariation(outcome: String, n: Int, events: Int)
  /// XᵀWX is singular: a predictor is constant or a linear function of others.
  case collinearPredictors(names: [String])

  public var description: String {
    switch self {
    case .outcomeNotBinary(let o, let v):
      return "outcome '\(o)' must be coded 0/1 (check its `event:` values in the codebook), found \(v)"
    case .lengthMismatch(let c, let e, let f):
      return "column '\(c)' has \(f) values, the outcome has \(e): every column needs one value per respondent"
    case .noVariation(let o, let n, let e):
      return "outcome '\(o)' has \(e) events among \(n) complete rows: a logistic model needs both outcomes"
    case .collinearPredictors(let names):
      return "the predictors \(names.joined(separator: ", ")) are collinear (or one is constant): drop one"
    }
  }
}

/// One coefficient of a logistic model, on the odds-ratio scale for reports.
public struct LogisticTerm: Codable, Sendable, Equatable {
  public var name: String
  /// exp(estimate).
  @FiniteOrNull public var oddsRatio: Double
  /// Wald interval exp(β ± z₀.₉₇₅·se).
  @FiniteOrNullArray public var ci95: [Double]
  /// Two-sided Wald p, 2·P(Z > |z|).
  @FiniteOrNull public var p: Double
  /// β on the log-odds scale.
  @FiniteOrNull public var estimate: Double
  /// Standard error (model-based, or CR1 cluster-robust when a cluster was given).
  @FiniteOrNull public var se: Double
  /// z = β/se.
  @FiniteOrNull public var z: Double
  /// SD of the predictor over the rows used (n − 1; NaN for the intercept).
  @FiniteOrNull public var sd: Double
  /// Odds ratio per one SD of the predictor, exp(β·sd), and its Wald interval
  /// exp((β ± z₀.₉₇₅·se)·sd): comparable across predictors (domain.md §4.3).
  @FiniteOrNull public var oddsRatioPerSD: Double
  @FiniteOrNullArray public var ci95PerSD: [Double]
}

/// A retention model (design.md §7 `retention[]`): fields in contract order
/// first (outcome, n, events, cluster, terms, converged), provenance after.
public struct RetentionResult: Codable, Sendable, Equatable {
  public var outcome: String
  /// Rows complete on the outcome, every predictor and the cluster.
  public var n: Int
  /// Rows with outcome 1.
  public var events: Int
  /// The grouping behind cluster-robust standard errors, nil for model-based ones.
  public var cluster: String?
  /// Predictors and covariates, in the order given (the intercept is in `intercept`).
  public var terms: [LogisticTerm]
  public var converged: Bool
  public var intercept: LogisticTerm
  public var iterations: Int
  /// Residual deviance −2·log L.
  @FiniteOrNull public var deviance: Double
  /// Deviance of the intercept-only model.
  @FiniteOrNull public var nullDeviance: Double
  /// Number of clusters (0 without a cluster).
  public var clusters: Int
  /// "model" or "CR1" (sandwich::vcovCL type "HC1").
  public var standardErrors: String
  public var warnings: [AnalysisWarning]
}

/// Binary logistic regression by iteratively reweighted least squares.
///
/// Model logit P(y = 1) = β₀ + Σ βⱼxⱼ, fitted as R `glm(family = binomial)`:
/// start μ = (y + ½)/2, then repeat β ← (XᵀWX)⁻¹XᵀWz with w = μ(1 − μ),
/// z = η + (y − μ)/w (Cholesky solve, LAPACK `dposv`). Stops when
/// max|Δβⱼ|/(|βⱼ| + 0.1) < `tolerance` or the deviance changes by less than
/// 1e-15 relative (R: |Δdev|/(|dev| + 0.1) < 1e-8 — Candor iterates further,
/// so results match a tightly converged `glm`).
///
/// **Memory**: rows are streamed in blocks of `blockSize`; each block's
/// √w·X goes through BLAS `dsyrk` (XᵀWX) and `dgemv` (XᵀWz): O(block·p) extra
/// memory, nothing of size n × n. Rows with a missing value in the outcome, a
/// predictor or the cluster (negative index) are skipped (listwise).
///
/// **Cluster-robust (CR1)** standard errors, as
/// `sandwich::vcovCL(fit, cluster = ~g, type = "HC1")`:
/// V = A⁻¹ (Σ_g U_g U_gᵀ) A⁻¹ · G/(G − 1) · (N − 1)/(N − K), with A = XᵀWX at
/// the estimate and U_g = Σ_{i∈g} xᵢ(yᵢ − μᵢ).
public enum LogisticRegression {
  /// Settings of the IRLS loop.
  public struct Options: Sendable {
    public var maxIterations: Int = 50
    public var tolerance: Double = 1e-10
    public var blockSize: Int = 8192
    /// Rows per unit of parallel work. Each IRLS pass sums its chunks' XᵀWX, XᵀWz and
    /// deviance in chunk order, so the fit is the same on any number of threads. At most
    /// 65,536 (larger values are taken as that).
    public var chunkRows: Int = 1 << 16
    /// Threads for the IRLS passes (1 = the calling thread only).
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Whether the converging IRLS pass may serve as the final pass (default); false makes
    /// a separate pass at the estimate (tests compare the two).
    var reusesConvergingPass = true
    public init(maxIterations: Int = 50, tolerance: Double = 1e-10, blockSize: Int = 8192,
                chunkRows: Int = 1 << 16, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
      self.maxIterations = maxIterations; self.tolerance = tolerance; self.blockSize = blockSize
      self.chunkRows = chunkRows; self.threads = threads
    }
  }

  /// Fits the model and reports odds ratios.
  ///
  /// - Parameters:
  ///   - outcome: 0/1 per respondent, NaN = missing.
  ///   - predictors: one column per predictor or covariate, NaN = missing.
  ///   - cluster: group index per respondent (negative = missing) for CR1 SEs.
  /// - Complexity: O(iterations · n · p²) time, O(p² + G·p) memory beyond the inputs.
  public static func fit(outcome: [Double], outcomeName: String, predictors: [[Double]], names: [String],
                         cluster: [Int32]? = nil, clusterName: String? = nil,
                         options: Options = Options()) throws -> RetentionResult {
    try fitColumns(outcome: outcome, outcomeName: outcomeName, predictors: predictors, names: names,
                   cluster: cluster, clusterName: clusterName, options: options)
  }

  /// The same fit on compact single-precision columns (half the memory at 5M
  /// rows); all arithmetic is in Double.
  @_disfavoredOverload
  public static func fit(outcome: [Float], outcomeName: String, predictors: [[Float]], names: [String],
                         cluster: [Int32]? = nil, clusterName: String? = nil,
                         options: Options = Options()) throws -> RetentionResult {
    try fitColumns(outcome: outcome, outcomeName: outcomeName, predictors: predictors, names: names,
                   cluster: cluster, clusterName: clusterName, options: options)
  }

  /// The same fit on the compact columns a pass keeps per respondent (one byte a row for
  /// a 0/1 outcome or an integer covariate, Float32 for scores; two bytes a row for the
  /// cluster index); all arithmetic is in Double.
  public static func fit(outcome: CompactColumn, outcomeName: String, predictors: [CompactColumn], names: [String],
                         cluster: CompactGroupIndex? = nil, clusterName: String? = nil,
                         options: Options = Options()) throws -> RetentionResult {
    try fitColumns(outcome: outcome, outcomeName: outcomeName, predictors: predictors, names: names,
                   cluster: cluster, clusterName: clusterName, options: options)
  }

  static func fitColumns<C: BinaryFloatingPoint & Sendable>(
    outcome column: [C], outcomeName: String, predictors columns: [[C]], names: [String],
    cluster: [Int32]?, clusterName: String?, options: Options
  ) throws -> RetentionResult {
    try fitColumns(outcome: ArrayColumn(column), outcomeName: outcomeName, predictors: columns.map { ArrayColumn($0) },
                   names: names, cluster: cluster.map { ArrayGroupIndex($0) }, clusterName: clusterName, options: options)
  }

  static func fitColumns<Column: RealColumn, Cluster: GroupIndexColumn>(
    outcome: Column, outcomeName: String, predictors: [Column], names: [String],
    cluster: Cluster?, clusterName: String?, options: Options
  ) throws -> RetentionResult {
    precondition(predictors.count == names.count, "\(names.count) names for \(predictors.count) predictors")
    let rows = outcome.count
    for (c, name) in zip(predictors, names) where c.count != rows {
      throw LogisticRegressionError.lengthMismatch(column: name, expected: rows, found: c.count)
    }
    if let cluster, cluster.count != rows {
      throw LogisticRegressionError.lengthMismatch(column: clusterName ?? "cluster", expected: rows, found: cluster.count)
    }
    let k = predictors.count + 1
    let blockSize = max(1, options.blockSize)
    // At most 65,536 rows a chunk: the passes keep a chunk's usable rows as 2-byte offsets.
    let chunkRows = min(max(blockSize, options.chunkRows), 1 << 16)
    let chunks = (rows + chunkRows - 1) / chunkRows
    @Sendable func rowsOf(_ c: Int) -> Range<Int> { (c * chunkRows)..<min(rows, (c + 1) * chunkRows) }
    /// `body` over the `first` chunks (all by default), `options.threads` at a time; `combine` takes the
    /// results in chunk order (so sums do not depend on the thread count), and at most
    /// `options.threads` results are held at once.
    func inChunkOrder<T>(first limit: Int = chunks, _ body: @escaping @Sendable (Range<Int>) -> T, _ combine: (T) -> Void) {
      let width = max(1, min(options.threads, limit))
      var first = 0
      while first < limit {
        let count = min(width, limit - first)
        let round = ChunkResults<T>(count: count)
        if count > 1 {
          let base = first
          DispatchQueue.concurrentPerform(iterations: count) { c in round.set(c, body(rowsOf(base + c))) }
        } else {
          round.set(0, body(rowsOf(first)))
        }
        for case let value? in round.values { combine(value) }
        first += count
      }
    }
    /// The usable rows of `range` from `next` on (outcome, every predictor and the cluster
    /// present: listwise), up to blockSize of them, into `x` (predictors, column-major,
    /// blockSize a column), `y` and `g` (cluster); the number gathered. Each row's values
    /// are read once, into the next free slot, which the next row reuses when one of them
    /// is missing. The one definition of a usable row: the counting pass keeps the rows it
    /// finds (`rows`, offsets in the chunk), which every IRLS pass then reads by index.
    @Sendable func gather(_ range: Range<Int>, from next: inout Int, x: UnsafeMutablePointer<Double>,
                          y: UnsafeMutablePointer<Double>, g: UnsafeMutablePointer<Int>,
                          rows: UnsafeMutablePointer<UInt16>) -> Int {
      var filled = 0
      while next < range.upperBound && filled < blockSize {
        let i = next
        next += 1
        let yi = outcome[i]
        if yi.isNaN { continue }
        var complete = true
        for j in 1..<k {
          let v = predictors[j - 1][i]
          if v.isNaN { complete = false; break }
          x[(j - 1) * blockSize + filled] = v
        }
        if !complete { continue }
        if let cluster {
          let c = cluster[i]
          if c < 0 { continue }
          g[filled] = c
        }
        y[filled] = yi
        rows[filled] = UInt16(truncatingIfNeeded: i - range.lowerBound)
        filled += 1
      }
      return filled
    }
    /// Buffers for ``gather``: x, y and g of one block.
    @Sendable func blockBuffers() -> (x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>, g: UnsafeMutablePointer<Int>) {
      (.allocate(capacity: blockSize * max(1, k - 1)), .allocate(capacity: blockSize), .allocate(capacity: blockSize))
    }
    // One counting pass: n, events, the largest cluster index (the cluster scores' size),
    // the predictor sums (the means of the SDs below), and each chunk's usable rows, which
    // every IRLS pass then reads by index, a column at a time, without testing each row
    // again (offsets in the chunk, 2 bytes a usable row; the same rows, in the same blocks,
    // as before).
    var n = 0, events = 0, maxIndex = 0
    var notBinary: Double? = nil
    var means = [Double](repeating: 0, count: k)
    var usableRows: [[UInt16]] = []
    usableRows.reserveCapacity(chunks)
    inChunkOrder({ range -> (n: Int, events: Int, notBinary: Double?, top: Int, sums: [Double], rows: [UInt16]) in
      var n = 0, events = 0, top = 0
      var sums = [Double](repeating: 0, count: k)
      var usable: [UInt16] = []
      let (x, y, g) = blockBuffers()
      let rows = UnsafeMutablePointer<UInt16>.allocate(capacity: blockSize)
      defer { x.deallocate(); y.deallocate(); g.deallocate(); rows.deallocate() }
      var next = range.lowerBound
      while next < range.upperBound {
        let filled = gather(range, from: &next, x: x, y: y, g: g, rows: rows)
        usable.append(contentsOf: UnsafeBufferPointer(start: rows, count: filled))
        for r in 0..<filled {
          let yr = y[r]
          if yr != 0 && yr != 1 { return (n, events, yr, top, sums, usable) }
          n += 1; if yr == 1 { events += 1 }
          if cluster != nil { top = max(top, g[r]) }
          for j in 1..<k { sums[j] += x[(j - 1) * blockSize + r] }
        }
      }
      return (n, events, nil, top, sums, usable)
    }, { part in
      n += part.n; events += part.events
      if notBinary == nil { notBinary = part.notBinary }
      maxIndex = max(maxIndex, part.top)
      for j in 1..<k { means[j] += part.sums[j] }
      usableRows.append(part.rows)
    })
    if let y = notBinary { throw LogisticRegressionError.outcomeNotBinary(outcome: outcomeName, value: y) }
    if n == 0 || events == 0 || events == n {
      throw LogisticRegressionError.noVariation(outcome: outcomeName, n: n, events: events)
    }

    let groups = cluster == nil ? 0 : maxIndex + 1
    for j in 1..<k { means[j] /= Double(n) }
    let centre = means
    let usable = usableRows
    /// One chunk's share of a pass at `beta` (nil = glm's start μ = (y + ½)/2); when `final`
    /// (the pass at the estimate) also its cluster scores U_g = Σ_{i∈g} xᵢ(yᵢ − μᵢ) and the
    /// predictors' squared deviations from their means (the SDs of the odds ratios per
    /// SD), so the estimate needs one pass, not three.
    @Sendable func passChunk(_ beta: [Double]?, _ range: Range<Int>, final: Bool) -> (part: PassPart, extras: FinalExtras) {
      var extras = FinalExtras(groups: final ? groups : 0, k: final ? k : 0)
      var block = Matrix(rows: blockSize, columns: k)
      var zw = [Double](repeating: 0, count: blockSize)
      var a = Matrix(rows: k, columns: k)
      var b = [Double](repeating: 0, count: k)
      var deviance = 0.0
      var extreme = false
      // A block's usable rows, one buffer per quantity: each step below is a loop over
      // the block, so the exp and log calls of different rows overlap in the CPU instead
      // of waiting on one row's chain (per row, the same operations in the same order).
      // Buffers through pointers, so the element-wise loops are vector loops.
      let (x, y, g) = blockBuffers()  // x: predictors, column-major
      let eta = UnsafeMutablePointer<Double>.allocate(capacity: blockSize)
      let mu = UnsafeMutablePointer<Double>.allocate(capacity: blockSize)
      let terms = UnsafeMutablePointer<Double>.allocate(capacity: blockSize)
      defer { x.deallocate(); y.deallocate(); g.deallocate(); eta.deallocate(); mu.deallocate(); terms.deallocate() }
      let chunkUsable = usable[range.lowerBound / chunkRows]
      var start = 0
      while start < chunkUsable.count {
        let filled = min(blockSize, chunkUsable.count - start)
        chunkUsable.withUnsafeBufferPointer { all in
          let rows = all.baseAddress! + start
          let base = range.lowerBound
          for j in 1..<k { predictors[j - 1].gather(rows, from: base, count: filled, into: x + (j - 1) * blockSize) }
          outcome.gather(rows, from: base, count: filled, into: y)
          cluster?.gather(rows, from: base, count: filled, into: g)
        }
        start += filled
        if let beta {
          for r in 0..<filled { eta[r] = beta[0] }
          for j in 1..<k {
            let bj = beta[j], column = x + (j - 1) * blockSize
            for r in 0..<filled { eta[r] += bj * column[r] }
          }
        } else {
          for r in 0..<filled { eta[r] = y[r] == 1 ? log(3.0) : -log(3.0) }
        }
        // `mu` holds e = e^(−η) first; the next loops turn it into μ = 1/(1 + e). Each row's
        // deviance term is 2·log1p(e) when y = 1 (−2 log μ) and 2·log1p(1/e) when y = 0
        // (−2 log(1 − μ), as 1 − μ = 1/(1 + 1/e)): no cancellation for any η, and a
        // fitted 0 or 1 gives +∞ as before. exp and log1p run on vectors of rows
        // (``VectorMath``): they were ~40 % of the passes' time one row at a time.
        for r in 0..<filled { mu[r] = -eta[r] }
        VectorMath.exp(mu, into: mu, count: filled)
        for r in 0..<filled { terms[r] = y[r] == 1 ? mu[r] : 1 / mu[r] }
        VectorMath.log1p(terms, into: terms, count: filled)
        let eps = 10 * Double.ulpOfOne
        block.storage.withUnsafeMutableBufferPointer { weighted in
          zw.withUnsafeMutableBufferPointer { zw in
            // Three loops of the same per-row operations, so each is a vector loop (the
            // test for fitted 0/1 probabilities, inside, kept the divisions and square
            // roots scalar).
            for r in 0..<filled { mu[r] = 1 / (1 + mu[r]) }
            var extremes = 0
            for r in 0..<filled { extremes &+= mu[r] < eps || mu[r] > 1 - eps ? 1 : 0 }
            if extremes > 0 { extreme = true }
            let weighted = weighted.baseAddress!, zw = zw.baseAddress!
            for r in 0..<filled {
              let m = mu[r]
              let w = max(m * (1 - m), Double.leastNormalMagnitude)
              let z = eta[r] + (y[r] - m) / w
              let sw = w.squareRoot()
              weighted[r] = sw
              zw[r] = sw * z
            }
            for j in 1..<k {
              let column = x + (j - 1) * blockSize, out = weighted + j * blockSize
              for r in 0..<filled { out[r] = weighted[r] * column[r] }
            }
          }
        }
        for r in 0..<filled { deviance += 2 * terms[r] }
        if final {
          extras.scores.withUnsafeMutableBufferPointer { scores in
            extras.squares.withUnsafeMutableBufferPointer { squares in
              for r in 0..<filled {
                if cluster != nil {
                  let residual = y[r] - mu[r]
                  let c = g[r]
                  extras.seen[c] = true
                  scores[c * k] += residual
                  for j in 1..<k { scores[c * k + j] += residual * x[(j - 1) * blockSize + r] }
                }
                for j in 1..<k { let d = x[(j - 1) * blockSize + r] - centre[j]; squares[j] += d * d }
              }
            }
          }
        }
        let xb = filled == blockSize ? block
          : Matrix(rows: filled, columns: k, columnMajor: (0..<k).flatMap { j in block.storage[(j * blockSize)..<(j * blockSize + filled)] })
        a = a + LinearAlgebra.crossProduct(xb)
        let xz = LinearAlgebra.multiply(xb, Array(zw[0..<filled]), transpose: true)
        for j in 0..<k { b[j] += xz[j] }
      }
      return ((a, b, deviance, extreme), extras)
    }

    /// One pass at `beta`: XᵀWX, XᵀWz, deviance (and the final pass's extras) — chunks on
    /// `options.threads` threads, summed in chunk order.
    func pass(_ beta: [Double]?, chunks limit: Int = chunks, final: Bool = false) -> (part: PassPart, extras: FinalExtras) {
      var a = Matrix(rows: k, columns: k)
      var b = [Double](repeating: 0, count: k)
      var deviance = 0.0
      var extreme = false
      var extras = FinalExtras(groups: final ? groups : 0, k: final ? k : 0)
      inChunkOrder(first: limit, { range in passChunk(beta, range, final: final) }, { chunk in
        a = a + chunk.part.a
        for j in 0..<k { b[j] += chunk.part.b[j] }
        deviance += chunk.part.deviance
        extreme = extreme || chunk.part.extreme
        extras.add(chunk.extras)
      })
      return ((a, b, deviance, extreme), extras)
    }

    let allNames = ["(Intercept)"] + names
    /// IRLS over the first `limit` chunks from `start` (nil = glm's start), until the largest
    /// relative change of a coefficient is below `tolerance` (or the deviance stops changing).
    /// With `speculative`, a pass made once the previous change was below √tolerance also
    /// gathers the final pass's extras: IRLS converges quadratically, so that pass is
    /// usually the last, and when it is, it serves as the final pass (`last`).
    func irls(limit: Int, from start: [Double]?, tolerance: Double, speculative: Bool = false) throws
      -> (beta: [Double]?, converged: Bool, iterations: Int, collapsed: Bool, history: [[Double]],
          last: (part: PassPart, extras: FinalExtras)?) {
      var beta = start
      var converged = false, iterations = 0
      var previousDeviance = Double.infinity
      var previousChange = Double.infinity
      var history: [[Double]] = []
      var collapsed = false
      var last: (part: PassPart, extras: FinalExtras)? = nil
      while iterations < options.maxIterations {
        let withExtras = speculative && previousChange < tolerance.squareRoot()
        let result = pass(beta, chunks: limit, final: withExtras)
        let (a, b, deviance, _) = result.part
        let next: [Double]
        do { next = try LinearAlgebra.solveSPD(a, Matrix(rows: k, columns: 1, columnMajor: b)).storage }
        catch {
          // At the start XᵀWX is well scaled, so failure means collinear predictors;
          // later it means the weights collapsed (fitted probabilities → 0/1).
          if beta == nil { throw LogisticRegressionError.collinearPredictors(names: names) }
          collapsed = true
          break
        }
        iterations += 1
        if let old = beta {
          var change = 0.0
          for j in 0..<k { change = max(change, abs(next[j] - old[j]) / (abs(next[j]) + 0.1)) }
          if change < tolerance || abs(deviance - previousDeviance) / (abs(deviance) + 0.1) < 1e-15 {
            beta = next; converged = true
            if withExtras { last = result }
            break
          }
          previousChange = change
        }
        previousDeviance = deviance
        beta = next
        history.append(next)
      }
      return (beta, converged, iterations, collapsed, history, last)
    }
    // From 8 chunks (512k rows) on, start from the fit to the first two chunks: the full
    // data then need ~4 iterations instead of ~7, and land on the same maximum (IRLS
    // converges quadratically, so the start does not move the estimate beyond 1e-14). The
    // start needs no more precision than 1e-5: the two chunks' own maximum is further than
    // that from the full data's (their sampling error), so two more iterations of them
    // would change nothing but the time.
    var warm: [Double]? = nil
    if chunks >= 8, let sub = try? irls(limit: 2, from: nil, tolerance: max(options.tolerance, 1e-5)),
       sub.converged, !sub.collapsed, let b = sub.beta, b.allSatisfy(\.isFinite) {
      warm = b
    }
    let fit = try irls(limit: chunks, from: warm, tolerance: options.tolerance, speculative: options.reusesConvergingPass)
    let beta = fit.beta, converged = fit.converged, iterations = fit.iterations
    let weightsCollapsed = fit.collapsed, coefficientHistory = fit.history
    let estimate = beta!
    // The pass at the estimate: information matrix, deviance, fitted extremes, cluster
    // scores and the predictors' squared deviations. When the converging pass gathered
    // them, it is that pass, at the previous coefficients: they differ from the estimate
    // by less than the tolerance, so the information, scores and deviance do too (relative
    // ~1e-14; glm's own covariance is from that pass's weights as well).
    let (final, extras) = fit.last ?? pass(estimate, final: true)
    let scores = extras.scores, seen = extras.seen, squares = extras.squares
    let inverse: Matrix
    if let v = try? LinearAlgebra.inverseSPD(final.a) { inverse = v } else {
      if !weightsCollapsed && !final.extreme { throw LogisticRegressionError.collinearPredictors(names: names) }
      inverse = Matrix(rows: k, columns: k, repeating: .nan)
    }

    var warnings: [AnalysisWarning] = []
    if !converged {
      warnings.append(AnalysisWarning(code: "not-converged", message:
        "The logistic model of '\(outcomeName)' did not converge in \(iterations) iterations; estimates are unreliable."))
    }
    if final.extreme || weightsCollapsed {
      warnings.append(AnalysisWarning(code: "separation", message:
        "Fitted probabilities of 0 or 1 occurred in the model of '\(outcomeName)': a predictor (quasi-)separates the outcome, so its odds ratio and CI are not meaningful."))
    } else if !converged, coefficientHistory.count >= 3 {
      let last = coefficientHistory.suffix(3).map { $0.map(abs).max()! }
      if last[2] > last[1] && last[1] > last[0] && last[2] > 10 {
        warnings.append(AnalysisWarning(code: "separation", message:
          "Coefficients of the model of '\(outcomeName)' keep growing: a predictor (quasi-)separates the outcome."))
      }
    }

    var covariance = inverse
    var clusters = 0
    if cluster != nil {
      // meat from the cluster scores U_g of the final pass.
      clusters = seen.filter { $0 }.count
      // meat = Σ_g U_g U_gᵀ = SᵀS with S the G×k matrix of cluster scores.
      let s = Matrix(rows: k, columns: maxIndex + 1, columnMajor: scores).transposed
      let meat = LinearAlgebra.crossProduct(s)
      let g = Double(clusters), nn = Double(n), kk = Double(k)
      let adjustment = clusters > 1 ? g / (g - 1) * (nn - 1) / (nn - kk) : .nan
      covariance = adjustment * (inverse * meat * inverse)
      if clusters < 20 {
        warnings.append(AnalysisWarning(code: "few-clusters", message:
          "Only \(clusters) clusters in '\(clusterName ?? "cluster")': cluster-robust standard errors are unreliable below about 20 clusters."))
      }
    }

    // Predictor SDs over the rows used (two-pass: the sums from the counting pass, the
    // squared deviations from the final pass), for odds ratios per SD.
    var sds = [Double](repeating: .nan, count: k)
    for j in 1..<k { sds[j] = (squares[j] / Double(n - 1)).squareRoot() }
    let q = Normal.quantile(0.975)
    func term(_ j: Int) -> LogisticTerm {
      let b = estimate[j], se = covariance[j, j].squareRoot(), z = b / se, sd = sds[j]
      return LogisticTerm(name: allNames[j], oddsRatio: exp(b), ci95: [exp(b - q * se), exp(b + q * se)],
                          p: 2 * Normal.survival(abs(z)), estimate: b, se: se, z: z, sd: sd,
                          oddsRatioPerSD: exp(b * sd), ci95PerSD: [exp((b - q * se) * sd), exp((b + q * se) * sd)])
    }
    let rate = Double(events) / Double(n)
    let nullDeviance = -2 * (Double(events) * log(rate) + Double(n - events) * log1p(-rate))
    return RetentionResult(outcome: outcomeName, n: n, events: events, cluster: cluster == nil ? nil : clusterName,
                           terms: (1..<k).map(term), converged: converged, intercept: term(0),
                           iterations: iterations, deviance: final.deviance, nullDeviance: nullDeviance,
                           clusters: clusters, standardErrors: cluster == nil ? "model" : "CR1", warnings: warnings)
  }
}

/// One chunk's share of an IRLS pass: XᵀWX, XᵀWz, deviance, and whether a fitted
/// probability reached 0 or 1.
typealias PassPart = (a: Matrix, b: [Double], deviance: Double, extreme: Bool)

/// What the final pass adds: cluster scores (groups × k, row-major), which clusters
/// occur, and the predictors' squared deviations from their means (k, the intercept's 0).
/// Empty (`groups` = `k` = 0) in the other passes.
struct FinalExtras: Sendable {
  var scores: [Double]
  var seen: [Bool]
  var squares: [Double]

  init(groups: Int, k: Int) {
    scores = [Double](repeating: 0, count: groups * k)
    seen = [Bool](repeating: false, count: groups)
    squares = [Double](repeating: 0, count: k)
  }

  /// Adds a later chunk's extras.
  mutating func add(_ o: FinalExtras) {
    for q in scores.indices { scores[q] += o.scores[q] }
    for g in seen.indices where o.seen[g] { seen[g] = true }
    for j in squares.indices { squares[j] += o.squares[j] }
  }
}
