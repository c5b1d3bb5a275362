import CandorNumerics

/// One basic value of a value instrument (PVQ): its items and `min_items`.
public struct ValueSpec: Sendable, Equatable {
  public var name: String
  public var columns: [Int]
  public var minItems: Int

  /// - Parameter minItems: default half the items, rounded up.
  public init(name: String, columns: [Int], minItems: Int? = nil) {
    self.name = name; self.columns = columns; self.minItems = minItems ?? (columns.count + 1) / 2
  }
}

/// A higher-order value (e.g. `conservation`): the basic values it pools.
public struct HigherOrderSpec: Sendable, Equatable {
  public var name: String
  public var values: [String]

  public init(name: String, values: [String]) { self.name = name; self.values = values }
}

/// A value instrument's scoring layout (design.md §4 `instrument: pvq-40`, domain.md §2.5).
public struct ValueInstrumentSpec: Sendable, Equatable {
  public var name: String
  public var values: [ValueSpec]
  public var higherOrder: [HigherOrderSpec]
  /// All value items of the instrument version (MRAT is over all of them, even when only
  /// some values are reported); default: the union of the values' items.
  public var mratColumns: [Int]
  /// MRAT needs answered ≥ `mratMinAnswered` × `mratColumns.count` (design.md §4).
  public var mratMinAnswered: Double

  public init(name: String, values: [ValueSpec], higherOrder: [HigherOrderSpec] = [],
              mratColumns: [Int]? = nil, mratMinAnswered: Double = 0.8) {
    self.name = name; self.values = values; self.higherOrder = higherOrder
    var seen = Set<Int>(), all: [Int] = []
    for v in values { for c in v.columns where seen.insert(c).inserted { all.append(c) } }
    self.mratColumns = mratColumns ?? all
    self.mratMinAnswered = mratMinAnswered
  }
}

/// Value-instrument scores, each named `<instrument>.<value>` (design.md §4).
public struct ValueScores: Sendable, Equatable {
  /// Uncentred value scores (mean of each value's items).
  public var values: [ScaleScores]
  /// Higher-order scores: mean of the items of their values.
  public var higherOrder: [ScaleScores]
  /// MRAT: each respondent's mean over all value items.
  public var mrat: ScaleScores
  /// Value score − MRAT (NaN when either is missing).
  public var centredValues: [ScaleScores]
  /// Higher-order score − MRAT.
  public var centredHigherOrder: [ScaleScores]
}

/// Schwartz's scoring (domain.md §2.5): value score = mean of the value's raw ratings;
/// MRAT = the person's mean over all value items, only with at least
/// `mrat_min_answered` of them answered; centred score = value score − MRAT (centred,
/// never standardised within person). Higher-order score = mean of the items of its
/// values (items shared by two values count once), with half of them required.
public enum ValueScorer {
  /// `codes`: the block's ``ResponseCodes``, read instead of its values where they may be
  /// (same scores, bit for bit).
  public static func score(_ block: RowBlock, _ spec: ValueInstrumentSpec, codes: ResponseCodes? = nil) throws -> ValueScores {
    let prefix = spec.name + "."
    var byName: [String: ValueSpec] = [:]
    var values: [ScaleScores] = []
    // Per value: each row's sum and count of answered items. A higher-order value or the
    // MRAT whose items are exactly a disjoint union of values' items (PVQ-40, for one) adds
    // these up instead of reading its items again: the same sums (exact for integer
    // answers, the usual case; a different order of addition otherwise), a third of the work.
    var parts: [String: (sums: [Double], answered: [Int])] = [:]
    for v in spec.values {
      byName[v.name] = v
      let s = try ScaleScoreSpec(name: prefix + v.name, columns: v.columns, minItems: v.minItems)
      let part = try ScaleScorer.accumulate(block, rows: 0..<block.rows, s, codes: codes)
      parts[v.name] = part
      values.append(ScaleScorer.scores(sums: part.sums, answered: part.answered, s))
    }
    /// Sums over `names`' items when they are disjoint and make up exactly `columns`.
    func combined(_ names: [String], columns: [Int]) -> (sums: [Double], answered: [Int])? {
      var union = Set<Int>(), total = 0
      for n in names { guard let v = byName[n] else { return nil }; union.formUnion(v.columns); total += v.columns.count }
      guard total == union.count, union == Set(columns), Set(names).count == names.count,
            let first = parts[names[0]] else { return nil }
      var sums = first.sums, answered = first.answered
      sums.withUnsafeMutableBufferPointer { s in
        answered.withUnsafeMutableBufferPointer { a in
          for n in names.dropFirst() {
            let p = parts[n]!
            p.sums.withUnsafeBufferPointer { ps in for r in s.indices { s[r] += ps[r] } }
            p.answered.withUnsafeBufferPointer { pa in for r in a.indices { a[r] &+= pa[r] } }
          }
        }
      }
      return (sums, answered)
    }
    func score(_ s: ScaleScoreSpec, from names: [String]) throws -> ScaleScores {
      if let part = combined(names, columns: s.columns) {
        return ScaleScorer.scores(sums: part.sums, answered: part.answered, s)
      }
      return try ScaleScorer.score(block, s, codes: codes)
    }
    var higher: [ScaleScores] = []
    for h in spec.higherOrder {
      var seen = Set<Int>(), cols: [Int] = []
      for name in h.values {
        guard let v = byName[name] else { throw ScoringError.unknownValue(scale: prefix + h.name, value: name) }
        for c in v.columns where seen.insert(c).inserted { cols.append(c) }
      }
      higher.append(try score(try ScaleScoreSpec(name: prefix + h.name, columns: cols), from: h.values))
    }
    let needed = max(1, Int((spec.mratMinAnswered * Double(spec.mratColumns.count) - 1e-9).rounded(.up)))
    let mratSpec = try ScaleScoreSpec(name: prefix + "mrat", columns: spec.mratColumns,
                                      minItems: min(needed, spec.mratColumns.count))
    let mrat = try score(mratSpec, from: spec.values.map(\.name))
    func centred(_ s: ScaleScores) -> ScaleScores {
      var out = s.scores
      var unscored = 0
      for r in 0..<out.count {
        out[r] -= mrat.scores[r]
        if out[r].isNaN { unscored += 1 }
      }
      return ScaleScores(name: s.name + ".centred", scores: out, unscored: unscored)
    }
    return ValueScores(values: values, higherOrder: higher, mrat: mrat,
                       centredValues: values.map(centred), centredHigherOrder: higher.map(centred))
  }
}
