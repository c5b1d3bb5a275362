import Candor
import CandorNumerics
import CandorReport
import Foundation
import Testing
import _CandorTestSupport

/// The per-analysis commands end to end on the demo export: each exits 0 with its table,
/// writes schema-valid JSON, and the numbers they add (target rotation, factor scores,
/// rank correlations) agree with hand computations and R
/// (Tests/CandorTests/Fixtures/make_subcommand_reference.R).
@Suite(.serialized) struct AnalysisCommandsTests {
  static let root = repositoryRoot()
  static let demo = root.appendingPathComponent("datasets/demo/demo.csv").path
  static let codebook = root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path
  static let reference = referenceValues(root.appendingPathComponent("Tests/CandorTests/Fixtures/subcommand_reference.csv"))

  static func candor(_ command: String, _ extra: [String]) throws -> ProcessResult {
    try runProcess(candorExecutable(), [command, demo, "--codebook", codebook] + extra, currentDirectory: root)
  }

  static func json(_ command: String, _ extra: [String]) throws -> JSONValue {
    let r = try candor(command, extra + ["--format", "json", "--quiet"])
    #expect(r.status == 0, "\(command): \(r.stderr)")
    let value = try JSONValue.parse(r.stdout)
    let schema = try String(contentsOf: root.appendingPathComponent("schema/summary-v1.json"), encoding: .utf8)
    let violations = try SchemaValidator(schemaText: schema).validate(value)
    #expect(violations.isEmpty, "\(command): \(violations)")
    return value
  }

  static let commands: [(command: String, arguments: [String], title: String, section: String)] = [
    ("reliability", ["--scale", "trust", "--scale", "psych_safety"], "Reliability", "reliability"),
    ("factors", ["--scale", "trust", "--factors", "3"], "Factor Loadings of trust", "factorAnalysis"),
    ("values", ["--scale", "values"], "Value Scores of values", "values"),
    ("correlate", ["--vars", "trust,psych_safety", "--with", "left,intent_stay"], "Correlations", "correlations"),
    ("retention", ["--outcome", "left", "--predictors", "trust,psych_safety", "--cluster", "school_id"], "Odds Ratios for left", "retention"),
    ("aggregate", ["--by", "school_id", "--scale", "trust"], "trust by school_id", "aggregation"),
    ("drivers", ["--outcome", "intent_stay", "--predictors", "trust,psych_safety"], "Key Drivers of intent_stay", "drivers"),
  ]

  @Test(arguments: commands.indices)
  func eachCommandPrintsItsTableAndValidJSON(_ k: Int) throws {
    let c = Self.commands[k]
    let table = try Self.candor(c.command, c.arguments + ["--quiet"])
    #expect(table.status == 0, "\(c.command): \(table.stderr)")
    #expect(table.stdout.contains(c.title), "\(c.command) printed:\n\(table.stdout)")
    let json = try Self.json(c.command, c.arguments)
    #expect(json[c.section]?.arrayValue?.isEmpty == false, "\(c.command): no \(c.section)")
    // A per-analysis command writes only its own analysis.
    for other in Self.commands.map(\.section) where other != c.section && other != "reliability" {
      #expect(json[other]?.arrayValue?.isEmpty ?? true, "\(c.command) also wrote \(other)")
    }
  }

  @Test func reliabilityKeepsOnlyTheChosenScales() throws {
    let json = try Self.json("reliability", ["--scale", "trust"])
    let scales = json["reliability"]?.arrayValue?.compactMap { $0["scale"]?.stringValue }
    #expect(scales == ["trust"])
    #expect(json["reliability"]?[0]?["omega"]?["total"]?.doubleValue != nil)
  }

  @Test func factorsTargetReproducesTheThreeFacetSolution() throws {
    let target = FileManager.default.temporaryDirectory.appendingPathComponent("target-\(UUID().uuidString).yaml")
    defer { try? FileManager.default.removeItem(at: target) }
    var yaml = "# respect, competence, integrity\n"
    for i in 1...12 { yaml += "tr\(i): [\((0..<3).map { $0 == (i - 1) / 4 ? "1" : "0" }.joined(separator: ", "))]\n" }
    try yaml.write(to: target, atomically: true, encoding: .utf8)
    let json = try Self.json("factors", ["--scale", "trust", "--target", target.path])
    let fa = try #require(json["factorAnalysis"]?[0])
    #expect(fa["factors"]?.doubleValue == 3)
    #expect(fa["rotation"]?.stringValue == "target")
    let ours = (1...12).map { i in fa["loadings"]!["tr\(i)"]!.arrayValue!.map { $0.doubleValue! } }
    let r = (1...12).map { i in (1...3).map { Self.reference["target.loading.\(i).\($0)"]! } }
    for j in 0..<3 {
      // Each R factor is one of ours (factors are ordered by variance in the report).
      let best = (0..<3).map { c in zip(r, ours).map { abs($0[j] - $1[c]) }.max()! }.min()!
      #expect(best < 1e-4, "R factor \(j + 1): closest column differs by \(best)")
    }
  }

  @Test func factorScoresFileHasOneRowPerRespondentAndEqualsTheScorer() throws {
    let scores = FileManager.default.temporaryDirectory.appendingPathComponent("fscores-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: scores) }
    let r = try Self.candor("factors", ["--scale", "trust", "--factors", "3", "--format", "json", "--scores", scores.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("have no factor scores"))
    let fa = try #require(try JSONValue.parse(r.stdout)["factorAnalysis"]?[0])
    let lines = try String(contentsOf: scores, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "respondent_id,trust.F1,trust.F2,trust.F3")
    #expect(lines.count == 2001)
    // By hand: FactorScorer from the solution, the pass's pairwise R and item moments.
    var request = AnalysisRequest(files: [Self.demo], codebookPath: Self.codebook)
    request.threads = 2
    let data = try SurveyData.load(request)
    let s = data.layout.scales.firstIndex { $0.name == "trust" }!
    let moments = data.statistics.scaleItems[s].moments(.pairwise)
    let items = data.layout.scales[s].items
    let scorer = try FactorScorer(
      correlation: moments.correlation,
      loadings: Matrix(items.map { i in fa["loadings"]![i]!.arrayValue!.map { $0.doubleValue! } }),
      phi: Matrix(fa["phi"]!.arrayValue!.map { $0.arrayValue!.map { $0.doubleValue! } }),
      method: .regression, means: moments.means, standardDeviations: moments.standardDeviations)
    let csv = try String(contentsOf: Self.root.appendingPathComponent("datasets/demo/demo.csv"), encoding: .utf8)
      .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = csv[0]
    var checked = 0
    for row in 1...40 {
      let raw = items.map { Double(csv[row][header.firstIndex(of: $0)!]) ?? .nan }
      let fields = lines[row].split(separator: ",", omittingEmptySubsequences: false)
      #expect(String(fields[0]) == csv[row][header.firstIndex(of: "respondent_id")!])
      if let expected = scorer.scores(raw) {
        for j in 0..<3 { #expect(isClose(Double(fields[1 + j])!, expected[j], absolute: 1e-9)) }
        checked += 1
      } else {
        #expect(fields[1].isEmpty && fields[2].isEmpty && fields[3].isEmpty)
      }
    }
    #expect(checked > 20)
  }

  @Test func imputeMeanScoresEveryRespondent() throws {
    let scores = FileManager.default.temporaryDirectory.appendingPathComponent("fscores-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: scores) }
    let r = try Self.candor("factors", ["--scale", "trust", "--factors", "3", "--scores", scores.path,
                                        "--impute", "mean", "--score-method", "bartlett"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("replaced by the item mean"))
    let lines = try String(contentsOf: scores, encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(lines.count == 2000)
    #expect(lines.allSatisfy { !$0.contains(",,") && !$0.hasSuffix(",") })
  }

  @Test func driversBootstrapIsReproducibleAndBracketsTheWeights() throws {
    let args = ["--outcome", "intent_stay", "--predictors", "trust,psych_safety", "--bootstrap", "100", "--seed", "7"]
    let first = try Self.json("drivers", args), second = try Self.json("drivers", args)
    let d = try #require(first["drivers"]?[0])
    #expect(d == second["drivers"]?[0])
    for name in ["trust", "psych_safety"] {
      let w = try #require(d["weights"]?[name]?.doubleValue)
      let bounds = d["ci95"]?[name]?.arrayValue ?? []
      let ci = bounds.compactMap { $0.doubleValue }
      #expect(ci.count == 2 && ci[0] <= w && w <= ci[1], "\(name): \(w) not in \(ci)")
    }
  }

  @Test func spearmanEqualsRanksOfTheScoreFile() throws {
    let json = try Self.json("correlate", ["--vars", "trust,psych_safety", "--method", "spearman"])
    let row = try #require(json["correlations"]?[0])
    // Hand computation on `candor score`'s file: Pearson r of average ranks.
    let score = try runProcess(candorExecutable(), ["score", Self.demo, "--codebook", Self.codebook, "--quiet"], currentDirectory: Self.root)
    #expect(score.status == 0)
    let rows = score.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let a = rows[0].firstIndex(of: "trust")!, b = rows[0].firstIndex(of: "psych_safety")!
    let pairs = rows.dropFirst().compactMap { f -> (Double, Double)? in
      guard let x = Double(f[a]), let y = Double(f[b]) else { return nil }
      return (x, y)
    }
    func ranks(_ v: [Double]) -> [Double] {
      let order = v.indices.sorted { v[$0] < v[$1] }
      var out = [Double](repeating: 0, count: v.count)
      var i = 0
      while i < order.count {
        var j = i
        while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
        for k in i...j { out[order[k]] = Double(i + j) / 2 + 1 }
        i = j + 1
      }
      return out
    }
    let rx = ranks(pairs.map(\.0)), ry = ranks(pairs.map(\.1))
    let n = Double(rx.count), mx = rx.reduce(0, +) / n, my = ry.reduce(0, +) / n
    let sxy = zip(rx, ry).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
    let sxx = rx.map { ($0 - mx) * ($0 - mx) }.reduce(0, +), syy = ry.map { ($0 - my) * ($0 - my) }.reduce(0, +)
    let hand = sxy / (sxx * syy).squareRoot()
    #expect(isClose(row["r"]!.doubleValue!, hand, absolute: 1e-12))
    #expect(isClose(hand, Self.reference["spearman.trust.psych_safety.r"]!, absolute: 1e-12))
    #expect(row["n"]?.doubleValue == Double(pairs.count))
    #expect(row["method"]?.stringValue == "spearman")
  }

  @Test func unknownNamesExit64WithTheKnownOnes() throws {
    let scale = try Self.candor("reliability", ["--scale", "trst"])
    #expect(scale.status == 64)
    #expect(scale.stderr.contains("\"trst\"") && scale.stderr.contains("psych_safety, trust, values"))
    let variable = try Self.candor("correlate", ["--vars", "trust,nope"])
    #expect(variable.status == 64)
    #expect(variable.stderr.contains("\"nope\"") && variable.stderr.contains("values.mrat"))
    let level = try Self.candor("aggregate", ["--by", "campus"])
    #expect(level.status == 64)
    #expect(level.stderr.contains("district, school_id, role"))
    let notValues = try Self.candor("values", ["--scale", "trust"])
    #expect(notValues.status == 64)
  }

  @Test func targetItemOutsideTheScaleExits1() throws {
    let target = FileManager.default.temporaryDirectory.appendingPathComponent("target-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: target) }
    try #"{"tr1": [1, null], "ps1": [0, 1]}"#.write(to: target, atomically: true, encoding: .utf8)
    let r = try Self.candor("factors", ["--scale", "trust", "--target", target.path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("\"ps1\", which is not an item of trust"))
  }
}
