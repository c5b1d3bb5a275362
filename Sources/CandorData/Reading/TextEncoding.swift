#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The character encoding of a text export (codebook `encoding:`).
public enum TextEncoding: String, Sendable, Equatable, CaseIterable {
  /// UTF-8 (a BOM is skipped), or UTF-16 LE/BE when the file starts with its BOM.
  case auto
  /// UTF-8, BOM optional.
  case utf8 = "utf-8"
  /// UTF-16; the BOM decides the byte order, little-endian without one.
  case utf16 = "utf-16"
  /// Windows-1252 (Excel "CSV (Comma delimited)" in Western locales), transcoded to UTF-8.
  case windows1252 = "windows-1252"
}

/// The encoding actually found in a file.
public enum DetectedEncoding: String, Sendable, Equatable {
  case utf8 = "utf-8"
  case utf8WithBOM = "utf-8 (BOM)"
  case utf16LittleEndian = "utf-16le"
  case utf16BigEndian = "utf-16be"
  case windows1252 = "windows-1252"
}

/// A stream of UTF-8 bytes (the reader's input after transcoding).
protocol ByteSource {
  /// Reads up to `capacity` bytes into `buffer`; 0 means end of input.
  mutating func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws(ReadError) -> Int
}

/// Raw bytes of a file through read(2): no mapping, no `Data`.
final class FileByteSource: ByteSource {
  let fd: Int32
  let fileName: String
  /// Sees every byte read, in order (``skip(_:)`` then reads instead of seeking), and the end.
  var observer: (any RawByteObserver)?
  private var ended = false

  init(path: String, fileName: String) throws(ReadError) {
    fd = open(path, O_RDONLY)
    self.fileName = fileName
    if fd < 0 {
      throw ReadError(.io("cannot open: \(String(cString: strerror(errno))) — check the path"), file: fileName)
    }
  }

  deinit { close(fd) }

  func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws(ReadError) -> Int {
    var total = 0
    while total < capacity {
      #if canImport(Glibc)
      let got = Glibc.read(fd, buffer + total, capacity - total)
      #else
      let got = Darwin.read(fd, buffer + total, capacity - total)
      #endif
      if got < 0 {
        if errno == EINTR { continue }
        throw ReadError(.io("read failed: \(String(cString: strerror(errno)))"), file: fileName)
      }
      if got == 0 {
        if let observer, !ended { ended = true; observer.reachedEnd() }
        break
      }
      observer?.observe(UnsafeRawBufferPointer(start: buffer + total, count: got))
      total += got
    }
    return total
  }

  /// Skips `count` bytes from the current position (reads them when observed, so the
  /// observer sees a byte-order mark too).
  func skip(_ count: Int) throws(ReadError) {
    guard count > 0 else { return }
    if observer == nil { lseek(fd, off_t(count), SEEK_CUR); return }
    let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
    defer { scratch.deallocate() }
    _ = try read(into: scratch, capacity: count)
  }
}

/// A source that decodes raw blocks into an internal UTF-8 buffer and hands out any amount.
/// `read` returns 0 only at the end of the input.
class TranscodingSource: ByteSource {
  let source: FileByteSource
  var raw = [UInt8](repeating: 0, count: 1 << 16)
  var out: [UInt8] = []
  var head = 0
  var finished = false

  init(source: FileByteSource) { self.source = source }

  /// Decodes `count` raw bytes (plus any carried state) into `out`; `atEnd` on the last call.
  func decode(_ count: Int, atEnd: Bool) throws(ReadError) { fatalError("abstract") }

  func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws(ReadError) -> Int {
    while head == out.count {
      if finished { return 0 }
      out.removeAll(keepingCapacity: true); head = 0
      let got = try raw.withUnsafeMutableBufferPointer { (b) throws(ReadError) in try source.read(into: b.baseAddress!, capacity: b.count) }
      if got == 0 { finished = true }
      try decode(got, atEnd: got == 0)
    }
    let n = min(capacity, out.count - head)
    out.withUnsafeBufferPointer { b in buffer.update(from: b.baseAddress! + head, count: n) }
    head += n
    return n
  }
}

/// Transcodes UTF-16 (either byte order) to UTF-8 while streaming.
final class UTF16Transcoder: TranscodingSource {
  let bigEndian: Bool
  private var odd: UInt8? = nil
  private var pendingHigh: UInt32? = nil
  private var consumed: Int

  init(source: FileByteSource, bigEndian: Bool, bomLength: Int) {
    self.bigEndian = bigEndian; consumed = bomLength
    super.init(source: source)
  }

  override func decode(_ count: Int, atEnd: Bool) throws(ReadError) {
    if atEnd {
      if odd != nil || pendingHigh != nil { throw ReadError(.invalidUTF16(byteOffset: consumed), file: source.fileName) }
      return
    }
    var bytes = raw[0..<count]
    if let o = odd { bytes.insert(o, at: bytes.startIndex); odd = nil }
    var i = bytes.startIndex
    var scratch = (UInt8(0), UInt8(0), UInt8(0), UInt8(0))
    while i + 1 < bytes.endIndex {
      let unit = bigEndian ? (UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])) : (UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i]))
      i += 2
      var scalar: UInt32
      if let high = pendingHigh {
        guard unit >= 0xDC00 && unit <= 0xDFFF else { throw ReadError(.invalidUTF16(byteOffset: consumed), file: source.fileName) }
        scalar = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
        pendingHigh = nil
      } else if unit >= 0xD800 && unit <= 0xDBFF {
        pendingHigh = unit; consumed += 2; continue
      } else if unit >= 0xDC00 && unit <= 0xDFFF {
        throw ReadError(.invalidUTF16(byteOffset: consumed), file: source.fileName)
      } else {
        scalar = unit
      }
      consumed += 2
      if scalar < 0x80 { out.append(UInt8(scalar)); continue }
      let n = withUnsafeMutableBytes(of: &scratch) { encodeUTF8(scalar, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
      withUnsafeBytes(of: scratch) { out.append(contentsOf: $0.prefix(n)) }
    }
    if i < bytes.endIndex { odd = bytes[i] }
  }
}

/// Transcodes Windows-1252 to UTF-8 (0x80–0x9F per the WHATWG table; undefined bytes map to C1).
final class Windows1252Transcoder: TranscodingSource {
  static let high: [UInt16] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
  ]

  override func decode(_ count: Int, atEnd: Bool) throws(ReadError) {
    var scratch = (UInt8(0), UInt8(0), UInt8(0), UInt8(0))
    for k in 0..<count {
      let b = raw[k]
      if b < 0x80 { out.append(b); continue }
      let scalar = b < 0xA0 ? UInt32(Self.high[Int(b - 0x80)]) : UInt32(b)
      let n = withUnsafeMutableBytes(of: &scratch) { encodeUTF8(scalar, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
      withUnsafeBytes(of: scratch) { out.append(contentsOf: $0.prefix(n)) }
    }
  }
}

@inline(__always)
func encodeUTF8(_ s: UInt32, _ out: UnsafeMutablePointer<UInt8>) -> Int {
  if s < 0x80 { out[0] = UInt8(s); return 1 }
  if s < 0x800 { out[0] = UInt8(0xC0 | (s >> 6)); out[1] = UInt8(0x80 | (s & 0x3F)); return 2 }
  if s < 0x10000 {
    out[0] = UInt8(0xE0 | (s >> 12)); out[1] = UInt8(0x80 | ((s >> 6) & 0x3F)); out[2] = UInt8(0x80 | (s & 0x3F)); return 3
  }
  out[0] = UInt8(0xF0 | (s >> 18)); out[1] = UInt8(0x80 | ((s >> 12) & 0x3F))
  out[2] = UInt8(0x80 | ((s >> 6) & 0x3F)); out[3] = UInt8(0x80 | (s & 0x3F)); return 4
}

/// The offset of the first byte that is not valid UTF-8 (RFC 3629: no overlongs,
/// no surrogates, ≤ U+10FFFF), or nil. ASCII runs are checked 8 bytes at a time.
func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, count n: Int) -> Int? {
  var i = 0
  while i < n {
    // ASCII (nearly all of an export) 32 bytes a step, four words tested as one.
    if i + 32 <= n {
      let raw = UnsafeRawPointer(p + i)
      let words = raw.loadUnaligned(as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        | raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
      if words & 0x8080_8080_8080_8080 == 0 { i += 32; continue }
    }
    if i + 8 <= n {
      let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
      if word & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
    }
    let b = p[i]
    if b < 0x80 { i += 1; continue }
    var need = 0
    var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
    switch b {
    case 0xC2...0xDF: need = 1
    case 0xE0: need = 2; lower = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: need = 2
    case 0xED: need = 2; upper = 0x9F
    case 0xF0: need = 3; lower = 0x90
    case 0xF1...0xF3: need = 3
    case 0xF4: need = 3; upper = 0x8F
    default: return i
    }
    if i + need >= n { return i }
    let c1 = p[i + 1]
    if c1 < lower || c1 > upper { return i }
    for k in 2...max(2, need) where k <= need {
      if p[i + k] & 0xC0 != 0x80 { return i }
    }
    i += need + 1
  }
  return nil
}
