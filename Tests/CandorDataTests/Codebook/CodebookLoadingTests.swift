import Foundation
import Testing
@testable import CandorData

func fixtureURL(_ name: String, _ ext: String) throws -> URL {
  try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures/codebooks"))
}

/// Parses `text` expecting a CodebookError; returns its problems' descriptions.
func loadProblems(_ text: String, file: String = "cb.yaml") -> [String] {
  do {
    _ = try Codebook.parse(text, fileName: file)
    return []
  } catch let error as CodebookError {
    return error.problems.map(\.description)
  } catch {
    return ["unexpected \(error)"]
  }
}

@Suite struct CodebookLoadingTests {
  @Test func designExampleLoadsEveryKey() throws {
    let book = try Codebook.load(contentsOf: fixtureURL("design-example", "yaml"))
    #expect(book.version == 1)
    #expect(book.format == .auto)
    #expect(book.sheet == nil)
    #expect(book.delimiter == .auto)
    #expect(book.encoding == .auto)
    #expect(book.columns == [ColumnAlias(name: "ps1", header: "If you make a mistake on this team, it is often held against you.")])
    #expect(book.id == "respondent_id")
    #expect(book.groups == ["district", "school_id"])
    #expect(book.cuts == ["role"])
    #expect(book.minGroupSize == 5)
    #expect(book.headcounts == "headcounts.csv")
    #expect(book.missing.map(\.text) == ["", "NA"])
    #expect(book.screens == Screens())
    #expect(book.labels.map(\.name) == ["agree5", "agree4", "extent4"])
    #expect(book.labelMap(named: "agree5")?.value(for: " Neither agree nor disagree ") == 3)
    #expect(book.labelMap(named: "extent4")?.value(for: "Completely") == 4)
    #expect(book.scales.map(\.name) == ["psych_safety", "trust_principal", "values"])
    let ps = book.scales[0]
    #expect(ps.instrument == "edmondson-tps7")
    #expect(ps.items == (1...7).map { "ps\($0)" })
    #expect(ps.reverse == ["ps1", "ps3", "ps5"])
    #expect(ps.range == ResponseRange(1, 5))
    #expect(ps.labels == "agree5")
    #expect(ps.direction == .ascending)
    #expect(ps.minItems == 4)
    #expect(ps.scoring == .mean)
    #expect(ps.favourable == [4, 5])
    #expect(book.scales[1].itemLabels == ["tp1": "extent4"])
    #expect(book.scales[2].items.count == 40)
    #expect(book.scales[2].mratMinAnswered == 0.8)
    #expect(book.outcomes == [OutcomeSpec(name: "left", column: "status_next_year", event: ["leaver", "mover"])])
    let a = try #require(book.analyses)
    #expect(a.reliability == ["psych_safety", "trust_principal", "values"])
    #expect(a.factors.count == 1)
    #expect(a.factors[0].scale == "psych_safety")
    #expect(a.factors[0].n == .parallel)
    #expect(a.factors[0].rotation == "target")
    #expect(a.factors[0].target == ["ps1": [1, 0], "ps2": [1, nil], "ps3": [nil, 1]])
    #expect(a.values.first?.mds == true)
    #expect(a.correlate.first?.covariates == ["tenure"])
    #expect(a.retention.first?.cluster == "school_id")
    #expect(a.aggregate.first?.scales == ["psych_safety", "trust_principal"])
    #expect(a.drivers.first?.outcome == "intent_stay")
    #expect(book.validate().isEmpty)
    #expect(book.origin.fileName == "design-example.yaml")
    #expect(book.origin.lines["scales[0].reverse"] == 28)
  }

  @Test func jsonIsTheSameStructure() throws {
    var yaml = try Codebook.load(contentsOf: fixtureURL("design-example", "yaml"))
    var json = try Codebook.load(contentsOf: fixtureURL("design-example", "json"))
    yaml.origin = CodebookOrigin()
    json.origin = CodebookOrigin()
    #expect(yaml == json)
  }

  @Test func unknownKeyNamesPathLineAndClosestKey() {
    let text = """
      version: 1
      scales:
        - name: a
          items: [x1, x2]
          range: [1, 5]
        - name: b
          items: [y1, y2]
          reverse_items: [y1]
          range: [1, 5]
      """
    #expect(loadProblems(text) == [
      "cb.yaml:8: unknown key \"reverse_items\" at scales[1].reverse_items; did you mean \"reverse\"?"
    ])
  }

  @Test func unknownTopLevelAndNestedKeys() {
    let text = """
      min_groupsize: 3
      screens:
        unfinshed: false
      analyses:
        factors: {scale: a, rotate: varimax}
      """
    #expect(loadProblems(text) == [
      "cb.yaml:1: unknown key \"min_groupsize\" at min_groupsize; did you mean \"min_group_size\"?",
      "cb.yaml:3: unknown key \"unfinshed\" at screens.unfinshed; did you mean \"unfinished\"?",
      "cb.yaml:5: unknown key \"rotate\" at analyses.factors.rotate; did you mean \"rotation\"?",
    ])
  }

  @Test func invalidChoicesAndTypes() {
    let text = """
      format: qualtrix
      screens:
        duplicate_ids: keep_last
      scales:
        - name: a
          items: {x: 1}
          range: [1]
          scoring: average
      min_group_size: five
      """
    #expect(loadProblems(text) == [
      "cb.yaml:1: format: \"qualtrix\" is not one of auto, csv, qualtrics, surveymonkey, google-forms, microsoft-forms, spss; did you mean \"qualtrics\"?",
      "cb.yaml:3: screens.duplicate_ids: \"keep_last\" is not one of error, keep-first, keep-last; did you mean \"keep-last\"?",
      "cb.yaml:6: scales[0].items must be a list of names, got a mapping",
      "cb.yaml:7: scales[0].range must be [min, max], got 1 numbers",
      "cb.yaml:8: scales[0].scoring: \"average\" is not one of mean, sum, pomp; did you mean \"mean\"?",
      "cb.yaml:9: min_group_size must be a whole number, got \"five\"",
    ])
  }

  @Test func yamlSyntaxErrorHasLine() {
    let problems = loadProblems("scales:\n  - name: a\n    items: [x1, x2\n")
    #expect(problems.count == 1)
    #expect(problems.first?.hasPrefix("cb.yaml:4: the codebook is not valid YAML: ") == true)
    #expect(problems.first?.hasSuffix("; check indentation and quoting near this line") == true)
  }

  @Test func scalarsAndAlternatives() throws {
    let book = try Codebook.parse("""
      group: school
      delimiter: ";"
      sheet: 2
      encoding: windows-1252
      missing: ["", -99, "N/A"]
      screens: {qualtrics_status: [1, Spam], duplicate_ids: keep-first, straightlining: exclude}
      scales:
        - name: s
          items: [a, b, c]
          range: [1, 7]
          recode: {6: 5, 9: missing}
          item_ranges: {c: [0, 10]}
          direction: descending
          scoring: pomp
      analyses:
        factors:
          - {scale: s, n: 2}
          - {scale: s, n: parallel}
      """)
    #expect(book.groups == ["school"])
    #expect(book.delimiter == .semicolon)
    #expect(book.sheet == .index(2))
    #expect(book.encoding == .windows1252)
    #expect(book.missing.map(\.number) == [nil, -99, nil])
    #expect(book.screens.qualtricsStatus == ["Survey Preview", "Spam"])
    #expect(book.screens.duplicateIds == .keepFirst)
    #expect(book.screens.straightlining == .exclude)
    #expect(book.scales[0].recode == [RecodeEntry(from: 6, to: 5), RecodeEntry(from: 9, to: nil)])
    #expect(book.scales[0].itemRanges == ["c": ResponseRange(0, 10)])
    #expect(book.scales[0].direction == .descending)
    #expect(book.scales[0].scoring == .pomp)
    #expect(book.analyses?.factors.map(\.n) == [.fixed(2), .parallel])
  }
}

@Suite struct CodebookJSONTests {
  @Test func tabIndentedJSON() throws {
    let book = try Codebook.parse("{\n\t\"id\": \"rid\",\n\t\"scales\": [{\"name\": \"s\", \"items\": [\"a\", \"b\"], \"range\": [1, 4]}]\n}\n", fileName: "cb.json")
    #expect(book.id == "rid")
    #expect(book.scales[0].range == ResponseRange(1, 4))
  }

  @Test func loadValidatedSeparatesWarnings() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cb-\(UUID().uuidString).yaml")
    defer { try? FileManager.default.removeItem(at: dir) }
    try "scales:\n  - name: t\n    instrument: edmondson-tps7\n    items: [a, b, c, d, e, f, g]\n    reverse: [a]\n"
      .write(to: dir, atomically: true, encoding: .utf8)
    let (book, warnings) = try Codebook.loadValidated(contentsOf: dir)
    #expect(book.scales.count == 1)
    #expect(warnings.map(\.code) == ["reverse-differs-from-instrument"])
    try "scales:\n  - name: t\n    items: []\n    range: [1, 5]\n".write(to: dir, atomically: true, encoding: .utf8)
    #expect(throws: CodebookError.self) { try Codebook.loadValidated(contentsOf: dir) }
  }
}

@Suite struct CodebookDuplicateKeyTests {
  @Test func duplicateKeysAreReported() {
    let found = loadProblems("id: a\nscales:\n  - name: s\n    items: [a]\n    name: t\n")
    #expect(found == ["cb.yaml:3: key \"name\" appears more than once in the mapping that starts on this line; keep one"])
  }

  @Test func emptyCodebook() {
    #expect(loadProblems("") == ["cb.yaml: the codebook is empty; start from `candor init FILE` or design.md §4"])
    #expect(loadProblems("- a\n- b\n") == ["cb.yaml:1: the codebook must be a mapping of codebook keys, got a list"])
  }
}
