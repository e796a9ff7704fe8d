import Testing
@testable import JSON

/// The one JSON stack: the writer, the parser, and Codable through `JSONValue`.
@Suite struct JSONTests {
    struct Sample: Codable, Equatable {
        var name: String
        var count: Int
        var share: Double
        var small: Int16
        var big: UInt64
        var maybe: Double?
        var absent: String?
        var list: [Int32]
        var byName: [String: Double]
        var byID: [Int32: Int]
        var nested: [[String]]

        func with(_ change: (inout Sample) -> Void) -> Sample {
            var copy = self
            change(&copy)
            return copy
        }
    }

    static let sample: Sample = Sample(name: "a \"quoted\" <b> & \u{1F600} \n", count: -42, share: 0.1 + 0.2, small: -3,
                               big: 1 << 62, maybe: nil, absent: nil, list: [3, 1, 2],
                               byName: ["z": 1, "a": 2.5], byID: [7: 70, 3: 30], nested: [[], ["x"]])

    @Test func aValueRoundTripsExactlyAndKeysAreSorted() throws {
        let text = try JSONValueEncoder().text(Self.sample)
        #expect(text.hasPrefix(#"{"big":4611686018427387904,"byID":["#))
        #expect(text.contains(#""byName":{"a":2.5,"z":1.0}"#))
        #expect(text.contains(#""maybe":null"#) == false)
        #expect(text.contains(#""name":"a \"quoted\" \u003cb\u003e \u0026 😀 \n""#))
        #expect(text.contains(#""share":0.30000000000000004"#))
        let back = try JSONValueDecoder().decode(Sample.self, from: Array(text.utf8))
        #expect(back == Self.sample)
        // The same value, the same text (a dictionary with other keys than strings is a list
        // in its own order, as Swift encodes it: left out of this check).
        let keyed = Self.sample.with { $0.byID = [:] }
        let keyedText = try JSONValueEncoder().text(keyed)
        let decoded = try JSONValueDecoder().decode(Sample.self, from: Array(keyedText.utf8))
        #expect(try JSONValueEncoder().text(decoded) == keyedText)
    }

    @Test func textOtherWritersMadeIsRead() throws {
        // Foundation's JSONEncoder writes whole doubles without `.0` and escapes slashes.
        let value = try JSONValueDecoder().decode([String: Double].self, from: Array(#"{"a": 1, "b\/c": 2.5e-3 , "d":-0.0}"#.utf8))
        #expect(value == ["a": 1, "b/c": 0.0025, "d": 0])
        let escaped = try JSONValue.parse(#"["\u00e9\ud83d\ude00", "\t"]"#)
        #expect(escaped == .array([.string("é😀"), .string("\t")]))
    }

    @Test func brokenTextIsAnErrorWithItsOffset() {
        for (text, offset) in [("{\"a\":1,}", 7), ("[1 2]", 3), ("\"open", 5), ("01", 1), ("{\"a\" 1}", 5), ("[\"\\ud83d\"]", 8)] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONValue.parse(text) }
            do {
                _ = try JSONValue.parse(text)
            } catch {
                #expect(error.offset == offset, "\(text): \(error)")
            }
        }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test func aMismatchIsADecodingErrorNotATrap() {
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Sample.self, from: Array(#"{"name": 3}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Int8.self, from: JSONValue.int(300)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode([Int].self, from: JSONValue.object([])) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([Double.nan]) }
    }

    @Test func thePrettyFormIsTheSummaryFormat() {
        let value = JSONValue.object([("b", .int(1)), ("a", .array([.number(2), .null, .rate(1.0 / 3)])), ("e", .object([]))])
        #expect(value.serialized() == "{\n  \"b\": 1,\n  \"a\": [\n    2.0,\n    null,\n    0.333333\n  ],\n  \"e\": {}\n}\n")
        #expect(value.compact() == #"{"b":1,"a":[2.0,null,0.333333],"e":{}}"#)
    }
}
