import Foundation
@testable import CandorData

/// Path of a committed reader fixture (Tests/CandorDataTests/Fixtures/reading/…).
func readingFixture(_ name: String) -> String {
  Bundle.module.resourceURL!.appendingPathComponent("Fixtures/reading/\(name)").path
}

/// The message of the `ReadError` thrown by `body`, or nil.
func readErrorMessage(_ body: () throws -> Void) -> String? {
  do { try body() } catch let e as ReadError { return e.description } catch { return "unexpected \(error)" }
  return nil
}

/// Opens a text fixture and reads every record, with `visibility` for error text.
func readAll(_ path: String, options: SourceOptions = SourceOptions(), threads: Int = 1,
             visibility: TextVisibility = .all) throws -> (TextSurveySource, [[String]]) {
  let source = try TextSurveySource(path: path, options: options)
  var rows: [[String]] = []
  try source.forEachBatch(threads: threads, visibility: visibility) { b in for r in 0..<b.count { rows.append(b.strings(r)) } }
  return (source, rows)
}
