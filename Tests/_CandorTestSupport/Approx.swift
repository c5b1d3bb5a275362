import CandorNumerics

/// Whether `a` and `b` agree within `absolute + relative·|b|` (design.md §6 tolerances).
public func isClose(_ a: Double, _ b: Double, absolute: Double = 1e-9, relative: Double = 0) -> Bool {
  if a.isNaN && b.isNaN { return true }
  if a == b { return true }
  return abs(a - b) <= absolute + relative * abs(b)
}
