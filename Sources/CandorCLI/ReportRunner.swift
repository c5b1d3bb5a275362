import ArgumentParser
import Candor
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Shared by the analysis commands: load → compute → filter → render, under the
/// exit-status contract, with progress and log lines on stderr.
struct ReportRunner {
  let common: CommonOptions
  let output: String?

  /// Log lines on stderr (text or JSON lines), none under `--quiet`.
  func log(_ message: String, level: String = "info") {
    if common.quiet { return }
    let line: String
    switch common.logFormat {
    case .text: line = "candor: \(message)\n"
    case .json:
      line = "{\"level\":\(JSONValue.quoted(level)),\"message\":\(JSONValue.quoted(message))}\n"
    }
    FileHandle.standardError.write(Data(line.utf8))
  }

  /// Progress on stderr when it is a terminal: rows and rate, at most 4 times a second.
  func progress(bytes: Int) -> ((Int) -> Void)? {
    guard !common.quiet, isatty(2) == 1 else { return nil }
    let start = Date()
    var last = Date.distantPast
    return { rows in
      let now = Date()
      guard now.timeIntervalSince(last) > 0.25 else { return }
      last = now
      let seconds = max(now.timeIntervalSince(start), 1e-3)
      FileHandle.standardError.write(Data("\r\(rows) rows, \(Int(Double(rows) / seconds)) rows/s".utf8))
    }
  }

  /// The formats to write: the requested ones, or table on stdout (plus every file format
  /// when an output folder is given).
  var formats: Set<ReportFormat> {
    let requested = Set(common.format.compactMap { ReportFormat(rawValue: $0.rawValue) })
    if !requested.isEmpty { return requested }
    return output == nil ? [.table] : Set(ReportFormat.allCases)
  }

  /// Loads `files`, runs `plan` (built from the loaded data), writes the report.
  /// `configure` adjusts each load request (what a per-analysis command keeps); `finish`
  /// runs after the report is written (e.g. a second pass for factor scores).
  func run(files: [String], codebook: String, waves: [String] = [],
           configure: (inout AnalysisRequest) throws -> Void = { _ in },
           finish: (SurveyData, AnalysisResults) throws -> Void = { _, _ in },
           plan makePlan: (SurveyData) throws -> AnalysisPlan) throws {
    try runReportingErrors(file: files.count == 1 ? files[0] : nil) {
      let started = Date()
      CandorRuntime.startUp()
      // Hash the inputs for provenance while they are read and analysed: text exports in
      // the statistics pass's own read, other files on a background thread.
      let fed = Set(files.filter { (try? SurveyFile.container(atPath: $0)) == .text })
      let digests = FileDigests(paths: files, fed: fed)
      defer { digests.finish() }
      var datasets: [(label: String, data: SurveyData)] = []
      let groups: [[String]] = waves.isEmpty ? [files] : files.map { [$0] }
      for (i, group) in groups.enumerated() {
        var request = common.request(files: group, codebook: codebook)
        request.keepColumnsForPlan = true
        request.linkWaves = !waves.isEmpty
        for path in group { if let feed = digests.feed(for: path) { request.rawByteObservers[path] = HashingObserver(feed) } }
        try configure(&request)
        let bytes = group.compactMap { SurveyFile.size(atPath: $0) }.reduce(0, +)
        let data = try SurveyData.load(request, progress: progress(bytes: bytes))
        if isatty(2) == 1 && !common.quiet { FileHandle.standardError.write(Data("\r".utf8)) }
        log("read \(data.statistics.rowsRead) rows from \(group.joined(separator: ", ")) (\(data.statistics.rowsUsed) used) in \(String(format: "%.2f", data.wallSeconds)) s")
        datasets.append((waves.isEmpty ? "" : waves[i], data))
      }
      Trace.mark("load")
      let latest = datasets[datasets.count - 1].data
      var results = latest.run(try makePlan(latest))
      if datasets.count > 1 { results.addWaves(datasets) }
      // Every analysis is done: the values-alignment rows' file is closed while the report
      // is written (1M rows: ~10 ms of freeing pages off the critical path).
      for d in datasets { d.data.statistics.alignmentRows?.release() }
      var header = try latest.summaryHeader(startedAt: started, waves: waves.isEmpty ? [] : waves, digests: digests)
      if datasets.count > 1 {
        // Every wave's files and rows are inputs of this run.
        header.input.files = try zip(files, waves).enumerated().map { i, fw in
          try InputFile.describing(path: fw.0, format: datasets[i].data.formats.first ?? "csv", wave: fw.1, digests: digests)
        }
        header.input.rows = datasets.map(\.data.statistics.rowsRead).reduce(0, +)
        header.input.rowsUsed = datasets.map(\.data.statistics.rowsUsed).reduce(0, +)
      }
      Trace.mark("header")
      header.provenance.wallSeconds = Date().timeIntervalSince(started)
      let assembler = ReportAssembler(header: header, results: results, minGroupSize: latest.minGroupSize)
      let text = try assembler.write(formats: formats, to: output)
      if !text.isEmpty { try StandardOutput.write(text.hasSuffix("\n") ? text : text + "\n") }
      Trace.mark("write")
      if let output { log("wrote \(formats.map(\.rawValue).sorted().joined(separator: ", ")) to \(output)") }
      try finish(latest, results)
      let warnings = results.warnings
      for w in warnings { log("warning: \(w.message)", level: "warning") }
      if common.failOnWarning && !warnings.isEmpty {
        log("\(warnings.count) warning(s) and --fail-on-warning: exit 1", level: "error")
        throw ExitCode.failure
      }
    }
  }
}

/// Feeds a file's raw bytes, as the statistics pass reads them, to its SHA-256.
private final class HashingObserver: RawByteObserver {
  let feed: DigestFeed
  init(_ feed: DigestFeed) { self.feed = feed }
  func observe(_ bytes: UnsafeRawBufferPointer) { feed.update(bytes) }
  func reachedEnd() { feed.finishFile() }
}
