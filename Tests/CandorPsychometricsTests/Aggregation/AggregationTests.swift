@testable import CandorPsychometrics
import Foundation
import Testing

@Suite struct AggregationTests {
  let f = RelationsFixtures.shared
  var itemNames: [String] { (1...5).map { "item\($0)" } }

  func trustMoments() -> GroupMoments {
    var m = GroupMoments()
    m.add(values: f.column("trust"), groups: f.schools)
    return m
  }

  /// aov + multilevel::ICC1/ICC2 + psych::statsBy, and k₀ by hand.
  @Test func anovaAndICCsMatchR() {
    let a = GroupVarianceDecomposition(trustMoments())
    #expect(a.groups == 24 && a.n == 600 && a.dfBetween == 23 && a.dfWithin == 576)
    #expect(close(a.f, f["anova.f"], 1e-9 * f["anova.f"]))
    #expect(close(a.p, f["anova.p"], 1e-9, relative: true))
    #expect(close(a.msb, f["anova.msb"]) && close(a.msw, f["anova.msw"]))
    #expect(close(a.icc1, f["icc1"]) && close(a.icc1, f["statsBy.icc1"]))
    #expect(close(a.icc2, f["icc2"]))
    #expect(close(a.icc1Adjusted, f["icc1Adjusted"]))
  }

  @Test func groupMeansCIsAndAgreement() {
    var items = ItemGroupMoments(items: 5)
    items.add(columns: itemNames.map(f.column), groups: f.schools)
    let names = (0..<24).map { String(format: "S%02d", $0 + 1) }
    let result = Aggregation.analyze(scale: "trust", by: "school", groupNames: names, scores: trustMoments(),
                                     items: items, responseOptions: 5)
    #expect(result.groupResults.count == 24 && result.rwgNullVariance == 2)
    for (g, entry) in result.groupResults.enumerated() {
      #expect(entry.group == names[g])
      #expect(close(entry.mean, f["group.mean[\(g)]"]))
      #expect(close(entry.sd!, f["group.sd[\(g)]"]))
      #expect(close(entry.ci95![0], f["group.ciLower[\(g)]"]) && close(entry.ci95![1], f["group.ciUpper[\(g)]"]))
      #expect(close(entry.rwgj!, f["rwgj[\(g)]"]))
      // single-item rwg of item1 (group 21 is truncated to 0 by multilevel::rwg)
      #expect(close(Agreement.rwg(items, group: g, item: 0, nullVariance: 2)!, f["rwg.item1[\(g)]"]))
    }
    #expect(f["rwg.item1[21]"] == 0)
    #expect(close(result.icc1, f["icc1"]) && close(result.icc2, f["icc2"]))
  }

  /// Merging per-shard statistics equals one pass (bit-identical on integer items).
  @Test func mergeEqualsOnePass() {
    let columns = itemNames.map(f.column), groups = f.schools
    var whole = ItemGroupMoments(items: 5)
    whole.add(columns: columns, groups: groups)
    var a = ItemGroupMoments(items: 5), b = ItemGroupMoments(items: 5)
    let cut = 217
    a.add(columns: columns.map { Array($0[..<cut]) }, groups: Array(groups[..<cut]))
    b.add(columns: columns.map { Array($0[cut...]) }, groups: Array(groups[cut...]))
    b.merge(a)
    #expect(b == whole)
    var s = GroupMoments(), t = GroupMoments(), all = GroupMoments()
    let x = f.column("item1").map { $0 * 2 }
    all.add(values: x, groups: groups)
    s.add(values: Array(x[cut...]), groups: Array(groups[cut...]))
    t.add(values: Array(x[..<cut]), groups: Array(groups[..<cut]))
    t.merge(s)
    #expect(t == all)
  }

  /// Size-weighted correlation of group means with group leaving rates (R cov.wt).
  @Test func groupRetentionCorrelation() {
    var left = GroupMoments()
    left.add(values: f.column("left"), groups: f.schools)
    let (r, groups) = Aggregation.groupRetentionCorrelation(scores: trustMoments(), retention: left)
    #expect(groups == 24)
    #expect(close(r, f["groupRetention.r"]))
    let result = Aggregation.analyze(scale: "trust", by: "school", groupNames: (0..<24).map { "S\($0)" },
                                     scores: trustMoments(), retention: left)
    #expect(result.retentionCorrelation == r)
    #expect(result.groupResults[3].retentionRate == left.mean(3))
  }

  /// domain.md §1.6: three teams of four, 7-point items 1, 3, 5 reversed.
  @Test func workedExample() {
    let teams = f.workedTeams.map { Int32(["A": 0, "B": 1, "C": 2][$0]!) }
    let keyed = f.workedItems.enumerated().map { j, c in [0, 2, 4].contains(j) ? c.map { 8 - $0 } : c }
    let scores = (0..<teams.count).map { i in keyed.reduce(0) { $0 + $1[i] } / 7 }
    var m = GroupMoments(), items = ItemGroupMoments(items: 7)
    m.add(values: scores, groups: teams)
    items.add(columns: keyed, groups: teams)
    var fav = FavourabilityCounts(bands: .standard(points: 7)!, minimum: 1)
    fav.add(columns: keyed, groups: teams)
    let r = Aggregation.analyze(scale: "psych_safety", by: "team", groupNames: ["A", "B", "C"], scores: m,
                                items: items, responseOptions: 7, favourability: fav,
                                headcounts: [5, 4, nil])
    #expect(close(r.msb, f["worked.msb"]) && close(r.msw, f["worked.msw"]))
    #expect(close(r.f, f["worked.f"], 1e-9 * r.f) && close(r.p, f["worked.p"], 1e-9, relative: true))
    #expect(close(r.icc1, f["worked.icc1"]) && close(r.icc2, f["worked.icc2"]))
    // the brief's rounded values
    #expect(abs(r.icc1 - 0.8046) < 5e-5 && abs(r.icc2 - 0.9427) < 5e-5 && abs(r.f - 17.467) < 5e-4)
    for g in 0..<3 {
      #expect(close(r.groupResults[g].rwgj!, f["worked.rwgj[\(g)]"]))
      #expect(close(r.groupResults[g].mean, f["worked.mean[\(g)]"]))
      // favourability counted directly: keyed 6–7 favourable, 4–5 neutral, 1–3 unfavourable
      let cells = keyed.flatMap { c in (0..<teams.count).filter { teams[$0] == Int32(g) }.map { c[$0] } }
      #expect(r.groupResults[g].favourable == Double(cells.filter { $0 >= 6 }.count) / Double(cells.count))
      #expect(r.groupResults[g].neutral == Double(cells.filter { $0 == 4 || $0 == 5 }.count) / Double(cells.count))
      #expect(r.groupResults[g].unfavourable == Double(cells.filter { $0 <= 3 }.count) / Double(cells.count))
    }
    #expect(r.groupResults[0].responseRate == 0.8 && r.groupResults[1].responseRate == 1)
    #expect(r.groupResults[2].responseRate == nil)
    #expect(abs(r.groupResults[0].rwgj! - 0.9811) < 5e-5)
  }

  @Test func rwgTruncationAndSmallGroups() {
    // variance 8 > σ²_EU = 2 on a 5-point scale → rwg 0 (multilevel truncates)
    #expect(Agreement.rwg(variance: 8, nullVariance: 2) == 0)
    #expect(Agreement.rwgj(itemVariances: [3, 4], nullVariance: 2) == 0)
    #expect(Agreement.rwgj(itemVariances: [1, 1], nullVariance: 2) == 2 * 0.5 / (2 * 0.5 + 0.5))
    var items = ItemGroupMoments(items: 2)
    items.add(row: [1, 2], group: 0)
    var m = GroupMoments()
    m.add(1.5, group: 0)
    let r = Aggregation.analyze(scale: "s", by: "g", groupNames: ["solo"], scores: m, items: items, responseOptions: 5)
    #expect(r.groupResults[0].rwgj == nil && r.groupResults[0].sd == nil && r.groupResults[0].ci95 == nil)
    #expect(Agreement.uniformNullVariance(responseOptions: 7) == 4)
    // one group: F, p and the ICCs are undefined and encode as null
    let object = try! JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as! [String: Any]
    #expect(object["f"] is NSNull && object["icc1"] is NSNull && r.icc1.isNaN)
  }

  @Test func crossedGroupings() {
    #expect(Aggregation.crossIndex([0, 1, 2, -1, 1], [1, 0, 1, 0, -1], bCount: 2) == [1, 2, 5, -1, -1])
  }

  @Test func defaultFavourabilityBands() {
    let four = FavourabilityBands.standard(points: 4)!, six = FavourabilityBands.standard(points: 6)!
    #expect(four.favourable == [3, 4] && four.neutral.isEmpty && four.unfavourable == [1, 2])
    #expect(FavourabilityBands.standard(points: 5)!.neutral == [3])
    #expect(six.favourable == [5, 6] && six.neutral == [3, 4] && six.unfavourable == [1, 2])
    #expect(FavourabilityBands.standard(points: 7)!.unfavourable == [1, 2, 3])
  }

  /// A suppressed entry encodes only its name and the flag, and holds no statistics.
  @Test func suppressedEntryEncodesNameOnly() throws {
    var entry = GroupResult(group: "S02", n: 3, mean: 4.2, ci95: [3, 5], sd: 0.4, rwgj: 0.9,
                            favourable: 0.7, responseRate: 0.5)
    entry.suppress()
    let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(entry)) as! [String: Any]
    #expect(Set(object.keys) == ["group", "suppressed"])
    #expect(object["group"] as? String == "S02" && object["suppressed"] as? Bool == true)
    #expect(entry.n == 0 && entry.sd == nil && entry.favourable == nil)
    let shown = GroupResult(group: "S01", n: 9, mean: 4, ci95: [3, 5], sd: 1, rwgj: nil, favourable: nil, responseRate: nil)
    let keys = Set((try JSONSerialization.jsonObject(with: JSONEncoder().encode(shown)) as! [String: Any]).keys)
    #expect(keys == ["group", "n", "mean", "ci95", "sd", "rwgj", "favourable", "responseRate"])
    #expect(try JSONDecoder().decode(GroupResult.self, from: JSONEncoder().encode(entry)) == entry)
    #expect(try JSONDecoder().decode(GroupResult.self, from: JSONEncoder().encode(shown)) == shown)
  }
}
