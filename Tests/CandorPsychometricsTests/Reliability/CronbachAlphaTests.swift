import CandorNumerics
import Foundation
import Testing
import _CandorTestSupport
@testable import CandorPsychometrics

/// Tracks the largest |Candor − R| seen, to report it.
final class Deviation: @unchecked Sendable {
  var worst = 0.0, worstWhat = ""
  func check(_ got: Double, _ want: Double?, _ what: String, tolerance: Double = 1e-9,
             sourceLocation: SourceLocation = #_sourceLocation) {
    guard let want else {
      Issue.record("no R value for \(what)", sourceLocation: sourceLocation); return
    }
    let d = abs(got - want)
    if d > worst { worst = d; worstWhat = what }
    #expect(isClose(got, want, absolute: tolerance), "\(what): \(got) vs R \(want)", sourceLocation: sourceLocation)
  }
}

@Suite struct CronbachAlphaTests {
  static let cases: [(set: String, mode: MissingDataPolicy)] = [
    ("onefactor7", .pairwise), ("onefactor7", .listwise), ("tenitem", .pairwise), ("tenitem", .listwise),
    ("mixedranges_keyed", .pairwise), ("mixedranges_keyed", .listwise), ("mixedranges_raw", .pairwise),
    ("constant", .pairwise), ("duplicate", .pairwise), ("twoitem", .pairwise), ("twoitem", .listwise), ("worked_keyed", .pairwise),
  ]

  /// Every psych::alpha number on every fixture, with psych's N and with Candor's N.
  @Test(arguments: cases)
  func matchesPsych(_ c: (set: String, mode: MissingDataPolicy)) throws {
    let expected = try ReliabilityFixtures.expected()
    let (names, rows) = try ReliabilityFixtures.data(c.set)
    let moments = ReferenceMoments.compute(rows, policy: c.mode)
    let key = { (stat: String, item: String) in expected["\(c.set)|\(c.mode.rawValue)|\(stat)|\(item)"] }
    let dev = Deviation()
    let nsub = Int(try #require(key("nsub", "")))
    let used = names.indices.filter { key("item.n", names[$0]) != nil }
    let data = c.mode == .listwise ? rows.filter { $0.allSatisfy { !$0.isNaN } } : rows
    let scoreR = ReferenceMoments.itemScoreCorrelations(data, columns: used)
    var scoreRAll = [Double](repeating: .nan, count: names.count)
    for (u, r) in zip(used, scoreR) { scoreRAll[u] = r }

    let psychN = try CronbachAlpha.analyze(
      scale: c.set, items: names, columns: Array(names.indices), moments: moments,
      options: .init(sampleSize: nsub, itemScoreCorrelations: scoreRAll))
    let candor = try CronbachAlpha.analyze(scale: c.set, items: names, columns: Array(names.indices), moments: moments)

    #expect(candor.items == Int(try #require(key("k", ""))))
    #expect(candor.nMin == Int(try #require(key("nmin", ""))))
    #expect(candor.alpha.intervalN == candor.nMin)
    #expect(psychN.alpha.intervalN == nsub)
    for r in [psychN, candor] {
      dev.check(r.alpha.raw, key("raw_alpha", ""), "raw_alpha")
      dev.check(r.alpha.standardized, key("std.alpha", ""), "std.alpha")
      dev.check(r.alpha.g6, key("G6(smc)", ""), "G6")
      dev.check(r.alpha.averageR, key("average_r", ""), "average_r")
      dev.check(r.alpha.signalToNoise, key("S/N", ""), "S/N")
      dev.check(r.alpha.medianR, key("median_r", ""), "median_r")
      dev.check(r.alpha.varianceR, key("var.r", ""), "var.r")
    }
    // psych's N (nrow(x)): ase, Feldt and Duhachek exactly as psych.
    dev.check(psychN.alpha.ase, key("ase", ""), "ase (psych N)")
    dev.check(psychN.alpha.feldt95[0], key("feldt.lower", ""), "feldt lower (psych N)")
    dev.check(psychN.alpha.feldt95[1], key("feldt.upper", ""), "feldt upper (psych N)")
    let a = try #require(key("raw_alpha", "")), ase = try #require(key("ase", ""))
    dev.check(psychN.alpha.duhachek95[0], a - 1.96 * ase, "duhachek lower")
    dev.check(psychN.alpha.duhachek95[1], a + 1.96 * ase, "duhachek upper")
    // Candor's N (smallest pairwise n / complete cases).
    dev.check(candor.alpha.ase, key("candor.ase", ""), "ase (Candor N)")
    dev.check(candor.alpha.feldt95[0], key("candor.feldt.lower", ""), "feldt lower (Candor N)")
    dev.check(candor.alpha.feldt95[1], key("candor.feldt.upper", ""), "feldt upper (Candor N)")

    for (j, name) in names.enumerated() {
      guard key("item.n", name) != nil else { continue }  // constant items: psych drops them
      let s = candor.itemStatistics[j], ps = psychN.itemStatistics[j]
      #expect(s.item == name)
      #expect(Double(s.n) == key("item.n", name))
      dev.check(s.mean, key("item.mean", name), "mean \(name)")
      dev.check(s.sd, key("item.sd", name), "sd \(name)")
      dev.check(s.rawR, key("item.raw.r.cov", name), "raw.r from C \(name)")
      dev.check(ps.rawR, key("item.raw.r", name), "raw.r psych \(name)")
      if c.mode == .listwise { dev.check(s.rawR, key("item.raw.r", name), "raw.r listwise \(name)") }
      dev.check(s.stdR, key("item.std.r", name), "std.r \(name)")
      dev.check(s.rCor, key("item.r.cor", name), "r.cor \(name)")
      dev.check(s.rDrop, key("item.r.drop", name), "r.drop \(name)")
      if candor.items > 2 {
        let d = try #require(s.ifDeleted), pd = try #require(ps.ifDeleted)
        dev.check(try #require(s.alphaIfDeleted), key("drop.raw_alpha", name), "alpha if deleted \(name)")
        dev.check(d.standardized, key("drop.std.alpha", name), "drop std \(name)")
        dev.check(d.g6, key("drop.G6(smc)", name), "drop G6 \(name)")
        dev.check(d.averageR, key("drop.average_r", name), "drop av.r \(name)")
        dev.check(d.signalToNoise, key("drop.S/N", name), "drop S/N \(name)")
        dev.check(d.varianceR, key("drop.var.r", name), "drop var.r \(name)")
        dev.check(d.medianR, key("drop.med.r", name), "drop med.r \(name)")
        dev.check(pd.ase, key("drop.alpha se", name), "drop ase (psych N) \(name)")
        dev.check(d.ase, key("candor.drop.ase", name), "drop ase (Candor N) \(name)")
      } else {
        #expect(s.alphaIfDeleted == nil)
      }
    }
    print("[reliability] \(c.set)/\(c.mode.rawValue): worst |Δ| vs R = \(dev.worst) (\(dev.worstWhat))")
  }

  /// An exact example: C = [[9,5,5],[5,9,6],[5,6,9]], k = 3.
  /// tr C = 27, ΣC = 27 + 2·(5+5+6) = 59, so α = 3/2·(1 − 27/59) = 3/2·32/59 = 48/59.
  /// All variances are 9, so R = C/9, ΣR = 59/9 and standardized α = 3/2·(1 − 27/59) = 48/59.
  /// Q = 2·3²/(2²·59³)·(59·(tr C² + 27²) − 2·27·Σ(C²)) with tr C² = Σcᵢⱼ² = 243 + 2·86 = 415
  /// and row sums 19, 20, 20 → Σ(C²) = 361 + 400 + 400 = 1161:
  /// Q = 18/821516 · (59·1144 − 54·1161) = 18·4802/821516 = 86436/821516.
  @Test func exactFortyEightOverFiftyNine() throws {
    let c = Matrix([[9, 5, 5], [5, 9, 6], [5, 6, 9]])
    let s = try CronbachAlpha.statistics(covariance: c, n: 100)
    #expect(isClose(s.raw, 48.0 / 59.0, absolute: 1e-15))
    #expect(isClose(s.standardized, 48.0 / 59.0, absolute: 1e-15))
    #expect(isClose(s.averageR, 32.0 / 54.0, absolute: 1e-15))  // (59/9 − 3)/6 = 32/54
    #expect(isClose(s.ase, (86436.0 / 821516.0 / 100).squareRoot(), absolute: 1e-15))
    // Through the CoMoments path too.
    let m = CoMoments(policy: .listwise, counts: [100, 100, 100], means: [3, 3, 3], standardDeviations: [3, 3, 3],
                      covariance: c, correlation: (1.0 / 9.0) * c, pairwiseCounts: Array(repeating: 100, count: 9),
                      minimumPairwiseN: 100)
    let r = try CronbachAlpha.analyze(scale: "exact", items: ["a", "b", "c"], columns: [0, 1, 2], moments: m)
    #expect(isClose(r.alpha.raw, 48.0 / 59.0, absolute: 1e-15))
    // Alpha without item a: C = [[9,6],[6,9]] → 2·(1 − 18/30) = 4/5.
    #expect(isClose(try #require(r.itemStatistics[0].alphaIfDeleted), 0.8, absolute: 1e-15))
  }

  /// domain.md §1.6: α = .9849, standardized .9854 (4 decimals, R psych 2.2.9).
  @Test func workedExample() throws {
    let (names, rows) = try ReliabilityFixtures.data("worked_keyed")
    let r = try CronbachAlpha.analyze(scale: "psych_safety", items: names, columns: Array(names.indices),
                                      moments: ReferenceMoments.compute(rows, policy: .pairwise))
    #expect((r.alpha.raw * 10_000).rounded() == 9849)
    #expect((r.alpha.standardized * 10_000).rounded() == 9854)
    #expect(r.warnings.isEmpty)
  }

  @Test func constantItemIsDroppedWithWarning() throws {
    let (names, rows) = try ReliabilityFixtures.data("constant")
    let r = try CronbachAlpha.analyze(scale: "s", items: names, columns: Array(names.indices),
                                      moments: ReferenceMoments.compute(rows, policy: .pairwise))
    #expect(r.items == names.count - 1)
    #expect(r.warnings.map(\.code) == ["constant-item"])
    #expect(r.warnings.first?.item == "i4")
    let i4 = try #require(r.itemStatistics.first { $0.item == "i4" })
    #expect(i4.mean == 3 && i4.rawR.isNaN && i4.alphaIfDeleted == nil)
  }

  @Test func tooFewItemsThrows() throws {
    let rows: [[Double]] = [[1, 3], [2, 3], [3, 3]]
    #expect(throws: ReliabilityError.tooFewItems(scale: "s", usable: 1)) {
      try CronbachAlpha.analyze(scale: "s", items: ["a", "b"], columns: [0, 1],
                                moments: ReferenceMoments.compute(rows, policy: .pairwise))
    }
  }

  /// An unkeyed scale: i2 (1–5) and i6 (1–7) are reverse-worded.
  @Test func reverseKeyedItemsAreFlagged() throws {
    let expected = try ReliabilityFixtures.expected()
    let (names, rows) = try ReliabilityFixtures.data("mixedranges_raw")
    let r = try CronbachAlpha.analyze(scale: "mixed", items: names, columns: Array(names.indices),
                                      moments: ReferenceMoments.compute(rows, policy: .pairwise))
    let flagged = r.warnings.filter { $0.code == "negative-item-rest" }
    #expect(flagged.map(\.item) == ["i2", "i6"])
    let i2 = try #require(r.itemStatistics.first { $0.item == "i2" })
    #expect(isClose(i2.rDrop, try #require(expected["mixedranges_raw|pairwise|item.r.drop|i2"])))
    #expect(flagged[0].message == "i2 correlates \u{2212}\(String(format: "%.2f", -i2.rDrop)) with the rest of mixed: is it reverse-keyed?")
    // psych's first component has i2 and i6 against the other five as well.
    for name in ["i2", "i6"] { #expect(try #require(expected["mixedranges_raw|pairwise|pc1|\(name)"]) < 0) }
  }

  /// An item whose item–rest r is positive but whose first-component loading is against
  /// the majority: a1–a4 (r = .7), b (r = .1 with a), x (r = −.05 with a, .6 with b).
  /// x's rest covariance is 4·(−.05) + .6 = .4 > 0, yet the a-cluster dominates the
  /// first component, where x loads negatively.
  @Test func oppositeComponentLoadingIsFlagged() throws {
    let names = ["a1", "a2", "a3", "a4", "b", "x"]
    var r = Matrix.identity(6)
    func set(_ i: Int, _ j: Int, _ v: Double) { r[i, j] = v; r[j, i] = v }
    for i in 0..<4 { for j in (i + 1)..<4 { set(i, j, 0.7) }; set(i, 4, 0.1); set(i, 5, -0.05) }
    set(4, 5, 0.6)
    let e = try LinearAlgebra.symmetricEigen(r)
    let v = (0..<6).map { e.vectors[$0, 0] * (e.vectors[0, 0] < 0 ? -1 : 1) }
    #expect(v[5] < 0 && v[0] > 0)  // the premise, independently of CronbachAlpha
    let m = CoMoments(policy: .listwise, counts: Array(repeating: 200, count: 6), means: Array(repeating: 3, count: 6),
                      standardDeviations: Array(repeating: 1, count: 6), covariance: r, correlation: r,
                      pairwiseCounts: Array(repeating: 200, count: 36), minimumPairwiseN: 200)
    let result = try CronbachAlpha.analyze(scale: "s", items: names, columns: Array(0..<6), moments: m)
    #expect(result.itemStatistics[5].rDrop > 0)
    #expect(result.warnings.map(\.code) == ["opposite-component-loading"])
    #expect(result.warnings.first?.item == "x")
    #expect(result.warnings.first?.message.hasPrefix("x loads \u{2212}0.") == true)
  }

  /// Same results and same warnings whatever the column order.
  @Test(arguments: ["mixedranges_raw", "onefactor7", "constant"])
  func columnOrderDoesNotMatter(_ set: String) throws {
    let (names, rows) = try ReliabilityFixtures.data(set)
    let p = names.count
    let order = (0..<p).map { ($0 * 3 + 2) % p == $0 ? $0 : ($0 * 3 + 2) % p }
    let perm = Set(order).count == p ? order : Array((0..<p).reversed())
    let permutedRows = rows.map { row in perm.map { row[$0] } }
    let permutedNames = perm.map { names[$0] }
    for policy in MissingDataPolicy.allCases {
      let a = try CronbachAlpha.analyze(scale: set, items: names, columns: Array(0..<p),
                                        moments: ReferenceMoments.compute(rows, policy: policy))
      let b = try CronbachAlpha.analyze(scale: set, items: permutedNames, columns: Array(0..<p),
                                        moments: ReferenceMoments.compute(permutedRows, policy: policy))
      #expect(a.warnings == b.warnings)
      #expect(isClose(a.alpha.raw, b.alpha.raw, absolute: 1e-12))
      #expect(isClose(a.alpha.g6, b.alpha.g6, absolute: 1e-12))
      #expect(isClose(a.alpha.medianR, b.alpha.medianR, absolute: 1e-12))
      #expect(a.nMin == b.nMin)
      for s in a.itemStatistics {
        let t = try #require(b.itemStatistics.first { $0.item == s.item })
        #expect(isClose(s.rDrop, t.rDrop, absolute: 1e-12) && isClose(s.rCor, t.rCor, absolute: 1e-12))
        #expect(isClose(s.alphaIfDeleted ?? .nan, t.alphaIfDeleted ?? .nan, absolute: 1e-12))
        #expect(isClose(s.ifDeleted?.g6 ?? .nan, t.ifDeleted?.g6 ?? .nan, absolute: 1e-12))
      }
    }
  }

  /// Block-inverse deletion statistics equal a direct computation on each submatrix.
  @Test func itemDeletionMatchesDirectSubmatrices() throws {
    let (names, rows) = try ReliabilityFixtures.data("tenitem")
    let m = ReferenceMoments.compute(rows, policy: .pairwise)
    let r = try CronbachAlpha.analyze(scale: "t", items: names, columns: Array(names.indices), moments: m)
    for i in names.indices {
      var keep = Array(names.indices); keep.remove(at: i)
      let direct = try CronbachAlpha.statistics(covariance: m.covariance.principalSubmatrix(keep), n: 100)
      let d = try #require(r.itemStatistics[i].ifDeleted)
      #expect(isClose(d.g6, direct.g6, absolute: 1e-12))
      #expect(isClose(d.medianR, direct.medianR, absolute: 1e-15))
      #expect(isClose(d.varianceR, direct.varianceR, absolute: 1e-12))
    }
  }

  @Test func fQuantilesMatchR() throws {
    let expected = try ReliabilityFixtures.expected()
    var seen = 0
    for (k, v) in expected where k.hasPrefix("qf|") {
      let f = k.split(separator: "|", omittingEmptySubsequences: false)
      let d = f[1].split(separator: "/").map { Double($0)! }
      let q = FDistribution.quantile(Double(f[2])!, numeratorDegreesOfFreedom: d[0], denominatorDegreesOfFreedom: d[1])
      #expect(isClose(q, v, absolute: 0, relative: 1e-12), "qf(\(f[2]), \(d[0]), \(d[1])) = \(q) vs R \(v)")
      seen += 1
    }
    #expect(seen == 10)
    // Large denominator df, where R's qf approximates: against mpmath (make_qf_mpmath.py).
    let text = try String(contentsOf: try ReliabilityFixtures.url("qf_mpmath"), encoding: .utf8)
    var checked = 0
    for line in text.split(whereSeparator: \.isNewline).dropFirst() {
      let f = line.split(separator: ",").map { Double($0)! }
      let q = FDistribution.quantile(f[2], numeratorDegreesOfFreedom: f[0], denominatorDegreesOfFreedom: f[1])
      #expect(isClose(q, f[3], absolute: 0, relative: 1e-12), "qf(\(f[2]), \(f[0]), \(f[1])) = \(q) vs mpmath \(f[3])")
      checked += 1
    }
    #expect(checked == 6)
  }

  @Test func jsonFollowsDesignOrder() throws {
    let (names, rows) = try ReliabilityFixtures.data("onefactor7")
    let freq = names.map { _ in ["2": 10, "10": 1, "1": 5, "missing": 3] }
    let r = try CronbachAlpha.analyze(scale: "ps", items: names, columns: Array(names.indices),
                                      moments: ReferenceMoments.compute(rows, policy: .pairwise), frequencies: freq)
    let keys = try encodedKeyOrder(r)
    #expect(keys[""] == ["scale", "missing", "n", "nMin", "items", "alpha", "omega", "itemStatistics", "warnings"])
    #expect(keys["alpha"] == ["raw", "standardized", "g6", "averageR", "medianR", "signalToNoise", "ase",
                              "feldt95", "duhachek95", "intervalN", "varianceR"])
    #expect(keys["itemStatistics"] == ["item", "n", "mean", "sd", "rawR", "stdR", "rCor", "rDrop",
                                       "alphaIfDeleted", "frequencies", "ifDeleted"])
    #expect(keys["itemStatistics.frequencies"] == ["1", "2", "10", "missing"])
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let json = String(decoding: try encoder.encode(r), as: UTF8.self)
    #expect(json.contains("\"omega\":null"))
    let back = try JSONDecoder().decode(ReliabilityResult.self, from: Data(json.utf8))
    #expect(back.alpha.raw == r.alpha.raw && back.itemStatistics[3].frequencies == freq[3])
  }
}
