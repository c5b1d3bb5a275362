import CandorNumerics

/// The distribution functions the relations code uses, named by what they
/// compute; each forwards to CandorNumerics' distributions (`StudentT`,
/// `Normal`, `FDistribution`).
enum Probability {
  /// Two-sided p of a t statistic: P(|T_df| ≥ |t|).
  static func tTwoSided(_ t: Double, degreesOfFreedom df: Double) -> Double {
    StudentT.twoSidedP(t, degreesOfFreedom: df)
  }

  /// The t quantile: q with P(T_df ≤ q) = p.
  static func tQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
    StudentT.quantile(p, degreesOfFreedom: df)
  }

  /// Two-sided p of a standard normal statistic: 2·P(Z > |z|).
  static func normalTwoSided(_ z: Double) -> Double {
    z.isNaN ? .nan : 2 * Normal.survival(abs(z))
  }

  /// The standard normal quantile.
  static func normalQuantile(_ p: Double) -> Double { Normal.quantile(p) }

  /// Upper tail of F(d1, d2): P(F > f).
  static func fSurvival(_ f: Double, _ d1: Double, _ d2: Double) -> Double {
    FDistribution.survival(f, numeratorDegreesOfFreedom: d1, denominatorDegreesOfFreedom: d2)
  }
}
