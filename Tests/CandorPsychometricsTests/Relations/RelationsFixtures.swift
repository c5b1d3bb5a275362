import Foundation
import Testing

/// The committed R reference values of Fixtures/relations (make_fixtures.R).
struct RelationsFixtures {
  /// name → value (17 significant digits; "NA" → NaN).
  let expected: [String: Double]
  /// data.csv columns by header (NA → NaN).
  let data: [String: [Double]]
  /// worked.csv (domain.md §1.6): team letters and the seven raw items.
  let workedTeams: [String]
  let workedItems: [[Double]]

  static let shared: RelationsFixtures = {
    func read(_ name: String) -> String {
      let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/relations")
        ?? Bundle.module.resourceURL!.appendingPathComponent("Fixtures/relations/\(name).csv")
      return try! String(contentsOf: url, encoding: .utf8)
    }
    func number(_ s: Substring) -> Double { s == "NA" ? .nan : Double(s)! }
    var expected: [String: Double] = [:]
    for line in read("expected").split(separator: "\n").dropFirst() {
      let comma = line.lastIndex(of: ",")!  // names like table.r[0,1] hold commas
      expected[String(line[..<comma])] = number(line[line.index(after: comma)...])
    }
    func table(_ text: String) -> (header: [String], rows: [[Substring]]) {
      let lines = text.split(separator: "\n")
      return (lines[0].split(separator: ",").map(String.init), lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) })
    }
    let d = table(read("data"))
    var data: [String: [Double]] = [:]
    for (j, h) in d.header.enumerated() { data[h] = d.rows.map { number($0[j]) } }
    let w = table(read("worked"))
    let teams = w.rows.map { String($0[0]) }
    let items = (1..<w.header.count).map { j in w.rows.map { number($0[j]) } }
    return RelationsFixtures(expected: expected, data: data, workedTeams: teams, workedItems: items)
  }()

  subscript(_ name: String) -> Double {
    guard let v = expected[name] else { fatalError("no expected value '\(name)' in expected.csv") }
    return v
  }

  func column(_ name: String) -> [Double] { data[name]! }
  var schools: [Int32] { column("school").map { Int32($0) } }
}

/// |a − b| ≤ tol, or relative for p-values (design.md §6).
func close(_ a: Double, _ b: Double, _ tol: Double = 1e-9, relative: Bool = false) -> Bool {
  if a.isNaN && b.isNaN { return true }
  if relative { return abs(a - b) <= tol * abs(b) }
  return abs(a - b) <= tol
}
