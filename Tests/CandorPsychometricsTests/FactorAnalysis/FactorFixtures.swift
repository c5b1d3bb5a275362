import Foundation
import CandorNumerics

/// Reads the R reference values written by Fixtures/factors/make_fixtures.R.
enum FactorFixtures {
  static func url(_ name: String) -> URL {
    guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/factors") else {
      fatalError("fixture \(name).csv is missing; run make_fixtures.R")
    }
    return url
  }

  static func exists(_ name: String) -> Bool {
    Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/factors") != nil
  }

  /// A header-less numeric CSV as rows.
  static func rows(_ name: String) -> [[Double]] {
    let text = try! String(contentsOf: url(name), encoding: .utf8)
    return text.split(separator: "\n").map { line in
      line.split(separator: ",").map { field in
        let s = field.trimmingCharacters(in: .whitespaces)
        return s == "NaN" || s == "NA" ? .nan : Double(s)!
      }
    }
  }

  static func matrix(_ name: String) -> Matrix { Matrix(rows(name)) }

  /// A column vector file as an array.
  static func vector(_ name: String) -> [Double] { rows(name).flatMap { $0 } }

  nonisolated(unsafe) static let scalarTable: [String: Double] = {
    let text = try! String(contentsOf: url("scalars"), encoding: .utf8)
    var table: [String: Double] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let parts = line.split(separator: ",")
      table[String(parts[0])] = parts[1] == "NA" ? .nan : Double(parts[1])!
    }
    return table
  }()

  static func scalar(_ name: String) -> Double {
    guard let v = scalarTable[name] else { fatalError("scalar \(name) missing from scalars.csv") }
    return v
  }
}

/// Factor alignment by Tucker congruence: the permutation and signs of `b`'s
/// columns that best match `a`'s (exhaustive over permutations, k ≤ 6).
enum Congruence {
  static func coefficient(_ x: [Double], _ y: [Double]) -> Double {
    let xy = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
    let xx = x.reduce(0) { $0 + $1 * $1 }, yy = y.reduce(0) { $0 + $1 * $1 }
    return xy / (xx * yy).squareRoot()
  }

  static func permutations(_ n: Int) -> [[Int]] {
    if n == 0 { return [[]] }
    return permutations(n - 1).flatMap { p in (0...p.count).map { i in var q = p; q.insert(n - 1, at: i); return q } }
  }

  /// Returns `(order, signs)` so that column j of the aligned `b` is
  /// `signs[j] * b[:, order[j]]`.
  static func align(_ a: Matrix, _ b: Matrix) -> (order: [Int], signs: [Double]) {
    let k = a.columns
    var best: ([Int], [Double], Double) = (Array(0..<k), [Double](repeating: 1, count: k), -.infinity)
    for perm in permutations(k) {
      var total = 0.0
      var signs = [Double](repeating: 1, count: k)
      for j in 0..<k {
        let c = coefficient(a.column(j), b.column(perm[j]))
        total += abs(c)
        signs[j] = c < 0 ? -1 : 1
      }
      if total > best.2 { best = (perm, signs, total) }
    }
    return (best.0, best.1)
  }

  static func aligned(_ b: Matrix, order: [Int], signs: [Double]) -> Matrix {
    var out = Matrix(rows: b.rows, columns: order.count)
    for j in 0..<order.count { for i in 0..<b.rows { out[i, j] = signs[j] * b[i, order[j]] } }
    return out
  }

  static func alignedPhi(_ phi: Matrix, order: [Int], signs: [Double]) -> Matrix {
    var out = Matrix(rows: order.count, columns: order.count)
    for j in 0..<order.count { for i in 0..<order.count { out[i, j] = signs[i] * signs[j] * phi[order[i], order[j]] } }
    return out
  }
}
