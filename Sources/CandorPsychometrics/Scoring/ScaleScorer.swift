import CandorNumerics

/// How a scale score combines its answered (keyed) items.
public enum ScoringMethod: String, Codable, Sendable, CaseIterable {
  /// Mean of the answered items (the default).
  case mean
  /// Sum of the answered items (psych `alpha(cumulative = TRUE)`: not prorated, so only
  /// comparable between respondents who answered the same number of items).
  case sum
  /// Percent of maximum possible: 100·(mean − min)/(max − min) with the scale's range.
  case pomp
}

/// Why a score specification is unusable. Each case says what to do.
public enum ScoringError: Error, Sendable, Equatable, CustomStringConvertible {
  case pompNeedsRange(scale: String)
  case invalidMinItems(scale: String, minItems: Int, items: Int)
  case emptyScale(scale: String)
  case columnOutOfRange(scale: String, column: Int, columns: Int)
  case unknownValue(scale: String, value: String)

  public var description: String {
    switch self {
    case let .pompNeedsRange(scale):
      return "Scale \(scale) is scored as POMP but has no range; add `range: [min, max]` to the codebook."
    case let .invalidMinItems(scale, minItems, items):
      return "Scale \(scale) asks for min_items \(minItems) but has \(items) items; use a value between 1 and \(items)."
    case let .emptyScale(scale):
      return "Scale \(scale) has no items; list its items in the codebook."
    case let .columnOutOfRange(scale, column, columns):
      return "Scale \(scale) refers to column \(column) but the block has \(columns) columns."
    case let .unknownValue(scale, value):
      return "Higher-order score \(scale) names value \(value), which the instrument does not define."
    }
  }
}

/// One scale's scoring rule (design.md §4 `scoring`, `min_items`, `range`). Items are
/// column indices of the blocks to score, already keyed (reversed per item range).
public struct ScaleScoreSpec: Sendable, Equatable {
  public var name: String
  public var columns: [Int]
  public var method: ScoringMethod
  /// Fewer answered items → no score (NaN), counted in ``ScaleScores/unscored``.
  public var minItems: Int
  /// The response range [min, max] (needed by POMP).
  public var range: ClosedRange<Double>?

  /// - Parameter minItems: default half the items, rounded up (design.md §4).
  public init(name: String, columns: [Int], method: ScoringMethod = .mean, minItems: Int? = nil,
              range: ClosedRange<Double>? = nil) throws {
    guard !columns.isEmpty else { throw ScoringError.emptyScale(scale: name) }
    let m = minItems ?? (columns.count + 1) / 2
    guard m >= 1 && m <= columns.count else {
      throw ScoringError.invalidMinItems(scale: name, minItems: m, items: columns.count)
    }
    if method == .pomp && (range == nil || range!.upperBound <= range!.lowerBound) {
      throw ScoringError.pompNeedsRange(scale: name)
    }
    self.name = name; self.columns = columns; self.method = method; self.minItems = m; self.range = range
  }
}

/// Scores of one scale for the rows of a block.
public struct ScaleScores: Sendable, Equatable {
  public var name: String
  /// One score per row; NaN = not scored.
  public var scores: [Double]
  /// Rows without a score (too few items answered).
  public var unscored: Int
}

/// Per-respondent scale scores over whole ``RowBlock``s: column-at-a-time loops that
/// accumulate a sum and an answered count per row (NaN = missing), so scoring is one
/// sequential pass over the block's memory.
///
/// ```
/// mean = Σ answered / #answered          (when #answered ≥ minItems, else NaN)
/// sum  = Σ answered
/// pomp = 100·(mean − min)/(max − min)
/// ```
public enum ScaleScorer {
  /// Scores every row of `block`. `codes`: the block's ``ResponseCodes``, read instead of
  /// its values where they may be (same scores, bit for bit).
  public static func score(_ block: RowBlock, _ spec: ScaleScoreSpec, codes: ResponseCodes? = nil) throws -> ScaleScores {
    try score(block, rows: 0..<block.rows, spec, codes: codes)
  }

  /// Scores the rows `rows` of `block` (a slice of a larger block).
  public static func score(_ block: RowBlock, rows: Range<Int>, _ spec: ScaleScoreSpec,
                           codes: ResponseCodes? = nil) throws -> ScaleScores {
    let (sums, answered) = try accumulate(block, rows: rows, spec, codes: codes)
    return scores(sums: sums, answered: answered, spec)
  }

  /// ``accumulate(_:rows:columns:)`` over `spec`'s items, after checking that they are
  /// columns of `block`; from `codes` when the items share a minimum and none of their
  /// columns holds code 254.
  static func accumulate(_ block: RowBlock, rows: Range<Int>, _ spec: ScaleScoreSpec, codes: ResponseCodes? = nil) throws
    -> (sums: [Double], answered: [Int]) {
    for c in spec.columns where c < 0 || c >= block.columns {
      throw ScoringError.columnOutOfRange(scale: spec.name, column: c, columns: block.columns)
    }
    if let codes, codes.rows == block.rows, codes.minimum.count == block.columns,
       let minimum = codes.sharedMinimum(spec.columns) {
      return accumulate(codes, rows: rows, columns: spec.columns, minimum: minimum)
    }
    return accumulate(block, rows: rows, columns: spec.columns)
  }

  /// Per-row sum and count of the answered cells of `columns`, from their codes (none 254):
  /// Σ (minimum + c) = answered·minimum + Σ c, in integers, then as a Double. The value
  /// path adds the same integers in Double, exactly, so the sums are the same bits.
  static func accumulate(_ codes: ResponseCodes, rows: Range<Int>, columns: [Int], minimum: Double)
    -> (sums: [Double], answered: [Int]) {
    let n = rows.count
    var codeSums = [Int32](repeating: 0, count: n), counts = [Int32](repeating: 0, count: n)
    codes.codes.withUnsafeBufferPointer { all in
      codeSums.withUnsafeMutableBufferPointer { s in
        counts.withUnsafeMutableBufferPointer { a in
          for c in columns {
            let x = all.baseAddress! + c * codes.rows + rows.lowerBound
            for r in 0..<n {
              let code = x[r]
              let answered: Int32 = code == ResponseCodes.missing ? 0 : 1
              s[r] &+= Int32(code) & (0 &- answered)
              a[r] &+= answered
            }
          }
        }
      }
    }
    var sums = [Double](repeating: 0, count: n), answered = [Int](repeating: 0, count: n)
    for r in 0..<n {
      sums[r] = Double(codeSums[r]) + Double(counts[r]) * minimum
      answered[r] = Int(counts[r])
    }
    return (sums, answered)
  }

  /// Scores from per-row sums and counts of answered items (``accumulate(_:rows:columns:)``).
  static func scores(sums: [Double], answered: [Int], _ spec: ScaleScoreSpec) -> ScaleScores {
    let n = sums.count
    var unscored = 0
    let lo = spec.range?.lowerBound ?? 0, width = (spec.range?.upperBound ?? 1) - lo
    let minItems = spec.minItems, method = spec.method
    // One method per loop, and the minimum as a select, so each loop is a vector loop (a
    // row under the minimum computes a discarded quotient, perhaps 0/0, and gets NaN).
    let scores = [Double](unsafeUninitializedCapacity: n) { out, count in
      sums.withUnsafeBufferPointer { sums in
        answered.withUnsafeBufferPointer { answered in
          let out = out.baseAddress!
          switch method {
          case .mean:
            for r in 0..<n {
              let a = answered[r]
              let x = sums[r] / Double(a)
              out[r] = a >= minItems ? x : .nan
            }
          case .sum:
            for r in 0..<n { out[r] = answered[r] >= minItems ? sums[r] : .nan }
          case .pomp:
            for r in 0..<n {
              let a = answered[r]
              let x = 100 * (sums[r] / Double(a) - lo) / width
              out[r] = a >= minItems ? x : .nan
            }
          }
          for r in 0..<n { unscored &+= answered[r] >= minItems ? 0 : 1 }
        }
      }
      count = n
    }
    return ScaleScores(name: spec.name, scores: scores, unscored: unscored)
  }

  /// Scores several scales over the same block.
  public static func score(_ block: RowBlock, _ specs: [ScaleScoreSpec]) throws -> [ScaleScores] {
    try specs.map { try score(block, $0) }
  }

  /// Per-row sum and count of the answered cells of `columns`.
  static func accumulate(_ block: RowBlock, rows: Range<Int>, columns: [Int]) -> (sums: [Double], answered: [Int]) {
    var sums = [Double](repeating: 0, count: rows.count)
    var answered = [Int](repeating: 0, count: rows.count)
    block.values.withUnsafeBufferPointer { v in
      sums.withUnsafeMutableBufferPointer { s in
        answered.withUnsafeMutableBufferPointer { a in
          let n = rows.count
          func column(_ c: Int) -> UnsafePointer<Double> { v.baseAddress! + c * block.rows + rows.lowerBound }
          // Branch-free (a select per cell), and up to four columns per sweep of the rows, so
          // the running sums are read and written once per four items, not once per item.
          // The items' values are added in column order, as one at a time would add them.
          var c = 0
          while c + 4 <= columns.count {
            let x0 = column(columns[c]), x1 = column(columns[c + 1]), x2 = column(columns[c + 2]), x3 = column(columns[c + 3])
            for r in 0..<n {
              var sum = s[r], count = a[r]
              let y0 = x0[r], y1 = x1[r], y2 = x2[r], y3 = x3[r]
              sum += y0.isNaN ? 0 : y0; count &+= y0.isNaN ? 0 : 1
              sum += y1.isNaN ? 0 : y1; count &+= y1.isNaN ? 0 : 1
              sum += y2.isNaN ? 0 : y2; count &+= y2.isNaN ? 0 : 1
              sum += y3.isNaN ? 0 : y3; count &+= y3.isNaN ? 0 : 1
              s[r] = sum; a[r] = count
            }
            c += 4
          }
          while c < columns.count {
            let x = column(columns[c])
            for r in 0..<n {
              let y = x[r]
              s[r] += y.isNaN ? 0 : y
              a[r] &+= y.isNaN ? 0 : 1
            }
            c += 1
          }
        }
      }
    }
    return (sums, answered)
  }
}

/// Reverse keying with a given response range: (min + max) − x (design.md §6: per scale
/// or per item range, never psych's global min/max). The decoder applies this; it is
/// here for scoring already-decoded blocks and for tests.
public enum ItemKeying {
  public static func reverse(_ x: Double, range: ClosedRange<Double>) -> Double {
    range.lowerBound + range.upperBound - x
  }

  /// Reverses `columns` of `block` in place, each with its own range; NaN stays NaN.
  public static func reverse(_ block: inout RowBlock, columns: [Int], ranges: [ClosedRange<Double>]) {
    precondition(columns.count == ranges.count, "one range per reversed column")
    for (c, range) in zip(columns, ranges) {
      let t = range.lowerBound + range.upperBound
      for r in 0..<block.rows { block.values[r + c * block.rows] = t - block.values[r + c * block.rows] }
    }
  }
}
