@testable import Candor
import CandorData
import Foundation
import Testing

@Suite struct LabelTableTests {
  @Test func findsWhatWasInsertedThroughGrowthAndKeepsTheFirstLabelOfAHash() throws {
    var table = LabelTable()
    // 500 labels (the table grows from 64 slots several times), hash 0 included.
    for g in 0..<500 {
      let h = UInt64(g) &* 0x9E37_79B9_7F4A_7C15
      table.insertIfAbsent(h, group: Int32(g), cells: [Array("S\(g)".utf8)])
    }
    for g in 0..<500 {
      let e = try #require(table.find(UInt64(g) &* 0x9E37_79B9_7F4A_7C15))
      #expect(table.groups[e] == Int32(g))
    }
    #expect(table.find(12345) == nil)
    // A second label with a hash already taken does not replace the first: the pass
    // compares the bytes, sees another label, and interns it by its text instead.
    table.insertIfAbsent(7 &* 0x9E37_79B9_7F4A_7C15, group: 999, cells: [Array("other".utf8)])
    #expect(table.find(7 &* 0x9E37_79B9_7F4A_7C15).map { table.groups[$0] } == 7)
    #expect(table.count == 500)
  }

  /// An entry matches a record only when every trimmed cell has its bytes: a label that
  /// shares the entry's hash but not its text (or a prefix of it) does not.
  @Test func anEntryMatchesOnlyItsOwnCells() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("candor-labels-\(UUID().uuidString).csv")
    try "d,s\nD1,S1\nD1 , S1\nD1,S12\nD1,S\nD12,S1\n".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    var table = LabelTable()
    table.insertIfAbsent(42, group: 0, cells: [Array("D1".utf8), Array("S1".utf8)])
    var matched: [Bool] = []
    try SurveyFile.open(path: file.path).forEachBatch { batch in
      batch.withUnsafeView { view in
        for r in 0..<batch.count { matched.append(table.matches(0, view, record: r, columns: [0, 1])) }
      }
    }
    #expect(matched == [true, true, false, false, false])
  }
}
