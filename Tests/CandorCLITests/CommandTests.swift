import Candor
import Foundation
import Testing
import _CandorTestSupport

/// 24 rows: an id, a team (A 20, B 3, C 1), three 1–5 items (one "NA", one -99), an agree
/// item, a free-text comment, a date and a decimal score.
private let sampleCSV: String = {
  let agree = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
  var s = "respondent_id,team,q1,q2,q3,climate,comment,submitted,score\n"
  for i in 0..<24 {
    let team = i < 20 ? "A" : i < 23 ? "B" : "C"
    let q2 = i == 3 ? "NA" : String((i + 1) % 5 + 1)
    let q3 = i == 7 ? "-99" : String((i + 2) % 5 + 1)
    let comment = i % 2 == 0 ? "\"answer number \(i), with a comma\"" : ""
    s += "R\(100 + i),\(team),\(i % 5 + 1),\(q2),\(q3),\(agree[i % 4 + 1]),\(comment),2026-03-\(String(format: "%02d", i + 1)),\(Double(i) / 4)\n"
  }
  return s
}()

/// A codebook for `sampleCSV` with errors: a misspelt group, a reverse item not in the
/// scale, a label map without "Agree"/"Strongly agree", a range that 5 is outside of.
private let brokenCodebook = """
  version: 1
  id: respondent_id
  groups: [teams]
  missing: ["", "NA", -99]
  labels:
    agree3: {"Disagree": 1, "Neither agree nor disagree": 2}
  scales:
    - name: q
      items: [q1, q2, q3]
      range: [1, 4]
    - name: climate
      items: [climate]
      range: [1, 3]
      labels: agree3
    - name: odd
      items: [q1]
      range: [1, 5]
      reverse: [q7]
  """

@Suite struct DescribeCommandTests {
  @Test func tableGolden() throws {
    let dir = try workdir(["sample.csv": sampleCSV])
    let r = try runProcess(candorExecutable(), ["describe", "sample.csv"], currentDirectory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    assertSnapshot(r.stdout, named: "describe-table")
    // Confidentiality: no free text, no ids, no group sizes.
    #expect(!r.stdout.contains("answer number") && !r.stdout.contains("R100"))
    #expect(r.stdout.contains("group: 3 levels, 2 under 5"))
  }

  @Test func jsonWithCodebookGolden() throws {
    let dir = try workdir(["sample.csv": sampleCSV, "cb.yaml": "groups: [team]\nmissing: [\"\", NA, -99]\nmin_group_size: 4\n"])
    let r = try runProcess(candorExecutable(), ["describe", "sample.csv", "--codebook", "cb.yaml", "--format", "json"],
                           currentDirectory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    assertSnapshot(r.stdout, named: "describe-json")
    let doc = try JSONDecoder().decode(DescribeReport.Document.self, from: Data(r.stdout.utf8))
    #expect(doc.rows == 24 && doc.minGroupSize == 4)
    #expect(doc.columns[1].group == GroupSummary(levels: 3, underThreshold: 2, levelsAtLeast: false))
    #expect(doc.columns[4].missing == 1)  // -99 is a missing code here
  }

  @Test func codebookThatDoesNotLoadIsError1() throws {
    let dir = try workdir(["sample.csv": sampleCSV, "bad.yaml": "scalez: []\n"])
    let r = try runProcess(candorExecutable(), ["describe", "sample.csv", "--codebook", "bad.yaml"], currentDirectory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("candor: error: bad.yaml:1: unknown key \"scalez\""))
    #expect(r.stdout.isEmpty)
  }

  @Test func usageErrors64() throws {
    let r = try runProcess(candorExecutable(), ["describe", "x.csv", "--format", "html"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("describe writes --format table or json, got html."))
    #expect(try runProcess(candorExecutable(), ["describe"]).status == 64)
  }
}

@Suite struct ValidateCommandTests {
  @Test func brokenCodebookListsEveryProblemGolden() throws {
    let dir = try workdir(["sample.csv": sampleCSV, "cb.yaml": brokenCodebook])
    let r = try runProcess(candorExecutable(), ["validate", "sample.csv", "--codebook", "cb.yaml"], currentDirectory: dir)
    #expect(r.status == 1)
    assertSnapshot(r.stdout, named: "validate-broken")
    #expect(r.stdout.contains("cb.yaml:3: error: column \"teams\" (groups) is not in the file; closest: \"team\""))
    #expect(r.stdout.contains("cb.yaml:18: error:"))
    #expect(r.stdout.contains("sample.csv, column \"q1\": error: 4 values outside [1, 4]: record 5 (line 6) \"5\""))
    #expect(r.stdout.contains("\"Agree\" (6), \"Strongly agree\" (6)"))
    #expect(r.stdout.hasSuffix("summary: 6 errors, 0 warnings\n"))
  }

  @Test func codebookThatDoesNotParseExits1() throws {
    let dir = try workdir(["sample.csv": sampleCSV, "cb.yaml": "version: 1\nscales:\n  - name: q\n    itemz: [q1]\n"])
    let r = try runProcess(candorExecutable(), ["validate", "sample.csv", "--codebook", "cb.yaml"], currentDirectory: dir)
    #expect(r.status == 1)
    #expect(r.stdout.hasPrefix("cb.yaml:4: error:"))
    #expect(r.stdout.contains("\"items\""))
  }

  @Test func warningsOnlyExitZero() throws {
    // A duplicate id under keep-first is a warning (the row is excluded and counted).
    let csv = "id,q1\nr1,1\nr2,2\nr1,3\n"
    let book = "id: id\nscreens:\n  duplicate_ids: keep-first\nscales:\n  - name: q\n    items: [q1]\n    range: [1, 5]\n"
    let dir = try workdir(["d.csv": csv, "cb.yaml": book])
    let r = try runProcess(candorExecutable(), ["validate", "d.csv", "--codebook", "cb.yaml"], currentDirectory: dir)
    #expect(r.status == 0, "\(r.stdout)")
    #expect(r.stdout == """
      d.csv, column "id": warning: 1 duplicate respondent id (ids not shown): record 3 (line 4) repeats record 1; screens.duplicate_ids: keep-first excludes them
      rows: 3 data rows read; the screens would exclude 1 (duplicate id 1)
      summary: 0 errors, 1 warning

      """)
  }

  @Test func qualtricsRoundTripCountsScreenedRows() throws {
    let dir = try workdir()
    let g = try runProcess(candorExecutable(), ["generate", "--rows", "150", "--seed", "11", "--layout", "qualtrics", "--output", "q.csv"],
                           currentDirectory: dir)
    #expect(g.status == 0, "\(g.stderr)")
    let codebook = repositoryRoot().appendingPathComponent("datasets/demo/demo-qualtrics.codebook.yaml").path
    let v = try runProcess(candorExecutable(), ["validate", "q.csv", "--codebook", codebook], currentDirectory: dir)
    #expect(v.status == 0, "\(v.stdout)")
    #expect(v.stdout.contains("rows: 150 data rows read; the screens would exclude "))
    let d = try runProcess(candorExecutable(), ["describe", "q.csv", "--codebook", codebook, "--format", "json"], currentDirectory: dir)
    let doc = try JSONDecoder().decode(DescribeReport.Document.self, from: Data(d.stdout.utf8))
    #expect(doc.layout == "qualtrics" && doc.headerRows == 3 && doc.rows == 150)
  }

  @Test func missingCodebookOptionIs64() throws {
    let r = try runProcess(candorExecutable(), ["validate", "sample.csv"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("Missing expected argument '--codebook <codebook>'"))
  }
}

@Suite struct InitCommandTests {
  @Test func starterCodebookGoldenLoadsAndValidates() throws {
    let dir = try workdir(["sample.csv": sampleCSV])
    let r = try runProcess(candorExecutable(), ["init", "sample.csv"], currentDirectory: dir)
    #expect(r.status == 0, "\(r.stderr)")
    assertSnapshot(r.stdout, named: "init")
    let book = try Codebook.parse(r.stdout, fileName: "init.yaml")
    #expect(book.id == "respondent_id" && book.groups == ["team"])
    #expect(book.scales.map(\.items) == [["q1", "q2", "q3"]])
    #expect(book.missing.map(\.text) == ["", "NA", "-99"])
    // Writes --output, refuses to overwrite without --force, and the result validates.
    #expect(try runProcess(candorExecutable(), ["init", "sample.csv", "-o", "cb.yaml"], currentDirectory: dir).status == 0)
    let again = try runProcess(candorExecutable(), ["init", "sample.csv", "-o", "cb.yaml"], currentDirectory: dir)
    #expect(again.status == 64 && again.stderr.contains("cb.yaml exists; pass --force to overwrite it."))
    #expect(try runProcess(candorExecutable(), ["init", "sample.csv", "-o", "cb.yaml", "--force"], currentDirectory: dir).status == 0)
    let v = try runProcess(candorExecutable(), ["validate", "sample.csv", "--codebook", "cb.yaml"], currentDirectory: dir)
    #expect(v.status == 0, "\(v.stdout)")
  }
}

@Suite struct InstrumentsCommandTests {
  @Test func showOneGolden() throws {
    let r = try runProcess(candorExecutable(), ["instruments", "edmondson-tps7"])
    #expect(r.status == 0)
    assertSnapshot(r.stdout, named: "instruments-edmondson-tps7")
  }

  @Test func unknownIdIs64WithSuggestion() throws {
    let r = try runProcess(candorExecutable(), ["instruments", "pvq40"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("did you mean \"pvq-40\"?"))
  }
}

@Suite struct GenerateRoundTripTests {
  @Test func generateDescribeValidate() throws {
    let dir = try workdir()
    let g = try runProcess(candorExecutable(), ["generate", "--rows", "120", "--seed", "7", "--schools", "6", "--output", "gen.csv"],
                           currentDirectory: dir)
    #expect(g.status == 0, "\(g.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("gen.csv.truth.json").path))
    let d = try runProcess(candorExecutable(), ["describe", "gen.csv"], currentDirectory: dir)
    #expect(d.status == 0, "\(d.stderr)")
    assertSnapshot(d.stdout, named: "generate-describe")
    #expect(d.stdout.contains("rows         120\n"))
    let codebook = repositoryRoot().appendingPathComponent("datasets/demo/demo.codebook.yaml").path
    let v = try runProcess(candorExecutable(), ["validate", "gen.csv", "--codebook", codebook], currentDirectory: dir)
    #expect(v.status == 0, "\(v.stdout)")
    #expect(v.stdout.hasSuffix("summary: 0 errors, 0 warnings\n"))
    #expect(v.stdout.contains("rows: 120 data rows read"))
  }

  @Test func badRowsIs64() throws {
    let r = try runProcess(candorExecutable(), ["generate", "--rows", "0", "--output", "x.csv"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("--rows must be at least 1, got 0."))
  }
}
