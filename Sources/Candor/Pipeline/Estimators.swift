import CandorData
import CandorNumerics
import CandorPsychometrics
import CandorReport
import Foundation

/// Aggregation of one scale over one group level, with what the confidentiality filter
/// needs: the level, and for each group entry its label path.
public struct LevelAggregation: Sendable {
  public var result: AggregationResult
  /// The codebook's name of the level (`school_id`) or cut (`role`).
  public var level: String
  public var isCut: Bool
  /// The cut's name for a cut or a group × cut intersection (the last label of each path
  /// is then its category); nil for a level of `groups`.
  public var cut: String? = nil
  /// For each entry of `result.groupResults`: the labels from the outermost level down.
  public var paths: [[String]]
}

extension SurveyData {
  /// Scales by name, or all scales (codebook order) when `names` is empty.
  public func scaleIndices(_ names: [String]) throws -> [Int] {
    if names.isEmpty { return Array(layout.scales.indices) }
    return try names.map { name in
      guard let s = layout.scales.firstIndex(where: { $0.name == name }) else {
        throw AnalysisError.unknownScale(name, known: layout.scales.map(\.name))
      }
      return s
    }
  }

  /// Cronbach's alpha and item analysis for each scale; one entry per value
  /// (`<scale>.<value>`) for value instruments, never one alpha over all their items.
  public func reliability(scales names: [String] = []) throws -> (results: [ReliabilityResult], warnings: [AnalysisWarning]) {
    var results: [ReliabilityResult] = []
    var warnings: [AnalysisWarning] = []
    let policy = request.missing
    for s in try scaleIndices(names) {
      let scale = layout.scales[s]
      let moments = statistics.scaleItems[s].moments(policy)
      let frequencies = scale.variables.map { statistics.frequencies[$0].table }
      var parts: [(name: String, items: [String], columns: [Int])] = []
      if scale.usesMRAT {
        for value in scale.subscales {
          let columns = value.variables.compactMap { v in scale.variables.firstIndex(of: v) }
          parts.append(("\(scale.name).\(value.id)", columns.map { scale.items[$0] }, columns))
        }
      } else {
        parts.append((scale.name, scale.items, Array(scale.variables.indices)))
      }
      for part in parts {
        do {
          let r = try CronbachAlpha.analyze(scale: part.name, items: part.items, columns: part.columns,
                                            moments: moments, frequencies: part.columns.map { frequencies[$0] })
          results.append(r)
          warnings.append(contentsOf: r.warnings)
        } catch let e as ReliabilityError {
          warnings.append(AnalysisWarning(code: "reliability-skipped", message: "\(e)", scale: part.name))
        }
      }
    }
    return (results, warnings)
  }

  /// Names of the score variables a user may refer to (scales, value scores, outcomes, covariates).
  public var variableNames: [String] { layout.scoreNames }

  func scoreIndex(_ name: String) throws -> Int {
    guard let k = layout.scoreIndex(named: name) else {
      throw AnalysisError.unknownVariable(name, known: layout.scoreNames)
    }
    return k
  }

  /// Pearson (point-biserial with a 0/1 outcome; partial on `covariates`) correlations of
  /// `variables` with `with` (or among themselves when `with` is empty), with Holm and BH
  /// adjustment within the table. From the pass's co-moments: no second pass.
  public func correlations(variables: [String], with: [String] = [], covariates: [String] = []) throws -> [CorrelationResult] {
    let moments = statistics.scores.moments(request.missing)
    let x = try variables.map(scoreIndex)
    let y = try with.map(scoreIndex)
    let z = try covariates.map(scoreIndex)
    let pairs = y.isEmpty ? x.enumerated().flatMap { (i, a) in x[(i + 1)...].map { VariablePair(a, $0) } }
                          : VariablePair.cross(x, y)
    let binary = Set(layout.outcomeVariables.indices.map { layout.scoreNames.firstIndex(of: layout.plan.variables[layout.outcomeVariables[$0]].name)! })
    return try CorrelationTable.pearson(names: layout.scoreNames, moments: moments, pairs: pairs,
                                        covariates: z, binary: binary)
  }

  /// Group means, CIs, SDs, rwg(j), favourability, ANOVA and ICCs of each scale's score
  /// for each group level (and cut), or only the level `by`.
  public func aggregation(by: String? = nil, scales names: [String] = [], retention outcome: String? = nil) throws -> [LevelAggregation] {
    var out: [LevelAggregation] = []
    let outcomeIndex = try outcome.map(scoreIndex)
    for (l, level) in layout.groupLevels.enumerated() where by == nil || level.name == by {
      let stats = statistics.groups[l]
      let paths = stats.labels.map { $0.components(separatedBy: " / ") }
      for s in try scaleIndices(names) where !layout.scales[s].usesMRAT {
        let scale = layout.scales[s]
        guard let k = layout.scoreIndex(named: scale.name) else { continue }
        let result = Aggregation.analyze(
          scale: scale.name, by: level.name,
          // An intersection's entry names its group and category (`S0005 / leader`).
          groupNames: paths.map { $0.suffix(level.isIntersection ? 2 : 1).joined(separator: " / ") },
          scores: stats.scores[k], items: stats.items[s]?.moments(groups: stats.labels.count),
          responseOptions: scale.range.points,
          favourability: FavourabilityBands.fromLayout(scale, points: scale.range.points).flatMap { bands in
            stats.items[s]?.favourability(bands, groups: stats.labels.count)
          },
          headcounts: headcounts.flatMap { $0.level == l ? $0.invited : nil },
          respondents: headcounts?.level == l ? stats.respondents : nil,
          retention: outcomeIndex.map { stats.scores[$0] })
        // Entries are emitted for non-empty groups in index order.
        let present = (0..<stats.scores[k].groupCount).filter { stats.scores[k].counts[$0] > 0 }
        out.append(LevelAggregation(result: result, level: level.name, isCut: level.isCut, cut: level.cut,
                                    paths: present.map { paths[$0] }))
      }
    }
    return out
  }

  /// Johnson's relative weights of `predictors` on `outcome`, from the pass's co-moments
  /// (under the run's missing-data policy; N = the smallest pairwise n involved).
  public func drivers(outcome: String, predictors: [String]) throws -> DriversResult {
    let p = try predictors.map(scoreIndex)
    let o = try scoreIndex(outcome)
    let moments = statistics.scores.moments(request.missing)
    let index = p + [o]
    let r = moments.correlation.principalSubmatrix(index)
    return try RelativeWeights.analyze(correlation: r, names: predictors, outcomeName: outcome,
                                       n: index.flatMap { a in index.map { moments.pairwiseCount(a, $0) } }.min() ?? 0)
  }

  /// Logistic regression of a 0/1 outcome on predictors and covariates (IRLS), with
  /// CR1 cluster-robust errors by the request's cluster level. Uses the per-respondent
  /// columns the pass kept (``AnalysisRequest/respondentColumns``).
  public func retention(outcome: String, predictors: [String], covariates: [String] = []) throws -> RetentionResult {
    guard let rows = statistics.respondents else {
      throw AnalysisError.unknownVariable(outcome, known: [])
    }
    func column(_ name: String) throws -> CompactColumn {
      let k = try scoreIndex(name)
      guard let c = rows.scoreIndices.firstIndex(of: k) else { throw AnalysisError.unknownVariable(name, known: []) }
      return rows.values[c]
    }
    let names = predictors + covariates
    return try LogisticRegression.fit(
      outcome: try column(outcome), outcomeName: outcome, predictors: try names.map(column), names: names,
      cluster: rows.clusterLevel == nil ? nil : rows.cluster,
      clusterName: rows.clusterLevel.map { layout.groupLevels[$0].name },
      options: LogisticRegression.Options(threads: request.threads))
  }
}

extension LevelAggregation {
  /// The confidentiality cell of each entry: `CellKey(path)` for a level of `groups`; for a
  /// cut or a group × cut intersection, the category (last label) of the cut under the
  /// path above it — `CellKey(["D01", "S0005"], cut: CutCategory("role", "leader"))` — so
  /// the planner protects the categories under each group and each category across groups.
  public var cells: [CellKey] {
    paths.map { path in
      guard let cut, let category = path.last else { return CellKey(path) }
      return CellKey(Array(path.dropLast()), cut: CutCategory(cut, category))
    }
  }
}
