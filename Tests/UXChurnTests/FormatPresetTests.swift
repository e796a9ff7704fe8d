import Foundation
import LogInput
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Analysis
import SampleShop

/// Each preset: the sample shop written in it and read with `auto` gives the figures of the
/// same shop written as `combined-timed`, load times to the preset's resolution.
@Suite struct FormatPresetTests {
    static func shop(_ format: String, in scratch: Scratch) throws -> [String: Any] {
        var sample = SampleLogs()
        sample.days = 2
        sample.visitors = 300
        sample.format = format
        let folder = scratch.path + "/" + format
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = try sample.write(to: folder)
        return try summary([folder], config: fixtures + "/golden/uxchurn.yml")
    }

    /// A page row without what depends on the timing field.
    static func untimed(_ pages: Any?) -> [NSDictionary] {
        ((pages as? [[String: Any]]) ?? []).map { row in
            NSDictionary(dictionary: row.filter { !["load_ms", "apdex", "apdex_ci"].contains($0.key) })
        }
    }

    @Test(arguments: ["combined+time", "vcombined", "ingress-nginx", "traefik", "nginx-timed", "combined", "alb",
                      "caddy", "json", "cloudfront", "w3c"])
    func aPresetGivesTheFiguresOfCombinedTimed(format: String) throws {
        let scratch = Scratch()
        let reference = try Self.shop("combined-timed", in: scratch)
        let actual = try Self.shop(format, in: scratch)
        var input = try #require(actual["input"] as? [String: Any])
        #expect(input["format"] as? String == format)
        var expectedInput = try #require(reference["input"] as? [String: Any])
        for key in ["format", "files", "skipped_samples"] {
            input[key] = nil
            expectedInput[key] = nil
        }
        #expect(NSDictionary(dictionary: input) == NSDictionary(dictionary: expectedInput))
        // ALB logs have no referrer (every session is direct) and UTC days.
        let noReferrer = format == "alb"
        func comparable(_ value: Any?, _ section: String) -> NSObject? {
            guard noReferrer else { return value as? NSObject }
            if section == "traffic", let traffic = value as? [String: Any] {
                return NSDictionary(dictionary: traffic.filter { !["by_source", "site_host"].contains($0.key) })
            }
            guard section == "funnels", let funnels = value as? [[String: Any]] else { return value as? NSObject }
            return funnels.map { funnel in NSDictionary(dictionary: funnel.filter { $0.key != "by_source" }) } as NSArray
        }
        for section in ["traffic", "funnels", "cart"] {
            let same = comparable(actual[section], section)?.isEqual(comparable(reference[section], section)) ?? false
            #expect(same, "\(section): \(String(describing: actual[section]))")
        }
        #expect(Self.untimed(actual["pages"]) == Self.untimed(reference["pages"]))
        // Load times: the same to the preset's resolution (milliseconds), within the 1% a
        // histogram may be off by.
        let timed = !["vcombined", "combined"].contains(format)
        for (mine, theirs) in zip((actual["pages"] as? [[String: Any]]) ?? [], (reference["pages"] as? [[String: Any]]) ?? []) {
            let load = mine["load_ms"] as? [String: Double]
            #expect((load == nil) == !timed, "\(format): \(mine["group"] ?? "")")
            guard let load, let want = theirs["load_ms"] as? [String: Double] else { continue }
            for (key, value) in want {
                let got = load[key] ?? -1
                #expect(abs(got - value) <= max(1.0, value * 0.011), "\(format) \(mine["group"] ?? "") \(key): \(got) vs \(value)")
            }
        }
    }

    @Test func apacheStrftimeTimesAndMillisecondDurations() throws {
        let format = try LogFormat.apache(#"%h %l %u [%{%d/%b/%Y:%H:%M:%S}t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{ms}T"#)
        var line = Array(#"192.0.2.1 - - [01/Jun/2019:10:12:31] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0" 183"#.utf8)
        var fields = ParsedLine()
        // Without a zone the time has no offset: the line does not parse.
        #expect(!line.withUnsafeMutableBytes { LineParser(format: format).parse($0, into: &fields) })
        let zone = try TimeZoneRule.named("+03:00")
        #expect(line.withUnsafeMutableBytes { LineParser(format: format, timeZone: zone).parse($0, into: &fields) })
        #expect(fields.timestamp.iso8601 == "2019-06-01T10:12:31+03:00")
        #expect(fields.responseMicroseconds == 183_000)
        // With %z, and a space inside the time: the field is read by its width.
        let spaced = try LogFormat.apache(#"%h %{%Y-%m-%d %H:%M:%S %z}t "%r" %>s %{us}T"#)
        var second = Array(#"192.0.2.1 2019-06-01 10:12:31 -0700 "GET / HTTP/1.1" 200 1500"#.utf8)
        #expect(second.withUnsafeMutableBytes { LineParser(format: spaced).parse($0, into: &fields) })
        #expect(fields.timestamp.iso8601 == "2019-06-01T10:12:31-07:00")
        #expect(fields.responseMicroseconds == 1500)
        #expect(throws: FormatError.self) { try LogFormat.apache(#"%h %{%A %H}t "%r" %>s"#) }
    }

    @Test func everyPresetsExampleParsesAndAutoPicksIt() throws {
        for preset in LogFormat.presets {
            let example = try #require(LogFormat.presetExamples[preset.name], "\(preset.name) has no example")
            // W3C examples are a `#Fields:` directive and a line.
            let lines = example.split(separator: "\n").map { Array($0.utf8) }
            let parser = LineParser(format: preset)
            for directive in lines.dropLast() { directive.withUnsafeBytes { parser.directive($0) } }
            var line = try #require(lines.last)
            var fields = ParsedLine()
            #expect(line.withUnsafeMutableBytes { parser.parse($0, into: &fields) }, "\(preset.name)")
            #expect(fields.timestamp.iso8601 == "2026-03-02T10:00:00-05:00" || fields.timestamp.utcSeconds == 1_772_463_600, "\(preset.name)")
            #expect(FormatDetector.detect(lines).name == preset.name)
        }
    }

    @Test func albClientsLoseTheirPortAndAnUnansweredRequestHasNoLoadTime() throws {
        let example = try #require(LogFormat.presetExamples["alb"])
        var line = Array(example.utf8)
        var fields = ParsedLine()
        #expect(line.withUnsafeMutableBytes { LineParser(format: .alb).parse($0, into: &fields) })
        #expect(String(decoding: line[Int(fields.address.start)..<Int(fields.address.end)], as: UTF8.self) == "203.0.113.9")
        #expect(fields.responseMicroseconds == 183_000)
        #expect(fields.timestamp.iso8601 == "2026-03-02T15:00:00+00:00")
        var unanswered = Array(example.replacing("0.001 0.181 0.001 200 200", with: "0.001 -1 -1 502 -").utf8)
        #expect(unanswered.withUnsafeMutableBytes { LineParser(format: .alb).parse($0, into: &fields) })
        #expect(fields.responseMicroseconds == -1 && fields.status == 502)
    }

    @Test func theVirtualHostThatServedMostLinesIsTheSite() throws {
        let scratch = Scratch()
        let lines = (0..<10).map { i in
            let host = i < 8 ? "WWW.Shop.Example" : "static.example"
            return #"\#(host):443 192.0.2.\#(i) - - [02/Mar/2026:10:00:0\#(i) -0500] "GET / HTTP/1.1" 200 5 "https://news.example.org/" "Mozilla/5.0""#
        }
        let log = scratch.write("access.log", lines.joined(separator: "\n") + "\n")
        var options = RunOptions(inputs: [log])
        options.configuration = try Configuration.parse(yaml: "pages: []\n", file: "c.yml")
        let result = try Pipeline.run(options)
        #expect(result.ingest.servedHosts == ["shop.example": 8, "static.example": 2])
        #expect(result.siteHost == "shop.example")
    }

    @Test func traefikDurationsMayHaveDecimals() {
        var fields = ParsedLine()
        var line = Array(#"10.0.0.1 - - [10/Nov/2023:12:53:13 +0000] "GET /p/1 HTTP/2.0" 200 312 "-" "Mozilla/5.0" 7 "shop@docker" "http://172.17.0.3:80" 1.5ms"#.utf8)
        #expect(line.withUnsafeMutableBytes { LineParser(format: .traefik).parse($0, into: &fields) })
        #expect(fields.responseMicroseconds == 1500)
    }
}

/// Lines real servers wrote, as their projects' documentation and issue threads show them
/// (`fixtures/documented/SOURCES.md` names each source): every one parses, and `auto` names
/// the format that wrote it.
@Suite struct DocumentedLineTests {
    @Test(arguments: ["common", "combined", "vcombined", "ingress-nginx", "traefik", "caddy", "json", "alb", "cloudfront", "w3c"])
    func everyDocumentedLineParses(format: String) throws {
        let path = fixtures + "/documented/\(format).log"
        let input = try #require(try summary([path], maxBad: 0)["input"] as? [String: Any])
        #expect(input["format"] as? String == format)
        #expect(input["skipped"] as? Int == 0)
        #expect((input["lines"] as? Int ?? 0) >= 1)
        #expect(input["parsed"] as? Int == input["lines"] as? Int)
    }

    @Test func aJSONLogWithItsOwnKeysParsesThroughTheKeyMap() throws {
        let path = fixtures + "/documented/json-keymap.log"
        let result = try summary([path], config: fixtures + "/documented/json-keymap.yml", maxBad: 0)
        let input = try #require(result["input"] as? [String: Any])
        #expect(input["parsed"] as? Int == 1)
        #expect(input["asset_requests"] as? Int == 1)  // GET /common/js/index.js
        // Without the map the keys say nothing: the line names its missing time.
        #expect(throws: RunError.self) { try summary([path], format: "json") }
    }

    @Test func theKeyMapIsCheckedWhereItIsWritten() {
        func error(_ yaml: String) -> String? {
            do {
                _ = try Configuration.parse(yaml: yaml, file: "uxchurn.yml")
                return nil
            } catch {
                return error.description
            }
        }
        #expect(error("json: {time: ts, path: [request.uri, uri]}") == nil)
        #expect(error("json:\n  tiem: ts\n")?.hasPrefix("uxchurn.yml:2:3: unknown key 'tiem' in json (did you mean 'time'?); expected one of: time, address,") == true)
        #expect(error("json: {time: []}") == "uxchurn.yml:1:14: json.time needs at least one key")
        #expect(error("json: {path: request..uri}")?.contains("'request..uri' is not a key") == true)
        let map = (try? Configuration.parse(yaml: "json: {time: ts, path: [request.uri, uri]}", file: "x"))?.jsonMap
        #expect(map?.keys[.path] == ["request.uri", "uri"])
        #expect(map?.keys[.address] == ["remote_addr"])
    }
}

/// W3C logs in many small chunks over several threads: each chunk reads the columns of the
/// `#Fields:` directive in force where it starts, though the server changed them halfway.
@Suite struct W3CChunkTests {
    @Test func chunksOnOtherThreadsReadTheColumnsInForce() throws {
        let scratch = Scratch()
        var sample = SampleLogs()
        sample.days = 1
        sample.visitors = 200
        sample.format = "w3c"
        _ = try sample.write(to: scratch.path)
        let text = try String(contentsOfFile: scratch.path + "/access.log", encoding: .utf8)
        #expect(text.components(separatedBy: "#Fields:").count == 3)
        let inputs = try InputResolver.resolve([scratch.path + "/access.log"])
        let (serial, serialHits, parallel, parallelHits) = try ParallelIngestTests().readTwice(inputs, jobs: 2)
        #expect(serial.lines > 1000)
        // Directives are not lines; every line parses but the truncated one of the sample.
        #expect(serial.lines == text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count)
        #expect(serial.parsed == serial.lines - 1)
        #expect(parallel.parsed == serial.parsed)
        #expect(parallel.classes == serial.classes)
        #expect(parallelHits.statistics.sessions == serialHits.statistics.sessions)
    }
}
