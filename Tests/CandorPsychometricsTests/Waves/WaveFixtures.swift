import Foundation

/// The committed R reference tables of Fixtures/waves (make_fixtures.R): one
/// dictionary per CSV row, column → value ("NA" → NaN).
enum WaveFixtures {
  static func table(_ name: String) -> [[String: Double]] {
    let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/waves")
      ?? Bundle.module.resourceURL!.appendingPathComponent("Fixtures/waves/\(name).csv")
    let text = try! String(contentsOf: url, encoding: .utf8)
    let lines = text.split(separator: "\n")
    let header = lines[0].split(separator: ",").map(String.init)
    return lines.dropFirst().map { line in
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      var row: [String: Double] = [:]
      for (h, cell) in zip(header, cells) { row[h] = cell == "NA" ? .nan : Double(cell)! }
      return row
    }
  }

  static let welch = table("welch")
  static let paired = table("paired")
  static let prop = table("prop")
  static let feldt = table("feldt")
  static let table = table("table")
}

/// Worst deviations seen against R, for the report (printed by the tests).
final class WaveDeviation: @unchecked Sendable {
  private let lock = NSLock()
  private var worst: [String: Double] = [:]
  static let shared = WaveDeviation()

  /// design.md §6: values 1e-9 absolute; p-values 1e-9 relative where p > 1e-300
  /// (below that, absolute 1e-300). Records the deviation under `kind`.
  func check(_ kind: String, _ value: Double, _ expected: Double, pValue: Bool = false) -> Bool {
    if value.isNaN && expected.isNaN { return true }
    let d: Double, ok: Bool
    if pValue && expected > 1e-300 {
      d = abs(value - expected) / expected; ok = d <= 1e-9
    } else if pValue {
      d = abs(value - expected); ok = d <= 1e-300
    } else {
      d = abs(value - expected); ok = d <= 1e-9
    }
    lock.lock(); worst[kind] = max(worst[kind] ?? 0, d.isNaN ? .infinity : d); lock.unlock()
    return ok
  }

  func report(_ prefix: String) {
    lock.lock(); defer { lock.unlock() }
    for (k, v) in worst.sorted(by: { $0.key < $1.key }) where k.hasPrefix(prefix) {
      print("worst deviation \(k): \(v)")
    }
  }
}
