import Testing

@Suite struct CandorDataPlaceholder {
  @Test func builds() { #expect(1 + 1 == 2) }
}
