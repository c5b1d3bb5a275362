/// Per-group count, sum and sum of squares of one variable: the sufficient
/// statistics of group means, SDs and the one-way ANOVA.
///
/// Keyed by a dense group index (`Int32`, negative = no group); memory grows with
/// the number of groups, never with rows. `merge` adds counts and sums, so
/// threads and files combine exactly (bit-identical for integer-valued data).
public struct GroupMoments: Sendable, Equatable, Codable {
  public private(set) var counts: [Int]
  public private(set) var sums: [Double]
  public private(set) var sumsOfSquares: [Double]

  /// Empty moments for `groups` groups (more are added as indices appear).
  public init(groups: Int = 0) {
    counts = Array(repeating: 0, count: groups)
    sums = Array(repeating: 0, count: groups)
    sumsOfSquares = Array(repeating: 0, count: groups)
  }

  /// Number of group slots (the largest index seen + 1).
  public var groupCount: Int { counts.count }

  mutating func grow(to groups: Int) {
    if groups <= counts.count { return }
    let extra = groups - counts.count
    counts += repeatElement(0, count: extra)
    sums += repeatElement(0, count: extra)
    sumsOfSquares += repeatElement(0, count: extra)
  }

  /// Adds one value; NaN values and negative groups are skipped.
  public mutating func add(_ value: Double, group: Int32) {
    if value.isNaN || group < 0 { return }
    let g = Int(group)
    if g >= counts.count { grow(to: g + 1) }
    counts[g] += 1; sums[g] += value; sumsOfSquares[g] += value * value
  }

  /// Adds a column of values with their group indices.
  public mutating func add(values: [Double], groups: [Int32]) {
    precondition(values.count == groups.count, "\(values.count) values for \(groups.count) group indices")
    if let m = groups.max(), m >= 0 { add(values: values, groups: groups, groupCount: Int(m) + 1) }
  }

  /// ``add(values:groups:)`` when every index is known to be below `groupCount` (no scan
  /// for the largest).
  public mutating func add(values: [Double], groups: [Int32], groupCount: Int) {
    precondition(values.count == groups.count, "\(values.count) values for \(groups.count) group indices")
    grow(to: groupCount)
    counts.withUnsafeMutableBufferPointer { n in
      sums.withUnsafeMutableBufferPointer { s in
        sumsOfSquares.withUnsafeMutableBufferPointer { ss in
          for i in values.indices {
            let x = values[i], g = Int(groups[i])
            if x.isNaN || g < 0 { continue }
            precondition(g < n.count, "group index \(g) ≥ groupCount \(n.count)")
            n[g] &+= 1; s[g] += x; ss[g] += x * x
          }
        }
      }
    }
  }

  /// Adds the statistics of `other` (same group indexing).
  public mutating func merge(_ other: GroupMoments) {
    grow(to: other.groupCount)
    for g in 0..<other.groupCount {
      counts[g] += other.counts[g]; sums[g] += other.sums[g]; sumsOfSquares[g] += other.sumsOfSquares[g]
    }
  }

  /// Adds the statistics of `other`, whose group `g` is this one's `groupMapping[g]`
  /// (merging partials that interned group labels separately).
  public mutating func merge(_ other: GroupMoments, groupMapping: [Int32]) {
    precondition(groupMapping.count >= other.groupCount, "\(groupMapping.count) mappings for \(other.groupCount) groups")
    if other.groupCount == 0 { return }
    if let m = groupMapping.max() { grow(to: Int(m) + 1) }
    // Through pointers (the pass merges every batch's groups this way): no bounds or
    // uniqueness check per element; the indices are checked once per group.
    counts.withUnsafeMutableBufferPointer { n in
      sums.withUnsafeMutableBufferPointer { s in
        sumsOfSquares.withUnsafeMutableBufferPointer { ss in
          for g in 0..<other.groupCount {
            let t = Int(groupMapping[g])
            precondition(t >= 0 && t < n.count, "group \(t) outside \(n.count) groups")
            n[t] += other.counts[g]; s[t] += other.sums[g]; ss[t] += other.sumsOfSquares[g]
          }
        }
      }
    }
  }

  /// Mean of group `g` (NaN when empty).
  public func mean(_ g: Int) -> Double { counts[g] > 0 ? sums[g] / Double(counts[g]) : .nan }

  /// Within-group sum of squared deviations Σ(x − x̄)² = Σx² − (Σx)²/n (≥ 0).
  public func sumOfSquaredDeviations(_ g: Int) -> Double {
    counts[g] > 0 ? max(0, sumsOfSquares[g] - sums[g] * sums[g] / Double(counts[g])) : 0
  }

  /// Sample variance (n − 1) of group `g`; NaN below 2 values.
  public func variance(_ g: Int) -> Double {
    counts[g] > 1 ? sumOfSquaredDeviations(g) / Double(counts[g] - 1) : .nan
  }
}

/// Per-group, per-item count, sum and sum of squares: what rwg and rwg(j) need.
///
/// Storage is groups × items; `merge` adds exactly.
public struct ItemGroupMoments: Sendable, Equatable, Codable {
  public let items: Int
  public private(set) var counts: [Int]
  public private(set) var sums: [Double]
  public private(set) var sumsOfSquares: [Double]

  public init(items: Int, groups: Int = 0) {
    precondition(items > 0, "item moments need at least one item")
    self.items = items
    counts = Array(repeating: 0, count: groups * items)
    sums = Array(repeating: 0, count: groups * items)
    sumsOfSquares = Array(repeating: 0, count: groups * items)
  }

  public var groupCount: Int { counts.count / items }

  /// Moments from totals laid out groups × items (`k = group · items + item`), e.g. summed
  /// from per-group response histograms.
  public init(items: Int, counts: [Int], sums: [Double], sumsOfSquares: [Double]) {
    precondition(items > 0 && counts.count % items == 0 && sums.count == counts.count && sumsOfSquares.count == counts.count,
                 "totals for \(counts.count) cells do not fit \(items) items")
    self.items = items
    self.counts = counts
    self.sums = sums
    self.sumsOfSquares = sumsOfSquares
  }

  mutating func grow(to groups: Int) {
    if groups <= groupCount { return }
    let extra = (groups - groupCount) * items
    counts += repeatElement(0, count: extra)
    sums += repeatElement(0, count: extra)
    sumsOfSquares += repeatElement(0, count: extra)
  }

  /// Adds one respondent's item responses (NaN = missing item).
  public mutating func add(row: [Double], group: Int32) {
    precondition(row.count == items, "a row of \(row.count) responses for \(items) items")
    if group < 0 { return }
    let g = Int(group)
    if g >= groupCount { grow(to: g + 1) }
    for j in 0..<items where !row[j].isNaN {
      let k = g * items + j
      counts[k] += 1; sums[k] += row[j]; sumsOfSquares[k] += row[j] * row[j]
    }
  }

  /// Adds item columns (one array per item) with their group indices.
  public mutating func add(columns: [[Double]], groups: [Int32]) {
    precondition(columns.count == items, "\(columns.count) columns for \(items) items")
    if let m = groups.max(), m >= 0 { grow(to: Int(m) + 1) }
    for j in 0..<items {
      let c = columns[j]
      precondition(c.count == groups.count, "item \(j) has \(c.count) values for \(groups.count) group indices")
      for i in c.indices where !c[i].isNaN && groups[i] >= 0 {
        let k = Int(groups[i]) * items + j
        counts[k] += 1; sums[k] += c[i]; sumsOfSquares[k] += c[i] * c[i]
      }
    }
  }

  public mutating func merge(_ other: ItemGroupMoments) {
    precondition(other.items == items, "cannot merge moments of \(other.items) items into \(items)")
    grow(to: other.groupCount)
    for k in other.counts.indices {
      counts[k] += other.counts[k]; sums[k] += other.sums[k]; sumsOfSquares[k] += other.sumsOfSquares[k]
    }
  }

  /// Adds `other`, whose group `g` is this one's `groupMapping[g]`.
  public mutating func merge(_ other: ItemGroupMoments, groupMapping: [Int32]) {
    precondition(other.items == items, "cannot merge moments of \(other.items) items into \(items)")
    if let m = groupMapping.max() { grow(to: Int(m) + 1) }
    for g in 0..<other.groupCount {
      let t = Int(groupMapping[g])
      for j in 0..<items {
        let k = g * items + j, d = t * items + j
        counts[d] += other.counts[k]; sums[d] += other.sums[k]; sumsOfSquares[d] += other.sumsOfSquares[k]
      }
    }
  }

  /// Sample variance (n − 1) of item `item` in group `group`; NaN below 2 responses.
  public func variance(group: Int, item: Int) -> Double {
    let k = group * items + item
    let n = counts[k]
    if n < 2 { return .nan }
    return max(0, sumsOfSquares[k] - sums[k] * sums[k] / Double(n)) / Double(n - 1)
  }
}
