@testable import CandorReport
import CandorPsychometrics
import Foundation
import Testing

@Suite struct SuppressionPlannerTests {
  let planner = SuppressionPlanner(minGroupSize: 5)

  @Test func oneSmallSchoolHidesTheNextSmallestSibling() {
    let counts: [CellKey: Int] = [
      .wholeSample: 60, CellKey(["N"]): 30, CellKey(["S"]): 30,
      CellKey(["N", "a"]): 3, CellKey(["N", "b"]): 12, CellKey(["N", "c"]): 15,
      CellKey(["S", "d"]): 10, CellKey(["S", "e"]): 10, CellKey(["S", "f"]): 10,
    ]
    let plan = planner.plan(counts: counts)
    #expect(plan.reasons == [CellKey(["N", "a"]): .belowThreshold, CellKey(["N", "b"]): .complementary])
  }

  @Test func tiesAreBrokenByName() {
    let counts: [CellKey: Int] = [.wholeSample: 23, CellKey(["x"]): 2, CellKey(["b"]): 7, CellKey(["a"]): 7, CellKey(["c"]): 7]
    #expect(planner.plan(counts: counts).suppressed == [CellKey(["x"]), CellKey(["a"])])
  }

  @Test func anOnlyChildHidesItsParentAndThatPropagates() {
    // District D has one school (n 4): D itself must go (its total equals the school's),
    // and then D's sibling E with the smallest n is hidden under the whole sample.
    let counts: [CellKey: Int] = [
      .wholeSample: 60, CellKey(["D"]): 4, CellKey(["E"]): 26, CellKey(["F"]): 30,
      CellKey(["D", "s1"]): 4, CellKey(["E", "s2"]): 26, CellKey(["F", "s3"]): 30,
    ]
    let plan = planner.plan(counts: counts)
    // D and s1 are primary; under the whole sample E (next smallest) is hidden; E's own
    // school s2 needs nothing more (E's total is hidden); F and s3 stay.
    #expect(plan.isSuppressed(CellKey(["D"])) && plan.isSuppressed(CellKey(["D", "s1"])))
    #expect(plan.reasons[CellKey(["E"])] == .complementary)
    #expect(!plan.isSuppressed(CellKey(["F"])) && !plan.isSuppressed(CellKey(["F", "s3"])))
    // A small team beside one other team: the other team is hidden.
    let lone = planner.plan(counts: [.wholeSample: 50, CellKey(["A"]): 44, CellKey(["A", "t1"]): 40, CellKey(["A", "t2"]): 4])
    #expect(lone.reasons[CellKey(["A", "t1"])] == .complementary)
    // An only child under a shown parent, no sibling to hide: the parent goes, then its parent.
    let onlyChild = planner.plan(counts: [.wholeSample: 50, CellKey(["A"]): 50, CellKey(["A", "t1"]): 3, CellKey(["B"]): 0].filter { $0.value > 0 })
    #expect(onlyChild.isSuppressed(CellKey(["A"])))
    #expect(onlyChild.isSuppressed(.wholeSample))
  }

  @Test func cutsAreProtectedUnderTheWholeSampleAndUnderEachGroup() {
    let role = { CutCategory("role", $0) }
    let counts: [CellKey: Int] = [
      .wholeSample: 40, CellKey(["A"]): 20, CellKey(["B"]): 20,
      CellKey(cut: role("teacher")): 30, CellKey(cut: role("aide")): 6, CellKey(cut: role("admin")): 4,
      CellKey(["A"], cut: role("teacher")): 14, CellKey(["A"], cut: role("aide")): 3, CellKey(["A"], cut: role("admin")): 3,
      CellKey(["B"], cut: role("teacher")): 16, CellKey(["B"], cut: role("aide")): 3, CellKey(["B"], cut: role("admin")): 1,
    ]
    let plan = planner.plan(counts: counts)
    // Whole sample: admin (4) primary → aide (6) complementary.
    #expect(plan.reasons[CellKey(cut: role("admin"))] == .belowThreshold)
    #expect(plan.reasons[CellKey(cut: role("aide"))] == .complementary)
    // Within A and B both small roles are primary: teachers stay visible (2 hidden each).
    #expect(!plan.isSuppressed(CellKey(["A"], cut: role("teacher"))))
    #expect(!plan.isSuppressed(CellKey(["B"], cut: role("teacher"))))
    #expect(!plan.isSuppressed(CellKey(["A"])))
    assertNoSingleHidden(plan, counts)
  }

  @Test func waveChangeOfATeamOf4ThatBecomes6IsSuppressed() {
    var counts: [CellKey: Int] = [:]
    for (wave, sizes) in [("w1", [4, 9, 12]), ("w2", [6, 9, 12])] {
      counts[CellKey(wave: wave)] = sizes.reduce(0, +)
      for (i, n) in sizes.enumerated() { counts[CellKey(["T\(i)"], wave: wave)] = n }
    }
    let plan = planner.plan(counts: counts)
    #expect(plan.isSuppressed(CellKey(["T0"], wave: "w1")))
    #expect(plan.isSuppressed(CellKey(["T1"], wave: "w1")))  // complementary in w1
    #expect(!plan.isSuppressed(CellKey(["T0"], wave: "w2")))  // 6 is shown in w2
    #expect(plan.isChangeSuppressed(CellKey(["T0"])))
    #expect(plan.isChangeSuppressed(CellKey(["T1"])))
    #expect(!plan.isChangeSuppressed(CellKey(["T2"])))
    // With the pooled cells published too, a pooled total minus wave 2 would reveal wave 1.
    var pooled = counts
    pooled[CellKey(["T0"])] = 10
    pooled[CellKey(["T1"])] = 18
    pooled[CellKey(["T2"])] = 24
    pooled[.wholeSample] = 52
    let p2 = planner.plan(counts: pooled)
    #expect(p2.isSuppressed(CellKey(["T0"], wave: "w2")) || p2.isSuppressed(CellKey(["T0"])))
    assertNoSingleHidden(p2, pooled)
  }
}

/// Families recomputed independently of the planner: (parent, children).
func testFamilies(_ keys: Set<CellKey>) -> [(CellKey, [CellKey])] {
  var map: [String: (CellKey, [CellKey])] = [:]
  func add(_ p: CellKey, _ kind: String, _ c: CellKey) { map["\(p)#\(kind)", default: (p, [])].1.append(c) }
  for k in keys {
    if !k.groupPath.isEmpty { add(CellKey(Array(k.groupPath.dropLast()), cut: k.cut, wave: k.wave), "g", k) }
    if let cut = k.cut { add(CellKey(k.groupPath, wave: k.wave), "c" + cut.name, k) }
    if k.wave != nil, keys.contains(k.withoutWave) { add(k.withoutWave, "w", k) }
  }
  return Array(map.values)
}

/// The subtraction invariant: a shown total never has exactly one hidden child.
func assertNoSingleHidden(_ plan: SuppressionPlan, _ counts: [CellKey: Int], sourceLocation: SourceLocation = #_sourceLocation) {
  for (parent, children) in testFamilies(Set(counts.keys)) where !plan.isSuppressed(parent) {
    let hidden = children.filter(plan.isSuppressed).count
    #expect(hidden == 0 || hidden >= 2, "parent \(parent): exactly one hidden child", sourceLocation: sourceLocation)
  }
}

@Suite struct ConfidentialityPropertyTests {
  struct Scenario {
    var counts: [CellKey: Int] = [:]
    var cutNames: [String] = []
    var categories: [String: [String]] = [:]
    var waves: [String?] = [nil]
  }

  static let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ").map(String.init)

  /// A random group structure: 1–3 levels, 1–4 children per node, leaf sizes 1–40,
  /// 0–2 cuts with 2–4 categories, and half the time two waves (plus pooled cells).
  static func scenario(seed: UInt64) -> Scenario {
    var rng = SeededGenerator(seed: seed)
    var s = Scenario()
    let levels = Int.random(in: 1...3, using: &rng)
    var leaves: [[String]] = [[]]
    for level in 0..<levels {
      leaves = leaves.flatMap { path in
        (0..<Int.random(in: 1...4, using: &rng)).map { path + [letters[level * 6 + $0 % 6] + letters[$0]] }
      }
    }
    for c in 0..<Int.random(in: 0...2, using: &rng) {
      let name = c == 0 ? "role" : "gender"
      s.cutNames.append(name)
      s.categories[name] = (0..<Int.random(in: 2...4, using: &rng)).map { "cat" + letters[$0 + 10 * c] }
    }
    let twoWaves = Bool.random(using: &rng)
    if twoWaves { s.waves = [nil, "wa", "wb"] }
    for leaf in leaves {
      for _ in 0..<Int.random(in: 1...40, using: &rng) {
        let wave: String? = twoWaves ? (Bool.random(using: &rng) ? "wa" : "wb") : nil
        let cats = s.cutNames.map { CutCategory($0, s.categories[$0]!.randomElement(using: &rng)!) }
        for depth in 0...leaf.count {
          let path = Array(leaf.prefix(depth))
          for w in Set([nil, wave]) {
            s.counts[CellKey(path, wave: w), default: 0] += 1
            for cut in cats { s.counts[CellKey(path, cut: cut, wave: w), default: 0] += 1 }
          }
        }
      }
    }
    return s
  }

  struct Stats: Encodable { var n: Int; var mean: Double; var ci95: [Double]; var sd: Double }

  /// Distinct statistics per cell, never a round axis tick (ticks step by ≥ 0.2 here).
  static func markers(_ i: Int) -> (mean: Double, sd: Double) { (10000 + Double(i) + 0.37, 20000 + Double(i) + 0.83) }

  @Test(arguments: 0..<100)
  func noSuppressedStatisticReachesAnyOutput(seed: Int) throws {
    let s = Self.scenario(seed: UInt64(seed) &* 7919 &+ 17)
    let cells = s.counts.keys.sorted()
    let index = Dictionary(uniqueKeysWithValues: cells.enumerated().map { ($0.element, $0.offset) })
    let plan = SuppressionPlanner(minGroupSize: 5).plan(counts: s.counts)

    // The planner's invariants.
    for (k, n) in s.counts where n < 5 { #expect(plan.isSuppressed(k)) }
    assertNoSingleHidden(plan, s.counts)
    for k in cells where k.wave != nil && plan.isSuppressed(k) { #expect(plan.isChangeSuppressed(k)) }

    // A draft with every cell in every output form.
    var draft = ReportDraft(summary: try Example.summary())
    struct Agg: Encodable { var scale = "psych_safety"; var by = "school"; var groups: Int; var suppressed = 0 }
    try draft.appendGrouped(Agg(groups: cells.count), to: .aggregation, groupResults: cells.map { k in
      let m = Self.markers(index[k]!)
      return try GroupedEntry(cell: k, name: k.description, n: s.counts[k]!,
                             result: Stats(n: s.counts[k]!, mean: m.mean, ci95: [m.mean - 0.5, m.mean + 0.5], sd: m.sd))
    })
    draft.tables.append(ReportTable(
      id: "groups", title: "Group Means", columns: [.label("Group"), .init("n"), .init("M"), .init("SD"), .init("95% CI")],
      rows: cells.map { k in
        let m = Self.markers(index[k]!)
        return .init([.text(k.description), .integer(s.counts[k]!), .number(m.mean), .number(m.sd), .interval(m.mean - 0.5, m.mean + 0.5)], group: k)
      }))
    draft.charts.append(.bar(BarChart(title: "Means", yLabel: "M", bars: cells.map { k in
      let m = Self.markers(index[k]!)
      return .init(label: k.description, value: m.mean, lower: m.mean - 0.5, upper: m.mean + 0.5, cell: k)
    })))
    draft.charts.append(.scatter(ScatterPlot(title: "Trust vs retention", xLabel: "x", yLabel: "y", points: cells.map { k in
      let m = Self.markers(index[k]!)
      return .init(label: k.description, x: m.mean, y: m.sd, size: s.counts[k]!, cell: k)
    })))
    let groupRows = cells.filter { $0.cut == nil && $0.wave == nil }
    if let cut = s.cutNames.first {
      let cats = s.categories[cut]!
      let keys = groupRows.map { g in cats.map { Optional(CellKey(g.groupPath, cut: CutCategory(cut, $0))) } }
      draft.charts.append(.heatMap(HeatMap(
        title: "Group × role", rowLabels: groupRows.map(\.description), columnLabels: cats,
        values: keys.map { $0.map { k in s.counts[k!] == nil ? .nan : Self.markers(index[k!]!).mean } },
        cells: keys, range: 10000...30000)))
    }
    if s.waves.count > 1 {
      draft.charts.append(.line(LineChart(title: "Waves", xLabel: "Wave", yLabel: "M", xTickLabels: ["wa", "wb"], series: groupRows.map { g in
        .init(name: g.description, points: ["wa", "wb"].enumerated().compactMap { i, w in
          let k = CellKey(g.groupPath, wave: w)
          guard let j = index[k] else { return nil }
          return .init(x: Double(i + 1), y: Self.markers(j).mean, cell: k)
        })
      })))
    }
    let report = try ConfidentialityFilter.publish(draft, minGroupSize: 5)
    #expect(report.plan == plan)

    // JSON: suppressed groups carry only their name.
    let published = try #require(report.summary["aggregation"]?[0]?["groupResults"]?.arrayValue)
    #expect(published.count == cells.count)
    #expect(report.summary["aggregation"]?[0]?["suppressed"]?.doubleValue == Double(plan.suppressed.intersection(cells).count))
    for (k, g) in zip(cells, published) {
      if plan.isSuppressed(k) {
        #expect(g.keys == ["group", "suppressed"])
      } else {
        #expect(g["n"]?.doubleValue == Double(s.counts[k]!))
      }
    }
    // Tables: a suppressed row keeps only its label.
    for (k, row) in zip(cells, report.tables[0].table.rows) where plan.isSuppressed(k) {
      #expect(row.cells.dropFirst().allSatisfy { $0 == .suppressed })
    }
    // Scatter: suppressed points are gone.
    if case .scatter(let sc) = report.charts[1].spec {
      #expect(sc.points.count == cells.filter { !plan.isSuppressed($0) }.count)
    }

    // Every rendered format: no suppressed cell's markers anywhere.
    var outputs = [report.jsonText(), report.terminalText(), report.markdown(title: "R"), report.html(title: "R")]
    outputs += report.csvFiles().map(\.text)
    // Number tokens of each output (markers never occur as parts of longer numbers).
    let tokens = outputs.map { Set($0.split { !($0.isNumber || $0 == ".") }.map(String.init)) }
    var shownSeen = 0
    for k in cells {
      let m = Self.markers(index[k]!)
      let texts = [CellFormat.number(m.mean, decimals: 2), CellFormat.number(m.sd, decimals: 2)]
      if plan.isSuppressed(k) {
        for t in texts {
          let leaked = tokens.indices.filter { tokens[$0].contains(t) }
          #expect(leaked.isEmpty, "suppressed \(k) leaked \(t) in outputs \(leaked)")
        }
      } else if tokens.contains(where: { $0.contains(texts[0]) }) {
        shownSeen += 1
      }
    }
    #expect(shownSeen == cells.filter { !plan.isSuppressed($0) }.count)
    // The schema still holds for the filtered document.
    #expect(try Example.validator().validate(report.summary).isEmpty)
  }

  @Test func cellsWithoutARecordedCountAreNeverPublished() throws {
    var draft = ReportDraft(summary: try Example.summary())
    draft.tables = [ReportTable(id: "t", title: "T", columns: [.label("G"), .init("M")],
                                rows: [.init([.text("known"), .number(12345.5)], group: CellKey(["k"])),
                                       .init([.text("unknown"), .number(54321.5)], group: CellKey(["u"])),
                                       .init([.text("cut"), .guarded(CellKey(["k"], cut: CutCategory("role", "x")), .number(99999.5))])])]
    draft.record(CellKey(["k"]), n: 50)
    draft.record(CellKey(["k2"]), n: 50)
    let t = try ConfidentialityFilter.publish(draft).tables[0]
    #expect(t.table.rows[0].cells == [.text("known"), .number(12345.5)])
    #expect(t.table.rows[1].cells == [.text("unknown"), .suppressed])
    #expect(t.table.rows[2].cells == [.text("cut"), .suppressed])
  }
}

@Suite struct ConfidentialityScenarioCoverage {
  /// The random scenarios exercise every rule (the property test would be vacuous otherwise).
  @Test func scenariosHitPrimaryComplementaryCutsAndWaves() {
    var primary = 0, complementary = 0, cutCells = 0, waveChanges = 0, parentsHidden = 0
    for seed in 0..<100 {
      let s = ConfidentialityPropertyTests.scenario(seed: UInt64(seed) &* 7919 &+ 17)
      let plan = SuppressionPlanner().plan(counts: s.counts)
      primary += plan.reasons.values.filter { $0 == .belowThreshold }.count
      complementary += plan.reasons.values.filter { $0 == .complementary }.count
      cutCells += plan.suppressed.filter { $0.cut != nil }.count
      waveChanges += plan.suppressedChanges.count
      parentsHidden += plan.reasons.filter { $0.value == .complementary && $0.key.groupPath.count < 3 && (s.counts[$0.key] ?? 0) >= 5 }.count
    }
    #expect(primary > 100 && complementary > 100 && cutCells > 50 && waveChanges > 20 && parentsHidden > 20,
            "primary \(primary) complementary \(complementary) cut \(cutCells) waves \(waveChanges)")
  }
}

@Suite struct GateTests {
  @Test func waveChangeCellsFollowTheirWaves() throws {
    var draft = ReportDraft(summary: try Example.summary())
    for (w, sizes) in [("w1", [4, 9, 12]), ("w2", [6, 9, 12])] {
      draft.record(CellKey(wave: w), n: sizes.reduce(0, +))
      for (i, n) in sizes.enumerated() { draft.record(CellKey(["T\(i)"], wave: w), n: n) }
    }
    draft.tables = [ReportTable(
      id: "changes", title: "Change", columns: [.label("Team"), .init("Δ M")],
      rows: (0..<3).map { .init([.text("T\($0)"), .number(Double($0 + 1) / 10)], group: CellKey(["T\($0)"]).waveChange) }
        + [.init([.text("T9"), .number(0.9)], group: CellKey(["T9"]).waveChange)])]
    let t = try ConfidentialityFilter.publish(draft).tables[0]
    // T0 (4 → 6) and its complement T1 are hidden; T2 shown; T9 was never seen in a wave.
    #expect(t.table.rows.map { $0.cells[1] } == [.suppressed, .suppressed, .number(0.3), .suppressed])
    #expect(CellKey(["T0"]).waveChange.description == "T0 (change)")
  }

  @Test func groupEntriesEncodedInSlicesAreTheOnesEncodedOneByOne() throws {
    // 1,000 groups take the sliced path (several cores); each entry, in group order, must
    // be what encoding that group alone gives, suppressed groups included.
    let results = (0..<1000).map { i -> GroupResult in
      if i % 7 == 3 { return .suppressedEntry("S\(i)") }
      return GroupResult(group: "S\(i)", n: 5 + i, mean: Double(i) / 3, ci95: [Double(i) / 3 - 1, Double(i) / 3 + 1],
                         sd: i % 5 == 0 ? nil : 0.5, rwgj: 0.8, favourable: 0.6, responseRate: nil)
    }
    let cells = (0..<1000).map { CellKey(["S\($0)"]) }
    let entries = ReportDraft.groupedEntries(results, cells: cells)
    #expect(entries.count == 1000)
    for (i, e) in entries.enumerated() {
      let alone = try GroupedEntry(cell: cells[i], name: results[i].group, n: results[i].suppressed ? 0 : results[i].n,
                                   result: results[i])
      #expect(e.cell == alone.cell && e.name == alone.name && e.n == alone.n && e.statistics == alone.statistics)
    }
    #expect(entries[3].n == 0 && entries[4].n == 9)
  }

  @Test func groupResultsAddedAsPlainEntriesAreRefused() throws {
    var summary = try Example.summary()
    summary.append(.object([("scale", .string("x")), ("groupResults", .array([]))]), to: .aggregation)
    #expect(throws: ConfidentialityError.ungatedGroupResults(section: "aggregation")) {
      try ConfidentialityFilter.publish(ReportDraft(summary: summary))
    }
  }
}
