internal import CLAPACK

// The per-block kernel behind ``CoMomentAccumulator``: one pass over a block of
// at most `BlockKernel.maximumRows` rows turns column-major Double data with NaN
// holes into the block's pairwise-complete and complete-case sums.
//
// Layout of one block of `nb` rows (after the first scan):
//
//   row-major buffer Y (nb × p, zero where missing, shifted by c_j):
//     rows [0, n_c)   complete rows (no NaN)          ─┐ one syrk each:
//     rows [n_c, nb)  rows with at least one NaN       ─┘ G_c = Y_cᵀY_c, G_i = Y_iᵀY_i
//
// With N_j the number of missing values of column j, NN_jk the rows where both j
// and k are missing, and for each missing entry (r, k) the row Y[r, ·] added to
// A[·, k] (and its squares to B[·, k]), the pairwise-complete sums follow from one
// dense product and a sparse correction (cost O(#missing · p), 2 % of a syrk at
// 2 % missing):
//
//   n_jk    = nb − N_j − N_k + NN_jk
//   S_j|k   = Σ_{j,k present} y_j  = Σ_{j present} y_j  − A_jk
//   Q_j|k   = Σ_{j,k present} y_j² = Σ_{j present} y_j² − B_jk
//   P_jk    = Σ_{j,k present} y_j y_k = (G_c + G_i)_jk      (zero-filled data)
//
// and the complete-case sums are n_c, Σ_{complete} y_j and G_c.

/// Element type of the block buffer: `Float` for exact small-integer blocks,
/// `Double` otherwise.
protocol BlockScalar: BinaryFloatingPoint {
  /// `C ← Σ_r y_r y_rᵀ` (upper triangle) for `n` rows of `p` values stored row after row.
  static func syrkRows(p: Int, n: Int, rows: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>)
}

extension Float: BlockScalar {
  @inline(__always)
  static func syrkRows(p: Int, n: Int, rows: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
    if n == 0 || p == 0 {
      c.update(repeating: 0, count: p * p)
      return
    }
    // Row-major n×p is column-major p×n: C = A·Aᵀ.
    cblas_ssyrk(CblasColMajor, CblasUpper, CblasNoTrans, Int32(p), Int32(n), 1, rows, Int32(p), 0, c, Int32(p))
  }
}

extension Double: BlockScalar {
  @inline(__always)
  static func syrkRows(p: Int, n: Int, rows: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>) {
    if n == 0 || p == 0 {
      c.update(repeating: 0, count: p * p)
      return
    }
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, Int32(p), Int32(n), 1, rows, Int32(p), 0, c, Int32(p))
  }
}

/// How one block's values are multiplied.
enum BlockPath: Equatable {
  /// All present values are integers with |x| ≤ 64: Float32 products are exact
  /// (each partial sum is an integer ≤ 4096·64² = 2²⁴).
  case exactSingle
  /// All present values are integers with |x| ≤ 2¹⁶: Float64 products are exact
  /// (each partial sum ≤ 4096·2³² = 2⁴⁴ < 2⁵³).
  case exactDouble
  /// Anything else: Float64 on data shifted by the block's column means.
  case shifted
}

/// The sums of one block (see the layout comment at the top of this file).
/// Arrays are p×p column-major (`[j + k·p]`) unless noted; all values are
/// exact integers on the exact paths.
struct BlockSums {
  var path: BlockPath = .shifted
  var rows = 0
  var completeRows = 0
  /// Shift c_j subtracted before the products (0 on the exact paths).
  var shift: [Double]
  /// Per column: largest |x| over present values (0 when none).
  var maximumMagnitude: [Double]
  /// n_jk, S_j|k, Q_j|k, P_jk (P symmetric, both triangles).
  var pairCount: [Int]
  var pairSum: [Double]
  var pairSquares: [Double]
  var cross: [Double]
  /// Complete-case: Σ y_j (p) and G_c (p×p, both triangles).
  var completeSum: [Double]
  var completeCross: [Double]

  init(variables p: Int) {
    shift = .init(repeating: 0, count: p)
    maximumMagnitude = .init(repeating: 0, count: p)
    pairCount = .init(repeating: 0, count: p * p)
    pairSum = .init(repeating: 0, count: p * p)
    pairSquares = .init(repeating: 0, count: p * p)
    cross = .init(repeating: 0, count: p * p)
    completeSum = .init(repeating: 0, count: p)
    completeCross = .init(repeating: 0, count: p * p)
  }
}

/// Reusable buffers for ``BlockKernel/run(values:rows:firstRow:count:into:)``.
///
/// Rows are stored with one extra column of ones (width w = p + 1), so each `syrk`
/// also yields the column sums (entry (j, p)), and its diagonal is Σ y_j².
struct BlockKernel {
  /// Rows per block. Float32 exactness needs ≤ 4,096 (4,096·64² = 2²⁴); 2,048 keeps
  /// both Float32 buffers (2 × 2,048 × w × 4 bytes) in a 1 MB L2 for p = 60.
  static let maximumRows = 2048

  let p: Int
  let w: Int
  private var missingPerRow: [Int32]
  private var destination: [Int]
  private var rowStart: [Int32]
  private var rowFill: [Int32]
  private var missingColumns: [Int32] = []
  private var missingList: [MissingEntry] = []
  private struct MissingEntry { var row: Int32; var column: Int32 }
  private var singleNatural: [Float]
  private var singleSorted: [Float]
  private var doubleNatural: [Double] = []
  private var doubleSorted: [Double] = []
  private var singleC1: [Float], singleC2: [Float], singleA: [Float], singleB: [Float]
  private var doubleC1: [Double] = [], doubleC2: [Double] = [], doubleA: [Double] = [], doubleB: [Double] = []
  private var nn: [Int32]
  private var missingCount: [Int]

  init(variables p: Int) {
    self.p = p
    self.w = p + 1
    let m = Self.maximumRows
    missingPerRow = .init(repeating: 0, count: m)
    destination = .init(repeating: 0, count: m)
    rowStart = .init(repeating: 0, count: m + 1)
    rowFill = .init(repeating: 0, count: m)
    singleNatural = Self.buffer(rows: m, width: p + 1)
    singleSorted = singleNatural
    singleC1 = .init(repeating: 0, count: (p + 1) * (p + 1)); singleC2 = singleC1
    singleA = .init(repeating: 0, count: p * p); singleB = singleA
    nn = .init(repeating: 0, count: p * p)
    missingCount = .init(repeating: 0, count: p)
  }

  /// A rows × width row-major buffer whose last column is 1.
  private static func buffer<T: BlockScalar>(rows: Int, width: Int) -> [T] {
    var b = [T](repeating: 0, count: rows * width)
    for r in 0..<rows { b[r * width + width - 1] = 1 }
    return b
  }

  /// Computes the sums of rows `firstRow ..< firstRow + count` of a column-major
  /// `rows × p` array (`count ≤ maximumRows`).
  mutating func run(values: UnsafePointer<Double>, rows n: Int, firstRow r0: Int, count nb: Int,
           into sums: inout BlockSums) {
    precondition(nb <= Self.maximumRows)
    let p = self.p, w = self.w
    sums.rows = nb

    // Pass 1 (SIMD, one column at a time): zero-filled values written as Float32 into
    // the row-major buffer (speculatively: most blocks are small integers), largest
    // |x|, integer-ness, positions of the NaNs.
    // x is an integer when (x + 1.5·2⁵²) − 1.5·2⁵² == x (exact for |x| ≤ 2⁵¹; larger
    // values fail the |x| ≤ 2¹⁶ test anyway).
    typealias V = SIMD8<Double>
    let magic = V(repeating: 0x1.8p52)
    var anyNonInteger = false
    var maxAbs = 0.0
    missingList.removeAll(keepingCapacity: true)
    singleNatural.withUnsafeMutableBufferPointer { outBuffer in
      let out = outBuffer.baseAddress!
      for j in 0..<p {
        let col = values + (r0 &+ j &* n)
        let raw = UnsafeRawPointer(col)
        let dst = out + j
        var big = V()
        var bad = SIMDMask<SIMD8<Int64>>(repeating: false)
        var r = 0
        while r &+ 8 <= nb {
          let x = raw.loadUnaligned(fromByteOffset: r &* 8, as: V.self)
          let nan = x .!= x
          let y = x.replacing(with: 0, where: nan)
          let a = y.replacing(with: -y, where: y .< 0)
          big.replace(with: a, where: a .> big)
          bad .|= ((y + magic) - magic) .!= y
          let f = SIMD8<Float>(y)
          let d = dst + r &* w
          d[0] = f[0]; d[w] = f[1]; d[2 &* w] = f[2]; d[3 &* w] = f[3]
          d[4 &* w] = f[4]; d[5 &* w] = f[5]; d[6 &* w] = f[6]; d[7 &* w] = f[7]
          if any(nan) {
            for l in 0..<8 where nan[l] { missingList.append(MissingEntry(row: Int32(r &+ l), column: Int32(j))) }
          }
          r &+= 8
        }
        var bigS = big.max()
        var badS = any(bad)
        while r < nb {
          let x = col[r]
          if x.isNaN {
            missingList.append(MissingEntry(row: Int32(r), column: Int32(j)))
            dst[r &* w] = 0
          } else {
            bigS = max(bigS, abs(x))
            badS = badS || (x + 0x1.8p52) - 0x1.8p52 != x
            dst[r &* w] = Float(x)
          }
          r &+= 1
        }
        anyNonInteger = anyNonInteger || badS
        maxAbs = max(maxAbs, bigS)
        sums.maximumMagnitude[j] = bigS
      }
    }
    let path: BlockPath
    if !anyNonInteger && maxAbs <= 64 { path = .exactSingle }
    else if !anyNonInteger && maxAbs <= 65536 { path = .exactDouble }
    else { path = .shifted }
    sums.path = path

    // Missing counts per column and per row, from the NaN list.
    for j in 0..<p { missingCount[j] = 0 }
    for r in 0..<nb { missingPerRow[r] = 0 }
    for e in missingList {
      missingCount[Int(e.column)] += 1
      missingPerRow[Int(e.row)] += 1
    }
    // Shift (shifted path only): the column's first observed value in the block, so a
    // large common offset never cancels and a constant column becomes exactly 0.
    for j in 0..<p {
      var c = 0.0
      if path == .shifted && missingCount[j] < nb {
        let col = values + (r0 &+ j &* n)
        var r = 0
        while col[r].isNaN { r += 1 }
        c = col[r].isFinite ? col[r] : 0
      }
      sums.shift[j] = c
    }

    // Row order: complete rows first, incomplete rows last (each in input order);
    // missing columns of each incomplete row listed contiguously (CSR by row).
    var complete = 0
    for r in 0..<nb where missingPerRow[r] == 0 { complete += 1 }
    var front = 0, back = complete
    rowStart[0] = 0
    for r in 0..<nb {
      if missingPerRow[r] == 0 {
        destination[r] = front; front += 1
      } else {
        destination[r] = back
        rowStart[back - complete + 1] = missingPerRow[r]
        back += 1
      }
    }
    sums.completeRows = complete
    let incomplete = nb - complete
    if incomplete > 0 { for d in 0..<incomplete { rowStart[d + 1] += rowStart[d]; rowFill[d] = 0 } }
    if missingColumns.count < missingList.count { missingColumns = .init(repeating: 0, count: missingList.count) }
    for e in missingList {
      let d = destination[Int(e.row)] - complete
      missingColumns[Int(rowStart[d] + rowFill[d])] = e.column
      rowFill[d] += 1
    }

    switch path {
    case .exactSingle:
      Self.permute(singleNatural, into: &singleSorted, destination: destination, width: w, count: nb)
      Self.products(&singleSorted, &singleC1, &singleC2, &singleA, &singleB, nn: &nn, missingColumns: missingColumns,
                    rowStart: rowStart, missingCount: missingCount, variables: p, count: nb, complete: complete,
                    into: &sums)
    case .exactDouble, .shifted:
      if doubleNatural.isEmpty {
        doubleNatural = Self.buffer(rows: Self.maximumRows, width: w); doubleSorted = doubleNatural
        doubleC1 = .init(repeating: 0, count: w * w); doubleC2 = doubleC1
        doubleA = .init(repeating: 0, count: p * p); doubleB = doubleA
      }
      doubleNatural.withUnsafeMutableBufferPointer { outBuffer in
        let out = outBuffer.baseAddress!
        for j in 0..<p {
          let col = values + (r0 &+ j &* n)
          let c = sums.shift[j]
          for r in 0..<nb {
            let v = col[r]
            out[r &* w &+ j] = v.isNaN ? 0 : v - c
          }
        }
      }
      Self.permute(doubleNatural, into: &doubleSorted, destination: destination, width: w, count: nb)
      Self.products(&doubleSorted, &doubleC1, &doubleC2, &doubleA, &doubleB, nn: &nn, missingColumns: missingColumns,
                    rowStart: rowStart, missingCount: missingCount, variables: p, count: nb, complete: complete,
                    into: &sums)
    }
  }

  /// Copies whole rows (with their ones column) to their sorted positions.
  private static func permute<T: BlockScalar>(_ natural: [T], into sorted: inout [T], destination: [Int],
                                              width w: Int, count nb: Int) {
    natural.withUnsafeBufferPointer { src in
      sorted.withUnsafeMutableBufferPointer { dst in
        destination.withUnsafeBufferPointer { dest in
          for r in 0..<nb {
            (dst.baseAddress! + dest[r] &* w).update(from: src.baseAddress! + r &* w, count: w)
          }
        }
      }
    }
  }

  /// The two syrk calls and the sparse corrections, then the block's sums.
  private static func products<T: BlockScalar>(
    _ buffer: inout [T], _ c1: inout [T], _ c2: inout [T], _ a: inout [T], _ b: inout [T],
    nn: inout [Int32], missingColumns: [Int32], rowStart: [Int32], missingCount: [Int],
    variables p: Int, count nb: Int, complete: Int, into sums: inout BlockSums
  ) {
    let w = p + 1
    var columnSum = [Double](repeating: 0, count: p)
    let incomplete = nb - complete
    buffer.withUnsafeBufferPointer { buf in
      let base = buf.baseAddress!
      c1.withUnsafeMutableBufferPointer { T.syrkRows(p: w, n: complete, rows: base, c: $0.baseAddress!) }
      c2.withUnsafeMutableBufferPointer {
        T.syrkRows(p: w, n: incomplete, rows: base + complete &* w, c: $0.baseAddress!)
      }
      // Sparse corrections: A[·,k] += y_r, B[·,k] += y_r², NN[j,k] += 1 for each
      // missing (r, k) and each missing j of that row.
      a.withUnsafeMutableBufferPointer { pa in
        b.withUnsafeMutableBufferPointer { pb in
          nn.withUnsafeMutableBufferPointer { pnn in
            pa.baseAddress!.update(repeating: 0, count: p * p)
            pb.baseAddress!.update(repeating: 0, count: p * p)
            pnn.baseAddress!.update(repeating: 0, count: p * p)
            missingColumns.withUnsafeBufferPointer { mc in
              rowStart.withUnsafeBufferPointer { rs in
                for d in 0..<incomplete {
                  let row = base + (complete &+ d) &* w
                  let s = Int(rs[d]), e = Int(rs[d + 1])
                  for m in s..<e {
                    let k = Int(mc[m])
                    let ak = pa.baseAddress! + k &* p, bk = pb.baseAddress! + k &* p
                    for j in 0..<p {
                      let y = row[j]
                      ak[j] += y
                      bk[j] += y * y
                    }
                    for m2 in s..<e { pnn[Int(mc[m2]) &+ k &* p] &+= 1 }
                  }
                }
              }
            }
          }
        }
      }
    }
    // Entry (j, p) of a syrk over [y, 1] is Σ y_j; entry (j, j) is Σ y_j².
    for j in 0..<p {
      let idx = j + p * w
      sums.completeSum[j] = Double(c1[idx])
      columnSum[j] = Double(c1[idx]) + Double(c2[idx])
    }
    for k in 0..<p {
      let squaresK = Double(c1[k + k * w]) + Double(c2[k + k * w])
      for j in 0..<p {
        let idx = j + k * p
        let squaresJ = Double(c1[j + j * w]) + Double(c2[j + j * w])
        sums.pairCount[idx] = nb - missingCount[j] - missingCount[k] + Int(nn[idx])
        sums.pairSum[idx] = columnSum[j] - Double(a[idx])
        sums.pairSquares[idx] = squaresJ - Double(b[idx])
        if j <= k {
          let gc = Double(c1[j + k * w])
          let g = gc + Double(c2[j + k * w])
          sums.cross[idx] = g
          sums.cross[k + j * p] = g
          sums.completeCross[idx] = gc
          sums.completeCross[k + j * p] = gc
        }
      }
      _ = squaresK
    }
  }
}
