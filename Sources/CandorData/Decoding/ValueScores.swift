/// Person-level Schwartz value scores with MRAT centring (domain.md §2.5).
public struct ValueScores: Sendable, Equatable {
  /// Value ids, in the instrument's order.
  public var ids: [String]
  /// (A) Value score = mean of the answered items of the value (NaN when none is answered).
  public var values: [Double]
  /// (B) MRAT = mean over all answered items of the instrument; NaN when fewer than
  /// `mrat_min_answered` of them are answered.
  public var mrat: Double
  /// (C) Centred value score = value score − MRAT (NaN when either is NaN).
  public var centred: [Double]
  /// Higher-order ids and scores: mean of their value scores (NaN if any is NaN).
  public var higherOrderIds: [String]
  public var higherOrder: [Double]
}

extension ScaleLayout {
  /// Value scores of one respondent from a decoded row (indexed by plan variable, NaN =
  /// missing). Nil for scales that are not value instruments.
  ///
  /// Schwartz's instructions (ESS, PVQ-40 and PVQ-RR keys): value score = mean of the raw
  /// ratings of its items; MRAT = the person's mean over **all** value items; centred =
  /// value − MRAT (centre, do not standardise). Schwartz gives no minimum-answered rule for
  /// MRAT: Candor requires `mrat_min_answered` (default 0.8) of the items.
  public func valueScores(_ row: [Double]) -> ValueScores? {
    guard usesMRAT else { return nil }
    var sum = 0.0, answered = 0
    for v in variables where !row[v].isNaN {
      sum += row[v]
      answered += 1
    }
    let needed = (mratMinAnswered ?? 0.8) * Double(variables.count)
    let mrat = answered > 0 && Double(answered) >= needed - 1e-9 ? sum / Double(answered) : .nan
    var values: [Double] = []
    for sub in subscales {
      var s = 0.0, n = 0
      for v in sub.variables where !row[v].isNaN {
        s += row[v]
        n += 1
      }
      values.append(n > 0 ? s / Double(n) : .nan)
    }
    let index = Dictionary(uniqueKeysWithValues: subscales.enumerated().map { ($1.id, $0) })
    let higher = higherOrder.map { h in h.values.map { values[index[$0]!] }.reduce(0, +) / Double(h.values.count) }
    return ValueScores(
      ids: subscales.map(\.id), values: values, mrat: mrat, centred: values.map { $0 - mrat },
      higherOrderIds: higherOrder.map(\.id), higherOrder: higher)
  }
}

extension DecodingPlan {
  /// Per scale, a decoded row's item values back in the response metric the respondent
  /// chose (keying undone): the input of ``RowScreener/isStraightlined(_:)``.
  public func responseAnswers(_ row: [Double]) -> [[Double]] {
    layouts.map { layout in layout.variables.map { unkeyed(row[$0], variable: $0) } }
  }
}
