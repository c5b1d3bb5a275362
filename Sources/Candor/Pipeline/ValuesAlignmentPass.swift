import CandorData
import CandorNumerics
import CandorPsychometrics
import Foundation

/// Person–group values alignment as data (issue 6, item 4), after the statistics pass,
/// which gives every group's value sums. It reads its rows one of two ways:
/// - from the rows the statistics pass kept for it (``AlignmentRows``: each row's centred
///   value scores, outcomes and covariates as the pass scored them, in a temporary file)
///   — `candor analyze` on one file;
/// - otherwise by a **second streaming pass** over the export (tokenize, screen, and decode
///   and score only the value scale and the variables it is correlated with).
///
/// For respondent i of group g (the innermost level of `groups`) with a complete
/// MRAT-centred value profile xᵢ (V values `<scale>.<value>`), the rest of the group's
/// mean profile is m₋ᵢᵥ = (S_gv − xᵢᵥ)/(n_gv − 1), where S_gv and n_gv are the sum and
/// count of value v in group g from the first pass (``GroupLevelStatistics/scores``).
/// When every member of the group has a complete profile this is exactly the
/// leave-one-out mean of ``ValuesAlignment/compute(profiles:groups:)``; a member with a
/// partly missing profile still counts for the values they have. The pass then takes
/// - alignment r = Pearson r of xᵢ and m₋ᵢ across the V values (NaN for a flat profile),
/// - distance d = √Σᵥ(xᵢᵥ − m₋ᵢᵥ)²
/// (both undefined without a complete profile, a group, or n_gv ≥ 2), and accumulates
/// per-group moments of r and d (``GroupMoments``) and co-moments of
/// [r, d, the score variables kept] for the correlations of alignment with outcomes
/// (partial on covariates when asked).
/// Memory: V doubles per group from the first pass; nothing per row in memory.
public struct ValuesAlignmentPass: Sendable {
  /// Name of the alignment-r variable (`values.alignment`) and of the distance.
  public let names: [String]
  /// Value scale (index into the layout's scales) and its value score indices.
  public let scale: Int
  public let valueScores: [Int]
  /// The group level (innermost `groups`) and the score variables whose co-moments with
  /// the alignment are kept.
  public let level: Int
  public let others: [Int]

  /// What the pass accumulated.
  public struct Result: Sendable {
    public var scale: String
    /// Index into ``AnalysisLayout/groupLevels``; groups are indexed like its labels.
    public var level: Int
    /// Per group: moments of alignment r, and of the distance.
    public var alignment: GroupMoments
    public var distance: GroupMoments
    /// Co-moments of `names` (alignment r, distance, then the score variables kept).
    public var moments: CoMomentAccumulator
    public var names: [String]
    /// True when the export was read a second time; false when the rows the statistics
    /// pass kept (``AlignmentRows``) were used.
    public var readTheExportAgain = true

    /// Adds rows given as ``ValuesAlignmentPass/aligned(_:groups:sums:counts:)`` returns
    /// them (alignment r, distance, the score variables kept) with their global groups.
    mutating func add(_ values: [[Double]], groups: [Int32]) {
      add(columnMajor: values.flatMap { $0 }, columns: values.count, groups: groups)
    }

    /// ``add(_:groups:)`` with the columns laid end to end (`groups.count` rows each).
    mutating func add(columnMajor values: [Double], columns: Int, groups: [Int32]) {
      let m = groups.count
      moments.add(RowBlock(rows: m, columns: columns, values: values))
      alignment.add(values: Array(values[0..<m]), groups: groups, groupCount: alignment.groupCount)
      distance.add(values: Array(values[m..<(2 * m)]), groups: groups, groupCount: distance.groupCount)
    }

    /// Adds the sums of another result of the same pass (later rows).
    mutating func merge(_ o: Result) {
      moments.merge(o.moments)
      alignment.merge(o.alignment)
      distance.merge(o.distance)
    }
  }

  /// An empty result over `groupCount` groups.
  func emptyResult(scaleName: String, groupCount: Int) -> Result {
    Result(scale: scaleName, level: level, alignment: GroupMoments(groups: groupCount),
           distance: GroupMoments(groups: groupCount), moments: CoMomentAccumulator(variables: names.count), names: names)
  }

  /// The pass for value scale `scaleName` of `data`, against its innermost group level,
  /// keeping the co-moments of the alignment with the score variables `keeping` (nil = all
  /// of them: scales, outcomes, covariates).
  public init(data: SurveyData, scale scaleName: String, keeping: [String]? = nil) throws {
    let layout = data.layout
    let s = try data.scaleIndices([scaleName])[0]
    let sc = layout.scales[s]
    guard sc.usesMRAT else { throw AnalysisError.unsupported("values alignment needs a value scale (MRAT); \(scaleName) is not one") }
    guard let level = layout.groupLevels.lastIndex(where: { !$0.isCut }) else {
      throw AnalysisError.unsupported("values alignment needs `groups` in the codebook")
    }
    let values = try sc.subscales.map { try data.scoreIndex("\(sc.name).\($0.id)") }
    guard values.count >= 2 else { throw AnalysisError.unsupported("values alignment needs at least 2 values in \(scaleName)") }
    scale = s
    valueScores = values
    self.level = level
    others = try keeping.map { try $0.map { try data.scoreIndex($0) } } ?? Array(layout.scoreNames.indices)
    names = ["\(sc.name).alignment", "\(sc.name).alignmentDistance"] + others.map { layout.scoreNames[$0] }
  }

  /// What a worker decodes and scores: the value scale and the scales of `others`, their
  /// items, and the outcome and covariate columns (every variable when straight-lining
  /// excludes rows, since that screen looks at every scale).
  func workload(_ layout: AnalysisLayout, screens: Screens) -> (scales: Set<Int>, decoding: [Bool]?) {
    let scales = Self.scales(layout, scale: scale, others: others)
    if screens.straightlining == .exclude { return (scales, nil) }
    var decoding = [Bool](repeating: false, count: layout.plan.variables.count)
    for v in Self.variables(layout, scales: scales) { decoding[v] = true }
    return (scales, decoding)
  }

  /// The scales whose scores the alignment of value scale `scale` with score variables
  /// `others` needs.
  static func scales(_ layout: AnalysisLayout, scale: Int, others: [Int]) -> Set<Int> {
    Set([scale] + others.compactMap { layout.scoreScale[$0] })
  }

  /// The decoded variables those scores come from: the scales' items, the outcomes and
  /// the covariates (in plan order).
  static func variables(_ layout: AnalysisLayout, scales: Set<Int>) -> [Int] {
    var wanted = Set(layout.outcomeVariables + layout.covariateVariables)
    for s in scales { wanted.formUnion(layout.scales[s].variables) }
    return wanted.sorted()
  }

  /// The score variables an alignment is correlated with by default or as asked (`with`,
  /// default every outcome and covariate), then the covariates it is partialled on.
  static func keeping(_ layout: AnalysisLayout, with: [String], covariates: [String]) -> [String] {
    let targets = targets(layout, with: with)
    return targets + covariates.filter { !targets.contains($0) }
  }

  /// `with`, or by default every outcome and covariate.
  static func targets(_ layout: AnalysisLayout, with: [String]) -> [String] {
    with.isEmpty ? layout.scoreNames.indices.filter { layout.scoreScale[$0] == nil }.map { layout.scoreNames[$0] } : with
  }

  /// What the statistics pass should keep per row for `plan`'s values alignment, so the
  /// alignment need not read the export again (``AlignmentRows``): nil when the plan has
  /// none.
  static func rowsToKeep(plan: AnalysisPlan, layout: AnalysisLayout)
    -> (scores: [Int], level: Int, centring: [AlignmentRows.Centring?])? {
    guard plan.valuesAlignment, let level = layout.groupLevels.lastIndex(where: { !$0.isCut }),
          let name = plan.values.first(where: { n in layout.scales.contains { $0.name == n && $0.usesMRAT } }),
          let s = layout.scales.firstIndex(where: { $0.name == name }) else { return nil }
    let scale = layout.scales[s]
    let spec = plan.correlate.first { $0.method == "pearson" || $0.method.isEmpty }
    let values = scale.subscales.compactMap { layout.scoreIndex(named: "\(scale.name).\($0.id)") }
    let others = keeping(layout, with: spec?.with ?? [], covariates: spec?.covariates ?? []).compactMap(layout.scoreIndex(named:))
    // Each centred value score is its value's score (the scale's values in order, as the
    // scorer gives them) minus the scale's MRAT; the rows check it batch by batch.
    let mrat = layout.scoreIndex(named: "\(scale.name).mrat")
    let centring: [AlignmentRows.Centring?] = values.indices.map { k in
      mrat.map { AlignmentRows.Centring(scale: s, value: k, mrat: $0) }
    }
    return (values + others.filter { !values.contains($0) }, level, centring)
  }

  /// Alignment r and distance of one respondent (`x`: the V centred values), given the
  /// group's value sums and counts (`sums[v]`, `counts[v]`).
  static func alignment(_ x: [Double], sums: [Double], counts: [Int]) -> (r: Double, distance: Double) {
    precondition(sums.count == x.count && counts.count == x.count, "a sum and a count per value")
    var loo = [Double](repeating: 0, count: x.count)
    return x.withUnsafeBufferPointer { x in
      loo.withUnsafeMutableBufferPointer { loo in
        sums.withUnsafeBufferPointer { sums in
          counts.withUnsafeBufferPointer { counts in
            alignment(x.baseAddress!, loo: loo.baseAddress!, count: x.count, sums: sums.baseAddress!, counts: counts.baseAddress!)
          }
        }
      }
    }
  }

  /// The same on `count` values at `x`, with the group's sums and counts at `sums` and
  /// `counts`, the rest-of-group profile written into `loo` (no allocation per respondent):
  /// the one computation behind both ways of reading the rows (a second read, the kept rows).
  @inline(__always)
  static func alignment(_ x: UnsafePointer<Double>, loo: UnsafeMutablePointer<Double>, count v: Int,
                        sums: UnsafePointer<Double>, counts: UnsafePointer<Int>) -> (r: Double, distance: Double) {
    for k in 0..<v {
      let n = counts[k]
      if !x[k].isFinite || n < 2 { return (.nan, .nan) }
      loo[k] = (sums[k] - x[k]) / Double(n - 1)
    }
    return ValuesAlignment.profileAgreement(x, UnsafePointer(loo), count: v)
  }

  /// ``alignment(_:loo:count:sums:counts:)`` of four respondents at once, one per lane:
  /// `x[k]` holds value k of the four (each finite), `sums[l]` and `counts[l]` point at
  /// lane l's group (each count at least 2); `loo` is room for `v` vectors. Per lane the
  /// same operations in the same order as the one-respondent version (no fused
  /// multiply-adds in either), so the same bits; the ten divisions of the rest-of-group
  /// profile go four at a time, which was most of a respondent's cost.
  @inline(__always)
  static func alignment4(_ x: UnsafePointer<SIMD4<Double>>, loo: UnsafeMutablePointer<SIMD4<Double>>, count v: Int,
                         sums: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>),
                         counts: (UnsafePointer<Int>, UnsafePointer<Int>, UnsafePointer<Int>, UnsafePointer<Int>))
    -> (r: SIMD4<Double>, distance: SIMD4<Double>) {
    var ownMean = SIMD4<Double>(), otherMean = SIMD4<Double>(), squared = SIMD4<Double>()
    for k in 0..<v {
      let sum = SIMD4(sums.0[k], sums.1[k], sums.2[k], sums.3[k])
      let rest = SIMD4(Double(counts.0[k] - 1), Double(counts.1[k] - 1), Double(counts.2[k] - 1), Double(counts.3[k] - 1))
      let own = x[k], other = (sum - own) / rest
      loo[k] = other
      ownMean += own; otherMean += other
      squared += (own - other) * (own - other)
    }
    ownMean /= SIMD4(repeating: Double(v)); otherMean /= SIMD4(repeating: Double(v))
    var sxx = SIMD4<Double>(), syy = SIMD4<Double>(), sxy = SIMD4<Double>()
    for k in 0..<v {
      let a = x[k] - ownMean, b = loo[k] - otherMean
      sxx += a * a; syy += b * b; sxy += a * b
    }
    var r = sxy / (sxx * syy).squareRoot()
    // A flat profile has no correlation (lane by lane: SIMD masks compile to loops).
    for l in 0..<4 where !(sxx[l] > 0 && syy[l] > 0) { r[l] = .nan }
    return (r, squared.squareRoot())
  }

  /// One batch's per-row values: alignment r, distance, global group, then `others`
  /// (NaN where the row is excluded).
  struct AlignedBatch: Sendable {
    var work: BatchWork
    var rows: [Int]
    var group: [Int32]
    var values: [[Double]]
  }

  /// Reads every file of `data.request` again and accumulates the alignment.
  public func run(data: SurveyData) throws -> Result {
    let stats = data.statistics.groups[level]
    let groupCount = stats.labels.count
    var globalIndex: [String: Int32] = [:]
    for (g, label) in stats.labels.enumerated() { globalIndex[label] = Int32(g) }
    // Group sums and counts of each value, group-major (G × V).
    let v = valueScores.count
    var sums = [Double](repeating: 0, count: groupCount * v)
    var counts = [Int](repeating: 0, count: groupCount * v)
    for (k, score) in valueScores.enumerated() {
      let m = stats.scores[score]
      for g in 0..<min(groupCount, m.groupCount) {
        sums[g * v + k] = m.sums[g]; counts[g * v + k] = m.counts[g]
      }
    }
    var result = emptyResult(scaleName: data.layout.scales[scale].name, groupCount: groupCount)
    if let kept = data.statistics.alignmentRows, kept.complete, kept.level == level, kept.rows == data.statistics.rowsUsed,
       data.request.files.count == 1, Set(valueScores + others).isSubset(of: kept.scores), kept.prepareForReading() {
      try run(kept, sums: sums, counts: counts, threads: data.request.threads, into: &result)
      result.readTheExportAgain = false
      return result
    }
    let me = self
    for file in data.request.files {
      let (source, layout) = try SurveyData.openForPass(file, codebook: data.codebook, request: data.request)
      // Flagging straight-lined rows (warn) was counted by the first pass; only exclusion
      // changes which rows this pass keeps.
      var passScreens = data.codebook.screens
      if passScreens.straightlining != .exclude { passScreens.straightlining = .off }
      let screens = passScreens
      let pass = SurveyPass(layout: layout, screens: screens, threads: data.request.threads)
      var screener = try pass.makeScreener(source)
      var row = 0
      let (sumsCopy, countsCopy, index) = (sums, counts, globalIndex)
      // The workers' label tables last for the file, as in the first pass.
      let interners = GroupInternerPool(layout: layout, groupLevels: [level])
      try source.readBatches(threads: data.request.threads, visibility: SurveyPass.visibility(layout.plan), map: { batch in
        try me.align(batch, layout: layout, screens: screens, sums: sumsCopy, counts: countsCopy, globalIndex: index,
                     interners: interners)
      }, consume: { aligned, _ in
        var aligned = aligned
        if screens.duplicateIds != .error { try aligned.work.screenDuplicates(&screener, firstRow: row + 1) }
        row += aligned.work.keep.count
        let take = aligned.rows.indices.filter { aligned.work.keep[aligned.rows[$0]] }
        if take.isEmpty { return }
        result.add(aligned.values.map { c in take.map { c[$0] } }, groups: take.map { aligned.group[$0] })
      })
    }
    return result
  }

  /// Decodes, screens (all but duplicate ids), scores and aligns one batch on a worker.
  func align(_ batch: RecordBatch, layout: AnalysisLayout, screens: Screens, sums: [Double], counts: [Int],
             globalIndex: [String: Int32], interners: GroupInternerPool) throws -> AlignedBatch {
    // Under `duplicate_ids: error` the first pass has already proved the ids unique, so
    // this pass neither builds id strings nor screens them again.
    let (scales, decoding) = workload(layout, screens: screens)
    var work = try BatchWork(batch: batch, layout: layout, screens: screens, accumulate: false,
                             idHashesOnly: screens.duplicateIds == .error, groupLevels: [level], decoding: decoding,
                             interners: interners)
    let (used, kept) = work.keptRows()
    let columns = BatchWork.scoreColumns(used, layout: layout, scales: scales).columns
    // The batch's own group indices → the first pass's (one lookup per label, not per row).
    let global = work.partial.groups[level].labels.map { globalIndex[$0] ?? -1 }
    let local = work.groupIndex[level]
    let group = kept.map { r -> Int32 in local[r] < 0 ? -1 : global[Int(local[r])] }
    let values = aligned(columns, groups: group, sums: sums, counts: counts)
    work.block = RowBlock(rows: work.block.rows, columns: 0, values: [])
    return AlignedBatch(work: work, rows: kept, group: group, values: values)
  }

  /// Per row: alignment r, distance, then the `others` score columns, from the rows' score
  /// columns and global group indices (-1 = none) and the groups' value sums and counts.
  func aligned(_ columns: [[Double]], groups group: [Int32], sums: [Double], counts: [Int]) -> [[Double]] {
    aligned(profile: valueScores.map { columns[$0] }, others: others.map { columns[$0] }, groups: group, sums: sums, counts: counts)
  }

  /// The same from the value score columns (`profile`, in ``valueScores`` order) and the
  /// columns of ``others``.
  func aligned(profile: [[Double]], others: [[Double]], groups group: [Int32], sums: [Double], counts: [Int]) -> [[Double]] {
    let m = group.count, v = valueScores.count
    var r = [Double](repeating: .nan, count: m), distance = r
    var x = [Double](repeating: .nan, count: v)
    var loo = [Double](repeating: .nan, count: v)
    // The outputs are written through pointers: no nested-array write per row.
    r.withUnsafeMutableBufferPointer { r in
      distance.withUnsafeMutableBufferPointer { distance in
        x.withUnsafeMutableBufferPointer { x in
          loo.withUnsafeMutableBufferPointer { loo in
            sums.withUnsafeBufferPointer { sums in
              counts.withUnsafeBufferPointer { counts in
                for i in 0..<m where group[i] >= 0 {
                  for k in 0..<v { x[k] = profile[k][i] }
                  let base = Int(group[i]) * v
                  let a = Self.alignment(x.baseAddress!, loo: loo.baseAddress!, count: v,
                                         sums: sums.baseAddress! + base, counts: counts.baseAddress! + base)
                  r[i] = a.r
                  distance[i] = a.distance
                }
              }
            }
          }
        }
      }
    }
    return [r, distance] + others
  }

  /// The alignment from the rows the statistics pass kept (no second read of the export,
  /// no second scoring): the kept blocks (one per batch of the pass) are aligned on
  /// `threads` threads and their sums merged in block order, so the result does not
  /// depend on the thread count (and adds rows in the batches a second read adds them).
  func run(_ kept: AlignmentRows, sums: [Double], counts: [Int], threads: Int, into result: inout Result) throws {
    // Where each value score and each kept score variable sits in a row.
    let profileAt = valueScores.map { kept.scores.firstIndex(of: $0)! }
    let othersAt = others.map { kept.scores.firstIndex(of: $0)! }
    let width = kept.scores.count
    // Each thread reads its own blocks (positioned reads) and aligns them; a round's
    // results are merged in block order. Reading them all on the calling thread, between
    // rounds (108 MB at 1M rows then, 38 MB now), left the other cores waiting (the step 0.027 -> 0.020 s
    // wall at 1M rows). Rounds of 4 blocks per thread bound what is held between merges.
    let round = 4 * max(1, threads)
    let groupCount = result.alignment.groupCount, scaleName = result.scale
    kept.prepareForReading()
    let count = kept.blockCount
    var next = 0
    while next < count {
      let first = next, size = min(round, count - next)
      let outputs = ChunkResults<Swift.Result<Result, any Error>>(count: size)
      let me = self
      DispatchQueue.concurrentPerform(iterations: size) { c in
        outputs.set(c, Swift.Result {
          let block = try kept.block(first + c)
          var partial = me.emptyResult(scaleName: scaleName, groupCount: groupCount)
          me.align(block, width: width, profileAt: profileAt, othersAt: othersAt, sums: sums, counts: counts, into: &partial)
          return partial
        })
      }
      for output in outputs.values { if let output { result.merge(try output.get()) } }
      next += size
    }
  }

  /// Aligns one kept block into `result`: per row, alignment r and distance from its value
  /// scores (at `profileAt` in a row of `width` Doubles) and its group's sums and counts,
  /// then the co-moments of [r, d, the scores at `othersAt`] and the group moments of r
  /// and d — the numbers ``aligned(profile:others:groups:sums:counts:)`` and
  /// ``Result/add(_:groups:)`` give for the same rows, read in place.
  func align(_ block: AlignmentRows.Block, width: Int, profileAt: [Int], othersAt: [Int], sums: [Double], counts: [Int],
             into result: inout Result) {
    let m = block.rows, v = profileAt.count, columns = 2 + othersAt.count
    var out = [Double](repeating: .nan, count: m * columns)
    var x = [Double](repeating: .nan, count: v), loo = x
    let x4 = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: max(1, 2 * v)), loo4 = x4 + v
    defer { x4.deallocate() }
    block.values.withUnsafeBufferPointer { values in
      sums.withUnsafeBufferPointer { sums in
        counts.withUnsafeBufferPointer { counts in
          x.withUnsafeMutableBufferPointer { x in
            loo.withUnsafeMutableBufferPointer { loo in
              out.withUnsafeMutableBufferPointer { out in
                let values = values.baseAddress!, sums = sums.baseAddress!, counts = counts.baseAddress!
                /// Row i alone: NaN where the one-respondent version says so.
                func one(_ i: Int) {
                  let g = block.groups[i]
                  if g < 0 { return }
                  let row = values + i * width
                  for k in 0..<v { x[k] = row[profileAt[k]] }
                  let base = Int(g) * v
                  let a = Self.alignment(x.baseAddress!, loo: loo.baseAddress!, count: v, sums: sums + base, counts: counts + base)
                  out[i] = a.r
                  out[m + i] = a.distance
                }
                /// Rows i ..< i + 4 together when each has a group, every value and a
                /// group of two or more with every value (nearly all rows), else one by one.
                func four(_ i: Int) {
                  let g = (block.groups[i], block.groups[i + 1], block.groups[i + 2], block.groups[i + 3])
                  guard g.0 >= 0, g.1 >= 0, g.2 >= 0, g.3 >= 0 else { for l in 0..<4 { one(i + l) }; return }
                  let rows = (values + i * width, values + (i + 1) * width, values + (i + 2) * width, values + (i + 3) * width)
                  let base = (Int(g.0) * v, Int(g.1) * v, Int(g.2) * v, Int(g.3) * v)
                  var usable = true
                  for k in 0..<v {
                    let at = profileAt[k]
                    let xk = SIMD4(rows.0[at], rows.1[at], rows.2[at], rows.3[at])
                    x4[k] = xk
                    usable = usable && xk[0].isFinite && xk[1].isFinite && xk[2].isFinite && xk[3].isFinite
                      && counts[base.0 + k] >= 2 && counts[base.1 + k] >= 2 && counts[base.2 + k] >= 2 && counts[base.3 + k] >= 2
                  }
                  guard usable else { for l in 0..<4 { one(i + l) }; return }
                  let a = Self.alignment4(x4, loo: loo4, count: v,
                                          sums: (sums + base.0, sums + base.1, sums + base.2, sums + base.3),
                                          counts: (counts + base.0, counts + base.1, counts + base.2, counts + base.3))
                  for l in 0..<4 { out[i + l] = a.r[l]; out[m + i + l] = a.distance[l] }
                }
                for i in 0..<m {
                  let row = values + i * width
                  for (j, at) in othersAt.enumerated() { out[(2 + j) * m + i] = row[at] }
                }
                var i = 0
                while i + 4 <= m { four(i); i += 4 }
                while i < m { one(i); i += 1 }
              }
            }
          }
        }
      }
    }
    result.add(columnMajor: out, columns: columns, groups: block.groups)
  }
}

extension SurveyData {
  /// Values alignment of `scale` (a second pass over the files): per-group mean alignment
  /// as an aggregation table by the innermost group level, and correlations of alignment
  /// r and distance (`<scale>.alignment`, `<scale>.alignmentDistance`) with each of `with`
  /// (default: every outcome and numeric covariate column), partial on `covariates`
  /// (Pearson; point-biserial for 0/1 outcomes; Holm/BH within these rows).
  public func valuesAlignment(scale: String, with: [String] = [], covariates: [String] = []) throws
    -> (aggregation: LevelAggregation, correlations: [CorrelationResult]) {
    let targets = ValuesAlignmentPass.targets(layout, with: with)
    let pass = try ValuesAlignmentPass(data: self, scale: scale, keeping: ValuesAlignmentPass.keeping(layout, with: with, covariates: covariates))
    let r = try pass.run(data: self)
    let stats = statistics.groups[r.level]
    let paths = stats.labels.map { $0.components(separatedBy: " / ") }
    let level = layout.groupLevels[r.level]
    let result = Aggregation.analyze(scale: r.names[0], by: level.name,
                                     groupNames: paths.map { $0.last ?? "" }, scores: r.alignment)
    let present = (0..<r.alignment.groupCount).filter { r.alignment.counts[$0] > 0 }
    let aggregation = LevelAggregation(result: result, level: level.name, isCut: false, cut: nil,
                                       paths: present.map { paths[$0] })
    let index = { (name: String) throws -> Int in try 2 + pass.others.firstIndex(of: self.scoreIndex(name))! }
    let outcomes = layout.outcomeVariables.map { layout.plan.variables[$0].name }
    let y = try targets.filter { !covariates.contains($0) }.map(index)
    let correlations = y.isEmpty ? [] : try CorrelationTable.pearson(
      names: r.names, moments: r.moments.moments(request.missing), pairs: VariablePair.cross([0, 1], y),
      covariates: try covariates.map(index), binary: Set(try outcomes.map(index)))
    return (aggregation, correlations)
  }
}
