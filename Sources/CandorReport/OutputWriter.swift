import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why an output could not be written, naming the path and what to check.
public enum OutputError: Error, CustomStringConvertible, Equatable {
  case cannotCreateDirectory(path: String, reason: String)
  case cannotWrite(path: String, reason: String)
  case cannotRename(from: String, to: String, reason: String)
  case cannotRead(path: String, reason: String)
  case invalidName(String)
  case alreadyFinished

  public var description: String {
    switch self {
    case .cannotCreateDirectory(let p, let r): return "cannot create output directory \(p): \(r) — check the --output path and its permissions"
    case .cannotWrite(let p, let r): return "cannot write \(p): \(r) — check free space and permissions"
    case .cannotRename(let f, let t, let r): return "cannot move \(f) to \(t): \(r)"
    case .cannotRead(let p, let r): return "cannot read \(p): \(r)"
    case .invalidName(let n): return "output name '\(n)' must be a plain file name (no '/', not '.' or '..', not starting with .candor-staging)"
    case .alreadyFinished: return "this OutputWriter has already committed or been discarded"
    }
  }
}

/// Writes a run's output files so that readers never see a partial set.
///
/// Files are written into a staging folder inside the output directory,
/// `DIR/.candor-staging-<pid>-<random>/`, and `commit()` moves each into place with
/// rename(2) (atomic on one filesystem; the staging folder is inside DIR, so it is the same
/// filesystem) and removes the staging folder. If the run dies or throws before `commit()`,
/// the previous outputs in DIR are untouched and no partial file is in place; the leftover
/// staging folder is removed by the next `OutputWriter` on that directory (design.md §5).
///
/// ```swift
/// let writer = try OutputWriter(directory: "out")
/// try writer.write("summary.json", text: json)
/// try writer.commit()
/// ```
public final class OutputWriter {
  /// The output directory (created if missing).
  public let directory: URL
  /// The staging folder for this run.
  public let stagingDirectory: URL
  /// Stale staging folders removed when this writer was created (from killed runs).
  public private(set) var removedStaleStaging: [String] = []
  private var names: [String] = []
  private var finished = false

  static let stagingPrefix = ".candor-staging-"

  /// Opens `directory` for a new run: creates it if needed, removes stale staging folders
  /// left by runs whose process is gone, and creates this run's staging folder.
  public init(directory: String) throws {
    self.directory = URL(fileURLWithPath: directory, isDirectory: true)
    let fm = FileManager.default
    do {
      try fm.createDirectory(at: self.directory, withIntermediateDirectories: true)
    } catch {
      throw OutputError.cannotCreateDirectory(path: directory, reason: "\(error.localizedDescription)")
    }
    let pid = getpid()
    let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    self.stagingDirectory = self.directory.appendingPathComponent("\(Self.stagingPrefix)\(pid)-\(random)", isDirectory: true)
    removedStaleStaging = try Self.removeStaleStaging(in: self.directory)
    do {
      try fm.createDirectory(at: stagingDirectory, withIntermediateDirectories: false)
    } catch {
      throw OutputError.cannotCreateDirectory(path: stagingDirectory.path, reason: "\(error.localizedDescription)")
    }
  }

  /// Removes staging folders whose owning process (the pid in the folder name) no longer
  /// runs; folders of live processes, including this one, are left alone. Returns their names.
  @discardableResult
  public static func removeStaleStaging(in directory: URL) throws -> [String] {
    let fm = FileManager.default
    let entries = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
    var removed: [String] = []
    for name in entries.sorted() where name.hasPrefix(stagingPrefix) {
      let rest = name.dropFirst(stagingPrefix.count)
      let pidText = rest.split(separator: "-").first.map(String.init) ?? ""
      if let pid = Int32(pidText), pid > 0, pid != getpid(), kill(pid, 0) == 0 || errno == EPERM {
        continue  // another live run is writing here
      }
      if let pid = Int32(pidText), pid == getpid() { continue }
      try? fm.removeItem(at: directory.appendingPathComponent(name))
      removed.append(name)
    }
    return removed
  }

  /// Writes `data` to the staging copy of `name` (replacing an earlier staged version).
  public func write(_ name: String, data: Data) throws {
    guard !finished else { throw OutputError.alreadyFinished }
    try Self.stage(name, data: data, in: stagingDirectory)
    if !names.contains(name) { names.append(name) }
  }

  /// Writes the copies of several files into a writer's ``stagingDirectory`` from any
  /// thread, without recording them: what lets each format be written as soon as it is
  /// rendered, beside the others. ``adopt(_:)`` then records them in order, on the
  /// writer's thread.
  public static func stage(_ files: [(name: String, text: String)], in staging: URL) throws {
    for (name, text) in files { try stage(name, data: Data(text.utf8), in: staging) }
  }

  /// Records files written by ``stage(_:)``, in order, as if written by ``write(_:text:)``.
  public func adopt(_ staged: [String]) throws {
    guard !finished else { throw OutputError.alreadyFinished }
    for name in staged where !names.contains(name) { names.append(name) }
  }

  private static func stage(_ name: String, data: Data, in staging: URL) throws {
    try validate(name)
    let url = staging.appendingPathComponent(name)
    do {
      try data.write(to: url)
    } catch {
      throw OutputError.cannotWrite(path: url.path, reason: "\(error.localizedDescription)")
    }
  }

  /// Writes UTF-8 `text` to the staging copy of `name`.
  public func write(_ name: String, text: String) throws {
    try write(name, data: Data(text.utf8))
  }

  /// The files staged so far, in the order first written.
  public var stagedNames: [String] { names }

  /// Moves every staged file into the output directory (each rename is atomic, replacing the
  /// previous file of that name) and removes the staging folder.
  public func commit() throws {
    guard !finished else { throw OutputError.alreadyFinished }
    finished = true
    for name in names {
      let from = stagingDirectory.appendingPathComponent(name).path
      let to = directory.appendingPathComponent(name).path
      if rename(from, to) != 0 {
        let reason = String(cString: strerror(errno))
        throw OutputError.cannotRename(from: from, to: to, reason: reason)
      }
    }
    try? FileManager.default.removeItem(at: stagingDirectory)
  }

  /// Abandons the run: removes the staging folder; the output directory is unchanged.
  public func discard() {
    guard !finished else { return }
    finished = true
    try? FileManager.default.removeItem(at: stagingDirectory)
  }

  static func validate(_ name: String) throws {
    if name.isEmpty || name == "." || name == ".." || name.contains("/") || name.hasPrefix(stagingPrefix) {
      throw OutputError.invalidName(name)
    }
  }
}
