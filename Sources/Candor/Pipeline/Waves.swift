import CandorData
import CandorNumerics
import CandorPsychometrics
import CandorReport

extension AnalysisResults {
  /// Whether respondent ids link two waves: at least half of the later wave's respondents
  /// answered the earlier one too (and at least two).
  static func wavesAreLinked(_ a: WaveLinkColumns, _ b: WaveLinkColumns) -> Bool {
    let linked = WaveLinkColumns.linkedCount(a, b)
    return linked >= 2 && 2 * linked >= b.idHashes.count
  }

  /// Adds the wave-over-wave table of consecutive waves: for each ordinary scale the
  /// change in the mean, Feldt's test of the change in alpha, and the same change
  /// per group of the innermost group level (rows under the threshold in either wave are
  /// suppressed here; complementary suppression is the report filter's).
  ///
  /// Favourability change compares the share of respondents whose scale score lies in the
  /// favourable band (two-proportion z), counted in the pass. When respondent ids link the
  /// waves — at least half of the later wave's respondents answered the earlier one too —
  /// the change in the mean is the paired t-test over the linked respondents (`test:
  /// "paired"`, `pairs`); otherwise Welch's test of independent samples. Group rows stay
  /// Welch (per-group pairing is not computed).
  public mutating func addWaves(_ waves: [(label: String, data: SurveyData)]) {
    guard waves.count >= 2 else { return }
    for i in 1..<waves.count {
      let (fromLabel, a) = waves[i - 1], (toLabel, b) = waves[i]
      let alphasA = (try? a.reliability().results) ?? [], alphasB = (try? b.reliability().results) ?? []
      let ma = a.statistics.scores.moments(a.request.missing), mb = b.statistics.scores.moments(b.request.missing)
      var rows: [WaveComparison] = []
      var groupRows: [GroupWaveComparison] = []
      var cells: [CellKey] = []
      let level = a.layout.groupLevels.lastIndex { !$0.isCut }
      for scale in a.layout.scales where !scale.usesMRAT {
        guard let ka = a.layout.scoreIndex(named: scale.name), let kb = b.layout.scoreIndex(named: scale.name) else { continue }
        func stats(_ d: SurveyData, _ m: CoMoments, _ k: Int, _ alphas: [ReliabilityResult]) -> WaveScaleStatistics {
          let r = alphas.first { $0.scale == scale.name }
          let hasBand = d.layout.favourableThreshold[k] != nil
          return WaveScaleStatistics(n: m.counts[k], mean: m.means[k], variance: m.standardDeviations[k] * m.standardDeviations[k],
                                     favourable: hasBand ? d.statistics.favourableRespondents[k] : nil,
                                     favourableN: hasBand ? m.counts[k] : nil,
                                     alpha: r?.alpha.raw, alphaN: r?.nMin)
        }
        var paired: PairedDifferences?
        if let la = a.statistics.waveLink, let lb = b.statistics.waveLink,
           let ia = la.scoreIndices.firstIndex(of: ka), let ib = lb.scoreIndices.firstIndex(of: kb), ia == ib,
           Self.wavesAreLinked(la, lb) {
          paired = WaveLinkColumns.pairedDifferences(from: la, to: lb, score: ia)
        }
        rows.append(WaveComparison(scale: scale.name, from: fromLabel, to: toLabel,
                                   first: stats(a, ma, ka, alphasA), second: stats(b, mb, kb, alphasB),
                                   paired: paired))
        guard let level else { continue }
        let ga = a.statistics.groups[level], gb = b.statistics.groups[level]
        for (g, label) in ga.labels.enumerated() {
          guard let h = gb.labels.firstIndex(of: label) else { continue }
          let sa = ga.scores[ka], sb = gb.scores[kb]
          guard g < sa.groupCount, h < sb.groupCount else { continue }
          let first = WaveScaleStatistics(n: sa.counts[g], mean: sa.mean(g), variance: sa.variance(g))
          let second = WaveScaleStatistics(n: sb.counts[h], mean: sb.mean(h), variance: sb.variance(h))
          let path = label.components(separatedBy: " / ")
          groupRows.append(GroupWaveComparison(scale: scale.name, group: path.last ?? label, from: fromLabel, to: toLabel,
                                               first: first, second: second,
                                               minimumGroupSize: max(a.minGroupSize, b.minGroupSize)))
          cells.append(CellKey(path))
        }
      }
      addWaves(WaveTable(rows: rows, groupRows: groupRows), groupCells: cells)
    }
  }
}
