import Foundation
import CandorNumerics

/// The distribution functions factor analysis needs, in one place.
enum DistributionBridge {
  /// P(X > x) for X ~ χ²(df).
  static func chiSquareSurvival(_ x: Double, degreesOfFreedom df: Double) -> Double {
    ChiSquared.survival(x, degreesOfFreedom: df)
  }
  /// λ with P(X ≤ x) = target for X ~ χ²(df, λ); nil when none exists.
  static func noncentrality(forCDF target: Double, x: Double, degreesOfFreedom df: Double) -> Double? {
    let lambda = NoncentralChiSquared.noncentralityForCDF(target, x: x, degreesOfFreedom: df)
    return lambda.isFinite ? lambda : nil
  }
}
