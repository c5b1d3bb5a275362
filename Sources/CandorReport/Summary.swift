import CandorNumerics
import Foundation

/// The `summary.json` document of design.md §7: the envelope (tool, provenance, input,
/// warnings) and the analysis sections in their fixed order.
///
/// Sections are ordered `JSONValue` slots so that result types defined in other modules plug
/// in through `OrderedJSONEncoder` without this module knowing them. Group-level results do
/// not go here directly: they go through `ReportDraft` and the `ConfidentialityFilter`, which
/// produces the publishable summary.
public struct Summary: Sendable {
  /// The analysis sections, in the order design.md §7 lists them. A document written by
  /// Candor always has its sections in this order, whatever order they were added in.
  public enum Section: String, CaseIterable, Sendable, Comparable {
    case reliability, factorAnalysis, values, correlations, retention, aggregation, drivers, waves

    public static func < (a: Section, b: Section) -> Bool {
      allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
  }

  public var candor: ToolInfo
  public var provenance: Provenance
  public var input: InputSummary
  public var warnings: [AnalysisWarning]
  /// Section entries by section (each section is a JSON array of entries).
  public private(set) var sections: [(section: Section, entries: [JSONValue])] = []

  public init(candor: ToolInfo, provenance: Provenance, input: InputSummary, warnings: [AnalysisWarning] = []) {
    self.candor = candor
    self.provenance = provenance
    self.input = input
    self.warnings = warnings
  }

  /// Appends one already-encoded entry to `section` (creating the section in its §7 place).
  public mutating func append(_ entry: JSONValue, to section: Section) {
    if let i = sections.firstIndex(where: { $0.section == section }) {
      sections[i].entries.append(entry)
    } else {
      sections.append((section, [entry]))
      sections.sort { $0.section < $1.section }
    }
  }

  /// Appends a result value, encoded with `OrderedJSONEncoder` (declaration order).
  public mutating func append<T: Encodable>(_ result: T, to section: Section) throws {
    append(try OrderedJSONEncoder().encode(result), to: section)
  }

  /// The entries of one section (empty when the section is absent).
  public func entries(of section: Section) -> [JSONValue] {
    sections.first { $0.section == section }?.entries ?? []
  }

  /// The whole document as an ordered JSON tree.
  public func json() throws -> JSONValue {
    let encoder = OrderedJSONEncoder()
    var members: [(String, JSONValue)] = [
      ("candor", try encoder.encode(candor)),
      ("provenance", try encoder.encode(provenance)),
      ("input", try encoder.encode(input)),
      ("warnings", try encoder.encode(warnings)),
    ]
    for (section, entries) in sections {
      members.append((section.rawValue, .array(entries)))
    }
    return .object(members)
  }
}

/// `candor {version, schema}`.
public struct ToolInfo: Codable, Sendable, Hashable {
  /// Candor's version string (`candor --version`).
  public var version: String
  /// The JSON output schema version: 1 for `schema/summary-v1.json`.
  public var schema: Int

  public init(version: String, schema: Int = 1) {
    self.version = version
    self.schema = schema
  }
}

/// How, when and with what settings the results were computed.
public struct Provenance: Sendable {
  /// ISO 8601 UTC start time, e.g. `2026-11-27T03:50:00Z`.
  public var startedAt: String
  public var wallSeconds: Double
  /// Worker threads used (BLAS threads are set from this, design.md §1).
  public var threads: Int
  /// SHA-256 of the codebook file's bytes (hex), `nil` when no codebook was used.
  public var codebookSha256: String?
  /// The missing-data policy every statistic used unless its entry says otherwise.
  public var missing: MissingDataPolicy
  /// The confidentiality threshold in force (design.md §8).
  public var minGroupSize: Int
  /// Further method settings (`{"rotation": "oblimin", ...}`), in the order given.
  public var settings: [(String, JSONValue)]

  public init(
    startedAt: String, wallSeconds: Double, threads: Int, codebookSha256: String?,
    missing: MissingDataPolicy, minGroupSize: Int = 5, settings: [(String, JSONValue)] = []
  ) {
    self.startedAt = startedAt
    self.wallSeconds = wallSeconds
    self.threads = threads
    self.codebookSha256 = codebookSha256
    self.missing = missing
    self.minGroupSize = minGroupSize
    self.settings = settings
  }

  /// ISO 8601 (UTC, whole seconds) text for `date`, as used in `startedAt`.
  public static func timestamp(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    func two(_ x: Int?) -> String { x.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
    return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
  }
}

extension Provenance: Encodable {
  private enum CodingKeys: String, CodingKey {
    case startedAt, wallSeconds, threads, codebookSha256, missing, minGroupSize, settings
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(startedAt, forKey: .startedAt)
    try c.encode(wallSeconds, forKey: .wallSeconds)
    try c.encode(threads, forKey: .threads)
    try c.encodeIfPresent(codebookSha256, forKey: .codebookSha256)
    try c.encode(missing.rawValue, forKey: .missing)
    try c.encode(minGroupSize, forKey: .minGroupSize)
    try c.encode(JSONValue.object(settings), forKey: .settings)
  }
}

/// The `input` block: files read, rows read/used, and rows excluded by reason.
public struct InputSummary: Codable, Sendable, Hashable {
  public var files: [InputFile]
  /// Data rows read (all files, before screens).
  public var rows: Int
  /// Rows that entered the analyses.
  public var rowsUsed: Int
  /// Rows excluded, one entry per reason, in screen order (design.md §4 `screens`).
  public var rowsExcluded: [Exclusion]

  public init(files: [InputFile], rows: Int, rowsUsed: Int, rowsExcluded: [Exclusion] = []) {
    self.files = files
    self.rows = rows
    self.rowsUsed = rowsUsed
    self.rowsExcluded = rowsExcluded
  }

  /// Whether every row is accounted for: rows = rowsUsed + Σ excluded.
  public var isBalanced: Bool { rows == rowsUsed + rowsExcluded.reduce(0) { $0 + $1.count } }
}

/// One input file with its size and SHA-256.
public struct InputFile: Codable, Sendable, Hashable {
  public var path: String
  public var bytes: Int
  public var sha256: String
  /// Detected layout: csv, qualtrics, surveymonkey, google-forms, microsoft-forms, spss.
  public var format: String
  /// Wave label (`--wave`), `null` when files are pooled.
  public var wave: String?

  public init(path: String, bytes: Int, sha256: String, format: String, wave: String? = nil) {
    self.path = path
    self.bytes = bytes
    self.sha256 = sha256
    self.format = format
    self.wave = wave
  }

  /// Describes the file at `path`: its size and SHA-256, read in 1 MiB chunks.
  /// - Parameter digests: digests computed ahead (e.g. while the data were read); the
  ///   file is hashed now when it is not among them.
  public static func describing(path: String, format: String, wave: String? = nil,
                                digests: FileDigests? = nil) throws -> InputFile {
    let (bytes, hash) = try digests?.digest(path: path) ?? fileDigest(path: path)
    return InputFile(path: path, bytes: bytes, sha256: hash, format: format, wave: wave)
  }
}

/// Rows excluded for one reason ("survey preview", "unfinished", "duplicate id", ...).
public struct Exclusion: Codable, Sendable, Hashable {
  public var reason: String
  public var count: Int

  public init(reason: String, count: Int) {
    self.reason = reason
    self.count = count
  }
}

/// Size and SHA-256 of input files, for provenance, computed while the caller does other
/// work: a run hashes its inputs while it reads them (the hash is ~6 % of a run's CPU).
///
/// A file the caller's reader will read from its first byte to its end (a text export) is
/// **fed**: the reader hands its bytes to the file's ``DigestFeed`` as it reads them
/// (`fed:`), so the file is read once, not twice. Every other file is hashed on a
/// background thread. A fed file whose feed did not see the file's end (its reader stopped
/// early, or never used the feed) is hashed again from disk when its digest is asked for:
/// a digest always covers the whole file.
///
/// Call ``finish()`` before the process may exit (e.g. in a `defer`): it stops the
/// background hashing between two chunks and waits for the thread, so no thread is still
/// reading a file while the process ends.
public final class FileDigests: @unchecked Sendable {
  private let condition = NSCondition()
  private var done: [String: Result<(bytes: Int, sha256: String), Error>] = [:]
  private var stopped = false
  private var finished = false
  private let feeds: [String: DigestFeed]
  public let paths: [String]

  /// Starts hashing `paths`, in order, on a background thread, except those in `fed`,
  /// whose bytes the caller hands to ``feed(for:)``.
  public init(paths: [String], fed: Set<String> = []) {
    self.paths = paths
    var feeds: [String: DigestFeed] = [:]
    for path in paths where fed.contains(path) { feeds[path] = DigestFeed() }
    self.feeds = feeds
    let hashed = paths.filter { feeds[$0] == nil }
    if hashed.isEmpty { finished = true; return }
    let thread = Thread { [self] in
      for path in hashed {
        let result = Result { try fileDigest(path: path, until: { self.isStopped }) }
        condition.lock()
        done[path] = result
        condition.broadcast()
        condition.unlock()
        if isStopped { break }
      }
      condition.lock()
      finished = true
      condition.broadcast()
      condition.unlock()
    }
    thread.qualityOfService = .utility
    thread.start()
  }

  private var isStopped: Bool {
    condition.lock(); defer { condition.unlock() }
    return stopped
  }

  /// The feed of a path given as `fed` (nil for any other path).
  public func feed(for path: String) -> DigestFeed? { feeds[path] }

  /// The digest of `path` (waits for it), or nil when `path` is not one of ``paths``.
  public func digest(path: String) throws -> (bytes: Int, sha256: String)? {
    guard paths.contains(path) else { return nil }
    if let feed = feeds[path] {
      if let fed = feed.digest { return fed }
      condition.lock()
      defer { condition.unlock() }
      if done[path] == nil { done[path] = Result { try fileDigest(path: path) } }
      return try done[path]!.get()
    }
    condition.lock()
    defer { condition.unlock() }
    while done[path] == nil { condition.wait() }
    return try done[path]!.get()
  }

  /// Stops hashing (between two 1 MiB chunks) and waits until the thread has ended.
  public func finish() {
    condition.lock()
    stopped = true
    while !finished { condition.wait() }
    condition.unlock()
  }
}

/// The SHA-256 of one file, fed its bytes in order by the reader that reads it
/// (``FileDigests``). Its digest exists only once ``finishFile()`` said the end of the
/// file was reached.
public final class DigestFeed: @unchecked Sendable {
  private let lock = NSLock()
  private var hasher = SHA256()
  private var bytes = 0
  private var result: (bytes: Int, sha256: String)?

  init() {}

  /// The file's next bytes.
  public func update(_ chunk: UnsafeRawBufferPointer) {
    lock.lock(); defer { lock.unlock() }
    guard result == nil else { return }
    hasher.update(chunk)
    bytes += chunk.count
  }

  /// Every byte of the file was fed: the digest is final.
  public func finishFile() {
    lock.lock(); defer { lock.unlock() }
    if result == nil { result = (bytes, hasher.hexDigest()) }
  }

  /// Size and hex SHA-256 of the whole file; nil until ``finishFile()``.
  public var digest: (bytes: Int, sha256: String)? {
    lock.lock(); defer { lock.unlock() }
    return result
  }
}

/// Hashing was stopped before the end of the file (``FileDigests/finish()``).
struct DigestStopped: Error {}

/// Size and hex SHA-256 of a file, streamed in 1 MiB chunks (bounded memory).
public func fileDigest(path: String) throws -> (bytes: Int, sha256: String) {
  try fileDigest(path: path, until: { false })
}

/// ``fileDigest(path:)`` that gives up (throws) once `stop()` is true, checked per chunk.
/// Read in 1 MB chunks into one reused buffer (no allocation per chunk). Not `mmap`: a
/// mapped export that another program truncates while it is hashed would kill the run
/// with SIGBUS, where a read just ends early.
func fileDigest(path: String, until stop: () -> Bool) throws -> (bytes: Int, sha256: String) {
  let fd = open(path, O_RDONLY)
  guard fd >= 0 else {
    throw OutputError.cannotRead(path: path, reason: "cannot open the file for reading: \(String(cString: strerror(errno)))")
  }
  defer { close(fd) }
  var hasher = SHA256()
  var total = 0
  var buffer = [UInt8](repeating: 0, count: 1 << 20)
  while true {
    if stop() { throw DigestStopped() }
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 {
      if errno == EINTR { continue }
      throw OutputError.cannotRead(path: path, reason: String(cString: strerror(errno)))
    }
    if n == 0 { break }
    total += n
    buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
  }
  return (total, hasher.hexDigest())
}
