import CandorNumerics
import Foundation
import Testing
import CandorPsychometrics

/// Speed of alpha with alpha-if-deleted at p = 50…400 on 5,000 rows (issue 4, item 5).
/// Opt-in, release only: `CANDOR_RELIABILITY_TIMING=1 swift test -c release --filter ReliabilityTiming`.
/// The ordo-one harness version is Benchmarks/Benchmarks/PsychometricsBenchmarks/ReliabilityBenchmarks.swift.
@Suite struct ReliabilityTiming {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["CANDOR_RELIABILITY_TIMING"] != nil))
  func alphaWithItemDeletion() throws {
    let n = 5_000
    var lines: [String] = []
    for p in [50, 100, 200, 400] {
      let x = SyntheticItems.oneFactor(rows: n, items: p, seed: 1)
      var passSeconds = Double.infinity, alphaSeconds = Double.infinity
      var result: ReliabilityResult?
      for _ in 0..<5 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let m = SyntheticItems.completeMoments(x, rows: n, items: p)
        let t1 = DispatchTime.now().uptimeNanoseconds
        result = try CronbachAlpha.analyze(scale: "s", items: (0..<p).map { "i\($0)" }, columns: Array(0..<p), moments: m)
        let t2 = DispatchTime.now().uptimeNanoseconds
        passSeconds = min(passSeconds, Double(t1 - t0) / 1e9)
        alphaSeconds = min(alphaSeconds, Double(t2 - t1) / 1e9)
      }
      let r = try #require(result)
      #expect(r.itemStatistics.allSatisfy { $0.alphaIfDeleted != nil })
      lines.append(String(format: "p=%d candor_alpha_ms=%.2f candor_moments_ms=%.2f raw_alpha=%.6f",
                          p, alphaSeconds * 1e3, passSeconds * 1e3, r.alpha.raw))
    }
    print(lines.joined(separator: "\n"))
  }
}

/// Seeded one-factor 1–5 items and their complete-data moments (public API only).
enum SyntheticItems {
  /// n×p column-major, item j = cut(0.6 f + 0.8 e) at the normal quintiles.
  static func oneFactor(rows n: Int, items p: Int, seed: UInt64) -> [Double] {
    var state = seed
    func next() -> Double {  // SplitMix64 → (0, 1)
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

  /// Complete-data co-moments by centring and one `dsyrk` (a stand-in for the streaming pass).
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
