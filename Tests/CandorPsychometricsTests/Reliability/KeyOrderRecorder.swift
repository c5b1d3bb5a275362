/// A minimal `Encoder` that records the order in which keys are encoded, per object
/// path ("" = top level, "alpha", "itemStatistics.frequencies", ...). Array positions
/// are not part of the path. Checks that `encode(to:)` follows design.md §7's order,
/// which the report's ordered JSON writer preserves (Foundation's JSONEncoder does not).
final class KeyOrderRecorder {
  var keys: [String: [String]] = [:]

  func record(_ path: String, _ key: String) {
    if !(keys[path]?.contains(key) ?? false) { keys[path, default: []].append(key) }
  }

  static func keys(of value: some Encodable) throws -> [String: [String]] {
    let r = KeyOrderRecorder()
    try value.encode(to: RecordingEncoder(recorder: r, path: ""))
    return r.keys
  }
}

private struct RecordingEncoder: Encoder {
  let recorder: KeyOrderRecorder
  let path: String
  var codingPath: [any CodingKey] = []
  var userInfo: [CodingUserInfoKey: Any] = [:]

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    KeyedEncodingContainer(RecordingKeyed<Key>(recorder: recorder, path: path))
  }
  func unkeyedContainer() -> any UnkeyedEncodingContainer { RecordingUnkeyed(recorder: recorder, path: path) }
  func singleValueContainer() -> any SingleValueEncodingContainer { RecordingSingle(recorder: recorder, path: path) }
}

private struct RecordingKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let recorder: KeyOrderRecorder
  let path: String
  var codingPath: [any CodingKey] = []
  func child(_ key: Key) -> String { path.isEmpty ? key.stringValue : path + "." + key.stringValue }

  mutating func encodeNil(forKey key: Key) throws { recorder.record(path, key.stringValue) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    recorder.record(path, key.stringValue)
    try value.encode(to: RecordingEncoder(recorder: recorder, path: child(key)))
  }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                     forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
    recorder.record(path, key.stringValue)
    return KeyedEncodingContainer(RecordingKeyed<NestedKey>(recorder: recorder, path: child(key)))
  }
  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    recorder.record(path, key.stringValue)
    return RecordingUnkeyed(recorder: recorder, path: child(key))
  }
  mutating func superEncoder() -> any Encoder { RecordingEncoder(recorder: recorder, path: path) }
  mutating func superEncoder(forKey key: Key) -> any Encoder { RecordingEncoder(recorder: recorder, path: child(key)) }
}

private struct RecordingUnkeyed: UnkeyedEncodingContainer {
  let recorder: KeyOrderRecorder
  let path: String
  var codingPath: [any CodingKey] = []
  var count = 0
  mutating func encodeNil() throws { count += 1 }
  mutating func encode<T: Encodable>(_ value: T) throws {
    count += 1
    try value.encode(to: RecordingEncoder(recorder: recorder, path: path))
  }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    KeyedEncodingContainer(RecordingKeyed<NestedKey>(recorder: recorder, path: path))
  }
  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { RecordingUnkeyed(recorder: recorder, path: path) }
  mutating func superEncoder() -> any Encoder { RecordingEncoder(recorder: recorder, path: path) }
}

private struct RecordingSingle: SingleValueEncodingContainer {
  let recorder: KeyOrderRecorder
  let path: String
  var codingPath: [any CodingKey] = []
  mutating func encodeNil() throws {}
  mutating func encode<T: Encodable>(_ value: T) throws {
    try value.encode(to: RecordingEncoder(recorder: recorder, path: path))
  }
  mutating func encode(_ value: Bool) throws {}
  mutating func encode(_ value: String) throws {}
  mutating func encode(_ value: Double) throws {}
  mutating func encode(_ value: Int) throws {}
}
