import Foundation
import Testing
@testable import CandorData

/// One folder per test process for every ``folder(_:)``, removed when the process exits.
private let inspectionRoot: URL = {
  func path() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("candor-inspection-tests-\(getpid())") }
  atexit { try? FileManager.default.removeItem(at: path()) }
  return path()
}()

/// A temporary folder holding `files` (name → contents).
private func folder(_ files: [String: String]) throws -> URL {
  let dir = inspectionRoot.appendingPathComponent(UUID().uuidString)
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
  return dir
}

/// 24 rows: id, team (A: 20, B: 3, C: 1), q1..q3 (1–5, one "NA", one -99 in q3), an agree
/// answer, a free-text comment, a date, a decimal score.
private func sampleCSV() -> String {
  let agree = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
  var s = "respondent_id,team,q1,q2,q3,climate,comment,submitted,score\n"
  for i in 0..<24 {
    let team = i < 20 ? "A" : i < 23 ? "B" : "C"
    let q1 = String(i % 5 + 1)
    let q2 = i == 3 ? "NA" : String((i + 1) % 5 + 1)
    let q3 = i == 7 ? "-99" : String((i + 2) % 5 + 1)
    let comment = i % 2 == 0 ? "\"answer number \(i), with a comma\"" : ""
    s += "R\(100 + i),\(team),\(q1),\(q2),\(q3),\(agree[i % 4 + 1]),\(comment),2026-03-\(String(format: "%02d", i + 1)),\(Double(i) / 4)\n"
  }
  return s
}

@Suite struct FileProfileTests {
  @Test func inferredTypesMissingAndFrequencies() throws {
    let dir = try folder(["s.csv": sampleCSV()])
    let p = try FileProfile.profile(path: dir.appendingPathComponent("s.csv").path)
    #expect(p.rows == 24 && p.headerRows == 1 && p.layout == .csv && p.delimiter == "," && p.container == .text)
    let types = Dictionary(uniqueKeysWithValues: p.columns.map { ($0.name, $0.type) })
    #expect(types == ["respondent_id": .idLike, "team": .categoricalText, "q1": .integerCoded, "q2": .integerCoded,
                      "q3": .integerCoded, "climate": .categoricalText, "comment": .freeText, "submitted": .date,
                      "score": .numeric])
    let q2 = p.columns[3]
    #expect(q2.missing == 1 && q2.answered == 23)
    #expect(abs(q2.missingPercent - 100.0 / 24) < 1e-12)
    let comment = p.columns[6]
    #expect(comment.missing == 12)
    // q1 answers i % 5 + 1 over i = 0..<24: 1, 2, 3, 4 five times, 5 four times.
    let f = try #require(p.frequencies(2))
    #expect(f.map(\.value) == ["1", "2", "3", "4", "5"])
    #expect(f.map(\.count) == [5, 5, 5, 5, 4])
    // Agree answers in scale order, not alphabetical.
    #expect(p.frequencies(5)?.map(\.value) == ["Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"])
    #expect(p.columns[8].minimum == 0 && p.columns[8].maximum == 23.0 / 4)
  }

  @Test func groupsShowLevelsNeverSizes() throws {
    let dir = try folder(["s.csv": sampleCSV(), "cb.yaml": "groups: [team]\nmin_group_size: 4\n"])
    let book = try Codebook.load(contentsOf: dir.appendingPathComponent("cb.yaml"))
    let p = try FileProfile.profile(path: dir.appendingPathComponent("s.csv").path, codebook: book)
    // team: A 20, B 3, C 1 → 3 levels, 2 under 4.
    #expect(p.groupSummary(1) == GroupSummary(levels: 3, underThreshold: 2, levelsAtLeast: false))
    #expect(p.frequencies(1) == nil)
    // --min-group-size may raise the threshold: at 21 every team (20, 3, 1) is under it.
    let raised = try FileProfile.profile(path: dir.appendingPathComponent("s.csv").path, codebook: book, minGroupSize: 21)
    #expect(raised.groupSummary(1)?.underThreshold == 3)
    let json = try DescribeReport.json(p)
    let doc = try JSONDecoder().decode(DescribeReport.Document.self, from: Data(json.utf8))
    #expect(doc.columns[1].frequencies == nil && doc.columns[1].group?.levels == 3)
    #expect(doc.columns[6].frequencies == nil && doc.columns[6].distinct == 12)
    #expect(!json.contains("answer number") && !json.contains("R100"))
    let table = DescribeReport.table(p)
    #expect(table.contains("group: 3 levels, 2 under 4"))
    #expect(!table.contains("answer number") && !table.contains("R100"))
    // Without a codebook, a categorical column that is not an answer scale is a group.
    let guessed = try FileProfile.profile(path: dir.appendingPathComponent("s.csv").path)
    #expect(guessed.groupColumns == [1])
  }

  @Test func columnsNamedLikeCutsAreGroupsUnlessAnalysed() throws {
    var csv = "id,gender,q1\n"
    for i in 1...12 { csv += "r\(i),\(i % 3 == 0 ? 3 : i % 2 + 1),\(i % 5 + 1)\n" }
    let dir = try folder(["g.csv": csv])
    let path = dir.appendingPathComponent("g.csv").path
    let book = try Codebook.parse("scales:\n  - name: q\n    items: [q1]\n    range: [1, 5]\n")
    let p = try FileProfile.profile(path: path, codebook: book)
    // gender: 1 → 4, 2 → 4, 3 → 4 respondents: 3 levels, all under 5, sizes never shown.
    #expect(p.groupSummary(1) == GroupSummary(levels: 3, underThreshold: 3, levelsAtLeast: false))
    #expect(p.frequencies(1) == nil && p.frequencies(2) != nil)
    let asItem = try Codebook.parse("scales:\n  - name: g\n    items: [gender, q1]\n    range: [1, 5]\n")
    #expect(try FileProfile.profile(path: path, codebook: asItem).frequencies(1)?.map(\.count) == [4, 4, 4])
  }

  @Test func distinctCapMarksHighCardinality() throws {
    let dir = try folder(["s.csv": sampleCSV()])
    let p = try FileProfile.profile(path: dir.appendingPathComponent("s.csv").path, distinctCap: 4)
    #expect(p.columns[0].isHighCardinality && p.columns[0].distinct.isEmpty)
    #expect(!p.columns[1].isHighCardinality)  // 3 teams
    #expect(p.columns[2].isHighCardinality)   // 5 values > 4
    #expect(DescribeReport.table(p).contains("more than 4 distinct (values not shown)"))
  }

  @Test func sameProfileWithAnyChunkingAndThreads() throws {
    let dir = try folder(["s.csv": sampleCSV()])
    let path = dir.appendingPathComponent("s.csv").path
    let whole = try FileProfile.profile(path: path)
    for (chunk, threads) in [(100, 1), (128, 2), (257, 3)] {
      let source = try TextSurveySource(path: path, options: SourceOptions(csv: CSVOptions(chunkSize: chunk, headSize: 4096)))
      let p = try FileProfile.profile(source, threads: threads)
      #expect(p.rows == whole.rows)
      #expect(p.columns == whole.columns, "chunk \(chunk), threads \(threads)")
    }
  }
}

@Suite struct ExportValidationTests {
  @Test func everyProblemWithItsPosition() throws {
    var csv = "id,team,q1,q2,q3,q4\n"
    for i in 1...25 { csv += "r\(i),A,\(i <= 22 ? 9 : 2),3,Agree,1\n" }
    csv += "r1,B,2,3,Sort of,1\n"  // duplicate id, unmapped text
    let book = """
      version: 1
      id: id
      groups: [teem]
      labels:
        agree: {"Disagree": 1, "Agree": 2}
      scales:
        - name: q
          items: [q1, q2]
          range: [1, 5]
        - name: t
          items: [q3]
          range: [1, 2]
          labels: agree
        - name: broken
          items: [q4]
          range: [1, 5]
          reverse: [q9]
      """
    let dir = try folder(["d.csv": csv, "cb.yaml": book])
    let report = try ExportValidation.validate(path: dir.appendingPathComponent("d.csv").path,
                                               codebookURL: dir.appendingPathComponent("cb.yaml"))
    let codes = report.issues.map(\.code)
    #expect(codes.contains("column-not-in-file"))
    #expect(report.issues.first { $0.code == "column-not-in-file" }?.location == "cb.yaml:3")
    #expect(report.issues.first { $0.code == "column-not-in-file" }?.message.contains("closest: \"team\"") == true)
    #expect(report.issues.contains { $0.location == "cb.yaml:17" && $0.message.contains("q9") })
    let range = try #require(report.issues.first { $0.code == "out-of-range" })
    #expect(range.location == "d.csv, column \"q1\"")
    #expect(range.message.hasPrefix("22 values outside [1, 5]: record 1 (line 2) \"9\", record 2 (line 3) \"9\""))
    #expect(range.message.contains("record 20 (line 21) \"9\" and 2 more"))
    let unmapped = try #require(report.issues.first { $0.code == "unmapped-labels" })
    #expect(unmapped.message.contains("\"Sort of\" (1)"))
    let dup = try #require(report.issues.first { $0.code == "duplicate-id" })
    #expect(dup.severity == .error && dup.message.contains("record 26 (line 27) repeats record 1"))
    #expect(!dup.message.contains("r1"))
    #expect(report.rows == 26)
    #expect(report.errorCount == 5 && report.warningCount == 0)
    #expect(report.rendered().hasSuffix("summary: 5 errors, 0 warnings\n"))
  }

  @Test func sameReportWithAnyChunkingAndThreads() throws {
    var csv = "id,team,q1,q2,Status,Finished\n"
    for i in 0..<400 { csv += "r\(i % 390),T\(i % 7),\(i % 6 + 1),\(i % 9),\(i % 50 == 0 ? 1 : 0),\(i % 40 == 0 ? 0 : 1)\n" }
    let cb = "id: id\nscreens:\n  duplicate_ids: keep-first\nscales:\n  - name: q\n    items: [q1, q2]\n    range: [1, 5]\n"
    let dir = try folder(["d.csv": csv, "cb.yaml": cb])
    let one = try ExportValidation.validate(path: dir.appendingPathComponent("d.csv").path,
                                            codebookURL: dir.appendingPathComponent("cb.yaml"), threads: 1)
    #expect(one.rows == 400)
    // Status 1 (preview) on every 50th row, Finished 0 on every 40th (row 0 is a preview).
    #expect(one.exclusions.counts["survey preview"] == 8)
    #expect(one.exclusions.counts["unfinished"] == 10 - 2)
    #expect(one.issues.contains { $0.code == "duplicate-id" && $0.severity == .warning && $0.message.hasPrefix("10 duplicate") })
    for (threads, chunk) in [(1, 256), (2, 300), (3, 1000)] {
      let other = try ExportValidation.validate(path: dir.appendingPathComponent("d.csv").path,
                                                codebookURL: dir.appendingPathComponent("cb.yaml"), threads: threads,
                                                options: SourceOptions(csv: CSVOptions(chunkSize: chunk, headSize: 4096)))
      #expect(other.rendered() == one.rendered())
      #expect(try other.json() == one.json())
    }
  }

  @Test func codebookThatDoesNotLoadIsReportedNotThrown() throws {
    let dir = try folder(["d.csv": "a\n1\n", "cb.yaml": "version: 1\nscalez: []\n"])
    let report = try ExportValidation.validate(path: dir.appendingPathComponent("d.csv").path,
                                               codebookURL: dir.appendingPathComponent("cb.yaml"))
    #expect(report.errorCount == 1)
    #expect(report.issues[0].location == "cb.yaml:2" && report.issues[0].message.contains("scales"))
    #expect(report.rows == nil)
  }

  @Test func readErrorStopsThePassWithItsPosition() throws {
    let dir = try folder(["d.csv": "a,b\n1,2\n3,4,5\n", "cb.yaml": "scales:\n  - name: s\n    items: [a, b]\n    range: [1, 5]\n"])
    let report = try ExportValidation.validate(path: dir.appendingPathComponent("d.csv").path,
                                               codebookURL: dir.appendingPathComponent("cb.yaml"))
    let read = try #require(report.issues.first { $0.code == "read-error" })
    #expect(read.location == "d.csv: line 3 (record 2)")
    #expect(read.message.hasPrefix("3 fields, header has 2"))
  }
}

@Suite struct StarterCodebookTests {
  @Test func initOutputLoadsAndValidatesAgainstItsFile() throws {
    let agree = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
    var csv = "ResponseId,school,role,ps1,ps2,ps3,tp1,tp2,comment\n"
    for i in 0..<30 {
      let ps3 = i == 4 ? "-99" : String((i + 2) % 5 + 1)
      csv += "R_\(i),S\(i % 3),\(i % 2 == 0 ? "teacher" : "leader"),\(i % 5 + 1),\((i + 1) % 5 + 1),\(ps3),"
        + "\(agree[i % 5]),\(agree[(i + 1) % 5]),\"free text \(i), long\"\n"
    }
    let dir = try folder(["f.csv": csv])
    let p = try FileProfile.profile(path: dir.appendingPathComponent("f.csv").path)
    let yaml = StarterCodebook.yaml(p)
    let book = try Codebook.parse(yaml, fileName: "init.yaml")
    #expect(book.id == "ResponseId")
    #expect(book.groups == ["school"])
    #expect(book.cuts == ["role"])
    #expect(book.missing.map(\.text) == ["", "NA", "-99"])
    #expect(book.scales.map(\.name) == ["ps", "tp"])
    #expect(book.scales[0].items == ["ps1", "ps2", "ps3"] && book.scales[0].range == ResponseRange(1, 5))
    #expect(book.scales[1].labels == "agree5" && book.scales[1].range == ResponseRange(1, 5))
    #expect(book.labelMap(named: "agree5")?.entries.map(\.text) == agree)
    #expect(book.labelMap(named: "agree5")?.entries.map(\.value) == [1, 2, 3, 4, 5])
    #expect(book.validate().filter { $0.severity == .error }.isEmpty)
    try yaml.write(to: dir.appendingPathComponent("init.yaml"), atomically: true, encoding: .utf8)
    let report = try ExportValidation.validate(path: dir.appendingPathComponent("f.csv").path,
                                               codebookURL: dir.appendingPathComponent("init.yaml"))
    #expect(report.errorCount == 0, "\(report.rendered())")
  }

  @Test func unknownAnswersAreAlphabeticalWithATodo() throws {
    var csv = "x1,x2\n"
    for i in 0..<12 { csv += "\(["b", "a", "c"][i % 3]),\(["c", "b", "a"][i % 3])\n" }
    let dir = try folder(["f.csv": csv])
    let yaml = StarterCodebook.yaml(try FileProfile.profile(path: dir.appendingPathComponent("f.csv").path))
    let book = try Codebook.parse(yaml)
    #expect(book.labelMap(named: "x_labels")?.entries.map(\.text) == ["a", "b", "c"])
    #expect(yaml.contains("x_labels:   # TODO: alphabetical"))
  }

  @Test func yamlQuoting() throws {
    #expect(StarterCodebook.quote("ps1") == "ps1")
    #expect(StarterCodebook.quote("yes") == "\"yes\"")
    #expect(StarterCodebook.quote("Duration (in seconds)") == "\"Duration (in seconds)\"")
    #expect(StarterCodebook.quote("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"")
    #expect(StarterCodebook.itemPrefix("Q12_4") == "Q12")
    #expect(StarterCodebook.itemPrefix("tr10") == "tr")
    #expect(StarterCodebook.itemPrefix("tenure") == nil)
  }
}

@Suite struct CodebookSourceOptionsTests {
  @Test func codebookSettingsBecomeReaderOptions() throws {
    let book = try Codebook.parse("format: surveymonkey\ndelimiter: \";\"\nencoding: windows-1252\nsheet: Responses\n")
    let o = book.sourceOptions
    #expect(o.layout == .surveyMonkey)
    #expect(o.csv.delimiter == .semicolon && o.csv.encoding == .windows1252)
    #expect(o.sheet == .name("Responses"))
    #expect(try Codebook.parse("version: 1\n").sourceOptions == SourceOptions())
    #expect(ExportLayout(.qualtricsLegacy) == .qualtrics)
    for l in ExportLayout.allCases where l != .auto { #expect(l.surveyLayout.map(ExportLayout.init) == l) }
  }
}
