import Foundation
import Testing
@testable import CandorData

let decodingCodebook = """
  missing: ["", "NA", -99]
  labels:
    agree5: {Strongly disagree: 1, Disagree: 2, Neither agree nor disagree: 3, Agree: 4, Strongly agree: 5}
  scales:
    - name: ps
      items: [ps1, ps2, ps3]
      reverse: [ps1]
      range: [1, 5]
      labels: agree5
      missing: ["Don't know", 9]
      recode: {6: 5, 8: missing}
    - name: vals
      items: [v1, v2]
      range: [1, 6]
      direction: descending
      reverse: [v2]
    - name: trust
      items: [t1, t2]
      range: [1, 4]
      item_ranges: {t2: [0, 10]}
      reverse: [t2]
  outcomes:
    - name: left
      column: status
      event: [leaver, mover]
    - name: quit
      column: quit01
  analyses:
    correlate: {variables: [ps], covariates: [tenure]}
  """
let decodingHeader = ["id", "ps1", "ps2", "ps3", "v1", "v2", "t1", "t2", "status", "quit01", "tenure"]

@Suite struct DecodingTests {
  func plan(_ outOfRange: OutOfRangeHandling = .error) throws -> DecodingPlan {
    try DecodingPlan(
      codebook: Codebook.parse(decodingCodebook), header: decodingHeader, fileMissingCodes: [1: ["7"]],
      outOfRange: outOfRange)
  }

  func value(_ p: DecodingPlan, _ name: String, _ text: String) throws -> Double {
    try p.decodeCell(text, variable: #require(p.variableIndex(named: name)))
  }

  @Test func variablesAndColumns() throws {
    let p = try plan()
    #expect(p.variables.map(\.name) == ["ps1", "ps2", "ps3", "v1", "v2", "t1", "t2", "left", "quit", "tenure"])
    #expect(p.variables.map(\.column) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    #expect(p.variables.map(\.role) == [.item(scale: 0), .item(scale: 0), .item(scale: 0), .item(scale: 1), .item(scale: 1),
                                        .item(scale: 2), .item(scale: 2), .outcome, .outcome, .covariate])
  }

  @Test func labelsAndNumbersPassThrough() throws {
    let p = try plan()
    #expect(try value(p, "ps2", "4") == 4)
    #expect(try value(p, "ps2", "Agree") == 4)
    #expect(try value(p, "ps2", "  Strongly agree ") == 5)
    #expect(try value(p, "ps2", "4.0") == 4)
  }

  @Test func missingCodesAreAUnionMatchedNumerically() throws {
    let p = try plan()
    for text in ["", "  ", "NA", "-99", "-99.0", " -99 ", "Don't know", "9", "9.00"] {
      #expect(try value(p, "ps2", text).isNaN, "\(text)")
    }
    // The file's own dictionary code 7 applies to its column (ps1) only.
    #expect(try value(p, "ps1", "7").isNaN)
    #expect(try value(p, "ps1", "7.0").isNaN)
    #expect(throws: DecodeError.self) { try value(p, "ps2", "7") }
    // Scale codes stay with their scale: 9 is out of range for v1 (1–6), not missing.
    #expect(throws: DecodeError.self) { try value(p, "v1", "9") }
    // Global codes apply to outcomes and covariates.
    #expect(try value(p, "tenure", "-99").isNaN)
    #expect(try value(p, "left", "NA").isNaN)
  }

  @Test func recodeComesBeforeTheRangeCheck() throws {
    let p = try plan()
    #expect(try value(p, "ps2", "6") == 5)
    #expect(try value(p, "ps2", "8").isNaN)
    // ps1 is reverse-keyed: 6 → 5 (recode) → 1 (keying).
    #expect(try value(p, "ps1", "6") == 1)
  }

  @Test func directionAndReverseUseEachItemsRange() throws {
    let p = try plan()
    // 1–5 reverse: 6 − x.
    #expect(try value(p, "ps1", "2") == 4)
    #expect(try value(p, "ps1", "Disagree") == 4)
    // 0–10 item range inside a 1–4 scale: 10 − x.
    #expect(try value(p, "t2", "3") == 7)
    #expect(try value(p, "t1", "3") == 3)
    // Descending 1–6: 7 − x; descending and reversed: identity.
    #expect(try value(p, "v1", "1") == 6)
    #expect(try value(p, "v2", "1") == 1)
    #expect(p.unkeyed(4, variable: 0) == 2)
    #expect(p.unkeyed(6, variable: 3) == 1)
    #expect(p.unkeyed(1, variable: 4) == 1)
    #expect(p.unkeyed(3, variable: 1) == 3)
  }

  @Test func outcomesAndCovariates() throws {
    let p = try plan()
    #expect(try value(p, "left", "leaver") == 1)
    #expect(try value(p, "left", " mover ") == 1)
    #expect(try value(p, "left", "stayer") == 0)
    #expect(try value(p, "left", "").isNaN)
    #expect(try value(p, "quit", "1") == 1)
    #expect(try value(p, "quit", "0") == 0)
    #expect(try value(p, "quit", "").isNaN)
    #expect(try value(p, "tenure", "12.5") == 12.5)
  }

  @Test func errorsNameRowColumnAndValue() throws {
    let p = try plan()
    var counts = DecodeCounts(variables: p.variables.count)
    let ps2 = try #require(p.variableIndex(named: "ps2"))
    var text = "0"
    let error = #expect(throws: DecodeError.self) {
      try text.withUTF8 { try p.decodeCell(UnsafeRawBufferPointer($0), variable: ps2, row: 812, counts: &counts) }
    }
    #expect(error?.description ==
      "row 812, column \"ps2\": value 0 is outside the range [1, 5]; fix the data, add 0 to the scale's missing codes, or run with --out-of-range missing")
    let unmapped = #expect(throws: DecodeError.self) { try value(p, "ps2", "Agree strongly") }
    #expect(unmapped?.description ==
      "column \"ps2\": answer \"Agree strongly\" is not a number and has no label; add it to labels.agree5 or to missing")
    let noMap = #expect(throws: DecodeError.self) { try value(p, "t1", "High") }
    #expect(noMap?.description ==
      "column \"t1\": answer \"High\" is not a number and has no label; add a label map for this column or add the text to missing")
  }

  @Test func outOfRangeMissingIsCounted() throws {
    let p = try plan(.missing)
    var counts = DecodeCounts(variables: p.variables.count)
    let ps2 = try #require(p.variableIndex(named: "ps2"))
    for text in ["0", "12", "3", "5.5"] {
      var t = text
      _ = try t.withUTF8 { try p.decodeCell(UnsafeRawBufferPointer($0), variable: ps2, row: 1, counts: &counts) }
    }
    #expect(counts.outOfRange[ps2] == 3)
    var other = DecodeCounts(variables: p.variables.count)
    other.outOfRange[0] = 2
    counts.merge(other)
    #expect(counts.totalOutOfRange == 5)
    #expect(try value(p, "ps2", "0").isNaN)
  }

  @Test func missingColumnsStopThePlan() throws {
    let error = #expect(throws: CodebookError.self) {
      try DecodingPlan(codebook: Codebook.parse(decodingCodebook, fileName: "cb.yaml"), header: Array(decodingHeader.dropLast()))
    }
    #expect(error?.description ==
      "cb.yaml:29: column \"tenure\" (analyses.correlate) is not in the file; closest: \"t1\", \"t2\", \"status\"; fix the name or add an alias under columns")
  }

  @Test func scaleLayouts() throws {
    let p = try plan()
    #expect(p.layouts.map(\.name) == ["ps", "vals", "trust"])
    #expect(p.layouts[0].variables == [0, 1, 2])
    #expect(p.layouts[0].minItems == 2)
    #expect(p.layouts[0].favourable == [4, 5])
    #expect(p.layouts[0].neutral == [3])
    #expect(p.layouts[0].unfavourable == [1, 2])
    #expect(p.layouts[2].itemRanges == [ResponseRange(1, 4), ResponseRange(0, 10)])
    #expect(p.layouts[2].favourable == [3, 4])
    #expect(ScaleLayout.defaultBands(range: ResponseRange(1, 7)).unfavourable == [1, 2, 3])
    #expect(ScaleLayout.defaultBands(range: ResponseRange(0, 5)).favourable == [4, 5])
    #expect(ScaleLayout.defaultBands(range: ResponseRange(1, 6)).neutral == [3, 4])
  }

  @Test func valueInstrumentLayout() throws {
    let items = (1...40).map { "pvq\($0)" }
    let book = try Codebook.parse("scales:\n  - name: values\n    instrument: pvq-40\n    items: [\(items.joined(separator: ", "))]\n")
    let p = try DecodingPlan(codebook: book, header: ["id"] + items)
    let l = p.layouts[0]
    #expect(l.usesMRAT)
    #expect(l.mratMinAnswered == 0.8)
    #expect(l.range == ResponseRange(1, 6))
    #expect(l.subscales.first { $0.id == "power" }?.variables == [1, 16, 38])
    #expect(l.higherOrder.map(\.id) == ["openness_to_change", "self_enhancement", "conservation", "self_transcendence"])
    #expect(p.variables[1].column == 2)
  }

  @Test func essCodesAndDirectionFromTheInstrument() throws {
    let items = (1...21).map { "v\($0)" }
    let book = try Codebook.parse("scales:\n  - name: ess\n    instrument: pvq-21\n    items: [\(items.joined(separator: ", "))]\n")
    let p = try DecodingPlan(codebook: book, header: items)
    #expect(try p.decodeCell("8", variable: 0).isNaN)
    #expect(try p.decodeCell("1", variable: 0) == 6)
    #expect(try p.decodeCell("6", variable: 0) == 1)
  }

  @Test func numberParser() {
    func parse(_ s: String) -> Double? {
      var t = s
      return t.withUTF8 { DecodingPlan.parseNumber(UnsafeRawBufferPointer($0)) }
    }
    #expect(parse("0.1") == 0.1)
    #expect(parse("-3.25") == -3.25)
    #expect(parse("+2") == 2)
    #expect(parse(".5") == 0.5)
    #expect(parse("1.") == 1)
    #expect(parse("1e2") == 100)
    #expect(parse("1.5E-3") == 1.5e-3)
    #expect(parse("123456789012345678901") == 123456789012345678901.0)
    #expect(parse("0.30000000000000004") == 0.30000000000000004)
    for bad in ["", "-", ".", "1e", "abc", "1,5", "nan", "inf", "0x10", "1 2"] { #expect(parse(bad) == nil, "\(bad)") }
  }
}

@Suite struct DecimalCommaTests {
  @Test func decimalCommaCells() throws {
    let book = try Codebook.parse("scales:\n  - name: s\n    items: [a]\n    range: [0, 10]\n    reverse: [a]\n")
    let p = try DecodingPlan(codebook: book, header: ["a"], decimalComma: true)
    #expect(try p.decodeCell("3,5", variable: 0) == 6.5)
    #expect(try p.decodeCell("4", variable: 0) == 6)
    let dot = try DecodingPlan(codebook: book, header: ["a"])
    #expect(throws: DecodeError.self) { try dot.decodeCell("3,5", variable: 0) }
  }
}

@Suite struct ValueScoreTests {
  @Test func mratCentringOnPVQ21() throws {
    let items = (1...21).map { "v\($0)" }
    let book = try Codebook.parse("scales:\n  - name: ess\n    instrument: pvq-21\n    items: [\(items.joined(separator: ", "))]\n")
    let p = try DecodingPlan(codebook: book, header: items)
    // Raw ESS answers (1 = very much like me): item k answers ((k − 1) mod 6) + 1.
    let raw = (1...21).map { String(($0 - 1) % 6 + 1) }
    let row = try raw.enumerated().map { try p.decodeCell($0.element, variable: $0.offset) }
    #expect(row[0] == 6 && row[5] == 1)
    let scores = try #require(p.layouts[0].valueScores(row))
    let mrat = row.reduce(0, +) / 21
    #expect(scores.mrat == mrat)
    // Universalism = items 3, 8, 19.
    let un = (row[2] + row[7] + row[18]) / 3
    let u = try #require(scores.ids.firstIndex(of: "universalism"))
    #expect(scores.values[u] == un)
    #expect(scores.centred[u] == un - mrat)
    // Self-transcendence = mean(benevolence, universalism).
    let b = try #require(scores.ids.firstIndex(of: "benevolence"))
    #expect(scores.higherOrder[3] == (scores.values[b] + scores.values[u]) / 2)
    // 17 of 21 answered (81 %) keeps MRAT; 16 (76 %) drops it.
    var partial = row
    for i in 0..<4 { partial[i] = .nan }
    #expect(!(p.layouts[0].valueScores(partial)!.mrat.isNaN))
    partial[4] = .nan
    #expect(p.layouts[0].valueScores(partial)!.mrat.isNaN)
    // Straight-lining looks at the answers as given, before keying.
    #expect(p.responseAnswers(row)[0] == raw.map { Double($0)! })
  }
}
