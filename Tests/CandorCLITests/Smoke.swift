import Testing

@Suite struct CandorCLIPlaceholder {
  @Test func builds() { #expect(1 + 1 == 2) }
}
