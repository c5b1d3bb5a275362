// CSV parse + number decode throughput and peak memory (issue 3, "Speed and memory").
//
// Setup writes a seeded survey export (70 columns: id, district, school, role, tenure,
// 63 Likert items with 2 % empty cells, status, comment) to
// Benchmarks/peers/.data/bench_<rows>.csv once (git-ignored); the timed part opens it,
// streams it through CSVReader on 1 or 2 threads, decodes every numeric column into a
// RowBlock per batch (as the record decoder does) and checks the row count and checksum.
// Throughput in MB/s = file bytes / wall time; peers are timed by Benchmarks/peers/peers.sh.
import Benchmark
import CandorData
import CandorNumerics
import Foundation

/// Writes the benchmark export (LCG-seeded, byte-identical on every run).
func makeSurveyFile(rows: Int, path: String) throws {
  if FileManager.default.fileExists(atPath: path) { return }
  try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                          withIntermediateDirectories: true)
  var state: UInt64 = 20_241_127
  func next(_ k: Int) -> Int {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((state >> 33) % UInt64(k))
  }
  let items: [Int] = Array(repeating: 7, count: 7) + Array(repeating: 4, count: 8) + Array(repeating: 6, count: 40)
    + Array(repeating: 5, count: 3)
  var header = ["respondent_id", "district", "school_id", "role", "tenure"]
  header += (1...7).map { "ps\($0)" } + (1...8).map { "tp\($0)" } + (1...40).map { "pvq\($0)" } + (1...3).map { "intent\($0)" }
  header += ["status_next_year"] + (1...5).map { "wb\($0)" } + ["comment"]
  _ = FileManager.default.createFile(atPath: path, contents: nil)
  let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
  var out = [UInt8]()
  out.reserveCapacity(1 << 22)
  out += Array((header.joined(separator: ",") + "\n").utf8)
  let roles = ["teacher", "leader", "support"], statuses = ["stayer", "mover", "leaver"]
  for _ in 0..<rows {
    out += Array("R_\(String(UInt64(next(1 << 30)) << 30 | UInt64(next(1 << 30)), radix: 16)),\(next(12) + 1),\(next(400) + 1),\(roles[next(3)]),\(next(345) / 10 + 1).\(next(10))".utf8)
    for (k, range) in items.enumerated() {
      out.append(0x2C)
      if next(50) != 0 { out.append(UInt8(48 + next(range) + 1)) }
      if k == items.count - 1 { out += Array(",\(statuses[next(3)])".utf8) }
    }
    for _ in 0..<5 { out.append(0x2C); if next(50) != 0 { out.append(UInt8(48 + next(5) + 1)) } }
    out += Array((next(10) == 0 ? ",\"Good team, but busy\"\n" : ",\n").utf8)
    if out.count > (1 << 22) - 4096 { handle.write(Data(out)); out.removeAll(keepingCapacity: true) }
  }
  handle.write(Data(out))
  try handle.close()
}

/// Reads `path` on `threads` workers, decoding the numeric columns; returns (rows, checksum).
func parseAndDecode(path: String, threads: Int) throws -> (Int, Double) {
  let source = try TextSurveySource(path: path)
  let text: Set<String> = ["respondent_id", "role", "status_next_year", "comment"]
  let numeric = source.header.columns.indices.filter { !text.contains(source.header.columns[$0]) }
  var rows = 0
  var checksum = 0.0
  try source.readBatches(threads: threads, visibility: .hidden, map: { batch -> (Int, Double) in
    var block = RowBlock(rows: 0, columns: numeric.count, values: [])
    try batch.decodeNumbers(columns: numeric, into: &block) { r, c in throw batch.error(.notANumber, record: r, column: c) }
    var s = 0.0
    for x in block.values.prefix(block.rows * block.columns) where !x.isNaN { s += x }
    return (batch.count, s)
  }, consume: { value, _ in
    rows += value.0
    checksum += value.1
  })
  return (rows, checksum)
}

let benchmarks: @Sendable () -> Void = {
  let rows = Int(ProcessInfo.processInfo.environment["CANDOR_BENCH_ROWS"] ?? "") ?? 1_000_000
  let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  let path = here.appendingPathComponent("../../peers/.data/bench_\(rows).csv").standardized.path
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .throughput],
    warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 5)
  for threads in [1, 2] {
    Benchmark("Parse + decode \(rows) rows × 70 columns (\(threads) thread\(threads == 1 ? "" : "s"))",
              closure: { (benchmark: Benchmark) throws in
                for _ in benchmark.scaledIterations {
                  let (n, checksum) = try parseAndDecode(path: path, threads: threads)
                  precondition(n == rows, "read \(n) rows, wrote \(rows)")
                  blackHole(checksum)
                }
              },
              setup: { try makeSurveyFile(rows: rows, path: path) })
  }
}
