extension CoMomentAccumulator {
  /// Why a byte buffer is not a usable serialised accumulator.
  public enum SerializationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The buffer does not start with `CNDRCM`: not a Candor co-moment accumulator.
    case wrongMagic
    /// Written by a format version this build does not read.
    case unsupportedVersion(found: Int, supported: Int)
    /// The buffer ends before the header or payload does (a cut-off transfer or file).
    case truncated(expectedBytes: Int, actualBytes: Int)
    /// The payload's FNV-1a-64 does not match the header: the bytes were altered.
    case checksumMismatch(expected: UInt64, actual: UInt64)
    /// The checksum matched but the payload is inconsistent (written by a buggy writer).
    case malformed(String)

    public var description: String {
      switch self {
      case .wrongMagic:
        return "not a Candor co-moment accumulator: the buffer does not start with \"CNDRCM\""
      case .unsupportedVersion(let found, let supported):
        return "co-moment accumulator format version \(found) is not supported (this build reads version \(supported)); use the Candor version that wrote it"
      case .truncated(let expected, let actual):
        return "co-moment accumulator is truncated: expected \(expected) bytes, got \(actual); copy the shard again"
      case .checksumMismatch(let expected, let actual):
        return "co-moment accumulator is corrupted: checksum \(String(actual, radix: 16)) does not match \(String(expected, radix: 16)) in its header; copy the shard again"
      case .malformed(let why):
        return "co-moment accumulator is malformed: \(why)"
      }
    }
  }

  /// Magic bytes at the start of every serialised accumulator.
  public static let serializationMagic: [UInt8] = Array("CNDRCM".utf8)
  /// The format version ``serialized()`` writes.
  public static let serializationVersion = 1

  /// The accumulator as bytes, to merge shards computed on other machines.
  ///
  /// Format version 1, all integers little-endian:
  ///
  ///     0   6  "CNDRCM"
  ///     6   2  version (UInt16) = 1
  ///     8   8  payload length in bytes (UInt64)
  ///     16  8  FNV-1a-64 of the payload (UInt64)
  ///     24  …  payload: 64-bit words (Int64, or Double bit patterns):
  ///            p, rows, completeRows,
  ///            exact: pairCount, pairSum, pairSquares, cross [p² each],
  ///                   completeCount, completeSum[p], completeCross[p²],
  ///            centred: offset[p], pairCount, pairMean, pairM2, cross [p² each],
  ///                   completeCount, completeMean[p], completeCross[p²]
  ///
  /// Doubles are stored as their bit patterns, so a round trip is exact.
  /// - Complexity: O(p²).
  public func serialized() -> [UInt8] {
    var payload = [UInt8]()
    let p = variables
    payload.reserveCapacity(8 * (3 + 2 * (5 * p * p + 1 + p) + p))
    func int(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { payload.append(contentsOf: $0) } }
    func ints(_ v: [Int]) { for x in v { int(x) } }
    func doubles(_ v: [Double]) {
      for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
    }
    int(p); int(rows); int(completeRows)
    ints(exact.pairCount); ints(exact.pairSum); ints(exact.pairSquares); ints(exact.cross)
    int(exact.completeCount); ints(exact.completeSum); ints(exact.completeCross)
    doubles(centred.offset); ints(centred.pairCount); doubles(centred.pairMean); doubles(centred.pairM2); doubles(centred.cross)
    int(centred.completeCount); doubles(centred.completeMean); doubles(centred.completeCross)

    var out = Self.serializationMagic
    withUnsafeBytes(of: UInt16(Self.serializationVersion).littleEndian) { out.append(contentsOf: $0) }
    withUnsafeBytes(of: UInt64(payload.count).littleEndian) { out.append(contentsOf: $0) }
    withUnsafeBytes(of: fnv1a64(payload[...]).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: payload)
    return out
  }

  /// Reads an accumulator written by ``serialized()``.
  /// - Throws: ``SerializationError`` saying whether the magic, version, length or
  ///   checksum is wrong.
  public init(serialized bytes: [UInt8]) throws {
    let magic = Self.serializationMagic
    let headerSize = 24
    let prefix = min(bytes.count, magic.count)
    if Array(bytes[0..<prefix]) != Array(magic[0..<prefix]) { throw SerializationError.wrongMagic }
    if bytes.count < headerSize { throw SerializationError.truncated(expectedBytes: headerSize, actualBytes: bytes.count) }
    func word(_ at: Int) -> UInt64 {
      var v: UInt64 = 0
      for i in 0..<8 { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
      return v
    }
    let version = Int(UInt16(bytes[6]) | UInt16(bytes[7]) << 8)
    if version != Self.serializationVersion {
      throw SerializationError.unsupportedVersion(found: version, supported: Self.serializationVersion)
    }
    let length = word(8)
    guard length <= UInt64(Int.max - headerSize) else {
      throw SerializationError.truncated(expectedBytes: Int.max, actualBytes: bytes.count)
    }
    let expectedTotal = headerSize + Int(length)
    if bytes.count < expectedTotal {
      throw SerializationError.truncated(expectedBytes: expectedTotal, actualBytes: bytes.count)
    }
    if bytes.count > expectedTotal {
      throw SerializationError.malformed("\(bytes.count - expectedTotal) bytes follow the payload")
    }
    let stored = word(16)
    let actual = fnv1a64(bytes[headerSize...])
    if stored != actual { throw SerializationError.checksumMismatch(expected: stored, actual: actual) }

    var cursor = headerSize
    func int() -> Int { defer { cursor += 8 }; return Int(Int64(bitPattern: word(cursor))) }
    func ints(_ n: Int) -> [Int] { (0..<n).map { _ in int() } }
    func doubles(_ n: Int) -> [Double] {
      (0..<n).map { _ in defer { cursor += 8 }; return Double(bitPattern: word(cursor)) }
    }
    guard length >= 24 else { throw SerializationError.malformed("payload of \(length) bytes is shorter than its 3-word preamble") }
    let p = int()
    guard p >= 1, p <= 1 << 20 else { throw SerializationError.malformed("variable count \(p) is out of range") }
    let words = 3 + 2 * (4 * p * p + 1 + p + p * p) + p
    guard Int(length) == 8 * words else {
      throw SerializationError.malformed("payload has \(length) bytes, \(p) variables need \(8 * words)")
    }
    self.init(variables: p)
    rows = int(); completeRows = int()
    let pp = p * p
    exact.pairCount = ints(pp); exact.pairSum = ints(pp); exact.pairSquares = ints(pp); exact.cross = ints(pp)
    exact.completeCount = int(); exact.completeSum = ints(p); exact.completeCross = ints(pp)
    centred.offset = doubles(p); centred.pairCount = ints(pp); centred.pairMean = doubles(pp); centred.pairM2 = doubles(pp)
    centred.cross = doubles(pp)
    centred.completeCount = int(); centred.completeMean = doubles(p); centred.completeCross = doubles(pp)
    if rows < 0 || completeRows < 0 || completeRows > rows {
      throw SerializationError.malformed("row counts \(rows) / \(completeRows) are inconsistent")
    }
  }
}

/// FNV-1a, 64-bit (Fowler–Noll–Vo): h ← (h ⊕ byte) · 0x100000001b3 from 0xcbf29ce484222325.
func fnv1a64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
  return h
}
