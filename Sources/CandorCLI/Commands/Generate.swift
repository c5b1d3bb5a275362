import ArgumentParser
import Candor
import Foundation

extension SyntheticExportOptions.Layout: ExpressibleByArgument {}

extension CandorCommand {
  /// `candor generate`: a synthetic export with known truth.
  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a synthetic survey export with known truth (FILE.truth.json).",
      discussion: """
        Schools of varying sizes (some under 5), Edmondson items with school-level variance, a \
        12-item trust scale with 3 facets, PVQ-40 from a circular structure, intent to stay and \
        stayer/mover/leaver linked to trust and safety, 1–3 % missing cells. Deterministic in \
        --seed. With --waves W > 1, one file per wave (<stem>-wave<k>.<ext>). --layout xlsx writes \
        the plain columns as a one-sheet workbook (sheet "Responses").
        """)

    @Option(help: "Data rows per wave.") var rows: Int
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Number of schools (default: rows / 50, at least 2).") var schools: Int?
    @Option(help: "Number of waves.") var waves: Int = 1
    @Option(help: "Change of the psychological-safety latent mean per wave (latent SD units).") var shift: Double = 0
    @Option(help: "Layout: csv, qualtrics or xlsx.") var layout: SyntheticExportOptions.Layout = .csv
    @Option(help: "Output file.") var output: String

    func validate() throws {
      if rows < 1 { throw ValidationError("--rows must be at least 1, got \(rows).") }
      if waves < 1 { throw ValidationError("--waves must be at least 1, got \(waves).") }
      if let schools, schools < 1 || schools > rows {
        throw ValidationError("--schools must be between 1 and --rows (\(rows)), got \(schools).")
      }
    }

    func run() throws {
      try runReportingErrors {
        let options = SyntheticExportOptions(
          rows: rows, seed: seed, schools: schools, waves: waves, shift: shift, layout: layout)
        let truth = try SyntheticExport.write(options, to: URL(fileURLWithPath: output))
        FileHandle.standardError.write(Data(
          "wrote \(truth.files.joined(separator: ", ")) (\(rows) rows per wave, \(truth.schools) schools, \(truth.schoolsUnder5) under 5) and \(output).truth.json\n".utf8))
      }
    }
  }
}
