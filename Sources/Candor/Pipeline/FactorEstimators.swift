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
  /// Target pattern by item name (`{item: [1, null], …}`, null = free): when set, the
  /// rotation is oblique target rotation (`GPArotation::pstQ`) and the factor count is
  /// the pattern's width.
  public var target: [String: [Double?]]?
  public init() {}
}

/// A factor-analysis request that does not fit the scale.
public enum FactorSettingsError: Error, CustomStringConvertible, Equatable {
  case targetItemNotInScale(item: String, scale: String, items: [String])
  case targetMissingItems(scale: String, missing: [String])
  case targetWidths(widths: [Int])
  case targetFactorCount(pattern: Int, requested: Int)
  case noContingencyTables(scale: String)

  public var description: String {
    switch self {
    case let .targetItemNotInScale(item, scale, items):
      return "the target pattern names \"\(item)\", which is not an item of \(scale); its items are \(items.joined(separator: ", "))"
    case let .targetMissingItems(scale, missing):
      return "the target pattern for \(scale) has no row for \(missing.joined(separator: ", ")); give every item a row (null = free)"
    case let .targetWidths(widths):
      return "the target pattern's rows have different lengths (\(Set(widths).sorted().map(String.init).joined(separator: ", "))); give every item one entry per factor"
    case let .targetFactorCount(pattern, requested):
      return "the target pattern has \(pattern) factors but \(requested) were requested; drop --factors or make them agree"
    case let .noContingencyTables(scale):
      return "polychoric correlations of \(scale) need contingency tables from the pass; request them with AnalysisRequest.contingencySets"
    }
  }
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
    let (r, n, notes) = try factorCorrelations(scale: s, kind: settings.correlation)
    var parallel = ParallelAnalysisOptions()
    parallel.seed = settings.seed
    var factors = settings.factors
    var rotation = settings.rotation
    if let target = settings.target {
      let pattern = try targetPattern(target, scale: s)
      let width = pattern.rows.first?.count ?? 0
      if case .fixed(let k) = factors, k != width { throw FactorSettingsError.targetFactorCount(pattern: width, requested: k) }
      factors = .fixed(width)
      rotation = .target(pattern, orthogonal: false)
    }
    let request = FactorAnalysisRequest(scale: scale.name, items: scale.items, missing: self.request.missing,
                                        correlation: settings.correlation, factors: factors,
                                        method: settings.method, rotation: rotation,
                                        smoothing: settings.smoothing, parallel: parallel)
    var result = try FactorAnalysis.analyze(correlation: r, n: n, request: request)
    result.warnings.insert(contentsOf: notes, at: 0)
    if scale.usesMRAT {
      result.warnings.insert(AnalysisWarning(
        code: "values-are-a-circle",
        message: "\(scale.name) holds Schwartz values, whose structure is a circle (a quasi-circumplex), not simple structure: read the MDS value circle (candor values) first; this EFA uses the raw items",
        scale: scale.name), at: 0)
    }
    return result
  }

  /// The correlations a factor analysis of scale `s` starts from: Pearson from the item
  /// co-moments, or two-step polychoric (psych `polychoric(correct = .5, global = FALSE)`)
  /// from the pass's contingency tables, with N the smallest pairwise table total.
  func factorCorrelations(scale s: Int, kind: CorrelationKind) throws -> (r: Matrix, n: Int, warnings: [AnalysisWarning]) {
    guard kind == .polychoric else {
      let (r, n) = itemCorrelations(scale: s)
      return (r, n, [])
    }
    let scale = layout.scales[s]
    guard let (m, n) = polychoric(variables: scale.variables) else {
      throw FactorSettingsError.noContingencyTables(scale: scale.name)
    }
    var warnings: [AnalysisWarning] = []
    if !m.correctedPairs.isEmpty {
      warnings.append(AnalysisWarning(
        code: "polychoric-empty-cells",
        message: "\(m.correctedPairs.count) item pairs of \(scale.name) had empty cells in their contingency table; they were set to 0.5/N (psych correct = .5)",
        scale: scale.name))
    }
    return (m.rho, n, warnings)
  }

  /// The polychoric matrix of decoded `variables` from the pass's contingency tables
  /// (nil when the pass did not count that set), with N = the smallest pairwise total.
  public func polychoric(variables: [Int]) -> (matrix: PolychoricMatrix, n: Int)? {
    guard let k = layout.contingencySets.firstIndex(of: variables), k < statistics.contingency.count else { return nil }
    let tables = statistics.contingency[k]
    var n = Int.max
    for j in 0..<variables.count { for i in 0..<j { n = min(n, tables.table(i, j).total) } }
    return (tables.polychoric(), n == Int.max ? 0 : n)
  }

  /// A by-item target pattern in the scale's item order.
  func targetPattern(_ target: [String: [Double?]], scale s: Int) throws -> TargetPattern {
    try FactorSettings.targetPattern(target, scale: layout.scales[s].name, items: layout.scales[s].items)
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

extension FactorSettings {
  /// A by-item target pattern in the scale's item order: every item of `items` needs a
  /// row, no other names, all rows of one width ≥ 1.
  public static func targetPattern(_ target: [String: [Double?]], scale: String, items: [String]) throws -> TargetPattern {
    for item in target.keys.sorted() where !items.contains(item) {
      throw FactorSettingsError.targetItemNotInScale(item: item, scale: scale, items: items)
    }
    let missing = items.filter { target[$0] == nil }
    if !missing.isEmpty { throw FactorSettingsError.targetMissingItems(scale: scale, missing: missing) }
    let rows = items.map { target[$0]! }
    let widths = rows.map(\.count)
    if Set(widths).count != 1 || widths[0] == 0 { throw FactorSettingsError.targetWidths(widths: widths) }
    return TargetPattern(rows: rows)
  }

  /// Reads a target pattern file: JSON `{"item": [1, null], …}` or the YAML of the
  /// codebook's `analyses.factors.target` (a block or flow mapping of item → a flow list
  /// of loadings, `null`/`~` = free; `#` comments).
  public static func loadTarget(path: String) throws -> [String: [Double?]] {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw TargetFileError.unreadable(path: path, reason: error.localizedDescription)
    }
    var json = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      var l = String(line)
      if let hash = l.firstIndex(of: "#") { l = String(l[..<hash]) }
      return l
    }.joined(separator: "\n")
    if json.first(where: { !$0.isWhitespace }) != "{" {
      // Block mapping: one `item: [...]` per line.
      json = "{" + json.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && $0 != "---" }.joined(separator: ",") + "}"
    }
    json = json.replacingOccurrences(of: #"([{,]\s*)([A-Za-z_][A-Za-z0-9_.\-]*)\s*:"#, with: "$1\"$2\":",
                                     options: .regularExpression)
    json = json.replacingOccurrences(of: #"(?<![A-Za-z0-9_"])~(?![A-Za-z0-9_"])"#, with: "null", options: .regularExpression)
    guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
      throw TargetFileError.malformed(path: path)
    }
    var out: [String: [Double?]] = [:]
    for (item, value) in object {
      guard let row = value as? [Any] else { throw TargetFileError.malformed(path: path) }
      out[item] = try row.map { cell -> Double? in
        if cell is NSNull { return nil }
        guard let x = cell as? NSNumber else { throw TargetFileError.malformed(path: path) }
        return x.doubleValue
      }
    }
    return out
  }
}

/// A target pattern file that cannot be read.
public enum TargetFileError: Error, CustomStringConvertible, Equatable {
  case unreadable(path: String, reason: String)
  case malformed(path: String)

  public var description: String {
    switch self {
    case let .unreadable(path, reason): return "cannot read the target pattern \(path): \(reason)"
    case let .malformed(path):
      return "\(path) is not a target pattern: write a mapping of item → list of loadings, e.g. {tr1: [1, null, 0], tr2: [1, null, 0]} (null = free)"
    }
  }
}
