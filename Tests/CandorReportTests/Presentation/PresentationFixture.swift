import CandorPsychometrics
import CandorReport
import Foundation

/// One fixed `AnalysisResults` built from small hand-made values (and, where the result types
/// have no public initializer, from the psychometrics functions on small hand-made inputs).
///
/// Four schools: S01 (n 12), S02 (n 3: below the threshold), S03 (n 10: suppressed as the
/// complement of S02), S04 (n 20). Two waves of `trust`: S01 7 → 5, S02 1 → 2, S03 4 → 6 (the
/// team of 4 that becomes 6: shown in 2026Q3, its change never), S04 10 → 10. In 2026Q3 S02 is
/// the only small school, so S01 (5, the next smallest) is suppressed there as its complement.
enum PresentationFixture {
  static let minGroupSize = 5
  static let schools = ["S01", "S02", "S03", "S04"]

  static let trust: [[Double]] = [
    [3.2, 3.5, 3.8, 4.1, 3.9, 3.6, 3.3, 4.0, 3.7, 3.4, 3.95, 3.65],
    [1.05, 1.10, 1.12],
    [2.4, 2.9, 2.6, 2.8, 2.5, 2.7, 3.0, 2.3, 2.55, 2.75],
    [3.0, 3.3, 2.9, 3.4, 3.1, 3.6, 3.2, 3.5, 2.8, 3.7, 3.05, 3.35, 2.95, 3.45, 3.15, 3.55, 3.25, 3.6, 2.85, 3.65],
  ]
  /// How many of each school's trust scores fall in the first wave (the rest are in the second).
  static let firstWaveSizes = [7, 1, 4, 10]
  static let safety: [[Double]] = [
    trust[0].map { $0 + 0.6 },
    [6.61, 6.70, 6.72],
    trust[2].map { $0 * 1.5 },
    trust[3].map { $0 + 1 },
  ]
  /// 1 = left the school.
  static let left: [[Double]] = [
    [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0],
    [1, 1, 0],
    [1, 0, 0, 1, 0, 0, 1, 0, 0, 0],
    [0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0],
  ]

  static func header() -> Summary {
    Summary(
      candor: ToolInfo(version: "0.1.0"),
      provenance: Provenance(
        startedAt: "2026-11-27T04:00:00Z", wallSeconds: 1.25, threads: 2,
        codebookSha256: String(repeating: "ab", count: 32), missing: .pairwise, minGroupSize: minGroupSize,
        settings: [("rotation", "oblimin"), ("parallelIterations", 20)]),
      input: InputSummary(
        files: [InputFile(path: "district.csv", bytes: 123_456, sha256: String(repeating: "0f", count: 32), format: "qualtrics")],
        rows: 60, rowsUsed: 43,
        rowsExcluded: [Exclusion(reason: "survey preview", count: 2), Exclusion(reason: "unfinished", count: 15)]),
      warnings: [AnalysisWarning(code: "low-response-rate", message: "School S04 answered at 80 %; check the headcount file.")])
  }

  static func reliability(_ scale: String, items: [String], alpha: Double, ci: [Double], n: Int) -> ReliabilityResult {
    let stats = items.enumerated().map { i, item in
      ItemStatistics(
        item: item, n: n - i, mean: 3.5 + 0.1 * Double(i), sd: 0.9 + 0.02 * Double(i), rawR: 0.7, stdR: 0.7, rCor: 0.65,
        rDrop: 0.6 - 0.03 * Double(i), alphaIfDeleted: alpha - 0.01 + 0.005 * Double(i),
        frequencies: ["1": 1, "2": 3, "missing": i], ifDeleted: nil)
    }
    let nMin = n - items.count + 1
    return ReliabilityResult(
      scale: scale, missing: .pairwise, n: n, nMin: nMin, items: items.count,
      alpha: AlphaSummary(
        raw: alpha, standardized: alpha + 0.01, g6: alpha + 0.02, averageR: 0.4, medianR: 0.41, signalToNoise: 4.2,
        ase: 0.02, feldt95: ci, duhachek95: [alpha - 0.04, alpha + 0.04], intervalN: nMin, varianceR: 0.003),
      omega: OmegaResult(oneFactorTotal: alpha + 0.015, total: nil, hierarchical: nil, groupFactors: nil, note: nil), itemStatistics: stats, warnings: [])
  }

  /// Two correlated factors of three items each: R = ΛΦΛᵀ + diag(1 − h²).
  static func factorAnalysis() throws -> FactorAnalysisResult {
    let lambda: [[Double]] = [[0.8, 0], [0.7, 0], [0.6, 0], [0, 0.75], [0, 0.65], [0, 0.55]]
    let phi = 0.3
    var rows: [[Double]] = []
    for i in 0..<6 {
      var row: [Double] = []
      for j in 0..<6 {
        if i == j { row.append(1); continue }
        let a = lambda[i], b = lambda[j]
        row.append(a[0] * b[0] + a[1] * b[1] + phi * (a[0] * b[1] + a[1] * b[0]))
      }
      rows.append(row)
    }
    let items = ["cl1", "cl2", "cl3", "cl4", "cl5", "cl6"]
    return try FactorAnalysis.analyze(
      correlation: Matrix(rows), n: 300, request: FactorAnalysisRequest(scale: "climate", items: items, factors: .fixed(2)))
  }

  static func values() throws -> ValuesSummary {
    let labels = SchwartzValue.allCases.map(\.rawValue)
    let k = labels.count
    var rows: [[Double]] = []
    for i in 0..<k {
      rows.append((0..<k).map { j in i == j ? 1 : 0.6 * cos(2 * Double.pi * Double(i - j) / Double(k)) })
    }
    let mds = try ValuesStructure.analyze(correlation: Matrix(rows), labels: labels)
    let scores = labels.indices.map { i in
      ValuesSummary.ValueScore(mean: 0.4 - 0.08 * Double(i), sd: 0.7 + 0.01 * Double(i), n: 41 - i % 2, alpha: 0.55 + 0.02 * Double(i % 4))
    }
    let higher = ["openness", "self_enhancement", "conservation", "self_transcendence"]
    return ValuesSummary(
      scale: "pvq21", mrat: .init(mean: 4.12, sd: 0.61, n: 41), valueScores: ItemMap(keys: labels, values: scores),
      higherOrderScores: ItemMap(keys: higher, values: higher.indices.map { .init(mean: 0.33 - 0.21 * Double($0), sd: 0.52, n: 41) }),
      mds: mds)
  }

  static func correlations() -> [CorrelationResult] {
    var c = [
      CorrelationResult(x: "psych_safety", y: "trust", method: .pearson, test: Correlation.test(r: 0.54, n: 43)),
      CorrelationResult(x: "psych_safety", y: "intent_to_stay", method: .pearson, test: Correlation.test(r: 0.31, n: 41)),
      CorrelationResult(x: "trust", y: "intent_to_stay", method: .pearson, test: Correlation.test(r: 0.18, n: 42)),
    ]
    CorrelationTable.adjust(&c)
    return c
  }

  static func retention() throws -> RetentionResult {
    let json = #"""
      {"outcome": "left", "n": 43, "events": 11, "cluster": "school_id",
       "terms": [{"name": "trust", "oddsRatio": 0.62, "ci95": [0.41, 0.94], "p": 0.024, "estimate": -0.478, "se": 0.212, "z": -2.25, "sd": 0.71, "oddsRatioPerSD": 0.712, "ci95PerSD": [0.531, 0.955]},
                 {"name": "psych_safety", "oddsRatio": 0.91, "ci95": [0.66, 1.25], "p": 0.55, "estimate": -0.094, "se": 0.161, "z": -0.58, "sd": 1.12, "oddsRatioPerSD": 0.9, "ci95PerSD": [0.63, 1.29]}],
       "converged": true,
       "intercept": {"name": "(Intercept)", "oddsRatio": 4.1, "ci95": [1.2, 14.0], "p": 0.025, "estimate": 1.41, "se": 0.63, "z": 2.24, "sd": null, "oddsRatioPerSD": null, "ci95PerSD": [null, null]},
       "iterations": 5, "deviance": 40.1, "nullDeviance": 44.2, "clusters": 4, "standardErrors": "CR1", "warnings": []}
      """#
    return try JSONDecoder().decode(RetentionResult.self, from: Data(json.utf8))
  }

  static func drivers() throws -> DriversResult {
    let r = Matrix([[1, 0.5, 0.4, 0.45], [0.5, 1, 0.3, 0.35], [0.4, 0.3, 1, 0.5], [0.45, 0.35, 0.5, 1]])
    var d = try RelativeWeights.analyze(
      correlation: r, names: ["psych_safety", "trust", "pvq21.benevolence"], outcomeName: "intent_to_stay", n: 41)
    // Hand-made bootstrap intervals around each weight.
    d.ci95 = ItemMap(keys: d.weights.keys, values: d.weights.values.map { [$0 * 0.5, $0 * 1.6] })
    d.bootstrapReplicates = 1000
    d.seed = 7
    return d
  }

  /// One aggregation table of `scores` (per school) in `wave`, with rwg(j), favourability and
  /// retention rates filled in by hand (the moments behind them are not the point here).
  static func aggregation(_ scale: String, _ scores: [[Double]], retention: [[Double]]?, wave: String?) -> GroupedAggregation {
    var m = GroupMoments(groups: schools.count)
    for (g, vs) in scores.enumerated() { for v in vs { m.add(v, group: Int32(g)) } }
    var ret: GroupMoments? = nil
    if let retention {
      var r = GroupMoments(groups: schools.count)
      for (g, vs) in retention.enumerated() { for v in vs { r.add(v, group: Int32(g)) } }
      ret = r
    }
    let headcounts: [Int?] = scores.enumerated().map { $0.element.count + 11 + $0.offset }
    var result = Aggregation.analyze(
      scale: scale, by: "school_id", groupNames: schools, scores: m, headcounts: headcounts, retention: ret)
    for i in result.groupResults.indices {
      // Functions of the group's mean, so no two tables share them by accident.
      let mean = result.groupResults[i].mean
      result.groupResults[i].rwgj = 0.5 + (mean * 0.0917).truncatingRemainder(dividingBy: 0.4)
      result.groupResults[i].favourable = min(0.95, (mean - 1) / 4 * 0.97)
    }
    return GroupedAggregation(
      result: result, cells: result.groupResults.map { CellKey([$0.group], wave: wave) }, level: "school")
  }

  static func waveSplit(_ scores: [[Double]]) -> ([[Double]], [[Double]]) {
    let first = scores.enumerated().map { Array($0.element.prefix(firstWaveSizes[$0.offset])) }
    let second = scores.enumerated().map { Array($0.element.dropFirst(firstWaveSizes[$0.offset])) }
    return (first, second)
  }

  static func results() throws -> AnalysisResults {
    let (q2, q3) = waveSplit(trust)
    let trustQ2 = aggregation("trust", q2, retention: nil, wave: "2026Q2")
    let trustQ3 = aggregation("trust", q3, retention: nil, wave: "2026Q3")
    func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
    let all = trust.flatMap { $0 }
    func variance(_ xs: [Double]) -> Double {
      let m = mean(xs)
      return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    }
    // Hand-made favourable counts and alphas per wave; statistics from the wave split.
    func statistics(_ xs: [Double], alpha: Double?) -> WaveScaleStatistics {
      WaveScaleStatistics(
        n: xs.count, mean: xs.isEmpty ? .nan : mean(xs), variance: xs.count > 1 ? variance(xs) : .nan,
        favourable: xs.filter { $0 >= 3.5 }.count, favourableN: xs.count, alpha: alpha, alphaN: alpha == nil ? nil : xs.count)
    }
    let table = WaveTable(
      rows: [
        WaveComparison(
          scale: "trust", from: "2026Q2", to: "2026Q3", first: statistics(q2.flatMap { $0 }, alpha: 0.7613),
          second: statistics(q3.flatMap { $0 }, alpha: 0.8127))
      ],
      groupRows: schools.indices.map { g in
        GroupWaveComparison(
          scale: "trust", group: schools[g], from: "2026Q2", to: "2026Q3", first: statistics(q2[g], alpha: nil),
          second: statistics(q3[g], alpha: nil), minimumGroupSize: minGroupSize)
      })
    var results = AnalysisResults(
      reliability: [
        reliability("psych_safety", items: (1...7).map { "ps\($0)" }, alpha: 0.82, ci: [0.741, 0.883], n: 43),
        reliability("trust", items: (1...4).map { "tr\($0)" }, alpha: 0.77, ci: [0.66, 0.85], n: 43),
      ],
      scaleDescriptives: [
        ScaleDescriptives(scale: "psych_safety", n: 43, mean: mean(safety.flatMap { $0 }), sd: 1.12),
        ScaleDescriptives(scale: "trust", n: 43, mean: mean(all), sd: 0.71),
      ],
      factorAnalysis: [try factorAnalysis()],
      values: [try values()],
      correlations: correlations(), correlationTitle: "Correlations of Scale Scores and Intent to Stay",
      retention: [try retention()],
      aggregation: [
        aggregation("psych_safety", safety, retention: left, wave: nil),
        aggregation("trust", trust, retention: left, wave: nil),
        trustQ2, trustQ3,
      ],
      drivers: [try drivers()],
      warnings: [
        AnalysisWarning(code: "negative-item-rest", message: "Item tr4 correlates negatively with the rest of trust; check its keying.", scale: "trust", item: "tr4")
      ])
    results.addWaves(table, groupCells: schools.map { CellKey([$0]) })
    return results
  }
}
