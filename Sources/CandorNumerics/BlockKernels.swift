internal import CLAPACK
import Foundation

// The per-block kernel behind ``CoMomentAccumulator``: one pass over a block of
// at most `BlockKernel.maximumRows` rows turns column-major Double data with NaN
// holes into the block's pairwise-complete and complete-case sums.
//
// Layout of one block of `nb` rows (after the first scan):
//
//   row-major buffer Y (nb × (p+1): zero where missing, shifted by c_j, and a last
//   column of ones so the syrk also yields column sums and row counts):
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

/// Kernels kept between ``CoMomentAccumulator`` calls, by number of variables. A kernel
/// holds a few MB of buffers (4,096 rows of p + 1 columns, Float32 and Float64); making
/// one per call meant zero-filling and page-faulting them again for every batch, scale
/// and chunk (about a tenth of a 1M-row `candor analyze`). A call takes one, runs its
/// blocks and gives it back; the pool holds at most as many per size as calls ever ran at
/// once (one per thread), so it stays a few MB. Results do not depend on which kernel
/// ran a block: each block's sums are computed from its own values only.
final class BlockKernelPool: @unchecked Sendable {
  static let shared = BlockKernelPool()
  private let lock = NSLock()
  private var free: [Int: [BlockKernel]] = [:]

  /// A kernel for `p` variables and up to ``BlockKernel/maximumRows`` rows a block.
  func take(variables p: Int) -> BlockKernel {
    lock.lock()
    let kernel = free[p]?.popLast()
    lock.unlock()
    return kernel ?? BlockKernel(variables: p)
  }

  func give(_ kernel: BlockKernel) {
    lock.lock(); defer { lock.unlock() }
    free[kernel.p, default: []].append(kernel)
  }
}

/// Memory for `capacity` elements that is never initialised as a whole: the kernel's lists
/// of NaN positions, sized for a block whose every cell is missing. Only the first
/// `listCount` slots are written, each before it is read, and a block has few missing
/// cells, so the rest is never touched and, for a large allocation, never becomes resident.
final class ScratchBuffer<Element>: @unchecked Sendable {
  let base: UnsafeMutablePointer<Element>

  init(capacity: Int) {
    base = .allocate(capacity: max(1, capacity))
  }

  deinit { base.deallocate() }
}

/// How one block's values are multiplied.
enum BlockPath: Equatable {
  /// All present values are integers and every column's Σx² over the block is below
  /// 2²⁴ (always so for |x| ≤ 64 over 4,096 rows): Float32 products are exact.
  case exactSingle
  /// All present values are integers and every column's Σx² is below 2⁴³ (always so
  /// for |x| ≤ 2¹⁵ over 4,096 rows): Float64 products are exact.
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
  /// Rows per block: 4,096 measured fastest for p = 60 (2,048 and 8,192 were 5–15 %
  /// slower: per-block costs, buffers that leave L2). Float32 exactness is checked per
  /// block, not assumed (see `syrks`).
  static let maximumRows = 4096

  let p: Int
  let w: Int
  /// Rows this kernel's buffers hold (``maximumRows``).
  let capacity: Int
  /// Whether small-integer blocks may take the Float32 path (benchmarks switch it off).
  var allowsSinglePrecision = true
  private var missingPerRow: [Int32]
  private var destination: [Int]
  private var rowStart: [Int32]
  private var rowFill: [Int32]
  private var missingColumns: [Int32] = []
  /// The block's NaN positions (row within the block, column), in column order.
  private let missingRows: ScratchBuffer<Int32>
  private let missingCols: ScratchBuffer<Int32>
  /// Zero-filled Float32 values, column-major (`[r + j·capacity]`), written by pass 1.
  private var singleColumns: [Float]
  private var singleSorted: [Float]
  /// Float64 rows at their sorted positions, with the ones column (made on first use).
  private var doubleSorted: [Double] = []
  private var singleC1: [Float], singleC2: [Float], singleA: [Float], singleB: [Float]
  private var doubleC1: [Double] = [], doubleC2: [Double] = [], doubleA: [Double] = [], doubleB: [Double] = []
  private var nn: [Int32]
  private var missingCount: [Int]

  init(variables p: Int) {
    self.p = p
    self.w = p + 1
    let m = Self.maximumRows
    self.capacity = m
    // Room for every cell of a block missing; never touched beyond what a block writes.
    missingRows = ScratchBuffer(capacity: m * p)
    missingCols = ScratchBuffer(capacity: m * p)
    missingPerRow = .init(repeating: 0, count: m)
    destination = .init(repeating: 0, count: m)
    rowStart = .init(repeating: 0, count: m + 2)
    rowFill = .init(repeating: 0, count: m)
    singleColumns = .init(repeating: 0, count: m * p)
    singleSorted = Self.buffer(rows: m, width: p + 1)
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
  /// `rows × p` array (`count ≤ capacity`), reading the block from `codes` (same shape;
  /// see ``CoMomentAccumulator/add(columnMajor:codes:codeMinimum:rows:)``) when they
  /// describe every value and single precision is allowed.
  mutating func run(values: UnsafePointer<Double>, codes: UnsafePointer<UInt8>? = nil,
                    codeMinimum: UnsafePointer<Float>? = nil, rows n: Int, firstRow r0: Int, count nb: Int,
                    into sums: inout BlockSums) {
    precondition(nb <= capacity)
    let p = self.p, w = self.w
    sums.rows = nb
    if allowsSinglePrecision, let codes, let codeMinimum,
       let listCount = listMissingCodes(codes, rows: n, firstRow: r0, count: nb) {
      sortRows(listCount: listCount, count: nb, into: &sums)
      placeCodes(codes, minimum: codeMinimum, rows: n, firstRow: r0, count: nb)
      if Self.syrks(&singleSorted, &singleC1, &singleC2, variables: p, count: nb, complete: sums.completeRows, limit: 0x1p24) {
        sums.path = .exactSingle
        for j in 0..<p { sums.shift[j] = 0 }
        Self.corrections(&singleSorted, c1: singleC1, c2: singleC2, &singleA, &singleB, nn: &nn,
                         missingColumns: missingColumns, rowStart: rowStart, missingCount: missingCount,
                         variables: p, count: nb, complete: sums.completeRows, into: &sums)
        return
      }
      // A diagonal reached 2²⁴ (only possible with values beyond ±64): the block is done
      // again from its values, on the Float64 paths below.
    }

    // Pass 1 streams each column once (long sequential reads) into a column-major
    // Float32 buffer, zero-filled (speculatively: most blocks are small integers; the
    // transpose to rows happens later, in cache), checks integer-ness and lists the
    // NaN positions (row, column) in a preallocated buffer. Written with 2-lane
    // vectors (the SSE2 baseline width), four per step, so the loop state fits in
    // registers. x is an integer when (x + 1.5·2⁵²) − 1.5·2⁵² == x (exact for
    // |x| ≤ 2⁵¹; larger values fail the magnitude test after the products anyway).
    var anyNonInteger = false
    typealias D2 = SIMD2<Double>
    let magic2 = D2(repeating: 0x1.8p52)
    var bad = SIMDMask<SIMD2<Int64>>(repeating: false)
    let ld = capacity
    var listCount = 0
    do {
      do {
        singleColumns.withUnsafeMutableBufferPointer { outBuffer in
          let listRows = missingRows.base, listCols = missingCols.base
          let out = UnsafeMutableRawPointer(outBuffer.baseAddress!)
          let vectorEnd = nb / 8 &* 8
          for j in 0..<p {
            let col = values + (r0 &+ j &* n)
            let raw = UnsafeRawPointer(col)
            let dst = out + j &* ld &* 4
            let column = Int32(j)
            var r = 0
            // Once a value is known not to be an integer (scores, decimals), the block takes
            // the Float64 path, which never reads the Float32 copy: the remaining columns
            // are only scanned for NaNs.
            if anyNonInteger || any(bad) {
              while r < vectorEnd {
                let x0 = raw.loadUnaligned(fromByteOffset: r &* 8, as: D2.self)
                let x1 = raw.loadUnaligned(fromByteOffset: r &* 8 &+ 16, as: D2.self)
                let x2 = raw.loadUnaligned(fromByteOffset: r &* 8 &+ 32, as: D2.self)
                let x3 = raw.loadUnaligned(fromByteOffset: r &* 8 &+ 48, as: D2.self)
                if any(((x0 .!= x0) .| (x1 .!= x1)) .| ((x2 .!= x2) .| (x3 .!= x3))) {
                  for l in 0..<8 where col[r &+ l].isNaN {
                    listRows[listCount] = Int32(truncatingIfNeeded: r &+ l)
                    listCols[listCount] = column
                    listCount &+= 1
                  }
                }
                r &+= 8
              }
              while r < nb {
                if col[r].isNaN {
                  listRows[listCount] = Int32(truncatingIfNeeded: r)
                  listCols[listCount] = column
                  listCount &+= 1
                }
                r &+= 1
              }
              continue
            }
            while r < vectorEnd {
              let x0 = raw.loadUnaligned(fromByteOffset: r &* 8, as: D2.self)
              let x1 = raw.loadUnaligned(fromByteOffset: r &* 8 &+ 16, as: D2.self)
              let x2 = raw.loadUnaligned(fromByteOffset: r &* 8 &+ 32, as: D2.self)
              let x3 = raw.loadUnaligned(fromByteOffset: r &* 8 &+ 48, as: D2.self)
              let n0 = x0 .!= x0, n1 = x1 .!= x1, n2 = x2 .!= x2, n3 = x3 .!= x3
              let y0 = x0.replacing(with: 0, where: n0), y1 = x1.replacing(with: 0, where: n1)
              let y2 = x2.replacing(with: 0, where: n2), y3 = x3.replacing(with: 0, where: n3)
              let b01 = (((y0 + magic2) - magic2) .!= y0) .| (((y1 + magic2) - magic2) .!= y1)
              let b23 = (((y2 + magic2) - magic2) .!= y2) .| (((y3 + magic2) - magic2) .!= y3)
              bad .|= b01 .| b23
              let o = r &* 4
              dst.storeBytes(of: SIMD2<Float>(y0), toByteOffset: o, as: SIMD2<Float>.self)
              dst.storeBytes(of: SIMD2<Float>(y1), toByteOffset: o &+ 8, as: SIMD2<Float>.self)
              dst.storeBytes(of: SIMD2<Float>(y2), toByteOffset: o &+ 16, as: SIMD2<Float>.self)
              dst.storeBytes(of: SIMD2<Float>(y3), toByteOffset: o &+ 24, as: SIMD2<Float>.self)
              if any((n0 .| n1) .| (n2 .| n3)) {
                for l in 0..<8 where col[r &+ l].isNaN {
                  listRows[listCount] = Int32(truncatingIfNeeded: r &+ l)
                  listCols[listCount] = column
                  listCount &+= 1
                }
              }
              r &+= 8
            }
            let dstF = dst.assumingMemoryBound(to: Float.self)
            while r < nb {
              let x = col[r]
              if x.isNaN {
                listRows[listCount] = Int32(truncatingIfNeeded: r)
                listCols[listCount] = column
                listCount &+= 1
                dstF[r] = 0
              } else {
                anyNonInteger = anyNonInteger || (x + 0x1.8p52) - 0x1.8p52 != x
                dstF[r] = Float(x)
              }
              r &+= 1
            }
          }
        }
      }
    }
    anyNonInteger = anyNonInteger || any(bad)

    sortRows(listCount: listCount, count: nb, into: &sums)
    let complete = sums.completeRows

    // Exactness: with integer values, every partial sum inside a syrk is an integer
    // bounded by √(Σy_j²·Σy_k²) ≤ max_j Σy_j² (Cauchy–Schwarz), and the corrections
    // by Σ|y_j| ≤ Σy_j². Rounding is monotone, so a computed diagonal below 2²⁴
    // (Float32) or 2⁴³ (Float64; keeps Int totals far from overflow) proves the whole
    // block was summed exactly. Otherwise the block is redone on the next path.
    if !anyNonInteger && allowsSinglePrecision {
      Self.transpose(singleColumns, leadingDimension: capacity, into: &singleSorted, destination: destination,
                     variables: p, count: nb)
      if Self.syrks(&singleSorted, &singleC1, &singleC2, variables: p, count: nb, complete: complete, limit: 0x1p24) {
        sums.path = .exactSingle
        for j in 0..<p { sums.shift[j] = 0 }
        Self.corrections(&singleSorted, c1: singleC1, c2: singleC2, &singleA, &singleB, nn: &nn,
                         missingColumns: missingColumns, rowStart: rowStart, missingCount: missingCount,
                         variables: p, count: nb, complete: complete, into: &sums)
        return
      }
    }
    if doubleSorted.isEmpty {
      doubleSorted = Self.buffer(rows: capacity, width: w)
      doubleC1 = .init(repeating: 0, count: w * w); doubleC2 = doubleC1
      doubleA = .init(repeating: 0, count: p * p); doubleB = doubleA
    }
    for path in [BlockPath.exactDouble, .shifted] {
      if path == .exactDouble && anyNonInteger { continue }
      // Shift (shifted path only): the column's first observed value in the block, so
      // a large common offset never cancels and a constant column becomes exactly 0.
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
      // Straight to the rows' sorted positions (the ones column is never written, so it
      // stays 1), in tiles of 64 rows so the rows being written stay in L1.
      let shift = sums.shift
      doubleSorted.withUnsafeMutableBufferPointer { outBuffer in
        destination.withUnsafeBufferPointer { dest in
          shift.withUnsafeBufferPointer { shift in
            let out = outBuffer.baseAddress!
            var t0 = 0
            while t0 < nb {
              let t1 = min(nb, t0 &+ 64)
              for j in 0..<p {
                let col = values + (r0 &+ j &* n)
                let c = shift[j]
                for r in t0..<t1 {
                  let v = col[r]
                  out[dest[r] &* w &+ j] = v.isNaN ? 0 : v - c
                }
              }
              t0 = t1
            }
          }
        }
      }
      let exact = Self.syrks(&doubleSorted, &doubleC1, &doubleC2, variables: p, count: nb, complete: complete,
                             limit: path == .exactDouble ? 0x1p43 : .infinity)
      if path == .exactDouble && !exact { continue }
      sums.path = path
      Self.corrections(&doubleSorted, c1: doubleC1, c2: doubleC2, &doubleA, &doubleB, nn: &nn,
                       missingColumns: missingColumns, rowStart: rowStart, missingCount: missingCount,
                       variables: p, count: nb, complete: complete, into: &sums)
      return
    }
  }

  /// From the block's `listCount` missing positions (``missingRows``, ``missingCols``):
  /// missing counts per column and per row, the complete rows' count, and the row order
  /// (``destination``): complete rows first, incomplete rows last (each in input order),
  /// with the missing columns of each incomplete row listed contiguously (CSR by row).
  private mutating func sortRows(listCount: Int, count nb: Int, into sums: inout BlockSums) {
    let p = self.p
    var complete = 0
    if missingColumns.count < listCount { missingColumns = .init(repeating: 0, count: listCount) }
    for j in 0..<p { missingCount[j] = 0 }
    do {
      let listRows = missingRows.base, listCols = missingCols.base
      do {
        missingPerRow.withUnsafeMutableBufferPointer { perRow in
          destination.withUnsafeMutableBufferPointer { dest in
            rowStart.withUnsafeMutableBufferPointer { start in
              rowFill.withUnsafeMutableBufferPointer { fill in
                missingColumns.withUnsafeMutableBufferPointer { columns in
                  missingCount.withUnsafeMutableBufferPointer { perColumn in
                    perRow.baseAddress!.update(repeating: 0, count: nb)
                    for i in 0..<listCount {
                      perColumn[Int(listCols[i])] &+= 1
                      perRow[Int(listRows[i])] &+= 1
                    }
                    // Without a branch per row: whether a row is complete is a coin toss to the
                    // branch predictor (45 % of PVQ-40 rows at 2 % missing answers), and these
                    // two loops, branching, were 80 % of this function. In arithmetic, as
                    // `(m | −m) >> 31` (1 for a count m > 0, else 0): the compiler turns
                    // `m == 0 ? 1 : 0` back into a branch.
                    @inline(__always) func isIncomplete(_ m: Int32) -> Int {
                      Int(truncatingIfNeeded: UInt32(bitPattern: m | (0 &- m)) &>> 31)
                    }
                    var missingRows = 0
                    for r in 0..<nb { missingRows &+= isIncomplete(perRow[r]) }
                    complete = nb &- missingRows
                    var front = 0, back = complete
                    start[0] = 0
                    for r in 0..<nb {
                      let m = perRow[r]
                      let k = isIncomplete(m)
                      dest[r] = front ^ ((front ^ back) & (0 &- k))
                      // A complete row writes its 0 where the next incomplete row's count
                      // goes (overwritten by it), or one past the last (room for it below).
                      start[back &- complete &+ 1] = m
                      front &+= 1 &- k
                      back &+= k
                    }
                    let incomplete = nb - complete
                    for d in 0..<incomplete { start[d &+ 1] &+= start[d]; fill[d] = 0 }
                    for i in 0..<listCount {
                      let d = dest[Int(listRows[i])] &- complete
                      columns[Int(start[d] &+ fill[d])] = listCols[i]
                      fill[d] &+= 1
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    sums.completeRows = complete
  }

  /// Lists the missing codes (255) of the block, as pass 1 lists NaNs (column by column,
  /// rows in order), and returns their number; nil when a code is 254 (a value that is not
  /// one of the codes): the block is then read from its values. Sixteen codes a step: a
  /// step without a code ≥ 254 costs one vector comparison; in one with (a quarter of
  /// them at 2 % missing) the flagged bytes of each 8-byte half are found by their bits
  /// (a byte b is ≥ 254 when ~b & 0xFE is 0; the zero-byte test of ``countQuotes`` is
  /// exact per byte), not by testing all sixteen.
  private func listMissingCodes(_ codes: UnsafePointer<UInt8>, rows n: Int, firstRow r0: Int, count nb: Int) -> Int? {
    let listRows = missingRows.base, listCols = missingCols.base
    var listCount = 0
    let vectorEnd = nb / 16 &* 16
    let high = SIMD16<UInt8>(repeating: ResponseCodes.other)
    let fe: UInt64 = 0xFEFE_FEFE_FEFE_FEFE, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F, top: UInt64 = 0x8080_8080_8080_8080
    for j in 0..<p {
      let col = codes + (r0 &+ j &* n)
      let raw = UnsafeRawPointer(col)
      let column = Int32(j)
      var r = 0
      while r < vectorEnd {
        let x = raw.loadUnaligned(fromByteOffset: r, as: SIMD16<UInt8>.self)
        if any(x .>= high) {
          for half in 0..<2 {
            let at = r &+ 8 &* half
            let y = ~raw.loadUnaligned(fromByteOffset: at, as: UInt64.self) & fe
            var flagged = ~(((y & low7) &+ low7) | y) & top
            while flagged != 0 {
              let i = at &+ flagged.trailingZeroBitCount / 8
              if col[i] == ResponseCodes.other { return nil }
              listRows[listCount] = Int32(truncatingIfNeeded: i)
              listCols[listCount] = column
              listCount &+= 1
              flagged &= flagged &- 1
            }
          }
        }
        r &+= 16
      }
      while r < nb {
        let c = col[r]
        if c >= ResponseCodes.other {
          if c == ResponseCodes.other { return nil }
          listRows[listCount] = Int32(truncatingIfNeeded: r)
          listCols[listCount] = column
          listCount &+= 1
        }
        r &+= 1
      }
    }
    return listCount
  }

  /// Writes the block's values from their codes straight into the Float32 rows at their
  /// sorted positions (``destination``; missing → 0; the ones column stays 1), in tiles of
  /// 64 rows so the rows being written stay in L1: `minimum[j] + c`, exactly the Float32
  /// of the value the code stands for. As ``transpose``: 4 × 4 tiles, four 4-code loads
  /// from four columns converted and transposed in registers, stored as four 4-value
  /// pieces of rows.
  private mutating func placeCodes(_ codes: UnsafePointer<UInt8>, minimum: UnsafePointer<Float>, rows n: Int,
                                   firstRow r0: Int, count nb: Int) {
    let p = self.p, w = self.w
    let p4 = p / 4 &* 4
    singleSorted.withUnsafeMutableBufferPointer { outBuffer in
      destination.withUnsafeBufferPointer { dest in
        let out = outBuffer.baseAddress!
        let out0 = UnsafeMutableRawPointer(out)
        let missing = SIMD4<Int32>(repeating: Int32(ResponseCodes.missing))
        @inline(__always) func values(_ c: UnsafeRawPointer, _ r: Int, _ base: Float) -> SIMD4<Float> {
          let code = SIMD4<Int32>(truncatingIfNeeded: c.loadUnaligned(fromByteOffset: r, as: SIMD4<UInt8>.self))
          return (SIMD4<Float>(code) + base).replacing(with: 0, where: code .== missing)
        }
        var t0 = 0
        while t0 < nb {
          let t1 = min(nb, t0 &+ 64)
          let t4 = t0 &+ (t1 &- t0) / 4 &* 4
          var j = 0
          while j < p4 {
            let c0 = UnsafeRawPointer(codes + (r0 &+ j &* n)), c1 = c0 + n, c2 = c1 + n, c3 = c2 + n
            let m0 = minimum[j], m1 = minimum[j &+ 1], m2 = minimum[j &+ 2], m3 = minimum[j &+ 3]
            var r = t0
            while r < t4 {
              Self.storeTransposed(values(c0, r, m0), values(c1, r, m1), values(c2, r, m2), values(c3, r, m3),
                                   row: r, column: j, width: w, destination: dest, into: out0)
              r &+= 4
            }
            for jj in j..<(j &+ 4) {
              let col = codes + (r0 &+ jj &* n), base = minimum[jj]
              for r in t4..<t1 { let c = col[r]; out[dest[r] &* w &+ jj] = c == ResponseCodes.missing ? 0 : Float(c) + base }
            }
            j &+= 4
          }
          while j < p {
            let col = codes + (r0 &+ j &* n), base = minimum[j]
            for r in t0..<t1 { let c = col[r]; out[dest[r] &* w &+ j] = c == ResponseCodes.missing ? 0 : Float(c) + base }
            j &+= 1
          }
          t0 = t1
        }
      }
    }
  }

  /// The two syrk calls (complete rows, incomplete rows). Returns whether every
  /// diagonal entry is below `limit` (NaN fails).
  private static func syrks<T: BlockScalar>(_ buffer: inout [T], _ c1: inout [T], _ c2: inout [T],
                                            variables p: Int, count nb: Int, complete: Int, limit: T) -> Bool {
    let w = p + 1
    buffer.withUnsafeBufferPointer { buf in
      let base = buf.baseAddress!
      c1.withUnsafeMutableBufferPointer { T.syrkRows(p: w, n: complete, rows: base, c: $0.baseAddress!) }
      c2.withUnsafeMutableBufferPointer {
        T.syrkRows(p: w, n: nb - complete, rows: base + complete &* w, c: $0.baseAddress!)
      }
    }
    for j in 0..<p where !(c1[j &* (w + 1)] < limit && c2[j &* (w + 1)] < limit) { return false }
    return true
  }

  /// Rows `r … r+3` of columns `j … j+3` (`a`, `b`, `c`, `d`: one column each), transposed
  /// in registers and stored as four 4-value pieces of rows at the rows' sorted positions
  /// (`destination`) in a row-major Float32 buffer of `width` values a row.
  @inline(__always)
  private static func storeTransposed(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>,
                                      row r: Int, column j: Int, width w: Int,
                                      destination dest: UnsafeBufferPointer<Int>, into out: UnsafeMutableRawPointer) {
    out.storeBytes(of: SIMD4(a[0], b[0], c[0], d[0]), toByteOffset: (dest[r] &* w &+ j) &* 4, as: SIMD4<Float>.self)
    out.storeBytes(of: SIMD4(a[1], b[1], c[1], d[1]), toByteOffset: (dest[r &+ 1] &* w &+ j) &* 4, as: SIMD4<Float>.self)
    out.storeBytes(of: SIMD4(a[2], b[2], c[2], d[2]), toByteOffset: (dest[r &+ 2] &* w &+ j) &* 4, as: SIMD4<Float>.self)
    out.storeBytes(of: SIMD4(a[3], b[3], c[3], d[3]), toByteOffset: (dest[r &+ 3] &* w &+ j) &* 4, as: SIMD4<Float>.self)
  }

  /// Column-major (leading dimension `ld`) to row-major rows at their
  /// sorted positions, in tiles of 64 rows so the written rows stay in L1.
  private static func transpose(_ columns: [Float], leadingDimension ld: Int, into sorted: inout [Float],
                                destination: [Int], variables p: Int, count nb: Int) {
    let w = p + 1, tile = 64
    columns.withUnsafeBufferPointer { src in
      sorted.withUnsafeMutableBufferPointer { dst in
        destination.withUnsafeBufferPointer { dest in
          // 4 × 4 tiles: four 4-row loads from four columns, transposed in registers,
          // stored as four 4-value pieces of rows.
          let src0 = UnsafeRawPointer(src.baseAddress!)
          let dst0 = UnsafeMutableRawPointer(dst.baseAddress!)
          let p4 = p / 4 &* 4
          var t0 = 0
          while t0 < nb {
            let t1 = min(nb, t0 &+ tile)
            let t4 = t0 &+ (t1 &- t0) / 4 &* 4
            var j = 0
            while j < p4 {
              let c0 = src0 + j &* ld &* 4, c1 = c0 + ld &* 4, c2 = c1 + ld &* 4, c3 = c2 + ld &* 4
              var r = t0
              while r < t4 {
                Self.storeTransposed(c0.loadUnaligned(fromByteOffset: r &* 4, as: SIMD4<Float>.self),
                                     c1.loadUnaligned(fromByteOffset: r &* 4, as: SIMD4<Float>.self),
                                     c2.loadUnaligned(fromByteOffset: r &* 4, as: SIMD4<Float>.self),
                                     c3.loadUnaligned(fromByteOffset: r &* 4, as: SIMD4<Float>.self),
                                     row: r, column: j, width: w, destination: dest, into: dst0)
                r &+= 4
              }
              for jj in j..<(j &+ 4) {
                let column = src.baseAddress! + jj &* ld
                let out = dst.baseAddress! + jj
                for r in t4..<t1 { out[dest[r] &* w] = column[r] }
              }
              j &+= 4
            }
            while j < p {
              let column = src.baseAddress! + j &* ld
              let out = dst.baseAddress! + j
              for r in t0..<t1 { out[dest[r] &* w] = column[r] }
              j &+= 1
            }
            t0 = t1
          }
        }
      }
    }
  }

  /// The sparse corrections, then the block's sums.
  private static func corrections<T: BlockScalar>(
    _ buffer: inout [T], c1: [T], c2: [T], _ a: inout [T], _ b: inout [T],
    nn: inout [Int32], missingColumns: [Int32], rowStart: [Int32], missingCount: [Int],
    variables p: Int, count nb: Int, complete: Int, into sums: inout BlockSums
  ) {
    let w = p + 1
    var columnSum = [Double](repeating: 0, count: p)
    let incomplete = nb - complete
    buffer.withUnsafeBufferPointer { buf in
      let base = buf.baseAddress!
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
    }
  }
}
