@testable import Candor
import Testing

@Suite struct LabelTableTests {
  @Test func findsWhatWasInsertedThroughGrowthAndKeepsTheFirstLabelOfAHash() {
    var table = LabelTable()
    // 500 labels (the table grows from 64 slots several times), hash 0 included.
    for g in 0..<500 {
      let h = UInt64(g) &* 0x9E37_79B9_7F4A_7C15
      table.insertIfAbsent(h, group: Int32(g), cells: [Array("S\(g)".utf8)])
    }
    for g in 0..<500 {
      let hit = table.find(UInt64(g) &* 0x9E37_79B9_7F4A_7C15)
      #expect(hit?.group == Int32(g) && hit?.cells == [Array("S\(g)".utf8)])
    }
    #expect(table.find(12345) == nil)
    // A second label with a hash already taken does not replace the first: the pass
    // compares the bytes, sees another label, and interns it by its text instead.
    table.insertIfAbsent(7 &* 0x9E37_79B9_7F4A_7C15, group: 999, cells: [Array("other".utf8)])
    #expect(table.find(7 &* 0x9E37_79B9_7F4A_7C15)?.group == 7)
    #expect(table.entries.count == 500)
  }
}
