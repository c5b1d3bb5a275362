import Foundation
import Testing
import _CandorTestSupport

/// Every shipped dataset validates with its codebook, and the dialect demos (the same 300
/// respondents in five export layouts) give the same reliability in every layout.
@Suite struct DatasetTests {
  static let root = repositoryRoot()
  static let datasets = root.appendingPathComponent("datasets")
  static let dialects = ["demo-surveymonkey.csv", "demo-googleforms.csv", "demo-msforms.xlsx", "demo-excel.xlsx",
                         "demo-spss.sav"]

  /// Every data file under datasets/ that has a `<stem>.codebook.yaml` next to it.
  static func shippedPairs() throws -> [(data: String, codebook: String)] {
    var pairs: [(String, String)] = []
    let folders = try FileManager.default.contentsOfDirectory(atPath: datasets.path).sorted()
    for folder in folders {
      let dir = datasets.appendingPathComponent(folder)
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else { continue }
      for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
      where [".csv", ".tsv", ".xlsx", ".sav"].contains(where: name.hasSuffix) {
        let stem = String(name[..<name.lastIndex(of: ".")!])
        let codebook = dir.appendingPathComponent("\(stem).codebook.yaml")
        if FileManager.default.fileExists(atPath: codebook.path) {
          pairs.append((dir.appendingPathComponent(name).path, codebook.path))
        }
      }
    }
    return pairs
  }

  @Test func everyShippedDatasetValidates() throws {
    let pairs = try Self.shippedPairs()
    // demo.csv, demo.xlsx, demo-qualtrics.csv and the five dialect files at least.
    #expect(pairs.count >= 8)
    for name in Self.dialects { #expect(pairs.contains { $0.data.hasSuffix("/dialects/\(name)") }, "\(name)") }
    for (data, codebook) in pairs {
      let result = try runProcess(candorExecutable(), ["validate", data, "--codebook", codebook])
      #expect(result.status == 0, "\(data): \(result.stdout) \(result.stderr)")
      #expect(result.stdout.contains("summary: 0 errors"), "\(data): \(result.stdout)")
    }
  }

  /// `analyze --format json`: (raw alpha, n) per scale.
  static func alphas(_ data: String, codebook explicit: String? = nil) throws -> [String: (alpha: Double, n: Int)] {
    let codebook = explicit ?? String(data[..<data.lastIndex(of: ".")!]) + ".codebook.yaml"
    let result = try runProcess(candorExecutable(), ["analyze", data, "--codebook", codebook, "--format", "json", "--threads", "2"])
    #expect(result.status == 0, "\(data): \(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    var out: [String: (Double, Int)] = [:]
    for entry in json?["reliability"] as? [[String: Any]] ?? [] {
      guard let scale = entry["scale"] as? String, let alpha = (entry["alpha"] as? [String: Any])?["raw"] as? Double,
            let n = entry["n"] as? Int else { continue }
      out[scale] = (alpha, n)
    }
    return out
  }

  /// Cronbach's alpha from the pairwise covariance matrix (R `cov(use = "pairwise")`: each
  /// pair's means and n − 1 over the rows where both are answered):
  /// α = k/(k − 1) · (1 − Σ σᵢᵢ / Σᵢⱼ σᵢⱼ) (Cronbach 1951), items reverse-keyed as (min + max) − x.
  static func pairwiseAlpha(_ rows: [[Double?]]) -> Double {
    let k = rows[0].count
    var diagonal = 0.0, total = 0.0
    for i in 0..<k {
      for j in 0..<k {
        let pairs = rows.compactMap { r -> (Double, Double)? in
          guard let a = r[i], let b = r[j] else { return nil }
          return (a, b)
        }
        let n = Double(pairs.count)
        let ma = pairs.reduce(0) { $0 + $1.0 } / n, mb = pairs.reduce(0) { $0 + $1.1 } / n
        let c = pairs.reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) } / (n - 1)
        total += c
        if i == j { diagonal += c }
      }
    }
    return Double(k) / Double(k - 1) * (1 - diagonal / total)
  }

  @Test func sameAlphaInEveryDialect() throws {
    // The reference: the first 300 rows of demo.csv, which every dialect file re-lays out.
    let csv = try String(contentsOf: Self.datasets.appendingPathComponent("demo/demo.csv"), encoding: .utf8)
    let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines[0]
    let body = lines[1...300]
    func items(_ names: [String], reverse: Set<String>, max: Double) -> [[Double?]] {
      let columns = names.map { header.firstIndex(of: $0)! }
      return body.map { row in
        zip(names, columns).map { name, c in Double(row[c]).map { reverse.contains(name) ? 1 + max - $0 : $0 } }
      }
    }
    let ps = Self.pairwiseAlpha(items((1...7).map { "ps\($0)" }, reverse: ["ps1", "ps3", "ps5"], max: 5))
    let tr = Self.pairwiseAlpha(items((1...12).map { "tr\($0)" }, reverse: [], max: 4))
    #expect(ps > 0.6 && ps < 0.95)

    var first: [String: (alpha: Double, n: Int)]? = nil
    for name in Self.dialects {
      let path = Self.datasets.appendingPathComponent("dialects/\(name)").path
      let got = try Self.alphas(path)
      let safety = try #require(got["psych_safety"], "\(name)")
      let trust = try #require(got["trust"], "\(name)")
      #expect(abs(safety.alpha - ps) <= 1e-9, "\(name): psych_safety alpha \(safety.alpha), expected \(ps)")
      #expect(abs(trust.alpha - tr) <= 1e-9, "\(name): trust alpha \(trust.alpha), expected \(tr)")
      if let first {
        #expect(abs(safety.alpha - first["psych_safety"]!.alpha) <= 1e-9, "\(name)")
        #expect(safety.n == first["psych_safety"]!.n && trust.n == first["trust"]!.n, "\(name)")
      } else {
        first = got
      }
    }
  }

  @Test func generatedWorkbookMatchesTheCSV() throws {
    // demo.xlsx was written by `candor generate --layout xlsx` with demo.csv's seed and options.
    let codebook = Self.datasets.appendingPathComponent("demo/demo.codebook.yaml").path
    let csv = try Self.alphas(Self.datasets.appendingPathComponent("demo/demo.csv").path, codebook: codebook)
    let xlsx = try Self.alphas(Self.datasets.appendingPathComponent("demo/demo.xlsx").path, codebook: codebook)
    #expect(csv.count >= 12)  // psych_safety, trust and the ten PVQ values
    #expect(Set(csv.keys) == Set(xlsx.keys))
    for (scale, value) in csv {
      #expect(abs(value.alpha - xlsx[scale]!.alpha) <= 1e-9, "\(scale)")
      #expect(value.n == xlsx[scale]!.n, "\(scale)")
    }
  }
}
