import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  /// `candor reliability`: alpha, item analysis, ω and scale descriptives.
  struct Reliability: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Cronbach's alpha, item analysis and omega for each scale (per value for PVQ scales).",
      discussion: """
        One pass over the export; writes the reliability table (alpha with its Feldt CI, \
        standardised alpha, item-total correlations, alpha if item deleted, omega) and the \
        whole-sample mean and SD of each scale, in every --format, through the same \
        confidentiality filter as `candor analyze`.
        """)

    @Argument(help: "The survey export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(name: .customLong("scale"), help: "A scale to analyse (repeatable; default: every scale).")
    var scales: [String] = []
    @Option(help: "Output folder (default: a table on stdout).") var output: String?
    @OptionGroup var common: CommonOptions

    func run() throws {
      try NameCheck(common: common, file: file, codebook: codebook)?.scales(scales, option: "--scale")
      var plan = AnalysisPlan()
      try ReportRunner(common: common, output: output).run(files: [file], codebook: codebook, configure: { $0.keepColumnsForPlan = false }) { data in
        plan.reliability = scales.isEmpty ? data.layout.scales.map(\.name) : scales
        return plan
      }
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

/// Names given on the command line checked against the codebook and the file's header
/// before the pass: an unknown name is a usage error (exit 64) that lists the known ones.
/// When the codebook or the file cannot be opened, there is nothing to check here: the
/// run itself reports that (exit 1).
struct NameCheck {
  let layout: AnalysisLayout

  init?(common: CommonOptions, file: String, codebook: String) {
    guard let (_, layout) = try? SurveyData.layout(for: common.request(files: [file], codebook: codebook)) else { return nil }
    self.layout = layout
  }

  static func unknown(_ what: String, _ name: String, option: String, known: [String]) -> ValidationError {
    ValidationError("\(option): the codebook has no \(what) \"\(name)\"; known: \(known.isEmpty ? "none" : known.joined(separator: ", ")).")
  }

  func scales(_ names: [String], option: String, valueScales: Bool? = nil) throws {
    let known = layout.scales.filter { valueScales == nil || $0.usesMRAT == valueScales! }.map(\.name)
    for n in names where !known.contains(n) {
      throw Self.unknown(valueScales == true ? "value scale (PVQ)" : valueScales == false ? "ordinary scale" : "scale",
                         n, option: option, known: known)
    }
  }

  func variables(_ names: [String], option: String) throws {
    for n in names where layout.scoreIndex(named: n) == nil {
      throw Self.unknown("score variable", n, option: option, known: layout.scoreNames)
    }
  }

  func items(_ names: [String], option: String) throws {
    let known = layout.itemNames
    for n in names where !known.contains(n) { throw Self.unknown("item", n, option: option, known: known) }
  }

  func groupLevel(_ name: String?, option: String) throws {
    guard let name else { return }
    let known = layout.groupLevels.map(\.name)
    if !known.contains(name) { throw Self.unknown("group level or cut", name, option: option, known: known) }
  }
}

/// A comma-separated list option (`--vars a,b,c`).
func commaList(_ values: [String]) -> [String] {
  values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
