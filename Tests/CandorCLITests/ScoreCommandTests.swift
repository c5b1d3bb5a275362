import Foundation
import Testing
import _CandorTestSupport

/// `candor score` end to end: exit codes, the stderr summary, stdout and file output.
@Suite struct ScoreCommandTests {
  static let root = repositoryRoot()
  static let demo = root.appendingPathComponent("datasets/demo/demo.csv").path
  static let codebook = root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path

  static func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-score-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  static var dataRows: [String] {
    (try! String(contentsOfFile: demo, encoding: .utf8)).split(separator: "\n").dropFirst().map(String.init)
  }

  @Test func writesFileAndSummaryExitZero() throws {
    let dir = try Self.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("scores.csv").path
    let r = try runProcess(candorExecutable(), ["score", Self.demo, "--codebook", Self.codebook,
                                                "--output", out, "--threads", "3"])
    #expect(r.status == 0, "\(r.stderr)")
    let n = Self.dataRows.count
    #expect(r.stderr.contains("\(n) rows read, \(n) respondents written, 0 excluded"), "\(r.stderr)")
    // Unscored respondents: every scale and MRAT, uncentred sub-scores only when some are missing.
    #expect(r.stderr.contains("  psych_safety: 0\n") && r.stderr.contains("  trust: 0\n")
              && r.stderr.contains("  values.mrat: "), "\(r.stderr)")
    #expect(!r.stderr.contains("values.security.raw: 0"))
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == n + 1)
    #expect(lines[0].hasPrefix("respondent_id,district,school_id,psych_safety,trust,"))
    // Ids in file order.
    #expect(lines.dropFirst().map { String($0.split(separator: ",")[0]) }
              == Self.dataRows.map { String($0.split(separator: ",")[0]) })
    #expect(r.stdout.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
  }

  @Test func stdoutWhenNoOutputMatchesFile() throws {
    let dir = try Self.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("scores.csv").path
    let toFile = try runProcess(candorExecutable(), ["score", Self.demo, "--codebook", Self.codebook, "--output", out,
                                                     "--threads", "1"])
    let toStdout = try runProcess(candorExecutable(), ["score", Self.demo, "--codebook", Self.codebook, "--quiet",
                                                       "--threads", "2"])
    #expect(toFile.status == 0 && toStdout.status == 0)
    #expect(toStdout.stderr.isEmpty)
    #expect(toStdout.stdout == (try String(contentsOfFile: out, encoding: .utf8)))
  }

  @Test func dataErrorExitsOneNamingFileLineColumnAndLeavesNoFile() throws {
    let dir = try Self.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    var lines = try String(contentsOfFile: Self.demo, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let tr3 = lines[0].firstIndex(of: "tr3")!
    lines[700][tr3] = "7"   // data row 700, line 701; trust is 1–4
    let bad = dir.appendingPathComponent("planted.csv")
    try (lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(to: bad, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("scores.csv").path
    let r = try runProcess(candorExecutable(), ["score", bad.path, "--codebook", Self.codebook, "--output", out])
    #expect(r.status == 1)
    #expect(r.stderr.contains("planted.csv: line 701") && r.stderr.contains("column \"tr3\""), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
    #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
    // --out-of-range missing reads it as missing and counts it.
    let ok = try runProcess(candorExecutable(), ["score", bad.path, "--codebook", Self.codebook, "--output", out,
                                                 "--out-of-range", "missing"])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stderr.contains("out-of-range cells read as missing: 1"), "\(ok.stderr)")
    #expect(FileManager.default.fileExists(atPath: out))
  }

  @Test func usageErrors() throws {
    let noCodebook = try runProcess(candorExecutable(), ["score", Self.demo])
    #expect(noCodebook.status == 64)
    let json = try runProcess(candorExecutable(), ["score", Self.demo, "--codebook", Self.codebook, "--format", "json"])
    #expect(json.status == 64)
    #expect(json.stderr.contains("CSV only"))
  }
}
