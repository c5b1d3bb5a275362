import Foundation

/// An item-keyed map that keeps item order when encoded as a JSON object
/// (`{"pvq1": …, "pvq2": …}` in codebook order, never sorted or hashed).
public struct ItemMap<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
  /// Keys in item order.
  public var keys: [String]
  /// Values, parallel to `keys`.
  public var values: [Value]

  public init(keys: [String], values: [Value]) {
    precondition(keys.count == values.count, "\(keys.count) keys for \(values.count) values")
    self.keys = keys
    self.values = values
  }

  /// The value for `key`, if present.
  public subscript(key: String) -> Value? {
    keys.firstIndex(of: key).map { values[$0] }
  }

  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    for (k, v) in zip(keys, values) { try container.encode(v, forKey: Key(stringValue: k)) }
  }

  /// Decodes an object; key order is the decoder's (JSON objects are unordered).
  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    keys = container.allKeys.map(\.stringValue)
    values = try container.allKeys.map { try container.decode(Value.self, forKey: $0) }
  }
}
