/// A JSON value whose objects keep their keys in insertion order.
///
/// Candor's JSON output (design.md §7) is a stable contract: field order is part of what
/// people diff between runs, so objects are ordered `[(key, value)]` lists rather than
/// dictionaries. Numbers are `Double`; integers are printed without a fractional part and
/// non-finite values (NaN, ±∞) are written as `null` (JSON has no spelling for them).
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b || (a.isNaN && b.isNaN)
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let b): hasher.combine(1); hasher.combine(b)
    case .number(let d): hasher.combine(2); hasher.combine(d.isNaN ? Double.nan.bitPattern : d.bitPattern)
    case .string(let s): hasher.combine(3); hasher.combine(s)
    case .array(let a): hasher.combine(4); hasher.combine(a)
    case .object(let o):
      hasher.combine(5)
      for (k, v) in o { hasher.combine(k); hasher.combine(v) }
    }
  }

  // MARK: Access

  /// The value stored under `key` when this is an object (first match), else `nil`.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  /// The element at `index` when this is an array and the index is in range, else `nil`.
  public subscript(index: Int) -> JSONValue? {
    guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
    return elements[index]
  }

  /// The object's keys in order (empty for non-objects).
  public var keys: [String] {
    guard case .object(let members) = self else { return [] }
    return members.map(\.0)
  }

  public var doubleValue: Double? {
    if case .number(let d) = self { return d }
    return nil
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var objectValue: [(String, JSONValue)]? {
    if case .object(let o) = self { return o }
    return nil
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// A copy with `value` stored under `key`: replaced in place when the key exists,
  /// appended otherwise. Non-objects are returned unchanged.
  public func setting(_ key: String, to value: JSONValue) -> JSONValue {
    guard case .object(var members) = self else { return self }
    if let i = members.firstIndex(where: { $0.0 == key }) {
      members[i].1 = value
    } else {
      members.append((key, value))
    }
    return .object(members)
  }
}

// MARK: - Writing

extension JSONValue {
  /// JSON text: compact (`indent: nil`) or pretty with `indent` spaces per level (Candor's
  /// files use 2). Keys keep their order; non-ASCII text is written as UTF-8.
  public func serialized(indent: Int? = 2) -> String {
    var out = ""
    write(to: &out, indent: indent, level: 0)
    return out
  }

  /// The text of a JSON number: integers (|x| < 2⁵³) without a fractional part, other
  /// finite doubles in Swift's shortest round-trip form (`description`), NaN/±∞ as `null`.
  public static func numberText(_ x: Double) -> String {
    guard x.isFinite else { return "null" }
    if x == x.rounded(), abs(x) < 9_007_199_254_740_992 {
      if x == 0 { return "0" }  // also turns -0 into 0
      return String(Int64(x))
    }
    // Swift prints 1e-05 / 1e+20; JSON accepts both forms ("e-05", "e+20").
    return x.description
  }

  /// `s` as a JSON string literal with the mandatory escapes.
  public static func quoted(_ s: String) -> String {
    // Most keys and labels need no escape: copied as they are.
    if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + s + "\"" }
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
    return out
  }

  private func write(to out: inout String, indent: Int?, level: Int) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let d): out += JSONValue.numberText(d)
    case .string(let s): out += JSONValue.quoted(s)
    case .array(let elements):
      if elements.isEmpty { out += "[]"; return }
      // Short arrays of scalars stay on one line ([0.71, 0.84]) for readability.
      let scalarOnly = elements.allSatisfy { !$0.isContainer }
      if indent == nil || (scalarOnly && elements.count <= 8) {
        out += "["
        for (i, e) in elements.enumerated() {
          if i > 0 { out += indent == nil ? "," : ", " }
          e.write(to: &out, indent: indent, level: level + 1)
        }
        out += "]"
        return
      }
      let pad = String(repeating: " ", count: indent! * (level + 1))
      out += "[\n"
      for (i, e) in elements.enumerated() {
        out += pad
        e.write(to: &out, indent: indent, level: level + 1)
        out += i + 1 < elements.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent! * level) + "]"
    case .object(let members):
      if members.isEmpty { out += "{}"; return }
      guard let indent else {
        out += "{"
        for (i, (k, v)) in members.enumerated() {
          if i > 0 { out += "," }
          out += JSONValue.quoted(k) + ":"
          v.write(to: &out, indent: nil, level: level + 1)
        }
        out += "}"
        return
      }
      let pad = String(repeating: " ", count: indent * (level + 1))
      out += "{\n"
      for (i, (k, v)) in members.enumerated() {
        out += pad + JSONValue.quoted(k) + ": "
        v.write(to: &out, indent: indent, level: level + 1)
        out += i + 1 < members.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent * level) + "}"
    }
  }

  private var isContainer: Bool {
    switch self {
    case .array, .object: return true
    default: return false
    }
  }
}

// MARK: - Parsing

/// Why JSON text could not be parsed, with the byte offset of the problem.
public struct JSONParseError: Error, CustomStringConvertible, Equatable {
  public var offset: Int
  public var reason: String
  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONValue {
  /// Parses JSON text (RFC 8259) keeping object key order. Duplicate keys are kept as
  /// written (first one wins for `subscript`).
  public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
    var parser = JSONParser(bytes: Array(text.utf8))
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.position == parser.bytes.count else {
      throw JSONParseError(offset: parser.position, reason: "unexpected text after the value")
    }
    return value
  }
}

private struct JSONParser {
  let bytes: [UInt8]
  var position = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  mutating func skipWhitespace() {
    while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) {
      position += 1
    }
  }

  func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: position, reason: reason) }

  mutating func expect(_ literal: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
    let l = Array(literal.utf8)
    guard position + l.count <= bytes.count, Array(bytes[position..<position + l.count]) == l else {
      throw fail("expected '\(literal)'")
    }
    position += l.count
    return value
  }

  mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth < 512 else { throw fail("nesting deeper than 512") }
    guard position < bytes.count else { throw fail("unexpected end of input") }
    switch bytes[position] {
    case UInt8(ascii: "n"): return try expect("null", .null)
    case UInt8(ascii: "t"): return try expect("true", .bool(true))
    case UInt8(ascii: "f"): return try expect("false", .bool(false))
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "["):
      position += 1
      var elements: [JSONValue] = []
      skipWhitespace()
      if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array([]) }
      while true {
        skipWhitespace()
        elements.append(try parseValue(depth: depth + 1))
        skipWhitespace()
        guard position < bytes.count else { throw fail("unterminated array") }
        if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
        if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
        throw fail("expected ',' or ']' in array")
      }
    case UInt8(ascii: "{"):
      position += 1
      var members: [(String, JSONValue)] = []
      skipWhitespace()
      if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object([]) }
      while true {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
          throw fail("expected a string key")
        }
        let key = try parseString()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        position += 1
        skipWhitespace()
        members.append((key, try parseValue(depth: depth + 1)))
        skipWhitespace()
        guard position < bytes.count else { throw fail("unterminated object") }
        if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
        if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
        throw fail("expected ',' or '}' in object")
      }
    default:
      return .number(try parseNumber())
    }
  }

  mutating func parseNumber() throws(JSONParseError) -> Double {
    let start = position
    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
    guard position < bytes.count, isDigit(bytes[position]) else { throw fail("expected a value") }
    if bytes[position] == UInt8(ascii: "0") {
      position += 1
    } else {
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      position += 1
      guard position < bytes.count, isDigit(bytes[position]) else { throw fail("expected a digit after '.'") }
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
      position += 1
      if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
        position += 1
      }
      guard position < bytes.count, isDigit(bytes[position]) else { throw fail("expected an exponent") }
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    guard let value = Double(text) else { throw JSONParseError(offset: start, reason: "bad number '\(text)'") }
    return value
  }

  mutating func parseHex4() throws(JSONParseError) -> UInt32 {
    guard position + 4 <= bytes.count,
      let v = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
    else { throw fail("bad \\u escape") }
    position += 4
    return v
  }

  mutating func parseString() throws(JSONParseError) -> String {
    position += 1  // opening quote
    var scalars = String.UnicodeScalarView()
    var run: [UInt8] = []
    func flush(_ run: inout [UInt8], into scalars: inout String.UnicodeScalarView) {
      if !run.isEmpty { scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars); run.removeAll() }
    }
    while true {
      guard position < bytes.count else { throw fail("unterminated string") }
      let b = bytes[position]
      if b == UInt8(ascii: "\"") {
        position += 1
        flush(&run, into: &scalars)
        return String(scalars)
      }
      if b < 0x20 { throw fail("control character in string") }
      if b != UInt8(ascii: "\\") {
        run.append(b)
        position += 1
        continue
      }
      flush(&run, into: &scalars)
      position += 1
      guard position < bytes.count else { throw fail("unterminated escape") }
      let e = bytes[position]
      position += 1
      switch e {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "/"): scalars.append("/")
      case UInt8(ascii: "b"): scalars.append("\u{08}")
      case UInt8(ascii: "f"): scalars.append("\u{0C}")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "u"):
        var code = try parseHex4()
        if (0xD800..<0xDC00).contains(code) {
          guard position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
            bytes[position + 1] == UInt8(ascii: "u")
          else { throw fail("unpaired surrogate") }
          position += 2
          let low = try parseHex4()
          guard (0xDC00..<0xE000).contains(low) else { throw fail("bad low surrogate") }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw fail("invalid code point") }
        scalars.append(scalar)
      default: throw fail("unknown escape")
      }
    }
  }
}

// MARK: - Literals

/// Literals build ordered values: `["scale": "ps", "n": 412, "ci95": [0.7, 0.8], "omega": nil]`
/// keeps the keys in the order written.
extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
}
