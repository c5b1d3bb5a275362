@testable import CandorPsychometrics
import CandorNumerics
import Foundation
import Testing

@Suite struct LogisticRegressionTests {
  let f = RelationsFixtures.shared

  func fit(cluster: Bool, blockSize: Int = 8192) throws -> RetentionResult {
    try LogisticRegression.fit(outcome: f.column("left"), outcomeName: "left",
                               predictors: [f.column("trust"), f.column("safety"), f.column("tenure")],
                               names: ["trust", "safety", "tenure"],
                               cluster: cluster ? f.schools : nil, clusterName: cluster ? "school" : nil,
                               options: .init(blockSize: blockSize))
  }

  /// glm(left ~ trust + safety + tenure, binomial), converged to epsilon 1e-14.
  @Test func matchesGlm() throws {
    let m = try fit(cluster: false)
    #expect(m.converged)
    #expect(m.n == 600 && m.events == Int(f.column("left").reduce(0, +)))
    let terms = [m.intercept] + m.terms
    #expect(terms.map(\.name) == ["(Intercept)", "trust", "safety", "tenure"])
    for (j, t) in terms.enumerated() {
      #expect(close(t.estimate, f["glm.coef[\(j)]"]))
      #expect(close(t.se, f["glm.se[\(j)]"]))
      // glm's own SEs (default epsilon 1e-8, weights one iterate stale) agree to ~1e-6 only.
      #expect(abs(t.se - f["glm.defaultSE[\(j)]"]) < 1e-5 * t.se)
      #expect(close(t.z, f["glm.z[\(j)]"], 1e-9 * max(1, abs(t.z))))
      #expect(close(t.p, f["glm.p[\(j)]"], 1e-9, relative: true))
      #expect(close(t.oddsRatio, exp(f["glm.coef[\(j)]"])))
      #expect(close(t.ci95[0], f["glm.ciLower[\(j)]"]) && close(t.ci95[1], f["glm.ciUpper[\(j)]"]))
    }
    #expect(close(m.deviance, f["glm.deviance"], 1e-9 * f["glm.deviance"]))
    // odds ratio per SD = the coefficient of the standardised predictor in glm
    for (j, t) in m.terms.enumerated() {
      #expect(close(log(t.oddsRatioPerSD), f["glm.coefPerSD[\(j + 1)]"]))
      #expect(close(log(t.ci95PerSD[0]), log(f["glm.ciLowerPerSD[\(j + 1)]"])))
    }
    #expect(m.intercept.sd.isNaN)
    #expect(close(m.nullDeviance, f["glm.nullDeviance"], 1e-9 * f["glm.nullDeviance"]))
    #expect(m.warnings.isEmpty)
  }

  /// Blocks of 7 rows give the same fit as one block (streaming does not change results).
  @Test func blockSizeDoesNotMatter() throws {
    let a = try fit(cluster: false), b = try fit(cluster: false, blockSize: 7)
    for (x, y) in zip([a.intercept] + a.terms, [b.intercept] + b.terms) {
      #expect(abs(x.estimate - y.estimate) < 1e-12 && abs(x.se - y.se) < 1e-12)
    }
  }

  /// The fixture cut into 100-row chunks: the same fit, to the bit, on 1, 2 or 5 threads.
  @Test func threadCountDoesNotMatter() throws {
    func fit(threads: Int) throws -> RetentionResult {
      try LogisticRegression.fit(outcome: f.column("left"), outcomeName: "left",
                                 predictors: [f.column("trust"), f.column("safety"), f.column("tenure")],
                                 names: ["trust", "safety", "tenure"], cluster: f.schools, clusterName: "school",
                                 options: .init(blockSize: 16, chunkRows: 100, threads: threads))
    }
    let one = try fit(threads: 1)
    #expect(try fit(threads: 2) == one)
    #expect(try fit(threads: 5) == one)
    let whole = try self.fit(cluster: true)
    for (x, y) in zip([one.intercept] + one.terms, [whole.intercept] + whole.terms) {
      #expect(abs(x.estimate - y.estimate) < 1e-12 && abs(x.se - y.se) < 1e-12)
    }
  }

  /// From 8 chunks on the fit starts from the first two chunks' estimate: the same maximum
  /// as glm's start, to glm's precision, in fewer iterations on the full data.
  @Test func aWarmStartReachesTheSameMaximum() throws {
    let cold = try fit(cluster: true)
    let warm = try LogisticRegression.fit(outcome: f.column("left"), outcomeName: "left",
                                          predictors: [f.column("trust"), f.column("safety"), f.column("tenure")],
                                          names: ["trust", "safety", "tenure"], cluster: f.schools, clusterName: "school",
                                          options: .init(chunkRows: 50))  // 600 rows: 12 chunks
    #expect(warm.converged && warm.iterations <= cold.iterations)
    for (j, (x, y)) in zip([warm.intercept] + warm.terms, [cold.intercept] + cold.terms).enumerated() {
      #expect(abs(x.estimate - y.estimate) < 1e-12 && abs(x.se - y.se) < 1e-12)
      #expect(close(x.estimate, f["glm.coef[\(j)]"]))
    }
    #expect(abs(warm.deviance - cold.deviance) < 1e-9)
  }

  /// The pass that converges (at the previous coefficients, less than the tolerance away)
  /// serves as the final pass: information, cluster scores and deviance agree with a
  /// separate pass at the estimate to 1e-12, on one chunk and on many (warm start).
  @Test func theConvergingPassServesAsTheFinalPass() throws {
    for chunkRows in [1 << 16, 50] {
      func fit(reusing: Bool) throws -> RetentionResult {
        var options = LogisticRegression.Options(chunkRows: chunkRows)
        options.reusesConvergingPass = reusing
        return try LogisticRegression.fit(outcome: f.column("left"), outcomeName: "left",
                                          predictors: [f.column("trust"), f.column("safety"), f.column("tenure")],
                                          names: ["trust", "safety", "tenure"], cluster: f.schools, clusterName: "school",
                                          options: options)
      }
      let reused = try fit(reusing: true), separate = try fit(reusing: false)
      #expect(reused.converged && reused.iterations == separate.iterations)
      for (x, y) in zip([reused.intercept] + reused.terms, [separate.intercept] + separate.terms) {
        #expect(x.estimate == y.estimate)
        #expect(x.sd == y.sd || (x.sd.isNaN && y.sd.isNaN))
        #expect(abs(x.se - y.se) < 1e-12 * y.se)
      }
      #expect(abs(reused.deviance - separate.deviance) < 1e-12 * separate.deviance)
      // The reuse did happen: a pass at other coefficients leaves the SEs' last bits apart.
      #expect(zip([reused.intercept] + reused.terms, [separate.intercept] + separate.terms).contains { $0.se != $1.se })
    }
  }

  /// sandwich::vcovCL(fit, cluster = ~school, type = "HC1").
  @Test func clusterRobustMatchesVcovCL() throws {
    let m = try fit(cluster: true)
    #expect(m.cluster == "school" && m.clusters == 24 && m.standardErrors == "CR1")
    for (j, t) in ([m.intercept] + m.terms).enumerated() {
      #expect(close(t.estimate, f["glm.coef[\(j)]"]))
      #expect(close(t.se, f["glm.clusterSE[\(j)]"]))
      #expect(close(t.p, f["glm.clusterP[\(j)]"], 1e-9, relative: true))
    }
  }

  @Test func listwiseOnMissingPredictors() throws {
    let m = try LogisticRegression.fit(outcome: f.column("left"), outcomeName: "left",
                                       predictors: [f.column("trust_na"), f.column("safety_na")],
                                       names: ["trust_na", "safety_na"])
    #expect(m.n == Int(f["glm2.n"]))
    for (j, t) in ([m.intercept] + m.terms).enumerated() {
      #expect(close(t.estimate, f["glm2.coef[\(j)]"]) && close(t.se, f["glm2.se[\(j)]"]))
    }
  }

  /// Float32 columns give the fit of the same values held as Double.
  @Test func floatColumns() throws {
    let cols = [f.column("trust"), f.column("tenure")].map { $0.map { Float($0) } }
    let y = f.column("left").map { Float($0) }
    let a = try LogisticRegression.fit(outcome: y, outcomeName: "left", predictors: cols, names: ["trust", "tenure"],
                                       cluster: f.schools, clusterName: "school")
    let b = try LogisticRegression.fit(outcome: y.map(Double.init), outcomeName: "left",
                                       predictors: cols.map { $0.map(Double.init) }, names: ["trust", "tenure"],
                                       cluster: f.schools, clusterName: "school")
    #expect(a == b)
  }

  /// The compact columns a pass keeps (byte outcome and tenure, Float32 trust, two-byte
  /// school index) give exactly the Float32 fit.
  @Test func compactColumns() throws {
    let cols = [f.column("trust"), f.column("tenure")].map { $0.map { Float($0) } }
    let y = f.column("left").map { Float($0) }
    let a = try LogisticRegression.fit(outcome: y, outcomeName: "left", predictors: cols, names: ["trust", "tenure"],
                                       cluster: f.schools, clusterName: "school")
    let compact = cols.map { CompactColumn($0.map(Double.init)) }
    let outcome = CompactColumn(y.map(Double.init))
    #expect(outcome.isBytes && compact[1].isBytes && !compact[0].isBytes)
    let b = try LogisticRegression.fit(outcome: outcome, outcomeName: "left", predictors: compact, names: ["trust", "tenure"],
                                       cluster: CompactGroupIndex(f.schools), clusterName: "school")
    #expect(a == b)
  }

  @Test func separationIsWarned() throws {
    let x: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    let y: [Double] = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    let m = try LogisticRegression.fit(outcome: y, outcomeName: "left", predictors: [x], names: ["x"])
    #expect(m.warnings.contains { $0.code == "separation" })
    // quasi-complete: both outcomes only at x = 5, a second predictor overlapping
    let xq: [Double] = [1, 2, 3, 4, 5, 5, 5, 5, 6, 7, 8, 9]
    let yq: [Double] = [0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1]
    let w: [Double] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]
    let q = try LogisticRegression.fit(outcome: yq, outcomeName: "left", predictors: [xq, w], names: ["x", "w"])
    #expect(q.warnings.contains { $0.code == "separation" })
    #expect(abs(q.terms[0].estimate) > 5)
  }

  @Test func errorsSayWhatToDo() {
    #expect(throws: LogisticRegressionError.outcomeNotBinary(outcome: "left", value: 2)) {
      try LogisticRegression.fit(outcome: [0, 1, 2], outcomeName: "left", predictors: [[1, 2, 3]], names: ["x"])
    }
    #expect(throws: LogisticRegressionError.noVariation(outcome: "left", n: 3, events: 0)) {
      try LogisticRegression.fit(outcome: [0, 0, 0], outcomeName: "left", predictors: [[1, 2, 3]], names: ["x"])
    }
    #expect(throws: LogisticRegressionError.collinearPredictors(names: ["x", "x2"])) {
      try LogisticRegression.fit(outcome: [0, 1, 0, 1, 1], outcomeName: "left",
                                 predictors: [[1, 2, 3, 4, 5], [2, 4, 6, 8, 10]], names: ["x", "x2"])
    }
  }
}
