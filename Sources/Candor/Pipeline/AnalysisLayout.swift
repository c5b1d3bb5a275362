import CandorData
import CandorNumerics
import CandorPsychometrics

/// Everything one pass over an export computes, laid out from the codebook and the
/// file's header: which decoded variables feed which scale, which scores exist, and
/// which columns define groups.
///
/// Score variables (what correlations, aggregation and models see) are, in order:
/// each ordinary scale's score (named like the scale); for a value scale
/// (`usesMRAT`) its MRAT-centred value scores `<scale>.<value>`, its centred
/// higher-order scores `<scale>.<higher_order>` and `<scale>.mrat`; then each outcome;
/// then each covariate.
public struct AnalysisLayout: Sendable {
  /// How cells become numbers.
  public let plan: DecodingPlan
  /// One entry per codebook scale (same order as ``DecodingPlan/layouts``).
  public let scales: [ScaleLayout]
  /// Score specs of ordinary scales (nil for value scales).
  let scoreSpecs: [ScaleScoreSpec?]
  /// Value-instrument specs, by scale index.
  let valueSpecs: [ValueInstrumentSpec?]
  /// Names of the score variables.
  public let scoreNames: [String]
  /// For each score variable: the scale it belongs to (nil for outcomes and covariates).
  public let scoreScale: [Int?]
  /// Variables (indices into the plan) that are outcomes, and covariates.
  public let outcomeVariables: [Int]
  public let covariateVariables: [Int]
  /// Group levels: the hierarchy of `groups` (outermost first), then each cut, then —
  /// when the codebook has both — each cut within each group of the innermost level
  /// (`school_id × role`: labels are the group's path then the category), so that group ×
  /// cut cells are aggregated and suppressed like the others (design.md §8).
  public let groupLevels: [GroupLevel]
  /// Per decoded variable: whether it is an item of a scale (its responses are tabulated).
  public let isScaleItem: [Bool]
  /// Per decoded variable: whether the decoder's codes are the positions its
  /// ``ItemFrequencies`` count (same minimum and number of points), so frequencies tally
  /// the codes instead of the values.
  let frequenciesCountCodes: [Bool]
  /// Per scale: whether every item's decoder codes are the scale's own, so item
  /// histograms count them instead of coding the values again.
  let scaleItemsShareCodes: [Bool]
  /// Per scale: whether its items share its codes and those stand for every point of its
  /// range, one code per point a whole number apart (at most 254 of them), so answers are
  /// equal exactly when their codes are and a reversed answer's code c is points − 1 − c:
  /// its straight-lining test compares codes (``BatchWork/straightlined(_:codes:other:rows:layout:)``).
  let codesCoverPoints: [Bool]
  /// Per scale whose items are adjacent decoded variables with integer code minimums:
  /// each item's code minimum (``ItemGroupHistogram/codeScale(_:)``), so the item
  /// co-moments can read the decoder's codes (``CoMomentAccumulator/add(columnMajor:codes:codeMinimum:rows:)``).
  let itemCodeMinimum: [[Double]?]
  /// Per decoded variable: the value of its code 0 (``ItemGroupHistogram/codeScale(_:)``),
  /// nil without a range: what ``ResponseCodes`` of a decoded block say.
  let codeMinimum: [Double?]

  /// Whether the statistics pass reads plan variable `v`'s cells only as response codes in
  /// a batch where each of its codes is a point of its range or missing (no 254): a scale
  /// item whose every scale takes the codes path for its item histograms, co-moments,
  /// straight-lining test and scores (``codesCoverPoints``, adjacent columns), whose
  /// frequencies count codes, whose values lie within ±64 (where the co-moments' Float32
  /// path from codes is exact, so it never goes back to the values), and which is no
  /// outcome or covariate and in no contingency table. The decoder may then leave such a
  /// column's values unwritten (``CellDecoder``).
  func readsOnlyCodes(_ v: Int) -> Bool {
    guard isScaleItem[v], frequenciesCountCodes[v], !outcomeVariables.contains(v), !covariateVariables.contains(v),
          !contingencySets.contains(where: { $0.contains(v) }) else { return false }
    return scales.indices.allSatisfy { s in
      let scale = scales[s]
      guard scale.variables.contains(v) else { return true }
      return codesCoverPoints[s] && itemCodeMinimum[s] != nil && scale.range.min >= -64 && scale.range.max <= 64
    }
  }
  /// Per group level and score variable: whether the pass keeps the variable's moments
  /// by group at that level.
  public let groupScores: [[Bool]]
  /// Per score variable: the lowest favourable value of its (ordinary, mean-scored) scale;
  /// nil for value scales, sum/POMP scores, outcomes and covariates.
  public var favourableThreshold: [Double?] {
    scoreNames.indices.map { k in
      guard let s = scoreScale[k], !scales[s].usesMRAT, scales[s].scoring == .mean,
            scoreNames[k] == scales[s].name else { return nil }
      return scales[s].favourable.min()
    }
  }

  /// Per variable: the decoded value of each one-digit cell "0"…"9" (nil = take the
  /// full decoder, e.g. to raise a positioned error for an out-of-range digit).
  let digitTables: [[Double?]]
  /// Per variable: whether keying flipped it, and the range sum that undoes the flip.
  let flips: [(flipped: Bool, rangeSum: Double)]

  /// A keyed value back in the respondent's response metric (for straight-lining).
  @inline(__always) func unkeyed(_ x: Double, variable v: Int) -> Double {
    flips[v].flipped ? flips[v].rangeSum - x : x
  }

  /// Whether the pass keeps id hashes and scale scores per respondent to pair waves.
  public var keepsWaveLink = false
  /// Score variables and group level whose values the pass keeps per used row for the
  /// values-alignment step (``AlignmentRows``); nil = none.
  public var alignmentRows: (scores: [Int], level: Int, centring: [AlignmentRows.Centring?])?
  /// The group levels the statistics pass interns and keeps counts, moments and item
  /// histograms for (nil = every level): `candor analyze` keeps only those its plan reads
  /// (``AnalysisPlan/groupLevelsRead(layout:)``); a level left out has no groups.
  public var internedGroupLevels: Set<Int>?

  /// Whether the pass keeps group statistics at `level`.
  func interns(_ level: Int) -> Bool { internedGroupLevels?.contains(level) ?? true }

  /// Per group level and scale: whether the pass counts the scale's item responses by
  /// group at that level (``ItemGroupHistogram``: rwg and favourability of aggregation
  /// tables); nil = at every level for every ordinary scale.
  public var itemHistograms: [[Bool]]?

  /// Whether the pass keeps an item histogram of scale `s` at group level `level`.
  func keepsItemHistogram(level: Int, scale s: Int) -> Bool {
    !scales[s].usesMRAT && !scales[s].variables.isEmpty && (itemHistograms?[level][s] ?? true)
  }

  /// Whether score variable `k` is an ordinary (non-value) scale's score.
  func isOrdinaryScaleScore(_ k: Int) -> Bool {
    guard let s = scoreScale[k] else { return false }
    return !scales[s].usesMRAT && scoreNames[k] == scales[s].name
  }

  /// Score variables kept per respondent (and the cluster level), when a model needs rows.
  public var respondentColumns: (scores: [Int], clusterLevel: Int?)?
  /// The score variables whose covariances the pass keeps (``ScoreMoments``); nil: all.
  /// `candor analyze` names those its plan correlates, under pairwise deletion only (a
  /// listwise sample is defined over every score variable).
  public var scoreCrossVariables: [Int]?
  /// Item sets (variable indices) whose pairwise contingency tables the pass counts.
  public var contingencySets: [[Int]] = []

  /// One way of splitting respondents into groups.
  public struct GroupLevel: Sendable {
    /// The column name as the codebook gives it (`school_id`, `role`).
    public var name: String
    /// Source columns whose labels form the group key (a nested level includes its parents).
    public var columns: [Int]
    /// True for a cut (demographic breakdown) or a group × cut intersection, rather than a
    /// level of `groups`.
    public var isCut: Bool
    /// The cut's codebook name (`role`) for a cut or an intersection; nil for a level of
    /// `groups`. The last label of a group path is then the cut category.
    public var cut: String? = nil

    /// Whether this level crosses the innermost `groups` level with a cut.
    public var isIntersection: Bool { isCut && columns.count > 1 }

    /// The name of the intersection of group level `group` with cut `cut`.
    public static func intersectionName(group: String, cut: String) -> String { "\(group) × \(cut)" }
  }

  public init(codebook: Codebook, plan: DecodingPlan) throws {
    self.plan = plan
    scales = plan.layouts
    var specs: [ScaleScoreSpec?] = []
    var values: [ValueInstrumentSpec?] = []
    var names: [String] = []
    var owner: [Int?] = []
    for (s, layout) in plan.layouts.enumerated() {
      if layout.usesMRAT {
        specs.append(nil)
        let valueSpecs = layout.subscales.map { ValueSpec(name: $0.id, columns: $0.variables) }
        let higher = layout.higherOrder.map { HigherOrderSpec(name: $0.id, values: $0.values) }
        values.append(ValueInstrumentSpec(name: layout.name, values: valueSpecs, higherOrder: higher,
                                          mratColumns: layout.variables,
                                          mratMinAnswered: layout.mratMinAnswered ?? 0.8))
        for v in layout.subscales { names.append("\(layout.name).\(v.id)"); owner.append(s) }
        for h in layout.higherOrder { names.append("\(layout.name).\(h.id)"); owner.append(s) }
        names.append("\(layout.name).mrat"); owner.append(s)
      } else {
        values.append(nil)
        let method = CandorPsychometrics.ScoringMethod(rawValue: layout.scoring.rawValue) ?? .mean
        specs.append(try ScaleScoreSpec(name: layout.name, columns: layout.variables, method: method,
                                        minItems: layout.minItems,
                                        range: layout.range.min...layout.range.max))
        names.append(layout.name); owner.append(s)
      }
    }
    var outcomes: [Int] = [], covariates: [Int] = []
    for (i, v) in plan.variables.enumerated() {
      switch v.role {
      case .outcome: outcomes.append(i); names.append(v.name); owner.append(nil)
      case .covariate: covariates.append(i)
      case .item: break
      }
    }
    for i in covariates { names.append(plan.variables[i].name); owner.append(nil) }
    scoreSpecs = specs
    valueSpecs = values
    scoreNames = names
    scoreScale = owner
    outcomeVariables = outcomes
    covariateVariables = covariates
    var levels: [GroupLevel] = []
    for (k, column) in plan.groupColumns.enumerated() {
      levels.append(GroupLevel(name: codebook.groups[k], columns: Array(plan.groupColumns[0...k]), isCut: false))
      _ = column
    }
    for (k, column) in plan.cutColumns.enumerated() {
      levels.append(GroupLevel(name: codebook.cuts[k], columns: [column], isCut: true, cut: codebook.cuts[k]))
    }
    if let innermost = codebook.groups.last, !plan.groupColumns.isEmpty {
      for (k, column) in plan.cutColumns.enumerated() {
        levels.append(GroupLevel(name: GroupLevel.intersectionName(group: innermost, cut: codebook.cuts[k]),
                                 columns: plan.groupColumns + [column], isCut: true, cut: codebook.cuts[k]))
      }
    }
    groupLevels = levels
    // Group moments of a score variable are kept where an estimator reads them: ordinary
    // scale scores and outcomes at every level (aggregation, retention rates, waves), value
    // scores at the innermost level of `groups` (values alignment). Higher-order values,
    // the MRAT and covariates are never read by group.
    let innermost = levels.lastIndex { !$0.isCut }
    let scaleLayouts = plan.layouts
    let covariateNames = Set(covariates.map { plan.variables[$0].name })
    var kept: [[Bool]] = []
    for l in levels.indices {
      kept.append(names.indices.map { k in
        guard let s = owner[k] else { return !covariateNames.contains(names[k]) }
        let scale = scaleLayouts[s]
        if !scale.usesMRAT { return true }
        return l == innermost && scale.subscales.contains { "\(scale.name).\($0.id)" == names[k] }
      })
    }
    groupScores = kept
    var inScale = [Bool](repeating: false, count: plan.variables.count)
    for scale in scaleLayouts { for v in scale.variables { inScale[v] = true } }
    isScaleItem = inScale
    frequenciesCountCodes = plan.variables.map { variable in
      let frequencies = ItemFrequencies(range: variable.range), codes = ItemGroupHistogram.codeScale(variable.range)
      return frequencies.minimum == codes.minimum && Double(frequencies.counts.count) == codes.top
    }
    scaleItemsShareCodes = scaleLayouts.map { scale in
      scale.variables.allSatisfy { ItemGroupHistogram.codeScale(plan.variables[$0].range) == ItemGroupHistogram.codeScale(scale.range) }
    }
    codesCoverPoints = zip(scaleLayouts, scaleItemsShareCodes).map { scale, shared in
      let top = ItemGroupHistogram.codeScale(scale.range).top
      return shared && top == Double(scale.range.points) && scale.range.max - scale.range.min == top - 1
    }
    let codeMinimum = plan.variables.map { $0.range == nil ? nil : ItemGroupHistogram.codeScale($0.range).minimum }
    self.codeMinimum = codeMinimum
    itemCodeMinimum = scaleLayouts.map { scale -> [Double]? in
      guard let first = scale.variables.first, scale.variables == Array(first..<(first + scale.variables.count)) else { return nil }
      let minimum = scale.variables.compactMap { codeMinimum[$0] }
      return minimum.count == scale.variables.count && minimum.allSatisfy(ResponseCodes.isUsableMinimum) ? minimum : nil
    }
    digitTables = plan.variables.indices.map { v in
      (0..<10).map { d -> Double? in
        // Out-of-range digits take the full decoder, which counts or reports them.
        var counts = DecodeCounts(variables: plan.variables.count)
        var text = String(d)
        let x = try? text.withUTF8 { try plan.decodeCell(UnsafeRawBufferPointer($0), variable: v, row: nil, counts: &counts) }
        return counts.totalOutOfRange > 0 ? nil : x
      }
    }
    flips = plan.variables.map { variable in
      let r = variable.range
      return (variable.isDescending != variable.isReversed && r != nil, (r?.min ?? 0) + (r?.max ?? 0))
    }
  }

  /// Number of decoded variables.
  public var variableCount: Int { plan.variables.count }
  /// Asks the pass to keep `names` (score variables) per respondent, with the group
  /// index of level `cluster`.
  public mutating func keepRespondentColumns(_ names: [String], cluster: String?) throws {
    let scores = try names.map { n in
      guard let k = scoreIndex(named: n) else { throw AnalysisError.unknownVariable(n, known: scoreNames) }
      return k
    }
    var level: Int? = nil
    if let cluster {
      guard let l = groupLevels.firstIndex(where: { $0.name == cluster }) else {
        throw AnalysisError.unknownVariable(cluster, known: groupLevels.map(\.name))
      }
      level = l
    }
    let existing = respondentColumns?.scores ?? []
    respondentColumns = (existing + scores.filter { !existing.contains($0) }, level ?? respondentColumns?.clusterLevel)
  }

  /// Asks the pass to count pairwise contingency tables of each set of items (by name).
  public mutating func keepContingencyTables(_ sets: [[String]]) throws {
    let items = plan.variables.indices.filter { plan.variables[$0].role.isItem }
    for set in sets {
      let variables = try set.map { name in
        guard let v = items.first(where: { plan.variables[$0].name == name }) else {
          throw AnalysisError.unknownVariable(name, known: items.map { plan.variables[$0].name })
        }
        return v
      }
      if !contingencySets.contains(variables) { contingencySets.append(variables) }
    }
  }

  /// Index of a score variable by name.
  public func scoreIndex(named name: String) -> Int? { scoreNames.firstIndex(of: name) }
}
