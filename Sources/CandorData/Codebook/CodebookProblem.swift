import CandorNumerics

/// One problem found in a codebook: where it is, what is wrong and how to fix it.
public struct CodebookProblem: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable {
    case error, warning
  }
  public var severity: Severity
  /// Stable kebab-case code, e.g. `unknown-key`, `reverse-not-in-items`.
  public var code: String
  /// A whole sentence naming the problem and the fix.
  public var message: String
  /// Key path in the codebook, e.g. `scales[1].reverse`.
  public var path: String?
  /// Codebook file name, when loaded from a file.
  public var fileName: String?
  /// 1-based line of the key in the codebook, when known (Yams marks).
  public var line: Int?
  /// The scale concerned, if any.
  public var scale: String?

  public init(
    _ severity: Severity, code: String, message: String, path: String? = nil,
    fileName: String? = nil, line: Int? = nil, scale: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.path = path
    self.fileName = fileName
    self.line = line
    self.scale = scale
  }

  /// `file:line: [warning: ]message`.
  public var description: String {
    var prefix = fileName ?? "codebook"
    if let line { prefix += ":\(line)" }
    return "\(prefix): \(severity == .warning ? "warning: " : "")\(message)"
  }

  /// The problem as a result warning (for warnings carried into reports).
  public var analysisWarning: AnalysisWarning {
    AnalysisWarning(code: code, message: message, scale: scale)
  }
}

/// A codebook that cannot be used: every error found (and the warnings next to them).
public struct CodebookError: Error, Sendable, CustomStringConvertible {
  public var problems: [CodebookProblem]
  public init(problems: [CodebookProblem]) { self.problems = problems }
  public var errors: [CodebookProblem] { problems.filter { $0.severity == .error } }
  public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Levenshtein distance and "closest" suggestions for messages.
enum Suggest {
  /// Edit distance (insert, delete, substitute = 1), case-insensitive.
  static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count), cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
      cur[0] = i
      for j in 1...y.count {
        cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
      }
      swap(&prev, &cur)
    }
    return prev[y.count]
  }

  /// The candidate nearest to `word` (first in candidate order on ties).
  static func closest(to word: String, in candidates: [String]) -> String? {
    closest(to: word, in: candidates, limit: 1).first
  }

  /// Up to `limit` candidates nearest to `word`, nearest first (stable on ties).
  static func closest(to word: String, in candidates: [String], limit: Int) -> [String] {
    let scored = candidates.enumerated().map { (distance(word, $0.element), $0.offset, $0.element) }
    return scored.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.prefix(limit).map(\.2)
  }

  /// `"a", "b", "c"`.
  static func quoted(_ words: [String]) -> String {
    words.map { "\"\($0)\"" }.joined(separator: ", ")
  }
}
