// CandorReport: result envelope (summary.json, design.md §7), confidentiality filter (§8),
// tables and renderers (terminal, Markdown, CSV, HTML + SVG), and the atomic output writer.
// No statistics are computed here.
//
// Flow: results → `ReportDraft` (whole-sample entries in `Summary`, group results keyed by
// `CellKey`) → `ConfidentialityFilter.publish` → `PublishableReport` → renderers →
// `OutputWriter` (staging folder, renamed into place on `commit()`).
//
// `candor analyze` uses all of it through one call: the pipeline fills `AnalysisResults`
// (Presentation/AnalysisResults.swift) and calls
// `ReportAssembler(header:results:minGroupSize:).write(formats:to:)`; the `present…`
// methods on `ReportDraft` (Presentation/*.swift) turn each result type into its JSON entry,
// APA tables and charts.

@_exported import CandorNumerics
