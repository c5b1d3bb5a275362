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

@Suite("Recovery of population loadings")
struct RecoveryTests {
  /// Simulates n rows from Λ (p × 3, simple structure) with uncorrelated factors
  /// and checks that minres + oblimin recovers Λ within sampling error
  /// (SE of a loading ≈ (1 − λ²)/√n ≈ 0.01 at n = 5000; tolerance 0.05).
  @Test func minresObliminRecoversSimpleStructure() throws {
    let p = 9, k = 3, n = 5000
    var lambda = Matrix(rows: p, columns: k)
    let sizes = [0.8, 0.7, 0.6]
    for i in 0..<p { lambda[i, i / 3] = sizes[i % 3] }
    var generator = SeededGenerator(seed: 42)
    var data = Matrix(rows: n, columns: p)
    for row in 0..<n {
      let f = (0..<k).map { _ in generator.nextStandardNormal() }
      for i in 0..<p {
        let h2 = sizes[i % 3] * sizes[i % 3]
        data[row, i] = sizes[i % 3] * f[i / 3] + (1 - h2).squareRoot() * generator.nextStandardNormal()
      }
    }
    var means = [Double](repeating: 0, count: p)
    for i in 0..<p { for row in 0..<n { means[i] += data[row, i] } ; means[i] /= Double(n) }
    for i in 0..<p { for row in 0..<n { data[row, i] -= means[i] } }
    var r = LinearAlgebra.crossProduct(data)
    let d = (0..<p).map { 1 / r[$0, $0].squareRoot() }
    for j in 0..<p { for i in 0..<p { r[i, j] *= d[i] * d[j] } }
    let solution = try FactorAnalysis.solve(r, factors: k, method: .minres, rotation: .oblimin)
    let (order, signs) = Congruence.align(lambda, solution.loadings)
    let aligned = Congruence.aligned(solution.loadings, order: order, signs: signs)
    let worst = aligned.maxAbsDifference(lambda)
    #expect(worst < 0.05, "largest loading error \(worst)")
    let phi = Congruence.alignedPhi(solution.phi, order: order, signs: signs)
    #expect(phi.maxAbsDifference(.identity(k)) < 0.06)
  }
}

@Suite("Lanczos top eigenpair for one-factor minres")
struct TopEigenpairTests {
  @Test func agreesWithFullDecomposition() throws {
    var generator = SeededGenerator(seed: 9)
    for p in [70, 150] {
      let sim = ParallelAnalysis.simulatedCorrelation(rows: 500, columns: p, generator: &generator)
      let psi = (0..<p).map { 0.8 + 0.1 * sin(Double($0)) }
      let fast = FactorExtractor.oneFactorMinresObjective(sim, psi: psi, start: nil)!
      let full = try FactorExtractor.minresObjective(sim, psi: psi, factors: 1)
      #expect(abs(fast.value - full.value) < 1e-10 * max(1, full.value))
      #expect(zip(fast.gradient, full.gradient).map { abs($0 - $1) }.max()! < 1e-10)
      // One-factor minres through the fast path equals the full-eigen solution.
      let extraction = try FactorExtractor.extract(sim, factors: 1, method: .minres)
      let reference = try BoundedMinimizer(lower: [Double](repeating: 0.005, count: p), upper: [Double](repeating: 1, count: p))
        .minimize(start: try FactorExtractor.squaredMultipleCorrelations(sim).map { 1 - $0 }) {
          try FactorExtractor.minresObjective(sim, psi: $0, factors: 1)
        }
      let d = zip(extraction.uniquenessParameters, reference.x).map { abs($0 - $1) }.max()!
      #expect(d < 1e-7, "one-factor minres differs by \(d) between Lanczos and dsyevr paths")
    }
  }
}

@Suite("Simulated correlation matrices for parallel analysis")
struct WishartSimulationTests {
  /// Bartlett's decomposition must give the distribution of correlations of real data:
  /// for independent normals, r has mean 0 and variance 1/(n − 1) (exactly, for n rows).
  @Test func offDiagonalCorrelationsHaveTheNullMoments() {
    var g = SeededGenerator(seed: 41)
    let n = 50, p = 6, draws = 4000
    var sum = 0.0, sumSq = 0.0, count = 0.0
    for _ in 0..<draws {
      let r = ParallelAnalysis.simulatedCorrelation(rows: n, columns: p, generator: &g)
      for j in 0..<p { for i in (j + 1)..<p { sum += r[i, j]; sumSq += r[i, j] * r[i, j]; count += 1 } }
    }
    let mean = sum / count, variance = sumSq / count - mean * mean
    #expect(abs(mean) < 0.003)
    #expect(abs(variance * Double(n - 1) - 1) < 0.03, "variance × (n − 1) = \(variance * Double(n - 1))")
  }

  @Test func chiSquaredVariatesHaveTheirMeanAndVariance() {
    var g = SeededGenerator(seed: 5)
    for k in [0.5, 3.0, 40.0, 1_000_000.0] {
      let xs = (0..<20_000).map { _ in ParallelAnalysis.chiSquaredVariate(k, &g) }
      let mean = xs.reduce(0, +) / Double(xs.count)
      let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1)
      #expect(abs(mean / k - 1) < 0.03, "k \(k): mean \(mean)")
      #expect(abs(variance / (2 * k) - 1) < 0.06, "k \(k): variance \(variance)")
    }
  }
}
