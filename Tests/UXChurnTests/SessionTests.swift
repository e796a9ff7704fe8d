import Foundation
import Testing
@testable import UXChurn
@testable import SampleShop
@testable import LogParsing
@testable import Sessions
@testable import Reports
@testable import Analysis

@Suite struct SessionSummaryTests {
    let ua = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"

    func line(_ ip: String, _ time: String, _ request: String, status: Int = 200, micros: Int? = 300_000) -> String {
        var text = #"\#(ip) - - [02/Mar/2026:\#(time) -0500] "\#(request) HTTP/1.1" \#(status) 512 "-" "\#(ua)""#
        if let micros { text += " \(micros)" }
        return text
    }

    @Test func aLogWithoutATimingFieldHasNoLoadFigures() throws {
        let scratch = Scratch()
        let log = [line("192.0.2.1", "10:00:00", "GET /", micros: nil), line("192.0.2.1", "10:00:30", "GET /p/1", micros: nil)]
        let path = scratch.write("access.log", log.joined(separator: "\n") + "\n")
        let result = try summary([path], config: fixtures + "/golden/uxchurn.yml")
        #expect((result["input"] as? [String: Any])?["format"] as? String == "combined")
        #expect(result["exit_rate_by_load"] is NSNull)
        let pages = result["pages"] as? [[String: Any]] ?? []
        #expect(pages.map { $0["group"] as? String } == ["home", "product"])
        #expect(pages.allSatisfy { $0["load_ms"] is NSNull && $0["apdex"] is NSNull })
        #expect((result["traffic"] as? [String: Any])?["sessions"] as? Int == 1)
    }

    @Test func aSessionOfActionsOnlyHasNoEntryOrExitPage() throws {
        let scratch = Scratch()
        let log = [line("192.0.2.1", "10:00:00", "POST /cart/add"), line("192.0.2.1", "10:00:10", "POST /cart/add"),
                   line("192.0.2.2", "10:00:00", "GET /")]
        let path = scratch.write("access.log", log.joined(separator: "\n") + "\n")
        let result = try summary([path], config: fixtures + "/golden/uxchurn.yml")
        let traffic = result["traffic"] as? [String: Any]
        #expect(traffic?["sessions"] as? Int == 2)
        #expect(traffic?["bounce_rate"] as? Double == 0.5)
        #expect(traffic?["pages_per_session"] as? Double == 0.5)
        let home = (result["pages"] as? [[String: Any]])?.first
        #expect(home?["entries"] as? Int == 1)
        #expect(home?["exits"] as? Int == 1)
    }

    /// Results do not depend on how the input is split into files or on the order
    /// they are named in. Splits at random points, in random orders, over several seeds.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func anySplitOfALogGivesTheSameSummary(seed: UInt64) throws {
        let config = fixtures + "/golden/uxchurn.yml"
        let source = fixtures + "/golden/access.log"
        let whole = try summary([source], config: config)
        let lines = try String(contentsOfFile: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var random = SplitMix64(seed: seed)
        let parts = 2 + Int(random.next() % 4)
        var cuts = Set<Int>()
        while cuts.count < parts - 1 { cuts.insert(1 + Int(random.next() % UInt64(lines.count - 1))) }
        let bounds = [0] + cuts.sorted() + [lines.count]
        let scratch = Scratch()
        var files: [String] = []
        for index in 0..<(bounds.count - 1) {
            let text = lines[bounds[index]..<bounds[index + 1]].joined(separator: "\n")
            files.append(scratch.write("part-\(random.next() % 1000)-\(index).log", text + "\n"))
        }
        files.shuffle(using: &random)
        let split = try summary(files, config: config)
        for section in computedSections where section != "input" {
            let a = try JSONSerialization.data(withJSONObject: try #require(whole[section]), options: [.sortedKeys, .fragmentsAllowed])
            let b = try JSONSerialization.data(withJSONObject: try #require(split[section]), options: [.sortedKeys, .fragmentsAllowed])
            #expect(a == b, "\(section) differs with \(parts) parts")
        }
        // Each count is there (a missing one on both sides is not a match).
        let wholeInput = try #require(whole["input"] as? [String: Any])
        let splitInput = try #require(split["input"] as? [String: Any])
        for key in ["lines", "parsed", "skipped", "page_views", "actions", "bot_requests"] {
            let expected = try #require(wholeInput[key] as? Int, "input.\(key)")
            #expect(splitInput[key] as? Int == expected, "input.\(key)")
        }
    }
}

@Suite struct TimeWindowTests {
    @Test func boundsParseAsWallClockOrInstant() {
        #expect(TimeBound("2026-03-02") == TimeBound(seconds: 1_772_409_600, isInstant: false))
        #expect(TimeBound("2026-03-02T10:30") == TimeBound(seconds: 1_772_409_600 + 37_800, isInstant: false))
        #expect(TimeBound("2026-03-02T10:30:15Z") == TimeBound(seconds: 1_772_409_600 + 37_815, isInstant: true))
        #expect(TimeBound("2026-03-02T10:30:00-05:00") == TimeBound(seconds: 1_772_409_600 + 37_800 + 18_000, isInstant: true))
        #expect(TimeBound("2026-3-2") == nil)
        #expect(TimeBound("2026-03-02T25:00") == nil)
        #expect(TimeBound("yesterday") == nil)
    }

    @Test func fromToKeepsTheDaysBetween() throws {
        var options = RunOptions(inputs: [fixtures + "/golden"])
        options.configPath = fixtures + "/golden/uxchurn.yml"
        options.window = TimeWindow(from: TimeBound("2026-03-03"), to: TimeBound("2026-03-04"))
        let analysis = try Pipeline.run(options)
        #expect(analysis.results.statistics.sessions == 281)  // the golden figure for 2026-03-03
        #expect(analysis.results.statistics.daysInOrder.count == 1)
        #expect(analysis.ingest.lines == 10861)  // input counts every line read
    }
}

/// The hit stage's table of session keys.
@Suite struct VisitorTableTests {
    @Test func idsFollowFirstSightAndSurviveGrowth() {
        var table = VisitorTable(capacityBits: 2)
        var expected: [VisitorKey: Int32] = [:]
        // Keys that differ in one part only, and parts left out (-1), as session keys do.
        var keys: [VisitorKey] = []
        for address in 0..<300 {
            for agent in [-1, 0, 7, Int32(address)] {
                keys.append(VisitorKey(address: Int32(address), agent: agent, extra: address % 3 == 0 ? -1 : 5))
            }
        }
        for (round, key) in (keys + keys.reversed() + keys).enumerated() {
            let id = table.id(of: key)
            if let known = expected[key] {
                #expect(id == known, "round \(round)")
            } else {
                #expect(id == Int32(expected.count))
                expected[key] = id
            }
        }
        #expect(table.count == Set(keys).count)
        #expect(table.keys.enumerated().allSatisfy { expected[$0.element] == Int32($0.offset) })
    }
}
