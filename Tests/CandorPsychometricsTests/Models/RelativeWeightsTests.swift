import CandorNumerics
@testable import CandorPsychometrics
import Foundation
import Testing

/// SplitMix64, a seeded generator for tests.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Suite struct RelativeWeightsTests {
  let f = RelationsFixtures.shared

  /// No rows, or a constant variable, leave a correlation undefined: a clear error naming
  /// the outcome and N, not an eigensolver's complaint about NaN.
  @Test func undefinedCorrelationsAreReportedAsSuch() throws {
    var g = SplitMix(state: 1)
    #expect(throws: RelativeWeightsError.undefinedCorrelation(outcome: "stay", n: 0)) {
      try RelativeWeights.analyze(outcome: [], outcomeName: "stay", predictors: [[], []], names: ["a", "b"],
                                  replicates: 10, generator: &g)
    }
    #expect(throws: RelativeWeightsError.undefinedCorrelation(outcome: "stay", n: 4)) {
      try RelativeWeights.analyze(outcome: [1, 2, 3, 4], outcomeName: "stay", predictors: [[1, 2, 4, 3], [5, 5, 5, 5]],
                                  names: ["a", "b"], replicates: 0, generator: &g)
    }
    let nan = Matrix(rows: 3, columns: 3, repeating: .nan)
    #expect(throws: RelativeWeightsError.undefinedCorrelation(outcome: "stay", n: 0)) {
      try RelativeWeights.analyze(correlation: nan, names: ["a", "b"], outcomeName: "stay", n: 0)
    }
    #expect(RelativeWeightsError.undefinedCorrelation(outcome: "stay", n: 0).description.contains("'stay'"))
  }

  /// Johnson (2000) weights from R (eigen of Rxx) and R² from lm.
  @Test func matchesHandComputationInR() throws {
    var g = SplitMix(state: 7)
    let d = try RelativeWeights.analyze(outcome: f.column("intent"), outcomeName: "intent",
                                        predictors: [f.column("trust"), f.column("safety"), f.column("tenure")],
                                        names: ["trust", "safety", "tenure"], replicates: 200, generator: &g, seed: 7)
    for j in 0..<3 { #expect(close(d.weights.values[j], f["rw.weights[\(j)]"])) }
    #expect(close(d.r2, f["rw.r2"]) && close(d.r2, f["rw.r2check"]))
    #expect(close(d.rescaled.values.reduce(0, +), 1, 1e-12))
    #expect(d.bootstrapReplicates == 200 && d.n == 600)
    for j in 0..<3 {
      let ci = d.ci95.values[j]
      #expect(ci[0] <= d.weights.values[j] && d.weights.values[j] <= ci[1])
    }
    // same seed, same intervals
    var g2 = SplitMix(state: 7)
    let again = try RelativeWeights.analyze(outcome: f.column("intent"), outcomeName: "intent",
                                            predictors: [f.column("trust"), f.column("safety"), f.column("tenure")],
                                            names: ["trust", "safety", "tenure"], replicates: 200, generator: &g2, seed: 7)
    #expect(again == d)
    // from a correlation matrix: the same point estimates
    let m = try RelativeWeights.analyze(correlation: RelativeWeights.correlation(
      ["trust", "safety", "tenure", "intent"].map(f.column), counts: nil), names: ["trust", "safety", "tenure"],
      outcomeName: "intent", n: 600)
    #expect(m.weights == d.weights && m.r2 == d.r2 && m.ci95.keys.isEmpty)
  }

  /// The seeded convenience: reproducible, and intervals narrow as n grows.
  @Test func seededBootstrapIsReproducible() throws {
    let cols = [f.column("trust"), f.column("safety")]
    let a = try RelativeWeights.analyze(outcome: f.column("intent"), outcomeName: "intent", predictors: cols,
                                        names: ["trust", "safety"], replicates: 100, seed: 2026)
    let b = try RelativeWeights.analyze(outcome: f.column("intent"), outcomeName: "intent", predictors: cols,
                                        names: ["trust", "safety"], replicates: 100, seed: 2026)
    let c = try RelativeWeights.analyze(outcome: f.column("intent"), outcomeName: "intent", predictors: cols,
                                        names: ["trust", "safety"], replicates: 100, seed: 2027)
    #expect(a == b && a.seed == 2026 && a.ci95 != c.ci95)
  }

  /// Undefined values in named maps encode as null and decode back to NaN.
  @Test func namedValuesRoundTripWithNull() throws {
    let v = ItemMap(keys: ["b", "a"], values: [0.5, .nan])
    let json = String(decoding: try JSONEncoder().encode(v), as: UTF8.self)
    #expect(json.contains("null"))
    let back = try JSONDecoder().decode(ItemMap<Double>.self, from: Data(json.utf8))
    #expect(back["b"] == 0.5 && back["a"]!.isNaN)
    let ci = ItemMap(keys: ["a"], values: [[0.1, Double.nan]])
    let ciBack = try JSONDecoder().decode(ItemMap<[Double]>.self, from: JSONEncoder().encode(ci))
    #expect(ciBack["a"]![0] == 0.1 && ciBack["a"]![1].isNaN)
  }

  /// Uncorrelated predictors: each weight is its squared correlation with y.
  @Test func orthogonalPredictorsGiveSquaredCorrelations() throws {
    let r = Matrix([[1, 0, 0.3], [0, 1, 0.4], [0.3, 0.4, 1]])
    let (w, r2) = try RelativeWeights.weights(correlation: r)
    #expect(close(w[0], 0.09, 1e-14) && close(w[1], 0.16, 1e-14) && close(r2, 0.25, 1e-14))
  }
}
