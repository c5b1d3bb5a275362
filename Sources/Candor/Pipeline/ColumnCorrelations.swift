import CandorData
import CandorNumerics
import CandorPsychometrics
import Foundation

/// Correlations and drivers that need more than the pass's co-moments: rank correlations
/// and bootstrap CIs from the per-respondent Float32 columns the pass kept
/// (``AnalysisRequest/respondentColumns``), polychoric correlations of items from the
/// pass's contingency tables (``AnalysisRequest/contingencySets``).
extension SurveyData {
  /// The correlation table a `correlate` entry asks for, by its `method`:
  ///
  /// - `pearson` (default): from the co-moments (``correlations(variables:with:covariates:)``);
  /// - `spearman` (Pearson r of average ranks) and `kendall` (τ-b): from the kept
  ///   per-respondent columns, pairwise complete (no partial correlations);
  /// - `polychoric`: item names (ordinal), two-step estimates as psych
  ///   `polychoric(correct = .5, global = FALSE)` from the contingency tables, N = the
  ///   pair's table total.
  ///
  /// Every table gets the t test, Fisher-z CI and Holm/BH adjustment within the table.
  public func correlations(_ spec: CorrelateSpec) throws -> [CorrelationResult] {
    switch spec.method {
    case "pearson", "":
      return try correlations(variables: spec.variables, with: spec.with, covariates: spec.covariates)
    case "spearman", "kendall":
      if !spec.covariates.isEmpty {
        throw AnalysisError.unsupported("partial correlations (covariates) are Pearson only; drop --covariates or use --method pearson")
      }
      let method: CorrelationMethod = spec.method == "spearman" ? .spearman : .kendall
      let names = spec.variables + spec.with.filter { !spec.variables.contains($0) }
      let columns = try names.map { try respondentColumn($0) }
      let x = spec.variables.indices.map { $0 }
      let pairs = spec.with.isEmpty
        ? x.flatMap { a in x[(a + 1)...].map { VariablePair(a, $0) } }
        : VariablePair.cross(x, spec.with.map { names.firstIndex(of: $0)! })
      return try CorrelationTable.fromColumns(names: names, columns: columns, method: method, pairs: pairs)
    case "polychoric":
      if !spec.covariates.isEmpty {
        throw AnalysisError.unsupported("polychoric correlations take no covariates; drop --covariates")
      }
      let names = spec.variables + spec.with.filter { !spec.variables.contains($0) }
      let variables = try itemVariables(names)
      guard let k = layout.contingencySets.firstIndex(of: variables), k < statistics.contingency.count else {
        throw AnalysisError.unsupported("polychoric correlations of \(names.joined(separator: ", ")) need contingency tables from the pass (AnalysisRequest.contingencySets)")
      }
      let tables = statistics.contingency[k]
      let x = spec.variables.indices.map { $0 }
      let pairs = spec.with.isEmpty
        ? x.flatMap { a in x[(a + 1)...].map { VariablePair(a, $0) } }
        : VariablePair.cross(x, spec.with.map { names.firstIndex(of: $0)! })
      var r: [Double] = [], n: [Int] = []
      for pair in pairs {
        let table = tables.table(pair.x, pair.y)
        r.append(Polychoric.estimate(table).rho ?? .nan)
        n.append(table.total)
      }
      return CorrelationTable.fromCoefficients(names: names, pairs: pairs, r: r, n: n, method: .polychoric)
    default:
      throw AnalysisError.unsupported("unknown correlation method \"\(spec.method)\"; use pearson, spearman, kendall or polychoric")
    }
  }

  /// Decoded variable indices of items named `names` (for polychoric correlations).
  func itemVariables(_ names: [String]) throws -> [Int] {
    let items = layout.plan.variables.indices.filter { layout.plan.variables[$0].role.isItem }
    return try names.map { name in
      guard let v = items.first(where: { layout.plan.variables[$0].name == name }) else {
        throw AnalysisError.unknownVariable(name, known: items.map { layout.plan.variables[$0].name })
      }
      return v
    }
  }

  /// The kept per-respondent column of score variable `name`, as Double (NaN = missing).
  public func respondentColumn(_ name: String) throws -> [Double] {
    let k = try scoreIndex(name)
    guard let rows = statistics.respondents, let c = rows.scoreIndices.firstIndex(of: k) else {
      throw AnalysisError.unsupported("\(name) was not kept per respondent by the pass; add it to AnalysisRequest.respondentColumns")
    }
    return rows.values[c].doubles
  }

  /// Johnson's relative weights of `predictors` on `outcome` with percentile bootstrap
  /// CIs: `replicates` resamples of the respondents complete on all of them, drawn from
  /// ``SeededGenerator``(`seed`), from the kept per-respondent columns
  /// (``RelativeWeights/analyze(outcome:outcomeName:predictors:names:replicates:generator:seed:)``).
  public func drivers(outcome: String, predictors: [String], replicates: Int, seed: UInt64) throws -> DriversResult {
    var generator = SeededGenerator(seed: seed)
    return try RelativeWeights.analyze(outcome: try respondentColumn(outcome), outcomeName: outcome,
                                       predictors: try predictors.map { try respondentColumn($0) },
                                       names: predictors, replicates: replicates, generator: &generator, seed: seed)
  }

  /// The codebook and the layout of `request`'s first file, from its header only (no
  /// pass): what a command checks names against before reading the data.
  public static func layout(for request: AnalysisRequest) throws -> (codebook: Codebook, layout: AnalysisLayout) {
    guard let file = request.files.first else { throw AnalysisError.noInput }
    let (codebook, _) = try Codebook.loadValidated(contentsOf: URL(fileURLWithPath: request.codebookPath))
    return (codebook, try openForPass(file, codebook: codebook, request: request).layout)
  }
}

extension AnalysisLayout {
  /// Names of the decoded items (what polychoric correlations take).
  public var itemNames: [String] {
    plan.variables.filter { $0.role.isItem }.map(\.name)
  }
}

extension DecodingPlan.Role {
  /// True for a scale item (not an outcome or covariate).
  var isItem: Bool { if case .item = self { return true } else { return false } }
}
