import CandorData
import CandorNumerics
import CandorPsychometrics

/// Per-group sufficient statistics of one group level: labels interned to dense
/// indices, score moments per score variable, and per scale a response histogram of
/// each keyed item (what rwg, rwg(j) and favourability need). Memory grows with the
/// number of groups, never with rows.
public struct GroupLevelStatistics: Sendable {
  /// Group labels by index (a nested level's label is its path, joined by " / ").
  public var labels: [String] {
    guard let registry, storedLabels.isEmpty else { return storedLabels }
    return registryIDs.map { registry.label(of: $0, level: level) }
  }
  /// Groups by index (``labels``' count).
  public var groupCount: Int { registry == nil ? storedLabels.count : registryIDs.count }
  /// The group level these statistics are of (its index in the layout's levels).
  let level: Int
  /// Labels interned by text (merged statistics); a batch's groups interned through a
  /// registry keep only their ids (``registryIDs``): their labels are the registry's.
  private var storedLabels: [String] = []
  private var index: [String: Int32] = [:]
  /// Per score variable.
  public var scores: [GroupMoments]
  /// Per scale (nil for value scales, which are not aggregated item by item, and for
  /// scales the plan does not aggregate at this level: ``AnalysisLayout/itemHistograms``).
  public var items: [ItemGroupHistogram?]
  /// Respondents (used rows) per group.
  public var respondents: [Int] = []
  /// A batch's statistics: the pass's label registry and each group's id in it (parallel
  /// to ``labels``), when its groups were interned through one (``GroupInterner``).
  private(set) var registry: GroupLabelRegistry?
  private(set) var registryIDs: [Int32] = []
  /// Merged statistics: the index of each id of `mergedRegistry` met so far (-1 = not
  /// yet), so a batch's groups map to this level's by id instead of by hashing labels.
  private var mergedRegistry: GroupLabelRegistry?
  private var indexOfMergedID: [Int32] = []

  init(layout: AnalysisLayout, level: Int) {
    self.level = level
    scores = Array(repeating: GroupMoments(), count: layout.scoreNames.count)
    items = layout.scales.indices.map { s in
      let scale = layout.scales[s]
      return layout.keepsItemHistogram(level: level, scale: s) ? ItemGroupHistogram(items: scale.variables.count, range: scale.range) : nil
    }
  }

  /// The dense index of `label`, interning it on first sight.
  mutating func intern(_ label: String) -> Int32 {
    precondition(registry == nil, "groups interned by text and through a registry do not mix")
    if let g = index[label] { return g }
    let g = Int32(storedLabels.count)
    storedLabels.append(label)
    index[label] = g
    respondents.append(0)
    return g
  }

  /// Appends a batch's group with id `id` in `registry`: the interner appends each id once
  /// per batch, and every group of a batch comes from one registry. The label is not
  /// copied (it stays the registry's): a batch meets ~1,500 groups, and keeping each one's
  /// String per batch was a third of interning them at 1M rows.
  mutating func appendRegistered(id: Int32, registry: GroupLabelRegistry) -> Int32 {
    precondition(self.registry == nil ? storedLabels.isEmpty : self.registry === registry,
                 "a batch's groups all come from one registry")
    self.registry = registry
    let g = Int32(registryIDs.count)
    registryIDs.append(id)
    respondents.append(0)
    return g
  }

  /// The index in `self` of each of `other`'s groups, interning the new ones in `other`'s
  /// order: by registry id when `other`'s groups came from the registry `self` merges
  /// from (the first one it meets), by label otherwise.
  private mutating func mapping(of other: GroupLevelStatistics) -> [Int32] {
    guard let registry = other.registry, mergedRegistry == nil || mergedRegistry === registry else {
      return other.labels.map { intern($0) }
    }
    let level = other.level
    mergedRegistry = registry
    // By position: a label is read (and its String retained) only the first time its id
    // is merged, not for each of a batch's ~1,500 groups.
    return other.registryIDs.indices.map { g in
      let i = Int(other.registryIDs[g])
      if i >= indexOfMergedID.count {
        indexOfMergedID += repeatElement(-1, count: max(i + 1, 2 * indexOfMergedID.count) - indexOfMergedID.count)
      }
      if indexOfMergedID[i] < 0 { indexOfMergedID[i] = intern(registry.label(of: other.registryIDs[g], level: level)) }
      return indexOfMergedID[i]
    }
  }

  /// Adds `other` (with its own interning) into `self`, re-indexing its groups.
  /// - Returns: the index in `self` of each of `other`'s groups.
  @discardableResult
  mutating func merge(_ other: GroupLevelStatistics) -> [Int32] {
    let mapping = mapping(of: other)
    for g in other.respondents.indices { respondents[Int(mapping[g])] += other.respondents[g] }
    for k in scores.indices { scores[k].merge(other.scores[k], groupMapping: mapping) }
    for k in items.indices { if let o = other.items[k] { items[k]!.merge(o, groupMapping: mapping, groups: groupCount) } }
    return mapping
  }
}

/// Per group and item, counts of each integer response in the item's range (keyed),
/// plus moments of any other answered value: exact, mergeable, one increment per cell.
/// n, Σx, Σx² (rwg) and favourability bands are derived at the end.
public struct ItemGroupHistogram: Sendable {
  public let items: Int
  public let range: ResponseRange
  /// Response points `range.min … range.max`.
  public let points: Int
  /// groups × items × points.
  public private(set) var counts: [Int] = []
  /// Values that are not integer points of the range (rare: recodes to halves).
  public private(set) var other: ItemGroupMoments

  init(items: Int, range: ResponseRange) {
    self.items = items
    self.range = range
    points = max(1, range.points)
    other = ItemGroupMoments(items: items)
  }

  var groupCount: Int { counts.count / (items * points) }

  mutating func grow(to groups: Int) {
    let need = groups * items * points
    if counts.count < need { counts += repeatElement(0, count: need - counts.count) }
  }

  /// Code of a missing value and of one that is not a point of the range.
  static let missingCode = ResponseCodes.missing, otherCode = ResponseCodes.other

  /// Each value's position among the range's points (0 = `range.min`), or ``otherCode``
  /// (not a point: a half, or outside) or ``missingCode`` (NaN): computed once per batch
  /// and shared by every group level, instead of converting each value once per level.
  static func codes(_ values: UnsafeBufferPointer<Double>, range: ResponseRange) -> [UInt8] {
    let (lo, top) = codeScale(range)
    var out = [UInt8](repeating: 0, count: values.count)
    out.withUnsafeMutableBufferPointer { o in
      for (i, x) in values.enumerated() { o[i] = code(x, minimum: lo, top: top) }
    }
    return out
  }

  /// The minimum and the number of points (at most ``otherCode``) that codes in `range`
  /// count from, as `code(_:minimum:top:)` takes them; no range: (0, 0), every answer
  /// "other". Two ranges with the same scale give the same codes.
  static func codeScale(_ range: ResponseRange?) -> (minimum: Double, top: Double) {
    guard let range else { return (0, 0) }
    return (range.min, Double(min(max(1, range.points), Int(otherCode))))
  }

  /// `x`'s position among the points `minimum`, `minimum + 1`, … below `minimum + top`, or
  /// ``otherCode`` (not such a point) or ``missingCode`` (NaN).
  @inline(__always) static func code(_ x: Double, minimum lo: Double, top: Double) -> UInt8 {
    let pos = x - lo
    if pos >= 0 && pos < top, case let ip = Int(pos), Double(ip) == pos { return UInt8(truncatingIfNeeded: ip) }
    return x.isNaN ? missingCode : otherCode
  }

  /// Adds column-major keyed item values (`values`, `rows × items`) by their
  /// ``codes(_:range:)`` in this histogram's range, with their group indices.
  mutating func add(codes: UnsafeBufferPointer<UInt8>, values: UnsafeBufferPointer<Double>, rows: Int,
                    groups: [Int32], groupCount: Int) {
    grow(to: groupCount)
    let p = points, k = items
    counts.withUnsafeMutableBufferPointer { c in
      groups.withUnsafeBufferPointer { groups in
        for j in 0..<k {
          let base = j * rows
          for i in 0..<rows {
            let g = Int(groups[i])
            if g < 0 { continue }
            let code = codes[base + i]
            if Int(code) < p {
              c[(g &* k &+ j) &* p &+ Int(code)] &+= 1
            } else if code == Self.otherCode {
              var row = [Double](repeating: .nan, count: k)
              row[j] = values[base + i]
              other.add(row: row, group: Int32(g))
            }
          }
        }
      }
    }
  }

  mutating func merge(_ o: ItemGroupHistogram, groupMapping: [Int32], groups: Int) {
    grow(to: groups)
    let stride = items * points
    // Through pointers, without overflow traps (counts of rows cannot reach 2⁶³): a
    // vector add per group instead of a checked add per cell.
    counts.withUnsafeMutableBufferPointer { total in
      o.counts.withUnsafeBufferPointer { part in
        for g in 0..<o.groupCount {
          let t = Int(groupMapping[g])
          precondition(t >= 0 && (t + 1) * stride <= total.count, "group \(t) outside the histogram's \(groups) groups")
          let to = total.baseAddress! + t * stride, from = part.baseAddress! + g * stride
          for q in 0..<stride { to[q] &+= from[q] }
        }
      }
    }
    if o.other.groupCount > 0 { other.merge(o.other, groupMapping: groupMapping) }
  }

  /// Per group and item n, Σx, Σx² (for rwg and rwg(j)).
  public func moments(groups: Int) -> ItemGroupMoments {
    var n = [Int](repeating: 0, count: groups * items)
    var s = [Double](repeating: 0, count: groups * items)
    var ss = [Double](repeating: 0, count: groups * items)
    for g in 0..<min(groups, groupCount) {
      for j in 0..<items {
        let cell = g * items + j
        for q in 0..<points {
          let c = counts[cell * points + q]
          if c == 0 { continue }
          let x = range.min + Double(q)
          n[cell] += c; s[cell] += Double(c) * x; ss[cell] += Double(c) * x * x
        }
      }
    }
    var m = ItemGroupMoments(items: items, counts: n, sums: s, sumsOfSquares: ss)
    m.merge(other)
    return m
  }

  /// Favourable / neutral / unfavourable counts per group over all items.
  public func favourability(_ bands: FavourabilityBands, groups: Int) -> FavourabilityCounts {
    var out = [Int](repeating: 0, count: 3 * groups)
    for g in 0..<min(groups, groupCount) {
      for j in 0..<items {
        for q in 0..<points {
          let c = counts[(g * items + j) * points + q]
          if c > 0, let b = bands.band(position: q + 1) { out[3 * g + b] += c }
        }
      }
    }
    return FavourabilityCounts(bands: bands, minimum: range.min, counts: out)
  }
}

extension FavourabilityBands {
  /// Bands from a decoded scale layout (codebook `favourable:` or design.md §6 defaults).
  static func fromLayout(_ scale: ScaleLayout, points: Int) -> FavourabilityBands? {
    func positions(_ values: [Double]) -> [Int] { values.map { Int(($0 - scale.range.min).rounded()) + 1 } }
    if scale.favourable.isEmpty { return nil }
    return FavourabilityBands(responseOptions: points, favourable: positions(scale.favourable),
                              neutral: positions(scale.neutral), unfavourable: positions(scale.unfavourable))
  }
}

/// Response counts of one item (keyed values), including missing.
public struct ItemFrequencies: Sendable, Equatable {
  /// Lowest value counted by position (the item's range minimum).
  public let minimum: Double
  /// Counts of integer values minimum, minimum + 1, …
  public private(set) var counts: [Int]
  /// Other answered values (non-integers, values outside the range).
  public private(set) var other: [Double: Int] = [:]
  public private(set) var missing = 0

  init(range: ResponseRange?) {
    minimum = range?.min ?? 0
    counts = Array(repeating: 0, count: range.map { max(0, Int($0.max - $0.min) + 1) } ?? 0)
  }

  /// Adds a column of values (one pass, no per-value access through the array).
  mutating func add(_ values: UnsafeBufferPointer<Double>) {
    let lo = minimum, points = counts.count
    var missing = 0
    counts.withUnsafeMutableBufferPointer { c in
      let top = Double(points)
      for x in values {
        if x.isNaN { missing += 1; continue }
        let p = x - lo
        if p >= 0 && p < top {
          let i = Int(p)  // truncation; a whole number when it converts back
          if Double(i) == p { c[i] &+= 1; continue }
        }
        other[x, default: 0] += 1
      }
    }
    self.missing += missing
  }

  /// Adds a column from its positions in the item's range (``ItemGroupHistogram/codes(_:range:)``
  /// of a range whose minimum and number of points are this item's): counted by byte, the
  /// values read only for a code that is not a point (``ItemGroupHistogram/otherCode``).
  mutating func add(codes: UnsafeBufferPointer<UInt8>, values: UnsafeBufferPointer<Double>) {
    precondition(codes.count == values.count, "a code per value")
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * 256) { tallies in
      // Four tallies, taking the bytes in turn: a column of a Likert item repeats a few
      // codes, and one tally would make each increment wait for the previous one to the
      // same counter. Eight codes are read as one word.
      tallies.initialize(repeating: 0)
      let t = tallies.baseAddress!, n = codes.count
      var i = 0
      if let base = codes.baseAddress {
        let raw = UnsafeRawPointer(base)
        while i &+ 8 <= n {
          let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
          t[Int(truncatingIfNeeded: w & 0xFF)] &+= 1
          t[256 &+ Int(truncatingIfNeeded: (w >> 8) & 0xFF)] &+= 1
          t[512 &+ Int(truncatingIfNeeded: (w >> 16) & 0xFF)] &+= 1
          t[768 &+ Int(truncatingIfNeeded: (w >> 24) & 0xFF)] &+= 1
          t[Int(truncatingIfNeeded: (w >> 32) & 0xFF)] &+= 1
          t[256 &+ Int(truncatingIfNeeded: (w >> 40) & 0xFF)] &+= 1
          t[512 &+ Int(truncatingIfNeeded: (w >> 48) & 0xFF)] &+= 1
          t[768 &+ Int(truncatingIfNeeded: w >> 56)] &+= 1
          i &+= 8
        }
        while i < n { t[Int(base[i])] &+= 1; i &+= 1 }
      }
      for b in 0..<256 { t[b] = t[b] &+ t[256 &+ b] &+ t[512 &+ b] &+ t[768 &+ b] }
      let tally = UnsafeBufferPointer(start: t, count: 256)
      for i in counts.indices { counts[i] += tally[i] }
      missing += tally[Int(ItemGroupHistogram.missingCode)]
      if tally[Int(ItemGroupHistogram.otherCode)] > 0 {
        for (code, x) in zip(codes, values) where code == ItemGroupHistogram.otherCode { other[x, default: 0] += 1 }
      }
    }
  }

  mutating func merge(_ o: ItemFrequencies) {
    for i in counts.indices { counts[i] += o.counts[i] }
    for (k, v) in o.other { other[k, default: 0] += v }
    missing += o.missing
  }

  /// Value text → count, `missing` last (the JSON `frequencies` object).
  public var table: [String: Int] {
    var t: [String: Int] = [:]
    for (i, c) in counts.enumerated() where c > 0 { t[Self.text(minimum + Double(i))] = c }
    for (k, c) in other { t[Self.text(k)] = c }
    t["missing"] = missing
    return t
  }

  static func text(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
  }
}

/// Everything one pass accumulates: mergeable, so threads, files and shards combine
/// with the same ``merge(_:)``. Merging in file order makes results independent of the
/// thread count (bit-identical for integer-coded items).
public struct PassStatistics: Sendable {
  /// Data rows read (after header rows).
  public var rowsRead = 0
  /// Rows that passed every screen.
  public var rowsUsed = 0
  /// Rows excluded, by reason.
  public var exclusions = ExclusionCounts()
  /// Cells turned missing because out of range (`--out-of-range missing`).
  public var decodeCounts: DecodeCounts
  /// Per scale: co-moments of its keyed items.
  public var scaleItems: [CoMomentAccumulator]
  /// Per decoded variable: response frequencies.
  public var frequencies: [ItemFrequencies]
  /// Moments of the score variables (scores, outcomes, covariates): co-moments of those the
  /// plan correlates (``AnalysisLayout/scoreCrossVariables``; all by default).
  public var scores: ScoreMoments
  /// Per score variable: used rows without a score (too few items answered).
  public var unscored: [Int]
  /// Per score variable of an ordinary scale: respondents whose score lies in the scale's
  /// favourable band (score ≥ the lowest favourable value), for favourability change
  /// between waves counted in respondents, not item responses.
  public var favourableRespondents: [Int]
  /// Per group level.
  public var groups: [GroupLevelStatistics]
  /// Compact per-respondent columns for what sufficient statistics cannot give
  /// (logistic regression, bootstrap): only when asked for.
  public var respondents: RespondentColumns?
  /// Id hashes and ordinary-scale scores per respondent, to pair respondents across waves
  /// (only with `--wave` and an id column).
  public var waveLink: WaveLinkColumns?
  /// Per ``AnalysisLayout/contingencySets`` entry: pairwise contingency tables of its
  /// items (polychoric correlations), only when asked for.
  public var contingency: [ContingencyAccumulator] = []
  /// What the values-alignment step reads instead of the export (only when asked for).
  public var alignmentRows: AlignmentRows?

  public init(layout: AnalysisLayout) {
    decodeCounts = DecodeCounts(variables: layout.variableCount)
    scaleItems = layout.scales.map { CoMomentAccumulator(variables: $0.variables.count) }
    frequencies = layout.plan.variables.map { ItemFrequencies(range: $0.range) }
    scores = ScoreMoments(variables: layout.scoreNames.count, crossed: layout.scoreCrossVariables)
    unscored = Array(repeating: 0, count: layout.scoreNames.count)
    favourableRespondents = Array(repeating: 0, count: layout.scoreNames.count)
    groups = layout.groupLevels.indices.map { GroupLevelStatistics(layout: layout, level: $0) }
    if layout.keepsWaveLink {
      waveLink = WaveLinkColumns(scores: layout.scoreNames.indices.filter { layout.favourableThreshold[$0] != nil || layout.isOrdinaryScaleScore($0) })
    }
    if let keep = layout.respondentColumns {
      respondents = RespondentColumns(scoreIndices: keep.scores, clusterLevel: keep.clusterLevel)
    }
    if let keep = layout.alignmentRows { alignmentRows = AlignmentRows(scores: keep.scores, level: keep.level, centring: keep.centring) }
    contingency = layout.contingencySets.map { set in
      let ranges = set.compactMap { layout.plan.variables[$0].range }
      let lo = Int((ranges.map(\.min).min() ?? 0).rounded(.down))
      let hi = Int((ranges.map(\.max).max() ?? 0).rounded(.up))
      return ContingencyAccumulator(variables: set.count, codes: lo...max(lo, hi))
    }
  }

  /// Reserves the per-respondent columns for `rows` respondents.
  mutating func reserveRespondentRows(_ rows: Int) {
    guard var r = respondents else { return }
    respondents = nil  // keep the storage uniquely referenced while reserving
    r.reserve(rows: rows)
    respondents = r
  }

  /// Adds another partial (exact for counts and integer sums; merge in file order).
  public mutating func merge(_ o: PassStatistics) {
    rowsRead += o.rowsRead
    rowsUsed += o.rowsUsed
    exclusions.merge(o.exclusions)
    decodeCounts.merge(o.decodeCounts)
    for k in scaleItems.indices { scaleItems[k].merge(o.scaleItems[k]) }
    for k in frequencies.indices { frequencies[k].merge(o.frequencies[k]) }
    scores.merge(o.scores)
    for k in unscored.indices { unscored[k] += o.unscored[k] }
    for k in favourableRespondents.indices { favourableRespondents[k] += o.favourableRespondents[k] }
    for k in contingency.indices { contingency[k].merge(o.contingency[k]) }
    var mappings: [[Int32]] = []
    for k in groups.indices { mappings.append(groups[k].merge(o.groups[k])) }
    if var w = waveLink, let other = o.waveLink {
      waveLink = nil  // keep the storage uniquely referenced while appending
      w.append(other)
      waveLink = w
    }
    if var r = respondents, let other = o.respondents {
      respondents = nil  // keep the storage uniquely referenced while appending
      r.append(other, clusterMapping: r.clusterLevel.map { mappings[$0] })
      respondents = r
    }
    if var a = alignmentRows, let other = o.alignmentRows {
      alignmentRows = nil
      a.merge(other, mapping: mappings[a.level])
      alignmentRows = a
    }
  }
}

/// Per-respondent columns of selected score variables, with a cluster index: the compact
/// data behind logistic regression with cluster-robust errors, rank correlations and the
/// drivers bootstrap. Each column takes one byte a row while its values are integers
/// 0…254 (a 0/1 outcome, years of tenure) and four (Float32) otherwise (scale scores); the
/// cluster index two bytes a row (``CompactColumn``, ``CompactGroupIndex``). The demo's
/// retention model (left, trust, psych_safety, tenure; by school) keeps 12 bytes a
/// respondent: 60 MB at 5M rows.
public struct RespondentColumns: Sendable {
  /// Score-variable indices kept, in order.
  public let scoreIndices: [Int]
  /// Group level whose index is kept per row (nil: none).
  public let clusterLevel: Int?
  /// One column per kept score variable (NaN = missing).
  public private(set) var values: [CompactColumn]
  /// Global group index per row at `clusterLevel` (-1 = no group).
  public private(set) var cluster = CompactGroupIndex()

  init(scoreIndices: [Int], clusterLevel: Int?) {
    self.scoreIndices = scoreIndices
    self.clusterLevel = clusterLevel
    values = Array(repeating: CompactColumn(), count: scoreIndices.count)
  }

  /// Makes room for `rows` respondents in every column (see ``SurveyPass/sourceBytes``).
  mutating func reserve(rows: Int) {
    for k in values.indices { values[k].reserve(rows) }
    if clusterLevel != nil { cluster.reserve(rows) }
  }

  mutating func append(columns: [[Double]], cluster rows: [Int32]?) {
    for (k, s) in scoreIndices.enumerated() { values[k].append(contentsOf: columns[s]) }
    if clusterLevel != nil, let rows { cluster.append(contentsOf: rows) }
  }

  mutating func append(_ o: RespondentColumns, clusterMapping: [Int32]?) {
    for k in values.indices { values[k].append(contentsOf: o.values[k]) }
    if let clusterMapping { cluster.append(o.cluster, mapping: clusterMapping) }
  }
}

/// Per kept respondent: the id's hash and each ordinary scale's score, in file order — what
/// pairs respondents across waves (16–24 bytes a respondent, only with `--wave`).
public struct WaveLinkColumns: Sendable {
  /// Score-variable indices kept.
  public let scoreIndices: [Int]
  public private(set) var idHashes: [UInt64] = []
  /// One column per kept score (NaN = no score).
  public private(set) var scores: [[Double]]

  init(scores: [Int]) {
    scoreIndices = scores
    self.scores = Array(repeating: [], count: scores.count)
  }

  mutating func append(hashes: [UInt64], columns: [[Double]]) {
    idHashes.append(contentsOf: hashes)
    for (k, s) in scoreIndices.enumerated() { scores[k].append(contentsOf: columns[s]) }
  }

  mutating func append(_ o: WaveLinkColumns) {
    idHashes.append(contentsOf: o.idHashes)
    for k in scores.indices { scores[k].append(contentsOf: o.scores[k]) }
  }

  /// The paired differences `to − from` of score `k` over respondents present in both
  /// (same id hash; a blank id never links).
  static func pairedDifferences(from a: WaveLinkColumns, to b: WaveLinkColumns, score k: Int) -> PairedDifferences {
    var index: [UInt64: Int] = [:]
    index.reserveCapacity(a.idHashes.count)
    for (i, h) in a.idHashes.enumerated() where h != 0 { index[h] = i }
    var d = PairedDifferences()
    for (j, h) in b.idHashes.enumerated() where h != 0 {
      guard let i = index[h] else { continue }
      let x = a.scores[k][i], y = b.scores[k][j]
      if x.isNaN || y.isNaN { continue }
      d.add(y - x)
    }
    return d
  }

  /// Respondents of `b` whose id also answered in `a`.
  static func linkedCount(_ a: WaveLinkColumns, _ b: WaveLinkColumns) -> Int {
    let ids = Set(a.idHashes.lazy.filter { $0 != 0 })
    return b.idHashes.lazy.filter { $0 != 0 && ids.contains($0) }.count
  }
}
