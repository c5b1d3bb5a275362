/// An error found while reading a survey export, with its position and the likely fix.
///
/// Every data error carries the file name, the physical line (1-based), the data record
/// number (1-based, header rows not counted), the column name and the offending text —
/// the text only when the column's text may be shown (never free-text or identifying
/// columns; see ``TextVisibility``). The message follows rust-csv's `Position` shape and
/// guesses the user's mistake (style.md §10.3–4):
///
///     export.csv: line 815 (record 812): 25 fields, header has 24 — is a comma inside an unquoted answer?
public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong.
  public enum Kind: Sendable, Equatable {
    /// The file has no bytes (or only a byte-order mark / `sep=` line).
    case emptyFile
    /// A record's field count differs from the header's.
    case raggedRecord(fields: Int, expected: Int, delimiter: UInt8)
    /// A quoted field is still open at the end of the file; `openedAtLine` is where it began.
    case unterminatedQuote(openedAtLine: Int)
    /// A `"` inside a field that does not start with a quote.
    case strayQuote
    /// Characters between a closing quote and the next delimiter.
    case textAfterClosingQuote
    /// Text after a quoted field that ran over line breaks: usually a quote never closed on
    /// `openedAtLine`, whose field swallowed the following lines up to the next quote.
    case textAfterMultilineQuote(openedAtLine: Int)
    /// Two columns share a name (1-based column positions).
    case duplicateColumnName(String, first: Int, second: Int)
    /// A header cell is empty (1-based column position).
    case emptyColumnName(column: Int)
    /// Bytes that are not UTF-8 under `encoding: auto`/`utf-8`.
    case invalidUTF8(byte: UInt8)
    /// An unpaired surrogate or odd byte count in a UTF-16 file.
    case invalidUTF16(byteOffset: Int)
    /// One record is longer than the reader's limit (usually an unclosed quote).
    case recordTooLong(limit: Int)
    /// Lines end in a bare carriage return (classic Mac), which the reader does not split on.
    case carriageReturnLineEndings
    /// A cell that should be a number is not (raised by decoders via ``RecordBatch/error(_:record:column:)``).
    case notANumber
    /// A value outside the allowed range (raised by decoders).
    case outOfRange(String)
    /// The operating system refused a read.
    case io(String)
    /// An .xlsx workbook problem (missing part, bad XML, unknown sheet).
    case workbook(String)
    /// An SPSS .sav problem reported by libreadstat.
    case spss(String)
  }

  public var kind: Kind
  /// Display name of the file (its last path component).
  public var file: String
  /// Physical line, 1-based (for .xlsx: the sheet row; for .sav: nil).
  public var line: Int?
  /// Data record, 1-based, header rows not counted.
  public var record: Int?
  /// Column name, when the error belongs to one cell.
  public var column: String?
  /// The offending cell text, shortened; nil when the column's text is hidden.
  public var text: String?
  /// Set by ``RecordBatch/error(_:record:column:)`` until the reader positions the error.
  var pending: PendingPosition?

  public init(_ kind: Kind, file: String, line: Int? = nil, record: Int? = nil,
              column: String? = nil, text: String? = nil) {
    self.kind = kind; self.file = file; self.line = line; self.record = record
    self.column = column; self.text = text
  }

  /// Shortens `s` to at most `limit` characters, ending in `…` when cut.
  public static func shorten(_ s: String, limit: Int = 40) -> String {
    s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
  }

  private static func delimiterName(_ d: UInt8) -> String {
    switch d {
    case UInt8(ascii: ","): return "comma"
    case UInt8(ascii: ";"): return "semicolon"
    case UInt8(ascii: "\t"): return "tab"
    default: return "'\(Character(Unicode.Scalar(d)))'"
    }
  }

  private var position: String {
    var s = file
    switch (line, record) {
    case let (l?, r?): s += ": line \(l) (record \(r))"
    case let (l?, nil): s += ": line \(l)"
    case let (nil, r?): s += ": record \(r)"
    default: break
    }
    if let column { s += ", column \"\(column)\"" }
    return s
  }

  private var shown: String { text.map { " (\"\($0)\")" } ?? "" }

  public var description: String {
    switch kind {
    case .emptyFile:
      return "\(file): the file is empty — export the survey again, or check the path"
    case let .raggedRecord(fields, expected, delimiter):
      let hint = fields > expected
        ? "is a \(Self.delimiterName(delimiter)) inside an unquoted answer?"
        : "is a line break inside an unquoted answer, or is the row cut short?"
      return "\(position): \(fields) fields, header has \(expected) — \(hint)"
    case let .unterminatedQuote(opened):
      return "\(position): a quoted field opened on line \(opened) is never closed before the end of the file — is a closing \" missing?"
    case .strayQuote:
      return "\(position): a \" inside an unquoted field\(shown) — quote the whole field and double the quotes inside it (\"\")"
    case .textAfterClosingQuote:
      return "\(position): text after a closing quote\(shown) — quotes inside a quoted field must be doubled (\"\")"
    case let .textAfterMultilineQuote(opened):
      return "\(position): a quoted field opened on line \(opened) runs over line breaks and is followed by text — is its closing \" missing?"
    case let .duplicateColumnName(name, first, second):
      return "\(position): the column name \"\(name)\" appears twice (columns \(first) and \(second)) — rename one of them in the file"
    case let .emptyColumnName(col):
      return "\(position): column \(col) has no name — name it in the header row (a delimiter at the end of the header line adds an empty column)"
    case let .invalidUTF8(byte):
      return "\(position): invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)))\(shown) — the file is probably Windows-1252 (Excel \"CSV (Comma delimited)\"): set `encoding: windows-1252`"
    case let .invalidUTF16(offset):
      return "\(file): invalid UTF-16 at byte \(offset) (an unpaired surrogate or a truncated file) — re-export as UTF-8 CSV"
    case let .recordTooLong(limit):
      return "\(position): a record longer than \(limit >> 20) MB — is a quote never closed?"
    case .carriageReturnLineEndings:
      return "\(file): lines end in a bare carriage return (classic Mac) — re-save the file with LF or CRLF line endings"
    case .notANumber:
      return "\(position): not a number\(shown) — add the text to a `labels:` map or to `missing:`"
    case let .outOfRange(detail):
      return "\(position): \(detail)\(shown)"
    case let .io(message):
      return "\(file): \(message)"
    case let .workbook(message):
      return "\(position): \(message)"
    case let .spss(message):
      return "\(file): \(message)"
    }
  }
}

/// Which columns' cell text may appear in error messages.
///
/// Free-text answers and identifiers must never be printed (design.md §8); item columns
/// (Likert answers, codes) may be, because the user needs to see the bad value.
public enum TextVisibility: Sendable, Equatable {
  /// Never show cell text (the default).
  case hidden
  /// Show text for every column (tests, `describe` on non-confidential files).
  case all
  /// Show text only for these 0-based column indexes.
  case columns(Set<Int>)

  /// Whether cell text of column `index` may be shown.
  public func reveals(_ index: Int) -> Bool {
    switch self {
    case .hidden: return false
    case .all: return true
    case let .columns(set): return set.contains(index)
    }
  }
}
