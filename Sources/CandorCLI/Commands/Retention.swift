import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  /// `candor retention`: logistic regression of a 0/1 outcome.
  struct Retention: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Logistic regression of a 0/1 outcome (e.g. left) on scale scores, with odds ratios.",
      discussion: """
        Fits by IRLS on respondents complete on the outcome, predictors and covariates; \
        with --cluster, standard errors are CR1 cluster-robust by that group level. Keeps \
        one Float32 column per variable (and a group index) per respondent in memory.
        """)

    @Argument(help: "The survey export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(help: "The outcome (a codebook outcome, coded 1 = event).") var outcome: String
    @Option(help: "Predictors, comma-separated score variables (scales, <scale>.<value>, covariates).") var predictors: [String]
    @Option(help: "Covariates, comma-separated.") var covariates: [String] = []
    @Option(help: "Group level for cluster-robust (CR1) standard errors.") var cluster: String?
    @Option(help: "Output folder (default: a table on stdout).") var output: String?
    @OptionGroup var common: CommonOptions

    func run() throws {
      let predictors = commaList(self.predictors), covariates = commaList(self.covariates)
      if predictors.isEmpty { throw ValidationError("--predictors needs at least one score variable.") }
      if let check = NameCheck(common: common, file: file, codebook: codebook) {
        try check.variables([outcome], option: "--outcome")
        try check.variables(predictors, option: "--predictors")
        try check.variables(covariates, option: "--covariates")
        try check.groupLevel(cluster, option: "--cluster")
      }
      var plan = AnalysisPlan()
      var spec = RetentionSpec()
      spec.outcome = outcome
      spec.predictors = predictors
      spec.covariates = covariates
      spec.cluster = cluster
      plan.retention = [spec]
      let keep = plan.respondentColumns
      try ReportRunner(common: common, output: output).run(files: [file], codebook: codebook, configure: {
        $0.keepColumnsForPlan = false
        $0.respondentColumns = keep.names
        $0.cluster = keep.cluster
      }) { _ in plan }
    }
  }
}
