import Testing
@testable import CandorNumerics

@Suite struct MatrixSmokeTests {
  @Test func multiplyIdentity() {
    let a = Matrix([[1, 2], [3, 4]])
    #expect(a * Matrix.identity(2) == a)
  }
}
