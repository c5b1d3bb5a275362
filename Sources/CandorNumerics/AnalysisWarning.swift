/// A warning attached to a result: something the analyst should read, never fatal.
///
/// Rendered in every output (JSON `warnings[]`, tables, logs) and turned into a
/// non-zero exit by `--fail-on-warning`.
public struct AnalysisWarning: Codable, Sendable, Hashable {
  /// Stable machine-readable code, kebab-case, e.g. `constant-item`, `negative-item-rest`,
  /// `not-converged`, `heywood-case`, `matrix-smoothed`.
  public var code: String
  /// A whole sentence that says what happened and what to check.
  public var message: String
  /// The scale concerned, if any.
  public var scale: String?
  /// The item (column) concerned, if any.
  public var item: String?

  public init(code: String, message: String, scale: String? = nil, item: String? = nil) {
    self.code = code
    self.message = message
    self.scale = scale
    self.item = item
  }
}
