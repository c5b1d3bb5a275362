import Testing
@testable import CandorData

@Suite struct ScreenTests {
  @Test func qualtricsStatusCodesMapToNames() {
    #expect(QualtricsStatus.name(forCode: "1") == "Survey Preview")
    #expect(QualtricsStatus.name(forCode: "17") == "Offline Preview")
    #expect(QualtricsStatus.name(forCode: "Spam") == nil)
  }

  @Test func firstScreenCounts() throws {
    var s = RowScreener(screens: Screens())
    var counts = ExclusionCounts()
    #expect(try s.screen(row: 0, status: "1", finished: "0", id: "a", counts: &counts) == .status("Survey Preview"))
    #expect(try s.screen(row: 1, status: "Survey Test", finished: "1", id: "b", counts: &counts) == .status("Survey Test"))
    #expect(try s.screen(row: 2, status: "8", finished: "1", id: "c", counts: &counts) == .status("Spam"))
    #expect(try s.screen(row: 3, status: "9", finished: "1", id: "d", counts: &counts) == nil)
    #expect(try s.screen(row: 4, status: "0", finished: "False", id: "e", counts: &counts) == .unfinished)
    #expect(try s.screen(row: 5, status: "IP Address", finished: "TRUE", id: "f", counts: &counts) == nil)
    #expect(try s.screen(row: 6, status: nil, finished: nil, id: nil, counts: &counts) == nil)
    #expect(counts.counts == ["survey preview": 1, "survey test": 1, "spam": 1, "unfinished": 1])
    #expect(counts.total == 4)
  }

  @Test func configuredStatusesAndUnfinishedOff() throws {
    var screens = Screens()
    screens.qualtricsStatus = ["Preview Spam"]
    screens.unfinished = false
    var s = RowScreener(screens: screens)
    var counts = ExclusionCounts()
    #expect(try s.screen(row: 0, status: "9", finished: "0", id: nil, counts: &counts) == .status("Preview Spam"))
    #expect(try s.screen(row: 1, status: "1", finished: "0", id: nil, counts: &counts) == nil)
    #expect(counts.sorted.map(\.reason) == ["preview spam"])
  }

  @Test func duplicateIdsError() throws {
    var s = RowScreener(screens: Screens())
    var counts = ExclusionCounts()
    _ = try s.screen(row: 0, status: nil, finished: nil, id: "R_1", counts: &counts)
    _ = try s.screen(row: 1, status: nil, finished: nil, id: "R_2", counts: &counts)
    let error = #expect(throws: DuplicateIDError.self) {
      try s.screen(row: 2, status: nil, finished: nil, id: " R_1", counts: &counts)
    }
    #expect(error?.description ==
      "respondent id \"R_1\" appears in rows 0 and 2; set screens.duplicate_ids to keep-first or keep-last, or fix the export")
  }

  @Test func duplicateIdsKeepFirstAndKeepLast() throws {
    let ids = ["a", "b", "a", "c", "b", "a", ""]
    var screens = Screens()
    screens.duplicateIds = .keepFirst
    var first = RowScreener(screens: screens)
    var counts = ExclusionCounts()
    let kept = try ids.enumerated().map { try first.screen(row: $0.offset, status: nil, finished: nil, id: $0.element, counts: &counts) == nil }
    #expect(kept == [true, true, false, true, false, false, true])
    #expect(counts.counts == ["duplicate id": 3])

    screens.duplicateIds = .keepLast
    var last = RowScreener(screens: screens)
    #expect(last.needsFirstPass)
    for (row, id) in ids.enumerated() { last.recordID(id, row: row) }
    var lastCounts = ExclusionCounts()
    let keptLast = try ids.enumerated().map { try last.screen(row: $0.offset, status: nil, finished: nil, id: $0.element, counts: &lastCounts) == nil }
    #expect(keptLast == [false, false, false, true, true, true, true])
    #expect(lastCounts.counts == ["duplicate id": 3])
  }

  @Test func straightlining() throws {
    #expect(RowScreener.isStraightlined([[3, 3, 3], [2, 2]]))
    #expect(!RowScreener.isStraightlined([[3, 3, 3], [2, 1]]))
    #expect(!RowScreener.isStraightlined([[3, 3, 3], [.nan, .nan], [4]]))
    var screens = Screens()
    var warn = RowScreener(screens: screens)
    var counts = ExclusionCounts()
    #expect(try warn.screen(row: 0, status: nil, finished: nil, id: nil, scaleAnswers: [[5, 5], [1, 1, 1]], counts: &counts) == nil)
    #expect(counts.straightlinedKept == 1 && counts.total == 0)
    screens.straightlining = .exclude
    var exclude = RowScreener(screens: screens)
    #expect(try exclude.screen(row: 0, status: nil, finished: nil, id: nil, scaleAnswers: [[5, 5], [1, 1, 1]], counts: &counts) == .straightlining)
    #expect(counts.counts == ["straight-lining": 1])
    screens.straightlining = .off
    var off = RowScreener(screens: screens)
    var offCounts = ExclusionCounts()
    #expect(try off.screen(row: 0, status: nil, finished: nil, id: nil, scaleAnswers: [[5, 5], [1, 1, 1]], counts: &offCounts) == nil)
    #expect(offCounts == ExclusionCounts())
  }

  @Test func countsMerge() {
    var a = ExclusionCounts(), b = ExclusionCounts()
    a.add("unfinished", count: 3)
    a.add("spam")
    b.add("unfinished")
    b.add("survey preview", count: 7)
    b.addStraightlinedKept(2)
    a.merge(b)
    #expect(a.counts == ["unfinished": 4, "spam": 1, "survey preview": 7])
    #expect(a.sorted.map(\.reason) == ["survey preview", "unfinished", "spam"])
    #expect(a.straightlinedKept == 2)
    #expect(a.total == 12)
  }
}
