@_exported import CandorNumerics
@_exported import CandorData
@_exported import CandorPsychometrics
@_exported import CandorReport

/// Candor's version, reported by `candor --version` and in every output's provenance.
public enum CandorVersion {
  public static let string = "0.1.0"
  /// The JSON output schema version (design.md §7).
  public static let schema = 1
}
