/// A per-respondent column of reals in the fewest bytes that hold every value exactly as
/// the model will read it: **one byte a row** while every value is an integer 0…254 or
/// missing (a 0/1 outcome, a Likert item, years of tenure), **Float32** from the first value
/// that is not (a scale score). The switch happens once, in place; reading is the same
/// either way (`column[i]` is a Double, NaN = missing), and a byte value read back equals
/// the Float32 the column would have held (integers below 2²⁴ are exact in both).
///
/// Why: the models that need rows (logistic regression with cluster-robust errors, rank
/// correlations, bootstrap) keep these columns for the whole run, so at 5M respondents a
/// 0/1 outcome costs 5 MB instead of 20 MB (design.md §1.2, ≤ 200 MB at 5M rows).
public struct CompactColumn: Sendable, Equatable {
  /// Byte storage (`missingByte` = missing) while ``isBytes``.
  @usableFromInline var bytes: [UInt8] = []
  /// Float32 storage once a value did not fit a byte (NaN = missing).
  @usableFromInline var floats: [Float]?

  public static let missingByte: UInt8 = 255

  public init() {}

  /// A column holding `values` (NaN = missing).
  public init(_ values: [Double]) {
    append(contentsOf: values)
  }

  /// Rows reserved (``reserve(_:)``): the Float32 storage, once made, reserves as many.
  /// Not part of the column's value (``==`` compares the values only).
  @usableFromInline var reserved = 0

  public static func == (a: CompactColumn, b: CompactColumn) -> Bool {
    a.bytes == b.bytes && a.floats == b.floats
  }

  /// True while every value is stored in one byte.
  public var isBytes: Bool { floats == nil }

  /// Makes room for `rows` values in all, in the current storage and in the Float32
  /// storage should the column switch to it; no reallocation before that count.
  public mutating func reserve(_ rows: Int) {
    reserved = Swift.max(reserved, rows)
    if floats == nil { bytes.reserveCapacity(rows) } else { floats!.reserveCapacity(rows) }
  }

  /// Rows the current storage holds without reallocating.
  var capacity: Int { floats?.capacity ?? bytes.capacity }

  public var count: Int { floats?.count ?? bytes.count }

  /// Bytes of storage per row (1 or 4).
  public var bytesPerRow: Int { isBytes ? 1 : 4 }

  @inlinable @inline(__always)
  public subscript(i: Int) -> Double {
    if let floats { return Double(floats[i]) }
    let b = bytes[i]
    return b == Self.missingByte ? .nan : Double(b)
  }

  /// The byte code of `x` (255 = missing), or nil when `x` is not an integer 0…254: the
  /// one definition of "fits a byte" for every per-respondent byte store.
  @inlinable @inline(__always)
  public static func byte(_ x: Double) -> UInt8? {
    // NaN fails every comparison, so the common case takes one test. In range, the
    // integer test is a conversion there and back (`rounded` would call libm's trunc on
    // the baseline x86-64 target).
    if x >= 0 && x < Double(missingByte), case let i = UInt8(x), Double(i) == x { return i }
    return x.isNaN ? missingByte : nil
  }

  public mutating func append(contentsOf values: [Double]) {
    if values.isEmpty { return }
    var start = 0
    if floats == nil {
      // The leading values that fit a byte, coded in one pass and appended at once.
      let codes = [UInt8](unsafeUninitializedCapacity: values.count) { buffer, initialized in
        initialized = values.count
        for k in values.indices {
          guard let b = Self.byte(values[k]) else { initialized = k; return }
          buffer[k] = b
        }
      }
      bytes.append(contentsOf: codes)
      if codes.count == values.count { return }
      start = codes.count
      promote()
    }
    // The rest as Float32, written through a pointer into storage grown once (the array is
    // moved out of the optional meanwhile, so it is not copied).
    var f = floats!
    floats = nil
    let first = f.count, n = values.count - start
    f.append(contentsOf: repeatElement(0, count: n))
    f.withUnsafeMutableBufferPointer { out in
      values.withUnsafeBufferPointer { src in
        for k in 0..<n { out[first + k] = Float(src[start + k]) }
      }
    }
    floats = f
  }

  public mutating func append(contentsOf other: CompactColumn) {
    if isBytes && other.isBytes { bytes.append(contentsOf: other.bytes); return }
    promote()
    if let o = other.floats { floats!.append(contentsOf: o) } else {
      floats!.append(contentsOf: other.bytes.lazy.map { $0 == Self.missingByte ? Float.nan : Float($0) })
    }
  }

  /// Switches to Float32 storage (once).
  private mutating func promote() {
    guard floats == nil else { return }
    var f = [Float]()
    f.reserveCapacity(Swift.max(bytes.count * 2, reserved, 1024))
    f.append(contentsOf: bytes.lazy.map { $0 == Self.missingByte ? Float.nan : Float($0) })
    bytes = []
    floats = f
  }

  /// The values as Double (NaN = missing): a copy, for code that needs an array.
  public var doubles: [Double] { (0..<count).map { self[$0] } }
}

/// A per-respondent group index (negative = no group) in two bytes a row while every
/// index is below 65,535 (any survey's schools or teams), four bytes from the first one
/// that is not. Same reading either way: `column[i]` is an Int, −1 = no group.
public struct CompactGroupIndex: Sendable, Equatable {
  @usableFromInline var narrow: [UInt16] = []
  @usableFromInline var wide: [Int32]?

  @usableFromInline static let missing = UInt16.max

  public init() {}

  public init(_ indices: [Int32]) {
    append(contentsOf: indices)
  }

  public var count: Int { wide?.count ?? narrow.count }

  /// Makes room for `rows` indices in all, in the current storage.
  public mutating func reserve(_ rows: Int) {
    if wide == nil { narrow.reserveCapacity(rows) } else { wide!.reserveCapacity(rows) }
  }

  /// Indices the current storage holds without reallocating.
  var capacity: Int { wide?.capacity ?? narrow.capacity }

  /// Bytes of storage per row (2 or 4).
  public var bytesPerRow: Int { wide == nil ? 2 : 4 }

  @inlinable @inline(__always)
  public subscript(i: Int) -> Int {
    if let wide { return Int(wide[i]) }
    let g = narrow[i]
    return g == Self.missing ? -1 : Int(g)
  }

  public mutating func append(contentsOf indices: [Int32]) {
    for g in indices {
      if wide == nil {
        if g < 0 { narrow.append(Self.missing); continue }
        if g < Int32(Self.missing) { narrow.append(UInt16(g)); continue }
        widen()
      }
      wide!.append(g < 0 ? -1 : g)
    }
  }

  private mutating func widen() {
    guard wide == nil else { return }
    var w = [Int32]()
    w.reserveCapacity(Swift.max(narrow.count * 2, 1024))
    w.append(contentsOf: narrow.lazy.map { $0 == Self.missing ? -1 : Int32($0) })
    narrow = []
    wide = w
  }

  /// Appends `other`'s indices through `mapping` (other's index → this column's), as when
  /// merging batches that numbered their groups locally.
  public mutating func append(_ other: CompactGroupIndex, mapping: [Int32]) {
    if wide == nil, let top = mapping.max(), top < Int32(Self.missing) {
      // Geometric growth when the reserved room runs out: reserving exactly the new count
      // would copy the whole column at every append (quadratic in the batches).
      let needed = narrow.count + other.count
      if narrow.capacity < needed { narrow.reserveCapacity(Swift.max(needed, 2 * narrow.capacity)) }
      if let o = other.wide {
        for g in o { narrow.append(g < 0 ? Self.missing : UInt16(mapping[Int(g)])) }
      } else {
        for g in other.narrow { narrow.append(g == Self.missing ? Self.missing : UInt16(mapping[Int(g)])) }
      }
      return
    }
    append(contentsOf: (0..<other.count).map { i -> Int32 in
      let g = other[i]
      return g < 0 ? -1 : mapping[g]
    })
  }

  /// The indices as Int32 (−1 = no group): a copy, for code that needs an array.
  public var int32s: [Int32] { (0..<count).map { Int32(self[$0]) } }
}

/// Read access to a column of reals by row (NaN = missing), whatever its storage: what
/// row-wise models (``CompactColumn``, Double and Float arrays) are generic over.
public protocol RealColumn: Sendable {
  var count: Int { get }
  subscript(i: Int) -> Double { get }
  /// `out[k] = self[base + rows[k]]` for k < `count`: a model's pass reading the same rows
  /// again (rows as offsets from `base`, two bytes each).
  func gather(_ rows: UnsafePointer<UInt16>, from base: Int, count: Int, into out: UnsafeMutablePointer<Double>)
}

extension RealColumn {
  public func gather(_ rows: UnsafePointer<UInt16>, from base: Int, count: Int, into out: UnsafeMutablePointer<Double>) {
    for k in 0..<count { out[k] = self[base + Int(rows[k])] }
  }
}

/// Read access to a column of group indices by row (negative = no group).
public protocol GroupIndexColumn: Sendable {
  var count: Int { get }
  subscript(i: Int) -> Int { get }
  /// `out[k] = self[base + rows[k]]` for k < `count`.
  func gather(_ rows: UnsafePointer<UInt16>, from base: Int, count: Int, into out: UnsafeMutablePointer<Int>)
}

extension GroupIndexColumn {
  public func gather(_ rows: UnsafePointer<UInt16>, from base: Int, count: Int, into out: UnsafeMutablePointer<Int>) {
    for k in 0..<count { out[k] = self[base + Int(rows[k])] }
  }
}

/// `out[k] = convert(storage[base + rows[k]])` for k < `count`: a compact column's gather, for
/// whichever of its two storages it uses (chosen once per call, not per value).
@inline(__always)
private func gatherCompact<Stored, Value>(_ storage: [Stored], _ rows: UnsafePointer<UInt16>, from base: Int, count: Int,
                                          into out: UnsafeMutablePointer<Value>, _ convert: (Stored) -> Value) {
  storage.withUnsafeBufferPointer { all in
    let s = UnsafeBufferPointer(rebasing: all[base...])
    for k in 0..<count { out[k] = convert(s[Int(rows[k])]) }
  }
}

extension CompactColumn: RealColumn {
  /// The same Doubles as the subscript's.
  public func gather(_ rows: UnsafePointer<UInt16>, from base: Int, count: Int, into out: UnsafeMutablePointer<Double>) {
    if let floats {
      gatherCompact(floats, rows, from: base, count: count, into: out) { Double($0) }
    } else {
      gatherCompact(bytes, rows, from: base, count: count, into: out) { $0 == Self.missingByte ? .nan : Double($0) }
    }
  }
}

extension CompactGroupIndex: GroupIndexColumn {
  public func gather(_ rows: UnsafePointer<UInt16>, from base: Int, count: Int, into out: UnsafeMutablePointer<Int>) {
    if let wide {
      gatherCompact(wide, rows, from: base, count: count, into: out) { Int($0) }
    } else {
      gatherCompact(narrow, rows, from: base, count: count, into: out) { $0 == Self.missing ? -1 : Int($0) }
    }
  }
}

/// A read-only Double view of a Float or Double array (no copy).
public struct ArrayColumn<C: BinaryFloatingPoint & Sendable>: RealColumn {
  public let base: [C]
  public init(_ base: [C]) { self.base = base }
  public var count: Int { base.count }
  @inline(__always) public subscript(i: Int) -> Double { Double(base[i]) }
}

/// A read-only view of an Int32 group-index array (negative = no group).
public struct ArrayGroupIndex: GroupIndexColumn {
  public let base: [Int32]
  public init(_ base: [Int32]) { self.base = base }
  public var count: Int { base.count }
  @inline(__always) public subscript(i: Int) -> Int { Int(base[i]) }
}
