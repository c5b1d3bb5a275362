/// Within-group agreement: rwg (single item) and rwg(j) (James, Demaree & Wolf 1984).
///
/// The null is the uniform distribution over A response options,
/// σ²_EU = (A² − 1)/12 (5 points → 2, 7 points → 4). Observed variances larger
/// than σ²_EU are truncated to σ²_EU (so rwg = 0), as `multilevel::rwg` and
/// `multilevel::rwg.j` do and James et al. recommend. Groups with fewer than two
/// responses have no rwg.
///
/// Missing items: each item variance uses the group's answers to that item
/// (pairwise); `multilevel::rwg.j` first drops every row with a missing item
/// (listwise). The two agree on complete data; feed only complete rows to
/// ``ItemGroupMoments`` to reproduce multilevel exactly on incomplete data.
public enum Agreement {
  /// σ²_EU = (A² − 1)/12 for A response options.
  public static func uniformNullVariance(responseOptions a: Int) -> Double {
    precondition(a >= 2, "a uniform null needs at least 2 response options, got \(a)")
    return Double(a * a - 1) / 12
  }

  /// rwg = 1 − s²/σ²_E for one item (s² truncated to σ²_E).
  public static func rwg(variance s2: Double, nullVariance: Double) -> Double? {
    if s2.isNaN { return nil }
    return 1 - min(s2, nullVariance) / nullVariance
  }

  /// rwg(j) = J(1 − s̄²/σ²_E) / (J(1 − s̄²/σ²_E) + s̄²/σ²_E), with s̄² the mean
  /// of the J item variances (truncated to σ²_E).
  public static func rwgj(itemVariances: [Double], nullVariance: Double) -> Double? {
    let v = itemVariances.filter { !$0.isNaN }
    if v.isEmpty { return nil }
    let j = Double(v.count)
    let ratio = min(v.reduce(0, +) / j, nullVariance) / nullVariance
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)
  }

  /// rwg(j) of group `group` from per-item moments (items with < 2 responses left out).
  public static func rwgj(_ moments: ItemGroupMoments, group: Int, nullVariance: Double) -> Double? {
    if group >= moments.groupCount { return nil }
    return rwgj(itemVariances: (0..<moments.items).map { moments.variance(group: group, item: $0) },
                nullVariance: nullVariance)
  }

  /// Single-item rwg of `item` in `group`.
  public static func rwg(_ moments: ItemGroupMoments, group: Int, item: Int, nullVariance: Double) -> Double? {
    if group >= moments.groupCount { return nil }
    return rwg(variance: moments.variance(group: group, item: item), nullVariance: nullVariance)
  }
}

/// Which keyed response positions (1 = lowest … A = highest) count as
/// favourable, neutral and unfavourable.
///
/// Defaults (design.md §6): 4-point 3–4 / – / 1–2; 5-point 4–5 / 3 / 1–2;
/// 6-point 5–6 / 3–4 / 1–2; 7-point 6–7 / 4–5 / 1–3. Other lengths follow
/// Glint's published map (domain.md §6.2). Configurable per scale.
public struct FavourabilityBands: Codable, Sendable, Equatable {
  public var responseOptions: Int
  public var favourable: [Int]
  public var neutral: [Int]
  public var unfavourable: [Int]

  public init(responseOptions: Int, favourable: [Int], neutral: [Int], unfavourable: [Int]) {
    self.responseOptions = responseOptions
    self.favourable = favourable; self.neutral = neutral; self.unfavourable = unfavourable
  }

  /// The default bands for `points` response options (2…11), nil otherwise.
  public static func standard(points: Int) -> FavourabilityBands? {
    let table: [Int: ([Int], [Int], [Int])] = [
      2: ([2], [], [1]), 3: ([3], [2], [1]), 4: ([3, 4], [], [1, 2]), 5: ([4, 5], [3], [1, 2]),
      6: ([5, 6], [3, 4], [1, 2]), 7: ([6, 7], [4, 5], [1, 2, 3]), 8: ([6, 7, 8], [4, 5], [1, 2, 3]),
      9: ([7, 8, 9], [4, 5, 6], [1, 2, 3]), 10: ([8, 9, 10], [4, 5, 6, 7], [1, 2, 3]),
      11: ([10, 11], [8, 9], Array(1...7)),
    ]
    guard let (f, n, u) = table[points] else { return nil }
    return FavourabilityBands(responseOptions: points, favourable: f, neutral: n, unfavourable: u)
  }

  /// 0 favourable, 1 neutral, 2 unfavourable, nil when the position is in no band.
  public func band(position: Int) -> Int? {
    if favourable.contains(position) { return 0 }
    if neutral.contains(position) { return 1 }
    if unfavourable.contains(position) { return 2 }
    return nil
  }
}

/// Per-group counts of favourable, neutral and unfavourable keyed item responses
/// (mergeable; memory 3 × groups).
public struct FavourabilityCounts: Sendable, Equatable, Codable {
  public let bands: FavourabilityBands
  /// The keyed value of response position 1 (the scale minimum).
  public let minimum: Double
  /// groups × 3 counts (favourable, neutral, unfavourable).
  public private(set) var counts: [Int]

  public init(bands: FavourabilityBands, minimum: Double, groups: Int = 0) {
    self.bands = bands; self.minimum = minimum
    counts = Array(repeating: 0, count: 3 * groups)
  }

  public var groupCount: Int { counts.count / 3 }

  /// Counts laid out groups × 3 (favourable, neutral, unfavourable), e.g. from histograms.
  public init(bands: FavourabilityBands, minimum: Double, counts: [Int]) {
    precondition(counts.count % 3 == 0, "\(counts.count) counts are not groups × 3")
    self.bands = bands; self.minimum = minimum; self.counts = counts
  }

  /// Adds one keyed response; NaN, non-integer and out-of-band responses are skipped.
  public mutating func add(_ response: Double, group: Int32) {
    if response.isNaN || group < 0 { return }
    let position = response - minimum + 1
    guard position == position.rounded(), let b = bands.band(position: Int(position)) else { return }
    let g = Int(group)
    if g >= groupCount { counts += repeatElement(0, count: 3 * (g + 1 - groupCount)) }
    counts[3 * g + b] += 1
  }

  /// Adds keyed item columns with their group indices.
  public mutating func add(columns: [[Double]], groups: [Int32]) {
    for c in columns {
      precondition(c.count == groups.count, "\(c.count) responses for \(groups.count) group indices")
      for i in c.indices { add(c[i], group: groups[i]) }
    }
  }

  public mutating func merge(_ other: FavourabilityCounts) {
    precondition(other.bands == bands && other.minimum == minimum, "cannot merge counts made with different bands")
    if other.groupCount > groupCount { counts += repeatElement(0, count: 3 * (other.groupCount - groupCount)) }
    for k in other.counts.indices { counts[k] += other.counts[k] }
  }

  /// Adds `other`, whose group `g` is this one's `groupMapping[g]`.
  public mutating func merge(_ other: FavourabilityCounts, groupMapping: [Int32]) {
    precondition(other.bands == bands && other.minimum == minimum, "cannot merge counts made with different bands")
    if let m = groupMapping.max(), Int(m) + 1 > groupCount { counts += repeatElement(0, count: 3 * (Int(m) + 1 - groupCount)) }
    for g in 0..<other.groupCount {
      let t = Int(groupMapping[g])
      for b in 0..<3 { counts[3 * t + b] += other.counts[3 * g + b] }
    }
  }

  /// Shares (favourable, neutral, unfavourable) of group `g`, nil without responses.
  public func shares(_ g: Int) -> (favourable: Double, neutral: Double, unfavourable: Double)? {
    if g >= groupCount { return nil }
    let total = counts[3 * g] + counts[3 * g + 1] + counts[3 * g + 2]
    if total == 0 { return nil }
    let t = Double(total)
    return (Double(counts[3 * g]) / t, Double(counts[3 * g + 1]) / t, Double(counts[3 * g + 2]) / t)
  }
}
