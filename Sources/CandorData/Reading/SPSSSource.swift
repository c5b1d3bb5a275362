internal import CReadStat
import Foundation

/// An SPSS system file (.sav, `$FL2`/`$FL3`) read through libreadstat.
///
/// Cells are delivered as text in the same ``RecordBatch`` shape as CSV: numbers in their
/// shortest round-trip form (`5`, `-99`, `2.5`), system-missing as an empty cell, strings as
/// stored. User-missing codes keep their value in the cell and are listed in
/// ``dictionary`` so the decoder treats them as missing (domain.md §5.6); value labels are
/// kept so group columns can be reported by label.
///
/// - Complexity: the whole file is decoded into memory when opened (SPSS survey files are
///   small); the bounded-memory guarantee covers text sources.
public final class SPSSSource: SurveySource {
  public let fileName: String
  public let header: SurveyHeader
  public let dictionary: VariableDictionary?
  public var container: ContainerKind { .spss }
  public var decimalComma: Bool { false }
  private let batches: [RecordBatch]

  final class Context {
    var names: [String] = []
    var labels: [String] = []
    var labelSets: [String] = []
    var isNumeric: [Bool] = []
    var missing: [VariableDictionary.MissingValues] = []
    var valueLabelSets: [String: [String: String]] = [:]
    var storages: [BatchStorage] = []
    var current: BatchStorage?
    var currentObs = -1
    var rowsInCurrent = 0
    var errorMessage: String?
    static let batchRows = 4096
  }

  static func text(of value: readstat_value_t) -> String {
    if readstat_value_is_system_missing(value) != 0 { return "" }
    switch readstat_value_type(value) {
    case READSTAT_TYPE_STRING, READSTAT_TYPE_STRING_REF:
      return readstat_string_value(value).map { String(cString: $0) } ?? ""
    default:
      let v = readstat_double_value(value)
      if v.isNaN { return "" }
      if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
      return "\(v)"
    }
  }

  public init(path: String) throws(ReadError) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    fileName = name
    let context = Context()
    let parser = readstat_parser_init()
    defer { readstat_parser_free(parser) }
    readstat_set_variable_handler(parser) { _, variable, valLabels, ctx in
      let c = Unmanaged<Context>.fromOpaque(ctx!).takeUnretainedValue()
      c.names.append(String(cString: readstat_variable_get_name(variable)))
      c.labels.append(readstat_variable_get_label(variable).map { String(cString: $0) } ?? "")
      c.labelSets.append(valLabels.map { String(cString: $0) } ?? "")
      c.isNumeric.append(readstat_variable_get_type(variable) != READSTAT_TYPE_STRING)
      var spec = VariableDictionary.MissingValues()
      for k in 0..<readstat_variable_get_missing_ranges_count(variable) {
        let lo = readstat_double_value(readstat_variable_get_missing_range_lo(variable, k))
        let hi = readstat_double_value(readstat_variable_get_missing_range_hi(variable, k))
        if lo == hi { spec.codes.append(lo) } else { spec.range = min(lo, hi)...max(lo, hi) }
      }
      c.missing.append(spec)
      return 0
    }
    readstat_set_value_label_handler(parser) { set, value, label, ctx in
      let c = Unmanaged<Context>.fromOpaque(ctx!).takeUnretainedValue()
      let key = SPSSSource.text(of: value)
      c.valueLabelSets[String(cString: set!), default: [:]][key] = label.map { String(cString: $0) } ?? ""
      return 0
    }
    readstat_set_value_handler(parser) { obs, variable, value, ctx in
      let c = Unmanaged<Context>.fromOpaque(ctx!).takeUnretainedValue()
      if obs != c.currentObs {
        if c.current == nil || c.rowsInCurrent == Context.batchRows {
          if let s = c.current { s.recordCount = c.rowsInCurrent; c.storages.append(s) }
          let s = BatchStorage(bytes: [], fieldCapacity: Context.batchRows * max(1, c.names.count))
          s.fieldsPerRecord = c.names.count
          c.current = s
          c.rowsInCurrent = 0
        }
        c.current!.recordLines.append(Int32(c.rowsInCurrent))
        c.current!.recordFieldStart.append(Int32(c.current!.fieldCount))
        c.rowsInCurrent += 1
        c.currentObs = Int(obs)
      }
      c.current!.appendCell(Array(SPSSSource.text(of: value).utf8))
      return 0
    }
    readstat_set_error_handler(parser) { message, ctx in
      let c = Unmanaged<Context>.fromOpaque(ctx!).takeUnretainedValue()
      c.errorMessage = message.map { String(cString: $0) }
    }
    let status = path.withCString { p in
      readstat_parse_sav(parser, p, Unmanaged.passUnretained(context).toOpaque())
    }
    if status != READSTAT_OK {
      let detail = context.errorMessage ?? String(cString: readstat_error_message(status))
      throw ReadError(.spss("libreadstat could not read the file: \(detail.trimmingCharacters(in: .whitespacesAndNewlines)) — re-save it from SPSS or PSPP"), file: name)
    }
    if let s = context.current { s.recordCount = context.rowsInCurrent; context.storages.append(s) }
    if context.names.isEmpty { throw ReadError(.emptyFile, file: name) }
    header = SurveyHeader(layout: .spss, columns: context.names, rows: [context.names, context.labels])
    dictionary = VariableDictionary(
      variableLabels: context.labels,
      valueLabels: context.labelSets.map { context.valueLabelSets[$0] ?? [:] },
      missingValues: context.missing, isNumeric: context.isNumeric)
    var base = 0
    batches = context.storages.enumerated().map { k, s in
      defer { base += s.recordCount }
      return RecordBatch(storage: s, decimalComma: false, sequence: k, recordBase: base, lineBase: 0)
    }
  }

  public func readBatches<T: Sendable>(threads: Int, visibility: TextVisibility,
                                       map: @escaping @Sendable (RecordBatch) throws -> T,
                                       consume: (T, BatchPosition) throws -> Void) throws {
    try deliverPrebuilt(batches, fileName: fileName, columns: header.columns, visibility: visibility, lines: false,
                        map: map, consume: consume)
  }
}

/// Runs `map` and `consume` over batches built in memory (.xlsx, .sav), positioning errors.
func deliverPrebuilt<T>(_ batches: [RecordBatch], fileName: String, columns: [String], visibility: TextVisibility,
                        lines: Bool, map: (RecordBatch) throws -> T, consume: (T, BatchPosition) throws -> Void) throws {
  for batch in batches {
    let value: T
    do { value = try map(batch) } catch var e as ReadError {
      if let pending = e.pending {
        e.file = fileName
        if !lines { e.line = nil }
        if let c = pending.columnIndex {
          e.column = c < columns.count ? columns[c] : "column \(c + 1)"
          e.text = visibility.reveals(c) ? pending.text.map { ReadError.shorten($0) } : nil
        }
        e.pending = nil
      }
      throw e
    }
    try consume(value, BatchPosition(sequence: batch.sequence, recordBase: batch.recordBase, lineBase: batch.lineBase,
                                     count: batch.count))
  }
}
