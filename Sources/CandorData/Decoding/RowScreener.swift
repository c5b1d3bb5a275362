/// Qualtrics response types (the `Status` column), text or numeric export.
public enum QualtricsStatus {
  /// Numeric export codes → names (design.md §4).
  public static let names: [Int: String] = [
    0: "IP Address", 1: "Survey Preview", 2: "Survey Test", 4: "Imported", 8: "Spam",
    9: "Preview Spam", 12: "Imported Spam", 16: "Offline", 17: "Offline Preview",
  ]

  /// The name of a status cell: numeric codes mapped (`"1"` → `Survey Preview`), text kept.
  public static func name(forCode text: String) -> String? {
    let t = text.trimmingASCIIWhitespace()
    if let d = Double(t), d == d.rounded(), let n = names[Int(d)] { return n }
    return nil
  }
}

/// Rows excluded, by reason: mergeable across threads, files and shards.
public struct ExclusionCounts: Sendable, Equatable, Codable {
  /// Reason → count. Reasons are lower-case phrases: `survey preview`, `unfinished`,
  /// `duplicate id`, `straight-lining`.
  public private(set) var counts: [String: Int] = [:]
  /// Rows flagged as straight-lined but kept (`straightlining: warn`).
  public private(set) var straightlinedKept: Int = 0

  public init() {}

  public mutating func add(_ reason: String, count: Int = 1) { counts[reason, default: 0] += count }
  public mutating func addStraightlinedKept(_ count: Int = 1) { straightlinedKept += count }

  /// Adds another shard's counts (exact, order-independent).
  public mutating func merge(_ other: ExclusionCounts) {
    for (reason, n) in other.counts { counts[reason, default: 0] += n }
    straightlinedKept += other.straightlinedKept
  }

  /// Total excluded rows.
  public var total: Int { counts.values.reduce(0, +) }

  /// Reasons with counts, largest first, ties by reason.
  public var sorted: [(reason: String, count: Int)] {
    counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
  }
}

/// Why a row was excluded.
public enum ExclusionReason: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// A Qualtrics status named in `screens.qualtrics_status` (the status name).
  case status(String)
  case unfinished
  case duplicateID
  case straightlining

  /// The reason as reported: `survey preview`, `unfinished`, `duplicate id`, `straight-lining`.
  public var description: String {
    switch self {
    case .status(let name): name.lowercased()
    case .unfinished: "unfinished"
    case .duplicateID: "duplicate id"
    case .straightlining: "straight-lining"
    }
  }
}

/// A duplicate respondent id under `duplicate_ids: error`.
public struct DuplicateIDError: Error, Sendable, Equatable, CustomStringConvertible {
  public var id: String
  public var firstRow: Int
  public var row: Int

  public init(id: String, firstRow: Int, row: Int) {
    self.id = id; self.firstRow = firstRow; self.row = row
  }
  public var description: String {
    "respondent id \"\(id)\" appears in rows \(firstRow) and \(row); set screens.duplicate_ids to keep-first or keep-last, or fix the export"
  }
}

/// Applies the codebook's screens to rows, in design.md §4 order: Qualtrics status,
/// unfinished, duplicate ids, straight-lining. A row is counted under the first screen that
/// excludes it.
///
/// Duplicate ids are tracked by a 64-bit FNV-1a hash of the id text → first (or last) row
/// as `Int32`: about 17–25 bytes per distinct id in a Swift `Dictionary` (≈ 85–125 MB at
/// 5M rows). `keep-last` needs the last row of every id before screening, so it takes two
/// passes: pass 1 calls ``recordID(_:row:)`` for every row (after the status and unfinished
/// screens), pass 2 calls ``screen(row:status:finished:id:scaleAnswers:)``. Hash collisions
/// (probability ≈ n²/2⁶⁵, ~7·10⁻⁷ at 5M distinct ids) would merge two ids; storing the id
/// texts instead would cost ~4× the memory.
public struct RowScreener: Sendable {
  public let screens: Screens
  private let excludedStatus: Set<String>
  private var firstRow: [UInt64: Int32] = [:]
  private var lastRow: [UInt64: Int32] = [:]

  public init(screens: Screens) {
    self.screens = screens
    excludedStatus = Set(screens.qualtricsStatus.map { $0.lowercased() })
  }

  /// True when `duplicate_ids: keep-last`: call ``recordID(_:row:)`` on every row first.
  public var needsFirstPass: Bool { screens.duplicateIds == .keepLast }

  /// Pass 1 of `keep-last`: remembers the last row of each id. Blank ids are ignored.
  public mutating func recordID(_ id: String, row: Int) {
    let t = id.trimmingASCIIWhitespace()
    guard !t.isEmpty else { return }
    lastRow[Self.hash(t)] = Int32(truncatingIfNeeded: row)
  }

  /// The first screen that excludes this row, or nil to keep it.
  ///
  /// - Parameters:
  ///   - row: 0-based data row index (file order), used by duplicate-id screening.
  ///   - status: the Status cell, or nil when the file has none.
  ///   - finished: the Finished cell, or nil when the file has none.
  ///   - id: the respondent id cell, or nil when the codebook names no id.
  ///   - scaleAnswers: per scale, the row's answers in the response metric (before keying,
  ///     see ``DecodingPlan/unkeyed(_:variable:)``), NaN = missing.
  ///   - counts: excluded rows are added here (and straight-lined rows kept under `warn`).
  /// - Throws: ``DuplicateIDError`` under `duplicate_ids: error`.
  public mutating func screen(
    row: Int, status: String?, finished: String?, id: String?, scaleAnswers: [[Double]] = [],
    counts: inout ExclusionCounts
  ) throws -> ExclusionReason? {
    try screen(row: row, status: status, finished: finished, id: id,
               isStraightlined: Self.isStraightlined(scaleAnswers), counts: &counts)
  }

  /// The same, with straight-lining already decided by the caller (hot loops test it on
  /// decoded blocks without building per-row arrays).
  public mutating func screen(
    row: Int, status: String?, finished: String?, id: String?, isStraightlined: Bool,
    counts: inout ExclusionCounts
  ) throws -> ExclusionReason? {
    let reason = try firstExclusion(row: row, status: status, finished: finished, id: id, straightlined: isStraightlined)
    if let reason { counts.add(reason.description) }
    if reason == nil, screens.straightlining == .warn, isStraightlined {
      counts.addStraightlinedKept()
    }
    return reason
  }

  private mutating func firstExclusion(
    row: Int, status: String?, finished: String?, id: String?, straightlined: Bool
  ) throws -> ExclusionReason? {
    if let status {
      let t = status.trimmingASCIIWhitespace()
      let name = QualtricsStatus.name(forCode: t) ?? t
      if excludedStatus.contains(name.lowercased()) { return .status(name) }
    }
    if screens.unfinished, let finished {
      switch finished.trimmingASCIIWhitespace().lowercased() {
      case "0", "false", "0.0": return .unfinished
      default: break
      }
    }
    if let id {
      let t = id.trimmingASCIIWhitespace()
      if !t.isEmpty {
        let h = Self.hash(t)
        let r = Int32(truncatingIfNeeded: row)
        switch screens.duplicateIds {
        case .error:
          if let first = firstRow[h] { throw DuplicateIDError(id: t, firstRow: Int(first), row: row) }
          firstRow[h] = r
        case .keepFirst:
          if firstRow[h] != nil { return .duplicateID }
          firstRow[h] = r
        case .keepLast:
          if let last = lastRow[h], last != r { return .duplicateID }
        }
      }
    }
    if screens.straightlining == .exclude, straightlined { return .straightlining }
    return nil
  }

  /// Straight-lining: the same answer on every item of at least two scales of ≥ 2 items
  /// (all items answered).
  public static func isStraightlined(_ scaleAnswers: [[Double]]) -> Bool {
    var flat = 0
    for answers in scaleAnswers where answers.count >= 2 {
      guard let first = answers.first, !first.isNaN else { continue }
      if answers.allSatisfy({ $0 == first }) { flat += 1 }
    }
    return flat >= 2
  }

  /// FNV-1a, 64-bit, over the UTF-8 bytes.
  static func hash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    return h
  }
}
