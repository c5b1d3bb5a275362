/// Chart descriptions (data only). `SVGChart` draws them; group-level data points carry a
/// `CellKey` so the confidentiality filter can blank them before anything is drawn.
public enum ChartSpec: Sendable {
  case bar(BarChart)
  case line(LineChart)
  case heatMap(HeatMap)
  case scatter(ScatterPlot)
  case circle(CirclePlot)

  public var title: String {
    switch self {
    case .bar(let c): return c.title
    case .line(let c): return c.title
    case .heatMap(let c): return c.title
    case .scatter(let c): return c.title
    case .circle(let c): return c.title
    }
  }
}

/// Group means with confidence intervals (bars with error bars).
public struct BarChart: Sendable {
  public struct Bar: Sendable {
    public var label: String
    public var value: Double
    public var lower: Double?
    public var upper: Double?
    public var cell: CellKey?
    /// Set by the confidentiality filter: drawn as a labelled gap, no value.
    public internal(set) var isSuppressed = false

    public init(label: String, value: Double, lower: Double? = nil, upper: Double? = nil, cell: CellKey? = nil) {
      self.label = label
      self.value = value
      self.lower = lower
      self.upper = upper
      self.cell = cell
    }
  }
  public var title: String
  public var yLabel: String
  public var bars: [Bar]
  /// Axis range; `nil` = from the data (including 0 when all values are ≥ 0).
  public var yRange: ClosedRange<Double>?

  public init(title: String, yLabel: String, bars: [Bar], yRange: ClosedRange<Double>? = nil) {
    self.title = title
    self.yLabel = yLabel
    self.bars = bars
    self.yRange = yRange
  }
}

/// Lines over an x axis: a scree plot with the parallel-analysis line, or wave trends.
public struct LineChart: Sendable {
  public struct Point: Sendable {
    public var x: Double
    public var y: Double
    public var cell: CellKey?
    public init(x: Double, y: Double, cell: CellKey? = nil) {
      self.x = x
      self.y = y
      self.cell = cell
    }
  }
  public struct Series: Sendable {
    public var name: String
    public var points: [Point]
    public var isDashed: Bool
    public init(name: String, points: [Point], isDashed: Bool = false) {
      self.name = name
      self.points = points
      self.isDashed = isDashed
    }
  }
  public var title: String
  public var xLabel: String
  public var yLabel: String
  /// Labels at x = 1, 2, … (e.g. wave names); `nil` = numeric ticks.
  public var xTickLabels: [String]?
  public var series: [Series]
  /// Optional horizontal reference line (e.g. eigenvalue 1).
  public var referenceY: Double?

  public init(
    title: String, xLabel: String, yLabel: String, xTickLabels: [String]? = nil, series: [Series],
    referenceY: Double? = nil
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.xTickLabels = xTickLabels
    self.series = series
    self.referenceY = referenceY
  }

  /// A scree plot: observed eigenvalues and the parallel-analysis 95th percentiles.
  public static func scree(title: String, observed: [Double], simulated95: [Double]) -> LineChart {
    LineChart(
      title: title, xLabel: "Factor", yLabel: "Eigenvalue",
      series: [
        Series(name: "Observed", points: observed.enumerated().map { Point(x: Double($0.offset + 1), y: $0.element) }),
        Series(
          name: "Parallel analysis (95th percentile)",
          points: simulated95.enumerated().map { Point(x: Double($0.offset + 1), y: $0.element) }, isDashed: true),
      ], referenceY: 1)
  }
}

/// A grid of values coloured by size: loadings (item × factor) or group × scale means.
public struct HeatMap: Sendable {
  public var title: String
  public var rowLabels: [String]
  public var columnLabels: [String]
  /// `values[row][column]`; NaN = empty.
  public var values: [[Double]]
  /// Optional group cell of each grid cell (`cells[row][column]`), for the filter.
  public var cells: [[CellKey?]]?
  /// Colour scale end points (diverging around the middle when `lower < 0 < upper`).
  public var range: ClosedRange<Double>
  public var decimals: Int
  public var leadingZero: Bool
  public internal(set) var suppressedMask: [[Bool]]?

  public init(
    title: String, rowLabels: [String], columnLabels: [String], values: [[Double]], cells: [[CellKey?]]? = nil,
    range: ClosedRange<Double>, decimals: Int = 2, leadingZero: Bool = true
  ) {
    precondition(values.count == rowLabels.count, "heat map: \(rowLabels.count) row labels but \(values.count) rows")
    self.title = title
    self.rowLabels = rowLabels
    self.columnLabels = columnLabels
    self.values = values
    self.cells = cells
    self.range = range
    self.decimals = decimals
    self.leadingZero = leadingZero
  }
}

/// Points sized by n: trust vs retention by group.
public struct ScatterPlot: Sendable {
  public struct Point: Sendable {
    public var label: String
    public var x: Double
    public var y: Double
    public var size: Int
    public var cell: CellKey?
    public init(label: String, x: Double, y: Double, size: Int, cell: CellKey? = nil) {
      self.label = label
      self.x = x
      self.y = y
      self.size = size
      self.cell = cell
    }
  }
  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var points: [Point]
  /// Labels of points removed by the confidentiality filter (listed under the chart).
  public internal(set) var suppressedLabels: [String] = []

  public init(title: String, xLabel: String, yLabel: String, points: [Point]) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.points = points
  }
}

/// Labelled points around a circle: the MDS value circle (whole-sample, no group cells).
public struct CirclePlot: Sendable {
  public struct Point: Sendable {
    public var label: String
    public var x: Double
    public var y: Double
    public init(label: String, x: Double, y: Double) {
      self.label = label
      self.x = x
      self.y = y
    }
  }
  public var title: String
  public var points: [Point]
  public var drawsReferenceCircle: Bool

  public init(title: String, points: [Point], drawsReferenceCircle: Bool = true) {
    self.title = title
    self.points = points
    self.drawsReferenceCircle = drawsReferenceCircle
  }
}
