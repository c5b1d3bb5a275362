import CandorData
import CandorNumerics
import CandorPsychometrics
import Foundation

/// What a run reads and how (the validated plan of design.md §5's common options).
public struct AnalysisRequest: Sendable {
  public var files: [String]
  public var codebookPath: String
  public var missing: MissingDataPolicy = .pairwise
  public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
  /// May only raise the codebook's `min_group_size`.
  public var minGroupSize: Int?
  public var outOfRange: OutOfRangeHandling = .error
  public var delimiter: Delimiter?
  public var encoding: TextEncoding?
  /// Score variables to keep per respondent (models that need rows), and the group
  /// level whose index is kept with them (cluster-robust errors).
  public var respondentColumns: [String] = []
  public var cluster: String?
  /// Bytes of text per batch. Each batch in flight holds its decoded block (8 bytes per
  /// analysed cell) and partial statistics, so this bounds the pass's memory; 1 MiB keeps a
  /// 1M-row analysis under 200 MB at no measurable cost in speed.
  public var chunkSize = 1 << 20
  /// Id hashes the duplicate-id screen holds in memory (8 bytes each) before it spills
  /// them to temporary files (``IdHashStore``): past 1M rows memory stays bounded.
  public var idHashesInMemory = 1 << 20
  /// Keep id hashes and scale scores per respondent to pair respondents across waves.
  public var linkWaves = false
  /// Keep what the codebook's analysis plan needs per respondent (`candor analyze`).
  public var keepColumnsForPlan = false
  /// Item sets (by item name) whose pairwise contingency tables the pass counts
  /// (polychoric correlations); empty = none.
  public var contingencySets: [[String]] = []
  /// Observers of the files' raw bytes, by path as in `files`: the statistics pass hands
  /// each text export's bytes to its observer as it reads them (once per path, however
  /// often the path is given). `candor analyze` hashes its inputs this way.
  public var rawByteObservers: [String: any RawByteObserver] = [:]

  public init(files: [String], codebookPath: String) {
    self.files = files
    self.codebookPath = codebookPath
  }
}

/// A loaded codebook, the opened files and the result of the pass over them.
public struct SurveyData: Sendable {
  public let request: AnalysisRequest
  public let codebook: Codebook
  public let codebookWarnings: [AnalysisWarning]
  public let layout: AnalysisLayout
  public let statistics: PassStatistics
  /// Layout detected per file (`qualtrics`, `csv`, …).
  public let formats: [String]
  public let wallSeconds: Double
  /// Invited staff per group of the innermost `groups` level (indexed like
  /// `statistics.groups[level].labels`), from the codebook's `headcounts:` file; nil without one.
  public internal(set) var headcounts: (level: Int, invited: [Int?])? = nil

  /// The confidentiality threshold in force (codebook, raised by the CLI).
  public var minGroupSize: Int { max(codebook.minGroupSize, request.minGroupSize ?? 0) }

  /// Loads the codebook, opens every file, and runs one pass (files pooled with the
  /// same merge as threads).
  public static func load(_ request: AnalysisRequest, progress: ((Int) -> Void)? = nil) throws -> SurveyData {
    let start = Date()
    Trace.mark("start")
    let url = URL(fileURLWithPath: request.codebookPath)
    let (codebook, problems) = try Codebook.loadValidated(contentsOf: url)
    // Read the headcounts before the pass, so a bad file fails fast.
    // A file that is not there is a warning (response rates are left out); a file with a
    // bad row is an error.
    var headcountWarnings: [AnalysisWarning] = []
    var headcountFile: Headcounts?
    if let name = codebook.headcounts {
      let path = name.hasPrefix("/") ? name : url.deletingLastPathComponent().appendingPathComponent(name).path
      if FileManager.default.fileExists(atPath: path) {
        headcountFile = try Headcounts.load(path: path, levels: codebook.groups)
      } else {
        headcountWarnings.append(AnalysisWarning(
          code: "headcounts-not-found",
          message: "the codebook's headcounts file \(path) does not exist (the path is relative to the codebook); response rates are left out"))
      }
    }
    CandorRuntime.configureBLAS()
    var total: PassStatistics?
    var layout: AnalysisLayout?
    var formats: [String] = []
    var observed = Set<String>()
    for file in request.files {
      var (source, fileLayout) = try openForPass(file, codebook: codebook, request: request)
      formats.append(source.header.layout.rawValue)
      fileLayout.keepsWaveLink = request.linkWaves && fileLayout.plan.idColumn != nil
      if !request.respondentColumns.isEmpty {
        try fileLayout.keepRespondentColumns(request.respondentColumns, cluster: request.cluster)
      }
      if request.keepColumnsForPlan {
        let plan = AnalysisPlan.make(codebook: codebook, layout: fileLayout)
        let keep = plan.respondentColumns
        let known = keep.names.filter { fileLayout.scoreIndex(named: $0) != nil }
        if !known.isEmpty { try fileLayout.keepRespondentColumns(known, cluster: keep.cluster) }
        let sets = plan.contingencySets(layout: fileLayout)
        if !sets.isEmpty { try? fileLayout.keepContingencyTables(sets) }
        // One file: the values alignment reads the rows this pass keeps, not the file again.
        if request.files.count == 1 { fileLayout.alignmentRows = ValuesAlignmentPass.rowsToKeep(plan: plan, layout: fileLayout) }
        fileLayout.itemHistograms = plan.itemHistograms(layout: fileLayout)
        // Waves compare groups level by level: every level is kept for them.
        if !request.linkWaves { fileLayout.internedGroupLevels = plan.groupLevelsRead(layout: fileLayout) }
        if request.missing == .pairwise { fileLayout.scoreCrossVariables = plan.scoreCrossVariables(layout: fileLayout) }
      }
      if !request.contingencySets.isEmpty { try fileLayout.keepContingencyTables(request.contingencySets) }
      if layout == nil { layout = fileLayout }
      var pass = SurveyPass(layout: fileLayout, screens: codebook.screens, threads: request.threads)
      pass.spillIdHashesAbove = request.idHashesInMemory
      pass.sourceBytes = SurveyFile.size(atPath: file)
      if observed.insert(file).inserted { pass.rawByteObserver = request.rawByteObservers[file] }
      let stats = try pass.run(source, progress: progress)
      if total == nil { total = stats } else { total!.merge(stats) }
    }
    guard let layout, let total else { throw AnalysisError.noInput }
    var warnings = problems.map(\.analysisWarning) + headcountWarnings
    var headcounts: (level: Int, invited: [Int?])? = nil
    if let headcountFile, let level = layout.groupLevels.lastIndex(where: { !$0.isCut }) {
      let resolved = headcountFile.resolve(labels: total.groups[level].labels)
      warnings += resolved.warnings
      headcounts = (level, resolved.invited)
    }
    var data = SurveyData(request: request, codebook: codebook, codebookWarnings: warnings, layout: layout,
                          statistics: total, formats: formats, wallSeconds: Date().timeIntervalSince(start))
    data.headcounts = headcounts
    return data
  }

  /// Opens `file` and lays out what a pass over it computes: the one way every pass (the
  /// statistics pass, score export, factor scores, values alignment) reads an export.
  static func openForPass(_ file: String, codebook: Codebook, request: AnalysisRequest,
                          options: SourceOptions? = nil) throws -> (source: any SurveySource, layout: AnalysisLayout) {
    let source = try SurveyFile.open(path: file, options: options ?? sourceOptions(codebook, request))
    let plan = try DecodingPlan(codebook: codebook, header: source.header.columns,
                                headerRows: source.header.rows,
                                fileMissingCodes: fileMissingCodes(source),
                                outOfRange: request.outOfRange, decimalComma: source.decimalComma)
    return (source, try AnalysisLayout(codebook: codebook, plan: plan))
  }

  /// The codebook's reading options, with the command line's overrides.
  static func sourceOptions(_ codebook: Codebook, _ request: AnalysisRequest) -> SourceOptions {
    var options = codebook.sourceOptions
    options.csv.chunkSize = request.chunkSize
    if let d = request.delimiter { options.csv.delimiter = d }
    if let e = request.encoding { options.csv.encoding = e }
    return options
  }

  static func fileMissingCodes(_ source: any SurveySource) -> [Int: [String]] {
    guard let dictionary = source.dictionary else { return [:] }
    var out: [Int: [String]] = [:]
    for (i, m) in dictionary.missingValues.enumerated() where !m.codes.isEmpty {
      out[i] = m.codes.map { $0 == $0.rounded() ? String(Int($0)) : String($0) }
    }
    return out
  }
}

/// A run that cannot start.
public enum AnalysisError: Error, CustomStringConvertible, Equatable {
  case noInput
  case unknownScale(String, known: [String])
  case unknownVariable(String, known: [String])
  case unsupported(String)

  public var description: String {
    switch self {
    case .noInput: return "no input files were given"
    case let .unknownScale(name, known):
      return "the codebook has no scale named \"\(name)\"; its scales are \(known.joined(separator: ", "))"
    case let .unknownVariable(name, known):
      return "\"\(name)\" is neither a scale score nor a numeric column named in the codebook; available: \(known.joined(separator: ", "))"
    case let .unsupported(message):
      return message
    }
  }
}
