import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  /// `candor describe FILE [--codebook C]`: dialect, columns, inferred types, missingness.
  struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Describe an export: dialect detected, columns, inferred types, missingness, item frequencies.",
      discussion: """
        One streaming pass with bounded memory (at most 50 distinct values tracked per column; \
        group columns up to 10,000). Free-text, id-like and high-cardinality columns show counts \
        only, never values. Group columns (the codebook's groups and cuts; without a codebook, \
        categorical columns that are not answer scales) show their number of levels and how \
        many are under the confidentiality threshold, never their sizes.
        """)

    @Argument(help: "The export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(help: "A codebook: dialect settings, missing codes, groups, cuts and min_group_size.") var codebook: String?
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table
    @Option(help: "Confidentiality threshold; may only raise the codebook's min_group_size.") var minGroupSize: Int?
    @Option(help: "Parsing threads (default: all cores).") var threads: Int?

    func validate() throws {
      guard format == .table || format == .json else {
        throw ValidationError("describe writes --format table or json, got \(format.rawValue).")
      }
      if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads).") }
      if let minGroupSize, minGroupSize < 1 { throw ValidationError("--min-group-size must be at least 1, got \(minGroupSize).") }
    }

    func run() throws {
      try runReportingErrors(file: file) {
        let book = try codebook.map { try Codebook.load(contentsOf: URL(fileURLWithPath: $0)) }
        let profile = try FileProfile.profile(path: file, codebook: book, minGroupSize: minGroupSize, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        switch format {
        case .json: try StandardOutput.write(try DescribeReport.json(profile) + "\n")
        default: try StandardOutput.write(DescribeReport.table(profile))
        }
      }
    }
  }
}
