import CandorReport
import Foundation
import Testing

/// The design.md §7 example, filled with plausible values, built through the public API.
enum Example {
  static let schemaURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("schema/summary-v1.json")

  static func validator() throws -> SchemaValidator {
    try SchemaValidator(schemaText: String(contentsOf: schemaURL, encoding: .utf8))
  }

  struct AlphaBlock: Encodable {
    var raw = 0.8123, standardized = 0.8201, g6 = 0.8302, averageR = 0.39, medianR = 0.38
    var signalToNoise = 4.33, ase = 0.013, feldt95 = [0.78, 0.84], duhachek95 = [0.79, 0.84]
  }
  struct OmegaBlock: Encodable {
    var oneFactorTotal: Double? = 0.83
    var total: Double? = nil
    var hierarchical: Double? = nil
    var groupFactors: [Double]? = nil
  }
  struct ItemStatistics: Encodable {
    var item: String, n: Int, mean: Double, sd: Double, rawR: Double, stdR: Double, rCor: Double, rDrop: Double
    var alphaIfDeleted: Double
    var frequencies: OrderedMap<Int>
  }
  struct Reliability: Encodable {
    var scale = "psych_safety", missing = "pairwise", n = 412, nMin = 405, items = 7
    var alpha = AlphaBlock()
    var omega = OmegaBlock()
    var itemStatistics = [
      ItemStatistics(item: "ps1", n: 410, mean: 3.9, sd: 0.8, rawR: 0.7, stdR: 0.69, rCor: 0.61, rDrop: 0.58,
                     alphaIfDeleted: 0.79, frequencies: OrderedMap([("1", 4), ("2", 20), ("missing", 2)]))
    ]
  }
  struct Fit: Encodable {
    var chiSquare = 12.5, df = 8.0, p = 0.13, rmsea = 0.037, rmsea90 = [0.0, 0.07], tli = 0.99, bic = -35.6, rmsr = 0.02
  }
  struct Parallel: Encodable {
    var factors = 1, components = 1, iterations = 20, seed = 7
    var observedFactorEigenvalues = [3.1, 0.3], simulated95Factor = [0.3, 0.2], simulated95Component = [1.2, 1.1]
  }
  struct FactorAnalysis: Encodable {
    var scale = "psych_safety", missing = "pairwise", correlation = "pearson", method = "minres", rotation = "oblimin"
    var factors = 2, n = 412
    var kmo: JSONValue = .object([("overall", .number(0.84)), ("items", .object([("ps1", .number(0.81))]))])
    var bartlett: JSONValue = .object([("chiSquare", .number(900.2)), ("df", .number(21)), ("p", .number(1e-150)), ("n", .number(405))])
    var eigenvalues = [3.4, 1.1, 0.7]
    var parallelAnalysis: Parallel? = Parallel()
    var loadings = OrderedMap(keys: ["ps1", "ps2"], values: [[0.7, 0.1], [0.65, -0.05]])
    var structure = OrderedMap(keys: ["ps1", "ps2"], values: [[0.72, 0.3], [0.6, 0.2]])
    var communalities = OrderedMap(keys: ["ps1", "ps2"], values: [0.5, 0.42])
    var uniquenesses = OrderedMap(keys: ["ps1", "ps2"], values: [0.5, 0.58])
    var phi = [[1.0, 0.3], [0.3, 1.0]]
    var varianceExplained = [0.35, 0.1]
    var heywood: [String] = []
    var fit = Fit()
    var iterations = 17
    var converged = true
  }
  struct GroupStats: Encodable {
    var n: Int, mean: Double, ci95: [Double], sd: Double, rwgj: Double, favourable: Double, responseRate: Double?
  }
  struct Aggregation: Encodable {
    var scale = "psych_safety", by = "school_id", groups = 3, suppressed = 0
    var f = 3.2, p = 0.002, icc1 = 0.08, icc1Adjusted = 0.079, icc2 = 0.61, meanGroupSize = 9.3
  }

  static func summary() throws -> Summary {
    var s = Summary(
      candor: ToolInfo(version: "0.1.0"),
      provenance: Provenance(startedAt: "2026-11-27T03:50:00Z", wallSeconds: 1.25, threads: 2,
                             codebookSha256: SHA256.hex(of: Array("version: 1".utf8)), missing: .pairwise,
                             settings: [("rotation", .string("oblimin"))]),
      input: InputSummary(files: [InputFile(path: "survey.csv", bytes: 1024, sha256: SHA256.hex(of: [1, 2, 3]), format: "qualtrics")],
                          rows: 430, rowsUsed: 412,
                          rowsExcluded: [Exclusion(reason: "survey preview", count: 10), Exclusion(reason: "unfinished", count: 8)]),
      warnings: [AnalysisWarning(code: "constant-item", message: "Item ps9 has one answer.", scale: "psych_safety", item: "ps9")])
    // Added out of order on purpose: the document keeps the §7 order.
    try s.append(FactorAnalysis(), to: .factorAnalysis)
    try s.append(Reliability(), to: .reliability)
    s.append(.object([("scale", .string("values")), ("mrat", .object([("mean", .number(3.8)), ("sd", .number(0.5)), ("n", .number(400))])),
                      ("valueScores", .object([("benevolence", .object([("mean", .number(0.6)), ("sd", .number(0.5)), ("alpha", .number(0.7))]))])),
                      ("mds", .object([("coordinates", .object([("benevolence", .array([.number(0.3), .number(-0.2)]))])),
                                       ("stress", .number(0.08)), ("orderMatchesTheory", .bool(true))]))]), to: .values)
    s.append(try JSONValue.parse(#"{"x": "trust_principal", "y": "left", "method": "pearson", "n": 400, "r": -0.21, "ci95": [-0.3, -0.12], "t": -4.3, "p": 0.00002, "pHolm": 0.00004, "pBH": 0.00003, "partialOn": []}"#), to: .correlations)
    s.append(try JSONValue.parse(#"{"outcome": "left", "n": 400, "events": 60, "cluster": "school_id", "terms": [{"name": "trust_principal", "oddsRatio": 0.7, "ci95": [0.55, 0.9], "p": 0.004}], "converged": true}"#), to: .retention)
    s.append(try JSONValue.parse(#"{"outcome": "intent_stay", "method": "relativeWeights", "weights": {"psych_safety": 0.12, "trust_principal": 0.09}, "r2": 0.21}"#), to: .drivers)
    s.append(try JSONValue.parse(#"{"scale": "psych_safety", "from": "2026Q2", "to": "2026Q3", "change": 0.12, "ci95": [0.01, 0.23], "p": 0.03, "alphaDifferenceP": 0.6}"#), to: .waves)
    return s
  }

  /// The filled example as a published report: school S02 has 3 respondents (suppressed).
  static func report() throws -> PublishableReport {
    var draft = ReportDraft(summary: try summary())
    let groups = [("S01", 12, 3.91), ("S02", 3, 4.44), ("S03", 13, 3.55), ("S04", 9, 3.72)]
    try draft.appendGrouped(
      Aggregation(), to: .aggregation,
      groupResults: groups.map { name, n, mean in
        try GroupResult(cell: CellKey([name]), name: name, n: n,
                        result: GroupStats(n: n, mean: mean, ci95: [mean - 0.3, mean + 0.3], sd: 0.7, rwgj: 0.81, favourable: 0.62, responseRate: nil))
      })
    draft.record(.wholeSample, n: 412)
    return try ConfidentialityFilter.publish(draft)
  }
}

@Suite struct SummarySchemaTests {
  @Test func envelopeHasSection7OrderAndFields() throws {
    let doc = try Example.report().summary
    #expect(doc.keys == ["candor", "provenance", "input", "warnings", "reliability", "factorAnalysis", "values",
                         "correlations", "retention", "aggregation", "drivers", "waves"])
    #expect(doc["candor"]?.serialized(indent: nil) == #"{"version":"0.1.0","schema":1}"#)
    #expect(doc["provenance"]?.keys == ["startedAt", "wallSeconds", "threads", "codebookSha256", "missing", "minGroupSize", "settings"])
    #expect(doc["input"]?["files"]?[0]?.serialized(indent: nil)
      == #"{"path":"survey.csv","bytes":1024,"sha256":"039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81","format":"qualtrics","wave":null}"#)
    #expect(doc["warnings"]?[0]?.keys == ["code", "message", "scale", "item"])
    #expect(doc["reliability"]?[0]?["alpha"]?.keys == ["raw", "standardized", "g6", "averageR", "medianR", "signalToNoise", "ase", "feldt95", "duhachek95"])
    #expect(doc["factorAnalysis"]?[0]?["loadings"]?.keys == ["ps1", "ps2"])
    let agg = try #require(doc["aggregation"]?[0])
    // S02 (n = 3) is suppressed; S04 (next smallest, n = 9) complementarily.
    #expect(agg["suppressed"]?.doubleValue == 2)
    #expect(agg["groupResults"]?[1]?.serialized(indent: nil) == #"{"group":"S02","suppressed":true}"#)
    #expect(agg["groupResults"]?[3]?.serialized(indent: nil) == #"{"group":"S04","suppressed":true}"#)
    #expect(agg["groupResults"]?[0]?.keys == ["group", "n", "mean", "ci95", "sd", "rwgj", "favourable", "responseRate"])
    #expect(InputSummary(files: [], rows: 430, rowsUsed: 412, rowsExcluded: [Exclusion(reason: "a", count: 18)]).isBalanced)
  }

  @Test func filledExampleIsValidAgainstTheSchema() throws {
    let validator = try Example.validator()
    let doc = try Example.report().summary
    let violations = validator.validate(doc)
    #expect(violations.isEmpty, "\(violations)")
    // And after a text round trip (what a consumer reads).
    #expect(validator.validate(try JSONValue.parse(try Example.report().jsonText())).isEmpty)
  }

  @Test func brokenDocumentsAreRejectedWithPaths() throws {
    let validator = try Example.validator()
    let doc = try Example.report().summary
    func paths(_ d: JSONValue) -> [String] { validator.validate(d).map(\.path) }

    // Unknown top-level key (top level is closed).
    #expect(paths(doc.setting("extra", to: .number(1))) == ["/extra"])
    // Missing required block.
    if case .object(let m) = doc {
      let withoutInput = JSONValue.object(m.filter { $0.0 != "input" })
      #expect(validator.validate(withoutInput).map(\.message) == ["missing required property 'input'"])
    }
    // Wrong type deep inside.
    let badRel = try #require(doc["reliability"]?[0]).setting("n", to: .string("412"))
    #expect(paths(doc.setting("reliability", to: .array([badRel]))) == ["/reliability/0/n"])
    // Negative count (minimum) and schema version (const).
    #expect(paths(doc.setting("input", to: try #require(doc["input"]).setting("rows", to: .number(-1)))) == ["/input/rows"])
    #expect(paths(doc.setting("candor", to: .object([("version", .string("x")), ("schema", .number(2))]))) == ["/candor/schema"])
    // Enum.
    let badProv = try #require(doc["provenance"]).setting("missing", to: .string("mean-imputation"))
    #expect(paths(doc.setting("provenance", to: badProv)) == ["/provenance/missing"])
    // Interval of the wrong length.
    let badCorr = try #require(doc["correlations"]?[0]).setting("ci95", to: .array([.number(0.1)]))
    #expect(paths(doc.setting("correlations", to: .array([badCorr]))) == ["/correlations/0/ci95"])
    // A suppressed group that leaks its n matches neither group form.
    let agg = try #require(doc["aggregation"]?[0])
    var groups = try #require(agg["groupResults"]?.arrayValue)
    groups[1] = .object([("group", .string("S02")), ("suppressed", .bool(true)), ("n", .number(3))])
    #expect(paths(doc.setting("aggregation", to: .array([agg.setting("groupResults", to: .array(groups))]))) == ["/aggregation/0/groupResults/1"])
    // Non-finite numbers are written as null, which the schema allows for statistics.
    var rel = try #require(doc["reliability"]?[0])
    rel = rel.setting("alpha", to: try #require(rel["alpha"]).setting("raw", to: .null))
    #expect(paths(doc.setting("reliability", to: .array([rel]))).isEmpty)
  }

  @Test func validatorKeywordsOnSmallSchemas() throws {
    let schema = try JSONValue.parse(#"""
      {"$defs": {"pos": {"type": "integer", "minimum": 1, "maximum": 9}},
       "type": "object", "required": ["a"], "additionalProperties": {"type": "string"},
       "properties": {"a": {"$ref": "#/$defs/pos"}, "b": {"type": ["array", "null"], "items": {"enum": ["x", "y"]}},
                      "c": {"oneOf": [{"type": "number"}, {"type": "integer"}]}, "d": {"anyOf": [{"const": 1}, {"type": "string"}]}}}
      """#)
    let v = SchemaValidator(schema: schema)
    #expect(v.isValid(try JSONValue.parse(#"{"a": 3, "b": null, "z": "s", "d": "q"}"#)))
    #expect(v.isValid(try JSONValue.parse(#"{"a": 3, "b": ["x", "y"], "c": 1.5, "d": 1}"#)))
    #expect(v.validate(try JSONValue.parse(#"{"a": 3.5}"#)).map(\.path) == ["/a"])
    #expect(v.validate(try JSONValue.parse(#"{"a": 0}"#)).map(\.message) == ["0 is below the minimum 1"])
    #expect(v.validate(try JSONValue.parse(#"{"a": 10}"#)).map(\.message) == ["10 is above the maximum 9"])
    #expect(v.validate(try JSONValue.parse(#"{"a": 1, "b": ["x", "w"]}"#)).map(\.path) == ["/b/1"])
    #expect(v.validate(try JSONValue.parse(#"{"a": 1, "z": 5}"#)).map(\.path) == ["/z"])
    #expect(v.validate(try JSONValue.parse(#"{"a": 1, "c": 2}"#)).map(\.path) == ["/c"])  // 2 matches both forms
    #expect(v.validate(try JSONValue.parse(#"{"a": 1, "d": 2}"#)).map(\.path) == ["/d"])
    #expect(v.validate(try JSONValue.parse(#"[]"#)).map(\.message) == ["expected object, found array"])
    let broken = SchemaValidator(schema: try JSONValue.parse(##"{"$ref": "#/$defs/none"}"##))
    #expect(broken.validate(.null).map(\.message) == ["schema $ref '#/$defs/none' not found"])
  }
}
