import CandorReport
import Foundation
import Testing

@Suite struct OutputWriterTests {
  func tempDir() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("candor-out-\(UUID().uuidString)").path
  }

  func contents(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
  }

  func read(_ dir: String, _ name: String) throws -> String {
    try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
  }

  @Test func commitMovesEveryFileIntoPlaceAndRemovesStaging() throws {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let w = try OutputWriter(directory: dir)
    #expect(contents(dir).count == 1 && contents(dir)[0].hasPrefix(".candor-staging-\(getpid())-"))
    try w.write("summary.json", text: "{\"a\": 1}\n")
    try w.write("report.md", text: "# R\n")
    try w.write("summary.json", text: "{\"a\": 2}\n")  // rewritten before commit
    #expect(w.stagedNames == ["summary.json", "report.md"])
    // Nothing is visible before commit.
    #expect(!FileManager.default.fileExists(atPath: dir + "/summary.json"))
    try w.commit()
    #expect(contents(dir) == ["report.md", "summary.json"])
    #expect(try read(dir, "summary.json") == "{\"a\": 2}\n")
    #expect(throws: OutputError.alreadyFinished) { try w.write("x", text: "") }
    #expect(throws: OutputError.self) { try OutputWriter(directory: dir).write("../escape", text: "") }
  }

  /// Files staged from several threads (as the report's formats are, each when rendered)
  /// appear on commit under the order adopted; a staging failure is thrown where it
  /// happened, and discarding leaves the directory as it was.
  @Test func filesStagedFromThreadsAreAdoptedInOrder() throws {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let w = try OutputWriter(directory: dir)
    let staging = w.stagingDirectory
    let batches: [[(name: String, text: String)]] = (0..<4).map { b in (0..<5).map { ("t\(b)-\($0).csv", "\(b),\($0)\n") } }
    DispatchQueue.concurrentPerform(iterations: batches.count) { b in
      try? OutputWriter.stage(batches[b], in: staging)
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/t0-0.csv"))
    for batch in batches { try w.adopt(batch.map(\.name)) }
    #expect(w.stagedNames == batches.flatMap { $0.map(\.name) })
    try w.commit()
    #expect(contents(dir) == batches.flatMap { $0.map(\.name) }.sorted())
    #expect(try read(dir, "t3-4.csv") == "3,4\n")

    let other = tempDir()
    defer { try? FileManager.default.removeItem(atPath: other) }
    let failing = try OutputWriter(directory: other)
    #expect(throws: OutputError.self) { try OutputWriter.stage([("ok.csv", "1"), ("../escape.csv", "2")], in: failing.stagingDirectory) }
    failing.discard()
    #expect(contents(other).isEmpty)
  }

  @Test func interruptedRunLeavesPreviousOutputsIntact() throws {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let first = try OutputWriter(directory: dir)
    try first.write("summary.json", text: "old summary")
    try first.write("report.md", text: "old report")
    try first.commit()

    struct Boom: Error {}
    func run() throws {
      let w = try OutputWriter(directory: dir)
      defer { w.discard() }
      try w.write("summary.json", text: "new summary, half written")
      throw Boom()  // the run dies before writing report.md and before commit
    }
    #expect(throws: Boom.self) { try run() }
    #expect(contents(dir) == ["report.md", "summary.json"])
    #expect(try read(dir, "summary.json") == "old summary")
    #expect(try read(dir, "report.md") == "old report")

    // A run that is never committed nor discarded (killed) leaves only its staging folder.
    let abandoned = try OutputWriter(directory: dir)
    try abandoned.write("summary.json", text: "partial")
    #expect(try read(dir, "summary.json") == "old summary")
    #expect(contents(dir).filter { $0.hasPrefix(".candor-staging-") }.count == 1)
    abandoned.discard()
    #expect(contents(dir) == ["report.md", "summary.json"])
  }

  @Test func staleStagingFromDeadProcessesIsRemovedOnTheNextRun() throws {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // pid 2147483646 cannot be running (above Linux's pid_max); pid 1 is always running.
    let dead = ".candor-staging-2147483646-abc"
    let live = ".candor-staging-1-def"
    for name in [dead, live] {
      try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: false)
      try Data("partial".utf8).write(to: URL(fileURLWithPath: dir + "/" + name + "/summary.json"))
    }
    try Data("keep".utf8).write(to: URL(fileURLWithPath: dir + "/notes.txt"))
    let w = try OutputWriter(directory: dir)
    #expect(w.removedStaleStaging == [dead])
    try w.write("summary.json", text: "fresh")
    try w.commit()
    #expect(contents(dir) == [live, "notes.txt", "summary.json"])
    #expect(try read(dir, "summary.json") == "fresh")
  }
}
