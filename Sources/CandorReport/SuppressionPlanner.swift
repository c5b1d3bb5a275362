/// One cut category, e.g. `role = teacher`.
public struct CutCategory: Hashable, Sendable, Comparable {
  /// The cut's column name (codebook `cuts`), e.g. `role`.
  public var name: String
  /// The category, e.g. `teacher`.
  public var category: String

  public init(_ name: String, _ category: String) {
    self.name = name
    self.category = category
  }

  public static func < (a: CutCategory, b: CutCategory) -> Bool {
    (a.name, a.category) < (b.name, b.category)
  }
}

/// Identifies one reported cell: a position in the group hierarchy, optionally crossed with
/// one cut category, optionally within one wave.
///
/// - `CellKey()` is the whole sample.
/// - `CellKey(["North", "S01"])` is school S01 in district North (`groups: [district, school]`).
/// - `CellKey(["North"], cut: CutCategory("role", "teacher"))` is teachers in district North.
/// - `wave: "2026Q2"` places any of these in one wave; `nil` means pooled (single-wave run).
/// - `CellKey(["S01"]).waveChange` is the wave-over-wave change of S01 (published only when
///   `SuppressionPlan.isChangeSuppressed` is false).
public struct CellKey: Hashable, Sendable, Comparable, CustomStringConvertible {
  public var groupPath: [String]
  public var cut: CutCategory?
  public var wave: String?
  /// Whether this key names the change between waves of the cell (its `wave` is `nil`).
  public private(set) var isWaveChange = false

  public init(_ groupPath: [String] = [], cut: CutCategory? = nil, wave: String? = nil) {
    self.groupPath = groupPath
    self.cut = cut
    self.wave = wave
  }

  /// The key of this cell's wave-over-wave change (for table cells, chart points and JSON
  /// entries that report a change). Its n is never recorded: it is decided by the waves.
  public var waveChange: CellKey {
    var k = withoutWave
    k.isWaveChange = true
    return k
  }

  /// The whole sample (pooled).
  public static let wholeSample = CellKey()

  /// The same cell without its wave (identifies a wave-over-wave change).
  public var withoutWave: CellKey { CellKey(groupPath, cut: cut, wave: nil) }

  public var description: String {
    var s = groupPath.isEmpty ? "(all)" : groupPath.joined(separator: "/")
    if let cut { s += " × \(cut.name)=\(cut.category)" }
    if let wave { s += " @\(wave)" }
    if isWaveChange { s += " (change)" }
    return s
  }

  public static func < (a: CellKey, b: CellKey) -> Bool {
    if a.isWaveChange != b.isWaveChange { return !a.isWaveChange }
    if a.wave != b.wave { return (a.wave ?? "") < (b.wave ?? "") }
    if a.groupPath.count != b.groupPath.count { return a.groupPath.count < b.groupPath.count }
    if a.groupPath != b.groupPath { return a.groupPath.lexicographicallyPrecedes(b.groupPath) }
    switch (a.cut, b.cut) {
    case (nil, nil): return false
    case (nil, _): return true
    case (_, nil): return false
    case (let x?, let y?): return x < y
    }
  }
}

/// Why a cell is suppressed.
public enum SuppressionReason: String, Sendable, Hashable {
  /// Fewer than `minGroupSize` respondents.
  case belowThreshold
  /// Hidden so that a suppressed sibling cannot be recovered by subtraction from a shown total.
  case complementary
}

/// The cells to suppress in one run, and the wave-over-wave changes to suppress.
public struct SuppressionPlan: Sendable, Equatable {
  public let minGroupSize: Int
  /// Every suppressed cell with its reason.
  public let reasons: [CellKey: SuppressionReason]
  /// Wave-less keys whose wave-over-wave change must not be shown.
  public let suppressedChanges: Set<CellKey>
  /// Wave-less keys of every cell seen in at least one wave (the changes the plan knows).
  public let knownChanges: Set<CellKey>

  public var suppressed: Set<CellKey> { Set(reasons.keys) }

  /// Whether `cell` must be hidden. For a `waveChange` key this is `isChangeSuppressed`.
  public func isSuppressed(_ cell: CellKey) -> Bool {
    cell.isWaveChange ? isChangeSuppressed(cell) : reasons[cell] != nil
  }

  /// Whether the change between waves of `cell` (its wave is ignored) must be hidden: it is
  /// suppressed, or the plan saw the cell in no wave (an unknown change is never published).
  public func isChangeSuppressed(_ cell: CellKey) -> Bool {
    let base = cell.withoutWave
    return suppressedChanges.contains(base) || !knownChanges.contains(base)
  }
}

/// Decides which group and cut cells are suppressed (design.md §8, domain.md §6.1).
///
/// Rules, applied to the cells the run will publish (`counts`: every cell with its n):
/// 1. **Primary**: a cell with n < `minGroupSize` is suppressed.
/// 2. **Families.** The children of a total are compared with it:
///    - the groups one level below a group path (or below the whole sample), same cut, same wave;
///    - the categories of one cut under a group path (or under the whole sample), same wave —
///      so a cut is protected under the whole sample *and* under each group, and the group ×
///      cut table is protected along both its rows and its columns;
///    - the waves of a cell, when the pooled (wave-less) cell is also published.
///    A total counts as shown unless it is itself suppressed (a total missing from `counts`
///    counts as shown: it can usually be derived, so we err on the safe side).
/// 3. **Complementary**: when exactly one child of a shown total is suppressed, the unsuppressed
///    sibling with the smallest n is suppressed too (ties: the smaller `CellKey`, i.e. by name);
///    if there is no such sibling, the total itself is suppressed.
/// 4. Rules 2–3 repeat until nothing changes (suppression only grows, so this ends).
/// 5. **Waves**: the change between waves of a cell is suppressed when the cell is suppressed in
///    any wave (a team of 4 that becomes 6 cannot be recovered from its change); the set of
///    suppressed changes is then closed under rule 3 over the wave-less families, using the
///    smallest n over the waves.
///
/// Invariant (property-tested): for every family whose total is shown, either none or at
/// least two of its children are suppressed; no suppressed cell's n follows by subtraction
/// from one shown total and shown siblings.
public struct SuppressionPlanner: Sendable {
  public var minGroupSize: Int

  public init(minGroupSize: Int = 5) {
    precondition(minGroupSize >= 1, "min_group_size must be at least 1, got \(minGroupSize)")
    self.minGroupSize = minGroupSize
  }

  /// The suppression plan for the cells in `counts`.
  /// - Complexity: O(F · C · S) for F families, C cells, S rounds (S is small in practice).
  public func plan(counts allCounts: [CellKey: Int]) -> SuppressionPlan {
    let counts = allCounts.filter { !$0.key.isWaveChange }  // changes are decided by their waves
    var reasons: [CellKey: SuppressionReason] = [:]
    for (key, n) in counts where n < minGroupSize { reasons[key] = .belowThreshold }
    let families = Self.families(of: Array(counts.keys), includeWaveFamilies: true, present: Set(counts.keys))
    Self.close(&reasons, families: families, counts: counts)

    // Wave-over-wave changes.
    let waved = counts.keys.filter { $0.wave != nil }
    var changeReasons: [CellKey: SuppressionReason] = [:]
    var changeCounts: [CellKey: Int] = [:]
    for key in waved {
      let base = key.withoutWave
      changeCounts[base] = min(changeCounts[base] ?? Int.max, counts[key]!)
      if reasons[key] != nil { changeReasons[base] = .belowThreshold }
    }
    if !changeCounts.isEmpty {
      let changeFamilies = Self.families(
        of: Array(changeCounts.keys), includeWaveFamilies: false, present: Set(changeCounts.keys))
      Self.close(&changeReasons, families: changeFamilies, counts: changeCounts)
    }
    return SuppressionPlan(
      minGroupSize: minGroupSize, reasons: reasons, suppressedChanges: Set(changeReasons.keys),
      knownChanges: Set(changeCounts.keys))
  }

  /// A total and the cells that partition it.
  struct Family {
    var parent: CellKey
    var children: [CellKey]
  }

  /// Every family among `keys`, in a deterministic order.
  static func families(of keys: [CellKey], includeWaveFamilies: Bool, present: Set<CellKey>) -> [Family] {
    // Family id: parent + kind ("g" = sub-groups, "c:<cut>" = cut categories, "w" = waves).
    var byID: [String: (CellKey, [CellKey])] = [:]
    func add(_ parent: CellKey, _ kind: String, _ child: CellKey) {
      let id = "\(parent.description)|\(parent.wave ?? "")|\(kind)"
      byID[id, default: (parent, [])].1.append(child)
    }
    for key in keys {
      if !key.groupPath.isEmpty {
        add(CellKey(Array(key.groupPath.dropLast()), cut: key.cut, wave: key.wave), "g", key)
      }
      if let cut = key.cut {
        add(CellKey(key.groupPath, cut: nil, wave: key.wave), "c:\(cut.name)", key)
      }
      if includeWaveFamilies, key.wave != nil {
        let pooled = key.withoutWave
        if present.contains(pooled) { add(pooled, "w", key) }
      }
    }
    return byID.keys.sorted().map { id in
      let (parent, children) = byID[id]!
      return Family(parent: parent, children: children.sorted())
    }
  }

  /// Applies the complementary rule until stable.
  static func close(_ reasons: inout [CellKey: SuppressionReason], families: [Family], counts: [CellKey: Int]) {
    var changed = true
    while changed {
      changed = false
      for family in families where reasons[family.parent] == nil {
        let hidden = family.children.filter { reasons[$0] != nil }
        guard hidden.count == 1 else { continue }
        let candidates = family.children.filter { reasons[$0] == nil }
        if let next = candidates.min(by: { (counts[$0] ?? 0, $0) < (counts[$1] ?? 0, $1) }) {
          reasons[next] = .complementary
        } else {
          reasons[family.parent] = .complementary
        }
        changed = true
      }
    }
  }
}

private func < (a: (Int, CellKey), b: (Int, CellKey)) -> Bool {
  a.0 != b.0 ? a.0 < b.0 : a.1 < b.1
}
