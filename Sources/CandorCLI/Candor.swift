import ArgumentParser
import Candor

/// The `candor` command: the root of the command tree.
@main
struct CandorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "candor",
    abstract: "Survey analytics for psychological safety, relational trust, values and retention.",
    discussion: """
      Exit status: 0 success (warnings listed); 1 data or runtime error (file, line and \
      column named); 64 usage error.
      """,
    version: CandorVersion.string,
    subcommands: [Analyze.self, Reliability.self, Factors.self, Values.self, Correlate.self, Drivers.self, Retention.self, Aggregate.self, Score.self, Describe.self, Validate.self, Init.self, Instruments.self, Generate.self]
  )
}
