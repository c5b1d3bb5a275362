import Benchmark
import Candor

let benchmarks: @Sendable () -> Void = {
  registerReliabilityBenchmarks()
  registerFactorBenchmarks()
  registerRelationsBenchmarks()
}
