import CVectorMath
import CandorNumerics
import Foundation
import Testing

/// ``VectorMath`` against the scalar libm functions: within libmvec's 4-ulp bound over the
/// ranges the logistic model uses and beyond, the special values as libm gives them, and
/// every element's result independent of the buffer's length and of its place in it.
@Suite struct VectorMathTests {
  /// Distance in units in the last place between two finite doubles of the same sign.
  static func ulps(_ a: Double, _ b: Double) -> UInt64 {
    if a == b { return 0 }
    let x = a.bitPattern, y = b.bitPattern
    return x > y ? x - y : y - x
  }

  static func apply(_ f: (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void, _ x: [Double]) -> [Double] {
    var y = [Double](repeating: .nan, count: x.count)
    x.withUnsafeBufferPointer { xs in y.withUnsafeMutableBufferPointer { f(xs.baseAddress!, $0.baseAddress!, x.count) } }
    return y
  }

  static let exp: @Sendable (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void = { VectorMath.exp($0, into: $1, count: $2) }
  static let log1p: @Sendable (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void = { VectorMath.log1p($0, into: $1, count: $2) }

  /// Values spread over [lo, hi] by a fixed generator (and its end points).
  static func sample(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    return [lo, hi] + (0..<count).map { _ in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return lo + (hi - lo) * Double(state >> 11) / Double(1 << 53)
    }
  }

  static let expSSE: @Sendable (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void = { candor_vector_exp_sse($0, $1, $2) }
  static let log1pSSE: @Sendable (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void = { candor_vector_log1p_sse($0, $1, $2) }

  /// The largest distance in ulp between `f` over `x` and libm's `reference`, on the main
  /// path and on the 2-wide one (what machines without AVX2 run).
  static func worstUlps(_ x: [Double], _ paths: [(kernel: @Sendable (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void, name: String)],
                        reference: (Double) -> Double) -> [String: UInt64] {
    var worst: [String: UInt64] = [:]
    for path in paths {
      let y = apply(path.kernel, x)
      worst[path.name] = zip(x, y).map { ulps($1, reference($0)) }.max() ?? 0
    }
    return worst
  }

  /// Measured here (AVX2): exp 2 ulp, log1p 3 ulp at worst.
  @Test func expIsWithinFourUlpOfLibm() {
    let x = Self.sample(-708, 709, count: 200_000) + Self.sample(-40, 40, count: 100_000) + Self.sample(-1e-8, 1e-8, count: 1_000)
    let worst = Self.worstUlps(x, [(Self.exp, "main path (\(VectorMath.path))"), (Self.expSSE, "2-wide routine")], reference: { Foundation.exp($0) })
    #expect(worst.count == 2 && worst.values.allSatisfy { $0 <= 4 }, "\(worst)")
  }

  @Test func log1pIsWithinFourUlpOfLibm() {
    let x = Self.sample(-0.999_999, 1e6, count: 200_000) + Self.sample(-1e-9, 1e-9, count: 1_000)
      + Self.sample(0, 1e300, count: 10_000) + Self.sample(-0.5, 0.5, count: 100_000)
    let worst = Self.worstUlps(x, [(Self.log1p, "main path (\(VectorMath.path))"), (Self.log1pSSE, "2-wide routine")], reference: { Foundation.log1p($0) })
    #expect(worst.count == 2 && worst.values.allSatisfy { $0 <= 4 }, "\(worst)")
  }

  @Test func specialValuesAreLibms() {
    let x: [Double] = [0, -0.0, .infinity, -.infinity, 800, -800, -1, 1e-320, .nan]
    let e = Self.apply(Self.exp, x), l = Self.apply(Self.log1p, x)
    #expect(e[0] == 1 && e[1] == 1 && e[2] == .infinity && e[3] == 0 && e[4] == .infinity && e[5] == 0)
    #expect(Self.ulps(e[6], Foundation.exp(-1)) <= 4)
    #expect(e[8].isNaN)
    #expect(l[0] == 0 && l[2] == .infinity && l[3].isNaN && Self.ulps(l[4], Foundation.log1p(800)) <= 4 && l[5].isNaN && l[6] == -.infinity)
    #expect(l[7] == 1e-320 && l[8].isNaN)
  }

  /// The same value gives the same bits alone, in a short tail, or anywhere in a long
  /// buffer, and in place.
  @Test func anElementsResultDoesNotDependOnItsPlace() {
    let x = Self.sample(-30, 30, count: 37)
    for f in [Self.exp, Self.log1p, Self.expSSE, Self.log1pSSE] {
      let whole = Self.apply(f, x.map(abs))
      for n in 1...9 {
        let part = Self.apply(f, Array(x.map(abs).suffix(n)))
        #expect(zip(part, whole.suffix(n)).allSatisfy { $0.bitPattern == $1.bitPattern })
      }
      let alone = x.map(abs).map { Self.apply(f, [$0])[0] }
      #expect(zip(alone, whole).allSatisfy { $0.bitPattern == $1.bitPattern })
      var inPlace = x.map(abs)
      inPlace.withUnsafeMutableBufferPointer { f(UnsafePointer($0.baseAddress!), $0.baseAddress!, $0.count) }
      #expect(zip(inPlace, whole).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
    #expect(Self.apply(Self.exp, []) == [])
  }
}
