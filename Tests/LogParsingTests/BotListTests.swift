import Foundation
import Testing
@testable import LogParsing

/// The crawler-user-agents list: every pattern is used, every instance the list gives is
/// recognised, and the automaton finds the lowest-numbered pattern.
@Suite struct BotListTests {
    static let json = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../data/crawler-user-agents/crawler-user-agents.json").standardized

    func firstMatch(_ agent: String) -> Int? {
        var bytes = Array(agent.utf8)
        return bytes.withUnsafeMutableBytes { CrawlerList.shared.firstMatch(UnsafeRawBufferPointer($0)) }
    }

    @Test func everyPatternCompilesAndTheGeneratedListIsTheShippedOne() throws {
        #expect(CrawlerList.shared.refused.isEmpty)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.json)) as? [[String: Any]])
        #expect(list.map { $0["pattern"] as? String } == CrawlerList.entries.map(\.pattern))
        #expect(CrawlerList.entries.count == 1504)
    }

    /// Each instance of the list is matched; when its own pattern is the first it matches (as
    /// Foundation's regex engine says, independently), that is the index given.
    @Test func everyInstanceIsABot() throws {
        let list = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.json)) as? [[String: Any]])
        let regexes = try list.map { try NSRegularExpression(pattern: $0["pattern"] as? String ?? "") }
        var checked = 0
        for (index, entry) in list.enumerated() {
            for instance in entry["instances"] as? [String] ?? [] {
                let range = NSRange(instance.startIndex..., in: instance)
                let expected = regexes.firstIndex { $0.firstMatch(in: instance, range: range) != nil }
                #expect(expected != nil && firstMatch(instance) == expected, "\(index): \(instance)")
                checked += 1
            }
        }
        #expect(checked > 2000)
    }

    @Test func browsersAreNotBots() {
        #expect(firstMatch("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36") == nil)
        #expect(firstMatch("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1") == nil)
        #expect(firstMatch("") == nil)
    }

    @Test func theAutomatonGivesTheLowestIdFoundAnywhere() {
        let automaton = LiteralAutomaton([(Array("bcd".utf8), 5), (Array("abcde".utf8), 9), (Array("c".utf8), 7), (Array("cd".utf8), 2)])
        func lowest(_ text: String) -> Int32? {
            var bytes = Array(text.utf8)
            return bytes.withUnsafeMutableBytes { automaton.lowestMatch(UnsafeRawBufferPointer($0)) }
        }
        #expect(lowest("xxabcdexx") == 2)
        #expect(lowest("xxbc") == 7)
        #expect(lowest("abx") == nil)
        #expect(lowest("ab") == nil)
        #expect(LiteralAutomaton([]).lowestMatch(UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
    }

    @Test func familiesAreNamedForTheReport() throws {
        var classifier = try Classifier(format: .combined, ignorePatterns: [], extraBotTokens: ["acmewatch"])
        func run(_ request: String, _ agent: String) -> HitClass? {
            let line = #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "\#(request)" 200 512 "-" "\#(agent)""#
            guard let (fields, bytes) = parse(line, .combined) else { return nil }
            return bytes.withUnsafeBytes { classifier.classify($0, fields) }
        }
        let browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
        #expect(run("GET / HTTP/1.1", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)") == .bot)
        #expect(run("GET / HTTP/1.1", "jetmon/1.0 (Jetpack Site Uptime Monitor by WordPress.com)") == .bot)
        #expect(run("GET / HTTP/1.1", "AcmeWatch/2") == .bot)
        #expect(run("GET / HTTP/1.1", "-") == .bot)
        #expect(run("GET /robots.txt HTTP/1.1", browser) == .bot)
        #expect(run("GET /robots.txt?x HTTP/1.1", browser) == .bot)
        #expect(run("GET /Robots.txt HTTP/1.1", browser) == .pageView)
        #expect(run("GET /WP-Login.php HTTP/1.1", browser) == .pageView)
        #expect(classifier.isProbe)
        #expect(run("GET /wp-login.php HTTP/1.1", browser) == .pageView)
        #expect(run("POST /xmlrpc.php HTTP/1.1", browser) == .action)
        let counts = classifier.takeCounts()
        #expect(counts.bots == ["Googlebot": 1, "jetmon": 1, #""acmewatch" agents"#: 1, BotFamily.noAgent: 1,
                                BotFamily.robots: 2])
        #expect(counts.probes == ["/WP-Login.php": 1, "/wp-login.php": 1, "/xmlrpc.php": 1])
        #expect(classifier.takeCounts().bots.isEmpty)
    }

    @Test func theQueryIsTheTextAfterTheFirstQuestionMarkUpToAHash() throws {
        func query(_ target: String) throws -> String {
            var classifier = try Classifier(format: .combined, ignorePatterns: [], extraBotTokens: [])
            let line = #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET \#(target) HTTP/1.1" 200 512 "-" "Mozilla/5.0""#
            let (fields, bytes) = try #require(parse(line, .combined))
            return bytes.withUnsafeBytes { raw in
                _ = classifier.classify(raw, fields)
                return String(decoding: classifier.query(in: raw.baseAddress!), as: UTF8.self)
            }
        }
        #expect(try query("/cart.do?action=purchase&x=%41#top") == "action=purchase&x=%41")
        #expect(try query("/p/1") == "")
        #expect(try query("/p/1#a?b") == "b")
        #expect(try query("http://shop.example/cart?add=1") == "add=1")
        #expect(try query("/search??q") == "?q")
    }
}

extension BotListTests {
    /// Strings past 65,535 states are handed back in `overflow`, not matched wrongly.
    @Test func stringsPastTheStateLimitOverflow() {
        var strings: [(bytes: [UInt8], id: Int32)] = []
        for index in 0..<70 {
            var bytes = [UInt8(index)]  // no two share a prefix: 1,001 states each
            bytes += [UInt8](repeating: UInt8(65 + index % 26), count: 1000)
            strings.append((bytes, Int32(index)))
        }
        let automaton = LiteralAutomaton(strings)
        #expect(!automaton.overflow.isEmpty)
        #expect(automaton.overflow.first ?? 0 > 60)
        var text = strings[3].bytes
        #expect(text.withUnsafeMutableBytes { automaton.lowestMatch(UnsafeRawBufferPointer($0)) } == 3)
        text = strings[69].bytes
        #expect(text.withUnsafeMutableBytes { automaton.lowestMatch(UnsafeRawBufferPointer($0)) } == nil)
    }
}

extension BotListTests {
    /// The default probes pass the configuration's own syntax check (the stages skip it).
    @Test func theDefaultProbesAreValidRegexes() throws {
        for probe in Classifier.defaultProbes { _ = try PathPattern(probe) }
        #expect(try PathPattern(Classifier.defaultProbes[0]).matches("/WP-LOGIN.PHP"))
        #expect(try !PathPattern(Classifier.defaultProbes[0]).matches("/blog/wp-login.php"))
    }
}
