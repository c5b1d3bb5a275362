import CandorNumerics

/// The generator's random source: CandorNumerics' ``SeededGenerator`` (xoshiro256**
/// seeded through SplitMix64) plus the draws the synthetic export needs. The uniform
/// and Box–Muller normals below are part of the generated files' byte-for-byte
/// reproducibility (datasets/README.md), so they stay as they are.
struct Xoshiro256: RandomNumberGenerator {
  private var source: SeededGenerator

  init(seed: UInt64) { source = SeededGenerator(seed: seed) }

  @inline(__always)
  mutating func next() -> UInt64 { source.next() }

  /// Uniform on [0, 1) with 53 random bits.
  @inline(__always)
  mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// Uniform integer in 0..<n (Lemire's multiply-shift; bias < n/2⁶⁴, irrelevant here).
  @inline(__always)
  mutating func below(_ n: Int) -> Int { Int(next().multipliedFullWidth(by: UInt64(n)).high) }

  private var spare: Double?

  /// Standard normal, Box–Muller (both values used).
  mutating func normal() -> Double {
    if let z = spare {
      spare = nil
      return z
    }
    var u = uniform()
    while u == 0 { u = uniform() }
    let v = uniform()
    let r = (-2 * _log(u)).squareRoot()
    spare = r * _sin(2 * .pi * v)
    return r * _cos(2 * .pi * v)
  }
}

#if canImport(Glibc)
  import Glibc
  @inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
  @inline(__always) func _sin(_ x: Double) -> Double { Glibc.sin(x) }
  @inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
  @inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
  import Darwin
  @inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
  @inline(__always) func _sin(_ x: Double) -> Double { Darwin.sin(x) }
  @inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
  @inline(__always) func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif

/// A Fenwick tree over counts: draws without replacement in O(log K).
struct CountUrn {
  private var tree: [Int]
  private(set) var remaining: Int
  private let size: Int

  init(counts: [Int]) {
    size = counts.count
    tree = Array(repeating: 0, count: counts.count + 1)
    remaining = 0
    for (i, c) in counts.enumerated() { add(i, c) }
  }

  private mutating func add(_ index: Int, _ delta: Int) {
    var i = index + 1
    while i <= size {
      tree[i] += delta
      i += i & -i
    }
    remaining += delta
  }

  /// Draws one ball: index k with probability count_k / remaining, then removes it.
  mutating func draw(_ rng: inout Xoshiro256) -> Int {
    var target = rng.below(remaining)
    var pos = 0
    var step = 1
    while step * 2 <= size { step *= 2 }
    while step > 0 {
      if pos + step <= size, tree[pos + step] <= target {
        pos += step
        target -= tree[pos]
      }
      step /= 2
    }
    add(pos, -1)
    return pos
  }
}
