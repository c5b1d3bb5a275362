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
  /// `waves[]`: whole-sample wave-over-wave rows (`WaveTable.rows`, BH-adjusted).
  public var waves: [WaveComparison]
  /// Group rows of the wave table (`WaveTable.groupRows`) with each group's cell.
  public var groupWaves: [GroupedWaveComparison]
  /// Warnings of the analyses (added to the run's `warnings[]` after the header's own).
  public var warnings: [AnalysisWarning]

  public init(
    reliability: [ReliabilityResult] = [], scaleDescriptives: [ScaleDescriptives] = [],
    factorAnalysis: [FactorAnalysisResult] = [], values: [ValuesSummary] = [],
    correlations: [CorrelationResult] = [], correlationTitle: String = "Correlations",
    retention: [RetentionResult] = [], aggregation: [GroupedAggregation] = [],
    drivers: [DriversResult] = [], waves: [WaveComparison] = [], groupWaves: [GroupedWaveComparison] = [],
    warnings: [AnalysisWarning] = []
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
    self.groupWaves = groupWaves
    self.warnings = warnings
  }
}

extension AnalysisResults {
  /// Adds a wave table: its whole-sample rows to `waves` and its group rows, with the cell of
  /// each (`groupCells[i]` for `table.groupRows[i]`, wave ignored), to `groupWaves`.
  public mutating func addWaves(_ table: WaveTable, groupCells: [CellKey]) {
    precondition(
      groupCells.count == table.groupRows.count, "\(groupCells.count) cells for \(table.groupRows.count) group wave rows")
    waves += table.rows
    groupWaves += zip(table.groupRows, groupCells).map { GroupedWaveComparison(row: $0, cell: $1) }
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

/// One group's wave-over-wave row with the group's cell (the path of level labels; no wave).
///
/// The row is published only when the suppression plan allows the change
/// (`SuppressionPlan.isChangeSuppressed`): the group is shown in both waves. A row the wave
/// table already suppressed (`row.suppressed`) is always hidden.
public struct GroupedWaveComparison: Sendable {
  public var row: GroupWaveComparison
  public var cell: CellKey

  public init(row: GroupWaveComparison, cell: CellKey) {
    self.row = row
    self.cell = cell.withoutWave
  }
}
