import Foundation

/// A dense, column-major matrix of `Double`.
///
/// Column-major storage matches BLAS/LAPACK, so a `Matrix` is passed to them
/// without copying or transposing. Element `(i, j)` lives at `storage[i + j * rows]`.
///
/// ```swift
/// var r = Matrix.identity(3)
/// r[0, 1] = 0.4; r[1, 0] = 0.4
/// let e = try r.symmetricEigen()   // eigenvalues in descending order
/// ```
public struct Matrix: Equatable, Hashable, Sendable {
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let columns: Int
  /// Elements in column-major order (`rows * columns` values).
  public var storage: [Double]

  /// Creates a `rows × columns` matrix filled with `value`.
  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative, got \(rows)×\(columns)")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: value, count: rows * columns)
  }

  /// Creates a matrix from column-major storage.
  public init(rows: Int, columns: Int, columnMajor storage: [Double]) {
    precondition(storage.count == rows * columns,
                 "a \(rows)×\(columns) matrix needs \(rows * columns) values, got \(storage.count)")
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// Creates a matrix from an array of rows (the way matrices are written on paper).
  public init(_ rowArrays: [[Double]]) {
    let r = rowArrays.count
    let c = rowArrays.first?.count ?? 0
    self.init(rows: r, columns: c)
    for (i, row) in rowArrays.enumerated() {
      precondition(row.count == c, "row \(i) has \(row.count) values, row 0 has \(c)")
      for j in 0..<c { storage[i + j * r] = row[j] }
    }
  }

  /// The `n × n` identity matrix.
  public static func identity(_ n: Int) -> Matrix {
    var m = Matrix(rows: n, columns: n)
    for i in 0..<n { m.storage[i + i * n] = 1 }
    return m
  }

  /// A square matrix with `values` on the diagonal.
  public static func diagonal(_ values: [Double]) -> Matrix {
    var m = Matrix(rows: values.count, columns: values.count)
    for (i, v) in values.enumerated() { m.storage[i + i * values.count] = v }
    return m
  }

  /// Element at row `i`, column `j`.
  @inlinable
  public subscript(i: Int, j: Int) -> Double {
    get { storage[i + j * rows] }
    set { storage[i + j * rows] = newValue }
  }

  /// Whether the matrix has as many rows as columns.
  public var isSquare: Bool { rows == columns }

  /// The diagonal elements.
  public var diagonal: [Double] {
    (0..<min(rows, columns)).map { self[$0, $0] }
  }

  /// Column `j` as an array.
  public func column(_ j: Int) -> [Double] {
    Array(storage[(j * rows)..<((j + 1) * rows)])
  }

  /// Row `i` as an array.
  public func row(_ i: Int) -> [Double] {
    (0..<columns).map { self[i, $0] }
  }

  /// Rows as arrays (for printing and tests).
  public var rowArrays: [[Double]] { (0..<rows).map { row($0) } }

  /// The transpose.
  /// - Complexity: O(rows × columns).
  public var transposed: Matrix {
    var t = Matrix(rows: columns, columns: rows)
    for j in 0..<columns { for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] } }
    return t
  }

  /// The sub-matrix with the given rows and columns, in the order given.
  public func submatrix(rows rowIndices: [Int], columns columnIndices: [Int]) -> Matrix {
    var m = Matrix(rows: rowIndices.count, columns: columnIndices.count)
    for (jj, j) in columnIndices.enumerated() {
      for (ii, i) in rowIndices.enumerated() { m.storage[ii + jj * rowIndices.count] = self[i, j] }
    }
    return m
  }

  /// The symmetric sub-matrix on `indices` (rows and columns).
  public func principalSubmatrix(_ indices: [Int]) -> Matrix {
    submatrix(rows: indices, columns: indices)
  }

  /// Copies the upper triangle into the lower one (BLAS `syrk` and LAPACK
  /// `potri` fill only one triangle).
  public mutating func symmetrizeFromUpper() {
    precondition(isSquare, "only a square matrix can be symmetrized, got \(rows)×\(columns)")
    for j in 0..<columns { for i in (j + 1)..<max(j + 1, rows) { self[i, j] = self[j, i] } }
  }

  /// Sum of the diagonal.
  public var trace: Double { diagonal.reduce(0, +) }

  /// Sum of all elements.
  public var sum: Double { storage.reduce(0, +) }

  /// Largest absolute difference to `other` (same shape).
  public func maxAbsDifference(_ other: Matrix) -> Double {
    precondition(rows == other.rows && columns == other.columns,
                 "cannot compare \(rows)×\(columns) with \(other.rows)×\(other.columns)")
    var d = 0.0
    for k in storage.indices { d = max(d, abs(storage[k] - other.storage[k])) }
    return d
  }

  /// Element-wise sum.
  public static func + (a: Matrix, b: Matrix) -> Matrix {
    precondition(a.rows == b.rows && a.columns == b.columns,
                 "cannot add \(a.rows)×\(a.columns) and \(b.rows)×\(b.columns)")
    var c = a
    for k in c.storage.indices { c.storage[k] += b.storage[k] }
    return c
  }

  /// Element-wise difference.
  public static func - (a: Matrix, b: Matrix) -> Matrix {
    precondition(a.rows == b.rows && a.columns == b.columns,
                 "cannot subtract \(b.rows)×\(b.columns) from \(a.rows)×\(a.columns)")
    var c = a
    for k in c.storage.indices { c.storage[k] -= b.storage[k] }
    return c
  }

  /// Scalar multiple.
  public static func * (s: Double, a: Matrix) -> Matrix {
    var c = a
    for k in c.storage.indices { c.storage[k] *= s }
    return c
  }

  /// Matrix product through BLAS `dgemm`.
  public static func * (a: Matrix, b: Matrix) -> Matrix {
    LinearAlgebra.multiply(a, b)
  }
}

extension Matrix: CustomStringConvertible {
  public var description: String {
    rowArrays.map { $0.map { String(format: "%10.6f", $0) }.joined(separator: " ") }.joined(separator: "\n")
  }
}
