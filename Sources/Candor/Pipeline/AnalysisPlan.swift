import CandorData
import CandorNumerics
import CandorPsychometrics
import CandorReport
import Foundation

/// What `candor analyze` computes: the codebook's `analyses`, or — when it asks for
/// nothing — the defaults of the batch-job issue: reliability (per value for value
/// scales) with ω, aggregation by every group level, cut and group × cut intersection,
/// correlations of every scale with every outcome, a retention model per outcome, the
/// value circle and values alignment for value scales, and EFA with parallel analysis for
/// ordinary scales of ≥ 6 items.
public struct AnalysisPlan: Sendable {
  public var reliability: [String] = []
  public var factors: [(scale: String, settings: FactorSettings)] = []
  public var values: [String] = []
  public var correlate: [CorrelateSpec] = []
  public var retention: [RetentionSpec] = []
  public var aggregate: [AggregateSpec] = []
  public var drivers: [DriversSpec] = []
  /// Bootstrap CIs for the drivers (`candor drivers --bootstrap B --seed S`): needs the
  /// outcome and predictors per respondent.
  public var driversBootstrap: (replicates: Int, seed: UInt64)?
  /// Values alignment (``ValuesAlignmentPass``) for each value scale of `values` when the
  /// codebook has `groups`: per-group mean alignment and its correlations with outcomes.
  /// Costs a second pass over the files. On in ``make(codebook:layout:)`` (`candor
  /// analyze`), off in a partial plan (a per-analysis command asks for it explicitly).
  public var valuesAlignment = false

  public init() {}

  /// The plan for `codebook` (whose scales `layout` describes).
  public static func make(codebook: Codebook, layout: AnalysisLayout) -> AnalysisPlan {
    var plan = AnalysisPlan()
    plan.valuesAlignment = true
    let ordinary = layout.scales.filter { !$0.usesMRAT }.map(\.name)
    let valueScales = layout.scales.filter(\.usesMRAT).map(\.name)
    let outcomes = codebook.outcomes.map(\.name)
    let innermost = codebook.groups.last
    if let a = codebook.analyses {
      plan.reliability = a.reliability ?? layout.scales.map(\.name)
      plan.factors = a.factors.map { ($0.scale, FactorSettings(spec: $0)) }
      plan.values = a.values.map(\.scale)
      plan.correlate = a.correlate
      plan.retention = a.retention
      plan.aggregate = a.aggregate
      plan.drivers = a.drivers
      return plan
    }
    plan.reliability = layout.scales.map(\.name)
    plan.factors = layout.scales.filter { !$0.usesMRAT && $0.variables.count >= 6 }.map { ($0.name, FactorSettings()) }
    plan.values = valueScales
    if !ordinary.isEmpty {
      var c = CorrelateSpec()
      c.variables = ordinary
      c.with = outcomes
      plan.correlate = [c]
      for outcome in outcomes {
        var r = RetentionSpec()
        r.outcome = outcome
        r.predictors = ordinary
        r.cluster = innermost
        plan.retention.append(r)
      }
    }
    for level in layout.groupLevels {
      var g = AggregateSpec()
      g.by = level.name
      g.scales = ordinary
      plan.aggregate.append(g)
    }
    return plan
  }

  /// Per group level and scale of `layout`: whether an aggregation table of the plan reads
  /// the scale's item histogram at that level (its rwg and favourability). The other
  /// levels' histograms would be counted for every row and read by nothing.
  func itemHistograms(layout: AnalysisLayout) -> [[Bool]] {
    layout.groupLevels.map { level in
      let specs = aggregate.filter { $0.by == level.name }
      return layout.scales.map { scale in specs.contains { $0.scales.isEmpty || $0.scales.contains(scale.name) } }
    }
  }

  /// The group levels whose statistics the plan's steps read: those it aggregates by,
  /// the innermost level of `groups` (the headcounts' response rates and the values
  /// alignment) and the models' cluster level; nil (every level) when one of them is not
  /// a known level. A level nothing reads (the demo's `district`) is not interned, counted
  /// or given group moments: 1M rows, ~0.02 CPU-s of the pass.
  func groupLevelsRead(layout: AnalysisLayout) -> Set<Int>? {
    var levels = Set<Int>()
    func add(_ name: String?) -> Bool {
      guard let name, let l = layout.groupLevels.firstIndex(where: { $0.name == name }) else { return false }
      levels.insert(l)
      return true
    }
    for a in aggregate { guard add(a.by) else { return nil } }
    if let cluster = respondentColumns.cluster, !add(cluster) { return nil }
    if let innermost = layout.groupLevels.lastIndex(where: { !$0.isCut }) { levels.insert(innermost) }
    return levels
  }

  /// Score variables the models need per respondent, and their cluster level.
  public var respondentColumns: (names: [String], cluster: String?) {
    var names: [String] = []
    var cluster: String?
    for r in retention {
      for n in [r.outcome] + r.predictors + r.covariates where !names.contains(n) { names.append(n) }
      cluster = cluster ?? r.cluster
    }
    for c in correlate where c.method == "spearman" || c.method == "kendall" {
      for n in c.variables + c.with where !names.contains(n) { names.append(n) }
    }
    if driversBootstrap != nil {
      for d in drivers { for n in [d.outcome] + d.predictors where !names.contains(n) { names.append(n) } }
    }
    return (names, cluster)
  }

  /// The score variables whose covariances the plan reads from the pass's moments: those of
  /// its correlation tables (variables, targets, covariates; any method, a superset) and of
  /// its key drivers (predictors, outcome), as indices into the layout's score variables.
  /// The others are read for their own n, mean and SD (scale descriptives, value scores,
  /// waves). The values alignment keeps its own co-moments; the models read per-respondent
  /// columns.
  public func scoreCrossVariables(layout: AnalysisLayout) -> [Int] {
    var names: [String] = []
    for c in correlate { names += c.variables + c.with + c.covariates }
    for d in drivers { names += [d.outcome] + d.predictors }
    return Array(Set(names.compactMap { layout.scoreIndex(named: $0) })).sorted()
  }

  /// Item sets whose contingency tables the pass must count (polychoric factor analyses
  /// and polychoric correlations).
  public func contingencySets(layout: AnalysisLayout) -> [[String]] {
    var sets: [[String]] = []
    for (scale, settings) in factors where settings.correlation == .polychoric {
      if let s = layout.scales.first(where: { $0.name == scale }) { sets.append(s.items) }
    }
    for c in correlate where c.method == "polychoric" {
      sets.append(c.variables + c.with.filter { !c.variables.contains($0) })
    }
    return sets
  }
}

extension FactorSettings {
  /// Settings from a codebook `factors:` entry (unknown method/rotation names fall back to
  /// psych's defaults; the codebook validator reports them).
  init(spec: FactorsSpec) {
    self.init()
    switch spec.n {
    case .fixed(let k): factors = .fixed(k)
    case .parallel: factors = .parallel
    }
    method = ExtractionMethod(rawValue: spec.method) ?? .minres
    correlation = CorrelationKind(rawValue: spec.correlation) ?? .pearson
    switch spec.rotation {
    case "none": rotation = .none
    case "varimax": rotation = .varimax
    case "promax": rotation = .promax
    case "geomin": rotation = .geomin
    case "target": target = spec.target
    default: rotation = .oblimin
    }
  }
}

extension SurveyData {
  /// Runs every analysis of `plan` on the accumulated statistics.
  ///
  /// An analysis that cannot run (a scale with one item, a model without variation) adds a
  /// warning naming it and the reason; the others still run.
  public func run(_ plan: AnalysisPlan) -> AnalysisResults {
    var warnings = codebookWarnings
    if statistics.rowsUsed == 0 {
      // Said first: an empty export (a failed upstream job, say) explains every skipped table.
      warnings.insert(AnalysisWarning(code: "no-rows", message: statistics.rowsRead == 0
        ? "The input has no data rows after its header: every table below is empty."
        : "None of the \(statistics.rowsRead) data rows was used (each was excluded; see the exclusions): every table below is empty."),
        at: 0)
    }
    // The values alignment and the retention model read every row again and keep both
    // cores busy; the other analyses work on the pass's sums on one core. Those run on a
    // thread of their own meanwhile, in the gaps the row-reading steps leave (1M rows:
    // ~15 ms). Each step keeps its warnings apart, and they are put together in plan order
    // (reliability, factors, values, alignment, correlations, retention, aggregation,
    // drivers), so the results do not depend on which finishes first.
    let (light, heavy) = Self.sideBySide({ runSums(plan) }, { runRows(plan) })
    var results = light.results
    results.retention = heavy.results.retention
    for step in AnalysisStep.allCases { warnings += light.warnings[step, default: []] + heavy.warnings[step, default: []] }
    // Alignment rows follow the plan's correlations and aggregation tables.
    if !heavy.alignment.correlations.isEmpty {
      // One table: Holm and BH over all its coefficients, as the report's note says.
      results.correlations += heavy.alignment.correlations
      CorrelationTable.adjust(&results.correlations)
    }
    results.aggregation += heavy.alignment.aggregation
    if statistics.exclusions.straightlinedKept > 0 {
      warnings.append(AnalysisWarning(
        code: "straight-lining",
        message: "\(statistics.exclusions.straightlinedKept) respondents gave the same answer to every item of at least two scales; they are kept (screens.straightlining: warn) — set it to exclude to drop them"))
    }
    // Respondents without a label at a level are in whole-sample results but in no group of
    // that level: say how many, so no row leaves a group table unnoticed.
    for (l, level) in layout.groupLevels.enumerated() where !plan.aggregate.filter({ $0.by == level.name }).isEmpty {
      let grouped = statistics.groups[l].respondents.reduce(0, +)
      let missing = statistics.rowsUsed - grouped
      if missing > 0 {
        warnings.append(AnalysisWarning(
          code: "group-label-missing",
          message: "\(missing) respondents have no \(level.name) (a blank cell in a column of that level); they count in whole-sample results but in no \(level.name) group"))
      }
    }
    if statistics.decodeCounts.totalOutOfRange > 0 {
      warnings.append(AnalysisWarning(
        code: "out-of-range-missing",
        message: "\(statistics.decodeCounts.totalOutOfRange) out-of-range item values were treated as missing (--out-of-range missing)"))
    }
    results.warnings = warnings
    return results
  }

  /// The steps of ``run(_:)``, in the order their warnings are reported.
  enum AnalysisStep: CaseIterable {
    case reliability, factors, values, alignment, correlations, retention, aggregation, drivers
  }

  /// What some steps of ``run(_:)`` produced, with their warnings by step.
  struct StepResults {
    var results = AnalysisResults()
    var alignment = AnalysisResults()
    var warnings: [AnalysisStep: [AnalysisWarning]] = [:]

    /// Runs `body`; a step that throws adds a warning naming it and the reason.
    mutating func attempt(_ step: AnalysisStep, _ what: String, scale: String? = nil,
                          _ body: (inout StepResults) throws -> Void) {
      defer { Trace.mark(what) }
      do { try body(&self) } catch {
        warnings[step, default: []].append(AnalysisWarning(
          code: "analysis-skipped", message: "\(what) was not computed: \(error)", scale: scale))
      }
    }
  }

  /// `first` on a thread of its own while `second` runs on the calling thread.
  static func sideBySide<A, B>(_ first: @escaping () -> A, _ second: () -> B) -> (A, B) {
    let box = ResultBox<A>()
    // The thread ends before this function returns: nothing it uses outlives the call.
    nonisolated(unsafe) let first = first
    let done = DispatchSemaphore(value: 0)
    let thread = Thread { box.value = first(); done.signal() }
    thread.start()
    let b = second()
    done.wait()
    return (box.value!, b)
  }

  private final class ResultBox<T>: @unchecked Sendable { var value: T? }

  /// The steps that work on the pass's sums: reliability, factors, the value circle,
  /// correlations, aggregation, drivers.
  func runSums(_ plan: AnalysisPlan) -> StepResults {
    var out = StepResults()
    // An empty list asks for no reliability table (a per-analysis command's partial plan).
    if !plan.reliability.isEmpty {
      out.attempt(.reliability, "reliability") { out in
        var (r, w) = try reliability(scales: plan.reliability)
        out.warnings[.reliability, default: []] += w + addOmega(to: &r)
        out.results.reliability = r
      }
      out.results.scaleDescriptives = scaleDescriptives().filter { plan.reliability.contains($0.scale) }
    }
    for (scale, settings) in plan.factors {
      out.attempt(.factors, "factor analysis of \(scale)", scale: scale) { out in
        let fa = try factorAnalysis(scale: scale, settings: settings)
        out.warnings[.factors, default: []] += fa.warnings
        out.results.factorAnalysis.append(fa)
      }
    }
    for scale in plan.values {
      out.attempt(.values, "the value circle of \(scale)", scale: scale) { out in out.results.values.append(try values(scale: scale)) }
    }
    for c in plan.correlate {
      out.attempt(.correlations, "correlations") { out in out.results.correlations += try correlations(c) }
    }
    let outcome = plan.retention.first?.outcome
    for a in plan.aggregate {
      out.attempt(.aggregation, "aggregation by \(a.by)") { out in
        for level in try aggregation(by: a.by, scales: a.scales, retention: outcome) {
          out.results.aggregation.append(GroupedAggregation(result: level.result, cells: level.cells, level: level.level))
        }
      }
    }
    for d in plan.drivers {
      out.attempt(.drivers, "key drivers of \(d.outcome)") { out in
        if let b = plan.driversBootstrap {
          out.results.drivers.append(try drivers(outcome: d.outcome, predictors: d.predictors, replicates: b.replicates, seed: b.seed))
        } else {
          out.results.drivers.append(try drivers(outcome: d.outcome, predictors: d.predictors))
        }
      }
    }
    return out
  }

  /// The steps that read every respondent's row again: the values alignment and the
  /// retention models, side by side when the plan has both. Each keeps both cores busy
  /// only in its parallel loops: between rounds, and in the alignment's reads and the
  /// model's serial solves, a core idles, which the other step fills (1M rows: 0.062 s for
  /// the two one after the other, ~0.045 s side by side; the whole run −7 ms over 15
  /// alternated runs). Their results and warnings stay apart, so they do not depend on
  /// which finishes first.
  func runRows(_ plan: AnalysisPlan) -> StepResults {
    let (models, alignment) = aligns(plan) && !plan.retention.isEmpty
      ? Self.sideBySide({ runRetention(plan) }, { runAlignment(plan) })
      : (runRetention(plan), runAlignment(plan))
    var out = alignment
    out.results.retention = models.results.retention
    out.warnings[.retention] = models.warnings[.retention]
    return out
  }

  /// Whether `plan` has a values alignment to run: asked for, and a group level (not a cut)
  /// to align within.
  func aligns(_ plan: AnalysisPlan) -> Bool {
    plan.valuesAlignment && layout.groupLevels.contains(where: { !$0.isCut })
  }

  /// The values alignment of each MRAT-centred value scale (``runRows(_:)``).
  func runAlignment(_ plan: AnalysisPlan) -> StepResults {
    var out = StepResults()
    if aligns(plan) {
      for scale in plan.values where layout.scales.first(where: { $0.name == scale })?.usesMRAT == true {
        out.attempt(.alignment, "values alignment of \(scale)", scale: scale) { out in
          // With the plan's (first Pearson) correlation table's targets and covariates.
          let spec = plan.correlate.first { $0.method == "pearson" || $0.method.isEmpty }
          let a = try valuesAlignment(scale: scale, with: spec?.with ?? [], covariates: spec?.covariates ?? [])
          out.alignment.correlations += a.correlations
          out.alignment.aggregation.append(GroupedAggregation(result: a.aggregation.result, cells: a.aggregation.cells,
                                                              level: a.aggregation.level))
        }
      }
    }
    return out
  }

  /// The retention models (``runRows(_:)``).
  func runRetention(_ plan: AnalysisPlan) -> StepResults {
    var out = StepResults()
    for r in plan.retention {
      out.attempt(.retention, "the retention model for \(r.outcome)") { out in
        let model = try retention(outcome: r.outcome, predictors: r.predictors, covariates: r.covariates)
        out.warnings[.retention, default: []] += model.warnings
        out.results.retention.append(model)
      }
    }
    return out
  }

  /// Whole-sample N, mean and SD of each ordinary scale's score.
  public func scaleDescriptives() -> [ScaleDescriptives] {
    let m = statistics.scores.moments(request.missing)
    return layout.scales.filter { !$0.usesMRAT }.compactMap { scale in
      guard let k = layout.scoreIndex(named: scale.name) else { return nil }
      return ScaleDescriptives(scale: scale.name, n: m.counts[k], mean: m.means[k], sd: m.standardDeviations[k])
    }
  }

  /// The provenance/input header of every output (design.md §7).
  /// - Parameter digests: the input files' digests when they were computed ahead.
  public func summaryHeader(startedAt: Date, waves: [String?] = [], digests: FileDigests? = nil) throws -> Summary {
    var files: [InputFile] = []
    for (i, path) in request.files.enumerated() {
      files.append(try InputFile.describing(path: path, format: formats[safe: i] ?? "csv", wave: waves[safe: i] ?? nil,
                                            digests: digests))
    }
    let codebookHash = try fileDigest(path: request.codebookPath).sha256
    let excluded = statistics.exclusions.sorted.map { Exclusion(reason: $0.reason, count: $0.count) }
    let provenance = Provenance(
      startedAt: Provenance.timestamp(startedAt), wallSeconds: Date().timeIntervalSince(startedAt),
      threads: request.threads, codebookSha256: codebookHash, missing: request.missing,
      minGroupSize: minGroupSize,
      settings: [("outOfRange", .string(request.outOfRange.rawValue))])
    return Summary(candor: ToolInfo(version: CandorVersion.string, schema: CandorVersion.schema),
                   provenance: provenance,
                   input: InputSummary(files: files, rows: statistics.rowsRead, rowsUsed: statistics.rowsUsed,
                                       rowsExcluded: excluded))
  }
}

extension Array {
  subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
