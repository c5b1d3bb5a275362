import ArgumentParser
import Candor
import Foundation

/// Correlation methods of `candor correlate`.
enum CorrelateMethod: String, ExpressibleByArgument, CaseIterable {
  case pearson, spearman, kendall, polychoric
}

extension CandorCommand {
  /// `candor correlate`: a correlation table with adjusted p-values.
  struct Correlate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Correlations among score variables (or items, polychoric) with CIs and Holm/BH-adjusted p.",
      discussion: """
        Names are score variables: scales, value scores <scale>.<value>, <scale>.mrat, \
        outcomes and covariates. Without --with, every pair of --vars; with --with, each \
        --vars variable against each --with variable. pearson (point-biserial with a 0/1 \
        outcome; partial on --covariates) comes from the pass's co-moments, in constant \
        memory. spearman and kendall need the respondents' values: they keep one Float32 \
        column per variable in memory (4 bytes × variables × respondents) and take no \
        covariates. polychoric takes item names (ordinal items), counts each pair's \
        contingency table in the pass and estimates as psych polychoric (two-step, \
        correct = .5).
        """)

    @Argument(help: "The survey export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(help: "Variables, comma-separated (items for polychoric).") var vars: [String]
    @Option(help: "Correlate each of --vars with these (comma-separated).") var with: [String] = []
    @Option(help: "Partial out these (comma-separated; pearson only).") var covariates: [String] = []
    @Option(help: "Correlation method.") var method: CorrelateMethod = .pearson
    @Option(help: "Output folder (default: a table on stdout).") var output: String?
    @OptionGroup var common: CommonOptions

    func run() throws {
      var spec = CorrelateSpec()
      spec.variables = commaList(vars)
      spec.with = commaList(with)
      spec.covariates = commaList(covariates)
      spec.method = method.rawValue
      if spec.variables.count < (spec.with.isEmpty ? 2 : 1) {
        throw ValidationError("--vars needs at least two variables (or one with --with).")
      }
      if method != .pearson && !spec.covariates.isEmpty {
        throw ValidationError("--covariates (partial correlations) work with --method pearson only.")
      }
      if let check = NameCheck(common: common, file: file, codebook: codebook) {
        if method == .polychoric {
          try check.items(spec.variables, option: "--vars")
          try check.items(spec.with, option: "--with")
        } else {
          try check.variables(spec.variables, option: "--vars")
          try check.variables(spec.with, option: "--with")
          try check.variables(spec.covariates, option: "--covariates")
        }
      }
      var plan = AnalysisPlan()
      plan.correlate = [spec]
      let keep = plan.respondentColumns
      let items = method == .polychoric ? [spec.variables + spec.with.filter { !spec.variables.contains($0) }] : []
      try ReportRunner(common: common, output: output).run(files: [file], codebook: codebook, configure: {
        $0.keepColumnsForPlan = false
        $0.respondentColumns = keep.names
        $0.contingencySets = items
      }) { _ in plan }
    }
  }

  /// `candor drivers`: relative weights of predictors on an outcome.
  struct Drivers: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Key drivers: Johnson's relative weights of predictors on an outcome, optionally with bootstrap CIs.",
      discussion: """
        Without --bootstrap the weights come from the pass's correlations (constant memory). \
        With --bootstrap B, B resamples of the respondents complete on all variables give \
        percentile 95% CIs; this keeps one Float32 column per variable in memory.
        """)

    @Argument(help: "The survey export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(help: "The outcome score variable.") var outcome: String
    @Option(help: "Predictors, comma-separated score variables.") var predictors: [String]
    @Option(help: "Bootstrap resamples for 95% CIs (0 = none).") var bootstrap: Int = 0
    @Option(help: "Bootstrap seed.") var seed: UInt64 = 20240607
    @Option(help: "Output folder (default: a table on stdout).") var output: String?
    @OptionGroup var common: CommonOptions

    func run() throws {
      let predictors = commaList(self.predictors)
      if predictors.isEmpty { throw ValidationError("--predictors needs at least one score variable.") }
      if bootstrap < 0 { throw ValidationError("--bootstrap must be 0 or more, got \(bootstrap).") }
      if let check = NameCheck(common: common, file: file, codebook: codebook) {
        try check.variables([outcome], option: "--outcome")
        try check.variables(predictors, option: "--predictors")
      }
      var plan = AnalysisPlan()
      var spec = DriversSpec()
      spec.outcome = outcome
      spec.predictors = predictors
      plan.drivers = [spec]
      if bootstrap > 0 { plan.driversBootstrap = (bootstrap, seed) }
      let keep = plan.respondentColumns
      try ReportRunner(common: common, output: output).run(files: [file], codebook: codebook, configure: {
        $0.keepColumnsForPlan = false
        $0.respondentColumns = keep.names
      }) { _ in plan }
    }
  }
}
