import CandorNumerics
import CandorPsychometrics

/// Everything one `candor analyze` run computed, as the pipeline hands it to
/// `ReportAssembler`. A plain container: nothing here is filtered yet, and group-level
/// values (aggregation groups, group-level wave changes) carry the `CellKey` that the
/// confidentiality filter uses to hide them (design.md §8).
///
/// Each array holds one entry per analysis, in the order the report shows them; empty
/// arrays simply produce no section, no table and no chart.
public struct AnalysisResults: Sendable {
  /// `reliability[]`: one per scale (per value for PVQ scales).
  public var reliability: [ReliabilityResult]
  /// Whole-sample scale descriptives (M, SD, n) for the reliability table; optional (the
  /// table shows "—" for a scale without one). Not part of the JSON contract.
  public var scaleDescriptives: [ScaleDescriptives]
  /// `factorAnalysis[]`: one EFA per analysed scale.
  public var factorAnalysis: [FactorAnalysisResult]
  /// `values[]`: one per value instrument (MRAT, centred value scores, MDS).
  public var values: [ValuesSummary]
  /// `correlations[]`: one table of coefficients (p adjusted within it).
  public var correlations: [CorrelationResult]
  /// Title of the correlation table, e.g. "Correlations of Scale Scores With Outcomes".
  public var correlationTitle: String
  /// `retention[]`: one logistic model per outcome.
  public var retention: [RetentionResult]
  /// `aggregation[]`: one per scale × group level (× wave), with each group's cell.
  public var aggregation: [GroupedAggregation]
  /// `drivers[]`: relative weights per outcome.
  public var drivers: [DriversResult]
  /// `waves[]`: wave-over-wave changes (whole sample, and per group when `cell` is set).
  public var waves: [WaveComparison]
  /// Warnings of the analyses (added to the run's `warnings[]` after the header's own).
  public var warnings: [AnalysisWarning]

  public init(
    reliability: [ReliabilityResult] = [], scaleDescriptives: [ScaleDescriptives] = [],
    factorAnalysis: [FactorAnalysisResult] = [], values: [ValuesSummary] = [],
    correlations: [CorrelationResult] = [], correlationTitle: String = "Correlations",
    retention: [RetentionResult] = [], aggregation: [GroupedAggregation] = [],
    drivers: [DriversResult] = [], waves: [WaveComparison] = [], warnings: [AnalysisWarning] = []
  ) {
    self.reliability = reliability
    self.scaleDescriptives = scaleDescriptives
    self.factorAnalysis = factorAnalysis
    self.values = values
    self.correlations = correlations
    self.correlationTitle = correlationTitle
    self.retention = retention
    self.aggregation = aggregation
    self.drivers = drivers
    self.waves = waves
    self.warnings = warnings
  }
}

/// Whole-sample mean and SD of a scale score (for the reliability/descriptives table).
public struct ScaleDescriptives: Sendable, Hashable {
  public var scale: String
  /// Respondents with a score.
  public var n: Int
  public var mean: Double
  /// Sample SD (n − 1).
  public var sd: Double

  public init(scale: String, n: Int, mean: Double, sd: Double) {
    self.scale = scale
    self.n = n
    self.mean = mean
    self.sd = sd
  }
}

/// One aggregation table with the confidentiality cell of each group.
///
/// `cells[i]` is the `CellKey` of `result.groupResults[i]`: the path of level labels down to
/// the group (`["North", "S01"]`), the cut category if the table is a cut, and the wave.
public struct GroupedAggregation: Sendable {
  public var result: AggregationResult
  /// Aligned with `result.groupResults`.
  public var cells: [CellKey]
  /// The level's name as the report shows it (`school`); `result.by` is the column.
  public var level: String

  public init(result: AggregationResult, cells: [CellKey], level: String) {
    precondition(
      cells.count == result.groupResults.count,
      "aggregation of '\(result.scale)' by '\(result.by)': \(cells.count) cells for \(result.groupResults.count) groups")
    self.result = result
    self.cells = cells
    self.level = level
  }

  /// The cells from the pipeline's group paths (labels from the outermost level down): a
  /// group level's entry is `CellKey(path, wave:)`; a cut's is the cut category (the last
  /// label) under the path above it, `CellKey(path.dropLast(), cut: (level, last), wave:)`.
  public init(result: AggregationResult, level: String, paths: [[String]], isCut: Bool = false, wave: String? = nil) {
    let cells = paths.map { path -> CellKey in
      guard isCut, let category = path.last else { return CellKey(path, wave: wave) }
      return CellKey(Array(path.dropLast()), cut: CutCategory(level, category), wave: wave)
    }
    self.init(result: result, cells: cells, level: level)
  }

  /// The wave of the table (all its cells share it), `nil` when pooled.
  public var wave: String? { cells.first?.wave }
}

/// One wave-over-wave change (design.md §7 `waves[]`). A placeholder for the values the
/// wave comparison computes (Welch or paired t for the mean, Feldt's test for α); this
/// module only presents them.
public struct WaveComparison: Encodable, Sendable {
  public var scale: String
  /// Wave labels, earlier → later.
  public var from: String
  public var to: String
  /// Mean(to) − mean(from).
  public var change: Double
  public var ci95: [Double]
  public var p: Double
  /// Feldt's test of equal α in the two waves.
  public var alphaDifferenceP: Double?
  /// Scale means in the two waves (for the trend chart; optional extras in JSON).
  public var fromMean: Double?
  public var toMean: Double?
  /// The group whose change this is (`nil` = whole sample). Published only when the plan
  /// allows the change (`SuppressionPlan.isChangeSuppressed`). Not encoded.
  public var cell: CellKey?
  /// The group's display name (with `cell`).
  public var group: String?

  public init(
    scale: String, from: String, to: String, change: Double, ci95: [Double], p: Double,
    alphaDifferenceP: Double? = nil, fromMean: Double? = nil, toMean: Double? = nil,
    cell: CellKey? = nil, group: String? = nil
  ) {
    self.scale = scale
    self.from = from
    self.to = to
    self.change = change
    self.ci95 = ci95
    self.p = p
    self.alphaDifferenceP = alphaDifferenceP
    self.fromMean = fromMean
    self.toMean = toMean
    self.cell = cell
    self.group = group
  }

  private enum CodingKeys: String, CodingKey {
    case scale, from, to, change, ci95, p, alphaDifferenceP, fromMean, toMean
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(scale, forKey: .scale)
    try c.encode(from, forKey: .from)
    try c.encode(to, forKey: .to)
    try c.encode(change, forKey: .change)
    try c.encode(ci95, forKey: .ci95)
    try c.encode(p, forKey: .p)
    try c.encode(alphaDifferenceP, forKey: .alphaDifferenceP)
    try c.encodeIfPresent(fromMean, forKey: .fromMean)
    try c.encodeIfPresent(toMean, forKey: .toMean)
  }
}
