import ArgumentParser
import Candor

extension CandorCommand {
  /// `candor instruments [ID]`: the built-in instruments (structure only, never wording).
  struct Instruments: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the built-in instruments, or show one.",
      discussion: "Structure only (item count, keys, response format, value maps); never item wording.")

    @Argument(help: "An instrument id, e.g. edmondson-tps7.") var id: String?

    func run() throws {
      guard let id else {
        print(InstrumentReport.list())
        return
      }
      guard let instrument = InstrumentCatalog[id] else {
        let near = InstrumentCatalog.ids.min { editDistance($0, id) < editDistance($1, id) } ?? ""
        throw ValidationError(
          "unknown instrument \"\(id)\"; did you mean \"\(near)\"? Built-in: \(InstrumentCatalog.ids.joined(separator: ", "))")
      }
      print(InstrumentReport.describe(instrument))
    }
  }
}

private func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a), y = Array(b)
  var prev = Array(0...y.count)
  for i in 1...max(x.count, 1) where !x.isEmpty {
    var cur = [i] + Array(repeating: 0, count: y.count)
    for j in stride(from: 1, through: y.count, by: 1) {
      cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[y.count]
}
