import CandorNumerics
@testable import CandorPsychometrics
import Foundation
import Testing

@Suite struct CorrelationTests {
  let f = RelationsFixtures.shared

  @Test func pearsonMatchesCorTest() throws {
    let (r, n) = try Correlation.pearson(f.column("trust_na"), f.column("safety_na"))
    #expect(n == Int(f["pearson.n"]))
    #expect(close(r, f["pearson.r"]))
    let t = Correlation.test(r: r, n: n)
    #expect(close(t.t, f["pearson.t"], 1e-9 * abs(f["pearson.t"])))
    #expect(close(t.p, f["pearson.p"], 1e-9, relative: true))
    #expect(close(t.ci95[0], f["pearson.ci[0]"]) && close(t.ci95[1], f["pearson.ci[1]"]))

    let (r2, n2) = try Correlation.pearson(f.column("tenure"), f.column("intent"))
    let t2 = Correlation.test(r: r2, n: n2)
    #expect(close(r2, f["pearson2.r"]))
    #expect(close(t2.p, f["pearson2.p"], 1e-9, relative: true))
    #expect(close(t2.ci95[0], f["pearson2.ci[0]"]) && close(t2.ci95[1], f["pearson2.ci[1]"]))
  }

  @Test func pointBiserialIsPearsonWithBinary() throws {
    let (r, n) = try Correlation.pointBiserial(f.column("trust_na"), binary: f.column("left"))
    let t = Correlation.test(r: r, n: n)
    #expect(close(r, f["pb.r"]))
    #expect(close(t.p, f["pb.p"], 1e-9, relative: true))
    #expect(close(t.ci95[0], f["pb.ci[0]"]) && close(t.ci95[1], f["pb.ci[1]"]))
    #expect(throws: CorrelationError.self) { try Correlation.pointBiserial([1, 2, 3], binary: [0, 1, 2]) }
  }

  @Test func rankCorrelationsWithTies() throws {
    #expect(close(try Correlation.spearman(f.column("trust_na"), f.column("safety_na")).r, f["spearman.r"]))
    #expect(close(try Correlation.kendall(f.column("trust_na"), f.column("safety_na")).r, f["kendall.r"]))
    #expect(close(try Correlation.kendall(f.column("tenure"), f.column("item1")).r, f["kendall2.r"]))
    #expect(close(try Correlation.spearman(f.column("tenure"), f.column("item1")).r, f["spearman2.r"]))
  }

  /// psych::corr.test(method = "spearman"/"kendall"): its t test and Fisher-z CI on ρ and τ.
  @Test func rankTablesMatchPsychCorrTest() throws {
    let names = ["trust_na", "safety_na", "tenure"]
    for method in [CorrelationMethod.spearman, .kendall] {
      let m = method.rawValue
      let table = try CorrelationTable.fromColumns(names: names, columns: names.map(f.column), method: method)
      #expect(close(table[0].r, f["\(m).psych.r"]) && close(table[1].r, f["\(m).psych.r13"]))
      #expect(close(table[0].p, f["\(m).psych.p"], 1e-9, relative: true))
      #expect(close(table[0].pHolm, f["\(m).psych.pHolm"], 1e-9, relative: true))
      #expect(close(table[0].ci95[0], f["\(m).psych.ci[0]"]) && close(table[0].ci95[1], f["\(m).psych.ci[1]"]))
    }
  }

  /// Knight's O(n log n) τ-b equals the O(n²) definition on tied integer data.
  @Test func kendallKnightEqualsBruteForce() throws {
    var state: UInt64 = 42
    func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double((state >> 33) % 7) }
    let x = (0..<700).map { _ in next() }, y = (0..<700).map { _ in next() + (next() > 3 ? 1 : 0) }
    var s = 0.0, tx = 0.0, ty = 0.0
    for i in 0..<x.count { for j in (i + 1)..<x.count {
      let a = (x[i] - x[j]).sign == .minus ? -1.0 : (x[i] == x[j] ? 0 : 1)
      let b = (y[i] - y[j]).sign == .minus ? -1.0 : (y[i] == y[j] ? 0 : 1)
      s += a * b; tx += a * a; ty += b * b
    } }
    #expect(close(try Correlation.kendall(x, y).r, s / (tx * ty).squareRoot(), 1e-13))
  }

  @Test func partialFromInverseCorrelation() throws {
    let t = try Correlation.partial(f.column("trust_na"), f.column("intent"),
                                    covariates: [f.column("tenure"), f.column("safety_na")])
    #expect(t.n == Int(f["partial.n"]))
    #expect(t.degreesOfFreedom == t.n - 4)
    #expect(close(t.r, f["partial.r"]))
    #expect(close(t.t, f["partial.t"], 1e-9 * abs(f["partial.t"])))
    #expect(close(t.p, f["partial.p"], 1e-9, relative: true))
    #expect(close(t.ci95[0], f["partial.ci[0]"]) && close(t.ci95[1], f["partial.ci[1]"]))
  }

  @Test func pAdjustHolmAndBH() {
    let p = [0.01, 0.04, 0.04, 0.2, .nan, 0.003, 0.5, 0.03]
    let holm = PValueAdjustment.holm.adjusted(p), bh = PValueAdjustment.benjaminiHochberg.adjusted(p)
    for i in p.indices {
      #expect(close(holm[i], f["padj.holm[\(i)]"], 1e-15))
      #expect(close(bh[i], f["padj.bh[\(i)]"], 1e-15))
    }
  }

  /// psych::corr.test(adjust = "holm") on pairwise data, and p.adjust "BH".
  @Test func tableMatchesCorrTest() throws {
    let names = ["trust_na", "safety_na", "tenure", "intent", "left"]
    let table = try CorrelationTable.fromColumns(names: names, columns: names.map(f.column), method: .pearson)
    #expect(table.count == 10)
    for entry in table {
      let i = names.firstIndex(of: entry.x)!, j = names.firstIndex(of: entry.y)!
      let key = "[\(i),\(j)]"
      #expect(entry.n == Int(f["table.n" + key]))
      #expect(close(entry.r, f["table.r" + key]))
      #expect(close(entry.t, f["table.t" + key], 1e-9 * max(1, abs(entry.t))))
      #expect(close(entry.p, f["table.p" + key], 1e-9, relative: true))
      #expect(close(entry.pHolm, f["table.pHolm" + key], 1e-9, relative: true))
      #expect(close(entry.pBH, f["table.pBH" + key], 1e-9, relative: true))
      #expect(close(entry.ci95[0], f["table.ciLower" + key]) && close(entry.ci95[1], f["table.ciUpper" + key]))
    }
  }

  /// The table from co-moments (the streaming path) equals the column path.
  @Test func tableFromMomentsEqualsColumns() throws {
    let names = ["trust_na", "safety_na", "tenure", "intent"]
    let cols = names.map(f.column)
    let p = names.count
    var r = Matrix.identity(p), counts = [Int](repeating: 0, count: p * p)
    for i in 0..<p { for j in 0..<p {
      let e = try Correlation.pearson(cols[i], cols[j])
      if i != j { r[i, j] = e.r }
      counts[i + j * p] = e.n
    } }
    let moments = CoMoments(policy: .pairwise, counts: (0..<p).map { counts[$0 * (p + 1)] }, means: [], standardDeviations: [],
                            covariance: r, correlation: r, pairwiseCounts: counts, minimumPairwiseN: counts.min()!)
    let a = try CorrelationTable.pearson(names: names, moments: moments)
    let b = try CorrelationTable.fromColumns(names: names, columns: cols, method: .pearson)
    #expect(a == b)
    // partial on covariates through the inverse of the sub-matrix
    let partial = try CorrelationTable.pearson(names: names, moments: moments, pairs: [VariablePair(0, 3)], covariates: [2, 1])
    #expect(partial[0].partialOn == ["tenure", "safety_na"])
    #expect(abs(partial[0].r - f["partial.r"]) < 0.01)  // pairwise vs listwise r differ slightly
  }

  /// Rank tables (ranks cached for complete columns) equal pair-by-pair estimates;
  /// coefficients from elsewhere get the same tests and adjustments.
  @Test func rankTablesAndExternalCoefficients() throws {
    let names = ["tenure", "item1", "trust_na"]
    let table = try CorrelationTable.fromColumns(names: names, columns: names.map(f.column), method: .spearman)
    #expect(close(table[0].r, f["spearman2.r"]))
    #expect(table[1].r == (try Correlation.spearman(f.column("tenure"), f.column("trust_na"))).r)
    let kendall = try CorrelationTable.fromColumns(names: names, columns: names.map(f.column), method: .kendall)
    #expect(close(kendall[0].r, f["kendall2.r"]))
    let external = CorrelationTable.fromCoefficients(names: names, pairs: VariablePair.allPairs(3),
                                                     r: table.map(\.r), n: table.map(\.n), method: .polychoric)
    #expect(external.map(\.pHolm) == table.map(\.pHolm) && external[0].method == .polychoric)
    #expect(throws: CorrelationError.polychoricNeedsEstimates) {
      try CorrelationTable.fromColumns(names: names, columns: names.map(f.column), method: .polychoric)
    }
  }

  /// A 60-variable table (1,770 pairs) from co-moments is well under a second.
  @Test func sixtyVariableTableIsFast() throws {
    let p = 60
    var r = Matrix.identity(p)
    for i in 0..<p { for j in 0..<p where i != j { r[i, j] = 0.3 * cos(Double(i * j)) * 0.5 } }
    let moments = CoMoments(policy: .pairwise, counts: Array(repeating: 100_000, count: p), means: [], standardDeviations: [],
                            covariance: r, correlation: r, pairwiseCounts: Array(repeating: 100_000, count: p * p),
                            minimumPairwiseN: 100_000)
    let clock = ContinuousClock()
    var table: [CorrelationResult] = []
    let elapsed = try clock.measure { table = try CorrelationTable.pearson(names: (0..<p).map { "v\($0)" }, moments: moments) }
    #expect(table.count == 1770)
    #expect(elapsed < .seconds(1))
  }

  /// §7 field names, in contract order (stored-property order = synthesized
  /// CodingKeys order; the JSON writer decides the byte order).
  @Test func jsonFields() throws {
    let result = CorrelationResult(x: "a", y: "b", method: .pearson, test: Correlation.test(r: 0.5, n: 100))
    let labels = Mirror(reflecting: result).children.map { $0.label!.hasPrefix("_") ? String($0.label!.dropFirst()) : $0.label! }
    #expect(labels == ["x", "y", "method", "n", "r", "ci95", "t", "p", "pHolm", "pBH", "partialOn"])
    let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
    #expect(Set(object.keys) == Set(labels))
    #expect(object["method"] as? String == "pearson")
  }

  /// Undefined statistics (a constant variable, too few rows) encode as null, never fail.
  @Test func undefinedStatisticsEncodeAsNull() throws {
    let table = try CorrelationTable.fromColumns(names: ["a", "b", "c"], columns: [[1, 1, 1], [1, 2, 4], [2, 1, 4]],
                                                 method: .pearson)
    #expect(table[0].r.isNaN && table[0].p.isNaN && table[0].pHolm.isNaN)
    #expect(!table[2].r.isNaN && !table[2].p.isNaN && table[2].ci95[0].isNaN)  // n = 3: Fisher-z CI needs n > 3
    let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(table)) as! [[String: Any]]
    #expect(object[0]["r"] is NSNull && object[0]["p"] is NSNull)
    #expect((object[2]["ci95"] as! [Any]).allSatisfy { $0 is NSNull })
    let back = try JSONDecoder().decode([CorrelationResult].self, from: JSONEncoder().encode(table))
    #expect(back[2].r == table[2].r && back[0].r.isNaN)
    // the adjustments count only the one defined p-value
    #expect(table[2].pHolm == table[2].p && table[2].pBH == table[2].p)
  }
}
