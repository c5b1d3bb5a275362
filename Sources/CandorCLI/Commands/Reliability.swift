import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  struct Reliability: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Cronbach's alpha, item analysis and omega for each scale (per value for PVQ scales).")

    @Argument(help: "The survey export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(name: .customLong("scale"), help: "A scale to analyse (repeatable; default: every scale).")
    var scales: [String] = []
    @OptionGroup var common: CommonOptions

    func run() throws {
      let data = try SurveyData.load(common.request(files: [file], codebook: codebook))
      let (results, _) = try data.reliability(scales: scales)
      let encoder = OrderedJSONEncoder()
      for r in results { print(try encoder.encodeText(r)) }
    }
  }
}

extension CommonOptions {
  /// The analysis request these options describe.
  func request(files: [String], codebook: String) -> AnalysisRequest {
    var r = AnalysisRequest(files: files, codebookPath: codebook)
    r.missing = missing
    if let threads { r.threads = threads }
    r.minGroupSize = minGroupSize
    r.outOfRange = outOfRange == .missing ? .missing : .error
    if let delimiter { r.delimiter = Delimiter(codebook: delimiter) }
    if let encoding { r.encoding = TextEncoding(rawValue: encoding) }
    return r
  }
}
