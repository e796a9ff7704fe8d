import Testing
import LogParsing
@testable import Analysis
@testable import Sessions

/// The four frustration signals at their edges, one session at a time.
@Suite struct FrustrationTests {
    /// A hit at second `at` of a session: a page view of `target` unless a `method` is given
    /// (an action), answered `status`, in page group `group`.
    static func hit(_ at: Int64, _ target: UInt32, method: Int32 = -1, status: Int16 = 200, group: Int32 = 0) -> Hit {
        var hit = Hit(time: 1_772_409_600 + at, offsetMinutes: 0, inputRank: 0, line: at, visitor: 0, isPageView: method < 0,
                      status: status, responseMicroseconds: 100_000, path: Int32(target), group: method < 0 ? group : -1,
                      method: method, agent: -1, referrerHost: -1)
        hit.target = target
        return hit
    }

    static func signals(_ hits: [Hit]) -> [FrustrationSignal] {
        var scanner = FrustrationScanner()
        for hit in hits { scanner.visit(hit) }
        return scanner.events.map(\.signal)
    }

    @Test func aReloadIsTheSamePageWithinTenSeconds() {
        #expect(Self.signals([Self.hit(0, 1), Self.hit(10, 1)]) == [.reload])
        #expect(Self.signals([Self.hit(0, 1), Self.hit(11, 1)]) == [])
        // An action between them: the previous hit is no page view.
        #expect(Self.signals([Self.hit(0, 1), Self.hit(2, 9, method: 1), Self.hit(4, 1)]) == [])
        #expect(Self.signals([Self.hit(0, 1), Self.hit(3, 2)]) == [])
    }

    @Test func aQuickBackCountsEveryTripleAndBelongsToTheMiddlePage() {
        // A B A within 5 s of B.
        var scanner = FrustrationScanner()
        for hit in [Self.hit(0, 1, group: 3), Self.hit(20, 2, group: 7), Self.hit(25, 1, group: 3)] { scanner.visit(hit) }
        #expect(scanner.events.map(\.signal) == [.quickBack])
        #expect(scanner.events.first?.group == 7)
        #expect(Self.signals([Self.hit(0, 1), Self.hit(20, 2), Self.hit(26, 1)]) == [])
        // A B A B: two triples.
        #expect(Self.signals([Self.hit(0, 1), Self.hit(20, 2), Self.hit(22, 1), Self.hit(24, 2)]) == [.quickBack, .quickBack])
        // Actions between page views do not break the page views' sequence.
        #expect(Self.signals([Self.hit(0, 1), Self.hit(20, 2), Self.hit(21, 5, method: 1), Self.hit(23, 1)]) == [.quickBack])
    }

    @Test func aDoubleSubmitIsTheSameActionWithinTwoSeconds() {
        #expect(Self.signals([Self.hit(0, 4), Self.hit(5, 8, method: 2), Self.hit(7, 8, method: 2)]) == [.doubleSubmit])
        #expect(Self.signals([Self.hit(5, 8, method: 2), Self.hit(8, 8, method: 2)]) == [])
        // Another method, or another target.
        #expect(Self.signals([Self.hit(5, 8, method: 2), Self.hit(6, 8, method: 3)]) == [])
        #expect(Self.signals([Self.hit(5, 8, method: 2), Self.hit(6, 9, method: 2)]) == [])
    }

    @Test func anErrorRetryFollowsA5xxOfTheSameTargetWithinAMinute() {
        #expect(Self.signals([Self.hit(0, 6, status: 502), Self.hit(60, 6)]) == [.errorRetry])
        #expect(Self.signals([Self.hit(0, 6, status: 599), Self.hit(30, 6, method: 1)]) == [.errorRetry])
        #expect(Self.signals([Self.hit(0, 6, status: 502), Self.hit(61, 6)]) == [])
        #expect(Self.signals([Self.hit(0, 6, status: 404), Self.hit(15, 6)]) == [])
        #expect(Self.signals([Self.hit(0, 6, status: 600), Self.hit(15, 6)]) == [])
        // One hit, two signals: reloaded within 10 s after a 500.
        #expect(Self.signals([Self.hit(0, 6, status: 500), Self.hit(4, 6)]) == [.reload, .errorRetry])
    }

    /// An action's signal belongs to the last page view before it, none without one; a signal
    /// with no page view after it ended the visit.
    @Test func signalsBelongToTheirPageAndMayEndTheVisit() {
        var statistics = FrustrationStatistics(funnels: 0)
        var scanner = FrustrationScanner()
        for hit in [Self.hit(0, 1, group: 2), Self.hit(5, 8, method: 2), Self.hit(6, 8, method: 2)] { scanner.visit(hit) }
        statistics.add(scanner)
        #expect(statistics.sessions == 1 && statistics.signals[.doubleSubmit] == 1 && statistics.endedVisit[.doubleSubmit] == 1)
        #expect(statistics.byGroup.count == 3 && statistics.byGroup[2][.doubleSubmit] == 1)
        var early = FrustrationScanner()
        for hit in [Self.hit(5, 8, method: 2), Self.hit(6, 8, method: 2), Self.hit(9, 1, group: 1)] { early.visit(hit) }
        statistics.add(early)
        #expect(statistics.sessions == 2 && statistics.signals[.doubleSubmit] == 2 && statistics.endedVisit[.doubleSubmit] == 1)
        #expect(statistics.byGroup[2][.doubleSubmit] == 1 && statistics.byGroup[1].total == 0)
        // A calm session adds nothing.
        var calm = FrustrationScanner()
        calm.visit(Self.hit(0, 1))
        statistics.add(calm)
        #expect(statistics.sessions == 2)
    }
}
