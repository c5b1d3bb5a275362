import Benchmark
import Candor
import Foundation

/// Cronbach's alpha with alpha-if-deleted from given co-moments, p = 50, 100, 200, 400 on
/// 5,000 rows of one-factor 1–5 items (issue 4, item 5), plus the complete-data moment
/// pass (centre + dsyrk) that feeds it. Called from `benchmarks` in Benchmarks.swift.
/// Recorded figures and the psych comparison: Benchmarks/results/reliability.md.
func registerReliabilityBenchmarks() {
  let n = 5_000
  for p in [50, 100, 200, 400] {
    let x = ReliabilityBenchmarkData.oneFactor(rows: n, items: p, seed: 1)
    let moments = ReliabilityBenchmarkData.completeMoments(x, rows: n, items: p)
    let names = (0..<p).map { "i\($0)" }
    Benchmark("CronbachAlpha.analyze with alpha-if-deleted, p = \(p), n = \(n)",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(5))) { benchmark in
      for _ in benchmark.scaledIterations {
        blackHole(try CronbachAlpha.analyze(scale: "s", items: names, columns: Array(0..<p), moments: moments))
      }
    }
    Benchmark("Complete-data co-moments (centre + dsyrk), p = \(p), n = \(n)",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(5))) { benchmark in
      for _ in benchmark.scaledIterations {
        blackHole(ReliabilityBenchmarkData.completeMoments(x, rows: n, items: p))
      }
    }
  }
}

/// The same seeded data as Tests/CandorPsychometricsTests/Reliability/ReliabilityTimingTests.swift.
enum ReliabilityBenchmarkData {
  /// n×p column-major, item j = cut(0.6 f + 0.8 e) at the normal quintiles (SplitMix64, Box–Muller).
  static func oneFactor(rows n: Int, items p: Int, seed: UInt64) -> [Double] {
    var state = seed
    func next() -> Double {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      z ^= z >> 31
      return (Double(z >> 11) + 0.5) / 9_007_199_254_740_992
    }
    func normal() -> Double { (-2 * log(next())).squareRoot() * cos(2 * Double.pi * next()) }
    let cuts = [-0.8416212335729142, -0.2533471031357997, 0.2533471031357997, 0.8416212335729142]
    let f = (0..<n).map { _ in normal() }
    var x = [Double](repeating: 0, count: n * p)
    for j in 0..<p {
      for i in 0..<n {
        let z = 0.6 * f[i] + 0.8 * normal()
        x[i + j * n] = Double(1 + cuts.filter { z > $0 }.count)
      }
    }
    return x
  }

  static func completeMoments(_ x: [Double], rows n: Int, items p: Int) -> CoMoments {
    var centred = x
    var means = [Double](repeating: 0, count: p)
    for j in 0..<p {
      var s = 0.0
      for i in 0..<n { s += x[i + j * n] }
      means[j] = s / Double(n)
      for i in 0..<n { centred[i + j * n] -= means[j] }
    }
    var cov = LinearAlgebra.crossProduct(Matrix(rows: n, columns: p, columnMajor: centred))
    for k in 0..<cov.storage.count { cov.storage[k] /= Double(n - 1) }
    let sd = cov.diagonal.map { $0.squareRoot() }
    var cor = cov
    for j in 0..<p { for i in 0..<p { cor[i, j] = cov[i, j] / (sd[i] * sd[j]) } }
    return CoMoments(policy: .listwise, counts: Array(repeating: n, count: p), means: means, standardDeviations: sd,
                     covariance: cov, correlation: cor, pairwiseCounts: Array(repeating: n, count: p * p),
                     minimumPairwiseN: n)
  }
}
