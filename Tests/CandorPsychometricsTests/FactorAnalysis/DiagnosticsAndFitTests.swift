import Testing
import _CandorTestSupport
import Foundation
import CandorNumerics
@testable import CandorPsychometrics

@Suite("Diagnostics and fit against psych 2.2.9")
struct DiagnosticsAndFitTests {
  static let r = FactorFixtures.matrix("R12")
  static let n = Int(FactorFixtures.scalar("n12"))

  @Test func kmo() {
    let k = KaiserMeyerOlkin(correlation: Self.r)
    #expect(abs(k.overall - FactorFixtures.scalar("kmo")) < 1e-9)
    let d = zip(k.items, FactorFixtures.vector("kmo_items")).map { abs($0 - $1) }.max()!
    print("DEV kmo items \(d)")
    #expect(d < 1e-9)
    #expect(!k.usedFallback)
  }

  @Test func bartlettWithN() {
    let b = BartlettSphericity(correlation: Self.r, n: Self.n) { ChiSquared.survival($0, degreesOfFreedom: $1) }
    #expect(abs(b.chiSquare - FactorFixtures.scalar("bartlett_chi")) < 1e-9 * FactorFixtures.scalar("bartlett_chi"))
    #expect(b.degreesOfFreedom == Int(FactorFixtures.scalar("bartlett_df")))
    let expectedP = FactorFixtures.scalar("bartlett_p")
    if expectedP > 1e-300 { #expect(abs(b.p! - expectedP) <= 1e-9 * expectedP) } else { #expect(b.p! < 1e-250) }
  }

  @Test func eigenvaluesAndParallelObserved() throws {
    let values = try LinearAlgebra.symmetricEigenvalues(Self.r)
    let d = zip(values, FactorFixtures.vector("eigen_R12")).map { abs($0 - $1) }.max()!
    #expect(d < 1e-9)
    var options = ParallelAnalysisOptions()
    options.iterations = 5
    let pa = try ParallelAnalysis.run(correlation: Self.r, n: Self.n, options: options)
    let dobs = zip(pa.observedFactorEigenvalues, FactorFixtures.vector("parallel_observed_fa")).map { abs($0 - $1) }.max()!
    print("DEV parallel observed \(dobs)")
    #expect(dobs < 1e-4)
    // Three population factors with loadings ≥ .45 at n = 600 are found by both counts.
    #expect(pa.factors == 3)
    #expect(pa.components == 3)
    let again = try ParallelAnalysis.run(correlation: Self.r, n: Self.n, options: options)
    #expect(again == pa, "parallel analysis must be reproducible for a seed")
    // The simulated 95th percentile of the first component of null data exceeds 1 and decreases.
    #expect(pa.simulated95Component[0] > 1 && pa.simulated95Component[0] > pa.simulated95Component[1])
  }

  @Test func quantileIsRType7() {
    #expect(ParallelAnalysis.quantileType7([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 0.95) == 19.05)
  }

  static let fitCases: [String] = ["minres_none", "minres_oblimin", "minres_promax", "ml_none", "ml_varimax", "pa_none", "pa_oblimin"]

  @Test("χ², df, p, RMSEA and CI, TLI, BIC, RMSR", arguments: fitCases)
  func fit(tag: String) throws {
    let parts = tag.split(separator: "_")
    let method = ExtractionMethod(rawValue: String(parts[0]))!
    let rotation: FactorRotation = ["none": .none, "oblimin": .oblimin, "promax": .promax, "varimax": .varimax][String(parts[1])]!
    var options = ExtractionOptions()
    options.paMinimumError = 1e-12; options.paMaxIterations = 5000
    let s = try FactorAnalysis.solve(Self.r, factors: 3, method: method, rotation: rotation, options: options)
    let fit = try FactorFit(correlation: Self.r, loadings: s.loadings, phi: s.phi, n: Self.n)
    func rel(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-12) }
    let chi = FactorFixtures.scalar("\(tag)_chi")
    #expect(fit.df == Int(FactorFixtures.scalar("\(tag)_dof")))
    var worst = rel(fit.chiSquare, chi)
    worst = max(worst, rel(fit.p!, FactorFixtures.scalar("\(tag)_p")))
    worst = max(worst, rel(fit.tli!, FactorFixtures.scalar("\(tag)_tli")))
    worst = max(worst, rel(fit.bic!, FactorFixtures.scalar("\(tag)_bic")))
    worst = max(worst, rel(fit.rmsr, FactorFixtures.scalar("\(tag)_rms")))
    let rmsea = FactorFixtures.scalar("\(tag)_rmsea[1]")
    if rmsea > 0 { worst = max(worst, rel(fit.rmsea!, rmsea)) } else { #expect(fit.rmsea! == 0) }
    for (idx, name) in [(0, "\(tag)_rmsea[2]"), (1, "\(tag)_rmsea[3]")] {
      let e = FactorFixtures.scalar(name)
      if e.isNaN { #expect(fit.rmsea90[idx] == nil) }
      else if e == 0 { #expect(fit.rmsea90[idx] == 0) }
      else { worst = max(worst, rel(fit.rmsea90[idx]!, e)) }
    }
    print("DEV fit \(tag) \(worst)")
    #expect(worst < 1e-3, "\(tag): worst relative fit deviation \(worst)")
  }
}

@Suite("Polychoric against psych::polychoric(correct = .5, global = FALSE)")
struct PolychoricTests {
  static func ordinal() -> RowBlock { RowBlock(rowArrays: FactorFixtures.rows("ordinal")) }

  @Test func matrixMatchesPsych() {
    let m = Polychoric.correlationMatrix(Self.ordinal())
    let expected = FactorFixtures.matrix("polychoric_rho")
    let d = m.maxAbsDifference(expected)
    print("DEV polychoric \(d)")
    #expect(d < 1e-4)
  }

  @Test func tablesMerge() {
    let data = Self.ordinal()
    let whole = Polychoric.tables(data)[0][1]
    let half = data.rows / 2
    var a = ContingencyTable(rowCodes: whole.rowCodes, columnCodes: whole.columnCodes)
    var b = a
    for r in 0..<data.rows {
      if r < half { a.add(Int(data[r, 0]), Int(data[r, 1])) } else { b.add(Int(data[r, 0]), Int(data[r, 1])) }
    }
    a.merge(b)
    #expect(a == whole)
    #expect(a.total == data.rows)
  }

  @Test func independenceGivesNearZeroAndDegenerateTableNil() {
    // A product table (exact independence) has ρ̂ = 0.
    let t = ContingencyTable(counts: [[10, 20, 30], [20, 40, 60]])
    #expect(abs(Polychoric.estimate(t).rho!) < 1e-7)
    let single = ContingencyTable(counts: [[5, 7], [0, 0]])
    #expect(Polychoric.estimate(single).rho == nil)
  }
}

@Suite("Heywood, singular matrices and the JSON entry")
struct FactorAnalysisEntryTests {
  @Test func heywoodCaseIsFlagged() throws {
    let r = FactorFixtures.matrix("Rheywood")
    let s = try FactorAnalysis.solve(r, factors: 2, method: .minres, rotation: .none)
    #expect(s.heywoodItems.contains(0))
    let expected = FactorFixtures.vector("heywood_communality")
    let d = zip(expected, s.communalities).map { abs($0 - $1) }.max()!
    print("DEV heywood communality \(d)")
    #expect(d < 5e-3, "psych's L-BFGS-B stops away from the bound-constrained minimum in Heywood cases")
    let items = (1...6).map { "h\($0)" }
    let result = try FactorAnalysis.analyze(correlation: r, n: 300,
      request: FactorAnalysisRequest(scale: "hw", items: items, factors: .fixed(2), rotation: .none),
      runParallelAnalysis: false)
    #expect(result.heywood.contains("h1"))
    #expect(result.warnings.contains { $0.item == "h1" && $0.code.hasSuffix("heywood-case") })
  }

  @Test func singularMatrixIsReportedNotCrashed() throws {
    let r12 = FactorFixtures.matrix("R12")
    // Item 13 duplicates item 1: R is singular.
    var rows = r12.rowArrays
    for i in 0..<12 { rows[i].append(rows[i][0]) }
    rows.append(rows[0])
    let r = Matrix(rows)
    let items = (1...13).map { "x\($0)" }
    let request = FactorAnalysisRequest(scale: "dup", items: items, factors: .fixed(3), smoothing: false)
    #expect(throws: FactorAnalysisError.self) {
      _ = try FactorAnalysis.analyze(correlation: r, n: 600, request: request, runParallelAnalysis: false)
    }
    do {
      _ = try FactorAnalysis.analyze(correlation: r, n: 600, request: request, runParallelAnalysis: false)
    } catch let FactorAnalysisError.notPositiveDefinite(culprits) {
      #expect(culprits == ["x1", "x13"])
    }
    var smoothing = request
    smoothing.smoothing = true
    let result = try FactorAnalysis.analyze(correlation: r, n: 600, request: smoothing, runParallelAnalysis: false)
    #expect(result.warnings.contains { $0.code == "matrix-smoothed" })
    #expect(result.loadings.values.allSatisfy { $0.allSatisfy(\.isFinite) })
  }

  @Test func jsonEntryKeepsFieldAndItemOrder() throws {
    let r = FactorFixtures.matrix("R12")
    let items = ["z12", "a1", "m3", "b4", "y5", "c6", "x7", "d8", "w9", "e10", "v11", "f12"]
    var request = FactorAnalysisRequest(scale: "demo", items: items, factors: .parallel)
    request.parallel.iterations = 4
    let result = try FactorAnalysis.analyze(correlation: r, n: 600, request: request)
    #expect(result.factors == 3)
    #expect(result.converged)
    let keys = try encodedKeyOrder(result)
    #expect(keys[""] == ["scale", "missing", "correlation", "method", "rotation", "factors", "n", "kmo", "bartlett",
                         "eigenvalues", "parallelAnalysis", "loadings", "structure", "communalities", "uniquenesses",
                         "phi", "varianceExplained", "heywood", "fit", "iterations", "converged"])
    #expect(keys["loadings"] == items)
    #expect(keys["kmo.items"] == items)
    #expect(keys["fit"] == ["chiSquare", "df", "p", "rmsea", "rmsea90", "tli", "bic", "rmsr"])
    #expect(keys["parallelAnalysis"] == ["factors", "components", "iterations", "seed",
      "observedFactorEigenvalues", "simulated95Factor", "simulated95Component"])
    let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
    #expect(json.contains("\"rmsea90\""))
    #expect(json.contains("\"method\":\"minres\"") && json.contains("\"rotation\":\"oblimin\""))
  }
}

@Suite("Contingency accumulator")
struct ContingencyAccumulatorTests {
  @Test func chunkedEqualsWholeAndTransposes() {
    let data = PolychoricTests.ordinal()
    var whole = ContingencyAccumulator(variables: data.columns, codes: 1...5)
    whole.add(data)
    let rows = FactorFixtures.rows("ordinal")
    var a = ContingencyAccumulator(variables: data.columns, codes: 1...5)
    var b = a
    a.add(RowBlock(rowArrays: Array(rows[..<137])))
    b.add(RowBlock(rowArrays: Array(rows[137...])))
    a.merge(b)
    #expect(a == whole)
    let t01 = whole.table(0, 1), t10 = whole.table(1, 0)
    for x in 1...5 { for y in 1...5 { #expect(t01[x, y] == t10[y, x]) } }
    #expect(whole.polychoricMatrix().maxAbsDifference(Polychoric.correlationMatrix(data)) == 0)
    var odd = ContingencyAccumulator(variables: 2, codes: 1...5)
    odd.add(RowBlock(rowArrays: [[1, 9], [2.5, 3], [.nan, 2], [3, 3]]))
    #expect(odd.outOfRange == 2)
    #expect(odd.table(0, 1).total == 1)
  }
}

@Suite("Non-convergence is reported")
struct NonConvergenceTests {
  @Test func iterationCapGivesWarning() throws {
    let r = FactorFixtures.matrix("R12")
    var request = FactorAnalysisRequest(scale: "capped", items: (1...12).map { "i\($0)" }, factors: .fixed(3), method: .ml)
    request.extraction.maxIterations = 2
    let result = try FactorAnalysis.analyze(correlation: r, n: 600, request: request, runParallelAnalysis: false)
    #expect(!result.converged)
    #expect(result.iterations == 2)
    #expect(result.warnings.contains { $0.code == "not-converged" })
  }

  @Test func tooFewItemsAndTooManyFactorsAreErrors() throws {
    let r = FactorFixtures.matrix("R12")
    #expect(throws: FactorAnalysisError.tooFewItems(scale: "s", items: 2)) {
      _ = try FactorAnalysis.analyze(correlation: r.principalSubmatrix([0, 1]), n: 600,
                                     request: FactorAnalysisRequest(scale: "s", items: ["a", "b"], factors: .fixed(1)))
    }
    #expect(throws: FactorAnalysisError.tooManyFactors(requested: 12, items: 12)) {
      _ = try FactorAnalysis.analyze(correlation: r, n: 600,
                                     request: FactorAnalysisRequest(scale: "s", items: (1...12).map { "i\($0)" }, factors: .fixed(12)),
                                     runParallelAnalysis: false)
    }
  }
}
