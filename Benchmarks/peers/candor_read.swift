// Times Candor's parse + number decode on one file, for peers.sh (built by peers.sh with
// swiftc -O against the release build of CandorData).
//
// usage: candor_read FILE THREADS
// Decodes every column except respondent_id, role, status_next_year and comment into a
// column-major RowBlock per batch (NaN = empty) and sums each column, as the record decoder does.
import CandorData
import CandorNumerics
import Foundation

let args = CommandLine.arguments
let path = args[1]
let threads = args.count > 2 ? Int(args[2])! : 2
let start = Date()
let source = try TextSurveySource(path: path)
let textColumns: Set<String> = ["respondent_id", "role", "status_next_year", "comment"]
let numeric = source.header.columns.indices.filter { !textColumns.contains(source.header.columns[$0]) }
/// Row blocks reused across batches (a decoder keeps one per worker).
final class BlockPool: @unchecked Sendable {
  let lock = NSLock()
  var blocks: [RowBlock] = []
  func take(_ p: Int) -> RowBlock { lock.lock(); defer { lock.unlock() }; return blocks.popLast() ?? RowBlock(rows: 0, columns: p, values: []) }
  func put(_ b: RowBlock) { lock.lock(); blocks.append(b); lock.unlock() }
}
let blocks = BlockPool()
var sums = [Double](repeating: 0, count: numeric.count)
var rows = 0
try source.readBatches(threads: threads, visibility: .hidden, map: { batch -> ([Double], Int) in
  var block = blocks.take(numeric.count)
  defer { blocks.put(block) }
  try batch.decodeNumbers(columns: numeric, into: &block) { r, c in throw batch.error(.notANumber, record: r, column: c) }
  var local = [Double](repeating: 0, count: numeric.count)
  block.values.withUnsafeBufferPointer { v in
    for k in 0..<numeric.count {
      var s = 0.0
      for r in 0..<block.rows { let x = v[k * block.rows + r]; if !x.isNaN { s += x } }
      local[k] = s
    }
  }
  return (local, batch.count)
}, consume: { value, _ in
  for k in 0..<sums.count { sums[k] += value.0[k] }
  rows += value.1
})
let seconds = Date().timeIntervalSince(start)
let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
print(String(format: "candor rows=%d cols=%d seconds=%.3f MB/s=%.1f checksum=%.1f", rows, numeric.count, seconds,
             bytes / 1e6 / seconds, sums.reduce(0, +)))
