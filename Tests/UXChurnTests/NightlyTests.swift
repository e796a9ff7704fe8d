import Foundation
import LogInput
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Reports
@testable import Analysis

/// Nightly runs with `--state` over logs as logrotate leaves them.
@Suite struct NightlyTests {
    /// The sample's three days as three nights of `access.log*`: each night the newest day is
    /// `access.log`, the one before `access.log.1`, older ones recompressed as `access.log.N.gz`.
    static func nights(in scratch: Scratch) throws -> [String] {
        let sample = fixtures + "/sample"
        let day1 = String(decoding: try gunzip(sample + "/access.log.2.gz"), as: UTF8.self)
        let day2 = try String(contentsOfFile: sample + "/access.log.1", encoding: .utf8)
        let day3 = try String(contentsOfFile: sample + "/access.log", encoding: .utf8)
        for night in 1...3 { try FileManager.default.createDirectory(atPath: scratch.path + "/night\(night)", withIntermediateDirectories: true) }
        scratch.write("night1/access.log", day1)
        scratch.write("night2/access.log.1", day1)
        scratch.write("night2/access.log", day2)
        try GzipFileWriter.write(Array(day1.utf8), to: scratch.path + "/night3/access.log.2.gz", level: 9)
        scratch.write("night3/access.log.1", day2)
        scratch.write("night3/access.log", day3)
        return (1...3).map { scratch.path + "/night\($0)" }
    }

    static func gunzip(_ path: String) throws -> [UInt8] {
        let reader = try LogReader(LogInputFile(name: path, location: .path(path)))
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try buffer.withUnsafeMutableBytes { buffer throws(InputError) in try reader.read(into: buffer) }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    func run(_ inputs: [String], state: String? = nil, configuration: Configuration? = nil) throws -> RunResult {
        var options = RunOptions(inputs: inputs)
        options.statePath = state
        options.configuration = configuration
        return try Pipeline.run(options)
    }

    @Test func threeNightsEqualOneRunOverAllDays() throws {
        let scratch = Scratch()
        let nights = try Self.nights(in: scratch)
        let state = scratch.path + "/state.db"
        // As a user sets it up: `uxchurn init` over the logs once, then every night with it (a
        // night without a configuration fits its own, which follows that night's traffic).
        let sample = [fixtures + "/sample"]
        let configuration = try FittedConfiguration.fit(Pipeline.resolveInputs(sample), options: RunOptions(inputs: sample),
                                                        presetHint: nil).configuration
        #expect(configuration.cart != nil && configuration.funnels.first?.steps.count == 5)
        var last: RunResult?
        for night in [nights[0], nights[1], nights[2], nights[2]] {  // the last night run twice
            last = try run([night], state: state, configuration: configuration)
        }
        let nightly = try #require(last)
        let once = try run(sample, configuration: configuration)
        #expect(nightly.days.map(\.day) == once.days.map(\.day))
        #expect(nightly.days.map(\.sessions) == once.days.map(\.sessions))
        #expect(nightly.days.map(\.visitors) == once.days.map(\.visitors))
        // Page groups come in the order each night met them, with the same figures.
        func sorted(_ days: [DayFigures]) -> [DayFigures] {
            days.map { day in
                var day = day
                day.loadP95.sort { $0.group < $1.group }
                return day
            }
        }
        #expect(sorted(nightly.days) == sorted(once.days))
        // Frustration per day comes back from the history as it was counted.
        #expect(nightly.days.allSatisfy { $0.frustrated != nil && $0.signals != nil })
        #expect(nightly.days.compactMap(\.frustrated).reduce(0, +) == once.results.statistics.frustration.sessions)
        #expect(nightly.retention.returningVisitors == once.retention.returningVisitors)
        #expect(nightly.retention == once.retention)
        #expect(nightly.retention.returningVisitors > 0)
        // The headline compares with the night before the last one (night 2).
        #expect(nightly.previousHeadline?["sessions"] == Double(try run([nights[1]], configuration: configuration).results.statistics.sessions))
    }

    /// A night of one day, then one of two: the headline compares sessions per day, and says so.
    @Test func countsAreComparedPerDay() throws {
        let scratch = Scratch()
        let nights = try Self.nights(in: scratch)
        let state = scratch.path + "/state.db"
        let first = try run([nights[0]], state: state)
        let second = try run([nights[1]], state: state)
        #expect(Headline.days(first) == 1 && Headline.days(second) == 2)
        #expect(second.previousHeadline?[Headline.daysKey] == 1)
        let view = ReportBuilder.build(second, generator: "test")
        let sessions = try #require(view.headline.first { $0.label == "sessions" })
        let perDay = Double(second.results.statistics.sessions) / 2 / Double(first.results.statistics.sessions) - 1
        #expect(sessions.change == Format.relative(perDay) + " per day")
        // Distinct visitors of two days are not twice one day's: not compared.
        #expect(view.headline.first { $0.label == "visitors" }?.change == nil)
        #expect(view.comparison == "Changes are against the previous night stored: rates as they are, counts as a daily average "
                + "(this run 2 days, the previous 1 day; visitors only between runs of as many days).")
        // Each rate keeps its denominator.
        #expect(second.previousHeadline?["bounce_rate#n"] == Double(first.results.statistics.sessions))
        // A previous night 2 points off on as many sessions: the intervals overlap, the card is
        // grey. One of 1,000 sessions with half of them ending on an error: a finding, good news.
        var compared = second
        let bounce = try #require(second.results.statistics.bounceRate)
        let sessionCount = Double(second.results.statistics.sessions)
        compared.previousHeadline = ["bounce_rate": bounce - 0.02, "bounce_rate#n": sessionCount,
                                     "error_exit_rate": 0.5, "error_exit_rate#n": 1000]
        let cards = ReportBuilder.build(compared, generator: "test").headline
        let bounceCard = try #require(cards.first { $0.label == "bounce rate" })
        #expect(bounceCard.change == "+2 pt" && bounceCard.withinChance && bounceCard.trend == "same")
        let errors = try #require(cards.first { $0.label == "error exit rate" })
        #expect(!errors.withinChance && errors.trend == "good")
        #expect(errors.interval == Format.interval(WilsonInterval(second.results.statistics.errorExits, second.results.statistics.sessions)))
        // A corrupt stored night (a rate above 1, not a number): no change shown, no trap.
        compared.previousHeadline = ["bounce_rate": 7, "error_exit_rate": .nan]
        #expect(ReportBuilder.build(compared, generator: "test").headline.allSatisfy { $0.change == nil || !$0.label.contains("rate") })
    }

    @Test func theStateHoldsNoAddressNorUserAgent() throws {
        let scratch = Scratch()
        let nights = try Self.nights(in: scratch)
        let state = scratch.path + "/state.db"
        for night in nights { _ = try run([night], state: state) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: state))
        let text = String(decoding: bytes, as: UTF8.self)
        let log = try String(contentsOfFile: fixtures + "/sample/access.log", encoding: .utf8)
        var addresses = Set<String>()
        var agents = Set<String>()
        for line in log.split(separator: "\n") {
            if let space = line.firstIndex(of: " ") { addresses.insert(String(line[..<space])) }
            let quoted = line.split(separator: "\"")
            if quoted.count >= 6 { agents.insert(String(quoted[5])) }
        }
        #expect(addresses.count > 50)
        for address in addresses { #expect(!text.contains(address), "the state holds \(address)") }
        for agent in agents where agent.count > 8 { #expect(!text.contains(agent), "the state holds a user agent") }
        #expect(!text.contains("Mozilla"))
    }

    @Test func withoutStateRetentionComesFromTheLogsAtHand() throws {
        let once = try run([fixtures + "/sample"])
        #expect(!once.spansHistory)
        #expect(once.retention.returningVisitors == 58)
        #expect(once.retention.cohorts.count == 3)
    }
}
