import Foundation
import Testing
@testable import CandorData

/// Generates into memory.
func generated(_ options: SyntheticExportOptions) throws -> (Data, SyntheticTruth) {
  var data = Data()
  let truth = try SyntheticExport.generate(options) { data.append($0) }
  return (data, truth)
}

/// Lines split on commas (the generator quotes only header row 3 of the Qualtrics layout).
func table(_ data: Data) -> [[String]] {
  String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
}

@Suite struct GenerateTests {
  @Test func sameSeedSameBytes() throws {
    let options = SyntheticExportOptions(rows: 700, seed: 42, schools: 13, layout: .qualtrics)
    let (a, ta) = try generated(options)
    let (b, tb) = try generated(options)
    #expect(a == b)
    #expect(ta == tb)
    var other = options
    other.seed = 43
    #expect(try generated(other).0 != a)
  }

  @Test func csvLayoutShapeAndTruth() throws {
    let (data, truth) = try generated(SyntheticExportOptions(rows: 3000, seed: 5, schools: 30))
    let rows = table(data)
    #expect(rows.count == 3001)
    let header = rows[0]
    #expect(header.count == 66)
    #expect(Array(header.prefix(7)) == ["respondent_id", "district", "school_id", "role", "tenure", "ps1", "ps2"])
    #expect(Array(header.suffix(2)) == ["intent_stay", "status_next_year"])
    #expect(rows.dropFirst().allSatisfy { $0.count == 66 })
    // School sizes: the truth's sizes are the file's, some are under 5.
    #expect(truth.schoolSizes.reduce(0, +) == 3000)
    #expect(truth.schools == 30)
    #expect(truth.schoolsUnder5 == 3)
    #expect(truth.schoolSizes.filter { $0 < 5 } == [2, 3, 4])
    let col = header.firstIndex(of: "school_id")!
    var sizes: [String: Int] = [:]
    for r in rows.dropFirst() { sizes[r[col], default: 0] += 1 }
    #expect((1...30).map { sizes[String(format: "S%04d", $0)] ?? 0 } == truth.schoolSizes)
    // Retention counts.
    let status = header.firstIndex(of: "status_next_year")!
    var counts: [String: Int] = [:]
    for r in rows.dropFirst() { counts[r[status].isEmpty ? "missing" : r[status], default: 0] += 1 }
    #expect(counts == truth.statusCounts)
    // Ranges and missingness of the items.
    var blank = 0, cells = 0
    for (j, name) in header.enumerated() where j >= 5 {
      let hi = name.hasPrefix("ps") ? 5 : name.hasPrefix("tr") ? 4 : name.hasPrefix("pvq") ? 6 : name == "intent_stay" ? 5 : 0
      guard hi > 0 else { continue }
      for r in rows.dropFirst() {
        cells += 1
        if r[j].isEmpty { blank += 1; continue }
        let v = Int(r[j])!
        #expect(v >= 1 && v <= hi)
      }
    }
    let rate = Double(blank) / Double(cells)
    #expect(rate > 0.01 && rate < 0.03)
    #expect(truth.items.allSatisfy { $0.missingRate >= 0.01 && $0.missingRate <= 0.03 })
    #expect(truth.items.filter(\.reverse).map(\.name) == ["ps1", "ps3", "ps5"])
  }

  @Test func keyingAndSchoolVarianceAreRecoverable() throws {
    let (data, truth) = try generated(SyntheticExportOptions(rows: 6000, seed: 9, schools: 60))
    let rows = table(data).dropFirst()
    func column(_ name: String) -> [Double] {
      let j = table(data)[0].firstIndex(of: name)!
      return rows.map { Double($0[j]) ?? .nan }
    }
    func mean(_ x: [Double]) -> Double { let v = x.filter { !$0.isNaN }; return v.reduce(0, +) / Double(v.count) }
    // Negatively worded items are answered low, positive items high; keyed means agree.
    let raw1 = mean(column("ps1")), raw2 = mean(column("ps2"))
    #expect(raw1 < 3 && raw2 > 3)
    #expect(abs((6 - raw1) - raw2) < 0.15)
    // Between-school variance of the ps2 school means exceeds what sampling alone gives.
    let school = column("school_id").isEmpty ? [] : rows.map { $0[2] }
    let ps2 = column("ps2")
    var sums: [String: (Double, Int)] = [:]
    for (s, v) in zip(school, ps2) where !v.isNaN { sums[s, default: (0, 0)].0 += v; sums[s, default: (0, 0)].1 += 1 }
    let means = sums.values.filter { $0.1 >= 30 }.map { $0.0 / Double($0.1) }
    let grand = mean(means)
    let between = means.map { ($0 - grand) * ($0 - grand) }.reduce(0, +) / Double(means.count - 1)
    #expect(between > 0.02)
    #expect(truth.safetyICC > 0.1 && truth.safetyICC < 0.11)
  }

  @Test func qualtricsLayoutHasHeaderRowsAndScreenedRows() throws {
    let (data, truth) = try generated(SyntheticExportOptions(rows: 4000, seed: 11, schools: 20, layout: .qualtrics))
    let text = String(decoding: data, as: UTF8.self)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 4003)
    #expect(lines[0].hasPrefix("StartDate,EndDate,Status,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,respondent_id"))
    #expect(lines[1].hasPrefix("Start Date,End Date,Response Type,"))
    #expect(lines[2].hasPrefix("\"{\"\"ImportId\"\":\"\"startDate\"\""))
    let body = lines.dropFirst(3).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    #expect(body.allSatisfy { $0.count == 74 })
    #expect(body.filter { $0[2] == "1" }.count == truth.previewRows)
    #expect(body.filter { $0[2] == "2" }.count == truth.testRows)
    #expect(body.filter { $0[5] == "0" }.count == truth.unfinishedRows)
    #expect(truth.previewRows > 0 && truth.testRows > 0 && truth.unfinishedRows > 0)
    #expect(Set(body.map { $0[7] }).count == 4000)
    #expect(body.allSatisfy { $0[7].hasPrefix("R_") && $0[7].count == 17 })
  }

  @Test func writesFilesWavesAndTruthJSON() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-gen-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("export.csv")
    let options = SyntheticExportOptions(rows: 1500, seed: 3, schools: 15, waves: 2, shift: 1.0)
    let truth = try SyntheticExport.write(options, to: out)
    #expect(truth.files == ["export-wave1.csv", "export-wave2.csv"])
    let json = try Data(contentsOf: URL(fileURLWithPath: out.path + ".truth.json"))
    #expect(try JSONDecoder().decode(SyntheticTruth.self, from: json) == truth)
    #expect(truth.shift == 1.0 && truth.waves == 2)
    // Same bytes as the in-memory stream.
    let (memory, _) = try generated(options)
    let w1 = try Data(contentsOf: dir.appendingPathComponent("export-wave1.csv"))
    let w2 = try Data(contentsOf: dir.appendingPathComponent("export-wave2.csv"))
    #expect(w1 + w2 == memory)
    // The known change: positive items rise by about a latent SD between waves.
    func meanPS2(_ d: Data) -> Double {
      let v = table(d).dropFirst().compactMap { Double($0[6]) }
      return v.reduce(0, +) / Double(v.count)
    }
    #expect(meanPS2(w2) - meanPS2(w1) > 0.4)
    // Respondent ids continue across waves.
    #expect(table(w2)[1][0] == "T0001501")
  }

  @Test func badOptionsAreRejected() {
    #expect(throws: GenerateError.self) { try generated(SyntheticExportOptions(rows: 0)) }
    #expect(throws: GenerateError.self) { try generated(SyntheticExportOptions(rows: 10, schools: 11)) }
  }

  @Test func demoCodebooksDecodeTheGeneratedExports() throws {
    for (name, layout) in [("demo.codebook", SyntheticExportOptions.Layout.csv), ("demo-qualtrics.codebook", .qualtrics)] {
      let book = try Codebook.load(contentsOf: fixtureURL(name, "yaml"))
      #expect(book.validate().isEmpty)
      let (data, truth) = try generated(SyntheticExportOptions(rows: 500, seed: 2026, schools: 10, layout: layout))
      let rows = table(data)
      let headerRows = layout == .qualtrics ? [rows[0], rows[1]] : [rows[0]]
      let plan = try DecodingPlan(codebook: book, header: rows[0], headerRows: headerRows)
      #expect(plan.layouts.map(\.name) == ["psych_safety", "trust", "values"])
      #expect(plan.variables.count == 59 + 1 + 2)  // items, outcome, intent_stay + tenure
      var screener = RowScreener(screens: book.screens)
      var excluded = ExclusionCounts()
      var decoded = 0
      for (r, row) in rows.dropFirst(headerRows.count + (layout == .qualtrics ? 1 : 0)).enumerated() {
        let reason = try screener.screen(
          row: r, status: plan.statusColumn.map { row[$0] }, finished: plan.finishedColumn.map { row[$0] },
          id: plan.idColumn.map { row[$0] }, counts: &excluded)
        if reason != nil { continue }
        for (v, variable) in plan.variables.enumerated() {
          let x = try plan.decodeCell(row[variable.column], variable: v)
          if !x.isNaN { decoded += 1 }
        }
      }
      #expect(decoded > 0)
      if layout == .qualtrics {
        #expect(excluded.counts["survey preview", default: 0] == truth.previewRows)
        #expect(excluded.counts["survey test", default: 0] == truth.testRows)
        #expect(excluded.counts["unfinished", default: 0] == truth.unfinishedRows)
        #expect(plan.variables[0].column == rows[1].firstIndex(of: "Team climate - item 1"))
      } else {
        #expect(excluded.total == 0)
      }
    }
  }
}
