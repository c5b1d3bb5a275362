import Testing

@Suite struct CandorReportPlaceholder {
  @Test func builds() { #expect(1 + 1 == 2) }
}
