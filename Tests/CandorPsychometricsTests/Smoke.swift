import Testing

@Suite struct CandorPsychometricsPlaceholder {
  @Test func builds() { #expect(1 + 1 == 2) }
}
