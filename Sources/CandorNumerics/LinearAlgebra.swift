internal import CLAPACK

/// BLAS and LAPACK behind Swift signatures that use `Int`, `Double` and ``Matrix``.
///
/// Every LAPACK `info` becomes a ``LinearAlgebraError``; shape mistakes are
/// programmer errors and stop with both shapes in the message.
public enum LinearAlgebra {
  // MARK: BLAS level 3 / 2

  /// `C = op(A) · op(B)` through `dgemm`.
  /// - Complexity: O(m·n·k).
  public static func multiply(_ a: Matrix, _ b: Matrix, transposeA: Bool = false,
                              transposeB: Bool = false) -> Matrix {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let kb = transposeB ? b.columns : b.rows
    let n = transposeB ? b.rows : b.columns
    precondition(k == kb, "cannot multiply \(m)×\(k) by \(kb)×\(n)")
    var c = Matrix(rows: m, columns: n)
    if m == 0 || n == 0 || k == 0 { return c }
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        c.storage.withUnsafeMutableBufferPointer { pc in
          cblas_dgemm(CblasColMajor, transposeA ? CblasTrans : CblasNoTrans,
                      transposeB ? CblasTrans : CblasNoTrans,
                      Int32(m), Int32(n), Int32(k), 1.0, pa.baseAddress, Int32(max(1, a.rows)),
                      pb.baseAddress, Int32(max(1, b.rows)), 0.0, pc.baseAddress, Int32(max(1, m)))
        }
      }
    }
    return c
  }

  /// `AᵀA` (symmetric, both triangles filled) through `dsyrk`.
  /// - Complexity: O(n·p²) for an n×p matrix.
  public static func crossProduct(_ a: Matrix) -> Matrix {
    var c = Matrix(rows: a.columns, columns: a.columns)
    a.storage.withUnsafeBufferPointer { pa in
      c.storage.withUnsafeMutableBufferPointer { pc in
        syrkUpper(rows: a.rows, columns: a.columns, a: pa.baseAddress!, lda: a.rows,
                  alpha: 1, beta: 0, c: pc.baseAddress!, ldc: a.columns)
      }
    }
    c.symmetrizeFromUpper()
    return c
  }

  /// Raw `C ← α·AᵀA + β·C` (upper triangle only) on column-major storage; the
  /// hot path of the co-moment accumulator.
  @inline(__always)
  static func syrkUpper(rows n: Int, columns p: Int, a: UnsafePointer<Double>, lda: Int,
                        alpha: Double, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
    if n == 0 || p == 0 { return }
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(p), Int32(n), alpha, a,
                Int32(max(1, lda)), beta, c, Int32(max(1, ldc)))
  }

  /// Raw single-precision `C ← AᵀA` (upper triangle only). Exact for small
  /// integers: sums stay below 2²⁴.
  @inline(__always)
  static func ssyrkUpper(rows n: Int, columns p: Int, a: UnsafePointer<Float>, lda: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int) {
    if n == 0 || p == 0 { return }
    cblas_ssyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(p), Int32(n), 1, a,
                Int32(max(1, lda)), 0, c, Int32(max(1, ldc)))
  }

  /// Raw single-precision `C ← AᵀB` (all entries) on column-major storage.
  @inline(__always)
  static func sgemmTN(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 || k == 0 { return }
    cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a,
                Int32(max(1, lda)), b, Int32(max(1, ldb)), 0, c, Int32(max(1, ldc)))
  }

  /// Raw double-precision `C ← α·AᵀB + β·C`.
  @inline(__always)
  static func dgemmTN(m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                      b: UnsafePointer<Double>, ldb: Int, beta: Double,
                      c: UnsafeMutablePointer<Double>, ldc: Int) {
    if m == 0 || n == 0 || k == 0 { return }
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a,
                Int32(max(1, lda)), b, Int32(max(1, ldb)), beta, c, Int32(max(1, ldc)))
  }

  /// `y = op(A) · x` through `dgemv`.
  public static func multiply(_ a: Matrix, _ x: [Double], transpose: Bool = false) -> [Double] {
    let inner = transpose ? a.rows : a.columns
    let outer = transpose ? a.columns : a.rows
    precondition(x.count == inner, "cannot multiply \(transpose ? "transposed " : "")\(a.rows)×\(a.columns) by a vector of \(x.count)")
    var y = [Double](repeating: 0, count: outer)
    if outer == 0 || inner == 0 { return y }
    a.storage.withUnsafeBufferPointer { pa in
      x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
          cblas_dgemv(CblasColMajor, transpose ? CblasTrans : CblasNoTrans, Int32(a.rows),
                      Int32(a.columns), 1, pa.baseAddress, Int32(max(1, a.rows)), px.baseAddress, 1,
                      0, py.baseAddress, 1)
        }
      }
    }
    return y
  }

  // MARK: LAPACK

  /// Eigen-decomposition of a symmetric matrix (`dsyevr`, upper triangle read).
  ///
  /// - Returns: eigenvalues in **descending** order (psych's convention) and the
  ///   matching unit eigenvectors as columns.
  /// - Throws: ``LinearAlgebraError`` when the input is not finite or `dsyevr` fails.
  public static func symmetricEigen(_ a: Matrix) throws -> (values: [Double], vectors: Matrix) {
    precondition(a.isSquare, "eigen-decomposition needs a square matrix, got \(a.rows)×\(a.columns)")
    let n = a.rows
    if n == 0 { return ([], Matrix(rows: 0, columns: 0)) }
    try requireFinite(a.storage, routine: "dsyevr")
    var work = a.storage
    var w = [Double](repeating: 0, count: n)
    var z = [Double](repeating: 0, count: n * n)
    var isuppz = [Int32](repeating: 0, count: 2 * n)
    var m: Int32 = 0
    let info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "A")),
                              CChar(UInt8(ascii: "U")), Int32(n), &work, Int32(n), 0, 0, 0, 0, 0,
                              &m, &w, &z, Int32(n), &isuppz)
    try check(info, routine: "dsyevr")
    // LAPACK returns ascending order; psych and every report want descending.
    var values = [Double](repeating: 0, count: n)
    var vectors = Matrix(rows: n, columns: n)
    for k in 0..<n {
      let src = n - 1 - k
      values[k] = w[src]
      for i in 0..<n { vectors.storage[i + k * n] = z[i + src * n] }
    }
    return (values, vectors)
  }

  /// Eigenvalues only of a symmetric matrix, descending.
  public static func symmetricEigenvalues(_ a: Matrix) throws -> [Double] {
    precondition(a.isSquare, "eigenvalues need a square matrix, got \(a.rows)×\(a.columns)")
    let n = a.rows
    if n == 0 { return [] }
    try requireFinite(a.storage, routine: "dsyevr")
    var work = a.storage
    var w = [Double](repeating: 0, count: n)
    var z = [Double](repeating: 0, count: 1)
    var isuppz = [Int32](repeating: 0, count: 2 * n)
    var m: Int32 = 0
    let info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "A")),
                              CChar(UInt8(ascii: "U")), Int32(n), &work, Int32(n), 0, 0, 0, 0, 0,
                              &m, &w, &z, 1, &isuppz)
    try check(info, routine: "dsyevr")
    return w.reversed()
  }

  /// Upper Cholesky factor `U` with `A = UᵀU` (`dpotrf`); the lower triangle is zero.
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinor:)``.
  public static func cholesky(_ a: Matrix) throws -> Matrix {
    precondition(a.isSquare, "Cholesky needs a square matrix, got \(a.rows)×\(a.columns)")
    let n = a.rows
    if n == 0 { return a }
    try requireFinite(a.storage, routine: "dpotrf")
    var u = a
    let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), &u.storage, Int32(n))
    try check(info, routine: "dpotrf", positive: { .notPositiveDefinite(leadingMinor: $0) })
    for j in 0..<n { for i in (j + 1)..<max(j + 1, n) { u[i, j] = 0 } }
    return u
  }

  /// Inverse of a symmetric positive-definite matrix (`dpotrf` + `dpotri`).
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinor:)``.
  public static func inverseSPD(_ a: Matrix) throws -> Matrix {
    precondition(a.isSquare, "an inverse needs a square matrix, got \(a.rows)×\(a.columns)")
    let n = a.rows
    if n == 0 { return a }
    try requireFinite(a.storage, routine: "dpotrf")
    var c = a
    var info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), &c.storage, Int32(n))
    try check(info, routine: "dpotrf", positive: { .notPositiveDefinite(leadingMinor: $0) })
    info = LAPACKE_dpotri(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), &c.storage, Int32(n))
    try check(info, routine: "dpotri", positive: { .singular(pivot: $0) })
    c.symmetrizeFromUpper()
    return c
  }

  /// Solves `A X = B` for a general square `A` (`dgesv`, LU with partial pivoting).
  /// - Throws: ``LinearAlgebraError/singular(pivot:)``.
  public static func solve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
    precondition(a.isSquare, "solve needs a square matrix, got \(a.rows)×\(a.columns)")
    precondition(b.rows == a.rows, "cannot solve \(a.rows)×\(a.columns) against \(b.rows)×\(b.columns)")
    let n = a.rows
    if n == 0 || b.columns == 0 { return b }
    try requireFinite(a.storage, routine: "dgesv")
    try requireFinite(b.storage, routine: "dgesv")
    var lu = a
    var x = b
    var ipiv = [Int32](repeating: 0, count: n)
    let info = LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(n), Int32(b.columns), &lu.storage, Int32(n),
                             &ipiv, &x.storage, Int32(n))
    try check(info, routine: "dgesv", positive: { .singular(pivot: $0) })
    return x
  }

  /// Solves `A X = B` for symmetric positive-definite `A` (`dposv`, Cholesky).
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinor:)``.
  public static func solveSPD(_ a: Matrix, _ b: Matrix) throws -> Matrix {
    precondition(a.isSquare, "solve needs a square matrix, got \(a.rows)×\(a.columns)")
    precondition(b.rows == a.rows, "cannot solve \(a.rows)×\(a.columns) against \(b.rows)×\(b.columns)")
    let n = a.rows
    if n == 0 || b.columns == 0 { return b }
    try requireFinite(a.storage, routine: "dposv")
    try requireFinite(b.storage, routine: "dposv")
    var f = a
    var x = b
    let info = LAPACKE_dposv(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), Int32(b.columns),
                             &f.storage, Int32(n), &x.storage, Int32(n))
    try check(info, routine: "dposv", positive: { .notPositiveDefinite(leadingMinor: $0) })
    return x
  }

  /// Thin singular value decomposition `A = U·diag(s)·Vᵀ` (`dgesdd`).
  ///
  /// - Returns: `u` (m×k), `s` (k values, descending) and `vt` (k×n), k = min(m, n).
  public static func svd(_ a: Matrix) throws -> (u: Matrix, s: [Double], vt: Matrix) {
    let m = a.rows, n = a.columns, k = min(m, n)
    if k == 0 { return (Matrix(rows: m, columns: 0), [], Matrix(rows: 0, columns: n)) }
    try requireFinite(a.storage, routine: "dgesdd")
    var work = a.storage
    var s = [Double](repeating: 0, count: k)
    var u = Matrix(rows: m, columns: k)
    var vt = Matrix(rows: k, columns: n)
    let info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), &work,
                              Int32(m), &s, &u.storage, Int32(m), &vt.storage, Int32(k))
    try check(info, routine: "dgesdd")
    return (u, s, vt)
  }

  // MARK: info → errors

  private static func requireFinite(_ values: [Double], routine: String) throws {
    for v in values where !v.isFinite { throw LinearAlgebraError.nonFiniteInput(routine: routine) }
  }

  private static func check(_ info: Int32, routine: String,
                            positive: ((Int) -> LinearAlgebraError)? = nil) throws {
    if info == 0 { return }
    if info == -1010 || info == -1011 { throw LinearAlgebraError.outOfMemory(routine: routine) }
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: routine, position: Int(-info)) }
    if let positive { throw positive(Int(info)) }
    throw LinearAlgebraError.didNotConverge(routine: routine, info: Int(info))
  }
}
