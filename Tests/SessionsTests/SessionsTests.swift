import Testing
@testable import Analysis
@testable import Sessions

func hit(_ time: Int64, visitor: Int32 = 0, rank: Int32 = 0, line: Int64 = 0, page: Bool = true, group: Int32 = 0,
         status: Int16 = 200, micros: Int64 = 300_000) -> Hit {
    Hit(time: time, offsetMinutes: -300, inputRank: rank, line: line, visitor: visitor, isPageView: page, status: status,
        responseMicroseconds: micros, path: 0, group: page ? group : -1, method: 0, agent: 0, referrerHost: -1)
}

@Suite struct SessionizerTests {
    func sessions(_ hits: [Hit], timeout: Int64 = 1800) -> [[Int64]] {
        var sessionizer = Sessionizer(timeoutSeconds: timeout)
        var out: [[Int64]] = []
        for h in hits { sessionizer.add(h) { out.append($0.hits.map(\.time)) } }
        sessionizer.finish { out.append($0.hits.map(\.time)) }
        return out
    }

    @Test func aGapOfExactlyTheTimeoutContinuesTheSession() {
        #expect(sessions([hit(0), hit(1800), hit(3601)]) == [[0, 1800], [3601]])
    }

    @Test func visitorsHaveSessionsOfTheirOwn() {
        let result = sessions([hit(0, visitor: 1), hit(10, visitor: 2), hit(2000, visitor: 1), hit(20, visitor: 2)])
        #expect(result.sorted { $0[0] < $1[0] } == [[0], [10, 20], [2000]])
    }

    @Test func hitsAddedTogetherMakeTheSessionsTheyMakeOneByOne() {
        // More hits than the look-ahead, visitors interleaved, new visitors among them.
        var hits: [Hit] = []
        for index in 0..<100 {
            let time = Int64(index * 97 % 50 * 60 + index)
            let visitor = Int32(index % 7 * (index / 30 + 1))
            hits.append(hit(time, visitor: visitor))
        }
        hits.sort { $0.time < $1.time }
        var sessionizer = Sessionizer(timeoutSeconds: 600)
        var together: [[Int64]] = []
        hits.withUnsafeBufferPointer { sessionizer.add($0) { together.append($0.hits.map(\.time)) } }
        sessionizer.finish { together.append($0.hits.map(\.time)) }
        #expect(together == sessions(hits, timeout: 600))
        #expect(together.count > 7)
    }

    @Test func idleSessionsAreHandedOnOnceNoHitCanContinueThem() {
        var sessionizer = Sessionizer(timeoutSeconds: 1800)
        var done: [[Int64]] = []
        sessionizer.add(hit(0, visitor: 1)) { _ in }
        sessionizer.add(hit(100, visitor: 2)) { _ in }
        sessionizer.closeIdle(before: 1801) { done.append($0.hits.map(\.time)) }
        #expect(done == [[0]])
        #expect(sessionizer.openCount == 1)
    }
}

extension HitReorderBuffer {
    /// The released hits one by one.
    mutating func release(upTo bound: Int64?, _ deliver: (Hit) -> Void) {
        releaseAll(upTo: bound) { $0.forEach(deliver) }
    }
}

@Suite struct HitReorderBufferTests {
    @Test func hitsComeOutByInstantThenInputThenLine() {
        var buffer = HitReorderBuffer(maxDisorder: 600, holdLimit: 0)
        var out: [Hit] = []
        // Two inputs covering the same seconds, and disorder within one.
        for h in [hit(100, rank: 1, line: 1), hit(50, rank: 0, line: 2), hit(100, rank: 0, line: 3), hit(40, rank: 1, line: 2)] {
            buffer.add(h) { out.append($0) }
        }
        buffer.release(upTo: 700) { out.append($0) }  // releases before 100
        #expect(out.map(\.time) == [40, 50])
        buffer.release(upTo: nil) { out.append($0) }
        let order: [[Int64]] = out.map { h -> [Int64] in [h.time, Int64(h.inputRank), h.line] }
        let expected: [[Int64]] = [[40, 1, 2], [50, 0, 2], [100, 0, 3], [100, 1, 1]]
        #expect(order == expected)
    }

    @Test func aHitLaterThanTheDisorderAllowedIsPassedOnAndCounted() {
        var buffer = HitReorderBuffer(maxDisorder: 600, holdLimit: 0)
        var out: [Hit] = []
        buffer.add(hit(1000)) { out.append($0) }
        buffer.release(upTo: 2000) { out.append($0) }
        buffer.add(hit(10)) { out.append($0) }
        #expect(buffer.lateHits == 1)
        #expect(out.map(\.time) == [1000, 10])
    }

    @Test func smallLogsAreHeldWholeSoAnyDisorderIsExact() {
        var buffer = HitReorderBuffer(maxDisorder: 600, holdLimit: 100)
        var out: [Hit] = []
        buffer.add(hit(5000)) { out.append($0) }
        buffer.release(upTo: 9000) { out.append($0) }
        buffer.add(hit(10)) { out.append($0) }
        buffer.release(upTo: nil) { out.append($0) }
        #expect(out.map(\.time) == [10, 5000])
        #expect(buffer.lateHits == 0)
    }

    @Test func heldHitsComeOutByInstantThenInputThenLine() {
        // Two inputs' hits, a few seconds out of order, with many ties of the same second.
        var generator = SystemRandomNumberGenerator()
        var hits: [Hit] = []
        for line in 0..<2000 {
            for rank in [Int32(1), 0] {
                hits.append(hit(Int64(line / 7) + Int64.random(in: 0...3, using: &generator), rank: rank, line: Int64(line)))
            }
        }
        let expected = hits.sorted(by: Hit.precedes).map { [$0.time, Int64($0.inputRank), $0.line] }
        var buffer = HitReorderBuffer(maxDisorder: 600, holdLimit: 500)
        var out: [Hit] = []
        for (index, hit) in hits.enumerated() {
            buffer.add(hit) { out.append($0) }
            if index % 300 == 0 { buffer.release(upTo: hit.time - 10) { out.append($0) } }
        }
        buffer.release(upTo: nil) { out.append($0) }
        #expect(out.map { [$0.time, Int64($0.inputRank), $0.line] } == expected)
        #expect(buffer.lateHits == 0)
    }

    @Test func onceTheHoldLimitIsReachedEveryReleasePassesOnWhatItCan() {
        var buffer = HitReorderBuffer(maxDisorder: 600, holdLimit: 2)
        var out: [Hit] = []
        buffer.add(hit(100)) { out.append($0) }
        buffer.release(upTo: 5000) { out.append($0) }
        #expect(out.isEmpty)  // one hit held: below the limit
        buffer.add(hit(200)) { out.append($0) }
        buffer.release(upTo: 5000) { out.append($0) }
        #expect(out.map(\.time) == [100, 200])
        buffer.add(hit(6000)) { out.append($0) }
        buffer.release(upTo: 7000) { out.append($0) }
        #expect(out.map(\.time) == [100, 200, 6000])  // one held, but the limit was reached before
        #expect(buffer.heldCount == 0)
    }
}

@Suite struct PageGroupTests {
    @Test func theFirstMatchingRuleWinsAndOthersGroupByNormalisedPath() throws {
        var groups = try PageGroups(rules: [("product", "^/p/"), ("any", "p")])
        #expect(groups.group(ofPath: 0) { "/p/1" } == 0)
        #expect(groups.group(ofPath: 1) { "/shop" } == 1)
        #expect(groups.group(ofPath: 2) { "/order/12345/item/deadbeef00" } == 2)
        #expect(groups.group(ofPath: 3) { "/order/7/item/0123456789abcdef" } == 2)
        #expect(groups.names[2] == "/order/{id}/item/{id}")
    }

    @Test(arguments: [("/a/550e8400-e29b-41d4-a716-446655440000", "/a/{id}"), ("/v1.2/x", "/v1.2/x"),
                      ("/abcdefg", "/abcdefg"), ("/ABCDEF12", "/{id}"), ("/", "/"), ("/12/", "/{id}/")])
    func normalisation(path: String, expected: String) {
        #expect(PageGroups.normalise(path) == expected)
    }
}

@Suite struct StatisticsTests {
    @Test func nearestRankPercentiles() {
        var values = CountedValues()
        for v in [15, 20, 35, 40, 50] as [Int64] { values.add(v) }
        #expect(values.percentile(50) == 35)
        #expect(values.percentile(95) == 50)
        #expect(CountedValues().percentile(50) == nil)
    }

    @Test func loadTimesAreWithinOnePercent() {
        var load = LoadTimes()
        let values: [Int64] = [120_000, 250_500, 999_999, 1_000_000, 2_500_000, 4_000_000, 7_237_509]
        for v in values { load.add(microseconds: v, apdexMicroseconds: 500_000) }
        for (p, rank) in [(50.0, 4), (95.0, 7), (75.0, 6)] {
            let exact = Double(values[rank - 1]) / 1000
            let got = load.percentileMilliseconds(p) ?? 0
            #expect(abs(got - exact) <= exact * 0.01, "p\(p)")
        }
        let apdex: Double = (2 + 2.0 / 2) / 7  // 2 satisfied (≤ 500 ms), 2 tolerating (≤ 2 s), 3 frustrated
        #expect(load.apdex == apdex)
    }

    @Test func aBounceIsOnePageViewAndAnActionAloneHasNoEntryOrExit() {
        var stats = SessionStatistics(apdexMilliseconds: 500, configuredGroups: 1)
        stats.add(Session(visitor: 0, hits: [hit(0)]), device: .desktop)
        stats.add(Session(visitor: 1, hits: [hit(0, visitor: 1, page: false)]), device: .mobile)
        stats.add(Session(visitor: 2, hits: [hit(0, visitor: 2), hit(5, visitor: 2, page: false, status: 502)]), device: .mobile)
        #expect(stats.sessions == 3)
        #expect(stats.bounces == 1)
        #expect(stats.groups[0].entries == 2)
        #expect(stats.groups[0].exits == 2)
        #expect(stats.groups[0].secondsOnPage.percentile(50) == 5)
        #expect(stats.errorExits == 1)
        #expect(stats.sessionsByDevice[.mobile] == 2)
    }
}

@Suite struct DeviceAndSourceTests {
    @Test(arguments: [
        ("Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) Mobile/15E148", Device.tablet),
        ("Mozilla/5.0 (Linux; Android 13; SM-X200) Safari/537.36", .tablet),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36", .mobile),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)", .mobile),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Firefox/132.0", .desktop),
    ])
    func devices(agent: String, device: Device) {
        #expect(Device(userAgent: agent) == device)
    }

    @Test func sources() {
        #expect(TrafficSource(referrerHost: nil, siteHost: "shop.example") == .direct)
        #expect(TrafficSource(referrerHost: "shop.example", siteHost: "shop.example") == .internal)
        #expect(TrafficSource(referrerHost: "google.co.uk", siteHost: nil) == .search)
        #expect(TrafficSource(referrerHost: "m.facebook.com", siteHost: nil) == .social)
        #expect(TrafficSource(referrerHost: "t.co", siteHost: nil) == .social)
        #expect(TrafficSource(referrerHost: "news.x.com", siteHost: nil) == .social)
        #expect(TrafficSource(referrerHost: "xx.com", siteHost: nil) == .other)
        #expect(TrafficSource(referrerHost: "googleusercontent.com", siteHost: nil) == .other)
    }
}
