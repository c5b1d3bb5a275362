@testable import Candor
import CandorData
import Foundation
import Testing
import _CandorTestSupport

/// The pass's fast paths give what the general paths give: group labels found by their
/// packed bytes (``ShortLabelTable``) and response codes found while decoding
/// (``BatchWork/codes``), checked on the shipped demo export rewritten so that the same
/// batch mixes cells that take the fast path with cells that take the general one.
@Suite struct PassFastPathTests {
  static let root = repositoryRoot()
  static let demo = root.appendingPathComponent("datasets/demo/demo.csv")
  static let codebook = root.appendingPathComponent("datasets/demo/demo.codebook.yaml").path

  static func load(_ file: URL, threads: Int = 2) throws -> SurveyData {
    var request = AnalysisRequest(files: [file.path], codebookPath: codebook)
    request.threads = threads
    return try SurveyData.load(request)
  }

  /// The demo export with each data row's cells passed through `edit(row, column, cell)`.
  static func rewritten(_ edit: (Int, Int, String) -> String) throws -> URL {
    let lines = try String(contentsOf: demo, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    var out = [String(lines[0])]
    for (i, line) in lines.dropFirst().enumerated() where !line.isEmpty {
      out.append(line.split(separator: ",", omittingEmptySubsequences: false).enumerated()
        .map { edit(i, $0.offset, String($0.element)) }.joined(separator: ","))
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("candor-fast-path-\(UUID().uuidString).csv")
    try (out.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    return file
  }

  @Test func shortLabelKeysAreExactAndTheTableGrows() {
    func key(_ s: String) -> UInt64 { Array(s.utf8).withUnsafeBytes { ShortLabelTable.key($0) } }
    #expect(key("") == 0 && key("12345678") == 0)
    #expect(key("S1") != key("S10") && key("S1") != key("1S") && key("1234567") != 0)
    func pair(_ s: String) -> [UInt64] { Array(s.utf8).withUnsafeBytes { let p = ShortLabelTable.keyPair($0); return [p.low, p.high] } }
    #expect(pair("") == [0, 0] && pair("0123456789abcdef") == [0, 0] && pair("0123456789abcde")[1] != 0)
    // The word-load form gives the byte loop's pair for every length, wherever the field
    // sits in its buffer (close to the end it falls back to the byte loop).
    let buffer = Array("S0111,teacher,assistant,0123456789abcdef,x".utf8) + Array(repeating: UInt8(0x7A), count: 3)
    buffer.withUnsafeBytes { all in
      let end = all.baseAddress! + all.count
      for start in 0..<all.count {
        for length in 0...min(16, all.count - start) {
          let field = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
          let fast = ShortLabelTable.keyPair(field, readableUntil: end), slow = ShortLabelTable.keyPair(field)
          #expect(fast.low == slow.low && fast.high == slow.high, "start \(start), length \(length)")
        }
      }
    }
    let cells = ["a", "assistant", "assistan", "assistant\0", "12345678", "123456780", "0123456789abcde", "0123456789abcdf"]
    #expect(Set(cells.map(pair)).count == cells.count)  // lengths and bytes both count
    #expect(cells.allSatisfy { pair($0)[1] != 0 })
    var table = ShortLabelTable(width: 2)
    let keys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 2)
    defer { keys.deallocate() }
    for g in 0..<500 {  // grows from 64 slots several times
      keys[0] = key("D\(g % 7)"); keys[1] = key("S\(g)")
      #expect(table.find(keys) == nil)
      table.insert(keys, group: Int32(g))
    }
    for g in 0..<500 {
      keys[0] = key("D\(g % 7)"); keys[1] = key("S\(g)")
      #expect(table.find(keys) == Int32(g))
    }
    keys[0] = key("D1"); keys[1] = key("S0")  // S0 is under D0
    #expect(table.find(keys) == nil)
  }

  /// School ids quoted, padded, escaped (`"S00""22"`, general path) and long (general
  /// path) in the same batches as plain ones: every level's respondents per label are
  /// what counting the rows' trimmed, unquoted cells gives.
  @Test func groupsMixingShortAndGeneralCellsCountLikeTheirText() throws {
    let school = 2
    let file = try Self.rewritten { i, c, cell in
      guard c == school else { return cell }
      switch i % 5 {
      case 1: return "\"\(cell)\""
      case 2: return "  \(cell) "
      case 3:
        // Escaped (general path), 11 bytes (two key words), 24 bytes (general path).
        return i % 3 == 0 ? "\"\(cell.prefix(3))\"\"\(cell.dropFirst(3))\"" : i % 2 == 0 ? "\(cell)-annex" : "\(cell)-annex-building-b"
      default: return cell
      }
    }
    defer { try? FileManager.default.removeItem(at: file) }
    let one = try Self.load(file, threads: 1), two = try Self.load(file, threads: 2)
    let text = try String(contentsOf: file, encoding: .utf8)
    var rows = text.split(separator: "\n").dropFirst().map { line -> [String] in
      // The rewritten cells hold no delimiter, so a plain split finds them.
      line.split(separator: ",", omittingEmptySubsequences: false).map { cell in
        var s = cell.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("\"") { s = String(s.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") }
        return s
      }
    }
    #expect(rows.count == one.statistics.rowsRead)
    rows = rows.filter { $0[school] != "" }
    for (level, spec) in one.layout.groupLevels.enumerated() {
      var expected: [String: Int] = [:]
      for row in rows where spec.columns.allSatisfy({ row[$0] != "" }) {
        expected[spec.columns.map { row[$0] }.joined(separator: " / "), default: 0] += 1
      }
      for data in [one, two] {
        let stats = data.statistics.groups[level]
        let found = Dictionary(uniqueKeysWithValues: zip(stats.labels, stats.respondents))
        #expect(found == expected, "level \(level)")
      }
    }
    #expect(one.statistics.groups[1].labels.contains { $0.hasSuffix("S00\"22") || $0.contains("\"") })
    #expect(one.statistics.groups[1].labels.contains { $0.hasSuffix("-annex") })
    #expect(one.statistics.groups[1].labels.contains { $0.hasSuffix("-annex-building-b") })
  }

  /// Workers keep their group interners from batch to batch and give labels ids of the
  /// pass's registry, in whatever order they meet them; the merged groups are still in
  /// order of first appearance in the file, with the file's counts, for any batching and
  /// thread count. Two files pooled merge their passes' groups by label.
  @Test func groupsKeepFileOrderAcrossBatchesWorkersAndFiles() throws {
    let text = try String(contentsOf: Self.demo, encoding: .utf8)
    let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    func load(_ files: [URL], threads: Int, chunk: Int) throws -> SurveyData {
      var request = AnalysisRequest(files: files.map(\.path), codebookPath: Self.codebook)
      request.threads = threads
      request.chunkSize = chunk
      return try SurveyData.load(request)
    }
    for (threads, chunk) in [(1, 4096), (2, 4096), (7, 16 << 10), (2, 1 << 20)] {
      let data = try load([Self.demo], threads: threads, chunk: chunk)
      #expect(data.statistics.rowsUsed == rows.count)
      for (level, spec) in data.layout.groupLevels.enumerated() {
        var order: [String] = [], count: [String: Int] = [:]
        for row in rows where spec.columns.allSatisfy({ !row[$0].isEmpty }) {
          let label = spec.columns.map { row[$0] }.joined(separator: " / ")
          if count[label] == nil { order.append(label) }
          count[label, default: 0] += 1
        }
        let stats = data.statistics.groups[level]
        #expect(stats.labels == order, "level \(level), \(threads) threads, \(chunk)-byte batches")
        #expect(stats.respondents == order.map { count[$0]! })
      }
    }
    let once = try load([Self.demo], threads: 2, chunk: 4096)
    let twice = try load([Self.demo, Self.demo], threads: 2, chunk: 4096)
    for level in once.statistics.groups.indices {
      #expect(twice.statistics.groups[level].labels == once.statistics.groups[level].labels)
      #expect(twice.statistics.groups[level].respondents == once.statistics.groups[level].respondents.map { 2 * $0 })
    }
  }

  /// The decoder writes a digit-table cell's code only, and the values of those columns
  /// from the codes afterwards (``CellDecoder``): every value is still what the plan's
  /// decoder makes of the cell, bit for bit, whichever path the cell took (one digit in a
  /// run of eight, reverse-keyed items among them, or alone; a padded digit, "3.0", a half,
  /// a quoted digit, empty), and every code is the value's code.
  @Test func valuesFilledFromCodesAreThePlansValues() throws {
    let layout = try Self.load(Self.demo).layout
    let file = try Self.rewritten { i, c, cell in
      guard c >= 5, c <= 63, !cell.isEmpty, i % 3 != 0 else { return cell }  // a third of rows untouched
      switch (i + c) % 23 {
      case 1: return " \(cell) "
      case 2: return "\(cell).0"
      case 3: return c % 2 == 0 ? "2.5" : ""
      case 4: return "\"\(cell)\""
      default: return cell
      }
    }
    defer { try? FileManager.default.removeItem(at: file) }
    let source = try SurveyFile.open(path: file.path)
    let plan = layout.plan
    var cells = 0
    try source.forEachBatch { batch in
      var decoder = CellDecoder(layout: layout, decoding: nil, groupLevels: nil)
      // Two calls over parts of the batch, as a second pass's rows would be.
      let half = batch.count / 2
      for rows in [0..<half, half..<batch.count] {
        let decoded = try decoder.decode(batch, rows: rows)
        let n = rows.count
        for (v, variable) in plan.variables.enumerated() {
          let (minimum, top) = ItemGroupHistogram.codeScale(variable.range)
          for r in rows {
            let got = decoded.values[v * n + r - rows.lowerBound]
            let want = try batch.withField(r, variable.column) { field -> Double in
              let text = String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces)
              if text.isEmpty { return .nan }
              return try plan.decodeCell(field, variable: v)
            }
            #expect(got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN), "row \(r), variable \(variable.name)")
            #expect(decoded.codes[v * n + r - rows.lowerBound] == ItemGroupHistogram.code(want, minimum: minimum, top: top))
            cells += 1
          }
        }
      }
    }
    #expect(cells > 10_000)
  }

  /// A digit out of an item's range inside a run of one-digit cells leaves the run's fast
  /// path for the plan's decoder, which stops the load naming the cell's line and column.
  @Test func aDigitOutOfRangeInARunIsReportedAtItsCell() throws {
    let header = try String(contentsOf: Self.demo, encoding: .utf8).prefix { $0 != "\n" }.split(separator: ",")
    let file = try Self.rewritten { i, c, cell in i == 300 && c == 30 ? "9" : cell }
    defer { try? FileManager.default.removeItem(at: file) }
    #expect(throws: ReadError.self) { try Self.load(file) }
    do { _ = try Self.load(file) } catch let e as ReadError {
      #expect(e.line == 302 && e.column == String(header[30]) && e.text == "9", "\(e)")
    }
  }

  /// The statistics pass's decoder leaves unwritten only the values of variables that pass
  /// reads as codes alone (``AnalysisLayout/readsOnlyCodes(_:)``), and only in batches where
  /// no item of their scales has code 254: a batch with a half in one item keeps the values
  /// of every item of that scale (its straight-lining test, co-moments and scores then read
  /// them all).
  /// Codes are the same either way; in a debug build the unwritten values are 2⁶⁰⁰, so a
  /// use of them anywhere in the pipeline would show in every test against R.
  @Test func unreadValuesAreLeftOutOnlyWhereNothingReadsThem() throws {
    let layout = try Self.load(Self.demo).layout
    // A half in ps2 (column 6) in the first rows only: the first batch has code 254 there.
    let file = try Self.rewritten { i, c, cell in c == 6 && i < 40 && i % 3 == 0 ? "2.5" : cell }
    defer { try? FileManager.default.removeItem(at: file) }
    let plan = layout.plan
    let ps2 = try #require(plan.variables.firstIndex { $0.name == "ps2" })
    let safety = try #require(layout.scales.first { $0.name == "psych_safety" }).variables
    #expect(layout.readsOnlyCodes(ps2))
    #expect(!layout.outcomeVariables.contains { layout.readsOnlyCodes($0) })
    var skipped = 0, kept254 = 0, keptSiblings = 0, batches = 0
    try SurveyFile.open(path: file.path, options: SourceOptions(csv: CSVOptions(chunkSize: 64 << 10))).forEachBatch { batch in
      batches += 1
      var all = CellDecoder(layout: layout, decoding: nil, groupLevels: nil)
      var some = CellDecoder(layout: layout, decoding: nil, groupLevels: nil, skipsUnreadValues: true)
      let full = try all.decode(batch, rows: 0..<batch.count), lean = try some.decode(batch, rows: 0..<batch.count)
      #expect(full.codes == lean.codes)
      let n = batch.count
      for v in plan.variables.indices {
        let column = (v * n)..<((v + 1) * n)
        let same = zip(full.values[column], lean.values[column]).allSatisfy { $0.bitPattern == $1.bitPattern }
        let has254 = full.codes[column].contains(ResponseCodes.other)
        let scaleHas254 = layout.scales.filter { $0.variables.contains(v) }.flatMap(\.variables).contains { u in
          full.codes[(u * n)..<((u + 1) * n)].contains(ResponseCodes.other)
        }
        if safety.contains(v) && v != ps2 && scaleHas254 && same { keptSiblings += 1 }
        if !same {
          let name = plan.variables[v].name
          #expect(layout.readsOnlyCodes(v), "variable \(name)")
          #expect(!has254 && !scaleHas254, "variable \(name)")
          #if DEBUG
          #expect(lean.values[column].allSatisfy { $0 == CellDecoder.unwrittenValue })
          #endif
          skipped += 1
        } else if has254 && v == ps2 {
          kept254 += 1
        }
      }
    }
    #expect(batches > 1 && skipped > 0 && kept254 > 0 && keptSiblings >= safety.count - 1)
  }

  /// Straight-lining found on the decoder's codes is straight-lining found on the values:
  /// rows that give one answer to every item (before keying: the reversed Edmondson items
  /// are stored reversed), rows that miss one item, and a batch where a scale has a half
  /// (code 254: that scale is compared on its values).
  @Test func straightliningOnCodesIsStraightliningOnValues() throws {
    let layout = try Self.load(Self.demo).layout
    let file = try Self.rewritten { i, c, cell in
      guard c >= 5, c <= 63 else { return cell }
      switch i % 7 {
      case 0: return "3"                        // one answer everywhere
      case 1: return c == 9 ? "" : "2"          // one item missing
      case 2: return i > 150 && c == 20 ? "2.5" : "4"  // a half in some rows (code 254)
      default: return cell
      }
    }
    defer { try? FileManager.default.removeItem(at: file) }
    var flagged = 0, rows = 0
    try SurveyFile.open(path: file.path).forEachBatch { batch in
      var decoder = CellDecoder(layout: layout, decoding: nil, groupLevels: nil)
      let decoded = try decoder.decode(batch, rows: 0..<batch.count)
      let onCodes = BatchWork.straightlined(decoded.values, codes: decoded.codes, other: decoded.other, rows: batch.count, layout: layout)
      let onValues = BatchWork.straightlined(decoded.values, codes: [], other: decoded.other, rows: batch.count, layout: layout)
      #expect(onCodes == onValues)
      flagged += onCodes.filter { $0 }.count
      rows += batch.count
    }
    #expect(flagged > rows / 5)
  }

  /// Item cells padded with spaces take the general decoder, and their codes are found
  /// from the decoded value: frequencies, item histograms and co-moments are those of the
  /// untouched export.
  @Test func codesFromTheGeneralDecoderMatchTheDigitTable() throws {
    let plain = try Self.load(Self.demo)
    let firstItem = 5, lastItem = 63
    let file = try Self.rewritten { i, c, cell in
      c >= firstItem && c <= lastItem && !cell.isEmpty && (i + c) % 3 == 0 ? " \(cell) " : cell
    }
    defer { try? FileManager.default.removeItem(at: file) }
    let padded = try Self.load(file)
    #expect(padded.statistics.rowsUsed == plain.statistics.rowsUsed)
    #expect(padded.statistics.frequencies == plain.statistics.frequencies)
    #expect(plain.statistics.frequencies[firstItem].counts.reduce(0, +) > 0)
    for level in plain.statistics.groups.indices {
      #expect(padded.statistics.groups[level].labels == plain.statistics.groups[level].labels)
      for (a, b) in zip(padded.statistics.groups[level].items, plain.statistics.groups[level].items) {
        #expect(a?.counts == b?.counts)
      }
    }
    #expect(padded.statistics.scaleItems == plain.statistics.scaleItems)
  }
}
