import Testing
@testable import LogParsing

/// The JSON formats (`json`, `caddy`) and the W3C ones (`w3c`, `cloudfront`): what each line
/// gives, and why a line that does not parse does not.
@Suite struct JSONFormatTests {
    let nginx = #"{"time_local":"02/Mar/2026:10:00:00 -0500","remote_addr":"203.0.113.9","remote_user":"","request":"GET /p/42-hat?c=red HTTP/1.1","status":"200","body_bytes_sent":"5120","request_time":"0.183","http_referer":"https://www.google.com/","http_user_agent":"Mozilla/5.0 (X11)"}"#

    @Test func nginxVariableNamesAreReadByDefault() throws {
        let (fields, bytes) = try #require(parse(nginx, .json()))
        #expect(fields.timestamp.iso8601 == "2026-03-02T10:00:00-05:00")
        #expect(fields.status == 200)
        #expect(fields.responseMicroseconds == 183_000)
        #expect(text(fields.address, bytes) == "203.0.113.9")
        #expect(text(fields.request, bytes) == "GET /p/42-hat?c=red HTTP/1.1")
        #expect(text(fields.referrer, bytes) == "https://www.google.com/")
        #expect(text(fields.userAgent, bytes) == "Mozilla/5.0 (X11)")
        #expect(fields.user.isEmpty)
    }

    @Test func escapesAreDecodedAndOtherKeysSkippedWhateverTheyHold() throws {
        let line = #"{ "skip": {"a": [1, {"b": "}]\"{"}], "c": null}, "time_iso8601" : "2026-03-02T15:00:00+00:00", "status": 404, "#
            + #""request_method": "GET", "uri": "/caf\u00e9/\ud83d\ude00", "args": "q=a\/b", "server_protocol": "HTTP/2.0", "#
            + #""http_user_agent": "say \"hi\"\\", "remote_addr": "2001:db8::1", "msec": "1.5e3", "on": true }"#
        let (fields, bytes) = try #require(parse(line, .json()))
        #expect(fields.status == 404)
        #expect(fields.timestamp.utcSeconds == 1_772_463_600)
        #expect(text(fields.method, bytes) == "GET")
        // `$uri` and `$args` joined; `\uXXXX` (a surrogate pair too) and `\/` decoded.
        #expect(text(fields.requestURI, bytes) == "/café/😀?q=a/b")
        #expect(text(fields.protocolVersion, bytes) == "HTTP/2.0")
        #expect(text(fields.userAgent, bytes) == #"say "hi"\"#)
        // A bare IPv6 address keeps its colons.
        #expect(text(fields.address, bytes) == "2001:db8::1")
        #expect(fields.responseMicroseconds == -1)
    }

    @Test func caddyLinesGiveTheClientTheHeadersAndTheDuration() throws {
        let line = #"{"level":"info","ts":1772463600.5241024,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"10.0.0.1","remote_port":"41342","client_ip":"203.0.113.9","proto":"HTTP/2.0","method":"POST","host":"shop.example","uri":"/cart/add","headers":{"User-Agent":["curl/8.5.0","x"],"Referer":["https://shop.example/p/1"]},"tls":{"resumed":false}},"bytes_read":0,"user_id":"","duration":0.000929675,"size":10900,"status":303,"resp_headers":{"Server":["Caddy"]}}"#
        let (fields, bytes) = try #require(parse(line, .caddy))
        #expect(fields.timestamp == LogTimestamp(utcSeconds: 1_772_463_600, offsetMinutes: 0))
        #expect(text(fields.address, bytes) == "203.0.113.9")  // client_ip before remote_ip
        #expect(text(fields.method, bytes) == "POST")
        #expect(text(fields.requestURI, bytes) == "/cart/add")
        #expect(text(fields.userAgent, bytes) == "curl/8.5.0")
        #expect(text(fields.referrer, bytes) == "https://shop.example/p/1")
        #expect(text(fields.host, bytes) == "shop.example")
        #expect(fields.status == 303)
        #expect(fields.responseMicroseconds == 929)
        // Caddy 2.0–2.4 wrote `remote_addr` with the port.
        let old = #"{"ts":1772463600.1,"request":{"remote_addr":"[2001:db8::7]:51524","proto":"HTTP/1.1","method":"GET","uri":"/"},"duration":0.5,"size":1,"status":200}"#
        let (oldFields, oldBytes) = try #require(parse(old, .caddy))
        #expect(text(oldFields.address, oldBytes) == "2001:db8::7")
        let v4 = #"{"ts":1772463600,"request":{"remote_addr":"203.0.113.9:51524","method":"GET","uri":"/"},"status":200}"#
        let (v4Fields, v4Bytes) = try #require(parse(v4, .caddy))
        #expect(text(v4Fields.address, v4Bytes) == "203.0.113.9")
    }

    @Test func aKeyMapReadsAnyKeys() throws {
        let map = JSONFieldMap.nginx.replacing(.time, with: ["log_time"]).replacing(.address, with: ["lan_ip"])
            .replacing(.request, with: ["user_req"]).replacing(.status, with: ["http_code"])
            .replacing(.userAgent, with: ["meta.ua"]).replacing(.responseMilliseconds, with: ["ms"])
        let line = #"{"lan_ip":"192.168.120.1","log_time":"2018-08-09T17:45:09+08:00","user_req":"GET /x HTTP/1.1","http_code":"200","meta":{"ua":"Mozilla/5.0"},"ms":12.5}"#
        let (fields, bytes) = try #require(parse(line, .json(map)))
        #expect(fields.timestamp.iso8601 == "2018-08-09T17:45:09+08:00")
        #expect(text(fields.address, bytes) == "192.168.120.1")
        #expect(text(fields.userAgent, bytes) == "Mozilla/5.0")
        #expect(fields.responseMicroseconds == 12_500)
    }

    @Test func aLineThatDoesNotParseSaysWhy() {
        let parser = LineParser(format: .json())
        func why(_ line: String) -> String? { parser.diagnose(Array(line.utf8)) }
        #expect(why(nginx) == nil)
        #expect(why(#"203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 200 5"#) == "not a JSON object")
        #expect(why(#"{"time_local":"02/Mar/2026:10:00:00 -0500","status":"200","request":"GET / HTTP/1.1""#) == "not valid JSON: the line ends before the object does")
        #expect(why(#"{"time_local":"02/Mar/2026:10:00:00 -0500" "status":"200"}"#) == "not valid JSON at byte 44")
        // Cut inside a string, a key, or a nested value: the line ends too early.
        #expect(why(#"{"time_local":"02/Mar/2026:10:00:00 -0500","status":"200","request":"GET / HT"#) == "not valid JSON: the line ends before the object does")
        #expect(why(#"{"time_local":"02/Mar/2026:10:00:00 -0500","sta"#) == "not valid JSON: the line ends before the object does")
        #expect(why(#"{"time_local":"02/Mar/2026:10:00:00 -0500","x":{"y":["a""#) == "not valid JSON: the line ends before the object does")
        #expect(why(#"{"status":"200","request":"GET / HTTP/1.1"}"#) == "no time (keys `time_local`, `time_iso8601`, `msec`)")
        #expect(why(#"{"time_local":"02/Mar/2026:10:00:00 -0500","status":"20","request":"GET / HTTP/1.1"}"#)
                == "key `status`: not a three-digit status")
        #expect(why(#"{"time_local":"02/Mar/2026:10:00:00","status":"200","request":"GET / HTTP/1.1"}"#)
                == "keys `time_local`, `time_iso8601`, `msec`: no UTC offset (give the zone with --timezone or timezone:)")
        #expect(why(#"{"time_local":"02/Mar/2026:10:00:00 -0500","status":"200"}"#)
                == "no request: neither key `request` nor key `request_method` with keys `request_uri`, `uri`")
        #expect(why(#"{"time_local":"02/Mar/2026:10:00:00 -0500","status":"200","request":"GET / HTTP/1.1","request_time":"fast"}"#)
                == "key `request_time`: not a number")
    }

    @Test func absurdDurationsAreNoLoadTimeRatherThanATrap() throws {
        for key in ["request_time", "upstream_response_time"] {
            let line = #"{"time_local":"02/Mar/2026:10:00:00 -0500","request":"GET / HTTP/1.1","status":"200","#
                + "\"\(key)\":\"9223372036854.9\"}"
            let (fields, _) = try #require(parse(line, .json()), "\(key)")
            #expect(fields.responseMicroseconds == -1, "\(key)")
        }
    }

    @Test func aDashQueryAndAnEmptyArrayAreNoValues() throws {
        let map = JSONFieldMap.nginx.replacing(.userAgent, with: ["ua", "http_user_agent"])
        let line = #"{"time_local":"02/Mar/2026:10:00:00 -0500","request_method":"GET","uri":"/p/42","args":"-","status":200,"ua":[],"http_user_agent":"Mozilla/5.0"}"#
        let (fields, bytes) = try #require(parse(line, .json(map)))
        #expect(text(fields.requestURI, bytes) == "/p/42")
        #expect(text(fields.userAgent, bytes) == "Mozilla/5.0")
    }

    @Test func theFieldsIndexesFollowTheirOrder() {
        #expect(StructuredField.allCases.enumerated().allSatisfy { $0.offset == $0.element.index })
        #expect(StructuredField.count == StructuredField.allCases.count)
    }

    @Test func aLineLeftAsWrittenWhenItDoesNotParse() {
        // Skipped lines are shown as written: nothing is decoded before the line is known good.
        let line = #"{"request":"GET /caf\u00e9 HTTP/1.1","status":"2000","time_local":"02/Mar/2026:10:00:00 -0500"}"#
        var bytes = Array(line.utf8)
        var fields = ParsedLine()
        #expect(!bytes.withUnsafeMutableBytes { LineParser(format: .json()).parse($0, into: &fields) })
        #expect(String(decoding: bytes, as: UTF8.self) == line)
    }

    @Test func offsetLessTimesTakeTheZoneAndUnixTimesAreUTC() throws {
        let zone = try TimeZoneRule.named("+02:00")
        let parser = LineParser(format: .json(), timeZone: zone)
        var line = Array(#"{"time_local":"02/Mar/2026:10:00:00","status":"200","request":"GET / HTTP/1.1"}"#.utf8)
        var fields = ParsedLine()
        #expect(line.withUnsafeMutableBytes { parser.parse($0, into: &fields) })
        #expect(fields.timestamp.iso8601 == "2026-03-02T10:00:00+02:00")
        var unix = Array(#"{"msec":"1772463600.123","status":"200","request":"GET / HTTP/1.1"}"#.utf8)
        #expect(unix.withUnsafeMutableBytes { parser.parse($0, into: &fields) })
        #expect(fields.timestamp == LogTimestamp(utcSeconds: 1_772_463_600, offsetMinutes: 0))
    }
}

@Suite struct W3CFormatTests {
    let iisFields = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Cookie) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"

    func read(_ lines: [String], _ format: LogFormat, cookie: String? = nil) -> [(fields: ParsedLine, bytes: [UInt8])?] {
        let parser = LineParser(format: format, cookieName: cookie)
        var results: [(ParsedLine, [UInt8])?] = []
        for line in lines {
            var bytes = Array(line.utf8)
            if line.hasPrefix("#") {
                bytes.withUnsafeBytes { parser.directive($0) }
                continue
            }
            var fields = ParsedLine()
            results.append(bytes.withUnsafeMutableBytes { parser.parse($0, into: &fields) } ? (fields, bytes) : nil)
        }
        return results
    }

    @Test func iisColumnsComeFromTheFieldsDirective() throws {
        let rows = read([
            "#Software: Microsoft Internet Information Services 10.0", iisFields,
            "2026-03-02 15:00:00 10.0.0.5 GET /search q=red+hat 443 - 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0) a=1;+sid=XYZ;+b=2 https://www.google.com/ 200 0 0 183",
        ], .w3c, cookie: "sid")
        let (fields, bytes) = try #require(rows.first ?? nil)
        #expect(fields.timestamp == LogTimestamp(utcSeconds: 1_772_463_600, offsetMinutes: 0))
        #expect(text(fields.method, bytes) == "GET")
        #expect(text(fields.requestURI, bytes) == "/search?q=red+hat")
        #expect(text(fields.address, bytes) == "203.0.113.9")
        #expect(text(fields.userAgent, bytes) == "Mozilla/5.0 (Windows NT 10.0)")
        #expect(text(fields.referrer, bytes) == "https://www.google.com/")
        #expect(text(fields.cookie, bytes) == "XYZ")
        #expect(fields.status == 200)
        #expect(fields.responseMicroseconds == 183_000)
    }

    @Test func theColumnsMayChangeWithinAFile() throws {
        let rows = read([
            iisFields,
            "2026-03-02 15:00:00 10.0.0.5 GET /a - 443 - 203.0.113.9 - - - 200 0 0 15",
            "#Fields: date time c-ip cs-method cs-uri-stem sc-status",
            "2026-03-02 15:00:01 203.0.113.10 POST /b 302",
        ], .w3c)
        #expect(rows.count == 2)
        let second = try #require(rows[1])
        #expect(text(second.fields.address, second.bytes) == "203.0.113.10")
        #expect(text(second.fields.requestURI, second.bytes) == "/b")
        #expect(second.fields.status == 302)
        #expect(second.fields.responseMicroseconds == -1)
    }

    @Test func cloudfrontRowsAreTabSeparatedWithAnEncodedAgentAndSeconds() throws {
        let rows = read([
            "#Version: 1.0",
            "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken",
            "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows%20NT%2010.0)\t-\t-\tHit\tSOX4x==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001",
        ], .cloudfront)
        let (fields, bytes) = try #require(rows.first ?? nil)
        #expect(fields.timestamp.iso8601 == "2019-12-04T21:02:31+00:00")
        #expect(text(fields.userAgent, bytes) == "Mozilla/5.0 (Windows NT 10.0)")
        #expect(text(fields.requestURI, bytes) == "/index.html")
        #expect(fields.referrer.isEmpty)
        #expect(fields.responseMicroseconds == 1000)
        // CloudFront percent-encodes the cookie header as it does the agent.
        let cookies = read([
            "#Fields: date time c-ip cs-method cs-uri-stem sc-status cs(Cookie) time-taken",
            "2019-12-04\t21:02:31\t192.0.2.100\tGET\t/\t200\ta=1;%20sid=XYZ\t9223372036854.9",
        ], .cloudfront, cookie: "sid")
        let (cookieFields, cookieBytes) = try #require(cookies.first ?? nil)
        #expect(text(cookieFields.cookie, cookieBytes) == "XYZ")
        #expect(cookieFields.responseMicroseconds == -1)  // absurd: no load time, no trap
        // A space-separated row is not CloudFront's.
        let spaced = read(["#Fields: date time c-ip cs-method cs-uri-stem sc-status", "2019-12-04 21:02:31 192.0.2.100 GET / 200"], .cloudfront)
        #expect(spaced.count == 1 && spaced[0] == nil)
    }

    @Test func aRowThatDoesNotParseSaysWhy() {
        let parser = LineParser(format: .w3c)
        func why(_ line: String) -> String? { parser.diagnose(Array(line.utf8)) }
        #expect(why("2026-03-02 15:00:00 GET / 200") == "no #Fields: directive before it names the columns")
        Array("#Fields: date time cs-method cs-uri-stem".utf8).withUnsafeBytes { parser.directive($0) }
        #expect(why("2026-03-02 15:00:00 GET /") == "the #Fields: directive has no sc-status column")
        Array("#Fields: date time cs-method cs-uri-stem sc-status time-taken".utf8).withUnsafeBytes { parser.directive($0) }
        #expect(why("2026-03-02 15:00:00 GET / 200 15") == nil)
        #expect(why("2026-03-02 15:00:00 GET / 200") == "5 fields where the #Fields: directive names 6")
        #expect(why("2026-03-02 15:00:00 GET / OK 15") == "field 5 (sc-status): not a three-digit status")
        #expect(why("2026-03-02 15:00:00 GET / 200 0.5s") == "field 6 (time-taken): not a number of milliseconds")
        #expect(why("2026-13-02 15:00:00 GET / 200 15") == "field 1 (date): not a date like 2026-03-02")
    }
}
