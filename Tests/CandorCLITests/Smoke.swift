import Foundation
import Testing
import _CandorTestSupport

@Suite struct CLIExitStatusTests {
  @Test func versionPrintsAndExitsZero() throws {
    let r = try runProcess(candorExecutable(), ["--version"])
    #expect(r.status == 0)
    #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
  }

  @Test func unknownOptionIsUsageError64() throws {
    let r = try runProcess(candorExecutable(), ["--no-such-option"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("Unknown option '--no-such-option'"))
  }

  @Test func missingFileIsDataError1WithPosition() throws {
    let dir = try workdir()
    let r = try runProcess(candorExecutable(), ["describe", dir.appendingPathComponent("nope.csv").path])
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("candor: error: nope.csv: cannot open"))
    #expect(r.stdout.isEmpty)
  }

  @Test func raggedRowIsDataError1WithLineAndRecord() throws {
    let dir = try workdir(["bad.csv": "a,b\n1,2\n3,4,5\n"])
    let r = try runProcess(candorExecutable(), ["describe", "bad.csv"], currentDirectory: dir)
    #expect(r.status == 1)
    #expect(r.stderr == "candor: error: bad.csv: line 3 (record 2): 3 fields, header has 2 — is a comma inside an unquoted answer?\n")
  }

  @Test func brokenPipeIsACleanExit() throws {
    // 400 columns of JSON (> 64 KB) into `head -n 1`: the write fails with EPIPE.
    var csv = (1...400).map { "column_number_\($0)" }.joined(separator: ",") + "\n"
    for r in 0..<3 { csv += (1...400).map { String(($0 + r) % 5 + 1) }.joined(separator: ",") + "\n" }
    let dir = try workdir(["wide.csv": csv])
    let script = "'\(candorExecutable().path)' describe wide.csv --format json | head -n 1 >/dev/null; echo \"${PIPESTATUS[0]}\""
    let r = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", script], currentDirectory: dir)
    #expect(r.stdout == "0\n")
    #expect(!r.stderr.contains("error"))
  }
}
