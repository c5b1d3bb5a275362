import Foundation
import Testing
@_spi(Benchmarks) @testable import CandorNumerics

// MARK: - Helpers

/// Reads a fixture CSV of numbers ("NA" = NaN); `header` skips the first line.
private func readCSV(_ name: String, header: Bool = false) throws -> [[Double]] {
  let url = try #require(Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/comoments"))
  var lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
  if header { lines.removeFirst() }
  return lines.map { line in line.split(separator: ",").map { $0 == "NA" ? .nan : Double($0)! } }
}

/// `|a − b| ≤ tol·(1 + |b|)` (absolute + relative), NaN only against NaN.
private func close(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool {
  if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
  return abs(a - b) <= tol * (1 + abs(b))
}

private func worst(_ a: [Double], _ b: [Double]) -> Double {
  precondition(a.count == b.count)
  var d = 0.0
  for (x, y) in zip(a, b) {
    if x.isNaN || y.isNaN { if !(x.isNaN && y.isNaN) { return .infinity }; continue }
    d = max(d, abs(x - y) / (1 + abs(y)))
  }
  return d
}

/// Same bits everywhere (NaN equal to NaN with the same payload).
private func identical(_ a: CoMoments, _ b: CoMoments) -> Bool {
  func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }
  return a.policy == b.policy && a.counts == b.counts && bits(a.means) == bits(b.means)
    && bits(a.standardDeviations) == bits(b.standardDeviations)
    && bits(a.covariance.storage) == bits(b.covariance.storage)
    && bits(a.correlation.storage) == bits(b.correlation.storage)
    && a.pairwiseCounts == b.pairwiseCounts && a.minimumPairwiseN == b.minimumPairwiseN
}

/// Largest absolute + relative difference over every field (∞ when NaN patterns differ
/// or counts differ).
private func difference(_ a: CoMoments, _ b: CoMoments) -> Double {
  if a.counts != b.counts || a.pairwiseCounts != b.pairwiseCounts { return .infinity }
  return max(worst(a.means, b.means), worst(a.standardDeviations, b.standardDeviations),
             worst(a.covariance.storage, b.covariance.storage), worst(a.correlation.storage, b.correlation.storage))
}

/// Rows as a column-major block.
private func block(_ rows: ArraySlice<[Double]>, columns p: Int) -> RowBlock {
  let n = rows.count
  var v = [Double](repeating: .nan, count: n * p)
  for (i, row) in rows.enumerated() { for j in 0..<p { v[i + j * n] = row[j] } }
  return RowBlock(rows: n, columns: p, values: v)
}

/// Textbook two-pass moments per pair (Double), independent of the accumulator.
private func naiveMoments(_ rows: [[Double]], columns p: Int, policy: MissingDataPolicy) -> CoMoments {
  let used = policy == .listwise ? rows.filter { $0.allSatisfy { !$0.isNaN } } : rows
  var counts = [Int](repeating: 0, count: p * p)
  var cov = Matrix(rows: p, columns: p, repeating: .nan), cor = cov
  for j in 0..<p {
    for k in 0..<p {
      let pairs = used.filter { !$0[j].isNaN && !$0[k].isNaN }.map { ($0[j], $0[k]) }
      let n = pairs.count
      counts[j + k * p] = n
      guard n >= 2 else { continue }
      let mj = pairs.map(\.0).reduce(0, +) / Double(n), mk = pairs.map(\.1).reduce(0, +) / Double(n)
      var c = 0.0, sj = 0.0, sk = 0.0
      for (x, y) in pairs { c += (x - mj) * (y - mk); sj += (x - mj) * (x - mj); sk += (y - mk) * (y - mk) }
      cov[j, k] = (sj == 0 || sk == 0) ? 0 : c / Double(n - 1)
      cor[j, k] = (sj == 0 || sk == 0) ? .nan : (j == k ? 1 : max(-1, min(1, c / (sj * sk).squareRoot())))
    }
  }
  var means = [Double](repeating: .nan, count: p), sds = means, n = [Int](repeating: 0, count: p)
  for j in 0..<p {
    let present = used.map { $0[j] }.filter { !$0.isNaN }
    n[j] = present.count
    if !present.isEmpty { means[j] = present.reduce(0, +) / Double(present.count) }
    if present.count >= 2 { sds[j] = cov[j, j].squareRoot() }
  }
  return CoMoments(policy: policy, counts: n, means: means, standardDeviations: sds, covariance: cov,
                   correlation: cor, pairwiseCounts: counts, minimumPairwiseN: counts.min() ?? 0)
}

/// Random rows: integers in `1...levels` (or uniform reals around `offset` when
/// `levels == 0`), each value missing with probability `missing`.
private func randomRows(_ n: Int, _ p: Int, levels: Int, missing: Double, offset: Double = 0,
                        _ g: inout SeededGenerator) -> [[Double]] {
  (0..<n).map { _ in
    (0..<p).map { _ in
      if Double.random(in: 0..<1, using: &g) < missing { return .nan }
      return levels > 0 ? Double(Int.random(in: 1...levels, using: &g)) : offset + Double.random(in: -3...3, using: &g)
    }
  }
}

/// Accumulates `rows` split at random points into shards of random-size blocks,
/// shards built independently and merged in a random order.
private func accumulateInRandomSplits(_ rows: [[Double]], columns p: Int, _ g: inout SeededGenerator)
  -> CoMomentAccumulator
{
  var shards: [CoMomentAccumulator] = []
  var start = 0
  while start < rows.count {
    let shardSize = Int.random(in: 1...max(1, rows.count / 3), using: &g)
    let end = min(rows.count, start + shardSize)
    var shard = CoMomentAccumulator(variables: p)
    var s = start
    while s < end {
      let e = min(end, s + Int.random(in: 1...max(1, (end - start) / 2 + 1), using: &g))
      shard.add(block(rows[s..<e], columns: p))
      s = e
    }
    shards.append(shard)
    start = end
  }
  shards.shuffle(using: &g)
  // Merge as a random binary tree, not only left to right.
  while shards.count > 1 {
    let i = Int.random(in: 0..<shards.count, using: &g)
    let a = shards.remove(at: i)
    let j = Int.random(in: 0..<shards.count, using: &g)
    shards[j].merge(a)
  }
  return shards[0]
}

// MARK: - Against R

@Suite struct CoMomentAccumulatorTests {
  static func fixture() throws -> [[Double]] { try readCSV("data", header: true) }

  @Test func pairwiseMatchesRPairwiseCompleteObs() throws {
    let rows = try Self.fixture()
    let p = rows[0].count
    var acc = CoMomentAccumulator(variables: p)
    acc.add(block(rows[...], columns: p))
    let m = acc.moments(.pairwise)
    let rCov = try readCSV("pairwise_cov").flatMap { $0 }
    let rCor = try readCSV("pairwise_cor").flatMap { $0 }
    let rN = try readCSV("pairwise_n").flatMap { $0 }.map { Int($0) }
    let rMeans = try readCSV("pairwise_means").flatMap { $0 }
    let rSDs = try readCSV("pairwise_sds").flatMap { $0 }
    // R writes row by row; the matrices are symmetric so storage order does not matter.
    #expect(worst(m.covariance.storage, rCov) < 1e-12)
    #expect(worst(m.correlation.storage, rCor) < 1e-12)
    #expect(m.pairwiseCounts == rN)
    #expect(m.minimumPairwiseN == rN.min()!)
    #expect(m.counts == (0..<p).map { rN[$0 + $0 * p] })
    #expect(worst(m.means, rMeans) < 1e-12)
    #expect(worst(m.standardDeviations, rSDs) < 1e-12)
    #expect(acc.rows == 300)
  }

  @Test func listwiseMatchesROnNaOmit() throws {
    let rows = try Self.fixture()
    let p = rows[0].count
    var acc = CoMomentAccumulator(variables: p)
    acc.add(block(rows[...], columns: p))
    let m = acc.moments(.listwise)
    let n = Int(try readCSV("listwise_n")[0][0])
    #expect(acc.completeRows == n)
    #expect(m.counts == [Int](repeating: n, count: p))
    #expect(m.pairwiseCounts == [Int](repeating: n, count: p * p))
    #expect(m.minimumPairwiseN == n)
    #expect(worst(m.covariance.storage, try readCSV("listwise_cov").flatMap { $0 }) < 1e-12)
    #expect(worst(m.correlation.storage, try readCSV("listwise_cor").flatMap { $0 }) < 1e-12)
    #expect(worst(m.means, try readCSV("listwise_means").flatMap { $0 }) < 1e-12)
    #expect(worst(m.standardDeviations, try readCSV("listwise_sds").flatMap { $0 }) < 1e-12)
  }

  @Test func fixtureInRandomSplitsStillMatchesR() throws {
    let rows = try Self.fixture()
    let p = rows[0].count
    var g = SeededGenerator(seed: 11)
    let rCor = try readCSV("pairwise_cor").flatMap { $0 }
    let rCovListwise = try readCSV("listwise_cov").flatMap { $0 }
    for _ in 0..<5 {
      let acc = accumulateInRandomSplits(rows, columns: p, &g)
      #expect(worst(acc.moments(.pairwise).correlation.storage, rCor) < 1e-12)
      #expect(worst(acc.moments(.listwise).covariance.storage, rCovListwise) < 1e-12)
    }
  }

  // MARK: Splitting and merging

  @Test func integerDataIsBitIdenticalForAnySplittingAndMergeOrder() {
    var g = SeededGenerator(seed: 12)
    // 5,000 rows span several internal blocks; levels 7 (Float32 path) and 1,000
    // (exact Float64 path).
    for levels in [7, 1000] {
      let p = 9
      let rows = randomRows(5000, p, levels: levels, missing: 0.1, &g)
      var whole = CoMomentAccumulator(variables: p)
      whole.add(block(rows[...], columns: p))
      var rowByRow = CoMomentAccumulator(variables: p)
      for r in 0..<300 { rowByRow.add(block(rows[r..<(r + 1)], columns: p)) }
      var firstPart = CoMomentAccumulator(variables: p)
      firstPart.add(block(rows[0..<300], columns: p))
      #expect(identical(rowByRow.moments(.pairwise), firstPart.moments(.pairwise)))
      for policy in MissingDataPolicy.allCases {
        let reference = whole.moments(policy)
        // The textbook two-pass reference itself rounds at ~1e-12 (relative) on values
        // up to 1,000; the splits below are held to bit-identity instead.
        #expect(difference(reference, naiveMoments(rows, columns: p, policy: policy)) < 1e-11)
        for _ in 0..<4 {
          let split = accumulateInRandomSplits(rows, columns: p, &g)
          #expect(split.rows == whole.rows && split.completeRows == whole.completeRows)
          #expect(identical(split.moments(policy), reference), "levels \(levels), \(policy)")
        }
      }
    }
  }

  @Test func float32AndFloat64ExactPathsGiveTheSameBits() {
    var g = SeededGenerator(seed: 16)
    let p = 7
    // 9,000 rows: two full 4,096-row blocks and a partial one; values 1–7 fit Float32.
    let rows = randomRows(9000, p, levels: 7, missing: 0.02, &g)
    var single = CoMomentAccumulator(variables: p), double = single
    single.add(block(rows[...], columns: p))
    double.add(block(rows[...], columns: p), singlePrecision: false)
    #expect(single == double)
    for policy in MissingDataPolicy.allCases {
      #expect(identical(single.moments(policy), double.moments(policy)))
      #expect(difference(single.moments(policy), naiveMoments(rows, columns: p, policy: policy)) < 1e-12)
    }
    // Values up to 200 overflow the Float32 bound on a 4,096-row block (Σx² > 2²⁴): the
    // kernel must notice and redo the block in Float64, still exactly.
    let wide = randomRows(4096, 3, levels: 200, missing: 0.02, &g)
    var whole = CoMomentAccumulator(variables: 3)
    whole.add(block(wide[...], columns: 3))
    var pieces = CoMomentAccumulator(variables: 3)
    for start in stride(from: 0, to: 4096, by: 64) { pieces.add(block(wide[start..<(start + 64)], columns: 3)) }
    #expect(identical(whole.moments(.pairwise), pieces.moments(.pairwise)))
    #expect(difference(whole.moments(.pairwise), naiveMoments(wide, columns: 3, policy: .pairwise)) < 1e-12)
  }

  /// Codes of `values` as the decoder makes them: value − minimum for the integer points
  /// below `minimum + points`, 255 for NaN, 254 for anything else.
  private func codes(_ values: [Double], rows n: Int, minimum: [Double], points: Int) -> [UInt8] {
    values.enumerated().map { i, x in
      if x.isNaN { return 255 }
      let c = x - minimum[i / n]
      return c >= 0 && c < Double(points) && c == c.rounded() ? UInt8(c) : 254
    }
  }

  /// Adds `b` from its values alone and from values with codes: same totals, bit for bit.
  private func sameFromCodes(_ b: RowBlock, minimum: [Double], points: Int) -> Bool {
    var plain = CoMomentAccumulator(variables: b.columns), coded = plain
    plain.add(b)
    let c = codes(b.values, rows: b.rows, minimum: minimum, points: points)
    b.values.withUnsafeBufferPointer { v in
      c.withUnsafeBufferPointer { coded.add(columnMajor: v, codes: $0, codeMinimum: minimum, rows: b.rows) }
    }
    return plain == coded && MissingDataPolicy.allCases.allSatisfy { identical(plain.moments($0), coded.moments($0)) }
  }

  /// The kernel reads small-integer blocks from their one-byte codes (the decoder's) instead
  /// of their values: the same sums, whatever the blocks hold, including blocks it must
  /// read from the values after all.
  @Test func blocksReadFromCodesGiveTheValuesBits() {
    var g = SeededGenerator(seed: 18)
    // 9,000 rows (two full blocks and a partial one), 2 % missing, 9 columns (4 × 4
    // tiles and a remainder), items 1–6 whose codes start at 1; and a block of complete rows.
    let items = randomRows(9000, 9, levels: 6, missing: 0.02, &g)
    #expect(sameFromCodes(block(items[...], columns: 9), minimum: Array(repeating: 1, count: 9), points: 6))
    let complete = randomRows(1000, 5, levels: 4, missing: 0, &g)
    #expect(sameFromCodes(block(complete[...], columns: 5), minimum: Array(repeating: 1, count: 5), points: 4))
    // Codes counted from other minimums (a 0–4 item, a reversed item stored as −5…−1),
    // and odd row counts around the 16-code steps.
    for n in [1, 15, 17, 33, 4095, 4097] {
      var rows = randomRows(n, 3, levels: 5, missing: 0.1, &g)
      for i in rows.indices { rows[i][1] -= 1; rows[i][2] = -rows[i][2] }
      #expect(sameFromCodes(block(rows[...], columns: 3), minimum: [1, 0, -5], points: 5))
    }
    // A value that is no code (254: a half) sends its block, and only its block, to the values.
    var half = items
    half[5000][3] = 2.5
    #expect(sameFromCodes(block(half[...], columns: 9), minimum: Array(repeating: 1, count: 9), points: 6))
    // Codes of large values overflow the Float32 bound (Σx² > 2²⁴ on a 4,096-row block):
    // the block is redone from the values in Float64, still exactly.
    let large = randomRows(4096, 3, levels: 200, missing: 0.02, &g).map { $0.map { $0 + 1000 } }
    #expect(sameFromCodes(block(large[...], columns: 3), minimum: [1001, 1001, 1001], points: 200))
  }

  /// Kernels are pooled between calls: what a kernel ran before (other rows, missing
  /// cells, non-integer values that took the Float64 path) must not reach the next call.
  @Test func aPooledKernelKeepsNothingFromItsLastCall() {
    var g = SeededGenerator(seed: 17)
    let p = 5
    let target = randomRows(4500, p, levels: 5, missing: 0.03, &g)
    let real = randomRows(4096, p, levels: 0, missing: 0.2, offset: 1e3, &g)
    var first = CoMomentAccumulator(variables: p)
    first.add(block(target[...], columns: p))
    // Dirty every pooled kernel of this size on other data, several at once as the
    // pass's workers do, then add the same rows again.
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      var other = CoMomentAccumulator(variables: p)
      other.add(block(real[...], columns: p))
    }
    var again = CoMomentAccumulator(variables: p)
    again.add(block(target[...], columns: p))
    #expect(first == again)
    for policy in MissingDataPolicy.allCases { #expect(identical(first.moments(policy), again.moments(policy))) }
  }

  @Test func nonIntegerDataAgreesWithin1e12AcrossSplittings() {
    var g = SeededGenerator(seed: 13)
    let p = 6
    // Large common offset: a naive Σx² − (Σx)²/n would lose every digit.
    let rows = randomRows(5000, p, levels: 0, missing: 0.05, offset: 1e7, &g)
    var whole = CoMomentAccumulator(variables: p)
    whole.add(block(rows[...], columns: p))
    for policy in MissingDataPolicy.allCases {
      let reference = whole.moments(policy)
      #expect(difference(reference, naiveMoments(rows, columns: p, policy: policy)) < 1e-12)
      for _ in 0..<4 {
        let split = accumulateInRandomSplits(rows, columns: p, &g)
        #expect(difference(split.moments(policy), reference) < 1e-12)
      }
    }
  }

  @Test func mixedIntegerAndRealBlocksMerge() {
    var g = SeededGenerator(seed: 14)
    let p = 4
    var rows = randomRows(3000, p, levels: 5, missing: 0.08, &g)
    for r in 1000..<1100 { rows[r][2] += 0.25 }  // some blocks take the Float64 path
    rows[2500][1] = 200_000  // and one block holds a value too large for the exact paths
    var whole = CoMomentAccumulator(variables: p)
    whole.add(block(rows[...], columns: p))
    for policy in MissingDataPolicy.allCases {
      let reference = whole.moments(policy)
      #expect(difference(reference, naiveMoments(rows, columns: p, policy: policy)) < 1e-12)
      let split = accumulateInRandomSplits(rows, columns: p, &g)
      #expect(difference(split.moments(policy), reference) < 1e-12)
    }
  }

  // MARK: Serialisation

  @Test func serialiseDeserialiseMergeEqualsDirectAccumulation() throws {
    var g = SeededGenerator(seed: 15)
    let p = 5
    let rows = randomRows(2000, p, levels: 7, missing: 0.05, &g) + randomRows(500, p, levels: 0, missing: 0.05, &g)
    var a = CoMomentAccumulator(variables: p), b = a, whole = a
    a.add(block(rows[0..<1200], columns: p))
    b.add(block(rows[1200...], columns: p))
    whole.add(block(rows[...], columns: p))
    let a2 = try CoMomentAccumulator(serialized: a.serialized())
    let b2 = try CoMomentAccumulator(serialized: b.serialized())
    #expect(a2 == a && b2 == b)
    var merged = a2
    merged.merge(b2)
    var direct = a
    direct.merge(b)
    #expect(merged == direct)
    #expect(merged.serialized() == direct.serialized())
    for policy in MissingDataPolicy.allCases {
      #expect(difference(merged.moments(policy), whole.moments(policy)) < 1e-12)
    }
    let bytes = a.serialized()
    #expect(Array(bytes[0..<6]) == Array("CNDRCM".utf8))
    #expect(bytes[6] == 1 && bytes[7] == 0)
  }

  @Test func corruptedBuffersThrowTypedErrors() throws {
    var acc = CoMomentAccumulator(variables: 3)
    acc.add(RowBlock(rowArrays: [[1, 2, 3], [2, .nan, 4], [4, 5, 1.5]]))
    let good = acc.serialized()

    var flipped = good
    flipped[good.count - 5] ^= 0x10
    #expect {
      try CoMomentAccumulator(serialized: flipped)
    } throws: { error in
      guard case CoMomentAccumulator.SerializationError.checksumMismatch = error else { return false }
      return true
    }

    let cut = Array(good[0..<(good.count - 8)])
    #expect(throws: CoMomentAccumulator.SerializationError.truncated(expectedBytes: good.count, actualBytes: cut.count)) {
      try CoMomentAccumulator(serialized: cut)
    }
    #expect(throws: CoMomentAccumulator.SerializationError.truncated(expectedBytes: 24, actualBytes: 10)) {
      try CoMomentAccumulator(serialized: Array(good[0..<10]))
    }
    #expect(throws: CoMomentAccumulator.SerializationError.truncated(expectedBytes: 24, actualBytes: 0)) {
      try CoMomentAccumulator(serialized: [])
    }

    var foreign = good
    foreign[0] = UInt8(ascii: "P")
    #expect(throws: CoMomentAccumulator.SerializationError.wrongMagic) { try CoMomentAccumulator(serialized: foreign) }
    #expect(throws: CoMomentAccumulator.SerializationError.wrongMagic) {
      try CoMomentAccumulator(serialized: Array("PK\u{3}\u{4} a zip file".utf8))
    }

    var future = good
    future[6] = 2
    #expect(throws: CoMomentAccumulator.SerializationError.unsupportedVersion(found: 2, supported: 1)) {
      try CoMomentAccumulator(serialized: future)
    }

    let text = String(describing: CoMomentAccumulator.SerializationError.truncated(expectedBytes: 100, actualBytes: 40))
    #expect(text.contains("truncated") && text.contains("100") && text.contains("40"))
  }

  // MARK: Edge cases

  @Test func allMissingColumnHasCountZeroAndNaNMoments() {
    let rows: [[Double]] = [[1, .nan, 2], [2, .nan, 2.5], [4, .nan, 1], [3, .nan, 7]]
    var acc = CoMomentAccumulator(variables: 3)
    acc.add(RowBlock(rowArrays: rows))
    let m = acc.moments(.pairwise)
    #expect(m.counts == [4, 0, 4])
    #expect(m.means[1].isNaN && m.standardDeviations[1].isNaN)
    for j in 0..<3 {
      #expect(m.pairwiseCount(1, j) == 0 && m.pairwiseCount(j, 1) == 0)
      #expect(m.covariance[1, j].isNaN && m.correlation[j, 1].isNaN)
    }
    #expect(m.minimumPairwiseN == 0)
    #expect(m.means[0] == 2.5)
    #expect(difference(m, naiveMoments(rows, columns: 3, policy: .pairwise)) < 1e-12)
    // Listwise: no complete row at all.
    let l = acc.moments(.listwise)
    #expect(acc.completeRows == 0)
    #expect(l.counts == [0, 0, 0] && l.means.allSatisfy { $0.isNaN } && l.correlation.storage.allSatisfy { $0.isNaN })
  }

  @Test func constantColumnHasZeroSDAndUndefinedCorrelation() {
    // Integer constant (exact path) and a non-integer constant with a large offset
    // (shifted path): both must give SD exactly 0 and correlations NaN, not 0.
    for constant in [3.0, 1e6 + 0.1] {
      let rows: [[Double]] = (0..<50).map { i in
        let third = constant == 3 ? Double(i % 11) : Double(i) * 0.5
        return [Double(i % 7), constant, i % 5 == 0 ? .nan : third]
      }
      var acc = CoMomentAccumulator(variables: 3)
      acc.add(block(rows[0..<20], columns: 3))
      var other = CoMomentAccumulator(variables: 3)
      other.add(block(rows[20...], columns: 3))
      acc.merge(other)
      for policy in MissingDataPolicy.allCases {
        let m = acc.moments(policy)
        #expect(m.standardDeviations[1] == 0)
        #expect(m.means[1] == constant)
        #expect(m.covariance[1, 0] == 0 && m.covariance[2, 1] == 0 && m.covariance[1, 1] == 0)
        #expect(m.correlation[1, 0].isNaN && m.correlation[0, 1].isNaN && m.correlation[1, 1].isNaN)
        #expect(m.correlation[0, 0] == 1 && !m.correlation[0, 2].isNaN)
      }
    }
  }

  @Test func singleRowGivesMeansButNoSpread() {
    var acc = CoMomentAccumulator(variables: 3)
    acc.add(RowBlock(rowArrays: [[2, 5.5, .nan]]))
    let m = acc.moments(.pairwise)
    #expect(m.counts == [1, 1, 0])
    #expect(m.means[0] == 2 && m.means[1] == 5.5 && m.means[2].isNaN)
    #expect(m.standardDeviations.allSatisfy { $0.isNaN })
    #expect(m.covariance.storage.allSatisfy { $0.isNaN } && m.correlation.storage.allSatisfy { $0.isNaN })
    #expect(m.pairwiseCount(0, 1) == 1 && m.minimumPairwiseN == 0)
    #expect(acc.rows == 1 && acc.completeRows == 0)
  }

  @Test func oneVariableAndZeroRows() throws {
    var empty = CoMomentAccumulator(variables: 2)
    empty.add(RowBlock(rows: 0, columns: 2, values: []))
    let e = empty.moments(.pairwise)
    #expect(empty.rows == 0 && e.counts == [0, 0] && e.means.allSatisfy { $0.isNaN } && e.minimumPairwiseN == 0)
    #expect(try CoMomentAccumulator(serialized: empty.serialized()) == empty)

    let values: [Double] = [1, 2, .nan, 4, 8]
    var one = CoMomentAccumulator(variables: 1)
    one.add(RowBlock(rows: 5, columns: 1, values: values))
    let m = one.moments(.pairwise)
    let present = [1.0, 2, 4, 8]
    let mean = present.reduce(0, +) / 4
    let variance = present.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3
    #expect(m.counts == [4] && m.means == [mean])
    #expect(close(m.covariance[0, 0], variance) && close(m.standardDeviations[0], variance.squareRoot()))
    #expect(m.correlation[0, 0] == 1)
    #expect(one.completeRows == 4 && one.moments(.listwise).counts == [4])
    // Merging an empty accumulator changes nothing.
    var merged = one
    merged.merge(CoMomentAccumulator(variables: 1))
    #expect(merged == one)
  }

  @Test func docExampleCountsPairs() {
    var acc = CoMomentAccumulator(variables: 3)
    acc.add(RowBlock(rowArrays: [[1, 2, 3], [2, .nan, 4], [4, 5, 4]]))
    let m = acc.moments(.pairwise)
    #expect(m.pairwiseCount(0, 1) == 2)
    #expect(m.pairwiseCount(0, 2) == 3)
    // Pair (0, 1) uses rows 1 and 3 only: x0 = 1, 4 and x1 = 2, 5 → correlation 1.
    #expect(m.correlation[0, 1] == 1)
    #expect(close(m.covariance[0, 1], 4.5))
  }
}
