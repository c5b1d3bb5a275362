import ArgumentParser
import Candor

/// Output formats of every command (design.md §5).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, markdown, csv, json, html
}

/// Log line format on stderr.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// What an out-of-range item value does.
enum OutOfRangePolicy: String, ExpressibleByArgument, CaseIterable {
  case error, missing
}

extension MissingDataPolicy: ExpressibleByArgument {}

/// Options shared by the analysis commands (design.md §5, "Common options").
struct CommonOptions: ParsableArguments {
  @Option(name: .long, help: "Output format.")
  var format: [OutputFormat] = []

  @Option(name: .long, help: "Missing-data policy for covariances and correlations.")
  var missing: MissingDataPolicy = .pairwise

  @Option(name: .long, help: "Worker threads (default: all cores).")
  var threads: Int?

  @Option(name: .long, help: "Confidentiality threshold; may only raise the codebook's min_group_size.")
  var minGroupSize: Int?

  @Option(name: .long, help: "Field delimiter: auto, ',', ';' or '\\t' (overrides the codebook).")
  var delimiter: String?

  @Option(name: .long, help: "Text encoding: auto, utf-8, utf-16 or windows-1252 (overrides the codebook).")
  var encoding: String?

  @Option(name: .long, help: "An item value outside its scale's range: error (default) or missing (counted).")
  var outOfRange: OutOfRangePolicy = .error

  @Option(name: .long, help: "Log format on stderr.")
  var logFormat: LogFormat = .text

  @Flag(name: .long, help: "Exit 1 when any warning is raised (for schedulers).")
  var failOnWarning = false

  @Flag(name: .long, help: "No progress or log lines on stderr.")
  var quiet = false

  func validate() throws {
    if let threads, threads < 1 {
      throw ValidationError("--threads must be at least 1, got \(threads).")
    }
    if let minGroupSize, minGroupSize < 1 {
      throw ValidationError("--min-group-size must be at least 1, got \(minGroupSize).")
    }
  }
}
