import CandorData
import CandorNumerics
import CandorPsychometrics
import Foundation

/// What `candor factors` (or `analyses.factors`) asks for.
public struct FactorSettings: Sendable {
  public var factors: FactorCount = .parallel
  public var method: ExtractionMethod = .minres
  public var rotation: FactorRotation = .oblimin
  public var correlation: CorrelationKind = .pearson
  public var smoothing = true
  /// Parallel analysis seed (default: the library's, so runs are reproducible).
  public var seed: UInt64 = ParallelAnalysisOptions().seed
  public init() {}
}

extension SurveyData {
  /// Correlations and the N of design.md §6 for one scale's items under the run's policy.
  func itemCorrelations(scale s: Int) -> (r: Matrix, n: Int) {
    let moments = statistics.scaleItems[s].moments(request.missing)
    return (moments.correlation, moments.minimumPairwiseN)
  }

  /// Exploratory factor analysis of one scale's keyed items (raw items for value scales,
  /// with a warning that their structure is a circle).
  public func factorAnalysis(scale name: String, settings: FactorSettings = FactorSettings()) throws -> FactorAnalysisResult {
    let s = try scaleIndices([name])[0]
    let scale = layout.scales[s]
    if settings.correlation == .polychoric {
      throw AnalysisError.unsupported("polychoric factor analysis needs per-pair contingency tables, which this version does not accumulate yet; use --correlation pearson")
    }
    let (r, n) = itemCorrelations(scale: s)
    var parallel = ParallelAnalysisOptions()
    parallel.seed = settings.seed
    let request = FactorAnalysisRequest(scale: scale.name, items: scale.items, missing: self.request.missing,
                                        correlation: settings.correlation, factors: settings.factors,
                                        method: settings.method, rotation: settings.rotation,
                                        smoothing: settings.smoothing, parallel: parallel)
    var result = try FactorAnalysis.analyze(correlation: r, n: n, request: request)
    if scale.usesMRAT {
      result.warnings.insert(AnalysisWarning(
        code: "values-are-a-circle",
        message: "\(scale.name) holds Schwartz values, whose structure is a circle (a quasi-circumplex), not simple structure: read the MDS value circle (candor values) first; this EFA uses the raw items",
        scale: scale.name), at: 0)
    }
    return result
  }

  /// Fills ω (one-factor total; Schmid–Leiman with ≥ 9 items) into reliability results
  /// of ordinary scales. Value sub-scales are left without ω (2–6 items each).
  public func addOmega(to results: inout [ReliabilityResult]) -> [AnalysisWarning] {
    var warnings: [AnalysisWarning] = []
    for k in results.indices {
      guard let s = layout.scales.firstIndex(where: { $0.name == results[k].scale }) else { continue }
      let (r, _) = itemCorrelations(scale: s)
      do {
        results[k].omega = try Omega.compute(correlation: r)
      } catch {
        warnings.append(AnalysisWarning(code: "omega-skipped", message: "ω for \(results[k].scale) could not be computed: \(error)",
                                        scale: results[k].scale))
      }
    }
    return warnings
  }

  /// The value circle: MRAT, centred value and higher-order scores, and classical MDS
  /// of the item correlations with each value's angle from its items.
  public func values(scale name: String) throws -> ValuesSummary {
    let s = try scaleIndices([name])[0]
    let scale = layout.scales[s]
    guard scale.usesMRAT else {
      throw AnalysisError.unsupported("scale \(name) is not a value instrument (pvq-21, pvq-40, pvq-rr); `values` needs one")
    }
    let moments = statistics.scores.moments(request.missing)
    func summary(_ score: String) -> ValuesSummary.Moments {
      let k = layout.scoreIndex(named: score)!
      return .init(mean: moments.means[k], sd: moments.standardDeviations[k], n: moments.counts[k])
    }
    let (reliability, _) = (try? self.reliability(scales: [name])) ?? ([], [])
    let valueScores = scale.subscales.map { v -> ValuesSummary.ValueScore in
      let m = summary("\(name).\(v.id)")
      let alpha = reliability.first { $0.scale == "\(name).\(v.id)" }?.alpha.raw
      return .init(mean: m.mean, sd: m.sd, n: m.n, alpha: alpha)
    }
    let higher = scale.higherOrder.map { summary("\(name).\($0.id)") }
    let (r, _) = itemCorrelations(scale: s)
    var valueOfItem: [String: SchwartzValue] = [:]
    for v in scale.subscales {
      guard let value = SchwartzValue(rawValue: v.id) else { continue }
      for variable in v.variables { if let i = scale.variables.firstIndex(of: variable) { valueOfItem[scale.items[i]] = value } }
    }
    let mds = try? ValuesStructure.analyze(correlation: r, labels: scale.items, valueOfLabel: valueOfItem)
    var centroids: ItemMap<[Double]>?
    if let mds {
      let points = scale.subscales.map { v -> [Double] in
        let xy = v.variables.compactMap { variable in
          scale.variables.firstIndex(of: variable).flatMap { mds.coordinates[scale.items[$0]] }
        }
        let n = Double(max(xy.count, 1))
        return [xy.map { $0[0] }.reduce(0, +) / n, xy.map { $0[1] }.reduce(0, +) / n]
      }
      centroids = ItemMap(keys: scale.subscales.map(\.id), values: points)
    }
    return ValuesSummary(scale: name, mrat: summary("\(name).mrat"),
                         valueScores: ItemMap(keys: scale.subscales.map(\.id), values: valueScores),
                         higherOrderScores: ItemMap(keys: scale.higherOrder.map(\.id), values: higher),
                         mds: mds, valueCoordinates: centroids)
  }
}
