/// One place where a document breaks its schema.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
  /// JSON Pointer to the offending value (`/reliability/0/alpha/raw`; `` for the root).
  public var path: String
  public var message: String
  public var description: String { "\(path.isEmpty ? "/" : path): \(message)" }
}

/// A minimal JSON Schema (draft 2020-12) validator for Candor's own schemas.
///
/// Supported keywords: `type` (a name or an array of names; `integer` = a number with no
/// fractional part), `properties`, `required`, `additionalProperties` (boolean or schema),
/// `items`, `minItems`, `maxItems`, `enum`, `const`, `minimum`, `maximum`, `anyOf`, `oneOf`,
/// `$ref` to `#/$defs/<name>` (or `#`). Other keywords (`$schema`, `$id`, `title`,
/// `description`, ...) are ignored. Enough to check `summary.json` against
/// `schema/summary-v1.json` in tests and in `candor analyze` tests.
public struct SchemaValidator: Sendable {
  public let schema: JSONValue

  public init(schema: JSONValue) { self.schema = schema }

  /// Loads a schema from JSON text.
  public init(schemaText: String) throws {
    self.schema = try JSONValue.parse(schemaText)
  }

  /// Every violation in `document` (empty when valid).
  public func validate(_ document: JSONValue) -> [SchemaViolation] {
    var out: [SchemaViolation] = []
    check(document, against: schema, path: "", into: &out, depth: 0)
    return out
  }

  public func isValid(_ document: JSONValue) -> Bool { validate(document).isEmpty }

  private func resolve(_ ref: String) -> JSONValue? {
    if ref == "#" { return schema }
    let prefix = "#/$defs/"
    guard ref.hasPrefix(prefix) else { return nil }
    let name = String(ref.dropFirst(prefix.count))
    return schema["$defs"]?[name]
  }

  private static func typeName(_ v: JSONValue) -> String {
    switch v {
    case .null: return "null"
    case .bool: return "boolean"
    case .number(let d): return d == d.rounded() && d.isFinite ? "integer" : "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }

  private static func matches(_ v: JSONValue, type: String) -> Bool {
    let actual = typeName(v)
    return actual == type || (type == "number" && actual == "integer")
  }

  private static func escapePointer(_ s: String) -> String {
    s.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
  }

  private func check(_ v: JSONValue, against s: JSONValue, path: String, into out: inout [SchemaViolation], depth: Int) {
    guard depth < 64 else {
      out.append(SchemaViolation(path: path, message: "schema nesting too deep (recursive $ref?)"))
      return
    }
    if case .bool(let allowed) = s {
      if !allowed { out.append(SchemaViolation(path: path, message: "no value is allowed here")) }
      return
    }
    guard case .object = s else { return }

    if let ref = s["$ref"]?.stringValue {
      if let target = resolve(ref) {
        check(v, against: target, path: path, into: &out, depth: depth + 1)
      } else {
        out.append(SchemaViolation(path: path, message: "schema $ref '\(ref)' not found"))
      }
    }

    if let t = s["type"] {
      let types = t.arrayValue?.compactMap(\.stringValue) ?? [t.stringValue].compactMap { $0 }
      if !types.contains(where: { Self.matches(v, type: $0) }) {
        out.append(SchemaViolation(
          path: path, message: "expected \(types.joined(separator: " or ")), found \(Self.typeName(v))"))
        return  // the remaining keywords assume the type
      }
    }

    if let options = s["enum"]?.arrayValue, !options.contains(v) {
      out.append(SchemaViolation(
        path: path, message: "\(v.serialized(indent: nil)) is not one of \(JSONValue.array(options).serialized(indent: nil))"))
    }
    if let c = s["const"], c != v {
      out.append(SchemaViolation(path: path, message: "expected \(c.serialized(indent: nil))"))
    }

    if let x = v.doubleValue {
      if let m = s["minimum"]?.doubleValue, x < m {
        out.append(SchemaViolation(path: path, message: "\(JSONValue.numberText(x)) is below the minimum \(JSONValue.numberText(m))"))
      }
      if let m = s["maximum"]?.doubleValue, x > m {
        out.append(SchemaViolation(path: path, message: "\(JSONValue.numberText(x)) is above the maximum \(JSONValue.numberText(m))"))
      }
    }

    if case .object(let members) = v {
      let properties = s["properties"]?.objectValue ?? []
      for name in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where v[name] == nil {
        out.append(SchemaViolation(path: path, message: "missing required property '\(name)'"))
      }
      let additional = s["additionalProperties"]
      for (key, value) in members {
        let childPath = path + "/" + Self.escapePointer(key)
        if let sub = properties.first(where: { $0.0 == key })?.1 {
          check(value, against: sub, path: childPath, into: &out, depth: depth + 1)
        } else if let additional {
          if case .bool(false) = additional {
            out.append(SchemaViolation(path: childPath, message: "property '\(key)' is not allowed here"))
          } else {
            check(value, against: additional, path: childPath, into: &out, depth: depth + 1)
          }
        }
      }
    }

    if case .array(let elements) = v {
      if let m = s["minItems"]?.doubleValue, Double(elements.count) < m {
        out.append(SchemaViolation(path: path, message: "expected at least \(Int(m)) items, found \(elements.count)"))
      }
      if let m = s["maxItems"]?.doubleValue, Double(elements.count) > m {
        out.append(SchemaViolation(path: path, message: "expected at most \(Int(m)) items, found \(elements.count)"))
      }
      if let itemSchema = s["items"] {
        for (i, e) in elements.enumerated() {
          check(e, against: itemSchema, path: path + "/\(i)", into: &out, depth: depth + 1)
        }
      }
    }

    if let alternatives = s["anyOf"]?.arrayValue {
      let passing = alternatives.filter { alt in
        var tmp: [SchemaViolation] = []
        check(v, against: alt, path: path, into: &tmp, depth: depth + 1)
        return tmp.isEmpty
      }
      if passing.isEmpty {
        out.append(SchemaViolation(path: path, message: "matches none of the \(alternatives.count) allowed forms (anyOf)"))
      }
    }
    if let alternatives = s["oneOf"]?.arrayValue {
      let passing = alternatives.filter { alt in
        var tmp: [SchemaViolation] = []
        check(v, against: alt, path: path, into: &tmp, depth: depth + 1)
        return tmp.isEmpty
      }
      if passing.count != 1 {
        out.append(SchemaViolation(
          path: path, message: "must match exactly one of \(alternatives.count) forms (oneOf), matches \(passing.count)"))
      }
    }
  }
}
