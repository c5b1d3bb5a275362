import Foundation

/// Options of `candor generate`.
public struct SyntheticExportOptions: Sendable, Equatable {
  /// Layout of the written export.
  public enum Layout: String, Sendable, CaseIterable {
    /// Plain CSV, one header row.
    case csv
    /// Qualtrics CSV: 3 header rows, metadata columns, some preview/test/unfinished rows.
    case qualtrics
    /// The plain columns in an .xlsx workbook (one sheet, "Responses"; numbers as number
    /// cells, text as inline strings, blank cells absent), streamed row by row.
    case xlsx
  }

  /// Data rows per wave.
  public var rows: Int
  public var seed: UInt64 = 1
  /// Number of schools (nil = max(2, rows / 50)).
  public var schools: Int?
  /// Number of waves; each wave is a separate file (`<stem>-wave<k>.<ext>` when > 1).
  public var waves: Int = 1
  /// Change of the psychological-safety latent mean per wave, in latent SD units.
  public var shift: Double = 0
  public var layout: Layout = .csv

  public init(rows: Int, seed: UInt64 = 1, schools: Int? = nil, waves: Int = 1, shift: Double = 0, layout: Layout = .csv) {
    self.rows = rows
    self.seed = seed
    self.schools = schools
    self.waves = waves
    self.shift = shift
    self.layout = layout
  }
}

/// The population behind a synthetic export: what an analysis should recover.
///
/// Model (all latent variables standard normal in the population):
/// - psychological safety θ = (u_s + ε)/√(1 + τ²), school effect u_s ~ N(0, τ²), plus
///   `shift·(wave − 1)`;
/// - trust T = ρ·θ + √(1 − ρ²)·(v_s + w)/√(1 + τ_T²); facet f_k = γ·T + √(1 − γ²)·δ_k;
/// - an item's latent response y = λ·(its factor) + √(1 − λ²)·z, cut at `thresholds`
///   into 1…k; a reverse-keyed item is written as (1 + k) − category, so after keying
///   every item has the same distribution;
/// - PVQ-40: y = g·scaleUse + c·(a·cos φ_v + b·sin φ_v) + μ_v + e·z with (a, b) ~ N(0, I₂)
///   (the circle), φ_v the value's angle;
/// - intent_stay: y = 0.45·T + 0.25·θ + √(1 − Var)·z, 5 points;
/// - status_next_year: multinomial logit against stayer, η_j = β₀ + β_T·T + β_θ·θ.
public struct SyntheticTruth: Codable, Sendable, Equatable {
  public struct Item: Codable, Sendable, Equatable {
    public var name: String
    public var factor: String
    public var loading: Double
    public var reverse: Bool
    public var thresholds: [Double]
    public var missingRate: Double
  }
  public struct LogitTerm: Codable, Sendable, Equatable {
    public var outcome: String
    public var intercept: Double
    public var trust: Double
    public var safety: Double
  }
  public var generator: String
  public var seed: UInt64
  public var rowsPerWave: Int
  public var waves: Int
  public var shift: Double
  public var layout: String
  public var files: [String]
  public var schools: Int
  public var schoolSizes: [Int]
  public var schoolsUnder5: Int
  public var safetySchoolSD: Double
  public var trustSchoolSD: Double
  public var safetyICC: Double
  public var trustSafetyCorrelation: Double
  public var trustFacetLoading: Double
  public var items: [Item]
  public var pvqValueAngles: [String: Double]
  public var pvqValueIntercepts: [String: Double]
  public var pvqScaleUseLoading: Double
  public var pvqCircleLoading: Double
  public var statusModel: [LogitTerm]
  /// Rows written per status over all waves (`stayer`, `mover`, `leaver`, `missing`).
  public var statusCounts: [String: Int]
  /// Qualtrics layout: rows marked preview / test / unfinished over all waves.
  public var previewRows: Int
  public var testRows: Int
  public var unfinishedRows: Int
}

/// Writes synthetic survey exports with known truth (`candor generate`).
///
/// Streams: rows are formatted by hand into a 1 MiB byte buffer flushed to the file, so
/// memory is O(schools + columns) at any row count.
public enum SyntheticExport {
  static let tpsLoadings = [0.55, 0.70, 0.50, 0.75, 0.55, 0.65, 0.72]
  static let tpsReverse: Set<Int> = [0, 2, 4]
  static let trustFacets = ["respect", "competence", "integrity"]
  static let trustLoadings = [0.70, 0.75, 0.65, 0.72, 0.68, 0.74, 0.66, 0.70, 0.73, 0.69, 0.71, 0.64]
  static let thresholds5 = [-1.7, -0.9, -0.2, 0.9]
  static let thresholds4 = [-1.3, -0.4, 0.8]
  static let thresholds6 = [-2.0, -1.3, -0.6, 0.2, 1.0]
  static let intentThresholds = [-1.5, -0.6, 0.2, 1.0]
  static let valueAngles: [Double] = [0, 40, 80, 120, 160, 200, 240, 255, 290, 325]
  static let valueIntercepts: [Double] = [0.2, -0.2, 0.0, 0.0, -0.5, 0.2, 0.0, -0.3, 0.5, 0.3]
  static let scaleUse = 0.45, circle = 0.55
  static let tau = 0.35, tauTrust = 0.30, rho = 0.5, gamma = 0.85
  static let statusModel = [
    SyntheticTruth.LogitTerm(outcome: "mover", intercept: -2.35, trust: -0.5, safety: -0.3),
    SyntheticTruth.LogitTerm(outcome: "leaver", intercept: -2.35, trust: -0.4, safety: -0.4),
  ]

  /// The file of wave `k` (1-based) for an output path.
  public static func waveURL(_ url: URL, wave: Int, of waves: Int) -> URL {
    guard waves > 1 else { return url }
    let ext = url.pathExtension
    let stem = url.deletingPathExtension().lastPathComponent
    let name = ext.isEmpty ? "\(stem)-wave\(wave)" : "\(stem)-wave\(wave).\(ext)"
    return url.deletingLastPathComponent().appendingPathComponent(name)
  }

  /// Writes the export (one file per wave) and `<output>.truth.json`; returns the truth.
  @discardableResult
  public static func write(_ options: SyntheticExportOptions, to output: URL) throws -> SyntheticTruth {
    var files: [String] = []
    var truth: SyntheticTruth?
    var generator = try Generator(options)
    for wave in 1...options.waves {
      let url = waveURL(output, wave: wave, of: options.waves)
      if options.layout == .xlsx {
        // The sheet's XML goes to a file next to the output first (streamed, bounded memory),
        // then into the archive in deflated chunks.
        let sheet = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).sheet1.xml")
        // A file that cannot be made fails in FileHandle(forWritingTo:) below, with its reason.
        _ = FileManager.default.createFile(atPath: sheet.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: sheet) }
        let handle = try FileHandle(forWritingTo: sheet)
        var stream = XLSXSheetStream(handle: handle)
        try generator.writeWave(wave) { bytes in try stream.feed(bytes) }
        try stream.finish()
        try handle.close()
        try XLSXPackage.write(sheetXML: sheet, sheetName: "Responses", to: url)
        files.append(url.lastPathComponent)
        continue
      }
      _ = FileManager.default.createFile(atPath: url.path, contents: nil)  // failure: thrown just below
      let handle = try FileHandle(forWritingTo: url)
      defer { try? handle.close() }
      try handle.truncate(atOffset: 0)
      try generator.writeWave(wave) { bytes in try handle.write(contentsOf: bytes) }
      files.append(url.lastPathComponent)
    }
    truth = generator.truth(files: files)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(truth!).write(to: URL(fileURLWithPath: output.path + ".truth.json"))
    return truth!
  }

  /// Streams the waves into `sink` (for tests and pipes). Waves must be written in order.
  /// The xlsx layout streams its rows as plain CSV here (the workbook needs a file).
  public static func generate(
    _ options: SyntheticExportOptions, sink: (Data) throws -> Void
  ) throws -> SyntheticTruth {
    var generator = try Generator(options)
    for wave in 1...options.waves { try generator.writeWave(wave, sink: sink) }
    return generator.truth(files: [])
  }

  /// The school sizes for `rows` rows in `schools` schools: about a tenth of the schools
  /// (at least one when there are ≥ 3) get 2–4 respondents, the rest ≥ 5 with log-normal
  /// weights, largest remainder rounding. Deterministic in the seed.
  static func schoolSizes(rows: Int, schools k: Int, rng: inout Xoshiro256) -> [Int] {
    let small = k >= 3 ? max(1, k / 10) : 0
    var sizes = Array(repeating: 0, count: k)
    var smallTotal = 0
    for i in 0..<small {
      sizes[i] = 2 + i % 3
      smallTotal += sizes[i]
    }
    let large = k - small
    var rest = rows - smallTotal
    if rest < 5 * large {
      // Too few rows for the guarantee: spread evenly.
      return (0..<k).map { rows / k + ($0 < rows % k ? 1 : 0) }
    }
    for i in small..<k { sizes[i] = 5 }
    rest -= 5 * large
    let weights = (0..<large).map { _ in _exp(0.6 * rng.normal()) }
    let total = weights.reduce(0, +)
    var assigned = 0
    var remainders: [(Double, Int)] = []
    for (j, w) in weights.enumerated() {
      let share = Double(rest) * w / total
      let whole = Int(share)
      sizes[small + j] += whole
      assigned += whole
      remainders.append((share - Double(whole), small + j))
    }
    remainders.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
    for r in 0..<(rest - assigned) { sizes[remainders[r % remainders.count].1] += 1 }
    return sizes
  }
}

/// The streaming generator.
struct Generator {
  let options: SyntheticExportOptions
  var rng: Xoshiro256
  let sizes: [Int]
  let schoolSafety: [Double]
  let schoolTrust: [Double]
  let missingRates: [Double]  // per generated column (items, tenure, intent, status)
  var items: [SyntheticTruth.Item] = []
  var statusCounts: [String: Int] = ["stayer": 0, "mover": 0, "leaver": 0, "missing": 0]
  var preview = 0, test = 0, unfinished = 0
  var buffer: [UInt8] = []

  static let itemNames: [String] =
    (1...7).map { "ps\($0)" } + (1...12).map { "tr\($0)" } + (1...40).map { "pvq\($0)" }

  init(_ options: SyntheticExportOptions) throws {
    guard options.rows >= 1 else { throw GenerateError("--rows must be at least 1, got \(options.rows)") }
    guard options.waves >= 1 else { throw GenerateError("--waves must be at least 1, got \(options.waves)") }
    let k = options.schools ?? max(2, options.rows / 50)
    guard k >= 1, k <= options.rows else {
      throw GenerateError("--schools must be between 1 and --rows (\(options.rows)), got \(k)")
    }
    self.options = options
    rng = Xoshiro256(seed: options.seed)
    sizes = SyntheticExport.schoolSizes(rows: options.rows, schools: k, rng: &rng)
    var r = rng
    schoolSafety = (0..<k).map { _ in SyntheticExport.tau * r.normal() }
    schoolTrust = (0..<k).map { _ in SyntheticExport.tauTrust * r.normal() }
    // 59 items + tenure + intent + status: each its own missing rate in [1 %, 3 %].
    missingRates = (0..<(Self.itemNames.count + 3)).map { _ in 0.01 + 0.02 * r.uniform() }
    rng = r
    let pvq = InstrumentCatalog.pvq40
    for (i, name) in Self.itemNames.enumerated() {
      let item: SyntheticTruth.Item
      if i < 7 {
        item = .init(name: name, factor: "psych_safety", loading: SyntheticExport.tpsLoadings[i],
                     reverse: SyntheticExport.tpsReverse.contains(i), thresholds: SyntheticExport.thresholds5,
                     missingRate: missingRates[i])
      } else if i < 19 {
        let j = i - 7
        item = .init(name: name, factor: "trust.\(SyntheticExport.trustFacets[j / 4])",
                     loading: SyntheticExport.trustLoadings[j], reverse: false,
                     thresholds: SyntheticExport.thresholds4, missingRate: missingRates[i])
      } else {
        let value = pvq.value(ofItem: i - 18)!
        item = .init(name: name, factor: "values.\(value)", loading: SyntheticExport.circle, reverse: false,
                     thresholds: SyntheticExport.thresholds6, missingRate: missingRates[i])
      }
      items.append(item)
    }
    buffer.reserveCapacity(1 << 20 + 4096)
  }

  func truth(files: [String]) -> SyntheticTruth {
    let pvq = InstrumentCatalog.pvq40
    let valueIndex = Dictionary(uniqueKeysWithValues: InstrumentCatalog.tenValues.enumerated().map { ($1, $0) })
    var angles: [String: Double] = [:], intercepts: [String: Double] = [:]
    for v in pvq.values {
      angles[v.id] = SyntheticExport.valueAngles[valueIndex[v.id]!]
      intercepts[v.id] = SyntheticExport.valueIntercepts[valueIndex[v.id]!]
    }
    let t2 = SyntheticExport.tau * SyntheticExport.tau
    var allItems = items
    allItems.append(.init(name: "intent_stay", factor: "intent", loading: 0, reverse: false,
                          thresholds: SyntheticExport.intentThresholds, missingRate: missingRates[60]))
    return SyntheticTruth(
      generator: "candor generate (xoshiro256**, Box-Muller)", seed: options.seed, rowsPerWave: options.rows,
      waves: options.waves, shift: options.shift, layout: options.layout.rawValue, files: files,
      schools: sizes.count, schoolSizes: sizes, schoolsUnder5: sizes.filter { $0 < 5 }.count,
      safetySchoolSD: SyntheticExport.tau, trustSchoolSD: SyntheticExport.tauTrust, safetyICC: t2 / (1 + t2),
      trustSafetyCorrelation: SyntheticExport.rho, trustFacetLoading: SyntheticExport.gamma, items: allItems,
      pvqValueAngles: angles, pvqValueIntercepts: intercepts, pvqScaleUseLoading: SyntheticExport.scaleUse,
      pvqCircleLoading: SyntheticExport.circle, statusModel: SyntheticExport.statusModel,
      statusCounts: statusCounts, previewRows: preview, testRows: test, unfinishedRows: unfinished)
  }

  // MARK: - Writing

  mutating func flushIfFull(_ sink: (Data) throws -> Void) throws {
    if buffer.count >= 1 << 20 {
      try sink(Data(buffer))
      buffer.removeAll(keepingCapacity: true)
    }
  }

  mutating func put(_ s: String) { buffer.append(contentsOf: s.utf8) }
  mutating func put(byte: UInt8) { buffer.append(byte) }

  mutating func put(int value: Int, width: Int = 0) {
    var v = value
    if v < 0 {
      buffer.append(UInt8(ascii: "-"))
      v = -v
    }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
      (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    withUnsafeMutableBytes(of: &digits) { d in
      repeat {
        d[n] = UInt8(48 + v % 10)
        v /= 10
        n += 1
      } while v > 0
      while n < width {
        d[n] = 48
        n += 1
      }
      for i in stride(from: n - 1, through: 0, by: -1) { buffer.append(d[i]) }
    }
  }

  /// Category 1…k of a latent value cut at ascending thresholds.
  @inline(__always) static func category(_ y: Double, _ t: [Double]) -> Int {
    var c = 1
    for x in t where y > x { c += 1 }
    return c
  }

  mutating func header() {
    let q = options.layout == .qualtrics
    var names: [String] = []
    var texts: [String] = []
    var imports: [String] = []
    if q {
      let meta = [("StartDate", "Start Date", "{\"ImportId\":\"startDate\",\"timeZone\":\"Europe/London\"}"),
                  ("EndDate", "End Date", "{\"ImportId\":\"endDate\",\"timeZone\":\"Europe/London\"}"),
                  ("Status", "Response Type", "{\"ImportId\":\"status\"}"),
                  ("Progress", "Progress", "{\"ImportId\":\"progress\"}"),
                  ("Duration (in seconds)", "Duration (in seconds)", "{\"ImportId\":\"duration\"}"),
                  ("Finished", "Finished", "{\"ImportId\":\"finished\"}"),
                  ("RecordedDate", "Recorded Date", "{\"ImportId\":\"recordedDate\",\"timeZone\":\"Europe/London\"}"),
                  ("ResponseId", "Response ID", "{\"ImportId\":\"_recordId\"}")]
      for (n, t, i) in meta { names.append(n); texts.append(t); imports.append(i) }
    }
    let leading = [("respondent_id", "Staff number"), ("district", "District"), ("school_id", "School"),
                   ("role", "Role"), ("tenure", "Years at this school")]
    for (i, (n, t)) in leading.enumerated() {
      names.append(n); texts.append(t); imports.append("{\"ImportId\":\"QID\(i + 1)\"}")
    }
    for (i, n) in Self.itemNames.enumerated() {
      let (block, pos, label) = i < 7 ? (10, i + 1, "Team climate - item \(i + 1)")
        : i < 19 ? (11, i - 6, "Principal - item \(i - 6)") : (12, i - 18, "Portraits - item \(i - 18)")
      names.append(n); texts.append(label); imports.append("{\"ImportId\":\"QID\(block)_\(pos)\"}")
    }
    names += ["intent_stay", "status_next_year"]
    texts += ["Plans to stay", "Status next year (HR records)"]
    imports += ["{\"ImportId\":\"QID13\"}", "{\"ImportId\":\"status_next_year\"}"]
    func row(_ cells: [String]) {
      for (i, c) in cells.enumerated() {
        if i > 0 { put(byte: UInt8(ascii: ",")) }
        if c.contains(",") || c.contains("\"") {
          put("\"" + c.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
        } else {
          put(c)
        }
      }
      put(byte: UInt8(ascii: "\n"))
    }
    row(names)
    if q {
      row(texts)
      row(imports)
    }
  }

  static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

  mutating func putTimestamp(_ secondsInMonth: Int) {
    put("2026-03-")
    put(int: 1 + secondsInMonth / 86400, width: 2)
    put(byte: UInt8(ascii: " "))
    put(int: secondsInMonth % 86400 / 3600, width: 2)
    put(byte: UInt8(ascii: ":"))
    put(int: secondsInMonth % 3600 / 60, width: 2)
    put(byte: UInt8(ascii: ":"))
    put(int: secondsInMonth % 60, width: 2)
  }

  mutating func writeWave(_ wave: Int, sink: (Data) throws -> Void) throws {
    header()
    var urn = CountUrn(counts: sizes)
    let shift = options.shift * Double(wave - 1)
    let tau2 = SyntheticExport.tau * SyntheticExport.tau
    let tauT2 = SyntheticExport.tauTrust * SyntheticExport.tauTrust
    let rho = SyntheticExport.rho, gamma = SyntheticExport.gamma
    let qualtrics = options.layout == .qualtrics
    let valueIndex = Dictionary(uniqueKeysWithValues: InstrumentCatalog.tenValues.enumerated().map { ($1, $0) })
    let pvqValue: [Int] = (1...40).map { valueIndex[InstrumentCatalog.pvq40.value(ofItem: $0)!]! }
    let cosA = SyntheticExport.valueAngles.map { _cos($0 * .pi / 180) }
    let sinA = SyntheticExport.valueAngles.map { _sin($0 * .pi / 180) }
    let pvqNoise = (1 - SyntheticExport.scaleUse * SyntheticExport.scaleUse - SyntheticExport.circle * SyntheticExport.circle).squareRoot()
    let comma = UInt8(ascii: ",")
    let loadings = items.map(\.loading)
    let uniqueness = loadings.map { (1 - $0 * $0).squareRoot() }
    let reversed = items.map(\.reverse)
    let itemMissing = items.map(\.missingRate)
    for r in 0..<options.rows {
      let school = urn.draw(&rng)
      let theta = (schoolSafety[school] + rng.normal()) / (1 + tau2).squareRoot() + shift
      let zeta = (schoolTrust[school] + rng.normal()) / (1 + tauT2).squareRoot()
      let thetaNoShift = theta - shift
      let trust = rho * thetaNoShift + (1 - rho * rho).squareRoot() * zeta
      // Qualtrics metadata and screens.
      var kind = 0  // 0 normal, 1 preview, 2 test, 3 unfinished
      var answeredUpTo = Int.max
      if qualtrics {
        let u = rng.uniform()
        if u < 0.005 { kind = 1; preview += 1 } else if u < 0.007 { kind = 2; test += 1 } else if u < 0.022 {
          kind = 3; unfinished += 1
          answeredUpTo = 5 + rng.below(Self.itemNames.count - 5)
        }
        let start = rng.below(27 * 86400)
        let duration = 120 + rng.below(1500)
        putTimestamp(start); put(byte: comma)
        putTimestamp(start + duration); put(byte: comma)
        put(int: kind == 1 ? 1 : kind == 2 ? 2 : 0); put(byte: comma)
        put(int: kind == 3 ? 100 * min(answeredUpTo, 59) / 61 : 100); put(byte: comma)
        put(int: duration); put(byte: comma)
        put(int: kind == 3 ? 0 : 1); put(byte: comma)
        putTimestamp(start + duration + 1); put(byte: comma)
        put("R_")
        for _ in 0..<15 { put(byte: Self.base62[rng.below(62)]) }
        put(byte: comma)
      }
      put(byte: UInt8(ascii: "T"))
      put(int: (wave - 1) * options.rows + r + 1, width: 7); put(byte: comma)
      put(byte: UInt8(ascii: "D")); put(int: school / 10 + 1, width: 2); put(byte: comma)
      put(byte: UInt8(ascii: "S")); put(int: school + 1, width: 4); put(byte: comma)
      let ru = rng.uniform()
      put(ru < 0.80 ? "teacher" : ru < 0.92 ? "assistant" : "leader"); put(byte: comma)
      let tenure = min(40, Int(_exp(1.6 + 0.8 * rng.normal())))
      if rng.uniform() >= missingRates[59] { put(int: tenure) }
      // Items.
      let f0 = gamma * trust + (1 - gamma * gamma).squareRoot() * rng.normal()
      let f1 = gamma * trust + (1 - gamma * gamma).squareRoot() * rng.normal()
      let f2 = gamma * trust + (1 - gamma * gamma).squareRoot() * rng.normal()
      let g = rng.normal(), a = rng.normal(), b = rng.normal()
      for i in 0..<loadings.count {
        put(byte: comma)
        let z = rng.normal()
        let miss = rng.uniform() < itemMissing[i] || i >= answeredUpTo
        var c: Int
        if i < 7 {
          let l = loadings[i]
          let v = l * theta + uniqueness[i] * z
          c = Self.category(v, SyntheticExport.thresholds5)
          if reversed[i] { c = 6 - c }  // agreeing with a negatively worded item = less safe
        } else if i < 19 {
          let facet = i < 11 ? f0 : i < 15 ? f1 : f2
          c = Self.category(loadings[i] * facet + uniqueness[i] * z, SyntheticExport.thresholds4)
        } else {
          let v = pvqValue[i - 19]
          let y = SyntheticExport.scaleUse * g + SyntheticExport.circle * (a * cosA[v] + b * sinA[v])
            + SyntheticExport.valueIntercepts[v] + pvqNoise * z
          c = Self.category(y, SyntheticExport.thresholds6)
        }
        if !miss { put(byte: UInt8(48 + c)) }
      }
      // Intent to stay.
      put(byte: comma)
      let intentVar = 0.45 * 0.45 + 0.25 * 0.25 + 2 * 0.45 * 0.25 * rho
      let intent = 0.45 * trust + 0.25 * thetaNoShift + (1 - intentVar).squareRoot() * rng.normal()
      if rng.uniform() >= missingRates[60], answeredUpTo == .max { put(int: Self.category(intent, SyntheticExport.intentThresholds)) }
      put(byte: comma)
      // Retention status: multinomial logit against stayer.
      let m = SyntheticExport.statusModel
      let em = _exp(m[0].intercept + m[0].trust * trust + m[0].safety * thetaNoShift)
      let el = _exp(m[1].intercept + m[1].trust * trust + m[1].safety * thetaNoShift)
      let u = rng.uniform() * (1 + em + el)
      let status = u < 1 ? "stayer" : u < 1 + em ? "mover" : "leaver"
      if rng.uniform() < missingRates[61] {
        statusCounts["missing", default: 0] += 1
      } else {
        put(status)
        statusCounts[status, default: 0] += 1
      }
      put(byte: UInt8(ascii: "\n"))
      try flushIfFull(sink)
    }
    if !buffer.isEmpty {
      try sink(Data(buffer))
      buffer.removeAll(keepingCapacity: true)
    }
  }
}

/// A bad `candor generate` option.
public struct GenerateError: Error, Sendable, CustomStringConvertible {
  public var description: String
  init(_ message: String) { description = message }
}
