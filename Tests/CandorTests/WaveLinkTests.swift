import Candor
import Foundation
import Testing
import _CandorTestSupport

/// Waves whose respondent ids link: the change in a scale mean is the paired t-test over the
/// linked respondents, against R `t.test(paired = TRUE)` (Fixtures/make_paired_waves_reference.R).
@Suite struct WaveLinkTests {
  static let root = repositoryRoot()

  static func reference() throws -> [String: Double] {
    referenceValues(try #require(Bundle.module.url(forResource: "paired_waves_reference", withExtension: "csv", subdirectory: "Fixtures")))
  }

  /// Wave 2: the first 1,500 respondents of the demo with ps2 and ps4 one point higher (below 5).
  static func writeWaveTwo(to url: URL) throws {
    let text = try String(contentsOf: root.appendingPathComponent("datasets/demo/demo.csv"), encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let bump = ["ps2", "ps4"].map { header.firstIndex(of: $0)! }
    lines = Array(lines[0...1500])
    for i in 1..<lines.count {
      var fields = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      for c in bump { if let v = Int(fields[c]), v < 5 { fields[c] = String(v + 1) } }
      lines[i] = fields.joined(separator: ",")
    }
    try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
  }

  @Test func linkedWavesArePairedAsRTTest() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-link-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let two = dir.appendingPathComponent("wave2.csv")
    try Self.writeWaveTwo(to: two)
    let codebook = Self.root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path
    var waves: [(label: String, data: SurveyData)] = []
    for (label, file) in [("W1", Self.root.appendingPathComponent("datasets/demo/demo.csv").path), ("W2", two.path)] {
      var request = AnalysisRequest(files: [file], codebookPath: codebook)
      request.linkWaves = true
      waves.append((label, try SurveyData.load(request)))
    }
    var results = AnalysisResults()
    results.addWaves(waves)
    let row = try #require(results.waves.first { $0.scale == "psych_safety" })
    let ref = try Self.reference()
    #expect(row.test == .paired)
    #expect(row.pairs == Int(ref["pairs"]!))
    #expect(isClose(row.change, ref["change"]!, absolute: 1e-12))
    #expect(isClose(row.ci95[0], ref["lo"]!, absolute: 1e-10))
    #expect(isClose(row.ci95[1], ref["hi"]!, absolute: 1e-10))
    #expect(row.p < 1e-300)  // R reports 0 (t = 98.5, df = 1,499)
    // Trust did not change for anyone: the paired change is exactly 0.
    let trust = try #require(results.waves.first { $0.scale == "trust" })
    #expect(trust.test == .paired && abs(trust.change) < 1e-15)
  }

  @Test func unlinkedWavesStayWelch() throws {
    // Two different generated populations share no ids.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-unlinked-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = dir.appendingPathComponent("w.csv")
    try SyntheticExport.write(SyntheticExportOptions(rows: 600, seed: 4, waves: 2, shift: 0), to: base)
    let codebook = Self.root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path
    var waves: [(label: String, data: SurveyData)] = []
    for (label, name) in [("A", "w-wave1.csv"), ("B", "w-wave2.csv")] {
      var request = AnalysisRequest(files: [dir.appendingPathComponent(name).path], codebookPath: codebook)
      request.linkWaves = true
      waves.append((label, try SurveyData.load(request)))
    }
    var results = AnalysisResults()
    results.addWaves(waves)
    #expect(results.waves.allSatisfy { $0.test == .welch })
  }
}
