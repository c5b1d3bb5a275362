internal import CVectorMath

/// Element-wise `exp` and `log1p` over buffers, several elements per call: glibc's vector
/// math library (libmvec) on x86-64 Linux — four doubles at a time with AVX2 and FMA, two
/// with SSE — and the scalar functions elsewhere. For loops over many rows whose time is
/// in these functions (the logistic model's passes: ~40 % of them in scalar exp, log and
/// log1p at 1M rows).
///
/// Results are within 4 ulp of the correctly rounded value (libmvec's documented bound;
/// `VectorMathTests` checks the distance from the scalar functions), so not always the
/// scalar functions' bits. An element's result depends only on its value, never on where
/// it sits in the buffer (a short tail is padded to a full vector): results do not change
/// with how a caller splits its rows into blocks or threads.
public enum VectorMath {
  /// `y[i] = exp(x[i])` for `i < count`; `x` and `y` may be the same buffer.
  @inlinable
  public static func exp(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
    vectorExp(x, y, count)
  }

  /// `y[i] = log1p(x[i])` for `i < count`; `x` and `y` may be the same buffer.
  @inlinable
  public static func log1p(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
    vectorLog1p(x, y, count)
  }

  /// Which routines run here: `"avx2"` (libmvec, 4 lanes), `"sse"` (libmvec, 2 lanes) or
  /// `"scalar"` (libm).
  public static var path: String {
    switch candor_vector_math_path() {
    case 1: return "avx2"
    case 2: return "sse"
    default: return "scalar"
    }
  }

  @usableFromInline static func vectorExp(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    if n > 0 { candor_vector_exp(x, y, n) }
  }

  @usableFromInline static func vectorLog1p(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    if n > 0 { candor_vector_log1p(x, y, n) }
  }
}
