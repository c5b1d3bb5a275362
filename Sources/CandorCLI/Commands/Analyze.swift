import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  /// `candor analyze`: the batch job — one pass, every table, every format.
  struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run every analysis the codebook asks for (or the defaults) and write the report.",
      discussion: """
        Reads the export(s) once, then computes reliability (per value for PVQ scales) with \
        omega, EFA with parallel analysis, the value circle, correlations, retention models, \
        key drivers and group aggregation with confidentiality. Without `analyses:` in the \
        codebook it runs the defaults. Several FILEs are pooled, unless --wave labels each \
        file (in order), which adds a wave-over-wave table. With --output DIR it writes \
        summary.json, one CSV per table, report.md and report.html (atomically: a staging \
        folder renamed into place at the end).
        """)

    @Argument(help: "The export(s): CSV/TSV, .xlsx or .sav.") var files: [String]
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(help: "Output folder (default: a table on stdout).") var output: String?
    @Option(name: .customLong("wave"), help: "A wave label per FILE, in order (repeatable).") var waves: [String] = []
    @OptionGroup var common: CommonOptions

    func validate() throws {
      if files.isEmpty { throw ValidationError("Give at least one export file.") }
      if !waves.isEmpty && waves.count != files.count {
        throw ValidationError("--wave needs one label per file: \(files.count) files, \(waves.count) labels.")
      }
      if !waves.isEmpty && files.count < 2 { throw ValidationError("--wave compares at least two files.") }
    }

    func run() throws {
      try ReportRunner(common: common, output: output).run(files: files, codebook: codebook, waves: waves) { data in
        AnalysisPlan.make(codebook: data.codebook, layout: data.layout)
      }
    }
  }
}
