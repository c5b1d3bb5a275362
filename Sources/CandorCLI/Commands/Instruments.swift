import ArgumentParser
import Candor

extension CandorCommand {
  struct Instruments: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the built-in instruments, or show one.")
    @Argument(help: "An instrument id, e.g. edmondson-tps7.") var id: String?
    func run() throws {
      print("edmondson-tps7")
    }
  }
}
