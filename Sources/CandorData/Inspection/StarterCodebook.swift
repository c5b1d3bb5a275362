/// `candor init`: a starter codebook (YAML with comments) guessed from a ``FileProfile``.
///
/// Guesses: the layout, delimiter and encoding found; the id (a column named like `id`,
/// `ResponseId`, `respondent_id`); groups (columns named like school/team/district…,
/// fewest levels first) and cuts (role, gender…); one scale per run of adjacent item-like
/// columns sharing a name prefix (`ps1`…`ps7` → `ps`) with the range observed; label maps
/// from text answers (in scale order when they match a known agree/extent/frequency scale,
/// otherwise alphabetical with a TODO); missing codes seen (`-99`, `99`, `N/A`…). The output
/// loads with ``Codebook/parse(_:fileName:)``; every guess to check is marked TODO.
public enum StarterCodebook {
  /// Numeric codes that commonly mean "no answer" when they sit outside an item's range.
  static let numericMissingCandidates: [Double] = [-99, -999, -98, -97, -9, -8, -7, -1, 99, 999, 98, 97, 9999]
  /// Texts that commonly mean "no answer".
  static let textMissingCandidates = ["N/A", "n/a", "NA", "na", "-", "--", ".", "Not applicable", "Prefer not to say",
                                      "Don't know", "Don’t know", "No answer", "Missing", "#N/A", "NULL", "null"]

  /// Profiles `path` for `init`: a text file that is not UTF-8 is read again as
  /// Windows-1252 (Excel's "CSV (Comma delimited)"), which the codebook then names.
  public static func profile(path: String, threads: Int = 1) throws -> FileProfile {
    do {
      return try FileProfile.profile(path: path, threads: threads)
    } catch let e as ReadError {
      guard case .invalidUTF8 = e.kind else { throw e }
      return try FileProfile.profile(path: path, threads: threads,
                                     options: SourceOptions(csv: CSVOptions(encoding: .windows1252)))
    }
  }

  struct Scale {
    var name: String
    var items: [ColumnProfile]
    var range: (Double, Double)?
    var labels: String?
  }

  /// The starter codebook text for `profile`.
  public static func yaml(_ profile: FileProfile) -> String {
    let cols = profile.columns
    var out = "# Starter codebook for \(profile.fileName), written by `candor init`.\n"
    out += "# Every guess marked TODO needs a human check; `candor validate FILE --codebook THIS` checks the rest.\n"
    out += "version: 1\n"
    out += "format: \(ExportLayout(profile.layout).rawValue)            # detected (\(profile.container.rawValue), \(profile.headerRows) header row\(profile.headerRows == 1 ? "" : "s"))\n"
    if let d = profile.delimiter {
      out += "delimiter: \(quote(d == "\\t" ? "\t" : d))\(profile.decimalComma ? "          # decimal comma accepted" : "")\n"
    }
    if let e = profile.encoding {
      out += e == TextEncoding.windows1252.rawValue ? "encoding: windows-1252  # not UTF-8\n" : "encoding: auto          # detected: \(e)\n"
    }

    // Missing codes seen.
    var numericCodes: [Double: [String]] = [:]
    var textCodes: [String: [String]] = [:]
    for c in cols where !c.isHighCardinality {
      let numbers = c.distinct.keys.compactMap { Double($0) }
      for code in numericMissingCandidates where numbers.contains(code) {
        let rest = numbers.filter { $0 != code && !numericMissingCandidates.contains($0) }
        if let lo = rest.min(), let hi = rest.max(), hi - lo <= 20, code < lo || code > hi {
          numericCodes[code, default: []].append(c.name)
        }
      }
      for t in textMissingCandidates where c.distinct[t] != nil && c.distinct.count > 1 {
        textCodes[t, default: []].append(c.name)
      }
    }
    let isMissing: (String) -> Bool = { t in
      textCodes[t] != nil || (Double(t).map { numericCodes[$0] != nil } ?? false)
    }

    // Roles.
    let idColumn = guessID(cols)
    let categorical: (ColumnProfile) -> Bool = { c in
      (c.type == .categoricalText || c.type == .integerCoded) && !c.hasKnownLabels
    }
    let groups = cols.filter { $0.index != idColumn?.index && GroupNames.looksLikeGroup($0.name) && categorical($0) }
      .sorted { ($0.distinct.count, $0.index) < ($1.distinct.count, $1.index) }
    let groupIndices = Set(groups.map(\.index))
    let cuts = cols.filter {
      !groupIndices.contains($0.index) && $0.index != idColumn?.index && GroupNames.looksLikeCut($0.name)
        && $0.type == .categoricalText && !$0.hasKnownLabels
    }
    let reserved = groupIndices.union(cuts.map(\.index)).union(idColumn.map { [$0.index] } ?? [])

    if let idColumn {
      out += "id: \(quote(idColumn.name))\n"
    } else {
      out += "# id: TODO              # the respondent id column (none found by name)\n"
    }
    if groups.isEmpty {
      out += "# groups: [TODO]        # group hierarchy, outermost first (none found by name)\n"
    } else {
      out += "groups: [\(groups.map { quote($0.name) }.joined(separator: ", "))]   # TODO: check; outermost first\n"
    }
    if cuts.isEmpty {
      out += "# cuts: [TODO]          # demographic breakdowns, suppressed like groups\n"
    } else {
      out += "cuts: [\(cuts.map { quote($0.name) }.joined(separator: ", "))]   # TODO: check\n"
    }
    out += "min_group_size: 5       # confidentiality threshold (design: never below 5)\n"
    var missing = ["", "NA"]
    for t in textCodes.keys.sorted() where !missing.contains(t) { missing.append(t) }
    let numericList = numericCodes.keys.sorted().map { fmt($0) }
    out += "missing: [\((missing.map(quote) + numericList).joined(separator: ", "))]"
    if !numericCodes.isEmpty || textCodes.count > 0 {
      let seen = numericCodes.sorted { $0.key < $1.key }.map { "\(fmt($0.key)) in \($0.value.prefix(3).joined(separator: ", "))" }
        + textCodes.sorted { $0.key < $1.key }.map { "\"\($0.key)\" in \($0.value.prefix(3).joined(separator: ", "))" }
      out += "   # seen: \(seen.joined(separator: "; "))"
    }
    out += "\n"
    if profile.layout == .qualtrics || profile.layout == .qualtricsLegacy {
      out += "screens:                # defaults: previews, tests, spam and unfinished responses are excluded\n"
      out += "  duplicate_ids: error\n  straightlining: warn\n"
    }

    // Scales: runs of adjacent item-like columns sharing a prefix.
    var scales: [Scale] = []
    var k = 0
    while k < cols.count {
      let c = cols[k]
      guard !reserved.contains(c.index), isItemColumn(c), let prefix = itemPrefix(c.name) else { k += 1; continue }
      var run = [c]
      var j = k + 1
      while j < cols.count, !reserved.contains(j), isItemColumn(cols[j]), itemPrefix(cols[j].name) == prefix {
        run.append(cols[j]); j += 1
      }
      if run.count >= 2 {
        var name = scaleName(prefix)
        var n = 2
        while scales.contains(where: { $0.name == name }) { name = "\(scaleName(prefix))_\(n)"; n += 1 }
        scales.append(Scale(name: name, items: run))
      }
      k = j
    }

    // Label maps and ranges.
    var labelOut = ""
    var labelNames: [String] = []
    for s in scales.indices {
      let texts = Set(scales[s].items.flatMap { $0.distinct.keys }.filter { Double($0) == nil && !isMissing($0) })
      let numbers = scales[s].items.flatMap { $0.distinct.keys }.compactMap { Double($0) }
        .filter { numericCodes[$0] == nil }
      if texts.isEmpty {
        if let lo = numbers.min(), let hi = numbers.max() { scales[s].range = (lo, hi) }
        continue
      }
      let seen = Dictionary(texts.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
      var entries: [String]
      var name: String
      var comment = ""
      if let known = KnownResponseScale.matching(texts) {
        entries = known.labels.map { seen[$0.lowercased()] ?? $0 }
        name = known.name
        let others = KnownResponseScale.all.filter { $0 != known && Set(texts.map { $0.lowercased() }).isSubset(of: Set($0.labels.map { $0.lowercased() })) }
        if !others.isEmpty { comment = "   # TODO: the answers seen also fit \(others.map(\.name).joined(separator: ", "))" }
      } else {
        entries = texts.sorted()
        name = "\(scales[s].name)_labels"
        comment = "   # TODO: alphabetical — put the answers in scale order and check the codes"
      }
      scales[s].range = (1, Double(entries.count))
      scales[s].labels = name
      if labelNames.contains(name) { continue }
      labelNames.append(name)
      labelOut += "  \(name):\(comment)\n"
      for (i, e) in entries.enumerated() { labelOut += "    \(quote(e)): \(i + 1)\n" }
    }
    let metadata: Set<String> = ["Status", "Finished", "Progress", "DistributionChannel", "UserLanguage", "Q_RecaptchaScore"]
    let others = cols.filter { c in
      !metadata.contains(c.name) && !reserved.contains(c.index) && isItemColumn(c) && !scales.contains { $0.items.contains { $0.index == c.index } }
    }
    // Single items answered with a known scale get its map too, ready to use.
    var otherLabels: [Int: String] = [:]
    for c in others where c.type == .categoricalText && c.hasKnownLabels {
      guard let known = KnownResponseScale.matching(Set(c.distinct.keys)) else { continue }
      otherLabels[c.index] = known.name
      if labelNames.contains(known.name) { continue }
      labelNames.append(known.name)
      let seen = Dictionary(c.distinct.keys.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
      labelOut += "  \(known.name):   # for \(c.name)\n"
      for (i, e) in known.labels.enumerated() { labelOut += "    \(quote(seen[e.lowercased()] ?? e)): \(i + 1)\n" }
    }
    if !labelOut.isEmpty { out += "labels:\n" + labelOut }

    if scales.isEmpty {
      out += "scales: []               # TODO: no runs of item columns named like ps1, ps2, … were found\n"
    } else {
      out += "scales:\n"
      for s in scales {
        out += "  - name: \(quote(s.name))\n"
        if let inst = InstrumentCatalog.all.first(where: { $0.itemCount == s.items.count }) {
          out += "    # instrument: \(inst.id)   # TODO: if these are the \(inst.name) items (\(inst.itemCount)); supplies keys\n"
        }
        out += "    items: [\(s.items.map { quote($0.name) }.joined(separator: ", "))]\n"
        out += "    # reverse: []           # TODO: reverse-keyed items\n"
        if let (lo, hi) = s.range {
          out += "    range: [\(fmt(lo)), \(fmt(hi))]\(s.labels == nil ? "         # TODO: observed min and max; check against the questionnaire" : "")\n"
        }
        if let l = s.labels { out += "    labels: \(quote(l))\n" }
      }
    }
    if !others.isEmpty {
      let list = others.map { c in otherLabels[c.index].map { "\(c.name) (labels: \($0))" } ?? c.name }
      out += "# Other item-like columns (outcomes or single items?): \(list.joined(separator: ", "))\n"
    }
    out += "# outcomes:               # TODO, e.g. - {name: left, column: status_next_year, event: [leaver]}\n"
    return out
  }

  /// Integer codes with few values, or answers from a known scale.
  static func isItemColumn(_ c: ColumnProfile) -> Bool {
    c.type == .integerCoded || (c.type == .categoricalText && c.hasKnownLabels)
      || (c.type == .categoricalText && c.isItemLike && c.distinct.count >= 2 && !GroupNames.looksLikeGroup(c.name)
          && !GroupNames.looksLikeCut(c.name) && c.numericCount == 0 && c.maxLength <= 40 && itemPrefix(c.name) != nil)
  }

  /// `ps3` → `ps`, `Q12_4` → `Q12`, `tr_10` → `tr`; nil without a trailing number.
  static func itemPrefix(_ name: String) -> String? {
    var s = Substring(name)
    guard let last = s.last, last.isNumber else { return nil }
    while let l = s.last, l.isNumber { s = s.dropLast() }
    while let l = s.last, l == "_" || l == "." || l == "-" || l == " " { s = s.dropLast() }
    return s.isEmpty ? nil : String(s)
  }

  static func scaleName(_ prefix: String) -> String {
    let s = String(prefix.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    return s.first?.isLetter == true ? s : "scale_\(s)"
  }

  /// Respondent-named columns first, then `ResponseId`, then `id`.
  static func guessID(_ cols: [ColumnProfile]) -> ColumnProfile? {
    let candidates = cols.filter { $0.hasIdentifierName && ($0.type == .idLike || $0.isHighCardinality || $0.distinct.count == $0.answered) && $0.answered > 0 }
    func key(_ c: ColumnProfile) -> String { c.name.lowercased().filter { $0.isLetter || $0.isNumber } }
    return candidates.first { key($0).hasPrefix("respondent") || key($0).hasPrefix("participant") }
      ?? candidates.first { key($0) == "responseid" || key($0) == "id" }
      ?? candidates.first { !["email", "emailaddress", "name", "ipaddress"].contains(key($0)) }
  }

  /// A YAML scalar: plain when safe, else double-quoted with escapes.
  static func quote(_ s: String) -> String {
    let reserved: Set<String> = ["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"]
    let plain = !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
      && s.first!.isLetter && !reserved.contains(s.lowercased())
    if plain { return s }
    var out = "\""
    for ch in s.unicodeScalars {
      switch ch {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\t": out += "\\t"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      default: out.unicodeScalars.append(ch)
      }
    }
    return out + "\""
  }
}
