@testable import CandorPsychometrics
import Testing

@Suite struct ValuesAlignmentTests {
  /// Leave-one-out profiles from group sums equal the direct computation.
  @Test func equalsDirectLeaveOneOut() throws {
    var g = SplitMix(state: 99)
    let n = 60, v = 10
    let groups: [Int32] = (0..<n).map { Int32($0 % 7 == 6 ? -1 : $0 % 5) }
    var profiles = (0..<v).map { _ in (0..<n).map { _ in Double(Int.random(in: 0..<12, using: &g)) / 4 - 1.4 } }
    profiles[3][4] = .nan
    let a = ValuesAlignment.compute(profiles: profiles, groups: groups)
    let complete = (0..<n).filter { i in groups[i] >= 0 && profiles.allSatisfy { !$0[i].isNaN } }
    for i in 0..<n {
      guard complete.contains(i) else { #expect(a.r[i].isNaN && a.distance[i].isNaN); continue }
      let others = complete.filter { $0 != i && groups[$0] == groups[i] }
      let own = profiles.map { $0[i] }
      let loo = profiles.map { c in others.map { c[$0] }.reduce(0, +) / Double(others.count) }
      let distance = zip(own, loo).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
      #expect(abs(a.distance[i] - distance) < 1e-12)
      #expect(abs(a.r[i] - (try Correlation.pearson(own, loo).r)) < 1e-12)
    }
    for gi in 0..<5 {
      let members = complete.filter { groups[$0] == Int32(gi) }
      #expect(a.groups[gi].n == members.count)
      #expect(abs(a.groups[gi].meanR - members.map { a.r[$0] }.reduce(0, +) / Double(members.count)) < 1e-12)
    }
  }

  @Test func singletonGroupHasNoAlignment() {
    let a = ValuesAlignment.compute(profiles: [[1, 2], [0, 1], [3, 1]], groups: [0, 1])
    #expect(a.r.allSatisfy(\.isNaN) && a.groups[0].n == 1 && a.groups[0].meanR.isNaN)
  }
}
