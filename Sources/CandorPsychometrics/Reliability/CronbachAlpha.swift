import CandorNumerics
import Foundation

/// Why a reliability analysis could not run. Each case says what to do.
public enum ReliabilityError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Fewer than two non-constant items remain.
  case tooFewItems(scale: String, usable: Int)
  /// A pair of items has fewer than two rows in common, so its covariance is undefined.
  case undefinedCovariance(scale: String, itemA: String, itemB: String)
  /// The names, columns or frequencies given do not line up.
  case invalidInput(String)

  public var description: String {
    switch self {
    case let .tooFewItems(scale, usable):
      return "Scale \(scale) has \(usable) item(s) with variance; alpha needs at least two. Check the item list and the keying."
    case let .undefinedCovariance(scale, a, b):
      return "Items \(a) and \(b) of scale \(scale) were answered together by fewer than two respondents, so alpha is undefined under pairwise deletion. Use --missing listwise or drop one of the items."
    case let .invalidInput(message):
      return message
    }
  }
}

/// Cronbach's α and its item analysis from sufficient statistics (a ``CoMoments``), as
/// `psych::alpha` 2.2.9 — no raw data needed.
///
/// For the k non-constant items with covariance C and R = cov2cor(C) (psych converts the
/// pairwise covariance, it does not use the pairwise correlations):
///
/// ```
/// raw α        = k/(k−1)·(1 − tr C/ΣC)
/// standardized = k/(k−1)·(1 − k/ΣR)
/// λ6 (G6)      = 1 − (k − Σ smcᵢ)/ΣR,   smcᵢ = 1 − 1/(R⁻¹)ᵢᵢ, clamped to [0, 1]
/// r̄            = (ΣR − k)/(k(k−1));     S/N = k·r̄/(1 − r̄)
/// Q            = 2k²/((k−1)²(ΣC)³)·(ΣC·(tr C² + (tr C)²) − 2·tr C·Σ(C²))
/// ase          = √(Q/N)          (Duhachek & Iacobucci 2004); Duhachek 95 % = α ± 1.96·ase
/// Feldt 95 %   = 1 − (1−α)·F(q; N−1, (N−1)(k−1)),  q = .975 (lower), .025 (upper)
/// ```
///
/// **The N** of ase and Feldt is the smallest pairwise n of the scale's items (listwise:
/// the complete cases), design.md §6. psych and pingouin use `nrow(x)`, the row count
/// before deletion, which overstates precision under missing data; pass
/// ``Options/sampleSize`` to reproduce them. The N used is reported as
/// ``AlphaSummary/intervalN``.
///
/// **Alpha if item deleted** needs the SMCs of R without item i. psych inverts every
/// (k−1)×(k−1) submatrix (O(k⁴) overall, ~113 s at k = 400). Here R⁻¹ = S is inverted
/// once and the block-inverse identity gives (R₋ᵢ)⁻¹ = S₋ᵢ,₋ᵢ − S₋ᵢ,ᵢ Sᵢ,₋ᵢ / Sᵢᵢ, whose
/// diagonal costs O(k) per item; the other deletion statistics are O(k) rank-one
/// updates of ΣC, tr C, tr C², Σ(C²) and ΣR, and the median off-diagonal r is a rank
/// query on one sorted list (O(k log k) per item). Total: one O(k³) inversion and one
/// eigen-decomposition (keying check) plus O(k² log k).
///
/// - Complexity: O(k³) for k items.
public enum CronbachAlpha {
  /// Choices that change the N or reproduce a peer.
  public struct Options: Sendable {
    /// Overrides the N of ase and Feldt for every statistic (e.g. `nrow(x)` to match
    /// psych/pingouin). `nil`: the smallest pairwise n (design.md §6).
    public var sampleSize: Int?
    /// Respondents behind the analysis, reported as ``ReliabilityResult/n``; `nil`: the
    /// largest item count.
    public var respondents: Int?
    /// Correlations of each item with the prorated scale score, aligned with the items,
    /// to report psych's `raw.r` exactly under missing data (accumulate item and score
    /// together). `nil`: (C1)ᵢ/√(Cᵢᵢ·ΣC), identical without missing data.
    public var itemScoreCorrelations: [Double]?

    public init(sampleSize: Int? = nil, respondents: Int? = nil, itemScoreCorrelations: [Double]? = nil) {
      self.sampleSize = sampleSize
      self.respondents = respondents
      self.itemScoreCorrelations = itemScoreCorrelations
    }
  }

  /// Reliability of one scale from the co-moments of (at least) its items.
  ///
  /// - Parameters:
  ///   - scale: the scale's name (used in warnings).
  ///   - items: item names, in the scale's order.
  ///   - columns: each item's variable index in `moments`.
  ///   - moments: pairwise or listwise co-moments of keyed item values.
  ///   - frequencies: per-item response counts (value → count, plus `missing`), aligned
  ///     with `items`; carried into ``ItemStatistics/frequencies``.
  ///   - options: N override and psych-compatible `raw.r`.
  /// - Throws: ``ReliabilityError`` when fewer than two items have variance, when a pair
  ///   of items has no covariance, or when the inputs do not line up.
  public static func analyze(scale: String, items: [String], columns: [Int], moments: CoMoments,
                             frequencies: [[String: Int]]? = nil,
                             options: Options = Options()) throws -> ReliabilityResult {
    guard items.count == columns.count else {
      throw ReliabilityError.invalidInput("Scale \(scale) names \(items.count) items but gives \(columns.count) columns; pass one column per item.")
    }
    if let f = frequencies, f.count != items.count {
      throw ReliabilityError.invalidInput("Scale \(scale) has \(items.count) items but \(f.count) frequency tables; pass one per item.")
    }
    if let r = options.itemScoreCorrelations, r.count != items.count {
      throw ReliabilityError.invalidInput("Scale \(scale) has \(items.count) items but \(r.count) item–score correlations; pass one per item.")
    }
    let p = moments.variables
    for c in columns where c < 0 || c >= p {
      throw ReliabilityError.invalidInput("Column \(c) of scale \(scale) is outside the \(p) accumulated variables.")
    }

    // Constant items: dropped from α, kept in the score (psych `alpha(delete = TRUE)`).
    var warnings: [AnalysisWarning] = []
    var used: [Int] = []  // positions in `items`
    for (pos, c) in columns.enumerated() {
      let sd = moments.standardDeviations[c]
      if sd.isNaN || sd <= 1e-12 * max(1, abs(moments.means[c])) {
        warnings.append(AnalysisWarning(
          code: "constant-item",
          message: "\(items[pos]) has no variance in \(scale) (every answer is \(format(moments.means[c]))); it was left out of alpha but still counts in the scale score.",
          scale: scale, item: items[pos]))
      } else {
        used.append(pos)
      }
    }
    let k = used.count
    guard k >= 2 else { throw ReliabilityError.tooFewItems(scale: scale, usable: k) }

    // C and R = cov2cor(C) of the used items.
    var cov = [Double](repeating: 0, count: k * k)
    // Read the upper triangle (in the caller's column order of the pair) and mirror it,
    // so C and R are exactly symmetric whatever the accumulator's rounding.
    for b in 0..<k {
      for a in 0...b {
        let (lo, hi) = columns[used[a]] <= columns[used[b]] ? (columns[used[a]], columns[used[b]])
                                                              : (columns[used[b]], columns[used[a]])
        let v = moments.covariance[lo, hi]
        if !v.isFinite {
          throw ReliabilityError.undefinedCovariance(scale: scale, itemA: items[used[a]], itemB: items[used[b]])
        }
        cov[a + b * k] = v
        cov[b + a * k] = v
      }
    }
    var counts = [Int](repeating: 0, count: k * k)
    for b in 0..<k { for a in 0..<k { counts[a + b * k] = moments.pairwiseCount(columns[used[a]], columns[used[b]]) } }

    let core = try Core(covariance: cov, k: k, counts: counts, sampleSize: options.sampleSize)
    let total = core.total

    // Item table, in the scale's order; constant items get undefined correlations.
    var stats: [ItemStatistics] = []
    stats.reserveCapacity(items.count)
    var usedIndex = [Int?](repeating: nil, count: items.count)
    for (a, pos) in used.enumerated() { usedIndex[pos] = a }
    for pos in 0..<items.count {
      let c = columns[pos]
      let freq = frequencies?[pos] ?? [:]
      guard let a = usedIndex[pos] else {
        stats.append(ItemStatistics(item: items[pos], n: moments.counts[c], mean: moments.means[c],
                                    sd: moments.standardDeviations[c], rawR: .nan, stdR: .nan, rCor: .nan,
                                    rDrop: .nan, alphaIfDeleted: nil, frequencies: freq, ifDeleted: nil))
        continue
      }
      let rawR = options.itemScoreCorrelations?[pos] ?? core.rawR[a]
      let dropped = k > 2 ? core.deleted[a] : nil
      stats.append(ItemStatistics(item: items[pos], n: moments.counts[c], mean: moments.means[c],
                                  sd: moments.standardDeviations[c], rawR: rawR, stdR: core.stdR[a],
                                  rCor: core.rCor[a], rDrop: core.rDrop[a], alphaIfDeleted: dropped?.raw,
                                  frequencies: freq, ifDeleted: dropped))
    }

    // Keying checks: negative item–rest r, or a first-component loading against the majority.
    for a in 0..<k where core.rDrop[a] < 0 {
      let name = items[used[a]]
      warnings.append(AnalysisWarning(
        code: "negative-item-rest",
        message: "\(name) correlates \(format(core.rDrop[a])) with the rest of \(scale): is it reverse-keyed?",
        scale: scale, item: name))
    }
    if let loadings = core.firstComponentLoadings {
      for a in 0..<k where loadings[a] < 0 && !(core.rDrop[a] < 0) {
        let name = items[used[a]]
        warnings.append(AnalysisWarning(
          code: "opposite-component-loading",
          message: "\(name) loads \(format(loadings[a])) on the first principal component of \(scale), opposite to most items: is it reverse-keyed?",
          scale: scale, item: name))
      }
    }
    warnings.sort { ($0.code, $0.item ?? "") < ($1.code, $1.item ?? "") }

    let respondents = options.respondents ?? used.map { moments.counts[columns[$0]] }.max() ?? 0
    let summary = AlphaSummary(
      raw: total.raw, standardized: total.standardized, g6: total.g6, averageR: total.averageR,
      medianR: total.medianR, signalToNoise: total.signalToNoise, ase: total.ase,
      feldt95: feldtInterval(alpha: total.raw, n: core.intervalN, k: k),
      duhachek95: [total.raw - 1.96 * total.ase, total.raw + 1.96 * total.ase],
      intervalN: core.intervalN, varianceR: total.varianceR)
    return ReliabilityResult(scale: scale, missing: moments.policy, n: respondents, nMin: core.intervalN,
                             items: k, alpha: summary, omega: nil, itemStatistics: stats, warnings: warnings)
  }

  /// The α statistics of a covariance matrix alone (psych `alpha.1(C, R = cov2cor(C))`),
  /// with `ase = √(Q/n)`.
  ///
  /// - Throws: ``ReliabilityError/tooFewItems(scale:usable:)`` for fewer than 2 items.
  public static func statistics(covariance: Matrix, n: Int) throws -> AlphaStatistics {
    let k = covariance.rows
    guard k >= 2, covariance.isSquare else { throw ReliabilityError.tooFewItems(scale: "(matrix)", usable: k) }
    let core = try Core(covariance: covariance.storage, k: k, counts: [Int](repeating: n, count: k * k),
                        sampleSize: n, itemDeletion: false)
    return core.total
  }

  /// Feldt (1965) interval for α with N respondents and k items (psych `alpha.ci`):
  /// [1 − (1−α)·F⁻¹(.975), 1 − (1−α)·F⁻¹(.025)] with F(N−1, (N−1)(k−1)).
  public static func feldtInterval(alpha: Double, n: Int, k: Int, level: Double = 0.95) -> [Double] {
    guard n > 1, k > 1 else { return [.nan, .nan] }
    let d1 = Double(n - 1), d2 = Double((n - 1) * (k - 1))
    let tail = (1 - level) / 2
    let lower = 1 - (1 - alpha) * FDistribution.quantile(1 - tail, numeratorDegreesOfFreedom: d1, denominatorDegreesOfFreedom: d2)
    let upper = 1 - (1 - alpha) * FDistribution.quantile(tail, numeratorDegreesOfFreedom: d1, denominatorDegreesOfFreedom: d2)
    return [lower, upper]
  }

  /// Two decimals with a real minus sign, as in the warning texts.
  static func format(_ x: Double) -> String {
    let s = String(format: "%.2f", abs(x))
    return x < 0 && s != "0.00" ? "\u{2212}" + s : s
  }
}

/// The arithmetic of α for k items with covariance `covariance` (column-major k×k).
struct Core {
  let total: AlphaStatistics
  let intervalN: Int
  let rawR: [Double]
  let stdR: [Double]
  let rCor: [Double]
  let rDrop: [Double]
  /// Statistics with each item deleted (k > 2), indexed like the items.
  let deleted: [AlphaStatistics]
  /// First principal component loadings of R, signed so most are positive.
  let firstComponentLoadings: [Double]?

  init(covariance c: [Double], k: Int, counts: [Int], sampleSize: Int?, itemDeletion: Bool = true) throws {
    // Covariance sums.
    var rowC = [Double](repeating: 0, count: k)
    var sumC = 0.0, trC = 0.0, trCC = 0.0
    var rowSq = [Double](repeating: 0, count: k)  // Σⱼ Cᵢⱼ²
    for j in 0..<k {
      var s = 0.0, q = 0.0
      for i in 0..<k { let v = c[i + j * k]; s += v; q += v * v }
      rowC[j] = s; rowSq[j] = q
      sumC += s; trCC += q; trC += c[j + j * k]
    }
    var sumCC = 0.0
    for j in 0..<k { sumCC += rowC[j] * rowC[j] }

    // R = cov2cor(C).
    var r = [Double](repeating: 0, count: k * k)
    var inv = [Double](repeating: 0, count: k)
    for i in 0..<k { inv[i] = 1 / c[i + i * k].squareRoot() }
    for j in 0..<k {
      r[j + j * k] = 1
      for i in (j + 1)..<max(j + 1, k) {
        let v = c[i + j * k] * inv[i] * inv[j]
        r[i + j * k] = v; r[j + i * k] = v
      }
    }
    var rowR = [Double](repeating: 0, count: k)
    var sumR = 0.0
    for j in 0..<k { var s = 0.0; for i in 0..<k { s += r[i + j * k] }; rowR[j] = s; sumR += s }
    let rMatrix = Matrix(rows: k, columns: k, columnMajor: r)

    // SMCs from one inverse (psych `smc`: Pinv, clamped to [0, 1]).
    // psych's Pinv drops singular values below √ε·d₁; then the block identity does not hold
    // and each deletion gets its own pseudo-inverse (O(k³) per item, only for singular R).
    let eigen = try LinearAlgebra.symmetricEigen(rMatrix)
    let tolerance = Double.ulpOfOne.squareRoot() * (eigen.values.map { abs($0) }.max() ?? 0)
    // (Pairwise R can be indefinite: singular values are |λ|.)
    let invertible = eigen.values.allSatisfy { abs($0) > tolerance }
    let sInverse = Core.pseudoInverse(eigen).storage
    var smc = [Double](repeating: 0, count: k)
    for i in 0..<k { smc[i] = Core.clamp01(1 - 1 / sInverse[i + i * k]) }
    let sumSMC = smc.reduce(0, +)

    // Off-diagonal correlations (lower triangle), sorted, with shifted sums for var.r.
    let m = k * (k - 1) / 2
    var off = [Double](); off.reserveCapacity(m)
    for j in 0..<k { for i in (j + 1)..<max(j + 1, k) { off.append(r[i + j * k]) } }
    let shift = m > 0 ? (sumR - Double(k)) / 2 / Double(m) : 0
    var offSum = 0.0, offSq = 0.0
    for v in off { offSum += v - shift; offSq += (v - shift) * (v - shift) }
    var rowOffSum = [Double](repeating: 0, count: k), rowOffSq = [Double](repeating: 0, count: k)
    for j in 0..<k {
      var s = 0.0, q = 0.0
      for i in 0..<k where i != j { let d = r[i + j * k] - shift; s += d; q += d * d }
      rowOffSum[j] = s; rowOffSq[j] = q
    }
    let sorted = off.sorted()

    // The N: caller's override, else the smallest pairwise n of the items.
    var pairs: [(n: Int, a: Int, b: Int)] = []
    pairs.reserveCapacity(k * (k + 1) / 2)
    for j in 0..<k { for i in 0...j { pairs.append((counts[i + j * k], i, j)) } }
    pairs.sort { $0.n < $1.n }
    let nAll = sampleSize ?? pairs[0].n
    intervalN = nAll

    let kd = Double(k)
    func stats(k: Double, sumC: Double, trC: Double, trCC: Double, sumCC: Double, sumR: Double,
               sumSMC: Double, varR: Double, medR: Double, n: Int) -> AlphaStatistics {
      let rawAlpha = (1 - trC / sumC) * (k / (k - 1))
      let std = (1 - k / sumR) * (k / (k - 1))
      let g6 = 1 - (k - sumSMC) / sumR
      let avr = (sumR - k) / (k * (k - 1))
      let sn = k * avr / (1 - avr)
      let q = (2 * k * k / ((k - 1) * (k - 1) * sumC * sumC * sumC)) * (sumC * (trCC + trC * trC) - 2 * (trC * sumCC))
      return AlphaStatistics(raw: rawAlpha, standardized: std, g6: g6, averageR: avr, signalToNoise: sn,
                             ase: (q / Double(n)).squareRoot(), varianceR: varR, medianR: medR)
    }
    let varAll = m > 1 ? (offSq - offSum * offSum / Double(m)) / Double(m - 1) : .nan
    let medAll = Core.median(sorted, removing: [])
    total = stats(k: kd, sumC: sumC, trC: trC, trCC: trCC, sumCC: sumCC, sumR: sumR, sumSMC: sumSMC,
                  varR: varAll, medR: medAll, n: nAll)

    // Item–total statistics.
    let sqrtSumR = sumR.squareRoot()
    let vtc = sumR - kd + sumSMC
    var rawR = [Double](repeating: 0, count: k), stdR = rawR, rCor = rawR, rDrop = rawR
    for i in 0..<k {
      let cii = c[i + i * k]
      rawR[i] = rowC[i] / (cii * sumC).squareRoot()
      stdR[i] = rowR[i] / sqrtSumR
      rCor[i] = (rowR[i] - 1 + smc[i]) / vtc.squareRoot()
      rDrop[i] = (rowC[i] - cii) / (cii * (sumC - 2 * rowC[i] + cii)).squareRoot()
    }
    self.rawR = rawR; self.stdR = stdR; self.rCor = rCor; self.rDrop = rDrop

    // Alpha if item deleted: rank-one updates and the block-inverse identity.
    var deleted: [AlphaStatistics] = []
    if itemDeletion && k > 2 {
      deleted.reserveCapacity(k)
      let k1 = kd - 1
      let m1 = (k - 1) * (k - 2) / 2
      var removed = [Double](repeating: 0, count: k - 1)
      for i in 0..<k {
        let cii = c[i + i * k]
        let sumC1 = sumC - 2 * rowC[i] + cii
        let trC1 = trC - cii
        let trCC1 = trCC - 2 * rowSq[i] + cii * cii
        var sumCC1 = 0.0
        for j in 0..<k where j != i { let s = rowC[j] - c[j + i * k]; sumCC1 += s * s }
        let sumR1 = sumR - 2 * rowR[i] + 1
        var sumSMC1 = 0.0
        if invertible {
          let sii = sInverse[i + i * k]
          for j in 0..<k where j != i {
            let sji = sInverse[j + i * k]
            sumSMC1 += Core.clamp01(1 - 1 / (sInverse[j + j * k] - sji * sji / sii))
          }
        } else {
          var keep = Array(0..<k); keep.remove(at: i)
          let sub = Core.pseudoInverse(try LinearAlgebra.symmetricEigen(rMatrix.principalSubmatrix(keep)))
          for j in 0..<(k - 1) { sumSMC1 += Core.clamp01(1 - 1 / sub[j, j]) }
        }
        let s1 = offSum - rowOffSum[i], q1 = offSq - rowOffSq[i]
        let var1 = m1 > 1 ? (q1 - s1 * s1 / Double(m1)) / Double(m1 - 1) : .nan
        var t = 0
        for j in 0..<k where j != i { removed[t] = r[j + i * k]; t += 1 }
        removed.sort()
        let med1 = Core.median(sorted, removing: removed)
        // N of the remaining items: the smallest pair not involving i.
        var n1 = nAll
        if sampleSize == nil {
          for pr in pairs where pr.a != i && pr.b != i { n1 = pr.n; break }
        }
        deleted.append(stats(k: k1, sumC: sumC1, trC: trC1, trCC: trCC1, sumCC: sumCC1, sumR: sumR1,
                             sumSMC: sumSMC1, varR: var1, medR: med1, n: n1))
      }
    }
    self.deleted = deleted

    // First principal component of R (keying check), signed by majority then by sum.
    if itemDeletion {
      let e = eigen
      let scale = max(e.values[0], 0).squareRoot()
      var v = (0..<k).map { e.vectors[$0, 0] * scale }
      let pos = v.filter { $0 > 0 }.count, neg = v.filter { $0 < 0 }.count
      if neg > pos || (neg == pos && v.reduce(0, +) < 0) { v = v.map { -$0 } }
      firstComponentLoadings = v
    } else {
      firstComponentLoadings = nil
    }
  }

  static func clamp01(_ x: Double) -> Double { x.isNaN ? x : min(max(x, 0), 1) }

  /// Median of the multiset `sorted` minus the multiset `removed` (both ascending,
  /// `removed` ⊂ `sorted`), by a rank query: O(log m · log k).
  static func median(_ sorted: [Double], removing removed: [Double]) -> Double {
    let count = sorted.count - removed.count
    guard count > 0 else { return .nan }
    func upperBound(_ a: [Double], _ v: Double) -> Int {
      var lo = 0, hi = a.count
      while lo < hi { let mid = (lo + hi) / 2; if a[mid] <= v { lo = mid + 1 } else { hi = mid } }
      return lo
    }
    // Smallest value v of `sorted` with #(remaining ≤ v) ≥ rank + 1.
    func element(_ rank: Int) -> Double {
      var lo = 0, hi = sorted.count - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        let v = sorted[mid]
        if upperBound(sorted, v) - upperBound(removed, v) >= rank + 1 { hi = mid } else { lo = mid + 1 }
      }
      return sorted[lo]
    }
    if count % 2 == 1 { return element(count / 2) }
    return (element(count / 2 - 1) + element(count / 2)) / 2
  }

  /// Moore–Penrose inverse of a symmetric matrix from its eigen-decomposition (psych
  /// `Pinv`: singular values below √ε·d₁ treated as zero).
  static func pseudoInverse(_ e: (values: [Double], vectors: Matrix)) -> Matrix {
    let n = e.values.count
    let tol = Double.ulpOfOne.squareRoot() * (e.values.map { abs($0) }.max() ?? 0)
    // V·diag(1/λ)·Vᵀ over the kept eigenpairs, through dgemm.
    var scaled = e.vectors
    for (l, lambda) in e.values.enumerated() {
      let w = abs(lambda) > tol ? 1 / lambda : 0
      for i in 0..<n { scaled.storage[i + l * n] *= w }
    }
    let out = LinearAlgebra.multiply(scaled, e.vectors, transposeB: true)
    return out
  }
}
