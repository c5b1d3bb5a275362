import Foundation
import CandorNumerics

/// The ten basic values of Schwartz's circle, in theoretical circular order
/// (Schwartz 1992; Schwartz et al. 2012): adjacent values are compatible,
/// opposite ones conflict. Conformity and tradition share a wedge.
public enum SchwartzValue: String, Codable, Sendable, CaseIterable {
  case selfDirection = "self_direction", stimulation, hedonism, achievement, power, security,
       conformity, tradition, benevolence, universalism
}

/// Classical MDS of value (or item) correlations: the `values[].mds` object of JSON §7.
public struct ValuesStructureResult: Codable, Sendable, Equatable {
  /// Two-dimensional coordinates per label, in input order.
  public var coordinates: ItemMap<[Double]>
  /// Kruskal stress-1 of the configuration against the input distances.
  public var stress: Double
  /// Whether the ten values' angular order matches the theoretical circle
  /// (up to rotation and reflection, conformity/tradition may swap); nil when
  /// the ten values are not all present.
  public var orderMatchesTheory: Bool?

  enum CodingKeys: String, CodingKey { case coordinates, stress, orderMatchesTheory }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(coordinates, forKey: .coordinates)
    try c.encode(stress, forKey: .stress)
    try c.encode(orderMatchesTheory, forKey: .orderMatchesTheory)
  }
}

/// Torgerson's classical multidimensional scaling and the circle criterion.
public enum ValuesStructure {
  /// Distances from correlations, d = √(2(1 − r)): the Euclidean distance of
  /// standardised variables divided by √(n − 1), the usual choice of MDS
  /// users (`cmdscale(sqrt(2 * (1 - R)))`, smacof's `sim2diss(method = "corr")`).
  public static func distances(fromCorrelation r: Matrix) -> Matrix {
    var d = Matrix(rows: r.rows, columns: r.columns)
    for j in 0..<r.columns { for i in 0..<r.rows where i != j { d[i, j] = (2 * max(1 - r[i, j], 0)).squareRoot() } }
    return d
  }

  /// Classical (Torgerson) MDS in `dimensions` dimensions: B = −½·J·D²·J with
  /// J = I − 11ᵀ/n, X = V·diag(√λ) from the top eigenpairs (R `cmdscale`).
  public static func classicalScaling(distances d: Matrix, dimensions: Int = 2) throws -> Matrix {
    let n = d.rows
    var b = Matrix(rows: n, columns: n)
    var rowMeans = [Double](repeating: 0, count: n)
    var grand = 0.0
    for j in 0..<n { for i in 0..<n { let s = d[i, j] * d[i, j]; b[i, j] = s; rowMeans[i] += s / Double(n); grand += s } }
    grand /= Double(n * n)
    for j in 0..<n { for i in 0..<n { b[i, j] = -0.5 * (b[i, j] - rowMeans[i] - rowMeans[j] + grand) } }
    let (values, vectors) = try LinearAlgebra.symmetricEigen(b)
    var x = Matrix(rows: n, columns: dimensions)
    for k in 0..<dimensions {
      let s = max(values[k], 0).squareRoot()
      for i in 0..<n { x[i, k] = vectors[i, k] * s }
    }
    return x
  }

  /// Kruskal stress-1 √(Σ(dᵢⱼ − d̂ᵢⱼ)²/Σdᵢⱼ²), d̂ the configuration's Euclidean distances.
  public static func stress1(distances d: Matrix, configuration x: Matrix) -> Double {
    var num = 0.0, den = 0.0
    for j in 0..<d.columns {
      for i in 0..<j {
        var s = 0.0
        for k in 0..<x.columns { let t = x[i, k] - x[j, k]; s += t * t }
        let e = d[i, j] - s.squareRoot()
        num += e * e
        den += d[i, j] * d[i, j]
      }
    }
    return (num / den).squareRoot()
  }

  /// Whether the angular order of the ten values equals the theoretical order
  /// up to rotation and reflection, conformity and tradition allowed to swap.
  /// - Returns: nil unless all ten values have an angle.
  public static func orderMatchesTheory(angles: [SchwartzValue: Double]) -> Bool? {
    guard Set(angles.keys) == Set(SchwartzValue.allCases) else { return nil }
    let observed = angles.sorted { $0.value < $1.value }.map(\.key)
    let theory = SchwartzValue.allCases
    var swapped = theory
    swapped.swapAt(6, 7)
    for reference in [theory, swapped] {
      for sequence in [observed, observed.reversed()] {
        guard let start = sequence.firstIndex(of: reference[0]) else { continue }
        let rotated = Array(sequence[start...] + sequence[..<start])
        if rotated == reference { return true }
      }
    }
    return false
  }

  /// MDS of a correlation matrix with `labels`. When `valueOfLabel` maps each
  /// label to a value (item-level MDS), a value's angle is the circular mean
  /// of its items' angles; otherwise labels themselves are value names.
  public static func analyze(correlation r: Matrix, labels: [String],
                             valueOfLabel: [String: SchwartzValue]? = nil) throws -> ValuesStructureResult {
    precondition(labels.count == r.rows, "\(labels.count) labels for a \(r.rows)×\(r.columns) matrix")
    let d = distances(fromCorrelation: r)
    let x = try classicalScaling(distances: d)
    let stress = stress1(distances: d, configuration: x)
    var sums: [SchwartzValue: (Double, Double)] = [:]
    for (i, label) in labels.enumerated() {
      guard let value = valueOfLabel?[label] ?? SchwartzValue(rawValue: label) else { continue }
      let norm = (x[i, 0] * x[i, 0] + x[i, 1] * x[i, 1]).squareRoot()
      guard norm > 0 else { continue }
      let s = sums[value] ?? (0, 0)
      sums[value] = (s.0 + x[i, 0] / norm, s.1 + x[i, 1] / norm)
    }
    let angles = sums.mapValues { atan2($0.1, $0.0) }
    let coordinates = ItemMap(keys: labels, values: (0..<labels.count).map { [x[$0, 0], x[$0, 1]] })
    return ValuesStructureResult(coordinates: coordinates, stress: stress,
                                 orderMatchesTheory: orderMatchesTheory(angles: angles))
  }
}
