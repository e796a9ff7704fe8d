import Foundation
import Testing
@testable import Analysis
@testable import Sessions

/// Partial results (issue 8): what is written and read back, and what is merged, gives the
/// figures of one pass over all the sessions.
@Suite struct MergeTests {
    @Test func loadTimesComeBackFromJSONWithTheSamePercentiles() throws {
        var load = LoadTimes()
        var seed: UInt64 = 7
        for _ in 0..<5000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            load.add(microseconds: Int64(seed >> 44) + 137, apdexMicroseconds: 500_000)
        }
        let copy = try JSONDecoder().decode(LoadTimes.self, from: JSONEncoder().encode(load))
        for p in [0.5, 50, 75, 95, 99, 99.9, 100] {
            #expect(copy.percentileMilliseconds(p) == load.percentileMilliseconds(p), "p\(p)")
        }
        #expect(copy.apdex == load.apdex)
        #expect(copy.bins == load.bins)
        #expect(copy.histogram.min == load.histogram.min)
        #expect(copy.histogram.maxRecorded == load.histogram.maxRecorded)
    }

    @Test func statisticsOfTwoHalvesMergeIntoTheWhole() throws {
        let sessions: [Session] = (0..<40).map { index in
            let visitor = Int32(index % 13)
            let start = Int64(1_772_400_000 + index * 5000)
            return Session(visitor: visitor, hits: [
                hit(start, visitor: visitor, group: Int32(index % 3), micros: Int64(100_000 * (index % 7 + 1))),
                hit(start + Int64(index % 50), visitor: visitor, group: Int32(index % 2), status: index % 9 == 0 ? 503 : 200),
            ])
        }
        var whole = SessionStatistics(apdexMilliseconds: 500, configuredGroups: 3)
        var first = SessionStatistics(apdexMilliseconds: 500, configuredGroups: 3)
        var second = SessionStatistics(apdexMilliseconds: 500, configuredGroups: 3)
        for session in sessions {
            whole.add(session, device: .desktop)
            if session.visitor < 6 { first.add(session, device: .desktop) } else { second.add(session, device: .desktop) }
        }
        // The second half, written out and read back, as `merge` reads a partial.
        let decoded = try JSONDecoder().decode(SessionStatistics.self, from: JSONEncoder().encode(second))
        let identity = IdMaps(groups: [0, 1, 2], hosts: [], visitors: Array(0..<13))
        first.merge(decoded, maps: identity)
        #expect(first.sessions == whole.sessions)
        #expect(first.pageViews == whole.pageViews)
        #expect(first.errorExits == whole.errorExits)
        #expect(first.durations.percentile(50) == whole.durations.percentile(50))
        for group in 0..<3 {
            #expect(first.groups[group].views == whole.groups[group].views)
            #expect(first.groups[group].exits == whole.groups[group].exits)
            #expect(first.groups[group].secondsOnPage.percentile(50) == whole.groups[group].secondsOnPage.percentile(50))
            #expect(first.groups[group].loadTimes.percentileMilliseconds(95) == whole.groups[group].loadTimes.percentileMilliseconds(95))
        }
        #expect(first.dayFigures(groupNames: ["a", "b", "c"]) == whole.dayFigures(groupNames: ["a", "b", "c"]))
        #expect(first.visitors.records() == whole.visitors.records())
    }
}
