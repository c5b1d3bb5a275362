import Testing
import Foundation
import CandorNumerics
@testable import CandorPsychometrics

@Suite("Factor extraction and rotation against psych 2.2.9")
struct ExtractionTests {
  static let r = FactorFixtures.matrix("R12")

  static let cases: [(ExtractionMethod, String, FactorRotation, Double)] = [
    (.minres, "none", .none, 1e-4), (.minres, "varimax", .varimax, 1e-4),
    (.minres, "promax", .promax, 1e-4), (.minres, "oblimin", .oblimin, 1e-4),
    (.ml, "none", .none, 1e-4), (.ml, "varimax", .varimax, 1e-4),
    (.ml, "promax", .promax, 1e-4), (.ml, "oblimin", .oblimin, 1e-4),
    (.pa, "none", .none, 1e-4), (.pa, "varimax", .varimax, 1e-4),
    (.pa, "promax", .promax, 1e-4), (.pa, "oblimin", .oblimin, 1e-4),
  ]

  @Test("fa loadings, Φ, communalities and variance explained", arguments: 0..<12)
  func faMatchesPsych(index: Int) throws {
    let (method, rotName, rotation, tolerance) = Self.cases[index]
    let tag = "fa_\(method.rawValue)_\(rotName)"
    var options = ExtractionOptions()
    if method == .pa { options.paMinimumError = 1e-12; options.paMaxIterations = 5000 }
    let solution = try FactorAnalysis.solve(Self.r, factors: 3, method: method, rotation: rotation, options: options)
    let expected = FactorFixtures.matrix("\(tag)_loadings")
    let (order, signs) = Congruence.align(expected, solution.loadings)
    let aligned = Congruence.aligned(solution.loadings, order: order, signs: signs)
    let dl = aligned.maxAbsDifference(expected)
    print("DEV \(tag) loadings \(dl)")
    #expect(dl < tolerance, "\(tag) loadings differ by \(dl)")
    #expect(order == [0, 1, 2] && signs == [1, 1, 1], "\(tag): factor order/sign differ from psych: \(order) \(signs)")
    if FactorFixtures.exists("\(tag)_phi") {
      let phi = Congruence.alignedPhi(solution.phi, order: order, signs: signs)
      let dp = phi.maxAbsDifference(FactorFixtures.matrix("\(tag)_phi"))
      print("DEV \(tag) phi \(dp)")
      #expect(dp < tolerance)
    }
    let h2 = FactorFixtures.vector("\(tag)_communality")
    let dh = zip(h2, solution.communalities).map { abs($0 - $1) }.max()!
    #expect(dh < tolerance, "\(tag) communalities differ by \(dh)")
    let vx = FactorFixtures.vector("\(tag)_vx")
    let dv = zip(vx, order.map { solution.varianceExplained[$0] }).map { abs($0 - $1) }.max()!
    #expect(dv < 10 * tolerance, "\(tag) variance explained differs by \(dv)")
    #expect(solution.converged)
  }

  @Test("principal axis with psych's defaults agrees to 1e-3")
  func paDefaults() throws {
    let solution = try FactorAnalysis.solve(Self.r, factors: 3, method: .pa, rotation: .none)
    let expected = FactorFixtures.matrix("fa_padefault_none_loadings")
    let (order, signs) = Congruence.align(expected, solution.loadings)
    let d = Congruence.aligned(solution.loadings, order: order, signs: signs).maxAbsDifference(expected)
    print("DEV pa default \(d)")
    #expect(d < 1e-3)
  }

  @Test("principal components (psych::principal) none and varimax", arguments: ["none", "varimax"])
  func principalComponents(rotName: String) throws {
    let solution = try FactorAnalysis.solve(Self.r, factors: 3, method: .pc, rotation: rotName == "none" ? .none : .varimax)
    let expected = FactorFixtures.matrix("pc_\(rotName)_loadings")
    let (order, signs) = Congruence.align(expected, solution.loadings)
    let d = Congruence.aligned(solution.loadings, order: order, signs: signs).maxAbsDifference(expected)
    print("DEV pc \(rotName) \(d)")
    #expect(d < 1e-9)
  }

  @Test("common-factor eigenvalues (fa()$values) for the unrotated solutions", arguments: ["minres", "ml"])
  func values(method: String) throws {
    let solution = try FactorAnalysis.solve(Self.r, factors: 3, method: ExtractionMethod(rawValue: method)!, rotation: .none)
    let expected = FactorFixtures.vector("fa_\(method)_none_values")
    let d = zip(expected, solution.extraction.commonFactorEigenvalues).map { abs($0 - $1) }.max()!
    #expect(d < 1e-4)
  }

  @Test("communalities do not change under rotation", arguments: [FactorRotation.varimax, .promax, .oblimin, .geomin])
  func rotationInvariance(rotation: FactorRotation) throws {
    let unrotated = try FactorAnalysis.solve(Self.r, factors: 3, method: .minres, rotation: .none)
    let rotated = try FactorAnalysis.solve(Self.r, factors: 3, method: .minres, rotation: rotation)
    let d = zip(unrotated.communalities, rotated.communalities).map { abs($0 - $1) }.max()!
    #expect(d < 1e-10)
  }
}

@Suite("GPArotation on psych's unrotated minres loadings")
struct RotationTests {
  static let input = FactorFixtures.matrix("rot_input")

  static func pattern() -> TargetPattern {
    TargetPattern(rows: FactorFixtures.rows("rot_target_pattern").map { $0.map { $0.isNaN ? nil : $0 } })
  }

  func check(_ rotation: FactorRotation, _ name: String, oblique: Bool, tolerance: Double = 1e-6) throws {
    let result = try Rotator.rotate(Self.input, rotation)
    let expected = FactorFixtures.matrix("rot_\(name)_loadings")
    let (order, signs) = Congruence.align(expected, result.loadings)
    let d = Congruence.aligned(result.loadings, order: order, signs: signs).maxAbsDifference(expected)
    print("DEV rot \(name) \(d)")
    #expect(d < tolerance, "\(name) loadings differ by \(d)")
    if oblique {
      let dp = Congruence.alignedPhi(result.phi, order: order, signs: signs)
        .maxAbsDifference(FactorFixtures.matrix("rot_\(name)_phi"))
      #expect(dp < tolerance, "\(name) Φ differs by \(dp)")
    }
    #expect(result.converged)
  }

  @Test func geominQ() throws { try check(.geomin, "geominQ", oblique: true) }
  @Test func oblimin() throws { try check(.oblimin, "oblimin", oblique: true) }
  @Test func varimax() throws { try check(.varimax, "varimax", oblique: false) }
  @Test func targetQWithFreeEntries() throws { try check(.target(Self.pattern(), orthogonal: false), "targetQ", oblique: true) }
  @Test func pstQ() throws { try check(.target(Self.pattern(), orthogonal: false), "pstQ", oblique: true) }
  @Test func pstT() throws { try check(.target(Self.pattern(), orthogonal: true), "pstT", oblique: false) }
}
