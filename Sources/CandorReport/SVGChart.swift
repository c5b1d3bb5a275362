/// SVG drawing of `ChartSpec`s: pure functions from chart data to an `<svg>` string.
///
/// Every chart has `role="img"`, an `aria-label` and a `<title>`; no scripts, fonts, links or
/// external references, so the SVG can be inlined in a self-contained HTML file. Elements
/// carry classes (`bar`, `ci`, `series`, `point`, `cell`, `suppressed`) that the HTML
/// stylesheet colours and that tests count.
///
/// Internal: charts reach a document only through `PublishedChart` (after the filter).
enum SVGChart {
  static let width = 640.0
  static let height = 360.0
  static let margin = (left: 64.0, right: 24.0, top: 40.0, bottom: 64.0)

  static func render(_ spec: ChartSpec) -> String {
    switch spec {
    case .bar(let c): return bar(c)
    case .line(let c): return line(c)
    case .heatMap(let c): return heatMap(c)
    case .scatter(let c): return scatter(c)
    case .circle(let c): return circle(c)
    }
  }

  // MARK: Shared pieces

  static func escape(_ s: String) -> String {
    // Most texts (numbers, names) have nothing to escape: returned as they are, after one
    // pass over their bytes (the five characters are ASCII, so bytes can tell).
    if !s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) { return s }
    var out = ""
    for ch in s {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(ch)
      }
    }
    return out
  }

  /// A coordinate with 2 decimals (enough for a 640-wide canvas).
  static func f(_ x: Double) -> String { CellFormat.fixedSigned(x, decimals: 2) }

  static func open(_ title: String, width: Double = width, height: Double = height) -> String {
    let t = escape(title)
    return "<svg class=\"chart\" role=\"img\" aria-label=\"\(t)\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
      + "width=\"\(f(width))\" height=\"\(f(height))\">\n<title>\(t)</title>\n"
      + "<text class=\"chart-title\" x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\">\(t)</text>\n"
  }

  /// About five round tick values covering `lo...hi`.
  static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
    guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
    let raw = (hi - lo) / Double(count)
    let magnitude = pow10(Int((raw.magnitude).log10Floor))
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    var t = (lo / step).rounded(.up) * step
    var out: [Double] = []
    while t <= hi + step * 1e-9 {
      out.append(abs(t) < step * 1e-9 ? 0 : t)
      t += step
    }
    return out
  }

  static func pow10(_ n: Int) -> Double {
    var r = 1.0
    if n >= 0 { for _ in 0..<n { r *= 10 } } else { for _ in 0..<(-n) { r /= 10 } }
    return r
  }

  static func tickText(_ t: Double) -> String {
    let s = JSONValue.numberText((t * 1e6).rounded() / 1e6)
    return s
  }

  /// Axes with y ticks for a plot area; returns the SVG text.
  static func axes(
    yLo: Double, yHi: Double, yLabel: String, xLabel: String?, canvasWidth: Double = width, y: (Double) -> Double
  ) -> String {
    let x0 = margin.left, x1 = canvasWidth - margin.right
    let y0 = height - margin.bottom, y1 = margin.top
    var s = "<g class=\"axes\">\n"
    s += "<line x1=\"\(f(x0))\" y1=\"\(f(y0))\" x2=\"\(f(x1))\" y2=\"\(f(y0))\"/>\n"
    s += "<line x1=\"\(f(x0))\" y1=\"\(f(y0))\" x2=\"\(f(x0))\" y2=\"\(f(y1))\"/>\n"
    for t in ticks(yLo, yHi) {
      s += "<text class=\"tick\" x=\"\(f(x0 - 6))\" y=\"\(f(y(t) + 4))\" text-anchor=\"end\">\(tickText(t))</text>\n"
    }
    s += "<text class=\"axis-label\" transform=\"translate(16 \(f((y0 + y1) / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
    if let xLabel {
      s += "<text class=\"axis-label\" x=\"\(f((x0 + x1) / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
    }
    return s + "</g>\n"
  }

  static func linearScale(_ lo: Double, _ hi: Double, to a: Double, _ b: Double) -> (Double) -> Double {
    let span = hi - lo == 0 ? 1 : hi - lo
    return { a + ($0 - lo) / span * (b - a) }
  }

  static func paddedRange(_ values: [Double], includeZero: Bool) -> (Double, Double) {
    let finite = values.filter(\.isFinite)
    guard var lo = finite.min(), var hi = finite.max() else { return (0, 1) }
    if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
    if hi == lo { hi = lo + 1 }
    let pad = (hi - lo) * 0.05
    return (includeZero && lo == 0 ? 0 : lo - pad, hi + pad)
  }

  // MARK: Bar chart with error bars

  static func bar(_ c: BarChart) -> String {
    // Many groups: at least 14 px per bar (the canvas widens) and slanted labels.
    let canvasWidth = max(width, margin.left + margin.right + 14 * Double(c.bars.count))
    let slanted = c.bars.count > 12
    var s = open(c.title, width: canvasWidth)
    let shown = c.bars.filter { !$0.isSuppressed }
    let all = shown.flatMap { [$0.value, $0.lower ?? $0.value, $0.upper ?? $0.value] }
    let (lo, hi) = c.yRange.map { ($0.lowerBound, $0.upperBound) } ?? paddedRange(all, includeZero: all.allSatisfy { $0 >= 0 })
    let y = linearScale(lo, hi, to: height - margin.bottom, margin.top)
    s += axes(yLo: lo, yHi: hi, yLabel: c.yLabel, xLabel: nil, canvasWidth: canvasWidth, y: y)
    let slot = (canvasWidth - margin.left - margin.right) / Double(max(c.bars.count, 1))
    let barWidth = slot * 0.6
    let base = y(max(lo, min(hi, 0)))
    for (i, b) in c.bars.enumerated() {
      let cx = margin.left + slot * (Double(i) + 0.5)
      let label = escape(b.label)
      let ly = height - margin.bottom + 16
      if slanted {
        s += "<text class=\"x-tick\" x=\"\(f(cx))\" y=\"\(f(ly))\" text-anchor=\"end\" transform=\"rotate(-60 \(f(cx)) \(f(ly)))\">\(label)</text>\n"
      } else {
        s += "<text class=\"x-tick\" x=\"\(f(cx))\" y=\"\(f(ly))\" text-anchor=\"middle\">\(label)</text>\n"
      }
      if b.isSuppressed {
        let mark = slanted ? "s" : "suppressed"
        s += "<text class=\"suppressed\" x=\"\(f(cx))\" y=\"\(f(height - margin.bottom - 8))\" text-anchor=\"middle\">\(mark)</text>\n"
        continue
      }
      let top = y(b.value)
      s += "<rect class=\"bar\" x=\"\(f(cx - barWidth / 2))\" y=\"\(f(min(top, base)))\" width=\"\(f(barWidth))\" height=\"\(f(abs(base - top)))\">"
      s += "<title>\(label): \(JSONValue.numberText(b.value))</title></rect>\n"
      if let l = b.lower, let u = b.upper {
        let (yl, yu) = (y(l), y(u))
        let cap = barWidth / 4
        s += "<path class=\"ci\" d=\"M\(f(cx)) \(f(yl))V\(f(yu))M\(f(cx - cap)) \(f(yl))H\(f(cx + cap))M\(f(cx - cap)) \(f(yu))H\(f(cx + cap))\"/>\n"
      }
    }
    return s + "</svg>"
  }

  // MARK: Line chart

  static func line(_ c: LineChart) -> String {
    var s = open(c.title)
    let xs = c.series.flatMap { $0.points.map(\.x) }
    let ys = c.series.flatMap { $0.points.map(\.y) } + (c.referenceY.map { [$0] } ?? [])
    let (ylo, yhi) = paddedRange(ys, includeZero: ys.allSatisfy { $0 >= 0 })
    let xlo = c.xTickLabels != nil ? 1 : (xs.min() ?? 0)
    let xhi = c.xTickLabels.map { Double(max($0.count, 2)) } ?? max(xs.max() ?? 1, xlo + 1)
    let y = linearScale(ylo, yhi, to: height - margin.bottom, margin.top)
    let x = linearScale(xlo, xhi, to: margin.left + 16, width - margin.right - 16)
    s += axes(yLo: ylo, yHi: yhi, yLabel: c.yLabel, xLabel: c.xLabel, y: y)
    if let labels = c.xTickLabels {
      for (i, l) in labels.enumerated() {
        s += "<text class=\"x-tick\" x=\"\(f(x(Double(i + 1))))\" y=\"\(f(height - margin.bottom + 16))\" text-anchor=\"middle\">\(escape(l))</text>\n"
      }
    } else {
      for t in ticks(xlo, xhi) where t == t.rounded() {
        s += "<text class=\"x-tick\" x=\"\(f(x(t)))\" y=\"\(f(height - margin.bottom + 16))\" text-anchor=\"middle\">\(tickText(t))</text>\n"
      }
    }
    if let r = c.referenceY {
      s += "<line class=\"reference\" x1=\"\(f(margin.left))\" y1=\"\(f(y(r)))\" x2=\"\(f(width - margin.right))\" y2=\"\(f(y(r)))\"/>\n"
    }
    for (k, series) in c.series.enumerated() {
      let pts = series.points.map { "\(f(x($0.x))),\(f(y($0.y)))" }.joined(separator: " ")
      let dash = series.isDashed ? " stroke-dasharray=\"6 4\"" : ""
      s += "<g class=\"series-group s\(k % 6)\">\n"
      s += "<polyline class=\"series\" points=\"\(pts)\" fill=\"none\"\(dash)><title>\(escape(series.name))</title></polyline>\n"
      for p in series.points {
        s += "<circle class=\"point\" cx=\"\(f(x(p.x)))\" cy=\"\(f(y(p.y)))\" r=\"3\"/>\n"
      }
      let ly = margin.top + 4 + Double(k) * 16
      s += "<text class=\"legend\" x=\"\(f(width - margin.right - 4))\" y=\"\(f(ly))\" text-anchor=\"end\">\(escape(series.name))</text>\n"
      s += "</g>\n"
    }
    return s + "</svg>"
  }

  // MARK: Heat map

  static func heatMap(_ c: HeatMap) -> String {
    let labelWidth = min(200, 8 + 7 * Double(c.rowLabels.map(\.count).max() ?? 4))
    let cellW = max(36, min(90, (width - labelWidth - 16) / Double(max(c.columnLabels.count, 1))))
    let cellH = 22.0
    let top = 40.0 + 36
    let w = labelWidth + cellW * Double(c.columnLabels.count) + 16
    let h = top + cellH * Double(c.rowLabels.count) + 16
    var s = open(c.title, width: max(w, 240), height: h)
    for (j, label) in c.columnLabels.enumerated() {
      s += "<text class=\"col-label\" x=\"\(f(labelWidth + cellW * (Double(j) + 0.5)))\" y=\"\(f(top - 8))\" text-anchor=\"middle\">\(escape(label))</text>\n"
    }
    let mid = (c.range.lowerBound < 0 && c.range.upperBound > 0) ? 0 : c.range.lowerBound
    for (i, label) in c.rowLabels.enumerated() {
      let yy = top + cellH * Double(i)
      s += "<text class=\"row-label\" x=\"\(f(labelWidth - 6))\" y=\"\(f(yy + 15))\" text-anchor=\"end\">\(escape(label))</text>\n"
      for j in c.columnLabels.indices {
        let v = j < c.values[i].count ? c.values[i][j] : .nan
        let xx = labelWidth + cellW * Double(j)
        let geometry = "x=\"\(f(xx))\" y=\"\(f(yy))\" width=\"\(f(cellW - 2))\" height=\"\(f(cellH - 2))\""
        if c.suppressedMask?[i][j] == true {
          s += "<rect class=\"cell suppressed\" \(geometry)/>\n"
          s += "<text class=\"cell-text suppressed\" x=\"\(f(xx + cellW / 2 - 1))\" y=\"\(f(yy + 15))\" text-anchor=\"middle\">s</text>\n"
          continue
        }
        guard v.isFinite else {
          s += "<rect class=\"cell empty\" \(geometry)/>\n"
          continue
        }
        let t = v >= mid
          ? (v - mid) / max(c.range.upperBound - mid, 1e-12) : (mid - v) / max(mid - c.range.lowerBound, 1e-12)
        let opacity = min(1, max(0.05, t))
        let hue = v >= mid ? "pos" : "neg"
        s += "<rect class=\"cell \(hue)\" \(geometry) fill-opacity=\"\(f(opacity))\"/>\n"
        s += "<text class=\"cell-text\" x=\"\(f(xx + cellW / 2 - 1))\" y=\"\(f(yy + 15))\" text-anchor=\"middle\">"
          + "\(CellFormat.number(v, decimals: c.decimals, leadingZero: c.leadingZero))</text>\n"
      }
    }
    return s + "</svg>"
  }

  // MARK: Scatter with sized points

  static func scatter(_ c: ScatterPlot) -> String {
    var s = open(c.title)
    let (xlo, xhi) = paddedRange(c.points.map(\.x), includeZero: false)
    let (ylo, yhi) = paddedRange(c.points.map(\.y), includeZero: false)
    let x = linearScale(xlo, xhi, to: margin.left + 8, width - margin.right - 8)
    let y = linearScale(ylo, yhi, to: height - margin.bottom, margin.top)
    s += axes(yLo: ylo, yHi: yhi, yLabel: c.yLabel, xLabel: c.xLabel, y: y)
    for t in ticks(xlo, xhi) {
      s += "<text class=\"x-tick\" x=\"\(f(x(t)))\" y=\"\(f(height - margin.bottom + 16))\" text-anchor=\"middle\">\(tickText(t))</text>\n"
    }
    let maxN = Double(c.points.map(\.size).max() ?? 1)
    for p in c.points {
      let r = 3 + 12 * (Double(max(p.size, 0)) / max(maxN, 1)).squareRoot()
      s += "<circle class=\"point\" cx=\"\(f(x(p.x)))\" cy=\"\(f(y(p.y)))\" r=\"\(f(r))\"><title>\(escape(p.label))</title></circle>\n"
      s += "<text class=\"point-label\" x=\"\(f(x(p.x) + r + 2))\" y=\"\(f(y(p.y) + 4))\">\(escape(p.label))</text>\n"
    }
    if !c.suppressedLabels.isEmpty {
      s += "<text class=\"suppressed\" x=\"\(f(margin.left))\" y=\"\(f(height - 30))\">suppressed: "
        + "\(escape(c.suppressedLabels.joined(separator: ", ")))</text>\n"
    }
    return s + "</svg>"
  }

  // MARK: Circle plot (MDS value circle)

  static func circle(_ c: CirclePlot) -> String {
    var s = open(c.title, height: 420)
    let cx = width / 2, cy = 230.0, radius = 160.0
    let extent = max(c.points.map { max(abs($0.x), abs($0.y)) }.max() ?? 1, 1e-12)
    let k = radius / extent
    if c.drawsReferenceCircle {
      let rr = c.points.map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }
      let meanR = rr.isEmpty ? extent : rr.reduce(0, +) / Double(rr.count)
      s += "<circle class=\"reference\" cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"\(f(meanR * k))\" fill=\"none\"/>\n"
    }
    s += "<line class=\"axis\" x1=\"\(f(cx - radius - 10))\" y1=\"\(f(cy))\" x2=\"\(f(cx + radius + 10))\" y2=\"\(f(cy))\"/>\n"
    s += "<line class=\"axis\" x1=\"\(f(cx))\" y1=\"\(f(cy - radius - 10))\" x2=\"\(f(cx))\" y2=\"\(f(cy + radius + 10))\"/>\n"
    for p in c.points {
      let px = cx + p.x * k, py = cy - p.y * k
      s += "<circle class=\"point\" cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"4\"/>\n"
      let anchor = p.x >= 0 ? "start" : "end"
      s += "<text class=\"point-label\" x=\"\(f(px + (p.x >= 0 ? 7 : -7)))\" y=\"\(f(py + 4))\" text-anchor=\"\(anchor)\">\(escape(p.label))</text>\n"
    }
    return s + "</svg>"
  }
}

extension Double {
  fileprivate var log10Floor: Int {
    guard self > 0, isFinite else { return 0 }
    var e = 0
    var v = self
    while v >= 10 { v /= 10; e += 1 }
    while v < 1 { v *= 10; e -= 1 }
    return e
  }
}

extension CellFormat {
  /// Signed fixed-point text (coordinates).
  static func fixedSigned(_ x: Double, decimals: Int) -> String {
    guard x.isFinite else { return "0" }
    return signedFixed(x, decimals: decimals, leadingZero: true)
  }
}
