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
}
