import CandorNumerics
import Foundation

/// Which coefficient a correlation is.
public enum CorrelationMethod: String, Codable, Sendable, CaseIterable {
  /// Pearson product-moment r.
  case pearson
  /// Spearman's ρ: Pearson r of average ranks.
  case spearman
  /// Kendall's τ-b (ties corrected).
  case kendall
  /// Pearson r with a 0/1 variable.
  case pointBiserial
  /// Polychoric r of two ordinal items (computed by the factor-analysis module).
  case polychoric
}

/// Why a correlation cannot be computed.
public enum CorrelationError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The two columns have different lengths.
  case lengthMismatch(x: Int, y: Int)
  /// A point-biserial correlation needs one variable coded 0/1.
  case notBinary(variable: String, value: Double)
  /// The correlation matrix of x, y and the covariates cannot be inverted.
  case singularCovariates(variables: [String])
  /// Polychoric coefficients are estimated from contingency tables elsewhere.
  case polychoricNeedsEstimates

  public var description: String {
    switch self {
    case .lengthMismatch(let x, let y):
      return "the two columns must have one value per respondent, got \(x) and \(y) values"
    case .notBinary(let v, let value):
      return "point-biserial r needs '\(v)' coded 0/1, found \(value); recode it or use --method pearson"
    case .polychoricNeedsEstimates:
      return "polychoric r is estimated from the items' contingency tables; pass the estimates to CorrelationTable.fromCoefficients"
    case .singularCovariates(let vs):
      return "the correlation matrix of \(vs.joined(separator: ", ")) is singular: a covariate is a linear function of the others; drop it"
    }
  }
}

/// Significance test and interval of one correlation coefficient.
public struct CorrelationTest: Sendable, Equatable {
  /// The coefficient.
  public var r: Double
  /// Observations behind it.
  public var n: Int
  /// Number of variables partialled out.
  public var covariates: Int
  /// Degrees of freedom of the t test, n − 2 − k.
  public var degreesOfFreedom: Int { n - 2 - covariates }
  /// t = r·√(df/(1 − r²)).
  public var t: Double
  /// Two-sided p of `t` on `degreesOfFreedom`.
  public var p: Double
  /// Fisher-z 95 % interval: tanh(atanh r ± z₀.₉₇₅/√(n − 3 − k)).
  public var ci95: [Double]
}

/// Correlation coefficients between two per-respondent columns (NaN = missing,
/// pairwise complete) and their tests.
///
/// The test follows `cor.test` for Pearson and `psych::corr.test` for every
/// method: t = r√(n − 2)/√(1 − r²) on n − 2 df, Fisher-z CI with standard error
/// 1/√(n − 3). (For Spearman and Kendall this is psych's approximation; R's
/// `cor.test` uses exact or different asymptotic tests for those.) Partial
/// correlations test on n − 2 − k df as `ppcor::pcor.test`, CI with 1/√(n − 3 − k).
public enum Correlation {
  /// The rows where both values are present.
  static func completePairs(_ x: [Double], _ y: [Double]) throws -> ([Double], [Double]) {
    guard x.count == y.count else { throw CorrelationError.lengthMismatch(x: x.count, y: y.count) }
    var a: [Double] = [], b: [Double] = []
    a.reserveCapacity(x.count); b.reserveCapacity(x.count)
    for i in x.indices where !x[i].isNaN && !y[i].isNaN { a.append(x[i]); b.append(y[i]) }
    return (a, b)
  }

  /// Pearson r of complete columns (two-pass, centred).
  static func pearsonComplete(_ x: [Double], _ y: [Double]) -> Double {
    let n = x.count
    if n < 2 { return .nan }
    var mx = 0.0, my = 0.0
    for i in 0..<n { mx += x[i]; my += y[i] }
    mx /= Double(n); my /= Double(n)
    var sxx = 0.0, syy = 0.0, sxy = 0.0
    for i in 0..<n {
      let dx = x[i] - mx, dy = y[i] - my
      sxx += dx * dx; syy += dy * dy; sxy += dx * dy
    }
    if sxx == 0 || syy == 0 { return .nan }
    return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
  }

  /// Pearson r on the rows where both are present.
  /// - Complexity: O(n).
  public static func pearson(_ x: [Double], _ y: [Double]) throws -> (r: Double, n: Int) {
    let (a, b) = try completePairs(x, y)
    return (pearsonComplete(a, b), a.count)
  }

  /// Point-biserial r: Pearson r with `binary` coded 0/1 (checked).
  public static func pointBiserial(_ x: [Double], binary: [Double], name: String = "outcome") throws -> (r: Double, n: Int) {
    for v in binary where !v.isNaN && v != 0 && v != 1 { throw CorrelationError.notBinary(variable: name, value: v) }
    return try pearson(x, binary)
  }

  /// Average ranks (1-based), ties sharing the mean of their positions (R `rank`, ties "average").
  /// - Complexity: O(n log n).
  public static func averageRanks(_ x: [Double]) -> [Double] {
    let order = x.indices.sorted { x[$0] < x[$1] }
    var ranks = [Double](repeating: 0, count: x.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
      let rank = Double(i + j + 2) / 2
      for k in i...j { ranks[order[k]] = rank }
      i = j + 1
    }
    return ranks
  }

  /// Spearman's ρ: Pearson r of the average ranks of the complete pairs.
  /// - Complexity: O(n log n).
  public static func spearman(_ x: [Double], _ y: [Double]) throws -> (r: Double, n: Int) {
    let (a, b) = try completePairs(x, y)
    return (pearsonComplete(averageRanks(a), averageRanks(b)), a.count)
  }

  /// Kendall's τ-b by Knight's (1966) algorithm, as R `cor(method = "kendall")`.
  ///
  /// With n₀ = n(n − 1)/2, n₁ pairs tied on x, n₂ tied on y, n₃ tied on both and
  /// D discordant pairs (the swaps of a merge sort of y after sorting by (x, y)):
  /// τ_b = (n₀ − n₁ − n₂ + n₃ − 2D) / √((n₀ − n₁)(n₀ − n₂)).
  /// - Complexity: O(n log n) time, O(n) memory.
  public static func kendall(_ x: [Double], _ y: [Double]) throws -> (r: Double, n: Int) {
    let (a, b) = try completePairs(x, y)
    let n = a.count
    if n < 2 { return (.nan, n) }
    let order = (0..<n).sorted { a[$0] != a[$1] ? a[$0] < a[$1] : b[$0] < b[$1] }
    var ys = order.map { b[$0] }
    var xTies = 0, jointTies = 0
    var i = 0
    while i < n {
      var j = i
      while j + 1 < n && a[order[j + 1]] == a[order[i]] { j += 1 }
      let t = j - i + 1
      xTies += t * (t - 1) / 2
      // joint ties inside this x run (already sorted by y)
      var k = i
      while k <= j {
        var l = k
        while l + 1 <= j && ys[l + 1] == ys[k] { l += 1 }
        let u = l - k + 1
        jointTies += u * (u - 1) / 2
        k = l + 1
      }
      i = j + 1
    }
    let swaps = mergeSortCountingSwaps(&ys)
    var yTies = 0
    i = 0
    while i < n {
      var j = i
      while j + 1 < n && ys[j + 1] == ys[i] { j += 1 }
      let t = j - i + 1
      yTies += t * (t - 1) / 2
      i = j + 1
    }
    let n0 = n * (n - 1) / 2
    let numerator = Double(n0 - xTies - yTies + jointTies) - 2 * Double(swaps)
    let denominator = (Double(n0 - xTies) * Double(n0 - yTies)).squareRoot()
    if denominator == 0 { return (.nan, n) }
    return (numerator / denominator, n)
  }

  /// Sorts ascending (stable, bottom-up) and returns the number of inversions
  /// (pairs i < j with v[i] > v[j] strictly).
  static func mergeSortCountingSwaps(_ v: inout [Double]) -> Int {
    let n = v.count
    var buffer = [Double](repeating: 0, count: n)
    var swaps = 0
    var width = 1
    while width < n {
      var start = 0
      while start < n {
        let mid = min(start + width, n), end = min(start + 2 * width, n)
        var i = start, j = mid, k = start
        while i < mid && j < end {
          if v[j] < v[i] { buffer[k] = v[j]; j += 1; swaps += mid - i } else { buffer[k] = v[i]; i += 1 }
          k += 1
        }
        while i < mid { buffer[k] = v[i]; i += 1; k += 1 }
        while j < end { buffer[k] = v[j]; j += 1; k += 1 }
        start = end
      }
      swap(&v, &buffer)
      width *= 2
    }
    return swaps
  }

  /// The t test and Fisher-z 95 % CI of a coefficient `r` from `n` observations
  /// with `covariates` variables partialled out.
  public static func test(r: Double, n: Int, covariates k: Int = 0) -> CorrelationTest {
    let df = Double(n - 2 - k)
    var t = Double.nan, p = Double.nan
    if df > 0 && !r.isNaN {
      if abs(r) >= 1 { t = r > 0 ? .infinity : -.infinity; p = 0 } else {
        t = r * (df / (1 - r * r)).squareRoot()
        p = StudentT.twoSidedP(t, degreesOfFreedom: df)
      }
    }
    var ci = [Double.nan, .nan]
    let se = 1 / Double(n - 3 - k).squareRoot()
    if n - 3 - k > 0 && !r.isNaN {
      if abs(r) >= 1 { ci = [r, r] } else {
        let z = atanh(r), q = Normal.quantile(0.975)
        ci = [tanh(z - q * se), tanh(z + q * se)]
      }
    }
    return CorrelationTest(r: r, n: n, covariates: k, t: t, p: p, ci95: ci)
  }

  /// Partial correlation of variables 0 and 1 of `correlation` (ordered x, y,
  /// covariates…) given the rest: r_xy·z = −P₀₁/√(P₀₀P₁₁), P = R⁻¹ (as ppcor).
  public static func partial(correlation: Matrix, names: [String] = []) throws -> Double {
    precondition(correlation.isSquare && correlation.rows >= 2,
                 "partial correlation needs a square matrix of x, y and covariates, got \(correlation.rows)×\(correlation.columns)")
    if correlation.rows == 2 { return correlation[0, 1] }
    let p: Matrix
    do { p = try LinearAlgebra.inverseSPD(correlation) } catch {
      throw CorrelationError.singularCovariates(variables: names)
    }
    return max(-1, min(1, -p[0, 1] / (p[0, 0] * p[1, 1]).squareRoot()))
  }

  /// Partial r of x and y given covariate columns, on the rows complete on all
  /// of them (listwise, as `ppcor::pcor.test`), with its test on n − 2 − k df.
  public static func partial(_ x: [Double], _ y: [Double], covariates: [[Double]]) throws -> CorrelationTest {
    let columns = [x, y] + covariates
    for c in columns where c.count != x.count { throw CorrelationError.lengthMismatch(x: x.count, y: c.count) }
    let rows = x.indices.filter { i in columns.allSatisfy { !$0[i].isNaN } }
    let complete = columns.map { c in rows.map { c[$0] } }
    let m = columns.count
    var r = Matrix.identity(m)
    for i in 0..<m { for j in (i + 1)..<max(i + 1, m) {
      let v = pearsonComplete(complete[i], complete[j]); r[i, j] = v; r[j, i] = v
    } }
    let pr = try partial(correlation: r)
    return test(r: pr, n: rows.count, covariates: covariates.count)
  }
}
