/// An `Encoder` that records the object keys in the order `encode(to:)` emits
/// them (Foundation's `JSONEncoder` on Linux does not keep order; CandorReport's
/// ordered encoder does, so emission order is what must be right here).
final class KeyOrderRecorder {
  var keys: [String] = []

  func record<T: Encodable>(_ value: T) throws -> [String] {
    try value.encode(to: RecordingEncoder(recorder: self, path: ""))
    return keys
  }

  struct RecordingEncoder: Encoder {
    let recorder: KeyOrderRecorder
    let path: String
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
      KeyedEncodingContainer(Keyed<Key>(recorder: recorder, path: path))
    }
    func unkeyedContainer() -> UnkeyedEncodingContainer { Unkeyed(recorder: recorder, path: path) }
    func singleValueContainer() -> SingleValueEncodingContainer { Single(recorder: recorder, path: path) }
  }

  struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let recorder: KeyOrderRecorder
    let path: String
    var codingPath: [CodingKey] { [] }
    func child(_ key: Key) -> String {
      let p = path.isEmpty ? key.stringValue : path + "." + key.stringValue
      recorder.keys.append(p)
      return p
    }
    mutating func encodeNil(forKey key: Key) throws { _ = child(key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
      try value.encode(to: RecordingEncoder(recorder: recorder, path: child(key)))
    }
    mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> {
      KeyedEncodingContainer(Keyed<N>(recorder: recorder, path: child(key)))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer { Unkeyed(recorder: recorder, path: child(key)) }
    mutating func superEncoder() -> Encoder { RecordingEncoder(recorder: recorder, path: path) }
    mutating func superEncoder(forKey key: Key) -> Encoder { RecordingEncoder(recorder: recorder, path: child(key)) }
  }

  struct Unkeyed: UnkeyedEncodingContainer {
    let recorder: KeyOrderRecorder
    let path: String
    var codingPath: [CodingKey] { [] }
    var count = 0
    mutating func encodeNil() throws { count += 1 }
    mutating func encode<T: Encodable>(_ value: T) throws {
      count += 1
      try value.encode(to: RecordingEncoder(recorder: recorder, path: path + "[]"))
    }
    mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type) -> KeyedEncodingContainer<N> {
      KeyedEncodingContainer(Keyed<N>(recorder: recorder, path: path + "[]"))
    }
    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer { Unkeyed(recorder: recorder, path: path + "[]") }
    mutating func superEncoder() -> Encoder { RecordingEncoder(recorder: recorder, path: path) }
  }

  struct Single: SingleValueEncodingContainer {
    let recorder: KeyOrderRecorder
    let path: String
    var codingPath: [CodingKey] { [] }
    mutating func encodeNil() throws {}
    mutating func encode<T: Encodable>(_ value: T) throws {
      try value.encode(to: RecordingEncoder(recorder: recorder, path: path))
    }
    mutating func encode(_ value: Bool) throws {}
    mutating func encode(_ value: String) throws {}
    mutating func encode(_ value: Double) throws {}
    mutating func encode(_ value: Float) throws {}
    mutating func encode(_ value: Int) throws {}
    mutating func encode(_ value: Int8) throws {}
    mutating func encode(_ value: Int16) throws {}
    mutating func encode(_ value: Int32) throws {}
    mutating func encode(_ value: Int64) throws {}
    mutating func encode(_ value: UInt) throws {}
    mutating func encode(_ value: UInt8) throws {}
    mutating func encode(_ value: UInt16) throws {}
    mutating func encode(_ value: UInt32) throws {}
    mutating func encode(_ value: UInt64) throws {}
  }
}
