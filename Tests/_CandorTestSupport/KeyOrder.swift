import CandorReport

/// The object keys of `value` as CandorReport's ordered encoder writes them, per path:
/// `""` is the top level, `"alpha"`, `"itemStatistics.frequencies"` nested objects
/// (array positions are not part of a path; keys of all elements are merged in order).
/// Checks that `encode(to:)` follows design.md §7's field order.
public func encodedKeyOrder<T: Encodable>(_ value: T) throws -> [String: [String]] {
  var out: [String: [String]] = [:]
  func walk(_ v: JSONValue, _ path: String) {
    switch v {
    case .object(let entries):
      for (k, child) in entries {
        if !(out[path]?.contains(k) ?? false) { out[path, default: []].append(k) }
        walk(child, path.isEmpty ? k : "\(path).\(k)")
      }
    case .array(let items):
      for item in items { walk(item, path) }
    default: break
    }
  }
  walk(try OrderedJSONEncoder().encode(value), "")
  return out
}
