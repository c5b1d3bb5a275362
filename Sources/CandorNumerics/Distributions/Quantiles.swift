import Foundation

/// Quantiles of continuous distributions on (0, ∞) from their two tails
/// (internal).
enum TailInversion {
  /// x with P(X ≤ x) = p (`upper == false`) or P(X > x) = p (`upper == true`),
  /// for a distribution on (0, ∞) whose `tails(x)` returns (P(X ≤ x), P(X > x)).
  ///
  /// The smaller tail is inverted in log space: g(x) = log p − log S(x) or
  /// log F(x) − log p is monotone and close to linear in log x in both tails,
  /// so `RootFinding.positiveRoot` (expanding bracket, then Brent) reaches full
  /// precision for p down to 1e-300.
  static func positiveQuantile(
    _ p: Double, upper: Bool, start: Double,
    tails: (Double) -> (lower: Double, upper: Double)
  ) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    var useUpper = upper
    var target = p
    if target > 0.5 {
      target = 1 - target
      useUpper.toggle()
    }
    if target == 0 { return useUpper ? .infinity : 0 }
    let logTarget = log(target)
    if useUpper {
      return RootFinding.positiveRoot(start: start) { x in
        logTarget - RootFinding.logProbability(tails(x).upper)
      }
    }
    return RootFinding.positiveRoot(start: start) { x in
      RootFinding.logProbability(tails(x).lower) - logTarget
    }
  }
}
