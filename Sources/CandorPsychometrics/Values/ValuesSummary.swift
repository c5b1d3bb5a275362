import CandorNumerics

/// The `values[]` entry of JSON §7: MRAT, value scores and the value circle of one
/// value scale (PVQ-21, PVQ-40, PVQ-RR).
public struct ValuesSummary: Codable, Sendable, Equatable {
  /// Mean, SD and N of one score.
  public struct Moments: Codable, Sendable, Equatable {
    public var mean: Double
    public var sd: Double
    public var n: Int
    public init(mean: Double, sd: Double, n: Int) { self.mean = mean; self.sd = sd; self.n = n }
  }

  /// One value's MRAT-centred score (value mean − MRAT) and the value's alpha.
  public struct ValueScore: Codable, Sendable, Equatable {
    public var mean: Double
    public var sd: Double
    public var n: Int
    /// Cronbach's alpha of the value's items (nil when it could not be computed).
    public var alpha: Double?
    public init(mean: Double, sd: Double, n: Int, alpha: Double?) {
      self.mean = mean; self.sd = sd; self.n = n; self.alpha = alpha
    }
  }

  public var scale: String
  /// MRAT: the person mean over all value items (Schwartz's centring constant).
  public var mrat: Moments
  /// Value id → centred score summary, in the instrument's value order.
  public var valueScores: ItemMap<ValueScore>
  /// Higher-order id → centred score summary.
  public var higherOrderScores: ItemMap<Moments>
  /// Classical MDS of the item correlations, value angles from their items.
  public var mds: ValuesStructureResult?
  /// Each value's position on the MDS map: the centroid of its items' coordinates (the
  /// value circle as it is drawn; the items themselves are in `mds.coordinates`).
  public var valueCoordinates: ItemMap<[Double]>?

  public init(scale: String, mrat: Moments, valueScores: ItemMap<ValueScore>,
              higherOrderScores: ItemMap<Moments>, mds: ValuesStructureResult?,
              valueCoordinates: ItemMap<[Double]>? = nil) {
    self.scale = scale; self.mrat = mrat; self.valueScores = valueScores
    self.higherOrderScores = higherOrderScores; self.mds = mds; self.valueCoordinates = valueCoordinates
  }
}
