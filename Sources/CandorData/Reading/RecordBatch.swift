import CandorNumerics

/// A run of consecutive records: the records' UTF-8 bytes plus, per field, its start and end
/// offset — no `String` per cell.
///
/// Field `c` of record `r` is field number `r * fieldsPerRecord + c`. Quoted fields are stored
/// without their outer quotes; a field that contained doubled quotes (`""`) is flagged
/// (``needsUnescape(_:_:)``) and its raw bytes still hold the doubled quotes — ``string(_:_:)``
/// and ``unescapedBytes(_:_:)`` undo them. Number parsing reads the raw bytes directly
/// (``number(_:_:)``, or ``withUnsafeView(_:)`` in hot loops).
///
/// Positions: inside the parallel `map` stage positions are not yet known (earlier chunks may
/// still be parsing); report bad cells with ``error(_:record:column:)``, which the reader
/// rebases to file line and record numbers when it delivers results in file order. In the
/// in-order `consume` stage ``recordNumber(_:)`` and ``line(_:)`` are final.
public struct RecordBatch: @unchecked Sendable {
  let storage: BatchStorage
  /// Records in the batch.
  public var count: Int { storage.recordCount }
  /// Fields in every record (the header's column count).
  public var fieldsPerRecord: Int { storage.fieldsPerRecord }
  /// Bytes of the export the batch's records were parsed from: a text export's chunk
  /// (0 for .xlsx and .sav, whose file bytes do not map to records).
  public var byteCount: Int { storage.byteLength }
  /// Whether cells may use `,` as the decimal point (delimiter `;` or tab).
  public let decimalComma: Bool
  /// 0-based position of this batch in the file.
  public let sequence: Int
  /// Data records before this batch (header rows not counted); final in `consume`.
  public internal(set) var recordBase: Int
  /// Physical lines before this batch's first line; final in `consume`.
  public internal(set) var lineBase: Int

  init(storage: BatchStorage, decimalComma: Bool, sequence: Int, recordBase: Int = 0, lineBase: Int = 0) {
    self.storage = storage; self.decimalComma = decimalComma; self.sequence = sequence
    self.recordBase = recordBase; self.lineBase = lineBase
  }

  /// The 1-based data record number of record `r` (final in the `consume` stage).
  public func recordNumber(_ r: Int) -> Int { recordBase + r + 1 }

  /// The 1-based physical line on which record `r` starts (final in the `consume` stage).
  public func line(_ r: Int) -> Int { lineBase + Int(storage.recordLines[r]) + 1 }

  /// The raw bytes of field `c` of record `r` (doubled quotes not undone).
  public func withField<R>(_ r: Int, _ c: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeView { try body($0.field(r, c)) }
  }

  /// Whether field `c` of record `r` contains doubled quotes that ``string(_:_:)`` undoes.
  public func needsUnescape(_ r: Int, _ c: Int) -> Bool {
    storage.ends[r * storage.fieldsPerRecord + c] & BatchStorage.escapedFlag != 0
  }

  /// Whether field `c` of record `r` is empty.
  public func isEmpty(_ r: Int, _ c: Int) -> Bool {
    let k = r * storage.fieldsPerRecord + c
    return storage.starts[k] == storage.ends[k] & BatchStorage.offsetMask
  }

  /// The number in field `c` of record `r` (see ``NumberParser``), or nil.
  public func number(_ r: Int, _ c: Int) -> Double? {
    withUnsafeView { $0.number(r, c) }
  }

  /// The cell's bytes with doubled quotes undone.
  public func unescapedBytes(_ r: Int, _ c: Int) -> [UInt8] {
    withField(r, c) { raw in
      var out = [UInt8](); out.reserveCapacity(raw.count)
      var i = 0
      let escaped = needsUnescape(r, c)
      while i < raw.count {
        out.append(raw[i])
        i += (escaped && raw[i] == 0x22 && i + 1 < raw.count && raw[i + 1] == 0x22) ? 2 : 1
      }
      return out
    }
  }

  /// The cell as a `String`, doubled quotes undone.
  public func string(_ r: Int, _ c: Int) -> String {
    if !needsUnescape(r, c) { return withField(r, c) { String(decoding: $0, as: UTF8.self) } }
    return String(decoding: unescapedBytes(r, c), as: UTF8.self)
  }

  /// All fields of record `r` as strings (for tests and small tools).
  public func strings(_ r: Int) -> [String] { (0..<fieldsPerRecord).map { string(r, $0) } }

  /// An error about field `column` of batch record `record`, positioned when delivered.
  ///
  /// Throw it from the `map` stage; the reader fills in the file, line, record number,
  /// column name and — if the column's text may be shown — the shortened cell text.
  public func error(_ kind: ReadError.Kind, record: Int, column: Int?) -> ReadError {
    var e = ReadError(kind, file: "", line: Int(storage.recordLines[record]) + lineBase + 1,
                      record: recordBase + record + 1)
    e.pending = PendingPosition(sequence: sequence, columnIndex: column,
                                text: column.map { string(record, $0) })
    return e
  }

  /// Calls `body` with an unsafe view for tight decoding loops.
  public func withUnsafeView<R>(_ body: (UnsafeView) throws -> R) rethrows -> R {
    try storage.bytes.withUnsafeBufferPointer { b in
      try body(UnsafeView(base: b.baseAddress ?? UnsafePointer(bitPattern: 1)!, starts: UnsafePointer(storage.starts),
                          ends: UnsafePointer(storage.ends), fieldsPerRecord: storage.fieldsPerRecord,
                          count: storage.recordCount, decimalComma: decimalComma, byteCount: b.count))
    }
  }

  /// Pointer access to a batch's fields; valid only inside ``RecordBatch/withUnsafeView(_:)``.
  public struct UnsafeView {
    /// A field's end offset carries this bit when the field holds doubled quotes; the
    /// offset is the rest (``offsetMask``). The tokenizer sets them (``BatchStorage``).
    @usableFromInline static let escapedFlag: UInt32 = 0x8000_0000
    @usableFromInline static let offsetMask: UInt32 = 0x3FFF_FFFF

    public let base: UnsafePointer<UInt8>
    @usableFromInline let starts: UnsafePointer<UInt32>
    @usableFromInline let ends: UnsafePointer<UInt32>
    public let fieldsPerRecord: Int
    public let count: Int
    public let decimalComma: Bool
    /// Bytes readable from ``base``: the batch's buffer, which may run past its last record,
    /// so a loop may read a whole word at a field's start when the word ends within it.
    public let byteCount: Int

    @usableFromInline init(base: UnsafePointer<UInt8>, starts: UnsafePointer<UInt32>, ends: UnsafePointer<UInt32>,
                           fieldsPerRecord: Int, count: Int, decimalComma: Bool, byteCount: Int) {
      self.base = base; self.starts = starts; self.ends = ends
      self.fieldsPerRecord = fieldsPerRecord; self.count = count; self.decimalComma = decimalComma
      self.byteCount = byteCount
    }

    /// Raw bytes of field `c` of record `r`.
    @inlinable @inline(__always)
    public func field(_ r: Int, _ c: Int) -> UnsafeRawBufferPointer {
      let k = r &* fieldsPerRecord &+ c
      let s = Int(starts[k]), e = Int(ends[k] & Self.offsetMask)
      return UnsafeRawBufferPointer(start: base + s, count: e - s)
    }

    /// The bytes of fields `c ..< c + 8` of record `r` when each is exactly one byte and
    /// they follow one another with one delimiter byte between them (`3,4,3,5,4,4,2,2` in
    /// a Likert export), else nil. Eight offsets compared at once against the pattern
    /// start, start + 2, … (and their ends one past): a field that is empty, longer,
    /// escaped or quoted breaks it (a quote moves its field's start off the pattern), so a
    /// run that passes holds eight one-byte cells, read with one 16-byte load.
    @inlinable @inline(__always)
    public func singleByteRun8(_ r: Int, _ c: Int) -> SIMD8<UInt8>? {
      let k = r &* fieldsPerRecord &+ c
      let s = UnsafeRawPointer(starts + k).loadUnaligned(as: SIMD8<UInt32>.self)
      let e = UnsafeRawPointer(ends + k).loadUnaligned(as: SIMD8<UInt32>.self)
      let first = Int(s[0])
      let pattern = SIMD8(repeating: s[0]) &+ SIMD8<UInt32>(0, 2, 4, 6, 8, 10, 12, 14)
      guard all((s .== pattern) .& (e .== pattern &+ 1)), first &+ 16 <= byteCount else { return nil }
      // The even bytes: each 16-bit lane's low byte (little-endian).
      return SIMD8<UInt8>(truncatingIfNeeded: UnsafeRawPointer(base + first).loadUnaligned(as: SIMD8<UInt16>.self))
    }

    /// The bytes of fields `c ..< c + 8` of record `r` when each is empty or one byte and
    /// none is escaped (`3,,4,5,3,,2,2`: a run with missing answers), with 0xFF in
    /// `absent` where a cell is empty (its byte is 0); else nil (also for a batch of no
    /// bytes: .xlsx cells all empty). Where ``singleByteRun8(_:_:)`` needs the eight cells
    /// at their pattern's offsets, this reads each cell's byte at its own start (a quoted
    /// `"3"` holds the byte 3). The lengths are checked two at a time in 64-bit words (an
    /// end is never below its start, so no lane borrows from the next): lane comparisons
    /// of `SIMD8<UInt32>` compiled to a loop through memory, three times slower than the
    /// cells one by one.
    @inlinable @inline(__always)
    public func shortRun8(_ r: Int, _ c: Int) -> (bytes: SIMD8<UInt8>, absent: SIMD8<UInt8>)? {
      let k = r &* fieldsPerRecord &+ c
      let s = UnsafeRawPointer(starts + k), e = UnsafeRawPointer(ends + k)
      var lengths: UInt64 = 0, present: UInt64 = 0
      for h in 0..<4 {
        // An escaped cell's end carries bit 31, so its length is far above 1.
        let d = e.loadUnaligned(fromByteOffset: 8 &* h, as: UInt64.self)
          &- s.loadUnaligned(fromByteOffset: 8 &* h, as: UInt64.self)
        lengths |= d
        present |= (d & 1) &<< UInt64(16 &* h) | ((d &>> 32) & 1) &<< UInt64(16 &* h &+ 8)
      }
      guard lengths & 0xFFFF_FFFE_FFFF_FFFE == 0, byteCount > 0 else { return nil }
      var word: UInt64 = 0
      for q in 0..<8 {
        // An empty cell's start may be the buffer's end; its byte is masked below.
        let at = Int(starts[k &+ q])
        word |= UInt64(base[at < byteCount ? at : 0]) &<< UInt64(8 &* q)
      }
      // 0xFF in every byte whose cell is empty (each byte of `present` is 0 or 1).
      let absent = (present ^ 0x0101_0101_0101_0101) &* 0xFF
      return (unsafeBitCast(word & ~absent, to: SIMD8<UInt8>.self), unsafeBitCast(absent, to: SIMD8<UInt8>.self))
    }

    /// Whether field `c` of record `r` holds doubled quotes (``RecordBatch/needsUnescape(_:_:)``).
    @inlinable @inline(__always)
    public func isEscaped(_ r: Int, _ c: Int) -> Bool { ends[r &* fieldsPerRecord &+ c] & Self.escapedFlag != 0 }

    /// The number in field `c` of record `r`, or nil (empty or not a number).
    @inlinable @inline(__always)
    public func number(_ r: Int, _ c: Int) -> Double? {
      let k = r &* fieldsPerRecord &+ c
      let s = Int(starts[k]), e = Int(ends[k] & Self.offsetMask)
      if e == s { return nil }
      return NumberParser.parse(base + s, count: e - s, decimalComma: decimalComma)
    }
  }
}

/// Where a decoder's error sits inside a batch, until the reader knows the batch's position.
struct PendingPosition: Sendable, Equatable {
  var sequence: Int
  var columnIndex: Int?
  var text: String?
}

/// Owned storage of a batch: bytes and per-field offsets (manually managed for speed).
final class BatchStorage: @unchecked Sendable {
  static let escapedFlag = RecordBatch.UnsafeView.escapedFlag
  static let offsetMask = RecordBatch.UnsafeView.offsetMask
  var bytes: [UInt8]
  var starts: UnsafeMutablePointer<UInt32>
  var ends: UnsafeMutablePointer<UInt32>
  var fieldCount = 0
  var capacity: Int
  var recordLines: [Int32] = []
  var recordFieldStart: [Int32] = []
  var recordCount = 0
  var fieldsPerRecord = 0
  /// Bytes of the export this batch was parsed from (text sources; 0 when unknown).
  var byteLength = 0

  init(bytes: [UInt8], fieldCapacity: Int) {
    self.bytes = bytes
    // Power-of-two capacities so recycled arrays fit the next chunk's request.
    let fieldCapacity = 1 << (Int.bitWidth - max(fieldCapacity, 1 << 10).leadingZeroBitCount)
    if let (s, e, c) = BufferPool.shared.takeOffsets(minimumCapacity: fieldCapacity) {
      starts = s; ends = e; capacity = c
    } else {
      capacity = max(fieldCapacity, 16)
      starts = .allocate(capacity: capacity)
      ends = .allocate(capacity: capacity)
    }
  }

  deinit {
    BufferPool.shared.putOffsets(starts, ends, capacity: capacity)
    BufferPool.shared.putBytes(bytes)
  }

  @inline(__always)
  func append(start: Int, end: Int, escaped: Bool) {
    if fieldCount == capacity { grow() }
    starts[fieldCount] = UInt32(truncatingIfNeeded: start)
    ends[fieldCount] = UInt32(truncatingIfNeeded: end) | (escaped ? Self.escapedFlag : 0)
    fieldCount += 1
  }

  func grow() {
    let newCapacity = capacity * 2
    let s = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
    let e = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
    s.update(from: starts, count: fieldCount); e.update(from: ends, count: fieldCount)
    starts.deallocate(); ends.deallocate()
    starts = s; ends = e; capacity = newCapacity
  }

  /// Appends one cell's text to `bytes` (for .xlsx and .sav sources).
  func appendCell(_ text: some Collection<UInt8>) {
    let s = bytes.count
    bytes.append(contentsOf: text)
    append(start: s, end: bytes.count, escaped: false)
  }
}



extension RecordBatch {
  /// Decodes `columns` of every record into a column-major `RowBlock` (`count` × `columns.count`):
  /// empty cells become NaN (missing); cells that are not numbers go to `text`, which returns
  /// their value (a label map, a missing code → NaN) or throws (e.g. ``error(_:record:column:)``).
  ///
  /// Numbers are parsed from the bytes (``NumberParser``), with the batch's decimal comma.
  /// - Complexity: O(count × columns.count), no allocation besides `block.values`.
  public func decodeNumbers(columns: [Int], into block: inout RowBlock,
                            text: (_ record: Int, _ column: Int) throws -> Double) rethrows {
    let n = count, p = columns.count
    block.rows = n
    block.columns = p
    if block.values.count < n * p { block.values = [Double](repeating: .nan, count: n * p) }
    try withUnsafeView { view in
      try block.values.withUnsafeMutableBufferPointer { out in
        let o = out.baseAddress!
        try columns.withUnsafeBufferPointer { cols in
        for r in 0..<n {
          let row = r &* view.fieldsPerRecord
          for k in 0..<p {
            let c = cols[k]
            let s = Int(view.starts[row &+ c]), e = Int(view.ends[row &+ c] & RecordBatch.UnsafeView.offsetMask)
            if s == e { o[k &* n &+ r] = .nan; continue }
            if e - s == 1, case let d = view.base[s] &- 48, d < 10 {
              o[k &* n &+ r] = Double(d)
            } else if let v = NumberParser.parse(view.base + s, count: e - s, decimalComma: view.decimalComma) {
              o[k &* n &+ r] = v
            } else {
              o[k &* n &+ r] = try text(r, c)
            }
          }
        }
        }
      }
    }
  }
}
