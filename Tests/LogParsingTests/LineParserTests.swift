import Foundation
import Testing
@testable import LogParsing

@Suite struct LineParserTests {
    let combinedTimed = #"192.0.2.1 - alice [02/Mar/2026:10:00:00 -0500] "GET /p/1?x=2 HTTP/1.1" 200 512 "https://www.google.com/" "Mozilla/5.0 (X11)" 300000"#

    @Test func presetsCompileWithTheirFieldCounts() {
        #expect(LogFormat.presets.map(\.name) == ["common", "combined", "combined-timed", "nginx-timed", "combined+time", "vcombined",
                                                  "ingress-nginx", "traefik", "caddy", "json", "alb", "cloudfront", "w3c"])
        // Traefik's router and service are skipped, its duration read from the line's end;
        // the JSON formats count the fields their keys give, W3C the columns it reads.
        #expect(LogFormat.presets.map(\.fieldCount) == [7, 9, 10, 10, 10, 11, 17, 11, 12, 15, 14, 14, 14])
    }

    @Test func combinedTimedFields() throws {
        let (fields, bytes) = try #require(parse(combinedTimed, .combinedTimed))
        #expect(text(fields.address, bytes) == "192.0.2.1")
        #expect(text(fields.user, bytes) == "alice")
        #expect(text(fields.request, bytes) == "GET /p/1?x=2 HTTP/1.1")
        #expect(text(fields.referrer, bytes) == "https://www.google.com/")
        #expect(text(fields.userAgent, bytes) == "Mozilla/5.0 (X11)")
        #expect(fields.status == 200)
        #expect(fields.responseMicroseconds == 300_000)
        #expect(fields.timestamp.utcSeconds == 1_772_463_600)
    }

    @Test func aPresetIgnoresFieldsAfterItsLast() throws {
        let line = combinedTimed + #" "198.51.100.1, 10.0.0.1""#
        #expect(parse(line, .combinedTimed) != nil)
        #expect(parse(line, .common)?.fields.status == 200)
        #expect(parse(line, .combined)?.fields.responseMicroseconds == -1)
    }

    @Test func nginxRequestTimeIsSecondsWithThreeDecimals() throws {
        let line = #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 200 512 "-" "UA" 1.234"#
        #expect(parse(line, .nginxTimed)?.fields.responseMicroseconds == 1_234_000)
        #expect(parse(line, .combinedTimed) == nil)  // %D is digits only
        #expect(parse(line.replacingOccurrences(of: "1.234", with: "1.23"), .nginxTimed) == nil)
        #expect(parse(line.replacingOccurrences(of: "1.234", with: "1234"), .nginxTimed) == nil)
    }

    @Test(arguments: [
        #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 20 512"#,      // status of two digits
        #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 200 5x2"#,     // bytes not digits
        #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1"  200 512"#,    // two spaces
        #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1 200 512"#,      // quote never closes
        #"192.0.2.1 - - [02/Mar/2026:10:01:00 -05"#,                                 // truncated
        "   ",                                                                       // spaces only
    ])
    func malformedLinesDoNotMatch(line: String) {
        #expect(parse(line, .common) == nil)
    }

    @Test func bytesMayBeADash() {
        #expect(parse(#"h - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 304 -"#, .common) != nil)
    }

    @Test func escapesAreDecodedInQuotedFields() throws {
        let line = #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET /a\"b HTTP/1.1" 200 1 "-" "x\\y \x41\x7a \"q\"" 5"#
        let (fields, bytes) = try #require(parse(line, .combinedTimed))
        #expect(text(fields.request, bytes) == #"GET /a"b HTTP/1.1"#)
        #expect(text(fields.userAgent, bytes) == #"x\y Az "q""#)
        #expect(fields.responseMicroseconds == 5)
    }

    @Test func latin1BytesInAFieldParse() throws {
        var line = Array(#"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET /caf"#.utf8)
        line.append(0xE9)  // Latin-1 é
        line += Array(#" HTTP/1.1" 200 1 "-" "UA""#.utf8)
        let parser = LineParser(format: .combined)
        var fields = ParsedLine()
        #expect(line.withUnsafeMutableBytes { parser.parse($0, into: &fields) })
        #expect(fields.request.count == 18)
    }

    @Test func everyApacheDirective() throws {
        let format = try LogFormat.apache(#"%a %v %u %{%d/%b}t %t \"%m %U%q %H\" %>s %B %T %{sid}C \"%{User-agent}i\" \"%{Referer}i\" %{X-Forwarded-For}i %%"#)
        #expect(format.name == "custom")
        let line = #"10.0.0.1 shop.example bob 02/Mar [02/Mar/2026:10:00:00 +0100] "POST /cart/add?sku=9 HTTP/2.0" 302 0 2 abc123 "Mozilla/5.0 (iPhone) Mobile" "-" 203.0.113.1 %"#
        let parser = LineParser(format: format, cookieName: "sid")
        var bytes = Array(line.utf8)
        var fields = ParsedLine()
        #expect(bytes.withUnsafeMutableBytes { parser.parse($0, into: &fields) })
        #expect(text(fields.address, bytes) == "10.0.0.1")
        #expect(text(fields.host, bytes) == "shop.example")
        #expect(text(fields.user, bytes) == "bob")
        #expect(text(fields.method, bytes) == "POST")
        #expect(text(fields.requestURI, bytes) == "/cart/add?sku=9")  // %U%q adjoin: one field
        #expect(text(fields.cookie, bytes) == "abc123")
        #expect(text(fields.userAgent, bytes) == "Mozilla/5.0 (iPhone) Mobile")
        #expect(fields.status == 302)
        #expect(fields.responseMicroseconds == 2_000_000)
        #expect(fields.timestamp.offsetMinutes == 60)
    }

    @Test func everyNginxVariable() throws {
        let format = try LogFormat.nginx(#"$remote_addr $host $remote_user [$time_iso8601] "$request_method $request_uri $server_protocol" $status $bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time $cookie_sid ${http_x_trace}"#)
        let line = #"10.0.0.2 shop.example - [2026-03-02T10:00:00+01:00] "GET /p/1?a=b HTTP/1.1" 200 123 "https://t.co/x" "UA" 0.050 0.010, 0.042 s1 t9"#
        let parser = LineParser(format: format, cookieName: "sid")
        var fields = ParsedLine()
        // Unquoted, "0.010, 0.042" ends at its space: quote the variable in such formats.
        var bytes = Array(line.replacingOccurrences(of: "0.010, 0.042", with: "0.042").utf8)
        #expect(bytes.withUnsafeMutableBytes { parser.parse($0, into: &fields) })
        #expect(text(fields.requestURI, bytes) == "/p/1?a=b")
        #expect(text(fields.protocolVersion, bytes) == "HTTP/1.1")
        #expect(text(fields.cookie, bytes) == "s1")
        #expect(fields.responseMicroseconds == 50_000)  // $request_time wins over upstream
        #expect(fields.timestamp.utcSeconds == 1_772_442_000)
    }

    @Test func upstreamTimeIsTheLastNumberListed() {
        func upstream(_ s: String) -> Int64 { Array(s.utf8).withUnsafeBytes { LineParser.parseUpstream($0.baseAddress!, $0.count) } }
        #expect(upstream("0.010, 0.042") == 42_000)
        #expect(upstream("0.010 : 0.5") == 500_000)
        #expect(upstream("-") == -1)
        #expect(upstream("2") == 2_000_000)
        let format = try? LogFormat.nginx(#"[$time_local] "$request" $status $upstream_response_time"#)
        let line = #"[02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 200 0.250"#
        #expect(parse(line, format!)?.fields.responseMicroseconds == 250_000)
    }

    @Test func formatErrors() throws {
        #expect(throws: FormatError.self) { try LogFormat.named("combined-ish") }
        #expect(throws: FormatError.self) { try LogFormat.apache("%h %l %u") }  // no time
        #expect(throws: FormatError.self) { try LogFormat.apache("%h%u %t") }   // fields run together
        #expect(throws: FormatError.self) { try LogFormat.nginx("$ [$time_local]") }
        #expect(try LogFormat.named("auto") == nil)
        #expect(try LogFormat.named("nginx-timed") == .nginxTimed)
    }
}

/// The one-load digit reader agrees with the byte loop on every length, every position of a
/// bad byte, and the bytes around the field.
@Suite struct DigitParsingTests {
    @Test func oneLoadAgreesWithTheLoop() {
        let bad: [UInt8] = [0x2F, 0x3A, 0x20, 0x2D, 0x61, 0xB0, 0x00, 0xFF]
        var generator = SystemRandomNumberGenerator()
        for count in 1...10 {
            for trial in 0..<300 {
                var field = (0..<count).map { _ in UInt8(0x30 + UInt8.random(in: 0...9, using: &generator)) }
                if trial % 3 == 0 { field[Int.random(in: 0..<count, using: &generator)] = bad.randomElement(using: &generator)! }
                let before = (0..<Int.random(in: 0...12, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                var line = before + field + [0x20, 0x22]
                line.withUnsafeMutableBytes { raw in
                    let base = raw.baseAddress!
                    let viaLoad = LineParser.parseDigits(base, before.count, before.count + count)
                    let viaLoop = LineParser.parseDigits(UnsafeRawPointer(base + before.count), count)
                    #expect(viaLoad == viaLoop, "\(before) \(field)")
                }
            }
        }
        var line = Array("12345678".utf8)
        line.withUnsafeMutableBytes { #expect(LineParser.parseDigits($0.baseAddress!, 0, 8) == 12_345_678) }
    }
}

/// A line that does not parse is reported with the first field that failed and why.
@Suite struct DiagnoseTests {
    func reason(_ line: String, _ format: LogFormat, zone: TimeZoneRule? = nil) -> String? {
        LineParser(format: format, timeZone: zone).diagnose(Array(line.utf8))
    }

    @Test func theFirstFieldThatFailedIsNamed() throws {
        let good = #"192.0.2.1 - - [01/Jun/2019:10:12:31 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0""#
        #expect(reason(good, .combined) == nil)
        #expect(reason(#"192.0.2.1 - - [01/Jun/2019:10:12:31] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0""#, .combined)
                == "field 4 (%t): no UTC offset (give the zone with --timezone or timezone:)")
        #expect(reason(#"192.0.2.1 - - [01/Jun/2019:10:12:31 +0000] "GET / HTTP/1.1" 2000 5 "-" "Mozilla/5.0""#, .combined)
                == "field 6 (%s): `2000` is not a three-digit status")
        #expect(reason(#"192.0.2.1 - - [01/Jun/2019:10:12:31 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0"#, .combined)
                == "field 9 (%{User-Agent}i): no closing quote")
        #expect(reason(good, .nginxTimed) == "field 10 ($request_time): `` is not seconds with three decimals (0.183)"
                || reason(good, .nginxTimed)?.hasPrefix("after field 9") == true)
        let custom = try LogFormat.nginx(#"$remote_addr [$time_local] "$request" $status $request_time"#)
        #expect(reason(#"192.0.2.1 [01/Jun/2019:10:12:31 +0000] "GET / HTTP/1.1" 200 183"#, custom)
                == "field 5 ($request_time): `183` is not seconds with three decimals (0.183)")
        // An address or agent is never quoted.
        #expect(reason("SecretAgent hello", .combined)?.contains("SecretAgent") == false)
    }
}

/// The `-f` string suggested for a line no preset reads, from its own fields.
@Suite struct FormatSuggestionTests {
    @Test func theUsualPartsInAnotherOrderGiveAFormatThatReadsTheLine() throws {
        let line = #"192.0.2.3 [01/Jun/2019:10:12:13 +0200] "GET /p/3 HTTP/1.1" "Mozilla/5.0 (X11)" 200 5120 "https://google.com/" 0.013"#
        let format = try #require(FormatSuggestion.suggest(for: Array(line.utf8)))
        #expect(format == #"$remote_addr [$time_local] "$request" "$http_user_agent" $status $body_bytes_sent "$http_referer" $request_time"#)
        var bytes = Array(line.utf8)
        var fields = ParsedLine()
        let parser = LineParser(format: try #require(try LogFormat.named(format)))
        #expect(bytes.withUnsafeMutableBytes { parser.parse($0, into: &fields) })
        #expect(fields.responseMicroseconds == 13_000 && fields.status == 200)
        // Apache syntax when no field is nginx's own; an unknown field stays a field.
        let apache = #"203.0.113.9 shop.example [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 304 - "-" "curl/8""#
        #expect(FormatSuggestion.suggest(for: Array(apache.utf8)) == #"%h %l %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#)
        // Without a time, a request and a status there is nothing to suggest.
        #expect(FormatSuggestion.suggest(for: Array("hello world 42".utf8)) == nil)
    }
}

/// Review findings: the day cache keys on the whole date; absurd durations are no time, not a crash.
@Suite struct ParserEdgeTests {
    @Test func theSameDayOfAnotherYearIsAnotherDay() {
        let parser = LineParser(format: .common)
        var fields = ParsedLine()
        var first = Array(#"192.0.2.1 - - [02/Mar/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 5"#.utf8)
        var second = Array(#"192.0.2.1 - - [02/Mar/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 5"#.utf8)
        #expect(first.withUnsafeMutableBytes { parser.parse($0, into: &fields) })
        #expect(fields.timestamp.iso8601 == "2025-03-02T10:00:00+00:00")
        #expect(second.withUnsafeMutableBytes { parser.parse($0, into: &fields) })
        #expect(fields.timestamp.iso8601 == "2026-03-02T10:00:01+00:00")
    }

    @Test func hugeDurationsAreNoTime() throws {
        var fields = ParsedLine()
        let base = #"10.0.0.1 - - [10/Nov/2023:12:53:13 +0000] "GET /p/1 HTTP/2.0" 200 312 "-" "Mozilla/5.0""#
        var traefik = Array((base + #" 7 "r@docker" "http://172.17.0.3:80" 9999999999999999ms"#).utf8)
        #expect(traefik.withUnsafeMutableBytes { LineParser(format: .traefik).parse($0, into: &fields) })
        #expect(fields.responseMicroseconds == -1)
        var nginx = Array((base + " 999999999999999.000").utf8)
        #expect(nginx.withUnsafeMutableBytes { LineParser(format: .nginxTimed).parse($0, into: &fields) })
        #expect(fields.responseMicroseconds == -1)
        let ms = try LogFormat.apache(#"%h %l %u %t "%r" %>s %b %{ms}T"#)
        var millis = Array(#"10.0.0.1 - - [10/Nov/2023:12:53:13 +0000] "GET / HTTP/1.1" 200 5 99999999999999999"#.utf8)
        #expect(millis.withUnsafeMutableBytes { LineParser(format: ms).parse($0, into: &fields) })
        #expect(fields.responseMicroseconds == -1)
    }

    @Test func aQuotedStrftimeTimeMustHaveItsWidth() throws {
        let format = try LogFormat.apache(#"%h "%{%Y-%m-%d %T %z}t" "%r" %>s"#)
        var fields = ParsedLine()
        var empty = Array(#"1.2.3.4 "" "GET / HTTP/1.1" 200"#.utf8)
        #expect(!empty.withUnsafeMutableBytes { LineParser(format: format).parse($0, into: &fields) })
        var good = Array(#"1.2.3.4 "2026-03-02 10:00:00 +0100" "GET / HTTP/1.1" 200"#.utf8)
        #expect(good.withUnsafeMutableBytes { LineParser(format: format).parse($0, into: &fields) })
        #expect(fields.timestamp.iso8601 == "2026-03-02T10:00:00+01:00")
    }
}

/// The hand-written scanner for `combined`'s and `common`'s fields reads every line as the
/// step loop does: the same verdict, the same fields, the same decoded bytes.
@Suite struct SpecialisedScannerTests {
    static let seeds = [
        #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET /p/1?x=1 HTTP/1.1" 200 5120 "https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0" 17638"#,
        #"2001:db8::1 - alice [02/Mar/2026:10:00:00 +0100] "POST /cart HTTP/2.0" 302 - "-" "curl/8.5.0" 0.183"#,
        #"10.0.0.1 - - [10/Nov/2023:12:53:13 +0000] "GET /a\"b HTTP/1.1" 404 0 "ref \\ \x41" "agent \"quoted\"" 7 "r@docker" "http://172.17.0.3:80" 12ms"#,
        #"10.0.0.1 - - [10/Nov/2023:12:53:13] "GET / HTTP/1.1" 200 12"#,
        #"- - - [02/Mar/2026:10:00:00 -0500] "" 400 0 "" """#,
        "192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] \"GET / HTTP/1.1\" 200 5120\t183",
        #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 200 5120,183"#,
        #"192.0.2.1 - bob [02/Mar/2026:10:00:00 -0500] "GET /cart HTTP/1.1" 200 77 "-" "Mozilla/5.0" "uid=a\"1; x=2""#,
    ]

    /// Each seed, cut at every length, and with each byte in turn made a quote, a backslash,
    /// a space or a bracket.
    static var lines: [[UInt8]] {
        var lines: [[UInt8]] = []
        for seed in seeds.map({ Array($0.utf8) }) {
            for length in 0...seed.count { lines.append(Array(seed.prefix(length))) }
            for index in seed.indices {
                for byte: UInt8 in [0x22, 0x5C, 0x20, 0x5D, 0x5B, 0x2D] {
                    var line = seed
                    line[index] = byte
                    lines.append(line)
                }
            }
        }
        return lines
    }

    @Test func readsAsTheStepLoopDoes() throws {
        let formats: [LogFormat] = LogFormat.presets + [
            try LogFormat.apache(#"%h %l %u %t "%r" %>s %b %D %{Host}i"#),
            try LogFormat.apache(#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{uid}C""#),
            // `%b` followed by something other than a space: the size ends where that begins.
            try LogFormat.apache("%h %l %u %t \"%r\" %>s %b\t%D"),
            try LogFormat.apache(#"%h %l %u %t "%r" %>s %b,%D"#),
        ]
        let zone = try TimeZoneRule.named("+02:00")
        var specialisedFormats = 0
        for format in formats {
            for timeZone in [nil, zone] {
                let fast = LineParser(format: format, cookieName: "uid", timeZone: timeZone)
                let slow = LineParser(format: format, cookieName: "uid", timeZone: timeZone, specialised: false)
                if format.elements.starts(with: LogFormat.common.elements) { specialisedFormats += 1 }
                var matched = 0
                for line in Self.lines {
                    var a = line, b = line
                    var fastFields = ParsedLine(), slowFields = ParsedLine()
                    let fastParsed = a.withUnsafeMutableBytes { fast.parse($0, into: &fastFields) }
                    let slowParsed = b.withUnsafeMutableBytes { slow.parse($0, into: &slowFields) }
                    #expect(fastParsed == slowParsed, "\(format.name): \(String(decoding: line, as: UTF8.self))")
                    guard fastParsed, slowParsed else { continue }
                    matched += 1
                    #expect(fastFields == slowFields, "\(format.name): \(String(decoding: line, as: UTF8.self))")
                    #expect(a == b)
                }
                if format.elements.starts(with: LogFormat.common.elements) {
                    let isPreset = LogFormat.presets.contains { $0.name == format.name }
                    #expect(matched > (isPreset ? 20 : 0), "\(format.source)")
                }
            }
        }
        // common, combined, combined-timed, nginx-timed, combined+time, traefik and the four custom ones.
        #expect(specialisedFormats == 20)
    }
}

@Suite struct ByteSearchTests {
    /// `ByteScan.first`, `ByteScan.first(_:or:)` and `RequestTarget.firstControlOrSpace`
    /// against plain searches, for every start and end in lines of 0 to 40 bytes with the bytes
    /// at every place, once or more, and not at all.
    @Test func findsTheFirstByteInRange() {
        for length in 0...40 {
            for place in -1..<length {
                // Bytes above 0x7F too: the searches compare them unsigned.
                var line = (0..<length).map { $0 % 5 == 4 ? UInt8(0xC3) : UInt8(0x61) }
                if place >= 0 { line[place] = 0x22 }
                if place >= 0, place + 3 < length { line[place + 3] = 0x22 }
                if place >= 0, place + 5 < length { line[place + 5] = place % 2 == 0 ? 0x09 : 0x20 }
                let plain = line
                line.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    for from in 0...length {
                        for end in from...length {
                            let expected = plain[from..<end].firstIndex(of: 0x22) ?? end
                            #expect(ByteScan.first(0x22, in: base, from: from, to: end) == expected)
                            let either = plain[from..<end].firstIndex { $0 == 0x22 || $0 == 0x09 } ?? end
                            #expect(ByteScan.first(0x09, or: 0x22, in: base, from: from, to: end) == either)
                            let control = plain[from..<end].firstIndex { $0 <= 0x20 } ?? end
                            #expect(RequestTarget.firstControlOrSpace(base, from: from, to: end) == control)
                        }
                    }
                }
            }
        }
    }
}
