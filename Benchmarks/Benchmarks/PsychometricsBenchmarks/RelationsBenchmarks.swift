import Benchmark
import Candor
import Foundation

/// Seeded data shared by the relations benchmarks (built once, outside the timed region).
private struct RelationsData: Sendable {
  static let rows = 5_000_000, groups = 20_000
  static let shared = RelationsData()
  var group: [Int32] = [], score: [Float] = [], items: [[Double]] = [], tenure: [Float] = [], left: [Float] = []

  init() {
    let rows = Self.rows, groups = Self.groups
    var state: UInt64 = 20_261_127
    func uniform() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    var d = self
    d.group = (0..<rows).map { _ in Int32(uniform() * Double(groups)) }
    let effect = (0..<groups).map { _ in uniform() - 0.5 }
    d.items = (0..<5).map { _ in [Double](repeating: 0, count: rows) }
    d.score = [Float](repeating: 0, count: rows)
    d.tenure = [Float](repeating: 0, count: rows)
    d.left = [Float](repeating: 0, count: rows)
    for i in 0..<rows {
      var s = 0.0
      for j in 0..<5 {
        let v = (3 + 2 * effect[Int(d.group[i])] + 2 * (uniform() - 0.5)).rounded()
        d.items[j][i] = min(5, max(1, v)); s += d.items[j][i]
      }
      d.score[i] = Float(s / 5)
      d.tenure[i] = Float((uniform() * 20).rounded())
      let eta = -1.5 - 0.5 * (Double(d.score[i]) - 3) + 0.02 * Double(d.tenure[i])
      d.left[i] = uniform() < 1 / (1 + exp(-eta)) ? 1 : 0
    }
    self = d
  }
}

/// Relations benchmarks (issue 6 "Speed"): team aggregation over 5M rows and
/// 20,000 groups from one pass of mergeable group moments; logistic regression
/// (IRLS, blocked BLAS cross-products) on 5M rows with CR1 cluster SEs; a
/// 60-variable correlation table from co-moments. Call from the suite's
/// `benchmarks` closure. R `glm` on the same data: Benchmarks/results/relations-peer.R.
func registerRelationsBenchmarks() {
  let rows = RelationsData.rows, groups = RelationsData.groups
  func shared() -> RelationsData { RelationsData.shared }

  Benchmark("Aggregation 5M rows × 20k groups (moments, ANOVA, ICC, rwg(j))",
            configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxIterations: 3)) { benchmark in
    let d = shared()
    let names = (0..<groups).map { "G\($0)" }
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      var scores = GroupMoments(groups: groups)
      var items = ItemGroupMoments(items: 5, groups: groups)
      for i in 0..<rows { scores.add(Double(d.score[i]), group: d.group[i]) }
      items.add(columns: d.items, groups: d.group)
      let result = Aggregation.analyze(scale: "trust", by: "school", groupNames: names, scores: scores,
                                       items: items, responseOptions: 5)
      precondition(result.groups == groups && result.icc1 > 0)
      blackHole(result)
    }
  }

  Benchmark("Logistic regression 5M rows, 2 predictors, CR1 by 20k groups",
            configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxIterations: 3)) { benchmark in
    let d = shared()
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      let fit = try! LogisticRegression.fit(outcome: d.left, outcomeName: "left", predictors: [d.score, d.tenure],
                                           names: ["trust", "tenure"], cluster: d.group, clusterName: "school")
      precondition(fit.converged && abs(fit.terms[0].estimate + 0.5) < 0.05)
      blackHole(fit)
    }
  }

  Benchmark("Correlation table, 60 variables from co-moments (1,770 pairs, CI, Holm, BH)",
            configuration: .init(metrics: [.wallClock], maxIterations: 20)) { benchmark in
    let p = 60
    var r = Matrix.identity(p)
    for i in 0..<p { for j in 0..<p where i != j { r[i, j] = 0.15 * cos(Double(i * j)) } }
    let moments = CoMoments(policy: .pairwise, counts: Array(repeating: rows, count: p), means: [],
                            standardDeviations: [], covariance: r, correlation: r,
                            pairwiseCounts: Array(repeating: rows, count: p * p), minimumPairwiseN: rows)
    let names = (0..<p).map { "v\($0)" }
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      let table = try! CorrelationTable.pearson(names: names, moments: moments)
      precondition(table.count == 1770)
      blackHole(table)
    }
  }
}
