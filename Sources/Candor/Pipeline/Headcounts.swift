import CandorData
import CandorNumerics
import Foundation

/// Invited staff per group, from the codebook's `headcounts:` file, for response rates
/// (respondents / invited) at the innermost level of `groups`.
///
/// Format (CSV, UTF-8, comma-separated, a header row, double quotes as in RFC 4180):
/// - `group,invited` — the first column is the group's label at the innermost `groups`
///   level (e.g. `S0014`), matched against the last label of each group's path; or
/// - one column per `groups` level, named as in the codebook, then `invited`
///   (`district,school_id,invited`) — the full path, for labels that repeat under
///   different parents.
///
/// `invited` is a non-negative whole number. A bad row, a duplicate group or a wrong
/// header is an error naming the file and line; a group that never occurs in the data
/// is a warning (e.g. a school with no respondents), and so is a label that matches
/// several groups (use the path columns).
public struct Headcounts: Sendable, Equatable {
  /// The file read (for messages).
  public var path: String
  /// Whether keys are full paths (one column per level) rather than innermost labels.
  public var keyedByPath: Bool
  /// Key (a one-element path when keyed by label) → invited, with its line.
  public var invited: [[String]: (count: Int, line: Int)]

  public static func == (a: Headcounts, b: Headcounts) -> Bool {
    a.path == b.path && a.keyedByPath == b.keyedByPath
      && a.invited.mapValues(\.count) == b.invited.mapValues(\.count)
  }

  /// Reads `path` for a codebook whose `groups` are `levels` (outermost first).
  public static func load(path: String, levels: [String]) throws -> Headcounts {
    guard let data = FileManager.default.contents(atPath: path),
          let text = String(data: data, encoding: .utf8) else {
      throw HeadcountsError(path: path, line: nil, message: "cannot read the file — check the `headcounts:` path (relative to the codebook)")
    }
    return try parse(text, path: path, levels: levels)
  }

  /// Parses headcounts text (see the type's documentation for the format).
  public static func parse(_ text: String, path: String, levels: [String]) throws -> Headcounts {
    guard !levels.isEmpty else {
      throw HeadcountsError(path: path, line: nil, message: "the codebook has `headcounts:` but no `groups` to count them by")
    }
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
      .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
    if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
    guard let headerLine = lines.first, !headerLine.isEmpty else {
      throw HeadcountsError(path: path, line: 1, message: "the file is empty; expected a header `group,invited`")
    }
    let header = try fields(headerLine, path: path, line: 1).map { $0.trimmingCharacters(in: .whitespaces) }
    guard header.count >= 2, header.last?.lowercased() == "invited" else {
      throw HeadcountsError(path: path, line: 1, message: "the header must be `group,invited` or `\((levels + ["invited"]).joined(separator: ","))`, found `\(header.joined(separator: ","))`")
    }
    let keyColumns = header.count - 1
    let byPath = keyColumns > 1 || (levels.count > 1 && header[0] == levels[0])
    if byPath && Array(header.dropLast()) != levels {
      throw HeadcountsError(path: path, line: 1, message: "path columns must be the codebook's groups in order (`\(levels.joined(separator: ","))`), found `\(header.dropLast().joined(separator: ","))`")
    }
    var out: [[String]: (count: Int, line: Int)] = [:]
    for (i, raw) in lines.enumerated().dropFirst() {
      let line = i + 1
      if raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
      let row = try fields(raw, path: path, line: line).map { $0.trimmingCharacters(in: .whitespaces) }
      guard row.count == header.count else {
        throw HeadcountsError(path: path, line: line, message: "expected \(header.count) fields, found \(row.count)")
      }
      let key = Array(row.dropLast())
      if key.contains(where: \.isEmpty) {
        throw HeadcountsError(path: path, line: line, message: "the group label is empty")
      }
      guard let n = Int(row.last!), n >= 0 else {
        throw HeadcountsError(path: path, line: line, message: "`invited` must be a whole number ≥ 0, found \"\(row.last!)\"")
      }
      if let previous = out[key] {
        throw HeadcountsError(path: path, line: line, message: "group \(key.joined(separator: " / ")) already has a headcount on line \(previous.line)")
      }
      out[key] = (n, line)
    }
    return Headcounts(path: path, keyedByPath: byPath, invited: out)
  }

  /// The invited count of each group of a level whose labels are `labels` (paths joined
  /// by " / "), with warnings for headcount rows that match no group or several.
  public func resolve(labels: [String]) -> (invited: [Int?], warnings: [AnalysisWarning]) {
    let paths = labels.map { $0.components(separatedBy: " / ") }
    var result = [Int?](repeating: nil, count: labels.count)
    var warnings: [AnalysisWarning] = []
    var byKey: [[String]: [Int]] = [:]
    for (g, p) in paths.enumerated() { byKey[keyedByPath ? p : [p.last ?? ""], default: []].append(g) }
    for (key, entry) in invited.sorted(by: { $0.value.line < $1.value.line }) {
      let name = key.joined(separator: " / ")
      guard let groups = byKey[key] else {
        warnings.append(AnalysisWarning(code: "headcount-unknown-group",
                                        message: "\(path), line \(entry.line): group \"\(name)\" has a headcount but no respondents in the data"))
        continue
      }
      if groups.count > 1 {
        warnings.append(AnalysisWarning(code: "headcount-ambiguous-group",
                                        message: "\(path), line \(entry.line): \"\(name)\" names \(groups.count) groups under different parents — give one column per groups level (\(name) is left without a response rate)"))
        continue
      }
      result[groups[0]] = entry.count
    }
    return (result, warnings)
  }

  /// The fields of one CSV line (double quotes, `""` inside quotes).
  static func fields(_ line: String, path: String, line number: Int) throws -> [String] {
    var out: [String] = []
    var field = ""
    var quoted = false, wasQuoted = false
    var chars = line.makeIterator()
    while let c = chars.next() {
      if quoted {
        if c == "\"" {
          // A doubled quote is a literal quote; a single one closes the field.
          var lookahead = chars
          if lookahead.next() == "\"" { field.append("\""); chars = lookahead } else { quoted = false }
        } else { field.append(c) }
      } else if c == "," {
        out.append(field); field = ""; wasQuoted = false
      } else if c == "\"" && field.trimmingCharacters(in: .whitespaces).isEmpty && !wasQuoted {
        quoted = true; wasQuoted = true; field = ""
      } else {
        field.append(c)
      }
    }
    if quoted { throw HeadcountsError(path: path, line: number, message: "a quoted field is not closed") }
    out.append(field)
    return out
  }
}

/// A headcounts file that cannot be used.
public struct HeadcountsError: Error, CustomStringConvertible, Equatable {
  public var path: String
  /// 1-based line, nil for the whole file.
  public var line: Int?
  public var message: String

  public var description: String {
    "\(path)\(line.map { ", line \($0)" } ?? ""): \(message)"
  }
}
