import Foundation

/// A string-keyed map that keeps its order when encoded as a JSON object
/// (`{"pvq1": …, "pvq2": …}` in codebook order, never sorted or hashed): loadings by
/// item, weights by predictor. Undefined numbers (NaN) encode as `null` and decode back
/// as NaN, since JSON has no NaN.
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
    for (k, v) in zip(keys, values) {
      let key = Key(stringValue: k)
      if let d = v as? Double { try container.encode(d.isFinite ? d : nil, forKey: key) }
      else if let a = v as? [Double] { try container.encode(a.map { $0.isFinite ? $0 : nil }, forKey: key) }
      else { try container.encode(v, forKey: key) }
    }
  }

  /// Decodes an object; key order is the decoder's (JSON objects are unordered).
  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    keys = container.allKeys.map(\.stringValue)
    values = try container.allKeys.map { key in
      if Value.self == Double.self, try container.decodeNil(forKey: key) { return Double.nan as! Value }
      if Value.self == [Double].self { return try container.decode([Double?].self, forKey: key).map { $0 ?? .nan } as! Value }
      return try container.decode(Value.self, forKey: key)
    }
  }
}
