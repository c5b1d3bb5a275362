/// Encodes `Encodable` values to `JSONValue` with object keys in the order they are encoded.
///
/// Synthesised `Encodable` conformances encode stored properties in declaration order, so a
/// result struct serialises with its fields in declaration order — the stable field order that
/// design.md §7 promises. Foundation's `JSONEncoder` does not guarantee any order.
///
/// Conventions:
/// - `nil` optionals are written as `null` (`nilEncoding: .null`, the §7 convention, e.g.
///   `"wave": null`), or left out with `.omit`.
/// - Swift `Dictionary` values with `String` keys have no order of their own; their keys are
///   written in natural order (`pvq2` before `pvq10`). Prefer `ItemMap` (CandorPsychometrics) when the order
///   means something (item order, factor order).
/// - NaN and ±∞ become `null` when the document is written (`JSONValue.serialized`).
///
/// ```swift
/// struct Alpha: Encodable { var raw: Double; var standardized: Double }
/// let json = try OrderedJSONEncoder().encode(Alpha(raw: 0.81, standardized: 0.82))
/// json.serialized(indent: nil)  // {"raw":0.81,"standardized":0.82}
/// ```
public struct OrderedJSONEncoder: Sendable {
  /// What to do with `nil` optionals.
  public enum NilEncoding: Sendable { case null, omit }

  public var nilEncoding: NilEncoding

  public init(nilEncoding: NilEncoding = .null) {
    self.nilEncoding = nilEncoding
  }

  /// The value as an ordered `JSONValue` tree.
  public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
    if let json = value as? JSONValue { return json }
    let root = EncodingNode()
    let options = EncodingOptions(nilEncoding: nilEncoding)
    try value.encode(to: TreeEncoder(node: root, codingPath: [], options: options))
    return root.resolved()
  }

  /// The value as pretty-printed JSON text (2-space indent), ending in a newline.
  public func encodeText<T: Encodable>(_ value: T, indent: Int? = 2) throws -> String {
    try encode(value).serialized(indent: indent) + "\n"
  }
}

/// A coding key made from any string (or index).
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
  public var stringValue: String
  public var intValue: Int?
  public init(_ string: String) { self.stringValue = string; self.intValue = nil }
  public init?(stringValue: String) { self.init(stringValue) }
  public init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

/// Orders strings so that embedded runs of digits compare by value: `pvq2` < `pvq10`.
public func naturalOrder(_ a: String, _ b: String) -> Bool {
  var i = a.unicodeScalars.makeIterator()
  var j = b.unicodeScalars.makeIterator()
  var ca = i.next()
  var cb = j.next()
  func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0.value >= 48 && $0.value <= 57 } ?? false }
  while let x = ca, let y = cb {
    if isDigit(x) && isDigit(y) {
      var da = "", db = ""
      while isDigit(ca) { da.unicodeScalars.append(ca!); ca = i.next() }
      while isDigit(cb) { db.unicodeScalars.append(cb!); cb = j.next() }
      let ta = da.drop { $0 == "0" }, tb = db.drop { $0 == "0" }
      if ta.count != tb.count { return ta.count < tb.count }
      if ta != tb { return ta < tb }
      if da.count != db.count { return da.count < db.count }
      continue
    }
    if x != y { return x.value < y.value }
    ca = i.next()
    cb = j.next()
  }
  return ca == nil && cb != nil
}

// MARK: - Internals

struct EncodingOptions {
  var nilEncoding: OrderedJSONEncoder.NilEncoding
}

/// Marks `[String: V]` so its keys can be put in natural order.
private protocol StringKeyedDictionary {}
extension Dictionary: StringKeyedDictionary where Key == String {}

final class EncodingNode {
  enum Content {
    case empty
    case value(JSONValue)
    case object(ObjectStorage)
    case array(ArrayStorage)
  }
  var content: Content = .empty

  func resolved() -> JSONValue {
    switch content {
    case .empty: return .object([])
    case .value(let v): return v
    case .object(let o):
      var members = o.members.map { ($0.0, $0.1.resolved()) }
      if o.sortKeys { members.sort { naturalOrder($0.0, $1.0) } }
      return .object(members)
    case .array(let a): return .array(a.elements.map { $0.resolved() })
    }
  }

  func objectStorage() -> ObjectStorage {
    if case .object(let o) = content { return o }
    let o = ObjectStorage()
    content = .object(o)
    return o
  }

  func arrayStorage() -> ArrayStorage {
    if case .array(let a) = content { return a }
    let a = ArrayStorage()
    content = .array(a)
    return a
  }
}

final class ObjectStorage {
  var members: [(String, EncodingNode)] = []
  var sortKeys = false

  func node(for key: String) -> EncodingNode {
    let node = EncodingNode()
    if let i = members.firstIndex(where: { $0.0 == key }) {
      members[i].1 = node
    } else {
      members.append((key, node))
    }
    return node
  }
}

final class ArrayStorage {
  var elements: [EncodingNode] = []
  func append() -> EncodingNode {
    let node = EncodingNode()
    elements.append(node)
    return node
  }
}

/// Encodes `value` into `node`, short-cutting the leaf types that need no container.
private func encodeValue<T: Encodable>(
  _ value: T, into node: EncodingNode, codingPath: [any CodingKey], options: EncodingOptions
) throws {
  switch value {
  case let v as JSONValue: node.content = .value(v)
  case let v as Double: node.content = .value(.number(v))
  case let v as Float: node.content = .value(.number(Double(v)))
  case let v as String: node.content = .value(.string(v))
  case let v as Bool: node.content = .value(.bool(v))
  default:
    try value.encode(to: TreeEncoder(node: node, codingPath: codingPath, options: options))
    // The enum test first: the conformance test is a runtime lookup, and only objects need it.
    if case .object(let o) = node.content, value is StringKeyedDictionary { o.sortKeys = true }
  }
}

struct TreeEncoder: Encoder {
  let node: EncodingNode
  let codingPath: [any CodingKey]
  let options: EncodingOptions
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    KeyedEncodingContainer(KeyedTreeContainer<Key>(storage: node.objectStorage(), codingPath: codingPath, options: options))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    UnkeyedTreeContainer(storage: node.arrayStorage(), codingPath: codingPath, options: options)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleTreeContainer(node: node, codingPath: codingPath, options: options)
  }
}

struct KeyedTreeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let storage: ObjectStorage
  let codingPath: [any CodingKey]
  let options: EncodingOptions

  private func set(_ value: JSONValue, _ key: Key) { storage.node(for: key.stringValue).content = .value(value) }

  mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
  mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
  mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
  mutating func encode(_ value: Double, forKey key: Key) throws { set(.number(value), key) }
  mutating func encode(_ value: Float, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: Int, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: Int8, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.number(Double(value)), key) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try encodeValue(value, into: storage.node(for: key.stringValue), codingPath: codingPath + [key], options: options)
  }

  // Optionals: `null` by default instead of the standard library's "leave the key out".
  private mutating func encodeOptional<T: Encodable>(_ value: T?, _ key: Key) throws {
    if let value {
      try encode(value, forKey: key)
    } else if options.nilEncoding == .null {
      set(.null, key)
    }
  }
  mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOptional(value, key) }
  mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try encodeOptional(value, key) }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    let child = storage.node(for: key.stringValue)
    return KeyedEncodingContainer(
      KeyedTreeContainer<NestedKey>(storage: child.objectStorage(), codingPath: codingPath + [key], options: options))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let child = storage.node(for: key.stringValue)
    return UnkeyedTreeContainer(storage: child.arrayStorage(), codingPath: codingPath + [key], options: options)
  }

  mutating func superEncoder() -> any Encoder {
    TreeEncoder(node: storage.node(for: "super"), codingPath: codingPath, options: options)
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    TreeEncoder(node: storage.node(for: key.stringValue), codingPath: codingPath + [key], options: options)
  }
}

struct UnkeyedTreeContainer: UnkeyedEncodingContainer {
  let storage: ArrayStorage
  let codingPath: [any CodingKey]
  let options: EncodingOptions
  var count: Int { storage.elements.count }

  private func append(_ value: JSONValue) { storage.append().content = .value(value) }
  private var indexKey: AnyCodingKey { AnyCodingKey(intValue: storage.elements.count)! }

  mutating func encodeNil() throws { append(.null) }
  mutating func encode(_ value: Bool) throws { append(.bool(value)) }
  mutating func encode(_ value: String) throws { append(.string(value)) }
  mutating func encode(_ value: Double) throws { append(.number(value)) }
  mutating func encode(_ value: Float) throws { append(.number(Double(value))) }
  mutating func encode(_ value: Int) throws { append(.number(Double(value))) }
  mutating func encode(_ value: Int8) throws { append(.number(Double(value))) }
  mutating func encode(_ value: Int16) throws { append(.number(Double(value))) }
  mutating func encode(_ value: Int32) throws { append(.number(Double(value))) }
  mutating func encode(_ value: Int64) throws { append(.number(Double(value))) }
  mutating func encode(_ value: UInt) throws { append(.number(Double(value))) }
  mutating func encode(_ value: UInt8) throws { append(.number(Double(value))) }
  mutating func encode(_ value: UInt16) throws { append(.number(Double(value))) }
  mutating func encode(_ value: UInt32) throws { append(.number(Double(value))) }
  mutating func encode(_ value: UInt64) throws { append(.number(Double(value))) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    let key = indexKey
    try encodeValue(value, into: storage.append(), codingPath: codingPath + [key], options: options)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    let key = indexKey
    return KeyedEncodingContainer(
      KeyedTreeContainer<NestedKey>(storage: storage.append().objectStorage(), codingPath: codingPath + [key], options: options))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let key = indexKey
    return UnkeyedTreeContainer(storage: storage.append().arrayStorage(), codingPath: codingPath + [key], options: options)
  }

  mutating func superEncoder() -> any Encoder {
    let key = indexKey
    return TreeEncoder(node: storage.append(), codingPath: codingPath + [key], options: options)
  }
}

struct SingleTreeContainer: SingleValueEncodingContainer {
  let node: EncodingNode
  let codingPath: [any CodingKey]
  let options: EncodingOptions

  private func set(_ value: JSONValue) { node.content = .value(value) }

  mutating func encodeNil() throws { set(.null) }
  mutating func encode(_ value: Bool) throws { set(.bool(value)) }
  mutating func encode(_ value: String) throws { set(.string(value)) }
  mutating func encode(_ value: Double) throws { set(.number(value)) }
  mutating func encode(_ value: Float) throws { set(.number(Double(value))) }
  mutating func encode(_ value: Int) throws { set(.number(Double(value))) }
  mutating func encode(_ value: Int8) throws { set(.number(Double(value))) }
  mutating func encode(_ value: Int16) throws { set(.number(Double(value))) }
  mutating func encode(_ value: Int32) throws { set(.number(Double(value))) }
  mutating func encode(_ value: Int64) throws { set(.number(Double(value))) }
  mutating func encode(_ value: UInt) throws { set(.number(Double(value))) }
  mutating func encode(_ value: UInt8) throws { set(.number(Double(value))) }
  mutating func encode(_ value: UInt16) throws { set(.number(Double(value))) }
  mutating func encode(_ value: UInt32) throws { set(.number(Double(value))) }
  mutating func encode(_ value: UInt64) throws { set(.number(Double(value))) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    try encodeValue(value, into: node, codingPath: codingPath, options: options)
  }
}

extension JSONValue: Encodable {
  /// Encodes the tree through any encoder (object keys in order when the encoder keeps order).
  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .null:
      var c = encoder.singleValueContainer()
      try c.encodeNil()
    case .bool(let b):
      var c = encoder.singleValueContainer()
      try c.encode(b)
    case .number(let d):
      var c = encoder.singleValueContainer()
      try c.encode(d)
    case .string(let s):
      var c = encoder.singleValueContainer()
      try c.encode(s)
    case .array(let a):
      var c = encoder.unkeyedContainer()
      for e in a { try c.encode(e) }
    case .object(let o):
      var c = encoder.container(keyedBy: AnyCodingKey.self)
      for (k, v) in o { try c.encode(v, forKey: AnyCodingKey(k)) }
    }
  }
}
