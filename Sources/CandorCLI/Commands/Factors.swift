import ArgumentParser
import Candor
import Foundation

/// Extraction methods as the command line names them.
enum FactorMethodOption: String, ExpressibleByArgument, CaseIterable {
  case minres, ml, pa, pca
  var method: ExtractionMethod {
    switch self {
    case .minres: return .minres
    case .ml: return .ml
    case .pa: return .pa
    case .pca: return .pc
    }
  }
}

enum FactorRotationOption: String, ExpressibleByArgument, CaseIterable {
  case none, varimax, promax, oblimin, geomin, target
}

enum FactorCorrelationOption: String, ExpressibleByArgument, CaseIterable {
  case pearson, polychoric
}

enum FactorScoreMethodOption: String, ExpressibleByArgument, CaseIterable {
  case regression, bartlett, tenberge
  var method: FactorScoreMethod {
    switch self {
    case .regression: return .regression
    case .bartlett: return .bartlett
    case .tenberge: return .tenBerge
    }
  }
}

enum ImputeOption: String, ExpressibleByArgument, CaseIterable {
  case mean
}

extension CandorCommand {
  /// `candor factors`: exploratory factor analysis of one scale.
  struct Factors: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Exploratory factor analysis of one scale (KMO, Bartlett, parallel analysis, loadings, fit).",
      discussion: """
        Extraction and rotation follow psych::fa / GPArotation (design.md §6). --target FILE \
        reads a pattern {item: [1, null, 0], …} (YAML or JSON, one row per item of the \
        scale, null = free) and rotates obliquely towards it (pstQ); the number of factors \
        is the pattern's width. --correlation polychoric counts every item pair's \
        contingency table in the pass (p(p−1)/2 · c² counts) and factors the two-step \
        polychoric matrix. --scores FILE runs a second pass and writes each kept \
        respondent's id and factor scores (CSV, file order; via FILE.partial renamed at \
        the end); a respondent missing an item gets empty cells unless --impute mean. \
        The scores file holds per-respondent data: keep it as confidential as the export.
        """)

    @Argument(help: "The survey export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(help: "The scale to factor.") var scale: String
    @Option(help: "Number of factors, or parallel (parallel analysis).") var factors: String = "parallel"
    @Option(help: "Extraction method.") var method: FactorMethodOption = .minres
    @Option(help: "Rotation.") var rotation: FactorRotationOption?
    @Option(help: "Target pattern file (YAML/JSON); implies --rotation target.") var target: String?
    @Option(help: "Correlations to factor.") var correlation: FactorCorrelationOption = .pearson
    @Flag(name: .customLong("no-smooth"), help: "Stop instead of smoothing a non-positive-definite matrix.") var noSmooth = false
    @Option(help: "Write per-respondent factor scores to this CSV file.") var scores: String?
    @Option(help: "Factor score method.") var scoreMethod: FactorScoreMethodOption = .regression
    @Option(help: "Missing items when scoring: mean (z = 0). Default: no score.") var impute: ImputeOption?
    @Option(help: "Output folder (default: a table on stdout).") var output: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
      if factors != "parallel" && (Int(factors) ?? 0) < 1 {
        throw ValidationError("--factors must be a number ≥ 1 or parallel, got \(factors).")
      }
      if rotation == .target && target == nil { throw ValidationError("--rotation target needs --target FILE.") }
      if let rotation, rotation != .target, target != nil {
        throw ValidationError("--target sets --rotation target; drop --rotation \(rotation.rawValue).")
      }
      if scores == nil && (impute != nil) { throw ValidationError("--impute applies to --scores.") }
      if let scores, scores.isEmpty { throw ValidationError("--scores needs a file name.") }
    }

    func settings() throws -> FactorSettings {
      var s = FactorSettings()
      s.factors = factors == "parallel" ? .parallel : .fixed(Int(factors)!)
      s.method = method.method
      switch rotation ?? .oblimin {
      case .none: s.rotation = .none
      case .varimax: s.rotation = .varimax
      case .promax: s.rotation = .promax
      case .oblimin, .target: s.rotation = .oblimin
      case .geomin: s.rotation = .geomin
      }
      s.correlation = correlation == .polychoric ? .polychoric : .pearson
      s.smoothing = !noSmooth
      return s
    }

    func run() throws {
      let check = NameCheck(common: common, file: file, codebook: codebook)
      try check?.scales([scale], option: "--scale")
      let runner = ReportRunner(common: common, output: output)
      var settings = FactorSettings()
      try runReportingErrors(file: file) {
        settings = try self.settings()
        if let target {
          let pattern = try FactorSettings.loadTarget(path: target)
          // A pattern that does not fit the scale is a data error (exit 1), found before the pass.
          if let items = check?.layout.scales.first(where: { $0.name == scale })?.items {
            _ = try FactorSettings.targetPattern(pattern, scale: scale, items: items)
          }
          settings.target = pattern
        }
      }
      var plan = AnalysisPlan()
      plan.factors = [(scale, settings)]
      // Polychoric: the pass counts the contingency tables of the scale's items.
      let items = correlation == .polychoric ? check?.layout.scales.first(where: { $0.name == scale })?.items : nil
      try runner.run(files: [file], codebook: codebook, configure: { request in
        request.keepColumnsForPlan = false
        if let items { request.contingencySets = [items] }
      }, finish: { data, results in
        guard let scores else { return }
        guard let solution = results.factorAnalysis.first(where: { $0.scale == scale }) else {
          throw AnalysisError.unsupported("no factor solution for \(scale), so no factor scores were written to \(scores)")
        }
        let pass = try FactorScorePass(data: data, scale: scale, result: solution, method: scoreMethod.method,
                                       imputeMean: impute == .mean)
        let summary = try pass.write(data: data, to: scores)
        runner.log("wrote \(summary.rowsWritten) respondents' \(scoreMethod.rawValue) factor scores to \(scores)")
        if summary.unscored > 0 {
          runner.log("\(summary.unscored) respondents missed an item of \(scale) and have no factor scores (empty cells); --impute mean scores them with the item mean", level: "warning")
        }
        if summary.imputed > 0 {
          runner.log("\(summary.imputed) respondents missed an item of \(scale); it was replaced by the item mean (--impute mean)")
        }
      }) { _ in plan }
    }
  }
}
