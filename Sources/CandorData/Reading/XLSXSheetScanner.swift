/// An incremental scanner for the worksheet XML subset (`<row r=…>`, `<c r=… t=… s=…>`,
/// `<v>`, `<is><t>`, `<f>`), fed decompressed chunks of any size and emitting each row as
/// it completes, so a sheet is read in memory bounded by one row plus one chunk.
///
/// Handles the five predefined entities (`&amp; &lt; &gt; &quot; &apos;`), decimal and hex
/// character references, CDATA sections, comments and processing instructions, `>` inside
/// quoted attribute values, self-closing elements (`<c r="B2"/>`), namespace prefixes
/// (`<x:row>`), and XML line-end normalisation (CR LF and lone CR become LF, as an XML
/// processor reports them; XML 1.0 §2.11). A chunk boundary may fall anywhere — inside a
/// tag, an attribute, an entity or a multi-byte character: unfinished input is carried over.
///
/// Cell values follow the rules `XLSXSource` documents: shared strings (`t="s"`) by index,
/// booleans as `TRUE`/`FALSE`, inline/formula/error strings as written, numbers as written,
/// and numbers whose style (`s`) has a date format as ISO text.
struct XLSXSheetScanner {
  struct Row { var number: Int; var cells: [String] }

  let shared: [String]
  let dateStyles: [Bool]
  let dayOffset: Double

  private var pending: [UInt8] = []
  private var cells: [String] = []
  private var rowNumber = 0
  private var cellColumn = 0
  private var cellType: [UInt8] = []
  private var cellStyle = 0
  private var text: [UInt8] = []
  private var collecting = false

  init(shared: [String], dateStyles: [Bool], dayOffset: Double) {
    self.shared = shared; self.dateStyles = dateStyles; self.dayOffset = dayOffset
  }

  /// Scans `chunk`, calling `emit` for every non-empty row completed in it (trailing empty
  /// cells dropped).
  mutating func feed(_ chunk: some Collection<UInt8>, emit: (Row) throws -> Void) rethrows {
    pending.append(contentsOf: chunk)
    let consumed = try pending.withUnsafeBufferPointer { buf in try scan(buf, emit: emit) }
    if consumed > 0 { pending.removeSubrange(0..<consumed) }
  }

  /// Whether all input ended at a markup boundary (only whitespace left over).
  var isComplete: Bool { pending.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 } }

  private static func find(_ b: UInt8, in buf: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    var i = from
    while i < buf.count { if buf[i] == b { return i }; i += 1 }
    return nil
  }

  private static func find(_ seq: [UInt8], in buf: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    var i = from
    while i + seq.count <= buf.count {
      var ok = true
      for k in 0..<seq.count where buf[i + k] != seq[k] { ok = false; break }
      if ok { return i }
      i += 1
    }
    return nil
  }

  private static func hasPrefix(_ seq: [UInt8], _ buf: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool? {
    for k in 0..<seq.count {
      if i + k >= buf.count { return nil }  // undecided: need more input
      if buf[i + k] != seq[k] { return false }
    }
    return true
  }

  /// Scans complete constructs; returns how many bytes were consumed.
  private mutating func scan(_ buf: UnsafeBufferPointer<UInt8>, emit: (Row) throws -> Void) rethrows -> Int {
    var i = 0
    while i < buf.count {
      if buf[i] != 0x3C {  // text up to the next '<' (kept until that '<' arrives, so entities are whole)
        guard let lt = Self.find(0x3C, in: buf, from: i) else { break }
        if collecting { Self.decode(buf, i, lt, into: &text) }
        i = lt
        continue
      }
      guard i + 1 < buf.count else { break }
      let next = buf[i + 1]
      if next == 0x3F {  // <? … ?>
        guard let end = Self.find([0x3F, 0x3E], in: buf, from: i + 2) else { break }
        i = end + 2
        continue
      }
      if next == 0x21 {  // <!-- … -->, <![CDATA[ … ]]>, <!DOCTYPE …>
        guard let isComment = Self.hasPrefix(Self.commentOpen, buf, at: i) else { break }
        if isComment {
          guard let end = Self.find(Self.commentClose, in: buf, from: i + 4) else { break }
          i = end + 3
          continue
        }
        guard let isCData = Self.hasPrefix(Self.cdataOpen, buf, at: i) else { break }
        if isCData {
          guard let end = Self.find(Self.cdataClose, in: buf, from: i + 9) else { break }
          if collecting { Self.normalise(buf, i + 9, end, into: &text) }
          i = end + 3
          continue
        }
        guard let gt = Self.find(0x3E, in: buf, from: i) else { break }
        i = gt + 1
        continue
      }
      // An element tag: find its '>' outside quoted attribute values.
      var j = i + 1
      var quote: UInt8 = 0
      var gt = -1
      while j < buf.count {
        let c = buf[j]
        if quote != 0 { if c == quote { quote = 0 } } else if c == 0x22 || c == 0x27 { quote = c } else if c == 0x3E { gt = j; break }
        j += 1
      }
      guard gt >= 0 else { break }
      try tag(buf, i + 1, gt, emit: emit)
      i = gt + 1
    }
    return i
  }

  private static let commentOpen: [UInt8] = Array("<!--".utf8)
  private static let commentClose: [UInt8] = Array("-->".utf8)
  private static let cdataOpen: [UInt8] = Array("<![CDATA[".utf8)
  private static let cdataClose: [UInt8] = Array("]]>".utf8)

  /// Handles the tag between `<` and `>` (exclusive bounds `from..<to`).
  private mutating func tag(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int,
                            emit: (Row) throws -> Void) rethrows {
    var p = from
    let closing = buf[p] == 0x2F
    if closing { p += 1 }
    let selfClosing = !closing && to > from && buf[to - 1] == 0x2F
    let end = selfClosing ? to - 1 : to
    // Local name (after any namespace prefix).
    var nameStart = p
    while p < end && !Self.isSpace(buf[p]) {
      if buf[p] == 0x3A { nameStart = p + 1 }
      p += 1
    }
    let name = UnsafeBufferPointer(rebasing: buf[nameStart..<p])
    if closing {
      endElement(name)
      try finishIfRow(name, emit: emit)
      return
    }
    if Self.equals(name, "row") {
      rowNumber = Self.attributeRange("r", buf, p, end).flatMap { Self.integer(buf, $0) } ?? rowNumber + 1
      cells.removeAll(keepingCapacity: true)
    } else if Self.equals(name, "c") {
      cellColumn = Self.attributeRange("r", buf, p, end).flatMap { Self.column(buf, $0) } ?? cells.count
      if let t = Self.attributeRange("t", buf, p, end) {
        cellType.removeAll(keepingCapacity: true)
        cellType.append(contentsOf: UnsafeBufferPointer(rebasing: buf[t]))
      } else {
        cellType.removeAll(keepingCapacity: true)
        cellType.append(0x6E)
      }
      cellStyle = Self.attributeRange("s", buf, p, end).flatMap { Self.integer(buf, $0) } ?? 0
      text.removeAll(keepingCapacity: true)
    } else if Self.equals(name, "v") || Self.equals(name, "t") {
      collecting = true
    }
    if selfClosing {
      endElement(name)
      try finishIfRow(name, emit: emit)
    }
  }

  private mutating func finishIfRow(_ name: UnsafeBufferPointer<UInt8>, emit: (Row) throws -> Void) rethrows {
    guard Self.equals(name, "row") else { return }
    while let last = cells.last, last.isEmpty { cells.removeLast() }
    if !cells.isEmpty { try emit(Row(number: rowNumber, cells: cells)) }
    cells.removeAll(keepingCapacity: true)
  }

  private mutating func endElement(_ name: UnsafeBufferPointer<UInt8>) {
    if Self.equals(name, "v") || Self.equals(name, "t") {
      collecting = false
    } else if Self.equals(name, "c") {
      let raw = String(decoding: text, as: UTF8.self)
      var value: String
      switch cellType {
      case [0x73]:  // s
        value = Int(raw).flatMap { $0 >= 0 && $0 < shared.count ? shared[$0] : nil } ?? ""
      case [0x62]:  // b
        value = raw == "1" ? "TRUE" : "FALSE"
      case Array("inlineStr".utf8), Array("str".utf8), [0x65]:
        value = raw
      default:
        value = raw
        if cellStyle >= 0 && cellStyle < dateStyles.count && dateStyles[cellStyle], let serial = Double(raw) {
          value = XLSXSource.isoDate(serial: serial + dayOffset)
        }
      }
      if cellColumn >= cells.count { cells += Array(repeating: "", count: cellColumn - cells.count + 1) }
      cells[cellColumn] = value
    }
  }

  private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

  private static func equals(_ name: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
    guard name.count == s.utf8CodeUnitCount else { return false }
    let p = s.utf8Start
    for k in 0..<name.count where name[k] != p[k] { return false }
    return true
  }

  /// A decimal integer written in `buf[range]` (no entities: `r` and `s` are plain digits).
  private static func integer(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    guard !range.isEmpty, range.count <= 18 else { return nil }
    var v = 0
    for i in range {
      let d = Int(buf[i]) - 48
      guard d >= 0 && d <= 9 else { return nil }
      v = v * 10 + d
    }
    return v
  }

  /// 0-based column of a cell reference such as `C7` in `buf[range]` (as `XLSXSource.columnIndex`).
  private static func column(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    var k = 0, letters = 0
    for i in range {
      let u = buf[i]
      guard u >= 65 && u <= 90 else { break }
      k = k * 26 + Int(u - 64)
      letters += 1
    }
    return letters > 0 ? k - 1 : nil
  }

  /// The raw (undecoded) value range of attribute `key` (no namespace prefix) in `buf[from..<to]`.
  private static func attributeRange(_ key: StaticString, _ buf: UnsafeBufferPointer<UInt8>, _ from: Int,
                                     _ to: Int) -> Range<Int>? {
    var p = from
    while p < to {
      while p < to && isSpace(buf[p]) { p += 1 }
      let nameStart = p
      while p < to && buf[p] != 0x3D && !isSpace(buf[p]) { p += 1 }
      let nameEnd = p
      while p < to && isSpace(buf[p]) { p += 1 }
      guard p < to, buf[p] == 0x3D else { return nil }
      p += 1
      while p < to && isSpace(buf[p]) { p += 1 }
      guard p < to else { return nil }
      let q = buf[p]
      guard q == 0x22 || q == 0x27 else { return nil }
      let valueStart = p + 1
      p = valueStart
      while p < to && buf[p] != q { p += 1 }
      let valueEnd = p
      p += 1
      if equals(UnsafeBufferPointer(rebasing: buf[nameStart..<nameEnd]), key) { return valueStart..<valueEnd }
    }
    return nil
  }

  /// Appends `buf[from..<to]` with CR LF / CR turned into LF.
  private static func normalise(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, into out: inout [UInt8]) {
    var i = from
    while i < to {
      let c = buf[i]
      if c == 0x0D {
        out.append(0x0A)
        if i + 1 < to && buf[i + 1] == 0x0A { i += 1 }
      } else {
        out.append(c)
      }
      i += 1
    }
  }

  /// Appends character data `buf[from..<to]` with entities and character references resolved
  /// (an unknown entity is kept as written) and line ends normalised.
  static func decode(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, into out: inout [UInt8]) {
    var i = from
    while i < to {
      let c = buf[i]
      if c != 0x26 {
        if c == 0x0D {
          out.append(0x0A)
          if i + 1 < to && buf[i + 1] == 0x0A { i += 1 }
        } else {
          out.append(c)
        }
        i += 1
        continue
      }
      var semi = i + 1
      while semi < to && semi - i <= 12 && buf[semi] != 0x3B { semi += 1 }
      guard semi < to, buf[semi] == 0x3B else { out.append(c); i += 1; continue }
      let body = UnsafeBufferPointer(rebasing: buf[(i + 1)..<semi])
      var replaced = true
      if equals(body, "amp") { out.append(0x26) }
      else if equals(body, "lt") { out.append(0x3C) }
      else if equals(body, "gt") { out.append(0x3E) }
      else if equals(body, "quot") { out.append(0x22) }
      else if equals(body, "apos") { out.append(0x27) }
      else if body.count >= 2 && body[0] == 0x23 {
        let hex = body[1] == 0x78 || body[1] == 0x58
        let digits = String(decoding: UnsafeBufferPointer(rebasing: body[(hex ? 2 : 1)...]), as: UTF8.self)
        if let v = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(v) {
          out.append(contentsOf: Array(String(Character(scalar)).utf8))
        } else {
          replaced = false
        }
      } else {
        replaced = false
      }
      if replaced { i = semi + 1 } else { out.append(c); i += 1 }
    }
  }
}
