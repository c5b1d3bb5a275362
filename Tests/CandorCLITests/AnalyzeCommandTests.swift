import CandorReport
import Foundation
import Testing
import _CandorTestSupport

/// `candor analyze` end to end on the shipped demo export: every format, the schema, the
/// HTML report's self-containment, confidentiality, and golden Markdown/CSV/JSON with the
/// volatile fields (times, version, threads, absolute paths) masked.
@Suite(.serialized) struct AnalyzeCommandTests {
  static let root = repositoryRoot()
  static let demo = root.appendingPathComponent("datasets/demo/demo.csv").path
  static let codebook = root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path

  static func run(_ extra: [String]) throws -> (ProcessResult, URL) {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("candor-analyze-\(UUID().uuidString)")
    let r = try runProcess(candorExecutable(), ["analyze", demo, "--codebook", codebook, "--output", out.path, "--quiet"] + extra,
                           currentDirectory: root)
    return (r, out)
  }

  /// Masks what changes between runs and machines.
  static func masked(_ text: String) -> String {
    var t = text
    let patterns = [
      (#""startedAt": "[^"]*""#, #""startedAt": "<masked>""#),
      (#""wallSeconds": [0-9.e-]+"#, #""wallSeconds": 0"#),
      (#""threads": [0-9]+"#, #""threads": 0"#),
      (#""version": "[^"]*""#, #""version": "<masked>""#),
      (#"[0-9]+ threads, [0-9.]+ s"#, "<threads>, <time>"),
      (#"started [0-9T:Z-]+"#, "started <masked>"),
      (#"Candor [0-9][0-9A-Za-z.+-]* \(JSON"#, "Candor <version> (JSON"),
      (#"wall time [0-9.]+ s"#, "wall time <masked>"),
    ]
    for (p, r) in patterns { t = t.replacingOccurrences(of: p, with: r, options: .regularExpression) }
    return t.replacingOccurrences(of: root.path + "/", with: "")
  }

  /// JSON with every number at 6 significant digits (reporting precision: the last bits of
  /// BLAS results differ between machines and OpenBLAS kernels).
  static func reportingPrecision(_ text: String) throws -> String {
    func round(_ v: JSONValue) -> JSONValue {
      switch v {
      case .number(let x): return .number(x.isFinite ? Double(String(format: "%.6g", x))! : x)
      case .array(let items): return .array(items.map(round))
      case .object(let entries): return .object(entries.map { ($0.0, round($0.1)) })
      default: return v
      }
    }
    return round(try JSONValue.parse(text)).serialized()
  }

  /// Text with every full-precision number (7+ significant digits) at 6 significant digits.
  static func roundedNumbers(_ text: String) -> String {
    let regex = try! NSRegularExpression(pattern: #"-?\d+\.\d{6,}(e-?\d+)?"#)
    var out = text
    for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
      let r = Range(m.range, in: text)!
      out.replaceSubrange(r, with: String(format: "%.6g", Double(text[r])!))
    }
    return out
  }

  @Test func writesEveryFormatValidAgainstTheSchema() throws {
    let (r, out) = try Self.run([])
    defer { try? FileManager.default.removeItem(at: out) }
    #expect(r.status == 0, "\(r.stderr)")
    let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
    for name in ["summary.json", "report.md", "report.html", "reliability.csv", "correlations.csv"] {
      #expect(names.contains(name), "missing \(name)")
    }
    #expect(!names.contains { $0.hasPrefix(".candor-staging") }, "the staging folder was left behind")
    let schema = try String(contentsOf: Self.root.appendingPathComponent("schema/summary-v1.json"), encoding: .utf8)
    let json = try JSONValue.parse(String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8))
    let violations = try SchemaValidator(schemaText: schema).validate(json)
    #expect(violations.isEmpty, "\(violations)")
    for section in ["reliability", "factorAnalysis", "values", "correlations", "retention", "aggregation", "drivers"] {
      #expect(json[section]?.arrayValue?.isEmpty == false, "no \(section) entries")
    }
    // The export's hash, taken in the pass's own read, is the file's.
    let file = try #require(json["input"]?["files"]?.arrayValue?.first)
    let direct = try fileDigest(path: Self.demo)
    #expect(file["sha256"]?.stringValue == direct.sha256)
    #expect(file["bytes"]?.doubleValue == Double(direct.bytes))
  }

  /// The command stops OpenBLAS's start-up worker threads first thing (they would spin
  /// while the pass needs the cores), and its BLAS and LAPACK work (ω, the factor analysis,
  /// the MDS, the logistic model) still runs and gives the golden numbers' tables.
  @Test func startUpStopsOpenBLASWorkersAndBLASStillWorks() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("candor-analyze-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: out) }
    var environment = ProcessInfo.processInfo.environment
    environment["CANDOR_TRACE"] = "1"
    environment["CANDOR_BLAS_THREADS"] = nil
    let r = try runProcess(candorExecutable(), ["analyze", Self.demo, "--codebook", Self.codebook, "--output", out.path, "--quiet"],
                           currentDirectory: Self.root, environment: environment)
    #expect(r.status == 0, "\(r.stderr)")
    let line = try #require(r.stderr.split(separator: "\n").first { $0.hasPrefix("trace BLAS:") }, "\(r.stderr)")
    // Debian's default OpenBLAS (the pthreads build, which `make test` installs) has the
    // function; its OpenMP and serial builds do not, and then the workers are kept.
    guard dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") != nil else {
      #expect(line.contains("1 thread; OpenBLAS's start-up workers kept"), "\(line)")
      return
    }
    let counts = line.split(separator: "(").last.map { $0.filter { $0.isNumber || $0 == " " }.split(separator: " ").compactMap { Int($0) } }
    #expect(line.contains("1 thread; OpenBLAS's start-up workers stopped"), "\(line)")
    // The pthreads build starts one worker per core beyond the first: on more than one
    // core, the process has fewer threads after.
    #expect(counts?.count == 2, "\(line)")
    if let c = counts, c.count == 2 {
      #expect(ProcessInfo.processInfo.activeProcessorCount > 1 ? c[1] < c[0] : c[1] <= c[0], "\(line)")
    }
    let json = try JSONValue.parse(String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8))
    for section in ["factorAnalysis", "values", "retention"] {
      #expect(json[section]?.arrayValue?.isEmpty == false, "no \(section) entries")
    }
  }

  @Test func htmlIsSelfContainedWithEveryChart() throws {
    let (r, out) = try Self.run(["--format", "html"])
    defer { try? FileManager.default.removeItem(at: out) }
    #expect(r.status == 0)
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.components(separatedBy: "<svg").count - 1 >= 5)
    for forbidden in ["<script", "http://", "https://", "src=", "<link", "url("] {
      #expect(!html.contains(forbidden), "report.html contains \(forbidden)")
    }
  }

  @Test func suppressedSchoolsLeakNothing() throws {
    let (r, out) = try Self.run([])
    defer { try? FileManager.default.removeItem(at: out) }
    #expect(r.status == 0)
    let json = try JSONValue.parse(String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8))
    var suppressed: Set<String> = []
    for entry in json["aggregation"]?.arrayValue ?? [] {
      for g in entry["groupResults"]?.arrayValue ?? [] where g["suppressed"] == .bool(true) {
        #expect(g.keys.sorted() == ["group", "suppressed"] || g.keys.sorted() == ["group", "groupCode", "suppressed"])
        suppressed.insert(g["group"]?.stringValue ?? "")
      }
    }
    #expect(!suppressed.isEmpty, "the demo has schools under 5 respondents")
    // A suppressed school's name appears only as "suppressed" in every text output.
    for name in ["report.md", "aggregation-psych_safety-school_id.csv"] {
      let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
      for line in text.split(separator: "\n") {
        for school in suppressed where line.contains(school) {
          #expect(line.lowercased().contains("suppressed"), "\(name): \(line)")
        }
      }
    }
  }

  @Test func goldenMarkdownCSVAndJSON() throws {
    let (r, out) = try Self.run(["--threads", "2"])
    defer { try? FileManager.default.removeItem(at: out) }
    #expect(r.status == 0)
    for name in ["report.md", "reliability.csv", "aggregation-psych_safety-school_id.csv", "summary.json"] {
      let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
      let shown = name.hasSuffix(".json") ? try Self.reportingPrecision(text)
        : name.hasSuffix(".csv") ? Self.roundedNumbers(text) : text
      assertSnapshot(Self.masked(shown), named: "analyze-demo-\(name)")
    }
  }

  @Test func anInterruptedRunLeavesPreviousOutputsInPlace() throws {
    let (first, out) = try Self.run([])
    defer { try? FileManager.default.removeItem(at: out) }
    #expect(first.status == 0)
    let before = try Data(contentsOf: out.appendingPathComponent("summary.json"))
    // A missing codebook fails before anything is written.
    let r = try runProcess(candorExecutable(), ["analyze", Self.demo, "--codebook", "/nonexistent.yaml", "--output", out.path])
    #expect(r.status == 1)
    #expect(try Data(contentsOf: out.appendingPathComponent("summary.json")) == before)
  }

  @Test func failOnWarningExitsOne() throws {
    // An explicit `reverse:` that differs from the instrument's keys is a codebook warning.
    let text = try String(contentsOfFile: Self.codebook, encoding: .utf8)
      .replacingOccurrences(of: "items: [ps1, ps2, ps3, ps4, ps5, ps6, ps7]",
                            with: "items: [ps1, ps2, ps3, ps4, ps5, ps6, ps7]\n    reverse: [ps1, ps3, ps5, ps7]")
    let cb = FileManager.default.temporaryDirectory.appendingPathComponent("candor-warn-\(UUID().uuidString).yaml")
    try text.write(to: cb, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: cb) }
    let plain = try runProcess(candorExecutable(), ["analyze", Self.demo, "--codebook", cb.path])
    #expect(plain.status == 0)
    #expect(plain.stderr.contains("warning"))
    let strict = try runProcess(candorExecutable(), ["analyze", Self.demo, "--codebook", cb.path, "--fail-on-warning"])
    #expect(strict.status == 1)
  }
}
