// swift-tools-version: 6.1
//
// Candor's benchmarks: a nested package so the main build never resolves the
// benchmark harness. Run from this folder: `swift package benchmark` (see
// BENCHMARKS.md for the commands that produced the recorded figures).

import PackageDescription

let package = Package(
  name: "candor.Benchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    // `name:` pins the identity: a path dependency is otherwise named after its folder
    // (`main`, a worktree name, a clone folder), which the product references below need.
    .package(name: "candor", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    // Co-moment accumulation (pairwise, Float32-exact blocks) against a plain dsyrk.
    .executableTarget(
      name: "NumericsBenchmarks",
      dependencies: [.product(name: "Candor", package: "candor"), .product(name: "Benchmark", package: "benchmark")],
      path: "Benchmarks/NumericsBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    // CSV parse + decode throughput (MB/s) and peak memory.
    .executableTarget(
      name: "ParsingBenchmarks",
      dependencies: [.product(name: "Candor", package: "candor"), .product(name: "Benchmark", package: "benchmark")],
      path: "Benchmarks/ParsingBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    // Reliability (alpha-if-deleted at large p), EFA + parallel analysis, correlations.
    .executableTarget(
      name: "PsychometricsBenchmarks",
      dependencies: [.product(name: "Candor", package: "candor"), .product(name: "Benchmark", package: "benchmark")],
      path: "Benchmarks/PsychometricsBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    // `candor analyze`'s library pass (SurveyData.load + run(plan)) over a generated export.
    .executableTarget(
      name: "PipelineBenchmarks",
      dependencies: [.product(name: "Candor", package: "candor"), .product(name: "Benchmark", package: "benchmark")],
      path: "Benchmarks/PipelineBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
  ]
)
