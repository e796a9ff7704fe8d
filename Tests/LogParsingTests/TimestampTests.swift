import Testing
@testable import LogParsing

@Suite struct TimestampTests {
    func commonLog(_ text: String) -> LogTimestamp? {
        var cache = DayCache()
        return Array(text.utf8).withUnsafeBytes { TimestampParser.parseCommonLog($0.baseAddress!, count: $0.count, cache: &cache) }
    }

    func iso(_ text: String) -> LogTimestamp? {
        Array(text.utf8).withUnsafeBytes { TimestampParser.parseISO8601($0.baseAddress!, count: $0.count) }
    }

    @Test(arguments: [
        ("02/Mar/2026:10:00:00 -0500", Int64(1_772_463_600), Int16(-300)),
        ("02/Mar/2026:15:00:00 +0000", 1_772_463_600, 0),
        ("02/Mar/2026:20:30:00 +0530", 1_772_463_600, 330),
        ("01/Jan/1970:00:00:00 +0000", 0, 0),
        ("29/Feb/2024:23:59:59 -1200", 1_709_294_399, -720),
    ])
    func commonLogTimestampsInSeveralOffsets(text: String, utc: Int64, offset: Int16) {
        let time = commonLog(text)
        #expect(time?.utcSeconds == utc)
        #expect(time?.offsetMinutes == offset)
    }

    @Test(arguments: ["31/Feb/2026:10:00:00 -0500", "29/Feb/2025:10:00:00 +0000", "02/Mxr/2026:10:00:00 -0500",
                      "02/Mar/2026:24:00:00 -0500", "02/Mar/2026:10:60:00 -0500", "02/Mar/2026:10:00:00 0500",
                      "2/Mar/2026:10:00:00 -0500", "02/Mar/2026:10:00:00 -05", "02/Mar/2026 10:00:00 -0500"])
    func invalidDateTimesAreRejected(text: String) {
        #expect(commonLog(text) == nil)
    }

    @Test func theDayCacheDoesNotConfuseDates() {
        var cache = DayCache()
        let a = Array("02/Mar/2026:10:00:00 +0000".utf8).withUnsafeBytes { TimestampParser.parseCommonLog($0.baseAddress!, count: 26, cache: &cache) }
        let b = Array("03/Mar/2026:10:00:00 +0000".utf8).withUnsafeBytes { TimestampParser.parseCommonLog($0.baseAddress!, count: 26, cache: &cache) }
        #expect(b!.utcSeconds - a!.utcSeconds == 86_400)
    }

    @Test func iso8601WithOffsetOrZ() {
        #expect(iso("2026-03-02T10:00:00-05:00")?.utcSeconds == 1_772_463_600)
        #expect(iso("2026-03-02T15:00:00Z")?.utcSeconds == 1_772_463_600)
        #expect(iso("2026-03-02T15:00:00+00:00")?.offsetMinutes == 0)
        #expect(iso("2026-02-30T15:00:00Z") == nil)
        #expect(iso("2026-03-02 15:00:00Z") == nil)
    }

    @Test func localDaysFollowTheWrittenOffset() {
        // 23:50 at -0500 is 04:50 UTC the next day, but belongs to the local date.
        let time = commonLog("02/Mar/2026:23:50:00 -0500")!
        #expect(time.localDateString == "2026-03-02")
        #expect(time.iso8601 == "2026-03-02T23:50:00-05:00")
        #expect(time.commonLog == "02/Mar/2026:23:50:00 -0500")
        #expect(CivilDate(daysSinceEpoch: CivilDate(year: 2000, month: 2, day: 29).daysSinceEpoch) == CivilDate(year: 2000, month: 2, day: 29))
    }
}
