import CandorPsychometrics
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
    var frequencies: ItemMap<Int>
  }
  struct Reliability: Encodable {
    var scale = "psych_safety", missing = "pairwise", n = 412, nMin = 405, items = 7
    var alpha = AlphaBlock()
    var omega = OmegaBlock()
    var itemStatistics = [
      ItemStatistics(item: "ps1", n: 410, mean: 3.9, sd: 0.8, rawR: 0.7, stdR: 0.69, rCor: 0.61, rDrop: 0.58,
                     alphaIfDeleted: 0.79, frequencies: ItemMap(keys: ["1", "2", "missing"], values: [4, 20, 2]))
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
    var loadings = ItemMap(keys: ["ps1", "ps2"], values: [[0.7, 0.1], [0.65, -0.05]])
    var structure = ItemMap(keys: ["ps1", "ps2"], values: [[0.72, 0.3], [0.6, 0.2]])
    var communalities = ItemMap(keys: ["ps1", "ps2"], values: [0.5, 0.42])
    var uniquenesses = ItemMap(keys: ["ps1", "ps2"], values: [0.5, 0.58])
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
        try GroupedEntry(cell: CellKey([name]), name: name, n: n,
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

@Suite struct DesignExampleTests {
  /// design.md §7's example, verbatim (placeholders "…" and zeros), with the provenance
  /// field `missing` that the envelope always writes.
  static let section7 = #"""
      { "candor": {"version": "…", "schema": 1},
        "provenance": {"startedAt": "…", "wallSeconds": 0, "threads": 2, "codebookSha256": "…"},
        "input": {"files": [{"path": "…", "bytes": 0, "sha256": "…", "format": "qualtrics", "wave": null}],
                  "rows": 0, "rowsUsed": 0, "rowsExcluded": [{"reason": "survey preview", "count": 0}]},
        "warnings": [{"code": "…", "message": "…", "scale": null, "item": null}],
        "reliability": [ { "scale": "psych_safety", "missing": "pairwise", "n": 0, "nMin": 0, "items": 7,
            "alpha": {"raw": 0, "standardized": 0, "g6": 0, "averageR": 0, "medianR": 0,
                      "signalToNoise": 0, "ase": 0, "feldt95": [0, 0], "duhachek95": [0, 0]},
            "omega": {"oneFactorTotal": 0, "total": null, "hierarchical": null, "groupFactors": null},
            "itemStatistics": [ {"item": "ps1", "n": 0, "mean": 0, "sd": 0, "rawR": 0, "stdR": 0,
                                 "rCor": 0, "rDrop": 0, "alphaIfDeleted": 0,
                                 "frequencies": {"1": 0, "2": 0, "missing": 0}} ] } ],
        "factorAnalysis": [ { "scale": "…", "missing": "pairwise", "correlation": "pearson",
            "method": "minres", "rotation": "oblimin", "factors": 4, "n": 0,
            "kmo": {"overall": 0, "items": {"pvq1": 0}},
            "bartlett": {"chiSquare": 0, "df": 0, "p": 0, "n": 0},
            "eigenvalues": [0],
            "parallelAnalysis": {"factors": 0, "components": 0, "iterations": 20, "seed": 0,
                                 "observedFactorEigenvalues": [0], "simulated95Factor": [0],
                                 "simulated95Component": [0]},
            "loadings": {"pvq1": [0, 0]}, "structure": {"pvq1": [0, 0]},
            "communalities": {"pvq1": 0}, "uniquenesses": {"pvq1": 0}, "phi": [[1, 0], [0, 1]],
            "varianceExplained": [0], "heywood": [],
            "fit": {"chiSquare": 0, "df": 0, "p": 0, "rmsea": 0, "rmsea90": [0, 0], "tli": 0,
                    "bic": 0, "rmsr": 0},
            "iterations": 0, "converged": true } ],
        "values": [ {"scale": "values", "mrat": {"mean": 0, "sd": 0, "n": 0},
            "valueScores": {"benevolence": {"mean": 0, "sd": 0, "alpha": 0}},
            "mds": {"coordinates": {"benevolence": [0, 0]}, "stress": 0, "orderMatchesTheory": true} } ],
        "correlations": [ {"x": "…", "y": "…", "method": "pearson", "n": 0, "r": 0, "ci95": [0, 0],
            "t": 0, "p": 0, "pHolm": 0, "pBH": 0, "partialOn": []} ],
        "retention": [ {"outcome": "left", "n": 0, "events": 0, "cluster": "school_id",
            "terms": [{"name": "trust_principal", "oddsRatio": 0, "ci95": [0, 0], "p": 0}],
            "converged": true} ],
        "aggregation": [ {"scale": "…", "by": "school_id", "groups": 0, "suppressed": 0,
            "f": 0, "p": 0, "icc1": 0, "icc1Adjusted": 0, "icc2": 0, "meanGroupSize": 0,
            "groupResults": [ {"group": "S01", "n": 0, "mean": 0, "ci95": [0, 0], "sd": 0, "rwgj": 0,
                               "favourable": 0, "responseRate": null},
                              {"group": "S02", "suppressed": true} ] } ],
        "drivers": [ {"outcome": "…", "method": "relativeWeights", "weights": {"…": 0}, "r2": 0} ],
        "waves": [ {"scale": "…", "from": "2026Q2", "to": "2026Q3", "change": 0, "ci95": [0, 0], "p": 0,
            "alphaDifferenceP": 0} ] }
      """#

  @Test func literalDesignExampleValidates() throws {
    let validator = try Example.validator()
    let doc = try JSONValue.parse(Self.section7)
    let provenance = try #require(doc["provenance"]).setting("missing", to: .string("pairwise"))
    let violations = validator.validate(doc.setting("provenance", to: provenance))
    #expect(violations.isEmpty, "\(violations)")
    // Without `missing` the only complaint is that field.
    #expect(validator.validate(doc).map(\.description) == ["/provenance: missing required property 'missing'"])
  }
}

@Suite struct EnvelopeHelperTests {
  @Test func timestampIsISO8601UTC() {
    #expect(Provenance.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    #expect(Provenance.timestamp(Date(timeIntervalSince1970: 1_795_000_000)) == "2026-11-18T11:06:40Z")  // date -u -d @1795000000
  }

  @Test func inputFileDescribesSizeAndHash() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("candor-in-\(UUID().uuidString).csv").path
    try Data("id,ps1\n1,4\n".utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let f = try InputFile.describing(path: path, format: "csv", wave: "2026Q3")
    #expect(f.bytes == 11)
    #expect(f.sha256 == SHA256.hex(of: Array("id,ps1\n1,4\n".utf8)))
    #expect(try OrderedJSONEncoder().encode(f).keys == ["path", "bytes", "sha256", "format", "wave"])
    #expect(throws: OutputError.self) { try InputFile.describing(path: path + ".missing", format: "csv") }
  }
}
