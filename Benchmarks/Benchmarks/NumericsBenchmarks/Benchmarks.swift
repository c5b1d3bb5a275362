import Benchmark
import Candor
@_spi(Benchmarks) import CandorNumerics

// Co-moment accumulation of a 1,000,000 × 60 block of integer Likert values (1–7,
// 2 % missing) on one core, next to a plain dsyrk over the same 1M × 60 doubles and a
// naive mask-based pairwise scheme (2 syrk + 2 gemm in Double). Useful flops for all
// three: n·p(p+1) (what a dsyrk of the zero-filled data does). Results and commands:
// Benchmarks/results/numerics.md.

/// The benchmark data, generated once (SplitMix64, seed 2026) outside any measurement.
struct LikertData: Sendable {
  static let rows = 1_000_000
  static let columns = 60
  static let shared = LikertData()

  let block: RowBlock
  /// Zero-filled values, missing-value indicator (1 = present) and squared values.
  let zeroFilled: Matrix
  let present: Matrix
  let squared: Matrix

  init() {
    let n = Self.rows, p = Self.columns
    var state: UInt64 = 2026
    var values = [Double](repeating: 0, count: n * p)
    for i in values.indices {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      z ^= z >> 31
      values[i] = z % 50 == 0 ? .nan : Double(1 + (z >> 8) % 7)  // 2 % missing
    }
    block = RowBlock(rows: n, columns: p, values: values)
    zeroFilled = Matrix(rows: n, columns: p, columnMajor: values.map { $0.isNaN ? 0 : $0 })
    present = Matrix(rows: n, columns: p, columnMajor: values.map { $0.isNaN ? 0 : 1 })
    squared = Matrix(rows: n, columns: p, columnMajor: values.map { $0.isNaN ? 0 : $0 * $0 })
  }
}

let benchmarks: @Sendable () -> Void = {
  // One BLAS thread: the target is one core.
  BLASThreads.configure(threads: 1)
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
    warmupIterations: 1,
    scalingFactor: .one,
    maxDuration: .seconds(30),
    maxIterations: 10
  )
  let data = LikertData.shared
  let p = LikertData.columns

  Benchmark("CoMomentAccumulator 1M×60 Likert, 2% missing (Float32 exact blocks)") { benchmark in
    for _ in benchmark.scaledIterations {
      var acc = CoMomentAccumulator(variables: p)
      acc.add(data.block)
      blackHole(acc.moments(.pairwise))
    }
  }

  Benchmark("CoMomentAccumulator 1M×60 Likert, 2% missing (Float64 exact blocks)") { benchmark in
    for _ in benchmark.scaledIterations {
      var acc = CoMomentAccumulator(variables: p)
      acc.add(data.block, singlePrecision: false)
      blackHole(acc.moments(.pairwise))
    }
  }

  Benchmark("dsyrk 1M×60 doubles (reference rate)") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(LinearAlgebra.crossProduct(data.zeroFilled))
    }
  }

  // The naive scheme: XᵀX, MᵀM, XᵀM, (X²)ᵀM on pre-built zero-filled matrices (the
  // BLAS calls only; building X, M and X² is not timed, which flatters it).
  Benchmark("naive masks 1M×60 (2 dsyrk + 2 dgemm, BLAS only)") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(LinearAlgebra.crossProduct(data.zeroFilled))
      blackHole(LinearAlgebra.crossProduct(data.present))
      blackHole(LinearAlgebra.multiply(data.zeroFilled, data.present, transposeA: true))
      blackHole(LinearAlgebra.multiply(data.squared, data.present, transposeA: true))
    }
  }
}
