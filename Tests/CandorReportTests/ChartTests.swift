@testable import CandorReport
import Foundation
#if canImport(FoundationXML)
  import FoundationXML
#endif
import Testing

/// Counts elements (by name and by class) of an XML document; fails on malformed XML.
final class ElementCounter: NSObject, XMLParserDelegate {
  var names: [String: Int] = [:]
  var classes: [String: Int] = [:]
  var rootAttributes: [String: String]?
  var text = ""

  func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
              attributes: [String: String] = [:]) {
    if rootAttributes == nil { rootAttributes = attributes }
    names[name, default: 0] += 1
    for c in (attributes["class"] ?? "").split(separator: " ") { classes[String(c), default: 0] += 1 }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { text += string + " " }

  static func count(_ xml: String) throws -> ElementCounter {
    let parser = XMLParser(data: Data(xml.utf8))
    let counter = ElementCounter()
    parser.delegate = counter
    #expect(parser.parse(), "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
    return counter
  }
}

@Suite struct ChartTests {
  func checkCommon(_ c: ElementCounter, title: String) {
    #expect(c.rootAttributes?["role"] == "img")
    #expect(c.rootAttributes?["aria-label"] == title)
    #expect(c.names["svg"] == 1)
    #expect(c.names["title"] ?? 0 >= 1)
  }

  @Test func barChartWithErrorBars() throws {
    let chart = BarChart(title: "Psychological safety by school <mean, 95% CI>", yLabel: "Mean (1–5)", bars: [
      .init(label: "S01", value: 3.9, lower: 3.6, upper: 4.2),
      .init(label: "S02", value: 3.1, lower: 2.8, upper: 3.4),
      .init(label: "S03", value: 4.2),
    ])
    let svg = SVGChart.bar(chart)
    let c = try ElementCounter.count(svg)
    checkCommon(c, title: "Psychological safety by school <mean, 95% CI>")
    #expect(c.classes["bar"] == 3)
    #expect(c.classes["ci"] == 2)
    #expect(c.classes["x-tick"] == 3)
    #expect(c.classes["suppressed"] == nil)
  }

  @Test func lineChartScreeWithParallelAnalysis() throws {
    let chart = LineChart.scree(title: "Scree", observed: [3.2, 1.1, 0.6, 0.4, 0.3], simulated95: [1.3, 1.15, 1.05, 0.98, 0.9])
    let c = try ElementCounter.count(SVGChart.line(chart))
    checkCommon(c, title: "Scree")
    #expect(c.names["polyline"] == 2)
    #expect(c.classes["point"] == 10)
    #expect(c.classes["reference"] == 1)
    #expect(c.classes["legend"] == 2)
    let trend = LineChart(title: "Trend", xLabel: "Wave", yLabel: "Mean", xTickLabels: ["2026Q1", "2026Q2", "2026Q3"],
                          series: [.init(name: "S01", points: [.init(x: 1, y: 3), .init(x: 2, y: 3.2), .init(x: 3, y: 3.4)])])
    let t = try ElementCounter.count(SVGChart.line(trend))
    #expect(t.classes["x-tick"] == 3)
    #expect(t.text.contains("2026Q2"))
  }

  @Test func heatMapOfLoadings() throws {
    let chart = HeatMap(title: "Loadings", rowLabels: ["ps1", "ps2", "ps3"], columnLabels: ["F1", "F2"],
                        values: [[0.71, 0.05], [-0.42, 0.6], [.nan, 0.33]], range: -1...1, leadingZero: false)
    let c = try ElementCounter.count(SVGChart.heatMap(chart))
    checkCommon(c, title: "Loadings")
    #expect(c.classes["cell"] == 6)
    #expect(c.classes["empty"] == 1)
    #expect(c.classes["neg"] == 1)
    #expect(c.classes["row-label"] == 3 && c.classes["col-label"] == 2)
    #expect(c.text.contains(".71") && c.text.contains("-.42"))
  }

  @Test func scatterSizedByN() throws {
    let chart = ScatterPlot(title: "Trust vs retention", xLabel: "Trust", yLabel: "Retention", points: [
      .init(label: "S01", x: 3.1, y: 0.8, size: 40), .init(label: "S02", x: 2.5, y: 0.7, size: 10),
    ])
    let svg = SVGChart.scatter(chart)
    let c = try ElementCounter.count(svg)
    checkCommon(c, title: "Trust vs retention")
    #expect(c.classes["point"] == 2 && c.classes["point-label"] == 2)
    // Radius grows with n.
    let radii = svg.matches(of: /class="point" cx="[-0-9.]+" cy="[-0-9.]+" r="([0-9.]+)"/).map { Double($0.1)! }
    #expect(radii.count == 2 && radii[0] > radii[1])
  }

  @Test func valueCircle() throws {
    let values = ["self_direction", "stimulation", "hedonism", "achievement", "power", "security", "conformity", "tradition", "benevolence", "universalism"]
    let points = values.enumerated().map { i, v in
      CirclePlot.Point(label: v, x: cos(Double(i) * 2 * .pi / 10), y: sin(Double(i) * 2 * .pi / 10))
    }
    let c = try ElementCounter.count(SVGChart.circle(CirclePlot(title: "Value circle (MDS)", points: points)))
    checkCommon(c, title: "Value circle (MDS)")
    #expect(c.classes["point"] == 10 && c.classes["point-label"] == 10 && c.classes["reference"] == 1)
  }

  @Test func ticksAreRound() {
    let t = SVGChart.ticks(0, 1)
    #expect(t.count == 6 && t.first == 0 && abs(t.last! - 1) < 1e-12 && abs(t[1] - 0.2) < 1e-12)
    #expect(SVGChart.ticks(0, 100) == [0, 20, 40, 60, 80, 100])
    #expect(SVGChart.tickText(0.6000000000000001) == "0.6")
  }
}
