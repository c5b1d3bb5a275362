@testable import CandorPsychometrics
import Foundation
import Testing

@Suite struct WaveSignificanceTests {
  let dev = WaveDeviation.shared

  /// Welch's t from (n, mean, variance) of each wave = R t.test(to, from, var.equal = FALSE).
  @Test func welchMatchesTTest() {
    for r in WaveFixtures.welch {
      let m = WaveSignificance.welch(n1: Int(r["n1"]!), mean1: r["mean1"]!, variance1: r["var1"]!,
                                     n2: Int(r["n2"]!), mean2: r["mean2"]!, variance2: r["var2"]!)
      #expect(m.test == .welch)
      #expect(dev.check("welch.change", m.change, r["change"]!))
      #expect(dev.check("welch.t", m.t, r["t"]!))
      #expect(dev.check("welch.df", m.df, r["df"]!))
      #expect(dev.check("welch.ci", m.confidenceInterval[0], r["lo"]!))
      #expect(dev.check("welch.ci", m.confidenceInterval[1], r["hi"]!))
      #expect(dev.check("welch.p", m.p, r["p"]!, pValue: true), "case \(r["case"]!): \(m.p) vs \(r["p"]!)")
    }
    dev.report("welch")
  }

  /// The paired t from (n, Σd, Σd²) = R t.test(to, from, paired = TRUE).
  @Test func pairedMatchesTTest() {
    for r in WaveFixtures.paired {
      let d = PairedDifferences(n: Int(r["n"]!), sum: r["sumD"]!, sumOfSquares: r["sumD2"]!)
      let m = WaveSignificance.paired(d)
      #expect(m.test == .paired)
      #expect(dev.check("paired.change", m.change, r["change"]!))
      #expect(dev.check("paired.t", m.t, r["t"]!))
      #expect(m.df == r["df"]!)
      #expect(dev.check("paired.ci", m.confidenceInterval[0], r["lo"]!))
      #expect(dev.check("paired.ci", m.confidenceInterval[1], r["hi"]!))
      #expect(dev.check("paired.p", m.p, r["p"]!, pValue: true), "case \(r["case"]!): \(m.p) vs \(r["p"]!)")
    }
    dev.report("paired")
  }

  /// Welford accumulation, merging and the raw-sum constructor agree.
  @Test func pairedDifferencesAccumulate() {
    var state: UInt64 = 7
    func next() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double((state >> 33) % 43) / 7 - 3  // differences of 1–7 scale scores in sevenths
    }
    let d = (0..<1001).map { _ in next() }
    var all = PairedDifferences(), a = PairedDifferences(), b = PairedDifferences()
    for (i, x) in d.enumerated() { all.add(x); if i < 400 { a.add(x) } else { b.add(x) } }
    a.merge(b)
    let sums = PairedDifferences(n: d.count, sum: d.reduce(0, +), sumOfSquares: d.reduce(0) { $0 + $1 * $1 })
    let mean = d.reduce(0, +) / Double(d.count)
    let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d.count - 1)
    for x in [all, a, sums] {
      #expect(x.n == d.count)
      #expect(abs(x.mean - mean) < 1e-13)
      #expect(abs(x.variance - variance) < 1e-12)
    }
    var empty = PairedDifferences()
    empty.merge(all)
    #expect(empty == all)
  }

  /// The two-proportion z-test = R prop.test(c(x2, x1), c(n2, n1), correct = FALSE): X² = z².
  @Test func twoProportionMatchesPropTest() {
    for r in WaveFixtures.prop {
      let f = WaveSignificance.twoProportion(favourable1: Int(r["x1"]!), n1: Int(r["n1"]!),
                                             favourable2: Int(r["x2"]!), n2: Int(r["n2"]!))
      #expect(dev.check("prop.change", f.change, r["change"]!))
      #expect(dev.check("prop.z", f.z, r["z"]!))
      #expect(dev.check("prop.z2", f.z * f.z, r["chisq"]!))
      #expect(dev.check("prop.ci", f.confidenceInterval[0], r["lo"]!))
      #expect(dev.check("prop.ci", f.confidenceInterval[1], r["hi"]!))
      #expect(dev.check("prop.p", f.p, r["p"]!, pValue: true), "case \(r["case"]!): \(f.p) vs \(r["p"]!)")
    }
    dev.report("prop")
  }

  /// Feldt's W and two-sided p = the hand computation with R pf in cocron's convention,
  /// including equal alphas, the cap at 1 and a negative alpha.
  @Test func feldtMatchesPf() {
    for r in WaveFixtures.feldt {
      let a = WaveSignificance.feldt(alpha1: r["alpha1"]!, n1: Int(r["n1"]!), alpha2: r["alpha2"]!, n2: Int(r["n2"]!))
      #expect(dev.check("feldt.w", a.w, r["w"]!))
      #expect(a.df1 == r["n2"]! - 1 && a.df2 == r["n1"]! - 1)
      #expect(dev.check("feldt.p", a.p, r["p"]!, pValue: true), "case \(r["case"]!): \(a.p) vs \(r["p"]!)")
    }
    dev.report("feldt")
  }

  /// Swapping the waves flips the sign of every change and keeps every p.
  @Test func directionIsToMinusFrom() {
    let r = WaveFixtures.welch[3]
    let ab = WaveSignificance.welch(n1: Int(r["n1"]!), mean1: r["mean1"]!, variance1: r["var1"]!,
                                    n2: Int(r["n2"]!), mean2: r["mean2"]!, variance2: r["var2"]!)
    let ba = WaveSignificance.welch(n1: Int(r["n2"]!), mean1: r["mean2"]!, variance1: r["var2"]!,
                                    n2: Int(r["n1"]!), mean2: r["mean1"]!, variance2: r["var1"]!)
    #expect(ab.change == -ba.change && ab.p == ba.p && ab.df == ba.df)
    #expect(abs(ab.confidenceInterval[0] + ba.confidenceInterval[1]) < 1e-15)
    let f1 = WaveSignificance.twoProportion(favourable1: 120, n1: 200, favourable2: 150, n2: 210)
    let f2 = WaveSignificance.twoProportion(favourable1: 150, n1: 210, favourable2: 120, n2: 200)
    #expect(f1.change == -f2.change && f1.p == f2.p)
    let a1 = WaveSignificance.feldt(alpha1: 0.8, n1: 100, alpha2: 0.7, n2: 120)
    let a2 = WaveSignificance.feldt(alpha1: 0.7, n1: 120, alpha2: 0.8, n2: 100)
    #expect(abs(a1.p - a2.p) < 1e-14)
  }

  /// Undefined cases give NaN, as R stops or returns NaN there.
  @Test func degenerateInputsAreNaN() {
    let one = WaveSignificance.welch(n1: 1, mean1: 4, variance1: .nan, n2: 10, mean2: 5, variance2: 1)
    #expect(one.change == 1 && one.p.isNaN && one.df.isNaN && one.confidenceInterval[0].isNaN)
    let constant = WaveSignificance.welch(n1: 5, mean1: 4, variance1: 0, n2: 5, mean2: 4, variance2: 0)
    #expect(constant.p.isNaN && constant.t.isNaN)
    #expect(WaveSignificance.paired(PairedDifferences(n: 1, sum: 0.5, sumOfSquares: 0.25)).p.isNaN)
    #expect(WaveSignificance.paired(PairedDifferences(n: 4, sum: 2, sumOfSquares: 1)).p.isNaN)  // all d = ½
    let allFavourable = WaveSignificance.twoProportion(favourable1: 10, n1: 10, favourable2: 8, n2: 8)
    #expect(allFavourable.change == 0 && allFavourable.z.isNaN && allFavourable.p.isNaN)
    #expect(allFavourable.confidenceInterval == [0, 0])
    #expect(WaveSignificance.twoProportion(favourable1: 0, n1: 0, favourable2: 1, n2: 2).p.isNaN)
    #expect(WaveSignificance.feldt(alpha1: 1, n1: 10, alpha2: 0.8, n2: 10).p.isNaN)
    #expect(WaveSignificance.feldt(alpha1: 0.8, n1: 1, alpha2: 0.8, n2: 10).p.isNaN)
  }
}
