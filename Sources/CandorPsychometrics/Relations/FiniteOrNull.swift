/// A `Double` that encodes as JSON `null` when it is NaN or infinite.
///
/// Statistics are undefined in ordinary cases (a constant variable's r, the F
/// of a single group, an odds ratio under separation); `JSONEncoder` refuses
/// non-finite numbers, so result fields that can be undefined use this wrapper
/// and the output carries `null` instead of failing. Decoding `null` gives NaN.
@propertyWrapper
public struct FiniteOrNull: Codable, Sendable, Equatable, Hashable {
  public var wrappedValue: Double
  public init(wrappedValue: Double) { self.wrappedValue = wrappedValue }

  /// Structural equality: two undefined (NaN) statistics are equal.
  public static func == (a: Self, b: Self) -> Bool { same(a.wrappedValue, b.wrappedValue) }
  public func hash(into hasher: inout Hasher) { hasher.combine(wrappedValue.isNaN ? .nan : wrappedValue) }

  public init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    wrappedValue = c.decodeNil() ? .nan : try c.decode(Double.self)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    if wrappedValue.isFinite { try c.encode(wrappedValue) } else { try c.encodeNil() }
  }
}

/// `[Double]` whose non-finite entries encode as JSON `null` (e.g. `ci95`).
@propertyWrapper
public struct FiniteOrNullArray: Codable, Sendable, Equatable, Hashable {
  public var wrappedValue: [Double]
  public init(wrappedValue: [Double]) { self.wrappedValue = wrappedValue }

  /// Structural equality: NaN entries equal NaN entries.
  public static func == (a: Self, b: Self) -> Bool {
    a.wrappedValue.count == b.wrappedValue.count && zip(a.wrappedValue, b.wrappedValue).allSatisfy { same($0, $1) }
  }
  public func hash(into hasher: inout Hasher) { for v in wrappedValue { hasher.combine(v.isNaN ? .nan : v) } }

  public init(from decoder: Decoder) throws {
    wrappedValue = try decoder.singleValueContainer().decode([Double?].self).map { $0 ?? .nan }
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(wrappedValue.map { $0.isFinite ? $0 : nil })
  }
}

extension KeyedEncodingContainer {
  /// Encodes a finite value, or `null`.
  mutating func encodeFinite(_ value: Double, forKey key: Key) throws {
    if value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
  }
}

@inline(__always) func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
