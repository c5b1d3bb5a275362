import Testing
import Foundation
import CandorNumerics
@testable import CandorPsychometrics

@Suite("Factor score weights against psych factor.scores")
struct FactorScoreTests {
  @Test("regression, Bartlett and ten Berge weights", arguments: [
    (FactorScoreMethod.regression, "regression"), (.bartlett, "Bartlett"), (.tenBerge, "tenBerge")])
  func weights(method: FactorScoreMethod, name: String) throws {
    let r = FactorFixtures.matrix("R12")
    let solution = try FactorAnalysis.solve(r, factors: 3, method: .minres, rotation: .oblimin)
    let expectedLoadings = FactorFixtures.matrix("scores_loadings")
    let (order, signs) = Congruence.align(expectedLoadings, solution.loadings)
    let w = try FactorScorer.weights(correlation: r, loadings: solution.loadings, phi: solution.phi, method: method)
    let aligned = Congruence.aligned(w, order: order, signs: signs)
    let d = aligned.maxAbsDifference(FactorFixtures.matrix("scores_\(name)_weights"))
    print("DEV scores \(name) \(d)")
    #expect(d < 1e-4)
  }

  @Test func missingItemsGiveNoScoreUnlessImputed() throws {
    let r = FactorFixtures.matrix("R12")
    let solution = try FactorAnalysis.solve(r, factors: 3, method: .minres, rotation: .oblimin)
    let means = [Double](repeating: 3, count: 12), sds = [Double](repeating: 1, count: 12)
    var scorer = try FactorScorer(correlation: r, loadings: solution.loadings, phi: solution.phi, method: .regression,
                                  means: means, standardDeviations: sds)
    var row = [Double](repeating: 4, count: 12)
    let full = scorer.scores(row)!
    // z = 1 for every item: the score is the column sum of W.
    for j in 0..<3 { #expect(abs(full[j] - (0..<12).reduce(0.0) { $0 + scorer.weights[$1, j] }) < 1e-12) }
    row[5] = .nan
    #expect(scorer.scores(row) == nil)
    scorer.imputeMean = true
    let imputed = scorer.scores(row)!
    for j in 0..<3 { #expect(abs(imputed[j] - (full[j] - scorer.weights[5, j])) < 1e-12) }
  }
}
