import Testing
@testable import CandorData

@Suite struct NumberParserTests {
  func parse(_ s: String, comma: Bool = false) -> Double? {
    Array(s.utf8).withUnsafeBytes { NumberParser.parse($0, decimalComma: comma) }
  }

  @Test func integersAndShortDecimalsAreExact() {
    #expect(parse("7") == 7)
    #expect(parse("7.0") == 7)
    #expect(parse("-1") == -1)
    #expect(parse(" 42 ") == 42)
    #expect(parse("+3") == 3)
    #expect(parse("-99") == -99)
    #expect(parse("0.1") == 0.1)
    #expect(parse("2.5") == 2.5)
    #expect(parse("5.43") == 5.43)
    #expect(parse("0.05") == 0.05)
    #expect(parse("123456789012345") == 123_456_789_012_345)
    #expect(parse(".5") == 0.5)
  }

  @Test func exponentsAndLongFormsMatchStrtod() {
    #expect(parse("1e3") == 1000)
    #expect(parse("1E-2") == 0.01)
    #expect(parse("2.5e+2") == 250)
    // Beyond the fast path: strtod (correctly rounded) decides.
    for s in ["0.1234567890123456789", "3.141592653589793238", "1e-300", "12345678901234567890", "4.9e-324"] {
      #expect(parse(s) == Double(s)!, "\(s)")
    }
  }

  @Test func decimalCommaOnlyWhenAsked() {
    #expect(parse(",5", comma: true) == 0.5)
    #expect(parse("3,5", comma: true) == 3.5)
    #expect(parse("3,5") == nil)
    #expect(parse("3.5", comma: true) == 3.5)
  }

  @Test func rejectsText() {
    for s in ["", " ", "abc", "4a", "1.2.3", "1e", "-", ".", "NA", "inf", "nan", "0x10", "1,5,0", "Agree"] {
      #expect(parse(s, comma: true) == nil, "\(s)")
    }
  }
}
