@testable import CandorPsychometrics
import CandorReport
import _CandorTestSupport
import Foundation
import Testing

@Suite struct WaveTableTests {
  let dev = WaveDeviation.shared

  /// Row i < 8: Welch case i with favourability from prop case i and alphas from
  /// Feldt case i; rows 8…12: paired case i − 8 (make_fixtures.R §5).
  static func statistics() -> [(first: WaveScaleStatistics, second: WaveScaleStatistics, paired: PairedDifferences?)] {
    var out: [(WaveScaleStatistics, WaveScaleStatistics, PairedDifferences?)] = []
    for (w, (f, a)) in zip(WaveFixtures.welch, zip(WaveFixtures.prop, WaveFixtures.feldt)) {
      out.append((
        WaveScaleStatistics(n: Int(w["n1"]!), mean: w["mean1"]!, variance: w["var1"]!,
                            favourable: Int(f["x1"]!), favourableN: Int(f["n1"]!),
                            alpha: a["alpha1"]!, alphaN: Int(a["n1"]!)),
        WaveScaleStatistics(n: Int(w["n2"]!), mean: w["mean2"]!, variance: w["var2"]!,
                            favourable: Int(f["x2"]!), favourableN: Int(f["n2"]!),
                            alpha: a["alpha2"]!, alphaN: Int(a["n2"]!)),
        nil))
    }
    for p in WaveFixtures.paired {
      let n = Int(p["n"]!)
      out.append((WaveScaleStatistics(n: n, mean: p["mean1"]!, variance: 1),
                  WaveScaleStatistics(n: n, mean: p["mean2"]!, variance: 1),
                  PairedDifferences(n: n, sum: p["sumD"]!, sumOfSquares: p["sumD2"]!)))
    }
    return out
  }

  static func rows() -> [WaveComparison] {
    statistics().enumerated().map { i, s in
      WaveComparison(scale: "scale\(i + 1)", from: "2026Q2", to: "2026Q3", first: s.first, second: s.second, paired: s.paired)
    }
  }

  func checkAdjusted(_ c: WaveComparison, row i: Int) {
    let e = WaveFixtures.table[i]
    #expect(dev.check("table.p", c.p, e["p"]!, pValue: true))
    #expect(dev.check("table.pBH", c.pBH, e["pBH"]!, pValue: true), "row \(i + 1): \(c.pBH) vs \(e["pBH"]!)")
    if e["favourableP"]!.isNaN {
      #expect(c.favourableP == nil && c.favourablePBH == nil)
    } else {
      #expect(dev.check("table.favourableP", c.favourableP!, e["favourableP"]!, pValue: true))
      #expect(dev.check("table.favourablePBH", c.favourablePBH!, e["favourablePBH"]!, pValue: true))
    }
  }

  /// BH across the table = R p.adjust(method = "BH"), one family for mean changes,
  /// one for favourability; every row carries its tests' R values.
  @Test func tableMatchesR() {
    let table = WaveTable(rows: Self.rows())
    #expect(table.rows.count == 13)
    for (i, c) in table.rows.enumerated() {
      checkAdjusted(c, row: i)
      if i < 8 {
        let w = WaveFixtures.welch[i], f = WaveFixtures.prop[i], a = WaveFixtures.feldt[i]
        #expect(c.test == .welch && c.pairs == nil)
        #expect(dev.check("table.change", c.change, w["change"]!) && dev.check("table.df", c.df, w["df"]!))
        #expect(dev.check("table.ci", c.ci95[0], w["lo"]!) && dev.check("table.ci", c.ci95[1], w["hi"]!))
        #expect(c.n1 == Int(w["n1"]!) && c.n2 == Int(w["n2"]!) && c.mean1 == w["mean1"]! && c.mean2 == w["mean2"]!)
        #expect(dev.check("table.favourableChange", c.favourableChange!, f["change"]!))
        #expect(dev.check("table.ci", c.favourableChangeCI95![0], f["lo"]!))
        #expect(dev.check("table.ci", c.favourableChangeCI95![1], f["hi"]!))
        #expect(c.favourable1 == f["x1"]! / f["n1"]! && c.favourable2 == f["x2"]! / f["n2"]!)
        #expect(dev.check("table.alphaDifferenceP", c.alphaDifferenceP!, a["p"]!, pValue: true))
        #expect(c.alpha1 == a["alpha1"]! && c.alpha2 == a["alpha2"]!)
      } else {
        let p = WaveFixtures.paired[i - 8]
        #expect(c.test == .paired && c.pairs == Int(p["n"]!) && c.df == p["df"]!)
        #expect(dev.check("table.change", c.change, p["change"]!))
        #expect(dev.check("table.ci", c.ci95[0], p["lo"]!) && dev.check("table.ci", c.ci95[1], p["hi"]!))
        #expect(c.alphaDifferenceP == nil && c.favourableChange == nil && c.favourableChangeCI95 == nil)
      }
    }
    dev.report("table")
  }

  /// Group rows join the BH family unless suppressed; a suppressed row changes nothing.
  @Test func groupRowsShareTheFamily() {
    let s = Self.statistics()
    let rows = Array(Self.rows().prefix(8))
    var groups = (8..<13).map { i in
      GroupWaveComparison(scale: "scale", group: "S\(i)", from: "2026Q2", to: "2026Q3",
                          first: s[i].first, second: s[i].second, paired: s[i].paired, minimumGroupSize: 4)
    }
    // A team of 4 that becomes 6: suppressed across waves.
    let small = GroupWaveComparison(scale: "scale", group: "tiny", from: "2026Q2", to: "2026Q3",
                                    first: WaveScaleStatistics(n: 4, mean: 3, variance: 1, favourable: 1),
                                    second: WaveScaleStatistics(n: 6, mean: 6, variance: 0.5, favourable: 6))
    #expect(small.suppressed && small.comparison.p.isNaN && small.comparison.n1 == 0)
    groups.insert(small, at: 2)
    let table = WaveTable(rows: rows, groupRows: groups)
    for i in 0..<8 { checkAdjusted(table.rows[i], row: i) }
    let shown = table.groupRows.filter { !$0.suppressed }
    #expect(shown.map(\.group) == ["S8", "S9", "S10", "S11", "S12"])
    for (k, g) in shown.enumerated() { checkAdjusted(g.comparison, row: 8 + k) }
    #expect(table.groupRows[2].comparison.pBH.isNaN)
  }

  /// Pairs below the minimum group size suppress a paired row; `suppress` forces it.
  @Test func suppressionRules() {
    let big = WaveScaleStatistics(n: 50, mean: 4, variance: 1)
    let fewPairs = GroupWaveComparison(scale: "s", group: "g", from: "a", to: "b", first: big, second: big,
                                       paired: PairedDifferences(n: 3, sum: 1, sumOfSquares: 2))
    #expect(fewPairs.suppressed)
    let forced = GroupWaveComparison(scale: "s", group: "g", from: "a", to: "b", first: big, second: big, suppress: true)
    #expect(forced.suppressed)
    var shown = GroupWaveComparison(scale: "s", group: "g", from: "a", to: "b", first: big,
                                    second: WaveScaleStatistics(n: 5, mean: 4.5, variance: 2))
    #expect(!shown.suppressed && shown.comparison.change == 0.5 && shown.comparison.n2 == 5)
    shown.suppress()
    #expect(shown.suppressed && shown.comparison.change.isNaN && shown.comparison.mean2.isNaN)
    #expect(shown.comparison.scale == "s" && shown.comparison.from == "a" && shown.comparison.to == "b")
  }
}

@Suite struct WaveComparisonEncodingTests {
  /// Top-level keys in the order CandorReport's ordered encoder writes them.
  static func keys<T: Encodable>(_ value: T) throws -> [String] { try encodedKeyOrder(value)[""] ?? [] }

  /// design.md §7 fields first, in order; the extra fields after them.
  @Test func fieldOrder() throws {
    let row = WaveTable(rows: WaveTableTests.rows()).rows[1]
    let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
    #expect(try Self.keys(row) == ["scale", "from", "to", "change", "ci95", "p", "alphaDifferenceP", "n1", "n2",
                                "mean1", "mean2", "test", "pairs", "t", "df", "favourable1", "favourable2",
                                "favourableChange", "favourableChangeCI95", "favourableP", "alpha1", "alpha2",
                                "pBH", "favourablePBH"])
    #expect(json.contains("\"test\":\"welch\"") && json.contains("\"pairs\":null"))
    #expect(try JSONDecoder().decode(WaveComparison.self, from: Data(json.utf8)) == row)
  }

  /// A suppressed group row carries its labels and the flag — no number at all.
  @Test func suppressedGroupEncodesLabelsOnly() throws {
    let row = GroupWaveComparison(scale: "psych_safety", group: "S07", from: "2026Q2", to: "2026Q3",
                                  first: WaveScaleStatistics(n: 4, mean: 3.25, variance: 1, favourable: 1, alpha: 0.8),
                                  second: WaveScaleStatistics(n: 6, mean: 5.5, variance: 1, favourable: 5, alpha: 0.7))
    let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
    #expect(try Self.keys(row) == ["scale", "group", "from", "to", "suppressed"])
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    #expect(object.values.allSatisfy { $0 is String || ($0 as? Bool) == true })
    #expect(object["suppressed"] as? Bool == true)
    let back = try JSONDecoder().decode(GroupWaveComparison.self, from: Data(json.utf8))
    #expect(back.suppressed && back.group == "S07" && back.comparison.scale == "psych_safety")
  }

  /// An unsuppressed group row: scale, group, from, to, then the statistics; round-trips.
  @Test func groupRowRoundTrips() throws {
    let s = WaveTableTests.statistics()[9]
    let row = GroupWaveComparison(scale: "trust", group: "S01", from: "w1", to: "w2",
                                  first: s.first, second: s.second, paired: s.paired)
    let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
    #expect(!row.suppressed)
    #expect(Array(try Self.keys(row).prefix(5)) == ["scale", "group", "from", "to", "change"])
    #expect(!json.contains("suppressed"))
    #expect(try JSONDecoder().decode(GroupWaveComparison.self, from: Data(json.utf8)) == row)
  }

  /// Undefined statistics encode as null instead of failing the encoder.
  @Test func undefinedIsNull() throws {
    let row = WaveComparison(scale: "s", from: "a", to: "b",
                             first: WaveScaleStatistics(n: 1, mean: 4, variance: .nan, favourable: 1, alpha: 1),
                             second: WaveScaleStatistics(n: 3, mean: 5, variance: 1, favourable: 3, alpha: 0.5))
    let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
    #expect(json.contains("\"p\":null") && json.contains("\"ci95\":[null,null]") && json.contains("\"alphaDifferenceP\":null"))
    #expect(json.contains("\"change\":1"))
  }
}

/// Rows validate against `schema/summary-v1.json` `$defs/waveChange`.
@Suite struct WaveSchemaTests {
  @Test func rowsValidateAgainstSchema() throws {
    let url = repositoryRoot().appendingPathComponent("schema/summary-v1.json")
    let full = try JSONValue.parse(String(contentsOf: url, encoding: .utf8))
    guard case .object(let top) = full, let defs = top.first(where: { $0.0 == "$defs" })?.1 else {
      Issue.record("schema has no $defs"); return
    }
    let schema = JSONValue.object([("$defs", defs), ("type", .string("array")),
                                   ("items", .object([("$ref", .string("#/$defs/waveChange"))]))])
    let s = WaveTableTests.statistics()
    let table = WaveTable(rows: WaveTableTests.rows(), groupRows: [
      GroupWaveComparison(scale: "x", group: "S01", from: "a", to: "b", first: s[9].first, second: s[9].second, paired: s[9].paired),
      GroupWaveComparison(scale: "x", group: "S02", from: "a", to: "b", first: s[8].first, second: s[8].second, paired: s[8].paired),
    ])
    let encoder = OrderedJSONEncoder()
    let rows = try table.rows.map { try encoder.encode($0) } + table.groupRows.map { try encoder.encode($0) }
    let violations = SchemaValidator(schema: schema).validate(.array(rows))
    #expect(violations.isEmpty, "\(violations)")
    // The check has teeth: a row without labels and with a 3-element interval fails.
    let bad = JSONValue.object([("scale", .string("x")), ("ci95", .array([.number(0), .number(1), .number(2)]))])
    #expect(!SchemaValidator(schema: schema).validate(.array([bad])).isEmpty)
    #expect(table.groupRows[1].suppressed)
  }
}
