import CandorNumerics
import Foundation

/// Reads the committed reliability fixtures (Fixtures/reliability, made by make_fixtures.R).
enum ReliabilityFixtures {
  static func url(_ name: String) throws -> URL {
    guard let u = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/reliability") else {
      throw FixtureError.missing(name)
    }
    return u
  }

  enum FixtureError: Error { case missing(String), malformed(String) }

  /// A data set: header names and rows (NaN = missing).
  static func data(_ name: String) throws -> (names: [String], rows: [[Double]]) {
    let text = try String(contentsOf: url(name), encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    let rows = lines.map { line in
      line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) ?? .nan }
    }
    return (header, rows)
  }

  /// expected.csv as `[set|mode|stat|item: value]`.
  static func expected() throws -> [String: Double] {
    let text = try String(contentsOf: url("expected"), encoding: .utf8)
    var out: [String: Double] = [:]
    for line in text.split(whereSeparator: \.isNewline).dropFirst() {
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard f.count == 5 else { throw FixtureError.malformed(String(line)) }
      out[f[0] + "|" + f[1] + "|" + f[2] + "|" + f[3]] = Double(f[4]) ?? .nan
    }
    return out
  }
}

/// Plain-Swift reference co-moments, as R `cov(x, use = "pairwise.complete.obs")` /
/// `cor(...)` (pairwise) or on `na.omit(x)` (listwise). Stands in for the streaming
/// accumulator in these tests.
enum ReferenceMoments {
  static func compute(_ rows: [[Double]], policy: MissingDataPolicy) -> CoMoments {
    let p = rows.first?.count ?? 0
    let data = policy == .listwise ? rows.filter { $0.allSatisfy { !$0.isNaN } } : rows
    var counts = [Int](repeating: 0, count: p), means = [Double](repeating: .nan, count: p)
    var sds = [Double](repeating: .nan, count: p)
    for j in 0..<p {
      let v = data.map { $0[j] }.filter { !$0.isNaN }
      counts[j] = v.count
      if !v.isEmpty { means[j] = v.reduce(0, +) / Double(v.count) }
      if v.count > 1 { sds[j] = (v.map { ($0 - means[j]) * ($0 - means[j]) }.reduce(0, +) / Double(v.count - 1)).squareRoot() }
    }
    var cov = Matrix(rows: p, columns: p, repeating: .nan), cor = cov
    var pc = [Int](repeating: 0, count: p * p)
    for i in 0..<p {
      for j in 0..<p {
        let pairs = data.filter { !$0[i].isNaN && !$0[j].isNaN }.map { ($0[i], $0[j]) }
        pc[i + j * p] = pairs.count
        guard pairs.count > 1 else { continue }
        let n = Double(pairs.count)
        let mi = pairs.map(\.0).reduce(0, +) / n, mj = pairs.map(\.1).reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in pairs { sxy += (x - mi) * (y - mj); sxx += (x - mi) * (x - mi); syy += (y - mj) * (y - mj) }
        cov[i, j] = sxy / (n - 1)
        cor[i, j] = (sxx > 0 && syy > 0) ? sxy / (sxx * syy).squareRoot() : .nan
      }
    }
    return CoMoments(policy: policy, counts: counts, means: means, standardDeviations: sds, covariance: cov,
                     correlation: cor, pairwiseCounts: pc, minimumPairwiseN: pc.min() ?? 0)
  }

  /// Pearson r of each item with the prorated row mean (psych's `raw.r`), pairwise.
  static func itemScoreCorrelations(_ rows: [[Double]], columns: [Int]) -> [Double] {
    let scores = rows.map { row -> Double in
      let v = columns.map { row[$0] }.filter { !$0.isNaN }
      return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
    }
    return columns.map { c in
      let pairs = zip(rows.map { $0[c] }, scores).filter { !$0.0.isNaN && !$0.1.isNaN }
      let n = Double(pairs.count)
      let mx = pairs.map(\.0).reduce(0, +) / n, my = pairs.map(\.1).reduce(0, +) / n
      var sxy = 0.0, sxx = 0.0, syy = 0.0
      for (x, y) in pairs { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx); syy += (y - my) * (y - my) }
      return sxy / (sxx * syy).squareRoot()
    }
  }
}
