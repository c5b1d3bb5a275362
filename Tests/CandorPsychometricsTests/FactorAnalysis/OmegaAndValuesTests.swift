import Testing
import Foundation
import CandorNumerics
@testable import CandorPsychometrics

@Suite("Omega against psych::omega(flip = FALSE)")
struct OmegaTests {
  @Test func nineItemSchmidLeiman() throws {
    let r = FactorFixtures.matrix("R9")
    let omega = try Omega.compute(correlation: r)
    let dh = abs(omega.hierarchical! - FactorFixtures.scalar("omega_h"))
    let dt = abs(omega.total! - FactorFixtures.scalar("omega_tot"))
    let d1 = abs(omega.oneFactorTotal - FactorFixtures.scalar("omega_onefactor"))
    print("DEV omega h \(dh) tot \(dt) one \(d1)")
    #expect(dh < 1e-4)
    #expect(dt < 1e-4)
    #expect(d1 < 1e-4)
    let groups = FactorFixtures.vector("omega_group")
    let dg = zip(groups.sorted(), omega.groupFactors!.sorted()).map { abs($0 - $1) }.max()!
    print("DEV omega groups \(dg)")
    #expect(dg < 1e-4)
  }

  @Test func fewerThanNineItemsGivesOnlyOneFactorOmega() throws {
    let r = FactorFixtures.matrix("R9").principalSubmatrix(Array(0..<6))
    let omega = try Omega.compute(correlation: r)
    #expect(omega.total == nil && omega.hierarchical == nil && omega.groupFactors == nil)
    #expect(omega.note != nil)
    #expect(omega.oneFactorTotal > 0.5 && omega.oneFactorTotal < 1)
    let json = String(decoding: try JSONEncoder().encode(omega), as: UTF8.self)
    #expect(json.contains("\"total\":null"))
  }
}

@Suite("Classical MDS of value correlations against cmdscale")
struct ValuesStructureTests {
  static let names = SchwartzValue.allCases.map(\.rawValue)

  @Test func coordinatesAndStress() throws {
    let r = FactorFixtures.matrix("R10")
    let result = try ValuesStructure.analyze(correlation: r, labels: Self.names)
    let expected = FactorFixtures.matrix("mds_points")
    var worst = 0.0
    for k in 0..<2 {
      // cmdscale's axes are defined up to sign.
      let sign: Double = (result.coordinates.values[0][k] * expected[0, k]) < 0 ? -1 : 1
      for i in 0..<10 { worst = max(worst, abs(sign * result.coordinates.values[i][k] - expected[i, k])) }
    }
    print("DEV mds \(worst)")
    #expect(worst < 1e-9)
    #expect(abs(result.stress - FactorFixtures.scalar("mds_stress1")) < 1e-9)
    #expect(result.orderMatchesTheory == true)
  }

  @Test func itemLevelMDSUsesCircularMeanPerValue() throws {
    // Two items per value: R_items = 0.8·A·R10·Aᵀ + 0.2·I (positive definite, unit diagonal).
    let r10 = FactorFixtures.matrix("R10")
    let labels = Self.names.flatMap { ["\($0)_a", "\($0)_b"] }
    var r = Matrix(rows: 20, columns: 20)
    for j in 0..<20 { for i in 0..<20 { r[i, j] = 0.8 * r10[i / 2, j / 2] + (i == j ? 0.2 : 0) } }
    var map: [String: SchwartzValue] = [:]
    for (i, label) in labels.enumerated() { map[label] = SchwartzValue.allCases[i / 2] }
    let result = try ValuesStructure.analyze(correlation: r, labels: labels, valueOfLabel: map)
    #expect(result.orderMatchesTheory == true)
    #expect(result.coordinates.keys == labels)
    #expect(result.stress > 0 && result.stress < 0.5)
    // Without the item → value map no label is a value name: no verdict.
    #expect(try ValuesStructure.analyze(correlation: r, labels: labels).orderMatchesTheory == nil)
  }

  @Test func orderCriterion() {
    let theory = SchwartzValue.allCases
    func angles(_ order: [SchwartzValue]) -> [SchwartzValue: Double] {
      Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, Double($0) * 0.6 - 2.5) })
    }
    #expect(ValuesStructure.orderMatchesTheory(angles: angles(theory)) == true)
    #expect(ValuesStructure.orderMatchesTheory(angles: angles(theory.reversed())) == true)
    let rotated = Array(theory[3...] + theory[..<3])
    #expect(ValuesStructure.orderMatchesTheory(angles: angles(rotated)) == true)
    var swapped = theory; swapped.swapAt(6, 7)
    #expect(ValuesStructure.orderMatchesTheory(angles: angles(swapped)) == true)
    var wrong = theory; wrong.swapAt(0, 4)
    #expect(ValuesStructure.orderMatchesTheory(angles: angles(wrong)) == false)
    var partial = angles(theory); partial[.power] = nil
    #expect(ValuesStructure.orderMatchesTheory(angles: partial) == nil)
  }
}
