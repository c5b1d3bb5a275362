import Foundation
import CandorNumerics

/// Counts of pairs of small integer codes (ordinal responses), one pass,
/// mergeable across chunks.
public struct ContingencyTable: Sendable, Equatable {
  /// Codes of the row variable (x), inclusive.
  public let rowCodes: ClosedRange<Int>
  /// Codes of the column variable (y), inclusive.
  public let columnCodes: ClosedRange<Int>
  /// Counts, row-major: `counts[(x − rowCodes.lowerBound)·columns + (y − columnCodes.lowerBound)]`.
  public private(set) var counts: [Int]

  public var rows: Int { rowCodes.count }
  public var columns: Int { columnCodes.count }
  /// Total pairs counted.
  public var total: Int { counts.reduce(0, +) }

  public init(rowCodes: ClosedRange<Int>, columnCodes: ClosedRange<Int>) {
    self.rowCodes = rowCodes
    self.columnCodes = columnCodes
    counts = [Int](repeating: 0, count: rowCodes.count * columnCodes.count)
  }

  /// Builds a table from a dense row-major count array.
  public init(counts: [[Int]]) {
    rowCodes = 1...counts.count
    columnCodes = 1...(counts.first?.count ?? 1)
    self.counts = counts.flatMap { $0 }
  }

  /// The count of cell (x, y), by code.
  public subscript(x: Int, y: Int) -> Int {
    counts[(x - rowCodes.lowerBound) * columns + (y - columnCodes.lowerBound)]
  }

  /// Counts one observed pair; codes outside the declared ranges are a programmer error.
  public mutating func add(_ x: Int, _ y: Int, count: Int = 1) {
    precondition(rowCodes.contains(x) && columnCodes.contains(y),
                 "pair (\(x), \(y)) outside the table's codes \(rowCodes) × \(columnCodes)")
    counts[(x - rowCodes.lowerBound) * columns + (y - columnCodes.lowerBound)] += count
  }

  /// Adds another table's counts (same code ranges).
  public mutating func merge(_ other: ContingencyTable) {
    precondition(other.rowCodes == rowCodes && other.columnCodes == columnCodes,
                 "cannot merge a \(other.rowCodes)×\(other.columnCodes) table into \(rowCodes)×\(columnCodes)")
    for i in counts.indices { counts[i] += other.counts[i] }
  }
}

/// A two-step polychoric estimate for one pair.
public struct PolychoricEstimate: Sendable, Equatable {
  /// ρ̂; nil when the table has fewer than two non-empty rows or columns.
  public var rho: Double?
  /// Thresholds of the row variable (from this pair's corrected marginals).
  public var rowThresholds: [Double]
  /// Thresholds of the column variable.
  public var columnThresholds: [Double]
  /// Whether empty cells were set to `correction`/N.
  public var correctedEmptyCells: Bool
  /// The minimised −Σ pᵢⱼ ln πᵢⱼ(ρ).
  public var objective: Double?
}

/// Polychoric correlations as `psych::polychoric(correct = .5, global = FALSE)`.
public enum Polychoric {
  /// Two-step ML for one table (psych `polyc` with `global = FALSE`): cell
  /// proportions, all-empty rows and columns dropped, empty cells set to
  /// `correction`/N (not renormalised, as psych), thresholds Φ⁻¹ of the
  /// cumulative marginals, then ρ minimising −Σ pᵢⱼ ln πᵢⱼ(ρ) on (−1, 1) by
  /// Brent's method, πᵢⱼ the bivariate-normal rectangle probabilities
  /// (Olsson 1979).
  public static func estimate(_ table: ContingencyTable, correction: Double = 0.5) -> PolychoricEstimate {
    let total = Double(table.total)
    guard total > 0 else {
      return PolychoricEstimate(rho: nil, rowThresholds: [], columnThresholds: [], correctedEmptyCells: false, objective: nil)
    }
    var rowsKept: [Int] = [], columnsKept: [Int] = []
    for i in 0..<table.rows where (0..<table.columns).contains(where: { table.counts[i * table.columns + $0] > 0 }) { rowsKept.append(i) }
    for j in 0..<table.columns where (0..<table.rows).contains(where: { table.counts[$0 * table.columns + j] > 0 }) { columnsKept.append(j) }
    var tab = rowsKept.map { i in columnsKept.map { j in Double(table.counts[i * table.columns + j]) / total } }
    var corrected = false
    if correction > 0 {
      for a in tab.indices { for b in tab[a].indices where tab[a][b] == 0 { tab[a][b] = correction / total; corrected = true } }
    }
    guard rowsKept.count >= 2 && columnsKept.count >= 2 else {
      return PolychoricEstimate(rho: nil, rowThresholds: [], columnThresholds: [], correctedEmptyCells: corrected, objective: nil)
    }
    let rsum = tab.map { $0.reduce(0, +) }
    let csum = columnsKept.indices.map { b in tab.reduce(0) { $0 + $1[b] } }
    func thresholds(_ sums: [Double]) -> [Double] {
      var acc = 0.0
      return sums.dropLast().map { acc += $0; return Normal.quantile(acc) }
    }
    let rc = thresholds(rsum), cc = thresholds(csum)
    let f = { (rho: Double) in negativeLogLikelihood(rho: rho, rowThresholds: rc, columnThresholds: cc, proportions: tab) }
    let (rho, value) = brentMinimize(f, lower: -1, upper: 1)
    return PolychoricEstimate(rho: rho, rowThresholds: rc, columnThresholds: cc, correctedEmptyCells: corrected, objective: value)
  }

  /// −Σ pᵢⱼ ln πᵢⱼ(ρ) over cells with πᵢⱼ > 0 (psych `polyF`).
  static func negativeLogLikelihood(rho: Double, rowThresholds rc: [Double], columnThresholds cc: [Double],
                                    proportions tab: [[Double]]) -> Double {
    let rowCuts = [-Double.infinity] + rc + [Double.infinity]
    let colCuts = [-Double.infinity] + cc + [Double.infinity]
    // Cumulative bivariate probabilities on the grid of cuts.
    var grid = [[Double]](repeating: [Double](repeating: 0, count: colCuts.count), count: rowCuts.count)
    for a in rowCuts.indices { for b in colCuts.indices { grid[a][b] = BivariateNormal.cdf(x: rowCuts[a], y: colCuts[b], rho: rho) } }
    var s = 0.0
    for a in 0..<(rowCuts.count - 1) {
      for b in 0..<(colCuts.count - 1) {
        let pi = grid[a + 1][b + 1] - grid[a][b + 1] - grid[a + 1][b] + grid[a][b]
        if pi > 0 { s += tab[a][b] * log(pi) }
      }
    }
    return -s
  }

  /// Brent's minimisation on [lower, upper] (R `optimize`'s algorithm, here
  /// with tolerance 1e-10 instead of ε^¼).
  static func brentMinimize(_ f: (Double) -> Double, lower: Double, upper: Double, tolerance: Double = 1e-10)
    -> (x: Double, value: Double) {
    let c = (3 - 5.0.squareRoot()) / 2
    var a = lower, b = upper
    var v = a + c * (b - a), w = v, x = v
    var fx = f(x), fv = fx, fw = fx
    var d = 0.0, e = 0.0
    let eps = Double.ulpOfOne.squareRoot()
    for _ in 0..<200 {
      let xm = (a + b) / 2
      let tol1 = eps * abs(x) + tolerance / 3
      let tol2 = 2 * tol1
      if abs(x - xm) <= tol2 - (b - a) / 2 { break }
      var useGolden = true
      if abs(e) > tol1 {
        var r = (x - w) * (fx - fv)
        var q = (x - v) * (fx - fw)
        var p = (x - v) * q - (x - w) * r
        q = 2 * (q - r)
        if q > 0 { p = -p } else { q = -q }
        r = e; e = d
        if abs(p) < abs(q * r / 2) && p > q * (a - x) && p < q * (b - x) {
          d = p / q
          let u = x + d
          if u - a < tol2 || b - u < tol2 { d = xm >= x ? tol1 : -tol1 }
          useGolden = false
        }
      }
      if useGolden { e = (x < xm ? b : a) - x; d = c * e }
      let u = abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1)
      let fu = f(u)
      if fu <= fx {
        if u < x { b = x } else { a = x }
        v = w; fv = fw; w = x; fw = fx; x = u; fx = fu
      } else {
        if u < x { a = u } else { b = u }
        if fu <= fw || w == x { v = w; fv = fw; w = u; fw = fu }
        else if fu <= fv || v == x || v == w { v = u; fv = fu }
      }
    }
    return (x, fx)
  }

  /// Pairwise contingency tables of integer-coded columns (NaN = missing;
  /// codes are rounded), over the global code range as psych; `[i][j]` for
  /// i < j holds the table of (column i, column j), other entries are empty.
  public static func tables(_ data: RowBlock) -> [[ContingencyTable]] {
    var lo = Int.max, hi = Int.min
    for v in data.values where !v.isNaN { lo = min(lo, Int(v.rounded())); hi = max(hi, Int(v.rounded())) }
    if lo > hi { lo = 0; hi = 0 }
    var accumulator = ContingencyAccumulator(variables: data.columns, codes: lo...hi)
    accumulator.add(data)
    let p = data.columns
    let empty = ContingencyTable(rowCodes: lo...hi, columnCodes: lo...hi)
    return (0..<p).map { i in (0..<p).map { j in i < j ? accumulator.table(i, j) : empty } }
  }

  /// The polychoric matrix of integer-coded columns, one two-step estimate
  /// per pair, no smoothing (`polychoric(correct = .5, global = FALSE,
  /// smooth = FALSE)$rho`). Pairs without an estimate are NaN.
  public static func correlationMatrix(_ data: RowBlock, correction: Double = 0.5) -> Matrix {
    var lo = Int.max, hi = Int.min
    for v in data.values where !v.isNaN { lo = min(lo, Int(v.rounded())); hi = max(hi, Int(v.rounded())) }
    if lo > hi { lo = 0; hi = 0 }
    var accumulator = ContingencyAccumulator(variables: data.columns, codes: lo...hi)
    accumulator.add(data)
    return accumulator.polychoricMatrix(correction: correction)
  }
}

/// Pairwise contingency tables of p ordinal columns, accumulated block by
/// block in one pass (only when polychoric correlations are asked for) and
/// mergeable across chunks.
///
/// - Complexity: O(n·p²) to accumulate; memory p(p − 1)/2 · c² counts for c codes.
public struct ContingencyAccumulator: Sendable, Equatable {
  /// Number of columns.
  public let variables: Int
  /// The response codes every item may take.
  public let codes: ClosedRange<Int>
  /// Values outside `codes` (or not integers) that were skipped.
  public private(set) var outOfRange: Int = 0
  private var tables: [ContingencyTable]

  public init(variables: Int, codes: ClosedRange<Int>) {
    self.variables = variables
    self.codes = codes
    tables = [ContingencyTable](repeating: ContingencyTable(rowCodes: codes, columnCodes: codes),
                                count: variables * (variables - 1) / 2)
  }

  private func index(_ i: Int, _ j: Int) -> Int { j * (j - 1) / 2 + i }

  /// The table of (column i, column j), rows = column i, for i ≠ j.
  public func table(_ i: Int, _ j: Int) -> ContingencyTable {
    precondition(i != j && i < variables && j < variables, "no table for columns \(i), \(j) of \(variables)")
    if i < j { return tables[index(i, j)] }
    let t = tables[index(j, i)]
    var transposed = ContingencyTable(rowCodes: codes, columnCodes: codes)
    for x in codes { for y in codes where t[x, y] > 0 { transposed.add(y, x, count: t[x, y]) } }
    return transposed
  }

  /// Counts every pairwise-complete pair of a block (NaN = missing).
  public mutating func add(_ block: RowBlock) {
    precondition(block.columns == variables, "block has \(block.columns) columns, accumulator \(variables)")
    var coded = [Int?](repeating: nil, count: variables)
    for r in 0..<block.rows {
      for c in 0..<variables {
        let v = block[r, c]
        if v.isNaN { coded[c] = nil; continue }
        let code = Int(v.rounded())
        if Double(code) == v && codes.contains(code) { coded[c] = code } else { coded[c] = nil; outOfRange += 1 }
      }
      for j in 1..<max(variables, 1) {
        guard let y = coded[j] else { continue }
        for i in 0..<j { if let x = coded[i] { tables[index(i, j)].add(x, y) } }
      }
    }
  }

  /// Adds another accumulator's counts (same columns and codes).
  public mutating func merge(_ other: ContingencyAccumulator) {
    precondition(other.variables == variables && other.codes == codes, "cannot merge accumulators of different shapes")
    for k in tables.indices { tables[k].merge(other.tables[k]) }
    outOfRange += other.outOfRange
  }

  /// Two-step polychoric ρ for every pair; NaN where a pair has no estimate.
  public func polychoricMatrix(correction: Double = 0.5) -> Matrix {
    polychoric(correction: correction).rho
  }

  /// The polychoric matrix with the pairs whose empty cells were corrected
  /// (psych warns about these) and the pairs without an estimate.
  public func polychoric(correction: Double = 0.5) -> PolychoricMatrix {
    var m = Matrix.identity(variables)
    var corrected: [PolychoricMatrix.Pair] = []
    var failed: [PolychoricMatrix.Pair] = []
    for j in 0..<variables {
      for i in 0..<j {
        let estimate = Polychoric.estimate(tables[index(i, j)], correction: correction)
        if estimate.correctedEmptyCells { corrected.append(.init(first: i, second: j)) }
        if estimate.rho == nil { failed.append(.init(first: i, second: j)) }
        m[i, j] = estimate.rho ?? .nan
        m[j, i] = m[i, j]
      }
    }
    return PolychoricMatrix(rho: m, correctedPairs: corrected, failedPairs: failed)
  }
}

/// A polychoric correlation matrix and what happened on the way.
public struct PolychoricMatrix: Sendable, Equatable {
  /// A pair of column indices, first < second.
  public struct Pair: Sendable, Equatable, Hashable {
    public var first: Int
    public var second: Int
  }
  /// ρ̂ per pair, unit diagonal, NaN where no estimate exists.
  public var rho: Matrix
  /// Pairs whose tables had empty cells set to correction/N.
  public var correctedPairs: [Pair]
  /// Pairs with fewer than two non-empty categories on a side (no estimate).
  public var failedPairs: [Pair]
}
