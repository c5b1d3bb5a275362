import Candor
import CandorNumerics
import Foundation
import Testing
import _CandorTestSupport

/// What the per-analysis commands add to the pipeline — rank correlations from kept
/// columns, polychoric correlations from contingency tables, target rotation by item,
/// factor scores in a second pass — against R on the demo export
/// (Fixtures/make_subcommand_reference.R).
@Suite struct SubcommandTests {
  static let root = repositoryRoot()
  static let reference = referenceValues(Bundle.module.url(forResource: "subcommand_reference", withExtension: "csv", subdirectory: "Fixtures")!)
  func ref(_ name: String) -> Double { Self.reference[name]! }

  static func request() -> AnalysisRequest {
    var r = AnalysisRequest(files: [root.appendingPathComponent("datasets/demo/demo.csv").path],
                            codebookPath: root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path)
    r.threads = 2
    return r
  }

  /// Columns of `b` matched to columns of `a` (permutation and sign with the largest |Σ a·b|).
  static func matchColumns(_ a: [[Double]], _ b: [[Double]]) -> [(column: Int, sign: Double)] {
    let k = a[0].count
    return (0..<k).map { j in
      let dots = (0..<k).map { c in zip(a, b).map { $0[j] * $1[c] }.reduce(0, +) }
      let best = dots.indices.max { abs(dots[$0]) < abs(dots[$1]) }!
      return (best, dots[best] < 0 ? -1 : 1)
    }
  }

  @Test func rankCorrelationsMatchR() throws {
    var request = Self.request()
    request.respondentColumns = ["trust", "psych_safety", "intent_stay"]
    let data = try SurveyData.load(request)
    for method in ["spearman", "kendall"] {
      var spec = CorrelateSpec()
      spec.variables = ["trust", "psych_safety", "intent_stay"]
      spec.method = method
      let table = try data.correlations(spec)
      #expect(table.count == 3)
      for row in table {
        #expect(isClose(row.r, ref("\(method).\(row.x).\(row.y).r"), absolute: 1e-12), "\(method) \(row.x) \(row.y)")
        #expect(Double(row.n) == ref("\(method).\(row.x).\(row.y).n"))
      }
    }
  }

  @Test func polychoricCorrelationsFromThePassMatchPsych() throws {
    var request = Self.request()
    request.contingencySets = [["tr1", "tr2", "tr3"]]
    let data = try SurveyData.load(request)
    var spec = CorrelateSpec()
    spec.variables = ["tr1", "tr2", "tr3"]
    spec.method = "polychoric"
    let table = try data.correlations(spec)
    #expect(table.count == 3)
    for row in table {
      #expect(isClose(row.r, ref("polychoric.\(row.x).\(row.y)"), absolute: 1e-4), "\(row.x) \(row.y): \(row.r)")  // design.md §6: polychoric to 1e-4 (R optimize tolerance)
    }
    // Threads merge contingency tables exactly.
    var one = request
    one.threads = 1
    #expect(try SurveyData.load(one).statistics.contingency == data.statistics.contingency)
  }

  @Test func polychoricFactorAnalysisMatchesPsych() throws {
    var request = Self.request()
    request.contingencySets = [(1...7).map { "ps\($0)" }]
    let data = try SurveyData.load(request)
    var settings = FactorSettings()
    settings.factors = .fixed(1)
    settings.rotation = .none
    settings.correlation = .polychoric
    let fa = try data.factorAnalysis(scale: "psych_safety", settings: settings)
    #expect(fa.correlation == .polychoric)
    for i in 1...7 {
      #expect(isClose(abs(fa.loadings["ps\(i)"]![0]), ref("polyfa.loading.\(i)"), absolute: 1e-4), "ps\(i)")
    }
    // Without the tables the analysis says what to request.
    #expect(throws: FactorSettingsError.noContingencyTables(scale: "psych_safety")) {
      try SurveyData.load(Self.request()).factorAnalysis(scale: "psych_safety", settings: settings)
    }
  }

  @Test func targetRotationByItemMatchesGPArotation() throws {
    let data = try SurveyData.load(Self.request())
    var settings = FactorSettings()
    var target: [String: [Double?]] = [:]
    for i in 1...12 { target["tr\(i)"] = (0..<3).map { $0 == (i - 1) / 4 ? 1 : 0 } }
    settings.target = target
    let fa = try data.factorAnalysis(scale: "trust", settings: settings)
    #expect(fa.factors == 3)
    let r = (1...12).map { i in (1...3).map { ref("target.loading.\(i).\($0)") } }
    let ours = (1...12).map { fa.loadings["tr\($0)"]! }
    let match = Self.matchColumns(r, ours)
    #expect(Set(match.map(\.column)).count == 3)
    var worst = 0.0
    for i in 0..<12 { for j in 0..<3 { worst = max(worst, abs(r[i][j] - match[j].sign * ours[i][match[j].column])) } }
    #expect(worst < 1e-4, "worst loading deviation \(worst)")
    for a in 0..<3 { for b in 0..<3 {
      let phi = match[a].sign * match[b].sign * fa.phi[match[a].column][match[b].column]
      #expect(isClose(phi, ref("target.phi.\(a + 1).\(b + 1)"), absolute: 1e-4))
    } }
  }

  @Test func targetPatternErrorsNameTheProblem() throws {
    let items = (1...12).map { "tr\($0)" }
    var target: [String: [Double?]] = [:]
    for item in items { target[item] = [1, nil] }
    target["ps1"] = [1, 0]
    #expect(throws: FactorSettingsError.targetItemNotInScale(item: "ps1", scale: "trust", items: items)) {
      try FactorSettings.targetPattern(target, scale: "trust", items: items)
    }
    target["ps1"] = nil
    target["tr3"] = nil
    #expect(throws: FactorSettingsError.targetMissingItems(scale: "trust", missing: ["tr3"])) {
      try FactorSettings.targetPattern(target, scale: "trust", items: items)
    }
  }

  @Test func targetFileReadsYAMLAndJSON() throws {
    let dir = FileManager.default.temporaryDirectory
    let yaml = dir.appendingPathComponent("target-\(UUID().uuidString).yaml")
    let json = dir.appendingPathComponent("target-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: yaml); try? FileManager.default.removeItem(at: json) }
    try "# pattern\ntr1: [1, null]\ntr2: [0, ~]\n".write(to: yaml, atomically: true, encoding: .utf8)
    try #"{"tr1": [1, null], "tr2": [0.5, 1]}"#.write(to: json, atomically: true, encoding: .utf8)
    #expect(try FactorSettings.loadTarget(path: yaml.path) == ["tr1": [1, nil], "tr2": [0, nil]])
    #expect(try FactorSettings.loadTarget(path: json.path) == ["tr1": [1, nil], "tr2": [0.5, 1]])
  }

  @Test func factorScoresOfCompleteRespondentsMatchR() throws {
    let data = try SurveyData.load(Self.request())
    var settings = FactorSettings()
    settings.factors = .fixed(3)
    let fa = try data.factorAnalysis(scale: "trust", settings: settings)
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("fscores-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: out) }
    let pass = try FactorScorePass(data: data, scale: "trust", result: fa)
    let summary = try pass.write(data: data, to: out.path)
    #expect(summary.rowsWritten == data.statistics.rowsUsed)
    #expect(!FileManager.default.fileExists(atPath: out.path + ".partial"))
    let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    #expect(lines.count == summary.rowsWritten + 1)
    #expect(lines.dropFirst().filter { $0[1].isEmpty }.count == summary.unscored)
    let rLoadings = (1...12).map { i in (1...3).map { ref("fscore.loading.\(i).\($0)") } }
    let match = Self.matchColumns(rLoadings, (1...12).map { fa.loadings["tr\($0)"]! })
    for k in 1...5 {
      let row = Int(ref("fscore.\(k).id"))  // 1-based data row; no exclusions in the demo
      let fields = lines[row]
      for j in 0..<3 {
        let ours = match[j].sign * Double(fields[1 + match[j].column])!
        #expect(isClose(ours, ref("fscore.\(k).\(j + 1)"), absolute: 1e-4), "respondent \(row) factor \(j + 1)")
      }
    }
  }
}
