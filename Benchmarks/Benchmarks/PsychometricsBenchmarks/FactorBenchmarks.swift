import Benchmark
import Candor

/// Registers the factor-analysis benchmarks: minres + oblimin EFA and parallel
/// analysis (20 iterations) on a 5-factor correlation matrix at p = 40, 100,
/// 200 (n = 2000), and a polychoric matrix of 30 five-point items at N = 100k.
/// Call from the suite's `benchmarks` closure.
func registerFactorBenchmarks() {
  for p in [40, 100, 200] {
    let r = FactorBenchmarkData.correlation(items: p, factors: 5, rows: 2000)
    Benchmark("EFA minres + oblimin, p = \(p), 5 factors",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(30), maxIterations: 20)) { benchmark in
      for _ in benchmark.scaledIterations {
        let solution = try FactorAnalysis.solve(r, factors: 5, method: .minres, rotation: .oblimin)
        precondition(solution.converged)
        blackHole(solution)
      }
    }
    Benchmark("Parallel analysis (20 iterations), p = \(p), n = 2000",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(60), maxIterations: 5)) { benchmark in
      for _ in benchmark.scaledIterations {
        let result = try ParallelAnalysis.run(correlation: r, n: 2000)
        precondition(result.factors == 5)
        blackHole(result)
      }
    }
  }
  let ordinal = FactorBenchmarkData.ordinal(items: 30, rows: 100_000)
  Benchmark("Polychoric matrix, 30 items, N = 100k",
            configuration: .init(metrics: [.wallClock], maxDuration: .seconds(60), maxIterations: 5)) { benchmark in
    for _ in benchmark.scaledIterations {
      var accumulator = ContingencyAccumulator(variables: 30, codes: 1...5)
      accumulator.add(ordinal)
      blackHole(accumulator.polychoricMatrix())
    }
  }
}

/// Seeded synthetic inputs for the factor benchmarks.
enum FactorBenchmarkData {
  /// Correlations of n rows with item j loading 0.6 on factor j mod k.
  static func correlation(items p: Int, factors k: Int, rows n: Int) -> Matrix {
    var generator = SeededGenerator(seed: 7)
    var data = Matrix(rows: n, columns: p)
    for i in 0..<n {
      let f = (0..<k).map { _ in generator.nextStandardNormal() }
      for j in 0..<p { data[i, j] = 0.6 * f[j % k] + 0.8 * generator.nextStandardNormal() }
    }
    for j in 0..<p {
      var mean = 0.0
      for i in 0..<n { mean += data[i, j] }
      mean /= Double(n)
      for i in 0..<n { data[i, j] -= mean }
    }
    var c = LinearAlgebra.crossProduct(data)
    let d = (0..<p).map { 1 / c[$0, $0].squareRoot() }
    for j in 0..<p { for i in 0..<p { c[i, j] *= d[i] * d[j] } }
    return c
  }

  /// Five-point items cut from one-factor normal data (loading 0.6).
  static func ordinal(items p: Int, rows n: Int) -> RowBlock {
    var generator = SeededGenerator(seed: 11)
    let cuts = [-1.5, -0.5, 0.5, 1.5]
    var values = [Double](repeating: 0, count: n * p)
    for i in 0..<n {
      let f = generator.nextStandardNormal()
      for j in 0..<p {
        let z = 0.6 * f + 0.8 * generator.nextStandardNormal()
        values[i + j * n] = Double(1 + cuts.filter { z > $0 }.count)
      }
    }
    return RowBlock(rows: n, columns: p, values: values)
  }
}
