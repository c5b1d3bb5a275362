// `candor analyze`'s library pass (issue 7, "Speed"): SurveyData.load (the one streaming
// pass: parse, decode, screen, score, accumulate) and run(AnalysisPlan.make(...)) (every
// analysis of the demo codebook) over a generated export — without rendering outputs.
//
// Setup writes a seeded export with `SyntheticExport` (CANDOR_BENCH_ROWS rows, default
// 100,000; 300 schools; seed 7) into a temporary folder and removes it in teardown. The
// codebook is datasets/demo/demo.codebook.yaml (the shape `candor generate` writes).
// Throughput: the custom metrics "rows/s" and "file bytes/s" (per wall time of one load +
// run; the table prints them scaled, e.g. "(M)" = millions, i.e. MB/s);
// the end-to-end CLI timing against R and Python peers is Benchmarks/peers/analyze/run.sh.
import Benchmark
import Candor
import Foundation

/// The generated export of one benchmark run.
final class PipelineFixture: @unchecked Sendable {
  let rows: Int
  var folder: URL?
  var path = ""
  var bytes = 0

  init(rows: Int) { self.rows = rows }

  func setUp() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("candor-pipeline-bench-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent("export_\(rows).csv")
    let truth = try SyntheticExport.write(SyntheticExportOptions(rows: rows, seed: 7, schools: 300), to: file)
    precondition(truth.files.count == 1, "expected one file, got \(truth.files)")
    self.folder = folder
    path = file.path
    bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
  }

  func tearDown() {
    if let folder { try? FileManager.default.removeItem(at: folder) }
    folder = nil
  }
}

let benchmarks: @Sendable () -> Void = {
  let rows = Int(ProcessInfo.processInfo.environment["CANDOR_BENCH_ROWS"] ?? "") ?? 100_000
  let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  let codebook = here.appendingPathComponent("../../../datasets/demo/demo.codebook.yaml").standardized.path
  let fixture = PipelineFixture(rows: rows)
  let rowsPerSecond = BenchmarkMetric.custom("rows/s", polarity: .prefersLarger, useScalingFactor: false)
  // Bytes, not MB: custom metrics are integers, and the table prints them scaled (K, M).
  let bytesPerSecond = BenchmarkMetric.custom("file bytes/s", polarity: .prefersLarger, useScalingFactor: false)
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .cpuTotal, .peakMemoryResident, rowsPerSecond, bytesPerSecond],
    warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 10)

  Benchmark("Load + run(plan), \(rows) rows, demo codebook",
            closure: { (benchmark: Benchmark) throws in
              for _ in benchmark.scaledIterations {
                let start = DispatchTime.now().uptimeNanoseconds
                var request = AnalysisRequest(files: [fixture.path], codebookPath: codebook)
                request.keepColumnsForPlan = true
                let data = try SurveyData.load(request)
                precondition(data.statistics.rowsRead == rows, "read \(data.statistics.rowsRead) rows, wrote \(rows)")
                let results = data.run(AnalysisPlan.make(codebook: data.codebook, layout: data.layout))
                precondition(!results.reliability.isEmpty && !results.factorAnalysis.isEmpty,
                             "the demo codebook's reliability and factor analyses did not run: \(results.warnings)")
                blackHole(results)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                benchmark.measurement(rowsPerSecond, Int(Double(rows) / seconds))
                benchmark.measurement(bytesPerSecond, Int(Double(fixture.bytes) / seconds))
              }
            },
            setup: { try fixture.setUp() },
            teardown: { fixture.tearDown() })
}
