import Candor
import Foundation
import Testing
import _CandorTestSupport

/// End-to-end: the shipped demo export through the whole pass, against R on the same
/// data (Fixtures/make_demo_reference.R).
@Suite struct PipelineTests {
  static let root = repositoryRoot()
  static let reference = referenceValues(Bundle.module.url(forResource: "demo_reference", withExtension: "csv", subdirectory: "Fixtures")!)

  static func load(threads: Int = 2, keep: [String] = [], cluster: String? = nil) throws -> SurveyData {
    var request = AnalysisRequest(files: [root.appendingPathComponent("datasets/demo/demo.csv").path],
                                  codebookPath: root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path)
    request.threads = threads
    request.respondentColumns = keep
    request.cluster = cluster
    return try SurveyData.load(request)
  }

  func ref(_ name: String) -> Double { Self.reference[name]! }

  @Test func reliabilityMatchesPsych() throws {
    let data = try Self.load()
    let (results, _) = try data.reliability(scales: ["psych_safety", "trust"])
    #expect(isClose(results[0].alpha.raw, ref("alpha.psych_safety.raw"), absolute: 1e-12))
    #expect(isClose(results[0].alpha.standardized, ref("alpha.psych_safety.std"), absolute: 1e-12))
    #expect(isClose(results[0].alpha.g6, ref("alpha.psych_safety.g6"), absolute: 1e-12))
    #expect(isClose(results[1].alpha.raw, ref("alpha.trust.raw"), absolute: 1e-12))
    #expect(isClose(results[1].alpha.standardized, ref("alpha.trust.std"), absolute: 1e-12))
  }

  @Test func valueScalesReportOneAlphaPerValue() throws {
    let data = try Self.load()
    let (results, _) = try data.reliability(scales: ["values"])
    #expect(results.count == 10)
    #expect(results.map(\.scale).contains("values.benevolence"))
    #expect(results.first { $0.scale == "values.universalism" }?.items == 6)
  }

  @Test func correlationsOfScoresMatchCorTest() throws {
    let data = try Self.load()
    let rows = try data.correlations(variables: ["trust", "psych_safety"], with: ["left", "intent_stay"])
    let tl = try #require(rows.first { $0.x == "trust" && $0.y == "left" })
    #expect(isClose(tl.r, ref("cor.trust.left.r"), absolute: 1e-12))
    #expect(tl.n == Int(ref("cor.trust.left.n")))
    #expect(isClose(tl.p, ref("cor.trust.left.p"), absolute: 0, relative: 1e-9))
    let si = try #require(rows.first { $0.x == "psych_safety" && $0.y == "intent_stay" })
    #expect(isClose(si.r, ref("cor.psych_safety.intent_stay.r"), absolute: 1e-12))
    #expect(isClose(si.ci95[0], ref("cor.psych_safety.intent_stay.lo"), absolute: 1e-12))
    #expect(isClose(si.ci95[1], ref("cor.psych_safety.intent_stay.hi"), absolute: 1e-12))
    #expect(isClose(si.p, ref("cor.psych_safety.intent_stay.p"), absolute: 0, relative: 1e-9))
  }

  @Test func aggregationMatchesMultilevel() throws {
    let data = try Self.load()
    let levels = try data.aggregation(by: "school_id", scales: ["psych_safety"])
    let a = try #require(levels.first)
    #expect(a.result.groups == Int(ref("groups.psych_safety.school_id")))
    #expect(isClose(a.result.icc1, ref("icc1.psych_safety.school_id"), absolute: 1e-10))
    #expect(isClose(a.result.icc2, ref("icc2.psych_safety.school_id"), absolute: 1e-10))
    let i = try #require(a.paths.firstIndex { $0.last == "S0001" })
    #expect(a.result.groupResults[i].n == Int(ref("n.psych_safety.S0001")))
    #expect(isClose(a.result.groupResults[i].mean ?? .nan, ref("mean.psych_safety.S0001"), absolute: 1e-12))
  }

  @Test func retentionMatchesGlmWithClusterRobustErrors() throws {
    let data = try Self.load(keep: ["left", "trust", "psych_safety", "tenure"], cluster: "school_id")
    let r = try data.retention(outcome: "left", predictors: ["trust", "psych_safety"], covariates: ["tenure"])
    #expect(r.n == Int(ref("glm.n")))
    for name in ["trust", "psych_safety", "tenure"] {
      let t = try #require(r.terms.first { $0.name == name })
      // Scores are kept as Float32 per respondent: agreement to ~1e-6 relative.
      #expect(isClose(t.oddsRatio, ref("glm.\(name).or"), absolute: 0, relative: 1e-5))
      #expect(isClose(t.p, ref("glm.\(name).p"), absolute: 0, relative: 1e-3))
    }
  }

  @Test func resultsDoNotDependOnThreadCount() throws {
    let one = try Self.load(threads: 1), many = try Self.load(threads: 7)
    #expect(one.statistics.scaleItems == many.statistics.scaleItems)
    #expect(one.statistics.scores == many.statistics.scores)
    #expect(one.statistics.rowsUsed == many.statistics.rowsUsed)
    #expect(one.statistics.groups[1].labels == many.statistics.groups[1].labels)
  }

  @Test func factorAnalysisOfTrustMatchesPsychFa() throws {
    let data = try Self.load()
    var settings = FactorSettings()
    settings.factors = .fixed(3)
    let fa = try data.factorAnalysis(scale: "trust", settings: settings)
    #expect(fa.n == Int(ref("fa.trust.n")))
    for i in 1...12 {
      let h2 = try #require(fa.communalities["tr\(i)"])
      #expect(isClose(h2, ref("fa.trust.h2.\(i)"), absolute: 1e-4))
    }
    #expect(isClose(fa.fit.chiSquare ?? .nan, ref("fa.trust.chi"), absolute: 0, relative: 1e-3))
    #expect(isClose(fa.fit.tli ?? .nan, ref("fa.trust.tli"), absolute: 0, relative: 1e-3))
  }

  @Test func omegaFillsReliabilityAsPsychOmegaWithoutFlipping() throws {
    let data = try Self.load()
    var (results, _) = try data.reliability(scales: ["trust", "psych_safety"])
    _ = data.addOmega(to: &results)
    let trust = try #require(results[0].omega)
    #expect(isClose(trust.oneFactorTotal, ref("omega.trust.onefactor"), absolute: 1e-4))
    #expect(isClose(trust.total ?? .nan, ref("omega.trust.total"), absolute: 1e-4))
    #expect(isClose(trust.hierarchical ?? .nan, ref("omega.trust.h"), absolute: 1e-4))
    // 7 items: Schmid–Leiman is under-identified, so only the one-factor ω.
    let safety = try #require(results[1].omega)
    #expect(safety.total == nil && safety.hierarchical == nil)
  }

  @Test func valueCircleOfGeneratedPVQMatchesTheory() throws {
    let data = try Self.load()
    let v = try data.values(scale: "values")
    #expect(v.valueScores.keys.count == 10)
    #expect(v.mrat.n > 1900)
    #expect(v.mds?.orderMatchesTheory == true)
    // Centred value means sum to ~0 over the ten values only when weighted by items; each is finite.
    #expect(v.valueScores.values.allSatisfy { $0.mean.isFinite && $0.sd > 0 })
  }

  /// Group moments are kept for what estimators read by group: scale scores and outcomes at
  /// every level, value scores at the innermost level of `groups` only, never the MRAT,
  /// higher-order values or covariates.
  @Test func groupMomentsAreKeptForWhatIsReadByGroup() throws {
    let data = try Self.load()
    let names = data.layout.scoreNames
    let levels = data.layout.groupLevels.map(\.name)
    #expect(levels == ["district", "school_id", "role", "school_id × role"])
    func kept(_ level: String) -> Set<String> {
      let l = levels.firstIndex(of: level)!
      return Set(names.indices.filter { data.layout.groupScores[l][$0] }.map { names[$0] })
    }
    // intent_stay is a numeric covariate of the demo codebook; left its outcome.
    let ordinary: Set = ["psych_safety", "trust", "left"]
    #expect(kept("district") == ordinary)
    #expect(kept("role") == ordinary)
    #expect(kept("school_id × role") == ordinary)
    #expect(kept("school_id") == ordinary.union(names.filter { $0.hasPrefix("values.") && !$0.hasSuffix(".mrat") }
      .filter { n in data.layout.scales.contains { $0.usesMRAT && $0.subscales.contains { "values.\($0.id)" == n } } }))
    #expect(kept("school_id").count == 13)
    let school = data.statistics.groups[levels.firstIndex(of: "school_id")!]
    #expect(school.scores[data.layout.scoreIndex(named: "values.mrat")!].groupCount == 0)
    #expect(school.scores[data.layout.scoreIndex(named: "values.power")!].groupCount > 0)
  }

  @Test func aRepeatedIdStopsThePassNamingTheIdAndBothRows() throws {
    // Row 1500 of a copy repeats the id of row 3 (duplicate_ids: error, the default).
    let source = Self.root.appendingPathComponent("datasets/demo/demo.csv")
    var lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let id3 = lines[3].split(separator: ",")[0]
    var fields = lines[1500].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    fields[0] = String(id3)
    lines[1500] = fields.joined(separator: ",")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-dup-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let copy = dir.appendingPathComponent("dup.csv")
    try lines.joined(separator: "\n").write(to: copy, atomically: true, encoding: .utf8)
    // In memory, and spilled to temporary files after 100 ids (as past 1M rows).
    for threads in [1, 2] {
      for inMemory in [1 << 20, 100] {
        var request = AnalysisRequest(files: [copy.path],
                                      codebookPath: Self.root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path)
        request.threads = threads
        request.idHashesInMemory = inMemory
        #expect(throws: DuplicateIDError(id: String(id3), firstRow: 3, row: 1500)) { try SurveyData.load(request) }
      }
    }
  }

  @Test func respondentsWithoutAGroupAreCountedNotDropped() throws {
    // Blank school_id on two rows: they stay in whole-sample results and are reported.
    let source = Self.root.appendingPathComponent("datasets/demo/demo.csv")
    var lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for i in [10, 20] {
      var f = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      f[2] = ""
      lines[i] = f.joined(separator: ",")
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("candor-blank-\(UUID().uuidString).csv")
    try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let request = AnalysisRequest(files: [file.path],
                                  codebookPath: Self.root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path)
    let data = try SurveyData.load(request)
    #expect(data.statistics.rowsUsed == 2000)
    let results = data.run(AnalysisPlan.make(codebook: data.codebook, layout: data.layout))
    let w = try #require(results.warnings.first { $0.code == "group-label-missing" })
    #expect(w.message.hasPrefix("2 respondents have no school_id"))
  }

  /// An export with a header and no data rows runs (every table empty, exit 0 as design.md
  /// §5 has it for warnings) and says so first, so a scheduler with `--fail-on-warning`
  /// stops on an empty upstream export instead of publishing empty tables.
  @Test func anEmptyExportIsTheFirstWarning() throws {
    let header = try String(contentsOf: Self.root.appendingPathComponent("datasets/demo/demo.csv"), encoding: .utf8)
      .split(separator: "\n")[0]
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("candor-empty-\(UUID().uuidString).csv")
    try (header + "\n").write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let request = AnalysisRequest(files: [file.path],
                                  codebookPath: Self.root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path)
    let data = try SurveyData.load(request)
    #expect(data.statistics.rowsRead == 0 && data.statistics.rowsUsed == 0)
    let results = data.run(AnalysisPlan.make(codebook: data.codebook, layout: data.layout))
    #expect(results.warnings.first?.code == "no-rows")
    #expect(results.warnings.first?.message.contains("no data rows") == true)
    // The row-reading steps run beside the others, and the warnings still come in plan
    // order: the factor analysis, then the retention model (a row-reading step), then the
    // key drivers.
    let skipped = results.warnings.filter { $0.code == "analysis-skipped" }.map(\.message)
    #expect(skipped.count == 3)
    #expect(skipped.count == 3 && skipped[0].hasPrefix("factor analysis of trust")
            && skipped[1].hasPrefix("the retention model for left") && skipped[2].hasPrefix("key drivers of intent_stay"))
    // The full demo has rows: no such warning.
    let demo = try Self.load()
    #expect(!demo.run(AnalysisPlan.make(codebook: demo.codebook, layout: demo.layout)).warnings.contains { $0.code == "no-rows" })
  }
}

/// `candor analyze` keeps co-moments of the score variables its plan correlates only; the
/// others' n, mean and SD come from per-variable moments, and a pair the plan does not read
/// is missing rather than wrong.
@Suite struct ScoreMomentsTests {
  static let root = repositoryRoot()

  static func load(missing: MissingDataPolicy, forPlan: Bool) throws -> SurveyData {
    var request = AnalysisRequest(files: [root.appendingPathComponent("datasets/demo/demo.csv").path],
                                  codebookPath: root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path)
    request.missing = missing
    request.keepColumnsForPlan = forPlan
    return try SurveyData.load(request)
  }

  @Test func thePlansPairsAndEveryVariablesOwnMoments() throws {
    let all = try Self.load(missing: .pairwise, forPlan: false)
    let plan = try Self.load(missing: .pairwise, forPlan: true)
    #expect(all.layout.scoreCrossVariables == nil && all.statistics.scores.crossed == nil)
    let crossed = try #require(plan.statistics.scores.crossed)
    #expect(Set(crossed.map { plan.layout.scoreNames[$0] }) == ["trust", "psych_safety", "left", "intent_stay", "tenure"])
    let full = all.statistics.scores.moments(.pairwise), kept = plan.statistics.scores.moments(.pairwise)
    let p = full.variables
    #expect(kept.variables == p && kept.counts == full.counts)
    func close(_ a: Double, _ b: Double) -> Bool { a.isNaN ? b.isNaN : abs(a - b) <= 1e-12 * (1 + abs(b)) }
    for j in 0..<p {
      #expect(close(kept.means[j], full.means[j]) && close(kept.standardDeviations[j], full.standardDeviations[j]),
              "\(plan.layout.scoreNames[j])")
      for k in 0..<p {
        if crossed.contains(j) && crossed.contains(k) || j == k {
          #expect(close(kept.covariance[j, k], full.covariance[j, k]) && close(kept.correlation[j, k], full.correlation[j, k]))
          #expect(kept.pairwiseCount(j, k) == full.pairwiseCount(j, k))
        } else {
          #expect(kept.covariance[j, k].isNaN && kept.correlation[j, k].isNaN && kept.pairwiseCount(j, k) == 0)
        }
      }
    }
    // Results read from them are the full moments' results.
    let a = all.run(AnalysisPlan.make(codebook: all.codebook, layout: all.layout))
    let b = plan.run(AnalysisPlan.make(codebook: plan.codebook, layout: plan.layout))
    #expect(a.correlations.count == b.correlations.count && !b.correlations.isEmpty)
    for (x, y) in zip(a.correlations, b.correlations) { #expect(x.n == y.n && close(y.r, x.r) && close(y.p, x.p)) }
    #expect(a.drivers.count == 1 && b.drivers.count == 1 && close(b.drivers[0].r2, a.drivers[0].r2))
  }

  /// The pass for a plan keeps group statistics only at the levels the plan reads (the
  /// demo aggregates by school and school × role; nothing reads `district`), and every
  /// group table is the one a pass at every level gives.
  @Test func groupLevelsNothingReadsAreNotKept() throws {
    let all = try Self.load(missing: .pairwise, forPlan: false)
    let plan = try Self.load(missing: .pairwise, forPlan: true)
    let names = plan.layout.groupLevels.map(\.name)
    let district = try #require(names.firstIndex(of: "district"))
    let read = try #require(plan.layout.internedGroupLevels)
    #expect(Set(read.map { names[$0] }) == ["school_id", "school_id × role"])
    #expect(all.layout.internedGroupLevels == nil)
    #expect(plan.statistics.groups[district].groupCount == 0 && all.statistics.groups[district].groupCount > 0)
    for l in read {
      #expect(plan.statistics.groups[l].labels == all.statistics.groups[l].labels)
      #expect(plan.statistics.groups[l].respondents == all.statistics.groups[l].respondents)
    }
    let a = all.run(AnalysisPlan.make(codebook: all.codebook, layout: all.layout))
    let b = plan.run(AnalysisPlan.make(codebook: plan.codebook, layout: plan.layout))
    #expect(a.aggregation.count == b.aggregation.count && !b.aggregation.isEmpty)
    for (x, y) in zip(a.aggregation, b.aggregation) {
      #expect(x.level == y.level && x.result.groupResults.map(\.n) == y.result.groupResults.map(\.n))
      #expect(x.result.groupResults.map(\.mean) == y.result.groupResults.map(\.mean))
    }
    // (Without the plan's per-respondent columns the first cannot fit the retention model.)
    #expect(a.warnings.map(\.message).filter { !$0.contains("retention model") } == b.warnings.map(\.message))
  }

  /// A listwise sample is defined over every score variable: all pairs are kept.
  @Test func listwiseKeepsEveryPair() throws {
    let data = try Self.load(missing: .listwise, forPlan: true)
    #expect(data.layout.scoreCrossVariables == nil && data.statistics.scores.crossed == nil)
  }
}
