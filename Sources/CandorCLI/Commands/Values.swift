import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  /// `candor values`: the Schwartz value circle of one PVQ scale.
  struct Values: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Value scores, MRAT and the MDS value circle of a PVQ scale.",
      discussion: """
        For a value instrument (pvq-21, pvq-40, pvq-rr): MRAT (each respondent's mean \
        rating over all items), the MRAT-centred value and higher-order scores (mean, SD, n, \
        alpha per value), and classical MDS of the item correlations with each value's angle \
        on the circle and Kruskal stress-1.
        """)

    @Argument(help: "The survey export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(help: "The value scale (instrument pvq-21, pvq-40 or pvq-rr).") var scale: String
    @Option(help: "Output folder (default: a table on stdout).") var output: String?
    @OptionGroup var common: CommonOptions

    func run() throws {
      try NameCheck(common: common, file: file, codebook: codebook)?.scales([scale], option: "--scale", valueScales: true)
      var plan = AnalysisPlan()
      plan.values = [scale]
      try ReportRunner(common: common, output: output).run(files: [file], codebook: codebook, configure: { $0.keepColumnsForPlan = false }) { _ in plan }
    }
  }
}
