import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  /// `candor validate FILE --codebook C`: every problem, with its position.
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check an export against its codebook and list every problem with its position.",
      discussion: """
        Codebook problems (codebook file:line), columns not in the file (closest names), answer \
        texts missing from label maps (with counts), out-of-range values (record, line, value; \
        the first 20 per column, the rest counted), duplicate ids, and the rows the screens \
        would exclude, by reason. One streaming pass. Exit status 1 if any error, 0 if only \
        warnings.
        """)

    @Argument(help: "The export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(help: "Parsing threads (default: all cores).") var threads: Int?
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table

    func validate() throws {
      guard format == .table || format == .json else {
        throw ValidationError("validate writes --format table or json, got \(format.rawValue).")
      }
      if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads).") }
    }

    func run() throws {
      try runReportingErrors(file: file) {
        let report = try ExportValidation.validate(path: file, codebookURL: URL(fileURLWithPath: codebook), threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        try StandardOutput.write(format == .json ? try report.json() + "\n" : report.rendered())
        if report.errorCount > 0 { throw ExitCode.failure }
      }
    }
  }
}
