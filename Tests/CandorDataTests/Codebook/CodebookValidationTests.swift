import Foundation
import Testing
@testable import CandorData
import CandorNumerics

func problems(_ text: String) throws -> [String] {
  try Codebook.parse(text, fileName: "cb.yaml").validate().map(\.description)
}

@Suite struct CodebookValidationTests {
  @Test func scaleProblemsNameTheFix() throws {
    let text = """
      min_group_size: 0
      labels:
        agree5: {Agree: 4}
      scales:
        - name: ps
          items: [p1, p2, p3]
          reverse: [p4]
          range: [5, 1]
          min_items: 4
          labels: agre5
        - name: empty
          items: []
          range: [1, 4]
        - name: norange
          items: [n1, n2]
      """
    let found = try problems(text)
    #expect(found == [
      "cb.yaml:1: min_group_size must be at least 1, got 0; the default is 5",
      "cb.yaml:8: scales[0] (ps): range [5, 1] is invalid: min must be less than max, e.g. [1, 5]",
      "cb.yaml:7: scales[0] (ps): reverse item \"p4\" is not one of the scale's items; add it to items or remove it from reverse",
      "cb.yaml:9: scales[0] (ps): min_items 4 must be between 1 and the scale's 3 items",
      "cb.yaml:10: scales[0] (ps): labels \"agre5\" is not defined under labels; did you mean \"agree5\"?",
      "cb.yaml:12: scales[1] (empty) has no items; list its columns under items",
      "cb.yaml:14: scales[2] (norange) has no range; add range: [min, max] (reverse keying and range checks need it)",
    ])
  }

  @Test func instrumentChecks() throws {
    let text = """
      scales:
        - name: ps
          instrument: edmondson-tps
          items: [p1, p2]
          range: [1, 5]
        - name: safety
          instrument: edmondson-tps7
          items: [s1, s2, s3, s4, s5, s6]
        - name: values
          instrument: pvq-21
          items: [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20, v21]
          direction: ascending
        - name: tps
          instrument: edmondson-tps7
          items: [t1, t2, t3, t4, t5, t6, t7]
          reverse: [t1, t3]
          range: [1, 5]
      """
    let book = try Codebook.parse(text, fileName: "cb.yaml")
    let found = book.validate()
    #expect(found.map(\.description) == [
      "cb.yaml:3: scales[0] (ps): unknown instrument \"edmondson-tps\"; did you mean \"edmondson-tps7\"? Built-in: edmondson-tps7, pvq-21, pvq-40, pvq-rr, ccsr-teacher-principal-trust",
      "cb.yaml:8: scales[1] (safety): instrument edmondson-tps7 has 7 items but the scale lists 6; list all 7 columns in the instrument's order",
      "cb.yaml:12: warning: scales[2] (values): direction ascending differs from pvq-21's descending; the codebook's direction is used",
      "cb.yaml:16: warning: scales[3] (tps): reverse [t1, t3] differs from edmondson-tps7's keys [t1, t3, t5]; the codebook's reverse is used",
    ])
    #expect(found.map(\.severity) == [.error, .error, .warning, .warning])
    #expect(found[3].analysisWarning == AnalysisWarning(
      code: "reverse-differs-from-instrument",
      message: "scales[3] (tps): reverse [t1, t3] differs from edmondson-tps7's keys [t1, t3, t5]; the codebook's reverse is used",
      scale: "tps"))
    // The instrument supplies keys, range and direction when the codebook omits them.
    #expect(book.effectiveReverse(of: book.scales[1]) == [])
    #expect(book.effectiveRange(of: book.scales[1]) == ResponseRange(1, 7))
    #expect(book.effectiveDirection(of: book.scales[2]) == .ascending)
    let plain = try Codebook.parse("scales:\n  - name: v\n    instrument: pvq-21\n    items: [\((1...21).map { "v\($0)" }.joined(separator: ", "))]\n")
    #expect(plain.effectiveDirection(of: plain.scales[0]) == .descending)
    let tps = try Codebook.parse("scales:\n  - name: t\n    instrument: edmondson-tps7\n    items: [a, b, c, d, e, f, g]\n")
    #expect(tps.effectiveReverse(of: tps.scales[0]) == ["a", "c", "e"])
    #expect(tps.validate().isEmpty)
  }

  @Test func itemLevelAndAnalysisReferences() throws {
    let text = """
      labels:
        agree4: {Agree: 3}
      scales:
        - name: trust
          items: [t1, t2]
          range: [1, 4]
          item_ranges: {t3: [1, 5], t2: [3, 3]}
          item_labels: {t1: extent4}
          favourable: [3, 5]
          mrat_min_answered: 1.5
        - name: trust
          items: [u1, u1]
          range: [1, 4]
      outcomes:
        - name: trust
          column: x
      analyses:
        reliability: [trsut]
        factors: {scale: trust, target: {t1: [1, 0], t9: [1]}}
      """
    let found = try problems(text)
    #expect(found == [
      "cb.yaml:7: scales[0] (trust): item_ranges.t2 [3, 3] is invalid: min must be less than max, e.g. [1, 5]",
      "cb.yaml:7: scales[0] (trust): item_ranges names \"t3\", which is not one of the scale's items; add it to items or remove it",
      "cb.yaml:8: scales[0] (trust): item_labels.t1 \"extent4\" is not defined under labels; did you mean \"agree4\"?",
      "cb.yaml:9: scales[0] (trust): favourable value 5 is outside the range [1, 4]",
      "cb.yaml:10: scales[0] (trust): mrat_min_answered 1.5 must be a share in (0, 1], e.g. 0.8",
      "cb.yaml:11: scales[1] (trust): another scale is already named \"trust\"; scale names must be unique",
      "cb.yaml:12: scales[1] (trust): item \"u1\" is listed twice; list each column once",
      "cb.yaml:15: outcomes[0] (trust): the name is already used by another scale or outcome; names must be unique",
      "cb.yaml:18: analyses.reliability: \"trsut\" is not a scale of this codebook; did you mean \"trust\"?",
      "cb.yaml:19: analyses.factors.target: \"t9\" is not an item of trust; use the scale's item names",
      "cb.yaml:19: analyses.factors.target rows have different lengths (1, 2); give every item one entry per factor",
    ])
  }

  @Test func columnsMustExistInTheFile() throws {
    let book = try Codebook.parse("""
      columns:
        ps1: "Mistakes held against you"
        ps2: "Can raise problems"
      id: ResponseId
      group: school
      scales:
        - name: ps
          items: [ps1, ps2, ps_3]
          range: [1, 5]
      outcomes:
        - name: left
          column: status
      """, fileName: "cb.yaml")
    let header = ["ResponseId", "School", "PS_1", "PS_2", "ps3", "status_next_year"]
    let rows = [header, ["Response ID", "School", "Team - Mistakes held against you", "Can raise problems", "Team - x", "Status"]]
    #expect(book.validate(againstColumns: header, headerRows: rows).map(\.description) == [
      "cb.yaml:2: column alias ps1 (columns.ps1): no header cell is \"Mistakes held against you\"; closest: \"Team - Mistakes held against you\", \"status_next_year\", \"Response ID\"",
      "cb.yaml:5: column \"school\" (groups) is not in the file; closest: \"School\", \"PS_1\", \"PS_2\"; fix the name or add an alias under columns",
      "cb.yaml:8: column \"ps_3\" (scales[0].items) is not in the file; closest: \"PS_1\", \"PS_2\", \"ps3\"; fix the name or add an alias under columns",
      "cb.yaml:12: column \"status\" (outcomes[0].column) is not in the file; closest: \"School\", \"PS_1\", \"PS_2\"; fix the name or add an alias under columns",
    ])
    // An alias matches any header row.
    #expect(book.columnIndex(of: "ps2", columns: header, headerRows: rows) == 3)
    #expect(book.columnIndex(of: "ResponseId", columns: header, headerRows: rows) == 0)
  }

  @Test func unmappedLabelsListTextsAndCounts() throws {
    let book = try Codebook.parse("""
      missing: ["", "NA", "Prefer not to say"]
      labels:
        agree5: {Strongly disagree: 1, Disagree: 2, Neither agree nor disagree: 3, Agree: 4, Strongly agree: 5}
        extent4: {Not at all: 1, Completely: 4}
      scales:
        - name: ps
          items: [ps1, ps2]
          range: [1, 5]
          labels: agree5
          item_labels: {ps2: extent4}
        - name: raw
          items: [r1, r2]
          range: [1, 5]
      """, fileName: "cb.yaml")
    let observed = ["Agree": 40, "Agree strongly": 14, "N/A": 3, "Neutral": 3, "4": 7, "NA": 2, "Prefer not to say": 5, " Disagree ": 9]
    #expect(book.unmappedLabels(column: "ps1", observed: observed)?.description ==
      "cb.yaml:9: column \"ps1\": 3 answer texts are not in label map \"agree5\": \"Agree strongly\" (14), \"N/A\" (3), \"Neutral\" (3); add them to labels.agree5 or to missing")
    #expect(book.unmappedLabels(column: "ps2", observed: ["Completely": 3, "Somewhat": 1])?.description ==
      "cb.yaml:10: column \"ps2\": 1 answer text is not in label map \"extent4\": \"Somewhat\" (1); add them to labels.extent4 or to missing")
    #expect(book.unmappedLabels(column: "r1", observed: ["3": 10, "High": 2])?.description ==
      "cb.yaml:11: column \"r1\": 1 answer text is not numbers and scale raw has no labels: \"High\" (2); add a label map under labels and name it in scales[1].labels")
    #expect(book.unmappedLabels(column: "ps1", observed: ["Agree": 1, "5": 2]) == nil)
    #expect(book.unmappedLabels(column: "not_an_item", observed: ["x": 1]) == nil)
  }
}
