import CandorReport
import Foundation
import Testing
import _CandorTestSupport

/// Waves from `candor generate --waves 2 --shift D` through `candor analyze --wave`: the
/// wave-over-wave table recovers a shift that is there and finds none where there is none.
@Suite struct WavesTests {
  static let codebook = repositoryRoot().appendingPathComponent("datasets/demo/demo.codebook.yaml").path

  /// Generates two waves with `shift` (latent SD units on psychological safety only) and
  /// returns analyze's `waves` entries.
  static func waves(shift: Double) throws -> [JSONValue] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-waves-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = dir.appendingPathComponent("w.csv").path
    let g = try runProcess(candorExecutable(), ["generate", "--rows", "3000", "--waves", "2", "--shift", "\(shift)",
                                                "--seed", "3", "--output", base])
    #expect(g.status == 0, "\(g.stderr)")
    let files = ["w-wave1.csv", "w-wave2.csv"].map { dir.appendingPathComponent($0).path }
    let r = try runProcess(candorExecutable(), ["analyze"] + files + ["--wave", "2026Q1", "--wave", "2026Q2",
                                                "--codebook", codebook, "--format", "json", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONValue.parse(r.stdout)
    #expect(json["input"]?["files"]?.arrayValue?.compactMap { $0["wave"]?.stringValue } == ["2026Q1", "2026Q2"])
    return json["waves"]?.arrayValue ?? []
  }

  static func row(_ waves: [JSONValue], _ scale: String) -> JSONValue? {
    waves.first { $0["scale"]?.stringValue == scale && $0["change"] != nil && $0["groupChanges"] == nil }
  }

  @Test func aShiftInSafetyIsRecoveredAndTrustStaysPut() throws {
    let waves = try Self.waves(shift: 0.5)
    let safety = try #require(Self.row(waves, "psych_safety"))
    let change = try #require(safety["change"]?.doubleValue)
    let ci = (safety["ci95"]?.arrayValue ?? []).compactMap { $0.doubleValue }
    try #require(ci.count == 2)
    #expect(change > 0.2 && ci[0] > 0, "change \(change), CI \(ci)")
    #expect((safety["p"]?.doubleValue ?? 1) < 1e-6)
    // The change is the difference of the two waves' means (Welch on independent waves).
    let m1 = try #require(safety["mean1"]?.doubleValue), m2 = try #require(safety["mean2"]?.doubleValue)
    #expect(abs(change - (m2 - m1)) < 1e-12)
    // Favourability change counts respondents whose score is in the favourable band.
    let f1 = try #require(safety["favourable1"]?.doubleValue), f2 = try #require(safety["favourable2"]?.doubleValue)
    #expect(f2 > f1 && (safety["favourableP"]?.doubleValue ?? 1) < 1e-6)
    let trust = try #require(Self.row(waves, "trust"))
    #expect((trust["p"]?.doubleValue ?? 0) > 0.001, "trust has no shift in the generator")
  }

  @Test func noShiftNoChange() throws {
    let waves = try Self.waves(shift: 0)
    let safety = try #require(Self.row(waves, "psych_safety"))
    let ci = (safety["ci95"]?.arrayValue ?? []).compactMap { $0.doubleValue }
    try #require(ci.count == 2)
    #expect(ci[0] < 0 && ci[1] > 0, "CI \(ci) should contain 0")
  }

  @Test func smallSchoolsChangesAreSuppressed() throws {
    let waves = try Self.waves(shift: 0.5)
    let groups = waves.flatMap { $0["groupChanges"]?.arrayValue ?? [] }
    #expect(!groups.isEmpty)
    for g in groups where g["suppressed"] == .bool(true) {
      #expect(g["change"] == nil && g["n1"] == nil && g["mean1"] == nil)
    }
    #expect(groups.contains { $0["suppressed"] == .bool(true) }, "the generator makes schools under 5")
  }
}
