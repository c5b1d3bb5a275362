import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  /// `candor score`: per-respondent scores as CSV, streamed in file order.
  struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Per-respondent scale scores as CSV (id, groups, one column per score), in file order.",
      discussion: """
        Columns: the id (or `row` when the codebook names none), each level of `groups` as in \
        the file, then every score: ordinary scales by their `scoring` (mean, sum or pomp; empty \
        when fewer than `min_items` items were answered); for value scales the uncentred value \
        and higher-order scores (<scale>.<value>.raw), the MRAT-centred scores (<scale>.<value>) \
        and <scale>.mrat; outcomes as 0/1; covariates. Rows excluded by a screen are not \
        written. A summary (rows read and written, exclusions by reason, unscored respondents \
        per score) goes to stderr. With --output, the file is written as <output>.partial and \
        renamed at the end, so a failed run leaves no partial output (on standard output, rows \
        written before an error stay written; the exit status is 1). This file holds \
        per-respondent data: keep it as confidential as the export.
        """)

    @Argument(help: "The survey export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "The codebook (YAML or JSON).") var codebook: String
    @Option(help: "Output CSV file (default: standard output).") var output: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
      if common.format.contains(where: { $0 != .csv }) {
        throw ValidationError("candor score writes CSV only; drop --format or use --format csv.")
      }
      if let output, output.isEmpty { throw ValidationError("--output needs a file name.") }
    }

    func run() throws {
      let summary = try ScoreExport.run(common.request(files: [file], codebook: codebook), output: output)
      if !common.quiet {
        var text = summary.lines.joined(separator: "\n") + "\n"
        if let output { text = "wrote \(output)\n" + text }
        FileHandle.standardError.write(Data(text.utf8))
      }
      if common.failOnWarning && !summary.warnings.isEmpty { throw ExitCode(1) }
    }
  }
}
