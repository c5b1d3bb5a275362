import Foundation
import CandorNumerics

/// Which correlations fed the analysis (JSON `correlation`).
public enum CorrelationKind: String, Codable, Sendable, CaseIterable {
  case pearson, polychoric
}

/// How many factors to extract.
public enum FactorCount: Sendable, Equatable {
  /// A fixed number.
  case fixed(Int)
  /// The factor count of parallel analysis (at least 1).
  case parallel
}

/// What to run: the plan of one `candor factors` scale.
public struct FactorAnalysisRequest: Sendable {
  public var scale: String
  /// Item names in codebook order (the rows of R).
  public var items: [String]
  public var missing: MissingDataPolicy
  public var correlation: CorrelationKind
  public var factors: FactorCount
  public var method: ExtractionMethod
  public var rotation: FactorRotation
  /// Smooth a non-positive-definite R as psych `cor.smooth` (false = `--no-smooth`: refuse).
  public var smoothing: Bool
  public var parallel: ParallelAnalysisOptions
  public var extraction: ExtractionOptions

  public init(scale: String, items: [String], missing: MissingDataPolicy = .pairwise,
              correlation: CorrelationKind = .pearson, factors: FactorCount = .parallel,
              method: ExtractionMethod = .minres, rotation: FactorRotation = .oblimin,
              smoothing: Bool = true, parallel: ParallelAnalysisOptions = ParallelAnalysisOptions(),
              extraction: ExtractionOptions = ExtractionOptions()) {
    self.scale = scale
    self.items = items
    self.missing = missing
    self.correlation = correlation
    self.factors = factors
    self.method = method
    self.rotation = rotation
    self.smoothing = smoothing
    self.parallel = parallel
    self.extraction = extraction
  }
}

/// KMO in JSON form.
public struct KMOSummary: Codable, Sendable, Equatable {
  public var overall: Double
  public var items: ItemMap<Double>
}

/// Bartlett's test in JSON form.
public struct BartlettSummary: Codable, Sendable, Equatable {
  public var chiSquare: Double?
  public var df: Int
  public var p: Double?
  public var n: Int

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(chiSquare, forKey: .chiSquare)
    try c.encode(df, forKey: .df)
    try c.encode(p, forKey: .p)
    try c.encode(n, forKey: .n)
  }
}

/// One `factorAnalysis[]` entry of JSON output v1 (design.md §7), fields in
/// the documented order; item-keyed maps keep item order.
public struct FactorAnalysisResult: Codable, Sendable, Equatable {
  public var scale: String
  public var missing: MissingDataPolicy
  public var correlation: CorrelationKind
  public var method: ExtractionMethod
  public var rotation: String
  public var factors: Int
  /// The N behind χ², RMSEA, BIC and Bartlett (smallest pairwise n under pairwise deletion).
  public var n: Int
  public var kmo: KMOSummary
  public var bartlett: BartlettSummary
  /// Eigenvalues of R, descending.
  public var eigenvalues: [Double]
  public var parallelAnalysis: ParallelAnalysisResult?
  /// Pattern loadings per item.
  public var loadings: ItemMap<[Double]>
  /// Structure coefficients ΛΦ per item.
  public var structure: ItemMap<[Double]>
  public var communalities: ItemMap<Double>
  public var uniquenesses: ItemMap<Double>
  /// Factor correlations (identity rows for orthogonal solutions).
  public var phi: [[Double]]
  public var varianceExplained: [Double]
  /// Items with a Heywood case (uniqueness at its bound or communality ≥ 1).
  public var heywood: [String]
  public var fit: FactorFit
  public var iterations: Int
  public var converged: Bool
  /// Warnings for the run's `warnings[]` (not part of this object's JSON).
  public var warnings: [AnalysisWarning] = []

  enum CodingKeys: String, CodingKey {
    case scale, missing, correlation, method, rotation, factors, n, kmo, bartlett, eigenvalues,
         parallelAnalysis, loadings, structure, communalities, uniquenesses, phi, varianceExplained,
         heywood, fit, iterations, converged
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(scale, forKey: .scale)
    try c.encode(missing, forKey: .missing)
    try c.encode(correlation, forKey: .correlation)
    try c.encode(method, forKey: .method)
    try c.encode(rotation, forKey: .rotation)
    try c.encode(factors, forKey: .factors)
    try c.encode(n, forKey: .n)
    try c.encode(kmo, forKey: .kmo)
    try c.encode(bartlett, forKey: .bartlett)
    try c.encode(eigenvalues, forKey: .eigenvalues)
    try c.encode(parallelAnalysis, forKey: .parallelAnalysis)
    try c.encode(loadings, forKey: .loadings)
    try c.encode(structure, forKey: .structure)
    try c.encode(communalities, forKey: .communalities)
    try c.encode(uniquenesses, forKey: .uniquenesses)
    try c.encode(phi, forKey: .phi)
    try c.encode(varianceExplained, forKey: .varianceExplained)
    try c.encode(heywood, forKey: .heywood)
    try c.encode(fit, forKey: .fit)
    try c.encode(iterations, forKey: .iterations)
    try c.encode(converged, forKey: .converged)
  }
}

extension FactorFit {
  enum CodingKeys: String, CodingKey { case chiSquare, df, p, rmsea, rmsea90, tli, bic, rmsr }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(chiSquare, forKey: .chiSquare)
    try c.encode(df, forKey: .df)
    try c.encode(p, forKey: .p)
    try c.encode(rmsea, forKey: .rmsea)
    try c.encode(rmsea90, forKey: .rmsea90)
    try c.encode(tli, forKey: .tli)
    try c.encode(bic, forKey: .bic)
    try c.encode(rmsr, forKey: .rmsr)
  }
}

extension FactorAnalysis {
  /// Runs a whole `factorAnalysis` entry on a correlation matrix: eigenvalues,
  /// KMO, Bartlett, parallel analysis (when asked for or when the count comes
  /// from it), extraction, rotation and fit.
  ///
  /// - Parameters:
  ///   - r: correlations of `request.items`, item order.
  ///   - n: the N of design.md §6 (smallest pairwise n, or complete cases).
  /// - Throws: ``FactorAnalysisError`` for unusable input.
  public static func analyze(correlation r: Matrix, n: Int, request: FactorAnalysisRequest,
                             runParallelAnalysis: Bool = true) throws -> FactorAnalysisResult {
    let items = request.items
    let p = items.count
    precondition(r.rows == p && r.columns == p, "R is \(r.rows)×\(r.columns) for \(p) items")
    guard p >= 3 else { throw FactorAnalysisError.tooFewItems(scale: request.scale, items: p) }
    let nanItems = (0..<p).filter { i in (0..<p).contains { r[i, $0].isNaN } }
    guard nanItems.isEmpty else { throw FactorAnalysisError.missingCorrelations(items: nanItems.map { items[$0] }) }
    var warnings: [AnalysisWarning] = []
    var work = r
    if let smoothed = try CorrelationSmoothing.smoothed(r) {
      let culprits = try CorrelationSmoothing.itemsResponsibleForSingularity(r).map { items[$0] }
      guard request.smoothing else { throw FactorAnalysisError.notPositiveDefinite(items: culprits) }
      warnings.append(AnalysisWarning(code: "matrix-smoothed",
        message: "The correlation matrix of '\(request.scale)' is not positive definite (items involved: \(culprits.joined(separator: ", "))); it was smoothed as psych cor.smooth (eigenvalues floored). Consider dropping one of these items.",
        scale: request.scale))
      work = smoothed
    }
    let eigenvalues = try LinearAlgebra.symmetricEigenvalues(work)
    let kmo = KaiserMeyerOlkin(correlation: work)
    let bartlett = BartlettSphericity(correlation: work, n: n) {
      ChiSquared.survival($0, degreesOfFreedom: $1)
    }
    var parallel: ParallelAnalysisResult? = nil
    if request.factors == .parallel || runParallelAnalysis {
      parallel = try ParallelAnalysis.run(correlation: work, n: n, options: request.parallel)
    }
    var k: Int
    switch request.factors {
    case .fixed(let count): k = count
    case .parallel:
      k = max(parallel?.factors ?? 1, 1)
      if (parallel?.factors ?? 0) < 1 {
        warnings.append(AnalysisWarning(code: "parallel-no-factors",
          message: "Parallel analysis of '\(request.scale)' retained no factor; one factor was extracted.", scale: request.scale))
      }
    }
    guard k >= 1 && k < p else { throw FactorAnalysisError.tooManyFactors(requested: k, items: p) }
    let solution = try solve(work, factors: k, method: request.method, rotation: request.rotation,
                             options: request.extraction)
    let fit = try FactorFit(correlation: work, loadings: solution.loadings, phi: solution.phi, n: n)
    if !solution.converged {
      warnings.append(AnalysisWarning(code: "not-converged",
        message: "The \(request.method.rawValue) extraction or \(request.rotation.name) rotation of '\(request.scale)' did not converge after \(solution.iterations) iterations; treat the loadings as provisional or try another method.",
        scale: request.scale))
    }
    for i in solution.heywoodItems {
      let ultra = solution.ultraHeywoodItems.contains(i)
      warnings.append(AnalysisWarning(code: ultra ? "ultra-heywood-case" : "heywood-case",
        message: "Item '\(items[i])' of '\(request.scale)' has communality \(String(format: "%.3f", solution.communalities[i]))\(ultra ? " > 1" : " at the bound"); the solution may have too many factors or the item is redundant.",
        scale: request.scale, item: items[i]))
    }
    if fit.df < 0 {
      warnings.append(AnalysisWarning(code: "under-identified",
        message: "\(k) factors for \(p) items leave negative degrees of freedom (\(fit.df)); extract fewer factors.", scale: request.scale))
    }
    let loadingsRows = solution.loadings.rowArrays
    let structureRows = solution.structure.rowArrays
    return FactorAnalysisResult(
      scale: request.scale, missing: request.missing, correlation: request.correlation,
      method: request.method, rotation: request.rotation.name, factors: k, n: n,
      kmo: KMOSummary(overall: kmo.overall, items: ItemMap(keys: items, values: kmo.items)),
      bartlett: BartlettSummary(chiSquare: bartlett.chiSquare.isFinite ? bartlett.chiSquare : nil,
                                df: bartlett.degreesOfFreedom, p: bartlett.p, n: n),
      eigenvalues: eigenvalues, parallelAnalysis: parallel,
      loadings: ItemMap(keys: items, values: loadingsRows),
      structure: ItemMap(keys: items, values: structureRows),
      communalities: ItemMap(keys: items, values: solution.communalities),
      uniquenesses: ItemMap(keys: items, values: solution.uniquenesses),
      phi: solution.phi.rowArrays, varianceExplained: solution.varianceExplained,
      heywood: solution.heywoodItems.map { items[$0] }, fit: fit,
      iterations: solution.iterations, converged: solution.converged, warnings: warnings)
  }
}
