import Foundation

/// Bracketing root finders shared by the quantile functions (internal).
enum RootFinding {
  /// Brent's method (R. P. Brent, *Algorithms for Minimization without
  /// Derivatives*, 1973, ch. 4, `zeroin`): inverse quadratic / secant steps
  /// safeguarded by bisection, on a bracket with f(a)·f(b) ≤ 0. Stops when the
  /// bracket is narrower than 4ε|b| + `tolerance`. Returns the best point and
  /// the other end of the final bracket.
  static func brent(
    _ f: (Double) -> Double, _ a0: Double, _ b0: Double, fa fa0: Double, fb fb0: Double,
    tolerance: Double, maxIterations: Int = 300
  ) -> (root: Double, other: Double) {
    func clamp(_ v: Double) -> Double { v.isNaN ? v : max(-1e300, min(1e300, v)) }
    var a = a0, b = b0, fa = clamp(fa0), fb = clamp(fb0)
    if fa == 0 { return (a, a) }
    if fb == 0 { return (b, b) }
    var c = a, fc = fa
    var d = b - a, e = d
    for _ in 0..<maxIterations {
      if (fb > 0) == (fc > 0) {
        c = a; fc = fa; d = b - a; e = d
      }
      if abs(fc) < abs(fb) {
        a = b; b = c; c = a
        fa = fb; fb = fc; fc = fa
      }
      let tol1 = 4 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
      let xm = 0.5 * (c - b)
      if abs(xm) <= tol1 || fb == 0 { return (b, c) }
      if abs(e) >= tol1 && abs(fa) > abs(fb) {
        let s = fb / fa
        var p: Double, q: Double
        if a == c {
          p = 2 * xm * s
          q = 1 - s
        } else {
          let qq = fa / fc, r = fb / fc
          p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1))
          q = (qq - 1) * (r - 1) * (s - 1)
        }
        if p > 0 { q = -q } else { p = -p }
        if 2 * p < min(3 * xm * q - abs(tol1 * q), abs(e * q)) {
          e = d; d = p / q
        } else {
          d = xm; e = d
        }
      } else {
        d = xm; e = d
      }
      a = b; fa = fb
      b += abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1)
      fb = clamp(f(b))
      if fb.isNaN { return (.nan, .nan) }
    }
    return (b, c)
  }

  /// The x > 0 where the increasing function g crosses 0, found by an
  /// expanding search in log x from `start` (steps 1, 2, 4, … in log x, so
  /// 1e-300 … 1e300 is bracketed in ~12 evaluations), then Brent in log x, then
  /// Brent in x on the final narrow bracket to full double precision.
  /// Returns 0 or +∞ when g keeps its sign down to the smallest / up to the
  /// largest double.
  static func positiveRoot(start: Double, _ g: (Double) -> Double) -> Double {
    let least = Double.leastNonzeroMagnitude, greatest = Double.greatestFiniteMagnitude
    // x = e^u, clamped to the positive finite doubles.
    func ex(_ u: Double) -> Double { min(max(exp(u), least), greatest) }
    let uMax = log(greatest), uMin = log(least)
    let x0 = start.isFinite && start > 0 ? start : 1
    var lo = log(x0), hi = lo
    var glo: Double, ghi: Double
    let g0 = g(x0)
    if g0.isNaN { return .nan }
    if g0 == 0 { return x0 }
    if g0 < 0 {
      glo = g0
      var step = 1.0
      while true {
        hi = min(lo + step, uMax)
        ghi = g(ex(hi))
        if ghi.isNaN { return .nan }
        if ghi >= 0 { break }
        // The root, if any, lies beyond the largest double.
        if hi >= uMax { return .infinity }
        lo = hi; glo = ghi; step *= 2
      }
    } else {
      ghi = g0
      var step = 1.0
      while true {
        lo = max(hi - step, uMin)
        glo = g(ex(lo))
        if glo.isNaN { return .nan }
        if glo <= 0 { break }
        // The root, if any, lies below the smallest positive double.
        if lo <= uMin { return 0 }
        hi = lo; ghi = glo; step *= 2
      }
    }
    let coarse = brent({ g(ex($0)) }, lo, hi, fa: glo, fb: ghi, tolerance: 1e-9)
    var xa = ex(min(coarse.root, coarse.other)), xb = ex(max(coarse.root, coarse.other))
    if !(xa < xb) { return xa }
    // Widen by a few ulps so that exp's rounding cannot lose the sign change.
    xa = max(xa.nextDown.nextDown, least)
    xb = min(xb.nextUp.nextUp, greatest)
    var ga = g(xa), gb = g(xb)
    if ga > 0 { xa = ex(lo); ga = glo }
    if gb < 0 { xb = ex(hi); gb = ghi }
    let fine = brent(g, xa, xb, fa: ga, fb: gb, tolerance: 0)
    return polish(g, fine.root, fine.other)
  }

  /// Bisects a bracket [b, c] (g changes sign) down to adjacent doubles and
  /// returns the end with the smaller |g|: the correctly rounded root when g is
  /// evaluated accurately (Brent alone stops within a few ulps).
  static func polish(_ g: (Double) -> Double, _ b: Double, _ c: Double) -> Double {
    guard b.isFinite, c.isFinite, b != c else { return b }
    var lo = min(b, c), hi = max(b, c)
    var glo = g(lo), ghi = g(hi)
    if glo.isNaN || ghi.isNaN { return b }
    if (glo > 0) == (ghi > 0) { return b }
    for _ in 0..<64 {
      let mid = lo + (hi - lo) / 2
      if mid <= lo || mid >= hi { break }
      let gm = g(mid)
      if gm.isNaN { break }
      if gm == 0 { return mid }
      if (gm > 0) == (glo > 0) { lo = mid; glo = gm } else { hi = mid; ghi = gm }
    }
    return abs(glo) <= abs(ghi) ? lo : hi
  }

  /// log of a probability, with log 0 = −∞ (kept finite by `brent`'s clamp).
  @inline(__always) static func logProbability(_ p: Double) -> Double {
    p > 0 ? log(p) : -.infinity
  }
}
