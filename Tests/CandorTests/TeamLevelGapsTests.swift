@testable import Candor
import CandorPsychometrics
import CandorReport
import Foundation
import Testing
import _CandorTestSupport

/// Issue 6, items 4 and 5: response rates from headcounts, group × cut intersections
/// under the confidentiality filter, and values alignment from a second pass — on the
/// shipped demo, against plain computations over its rows in the test.
@Suite struct TeamLevelGapsTests {
  static let root = repositoryRoot()
  static let demo = root.appendingPathComponent("datasets/demo/demo.csv").path
  static let codebook = root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path

  static func load(codebook: String = codebook) throws -> SurveyData {
    var request = AnalysisRequest(files: [demo], codebookPath: codebook)
    request.threads = 2
    return try SurveyData.load(request)
  }

  /// Rows of a plain CSV without quoted fields (the demo and the score export).
  static func table(_ path: String) throws -> (header: [String], rows: [[String]]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    return (lines[0], Array(lines.dropFirst()))
  }

  /// Per respondent: the scores `candor score` writes (centred values, outcomes, groups).
  static let scores: (header: [String], rows: [[String]]) = {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("gaps6-scores-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    var request = AnalysisRequest(files: [demo], codebookPath: codebook)
    request.threads = 2
    _ = try! ScoreExport.run(request, output: out)
    return try! table(out)
  }()

  static func column(_ name: String) -> [Double] {
    let k = scores.header.firstIndex(of: name)!
    return scores.rows.map { Double($0[k]) ?? .nan }
  }

  static func text(_ name: String) -> [String] {
    let k = scores.header.firstIndex(of: name)!
    return scores.rows.map { $0[k] }
  }

  // MARK: 1. Headcounts → response rates

  @Test func responseRatesOfTwoSchoolsByHand() throws {
    let data = try Self.load()
    let (demoHeader, demoRows) = try Self.table(Self.demo)
    let school = demoHeader.firstIndex(of: "school_id")!
    let (_, invitedRows) = try Self.table(Self.root.appendingPathComponent("datasets/demo/headcounts.csv").path)
    let invited = Dictionary(uniqueKeysWithValues: invitedRows.map { ($0[0], Int($0[1])!) })
    let table = try #require(try data.aggregation(by: "school_id", scales: ["psych_safety"]).first)
    for name in ["S0005", "S0022"] {
      let respondents = demoRows.filter { $0[school] == name }.count  // every demo row passes the screens
      let entry = try #require(table.result.groupResults.first { $0.group == name })
      #expect(entry.headcount == invited[name])
      #expect(entry.responseRate == Double(respondents) / Double(invited[name]!))
    }
    // S0005: 39 rows of 51 invited; S0022: 108 of 137.
    #expect(table.result.groupResults.first { $0.group == "S0005" }?.responseRate == 39.0 / 51.0)
    #expect(table.result.groupResults.first { $0.group == "S0022" }?.responseRate == 108.0 / 137.0)
    // Only the innermost level has headcounts.
    let district = try #require(try data.aggregation(by: "district", scales: ["psych_safety"]).first)
    #expect(district.result.groupResults.allSatisfy { $0.responseRate == nil && $0.headcount == nil })
  }

  @Test func headcountFormatsAndErrors() throws {
    let levels = ["district", "school_id"]
    let byLabel = try Headcounts.parse("group,invited\nS01,10\n\"S,02\",4\nS09,3\n", path: "h.csv", levels: levels)
    #expect(!byLabel.keyedByPath)
    let resolved = byLabel.resolve(labels: ["D1 / S01", "D1 / S,02", "D2 / S03"])
    #expect(resolved.invited == [10, 4, nil])
    #expect(resolved.warnings.map(\.code) == ["headcount-unknown-group"])
    #expect(resolved.warnings[0].message.contains("h.csv, line 4"))
    let byPath = try Headcounts.parse("district,school_id,invited\nD1,S01,10\nD2,S01,7\n", path: "h.csv", levels: levels)
    #expect(byPath.keyedByPath)
    #expect(byPath.resolve(labels: ["D2 / S01", "D1 / S01"]).invited == [7, 10])
    // A label repeated under two parents is ambiguous without the path.
    let ambiguous = byLabel.resolve(labels: ["D1 / S01", "D2 / S01"])
    #expect(ambiguous.invited == [nil, nil])
    #expect(ambiguous.warnings.first?.code == "headcount-ambiguous-group")

    func error(_ text: String) -> HeadcountsError? {
      do { _ = try Headcounts.parse(text, path: "h.csv", levels: levels); return nil } catch let e as HeadcountsError { return e } catch { return nil }
    }
    #expect(error("group,invited\nS01,10\nS02,many\n")?.line == 3)
    #expect(error("group,invited\nS01,10\nS02,-1\n")?.line == 3)
    #expect(error("group,invited\nS01,10,3\n")?.line == 2)
    #expect(error("group,invited\nS01,10\nS01,11\n")?.message.contains("line 2") == true)
    #expect(error("group,count\nS01,10\n")?.line == 1)
    #expect(error("district,school,invited\nD1,S01,10\n")?.line == 1)
    #expect(error("group,invited\n\"S01,10\n")?.line == 2)
  }

  @Test func aBadHeadcountsFileStopsTheLoadWithItsLine() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gaps6-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let book = try String(contentsOfFile: Self.codebook, encoding: .utf8)
    try book.write(to: dir.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
    try "school_id,invited\nS0001,5\nS0002,five\n".write(to: dir.appendingPathComponent("headcounts.csv"), atomically: true, encoding: .utf8)
    #expect(throws: HeadcountsError.self) { try Self.load(codebook: dir.appendingPathComponent("c.yaml").path) }
    do { _ = try Self.load(codebook: dir.appendingPathComponent("c.yaml").path) } catch let e as HeadcountsError {
      #expect(e.line == 3)
      #expect(e.description.contains("headcounts.csv, line 3"))
    }
    // An unknown school is a warning, not an error.
    try "school_id,invited\nS0001,5\nS9999,12\n".write(to: dir.appendingPathComponent("headcounts.csv"), atomically: true, encoding: .utf8)
    let data = try Self.load(codebook: dir.appendingPathComponent("c.yaml").path)
    #expect(data.codebookWarnings.contains { $0.code == "headcount-unknown-group" && $0.message.contains("S9999") })
    #expect(data.headcounts?.invited.compactMap { $0 } == [5])
    // A file that is not there leaves response rates out, with a warning.
    try FileManager.default.removeItem(at: dir.appendingPathComponent("headcounts.csv"))
    let without = try Self.load(codebook: dir.appendingPathComponent("c.yaml").path)
    #expect(without.headcounts == nil)
    #expect(without.codebookWarnings.contains { $0.code == "headcounts-not-found" })
  }

  // MARK: 2. Group × cut intersections

  @Test func roleWithinSchoolIsItsOwnLevel() throws {
    let data = try Self.load()
    let level = try #require(data.layout.groupLevels.last)
    #expect(level.name == "school_id × role")
    #expect(level.cut == "role" && level.isIntersection)
    let table = try #require(try data.aggregation(by: "school_id × role", scales: ["psych_safety"]).first)
    // n per (school, role) = scored respondents in the score export.
    let ps = Self.column("psych_safety"), district = Self.text("district"), school = Self.text("school_id")
    let role = try Self.table(Self.demo).rows.map { $0[3] }
    var expected: [[String]: Int] = [:]
    for i in ps.indices where !ps[i].isNaN { expected[[district[i], school[i], role[i]], default: 0] += 1 }
    #expect(Dictionary(uniqueKeysWithValues: zip(table.paths, table.result.groupResults.map(\.n))) == expected)
    #expect(table.result.groupResults.allSatisfy { $0.group.hasPrefix("S0") && $0.group.contains(" / ") })
    #expect(table.cells.allSatisfy { $0.cut?.name == "role" && $0.groupPath.count == 2 })
    // The default plan (no `analyses`) includes the intersection.
    var plain = data.codebook
    plain.analyses = nil
    let plan = AnalysisPlan.make(codebook: plain, layout: data.layout)
    #expect(plan.aggregate.map(\.by) == ["district", "school_id", "role", "school_id × role"])
  }

  @Test func intersectionCellsUnderFiveShowNothingAndComplementsAreHidden() throws {
    let data = try Self.load()
    var plan = AnalysisPlan()
    var spec = AggregateSpec()
    spec.by = "school_id × role"
    spec.scales = ["psych_safety"]
    var school = AggregateSpec()
    school.by = "school_id"
    school.scales = ["psych_safety"]
    plan.aggregate = [school, spec]
    plan.valuesAlignment = false
    let results = data.run(plan)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gaps6-json-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let header = try data.summaryHeader(startedAt: Date())
    _ = try ReportAssembler(header: header, results: results, minGroupSize: data.minGroupSize)
      .write(formats: [.json], to: dir.path)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as! [String: Any]
    let tables = json["aggregation"] as! [[String: Any]]
    let cross = try #require(tables.first { $0["by"] as? String == "school_id × role" })
    let schools = try #require(tables.first { $0["by"] as? String == "school_id" })
    // Raw counts per cell, to check what is hidden.
    let raw = try #require(results.aggregation.first { $0.result.by == "school_id × role" })
    let n = Dictionary(uniqueKeysWithValues: zip(raw.result.groupResults.map(\.group), raw.result.groupResults.map(\.n)))
    var hiddenBySchool: [String: Int] = [:], cellsBySchool: [String: Int] = [:]
    var hiddenByRole: [String: Int] = [:]
    var anySmall = false
    for entry in cross["groupResults"] as! [[String: Any]] {
      let name = entry["group"] as! String
      let parts = name.components(separatedBy: " / ")
      cellsBySchool[parts[0], default: 0] += 1
      if entry["suppressed"] as? Bool == true {
        #expect(Set(entry.keys).isSubset(of: ["group", "suppressed", "groupCode"]), "\(name) leaks \(entry.keys)")
        hiddenBySchool[parts[0], default: 0] += 1
        hiddenByRole[parts[1], default: 0] += 1
      } else {
        #expect(n[name]! >= 5, "\(name) shown with n = \(n[name]!)")
        #expect((entry["n"] as! Int) >= 5)
      }
      if n[name]! < 5 { anySmall = true; #expect(entry["suppressed"] as? Bool == true) }
    }
    #expect(anySmall, "the demo has roles under 5 in some school")
    // Complementary suppression: under each shown school, 0 or ≥ 2 of its roles hidden.
    let shownSchools = Set((schools["groupResults"] as! [[String: Any]]).filter { $0["suppressed"] as? Bool != true }.map { $0["group"] as! String })
    for (s, hidden) in hiddenBySchool where shownSchools.contains(s) && cellsBySchool[s]! > 1 {
      #expect(hidden == 0 || hidden >= 2, "school \(s): \(hidden) of its roles hidden")
    }
    // And through the planner directly: every family has 0 or ≥ 2 hidden children.
    let counts = Dictionary(uniqueKeysWithValues: zip(raw.cells, raw.result.groupResults.map(\.n)))
    let planned = SuppressionPlanner(minGroupSize: 5).plan(counts: counts)
    var perSchool: [[String]: (hidden: Int, total: Int)] = [:]
    for cell in raw.cells {
      var e = perSchool[cell.groupPath] ?? (0, 0)
      e.total += 1
      if planned.isSuppressed(cell) { e.hidden += 1 }
      perSchool[cell.groupPath] = e
    }
    for (path, e) in perSchool where e.hidden > 0 && !planned.isSuppressed(CellKey(path)) {
      #expect(e.hidden >= 2, "\(path): \(e.hidden) of \(e.total) hidden")
    }
  }

  // MARK: 3. Values alignment

  /// Alignment r and distance of every respondent, computed here from the exported
  /// centred values: the rest of the group's mean per value over members with that value.
  static func directAlignment(values: [String]) -> (r: [Double], d: [Double], group: [String]) {
    let x = values.map { column("values.\($0)") }
    let group = zip(text("district"), text("school_id")).map { "\($0) / \($1)" }
    var sums: [String: [Double]] = [:], counts: [String: [Int]] = [:]
    for i in group.indices {
      for v in values.indices where x[v][i].isFinite {
        sums[group[i], default: Array(repeating: 0, count: values.count)][v] += x[v][i]
        counts[group[i], default: Array(repeating: 0, count: values.count)][v] += 1
      }
    }
    var r = [Double](repeating: .nan, count: group.count), d = r
    for i in group.indices {
      let own = x.map { $0[i] }
      guard own.allSatisfy(\.isFinite), counts[group[i]]!.allSatisfy({ $0 >= 2 }) else { continue }
      let loo = values.indices.map { (sums[group[i]]![$0] - own[$0]) / Double(counts[group[i]]![$0] - 1) }
      d[i] = zip(own, loo).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
      let mo = own.reduce(0, +) / Double(own.count), ml = loo.reduce(0, +) / Double(loo.count)
      let sxy = zip(own, loo).map { ($0 - mo) * ($1 - ml) }.reduce(0, +)
      let sxx = own.map { ($0 - mo) * ($0 - mo) }.reduce(0, +), syy = loo.map { ($0 - ml) * ($0 - ml) }.reduce(0, +)
      r[i] = sxy / (sxx * syy).squareRoot()
    }
    return (r, d, group)
  }

  static func pearson(_ a: [Double], _ b: [Double]) -> (r: Double, n: Int) {
    let pairs = zip(a, b).filter { $0.0.isFinite && $0.1.isFinite }
    let n = Double(pairs.count)
    let ma = pairs.map(\.0).reduce(0, +) / n, mb = pairs.map(\.1).reduce(0, +) / n
    let sab = pairs.map { ($0.0 - ma) * ($0.1 - mb) }.reduce(0, +)
    let saa = pairs.map { ($0.0 - ma) * ($0.0 - ma) }.reduce(0, +), sbb = pairs.map { ($0.1 - mb) * ($0.1 - mb) }.reduce(0, +)
    return (sab / (saa * sbb).squareRoot(), pairs.count)
  }

  @Test func alignmentMatchesADirectComputation() throws {
    let data = try Self.load()
    let valueScale = try #require(data.layout.scales.first { $0.usesMRAT })
    let values = valueScale.subscales.map(\.id)
    #expect(values.count == 10)
    let direct = Self.directAlignment(values: values)
    let (aggregation, correlations) = try data.valuesAlignment(scale: "values")

    // A few respondents by hand: the pass's formula on the first pass's group sums.
    let pass = try ValuesAlignmentPass(data: data, scale: "values")
    let level = data.statistics.groups[pass.level]
    var checked = 0
    for i in direct.r.indices where direct.r[i].isFinite && checked < 5 {
      let g = level.labels.firstIndex(of: direct.group[i])!
      let x = values.map { Self.column("values.\($0)")[i] }
      let a = ValuesAlignmentPass.alignment(x, sums: pass.valueScores.map { level.scores[$0].sums[g] },
                                            counts: pass.valueScores.map { level.scores[$0].counts[g] })
      #expect(isClose(a.r, direct.r[i], absolute: 1e-12))
      #expect(isClose(a.distance, direct.d[i], absolute: 1e-12))
      checked += 1
    }
    #expect(checked == 5)

    // ValuesAlignment.compute (complete profiles only) agrees wherever every member of
    // the group has a complete profile or none.
    let profiles = values.map { Self.column("values.\($0)") }
    let labels = Array(Set(direct.group)).sorted()
    let index = direct.group.map { Int32(labels.firstIndex(of: $0)!) }
    let reference = ValuesAlignment.compute(profiles: profiles, groups: index)
    var compared = 0
    for i in direct.r.indices where direct.r[i].isFinite {
      let members = direct.group.indices.filter { direct.group[$0] == direct.group[i] }
      let partial = members.contains { j in let p = profiles.map { $0[j] }; return p.contains(where: \.isFinite) && !p.allSatisfy(\.isFinite) }
      if partial { continue }
      #expect(isClose(reference.r[i], direct.r[i], absolute: 1e-12))
      #expect(isClose(reference.distance[i], direct.d[i], absolute: 1e-12))
      compared += 1
    }
    #expect(compared > 1000)

    // Per-school mean alignment.
    for (k, path) in aggregation.paths.enumerated() {
      let label = path.joined(separator: " / ")
      let mine = direct.r.indices.filter { direct.group[$0] == label && direct.r[$0].isFinite }.map { direct.r[$0] }
      let entry = aggregation.result.groupResults[k]
      #expect(entry.n == mine.count)
      #expect(isClose(entry.mean, mine.reduce(0, +) / Double(mine.count), absolute: 1e-12))
    }
    #expect(aggregation.result.scale == "values.alignment" && aggregation.level == "school_id")

    // Correlations with `left` over all respondents.
    let left = Self.column("left")
    let r = try #require(correlations.first { $0.x == "values.alignment" && $0.y == "left" })
    let plain = Self.pearson(direct.r, left)
    #expect(r.n == plain.n)
    #expect(isClose(r.r, plain.r, absolute: 1e-12))
    let rd = try #require(correlations.first { $0.x == "values.alignmentDistance" && $0.y == "left" })
    let plainD = Self.pearson(direct.d, left)
    #expect(rd.n == plainD.n)
    #expect(isClose(rd.r, plainD.r, absolute: 1e-12))
    #expect(correlations.contains { $0.x == "values.alignment" && $0.y == "intent_stay" })

    // The analyze plan adds them to the results.
    let results = data.run(AnalysisPlan.make(codebook: data.codebook, layout: data.layout))
    // analyze: against the codebook's correlate targets, partial on its covariates (tenure),
    // with Holm over the whole table.
    let partial = try #require(results.correlations.first { $0.x == "values.alignment" && $0.y == "left" })
    #expect(partial.partialOn == ["tenure"])
    let again = try data.valuesAlignment(scale: "values", with: ["left"], covariates: ["tenure"]).correlations[0]
    // (The plan's pass also keeps intent_stay, so its co-moments are summed in other blocks.)
    #expect(isClose(partial.r, again.r, absolute: 1e-12) && partial.n == again.n)
    #expect(results.correlations.count == 8)
    let sorted: [Double] = results.correlations.map(\.p).sorted()
    let k: Int = try #require(sorted.firstIndex(of: partial.p))
    var holm = 0.0
    for j in 0...k { holm = max(holm, Double(sorted.count - j) * sorted[j]) }
    #expect(isClose(partial.pHolm, min(1, holm), absolute: 1e-15))
    #expect(results.aggregation.contains { $0.result.scale == "values.alignment" })
  }
}
