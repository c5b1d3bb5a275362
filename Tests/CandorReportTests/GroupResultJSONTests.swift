@testable import CandorReport
import CandorPsychometrics
import Testing

/// The group entries' JSON built directly (``GroupResult/jsonFields``) is what `Codable`
/// through ``OrderedJSONEncoder`` makes of the same result, field for field: every
/// optional present or nil, non-finite means, suppressed entries.
@Suite struct GroupResultJSONTests {
  @Test func directFieldsEqualTheEncodersForEveryShapeOfResult() throws {
    var checked = 0
    let maybe: [Double?] = [nil, 0.25, -1.5, .nan]
    for (i, mean) in [3.2, .nan, .infinity, 0].enumerated() {
      for optional in maybe {
        for headcount in [nil, 17] as [Int?] {
          for ci in [nil, [2.9, 3.5], [Double.nan, 1]] as [[Double]?] {
            var g = GroupResult(group: "S\(i)", n: 12 + i, mean: mean, ci95: ci, sd: optional, rwgj: optional.map { $0 / 2 },
                                favourable: optional, responseRate: headcount.map { _ in 0.8 },
                                neutral: optional, unfavourable: optional.map { 1 - $0 }, headcount: headcount)
            g.retentionRate = optional
            #expect(g.jsonFields == (try OrderedJSONEncoder().encode(g)), "\(g)")
            var hidden = g
            hidden.suppress()
            #expect(hidden.jsonFields == (try OrderedJSONEncoder().encode(hidden)))
            checked += 1
          }
        }
      }
    }
    #expect(checked == 4 * 4 * 2 * 3)
  }
}
