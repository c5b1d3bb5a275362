import Foundation

/// A `name,value` reference table written by a fixture script (R or Python): header row,
/// then one named value per line at 17 significant digits.
public func referenceValues(_ url: URL) -> [String: Double] {
  let text = try! String(contentsOf: url, encoding: .utf8)
  var out: [String: Double] = [:]
  for line in text.split(separator: "\n").dropFirst() {
    let parts = line.split(separator: ",")
    out[String(parts[0])] = Double(parts[1])!
  }
  return out
}
