import CandorNumerics
import CandorPsychometrics
import CandorReport
import Foundation
import Testing

@Suite struct OrderedJSONTests {
  struct Alpha: Encodable {
    var raw: Double
    var standardized: Double
    var g6: Double
    var feldt95: [Double]
  }

  struct Entry: Encodable {
    var scale: String
    var n: Int
    var alpha: Alpha
    var omega: Double?
    var note: String?
  }

  @Test func fieldsFollowDeclarationOrderAndNilIsNull() throws {
    let e = Entry(scale: "psych_safety", n: 412, alpha: Alpha(raw: 0.81, standardized: 0.8125, g6: 0.8, feldt95: [0.78, 0.84]),
                  omega: nil, note: "x")
    let json = try OrderedJSONEncoder().encode(e)
    #expect(json.keys == ["scale", "n", "alpha", "omega", "note"])
    #expect(json["alpha"]?.keys == ["raw", "standardized", "g6", "feldt95"])
    #expect(json["omega"] == .null)
    #expect(json.serialized(indent: nil)
      == #"{"scale":"psych_safety","n":412,"alpha":{"raw":0.81,"standardized":0.8125,"g6":0.8,"feldt95":[0.78,0.84]},"omega":null,"note":"x"}"#)
    let omitted = try OrderedJSONEncoder(nilEncoding: .omit).encode(e)
    #expect(omitted.keys == ["scale", "n", "alpha", "note"])
  }

  @Test func prettyPrintingUsesTwoSpacesAndKeepsShortScalarArraysInline() throws {
    let v = JSONValue.object([("a", .number(1)), ("b", .array([.number(0.5), .null])), ("c", .object([("d", .bool(true))])), ("e", .array([])), ("f", .object([]))])
    let expected = """
      {
        "a": 1,
        "b": [0.5, null],
        "c": {
          "d": true
        },
        "e": [],
        "f": {}
      }
      """
    #expect(v.serialized(indent: 2) == expected)
  }

  @Test func numbersAreShortestRoundTripIntegersWithoutFractionNonFiniteNull() throws {
    #expect(JSONValue.numberText(3) == "3")
    #expect(JSONValue.numberText(-0.0) == "0")
    #expect(JSONValue.numberText(0.1) == "0.1")
    #expect(JSONValue.numberText(1e300) == "1e+300")
    #expect(JSONValue.numberText(.nan) == "null")
    #expect(JSONValue.numberText(.infinity) == "null")
    #expect(JSONValue.numberText(-.infinity) == "null")
    // Round trip of awkward doubles through text.
    var rng = SeededGenerator(seed: 42)
    for _ in 0..<2000 {
      let x = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (rng.next() % 2 == 0 ? 1 : -1)
      let text = JSONValue.numberText(x)
      let back = try JSONValue.parse(text)
      #expect(back.doubleValue == x, "\(x) printed as \(text)")
    }
    let doc = try OrderedJSONEncoder().encode([Double.nan, 1.5, .infinity])
    #expect(doc.serialized(indent: nil) == "[null,1.5,null]")
  }

  @Test func swiftDictionariesGetNaturalKeyOrderAndItemMapKeepsInsertionOrder() throws {
    let loadings: [String: Double] = ["pvq10": 0.1, "pvq2": 0.2, "pvq1": 0.3, "ab": 0.4]
    let json = try OrderedJSONEncoder().encode(["loadings": loadings])
    #expect(json["loadings"]?.keys == ["ab", "pvq1", "pvq2", "pvq10"])
    let map = ItemMap(keys: ["ps3", "ps1", "ps2"], values: [1, 2, 3])
    #expect(try OrderedJSONEncoder().encode(map).keys == ["ps3", "ps1", "ps2"])
    #expect(naturalOrder("item9", "item10"))
    #expect(!naturalOrder("item10", "item9"))
    #expect(naturalOrder("a", "b"))
  }

  @Test func enumsNestedContainersAndJSONValuePassThrough() throws {
    enum Method: String, Encodable { case minres, ml }
    struct Fit: Encodable {
      var method: Method
      var matrix: [[Double]]
      var extra: JSONValue
      var flags: [Bool]
    }
    let json = try OrderedJSONEncoder().encode(Fit(method: .ml, matrix: [[1, 0], [0.5, 1]], extra: .object([("z", .null), ("a", .string("q"))]), flags: [true, false]))
    #expect(json.serialized(indent: nil) == #"{"method":"ml","matrix":[[1,0],[0.5,1]],"extra":{"z":null,"a":"q"},"flags":[true,false]}"#)
  }

  @Test func parserKeepsOrderHandlesEscapesAndRejectsBadInput() throws {
    let text = #"{"b": 1, "a": [true, false, null, -1.5e3, "x\"y\\z\n\u00e9\ud83d\ude00"], "c": {}}"#
    let v = try JSONValue.parse(text)
    #expect(v.keys == ["b", "a", "c"])
    #expect(v["a"]?[3]?.doubleValue == -1500)
    #expect(v["a"]?[4]?.stringValue == "x\"y\\z\né😀")
    #expect(try JSONValue.parse(v.serialized()) == v)
    #expect(try JSONValue.parse(v.serialized(indent: nil)) == v)
    for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"abc", "[1] x", "{\"a\":1,}"] {
      #expect(throws: JSONParseError.self, "\(bad)") { try JSONValue.parse(bad) }
    }
  }

  @Test func literalsKeepKeyOrder() {
    let v: JSONValue = ["scale": "ps", "n": 412, "alpha": 0.81, "ci95": [0.7, 0.8], "omega": nil, "ok": true]
    #expect(v.serialized(indent: nil) == #"{"scale":"ps","n":412,"alpha":0.81,"ci95":[0.7,0.8],"omega":null,"ok":true}"#)
  }

  @Test func controlCharactersAreEscaped() {
    let s = JSONValue.string("a\u{01}b\tc").serialized()
    #expect(s == #""a\u0001b\tc""#)
  }
}

