import Testing
@testable import CandorNumerics

/// Naive references: plain loops, no BLAS.
enum Naive {
  static func random(_ r: Int, _ c: Int, _ g: inout SeededGenerator) -> Matrix {
    var m = Matrix(rows: r, columns: c)
    for k in m.storage.indices { m.storage[k] = Double.random(in: -1...1, using: &g) }
    return m
  }

  static func multiply(_ a: Matrix, _ b: Matrix) -> Matrix {
    precondition(a.columns == b.rows)
    var c = Matrix(rows: a.rows, columns: b.columns)
    for i in 0..<a.rows {
      for j in 0..<b.columns {
        var s = 0.0
        for k in 0..<a.columns { s += a[i, k] * b[k, j] }
        c[i, j] = s
      }
    }
    return c
  }

  static func transpose(_ a: Matrix) -> Matrix {
    var t = Matrix(rows: a.columns, columns: a.rows)
    for i in 0..<a.rows { for j in 0..<a.columns { t[j, i] = a[i, j] } }
    return t
  }

  /// A random symmetric positive-definite matrix: BᵀB + n·I.
  static func spd(_ n: Int, _ g: inout SeededGenerator) -> Matrix {
    let b = random(n + 2, n, &g)
    var a = multiply(transpose(b), b)
    for i in 0..<n { a[i, i] += Double(n) }
    return a
  }

  static func maxAbs(_ a: Matrix, _ b: Matrix) -> Double {
    precondition(a.rows == b.rows && a.columns == b.columns)
    var d = 0.0
    for k in a.storage.indices { d = max(d, abs(a.storage[k] - b.storage[k])) }
    return d
  }
}

@Suite struct LinearAlgebraTests {
  /// Shapes (m, k, n) including 1×1 and wide (p > n) cases.
  static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (3, 5, 2), (7, 4, 9), (2, 30, 3), (25, 25, 25), (40, 3, 1)]

  @Test func multiplyMatchesNaiveLoopsForEveryTransposeCombination() {
    var g = SeededGenerator(seed: 1)
    for (m, k, n) in Self.shapes {
      let a = Naive.random(m, k, &g), b = Naive.random(k, n, &g)
      let expected = Naive.multiply(a, b)
      #expect(Naive.maxAbs(LinearAlgebra.multiply(a, b), expected) < 1e-13)
      #expect(Naive.maxAbs(a * b, expected) < 1e-13)
      let at = Naive.transpose(a), bt = Naive.transpose(b)
      #expect(Naive.maxAbs(LinearAlgebra.multiply(at, b, transposeA: true), expected) < 1e-13)
      #expect(Naive.maxAbs(LinearAlgebra.multiply(a, bt, transposeB: true), expected) < 1e-13)
      #expect(Naive.maxAbs(LinearAlgebra.multiply(at, bt, transposeA: true, transposeB: true), expected) < 1e-13)
    }
  }

  @Test func matrixVectorProductMatchesNaiveLoops() {
    var g = SeededGenerator(seed: 2)
    for (m, n, _) in Self.shapes {
      let a = Naive.random(m, n, &g)
      let x = (0..<n).map { _ in Double.random(in: -1...1, using: &g) }
      let y = LinearAlgebra.multiply(a, x)
      let expected = Naive.multiply(a, Matrix(rows: n, columns: 1, columnMajor: x)).storage
      #expect(zip(y, expected).allSatisfy { abs($0 - $1) < 1e-13 })
      let z = (0..<m).map { _ in Double.random(in: -1...1, using: &g) }
      let yt = LinearAlgebra.multiply(a, z, transpose: true)
      let expectedT = Naive.multiply(Naive.transpose(a), Matrix(rows: m, columns: 1, columnMajor: z)).storage
      #expect(yt.count == n)
      #expect(zip(yt, expectedT).allSatisfy { abs($0 - $1) < 1e-13 })
    }
  }

  @Test func crossProductMatchesNaiveLoopsIncludingWideMatrices() {
    var g = SeededGenerator(seed: 3)
    for (r, c) in [(1, 1), (10, 4), (3, 8), (50, 50), (200, 7)] {
      let a = Naive.random(r, c, &g)
      let expected = Naive.multiply(Naive.transpose(a), a)
      let got = LinearAlgebra.crossProduct(a)
      #expect(Naive.maxAbs(got, expected) < 1e-12)
      #expect(got == got.transposed)
    }
  }

  @Test func symmetricEigenReconstructsTheMatrixInDescendingOrder() throws {
    var g = SeededGenerator(seed: 4)
    for n in [1, 2, 5, 17] {
      let b = Naive.random(n, n, &g)
      let a = Naive.multiply(b, Naive.transpose(b)) + Naive.random(1, 1, &g)[0, 0] * Matrix.identity(n)
      let (values, vectors) = try LinearAlgebra.symmetricEigen(a)
      #expect(values.count == n)
      #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
      let reconstructed = Naive.multiply(Naive.multiply(vectors, Matrix.diagonal(values)), Naive.transpose(vectors))
      #expect(Naive.maxAbs(reconstructed, a) < 1e-12)
      #expect(Naive.maxAbs(Naive.multiply(Naive.transpose(vectors), vectors), Matrix.identity(n)) < 1e-12)
      let only = try LinearAlgebra.symmetricEigenvalues(a)
      #expect(zip(only, values).allSatisfy { abs($0 - $1) < 1e-12 })
      // Trace = sum of eigenvalues.
      #expect(abs(values.reduce(0, +) - a.trace) < 1e-12)
    }
  }

  @Test func choleskyFactorIsUpperAndReconstructsTheMatrix() throws {
    var g = SeededGenerator(seed: 5)
    for n in [1, 3, 12] {
      let a = Naive.spd(n, &g)
      let u = try LinearAlgebra.cholesky(a)
      for j in 0..<n { for i in (j + 1)..<max(j + 1, n) { #expect(u[i, j] == 0) } }
      for i in 0..<n { #expect(u[i, i] > 0) }
      #expect(Naive.maxAbs(Naive.multiply(Naive.transpose(u), u), a) < 1e-11)
    }
  }

  @Test func inverseSPDTimesMatrixIsIdentity() throws {
    var g = SeededGenerator(seed: 6)
    for n in [1, 4, 15] {
      let a = Naive.spd(n, &g)
      let inv = try LinearAlgebra.inverseSPD(a)
      #expect(inv == inv.transposed)
      #expect(Naive.maxAbs(Naive.multiply(a, inv), Matrix.identity(n)) < 1e-12)
    }
  }

  @Test func solveAndSolveSPDSatisfyTheSystem() throws {
    var g = SeededGenerator(seed: 7)
    for (n, rhs) in [(1, 1), (5, 3), (20, 2)] {
      var a = Naive.random(n, n, &g)
      for i in 0..<n { a[i, i] += Double(n) }  // well conditioned
      let b = Naive.random(n, rhs, &g)
      let x = try LinearAlgebra.solve(a, b)
      #expect(Naive.maxAbs(Naive.multiply(a, x), b) < 1e-12)
      let s = Naive.spd(n, &g)
      let y = try LinearAlgebra.solveSPD(s, b)
      #expect(Naive.maxAbs(Naive.multiply(s, y), b) < 1e-11)
    }
  }

  @Test func svdReconstructsTallAndWideMatrices() throws {
    var g = SeededGenerator(seed: 8)
    for (m, n) in [(1, 1), (6, 3), (3, 6), (30, 30), (4, 40)] {
      let a = Naive.random(m, n, &g)
      let (u, s, vt) = try LinearAlgebra.svd(a)
      let k = min(m, n)
      #expect(u.rows == m && u.columns == k && vt.rows == k && vt.columns == n && s.count == k)
      #expect(zip(s, s.dropFirst()).allSatisfy { $0 >= $1 })
      #expect(s.allSatisfy { $0 >= 0 })
      #expect(Naive.maxAbs(Naive.multiply(Naive.multiply(u, Matrix.diagonal(s)), vt), a) < 1e-12)
      #expect(Naive.maxAbs(Naive.multiply(Naive.transpose(u), u), Matrix.identity(k)) < 1e-12)
      // Singular values squared are the eigenvalues of AᵀA (or AAᵀ), largest first.
      let gram = m >= n ? Naive.multiply(Naive.transpose(a), a) : Naive.multiply(a, Naive.transpose(a))
      let ev = try LinearAlgebra.symmetricEigenvalues(gram)
      #expect(zip(s, ev).allSatisfy { abs($0 * $0 - $1) < 1e-11 })
    }
  }

  // MARK: Error paths

  @Test func choleskyReportsTheFailingLeadingMinor() {
    // Leading minors: 1, 2, then det of the 3×3 block is negative.
    let a = Matrix([[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, -1, 0], [0, 0, 0, 4]])
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 3)) { try LinearAlgebra.cholesky(a) }
    let b = Matrix([[1, 2], [2, 1]])  // minor 2: 1 − 4 < 0
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 2)) { try LinearAlgebra.cholesky(b) }
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 2)) { try LinearAlgebra.inverseSPD(b) }
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 2)) {
      try LinearAlgebra.solveSPD(b, Matrix([[1], [1]]))
    }
    #expect(LinearAlgebraError.notPositiveDefinite(leadingMinor: 3).description
              == "matrix is not positive definite: leading minor 3 is not positive")
  }

  @Test func singularSolveReportsThePivot() {
    let a = Matrix([[1, 2], [2, 4]])
    #expect(throws: LinearAlgebraError.singular(pivot: 2)) { try LinearAlgebra.solve(a, Matrix([[1], [2]])) }
    let z = Matrix([[0, 0, 0], [0, 1, 0], [0, 0, 1]])
    #expect(throws: LinearAlgebraError.singular(pivot: 1)) { try LinearAlgebra.solve(z, Matrix.identity(3)) }
  }

  @Test func nonFiniteInputIsRejectedBeforeLAPACK() {
    var a = Matrix.identity(3)
    a[1, 2] = .nan
    #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dpotrf")) { try LinearAlgebra.cholesky(a) }
    #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dpotrf")) { try LinearAlgebra.inverseSPD(a) }
    #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dgesv")) { try LinearAlgebra.solve(a, Matrix.identity(3)) }
    #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dposv")) { try LinearAlgebra.solveSPD(a, Matrix.identity(3)) }
    #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dsyevr")) { try LinearAlgebra.symmetricEigen(a) }
    #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dsyevr")) { try LinearAlgebra.symmetricEigenvalues(a) }
    a[1, 2] = .infinity
    #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dgesdd")) { try LinearAlgebra.svd(a) }
    #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dgesv")) {
      try LinearAlgebra.solve(Matrix.identity(3), a)
    }
  }
}
