import Testing
import LogParsing
@testable import Analysis
@testable import Sessions

/// Sessions to statistics, and the statistics to the run's result.
@Suite struct AnalysisTests {
    static func session(visitor: Int32, at start: Int64, views: Int, status: Int16 = 200) -> Session {
        let hits = (0..<views).map { index in
            Hit(time: start + Int64(index) * 30, offsetMinutes: 0, inputRank: 0, line: Int64(index + 1), visitor: visitor,
                isPageView: true, status: index == views - 1 ? status : 200, responseMicroseconds: 200_000,
                path: Int32(index), group: Int32(index % 2), method: 0, agent: -1, referrerHost: -1)
        }
        return Session(visitor: visitor, hits: hits)
    }

    static func sessions() -> [Session] {
        (0..<2000).map { index in
            session(visitor: Int32(index % 300), at: 1_772_409_600 + Int64(index) * 60, views: 1 + index % 4,
                    status: index % 17 == 0 ? 500 : 200)
        }
    }

    static func empty() -> SessionStatistics {
        StatisticsFold.statistics(apdexMilliseconds: 500, configuredGroups: 0, funnels: [], cart: nil)
    }

    @Test func foldingOnTheStatisticsThreadGivesTheSameFigures() {
        let values = InternedValues()
        let inline = StatisticsFold(Self.empty(), inBackground: false, advice: false)
        let background = StatisticsFold(Self.empty(), inBackground: true, advice: false)
        for session in Self.sessions() {
            inline.add(session, values: values)
            background.add(session, values: values)
        }
        let a = inline.finish(), b = background.finish()
        #expect(a.sessions == 2000)
        #expect(b.sessions == a.sessions)
        #expect(b.bounces == a.bounces)
        #expect(b.pageViews == a.pageViews)
        #expect(b.errorExits == a.errorExits)
        #expect(b.visitors.records() == a.visitors.records())
        #expect(b.dayFigures(groupNames: ["a", "b"]) == a.dayFigures(groupNames: ["a", "b"]))
    }

    @Test func aStatisticsThreadLeftUnfinishedEnds() {
        // A run that stopped early drops its fold: the thread folds what it had, then ends.
        for _ in 0..<20 {
            let fold = StatisticsFold(Self.empty(), inBackground: true, advice: false)
            for session in Self.sessions().prefix(1500) { fold.add(session, values: InternedValues()) }
        }
        let thread = StatisticsThread(Self.empty())
        #expect(thread != nil)
    }

    @Test func eachMatcherGetsOneBitInOrderOfAppearance() {
        let product = HitMatcher(method: nil, path: "^/p/")
        let add = HitMatcher(method: "POST", path: "^/cart/add")
        let funnels = [FunnelDefinition(name: "checkout", steps: [FunnelStep(name: "product", matcher: product),
                                                                   FunnelStep(name: "add", matcher: add)])]
        let bits = StatisticsFold.matcherBits(funnels: funnels, cart: CartRules(add: add, purchase: product))
        #expect(bits.matchers == [product, add])
        #expect(bits.funnelBits == [[0, 1]])
        #expect(bits.cartBits?.add == 1 && bits.cartBits?.purchase == 0)
    }

    static func result(hosts: [String], later: [Int32: Int], siteHost: String? = nil) -> RunResult {
        var statistics = empty()
        // Sessions of two page views, the second referred by the host.
        for (host, count) in later.sorted(by: { $0.key < $1.key }) {
            for index in 0..<count {
                var session = session(visitor: Int32(index), at: 1_772_409_600 + Int64(index) * 3600, views: 2)
                session.hits[1].referrerHost = host
                statistics.add(session, device: .desktop)
            }
        }
        var partial = PartialResult(groupNames: [], statistics: statistics, advice: false)
        partial.hostNames = hosts
        return RunResult(settings: .init(siteHost: siteHost, apdexThresholdMilliseconds: 500, churnInactiveDays: 30),
                         results: partial, thresholds: [])
    }

    @Test func theSiteHostIsConfiguredOrTheCommonestLaterReferrer() {
        #expect(Self.result(hosts: ["google.com", "shop.example"], later: [0: 3, 1: 40]).siteHost == "shop.example")
        // A tie goes to the first name.
        #expect(Self.result(hosts: ["b.example", "a.example"], later: [0: 5, 1: 5]).siteHost == "a.example")
        #expect(Self.result(hosts: ["shop.example"], later: [0: 5], siteHost: "www.mine.example").siteHost == "mine.example")
        #expect(Self.result(hosts: [], later: [:]).siteHost == nil)
    }

    @Test func theHeadlineIsStoredByStableKeysAndReadsOlderNightsByLabel() {
        let figures = Headline.figures(Self.result(hosts: [], later: [:]))
        #expect(figures.map(\.key) == ["sessions", "visitors", "bounce_rate", "error_exit_rate", "frustrated_session_rate"])
        #expect(figures.map(\.label) == ["sessions", "visitors", "bounce rate", "error exit rate", "frustrated sessions"])
        // A night stored by uxchurn 0.5 is keyed by label; a renamed label does not lose it.
        let stored = Headline.stored(["sessions": 10, "bounce rate": 0.4, "error_exit_rate": 0.1, "gone": 1], for: figures)
        #expect(stored == ["sessions": 10, "bounce_rate": 0.4, "error_exit_rate": 0.1])
    }

    /// A rate keeps its denominator in the history; the next night's change is within chance
    /// when the two nights' 95% intervals overlap.
    @Test func aRateChangeIsJudgedAgainstBothNightsIntervals() {
        let bounce = HeadlineValue(key: "bounce_rate", label: "bounce rate", value: 8.0 / 11, isRate: true, higherIsBetter: false,
                                   count: (8, 11))
        #expect(bounce.few)
        #expect(bounce.interval.map { (($0.low * 1000).rounded(), ($0.high * 1000).rounded()) } ?? (0, 0) == (434, 903))
        let numbers = Headline.numbers([bounce], days: 2)
        #expect(numbers == ["bounce_rate": 8.0 / 11, "bounce_rate#n": 11, "days": 2])
        #expect(Headline.stored(numbers, for: [bounce]) == numbers)
        // 8 of 11 against 5 of 11: intervals 43.4–90.3% and 21.3–72.0% overlap.
        #expect(Headline.withinChance(bounce, previous: ["bounce_rate": 5.0 / 11, "bounce_rate#n": 11]))
        // Against 50 of 1,000 (3.8–6.5%) the rise is a finding.
        #expect(!Headline.withinChance(bounce, previous: ["bounce_rate": 0.05, "bounce_rate#n": 1000]))
        // A night stored without its denominator, or a count: never within chance.
        #expect(!Headline.withinChance(bounce, previous: ["bounce_rate": 5.0 / 11]))
        let sessions = HeadlineValue(key: "sessions", label: "sessions", value: 11, isRate: false, higherIsBetter: true)
        #expect(!sessions.few && sessions.interval == nil)
        #expect(!Headline.withinChance(sessions, previous: ["sessions": 10, "sessions#n": 10]))
    }

    @Test func aThresholdWithoutDataIsABreach() {
        let result = Self.result(hosts: [], later: [:])
        let rules = [ThresholdRule(metric: .bounceRate, max: 0.5, line: 3),
                     ThresholdRule(metric: .funnelConversion, funnel: "checkout", min: 0.01, line: 4)]
        let checked = ThresholdEvaluator.evaluate(rules, results: result.results)
        #expect(checked.map(\.ok) == [false, false])
        #expect(checked.map(\.title) == ["bounce_rate", "funnel_conversion checkout"])
        #expect(checked[0].limit == "max 0.5")
    }
}
