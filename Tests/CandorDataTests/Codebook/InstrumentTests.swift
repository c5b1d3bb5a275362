import Testing
@testable import CandorData

@Suite struct InstrumentTests {
  @Test func catalogIdsAndLookup() {
    #expect(InstrumentCatalog.ids == ["edmondson-tps7", "pvq-21", "pvq-40", "pvq-rr", "ccsr-teacher-principal-trust"])
    #expect(InstrumentCatalog["pvq-40"]?.itemCount == 40)
    #expect(InstrumentCatalog["pvq-41"] == nil)
  }

  @Test func edmondson() throws {
    let i = try #require(InstrumentCatalog["edmondson-tps7"])
    #expect(i.itemCount == 7)
    #expect(i.reverseItems == [1, 3, 5])
    #expect(i.responseRange == 1...7)
    #expect(i.direction == .ascending)
    #expect(i.values.isEmpty && !i.usesMRAT)
  }

  /// Every item of a value instrument belongs to exactly one value.
  func expectPartition(_ i: Instrument, _ values: [InstrumentSubscale], count: Int) {
    let all = values.flatMap(\.items)
    #expect(all.count == count)
    #expect(Set(all) == Set(1...count))
  }

  @Test func pvq21IsDescendingESS() throws {
    let i = try #require(InstrumentCatalog["pvq-21"])
    #expect(i.itemCount == 21)
    #expect(i.direction == .descending)
    #expect(i.responseRange == 1...6)
    #expect(i.missingCodes == ["7", "8", "9"])
    #expect(i.values.map(\.id) == InstrumentCatalog.tenValues)
    expectPartition(i, i.values, count: 21)
    #expect(i.value(ofItem: 4) == "achievement")
    #expect(i.value(ofItem: 17) == "power")
    #expect(i.value(ofItem: 18) == "benevolence")
    #expect(i.values.first { $0.id == "universalism" }?.items == [3, 8, 19])
  }

  @Test func pvq40() throws {
    let i = try #require(InstrumentCatalog["pvq-40"])
    expectPartition(i, i.values, count: 40)
    #expect(i.values.map(\.items.count) == [4, 3, 3, 4, 3, 5, 4, 4, 4, 6])
    #expect(i.values.first { $0.id == "security" }?.items == [5, 14, 21, 31, 35])
    #expect(i.higherOrder.map(\.id) == ["openness_to_change", "self_enhancement", "conservation", "self_transcendence"])
    #expect(i.higherOrder[0].values == ["self_direction", "stimulation", "hedonism"])
    #expect(i.usesMRAT)
    #expect(i.licence?.contains("non-commercial") == true)
  }

  @Test func pvqRR() throws {
    let i = try #require(InstrumentCatalog["pvq-rr"])
    #expect(i.itemCount == 57)
    #expect(i.values.count == 19)
    #expect(i.values.allSatisfy { $0.items.count == 3 })
    expectPartition(i, i.values, count: 57)
    let ids = Set(i.values.map(\.id))
    for h in i.higherOrder { #expect(Set(h.values).isSubset(of: ids)) }
    let grouped = Set(i.higherOrder.flatMap(\.values))
    #expect(ids.subtracting(grouped) == ["humility", "face"])
    #expect(i.boundaryValues == ["humility", "face"])
    // Ten-value scoring: 54 items, face (9, 24, 49) unused, humility → tradition.
    let ten = i.tenValueScoring.flatMap(\.items)
    #expect(ten.count == 54)
    #expect(Set(1...57).subtracting(ten) == [9, 24, 49])
    #expect(i.tenValueScoring.first { $0.id == "tradition" }?.items == [18, 33, 40, 7, 38, 54])
    #expect(i.direction == .ascending)
    #expect(i.licence != nil)
  }

  @Test func ccsrTrust() throws {
    let i = try #require(InstrumentCatalog["ccsr-teacher-principal-trust"])
    #expect(i.itemCount == 8)
    #expect(i.responseRange == 1...4)
    #expect(i.reverseItems.isEmpty)
    #expect(i.itemFormats[1] == "extent4")
    #expect((2...8).allSatisfy { i.itemFormats[$0] == "agree4" })
    #expect(i.licence?.contains("non-commercial research only") == true)
  }

  @Test func reportShowsStructure() throws {
    let text = InstrumentReport.describe(try #require(InstrumentCatalog["pvq-40"]))
    #expect(text.contains("    power: 2, 17, 39\n"))
    #expect(text.contains("    self_transcendence: benevolence, universalism\n"))
    #expect(text.contains("response range: 1–6, ascending"))
    #expect(text.contains("licence: Free for non-commercial academic research"))
    let list = InstrumentReport.list()
    #expect(list.contains("  edmondson-tps7                7 items, 1–7 ascending\n"))
    #expect(list.contains("  pvq-rr                        57 items, 1–6 ascending, 19 values  [non-commercial licence]"))
  }
}
