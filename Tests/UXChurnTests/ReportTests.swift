import Foundation
@testable import Reports
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Analysis

/// The HTML and Markdown reports: golden files, escaping, determinism, templates.
@Suite struct ReportTests {
    static let golden = fixtures + "/golden"

    func files(_ inputs: [String], config: String? = nil, templates: String? = nil) throws -> [String: String] {
        var options = RunOptions(inputs: inputs)
        options.configPath = config
        let analysis = try Pipeline.run(options)
        let list = try ReportJob.files(analysis, templates: try ReportJob.templates(templates))
        return Dictionary(uniqueKeysWithValues: list.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
    }

    /// Compares with `golden/NAME`; `UXCHURN_UPDATE_GOLDEN=1 swift test` rewrites it.
    func expectGolden(_ text: String?, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("golden/" + name)
        // Inputs are named as given: absolute paths, which differ between clones.
        let text = try #require(text).replacingOccurrences(of: packageRoot, with: "ROOT")
        if ProcessInfo.processInfo.environment["UXCHURN_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: file)
            return
        }
        #expect(text == (try String(contentsOf: file, encoding: .utf8)),
                "\(name) differs from its golden file; UXCHURN_UPDATE_GOLDEN=1 rewrites it", sourceLocation: sourceLocation)
    }

    @Test func htmlAndMarkdownGolden() throws {
        let report = try files([Self.golden], config: Self.golden + "/uxchurn.yml")
        try expectGolden(report["index.html"], "index.html")
        try expectGolden(report["report.md"], "report.md")
    }

    @Test func aLogWithoutTimesSaysWhyThereAreNoLoadTimes() throws {
        let scratch = Scratch()
        let line = #"203.0.113.9 - - [02/Mar/2026:10:00:00 -0500] "GET /p/1 HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11)""#
        let log = scratch.write("access.log", line + "\n")
        let html = try #require(try files([log], config: Self.golden + "/uxchurn.yml")["index.html"])
        #expect(html.contains("<section id=\"load\">"))
        #expect(html.contains("No page view has a response time: the log format (combined) writes none"))
        #expect(html.contains("<code>%D</code>") && html.contains("<code>$request_time</code>"))
        #expect(!html.contains("<section id=\"leaving\">"))
    }

    @Test func anEmptyLogSaysItHasNoFigures() throws {
        let scratch = Scratch()
        let log = scratch.write("access.log", "")
        let html = try #require(try files([log], config: Self.golden + "/uxchurn.yml")["index.html"])
        #expect(html.contains("The inputs hold no log lines: this report has no figures."))
    }

    @Test func smallRatesAreMarkedFewWithTheirIntervals() throws {
        let report = try files([Self.golden], config: Self.golden + "/uxchurn.yml")
        let html = try #require(report["index.html"])
        #expect(html.contains("<th scope=\"col\">95% interval</th>"))
        #expect(html.contains("95% interval of the conversion:"))
    }

    @Test func everySectionAndChartIsThere() throws {
        let report = try files([Self.golden], config: Self.golden + "/uxchurn.yml")
        let html = try #require(report["index.html"])
        for id in ["funnel-1", "cart", "load", "leaving", "errors", "pages", "paths", "trends", "retention", "quality"] {
            #expect(html.contains("<section id=\"\(id)\">"), "section \(id)")
        }
        let charts = report.keys.filter { $0.hasPrefix("charts/") }.sorted()
        #expect(charts.contains("charts/funnel-checkout.svg"))
        #expect(charts.contains("charts/exit-by-load.svg"))
        #expect(charts.contains("charts/flow.svg"))
        #expect(charts.contains("charts/load-percentiles.svg"))
        #expect(charts.contains("charts/trend-sessions.svg"))
        #expect(charts.contains("charts/cart-left-at.svg"))
        // Each chart is inline in the page with a title, and linked from the Markdown.
        let markdown = try #require(report["report.md"])
        for chart in charts {
            let svg = try #require(report[chart])
            #expect(svg.contains("<title id="))
            #expect(markdown.contains("](\(chart))"))
        }
        #expect(html.components(separatedBy: "<svg ").count - 1 == charts.count)
        // Self-contained: nothing fetched, no script.
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || !html.contains("src=\"http"))
        #expect(!html.contains("<link"))
    }

    @Test func figuresMatchTheSummary() throws {
        let report = try files([Self.golden], config: Self.golden + "/uxchurn.yml")
        let summary = try JSONSerialization.jsonObject(with: Data(try #require(report["summary.json"]).utf8)) as? [String: Any]
        let traffic = try #require(summary?["traffic"] as? [String: Any])
        let sessions = try #require(traffic["sessions"] as? Int)
        let html = try #require(report["index.html"])
        #expect(html.contains("<div class=\"label\">sessions</div><div class=\"value\">\(Format.count(sessions))</div>"))
        let funnel = try #require((summary?["funnels"] as? [[String: Any]])?.first)
        let conversion = try #require(funnel["conversion"] as? Double)
        #expect(html.contains("— \(Format.percent(conversion)) convert"))
    }

    @Test func sameLogsGiveTheSameBytes() throws {
        let first = try files([Self.golden], config: Self.golden + "/uxchurn.yml")
        let second = try files([Self.golden], config: Self.golden + "/uxchurn.yml")
        #expect(first.keys.sorted() == second.keys.sorted())
        for (path, text) in first { #expect(second[path] == text, "\(path) differs between two runs") }
    }

    static let hostile = "\"><script>alert(1)</script>"

    @Test func textFromTheLogsIsEscapedEverywhere() throws {
        let scratch = Scratch()
        // As Apache writes it: a quote inside a quoted field is escaped.
        let agent = Self.hostile.replacingOccurrences(of: "\"", with: "\\\"")
        var lines: [String] = []
        for minute in 0..<5 {
            let path = minute == 2 ? "/p/<img src=x onerror=alert(1)>" : "/p/\(minute)"
            lines.append("203.0.113.9 - - [02/Mar/2026:10:0\(minute):00 +0000] \"GET \(path) HTTP/1.1\" 200 512 \"https://x.example/\(agent)\" \"\(agent)\"")
        }
        lines.append("\(Self.hostile) this line does not parse")
        let log = scratch.write("access.log", lines.joined(separator: "\n") + "\n")
        let config = scratch.write("uxchurn.yml", "pages:\n  - {name: '<b>product</b>', path: '^/p/'}\n")
        var options = RunOptions(inputs: [log])
        options.configPath = config
        options.maxBadLineShare = 1
        options.format = "combined"
        let analysis = try Pipeline.run(options)
        #expect(analysis.ingest.skipped == 1)
        let report = try ReportJob.files(analysis, templates: try ReportJob.templates(nil))
        for file in report {
            let text = String(decoding: file.bytes, as: UTF8.self)
            #expect(!text.contains("<script>"), "\(file.path) has a raw <script>")
            #expect(!text.contains("<img"), "\(file.path) has a raw <img")
            #expect(!text.contains("<b>"), "\(file.path) has a raw <b>")
        }
        let html = String(decoding: try #require(report.first { $0.path == "index.html" }).bytes, as: UTF8.self)
        #expect(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; this line does not parse"))
        #expect(html.contains("&lt;b&gt;product&lt;/b&gt;"))
        let markdown = String(decoding: try #require(report.first { $0.path == "report.md" }).bytes, as: UTF8.self)
        #expect(markdown.contains("&lt;b&gt;product&lt;/b&gt;"))
    }

    @Test func templatesFromAFolder() throws {
        let scratch = Scratch()
        scratch.write("index.html.mustache", "<p>{{title}}: {{#headline}}{{label}}={{value}};{{/headline}}</p>\n")
        scratch.write("report.md.mustache", "{{% CONTENT_TYPE: MARKDOWN}}# {{period}}\n")
        let report = try files([Self.golden], config: Self.golden + "/uxchurn.yml", templates: scratch.path)
        #expect(report["index.html"]?.hasPrefix("<p>UX churn report") == true)
        #expect(report["index.html"]?.contains("sessions=") == true)
        #expect(report["report.md"]?.hasPrefix("# 20") == true)
    }

    @Test func aMissingTemplateIsAnError() {
        let scratch = Scratch()
        scratch.write("index.html.mustache", "<p>{{title}}</p>\n")
        #expect {
            _ = try ReportJob.templates(scratch.path)
        } throws: { error in
            guard case let RunError.configuration(message) = error else { return false }
            return message.contains("report.md.mustache") && true
        }
    }

    @Test func aBrokenTemplateNamesItsLine() {
        let scratch = Scratch()
        scratch.write("index.html.mustache", "<p>\n{{#headline}}\n{{label}}\n")
        scratch.write("report.md.mustache", "# {{title}}\n")
        #expect {
            _ = try ReportJob.templates(scratch.path)
        } throws: { error in
            guard case let RunError.configuration(message) = error else { return false }
            return message.contains("index.html.mustache:") && message.contains("does not parse")
        }
    }

    /// A last day the logs leave at 00:12 is marked partial: a hollow point the line does not
    /// reach, a sentence, and a marker in the table; whole days are not.
    @Test func aPartialLastDayIsNotDrawnAsACollapse() throws {
        let scratch = Scratch()
        let log = try String(contentsOfFile: fixtures + "/sample/access.log", encoding: .utf8)
        let browser = try #require(log.split(separator: "\n").last { $0.contains("(Windows NT") && $0.contains("\"GET /p/") })
        let late = String(browser).replacingOccurrences(of: #"\[04/Mar/2026:[0-9:]+"#, with: "[05/Mar/2026:00:12:00", options: .regularExpression)
        let path = scratch.write("access.log", log + late + "\n")
        let report = try files([fixtures + "/sample/access.log.2.gz", fixtures + "/sample/access.log.1", path])
        let html = try #require(report["index.html"])
        #expect(html.contains("2026-03-05 is a partial day (the logs cover 00:00–00:12)"))
        #expect(html.contains("<td>2026-03-05 <span class=\"few\" title=\"the logs cover 00:00–00:12 of this day\">partial</span></td>"))
        #expect(!html.contains("<td>2026-03-04 <span"))
        // Its one session's bounce rate is marked "few".
        #expect(html.contains("<td>100% <span class=\"few\" title=\"fewer than 30: the rate says little\">few</span></td>"))
        let sessions = try #require(report["charts/trend-sessions.svg"])
        #expect(sessions.components(separatedBy: "class=\"ux-hollow\"").count - 1 == 1)
        #expect(sessions.contains("(partial day)"))
        // The whole fixture, rotated at midnight: no partial day.
        let whole = try files([fixtures + "/sample/access.log.2.gz", fixtures + "/sample/access.log.1", fixtures + "/sample/access.log"])
        #expect(whole["index.html"]?.contains("partial day") == false)
    }

    /// A funnel no session entered and a cart no one used: a sentence each, no chart of zeros;
    /// without purchases, retention says why it has no customers.
    @Test func emptyChartsAreReplacedBySentences() throws {
        let scratch = Scratch()
        let config = scratch.write("uxchurn.yml", """
            cart:
              add: {method: POST, path: '^/shop/cart/add$'}
              purchase: {path: '^/shop/thanks'}
            funnels:
              - name: gifts
                steps:
                  - {name: gift, path: '^/gift/'}
                  - {name: wrap, path: '^/gift/wrap$'}
            """)
        let report = try files([fixtures + "/sample/access.log"], config: config)
        let html = try #require(report["index.html"])
        #expect(report["charts/funnel-gifts.svg"] == nil)
        #expect(report["charts/cart-left-at.svg"] == nil)
        #expect(html.contains("No hit matched steps gift <code>^/gift/</code>, wrap <code>^/gift/wrap$</code>"))
        #expect(!html.contains("0 of 0 sessions"))
        #expect(!html.contains("Where abandoned carts were left"))
        #expect(html.contains("The cart&apos;s purchase request matched no hit, so no visitor counts as a customer."))
        // An add-to-cart no hit matched, a purchase that did: the notice names the add.
        let some = scratch.write("some.yml", """
            cart:
              add: {method: POST, path: '^/nothing-posts-here$'}
              purchase: {path: '^/$'}
            """)
        let other = try #require(try files([fixtures + "/sample/access.log"], config: some)["index.html"])
        #expect(other.contains("No hit matched the cart&apos;s add"))
    }

    /// The frustration conformance case (6 of 10 sessions frustrated): the threshold, the
    /// headline figure and the section.
    @Test func frustratedSessionRateIsAThresholdAHeadlineAndASection() throws {
        let folder = fixtures + "/conformance/frustration"
        var options = RunOptions(inputs: [folder])
        options.configPath = folder + "/uxchurn.yml"
        let analysis = try Pipeline.run(options)
        let rules = [ThresholdRule(metric: .frustratedSessionRate, max: 0.5, line: 1),
                     ThresholdRule(metric: .frustratedSessionRate, max: 0.6, line: 2)]
        #expect(ThresholdEvaluator.evaluate(rules, results: analysis.results).map(\.ok) == [false, true])
        let figure = try #require(Headline.figures(analysis).first { $0.key == "frustrated_session_rate" })
        #expect(figure.value == 0.6 && figure.few)
        let report = try files([folder], config: folder + "/uxchurn.yml")
        let html = try #require(report["index.html"])
        #expect(html.contains("<section id=\"frustration\">"))
        #expect(html.contains("6 of 10 sessions showed at least one signal (95% interval of the rate: 31.3–83.2%)"))
        #expect(report["report.md"]?.contains("### Frustration: 60% of sessions (few)") == true)
        #expect(report["charts/frustration-by-group.svg"] != nil)
    }

    /// Targets as the signals compare them: path and query; an absolute target's host and a
    /// `#` fragment (with any `?` inside it) left out.
    @Test func targetsAreComparedByPathAndQuery() throws {
        let scratch = Scratch()
        func line(_ address: String, _ second: Int, _ target: String) -> String {
            "\(address) - - [02/Mar/2026:10:00:0\(second) -0500] \"GET \(target) HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\""
        }
        let log = [
            line("192.0.2.1", 0, "/p?x=1#a"), line("192.0.2.1", 5, "/p?x=2"),  // another query: no reload
            line("192.0.2.2", 0, "/q#frag?z=1"), line("192.0.2.2", 5, "/q"),  // the `?` is the fragment's: a reload
            line("192.0.2.3", 0, "http://shop.example/r?k=1"), line("192.0.2.3", 5, "/r?k=1#top"),  // a reload
        ].joined(separator: "\n") + "\n"
        var options = RunOptions(inputs: [scratch.write("access.log", log)])
        options.format = "combined"
        let analysis = try Pipeline.run(options)
        #expect(analysis.results.statistics.sessions == 3)
        #expect(analysis.results.statistics.frustration.signals[.reload] == 2)
        #expect(analysis.results.statistics.frustration.sessions == 2)
    }

    @Test func noTrendsForOneDay() throws {
        let report = try files([fixtures + "/conformance/funnel-order"], config: fixtures + "/conformance/funnel-order/uxchurn.yml")
        let html = try #require(report["index.html"])
        #expect(!html.contains("<section id=\"trends\">"))
        #expect(report["charts/trend-sessions.svg"] == nil)
    }
}

/// Skipped-line samples as the report shows them: no address, no agent, whatever the format.
@Suite struct SampleRedactionTests {
    @Test(arguments: [
        (#"203.0.113.9 - - [02/Mar/2026:08:41:35 -0500] "GET /a HTTP/1.1" 200 5 "https://x.example/" "Mozilla/5.0 (X11)" 12"#,
         #"x.x.x.x - - [02/Mar/2026:08:41:35 -0500] "GET /a HTTP/1.1" 200 5 "https://x.example/" "…" 12"#),
        // No referrer in the format: the agent is the second quoted field.
        (#"203.0.113.9 - - [02/Mar/2026:08:41:35 -0500] "GET /a HTTP/1.1" 200 5 "curl/8.1 (x86_64)""#,
         #"x.x.x.x - - [02/Mar/2026:08:41:35 -0500] "GET /a HTTP/1.1" 200 5 "…""#),
        // An address with its port, and one ending a sentence; IPv6.
        ("client 192.0.2.7:8080 then 198.51.100.1. and 2001:db8::1 at 10:12:31",
         "client x.x.x.x then x.x.x.x and x.x.x.x at 10:12:31"),
        (#"{"time":"2026-03-02T10:00:00Z","remote_addr":"192.0.2.1","http_user_agent":"Mozilla/5.0 (X11)","status":200}"#,
         #"{"time":"2026-03-02T10:00:00Z","remote_addr":"x.x.x.x","http_user_agent":"…","status":200}"#),
    ])
    func addressesAndAgentsAreLeftOut(line: String, shown: String) {
        #expect(SampleRedaction.redacted(line) == shown)
    }
}
