import Foundation
import Testing

/// Compares `actual` with the golden file `Snapshots/<name>.txt` next to this file.
///
/// With `RECORD_SNAPSHOTS=1` (or when the file is missing) the golden file is written and
/// the test FAILS ("recorded new baseline"), so a new output is never accepted silently.
func assertSnapshot(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots").appendingPathComponent("\(name).txt")
  let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
  if record || !FileManager.default.fileExists(atPath: url.path) {
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? actual.write(to: url, atomically: true, encoding: .utf8)
    Issue.record("recorded new baseline \(url.lastPathComponent); check it and run again without RECORD_SNAPSHOTS",
                 sourceLocation: sourceLocation)
    return
  }
  let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
  #expect(actual == expected, "output differs from Snapshots/\(name).txt", sourceLocation: sourceLocation)
}

/// One folder per test process for every ``workdir(_:)``, removed when the process exits.
private let testsRoot: URL = {
  func path() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("candor-cli-tests-\(getpid())") }
  atexit { try? FileManager.default.removeItem(at: path()) }
  return path()
}()

/// A fresh temporary folder for one test, with `files` (name → contents) written into it.
func workdir(_ files: [String: String] = [:]) throws -> URL {
  let dir = testsRoot.appendingPathComponent(UUID().uuidString)
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
  return dir
}
