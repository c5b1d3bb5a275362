import CandorNumerics
import Foundation

/// One coefficient of a correlation table (design.md §7 `correlations[]`).
///
/// Fields are encoded in this order: x, y, method, n, r, ci95, t, p, pHolm,
/// pBH, partialOn. `pHolm`/`pBH` are adjusted within the table the entry came from.
public struct CorrelationResult: Codable, Sendable, Equatable {
  public var x: String
  public var y: String
  public var method: CorrelationMethod
  /// Observations behind this coefficient (pairwise; for a partial r the
  /// smallest pairwise n among x, y and the covariates).
  public var n: Int
  @FiniteOrNull public var r: Double
  /// Fisher-z 95 % interval.
  @FiniteOrNullArray public var ci95: [Double]
  @FiniteOrNull public var t: Double
  @FiniteOrNull public var p: Double
  @FiniteOrNull public var pHolm: Double
  @FiniteOrNull public var pBH: Double
  /// Covariates partialled out (empty for a zero-order r).
  public var partialOn: [String]

  public init(x: String, y: String, method: CorrelationMethod, test: CorrelationTest, partialOn: [String] = []) {
    self.x = x; self.y = y; self.method = method; self.n = test.n; self.r = test.r
    self.ci95 = test.ci95; self.t = test.t; self.p = test.p; self.pHolm = test.p; self.pBH = test.p
    self.partialOn = partialOn
  }
}

/// A pair of variables (indices into a table's variable list).
public struct VariablePair: Hashable, Sendable {
  public var x: Int
  public var y: Int
  public init(_ x: Int, _ y: Int) { self.x = x; self.y = y }

  /// Every unordered pair i < j of `count` variables, row by row.
  public static func allPairs(_ count: Int) -> [VariablePair] {
    var pairs: [VariablePair] = []
    for i in 0..<count { for j in (i + 1)..<max(i + 1, count) { pairs.append(VariablePair(i, j)) } }
    return pairs
  }

  /// Each of `vars` with each of `with` (`--vars` × `--with`).
  public static func cross(_ vars: [Int], _ with: [Int]) -> [VariablePair] {
    vars.flatMap { v in with.map { VariablePair(v, $0) } }
  }
}

/// Correlation tables with Holm and BH adjustment within the table.
public enum CorrelationTable {
  /// Pearson (or partial Pearson) table from co-moments of one streaming pass.
  ///
  /// Each entry uses its pairwise r and pairwise N; with `covariates` (indices
  /// into `names`) each entry is the partial r given all of them, from the
  /// inverse of the correlation matrix of [x, y, covariates], with N the
  /// smallest pairwise N among those variables.
  /// - Complexity: O(pairs · (k + 2)³); a 60-variable table (1,770 pairs) takes milliseconds.
  public static func pearson(names: [String], moments: CoMoments, pairs: [VariablePair]? = nil,
                             covariates: [Int] = [], binary: Set<Int> = []) throws -> [CorrelationResult] {
    precondition(names.count == moments.variables,
                 "\(names.count) names for \(moments.variables) variables")
    let pairs = pairs ?? VariablePair.allPairs(names.count)
    let covariateNames = covariates.map { names[$0] }
    var results: [CorrelationResult] = []
    results.reserveCapacity(pairs.count)
    for pair in pairs {
      let method: CorrelationMethod = (binary.contains(pair.x) || binary.contains(pair.y)) ? .pointBiserial : .pearson
      if covariates.isEmpty {
        let test = Correlation.test(r: moments.correlation[pair.x, pair.y], n: moments.pairwiseCount(pair.x, pair.y))
        results.append(CorrelationResult(x: names[pair.x], y: names[pair.y], method: method, test: test))
      } else {
        let index = [pair.x, pair.y] + covariates
        var n = Int.max
        for a in index { for b in index { n = min(n, moments.pairwiseCount(a, b)) } }
        let sub = moments.correlation.principalSubmatrix(index)
        let r: Double
        if sub.storage.contains(where: { $0.isNaN }) { r = .nan } else {
          r = try Correlation.partial(correlation: sub, names: index.map { names[$0] })
        }
        let test = Correlation.test(r: r, n: n, covariates: covariates.count)
        results.append(CorrelationResult(x: names[pair.x], y: names[pair.y], method: method, test: test,
                                         partialOn: covariateNames))
      }
    }
    adjust(&results)
    return results
  }

  /// Table from per-respondent columns (NaN = missing, pairwise complete) with
  /// any rank or product-moment method.
  /// - Complexity: O(pairs · n log n) for rank methods.
  public static func fromColumns(names: [String], columns: [[Double]], method: CorrelationMethod,
                                 pairs: [VariablePair]? = nil) throws -> [CorrelationResult] {
    precondition(names.count == columns.count, "\(names.count) names for \(columns.count) columns")
    let pairs = pairs ?? VariablePair.allPairs(names.count)
    if method == .polychoric { throw CorrelationError.polychoricNeedsEstimates }
    // Columns without missing values are ranked once, not once per pair.
    var ranks: [Int: [Double]] = [:]
    if method == .spearman {
      for j in Set(pairs.flatMap { [$0.x, $0.y] }) where !columns[j].contains(where: \.isNaN) {
        ranks[j] = Correlation.averageRanks(columns[j])
      }
    }
    var results: [CorrelationResult] = []
    for pair in pairs {
      let x = columns[pair.x], y = columns[pair.y]
      let estimate: (r: Double, n: Int)
      switch method {
      case .pearson: estimate = try Correlation.pearson(x, y)
      case .pointBiserial: estimate = try Correlation.pointBiserial(x, binary: y, name: names[pair.y])
      case .spearman:
        if let rx = ranks[pair.x], let ry = ranks[pair.y] {
          precondition(rx.count == ry.count, "columns \(names[pair.x]) and \(names[pair.y]) differ in length")
          estimate = (Correlation.pearsonComplete(rx, ry), rx.count)
        } else {
          estimate = try Correlation.spearman(x, y)
        }
      case .kendall: estimate = try Correlation.kendall(x, y)
      case .polychoric: throw CorrelationError.polychoricNeedsEstimates
      }
      results.append(CorrelationResult(x: names[pair.x], y: names[pair.y], method: method,
                                       test: Correlation.test(r: estimate.r, n: estimate.n)))
    }
    adjust(&results)
    return results
  }

  /// Table from coefficients estimated elsewhere (e.g. polychoric r from the
  /// factor-analysis module) with their N: adds the t test, Fisher-z CI and
  /// the within-table adjustments.
  public static func fromCoefficients(names: [String], pairs: [VariablePair], r: [Double], n: [Int],
                                      method: CorrelationMethod) -> [CorrelationResult] {
    precondition(pairs.count == r.count && r.count == n.count,
                 "\(pairs.count) pairs, \(r.count) coefficients and \(n.count) counts")
    var results = pairs.indices.map { k in
      CorrelationResult(x: names[pairs[k].x], y: names[pairs[k].y], method: method,
                        test: Correlation.test(r: r[k], n: n[k]))
    }
    adjust(&results)
    return results
  }

  /// Sets `pHolm` and `pBH` of every entry, adjusting within `results`.
  public static func adjust(_ results: inout [CorrelationResult]) {
    let p = results.map(\.p)
    let holm = PValueAdjustment.holm.adjusted(p), bh = PValueAdjustment.benjaminiHochberg.adjusted(p)
    for i in results.indices { results[i].pHolm = holm[i]; results[i].pBH = bh[i] }
  }
}
