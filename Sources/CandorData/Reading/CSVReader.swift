#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The field delimiter of a text export (codebook `delimiter:`).
public enum Delimiter: Sendable, Equatable {
  /// Detected from the first records: the candidate among `,` `;` tab that splits them into
  /// equal, non-zero field counts (outside quotes), preferring the most fields.
  case auto
  case comma, semicolon, tab

  /// Parses the codebook spelling: `auto`, `","`, `";"`, `"\t"` (or `tab`).
  public init?(codebook text: String) {
    switch text {
    case "auto": self = .auto
    case ",": self = .comma
    case ";": self = .semicolon
    case "\t", "\\t", "tab": self = .tab
    default: return nil
    }
  }

  var byte: UInt8? {
    switch self {
    case .auto: return nil
    case .comma: return 0x2C
    case .semicolon: return 0x3B
    case .tab: return 0x09
    }
  }
}

/// How a text export is read.
public struct CSVOptions: Sendable, Equatable {
  public var delimiter: Delimiter
  public var encoding: TextEncoding
  /// Bytes read per chunk; each chunk is parsed by one worker. Small values are for tests.
  public var chunkSize: Int
  /// Bytes read from the start of the file to find the encoding, delimiter and header rows.
  public var headSize: Int

  public init(delimiter: Delimiter = .auto, encoding: TextEncoding = .auto,
              chunkSize: Int = 4 << 20, headSize: Int = 4 << 20) {
    self.delimiter = delimiter; self.encoding = encoding
    self.chunkSize = max(chunkSize, 16); self.headSize = max(headSize, 16)
  }
}

/// Where a delivered batch sits in the file (known only in the in-order `consume` stage).
public struct BatchPosition: Sendable, Equatable {
  /// 0-based batch index in file order.
  public var sequence: Int
  /// Data records before the batch.
  public var recordBase: Int
  /// Physical lines before the batch.
  public var lineBase: Int
  /// Records in the batch.
  public var count: Int
}

/// A streaming RFC 4180 reader for large text exports.
///
/// Reads with read(2) into fixed chunks (never maps or slurps the file), transcodes UTF-16
/// and Windows-1252 to UTF-8 on the way, splits the text into chunks on record boundaries
/// (quote parity, so a quoted line break never splits a record), tokenizes chunks on worker
/// threads and delivers results in file order. Peak memory is about
/// `min(threads + 2, 5) × (chunkSize + field offsets + map's output)` — 64 MB on 1 thread and
/// 91 MB on 2 with 4 MB chunks and a 70-column decode — whatever the file size.
///
/// ```swift
/// let reader = try CSVReader(path: "export.csv")
/// try reader.readBatches(headerRows: 1, columnNames: names, threads: 2,
///   map: { batch in /* parse numbers: runs on a worker */ },
///   consume: { value, position in /* runs on the caller's thread, in file order */ })
/// ```
public final class CSVReader: Sendable {
  public let path: String
  /// The file's last path component, used in messages.
  public let fileName: String
  public let options: CSVOptions
  public let encoding: DetectedEncoding
  /// The field delimiter (detected or given).
  public let delimiter: UInt8
  /// Whether numbers may use a decimal comma (delimiter `;` or tab).
  public var decimalComma: Bool { delimiter != 0x2C }
  /// Whether the file began with Excel's `sep=X` line (honoured and skipped).
  public let hasSeparatorLine: Bool
  /// The first (up to 4) records, as text: header candidates for layout detection.
  public let leadingRecords: [[String]]
  /// The physical line (1-based) on which each leading record starts.
  public let leadingRecordLines: [Int]
  private let rawSkip: Int
  private let separatorLineBytes: Int
  private let separatorLines: Int
  private let leadingEnds: [Int]
  private let leadingLineCounts: [Int]

  /// Opens `path`, detects the encoding, `sep=` line and delimiter, and reads the first records.
  public init(path: String, options: CSVOptions = CSVOptions()) throws(ReadError) {
    self.path = path
    self.options = options
    let name = path.split(separator: "/").last.map(String.init) ?? path
    fileName = name
    // Encoding from the byte-order mark.
    let probe = try FileByteSource(path: path, fileName: name)
    var bom = [UInt8](repeating: 0, count: 4)
    let bomCount = try bom.withUnsafeMutableBufferPointer { (b) throws(ReadError) in try probe.read(into: b.baseAddress!, capacity: 4) }
    let (detected, skip) = Self.detectEncoding(Array(bom[0..<bomCount]), requested: options.encoding)
    encoding = detected
    rawSkip = skip
    // Head of the (transcoded) text.
    var source = try Self.makeSource(path: path, fileName: name, encoding: detected, rawSkip: skip)
    var head = [UInt8](repeating: 0, count: options.headSize)
    var filled = 0
    while filled < head.count {
      let got = try head.withUnsafeMutableBufferPointer { (b) throws(ReadError) in
        try source.read(into: b.baseAddress! + filled, capacity: b.count - filled)
      }
      if got == 0 { break }
      filled += got
    }
    let wholeFile = filled < head.count
    head.removeLast(head.count - filled)
    if head.isEmpty { throw ReadError(.emptyFile, file: name) }
    if (detected == .utf8 || detected == .utf8WithBOM), head.prefix(4096).contains(0) {
      throw ReadError(.io("the file contains NUL bytes — is it UTF-16 without a byte-order mark? Set `encoding: utf-16`"), file: name)
    }
    // Excel's "sep=;" line.
    var sepBytes = 0
    var sepDelimiter: UInt8?
    if head.count >= 5, head[0] | 0x20 == 0x73, head[1] | 0x20 == 0x65, head[2] | 0x20 == 0x70, head[3] == 0x3D,
       head.count == 5 || head[5] == 0x0A || (head[5] == 0x0D) {
      sepDelimiter = head[4]
      sepBytes = 5
      if sepBytes < head.count && head[sepBytes] == 0x0D { sepBytes += 1 }
      if sepBytes < head.count && head[sepBytes] == 0x0A { sepBytes += 1 }
    }
    hasSeparatorLine = sepDelimiter != nil
    separatorLineBytes = sepBytes
    separatorLines = sepDelimiter != nil ? 1 : 0
    let body = Array(head[sepBytes...])
    if body.allSatisfy({ $0 == 0x0A || $0 == 0x0D || $0 == 0x20 }) { throw ReadError(.emptyFile, file: name) }
    if !body.contains(0x0A) && body.contains(0x0D) && !wholeFile { throw ReadError(.carriageReturnLineEndings, file: name) }
    if !body.contains(0x0A), let cr = body.firstIndex(of: 0x0D), cr + 1 < body.count {
      throw ReadError(.carriageReturnLineEndings, file: name)
    }
    let delim = options.delimiter.byte ?? sepDelimiter ?? Self.detectDelimiter(body)
    delimiter = delim
    // Leading records, one at a time, so each one's end is known.
    var records: [[String]] = []
    var ends: [Int] = []
    var lineCounts: [Int] = []
    var starts: [Int] = []
    var offset = 0
    var lines = 0
    try body.withUnsafeBufferPointer { (b) throws(ReadError) in
      guard let base = b.baseAddress else { return }
      while records.count < 4 && offset < b.count {
        let storage = BatchStorage(bytes: [], fieldCapacity: 64)
        let result: (end: Int, lines: Int)
        do throws(ChunkFailure) {
          result = try CSVTokenizer.tokenize(base + offset, count: b.count - offset, delimiter: delim, expectedFields: 0,
                                             isFinal: wholeFile, maxRecords: 1, into: storage)
        } catch {
          if !records.isEmpty { break }  // later records: the streaming pass reports it with its record number
          var kind = error.kind
          let offset = lines + 1 + (sepDelimiter != nil ? 1 : 0)
          if case let .unterminatedQuote(opened) = kind { kind = .unterminatedQuote(openedAtLine: opened + offset) }
          if case let .textAfterMultilineQuote(opened) = kind { kind = .textAfterMultilineQuote(openedAtLine: opened + offset) }
          throw ReadError(kind, file: name, line: lines + error.line + 1 + (sepDelimiter != nil ? 1 : 0))
        }
        if storage.recordCount == 0 { offset = b.count; break }
        let fieldEnd = storage.fieldCount
        var row: [String] = []
        var invalid = false
        for k in 0..<fieldEnd {
          let s = Int(storage.starts[k]), e = Int(storage.ends[k] & BatchStorage.offsetMask)
          let bytes = UnsafeBufferPointer(start: base + offset + s, count: e - s)
          if let bad = firstInvalidUTF8(bytes.baseAddress!, count: bytes.count), detected == .utf8 || detected == .utf8WithBOM {
            if !records.isEmpty { invalid = true; break }
            throw ReadError(.invalidUTF8(byte: bytes[bad]), file: name,
                            line: lines + Int(storage.recordLines[0]) + 1 + (sepDelimiter != nil ? 1 : 0),
                            column: "header cell \(k + 1)")
          }
          var text = String(decoding: bytes, as: UTF8.self)
          if storage.ends[k] & BatchStorage.escapedFlag != 0 { text = text.replacingOccurrences(of: "\"\"", with: "\"") }
          row.append(text)
        }
        if invalid { break }
        starts.append(lines + Int(storage.recordLines[0]) + 1 + (sepDelimiter != nil ? 1 : 0))
        records.append(row)
        offset += result.end
        lines += result.lines
        ends.append(offset)
        lineCounts.append(lines)
      }
    }
    if records.isEmpty { throw ReadError(.emptyFile, file: name) }
    leadingRecords = records
    leadingRecordLines = starts
    leadingEnds = ends
    leadingLineCounts = lineCounts
  }

  private static func detectEncoding(_ bom: [UInt8], requested: TextEncoding) -> (DetectedEncoding, Int) {
    let utf8BOM = bom.starts(with: [0xEF, 0xBB, 0xBF])
    let le = bom.starts(with: [0xFF, 0xFE]), be = bom.starts(with: [0xFE, 0xFF])
    switch requested {
    case .auto, .utf8:
      if utf8BOM { return (.utf8WithBOM, 3) }
      if requested == .auto && le { return (.utf16LittleEndian, 2) }
      if requested == .auto && be { return (.utf16BigEndian, 2) }
      return (.utf8, 0)
    case .utf16:
      if be { return (.utf16BigEndian, 2) }
      return (.utf16LittleEndian, le ? 2 : 0)
    case .windows1252:
      return (.windows1252, 0)
    }
  }

  private static func makeSource(path: String, fileName: String, encoding: DetectedEncoding, rawSkip: Int,
                                 observer: (any RawByteObserver)? = nil) throws(ReadError) -> any ByteSource {
    let file = try FileByteSource(path: path, fileName: fileName)
    file.observer = observer
    try file.skip(rawSkip)
    switch encoding {
    case .utf8, .utf8WithBOM: return file
    case .utf16LittleEndian: return UTF16Transcoder(source: file, bigEndian: false, bomLength: rawSkip)
    case .utf16BigEndian: return UTF16Transcoder(source: file, bigEndian: true, bomLength: rawSkip)
    case .windows1252: return Windows1252Transcoder(source: file)
    }
  }

  /// The delimiter among `,` `;` tab whose counts outside quotes are equal and non-zero on
  /// the first records (up to 20), preferring the most fields; else the most frequent on the
  /// first record; else `,`.
  static func detectDelimiter(_ text: [UInt8]) -> UInt8 {
    let candidates: [UInt8] = [0x2C, 0x3B, 0x09]
    var perRecord: [[Int]] = []
    var current = [0, 0, 0]
    var inQuote = false
    var complete = false
    for b in text {
      if b == 0x22 { inQuote.toggle(); continue }
      if inQuote { continue }
      if b == 0x0A {
        perRecord.append(current); current = [0, 0, 0]
        if perRecord.count == 20 { complete = true; break }
        continue
      }
      if let k = candidates.firstIndex(of: b) { current[k] += 1 }
    }
    if !complete && current != [0, 0, 0] { perRecord.append(current) }
    perRecord.removeAll { $0 == [0, 0, 0] }  // blank lines
    guard let first = perRecord.first else { return 0x2C }
    var best: (Int, Int)? = nil  // (count, candidate index)
    for k in 0..<3 where first[k] > 0 && perRecord.allSatisfy({ $0[k] == first[k] }) {
      if best == nil || first[k] > best!.0 { best = (first[k], k) }
    }
    if let best { return candidates[best.1] }
    let k = (0..<3).max { first[$0] < first[$1] }!
    return first[k] > 0 ? candidates[k] : 0x2C
  }

  // MARK: - Streaming

  struct Job: @unchecked Sendable {
    var bytes: [UInt8]
    var length: Int
    var isFinal: Bool
    var sequence: Int
  }

  enum JobOutput<T: Sendable>: Sendable {
    case success(value: T, records: Int, lines: Int)
    case chunkFailure(ChunkFailure)
    case failure(any Error)
  }

  /// Streams the data records after the first `headerRows` leading records.
  ///
  /// - Parameters:
  ///   - headerRows: leading records that are headers (1 for plain CSV, 3 for Qualtrics).
  ///   - columnNames: one name per field; a record with another field count is an error.
  ///   - threads: worker threads; 1 parses on the calling thread. Results are identical
  ///     for every thread count and chunk size.
  ///   - visibility: which columns' text may appear in error messages.
  ///   - map: runs on a worker per batch (parse numbers, accumulate); positions are
  ///     batch-relative here, so report bad cells with ``RecordBatch/error(_:record:column:)``.
  ///   - consume: runs on the calling thread, in file order, with the batch's position.
  ///   - observer: sees every raw byte of the file as it is read (on the calling thread),
  ///     and the end of the file once it is reached.
  /// - Throws: ``ReadError`` (the first error in file order), or what `map`/`consume` throw.
  public func readBatches<T: Sendable>(
    headerRows: Int, columnNames: [String], threads: Int = 1, visibility: TextVisibility = .hidden,
    observer: (any RawByteObserver)? = nil,
    map: @escaping @Sendable (RecordBatch) throws -> T,
    consume: (T, BatchPosition) throws -> Void
  ) throws {
    precondition(headerRows >= 0 && headerRows <= leadingRecords.count, "headerRows \(headerRows) > leading records \(leadingRecords.count)")
    let skip = separatorLineBytes + (headerRows > 0 ? leadingEnds[headerRows - 1] : 0)
    var lineBase = separatorLines + (headerRows > 0 ? leadingLineCounts[headerRows - 1] : 0)
    var recordBase = 0
    var source = try Self.makeSource(path: path, fileName: fileName, encoding: encoding, rawSkip: rawSkip, observer: observer)
    // Skip the sep= line and header rows; bytes read past them start the first chunk.
    var tail: [UInt8] = []
    if skip > 0 {
      var scratch = [UInt8](repeating: 0, count: skip + 65_536)
      var done = 0
      while done < skip {
        let got = try scratch.withUnsafeMutableBufferPointer { (b) throws(ReadError) in try source.read(into: b.baseAddress! + done, capacity: b.count - done) }
        if got == 0 { break }
        done += got
      }
      if done > skip { tail = Array(scratch[skip..<done]) }
    }
    let fields = columnNames.count
    let delimiter = self.delimiter
    let decimalComma = self.decimalComma
    let validate = encoding == .utf8 || encoding == .utf8WithBOM
    // With more than 2 workers, halve the chunks so the chunks in flight stay within the
    // memory bound (results do not depend on the chunk size).
    let chunkSize = threads > 2 ? min(options.chunkSize, 2 << 20) : options.chunkSize
    // A record longer than this is reported (usually an unclosed quote) instead of buffered.
    let maxRecordBytes = max(16 << 20, chunkSize)

    // Producer: chunks that end on record boundaries.
    var eof = false
    var sequence = 0
    func produce() throws(ReadError) -> Job? {
      if eof { return nil }
      var capacity = max(chunkSize, tail.count * 2)
      while true {
        var readError: ReadError?
        var reachedEnd = false
        let cap = capacity
        var buffer = BufferPool.shared.takeBytes(minimumCount: cap)
        var filled = 0
        buffer.withUnsafeMutableBufferPointer { b in
          _ = b.initialize(fromContentsOf: tail)
          var got = tail.count
          while got < cap {
            do throws(ReadError) {
              let n = try source.read(into: b.baseAddress! + got, capacity: cap - got)
              if n == 0 { reachedEnd = true; break }
              got += n
            } catch { readError = error; break }
          }
          filled = got
        }
        if let readError { throw readError }
        if reachedEnd {
          eof = true
          tail = []
          if filled == 0 { return nil }
          defer { sequence += 1 }
          return Job(bytes: buffer, length: filled, isFinal: true, sequence: sequence)
        }
        let boundary = buffer.withUnsafeBufferPointer { CSVTokenizer.lastRecordBoundary($0.baseAddress!, count: filled) }
        if let boundary {
          tail = Array(buffer[boundary..<filled])
          defer { sequence += 1 }
          return Job(bytes: buffer, length: boundary, isFinal: false, sequence: sequence)
        }
        if capacity >= maxRecordBytes {
          tail = []
          eof = true
          defer { sequence += 1 }
          return Job(bytes: buffer, length: filled, isFinal: false, sequence: sequence)
        }
        tail = Array(buffer[0..<filled])
        capacity *= 2
      }
    }

    let work: @Sendable (Job) -> JobOutput<T> = { job in
      let storage = BatchStorage(bytes: job.bytes, fieldCapacity: min(job.length, chunkSize) / 4 + 16)
      storage.byteLength = job.length
      var lines = 0
      do throws(ChunkFailure) {
        try job.bytes.withUnsafeBufferPointer { (b) throws(ChunkFailure) in
          guard let base = b.baseAddress, job.length > 0 else { return }
          lines = try CSVTokenizer.tokenize(base, count: job.length, delimiter: delimiter, expectedFields: fields,
                                            isFinal: job.isFinal, into: storage).lines
          if validate, let bad = firstInvalidUTF8(base, count: job.length) {
            throw Self.locateInvalidUTF8(bad, base: base, storage: storage, byte: base[bad])
          }
        }
      } catch {
        return .chunkFailure(error)
      }
      storage.fieldsPerRecord = fields
      let batch = RecordBatch(storage: storage, decimalComma: decimalComma, sequence: job.sequence)
      do {
        return .success(value: try map(batch), records: storage.recordCount, lines: lines)
      } catch {
        return .failure(error)
      }
    }

    func deliver(_ output: JobOutput<T>, sequence: Int) throws {
      switch output {
      case let .success(value, records, lines):
        try consume(value, BatchPosition(sequence: sequence, recordBase: recordBase, lineBase: lineBase, count: records))
        recordBase += records
        lineBase += lines
      case let .chunkFailure(failure):
        throw position(failure, recordBase: recordBase, lineBase: lineBase, columnNames: columnNames, visibility: visibility)
      case let .failure(error):
        if var e = error as? ReadError, let pending = e.pending {
          e.file = fileName
          e.line = (e.line ?? 0) + lineBase
          e.record = (e.record ?? 0) + recordBase
          if let c = pending.columnIndex {
            e.column = c < columnNames.count ? columnNames[c] : "column \(c + 1)"
            e.text = visibility.reveals(c) ? pending.text.map { ReadError.shorten($0) } : nil
          }
          e.pending = nil
          throw e
        }
        throw error
      }
    }

    // At most 4 chunks are in flight (memory bound), so more than 4 workers would idle;
    // each extra thread would also keep its own malloc arena.
    let workers = min(max(1, threads), 4)
    if workers == 1 {
      var k = 0
      while let job = try produce() { try deliver(work(job), sequence: k); k += 1 }
      return
    }
    let queue = OrderedWorkQueue<Job, JobOutput<T>>(threads: workers, work: work)
    defer { queue.shutdown() }
    // Chunks in flight (queued, parsing, or waiting to be consumed) bound peak memory:
    // each holds its bytes, field offsets and whatever `map` returns. Two beyond the
    // workers: with one, a worker that finished chunk k + 1 and the queued k + 2 while the
    // other was still on k (results are consumed in order) sat idle until k was done
    // (1M-row analyze on 2 workers, 10 runs each alternated: 0.575 -> 0.565 s and
    // 0.590 -> 0.565 s; peak memory +2 MB, 5M rows 144 -> 145 MB).
    let limit = min(workers + 2, 4)
    var submitted = 0
    var delivered = 0
    while let job = try produce() {
      queue.submit(submitted, job)
      submitted += 1
      while submitted - delivered >= limit { try deliver(queue.take(delivered), sequence: delivered); delivered += 1 }
    }
    while delivered < submitted { try deliver(queue.take(delivered), sequence: delivered); delivered += 1 }
  }

  /// Calls `body` with every batch in file order, positions final (single consumer).
  public func forEachBatch(headerRows: Int, columnNames: [String], threads: Int = 1,
                           visibility: TextVisibility = .hidden, _ body: (RecordBatch) throws -> Void) throws {
    try readBatches(headerRows: headerRows, columnNames: columnNames, threads: threads, visibility: visibility,
                    map: { $0 }, consume: { batch, position in
                      var b = batch
                      b.recordBase = position.recordBase
                      b.lineBase = position.lineBase
                      try body(b)
                    })
  }

  private static func locateInvalidUTF8(_ offset: Int, base: UnsafePointer<UInt8>, storage: BatchStorage, byte: UInt8) -> ChunkFailure {
    // The field whose span holds `offset` (fields are in file order).
    var lo = 0, hi = storage.fieldCount
    while lo < hi {
      let mid = (lo + hi) / 2
      if Int(storage.starts[mid]) <= offset { lo = mid + 1 } else { hi = mid }
    }
    let k = max(0, lo - 1)
    let fpr = max(1, storage.fieldsPerRecord == 0 ? 1 : storage.fieldsPerRecord)
    let record = min(k / fpr, max(0, storage.recordCount - 1))
    var line = storage.recordLines.isEmpty ? 0 : Int(storage.recordLines[record])
    let recordStart = storage.fieldCount > 0 ? Int(storage.starts[record * fpr]) : 0
    var i = recordStart
    while i < offset { if base[i] == 0x0A { line += 1 }; i += 1 }
    let s = storage.fieldCount > 0 ? Int(storage.starts[k]) : offset
    let e = storage.fieldCount > 0 ? Int(storage.ends[k] & BatchStorage.offsetMask) : offset + 1
    return ChunkFailure(kind: .invalidUTF8(byte: byte), record: record, line: line, column: k % fpr,
                        text: Array(UnsafeBufferPointer(start: base + s, count: max(0, e - s))))
  }

  private func position(_ f: ChunkFailure, recordBase: Int, lineBase: Int, columnNames: [String], visibility: TextVisibility) -> ReadError {
    var kind = f.kind
    if case let .unterminatedQuote(opened) = kind { kind = .unterminatedQuote(openedAtLine: lineBase + opened + 1) }
    if case let .textAfterMultilineQuote(opened) = kind { kind = .textAfterMultilineQuote(openedAtLine: lineBase + opened + 1) }
    var e = ReadError(kind, file: fileName, line: lineBase + f.line + 1, record: recordBase + f.record + 1)
    if let c = f.column {
      e.column = c < columnNames.count ? columnNames[c] : "column \(c + 1)"
      if visibility.reveals(c), let t = f.text {
        var s = String(decoding: t, as: UTF8.self)
        if case .invalidUTF8 = f.kind { s = String(s.map { $0 == "\u{FFFD}" ? "?" : $0 }) }
        e.text = ReadError.shorten(s)
      }
    }
    return e
  }
}

