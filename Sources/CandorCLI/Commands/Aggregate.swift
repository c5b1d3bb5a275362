import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  /// `candor aggregate`: group means, agreement and ICCs by one level.
  struct Aggregate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Group means, CIs, rwg(j), favourability, ANOVA and ICCs by one group level or cut.",
      discussion: """
        GROUP is a level of the codebook's `groups` (e.g. school_id; nested levels carry \
        their parents) or one of its `cuts`. Groups smaller than min_group_size are \
        suppressed (with complementary suppression) in every format.
        """)

    @Argument(help: "The survey export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(help: "The group level or cut to aggregate by.") var by: String
    @Option(name: .customLong("scale"), help: "An ordinary scale to aggregate (repeatable; default: every ordinary scale).")
    var scales: [String] = []
    @Option(help: "Output folder (default: a table on stdout).") var output: String?
    @OptionGroup var common: CommonOptions

    func run() throws {
      if let check = NameCheck(common: common, file: file, codebook: codebook) {
        try check.groupLevel(by, option: "--by")
        try check.scales(scales, option: "--scale", valueScales: false)
      }
      var plan = AnalysisPlan()
      try ReportRunner(common: common, output: output).run(files: [file], codebook: codebook, configure: { $0.keepColumnsForPlan = false }) { data in
        var spec = AggregateSpec()
        spec.by = by
        spec.scales = scales.isEmpty ? data.layout.scales.filter { !$0.usesMRAT }.map(\.name) : scales
        plan.aggregate = [spec]
        return plan
      }
    }
  }
}
