import ArgumentParser
import Candor
import Foundation

extension CandorCommand {
  /// `candor init FILE`: a starter codebook guessed from the file.
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a starter codebook (YAML, commented) guessed from an export.",
      discussion: """
        Guesses the layout, delimiter, id, groups, cuts, one scale per run of item columns \
        sharing a name prefix (ps1..ps7 → ps) with the observed range, label maps from text \
        answers and the missing codes seen. Every guess to check is marked TODO.
        """)

    @Argument(help: "The export (CSV/TSV, .xlsx or .sav).") var file: String
    @Option(name: .shortAndLong, help: "Write the codebook here instead of stdout.") var output: String?
    @Flag(help: "Overwrite --output if it exists.") var force = false

    func validate() throws {
      if let output, !force, FileManager.default.fileExists(atPath: output) {
        throw ValidationError("\(output) exists; pass --force to overwrite it.")
      }
    }

    func run() throws {
      try runReportingErrors(file: file) {
        let profile = try StarterCodebook.profile(path: file)
        let text = StarterCodebook.yaml(profile)
        if let output {
          try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
          FileHandle.standardError.write(Data("wrote \(output)\n".utf8))
        } else {
          try StandardOutput.write(text)
        }
      }
    }
  }
}
